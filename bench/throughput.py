"""Throughput and head-of-line wait: the real bot against a bare python-telegram-bot echo bot.

Both talk to the Bot API emulator over HTTP with its rate limits off, so the
wire is not the bottleneck; runs alternate (echo, echo-aiohttp, store, magbot,
echo, ...) in one invocation, so a noisy machine shifts them alike: compare the
ratio. The store bot is the echo bot that stores each message first (one row,
one transaction, through magbot's engine): what any bot that keeps what it is
told pays at the least. magbot sends through aiohttp (bot.transport), the echo
and store bots through PTB's default, httpx; the echo bot on aiohttp shows what
that choice alone is worth, and magbot's ratio against it.

- check-ins/s: N people each send one free-text check-in at once; the time from
  the first message to the last reply. Each person has written once before (not
  timed): a first message also creates the person, which happens once in a life.
- CPU per message: this whole process's CPU (bot, emulator and bench share one core, and
  every bot here is bound by it) over those messages; at a ratio of 0.6 a check-in may
  cost the echo bot's figure / 0.6 (bench/checkin_cost.py: the diary's own part of it).
- head of line: one person sends 10 messages in a burst, then 100 others send one
  each; how long each of the 100 waits for their reply (median and max).

    python bench/throughput.py                      # SQLite, 3 rounds
    python bench/throughput.py --database-url postgresql://postgres@127.0.0.1:5432/test
    python bench/throughput.py --people 300 --rounds 5
    python bench/throughput.py --loop asyncio       # both on asyncio's loop, not uvloop
    python bench/throughput.py --bots echo magbot --text /help   # nothing to store

Both bots run on the event loop `magbot run` uses (uvloop where installed), so the
ratio compares the code, not the loop.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, Text, insert
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.app import build_application, start_embedded, stop_embedded
from bot.config import Settings
from bot.emulator.core import EmulatorEvent
from bot.emulator.server import BotApiEmulator
from bot.runner import loop_factory
from bot.transport import AiohttpRequest
from storage.db import make_engine, scratch_database, upgrade

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
CHECKINS = (
    "migraine since 2pm 6/10 nausea",
    "took 200mg magnesium",
    "slept 6h woke up twice",
    "anxiety 4/10",
    "headache 3/10 since this morning",
)
FIRST_PERSON = 5_000_000
KINDS = ("echo", "echo-aiohttp", "store", "magbot")
WHAT = {
    "echo": "a bare PTB echo bot",
    "echo-aiohttp": "the echo bot on magbot's HTTP client, bot.transport",
    "store": "the echo bot storing each message first: one row, one transaction",
    "magbot": "the real bot; CPU includes the emulator's share, as for all",
}


async def _echo(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None and update.message is not None
    await update.effective_chat.send_message(update.message.text or "")


@asynccontextmanager
async def echo_bot(
    emu: BotApiEmulator, answer: Any = None, concurrent: int = 1, *, aiohttp: bool = False
) -> AsyncIterator[None]:
    """A bare PTB bot that answers every text with itself: the floor of what PTB costs.
    `aiohttp`: its requests through magbot's HTTP client instead of PTB's default (httpx)."""
    builder = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{emu.base_url}/bot")
        .base_file_url(f"{emu.base_url}/file/bot")
        .concurrent_updates(concurrent)
    )
    if aiohttp:
        builder = builder.request(AiohttpRequest())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, answer or _echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


_messages = MetaData()
_message = Table(
    "message",
    _messages,
    Column("id", Integer, primary_key=True),
    Column("chat_id", BigInteger),
    Column("text", Text),
)


@asynccontextmanager
async def store_bot(emu: BotApiEmulator, database_url: str) -> AsyncIterator[None]:
    """The echo bot that first stores each message, one transaction each, through the
    engine magbot uses: the least a bot that keeps what it is told does for a message.
    Its rate bounds what the ratio can reach with SQLAlchemy on this database."""
    engine = make_engine(database_url)
    async with engine.begin() as conn:
        await conn.run_sync(_messages.create_all)

    async def store_and_echo(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None and update.message is not None
        async with engine.begin() as conn:
            await conn.execute(
                insert(_message),
                {"chat_id": update.effective_chat.id, "text": update.message.text},
            )
        await update.effective_chat.send_message(update.message.text or "")

    try:
        # concurrently, as magbot: transactions overlap their round trips to the database
        async with echo_bot(emu, store_and_echo, concurrent=32):
            yield
    finally:
        await engine.dispose()


@asynccontextmanager
async def magbot(emu: BotApiEmulator, database_url: str) -> AsyncIterator[None]:
    """The real bot, as `magbot run` builds it, on a fresh database."""
    engine = make_engine(database_url)
    await upgrade(engine)
    await engine.dispose()
    settings = Settings(
        token=TOKEN, database_url=database_url, api_base_url=emu.base_url, send_rate=1000
    )
    app = build_application(settings)
    await start_embedded(app)
    try:
        yield
    finally:
        await stop_embedded(app)


class Replies:
    """When each chat got each reply, from the emulator's events."""

    def __init__(self, emu: BotApiEmulator) -> None:
        self.at: dict[int, list[float]] = {}
        self.event = asyncio.Event()
        emu.add_listener(self._on)

    def _on(self, event: EmulatorEvent) -> None:
        if event.kind == "sent":
            self.at.setdefault(event.chat_id, []).append(time.perf_counter())
            self.event.set()

    async def wait(self, want: Callable[[], bool], limit: float) -> None:
        deadline = time.perf_counter() + limit
        while not want():
            self.event.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("the bot did not answer in time")
            try:
                await asyncio.wait_for(self.event.wait(), left)
            except TimeoutError:
                continue


