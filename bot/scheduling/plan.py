"""What is due, kept in the `prompt` table (DESIGN §5). Database-only functions.

Recurring prompts (dose times, the morning check-in, the MIDAS questionnaire
every 3 months) are materialised from each person's settings up to 48 h ahead,
by `replan_user` when a setting changes and by `materialise_all` from
housekeeping. Follow-ups are inserted one at a time: the first when an attack
is logged, each next one when the previous is sent (bot.scheduling.dispatch),
so a chain stops by itself when the attack ends.

An acute medicine taken for an open attack gets its own "did it help?" check
2 h after it was taken (`schedule_med_check`); the follow-up chain steps aside
for it (one question, not two) and carries on after it.
Every function takes the caller's session and commits nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import midas as midas_form
from bot.domain import schedule as sch
from bot.domain.diary import GOAL_MIGRAINE
from bot.scheduling import wake
from storage.enums import Awaiting, PromptKind, PromptStatus
from storage.models import Attack, Prompt, User
from storage.queries import diary as diary_rows
from storage.queries import midas as midas_rows
from storage.queries import prompts as prompt_rows
from storage.queries import users as user_rows

MATERIALISE_CHUNK = 500
PROCESSED_UPDATE_TTL = timedelta(days=7)
# A process that has not beaten this long is gone (bot.updates.heartbeat beats every 5 s).
DEAD_AFTER = timedelta(seconds=20)
# A claim this young is its claimer's even if that process has not beaten yet.
CLAIM_GRACE = timedelta(seconds=10)
# The outcome of a prompt put back after its sender died (sent again, worded for it).
RECLAIMED = "reclaimed"

# Prompts that belong to an attack: a follow-up, "did it come back?", "did it help?".
ATTACK_PROMPTS: tuple[str, ...] = (*sch.ATTACK_KINDS, PromptKind.MED_CHECK)
# Prompts materialised from the person's settings.
PLANNED_PROMPTS: tuple[str, ...] = (*sch.PLANNED_KINDS, PromptKind.MIDAS)

# "Did it help?" comes this long after an acute medicine: the IHS 2-hour response.
MED_CHECK_AFTER = timedelta(hours=2)
# Two medicines whose checks would come this close get one question: its answer
# falls inside the IHS 2-hour window (1.5-2.5 h) of both.
MED_CHECK_MERGE = timedelta(minutes=30)

# The MIDAS questionnaire: asked at this local time (outside quiet hours) once a
# person has settled in (a week after starting: onboarding asked enough already),
# then every 3 months, while migraine is a goal.
MIDAS_AT = time(18, 0)
MIDAS_FIRST_AFTER = timedelta(days=7)


def quiet_of(user: User) -> sch.Quiet:
    return sch.Quiet(user.quiet_start, user.quiet_end)


def wants_prompts(user: User) -> bool:
    """Prompts go to people who have not blocked the bot and have not paused."""
    return user.active and not user.paused


def planned(user: User, start: datetime, end: datetime) -> dict[tuple[str, datetime], float | None]:
    """The dose and morning prompts the user's settings ask for in (start, end]."""
    zone = sch.zone_of(user.timezone)
    amounts = {item.local_time.replace(tzinfo=None): item.amount_mg for item in user.dose_plan}
    out: dict[tuple[str, datetime], float | None] = {}
    for when, at in sch.occurrences(amounts, zone, start, end):
        out[(sch.DOSE, when)] = amounts[at]
    if user.morning_time is not None:
        for when, _ in sch.occurrences([user.morning_time], zone, start, end):
            out[(sch.MORNING, when)] = None
    return out


