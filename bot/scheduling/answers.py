"""What a tap on a prompt's button stores, and how the prompt message then reads.

Each function runs inside the handler's transaction and returns a `Reply`: the
short answer the tap shows, and the new text of the prompt message when it
changed (None when it did not, so an identical edit is never sent).

Every answer first wins the prompt with a conditional UPDATE (status sent ->
answered): of a double tap, or two processes handling one, exactly one stores
anything; the other is told it was already noted. A tap on a prompt too old to
answer (yesterday's dose prompt) changes nothing and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import entries
from bot.domain import schedule as sch
from bot.scheduling import plan
from bot.scheduling.dispatch import render
from bot.ui import prompts as pt
from bot.ui.keyboards import Rows
from bot.ui.texts import mg
from bot.user_settings import elemental_mg
from storage.models import Attack, Prompt, Sleep, User

OPEN = ("sending", "sent")  # a prompt that can still be answered


@dataclass
class Reply:
    toast: str | None = None
    text: str | None = None  # the prompt message's new text; None: leave it
    rows: Rows | None = None
    new_attack: Attack | None = None  # "it came back": the attack logged, for its keypad


async def _own_prompt(
    session: AsyncSession, user: User, prompt_id: int | None, kinds: tuple[str, ...]
) -> Prompt | None:
    if prompt_id is None:
        return None
    prompt = await session.get(Prompt, prompt_id)
    if prompt is None or prompt.user_id != user.id or prompt.kind not in kinds:
        return None
    return prompt


async def _win(session: AsyncSession, prompt: Prompt, now: datetime, outcome: str) -> bool:
    """Mark the prompt answered if nobody did yet; True for the one tap that did."""
    result = await session.execute(
        update(Prompt)
        .where(Prompt.id == prompt.id, Prompt.status.in_(OPEN))
        .values(status="answered", answered_at=now, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        await session.refresh(prompt)
        return False
    prompt.status, prompt.answered_at, prompt.outcome = "answered", now, outcome
    return True


async def _expire(session: AsyncSession, prompt: Prompt, outcome: str) -> bool:
    """Close a prompt that can no longer be answered; True when this tap closed it."""
    result = await session.execute(
        update(Prompt)
        .where(Prompt.id == prompt.id, Prompt.status.in_(OPEN))
        .values(status="missed", outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def _clear_awaiting(user: User, prompt: Prompt) -> None:
    if user.awaiting in (f"dose_amount:{prompt.id}", f"morning:{prompt.id}"):
        user.awaiting = None


# --- dose ------------------------------------------------------------------------------


async def answer_dose(
    session: AsyncSession,
    user: User,
    prompt_id: int | None,
    action: str,
    now: datetime,
    *,
    group: int,
) -> Reply:
    """Took it / Other amount / Skip / Snooze 30 min on a dose prompt."""
    prompt = await _own_prompt(session, user, prompt_id, (sch.DOSE, sch.SNOOZE))
    if prompt is None or action not in ("took", "other", "skip", "snooze"):
        return Reply(toast=pt.TOAST_STALE)
    zone = sch.zone_of(user.timezone)
    base, rows = render(prompt, user, None)
    if prompt.status == "answered":
        return Reply(toast=pt.toast_already(prompt.outcome))
    if prompt.status not in OPEN or not sch.answerable(prompt.kind, prompt.scheduled_for, now):
        toast = pt.dose_stale(prompt.scheduled_for, zone)
        if await _expire(session, prompt, "expired"):
            _clear_awaiting(user, prompt)
            return Reply(toast=toast, text=pt.joined(base, pt.EXPIRED_LINE))
        return Reply(toast=toast)
    if action == "other":
        if user.awaiting == f"dose_amount:{prompt.id}":
            return Reply(toast=pt.TOAST_ASK_AMOUNT)
        user.awaiting = f"dose_amount:{prompt.id}"
        return Reply(toast=pt.TOAST_ASK_AMOUNT, text=pt.joined(base, pt.ASK_AMOUNT), rows=rows)
    if action == "snooze":
        until = (now + sch.SNOOZE_FOR).replace(microsecond=0)
        line = pt.dose_snoozed(until, zone)
        if not await _win(session, prompt, now, f"snoozed to {until.astimezone(zone):%H:%M}"):
            return Reply(toast=pt.toast_already(prompt.outcome))
        await plan.insert_prompts(
            session,
            [
                {
                    "user_id": user.id,
                    "kind": sch.SNOOZE,
                    "scheduled_for": until,
                    "amount_mg": prompt.amount_mg,
                }
            ],
        )
        _clear_awaiting(user, prompt)
        return Reply(toast=pt.TOAST_NOTED, text=pt.joined(base, line))
    skipped = action == "skip"
    amount = None if skipped else prompt.amount_mg
    outcome = "skipped" if skipped else f"took {mg(amount)}"
    if not await _win(session, prompt, now, outcome):
        return Reply(toast=pt.toast_already(prompt.outcome))
    _clear_awaiting(user, prompt)
    _dose, notices = await entries.record_dose(
        session,
        user,
        amount_mg=amount,
        count=None,
        taken_at=now,
        skipped=skipped,
        source="prompt",
        raw_text=f"(button) {'Skip' if skipped else pt.took_label(amount)}",
        prompt_id=prompt.id,
        group=group,
        now=now,
    )
    line = pt.DOSE_SKIPPED if skipped else pt.dose_taken(amount, now, zone)
    return Reply(toast=pt.TOAST_NOTED, text=pt.joined(base, line, *notices))


_AMOUNT = re.compile(
    r"^\s*(?P<n>\d+(?:[.,]\d+)?)\s*(?:(?P<mg>mg|milligrams?)|(?P<caps>caps?|capsules?|pills?|"
    r"tablets?|tabs?|softgels?))?\s*\.?\s*$",
    re.IGNORECASE,
)


def read_amount(text: str) -> tuple[float | None, int | None] | None:
    """ "300", "300mg", "2 caps" -> (mg, None) or (None, capsules); None if it is not an amount."""
    match = _AMOUNT.match(text)
    if match is None:
        return None
    number = float(match.group("n").replace(",", "."))
    if match.group("caps"):
        return (None, int(number)) if number.is_integer() and 0 < number <= 20 else None
    if match.group("mg") or number > 20:
        return (number, None) if 0 < number <= 5000 else None
    # a bare small number ("2") is a count of capsules
    return (None, int(number)) if number.is_integer() and number > 0 else None


@dataclass
class AmountAnswer:
    messages: list[str]  # to send in reply to the typed amount
    prompt_message_id: int | None
    prompt_text: str  # the prompt message's new text


async def dose_amount_text(
    session: AsyncSession, user: User, text: str, now: datetime, *, group: int
) -> AmountAnswer | None:
    """A typed answer to "Other amount" (`user.awaiting == "dose_amount:<prompt id>"`).

    None when the text is not an amount: it is then read as a normal check-in
    and the question stays open.
    """
    _, _, arg = (user.awaiting or "").partition(":")
    prompt_id = int(arg) if arg.isdigit() else None
    prompt = await _own_prompt(session, user, prompt_id, (sch.DOSE, sch.SNOOZE))
    if prompt is None or prompt.status not in OPEN:
        user.awaiting = None
        return None
    amount = read_amount(text)
    if amount is None:
        return None
    amount_mg, count = amount
    if amount_mg is not None:
        amount_mg = elemental_mg(user, amount_mg)
    total = amount_mg if amount_mg is not None else (count or 0) * user.capsule_mg
    if not await _win(session, prompt, now, f"took {mg(total)}"):
        user.awaiting = None
        return None
    user.awaiting = None
    _dose, notices = await entries.record_dose(
        session,
        user,
        amount_mg=amount_mg,
        count=count,
        taken_at=now,
        skipped=False,
        source="prompt",
        raw_text=text,
        prompt_id=prompt.id,
        group=group,
        now=now,
    )
    zone = sch.zone_of(user.timezone)
    base, _ = render(prompt, user, None)
    return AmountAnswer(
        messages=[pt.amount_noted(total, now, zone), *notices],
        prompt_message_id=prompt.message_id,
        prompt_text=pt.joined(base, pt.dose_taken(total, now, zone)),
    )


# --- follow-ups and the recurrence check -------------------------------------------------


async def answer_followup(
    session: AsyncSession,
    user: User,
    prompt_id: int | None,
    action: str,
    value: int | None,
    now: datetime,
    *,
    group: int,
) -> Reply:
    """Pain now 0-10 or Gone on a follow-up; Yes / No on a "did it come back?" check."""
    if action in ("back", "notback"):
        return await _answer_recurrence(session, user, prompt_id, action, now, group=group)
    prompt = await _own_prompt(session, user, prompt_id, (sch.FOLLOWUP,))
    if prompt is None or prompt.attack_id is None:
        return Reply(toast=pt.TOAST_STALE)
    if action == "i" and (value is None or not 0 <= value <= 10):
        return Reply(toast=pt.TOAST_STALE)
    if action not in ("i", "gone"):
        return Reply(toast=pt.TOAST_STALE)
    attack = await session.get(Attack, prompt.attack_id)
    if prompt.status == "answered":
        return Reply(toast=pt.toast_already(prompt.outcome))
    if attack is None:
        return Reply(toast=pt.TOAST_STALE)
    zone = sch.zone_of(user.timezone)
    base, _ = render(prompt, user, attack)
    if attack.ended_at is not None or prompt.status not in OPEN:
        toast = pt.TOAST_ATTACK_OVER if attack.ended_at is not None else pt.TOAST_STALE
        if await _expire(session, prompt, "attack over"):
            return Reply(toast=toast, text=pt.joined(base, pt.EXPIRED_LINE))
        return Reply(toast=toast)
    if not sch.answerable(prompt.kind, prompt.scheduled_for, now):
        if await _expire(session, prompt, "expired"):
            return Reply(toast=pt.TOAST_STALE, text=pt.joined(base, pt.EXPIRED_LINE))
        return Reply(toast=pt.TOAST_STALE)
    gone = action == "gone" or value == 0
    outcome = "gone" if gone else f"{value}/10"
    if not await _win(session, prompt, now, outcome):
        return Reply(toast=pt.toast_already(prompt.outcome))
    start_intensity = attack.start_intensity
    first_id = await session.scalar(
        select(func.min(Prompt.id)).where(
            Prompt.attack_id == attack.id, Prompt.kind == sch.FOLLOWUP
        )
    )
    await entries.record_attack_update(
        session,
        user,
        attack,
        at=now,
        intensity=None if gone else value,
        gone=gone,
        raw_text=f"(button) {'Gone' if action == 'gone' else f'{value}/10'}",
        group=group,
        now=now,
    )
    if sch.counts_as_two_hour(
        attack.started_at,
        now,
        timedelta(minutes=user.followup_first_min),
        first_of_attack=first_id == prompt.id,
    ):
        attack.response_2h = sch.two_hour_response(start_intensity, value, gone)
    if gone:
        await entries.close_attack(
            session, user, attack, now, "(button) Gone", group=group, now=now
        )
        line = pt.attack_gone(now, zone)
    else:
        line = pt.pain_noted(value or 0, now, zone)
    return Reply(toast=pt.TOAST_NOTED, text=pt.joined(base, line))


async def _answer_recurrence(
    session: AsyncSession,
    user: User,
    prompt_id: int | None,
    action: str,
    now: datetime,
    *,
    group: int,
) -> Reply:
    prompt = await _own_prompt(session, user, prompt_id, (sch.RECURRENCE,))
    if prompt is None or prompt.attack_id is None:
        return Reply(toast=pt.TOAST_STALE)
    attack = await session.get(Attack, prompt.attack_id)
    if prompt.status == "answered":
        return Reply(toast=pt.toast_already(prompt.outcome))
    if attack is None or attack.ended_at is None:
        return Reply(toast=pt.TOAST_STALE)
    base, _ = render(prompt, user, attack)
    if prompt.status not in OPEN or not sch.answerable(prompt.kind, prompt.scheduled_for, now):
        if await _expire(session, prompt, "expired"):
            return Reply(toast=pt.TOAST_STALE, text=pt.joined(base, pt.EXPIRED_LINE))
        return Reply(toast=pt.TOAST_STALE)
    back = action == "back"
    if not await _win(session, prompt, now, "came back" if back else "did not come back"):
        return Reply(toast=pt.toast_already(prompt.outcome))
    if not back:
        return Reply(toast=pt.TOAST_NOTED, text=pt.joined(base, pt.NOT_BACK))
    # It came back: a new attack from now, not the old one reopened. Migraine
    # days (the main measure) count the same either way; a new row keeps the
    # duration the person reported for the first, gets its own follow-ups and
    # 2-hour response, and can be taken back with /undo like any entry.
    stored = await entries.store_entries(
        session,
        user,
        [{"type": "attack", "kind": attack.kind}],
        raw_text="(button) it came back",
        group=group,
        sent_at=now,
        now=now,
    )
    return Reply(
        toast=pt.TOAST_NOTED,
        text=pt.joined(base, pt.came_back(attack.kind, user.followup_first_min)),
        new_attack=stored.attack,
    )


# --- morning check-in --------------------------------------------------------------------


async def answer_morning(
    session: AsyncSession,
    user: User,
    prompt_id: int | None,
    field: str,
    value: int | None,
    now: datetime,
) -> Reply:
    """Quality 1-5 or awakenings 0/1/2/3+ on the morning check-in: last night's sleep row."""
    prompt = await _own_prompt(session, user, prompt_id, (sch.MORNING,))
    valid = (field == "q" and value is not None and 1 <= value <= 5) or (
        field == "w" and value is not None and 0 <= value <= 3
    )
    if prompt is None or not valid:
        return Reply(toast=pt.TOAST_STALE)
    if prompt.status not in (*OPEN, "answered") or not sch.answerable(
        prompt.kind, prompt.scheduled_for, now
    ):
        if await _expire(session, prompt, "expired"):
            return Reply(toast=pt.TOAST_STALE, text=pt.joined(pt.MORNING_PROMPT, pt.EXPIRED_LINE))
        return Reply(toast=pt.TOAST_STALE)
    zone = sch.zone_of(user.timezone)
    night = sch.night_of(prompt.scheduled_for.astimezone(zone).date())
    sleep = (
        await session.scalars(
            select(Sleep)
            .where(Sleep.user_id == user.id, Sleep.night == night)
            .order_by(Sleep.id.desc())
            .limit(1)
        )
    ).first()
    current = getattr(sleep, "quality" if field == "q" else "awakenings", None)
    if sleep is not None and current == value:
        return Reply(toast=pt.toast_already(pt.sleep_summary(sleep.quality, sleep.awakenings)))
    label = f"quality {value}/5" if field == "q" else f"woke up {pt.AWAKENING_LABELS[value or 0]}×"
    if sleep is None:
        sleep = Sleep(user_id=user.id, night=night, raw_text=f"(button) {label}", recorded_at=now)
        session.add(sleep)
    else:
        sleep.raw_text = f"{sleep.raw_text}; (button) {label}" if sleep.raw_text else label
    if field == "q":
        sleep.quality = value
    else:
        sleep.awakenings = value
    await session.flush()
    summary = pt.sleep_summary(sleep.quality, sleep.awakenings)
    if not await _win(session, prompt, now, summary):
        # a second tap corrects or completes the answer
        prompt.outcome, prompt.answered_at = summary, now
    _clear_awaiting(user, prompt)
    return Reply(
        toast=pt.TOAST_NOTED,
        text=pt.joined(pt.MORNING_PROMPT, pt.sleep_noted(sleep.quality, sleep.awakenings)),
        rows=pt.morning_rows(prompt.id, sleep.quality, sleep.awakenings),
    )
