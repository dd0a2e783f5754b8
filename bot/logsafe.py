"""Logging that never shows the bot token or what a person wrote (DESIGN §8).

Three layers, all on the one handler `setup_logging` installs:

- Token-shaped strings (httpx logs request URLs, which carry the token) and the
  configured secrets are replaced in every record, tracebacks included.
- python-telegram-bot's own records carry updates, API parameters and raw
  responses: the whole batch of updates when one cannot be decoded (CRITICAL),
  the update being processed, the parameters of each call (DEBUG). Their
  arguments are replaced by summaries that keep what an operator needs (update
  ids, method names, chat ids, numbers), and their tracebacks keep the frames
  and the exception type but drop a message that may quote the data. Any
  record's argument that is a Telegram object is summarised the same way.
- Loggers that print SQL or raw traffic are held back: python-telegram-bot and
  httpcore at INFO even when the rest runs at DEBUG, SQLAlchemy and the database
  drivers at WARNING (SQLAlchemy logs each statement at INFO).
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Mapping
from typing import Any

from telegram import TelegramObject, Update
from telegram.error import BadRequest, TelegramError

# Bot tokens are "<digits>:<35 url-safe characters>"; match generously.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
# Loggers whose DEBUG output contains update contents, API or SQL parameters.
CHATTY_LOGGERS = {
    "telegram": logging.INFO,
    "aiohttp.access": logging.INFO,
    "apscheduler.executors": logging.INFO,
    "httpcore": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
}
# Parameters whose values say nothing about what anyone wrote.
_SAFE_KEYS = frozenset(
    {
        "update_id",
        "chat_id",
        "message_id",
        "message_ids",
        "callback_query_id",
        "offset",
        "limit",
        "timeout",
        "allowed_updates",
        "parse_mode",
        "action",
        "show_alert",
        "ok",
        "error_code",
    }
)
_UPDATE_ID = re.compile(r'"update_id"\s*:\s*(\d+)')
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.]{0,63}")
_MAX_ITEMS = 20


class _Shown(str):
    """A summary that prints the same with %s and %r (no quotes around it)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def _is_ptb(record: logging.LogRecord) -> bool:
    return record.name == "telegram" or record.name.startswith("telegram.")


def _update_ids(items: list[Any]) -> list[int] | None:
    """The update ids of a list of updates (objects or dicts), or None if it is not one."""
    ids: list[int] = []
    for item in items:
        if isinstance(item, Update):
            ids.append(item.update_id)
        elif isinstance(item, Mapping) and isinstance(item.get("update_id"), int):
            ids.append(item["update_id"])
        else:
            return None
    return ids


def summarise(value: Any) -> Any:
    """`value` with everything a person may have written replaced by a summary."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Update):
        return _Shown(f"<update {value.update_id}>")
    if isinstance(value, TelegramObject):
        return _Shown(f"<{type(value).__name__}>")
    if isinstance(value, BaseException):
        return _Shown(exception_line(value))
    if isinstance(value, Mapping):
        if isinstance(value.get("update_id"), int):
            return _Shown(f"<update {value['update_id']}>")
        shown = ", ".join(
            f"{key}: {summarise(item) if key in _SAFE_KEYS else '<…>'}"
            for key, item in list(value.items())[:_MAX_ITEMS]
        )
        return _Shown("{" + shown + "}")
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        ids = _update_ids(items)
        if ids is not None and ids:
            return _Shown(f"<updates {ids}>")
        return _Shown("[" + ", ".join(str(summarise(item)) for item in items[:_MAX_ITEMS]) + "]")
    if isinstance(value, bytes | bytearray):
        return _Shown(_text_summary(bytes(value).decode("utf-8", "replace"), f"{len(value)} bytes"))
    if isinstance(value, str):
        if _IDENTIFIER.fullmatch(value) or (
            len(value) <= 80 and value.strip()[:1] not in ("{", "[") and "\n" not in value
        ):
            return value  # a method name, a log prefix, a URL (tokens are redacted later)
        return _Shown(_text_summary(value, f"{len(value)} characters"))
    return _Shown(f"<{type(value).__name__}>")


def _text_summary(text: str, size: str) -> str:
    ids = [int(found) for found in _UPDATE_ID.findall(text)]
    return f"<{size}; update ids {ids}>" if ids else f"<{size}>"


def exception_line(exc: BaseException) -> str:
    """The exception's type, and its message only where that cannot quote user data."""
    name = type(exc).__qualname__
    module = type(exc).__module__
    if module not in ("builtins", "__main__"):
        name = f"{module}.{name}"
    # Telegram's answers and network errors describe the request's fate, not its content;
    # a refusal (400) can quote what was sent ("can't parse entities: ... <tag>").
    if isinstance(exc, TelegramError) and not isinstance(exc, BadRequest):
        return f"{name}: {exc}"
    if isinstance(exc, OSError):
        return f"{name}: {exc}"
    return f"{name} (message withheld: it may contain what a person wrote)"


def safe_traceback(exc: BaseException) -> str:
    """A traceback with frames and exception types, without messages that may hold data."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for position, item in enumerate(reversed(chain)):
        if position:
            parts.append("\nwhich led to:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(exception_line(item))
    return "".join(parts)


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in (secrets or []) if s]

    def _redact(self, text: str) -> str:
        text = TOKEN_PATTERN.sub("<token>", text)
        for secret in self.secrets:
            text = text.replace(secret, "<secret>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        ptb = _is_ptb(record)
        if ptb and not isinstance(record.msg, str):
            record.msg, record.args = summarise(record.msg), None
        if record.args:
            if (
                ptb
                and isinstance(record.args, Mapping)
                and "%(" not in str(record.msg)
                and isinstance(record.args.get("update_id"), int)
            ):
                # log.x("... %r", update_dict): logging took the lone dict for named args
                args: Any = (summarise(record.args),)
            elif isinstance(record.args, Mapping):
                args = {
                    key: summarise(value) if ptb or isinstance(value, TelegramObject) else value
                    for key, value in record.args.items()
                }
            else:
                args = tuple(
                    summarise(arg) if ptb or isinstance(arg, TelegramObject) else arg
                    for arg in record.args
                )
            record.args = args
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now (over any text another handler cached) so that
            # the redaction covers it too.
            exc = record.exc_info[1]
            text = (
                safe_traceback(exc) if ptb else logging.Formatter().formatException(record.exc_info)
            )
            record.exc_text = self._redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    for name, floor in CHATTY_LOGGERS.items():
        logging.getLogger(name).setLevel(max(numeric, floor))
