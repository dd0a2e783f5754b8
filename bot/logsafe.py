"""Logging that never shows the bot token or what a person wrote (DESIGN §8).

httpx logs every request URL, and Telegram URLs carry the token, so a filter on
the handler replaces any token-shaped string. python-telegram-bot logs whole
updates and API parameters at DEBUG (message texts included), and aiosqlite
logs every statement with its parameters, so such loggers are held at INFO
even when the rest of the bot runs at DEBUG.
"""

from __future__ import annotations

import logging
import re

# Bot tokens are "<digits>:<35 url-safe characters>"; match generously.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# Loggers whose DEBUG output contains update contents, API or SQL parameters.
CHATTY_LOGGERS = (
    "telegram",
    "aiohttp.access",
    "apscheduler.executors",
    "aiosqlite",
    "sqlalchemy",
    "asyncpg",
    "httpcore",
)


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_PATTERN.sub("<token>", message)
        for secret in self.secrets:
            redacted = redacted.replace(secret, "<secret>")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_text is None and record.exc_info[1] is not None:
            # Format the traceback now so the redaction covers it too.
            record.exc_text = TOKEN_PATTERN.sub(
                "<token>", logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        return True


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.INFO))
