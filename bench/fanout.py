"""Fan-out benchmark: N people with the same dose time, one prompt each (issue 4).

The real bot (build_application, its scheduler and dispatcher, its rate
limiter) sends through the Bot API emulator over HTTP, with the emulator's
real-Telegram limits: about 30 messages a second per bot (token bucket, burst
30), about one a second per chat (which does not bind: each person gets one
message). Prints the delivered rate, the 429s, the lateness of the last prompt
against the ideal N/30 s, and prompts lost or doubled.

    python bench/fanout.py                 # 2,000 people, SQLite
    python bench/fanout.py --users 10000
    python bench/fanout.py --send-rate 25  # the bot's budget (default: MAGBOT_SEND_RATE)
    python bench/fanout.py --database-url postgresql+asyncpg://postgres@127.0.0.1/test

The bot's clock is the system clock shifted so that the shared dose minute
starts a few seconds after the bot is up; nothing else is simulated.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time as systime
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from bot.app import build_application, start_embedded, stop_embedded
from bot.config import Settings
from bot.emulator.server import BotApiEmulator
from bot.scheduling import plan
from storage.db import make_engine, make_sessionmaker, normalise_url, scratch_database, upgrade
from storage.models import DosePlanItem, Prompt, User

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
TELEGRAM_LIMIT = 30.0  # messages per second per bot
START_IN = 4.0  # seconds from the bot being up to the shared dose minute
FIRST_USER = 10_000_000


class OffsetClock:
    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


async def create_people(url: str, count: int, due: datetime, now: datetime) -> None:
    """N people in UTC, each planning 200 mg at the shared minute; prompts materialised."""
    engine = make_engine(url)
    await upgrade(engine)
    sessions = make_sessionmaker(engine)
    ids = range(FIRST_USER, FIRST_USER + count)
    async with sessions.begin() as session:
        for start in range(0, count, 1000):
            chunk = ids[start : start + 1000]
            await session.execute(
                insert(User),
                [
                    {
                        "id": uid,
                        "chat_id": uid,
                        "timezone": "UTC",
                        "goals": ["migraine"],
                        "created_at": now,
                        "onboarding_step": None,
                    }
                    for uid in chunk
                ],
            )
            await session.execute(
                insert(DosePlanItem),
                [{"user_id": uid, "amount_mg": 200.0, "local_time": due.time()} for uid in chunk],
            )
    async with sessions.begin() as session:
        await plan.materialise_all(session, now)
    async with sessions() as session:
        due_now = await session.scalar(
            select(func.count()).where(Prompt.scheduled_for == due, Prompt.status == "pending")
        )
    await engine.dispose()
    if due_now != count:
        raise SystemExit(f"expected {count} prompts due at {due:%H:%M}, found {due_now}")


async def prompt_statuses(url: str) -> Counter[str]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(Prompt.status, func.count()).group_by(Prompt.status)
            )
            return Counter({status: n for status, n in rows})
    finally:
        await engine.dispose()


CHATTER_BASE = 20_000_000
CHECKINS = ("migraine since 2pm 6/10", "took 200mg magnesium", "anxiety 4/10", "pain now 4")


async def chatter(emu: BotApiEmulator, person: int, messages: int, waits: list[float]) -> None:
    """One person writing every 3 s during the fan-out; how long each reply took."""
    for n in range(messages):
        before = len(emu.messages(person))
        sent = systime.monotonic()
        emu.user_says(person, CHECKINS[n % len(CHECKINS)])
        await emu.wait_for_messages(person, before + 1, timeout=120)
        waits.append(systime.monotonic() - sent)
        await asyncio.sleep(3.0)


async def fanout(
    users: int, send_rate: float, database_url: str, chatters: int = 0
) -> dict[str, Any]:
    emu = BotApiEmulator(token=TOKEN)  # real-Telegram limits: 30/s per bot, 1/s per chat
    await emu.start()
    setup_started = systime.monotonic()
    real = datetime.now(UTC)
    due = real.replace(second=0, microsecond=0) + timedelta(minutes=2)
    await create_people(database_url, users, due, real)
    for uid in range(FIRST_USER, FIRST_USER + users):
        emu.add_user(uid)
    print(f"setup: {users} people in {systime.monotonic() - setup_started:.1f} s", flush=True)
    # Shift the bot's (and the emulator's) clock so the shared minute is START_IN s away.
    offset = due - timedelta(seconds=START_IN) - datetime.now(UTC)
    clock = OffsetClock(offset)
    emu.advance(offset)

    settings = Settings(
        token=SecretStr(TOKEN),
        database_url=database_url,
        api_base_url=emu.base_url,
        send_rate=send_rate,
    )
    app = build_application(settings, clock=clock)
    await start_embedded(app, polling=chatters > 0)
    ideal = users / TELEGRAM_LIMIT
    waits: list[float] = []
    talk: list[asyncio.Task[None]] = []
    if chatters:
        for person in range(CHATTER_BASE, CHATTER_BASE + chatters):
            emu.user_says(person, "hello")  # known to the bot before the fan-out
        await asyncio.sleep(START_IN)  # the dose time: the chatters start with the prompts
        talk = [
            asyncio.create_task(chatter(emu, person, 5, waits))
            for person in range(CHATTER_BASE, CHATTER_BASE + chatters)
        ]
    try:
        await emu.wait_for(
            lambda: (
                sum(1 for uid in range(FIRST_USER, FIRST_USER + users) if emu.messages(uid))
                >= users
            ),
            timeout=START_IN + ideal * 3 + 60,
            what=f"{users} prompts",
        )
        await asyncio.gather(*talk)
        await asyncio.sleep(3.0)  # a double would show up now
    finally:
        await stop_embedded(app)
        await emu.stop()

    per_user = Counter(
        {uid: len(emu.messages(uid)) for uid in range(FIRST_USER, FIRST_USER + users)}
    )
    sent_at = sorted(m.date for uid in per_user for m in emu.messages(uid))
    throttled = sum(1 for c in emu.calls if c.status == 429)
    first, last = sent_at[0], sent_at[-1]
    span = (last - due).total_seconds()
    return {
        "users": users,
        "send_rate": send_rate,
        "first_after_due_s": (first - due).total_seconds(),
        "last_after_due_s": span,
        "ideal_s": ideal,
        "lateness_s": span - ideal,
        "rate": users / span if span > 0 else float("inf"),
        "throttled": throttled,
        "lost": sum(1 for n in per_user.values() if n == 0),
        "doubled": sum(1 for n in per_user.values() if n > 1),
        "statuses": dict(await prompt_statuses(database_url)),
        "reply_waits": sorted(waits),
        # everything the bot sent while the prompts went out: prompts and replies share it
        "all_rate": sum(
            1
            for chat in range(CHATTER_BASE, CHATTER_BASE + chatters)
            for m in emu.messages(chat)
            if first <= m.date <= last
        )
        / span
        + (users / span if span > 0 else 0.0),
    }


async def main_async(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    url = args.database_url
    if url is None:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'fanout.db'}"
    if make_url(normalise_url(url)).get_backend_name() == "postgresql":
        # a throwaway database, so the figures start from empty tables
        async with scratch_database(url, "bench_") as fresh:
            result = await fanout(args.users, args.send_rate, fresh, args.chatters)
    else:
        result = await fanout(args.users, args.send_rate, url, args.chatters)
    share = result["rate"] / TELEGRAM_LIMIT
    print(
        f"users {result['users']}, bot send rate {result['send_rate']:g}/s, "
        f"limit {TELEGRAM_LIMIT:g}/s, database {make_url(url).get_backend_name()}"
    )
    print(
        f"first prompt {result['first_after_due_s']:.2f} s after the dose time, last "
        f"{result['last_after_due_s']:.1f} s (ideal N/30 = {result['ideal_s']:.1f} s): "
        f"last prompt {result['lateness_s']:.1f} s late"
    )
    print(
        f"delivered {result['rate']:.1f} messages/s = {share:.0%} of the limit; "
        f"429s: {result['throttled']}; lost: {result['lost']}; doubled: {result['doubled']}; "
        f"prompt rows: {result['statuses']}"
    )
    waits = result["reply_waits"]
    if waits:
        print(
            f"{args.chatters} people chatting meanwhile: {len(waits)} replies, median "
            f"{waits[len(waits) // 2]:.2f} s, max {waits[-1]:.2f} s (target median < 2 s)"
        )
        everything = result["all_rate"] / TELEGRAM_LIMIT
        print(
            f"prompts and replies together: {result['all_rate']:.1f} messages/s = "
            f"{everything:.0%} of the limit (one budget for both)"
        )
        share = everything
    ok = share >= 0.9 and not result["throttled"] and not result["lost"] and not result["doubled"]
    print("target (>= 90% of the limit, no 429, none lost or doubled):", "met" if ok else "NOT met")
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument(
        "--send-rate",
        type=float,
        default=Settings(token=None).send_rate,
        help="the bot's MAGBOT_SEND_RATE (default: from the environment)",
    )
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument(
        "--chatters", type=int, default=0, help="people writing every 3 s during the fan-out"
    )
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
