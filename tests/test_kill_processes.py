"""kill -9 a real `magbot run` process mid-work, start it again: nothing lost, nothing doubled.

Each test runs the real command against the Bot API emulator (its real-Telegram
limits on) on SQLite and on PostgreSQL, sends SIGKILL while the process is busy,
then restarts it and counts what reached the database and the chats. What was
in flight at the kill (a reply or prompt Telegram already had but the process had
not yet recorded) is measured from the database the dead process left, because
that, and only that, may arrive twice (issue 12.3).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from bot.emulator.errors import EmulatorTimeoutError
from bot.emulator.server import BotApiEmulator
from bot.scheduling import plan
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import DosePlanItem, User
from tests.conftest import TOKEN
from tests.processes import (
    BotProcess,
    Reader,
    bot_env,
    bot_processes,
    database_url,
    reader,
    wait_until,
)

DATABASES = ["sqlite", "postgres"]
CHECKINS = 60
FIRST_CHAT = 7_100_000
# The kill comes once this many people have their reply: the rest are mid-way (stored and
# confirmed to Telegram, maybe handled, maybe answered) or not yet fetched.
KILL_AFTER_REPLIES = 15
# A killed process's updates pass to the next one after this (seconds): short for the test.
LEASE = "5"


def _severity(chat: int) -> int:
    return 2 + chat % 8


@pytest.mark.parametrize("kind", DATABASES)
async def test_kill_9_in_a_burst_of_check_ins_loses_none_and_handles_none_twice(
    kind: str, tmp_path: Path
) -> None:
    chats = range(FIRST_CHAT, FIRST_CHAT + CHECKINS)
    async with (
        database_url(kind, tmp_path) as url,
        BotApiEmulator(token=TOKEN) as emu,
        reader(url) as db,
    ):
        bot = BotProcess("bot", tmp_path, bot_env(emu.base_url, url, MAGBOT_INBOX_LEASE=LEASE))
        async with bot_processes(bot):
            await bot.start()
            await wait_until(lambda: emu.is_polling, 60, "the bot to poll", procs=(bot,))

            def answered() -> set[int]:
                return {chat for chat in chats if emu.messages(chat)}

            for chat in chats:  # a burst: everyone at once
                emu.user_says(chat, f"migraine {_severity(chat)}/10")
            await wait_until(
                lambda: len(answered()) >= KILL_AFTER_REPLIES,
                60,
                "replies",
                every=0.01,
                procs=(bot,),
            )
            await bot.kill()

            # What the dead process left: the kill really came mid-burst.
            answered_at_kill = answered()
            unconfirmed = {u["message"]["chat"]["id"] for u in emu.pending_updates}
            confirmed_unanswered = set(chats) - unconfirmed - answered_at_kill
            inbox_at_kill = await db.count_by(
                "SELECT status, count(*) FROM inbox_update GROUP BY status"
            )
            unsent = {chat for (chat,) in await db.rows("SELECT chat_id FROM outbox_message")}
            # sent and not yet crossed off: the only replies that may come twice
            in_flight = unsent & answered_at_kill
            assert len(answered_at_kill) < CHECKINS, "the kill came after the burst"
            assert confirmed_unanswered, (
                "no check-in was confirmed to Telegram and still unanswered at the kill: "
                f"the test kills too late ({inbox_at_kill})"
            )

            restarted = time.monotonic()
            await bot.start()
            await wait_until(
                lambda: len(answered()) == CHECKINS, 90, "every check-in answered", procs=(bot,)
            )
            all_answered_after = time.monotonic() - restarted
            await wait_until(
                lambda: _nothing_open(db), 30, "the inbox and outbox empty", procs=(bot,)
            )
            assert await bot.stop() == 0, bot.tail()

        attacks = await db.count_by("SELECT user_id, count(*) FROM attack GROUP BY user_id")
        journal = await db.count_by("SELECT user_id, count(*) FROM journal_entry GROUP BY user_id")
        inbox = await db.count_by("SELECT status, count(*) FROM inbox_update GROUP BY status")
    replies = {chat: [m.plain_text or "" for m in emu.messages(chat)] for chat in chats}
    report = (
        f"at the kill: {len(answered_at_kill)} answered, {len(confirmed_unanswered)} confirmed"
        f" but unanswered, inbox {inbox_at_kill}, {len(in_flight)} replies in flight;"
        f" all answered {all_answered_after:.1f}s after the restart"
    )
    doubled = {chat for chat, texts in replies.items() if len(texts) > 1}
    print(f"{report}; {len(doubled)} replies doubled")
    assert attacks == dict.fromkeys(chats, 1), f"each check-in stored once: {report}"
    assert journal == dict.fromkeys(chats, 1), f"none handled twice: {report}"
    assert inbox == {"done": CHECKINS}
    for chat, texts in replies.items():
        assert all(f"Migraine {_severity(chat)}/10" in t for t in texts), texts
    assert all(len(texts) <= 2 for texts in replies.values()), replies
    # A reply Telegram had when the process died, before it was crossed off, goes once more:
    # no process can know better. Any other double is a bug.
    assert doubled <= in_flight, f"doubled {sorted(doubled - in_flight)}: {report}"


async def _nothing_open(db: Reader) -> bool:
    open_updates = await db.scalar(
        "SELECT count(*) FROM inbox_update WHERE status IN ('pending', 'working')"
    )
    unsent = await db.scalar("SELECT count(*) FROM outbox_message")
    return open_updates == 0 and unsent == 0


# --- a dose-prompt fan-out ----------------------------------------------------------------

PEOPLE = 300
FIRST_PERSON = 7_200_000
# The kill comes once this many prompts went out while the database was held up: sends
# go on (each in its batch) while their records wait for the database.
SENT_BEFORE_SLOW = 60
SENT_WHILE_SLOW = 20
SLOW_FOR = 4.0  # seconds the database is held up at most (issue 12: a 4 s write lock)
RESENT = "In case this didn't reach you"


async def _people_with_a_dose_due(url: str, people: range) -> datetime:
    """Everyone takes 200 mg at the same minute, a minute ago: their prompts are due."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
        now = datetime.now(UTC)
        due = now.replace(second=0, microsecond=0) - timedelta(minutes=1)
        async with make_sessionmaker(engine).begin() as session:
            await session.execute(
                insert(User),
                [
                    {"id": uid, "chat_id": uid, "goals": ["migraine"], "created_at": now}
                    for uid in people
                ],
            )
            await session.execute(
                insert(DosePlanItem),
                [{"user_id": uid, "amount_mg": 200.0, "local_time": due.time()} for uid in people],
            )
            await plan.insert_prompts(
                session,
                [
                    {"user_id": uid, "kind": "dose", "scheduled_for": due, "amount_mg": 200.0}
                    for uid in people
                ],
            )
    finally:
        await engine.dispose()
    return due