async def warm_up(emu: BotApiEmulator, ids: range) -> None:
    """Each person's first message (creates them), answered before anything is timed."""
    replies = Replies(emu)
    for person in ids:
        emu.user_says(person, "hello")
    await replies.wait(lambda: all(replies.at.get(p) for p in ids), 300)


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


async def checkins_per_second(
    emu: BotApiEmulator, people: int, base: int, text: str | None = None
) -> tuple[float, float]:
    """Messages per second, and seconds of CPU per message: of this whole process (the
    bot, the emulator and the bench; one core is what they share), until the last reply."""
    ids = range(base, base + people)
    await warm_up(emu, ids)
    replies = Replies(emu)
    cpu = _cpu()
    start = time.perf_counter()
    for n, person in enumerate(ids):
        emu.user_says(person, text or CHECKINS[n % len(CHECKINS)])
    await replies.wait(lambda: all(replies.at.get(p) for p in ids), 120)
    last = max(replies.at[p][0] for p in ids)
    return people / (last - start), (_cpu() - cpu) / people


async def head_of_line(emu: BotApiEmulator, base: int) -> list[float]:
    """Seconds each of 100 one-message people waits while one person bursts 10."""
    await warm_up(emu, range(base, base + 101))
    replies = Replies(emu)
    burst = base
    for n in range(10):
        emu.user_says(burst, CHECKINS[n % len(CHECKINS)])
    sent: dict[int, float] = {}
    for person in range(base + 1, base + 101):
        sent[person] = time.perf_counter()
        emu.user_says(person, CHECKINS[person % len(CHECKINS)])
    await replies.wait(lambda: all(replies.at.get(p) for p in sent), 120)
    return [replies.at[p][0] - sent[p] for p in sent]


@dataclass
class Round:
    bot: str
    rate: float
    cpu: float  # seconds of CPU per message, the emulator's share included
    waits: list[float]


