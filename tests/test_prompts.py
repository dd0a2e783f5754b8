"""What a tap on a prompt stores: dose, follow-up, recurrence and morning answers.

Database-level: the diary's use cases the button handlers call, on SQLite and
PostgreSQL, and how the UI then redraws the prompt. The same flows go through
Telegram's wire format in test_prompts_e2e.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.diary import prompts
from bot.diary.awaiting import Awaited, Awaiting
from bot.diary.scope import Scope, unit
from bot.domain import schedule as sch
from bot.handlers.prompts import answer_amount
from bot.scheduling import plan
from bot.ui.keyboards import Rows
from bot.ui.prompts import reply_view
from storage.models import Attack, AttackUpdate, Dose, Prompt, Sleep, User
from storage.queries import users as queries

Sessions = async_sessionmaker[AsyncSession]
DUE = datetime(2026, 6, 1, 19, 30, tzinfo=UTC)  # 21:30 in Berlin
GROUP = 7001


async def setup_user(sessions: Sessions, *, plan_mg: float = 200.0) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, 1, 1, DUE - timedelta(days=3))
        user.timezone = "Europe/Berlin"
        await queries.set_dose_plan(session, user, [(plan_mg, time(21, 30))])


async def sent_prompt(
    sessions: Sessions,
    kind: str = "dose",
    at: datetime = DUE,
    *,
    attack_id: int | None = None,
    amount: float | None = 200.0,
    user_id: int = 1,
) -> int:
    async with sessions.begin() as session:
        prompt = Prompt(
            user_id=user_id,
            kind=kind,
            scheduled_for=at,
            status="sent",
            sent_at=at,
            message_id=55,
            attack_id=attack_id,
            amount_mg=amount if kind in ("dose", "snooze") else None,
        )
        session.add(prompt)
        await session.flush()
        return prompt.id


@dataclass
class View:
    """What the person sees after a tap: the toast, the prompt's new text, its buttons."""

    toast: str | None
    text: str | None
    rows: Rows | None
    new_attack: Attack | None


@asynccontextmanager
async def scope(sessions: Sessions, now: datetime, group: int = GROUP) -> AsyncIterator[Scope]:
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=group) as opened:
        yield opened


async def _view(sessions: Sessions, now: datetime, group: int, call: Any) -> View:
    async with scope(sessions, now, group) as s:
        answer = await call(s)
        toast, text, rows = reply_view(answer, s.user, now)
    return View(toast, text, rows, answer.new_attack)


async def tap_dose(
    sessions: Sessions, pid: int, action: str, now: datetime, *, group: int = GROUP
) -> View:
    return await _view(
        sessions, now, group, lambda s: prompts.answer_dose(s, pid, prompts.DoseAction(action))
    )


async def tap_followup(
    sessions: Sessions,
    pid: int,
    action: str,
    value: int | None,
    now: datetime,
    *,
    group: int = GROUP,
) -> View:
    if action in ("back", "notback"):
        return await _view(
            sessions, now, group, lambda s: prompts.answer_recurrence(s, pid, back=action == "back")
        )
    return await _view(
        sessions,
        now,
        group,
        lambda s: prompts.answer_followup(s, pid, value, gone=action == "gone"),
    )


async def tap_morning(sessions: Sessions, pid: int, field: str, value: int, now: datetime) -> View:
    if field == "q":
        return await _view(
            sessions, now, GROUP, lambda s: prompts.answer_morning(s, pid, quality=value)
        )
    return await _view(
        sessions, now, GROUP, lambda s: prompts.answer_morning(s, pid, awakenings=value)
    )


async def type_amount(sessions: Sessions, pid: int, text: str, now: datetime, group: int) -> Any:
    async with scope(sessions, now, group) as s:
        return await answer_amount(s, Awaited(Awaiting.DOSE_AMOUNT, str(pid)), text)


async def rows(sessions: Sessions, model: Any, **where: Any) -> list[Any]:
    async with sessions() as session:
        query = select(model).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list((await session.scalars(query)).all())


