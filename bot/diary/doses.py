"""Magnesium doses: taken or skipped, from free text, the dose prompt or its "Other amount".

One function for every path, so an amount means the same everywhere: mg as
written, made elemental by what the label states; capsules times the capsule
size; nothing said, the planned dose. A day named without a time takes the
planned dose time of that day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.diary import journal
from bot.diary.medicines import spacing_for_dose
from bot.diary.results import CapsuleSizeAssumed, DoseLogged, Notice, UpperLimit
from bot.diary.scope import Scope
from bot.diary.times import planned_amount, planned_dose_time, when
from bot.domain import safety
from bot.domain.entries import DoseEntry
from storage.enums import DoseSource, DoseStatus, EntryKind, PromptStatus
from storage.models import Dose, User
from storage.queries import diary, prompts, users

# A dose logged by text this close to a planned dose answers that dose's prompt.
PROMPT_MATCH_WINDOW = timedelta(hours=3)
# Magnesium bisglycinate is about 14.1 % elemental magnesium by weight (DESIGN §7).
COMPOUND_ELEMENTAL_SHARE = 0.141
# What one capsule holds until the person says (the commonest glycinate capsule).
DEFAULT_CAPSULE_MG = 100.0
CAPSULE_NOTICE = "capsule-size"


def elemental_mg(user: User, amount: float) -> float:
    """What the person typed, as elemental magnesium, given what their label states."""
    return amount if user.label_elemental else round(amount * COMPOUND_ELEMENTAL_SHARE, 1)


def capsule_mg(user: User) -> float:
    return user.capsule_mg if user.capsule_mg is not None else DEFAULT_CAPSULE_MG


def _taken_at(scope: Scope, entry: DoseEntry) -> tuple[datetime, bool]:
    """When: as said; a day without a time: that day's planned dose time; else the message."""
    if entry.taken_at is not None and "taken_at" in entry.assumed:
        day = entry.taken_at.astimezone(scope.zone).date()
        planned = planned_dose_time(scope.user, day)
        if planned is not None:
            return min(planned, scope.sent_at), True
    return when(scope, entry.taken_at), "taken_at" in entry.assumed


async def record_dose(
    scope: Scope,
    entry: DoseEntry,
    *,
    source: DoseSource,
    raw: str,
    prompt_id: int | None = None,
    planned_mg: float | None = None,
) -> tuple[DoseLogged, list[Notice]]:
    """Store a dose; returns it with the notices to show (upper limit, spacing, capsule size).

    `planned_mg`: the elemental amount of the prompt that was answered ("Took it").
    """
    user = scope.user
    taken_at, assumed = _taken_at(scope, entry)
    notices: list[Notice] = []
    amount: float | None = None
    if not entry.skipped:
        if planned_mg is not None and entry.amount_mg is None and not entry.count:
            amount = planned_mg
        elif entry.amount_mg is not None:
            amount = elemental_mg(user, entry.amount_mg)
        elif entry.count:
            amount = round(entry.count * capsule_mg(user), 1)
            if user.capsule_mg is None and await users.claim_notice(
                scope.session, user.id, CAPSULE_NOTICE, scope.now
            ):
                notices.append(CapsuleSizeAssumed(DEFAULT_CAPSULE_MG))  # asked once
        else:
            amount = planned_amount(user, taken_at)
    dose = await diary.add(
        scope.session,
        Dose(
            user_id=user.id,
            taken_at=taken_at,
            amount_mg=amount,
            count=round(entry.count) if entry.count and entry.count.is_integer() else None,
            status=DoseStatus.SKIPPED if entry.skipped else DoseStatus.TAKEN,
            source=source,
            prompt_id=prompt_id,
            raw_text=raw,
            created_at=scope.now,
        ),
    )
    journal.note(scope, EntryKind.DOSE, dose.id)
    if prompt_id is None:
        await _answer_matching_prompt(scope, taken_at)
    if entry.skipped:
        return DoseLogged(dose, time_assumed=assumed), notices
    limit = await _upper_limit(scope, taken_at)
    if limit is not None:
        notices.append(limit)
    notices += await spacing_for_dose(scope, taken_at)
    return DoseLogged(dose, time_assumed=assumed), notices


async def _answer_matching_prompt(scope: Scope, taken_at: datetime) -> None:
    """A dose logged by text counts like a prompted one: its prompt is answered, not sent."""
    prompt = await prompts.dose_prompt_near(
        scope.session, scope.user.id, taken_at, PROMPT_MATCH_WINDOW
    )
    if prompt is not None:
        prompt.status = PromptStatus.ANSWERED
        prompt.answered_at = scope.now
        prompt.outcome = "logged by text"


async def _upper_limit(scope: Scope, at: datetime) -> UpperLimit | None:
    """The calm upper-limit notice, at most once a local day."""
    local_day = at.astimezone(scope.zone).date()
    start = datetime(local_day.year, local_day.month, local_day.day, tzinfo=scope.zone)
    end_day = local_day + timedelta(days=1)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=scope.zone)
    total = safety.over_upper_limit(
        await diary.taken_amounts(scope.session, scope.user.id, start, end)
    )
    if total is None or scope.user.upper_limit_noticed_on == local_day:
        return None
    scope.user.upper_limit_noticed_on = local_day
    return UpperLimit(total)
