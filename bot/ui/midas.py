"""The words and buttons of the MIDAS questionnaire in the chat (HTML parse mode)."""

from __future__ import annotations

from bot.diary.midas import Asking, BadNumber, Declined, Finished, Gone, Step
from bot.domain import midas as form
from bot.domain.summary_text import fmt_date
from bot.ui.buttons import MidasBack, MidasDays, MidasStop
from bot.ui.keyboards import Rows, row
from bot.ui.texts import STALE_BUTTON

# What each question counts, short, for the line under the score.
SHORT = (
    "missed work or school",
    "work or school at half speed",
    "no housework",
    "housework at half speed",
    "missed family, social or leisure time",
)
TYPE_DAYS = "<i>Tap, or type a number of days (0–92).</i>"
RESUMED = "Let's carry on where you left off."
DECLINED = "OK, not this time. I'll ask again in 3 months; /midas takes it any time."
STOPPED = "Stopped; nothing was scored. /midas starts it again whenever you like."
BAD_DAYS = "Please type a number of days from 0 to 92, or tap one."
TOAST_ALREADY = "Already answered."
TOAST_NOTED = "Noted."
GRADES = "Grades: I 0–5 little or none · II 6–10 mild · III 11–20 moderate · IV 21+ severe."


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def question(index: int, *, resumed: bool = False, answered: int | None = None) -> str:
    lines = []
    if answered is not None:
        lines.append(f"✓ {days(answered)}.\n")
    elif resumed:
        lines.append(RESUMED)
    lines += [f"<b>MIDAS {index + 1}/{len(form.QUESTIONS)}</b>", form.QUESTIONS[index], TYPE_DAYS]
    return "\n".join(lines)


def question_rows(midas_id: int, index: int) -> Rows:
    quick = [(str(n), MidasDays(midas_id, index, n)) for n in form.QUICK_DAYS]
    last: list[tuple[str, MidasBack | MidasStop]] = []
    if index:
        last.append(("◂ Back", MidasBack(midas_id, index)))
    last.append(("Skip the rest", MidasStop(midas_id)))
    return [row(*quick), row(*last)]


def finished(result: form.Midas, previous: form.Midas | None) -> str:
    spent = " · ".join(f"{n} {what}" for n, what in zip(result.answers, SHORT, strict=True))
    lines = [
        f"✅ <b>MIDAS score {result.score}</b>: grade {result.grade.name}, {result.grade_words}.",
        f"Days in the last 3 months: {spent}.",
    ]
    if previous is not None:
        lines.append(
            f"Last time ({fmt_date(previous.taken_on)}): {previous.score}, "
            f"grade {previous.grade.name}."
        )
    lines += [
        GRADES,
        "It's in your /summary and the /report for your clinician. I'll ask again in 3 months.",
    ]
    return "\n".join(lines)


def view(step: Step | BadNumber) -> tuple[str, str, Rows | None]:
    """The toast for a tap, the text to show, and its buttons."""
    match step:
        case Asking():
            text = question(step.index, resumed=step.resumed, answered=step.answered)
            return TOAST_NOTED, text, question_rows(step.midas_id, step.index)
        case BadNumber():
            return (
                TOAST_NOTED,
                f"{BAD_DAYS}\n\n{question(step.index)}",
                question_rows(step.midas_id, step.index),
            )
        case Finished():
            return TOAST_NOTED, finished(step.result, step.previous), None
        case Declined():
            return TOAST_NOTED, STOPPED if step.stopped else DECLINED, None
        case Gone():
            return (TOAST_ALREADY if step.already else STALE_BUTTON), "", None