async def user_row(sessions: Sessions) -> User:
    async with sessions() as session:
        user = await session.get(User, 1)
        assert user is not None
        return user


# --- dose prompts ------------------------------------------------------------------------


async def test_took_it_logs_the_planned_dose_and_edits_the_prompt(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    now = DUE + timedelta(minutes=4)
    reply = await tap_dose(sessions, pid, "took", now, group=GROUP)
    assert reply.text == "💊 Time for your magnesium (200 mg).\n✅ Taken: 200 mg at 21:34."
    assert reply.rows is None  # the buttons go away with the answer
    [dose] = await rows(sessions, Dose)
    assert (dose.amount_mg, dose.status, dose.source, dose.prompt_id) == (
        200.0,
        "taken",
        "prompt",
        pid,
    )
    assert dose.taken_at == now
    [prompt] = await rows(sessions, Prompt)
    assert (prompt.status, prompt.outcome, prompt.answered_at) == ("answered", "took 200 mg", now)


async def test_second_tap_is_answered_and_stores_nothing(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    await tap_dose(sessions, pid, "took", DUE, group=GROUP)
    for action in ("took", "skip", "snooze", "other"):
        again = await tap_dose(sessions, pid, action, DUE, group=GROUP + 1)
        assert again.toast == "Already noted: took 200 mg."
        assert again.text is None  # no edit, so never an identical one
    assert len(await rows(sessions, Dose)) == 1
    assert len(await rows(sessions, Prompt)) == 1
    assert (await user_row(sessions)).awaiting is None


async def test_skip_logs_a_skipped_dose(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    reply = await tap_dose(sessions, pid, "skip", DUE, group=GROUP)
    assert reply.text is not None and reply.text.endswith("⏭ Skipped. Noted.")
    [dose] = await rows(sessions, Dose)
    assert (dose.status, dose.amount_mg) == ("skipped", None)


async def test_snooze_asks_again_in_thirty_minutes(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    now = DUE + timedelta(minutes=1, seconds=10, microseconds=5)
    reply = await tap_dose(sessions, pid, "snooze", now, group=GROUP)
    assert reply.text is not None and reply.text.endswith("⏰ Snoozed: I'll ask again at 22:01.")
    assert await rows(sessions, Dose) == []
    [_, again] = await rows(sessions, Prompt)
    assert (again.kind, again.status, again.amount_mg) == ("snooze", "pending", 200.0)
    assert again.scheduled_for == (now + timedelta(minutes=30)).replace(microsecond=0)
    # the snoozed prompt is itself a dose prompt, answered the same way
    async with sessions.begin() as session:
        await session.execute(
            Prompt.__table__.update().where(Prompt.id == again.id).values(status="sent")
        )
    later = await tap_dose(
        sessions,
        again.id,
        "took",
        now + timedelta(minutes=31),
        group=GROUP + 1,
    )
    assert later.text is not None and later.text.startswith("💊 Reminder: Time for your magnesium")
    assert len(await rows(sessions, Dose)) == 1


async def test_other_amount_waits_for_a_typed_amount(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    first = await tap_dose(sessions, pid, "other", DUE, group=GROUP)
    assert first.text is not None and "How much did you take?" in first.text
    assert first.rows  # the other buttons stay
    assert (await user_row(sessions)).awaiting == f"dose_amount:{pid}"
    second = await tap_dose(sessions, pid, "other", DUE, group=GROUP)
    assert second.text is None  # same question: no identical edit
    assert await type_amount(sessions, pid, "migraine again", DUE, 1) is None
    # not an amount: the question stays open
    assert (await user_row(sessions)).awaiting == f"dose_amount:{pid}"
    out = await type_amount(sessions, pid, "300mg", DUE, 2)
    assert out is not None
    messages, edits = out
    assert messages[0] == ("Noted: 300 mg of magnesium at 21:30. ✅", None)
    [(message_id, prompt_text)] = edits
    assert message_id == 55 and prompt_text.endswith("✅ Taken: 300 mg at 21:30.")
    [dose] = await rows(sessions, Dose)
    assert (dose.amount_mg, dose.raw_text) == (300.0, "300mg")
    assert (await user_row(sessions)).awaiting is None


@pytest.mark.parametrize(
    ("text", "amount", "count"),
    [("300", 300.0, None), ("300 mg", 300.0, None), ("2 caps", 200.0, 2), ("1 capsule", 100.0, 1)],
)
async def test_other_amount_reads_milligrams_and_capsules(
    sessions: Sessions, text: str, amount: float, count: int | None
) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    await tap_dose(sessions, pid, "other", DUE, group=GROUP)
    assert await type_amount(sessions, pid, text, DUE, 2) is not None
    [dose] = await rows(sessions, Dose)
    assert (dose.amount_mg, dose.count) == (amount, count)


async def test_a_day_over_the_upper_limit_gets_the_notice_on_the_prompt(
    sessions: Sessions,
) -> None:
    await setup_user(sessions, plan_mg=400.0)
    pid = await sent_prompt(sessions, amount=400.0)
    reply = await tap_dose(sessions, pid, "took", DUE, group=GROUP)
    assert reply.text is not None and "350 mg upper limit" in reply.text


async def test_tap_on_yesterdays_prompt_changes_nothing(sessions: Sessions) -> None:
    await setup_user(sessions)
    pid = await sent_prompt(sessions)
    next_day = DUE + timedelta(hours=14)
    reply = await tap_dose(sessions, pid, "took", next_day, group=GROUP)
    assert reply.toast is not None and reply.toast.startswith("This reminder is from Mon 01 Jun")
    assert reply.text is not None and reply.text.endswith("(expired)</i>")
    assert await rows(sessions, Dose) == []
    [prompt] = await rows(sessions, Prompt)
    assert (prompt.status, prompt.outcome) == ("missed", "expired")
    again = await tap_dose(sessions, pid, "skip", next_day, group=GROUP)
    assert again.text is None and await rows(sessions, Dose) == []


async def test_someone_elses_or_a_made_up_prompt_is_stale(sessions: Sessions) -> None:
    await setup_user(sessions)
    async with sessions.begin() as session:
        await queries.create_user(session, 2, 2, DUE)
    other = await sent_prompt(sessions, user_id=2)
    for pid in (other, 999_999):
        reply = await tap_dose(sessions, pid, "took", DUE, group=GROUP)
        assert reply.toast == "This reminder has expired, so nothing was changed."
        assert reply.text is None
    assert await rows(sessions, Dose) == []


# --- follow-ups ------------------------------------------------------------------------


async def open_attack(sessions: Sessions, started: datetime, intensity: int | None = 7) -> int:
    async with sessions.begin() as session:
        attack = Attack(
            user_id=1,
            started_at=started,
            kind="migraine",
            start_intensity=intensity,
            peak_intensity=intensity,
            created_at=started,
        )
        session.add(attack)
        await session.flush()
        return attack.id


ONSET = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)  # 12:00 Berlin


async def test_pain_at_two_hours_is_stored_as_the_two_hour_response(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    pid = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=2), attack_id=aid)
    now = ONSET + timedelta(hours=2, minutes=3)
    reply = await tap_followup(sessions, pid, "i", 4, now, group=GROUP)
    assert reply.text is not None
    assert reply.text.startswith("🩺 How is it now? Your migraine since 12:00, 7/10 at the start.")
    assert reply.text.endswith("Noted: 4/10 at 14:03.")
    [update] = await rows(sessions, AttackUpdate)
    assert (update.intensity, update.gone, update.at) == (4, False, now)
    [attack] = await rows(sessions, Attack)
    assert (attack.response_2h, attack.ended_at, attack.start_intensity) == ("reduced", None, 7)
    again = await tap_followup(sessions, pid, "gone", None, now, group=GROUP + 1)
    assert again.toast == "Already noted: 4/10." and again.text is None
    assert len(await rows(sessions, AttackUpdate)) == 1


async def test_gone_ends_the_attack_and_plans_the_recurrence_check(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    pid = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=2), attack_id=aid)
    async with sessions.begin() as session:  # the next follow-up, already planned
        await plan.insert_prompts(
            session,
            [
                {
                    "user_id": 1,
                    "kind": "followup",
                    "scheduled_for": ONSET + timedelta(hours=6),
                    "attack_id": aid,
                }
            ],
        )
    now = ONSET + timedelta(hours=2, minutes=10)
    reply = await tap_followup(sessions, pid, "gone", None, now, group=GROUP)
    assert reply.text is not None and reply.text.endswith("✅ Glad it's gone. Ended at 14:10.")
    [attack] = await rows(sessions, Attack)
    assert (attack.ended_at, attack.response_2h) == (now, "gone")
    kinds = [(p.kind, p.status, p.scheduled_for) for p in await rows(sessions, Prompt)]
    assert kinds == [
        ("followup", "answered", ONSET + timedelta(hours=2)),
        ("followup", "cancelled", ONSET + timedelta(hours=6)),
        ("recurrence", "pending", now + timedelta(hours=24)),
    ]


async def test_zero_pain_counts_as_gone(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    pid = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=2), attack_id=aid)
    await tap_followup(sessions, pid, "i", 0, ONSET + timedelta(hours=2), group=GROUP)
    [attack] = await rows(sessions, Attack)
    assert attack.ended_at is not None and attack.response_2h == "gone"


async def test_a_late_or_later_answer_is_not_the_two_hour_response(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    first = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=2), attack_id=aid)
    second = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=6), attack_id=aid)
    await tap_followup(sessions, second, "i", 3, ONSET + timedelta(hours=6), group=GROUP)
    assert (await rows(sessions, Attack))[0].response_2h is None  # not the first follow-up
    await tap_followup(
        sessions,
        first,
        "i",
        3,
        ONSET + timedelta(hours=6, minutes=1),
        group=GROUP,
    )
    assert (await rows(sessions, Attack))[0].response_2h is None  # the first, but hours late


