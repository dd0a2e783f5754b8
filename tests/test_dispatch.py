"""The prompts table and the dispatcher: materialised ahead, claimed once, sent once.

Time is a FakeClock and the dispatcher is called directly, so a day passes in
milliseconds. Telegram is a small stand-in here (what is sent is checked through
HTTP in test_prompts_e2e.py); the database is real, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.clock import FakeClock
from bot.domain import schedule as sch
from bot.scheduling import plan, wake
from bot.scheduling.dispatch import Dispatcher
from bot.ui.prompts import render_markup
from storage.db import make_sessionmaker, upgrade
from storage.models import Attack, Prompt, User, Worker
from storage.queries import users as queries
from storage.queries import workers
from tests.conftest import postgres_schema

Sessions = async_sessionmaker[AsyncSession]
# A summer Monday; Berlin is UTC+2, New York UTC-4.
MONDAY = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class FakeBot:
    """Records sends; a blocked chat answers 403 like Telegram."""

    def __init__(self, delay: float = 0.0) -> None:
        self.sent: list[dict[str, Any]] = []
        self.blocked: set[int] = set()
        self.fail_with: Exception | None = None
        self.delay = delay
        self._ids = 0

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        if self.delay:
            await asyncio.sleep(random.uniform(0, self.delay))
        if chat_id in self.blocked:
            raise Forbidden("Forbidden: bot was blocked by the user")
        if self.fail_with is not None:
            raise self.fail_with
        self._ids += 1
        self.sent.append({"chat_id": chat_id, "text": text, **kwargs})
        return SimpleNamespace(message_id=self._ids)

    def texts(self, chat_id: int) -> list[str]:
        return [s["text"] for s in self.sent if s["chat_id"] == chat_id]

    def buttons(self, index: int = -1) -> list[str]:
        markup = self.sent[index]["reply_markup"]
        return [b.text for row in markup.inline_keyboard for b in row]


@pytest.fixture
async def pg_engines() -> AsyncIterator[Callable[[], AsyncEngine]]:
    async with postgres_schema() as factory:
        yield factory


def dispatcher(sessions: Sessions, bot: FakeBot, clock: FakeClock, **kw: Any) -> Dispatcher:
    return Dispatcher(sessions, bot, clock, send_rate=1000, render=render_markup, **kw)


async def make_user(
    sessions: Sessions,
    now: datetime,
    user_id: int = 1,
    *,
    zone: str = "Europe/Berlin",
    plan_items: tuple[tuple[float, time], ...] = ((200.0, time(21, 30)),),
    morning: time | None = None,
) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, user_id, user_id, now)
        user.timezone = zone
        user.morning_time = morning
        await queries.set_dose_plan(session, user, list(plan_items))
        await plan.replan_user(session, user, now)


async def prompts(sessions: Sessions, **where: Any) -> list[Prompt]:
    async with sessions() as session:
        query = select(Prompt).order_by(Prompt.scheduled_for, Prompt.id)
        for name, value in where.items():
            query = query.where(getattr(Prompt, name) == value)
        return list((await session.scalars(query)).all())


async def get_user(sessions: Sessions, user_id: int = 1) -> User:
    async with sessions() as session:
        user = await queries.get_user(session, user_id)
        assert user is not None
        return user


async def add_attack(
    sessions: Sessions, started: datetime, now: datetime, user_id: int = 1, intensity: int = 7
) -> int:
    async with sessions.begin() as session:
        attack = Attack(
            user_id=user_id,
            started_at=started,
            kind="migraine",
            start_intensity=intensity,
            peak_intensity=intensity,
            created_at=now,
        )
        session.add(attack)
        await session.flush()
        user = await queries.get_user(session, user_id)
        assert user is not None
        await plan.schedule_followups(session, user, attack, now)
        return attack.id


def local(when: datetime, zone: str = "Europe/Berlin") -> datetime:
    return when.astimezone(sch.zone_of(zone)).replace(tzinfo=None)


# --- materialising ----------------------------------------------------------------------


async def test_dose_prompts_are_materialised_two_days_ahead_in_the_users_zone(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, morning=time(7, 30))
    rows = await prompts(sessions, status="pending")
    doses = [local(p.scheduled_for) for p in rows if p.kind == "dose"]
    mornings = [local(p.scheduled_for) for p in rows if p.kind == "morning"]
    assert doses == [datetime(2026, 6, 1, 21, 30), datetime(2026, 6, 2, 21, 30)]
    assert mornings == [datetime(2026, 6, 2, 7, 30), datetime(2026, 6, 3, 7, 30)]
    assert {p.amount_mg for p in rows if p.kind == "dose"} == {200.0}


async def test_replanning_twice_changes_nothing(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    before = [(p.id, p.scheduled_for) for p in await prompts(sessions)]
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        await plan.replan_user(session, user, MONDAY + timedelta(minutes=5))
    assert [(p.id, p.scheduled_for) for p in await prompts(sessions)] == before


async def test_zone_change_moves_pending_dose_prompts_to_the_new_zone(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        user.timezone = "America/New_York"
        await plan.replan_user(session, user, MONDAY)
    pending = await prompts(sessions, status="pending")
    assert [local(p.scheduled_for, "America/New_York") for p in pending] == [
        datetime(2026, 6, 1, 21, 30),
        datetime(2026, 6, 2, 21, 30),
    ]
    cancelled = await prompts(sessions, status="cancelled")
    assert [local(p.scheduled_for) for p in cancelled] == [
        datetime(2026, 6, 1, 21, 30),
        datetime(2026, 6, 2, 21, 30),
    ]


async def test_dose_plan_change_keeps_a_prompt_already_due_but_not_yet_sent(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY)
    due = datetime(2026, 6, 1, 19, 30, 5, tzinfo=UTC)  # 21:30:05 in Berlin
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        await queries.set_dose_plan(session, user, [(300.0, time(21, 30))])
        await plan.replan_user(session, user, due)
    first = (await prompts(sessions))[0]
    assert first.status == "pending" and first.amount_mg == 300.0


async def test_materialise_all_fills_the_horizon_and_skips_paused_users(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, 1)
    await make_user(sessions, MONDAY, 2)
    async with sessions.begin() as session:
        await session.execute(update(User).where(User.id == 2).values(paused=True))
        await plan.cancel_all(session, 2)
    later = MONDAY + timedelta(days=1)
    async with sessions.begin() as session:
        made = await plan.materialise_all(session, later)
    assert made == 1  # user 1's dose on Wednesday; user 2 is paused
    async with sessions.begin() as session:
        assert await plan.materialise_all(session, later) == 0
    pending = await prompts(sessions, status="pending", user_id=1)
    assert [local(p.scheduled_for).date().day for p in pending] == [1, 2, 3]
    assert await prompts(sessions, status="pending", user_id=2) == []


async def test_dst_week_prompts_stay_at_2130_local(sessions: Sessions) -> None:
    start = datetime(2026, 3, 26, 12, tzinfo=UTC)  # Berlin springs forward on the 29th
    await make_user(sessions, start)
    clock = FakeClock(start)
    seen = []
    for _ in range(6):
        async with sessions.begin() as session:
            await plan.materialise_all(session, clock.now())
        clock.advance(timedelta(days=1))
    for p in await prompts(sessions):
        seen.append(local(p.scheduled_for))
    assert len(seen) == len(set(seen)) >= 7
    assert {(t.hour, t.minute) for t in seen} == {(21, 30)}


# --- sending once ----------------------------------------------------------------------


async def test_due_dose_prompt_is_sent_once_with_its_buttons(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 29, tzinfo=UTC)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).sent == 0
    clock.advance(timedelta(minutes=1))
    stats = await dispatcher(sessions, bot, clock).run()
    assert stats.sent == 1
    assert bot.texts(1) == ["💊 Time for your magnesium (200 mg)."]
    assert bot.buttons() == ["Took it (200 mg)", "Other amount", "Skip", "Snooze 30 min"]
    assert bot.sent[0]["parse_mode"] == "HTML"
    # a restart (a new dispatcher) and more rounds send nothing again
    clock.advance(timedelta(minutes=5))
    assert (await dispatcher(sessions, bot, clock).run()).sent == 0
    assert len(bot.sent) == 1
    sent = (await prompts(sessions, status="sent"))[0]
    assert sent.message_id == 1 and sent.sent_at == clock.now() - timedelta(minutes=5)


async def test_restart_after_downtime_sends_recent_prompts_once_and_drops_stale_ones(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, plan_items=((200.0, time(8, 0)), (200.0, time(21, 30))))
    await make_user(sessions, MONDAY, 2, plan_items=((100.0, time(21, 50)),))
    # The bot was down from Monday noon until Tuesday 22:20 Berlin time.
    clock, bot = FakeClock(datetime(2026, 6, 2, 20, 20, tzinfo=UTC)), FakeBot()
    stats = await dispatcher(sessions, bot, clock).run()
    # Tuesday 21:30 (50 min late) and user 2's 21:50 (30 min late) go out once;
    # Monday's and Tuesday 08:00 are more than an hour late: missed, not piled up.
    assert stats.sent == 2 and stats.missed == 3
    assert len(bot.texts(1)) == 1 and len(bot.texts(2)) == 1
    missed = [local(p.scheduled_for) for p in await prompts(sessions, status="missed")]
    assert missed == [
        datetime(2026, 6, 1, 21, 30),
        datetime(2026, 6, 1, 21, 50),
        datetime(2026, 6, 2, 8, 0),
    ]
    assert (await dispatcher(sessions, bot, clock).run()).claimed == 0


async def test_housekeeping_expires_stale_prompts_without_sending(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    async with sessions.begin() as session:
        assert await plan.expire_stale(session, datetime(2026, 6, 2, 21, tzinfo=UTC)) == 2
    assert await prompts(sessions, status="pending") == []


async def test_morning_question_stops_capturing_typed_text_after_three_hours(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, plan_items=(), morning=time(7, 30))
    clock, bot = FakeClock(datetime(2026, 6, 2, 5, 30, tzinfo=UTC)), FakeBot()
    await dispatcher(sessions, bot, clock).run()
    [sent] = await prompts(sessions, status="sent")
    assert (await get_user(sessions)).awaiting == f"morning:{sent.id}"
    async with sessions.begin() as session:
        assert await plan.forget_stale_morning_questions(session, clock.now()) == 0
    async with sessions.begin() as session:
        later = clock.now() + timedelta(hours=3, minutes=1)
        assert await plan.forget_stale_morning_questions(session, later) == 1
    assert (await get_user(sessions)).awaiting is None


async def test_prompt_left_sending_by_a_dead_process_is_sent_once_more_then_given_up(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY)
    due = datetime(2026, 6, 1, 19, 30, tzinfo=UTC)
    clock, bot = FakeClock(due), FakeBot()
    dead = dispatcher(sessions, bot, clock, name="dead")
    async with sessions.begin() as session:
        assert len(await dead.claim(session, due, 10)) == 1  # ... and then it was killed
        await workers.beat(session, "dead", datetime.now(UTC))  # its last heartbeat
    clock.advance(timedelta(minutes=2))
    assert (await dispatcher(sessions, bot, clock).run()).sent == 0  # it may still be alive
    async with sessions.begin() as session:  # its heartbeat stopped long enough ago
        await session.execute(
            update(Worker).values(seen_at=datetime.now(UTC) - plan.DEAD_AFTER * 2)
        )
    stats = await dispatcher(sessions, bot, clock).run()
    assert stats.recovered == 1 and stats.sent == 1
    assert bot.texts(1)[-1].startswith("<i>(In case this didn't reach you:)</i>\n💊")
    # A prompt that was recovered once and is stuck again is given up, not looped.
    async with sessions.begin() as session:
        await session.execute(
            update(Prompt).values(status="sending", claimed_at=clock.now(), claimed_by="dead")
        )
    clock.advance(timedelta(minutes=6))
    stats = await dispatcher(sessions, bot, clock).run()
    assert stats.sent == 0
    assert [p.status for p in await prompts(sessions, kind="dose")] == ["missed", "pending"]


async def test_prompt_not_sent_for_a_network_error_is_retried(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    bot.fail_with = NetworkError("connection refused")
    assert (await dispatcher(sessions, bot, clock).run()).failed == 1
    bot.fail_with = None
    clock.advance(timedelta(seconds=30))
    assert (await dispatcher(sessions, bot, clock).run()).sent == 1
    assert len(bot.sent) == 1


# --- blocked, paused -------------------------------------------------------------------


async def test_user_who_blocked_the_bot_is_marked_inactive_and_no_longer_prompted(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, morning=time(7, 0))
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    bot.blocked.add(1)
    stats = await dispatcher(sessions, bot, clock).run()
    assert stats.blocked == 1 and bot.sent == []
    user = await get_user(sessions)
    assert user.active is False
    assert await prompts(sessions, status="pending") == []
    # housekeeping does not bring prompts back for an inactive user
    async with sessions.begin() as session:
        await plan.materialise_all(session, clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=2))
    assert (await dispatcher(sessions, bot, clock).run()).claimed == 0
    # /start: active again and replanned
    bot.blocked.clear()
    async with sessions.begin() as session:
        found = await queries.get_user(session, 1)
        assert found is not None
        found.active = True
        await plan.replan_user(session, found, clock.now())
    assert len(await prompts(sessions, status="pending")) == 4


async def test_chat_not_found_counts_as_blocked(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    bot.fail_with = BadRequest("Chat not found")
    assert (await dispatcher(sessions, bot, clock).run()).blocked == 1
    assert (await get_user(sessions)).active is False


async def test_paused_user_gets_nothing_and_resume_brings_prompts_back(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        user.paused = True
        await plan.cancel_all(session, user.id)
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).claimed == 0
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        user.paused = False
        await plan.replan_user(session, user, datetime(2026, 6, 1, 19, 0, tzinfo=UTC))
    assert (await dispatcher(sessions, bot, clock).run()).sent == 1


async def test_prompt_claimed_for_a_user_paused_meanwhile_is_cancelled(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY)
    async with sessions.begin() as session:
        await session.execute(update(User).values(paused=True))  # no cancel_all: a race
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).cancelled == 1
    assert bot.sent == []


# --- follow-ups ------------------------------------------------------------------------


async def test_followups_two_hours_after_onset_then_every_four_hours(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # 11:00 Berlin
    await add_attack(sessions, onset, onset + timedelta(minutes=5))
    clock, bot = FakeClock(onset + timedelta(hours=2)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).sent == 1
    assert bot.texts(1)[0].startswith("🩺 How is it now? Your migraine since 11:00, 7/10")
    assert bot.buttons() == [*(str(n) for n in range(11)), "Gone"]
    pending = await prompts(sessions, kind="followup", status="pending")
    assert [local(p.scheduled_for) for p in pending] == [datetime(2026, 6, 1, 17, 0)]


async def test_followups_stop_after_two_unanswered(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    await add_attack(sessions, onset, onset)
    clock, bot = FakeClock(onset), FakeBot()
    for hours in (2, 6, 10):
        clock.set(onset + timedelta(hours=hours))
        await dispatcher(sessions, bot, clock).run()
    assert len(bot.sent) == 2  # +2 h and +6 h went unanswered; +10 h is not sent
    statuses = [(p.status, p.outcome) for p in await prompts(sessions, kind="followup")]
    assert statuses == [("sent", None), ("sent", None), ("cancelled", "unanswered")]


async def test_answered_followup_keeps_the_chain_going(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    await add_attack(sessions, onset, onset)
    clock, bot = FakeClock(onset), FakeBot()
    for hours in (2, 6, 10):
        clock.set(onset + timedelta(hours=hours))
        await dispatcher(sessions, bot, clock).run()
        async with sessions.begin() as session:  # the person answers each one
            await session.execute(
                update(Prompt).where(Prompt.status == "sent").values(status="answered")
            )
    assert len(bot.sent) == 3


async def test_no_followups_in_quiet_hours(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 19, 0, tzinfo=UTC)  # 21:00 Berlin
    await add_attack(sessions, onset, onset)
    clock, bot = FakeClock(onset), FakeBot()
    sent_at = []
    while clock.now() < onset + timedelta(hours=20):
        clock.advance(timedelta(minutes=15))
        before = len(bot.sent)
        await dispatcher(sessions, bot, clock).run()
        sent_at += [local(clock.now())] * (len(bot.sent) - before)
        async with sessions.begin() as session:
            await session.execute(
                update(Prompt).where(Prompt.status == "sent").values(status="answered")
            )
    # +2 h would be 23:00, inside 23:00-07:00: the first question comes at 07:00
    assert sent_at == [
        datetime(2026, 6, 2, 7, 0),
        datetime(2026, 6, 2, 11, 0),
        datetime(2026, 6, 2, 15, 0),
    ]


async def test_followups_stop_when_the_attack_ends(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    attack_id = await add_attack(sessions, onset, onset)
    ended = onset + timedelta(hours=1)
    async with sessions.begin() as session:
        attack = await session.get(Attack, attack_id)
        user = await queries.get_user(session, 1)
        assert attack is not None and user is not None
        attack.ended_at = ended
        await plan.cancel_followups(session, attack_id)
        await plan.schedule_recurrence_check(session, user, attack, ended)
    clock, bot = FakeClock(onset + timedelta(hours=3)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).claimed == 0
    recurrence = await prompts(sessions, kind="recurrence")
    assert [p.scheduled_for for p in recurrence] == [ended + timedelta(hours=24)]
    clock.set(ended + timedelta(hours=24))
    await dispatcher(sessions, bot, clock).run()
    assert bot.texts(1) == ["Your migraine ended Mon 01 Jun 12:00. Did it come back since?"]


async def test_followups_stop_at_72_hours(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    async with sessions.begin() as session:
        await session.execute(update(User).values(quiet_start=time(0), quiet_end=time(0)))
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    await add_attack(sessions, onset, onset)
    clock, bot = FakeClock(onset), FakeBot()
    while clock.now() < onset + timedelta(hours=80):
        clock.advance(timedelta(hours=1))
        await dispatcher(sessions, bot, clock).run()
        async with sessions.begin() as session:
            await session.execute(
                update(Prompt).where(Prompt.status == "sent").values(status="answered")
            )
    assert len(bot.sent) == 18  # +2 h, +6 h, ... +70 h
    assert await prompts(sessions, kind="followup", status="pending") == []


async def test_followup_overdue_past_its_next_slot_is_missed_and_the_chain_goes_on(
    sessions: Sessions,
) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # 07:00 Berlin
    await add_attack(sessions, onset, onset)
    # down from before +2 h (09:00) until 13:30 Berlin; the next slot would be 13:00
    clock, bot = FakeClock(onset + timedelta(hours=6, minutes=30)), FakeBot()
    stats = await dispatcher(sessions, bot, clock).run()
    assert stats.missed == 1 and stats.sent == 0
    pending = await prompts(sessions, kind="followup", status="pending")
    assert [local(p.scheduled_for) for p in pending] == [datetime(2026, 6, 1, 17, 0)]


async def test_quiet_hours_set_after_scheduling_defer_the_followup(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    await add_attack(sessions, onset, onset)
    async with sessions.begin() as session:  # now quiet 10:00-14:00 Berlin, no replan
        await session.execute(update(User).values(quiet_start=time(10), quiet_end=time(14)))
    clock, bot = FakeClock(onset + timedelta(hours=2)), FakeBot()
    assert (await dispatcher(sessions, bot, clock).run()).deferred == 1
    pending = await prompts(sessions, kind="followup", status="pending")
    assert [local(p.scheduled_for) for p in pending] == [datetime(2026, 6, 1, 14, 0)]


async def test_resume_gives_an_open_attack_its_next_followup(sessions: Sessions) -> None:
    await make_user(sessions, MONDAY, plan_items=())
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    await add_attack(sessions, onset, onset)
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        user.paused = True
        await plan.replan_user(session, user, onset)
    assert await prompts(sessions, status="pending") == []
    async with sessions.begin() as session:
        user = await queries.get_user(session, 1)
        assert user is not None
        user.paused = False
        await plan.replan_user(session, user, onset + timedelta(hours=1))
    pending = await prompts(sessions, kind="followup", status="pending")
    assert [p.scheduled_for for p in pending] == [onset + timedelta(hours=2)]


# --- waking the dispatcher --------------------------------------------------------------


async def test_commit_of_a_new_prompt_wakes_the_dispatcher_and_rollback_does_not(
    sessions: Sessions, engine: AsyncEngine
) -> None:
    woken: list[datetime] = []
    wake.listen(engine, woken.append)
    try:
        await make_user(sessions, MONDAY)
        assert woken == [datetime(2026, 6, 1, 19, 30, tzinfo=UTC)]
        with pytest.raises(RuntimeError):
            async with sessions.begin() as session:
                await plan.insert_prompts(
                    session,
                    [{"user_id": 1, "kind": "snooze", "scheduled_for": MONDAY}],
                )
                raise RuntimeError("rolled back")
        assert len(woken) == 1
    finally:
        wake.unlisten(engine, woken.append)


# --- several processes -------------------------------------------------------------------


async def test_a_claim_takes_at_most_its_limit_in_due_order(sessions: Sessions) -> None:
    # On PostgreSQL an `id IN (... FOR UPDATE SKIP LOCKED LIMIT n)` claim can
    # take far more than n rows (the subquery re-runs per outer row).
    due = datetime(2026, 6, 1, 19, 30, tzinfo=UTC)
    async with sessions.begin() as session:
        for uid in range(1, 61):
            await queries.create_user(session, uid, uid, MONDAY)
        await session.flush()
        await plan.insert_prompts(
            session,
            [
                {"user_id": uid, "kind": "dose", "scheduled_for": due - timedelta(seconds=uid)}
                for uid in range(1, 61)
            ],
        )
    worker = dispatcher(sessions, FakeBot(), FakeClock(due))
    async with sessions.begin() as session:
        claimed = await worker.claim(session, due, 8)
    assert [c.user_id for c in claimed] == list(range(60, 52, -1))  # the most overdue first
    assert len(await prompts(sessions, status="sending")) == 8


async def test_two_dispatchers_on_postgres_send_every_prompt_exactly_once(
    pg_engines: Callable[[], AsyncEngine],
) -> None:
    engines = [pg_engines(), pg_engines()]
    await upgrade(engines[0])
    first, second = (make_sessionmaker(e) for e in engines)
    due = datetime(2026, 6, 1, 19, 30, tzinfo=UTC)
    users = 300
    async with first.begin() as session:
        for uid in range(1, users + 1):
            await queries.create_user(session, uid, uid, MONDAY)
        await session.flush()
        await plan.insert_prompts(
            session,
            [
                {
                    "user_id": uid,
                    "kind": "dose",
                    "scheduled_for": due - timedelta(seconds=uid % 50),
                    "amount_mg": 200.0,
                }
                for uid in range(1, users + 1)
            ],
        )
    for sessions in (first, second):  # both "processes" are up before the prompts fall due
        async with sessions() as session:
            await session.execute(select(1))
    clock = FakeClock(due)
    bots = [FakeBot(delay=0.01), FakeBot(delay=0.01)]
    workers = [
        Dispatcher(
            first, bots[0], clock, send_rate=1000, render=render_markup, name="one", batch_size=7
        ),
        Dispatcher(
            second, bots[1], clock, send_rate=1000, render=render_markup, name="two", batch_size=7
        ),
    ]
    results = await asyncio.gather(*(w.run() for w in workers), *(w.run() for w in workers))
    chats = Counter(s["chat_id"] for bot in bots for s in bot.sent)
    assert len(chats) == users and set(chats.values()) == {1}
    assert all(bot.sent for bot in bots), "both processes took a share"
    assert sum(r.sent for r in results) == users
    async with first() as session:
        statuses = {
            status: count
            for status, count in await session.execute(
                select(Prompt.status, func.count()).group_by(Prompt.status)
            )
        }
        by = {
            name: count
            for name, count in await session.execute(
                select(Prompt.claimed_by, func.count()).group_by(Prompt.claimed_by)
            )
        }
    assert statuses == {"sent": users}
    assert by.keys() == {"one", "two"}
