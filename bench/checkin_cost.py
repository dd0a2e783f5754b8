"""CPU of the diary's own part of a check-in: no Telegram, no HTTP, no inbox or outbox.

What `bot.handlers.checkin.on_text` does between an update arriving and its
replies going out, called directly: read the text (entries, dates, red flags),
open the person's transaction, store what was read, word the reply. Each person
has written before (their row exists). Set beside `bench/throughput.py`'s CPU
per message: at a ratio of 0.6, a whole check-in (this, plus Telegram's update
and reply, the inbox and the outbox, the emulator's share) may cost at most the
echo bot's CPU per message / 0.6.

    python bench/checkin_cost.py
    python bench/checkin_cost.py --database-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from throughput import CHECKINS, database  # bench/, run as a script

from bot.diary import checkin
from bot.diary.scope import unit
from bot.domain.reading import read
from bot.domain.redflags import red_flags
from bot.handlers.common import shown_today
from bot.runner import loop_factory
from bot.ui.checkin import checkin_reply
from storage.db import make_engine, upgrade

PEOPLE = 300


async def measure(url: str, rounds: int) -> None:
    engine = make_engine(url)
    await upgrade(engine)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    group = 0

    async def transaction(person: int, text: str) -> None:
        nonlocal group
        group += 1
        async with unit(
            sessions, user_id=person, chat_id=person, now=datetime.now(UTC), group=group
        ):
            pass

    async def reading(person: int, text: str) -> None:
        red_flags(text)
        read(text, datetime.now(UTC), "UTC")

    async def whole(person: int, text: str) -> None:
        nonlocal group
        group += 1
        red_flags(text)
        now = datetime.now(UTC)
        async with unit(sessions, user_id=person, chat_id=person, now=now, group=group) as scope:
            found = read(text, scope.sent_at, scope.user.timezone)
            recorded = await checkin.record_message(scope, found.entries, text)
            checkin_reply(recorded, scope.user.timezone, shown_today(scope), scope.now)

    async def per_call(step: Callable[[int, str], Awaitable[None]], text: str) -> float:
        """Milliseconds of CPU per call, over PEOPLE people."""
        began = time.process_time()
        for person in range(1, PEOPLE + 1):
            await step(person, text)
        return (time.process_time() - began) / PEOPLE * 1000

    for person in range(1, PEOPLE + 1):  # everyone has written once
        await whole(person, "anxiety 2/10")
    steps = {"reading": reading, "transaction": transaction, "whole": whole}
    figures: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for text in CHECKINS:
            for name, step in steps.items():
                figures.setdefault((name, text), []).append(await per_call(step, text))
    await engine.dispose()

    print(f"ms of CPU per check-in, median of {rounds} rounds of {PEOPLE} people")
    print(f"{'check-in':36} {'reading':>8} {'transaction':>12} {'whole':>8}")
    for text in CHECKINS:
        row = [statistics.median(figures[(name, text)]) for name in steps]
        print(f"{text:36} {row[0]:8.2f} {row[1]:12.2f} {row[2]:8.2f}")
    means = [statistics.mean(statistics.median(figures[(n, t)]) for t in CHECKINS) for n in steps]
    print(f"{'mean of the five':36} {means[0]:8.2f} {means[1]:12.2f} {means[2]:8.2f}")
    print(
        "reading: entries, dates and red flags; transaction: the person's transaction"
        " with nothing in it; whole: both, storing what was read and wording the reply"
    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        async with database(args.database_url, Path(tmp)) as url:
            await measure(url, args.rounds)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main(options))
    sys.exit(0)
