"""The "did it help?" check and the overuse notice, at the database level (SQLite and
PostgreSQL): which medicines get a check and when, how it shares the follow-up chain,
how an answer is dated, and that the overuse notice reads enough of the diary.

The same flows through Telegram's wire format are in test_e2e_med_check.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.diary import attacks, checkin, history, journal, medicines, prompts
from bot.diary.scope import Scope, unit
from bot.domain import diary as d
from bot.domain import overuse
from bot.domain.entries import (
    AttackEndEntry,
    AttackEntry,
    MedicationEntry,
    Medicine,
)
from bot.scheduling import plan
from storage.enums import AttackKind
from storage.models import Attack, MedicationTaken, NoticeSent, Prompt
from storage.queries import users as queries
from tests.test_dispatch import FakeBot, dispatcher

Sessions = async_sessionmaker[AsyncSession]
NOON = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin, a Monday
GROUP = 500


async def make_user(sessions: Sessions, created: datetime = NOON - timedelta(days=30)) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, 1, 1, created)
        user.timezone = "Europe/Berlin"
        await queries.set_dose_plan(session, user, [])


@asynccontextmanager
async def scope(sessions: Sessions, now: datetime, group: int = GROUP) -> AsyncIterator[Scope]:
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=group) as opened:
        yield opened


async def say(sessions: Sessions, now: datetime, *entries: Any, group: int = GROUP) -> None:
    async with scope(sessions, now, group) as s:
        await checkin.record_message(s, list(entries), "test")


async def rows(sessions: Sessions, model: Any, **where: Any) -> list[Any]:
    async with sessions() as session:
        query = select(model).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list((await session.scalars(query)).all())


def migraine(*names: str, at: datetime | None = None) -> AttackEntry:
    meds = tuple(Medicine(name, taken_at=at) for name in names)
    return AttackEntry(kind=AttackKind.MIGRAINE, intensity=7, medications=meds)


# --- which medicines get a check -----------------------------------------------------------


async def test_two_medicines_in_one_message_share_one_question(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("ibuprofen", "paracetamol"))
    [check] = await rows(sessions, Prompt, kind="medcheck")
    assert check.scheduled_for == NOON + timedelta(hours=2)
    assert len(await rows(sessions, MedicationTaken)) == 2


async def test_a_second_medicine_within_half_an_hour_shares_the_question(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    await say(sessions, NOON + timedelta(minutes=20), MedicationEntry("ibuprofen"), group=501)
    await say(sessions, NOON + timedelta(minutes=45), MedicationEntry("naproxen"), group=502)
    checks = await rows(sessions, Prompt, kind="medcheck")
    assert [c.scheduled_for - NOON for c in checks] == [
        timedelta(hours=2),
        timedelta(hours=2, minutes=45),
    ]


async def test_only_an_acute_medicine_for_an_open_attack_is_asked_about(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(sessions, NOON, MedicationEntry("ibuprofen"))  # no attack: maybe a sore back
    await say(sessions, NOON, migraine(), group=501)
    await say(sessions, NOON, MedicationEntry("doxycycline"), group=502)  # not acute
    assert await rows(sessions, Prompt, kind="medcheck") == []
    await say(sessions, NOON + timedelta(minutes=5), MedicationEntry("rizatriptan"), group=503)
    [check] = await rows(sessions, Prompt, kind="medcheck")
    [attack] = await rows(sessions, Attack)
    assert (check.attack_id, check.scheduled_for) == (
        attack.id,
        NOON + timedelta(hours=2, minutes=5),
    )


async def test_a_medicine_for_an_attack_already_over_gets_no_question(sessions: Sessions) -> None:
    await make_user(sessions)
    entry = AttackEntry(
        kind=AttackKind.MIGRAINE,
        started_at=NOON - timedelta(hours=3),
        ended_at=NOON - timedelta(hours=1),
        medications=(Medicine("sumatriptan", taken_at=NOON - timedelta(hours=2, minutes=30)),),
    )
    await say(sessions, NOON, entry)
    assert await rows(sessions, Prompt, kind="medcheck") == []


async def test_a_backfilled_medicine_is_asked_about_only_within_the_grace(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(
        sessions, NOON, AttackEntry(kind=AttackKind.MIGRAINE, started_at=NOON - timedelta(hours=4))
    )
    # taken 2 h 40 min ago: its 2-hour moment passed 40 min ago, within the 1 h grace
    late = NOON - timedelta(hours=2, minutes=40)
    await say(sessions, NOON, MedicationEntry("ibuprofen", taken_at=late), group=501)
    # taken 3 h 10 min ago: too late to ask about 2 h after
    later = NOON - timedelta(hours=3, minutes=10)
    await say(sessions, NOON, MedicationEntry("paracetamol", taken_at=later), group=502)
    [check] = await rows(sessions, Prompt, kind="medcheck")
    assert check.scheduled_for == late + timedelta(hours=2)
    bot = FakeBot()
    assert (await dispatcher(sessions, bot, FakeClock(NOON)).run()).sent == 1
    assert bot.texts(1) == ["💊 It's 2 h since your ibuprofen (09:20). How is your migraine now?"]


# --- the check and the follow-up chain ------------------------------------------------------


async def test_the_chain_goes_on_from_the_check_once_it_is_sent(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine())  # first follow-up at 14:00
    bot, clock = FakeBot(), FakeClock(NOON + timedelta(hours=2))
    await dispatcher(sessions, bot, clock).run()
    [pending] = await rows(sessions, Prompt, kind="followup", status="pending")
    assert pending.scheduled_for == NOON + timedelta(hours=6)
    # a medicine after the first follow-up: its check replaces the one planned at 18:00
    await say(
        sessions, clock.now() + timedelta(minutes=10), MedicationEntry("ibuprofen"), group=501
    )
    assert await rows(sessions, Prompt, kind="followup", status="pending") == []
    clock.set(NOON + timedelta(hours=4, minutes=10))
    await dispatcher(sessions, bot, clock).run()
    assert bot.texts(1)[-1].startswith("💊 It's 2 h since your ibuprofen (14:10).")
    [pending] = await rows(sessions, Prompt, kind="followup", status="pending")
    assert pending.scheduled_for == NOON + timedelta(hours=8, minutes=10)


async def test_a_check_missed_during_downtime_lets_the_follow_ups_go_on(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    bot, clock = FakeBot(), FakeClock(NOON + timedelta(hours=3, minutes=30))
    stats = await dispatcher(sessions, bot, clock).run()
    assert (stats.sent, stats.missed) == (0, 1)
    [pending] = await rows(sessions, Prompt, kind="followup", status="pending")
    assert pending.scheduled_for == NOON + timedelta(hours=6)


async def test_ending_the_attack_by_text_cancels_its_check(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    await say(sessions, NOON + timedelta(hours=1), AttackEndEntry(), group=501)
    [check] = await rows(sessions, Prompt, kind="medcheck")
    assert (check.status, check.outcome) == ("cancelled", "attack over")


async def test_a_medicine_moved_in_the_log_moves_its_check(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine())
    await say(sessions, NOON + timedelta(minutes=5), MedicationEntry("ibuprofen"), group=501)
    async with scope(sessions, NOON + timedelta(minutes=6), group=502) as s:
        [line] = [x for x in await journal.journal.of_group(s.session, 1, 501)]
        await history.set_time(s, line.id, NOON - timedelta(minutes=30))
    checks = await rows(sessions, Prompt, kind="medcheck")
    assert [(c.status, c.scheduled_for - NOON) for c in checks] == [
        ("cancelled", timedelta(hours=2, minutes=5)),
        ("pending", timedelta(hours=1, minutes=30)),
    ]


async def test_same_attack_keeps_the_checks_of_the_one_merged_into_it(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine())
    named = AttackEntry(
        kind=AttackKind.MIGRAINE,
        started_at=NOON - timedelta(minutes=30),
        medications=(Medicine("sumatriptan", taken_at=NOON - timedelta(minutes=20)),),
    )
    await say(sessions, NOON + timedelta(minutes=5), named, group=501)
    first, second = await rows(sessions, Attack)
    async with scope(sessions, NOON + timedelta(minutes=6), group=502) as s:
        assert await attacks.merge_overlap(s, second.id, first.id) is not None
    [check] = await rows(sessions, Prompt, kind="medcheck")
    assert (check.attack_id, check.status) == (first.id, "pending")


# --- how an answer is dated -------------------------------------------------------------------


def _check(taken: datetime, scheduled: datetime) -> tuple[Prompt, MedicationTaken]:
    medicine = MedicationTaken(name="sumatriptan", taken_at=taken)
    return Prompt(kind="medcheck", scheduled_for=scheduled), medicine


@pytest.mark.parametrize(
    ("asked_after", "tapped_after", "dated_after"),
    [
        (timedelta(hours=2), timedelta(hours=2, minutes=1), timedelta(hours=2)),
        (timedelta(hours=2), timedelta(hours=2, minutes=30), timedelta(hours=2)),
        (timedelta(hours=2), timedelta(hours=2, minutes=31), timedelta(hours=2, minutes=31)),
        (timedelta(hours=2), timedelta(hours=5), timedelta(hours=5)),
        # asked after quiet hours about the 2-hour moment: dated at that moment
        (timedelta(hours=4, minutes=50), timedelta(hours=5, minutes=30), timedelta(hours=2)),
        # sent late after downtime, but still asking about now: the tap
        (
            timedelta(hours=2, minutes=20),
            timedelta(hours=2, minutes=40),
            timedelta(hours=2, minutes=40),
        ),
    ],
)
def test_an_answer_is_dated_at_two_hours_only_when_it_speaks_for_that_moment(
    asked_after: timedelta, tapped_after: timedelta, dated_after: timedelta
) -> None:
    taken = NOON
    prompt, medicine = _check(taken, taken + asked_after)
    assert prompts.answer_time(prompt, medicine, taken + tapped_after) == taken + dated_after


async def test_an_answer_after_the_attack_ended_changes_nothing(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    bot, clock = FakeBot(), FakeClock(NOON + timedelta(hours=2))
    await dispatcher(sessions, bot, clock).run()
    [check] = await rows(sessions, Prompt, kind="medcheck")
    await say(sessions, NOON + timedelta(hours=2, minutes=5), AttackEndEntry(), group=501)
    async with scope(sessions, NOON + timedelta(hours=2, minutes=6), group=502) as s:
        answer = await prompts.answer_med_check(s, check.id, prompts.MedCheckAnswer.BETTER)
    assert answer.answer is prompts.Answer.ATTACK_OVER
    [check] = await rows(sessions, Prompt, kind="medcheck")
    assert (check.status, check.outcome) == ("missed", "attack over")


async def test_a_double_tap_stores_one_answer(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    await dispatcher(sessions, FakeBot(), FakeClock(NOON + timedelta(hours=2))).run()
    [check] = await rows(sessions, Prompt, kind="medcheck")
    said = []
    for group, answer in ((501, prompts.MedCheckAnswer.SAME), (502, prompts.MedCheckAnswer.GONE)):
        async with scope(sessions, NOON + timedelta(hours=2, minutes=1), group=group) as s:
            said.append((await prompts.answer_med_check(s, check.id, answer)).answer)
    assert said == [prompts.Answer.NOTED, prompts.Answer.ALREADY]
    [attack] = await rows(sessions, Attack)
    assert attack.ended_at is None


# --- the overuse notice reads enough of the diary ----------------------------------------------


async def test_a_long_overuse_run_keeps_one_key_per_window(sessions: Sessions) -> None:
    """A triptan every day for 200 days: the notice's key must be the one the whole diary
    gives (the episode began 200 days ago), so it comes once per 28-day window, not daily."""
    first = NOON - timedelta(days=200)
    await make_user(sessions, created=first - timedelta(days=1))
    taken = [first + timedelta(days=n) for n in range(200)]
    for n, at in enumerate(taken[:-1]):
        async with scope(sessions, at, group=1000 + n) as s:
            s.session.add(
                MedicationTaken(user_id=1, name="sumatriptan", med_class="triptan", taken_at=at)
            )
    await say(sessions, NOON, MedicationEntry("sumatriptan"), group=2000)
    whole = d.Diary(
        tz="Europe/Berlin",
        created_at=first,
        medications=[d.MedicationTaken("sumatriptan", at, med_class="triptan") for at in taken],
    )
    expected = overuse.overuse_notice(whole, NOON)
    assert expected is not None and expected.level is overuse.Level.PATTERN
    keys = [n.key for n in await rows(sessions, NoticeSent)]
    assert keys == [expected.key]
    assert (NOON.date() - date.fromisoformat(expected.key.rsplit(":", 1)[1])).days < 28
    async with scope(sessions, NOON + timedelta(days=1), group=2001) as s:
        _, said = await medicines.record_medicine(
            s, MedicationEntry("sumatriptan"), "x", attack=None
        )
    assert said == []  # the next day: the same window, nothing said again


async def test_undoing_a_medicine_brings_the_follow_up_back(sessions: Sessions) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine())
    await say(sessions, NOON + timedelta(minutes=30), MedicationEntry("ibuprofen"), group=501)
    async with scope(sessions, NOON + timedelta(minutes=31), group=502) as s:
        await journal.undo_last(s)
    assert await rows(sessions, Prompt, kind="medcheck") == []
    [follow_up] = await rows(sessions, Prompt, kind="followup", status="pending")
    assert follow_up.scheduled_for == NOON + timedelta(hours=2)


async def test_a_settings_change_while_a_check_waits_asks_no_second_question(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await say(sessions, NOON, migraine("sumatriptan"))
    async with scope(sessions, NOON + timedelta(minutes=5), group=501) as s:
        s.user.followup_first_min = 90  # e.g. /followup 90m 4h: everything is replanned
        await plan.replan_user(s.session, s.user, s.now)
    assert await rows(sessions, Prompt, kind="followup", status="pending") == []
    [check] = await rows(sessions, Prompt, kind="medcheck", status="pending")
    assert check.scheduled_for == NOON + timedelta(hours=2)
