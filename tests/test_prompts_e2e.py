"""Prompts end to end: the real bot, its real scheduler, over HTTP to the emulator.

The bot's clock is the system clock shifted so that a minute boundary is two
seconds away: "/dose 200mg <the next minute>" then fires two seconds later,
through the same path as in production (the setting's commit wakes the
APScheduler job, which claims and sends). Nothing here waits more than seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.emulator.server import BotApiEmulator
from bot.emulator.state import SentMessage
from storage.db import make_engine, make_sessionmaker
from storage.models import Attack, Dose, Prompt, User
from storage.queries import users as queries
from tests.conftest import TOKEN, USER, Harness, start_bot, stop_bot

BERLIN = ZoneInfo("Europe/Berlin")
LEAD = 2.0  # seconds from "now" to the next minute on the bot's clock


class OffsetClock:
    """The system clock, shifted by a fixed offset (time still runs)."""

    def __init__(self, offset: timedelta) -> None:
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


def offset_to_next_minute(lead: float = LEAD) -> timedelta:
    """An offset that puts the shifted clock `lead` seconds before a minute boundary."""
    real = datetime.now(UTC)
    boundary = real.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if (boundary - real).total_seconds() < lead + 0.5:
        boundary += timedelta(minutes=1)
    return boundary - timedelta(seconds=lead) - real


@pytest.fixture
async def bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[Harness]:
    """The harness, with the bot's and the emulator's clocks shifted alike."""
    offset = offset_to_next_minute()
    emulator.advance(offset)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emulator, url, clock=OffsetClock(offset))
    reader = make_engine(url)
    try:
        yield Harness(emulator, app, make_sessionmaker(reader))
    finally:
        await stop_bot(app)
        await reader.dispose()


def now(h: Harness) -> datetime:
    return h.app.bot_data.clock.now()


async def wait_for(h: Harness, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:  # noqa: ASYNC109
    return await h.emu.wait_for(predicate, timeout)


async def dose_in_a_moment(h: Harness, amount: str = "200mg") -> tuple[datetime, SentMessage]:
    """Set the dose time to the next minute and wait for its prompt; returns (due, message)."""
    await h.say("/timezone Europe/Berlin")
    due = (now(h) + timedelta(seconds=LEAD + 0.5)).replace(second=0, microsecond=0)
    await h.say(f"/dose {amount} {due.astimezone(BERLIN):%H:%M}")
    before = len(h.emu.messages(USER))
    messages = await h.emu.wait_for_messages(USER, before + 1, timeout=LEAD + 8)
    return due, messages[-1]


async def only_row(h: Harness, model: Any, **where: Any) -> Any:
    async with h.sessions() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        found = list((await session.scalars(query)).all())
    assert len(found) == 1, found
    return found[0]


async def test_dose_prompt_set_a_minute_ahead_arrives_once_and_on_time(bot: Harness) -> None:
    due, prompt = await dose_in_a_moment(bot)
    arrived = now(bot)
    assert prompt.plain_text == "💊 Time for your magnesium (200 mg)."
    labels = [b["text"] for row in prompt.buttons for b in row]
    assert labels == ["Took it (200 mg)", "Other amount", "Skip", "Snooze 30 min"]
    assert timedelta(0) <= arrived - due < timedelta(seconds=2)
    await asyncio.sleep(1.5)
    await bot.settle()
    prompts = [
        m for m in bot.emu.messages(USER) if "Time for your magnesium" in (m.plain_text or "")
    ]
    assert len(prompts) == 1
    row = await only_row(bot, Prompt, kind="dose", status="sent")
    assert row.scheduled_for == due and row.message_id == prompt.message_id
    bot.emu.assert_no_failed_calls()


async def test_took_it_edits_the_prompt_and_logs_the_dose(bot: Harness) -> None:
    _, prompt = await dose_in_a_moment(bot)
    count = len(bot.emu.messages(USER))
    answer = await bot.tap("Took it (200 mg)")
    assert answer.text == "Noted."
    edited = bot.emu.messages(USER)[-1]
    assert edited.message_id == prompt.message_id
    assert len(bot.emu.messages(USER)) == count, "an answer edits the prompt, no new message"
    assert (edited.plain_text or "").startswith(
        "💊 Time for your magnesium (200 mg).\n✅ Taken: 200 mg at "
    )
    assert edited.buttons == []
    dose = await only_row(bot, Dose)
    assert (dose.amount_mg, dose.source, dose.status) == (200.0, "prompt", "taken")
    bot.emu.assert_no_failed_calls()


async def test_double_tap_logs_one_dose_and_edits_once(bot: Harness) -> None:
    _, prompt = await dose_in_a_moment(bot)
    data = prompt.button("Took it (200 mg)")["callback_data"]
    first = bot.emu.press_button(USER, prompt.message_id, data)
    second = bot.emu.press_button(USER, prompt.message_id, data)
    answers = [(await bot.emu.wait_for_callback_answer(q)).text for q in (first, second)]
    await bot.settle()
    assert sorted(answers, key=str) == ["Already noted: took 200 mg.", "Noted."]
    assert len(prompt.edits) == 1
    await only_row(bot, Dose)
    bot.emu.assert_no_failed_calls()  # no edit to identical content


async def test_other_amount_takes_a_typed_amount(bot: Harness) -> None:
    _, prompt = await dose_in_a_moment(bot)
    answer = await bot.tap("Other amount")
    assert answer.text == "Type the amount you took, e.g. 300 or 2 caps."
    assert "How much did you take?" in (prompt.plain_text or "")
    await bot.tap("Other amount")  # again: answered, nothing re-edited
    assert len(prompt.edits) == 1
    [reply] = await bot.say("300mg")
    assert (reply.plain_text or "").startswith("Noted: 300 mg of magnesium at ")
    assert (prompt.plain_text or "").splitlines()[-1].startswith("✅ Taken: 300 mg at ")
    dose = await only_row(bot, Dose)
    assert dose.amount_mg == 300.0
    bot.emu.assert_no_failed_calls()


async def test_snooze_brings_the_prompt_back_in_thirty_minutes(bot: Harness) -> None:
    _, prompt = await dose_in_a_moment(bot)
    await bot.tap("Snooze 30 min")
    assert "⏰ Snoozed: I'll ask again at" in (prompt.plain_text or "")
    snoozed = await only_row(bot, Prompt, kind="snooze")
    assert snoozed.status == "pending"
    assert timedelta(minutes=29) < snoozed.scheduled_for - now(bot) <= timedelta(minutes=30)


async def test_followup_asks_and_the_answer_is_the_two_hour_response(bot: Harness) -> None:
    await bot.say("/quiet off")  # the test may run at night, UTC
    await bot.say("/followup 1m 1m")
    # written 57 s ago (it reached the bot late): the 1-minute follow-up is 3 s away
    [logged] = await bot.say("migraine 7/10", date=now(bot) - timedelta(seconds=57))
    assert "Migraine 7/10" in (logged.plain_text or "")
    before = len(bot.emu.messages(USER))
    messages = await bot.emu.wait_for_messages(USER, before + 1, timeout=10)
    question = messages[-1]
    assert (question.plain_text or "").startswith("🩺 How is it now? Your migraine since")
    labels = [b["text"] for row in question.buttons for b in row]
    assert labels == [*(str(n) for n in range(11)), "Gone"]
    await bot.tap("3", message_id=question.message_id)
    assert (question.plain_text or "").splitlines()[-1].startswith("Noted: 3/10 at ")
    attack = await only_row(bot, Attack)
    assert (attack.response_2h, attack.ended_at) == ("reduced", None)
    bot.emu.assert_no_failed_calls()


async def test_gone_on_a_followup_ends_the_attack(bot: Harness) -> None:
    await bot.say("/quiet off")  # the test may run at night, UTC
    await bot.say("/followup 1m 1m")
    await bot.say("migraine 6/10", date=now(bot) - timedelta(seconds=57))
    before = len(bot.emu.messages(USER))
    question = (await bot.emu.wait_for_messages(USER, before + 1, timeout=10))[-1]
    await bot.tap("Gone", message_id=question.message_id)
    assert "Glad it's gone" in (question.plain_text or "")
    attack = await only_row(bot, Attack)
    assert attack.ended_at is not None and attack.response_2h == "gone"
    check = await only_row(bot, Prompt, kind="recurrence")
    assert check.status == "pending" and check.scheduled_for >= attack.ended_at + timedelta(
        hours=24
    )
    async with bot.sessions() as session:
        pending = (
            await session.scalars(
                select(Prompt).where(Prompt.kind == "followup", Prompt.status == "pending")
            )
        ).all()
    assert pending == []


async def test_user_who_blocked_the_bot_gets_no_more_prompts_until_start(bot: Harness) -> None:
    await bot.say("/timezone Europe/Berlin")
    bot.emu.block(USER)
    due = (now(bot) + timedelta(seconds=LEAD + 0.5)).replace(second=0, microsecond=0)
    async with bot.sessions.begin() as session:  # the plan is set from another device, say
        user = await queries.get_user(session, USER)
        assert user is not None
        await queries.set_dose_plan(session, user, [(200.0, due.astimezone(BERLIN).time())])
        await session.flush()
        from bot.scheduling import plan

        await plan.replan_user(session, user, now(bot))
    bot.app.bot_data.scheduler.wake_at(due)  # another engine: no commit hook here
    await wait_for(bot, lambda: any(c.status == 403 for c in bot.emu.calls))
    await bot.settle()
    async with bot.sessions() as session:
        user = await session.get(User, USER)
        assert user is not None and user.active is False
        pending = (await session.scalars(select(Prompt).where(Prompt.status == "pending"))).all()
    assert pending == []
    bot.emu.unblock(USER)
    await bot.say("/start")
    async with bot.sessions() as session:
        user = await session.get(User, USER)
        assert user is not None and user.active is True
        pending = (await session.scalars(select(Prompt).where(Prompt.status == "pending"))).all()
    assert len(pending) >= 1


async def test_restart_with_prompts_due_sends_each_once(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emulator, url)
    users = [USER + i for i in range(5)]
    for uid in users:
        emulator.add_user(uid)
    await stop_bot(app)
    # while the bot is down, five prompts fall due and one is long stale
    reader = make_engine(url)
    sessions = make_sessionmaker(reader)
    t = datetime.now(UTC)
    async with sessions.begin() as session:
        for uid in users:
            user = await queries.create_user(session, uid, uid, t)
            await queries.set_dose_plan(session, user, [])
        session.add_all(
            Prompt(
                user_id=uid, kind="dose", scheduled_for=t - timedelta(minutes=20), amount_mg=200.0
            )
            for uid in users
        )
        session.add(Prompt(user_id=USER, kind="dose", scheduled_for=t - timedelta(hours=3)))
    app = await start_bot(emulator, url)
    try:
        await emulator.wait_for(lambda: all(emulator.messages(uid) for uid in users), 10)
        await asyncio.sleep(1.0)
        assert [len(emulator.messages(uid)) for uid in users] == [1] * 5
    finally:
        await stop_bot(app)
    async with sessions() as session:
        statuses = sorted((await session.scalars(select(Prompt.status))).all())
    await reader.dispose()
    assert statuses == ["missed"] + ["sent"] * 5


async def test_rate_limited_prompts_are_waited_out_and_all_arrive_once(tmp_path: Path) -> None:
    # An emulator with a small budget (5 messages/s) and a bot set to send far
    # faster: Telegram answers 429, the bot waits and retries, nothing is lost.
    emu = BotApiEmulator(token=TOKEN, global_rate=5.0)
    await emu.start()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emu, url, send_rate=100.0)
    reader = make_engine(url)
    sessions = make_sessionmaker(reader)
    users = [USER + i for i in range(20)]
    try:
        t = datetime.now(UTC)
        async with sessions.begin() as session:
            for uid in users:
                emu.add_user(uid)
                user = await queries.create_user(session, uid, uid, t)
                await queries.set_dose_plan(session, user, [])
                session.add(Prompt(user_id=uid, kind="dose", scheduled_for=t, amount_mg=200.0))
        app.bot_data.scheduler.wake_at(t)
        await emu.wait_for(lambda: all(emu.messages(uid) for uid in users), 30)
        await asyncio.sleep(1.0)
        assert [len(emu.messages(uid)) for uid in users] == [1] * len(users)
        assert any(c.status == 429 for c in emu.calls), "the test did hit the limit"
        async with sessions() as session:
            statuses = set((await session.scalars(select(Prompt.status))).all())
        assert statuses == {"sent"}
    finally:
        await stop_bot(app)
        await reader.dispose()
        await emu.stop()


async def test_a_prompt_whose_delivery_is_unsure_is_repeated_once_worded_for_it(
    bot: Harness,
) -> None:
    await bot.say("/timezone Europe/Berlin")
    due = (now(bot) + timedelta(seconds=LEAD + 0.5)).replace(second=0, microsecond=0)
    await bot.say(f"/dose 200mg {due.astimezone(BERLIN):%H:%M}")
    before = len(bot.emu.messages(USER))
    # Telegram takes the prompt, then the connection drops before its answer; twice
    bot.emu.inject_fault("deliver_then_drop", methods=["sendMessage"], chat_id=USER, count=2)
    await bot.emu.wait_for_messages(USER, before + 1, timeout=LEAD + 8)
    dispatcher = bot.app.bot_data.scheduler.dispatcher
    for _ in range(3):  # the next rounds: one repeat, then nothing more
        await dispatcher.run()
        await bot.settle()
    prompts = [m.plain_text or "" for m in bot.emu.messages(USER)[before:]]
    assert len(prompts) == 2, prompts
    assert prompts[0].startswith("💊 Time for your magnesium")
    assert prompts[1].startswith("(In case this didn't reach you:)")
    row = await only_row(bot, Prompt, kind="dose", scheduled_for=due)
    assert row.status == "sent"
