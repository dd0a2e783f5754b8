"""The composition root: one place that wires settings, storage, handlers and the scheduler."""

from __future__ import annotations

import logging
from typing import Any, cast

from telegram import BotCommand
from telegram.ext import Application, ContextTypes, ExtBot

from bot import scheduling
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotData
from bot.handlers import (
    checkin,
    errors,
    gate,
    history,
    midas,
    onboarding,
    privacy,
    prompts,
    settings_cmds,
    summary,
)
from bot.ratelimit import BotRateLimiter
from bot.scheduling.dispatch import process_name
from bot.transport import AiohttpRequest
from bot.ui import texts
from bot.ui.prompts import render_markup
from bot.updates.pipeline import Pipeline
from storage.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)

MagbotApp = Application[ExtBot[None], Any, dict[Any, Any], dict[Any, Any], BotData, Any]


def build_application(settings: Settings, *, clock: Clock | None = None) -> MagbotApp:
    """Build the bot; `post_init` starts the scheduler, `post_shutdown` closes what it opened."""
    if settings.token is None:
        raise ValueError("a token is required to build the application")
    engine = make_engine(settings.database_url, connections=settings.db_connections)
    bot_data = BotData(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        clock=clock or SystemClock(),
        render_prompt=render_markup,
        worker_name=process_name(),
    )
    # PTB builds bot_data by calling what it is given; ours exists already.
    context_types = ContextTypes(bot_data=lambda: bot_data)  # type: ignore[call-overload]
    root = settings.api_base_url
    app = cast(
        MagbotApp,
        Application.builder()
        .token(settings.token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(context_types)
        # aiohttp, not PTB's httpx: the same requests for a third of the CPU (bot.transport)
        .request(AiohttpRequest())
        # One budget for everything the bot sends; a 429 that still comes is
        # waited out (retry_after) instead of dropping the message.
        .rate_limiter(BotRateLimiter(overall_max_rate=settings.send_rate, max_retries=5))
        # Updates come through the durable inbox (bot.updates), not PTB's updater.
        .updater(None)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .job_queue(None)
        .build(),
    )
    # Order matters: the gate (private chats, the allow-list) runs first in its
    # own group; commands before the free-text check-in, which takes any text.
    gate.register(app)
    onboarding.register(app)
    settings_cmds.register(app)
    summary.register(app)
    midas.register(app)
    privacy.register(app)
    prompts.register(app)
    history.register(app)
    checkin.register(app)
    errors.register(app)
    return app


async def _post_init(app: MagbotApp) -> None:
    await app.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )
    await scheduling.start(app)


async def _post_stop(app: MagbotApp) -> None:
    # Before the bot's HTTP client closes, so prompts being sent can finish.
    await scheduling.stop(app)


async def _post_shutdown(app: MagbotApp) -> None:
    app.bot_data.close()
    await app.bot_data.engine.dispose()


async def start_embedded(app: MagbotApp, *, polling: bool = True) -> None:
    """Start the bot inside a running event loop: the application, its scheduler, and the
    updates pipeline (polling the Bot API, or fed by a webhook server when `polling` is off)."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    pipeline = Pipeline(app, polling=polling)
    app.bot_data.updates = pipeline
    await pipeline.start()


async def stop_embedded(app: MagbotApp) -> None:
    """Stop what `start_embedded` started: updates first, so nothing is left half done."""
    pipeline = app.bot_data.updates
    if pipeline is not None:
        await pipeline.stop()
        app.bot_data.updates = None
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    if app.post_shutdown:
        await app.post_shutdown(app)
    await app.shutdown()
