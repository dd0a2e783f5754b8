"""`magbot run` and `magbot db upgrade`: settings, migrations, then the bot."""

from __future__ import annotations

import asyncio
import logging
import sys

from bot.config import Settings, SettingsError, load_settings
from bot.logsafe import setup_logging
from storage.db import make_engine, upgrade

log = logging.getLogger(__name__)


def _fail(message: str) -> int:
    print(f"magbot: {message}", file=sys.stderr)
    return 2


async def _upgrade(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def upgrade_database() -> int:
    try:
        settings = load_settings()
        setup_logging(settings.log_level)
        asyncio.run(_upgrade(settings))
    except SettingsError as exc:
        return _fail(str(exc))
    except (OSError, ConnectionError) as exc:
        return _fail(f"cannot reach the database ({type(exc).__name__}); check MAGBOT_DATABASE_URL")
    print("database is up to date")
    return 0


def run_bot() -> int:
    try:
        settings = load_settings(require_token=True)
    except SettingsError as exc:
        return _fail(str(exc))
    token = settings.token.get_secret_value() if settings.token else ""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    setup_logging(settings.log_level, [token, secret])
    try:
        asyncio.run(_upgrade(settings))
    except (OSError, ConnectionError) as exc:
        return _fail(f"cannot reach the database ({type(exc).__name__}); check MAGBOT_DATABASE_URL")

    from bot.app import UPDATES, build_application

    app = build_application(settings)
    if settings.webhook_url:
        log.info("starting with a webhook on port %s", settings.webhook_port)
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=f"{settings.webhook_url}/telegram",
            secret_token=secret or None,
            allowed_updates=UPDATES,
        )
    else:
        log.info("starting with long polling against %s", settings.api_base_url)
        app.run_polling(allowed_updates=UPDATES)
    return 0