@asynccontextmanager
async def _database_held_up(kind: str, url: str) -> AsyncIterator[None]:
    """Nothing can write the prompt table while inside (reads go on): a slow database."""
    if kind == "sqlite":
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, check_same_thread=False)
        try:
            await asyncio.to_thread(conn.execute, "BEGIN IMMEDIATE")  # SQLite's write lock
            yield
        finally:
            conn.rollback()
            conn.close()
        return
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("LOCK TABLE prompt IN EXCLUSIVE MODE"))
            yield
            await conn.rollback()
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", DATABASES)
async def test_kill_9_in_a_dose_prompt_fan_out_while_the_database_is_slow(
    kind: str, tmp_path: Path
) -> None:
    """Everyone gets their prompt once; only a prompt Telegram had when the process died,
    before it was recorded, comes again: soon after the restart, worded for a repeat."""
    people = range(FIRST_PERSON, FIRST_PERSON + PEOPLE)
    async with (
        database_url(kind, tmp_path) as url,
        BotApiEmulator(token=TOKEN) as emu,  # real-Telegram limits: 30/s, 1/s per chat
        reader(url) as db,
    ):
        await _people_with_a_dose_due(url, people)
        for uid in people:
            emu.add_user(uid)

        def prompted() -> set[int]:
            return {uid for uid in people if emu.messages(uid)}

        bot = BotProcess("bot", tmp_path, bot_env(emu.base_url, url))
        async with bot_processes(bot):
            await bot.start()
            await wait_until(
                lambda: len(prompted()) >= SENT_BEFORE_SLOW, 60, "the fan-out", procs=(bot,)
            )
            async with _database_held_up(kind, url):
                slow_from = len(prompted())
                with contextlib.suppress(EmulatorTimeoutError):
                    await emu.wait_for(
                        lambda: len(prompted()) >= slow_from + SENT_WHILE_SLOW, SLOW_FOR
                    )
                await bot.kill()
                sent_while_slow = len(prompted()) - slow_from
            prompted_at_kill = prompted()
            recorded = {
                uid
                for (uid,) in await db.rows(
                    "SELECT user_id FROM prompt WHERE kind = 'dose' AND status = 'sent'"
                )
            }
            in_flight = prompted_at_kill - recorded  # Telegram had them; the database did not
            assert len(prompted_at_kill) < PEOPLE, "the kill came after the fan-out"

            await bot.start()
            restarted = datetime.now(UTC)
            await wait_until(
                lambda: len(prompted()) == PEOPLE, 90, "everyone's prompt", procs=(bot,)
            )
            await wait_until(
                lambda: _no_prompt_due(db), 60, "no dose prompt left to send", procs=(bot,)
            )
            assert await bot.stop() == 0, bot.tail()
        statuses = await db.count_by(
            "SELECT status, count(*) FROM prompt WHERE kind = 'dose'"
            " AND scheduled_for <= :now GROUP BY status",
            now=datetime.now(UTC),
        )

    texts = {uid: [m.plain_text or "" for m in emu.messages(uid)] for uid in people}
    doubled = {uid for uid, got in texts.items() if len(got) > 1}
    resent_waits = sorted(
        (m.date - restarted).total_seconds()
        for uid in people
        for m in emu.messages(uid)
        if RESENT in (m.plain_text or "") and m.date >= restarted
    )
    report = (
        f"at the kill: {len(prompted_at_kill)} prompted ({sent_while_slow} while the database"
        f" was held up), {len(recorded)} recorded, {len(in_flight)} in flight;"
        f" {len(doubled)} doubled; {len(resent_waits)} re-sent after the restart, the last"
        f" {resent_waits[-1] if resent_waits else 0:.1f}s after it; statuses {statuses}"
    )
    print(report)
    for uid, got in texts.items():
        assert all("Time for your magnesium (200 mg)" in t for t in got), (uid, got)
    assert all(len(got) <= 2 for got in texts.values()), report
    assert doubled <= in_flight, f"doubled beyond the sends in flight at the kill: {report}"
    for uid in doubled:
        first, second = texts[uid]
        assert RESENT not in first and second.startswith(f"({RESENT}:)"), texts[uid]
    assert in_flight, f"nothing was in flight at the kill: the test proves nothing ({report})"
    # A prompt left "sending" by the dead process goes again within seconds, not minutes.
    # (PostgreSQL: once the dead process has not beaten for 20 s; the bug was 5 minutes)
    assert resent_waits and resent_waits[-1] < 40, report
    assert statuses == {"sent": PEOPLE}, report


async def _no_prompt_due(db: Reader) -> bool:
    left = await db.scalar(
        "SELECT count(*) FROM prompt WHERE kind = 'dose' AND status IN ('pending', 'sending')"
        " AND scheduled_for <= :now",
        now=datetime.now(UTC),
    )
    return left == 0
