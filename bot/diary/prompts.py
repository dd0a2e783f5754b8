"""Answers to the prompts the bot sends by itself: dose, follow-up, "did it help?",
"did it come back?", morning check-in. Each answer is stored by the same use case
as a typed entry of its kind (a dose, pain now, an end, a night).

Every answer first wins the prompt with a conditional UPDATE (open -> answered):
of a double tap, or two processes handling one, exactly one stores anything;
the other is told it was already noted. A tap on a prompt too old to answer
(yesterday's dose prompt) changes nothing and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from bot.diary import attacks, awaiting, doses, factors, medicines, sleep
from bot.diary.awaiting import Awaiting
from bot.diary.results import Logged, Notice, Recorded
from bot.diary.scope import Scope
from bot.domain import schedule as sch
from bot.domain.entries import DoseEntry, FactorEntry, SleepEntry
from bot.scheduling import plan
from storage.enums import AttackKind, DoseSource, PromptKind, PromptStatus, Relief
from storage.models import Attack, MedicationTaken, Prompt, Sleep
from storage.queries import prompts


class Answer(StrEnum):
    NOTED = "noted"
    ALREADY = "already"  # answered before: nothing changed
    STALE = "stale"  # not a prompt of theirs, or nothing it could mean
    EXPIRED = "expired"  # too old to answer
    ATTACK_OVER = "attack over"  # a follow-up on an attack that has ended
    ASKED = "asked"  # "Other amount": the amount is asked for


class MedCheckAnswer(StrEnum):
    """The one tap on "did it help?" ("asleep" only on the question asked after quiet hours)."""

    GONE = "gone"
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    ASLEEP = "asleep"


class DoseAction(StrEnum):
    TOOK = "took"
    OTHER = "other"
    SKIP = "skip"
    SNOOZE = "snooze"


@dataclass
class PromptReply:
    """What an answer did, for the UI to redraw the prompt and answer the tap."""

    answer: Answer
    prompt: Prompt | None = None
    attack: Attack | None = None
    closed: bool = False  # this answer closed an expired prompt: redraw it as expired
    logged: Logged | None = None
    notices: list[Notice] = field(default_factory=list)
    snoozed_until: datetime | None = None
    new_attack: Attack | None = None  # "it came back": the attack logged, for its keypad
    sleep: Sleep | None = None  # the night after a morning answer
    unchanged: bool = False  # asked again what was already asked: nothing to redraw
    medicine: MedicationTaken | None = None  # the medicine a "did it help?" check asks about
    said: MedCheckAnswer | None = None  # the tap on it


async def _expired(scope: Scope, prompt: Prompt, attack: Attack | None = None) -> PromptReply:
    closed = await prompts.expire(scope.session, prompt, "expired")
    if closed:
        awaiting.clear(scope.user, Awaiting.DOSE_AMOUNT, prompt.id)
        awaiting.clear(scope.user, Awaiting.MORNING, prompt.id)
    return PromptReply(Answer.EXPIRED, prompt, attack, closed=closed)


def _open(prompt: Prompt, now: datetime) -> bool:
    return prompt.status in prompts.OPEN and sch.answerable(prompt.kind, prompt.scheduled_for, now)


# --- dose ------------------------------------------------------------------------------------


async def answer_dose(scope: Scope, prompt_id: int, action: DoseAction) -> PromptReply:
    """Took it / Other amount / Skip / Snooze 30 min on a dose prompt."""
    prompt = await prompts.own(
        scope.session, scope.user.id, prompt_id, (PromptKind.DOSE, PromptKind.SNOOZE)
    )
    if prompt is None:
        return PromptReply(Answer.STALE)
    if prompt.status == PromptStatus.ANSWERED:
        return PromptReply(Answer.ALREADY, prompt)
    if not _open(prompt, scope.now):
        return await _expired(scope, prompt)
    if action is DoseAction.OTHER:
        if awaiting.is_awaiting(scope.user, Awaiting.DOSE_AMOUNT, prompt.id):
            return PromptReply(Answer.ASKED, prompt, unchanged=True)
        awaiting.expect(scope.user, Awaiting.DOSE_AMOUNT, prompt.id)
        return PromptReply(Answer.ASKED, prompt)
    if action is DoseAction.SNOOZE:
        until = (scope.now + sch.SNOOZE_FOR).replace(microsecond=0)
        outcome = f"snoozed to {until.astimezone(scope.zone):%H:%M}"
        if not await prompts.win(scope.session, prompt, scope.now, outcome):
            return PromptReply(Answer.ALREADY, prompt)
        await plan.insert_prompts(
            scope.session,
            [
                {
                    "user_id": scope.user.id,
                    "kind": PromptKind.SNOOZE,
                    "scheduled_for": until,
                    "amount_mg": prompt.amount_mg,
                }
            ],
        )
        awaiting.clear(scope.user, Awaiting.DOSE_AMOUNT, prompt.id)
        return PromptReply(Answer.NOTED, prompt, snoozed_until=until)
    skipped = action is DoseAction.SKIP
    outcome = "skipped" if skipped else f"took {_mg(prompt.amount_mg)}"
    if not await prompts.win(scope.session, prompt, scope.now, outcome):
        return PromptReply(Answer.ALREADY, prompt)
    awaiting.clear(scope.user, Awaiting.DOSE_AMOUNT, prompt.id)
    logged, notices = await doses.record_dose(
        scope,
        DoseEntry(skipped=skipped, taken_at=scope.now),
        source=DoseSource.PROMPT,
        raw=f"(button) {'Skip' if skipped else 'Took it'}",
        prompt_id=prompt.id,
        planned_mg=prompt.amount_mg,
    )
    return PromptReply(Answer.NOTED, prompt, logged=logged, notices=notices)


def _mg(amount: float | None) -> str:
    return f"{amount:g} mg" if amount is not None else "a dose"


async def dose_amount(
    scope: Scope, prompt_id: int, entry: DoseEntry, raw: str
) -> PromptReply | None:
    """A typed answer to "Other amount"; None when that prompt can no longer take one."""
    awaiting.clear(scope.user, Awaiting.DOSE_AMOUNT, prompt_id)
    prompt = await prompts.own(
        scope.session, scope.user.id, prompt_id, (PromptKind.DOSE, PromptKind.SNOOZE)
    )
    if prompt is None or not await prompts.win(scope.session, prompt, scope.now, "took"):
        return None
    logged, notices = await doses.record_dose(
        scope,
        DoseEntry(amount_mg=entry.amount_mg, count=entry.count, taken_at=scope.now),
        source=DoseSource.PROMPT,
        raw=raw,
        prompt_id=prompt.id,
    )
    prompt.outcome = f"took {_mg(logged.dose.amount_mg)}"
    return PromptReply(Answer.NOTED, prompt, logged=logged, notices=notices)


# --- follow-ups and the recurrence check -------------------------------------------------


async def answer_followup(
    scope: Scope, prompt_id: int, value: int | None, *, gone: bool
) -> PromptReply:
    """Pain now 0-10 or Gone on a follow-up."""
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.FOLLOWUP,))
    if prompt is None or prompt.attack_id is None or (not gone and not 0 <= (value or 0) <= 10):
        return PromptReply(Answer.STALE)
    attack = await attacks.own_attack(scope, prompt.attack_id)
    if prompt.status == PromptStatus.ANSWERED:
        return PromptReply(Answer.ALREADY, prompt, attack)
    if attack is None:
        return PromptReply(Answer.STALE)
    if attack.ended_at is not None:
        closed = await prompts.expire(scope.session, prompt, "attack over")
        return PromptReply(Answer.ATTACK_OVER, prompt, attack, closed=closed)
    if not _open(prompt, scope.now):
        return await _expired(scope, prompt, attack)
    gone = gone or value == 0
    if not await prompts.win(scope.session, prompt, scope.now, "gone" if gone else f"{value}/10"):
        return PromptReply(Answer.ALREADY, prompt, attack)
    start_intensity = attack.start_intensity
    first_id = await prompts.first_of_attack(scope.session, attack.id, PromptKind.FOLLOWUP)
    label = "Gone" if gone and value is None else f"{value}/10"
    pain = await attacks.add_pain(
        scope,
        attack,
        at=scope.now,
        intensity=None if gone else value,
        raw=f"(button) {label}",
        gone=gone,
    )
    if sch.counts_as_two_hour(
        attack.started_at,
        scope.now,
        timedelta(minutes=scope.user.followup_first_min),
        first_of_attack=first_id == prompt.id,
    ):
        attack.response_2h = sch.two_hour_response(start_intensity, value, gone)
    logged: Logged = pain
    if gone:
        logged = await attacks.end_attack(scope, attack, scope.now)
    return PromptReply(Answer.NOTED, prompt, attack, logged=logged)


# --- "did it help?" two hours after an acute medicine -------------------------------------

# An answer this soon after the 2-hour moment speaks for that moment: the IHS
# window for the 2-hour response runs from 1.5 to 2.5 h after the medicine.
ON_TIME = timedelta(minutes=30)


def two_hours_after(medicine: MedicationTaken) -> datetime:
    return medicine.taken_at + plan.MED_CHECK_AFTER


def asks_back(scheduled_for: datetime, medicine: MedicationTaken) -> bool:
    """Whether the check asks how it was at the 2-hour moment, which lay in quiet hours."""
    return scheduled_for - two_hours_after(medicine) > ON_TIME


def answer_time(prompt: Prompt, medicine: MedicationTaken, now: datetime) -> datetime:
    """When the answer to a medicine check is dated (what the 2-hour response reads).

    At the 2-hour moment when the answer speaks for it: tapped within `ON_TIME`
    of it (a person never taps at 2:00:00 exactly, and "gone" at 2:05 dated at
    2:05 would count as not pain-free), or asked about it explicitly after quiet
    hours ("how was it around 04:10?"). Otherwise at the tap: a "gone" three
    hours later says the attack was still on at 2 h as far as anyone knows, so
    it counts as not pain-free, never as a success nobody saw.
    """
    moment = two_hours_after(medicine)
    if asks_back(prompt.scheduled_for, medicine) or now <= moment + ON_TIME:
        return min(moment, now)
    return now


async def answer_med_check(scope: Scope, prompt_id: int, said: MedCheckAnswer) -> PromptReply:
    """Pain gone / Better / Same / Worse (or Was asleep) on "did it help?"."""
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.MED_CHECK,))
    if prompt is None or prompt.attack_id is None or prompt.medication_id is None:
        return PromptReply(Answer.STALE)
    attack = await attacks.own_attack(scope, prompt.attack_id)
    medicine = await medicines.own_medicine(scope, prompt.medication_id)
    if attack is None or medicine is None:
        return PromptReply(Answer.STALE)
    if prompt.status == PromptStatus.ANSWERED:
        return PromptReply(Answer.ALREADY, prompt, attack, medicine=medicine)
    if attack.ended_at is not None:
        closed = await prompts.expire(scope.session, prompt, "attack over")
        return PromptReply(Answer.ATTACK_OVER, prompt, attack, closed=closed, medicine=medicine)
    if not _open(prompt, scope.now):
        reply = await _expired(scope, prompt, attack)
        return replace(reply, medicine=medicine)
    if not await prompts.win(scope.session, prompt, scope.now, said.value):
        return PromptReply(Answer.ALREADY, prompt, attack, medicine=medicine)
    at = answer_time(prompt, medicine, scope.now)
    raw = f"(button) {said.value}, 2 h after {medicine.name}"
    logged: Logged | None = None
    if said is MedCheckAnswer.ASLEEP:
        # nothing is known about the 2-hour moment; ask how it is now instead
        await plan.ask_followup_now(scope.session, scope.user, attack, scope.now)
    elif said is MedCheckAnswer.GONE:
        await attacks.add_pain(scope, attack, at=at, intensity=0, raw=raw, gone=True)
        logged = await attacks.end_attack(scope, attack, at)
    else:
        logged = await attacks.add_pain(
            scope, attack, at=at, intensity=None, raw=raw, relief=Relief(said.value)
        )
    return PromptReply(Answer.NOTED, prompt, attack, logged=logged, medicine=medicine, said=said)


async def answer_recurrence(scope: Scope, prompt_id: int, *, back: bool) -> PromptReply:
    """Yes / No on the "did it come back?" check; yes logs a new attack from now."""
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.RECURRENCE,))
    if prompt is None or prompt.attack_id is None:
        return PromptReply(Answer.STALE)
    attack = await attacks.own_attack(scope, prompt.attack_id)
    if prompt.status == PromptStatus.ANSWERED:
        return PromptReply(Answer.ALREADY, prompt, attack)
    if attack is None or attack.ended_at is None:
        return PromptReply(Answer.STALE)
    if not _open(prompt, scope.now):
        return await _expired(scope, prompt, attack)
    outcome = "came back" if back else "did not come back"
    if not await prompts.win(scope.session, prompt, scope.now, outcome):
        return PromptReply(Answer.ALREADY, prompt, attack)
    if not back:
        return PromptReply(Answer.NOTED, prompt, attack)
    logged = await attacks.came_back(scope, AttackKind(attack.kind), "(button) it came back")
    return PromptReply(Answer.NOTED, prompt, attack, logged=logged, new_attack=logged.attack)


# --- morning check-in --------------------------------------------------------------------


async def answer_morning(
    scope: Scope, prompt_id: int, *, quality: int | None = None, awakenings: int | None = None
) -> PromptReply:
    """Quality 1-5 or awakenings 0/1/2/3+ on the morning check-in: that night's sleep.

    Stored like a typed sleep entry (journalled, so /undo takes it back); a second
    tap corrects or completes the answer, and a tap on what is already recorded
    changes nothing.
    """
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.MORNING,))
    valid = (quality is not None and 1 <= quality <= 5) or (
        awakenings is not None and 0 <= awakenings <= 3
    )
    if prompt is None or not valid:
        return PromptReply(Answer.STALE)
    if prompt.status not in (*prompts.OPEN, PromptStatus.ANSWERED) or not sch.answerable(
        prompt.kind, prompt.scheduled_for, scope.now
    ):
        return await _expired(scope, prompt)
    night = sch.night_of(prompt.scheduled_for.astimezone(scope.zone).date())
    known = (await sleep.night(scope, night)).sleep
    if known is not None and (
        (quality is not None and known.quality == quality)
        or (awakenings is not None and known.awakenings == awakenings)
    ):
        return PromptReply(Answer.ALREADY, prompt, sleep=known)
    label = f"quality {quality}/5" if quality is not None else f"woke up {awakenings}×"
    logged = await sleep.record_sleep(
        scope,
        SleepEntry(night=night, quality=quality, awakenings=awakenings),
        f"(button) {label}",
    )
    summary = _sleep_summary(logged.sleep)
    if not await prompts.win(scope.session, prompt, scope.now, summary):
        # a second tap corrects or completes the answer
        prompt.outcome, prompt.answered_at = summary, scope.now
    awaiting.clear(scope.user, Awaiting.MORNING, prompt.id)
    return PromptReply(Answer.NOTED, prompt, logged=logged, sleep=logged.sleep)


async def morning_in_words(
    scope: Scope, prompt_id: int | None, entries: list[SleepEntry | FactorEntry], raw: str
) -> Recorded:
    """The morning check-in answered in words: each night said, else the night it asks about
    (and what was said with it: "slept badly after too much wine")."""
    prompt = None
    if prompt_id is not None:
        prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.MORNING,))
    awaiting.clear(scope.user, Awaiting.MORNING, prompt_id or "")
    night = sch.night_of(prompt.scheduled_for.astimezone(scope.zone).date()) if prompt else None
    out = Recorded(group=scope.group)
    for entry in entries:
        if isinstance(entry, FactorEntry):
            out.logged.append(await factors.record_factors(scope, entry, raw))
            continue
        logged = await sleep.record_sleep(scope, replace(entry, night=entry.night or night), raw)
        out.logged.append(logged)
        if prompt is not None and not await prompts.win(
            scope.session, prompt, scope.now, _sleep_summary(logged.sleep) or "in words"
        ):
            prompt.outcome, prompt.answered_at = _sleep_summary(logged.sleep), scope.now
    return out


def _sleep_summary(row: Sleep) -> str:
    parts = []
    if row.quality is not None:
        parts.append(f"quality {row.quality}/5")
    if row.awakenings is not None:
        # the last button is "3 or more"
        parts.append(f"woke up {row.awakenings}{'+' if row.awakenings >= 3 else ''}×")
    return ", ".join(parts)
