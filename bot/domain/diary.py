"""One person's diary as plain values: the input of the statistics, the chart and the report.

Storage loads a user's rows into these frozen dataclasses; the pure domain code
(`stats`, `summary_text`, `chart`, `report`) never sees SQL or Telegram.

Conventions, checked on construction because a wrong one silently shifts every
day-based figure:
- every instant (`*_at`) is a timezone-aware datetime (UTC from the database;
  any aware zone works, the domain converts to `Diary.tz` itself);
- a calendar day (`Sleep.night`, `Diary.magnesium_start`, `PeriodDay.day`,
  `FactorDay.day`, `Midas.taken_on`) is a `date` in the user's zone;
- sequences may be lists or tuples, in any order;
- codes (kinds, symptoms, triggers, side effects) use the spellings of DESIGN §4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.midas import Midas

MIGRAINE = "migraine"
HEADACHE = "headache"
ATTACK_KINDS = frozenset({MIGRAINE, HEADACHE})

TAKEN = "taken"
SKIPPED = "skipped"
DOSE_STATUSES = frozenset({TAKEN, SKIPPED})

# Attack.response_2h: the onset-timed answer the old follow-up stored. Kept so
# stored rows still load; the statistics read the updates instead (each answer
# is also stored as an `AttackUpdate`, with its time).
RESPONSE_GONE = "gone"
RESPONSE_REDUCED = "reduced"
RESPONSE_NONE = "none"
RESPONSES = frozenset({RESPONSE_GONE, RESPONSE_REDUCED, RESPONSE_NONE})

# AttackUpdate.relief: the words the "did it help?" follow-up stores.
RELIEF_GONE = "gone"
RELIEF_BETTER = "better"
RELIEF_SAME = "same"
RELIEF_WORSE = "worse"
# The same answers in older spellings, read the same way.
RELIEF_PAIN_FREE_WORDS = frozenset({RELIEF_GONE, "pain_free"})
RELIEF_BETTER_WORDS = frozenset({RELIEF_BETTER, "reduced", "improved"})
RELIEF_NOT_BETTER_WORDS = frozenset({RELIEF_SAME, RELIEF_WORSE, "none"})

# Diary.goals: what the person set out to follow at onboarding.
GOAL_MIGRAINE = "migraine"
GOAL_SLEEP = "sleep"
GOAL_ANXIETY = "anxiety"


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, slots=True)
class PlannedDose:
    """One dose of the current plan: a local clock time and elemental mg."""

    local_time: time
    amount_mg: float | None = None


@dataclass(frozen=True, slots=True)
class PlanChange:
    """How many doses a day were planned from `effective_on` (a local day) until the next change."""

    effective_on: date
    doses_per_day: int


@dataclass(frozen=True, slots=True)
class AttackUpdate:
    """A follow-up answer: pain now (0-10), relief words, or "gone"."""

    at: datetime
    intensity: int | None = None
    relief: str | None = None
    gone: bool = False

    def __post_init__(self) -> None:
        _require_aware(self.at, "AttackUpdate.at")


@dataclass(frozen=True, slots=True)
class Attack:
    """A migraine or other headache.

    `ended_at` is None while it is open; an update with `gone=True` also ends
    it. `peak_intensity` is the worst pain reported (0-10); the statistics take
    the maximum of it, `start_intensity` and the updates' intensities.
    `start_intensity` is the pain when first logged, the reference for the
    2-hour response when no update came before the medicine.
    `response_2h` is the onset-timed answer of the old follow-up; the
    statistics do not read it (see `response.two_hour_response`).
    """

    id: int
    started_at: datetime
    ended_at: datetime | None = None
    kind: str = MIGRAINE
    peak_intensity: int | None = None
    symptoms: Sequence[str] = ()
    triggers: Sequence[str] = ()
    aura: bool = False
    updates: Sequence[AttackUpdate] = ()
    response_2h: str | None = None
    start_intensity: int | None = None

    def __post_init__(self) -> None:
        _require_aware(self.started_at, "Attack.started_at")
        if self.ended_at is not None:
            _require_aware(self.ended_at, "Attack.ended_at")
        if self.kind not in ATTACK_KINDS:
            raise ValueError(f"Attack.kind must be one of {sorted(ATTACK_KINDS)}")
        if self.response_2h is not None and self.response_2h not in RESPONSES:
            raise ValueError(f"Attack.response_2h must be one of {sorted(RESPONSES)}")


@dataclass(frozen=True, slots=True)
class Dose:
    """A magnesium dose answered or logged: `amount_mg` is elemental magnesium.

    A taken dose without an amount counts as the plan's average dose.
    """

    taken_at: datetime
    amount_mg: float | None = None
    status: str = TAKEN

    def __post_init__(self) -> None:
        _require_aware(self.taken_at, "Dose.taken_at")
        if self.status not in DOSE_STATUSES:
            raise ValueError(f"Dose.status must be one of {sorted(DOSE_STATUSES)}")


@dataclass(frozen=True, slots=True)
class MedicationTaken:
    """Any medicine taken; `name` is the generic name (see `medicines.canonical_name`).

    `attack_id` links it to the attack it treated. An acute medicine without a
    link that was taken while an attack was going on is attributed to it.
    `med_class` is the stored class (a `MedClass` value); when None it is
    looked up from the name.
    """

    name: str
    taken_at: datetime
    dose_mg: float | None = None
    attack_id: int | None = None
    med_class: str | None = None

    def __post_init__(self) -> None:
        _require_aware(self.taken_at, "MedicationTaken.taken_at")


@dataclass(frozen=True, slots=True)
class Sleep:
    """One night, dated by the local day on which the night began."""

    night: date
    quality: int | None = None
    hours: float | None = None
    awakenings: int | None = None
    onset_minutes: int | None = None
    restless_legs: bool | None = None
    cramps: bool | None = None


@dataclass(frozen=True, slots=True)
class Anxiety:
    at: datetime
    level: int

    def __post_init__(self) -> None:
        _require_aware(self.at, "Anxiety.at")


@dataclass(frozen=True, slots=True)
class SideEffect:
    at: datetime
    effects: Sequence[str] = ()

    def __post_init__(self) -> None:
        _require_aware(self.at, "SideEffect.at")


@dataclass(frozen=True, slots=True)
class PeriodDay:
    """A day of menstrual bleeding; `started` marks day 1 of a period."""

    day: date
    started: bool = False


@dataclass(frozen=True, slots=True)
class FactorDay:
    """A possible trigger logged for a day on its own, not as part of an attack.

    `code` is a trigger code of DESIGN §4 ("alcohol", "stress", ...). Days
    with and without a factor are what the trigger associations compare;
    triggers noted only on attacks cannot be compared (every such day is an
    attack day) and are counted apart.
    """

    day: date
    code: str


@dataclass(frozen=True, slots=True)
class Diary:
    """Everything one person logged, plus what the figures need from their settings.

    `magnesium_start` is the date set at onboarding; when None the first taken
    dose's local date is used. `dose_plan` is the current plan and is applied
    to every past day unless `plan_changes` says what was planned when (the
    earliest change also covers the days before it). `created_at` is when
    the person started the bot: with the first entry it marks the start of the
    observed time, which the rates per 28 days are divided by.

    `goals` are the onboarding goals ("migraine", "sleep", "anxiety"; the
    chart shows anxiety when it is one). `periods` are menstrual days,
    `factors` possible triggers logged outside attacks, `midas` the MIDAS
    questionnaires answered (`midas.Midas`).
    """

    tz: str
    created_at: datetime
    magnesium_start: date | None = None
    dose_plan: Sequence[PlannedDose] = ()
    attacks: Sequence[Attack] = ()
    doses: Sequence[Dose] = ()
    medications: Sequence[MedicationTaken] = ()
    sleep: Sequence[Sleep] = ()
    anxiety: Sequence[Anxiety] = ()
    side_effects: Sequence[SideEffect] = field(default=())
    plan_changes: Sequence[PlanChange] = ()
    goals: Sequence[str] = ()
    periods: Sequence[PeriodDay] = ()
    factors: Sequence[FactorDay] = ()
    midas: Sequence[Midas] = ()

    def __post_init__(self) -> None:
        _require_aware(self.created_at, "Diary.created_at")
        ZoneInfo(self.tz)  # raises ZoneInfoNotFoundError for an unknown zone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def is_empty(self) -> bool:
        return not (
            self.attacks
            or self.doses
            or self.medications
            or self.sleep
            or self.anxiety
            or self.side_effects
            or self.periods
            or self.factors
        )
