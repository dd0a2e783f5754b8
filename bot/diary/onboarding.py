"""/start onboarding: time zone, label, dose plan, start date, goals, kidneys.

Every step is skippable and the defaults are stored at once (UTC, 200 mg at
21:30), so a person who ignores the questions still has a working bot. The step
a person is on lives in `user.onboarding_step`, and a typed answer is expected
through the awaited state, so a restart in the middle loses nothing. Typed
answers go through the same setters as the one-message commands; onboarding
never logs a dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from bot.diary import awaiting, settings
from bot.diary.awaiting import Awaiting
from bot.diary.scope import Scope
from bot.domain.commands import BadArgument
from bot.domain.dates import parse_past_date
from bot.scheduling import plan
from storage.queries import users

STEPS = ("tz", "label", "dose", "start", "goals", "kidney")
GOALS = ("migraine", "sleep", "anxiety")
DEFAULT_MORNING = time(8, 0)
# Steps whose question takes a typed answer (the others are buttons only).
TYPED = {"tz": "tz", "dose": "dose", "start_date": "start_date"}


@dataclass(frozen=True)
class Next:
    """Where onboarding goes after an answer: the next step, or done (None)."""

    step: str | None


@dataclass(frozen=True)
class Chosen:
    """A button answer stored."""

    step: str
    value: str
    next: Next | None  # None: stay on this step (a goal toggled, the start date asked)
    kidney_note: bool = False


@dataclass(frozen=True)
class Typed:
    """A typed answer stored: what the setter set, then where onboarding goes."""

    changed: settings.Changed | date
    next: Next


@dataclass(frozen=True)
class Skipped:
    """ "skip" typed instead of tapped."""

    next: Next


SKIP_WORDS = frozenset({"skip", "later", "not now", "pass", "next"})


@dataclass(frozen=True)
class Refused:
    """A typed answer that is not a value for this step: ask again."""

    step: str
    reason: str


async def start(scope: Scope) -> bool:
    """Begin (or redo) onboarding; returns True for a person seen before. /start also
    brings back a person who had blocked the bot."""
    existing = not scope.new_user
    scope.user.active = True
    _go_to(scope, "tz")
    await plan.replan_user(scope.session, scope.user, scope.now)
    return existing


def _go_to(scope: Scope, step: str | None) -> Next:
    scope.user.onboarding_step = step
    if step in TYPED:
        awaiting.expect(scope.user, Awaiting.ONBOARDING, step)
    else:
        asked = awaiting.awaited(scope.user)
        if asked is not None and asked.kind is Awaiting.ONBOARDING:
            awaiting.clear(scope.user)
    return Next(step)


def _advance(scope: Scope, after: str) -> Next:
    index = STEPS.index(after) + 1
    return _go_to(scope, STEPS[index] if index < len(STEPS) else None)


def resume(scope: Scope) -> None:
    """Back to the question the person left: its typed answer is expected again."""
    _go_to(scope, scope.user.onboarding_step)


def in_step(scope: Scope, step: str) -> bool:
    current = scope.user.onboarding_step
    return current == step or (step in ("goal", "goals") and current == "goals")


async def choose(scope: Scope, step: str, value: str) -> Chosen | None:
    """Store one button choice; None for a button of another step, or stale."""
    if not in_step(scope, step):
        return None
    user = scope.user
    if step == "goal":
        if value not in GOALS:
            return None
        goals = list(user.goals)
        user.goals = [g for g in goals if g != value] if value in goals else [*goals, value]
        return Chosen(step, value, None)
    if step == "goals":
        user.goals = list(user.goals) or ["migraine"]
        if "sleep" in user.goals and user.morning_time is None:
            user.morning_time = DEFAULT_MORNING
            await plan.replan_user(scope.session, user, scope.now)
        return Chosen(step, ",".join(user.goals), _advance(scope, "goals"))
    if value == "skip":
        return Chosen(step, value, _advance(scope, step))
    if step == "tz":
        try:
            await settings.change(scope, settings.Setting.TIMEZONE, [value])
        except BadArgument:
            return None
        return Chosen(step, user.timezone, _advance(scope, "tz"))
    if step == "label" and value in ("el", "co"):
        user.label_elemental = value == "el"
        return Chosen(step, value, _advance(scope, "label"))
    if step == "dose" and value in ("default", "off"):
        new_plan = list(users.DEFAULT_PLAN) if value == "default" else []
        await users.set_dose_plan(scope.session, user, new_plan, on=scope.local().date())
        await plan.replan_user(scope.session, user, scope.now)
        return Chosen(step, value, _advance(scope, "dose"))
    if step == "start" and value in ("today", "notyet", "earlier"):
        if value == "earlier":
            awaiting.expect(user, Awaiting.ONBOARDING, "start_date")
            return Chosen(step, value, None)
        user.magnesium_start = scope.local().date() if value == "today" else None
        return Chosen(step, value, _advance(scope, "start"))
    if step == "kidney" and value in ("y", "n"):
        user.kidney_disease = value == "y"
        return Chosen(step, value, _advance(scope, "kidney"), kidney_note=user.kidney_disease)
    return None


async def answer(scope: Scope, step: str, text: str) -> Typed | Skipped | Refused | None:
    """A typed answer to the open onboarding question.

    None when the text is plainly something else (a check-in): it is logged as
    such and the question stays open; Refused when it looks like an answer that
    cannot be read (the question is asked again, with its buttons).
    """
    if " ".join(text.lower().strip(" .!").split()) in SKIP_WORDS:
        return Skipped(_advance(scope, "start" if step == "start_date" else step))
    if step in ("tz", "dose"):
        setting = settings.Setting.TIMEZONE if step == "tz" else settings.Setting.DOSE
        try:
            changed = await settings.change(scope, setting, text.split())
        except BadArgument as exc:
            return Refused(step, str(exc))
        return Typed(changed, _advance(scope, step))
    if step == "start_date":
        started = parse_past_date(text, scope.local())
        if started is None:
            return Refused("start_date", "I couldn't read that date")
        if started > scope.local().date():
            return Refused("start_date", "that date is in the future")
        scope.user.magnesium_start = started
        return Typed(started, _advance(scope, "start"))
    return None
