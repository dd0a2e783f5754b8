"""Every button family the bot sends: the callback-data formats, in one place.

Each family is a typed dataclass (see `bot.ui.callbacks`): handlers `unpack`
the data into one of these, or get None for anything stale or forged.
"""

from __future__ import annotations

from enum import StrEnum

from bot.diary.prompts import MedCheckAnswer
from bot.ui.callbacks import Button, button
from storage.enums import AttackKind

# --- the reply to a check-in -------------------------------------------------------------


@button("ci", "undo")
class UndoMessage(Button):
    group: int


@button("ci", "new")
class NewAttack(Button):
    kind: AttackKind
    intensity: int | None = None


class Panel(StrEnum):
    MAIN = "main"
    SYMPTOMS = "sym"
    TRIGGERS = "trg"


@button("at", "i")
class AttackIntensity(Button):
    attack_id: int
    value: int


@button("at", "s")
class AttackSymptom(Button):
    attack_id: int
    index: int


@button("at", "t")
class AttackTrigger(Button):
    attack_id: int
    index: int


@button("at", "v")
class AttackPanel(Button):
    attack_id: int
    panel: Panel


@button("at", "done")
class AttackDone(Button):
    attack_id: int


ATTACK_BUTTONS = (AttackIntensity, AttackSymptom, AttackTrigger, AttackPanel, AttackDone)
CHECKIN_BUTTONS = (UndoMessage, NewAttack)

# --- prompts -----------------------------------------------------------------------------


class DoseAction(StrEnum):
    TOOK = "took"
    OTHER = "other"
    SKIP = "skip"
    SNOOZE = "snooze"


@button("dose")
class DoseAnswer(Button):
    action: DoseAction
    prompt_id: int


@button("fu", "i")
class FollowupPain(Button):
    prompt_id: int
    value: int


@button("fu", "gone")
class FollowupGone(Button):
    prompt_id: int


@button("fu", "back")
class CameBack(Button):
    prompt_id: int


@button("fu", "notback")
class NotBack(Button):
    prompt_id: int


@button("mrn", "q")
class MorningQuality(Button):
    prompt_id: int
    value: int


@button("mrn", "w")
class MorningWakes(Button):
    prompt_id: int
    value: int


@button("mc")
class MedCheck(Button):
    """ "Did it help?" two hours after a medicine: Pain gone / Better / Same / Worse."""

    answer: MedCheckAnswer
    prompt_id: int


FOLLOWUP_BUTTONS = (FollowupPain, FollowupGone, CameBack, NotBack)
MORNING_BUTTONS = (MorningQuality, MorningWakes)

# --- the MIDAS questionnaire ---------------------------------------------------------------


@button("md", "start")
class MidasStart(Button):
    """Start the questionnaire the MIDAS prompt offers."""

    prompt_id: int


@button("md", "later")
class MidasLater(Button):
    """Not this time: the MIDAS prompt declined (asked again in 3 months)."""

    prompt_id: int


@button("md", "d")
class MidasDays(Button):
    """A quick answer (days) to one question; `question` guards against a stale tap."""

    midas_id: int
    question: int
    days: int


@button("md", "back")
class MidasBack(Button):
    """Back to the question before `question` (its answer is asked again)."""

    midas_id: int
    question: int


@button("md", "stop")
class MidasStop(Button):
    """Leave a questionnaire half answered: skipped."""

    midas_id: int


MIDAS_BUTTONS = (MidasStart, MidasLater, MidasDays, MidasBack, MidasStop)

# --- onboarding and settings -------------------------------------------------------------


class Step(StrEnum):
    """Onboarding questions, in order; GOAL toggles one goal on the goals question."""

    TZ = "tz"
    LABEL = "label"
    DOSE = "dose"
    START = "start"
    GOAL = "goal"
    GOALS = "goals"
    KIDNEY = "kidney"


@button("ob", "again")
class OnboardingAgain(Button):
    """Back to the onboarding question a person left to log something."""


@button("ob")
class OnboardingChoice(Button):
    step: Step
    value: str


class CardKey(StrEnum):
    TIMEZONE = "tz"
    DOSE = "dose"
    FOLLOWUP = "followup"
    QUIET = "quiet"
    MORNING = "morning"
    CAPSULE = "capsule"
    ONBOARD = "onboard"
    PAUSE = "pause"
    RESUME = "resume"


@button("set")
class SettingsCard(Button):
    key: CardKey


# --- /log and /delete --------------------------------------------------------------------


@button("log", "del")
class LogDelete(Button):
    entry_id: int


@button("log", "time")
class LogTime(Button):
    entry_id: int


@button("log", "int")
class LogPain(Button):
    entry_id: int


@button("log", "set")
class LogSetPain(Button):
    entry_id: int
    value: int


@button("log", "page")
class LogPage(Button):
    page: int


LOG_BUTTONS = (LogDelete, LogTime, LogPain, LogSetPain, LogPage)


@button("del", "yes")
class EraseConfirm(Button):
    pass


@button("del", "no")
class EraseCancel(Button):
    pass


# --- questions after a check-in -----------------------------------------------------------


@button("ov", "same")
class OverlapSame(Button):
    new_id: int
    existing_id: int


@button("ov", "new")
class OverlapKeep(Button):
    new_id: int


@button("tz", "fix")
class ZoneFix(Button):
    """The time zone a person picks after being told which one was assumed."""

    group: int
    zone: str


QUESTION_BUTTONS = (OverlapSame, OverlapKeep, ZoneFix)