async def test_followup_for_an_attack_that_already_ended_changes_nothing(
    sessions: Sessions,
) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    pid = await sent_prompt(sessions, "followup", ONSET + timedelta(hours=2), attack_id=aid)
    async with sessions.begin() as session:
        attack = await session.get(Attack, aid)
        assert attack is not None
        attack.ended_at = ONSET + timedelta(hours=1)
    now = ONSET + timedelta(hours=2, minutes=5)
    reply = await tap_followup(sessions, pid, "i", 5, now, group=GROUP)
    assert reply.toast == "That attack is already marked as over. Nothing was changed."
    assert reply.text is not None and reply.text.endswith("(expired)</i>")
    again = await tap_followup(sessions, pid, "i", 5, now, group=GROUP)
    assert again.text is None
    assert await rows(sessions, AttackUpdate) == []


async def test_it_came_back_logs_a_new_attack_with_its_own_followups(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    ended = ONSET + timedelta(hours=3)
    async with sessions.begin() as session:
        attack = await session.get(Attack, aid)
        assert attack is not None
        attack.ended_at = ended
    pid = await sent_prompt(sessions, "recurrence", ended + timedelta(hours=24), attack_id=aid)
    now = ended + timedelta(hours=24, minutes=2)
    reply = await tap_followup(sessions, pid, "back", None, now, group=GROUP)
    assert reply.text is not None and "logged a new migraine" in reply.text
    assert reply.new_attack is not None
    old, new = await rows(sessions, Attack)
    assert old.ended_at == ended and (new.started_at, new.ended_at, new.kind) == (
        now,
        None,
        "migraine",
    )
    followups = await rows(sessions, Prompt, kind="followup")
    assert [(p.attack_id, p.scheduled_for) for p in followups] == [
        (new.id, now + timedelta(hours=2))
    ]
    again = await tap_followup(sessions, pid, "notback", None, now, group=GROUP + 1)
    assert again.toast == "Already noted: came back." and len(await rows(sessions, Attack)) == 2


async def test_it_did_not_come_back(sessions: Sessions) -> None:
    await setup_user(sessions)
    aid = await open_attack(sessions, ONSET)
    async with sessions.begin() as session:
        attack = await session.get(Attack, aid)
        assert attack is not None
        attack.ended_at = ONSET + timedelta(hours=3)
    pid = await sent_prompt(sessions, "recurrence", ONSET + timedelta(hours=27), attack_id=aid)
    reply = await tap_followup(
        sessions,
        pid,
        "notback",
        None,
        ONSET + timedelta(hours=27),
        group=GROUP,
    )
    assert reply.text is not None and reply.text.endswith("Good to hear. Noted.")
    assert len(await rows(sessions, Attack)) == 1


# --- morning check-in ----------------------------------------------------------------


async def test_morning_buttons_fill_one_sleep_row_for_last_night(sessions: Sessions) -> None:
    await setup_user(sessions)
    morning = datetime(2026, 6, 2, 5, 30, tzinfo=UTC)  # 07:30 Berlin, Tuesday
    pid = await sent_prompt(sessions, "morning", morning)
    async with sessions.begin() as session:
        user = await session.get(User, 1)
        assert user is not None
        user.awaiting = f"morning:{pid}"
    now = morning + timedelta(minutes=5)
    first = await tap_morning(sessions, pid, "q", 4, now)
    assert first.text is not None and first.text.endswith("Noted: quality 4/5.")
    assert first.rows is not None and "✅ 4" in [label for label, _ in first.rows[0]]
    second = await tap_morning(sessions, pid, "w", 3, now)
    assert second.text is not None and second.text.endswith("Noted: quality 4/5, woke up 3+×.")
    same = await tap_morning(sessions, pid, "w", 3, now)
    assert same.text is None  # nothing changed: no identical edit
    [sleep] = await rows(sessions, Sleep)
    assert (sleep.night, sleep.quality, sleep.awakenings) == (date(2026, 6, 1), 4, 3)
    [prompt] = await rows(sessions, Prompt)
    assert (prompt.status, prompt.outcome) == ("answered", "quality 4/5, woke up 3+×")
    assert (await user_row(sessions)).awaiting is None


async def test_morning_answer_fills_the_row_a_typed_answer_made(sessions: Sessions) -> None:
    await setup_user(sessions)
    morning = datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
    pid = await sent_prompt(sessions, "morning", morning)
    async with sessions.begin() as session:
        session.add(Sleep(user_id=1, night=date(2026, 6, 1), hours=6.0, recorded_at=morning))
    await tap_morning(sessions, pid, "q", 2, morning)
    [sleep] = await rows(sessions, Sleep)
    assert (sleep.hours, sleep.quality) == (6.0, 2)


async def test_morning_button_on_a_stale_or_forged_prompt(sessions: Sessions) -> None:
    await setup_user(sessions)
    morning = datetime(2026, 6, 2, 5, 30, tzinfo=UTC)
    pid = await sent_prompt(sessions, "morning", morning)
    bad = await tap_morning(sessions, pid, "q", 9, morning)
    assert bad.toast is not None and bad.text is None
    late = await tap_morning(sessions, pid, "q", 3, morning + timedelta(days=1))
    assert late.text is not None and "(expired)" in late.text
    assert await rows(sessions, Sleep) == []


def test_grace_and_answer_windows_fit_together() -> None:
    # a prompt sent at the end of its grace can still be answered for hours
    for kind in (sch.DOSE, sch.MORNING, sch.RECURRENCE):
        assert sch.ANSWERABLE_FOR[kind] > sch.GRACE[kind]