@asynccontextmanager
async def database(url: str | None, folder: Path) -> AsyncIterator[str]:
    """A fresh database for one run: a SQLite file, or a new PostgreSQL database."""
    if url is None:
        yield f"sqlite+aiosqlite:///{folder / f'{uuid.uuid4().hex}.db'}"
        return
    async with scratch_database(url, "bench_") as fresh:
        yield fresh


async def one_round(
    kind: str, people: int, url: str | None, folder: Path, text: str | None = None
) -> Round:
    emu = BotApiEmulator(token=TOKEN, rate_limits=False)
    await emu.start()
    try:
        async with database(url, folder) as db_url:
            runner: Any
            if kind == "echo":
                runner = echo_bot(emu)
            elif kind == "echo-aiohttp":
                runner = echo_bot(emu, aiohttp=True)
            elif kind == "store":
                runner = store_bot(emu, db_url)
            else:
                runner = magbot(emu, db_url)
            async with runner:
                rate, cpu = await checkins_per_second(emu, people, FIRST_PERSON, text)
                waits = await head_of_line(emu, FIRST_PERSON + 100_000)
    finally:
        await emu.stop()
    return Round(kind, rate, cpu, waits)


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def main(args: argparse.Namespace) -> None:
    logging.basicConfig(level=logging.WARNING)
    url = args.database_url
    with tempfile.TemporaryDirectory() as tmp:
        rounds = []
        for n in range(args.rounds):
            for kind in args.bots:
                result = await one_round(kind, args.people, url, Path(tmp), args.text)
                rounds.append(result)
                print(
                    f"round {n + 1} {kind:12}: {result.rate:7.1f} check-ins/s,"
                    f" {result.cpu * 1000:5.2f} ms CPU each, head of line "
                    f"median {_median(result.waits):.3f} s, max {max(result.waits):.3f} s",
                    flush=True,
                )
    groups = {kind: [r for r in rounds if r.bot == kind] for kind in args.bots}
    rate = {kind: _median([r.rate for r in group]) for kind, group in groups.items()}
    cpu = {kind: _median([r.cpu for r in group]) * 1000 for kind, group in groups.items()}
    print()
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    print(
        f"database: {'PostgreSQL' if url else 'SQLite'}, {args.people} people,"
        f" {args.rounds} rounds, event loop: {loop} (all bots)"
    )
    for kind in args.bots:
        line = f"{kind + ':':13} {rate[kind]:7.1f} messages/s, {cpu[kind]:5.2f} ms CPU each"
        if kind != "echo" and "echo" in rate:
            line += f", ratio {rate[kind] / rate['echo']:.2f}"
            line += "  (target >= 0.6)" if kind == "magbot" else ""
        print(line + f"  ({WHAT[kind]})")
    if "echo" in rate:
        print(
            f"at a ratio of 0.6 a message may cost at most {cpu['echo'] / 0.6:.2f} ms of CPU"
            " (all the bots are bound by one core); bench/checkin_cost.py measures the"
            " diary's own part of a check-in, without Telegram"
        )
    if "magbot" in rate and "echo-aiohttp" in rate:
        print(
            f"magbot against the echo bot on aiohttp: {rate['magbot'] / rate['echo-aiohttp']:.2f}"
        )
    for kind, group in groups.items():
        waits = [w for r in group for w in r.waits]
        print(
            f"head of line, {kind}: median {_median(waits):.3f} s, max {max(waits):.3f} s"
            + ("  (target median < 0.5 s)" if kind == "magbot" else "")
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--text",
        default=None,
        help="every timed message this text (e.g. /help: magbot's path with nothing to store)",
    )
    parser.add_argument(
        "--bots", nargs="+", choices=KINDS, default=list(KINDS), help="which bots (all)"
    )
    parser.add_argument(
        "--loop", choices=("magbot", "asyncio"), default="magbot", help="magbot: as `magbot run`"
    )
    options = parser.parse_args()
    factory = loop_factory() if options.loop == "magbot" else None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main(options))
    sys.exit(0)
