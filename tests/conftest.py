"""Fixtures: migrated databases (SQLite always, PostgreSQL when configured) and the real
bot running against the Bot API emulator over HTTP."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import MagbotApp, build_application, start_embedded, stop_embedded
from bot.clock import Clock, FakeClock, SystemClock
from bot.config import Settings
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import SentMessage
from storage.db import make_engine, make_sessionmaker, upgrade

# Shaped like a real token, so the log-redaction tests mean something.
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
USER = 1001
POSTGRES_ENV = "MAGBOT_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests run in CI (.ci/run sets it)")
    return url


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[Callable[[], AsyncEngine]]:
    """A factory of engines on a fresh PostgreSQL schema, dropped afterwards.

    Skips when the variable is unset; fails (does not skip) when it is set but the
    server is unreachable.
    """
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engines: list[AsyncEngine] = []

    def factory() -> AsyncEngine:
        engine = make_engine(url, connect_args={"server_settings": {"search_path": schema}})
        engines.append(engine)
        return engine

    admin = make_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield factory
    finally:
        for engine in engines:
            await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        await upgrade(eng)
        yield eng
        await eng.dispose()
        return
    async with postgres_schema() as factory:
        eng = factory()
        await upgrade(eng)
        yield eng


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    emu = BotApiEmulator(token=TOKEN)
    await emu.start()
    yield emu
    await emu.stop()


@dataclass
class Harness:
    """The real bot, polling the emulator over HTTP, and a person talking to it."""

    emu: BotApiEmulator
    app: MagbotApp
    sessions: async_sessionmaker[AsyncSession]
    user: int = USER

    def _busy_calls(self) -> int:
        return sum(1 for c in self.emu.calls if c.method != "getUpdates")

    async def settle(self, quiet: float = 0.25, limit: float = 10.0) -> None:
        """Wait until the bot has made no API call for `quiet` seconds.

        Requests waiting in the bot's rate limiter (a 429 being waited out, the
        per-chat pace) count as busy.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        seen = self._busy_calls()
        limiter = self.app.bot.rate_limiter
        while loop.time() < deadline:
            await asyncio.sleep(quiet)
            now = self._busy_calls()
            pipeline = self.app.bot_data.updates
            idle = (pipeline is None or pipeline.idle()) and getattr(limiter, "in_flight", 0) == 0
            if now == seen and idle:
                return
            seen = now

    async def say(
        self, text: str, *, user: int | None = None, date: datetime | None = None, replies: int = 1
    ) -> list[SentMessage]:
        """The person writes; returns the bot's new messages once it has settled."""
        user = user or self.user
        before = len(self.emu.messages(user))
        self.emu.user_says(user, text, date=date)
        await self.emu.wait_for_messages(user, before + replies)
        await self.settle()
        return self.emu.messages(user)[before:]

    async def tap(
        self, label: str, *, user: int | None = None, message_id: int | None = None
    ) -> Any:
        """The person taps a button; returns the callback answer once the bot has settled."""
        user = user or self.user
        query_id = self.emu.tap(user, label, message_id=message_id)
        answer = await self.emu.wait_for_callback_answer(query_id)
        await self.settle()
        return answer

    def last(self, user: int | None = None) -> SentMessage:
        return self.emu.messages(user or self.user)[-1]

    def texts(self, user: int | None = None) -> list[str]:
        return [m.plain_text or m.plain_caption or "" for m in self.emu.messages(user or self.user)]


async def start_bot(
    emu: BotApiEmulator, database_url: str, *, clock: Clock | None = None, **settings: Any
) -> MagbotApp:
    """Build and start the real application against the emulator, as `magbot run` does."""
    config = Settings(token=TOKEN, database_url=database_url, api_base_url=emu.base_url, **settings)
    engine = make_engine(config.database_url)
    await upgrade(engine)
    await engine.dispose()
    app = build_application(config, clock=clock or SystemClock())
    await start_embedded(app)
    return app


async def stop_bot(app: MagbotApp) -> None:
    await stop_embedded(app)


@pytest.fixture
async def harness(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Harness]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emulator, url)
    reader = make_engine(url)
    try:
        yield Harness(emulator, app, make_sessionmaker(reader))
    finally:
        await stop_bot(app)
        await reader.dispose()


# A summer Monday, 10:00 in Berlin.
CLOCK_START = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@dataclass
class ClockedHarness(Harness):
    """The harness on a FakeClock that the bot and the emulator share: hours pass at once.

    `advance` moves the clock and runs the bot's own dispatcher round, so every
    prompt due by then is sent (or not) before it returns.
    """

    clock: FakeClock = field(default_factory=lambda: FakeClock(CLOCK_START))

    def now(self) -> datetime:
        return self.clock.now()

    async def advance(self, delta: timedelta, *, prompts: int = 0) -> list[SentMessage]:
        """Let `delta` pass; returns the prompts the bot sent meanwhile.

        `prompts`: how many to wait for. A round the scheduler's own job began may
        still be pacing its send (one message a second per chat) when ours ends.
        """
        before = len(self.emu.messages(self.user))
        self.clock.advance(delta)
        await self.app.bot_data.scheduler.dispatcher.run()
        if prompts:
            await self.emu.wait_for_messages(self.user, before + prompts)
        await self.settle()
        return self.emu.messages(self.user)[before:]


@pytest.fixture
async def clocked(tmp_path: Path) -> AsyncIterator[ClockedHarness]:
    clock = FakeClock(CLOCK_START)
    emu = BotApiEmulator(token=TOKEN, clock=clock)
    await emu.start()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emu, url, clock=clock)
    reader = make_engine(url)
    try:
        yield ClockedHarness(emu, app, make_sessionmaker(reader), clock=clock)
    finally:
        await stop_bot(app)
        await reader.dispose()
        await emu.stop()


# --- tiers -------------------------------------------------------------------------------
# Every test is marked with its tier, so the fast one runs alone while you work:
#   pytest -m unit -n 0   pure logic, seconds
#   pytest -m database    use cases and queries on SQLite (and PostgreSQL when configured)
#   pytest -m e2e         the real bot over HTTP through the Bot API emulator
#   pytest -m processes   real `magbot` processes (run, demo, db upgrade, kill -9)
PROCESS_MODULES = ("process", "demo", "time_travel", "fault", "kill", "workers")
E2E_FIXTURES = {"harness", "emulator", "bot", "clocked"}
DATABASE_FIXTURES = {"engine", "sessions", "pg_engines"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(item.get_closest_marker(tier) for tier in ("unit", "database", "e2e", "processes")):
            continue
        module = item.module.__name__ if item.module else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if any(word in module for word in PROCESS_MODULES):
            item.add_marker(pytest.mark.processes)
        elif fixtures & E2E_FIXTURES or "e2e" in module:
            item.add_marker(pytest.mark.e2e)
        elif fixtures & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.database)
        else:
            item.add_marker(pytest.mark.unit)
