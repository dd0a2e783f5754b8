"""What the fault suites share: the real bot on a fresh database (SQLite, or a PostgreSQL
database of its own), and a watch over every log record.

The bot always talks to the Bot API emulator over HTTP; faults are injected there
(or between the bot and its database), never by replacing the bot's network layer.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import func, select

from bot.emulator.server import BotApiEmulator
from bot.logsafe import CHATTY_LOGGERS, RedactingFilter
from storage.db import make_engine, make_sessionmaker
from storage.models import InboxUpdate
from tests.conftest import TOKEN, Harness, start_bot, stop_bot

# SQL statements and their parameters (people's text) are held back at WARNING in
# production whatever the level (bot.logsafe.CHATTY_LOGGERS); every other logger,
# python-telegram-bot's and httpx's included, is watched at DEBUG.
HELD_BACK = {"sqlalchemy", "aiosqlite", "asyncpg"}


@asynccontextmanager
async def running_bot(
    emu: BotApiEmulator, url: str, *, reader_url: str | None = None, **settings: Any
) -> AsyncIterator[Harness]:
    """The real bot, started as `magbot run` starts it, and a reader of its database.

    `reader_url`: where the test reads the database (when the bot reaches it through
    something the test breaks).
    """
    app = await start_bot(emu, url, **settings)
    reader = make_engine(reader_url or url)
    try:
        yield Harness(emu, app, make_sessionmaker(reader))
    finally:
        await stop_bot(app)
        await reader.dispose()


async def inbox_rows(harness: Harness) -> dict[int, InboxUpdate]:
    async with harness.sessions() as session:
        rows = (await session.scalars(select(InboxUpdate))).all()
    return {row.update_id: row for row in rows}


async def count(harness: Harness, model: Any, **where: Any) -> int:
    async with harness.sessions() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


class LogWatch(logging.Handler):
    """Every log record, through the filter production logs through, as it would be shown."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(RedactingFilter(secrets))
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.stream = io.StringIO()
        self.records: list[tuple[int, str, str]] = []  # level, logger, shown text

    def emit(self, record: logging.LogRecord) -> None:
        shown = self.format(record)
        self.records.append((record.levelno, record.name, shown))
        self.stream.write(shown + "\n")

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def errors(self, *allowed: str) -> list[str]:
        """Records at ERROR or above, but those matching one of the `allowed` patterns."""
        return [
            shown
            for level, _, shown in self.records
            if level >= logging.ERROR and not any(re.search(p, shown) for p in allowed)
        ]

    def assert_no_errors(self, *allowed: str) -> None:
        errors = self.errors(*allowed)
        assert not errors, "errors were logged:\n" + "\n".join(errors)

    def assert_never_shows(self, *written: str) -> None:
        for piece in written:
            leaks = [shown for _, _, shown in self.records if piece in shown]
            assert not leaks, f"{piece!r} reached the log:\n" + "\n".join(leaks[:5])


@contextmanager
def watch_logs(*secrets: str) -> Iterator[LogWatch]:
    """Capture every record at DEBUG, python-telegram-bot's and the HTTP clients' included."""
    watch = LogWatch([TOKEN, *secrets])
    root = logging.getLogger()
    names = ["", "bot", "telegram", "aiohttp", "httpx", "httpcore", "asyncio", *CHATTY_LOGGERS]
    saved = {name: logging.getLogger(name).level for name in names}
    root.addHandler(watch)
    for name in names:
        floor = CHATTY_LOGGERS.get(name, logging.DEBUG) if name in HELD_BACK else logging.DEBUG
        logging.getLogger(name).setLevel(floor)
    try:
        yield watch
    finally:
        root.removeHandler(watch)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def writes(emu: BotApiEmulator, person: int, text: str) -> None:
    """The person sends `text`; one with lone surrogates is put in the update as it is (the
    emulator counts text in UTF-16, which has no lone surrogates)."""
    try:
        emu.user_says(person, text)
    except UnicodeEncodeError:
        user = emu.add_user(person)
        entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        emu.inject_update(
            {
                "message": {
                    "message_id": 1,
                    "date": int(emu.now().timestamp()),
                    "chat": {"id": person, "type": "private", "first_name": user["first_name"]},
                    "from": user,
                    "text": text,
                    **({"entities": entities} if text.startswith("/") else {}),
                }
            }
        )
