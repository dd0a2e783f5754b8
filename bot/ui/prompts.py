"""The words and buttons of the prompts the bot sends on its own (DESIGN §5).

Dose prompts, migraine follow-ups, "did it help?" after a medicine, the "did it
come back?" check, the morning sleep check-in and the MIDAS invitation; and
what each prompt message shows once answered
(answers edit the prompt, they do not add messages). HTML parse mode; the only
text that comes from a person is escaped. Callback answers (the short toast a
tap shows) are plain text, at most 200 characters.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.diary.prompts import Answer, MedCheckAnswer, PromptReply, asks_back, two_hours_after
from bot.diary.results import AttackEnded, DoseLogged, PainLogged
from bot.domain import schedule as sch
from bot.ui.buttons import (
    CameBack,
    DoseAction,
    DoseAnswer,
    FollowupGone,
    FollowupPain,
    MedCheck,
    MidasLater,
    MidasStart,
    MorningQuality,
    MorningWakes,
    NotBack,
)
from bot.ui.checkin import attack_rows, notice_text
from bot.ui.keyboards import Rows, keyboard, row
from bot.ui.texts import duration, esc, mg
from storage.enums import DoseStatus, PromptKind
from storage.models import Attack, MedicationTaken, Sleep, User

AWAKENING_LABELS = ("0", "1", "2", "3+")


def _clock(at: datetime, zone: ZoneInfo, *, now: datetime | None = None) -> str:
    """HH:MM in the person's zone, with the day when it is not `now`'s day."""
    local = at.astimezone(zone)
    if now is not None and local.date() != now.astimezone(zone).date():
        return local.strftime("%a %d %b %H:%M")
    return local.strftime("%H:%M")


def _kind(kind: str) -> str:
    return "migraine" if kind == "migraine" else "headache"


# --- dose ----------------------------------------------------------------------------


def dose_prompt(amount_mg: float | None, *, snoozed: bool = False) -> str:
    what = f"Time for your magnesium ({mg(amount_mg)})" if amount_mg else "Time for your magnesium"
    return f"💊 {'Reminder: ' if snoozed else ''}{what}."


def took_label(amount_mg: float | None) -> str:
    return f"Took it ({mg(amount_mg)})" if amount_mg else "Took it"


def dose_rows(prompt_id: int, amount_mg: float | None) -> Rows:
    def b(label: str, action: DoseAction) -> tuple[str, DoseAnswer]:
        return label, DoseAnswer(action, prompt_id)

    return [
        row(b(took_label(amount_mg), DoseAction.TOOK)),
        row(b("Other amount", DoseAction.OTHER), b("Skip", DoseAction.SKIP)),
        row(b("Snooze 30 min", DoseAction.SNOOZE)),
    ]


def dose_taken(amount_mg: float | None, at: datetime, zone: ZoneInfo) -> str:
    return f"✅ Taken: {mg(amount_mg)} at {_clock(at, zone)}."


DOSE_SKIPPED = "⏭ Skipped. Noted."


def dose_snoozed(until: datetime, zone: ZoneInfo) -> str:
    return f"⏰ Snoozed: I'll ask again at {_clock(until, zone)}."


ASK_AMOUNT = "How much did you take? Type e.g. <i>300</i>, <i>300mg</i> or <i>2 caps</i>."
BAD_AMOUNT = (
    "I couldn't read an amount in that. Type e.g. <i>300</i>, <i>300mg</i> or <i>2 caps</i>, "
    "or tap a button on the reminder."
)
TOAST_ASK_AMOUNT = "Type the amount you took, e.g. 300 or 2 caps."


def amount_noted(amount_mg: float | None, at: datetime, zone: ZoneInfo) -> str:
    return f"Noted: {mg(amount_mg)} of magnesium at {_clock(at, zone)}. ✅"


# --- follow-ups and the recurrence check -------------------------------------------------


def followup_prompt(
    kind: str, started_at: datetime, start_intensity: int | None, zone: ZoneInfo, now: datetime
) -> str:
    start = f", {start_intensity}/10 at the start" if start_intensity is not None else ""
    return (
        f"🩺 How is it now? Your {_kind(kind)} since {_clock(started_at, zone, now=now)}{start}.\n"
        "Tap the pain now (0 = none), or <b>Gone</b>."
    )


def followup_rows(prompt_id: int) -> Rows:
    keys = [(str(n), FollowupPain(prompt_id, n)) for n in range(11)]
    return [row(*keys[:6]), row(*keys[6:]), row(("Gone", FollowupGone(prompt_id)))]


def pain_noted(intensity: int, at: datetime, zone: ZoneInfo) -> str:
    return f"Noted: {intensity}/10 at {_clock(at, zone)}."


def attack_gone(at: datetime, zone: ZoneInfo) -> str:
    return f"✅ Glad it's gone. Ended at {_clock(at, zone)}."


# --- "did it help?" two hours after a medicine ----------------------------------------------

MED_CHECK_LABELS = {
    MedCheckAnswer.GONE: "Pain gone",
    MedCheckAnswer.BETTER: "Better",
    MedCheckAnswer.SAME: "Same",
    MedCheckAnswer.WORSE: "Worse",
    MedCheckAnswer.ASLEEP: "I was asleep",
}


def _medicine(medicine: MedicationTaken) -> str:
    dose = f" {mg(medicine.dose_mg)}" if medicine.dose_mg else ""
    return f"{esc(medicine.name)}{dose}"


def med_check_prompt(
    kind: str, medicine: MedicationTaken, zone: ZoneInfo, scheduled_for: datetime
) -> str:
    taken = _clock(medicine.taken_at, zone, now=scheduled_for)
    if asks_back(scheduled_for, medicine):
        # the 2-hour moment fell in quiet hours: asked about, not woken for
        moment = _clock(two_hours_after(medicine), zone, now=scheduled_for)
        return (
            f"💊 You took {_medicine(medicine)} at {taken}. How was your {_kind(kind)} "
            f"2 h later, around {moment}? (I didn't want to wake you.)"
        )
    return f"💊 It's 2 h since your {_medicine(medicine)} ({taken}). How is your {_kind(kind)} now?"


def med_check_rows(prompt_id: int, *, asleep: bool) -> Rows:
    def b(answer: MedCheckAnswer) -> tuple[str, MedCheck]:
        return MED_CHECK_LABELS[answer], MedCheck(answer, prompt_id)

    rows = [
        row(b(MedCheckAnswer.GONE), b(MedCheckAnswer.BETTER)),
        row(b(MedCheckAnswer.SAME), b(MedCheckAnswer.WORSE)),
    ]
    if asleep:
        rows.append(row(b(MedCheckAnswer.ASLEEP)))
    return rows


def med_check_noted(said: MedCheckAnswer, at: datetime, zone: ZoneInfo, now: datetime) -> str:
    when = "" if abs(now - at) <= timedelta(minutes=30) else f" (for {_clock(at, zone, now=now)})"
    if said is MedCheckAnswer.BETTER:
        return f"👍 Noted: better{when}. Glad it's easing."
    if said is MedCheckAnswer.SAME:
        return f"Noted: no better yet{when}. I'll keep asking how it goes."
    if said is MedCheckAnswer.WORSE:
        return f"Noted: worse{when}. I'm sorry. I'll keep asking how it goes."
    return ""


MED_CHECK_ASLEEP = "Noted: you were asleep, so 2 h stays unknown. Let me ask how it is now."


def recurrence_prompt(kind: str, ended_at: datetime, zone: ZoneInfo, now: datetime) -> str:
    return f"Your {_kind(kind)} ended {_clock(ended_at, zone, now=now)}. Did it come back since?"


def recurrence_rows(prompt_id: int) -> Rows:
    return [row(("Yes, it's back", CameBack(prompt_id)), ("No", NotBack(prompt_id)))]


def came_back(kind: str, first_min: int) -> str:
    return (
        f"Sorry it's back. I've logged a new {_kind(kind)} from now and will ask how it is "
        f"in {duration(first_min)}. Tap how bad it is, or write e.g. <i>pain 6/10</i>."
    )


NOT_BACK = "👍 Good to hear. Noted."

# --- the MIDAS questionnaire, every 3 months ------------------------------------------------

MIDAS_PROMPT = (
    "📋 <b>How much do headaches get in your way?</b>\n"
    "Every 3 months I ask the 5 MIDAS questions headache doctors use: days of work, "
    "housework and family time lost to headaches. About a minute. The score goes in "
    "your /summary and the /report for your clinician."
)


def midas_rows(prompt_id: int) -> Rows:
    return [row(("Start", MidasStart(prompt_id)), ("Not this time", MidasLater(prompt_id)))]


# --- morning check-in ------------------------------------------------------------------

MORNING_PROMPT = (
    "☀️ Good morning! How did you sleep?\n"
    "<b>Quality</b>: 1 = terrible … 5 = great. <b>Woke up</b>: how many times.\n"
    "Or just write it, e.g. <i>slept 6h, woke up twice</i>."
)


def morning_rows(prompt_id: int, quality: int | None, awakenings: int | None) -> Rows:
    def mark(label: str, chosen: bool) -> str:
        return f"✅ {label}" if chosen else label

    quality_row = row(
        *((mark(str(n), quality == n), MorningQuality(prompt_id, n)) for n in range(1, 6))
    )
    wake_row = row(
        *(
            (mark(f"woke {label}", awakenings == n), MorningWakes(prompt_id, n))
            for n, label in enumerate(AWAKENING_LABELS)
        )
    )
    return [quality_row, wake_row[:2], wake_row[2:]]


def sleep_summary(quality: int | None, awakenings: int | None) -> str:
    parts = []
    if quality is not None:
        parts.append(f"quality {quality}/5")
    if awakenings is not None:
        parts.append(f"woke up {AWAKENING_LABELS[min(awakenings, 3)]}×")
    return ", ".join(parts)


def sleep_known(night: Sleep) -> str:
    """What a night already has, for the morning check-in: "6 h, woke up 2×"."""
    parts = []
    if night.hours is not None:
        parts.append(f"{night.hours:g} h")
    summary = sleep_summary(night.quality, night.awakenings)
    if summary:
        parts.append(summary)
    return ", ".join(parts)


def sleep_noted(quality: int | None, awakenings: int | None) -> str:
    summary = sleep_summary(quality, awakenings)
    return f"Noted: {summary}." if summary else ""


# --- what a tap says ---------------------------------------------------------------------

TOAST_NOTED = "Noted."
TOAST_STALE = "This reminder has expired, so nothing was changed."
TOAST_ATTACK_OVER = "That attack is already marked as over. Nothing was changed."


def toast_already(outcome: str | None) -> str:
    return f"Already noted: {outcome}." if outcome else "Already answered."


def dose_stale(scheduled_for: datetime, zone: ZoneInfo) -> str:
    day = scheduled_for.astimezone(zone).strftime("%a %d %b")
    return (
        f"This reminder is from {day}, so nothing was changed. "
        "To log a dose, write e.g. mag 200 last night."
    )


EXPIRED_LINE = "<i>(expired)</i>"
RESENT = "<i>(In case this didn't reach you:)</i>"


def joined(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


# --- a prompt as sent, and as it reads after an answer ---------------------------------------


class PromptLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def scheduled_for(self) -> datetime: ...
    @property
    def amount_mg(self) -> float | None: ...


def render(
    prompt: PromptLike,
    user: User,
    attack: Attack | None,
    *,
    medicine: MedicationTaken | None = None,
    night: Sleep | None = None,
) -> tuple[str, Rows]:
    """The text and buttons of a prompt, the same when sent and when redrawn after an answer.

    `medicine`: the one a "did it help?" check asks about. A morning check-in for a
    night already partly recorded (`night`) shows what it has, ticked on its
    buttons; a tap changes only what it says.
    """
    zone = sch.zone_of(user.timezone)
    if prompt.kind in (PromptKind.DOSE, PromptKind.SNOOZE):
        return (
            dose_prompt(prompt.amount_mg, snoozed=prompt.kind == PromptKind.SNOOZE),
            dose_rows(prompt.id, prompt.amount_mg),
        )
    if prompt.kind == PromptKind.FOLLOWUP and attack is not None:
        text = followup_prompt(
            attack.kind, attack.started_at, attack.start_intensity, zone, prompt.scheduled_for
        )
        return text, followup_rows(prompt.id)
    if prompt.kind == PromptKind.RECURRENCE and attack is not None and attack.ended_at is not None:
        text = recurrence_prompt(attack.kind, attack.ended_at, zone, prompt.scheduled_for)
        return text, recurrence_rows(prompt.id)
    if prompt.kind == PromptKind.MED_CHECK and attack is not None and medicine is not None:
        text = med_check_prompt(attack.kind, medicine, zone, prompt.scheduled_for)
        asleep = asks_back(prompt.scheduled_for, medicine)
        return text, med_check_rows(prompt.id, asleep=asleep)
    if prompt.kind == PromptKind.MORNING:
        if night is not None and (known := sleep_known(night)):
            return (
                f"{MORNING_PROMPT}\nAlready noted for last night: {known}.",
                morning_rows(prompt.id, night.quality, night.awakenings),
            )
        return MORNING_PROMPT, morning_rows(prompt.id, None, None)
    if prompt.kind == PromptKind.MIDAS:
        return MIDAS_PROMPT, midas_rows(prompt.id)
    raise ValueError(f"cannot render a {prompt.kind} prompt")


def render_markup(
    prompt: PromptLike,
    user: User,
    attack: Attack | None,
    *,
    medicine: MedicationTaken | None = None,
    night: Sleep | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """`render` for the dispatcher, which sends what it is given.

    A prompt sent again because the process that first sent it died says so, so
    that a second copy reads naturally.
    """
    text, rows = render(prompt, user, attack, medicine=medicine, night=night)
    if getattr(prompt, "resent", False):
        text = f"{RESENT}\n{text}"
    return text, keyboard(rows)


def reply_view(
    answer: PromptReply, user: User, now: datetime
) -> tuple[str, str | None, Rows | None]:
    """What a tap on a prompt shows: the toast, the prompt's new text (None: leave it), buttons."""
    zone = sch.zone_of(user.timezone)
    prompt = answer.prompt
    if prompt is None or answer.answer is Answer.STALE:
        return TOAST_STALE, None, None
    base, rows = render(prompt, user, answer.attack, medicine=answer.medicine)
    kind = prompt.kind
    if answer.answer is Answer.ALREADY:
        if kind == PromptKind.MORNING and answer.sleep is not None:
            return (
                toast_already(sleep_summary(answer.sleep.quality, answer.sleep.awakenings)),
                None,
                None,
            )
        return toast_already(prompt.outcome), None, None
    if answer.answer in (Answer.EXPIRED, Answer.ATTACK_OVER):
        if answer.answer is Answer.ATTACK_OVER:
            toast = TOAST_ATTACK_OVER
        elif kind in (PromptKind.DOSE, PromptKind.SNOOZE):
            toast = dose_stale(prompt.scheduled_for, zone)
        else:
            toast = TOAST_STALE
        return toast, joined(base, EXPIRED_LINE) if answer.closed else None, None
    if answer.answer is Answer.ASKED:
        return TOAST_ASK_AMOUNT, None if answer.unchanged else joined(base, ASK_AMOUNT), rows
    # noted
    if answer.snoozed_until is not None:
        return TOAST_NOTED, joined(base, dose_snoozed(answer.snoozed_until, zone)), None
    notices = [notice_text(n) for n in answer.notices]
    logged = answer.logged
    if kind == PromptKind.MED_CHECK:
        if isinstance(logged, AttackEnded) and logged.attack.ended_at is not None:
            return TOAST_NOTED, joined(base, attack_gone(logged.attack.ended_at, zone)), None
        if isinstance(logged, PainLogged) and answer.said is not None:
            line = med_check_noted(answer.said, logged.update.at, zone, now)
            return TOAST_NOTED, joined(base, line), None
        return TOAST_NOTED, joined(base, MED_CHECK_ASLEEP), None
    if isinstance(logged, DoseLogged):
        dose = logged.dose
        line = (
            DOSE_SKIPPED
            if dose.status == DoseStatus.SKIPPED
            else dose_taken(dose.amount_mg, now, zone)
        )
        return TOAST_NOTED, joined(base, line, *notices), None
    if isinstance(logged, AttackEnded):
        return TOAST_NOTED, joined(base, attack_gone(now, zone)), None
    if isinstance(logged, PainLogged):
        return TOAST_NOTED, joined(base, pain_noted(logged.update.intensity or 0, now, zone)), None
    if kind == PromptKind.RECURRENCE:
        if answer.new_attack is None:
            return TOAST_NOTED, joined(base, NOT_BACK), None
        text = joined(base, came_back(answer.new_attack.kind, user.followup_first_min))
        return TOAST_NOTED, text, attack_rows(answer.new_attack)
    if kind == PromptKind.MORNING and answer.sleep is not None:
        quality, wakes = answer.sleep.quality, answer.sleep.awakenings
        return (
            TOAST_NOTED,
            joined(MORNING_PROMPT, sleep_noted(quality, wakes)),
            morning_rows(prompt.id, quality, wakes),
        )
    return TOAST_NOTED, None, None


def amount_view(answer: PromptReply, user: User, now: datetime) -> tuple[list[str], str | None]:
    """A typed "Other amount": the messages to send, and the prompt's new text."""
    zone = sch.zone_of(user.timezone)
    assert answer.prompt is not None and isinstance(answer.logged, DoseLogged)
    total = answer.logged.dose.amount_mg
    base, _ = render(answer.prompt, user, None)
    notices = [notice_text(n) for n in answer.notices]
    return [amount_noted(total, now, zone), *notices], joined(base, dose_taken(total, now, zone))
