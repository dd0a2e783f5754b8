"""A person's settings: one setter per setting, shared by the one-message commands,
the settings card's typed answers and onboarding; pause and resume; fixing the
time zone of entries logged before the person chose one.

A setter reads the words after the command (or a typed answer), stores the
setting, moves the prompts it affects, and returns what it set; it raises
`BadArgument` with the reason when the words are not a value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.diary import awaiting, medicines
from bot.diary.awaiting import Awaiting
from bot.diary.doses import elemental_mg
from bot.diary.journal import ROW_MODELS
from bot.diary.scope import Scope
from bot.domain import commands, safety
from bot.domain import schedule as sch
from bot.scheduling import plan
from storage.enums import EntryKind
from storage.models import MedicationTaken, User
from storage.queries import diary, journal, users


class Setting(StrEnum):
    """A setting, by the name of its one-message command."""

    TIMEZONE = "timezone"
    DOSE = "dose"
    FOLLOWUP = "followup"
    QUIET = "quiet"
    MORNING = "morning"
    CAPSULE = "capsule"


@dataclass(frozen=True)
class ZoneSet:
    zone: str
    written: str  # what the person typed ("UTC+1", "berlin")
    local_now: datetime


@dataclass(frozen=True)
class PlanSet:
    doses: list[tuple[float, time]]  # elemental mg at local times
    typed_mg: list[float]  # the amounts as typed (the compound's weight on a compound label)
    label_elemental: bool
    over_limit: float | None  # the day's planned total when above the upper limit


@dataclass(frozen=True)
class FollowupSet:
    first_min: int
    every_min: int


@dataclass(frozen=True)
class QuietSet:
    window: tuple[time, time] | None


@dataclass(frozen=True)
class MorningSet:
    at: time | None


@dataclass(frozen=True)
class CapsuleSet:
    mg: float


Changed = ZoneSet | PlanSet | FollowupSet | QuietSet | MorningSet | CapsuleSet
Setter = Callable[[Scope, list[str]], Awaitable[Changed]]


async def set_timezone(scope: Scope, args: list[str]) -> Changed:
    written = " ".join(args)
    scope.user.timezone = commands.parse_timezone(written)
    scope.user.timezone_chosen = True
    await plan.replan_user(scope.session, scope.user, scope.now)
    return ZoneSet(scope.user.timezone, written, scope.local())


async def set_dose(scope: Scope, args: list[str]) -> Changed:
    parsed = commands.parse_dose_plan(args) or []
    pairs = [(elemental_mg(scope.user, d.amount_mg), d.at) for d in parsed]
    await users.set_dose_plan(scope.session, scope.user, pairs, on=scope.local().date())
    await plan.replan_user(scope.session, scope.user, scope.now)
    total = sum(mg for mg, _ in pairs)
    return PlanSet(
        pairs,
        [d.amount_mg for d in parsed],
        scope.user.label_elemental,
        total if total > safety.UPPER_LIMIT_MG else None,
    )


async def set_followup(scope: Scope, args: list[str]) -> Changed:
    first, every = commands.parse_followup(args)
    scope.user.followup_first_min = int(first.total_seconds() // 60)
    scope.user.followup_every_min = int(every.total_seconds() // 60)
    await plan.replan_user(scope.session, scope.user, scope.now)
    return FollowupSet(scope.user.followup_first_min, scope.user.followup_every_min)


async def set_quiet(scope: Scope, args: list[str]) -> Changed:
    window = commands.parse_quiet(args)
    # equal start and end means "no quiet hours"
    scope.user.quiet_start, scope.user.quiet_end = window or (
        scope.user.quiet_start,
        scope.user.quiet_start,
    )
    await plan.replan_user(scope.session, scope.user, scope.now)
    return QuietSet(window)


async def set_morning(scope: Scope, args: list[str]) -> Changed:
    scope.user.morning_time = commands.parse_morning(args)
    await plan.replan_user(scope.session, scope.user, scope.now)
    return MorningSet(scope.user.morning_time)


async def set_capsule(scope: Scope, args: list[str]) -> Changed:
    scope.user.capsule_mg = commands.parse_amount_mg(" ".join(args))
    return CapsuleSet(scope.user.capsule_mg)


SETTERS: dict[Setting, Setter] = {
    Setting.TIMEZONE: set_timezone,
    Setting.DOSE: set_dose,
    Setting.FOLLOWUP: set_followup,
    Setting.QUIET: set_quiet,
    Setting.MORNING: set_morning,
    Setting.CAPSULE: set_capsule,
}


async def change(scope: Scope, setting: Setting, args: list[str]) -> Changed:
    """Set one setting from its words; a settings question it answers is closed."""
    changed = await SETTERS[setting](scope, args)
    awaiting.clear(scope.user, Awaiting.SETTING, setting)
    return changed


def ask(scope: Scope, setting: Setting) -> None:
    """The settings card asked for a value: the next typed message answers it."""
    awaiting.expect(scope.user, Awaiting.SETTING, setting)


def open_question(user: User) -> Setting | None:
    """The setting an open question asks for (its answer could not be read)."""
    asked = awaiting.awaited(user)
    if asked is None:
        return None
    if asked.kind is Awaiting.SETTING:
        return Setting(asked.ref) if asked.ref in Setting.__members__.values() else None
    if asked.kind is Awaiting.ONBOARDING and asked.ref in ("tz", "dose"):
        return Setting.TIMEZONE if asked.ref == "tz" else Setting.DOSE
    return None


def set_profile(
    scope: Scope,
    *,
    goals: tuple[str, ...],
    magnesium_start: date | None,
    kidney_disease: bool | None,
    label_elemental: bool = True,
) -> None:
    """What onboarding asks besides the settings with a command (the example diary's path)."""
    user = scope.user
    user.goals = list(goals)
    user.magnesium_start = magnesium_start
    user.kidney_disease = kidney_disease
    user.label_elemental = label_elemental
    user.onboarding_step = None
    awaiting.clear(user)


async def set_paused(scope: Scope, paused: bool) -> bool:
    """Pause or resume every prompt; False when it already was so."""
    if scope.user.paused == paused:
        return False
    scope.user.paused = paused
    if paused:
        await plan.cancel_all(scope.session, scope.user.id)
    else:
        await plan.replan_user(scope.session, scope.user, scope.now)
    return True


# The time columns of each kind of entry a time zone fix moves.
_TIME_FIELDS: dict[EntryKind, tuple[str, ...]] = {
    EntryKind.ATTACK: ("started_at", "ended_at"),
    EntryKind.ATTACK_UPDATE: ("at",),
    EntryKind.DOSE: ("taken_at",),
    EntryKind.MEDICATION: ("taken_at",),
    EntryKind.ANXIETY: ("at",),
    EntryKind.SIDE_EFFECT: ("at",),
}


async def fix_zone(scope: Scope, zone: str, group: int) -> int | None:
    """Set the zone the person picked, and move what one message logged to it.

    The entries keep their wall-clock times ("since 3pm" stays 15:00), now read
    in the right zone. Returns how many entries moved; None for a zone unknown.
    """
    try:
        new_zone = commands.parse_timezone(zone)
    except commands.BadArgument:
        return None
    old, new = sch.zone_of(scope.user.timezone), sch.zone_of(new_zone)
    moved = 0
    for line in await journal.of_group(scope.session, scope.user.id, group):
        kind = EntryKind(line.kind)
        fields = _TIME_FIELDS.get(kind)
        row = await diary.owned(scope.session, ROW_MODELS[kind], scope.user.id, line.row_id)
        if fields is None or row is None:
            continue
        for name in fields:
            value = getattr(row, name)
            if value is not None:
                wall = value.astimezone(old).replace(tzinfo=None)
                setattr(row, name, sch.local_to_utc(wall.date(), wall.time(), new))
        if isinstance(row, MedicationTaken):
            await medicines.moved(scope, row)
        moved += 1
    scope.user.timezone = new_zone
    scope.user.timezone_chosen = True
    await plan.replan_user(scope.session, scope.user, scope.now)
    return moved