async def insert_prompts(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert pending prompts once each (unique user+kind+scheduled_for).

    A slot that exists is left as it is (two processes materialising the same
    day, a double tap on Snooze), unless it was cancelled: a slot wanted again
    (after /resume, or a setting changed back) becomes pending again.
    """
    if not rows:
        return
    await prompt_rows.insert(session, rows)
    wake.note(session, min(row["scheduled_for"] for row in rows))


async def insert_followup(
    session: AsyncSession, user: User, attack: Attack, when: datetime
) -> None:
    """One "how is it now?" question about an attack, at `when`."""
    await insert_prompts(
        session,
        [{"user_id": user.id, "kind": sch.FOLLOWUP, "scheduled_for": when, "attack_id": attack.id}],
    )


async def replan_user(session: AsyncSession, user: User, now: datetime) -> None:
    """Materialise the user's dose and morning prompts ahead; cancel pending ones no longer planned.

    Called after any setting that moves prompts (time zone, dose plan, morning
    time, quiet hours, follow-up intervals), after /resume and /start. Rows
    already sent or answered are history and stay as they are.
    """
    if not wants_prompts(user):
        await cancel_all(session, user.id)
        return
    await session.refresh(user, ["dose_plan"])
    lookback = max(sch.GRACE[sch.DOSE], sch.GRACE[sch.MORNING])
    # Prompts already due but not yet sent are kept when still planned, so a
    # setting saved at 21:30:05 does not cancel the 21:30 dose prompt.
    wanted: dict[tuple[str, datetime], float | None] = dict(
        planned(user, now - lookback, now + sch.HORIZON)
    )
    existing = await prompt_rows.of_user_since(session, user.id, PLANNED_PROMPTS, now - lookback)
    if wants_midas(user):
        # A MIDAS prompt already planned stays where it is; else the next slot, if due.
        kept = [
            p for p in existing if p.kind == PromptKind.MIDAS and p.status == PromptStatus.PENDING
        ]
        if kept:
            wanted.update({(PromptKind.MIDAS, p.scheduled_for): None for p in kept})
        else:
            asked = (await midas_rows.last_asked(session, [user.id])).get(user.id)
            slot = midas_slot(user, asked, now)
            if slot is not None:
                wanted[(PromptKind.MIDAS, slot)] = None
    settled = set()  # slots with a live row: pending, or already sent or answered
    for prompt in existing:
        key = (prompt.kind, prompt.scheduled_for)
        if key not in wanted:
            if prompt.status == PromptStatus.PENDING:
                prompt.status, prompt.outcome = PromptStatus.CANCELLED, "replanned"
            continue
        if prompt.status == PromptStatus.PENDING:
            prompt.amount_mg = wanted[key]
        if prompt.status != PromptStatus.CANCELLED:
            settled.add(key)
    await session.flush()
    await insert_prompts(
        session,
        [
            {"user_id": user.id, "kind": kind, "scheduled_for": when, "amount_mg": amount}
            for (kind, when), amount in wanted.items()
            if when > now and (kind, when) not in settled
        ],
    )
    await _replan_followups(session, user, now)


async def _replan_followups(session: AsyncSession, user: User, now: datetime) -> None:
    """Keep an open attack's follow-ups in line with the settings and the pause state.

    A pending follow-up is put where the settings now want it: the first one at
    onset + the first interval, a later one at the previous + the interval,
    each pushed past quiet hours. So a changed /followup moves it, quiet hours
    set later push it to the morning, and /quiet off brings back one that was
    pushed there. An open attack whose chain was cancelled (by /pause, or a
    block) gets its next follow-up back.
    """
    zone, quiet = sch.zone_of(user.timezone), quiet_of(user)
    pending = await prompt_rows.pending_of_user(session, user.id, (PromptKind.FOLLOWUP,))
    for prompt in pending:
        attack = None
        if prompt.attack_id is not None:
            attack = await diary_rows.owned(session, Attack, user.id, prompt.attack_id)
        if attack is None:
            continue
        asked_before = await prompt_rows.last_asked(session, attack.id, PromptKind.FOLLOWUP)
        # Reckoned from when the attack was logged and from the last question, not from
        # now: replanning for another setting leaves a follow-up where it was.
        if asked_before is None:
            first = timedelta(minutes=user.followup_first_min)
            wanted = sch.first_followup(attack.started_at, attack.created_at, first, zone, quiet)
        else:
            every = timedelta(minutes=user.followup_every_min)
            wanted = sch.next_followup(
                asked_before, asked_before, attack.started_at, every, zone, quiet
            )
        if wanted is None:
            prompt.status, prompt.outcome = PromptStatus.CANCELLED, "72 h"
        elif wanted != prompt.scheduled_for:
            prompt.scheduled_for = wanted
            wake.note(session, wanted)
    attacks = await diary_rows.open_attacks(session, user.id, now - sch.FOLLOWUP_LIMIT)
    # an attack waiting for its "did it help?" check has its next question already
    checks = await prompt_rows.pending_of_user(session, user.id, (PromptKind.MED_CHECK,))
    covered = {p.attack_id for p in (*pending, *checks)}
    for attack in attacks:
        if attack.id not in covered:
            await _continue_followups(session, user, attack, now)


async def _continue_followups(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> None:
    history = await prompt_rows.history(session, attack.id, PromptKind.FOLLOWUP)
    if unanswered_in_a_row(history) >= sch.UNANSWERED_LIMIT:
        return
    zone, quiet = sch.zone_of(user.timezone), quiet_of(user)
    if not history:
        when = sch.first_followup(
            attack.started_at, now, timedelta(minutes=user.followup_first_min), zone, quiet
        )
    else:
        when = sch.next_followup(
            history[0].scheduled_for,
            now,
            attack.started_at,
            timedelta(minutes=user.followup_every_min),
            zone,
            quiet,
        )
    if when is not None:
        await insert_followup(session, user, attack, when)


def unanswered_in_a_row(newest_first: list[Prompt] | Any) -> int:
    """How many of the latest delivered follow-ups went unanswered, newest first."""
    count = 0
    for prompt in newest_first:
        if prompt.status == PromptStatus.ANSWERED:
            break
        if prompt.status == PromptStatus.SENT:
            count += 1
    return count


async def schedule_first_followup(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> datetime | None:
    """The first follow-up of an attack just logged (it has none yet: nothing to look up);
    returns when it will ask."""
    if not wants_prompts(user) or attack.ended_at is not None:
        return None
    zone, quiet = sch.zone_of(user.timezone), quiet_of(user)
    first = timedelta(minutes=user.followup_first_min)
    when = sch.first_followup(attack.started_at, now, first, zone, quiet)
    if when is not None:
        await insert_followup(session, user, attack, when)
    return when


async def schedule_followups(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> None:
    """Insert the next follow-up of a still open attack, if none is pending (idempotent)."""
    if not wants_prompts(user) or attack.ended_at is not None:
        return
    if attack.id is None:
        await session.flush()
    # a pending "did it help?" check stands in for the next follow-up
    already = await prompt_rows.pending_of_attack(
        session, attack.id, (PromptKind.FOLLOWUP, PromptKind.MED_CHECK)
    )
    if not already:
        await _continue_followups(session, user, attack, now)


async def cancel_followups(session: AsyncSession, attack_id: int) -> None:
    """Cancel the pending follow-ups, "did it help?" and "did it come back?" checks of an attack.

    Called when it ended (close_attack then plans a new recurrence check) or was undone.
    """
    await prompt_rows.cancel_pending(
        session, "attack over", kinds=ATTACK_PROMPTS, attack_id=attack_id
    )


async def cancel_attack_prompts(
    session: AsyncSession, attack_id: int, kinds: tuple[str, ...]
) -> None:
    """Cancel an attack's pending prompts of `kinds` (an undone end takes back its check)."""
    await prompt_rows.cancel_pending(session, "undone", kinds=kinds, attack_id=attack_id)


async def schedule_recurrence_check(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> None:
    """Insert the +24 h "did it come back?" check after an attack ended."""
    if not wants_prompts(user) or attack.ended_at is None:
        return
    zone, quiet = sch.zone_of(user.timezone), quiet_of(user)
    when = sch.recurrence_check(attack.ended_at, zone, quiet)
    if sch.is_stale(sch.RECURRENCE, when, now, None):
        return  # an end logged days later: the question would come too late
    await prompt_rows.cancel_pending(
        session, "replanned", kinds=(PromptKind.RECURRENCE,), attack_id=attack.id
    )
    await insert_prompts(
        session,
        [
            {
                "user_id": user.id,
                "kind": sch.RECURRENCE,
                "scheduled_for": when,
                "attack_id": attack.id,
            }
        ],
    )


# --- "did it help?" two hours after an acute medicine ---------------------------------


async def schedule_med_check(
    session: AsyncSession,
    user: User,
    attack: Attack,
    medication_id: int,
    taken_at: datetime,
    now: datetime,
) -> datetime | None:
    """Plan "did it help?" 2 h after an acute medicine for an open attack; when, or None.

    - A 2-hour moment in quiet hours is asked about when they end (the prompt
      then asks how it was at that moment: see bot.diary.prompts).
    - A medicine logged so late that its 2-hour moment is past the grace rule
      gets no question: it could no longer be about that moment.
    - A second medicine whose check would come within `MED_CHECK_MERGE` of one
      already planned shares that question.
    - One question, not two: the attack's pending follow-up is cancelled (a
      medicine at onset puts its check where the first follow-up was); the
      chain carries on `followup_every_min` after the check (`after_med_check`).
    """
    if not wants_prompts(user) or attack.ended_at is not None:
        return None
    moment = taken_at + MED_CHECK_AFTER
    if sch.is_stale(PromptKind.MED_CHECK, moment, now, None):
        return None
    when = sch.push_out_of_quiet(moment, sch.zone_of(user.timezone), quiet_of(user))
    if when >= attack.started_at + sch.FOLLOWUP_LIMIT:
        return None
    planned_checks = await prompt_rows.pending_of_attack(
        session, attack.id, (PromptKind.MED_CHECK,)
    )
    if any(abs(p.scheduled_for - when) <= MED_CHECK_MERGE for p in planned_checks):
        return None
    await insert_prompts(
        session,
        [
            {
                "user_id": user.id,
                "kind": PromptKind.MED_CHECK,
                "scheduled_for": when,
                "attack_id": attack.id,
                "medication_id": medication_id,
            }
        ],
    )
    await prompt_rows.cancel_pending(
        session, "medicine check instead", kinds=(PromptKind.FOLLOWUP,), attack_id=attack.id
    )
    return when


async def cancel_med_check(session: AsyncSession, medication_id: int, outcome: str) -> None:
    """Cancel the pending "did it help?" check of one medicine (its time moved, or it went)."""
    await prompt_rows.cancel_pending(
        session, outcome, kinds=(PromptKind.MED_CHECK,), medication_id=medication_id
    )


async def move_med_checks(session: AsyncSession, from_attack: int, to_attack: int) -> None:
    """Two attacks found to be one: the medicine checks of the first ask about the second."""
    await prompt_rows.move_pending(session, from_attack, to_attack, (PromptKind.MED_CHECK,))


async def after_med_check(
    session: AsyncSession, user: User, attack: Attack, slot: datetime, now: datetime
) -> None:
    """A medicine check went out (or was missed): the follow-ups go on from its slot."""
    await prompt_rows.cancel_pending(
        session, "after the medicine check", kinds=(PromptKind.FOLLOWUP,), attack_id=attack.id
    )
    when = sch.next_followup(
        slot,
        now,
        attack.started_at,
        timedelta(minutes=user.followup_every_min),
        sch.zone_of(user.timezone),
        quiet_of(user),
    )
    if when is not None:
        await insert_followup(session, user, attack, when)


async def ask_followup_now(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> None:
    """Ask "how is it now?" at once, instead of the follow-up planned for later."""
    if not wants_prompts(user) or attack.ended_at is not None:
        return
    await prompt_rows.cancel_pending(
        session, "asked now", kinds=(PromptKind.FOLLOWUP,), attack_id=attack.id
    )
    await insert_followup(session, user, attack, now)


# --- the MIDAS questionnaire -------------------------------------------------------------


def wants_midas(user: User) -> bool:
    """MIDAS measures migraine disability: asked of people with the migraine goal."""
    return wants_prompts(user) and GOAL_MIGRAINE in user.goals


def midas_due_on(user: User, last_asked: datetime | None) -> date:
    """The local day the next MIDAS is due: 3 months after it was last asked, or a
    week after the person started."""
    zone = sch.zone_of(user.timezone)
    if last_asked is None:
        return (user.created_at + MIDAS_FIRST_AFTER).astimezone(zone).date()
    return last_asked.astimezone(zone).date() + midas_form.REPEAT_AFTER


def midas_slot(user: User, last_asked: datetime | None, now: datetime) -> datetime | None:
    """When to ask the next MIDAS: the first `MIDAS_AT` after now on or after its due day
    (outside quiet hours), if that is within the materialising horizon."""
    zone, quiet = sch.zone_of(user.timezone), quiet_of(user)
    day = max(midas_due_on(user, last_asked), now.astimezone(zone).date())
    while True:
        when = sch.push_out_of_quiet(sch.local_to_utc(day, MIDAS_AT, zone), zone, quiet)
        if when > now:
            return when if when <= now + sch.HORIZON else None
        day += timedelta(days=1)


async def cancel_midas_prompts(session: AsyncSession, user_id: int, outcome: str) -> None:
    """A questionnaire was answered or declined: no MIDAS prompt still waiting."""
    await prompt_rows.cancel_pending(session, outcome, kinds=(PromptKind.MIDAS,), user_id=user_id)


async def cancel_all(session: AsyncSession, user_id: int) -> None:
    """Cancel every pending prompt of a user (pause, block, delete)."""
    await prompt_rows.cancel_pending(session, "cancelled", kinds=tuple(PromptKind), user_id=user_id)


# --- housekeeping ------------------------------------------------------------------


async def materialise_all(session: AsyncSession, now: datetime) -> int:
    """Insert the next 48 h of dose and morning prompts for everyone prompted; returns how many.

    Only inserts what is missing: a cancelled row (a slot dropped by a setting
    change) is left alone; `replan_user` is what revives or cancels rows.
    """
    inserted = 0
    last_id: int | None = None
    end = now + sch.HORIZON
    while True:
        users = await user_rows.prompted(session, last_id, MATERIALISE_CHUNK)
        if not users:
            return inserted
        last_id = users[-1].id
        existing = await prompt_rows.slots_after(
            session, [u.id for u in users], PLANNED_PROMPTS, now
        )
        rows = [
            {"user_id": user.id, "kind": kind, "scheduled_for": when, "amount_mg": amount}
            for user in users
            for (kind, when), amount in planned(user, now, end).items()
            if (user.id, kind, when) not in existing
        ]
        rows += await _midas_rows(session, users, existing, now)
        await insert_prompts(session, rows)
        inserted += len(rows)


async def _midas_rows(
    session: AsyncSession,
    users: Sequence[User],
    existing: set[tuple[int, str, datetime]],
    now: datetime,
) -> list[dict[str, Any]]:
    """The MIDAS prompts due for `users` that have none planned yet."""
    planned_already = {uid for uid, kind, _ in existing if kind == PromptKind.MIDAS}
    asking = [u for u in users if wants_midas(u) and u.id not in planned_already]
    asked = await midas_rows.last_asked(session, [u.id for u in asking])
    rows = []
    for user in asking:
        slot = midas_slot(user, asked.get(user.id), now)
        if slot is not None:
            rows.append({"user_id": user.id, "kind": PromptKind.MIDAS, "scheduled_for": slot})
    return rows


async def recover_dead_claims(session: AsyncSession, now: datetime, alive_since: datetime) -> int:
    """Put prompts claimed by a process that died back in the queue, once.

    A row still "sending" whose claimer has not beaten since `alive_since` (see
    bot.updates.heartbeat) belongs to a process that died between claiming and
    recording the send. Most such prompts were never sent (the claim-to-send
    window is the pacing wait, the send-to-record window is a commit), so they
    get one more chance under the grace rule, worded so that a repeat reads
    naturally; a prompt already put back once is marked missed, so a prompt that
    kills its sender cannot loop. A claim younger than `CLAIM_GRACE` is left to
    its claimer, which may just not have beaten yet.
    """
    return await prompt_rows.recover_dead_claims(
        session, now - CLAIM_GRACE, alive_since, reclaimed=RECLAIMED
    )


async def expire_stale(session: AsyncSession, now: datetime) -> int:
    """Mark pending dose, morning and recurrence prompts past their grace as missed.

    Follow-ups are left to the dispatcher: their grace depends on the user's
    interval and a missed one schedules the next.
    """
    total = 0
    for kind, grace in sch.GRACE.items():
        total += await prompt_rows.expire_pending(session, kind, now - grace)
    return total


async def forget_stale_morning_questions(session: AsyncSession, now: datetime) -> int:
    """Stop reading typed messages as last night's sleep hours after the morning question."""
    pattern = Awaiting.MORNING.pattern()
    waiting = await user_rows.waiting_for(session, pattern)
    asked = {uid: int(ref) for uid, tag in waiting if (ref := tag.partition(":")[2]).isdigit()}
    if not asked:
        return 0
    fresh = await prompt_rows.due_after(
        session, list(asked.values()), now - sch.MORNING_TYPED_ANSWER
    )
    stale = [uid for uid, pid in asked.items() if pid not in fresh]
    if stale:
        await user_rows.stop_waiting(session, stale, pattern)
    return len(stale)


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending prompt is due."""
    return await prompt_rows.next_due(session)
