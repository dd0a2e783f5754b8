"""The clinical figures of DESIGN §6, computed from one person's `Diary`.

Everything here is a pure function of the diary and `now`; nothing reads a
clock, a database or Telegram. Periods are whole local days: `start` and `end`
are dates in the user's zone, `end` exclusive, so "the last 7 days" ending
today is `[today - 6, today + 1)`. `period_bounds` turns "7d"/"30d"/.../"all"
into such a pair. The summary text, the chart and the report all take their
figures from `summarize`, so they agree.

Definitions:

- Observed days: the days of the period that the diary covers, i.e. the
  overlap of [start, end) with [first day, today], where the first day is the
  earlier of the account's creation and the first entry. Today counts as an
  observed day (what is logged today counts, in every figure and in every
  view). Every "per 28 days" rate divides by observed days, and is given only
  from 28 observed days on (`MIN_DAYS_FOR_RATES`); below that the figures
  are counts with the days observed ("3 migraine days in 5 days logged").
- Migraine day (IHS 2020): a local day touched by a migraine attack that
  lasted 30 minutes or more, or a day on which a migraine-specific acute
  medicine (triptan, ergot, gepant, lasmiditan) was taken, whatever else was
  logged. Headache day: a day touched by any attack (migraine or other
  headache) of 30 minutes or more, a day with an acute medicine taken for an
  attack, or a migraine day. An attack touches every day from its start to
  its end; an open attack lasts until its last update (or only its start
  day) and counts (its length is not known to be short). Other headache
  days are headache days that are not migraine days.
- Acute-medication days: days with a medicine of an acute class
  (`medicines.ACUTE_CLASSES`), in all and per class.
- Medication overuse (ICHD-3 8.2): see `overuse`; shown for the three
  28-day windows that end with the period (clipped to today).
- 2-hour response: see `response`. Each acute medicine of an attack is timed
  from its own first intake ("per medicine"); the attack's response
  ("overall") is timed from its first acute medicine.
- Dose adherence: taken / planned over complete days on magnesium in the
  period (a day is complete once its last planned time has passed, so today
  counts from then on); planned = the plan in force each day; taken per day
  is capped at the plan. Mean daily magnesium: elemental mg over those days,
  and over the days with a dose taken. A taken dose without an amount
  counts as the plan's average dose.
- Trends (sleep quality, awakenings, anxiety): least-squares slope; "improving"
  or "worse" when the fitted change over the period reaches a minimal change
  (0.5 quality points, 0.5 awakenings, 1 anxiety point) and the slope is
  twice its standard error; "stable" otherwise; none with fewer than 6 values
  or less than 14 days between the first and the last.
- Responder verdict (IHS 2020): migraine days per 28 days on magnesium (from
  its start to today) against the baseline (observed days before it); the
  rate ratio with a 95% CI from a quasi-Poisson model: the Poisson
  log-normal interval widened by the square root of the dispersion of weekly
  migraine-day counts (Pearson chi-square / (weeks - 2), never below 1, so
  never narrower than Poisson); 0.5 added to both counts when one is zero.
  Responder at >= 50% fewer, partial at >= 30%. Too early before 56 days on
  magnesium; no baseline under 28 days before it.
- Trigger associations, over the whole diary (at least 90 days of it): for
  each possible trigger logged on days of its own (`Diary.factors`, period
  days for menstruation) and for poor sleep (a night of quality <= 2 or under
  6 h), the share of days followed by an attack starting the next day, after
  days with it against after days without it (for sleep: other nights
  logged). Shown with >= 3 days in each group, ranked by the ratio of the two
  shares. The others are listed with the days logged with them (today's
  too: a factor logged only today is said, though the day after is not
  known yet). Triggers noted only on attacks are counted apart: every such
  day is an attack day, so they cannot be compared.
- Menstrual cycle (ICHD-3 A1.1.1): day 1 is a logged period start (or the
  first day of a run of period days); its window is days -2 to +3 (two days
  before day 1 to day 3; there is no day 0). Migraine days in windows
  against other observed days, from 2 cycles in the period on.
- Side effects: counts by code; recurring GI effects (an entry with diarrhea,
  stomach upset or nausea twice within 7 days) bring the split-the-dose hint.
"""

from __future__ import annotations

import bisect
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

from bot.domain import overuse as ou
from bot.domain import safety
from bot.domain.diary import (
    GOAL_ANXIETY,
    MIGRAINE,
    SKIPPED,
    TAKEN,
    Attack,
    Diary,
    MedicationTaken,
)
from bot.domain.medicines import (
    ACUTE_CLASSES,
    MIGRAINE_SPECIFIC_CLASSES,
    MedClass,
    canonical_name,
    stored_or_named_class,
)
from bot.domain.midas import Midas
from bot.domain.response import TwoHourResponse, two_hour_response
from bot.domain.safety import UPPER_LIMIT_MG

# Tolerable upper intake level for magnesium from supplements, adults
# (US NIH ODS), elemental mg per day (DESIGN §7).
UPPER_LIMIT_MG_PER_DAY = UPPER_LIMIT_MG  # the supplement upper limit (safety.py)

RATE_DAYS = 28  # rates are "per 28 days", the IHS month
MIN_DAYS_FOR_RATES = 28  # below this, counts and days observed, never a rate
MIN_BASELINE_DAYS = 28
MIN_DAYS_ON_MAGNESIUM = 56  # the effect takes weeks; judge after 8
RESPONDER_REDUCTION = 0.50
PARTIAL_REDUCTION = 0.30
Z_95 = 1.959963984540054
DISPERSION_BLOCK_DAYS = 7  # weekly counts estimate the overdispersion

MIN_ATTACK = timedelta(minutes=30)  # IHS: a migraine or headache day needs >= 30 min

# An open attack without updates still claims the acute medicines taken this
# long after its start (for attributing unlinked medicines only).
OPEN_ATTACK_CLAIMS = timedelta(hours=12)

TREND_MIN_VALUES = 6
TREND_MIN_SPAN_DAYS = 14
TREND_MIN_T = 2.0

MIN_TRIGGER_DIARY_DAYS = 90
MIN_TRIGGER_DAYS_PER_GROUP = 3
POOR_SLEEP = "poor_sleep"
MENSTRUATION = "menstruation"
POOR_SLEEP_QUALITY = 2
POOR_SLEEP_HOURS = 6.0

MENSTRUAL_BEFORE = 2  # days -2 and -1
MENSTRUAL_AFTER = 2  # day 1 plus two more: day 3 (ICHD-3 has no day 0)
MIN_CYCLES = 2

GI_EFFECTS = safety.GI_EFFECTS
GI_RECURRENCE_WINDOW = safety.GI_WINDOW

PERIODS = ("7d", "30d", "90d", "365d", "all")
_PERIOD_RE = re.compile(r"^(\d{1,4})d$")
_DAY = timedelta(days=1)


# ---------------------------------------------------------------- results


class Direction(StrEnum):
    IMPROVING = "improving"
    STABLE = "stable"
    WORSE = "worse"


@dataclass(frozen=True, slots=True)
class Trend:
    """A least-squares trend; `direction` is None when there is too little data."""

    direction: Direction | None = None
    slope_per_week: float | None = None
    change: float | None = None  # fitted change from the first to the last value


def per_28(count: int, observed_days: int) -> float | None:
    """count per 28 observed days; None below `MIN_DAYS_FOR_RATES` observed days."""
    if observed_days < MIN_DAYS_FOR_RATES:
        return None
    return count * RATE_DAYS / observed_days


@dataclass(frozen=True, slots=True)
class KindStats:
    """Days of one kind (migraine, any headache, other headache) and its attacks in a period."""

    days: int  # local days (IHS definition of the kind)
    observed_days: int
    attacks: int  # attacks of the kind that started in the period
    mean_peak: float | None
    mean_duration_h: float | None  # ended attacks only
    ended: int

    @property
    def per_28(self) -> float | None:
        return per_28(self.days, self.observed_days)


@dataclass(frozen=True, slots=True)
class MedicationStats:
    days: int  # days with any acute medicine
    observed_days: int
    days_by_class: dict[MedClass, int]  # acute classes only, most days first
    overuse: ou.OveruseStats

    @property
    def per_28(self) -> float | None:
        return per_28(self.days, self.observed_days)


@dataclass(frozen=True, slots=True)
class ResponseCounts:
    """2-hour responses of treated attacks (or of one medicine's uses)."""

    treated: int = 0
    pain_free: int = 0
    not_pain_free: int = 0
    relief: int = 0  # pain-free included, as in the IHS "headache relief"
    no_relief: int = 0

    @property
    def known(self) -> int:
        """Treated attacks whose pain at 2 h is known (pain-free or not)."""
        return self.pain_free + self.not_pain_free

    @property
    def unknown(self) -> int:
        return self.treated - self.known

    @property
    def relief_known(self) -> int:
        return self.relief + self.no_relief

    @property
    def pain_free_share(self) -> float | None:
        return self.pain_free / self.known if self.known else None

    @property
    def relief_share(self) -> float | None:
        return self.relief / self.relief_known if self.relief_known else None

    def add(self, response: TwoHourResponse) -> ResponseCounts:
        return ResponseCounts(
            treated=self.treated + 1,
            pain_free=self.pain_free + (response.pain_free is True),
            not_pain_free=self.not_pain_free + (response.pain_free is False),
            relief=self.relief + (response.relief is True),
            no_relief=self.no_relief + (response.relief is False),
        )


@dataclass(frozen=True, slots=True)
class ResponseStats:
    overall: ResponseCounts  # per treated attack, from its first acute medicine
    by_medicine: dict[str, ResponseCounts]  # per medicine, from its own intake; most used first


@dataclass(frozen=True, slots=True)
class DoseStats:
    planned_per_day: int  # doses in the current plan
    plan_mg_per_day: float | None
    days: int  # complete days on magnesium in the period
    planned: int
    taken: int  # taken doses on those days, capped per day at the plan
    adherence: float | None  # taken / planned
    doses_taken: int  # all taken doses logged in the period
    doses_skipped: int
    dosing_days: int  # of `days`, days with a dose taken
    mean_mg_dosing_days: float | None
    mean_mg_all_days: float | None
    days_above_upper_limit: int  # any day of the period, today included


@dataclass(frozen=True, slots=True)
class SleepStats:
    nights: int
    quality_mean: float | None
    quality_trend: Trend
    awakenings_mean: float | None
    awakenings_trend: Trend
    hours_mean: float | None
    restless_legs_nights: int
    cramps_nights: int


@dataclass(frozen=True, slots=True)
class AnxietyStats:
    entries: int
    mean: float | None
    trend: Trend


class Link(StrEnum):
    LINKED = "linked"  # the CI of the ratio is above 1
    POSSIBLE = "possible"  # ratio >= 1.5, CI includes 1
    LESS = "less"  # the CI is below 1: fewer attacks after it
    NO_LINK = "no_link"


@dataclass(frozen=True, slots=True)
class Association:
    """Attack the next day after days with a factor against after days without it."""

    factor: str  # a trigger code, or "poor_sleep"
    with_days: int
    with_followed: int
    without_days: int
    without_followed: int
    risk_ratio: float
    ci_low: float
    ci_high: float
    link: Link

    @property
    def with_share(self) -> float:
        return self.with_followed / self.with_days

    @property
    def without_share(self) -> float:
        return self.without_followed / self.without_days


@dataclass(frozen=True, slots=True)
class TriggerStats:
    diary_days: int  # days of diary the associations looked at
    enough_diary: bool  # >= 90 days
    associations: tuple[Association, ...]  # enough data, strongest first
    not_enough: tuple[tuple[str, int], ...]  # (factor, days logged with it), too few to judge
    noted_with_attacks: tuple[tuple[str, int], ...]  # (trigger, attacks) in the period


@dataclass(frozen=True, slots=True)
class CycleStats:
    cycles: int  # day-1s in the period
    window_days: int  # observed days inside the menstrual windows
    window_migraine_days: int
    other_days: int
    other_migraine_days: int
    cycles_with_migraine: int  # cycles with a migraine day in their window

    @property
    def enough(self) -> bool:
        return self.cycles >= MIN_CYCLES


@dataclass(frozen=True, slots=True)
class SideEffectStats:
    entries: int
    counts: dict[str, int]  # most frequent first
    gi_recurring: bool  # GI effects twice within 7 days: suggest splitting the dose


@dataclass(frozen=True, slots=True)
class PeriodStats:
    start: date
    end: date  # exclusive
    observed_days: int
    entries: int  # entries of any kind in the period
    migraine: KindStats  # migraine days (IHS), migraine attacks
    headache: KindStats  # headache days of any kind (IHS), all attacks
    other: KindStats  # headache days that are not migraine days, other-headache attacks
    medication: MedicationStats
    response: ResponseStats
    doses: DoseStats
    sleep: SleepStats
    anxiety: AnxietyStats
    cycle: CycleStats
    side_effects: SideEffectStats

    @property
    def rates(self) -> bool:
        """Whether rates per 28 days are shown (28 observed days or more)."""
        return self.observed_days >= MIN_DAYS_FOR_RATES


class VerdictStatus(StrEnum):
    NOT_STARTED = "not_started"
    NO_BASELINE = "no_baseline"  # fewer than 28 observed days before magnesium
    NO_BASELINE_MIGRAINES = "no_baseline_migraines"
    TOO_EARLY = "too_early"  # fewer than 56 days on magnesium
    RESPONDER = "responder"
    PARTIAL = "partial"
    NO_RESPONSE = "no_response"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: VerdictStatus
    magnesium_start: date | None = None
    baseline_days: int = 0
    on_days: int = 0
    baseline_migraine_days: int = 0
    on_migraine_days: int = 0
    reduction: float | None = None  # 1 - on/baseline rate; negative when worse
    rate_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    dispersion: float = 1.0  # quasi-Poisson scale applied to the interval
    judge_from: date | None = None  # when 8 weeks on magnesium are reached

    @property
    def baseline_per_28(self) -> float | None:
        return per_28(self.baseline_migraine_days, self.baseline_days)

    @property
    def on_per_28(self) -> float | None:
        return per_28(self.on_migraine_days, self.on_days)

    @property
    def baseline_days_missing(self) -> int:
        """Days of diary before magnesium still missing for a baseline."""
        return max(0, MIN_BASELINE_DAYS - self.baseline_days)

    @property
    def on_days_missing(self) -> int:
        """Days on magnesium still missing before it can be judged."""
        return max(0, MIN_DAYS_ON_MAGNESIUM - self.on_days)

    @property
    def compared(self) -> bool:
        """Whether a before/after comparison (a rate ratio) is given."""
        return self.rate_ratio is not None


@dataclass(frozen=True, slots=True)
class Summary:
    tz: str
    now: datetime
    today: date
    first_day: date | None  # first observed day; None when nothing is logged
    magnesium_start: date | None
    has_data: bool
    period: PeriodStats
    before: PeriodStats | None  # observed days before magnesium
    on: PeriodStats | None  # from the magnesium start to today
    verdict: Verdict
    triggers: TriggerStats
    midas: tuple[Midas, ...]  # taken up to today, newest first
    goals: tuple[str, ...]

    @property
    def shows_anxiety(self) -> bool:
        return GOAL_ANXIETY in self.goals


@dataclass(frozen=True, slots=True)
class AttackRow:
    """One attack as the report's table shows it."""

    attack_id: int
    kind: str
    started_at: datetime  # local
    ended_at: datetime | None  # local
    duration_h: float | None
    peak: int | None
    symptoms: tuple[str, ...]
    triggers: tuple[str, ...]
    medicines: tuple[str, ...]  # every medicine linked or attributed, in order
    response: TwoHourResponse | None  # None: untreated


@dataclass(frozen=True, slots=True)
class DailySeries:
    """Day-by-day values for the chart and the calendar, one entry per day of [start, end)."""

    days: list[date]
    migraine: list[bool]  # IHS migraine day
    headache: list[bool]  # IHS headache day of any kind (migraine days included)
    peak: list[int | None]  # worst pain reported on the day
    acute: list[bool]  # an acute medicine taken
    period: list[bool]  # a menstrual day
    mg: list[float]  # elemental mg taken
    taken: list[int]
    skipped: list[int]
    sleep_quality: list[float | None]
    anxiety: list[float | None]  # the day's mean level
    plan_mg_per_day: float | None
    magnesium_start: date | None


# ---------------------------------------------------------------- preparation


@dataclass(slots=True)
class _AttackInfo:
    attack: Attack
    start_day: date
    last_day: date  # last local day touched
    end: datetime | None  # when it ended; None while open
    peak: int | None
    counts_as_day: bool  # not known to be shorter than 30 minutes
    meds: list[MedicationTaken] = field(default_factory=list)  # all, by time
    acute: list[MedicationTaken] = field(default_factory=list)  # acute only


@dataclass(slots=True)
class _DoseDay:
    taken: int = 0
    skipped: int = 0
    mg: float = 0.0


def _days_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += _DAY


class _Prepared:
    """The diary indexed by local day, built once per computation."""

    def __init__(self, diary: Diary, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        tz = ZoneInfo(diary.tz)
        self.diary = diary
        self.tz = tz
        self.now = now
        self.now_local = now.astimezone(tz)
        self.today = self.now_local.date()

        plan = list(diary.dose_plan)
        self.plan_n = len(plan)
        amounts = [p.amount_mg for p in plan if p.amount_mg is not None]
        self.plan_mg_per_day: float | None = sum(amounts) if amounts else None
        self.plan_mean_mg: float | None = sum(amounts) / len(amounts) if amounts else None
        self.plan_last_time: time | None = max((p.local_time for p in plan), default=None)
        changes = sorted(diary.plan_changes, key=lambda c: c.effective_on)
        self._change_days = [c.effective_on for c in changes]
        self._change_counts = [c.doses_per_day for c in changes]

        def day_of(at: datetime) -> date:
            return at.astimezone(tz).date()

        self.day_of = day_of
        firsts: list[date] = [day_of(diary.created_at)]

        # Attacks, with their medicines.
        infos: list[_AttackInfo] = []
        by_id: dict[int, _AttackInfo] = {}
        for attack in sorted(diary.attacks, key=lambda a: a.started_at):
            end = _end_of(attack)
            touch_end = end
            if touch_end is None:
                touch_end = max((u.at for u in attack.updates), default=attack.started_at)
            start_day = day_of(attack.started_at)
            if touch_end > attack.started_at:
                # an attack that ends exactly at midnight does not touch the next day
                last_day = day_of(touch_end - timedelta(microseconds=1))
            else:
                last_day = start_day
            last_day = max(last_day, start_day)
            intensities = [u.intensity for u in attack.updates if u.intensity is not None]
            for value in (attack.peak_intensity, attack.start_intensity):
                if value is not None:
                    intensities.append(value)
            info = _AttackInfo(
                attack=attack,
                start_day=start_day,
                last_day=last_day,
                end=end,
                peak=max(intensities) if intensities else None,
                counts_as_day=end is None or end - attack.started_at >= MIN_ATTACK,
            )
            infos.append(info)
            by_id[attack.id] = info
        self.attacks = infos
        if infos:
            firsts.append(infos[0].start_day)
        starts = [i.attack.started_at for i in infos]

        # Medicines: days per class, and attribution to attacks.
        self.med_days: dict[MedClass, set[date]] = {}
        self.medication_days: list[date] = []  # one per medicine taken
        for med in sorted(diary.medications, key=lambda m: m.taken_at):
            cls = _class_of(med)
            day = day_of(med.taken_at)
            self.medication_days.append(day)
            firsts.append(day)
            self.med_days.setdefault(cls, set()).add(day)
            owner = by_id.get(med.attack_id) if med.attack_id is not None else None
            if owner is None and med.attack_id is None and cls in ACUTE_CLASSES:
                owner = _ongoing_attack(infos, starts, med.taken_at)
            if owner is not None:
                owner.meds.append(med)
                if cls in ACUTE_CLASSES:
                    owner.acute.append(med)
        self.acute_days: set[date] = set()
        for cls, days in self.med_days.items():
            if cls in ACUTE_CLASSES:
                self.acute_days |= days

        # Migraine and headache days (IHS 2020).
        self.migraine_days: set[date] = set()
        self.headache_days: set[date] = set()
        self.attack_start_days: set[date] = set()
        self.peak_by_day: dict[date, int] = {}
        for info in infos:
            self.attack_start_days.add(info.start_day)
            touched = list(_days_between(info.start_day, info.last_day))
            if info.counts_as_day:
                self.headache_days.update(touched)
                if info.attack.kind == MIGRAINE:
                    self.migraine_days.update(touched)
            for med in info.acute:
                self.headache_days.add(day_of(med.taken_at))
            if info.peak is not None:
                for day in touched:
                    self.peak_by_day[day] = max(self.peak_by_day.get(day, 0), info.peak)
        for cls in MIGRAINE_SPECIFIC_CLASSES:
            self.migraine_days |= self.med_days.get(cls, set())
        self.headache_days |= self.migraine_days

        # Doses by day, and the magnesium start.
        self.dose_days: dict[date, _DoseDay] = {}
        first_taken: date | None = None
        for dose in diary.doses:
            day = day_of(dose.taken_at)
            entry = self.dose_days.get(day)
            if entry is None:
                entry = self.dose_days[day] = _DoseDay()
            if dose.status == TAKEN:
                entry.taken += 1
                mg = dose.amount_mg if dose.amount_mg is not None else self.plan_mean_mg
                if mg is not None:
                    entry.mg += mg
                if first_taken is None or day < first_taken:
                    first_taken = day
            elif dose.status == SKIPPED:
                entry.skipped += 1
        if self.dose_days:
            firsts.append(min(self.dose_days))
        self.magnesium_start = (
            diary.magnesium_start if diary.magnesium_start is not None else first_taken
        )

        self.sleep = sorted(diary.sleep, key=lambda s: s.night)
        if self.sleep:
            firsts.append(self.sleep[0].night)
        self.anxiety = sorted(
            ((day_of(a.at), a.at, a.level) for a in diary.anxiety), key=lambda x: x[1]
        )
        if self.anxiety:
            firsts.append(self.anxiety[0][0])
        self.side_effects = sorted(
            ((day_of(s.at), s.at, tuple(s.effects)) for s in diary.side_effects),
            key=lambda x: x[1],
        )
        if self.side_effects:
            firsts.append(self.side_effects[0][0])

        self.period_days: set[date] = {p.day for p in diary.periods}
        self.cycle_starts = _cycle_starts(diary)
        self.factor_days: dict[str, set[date]] = {}
        for factor in diary.factors:
            self.factor_days.setdefault(factor.code, set()).add(factor.day)
        firsts.extend(self.period_days)
        firsts.extend(f.day for f in diary.factors)

        self.first_day = min(min(firsts), self.today)
        self.has_data = not diary.is_empty()

    # -- helpers over local days

    def observed(self, start: date, end: date) -> tuple[date, date]:
        """The observed part of [start, end): clipped to [first day, today]."""
        lo = max(start, self.first_day)
        hi = min(end, self.today + _DAY)
        return lo, max(lo, hi)

    def planned_on(self, day: date) -> int:
        """Doses planned on a local day: the plan in force then, else the current one."""
        if not self._change_days:
            return self.plan_n
        i = bisect_right(self._change_days, day) - 1
        return self._change_counts[max(i, 0)]

    def complete_dose_day_end(self) -> date:
        """The first day whose doses are not all due yet (today, or tomorrow)."""
        if self.plan_last_time is not None and self.now_local.time() >= self.plan_last_time:
            return self.today + _DAY
        return self.today


def _cycle_starts(diary: Diary) -> list[date]:
    """Day 1 of each period: a logged start, or the first day of a run of period days."""
    days = sorted({p.day for p in diary.periods})
    started = {p.day for p in diary.periods if p.started}
    starts: list[date] = []
    previous: date | None = None
    for day in days:
        if day in started or previous is None or day - previous > _DAY:
            starts.append(day)
        previous = day
    return starts


def _end_of(attack: Attack) -> datetime | None:
    if attack.ended_at is not None:
        return max(attack.ended_at, attack.started_at)
    gone = [u.at for u in attack.updates if u.gone]
    return max(min(gone), attack.started_at) if gone else None


def _class_of(med: MedicationTaken) -> MedClass:
    return stored_or_named_class(med.med_class, med.name)


def _ongoing_attack(
    infos: list[_AttackInfo], starts: list[datetime], at: datetime
) -> _AttackInfo | None:
    """The latest-started attack going on at `at`, for an unlinked acute medicine."""
    index = bisect.bisect_right(starts, at) - 1
    while index >= 0:
        info = infos[index]
        until = info.end
        if until is None:
            last_update = max((u.at for u in info.attack.updates), default=info.attack.started_at)
            until = max(last_update, info.attack.started_at + OPEN_ATTACK_CLAIMS)
        if info.attack.started_at <= at <= until:
            return info
        if at - info.attack.started_at > timedelta(days=7):
            return None
        index -= 1
    return None


def _in(day: date, start: date, end: date) -> bool:
    return start <= day < end


def _count_days(days: Iterable[date], start: date, end: date) -> int:
    return sum(1 for d in days if start <= d < end)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------- figures


def _kind_stats(
    prep: _Prepared, days: set[date], attacks: list[_AttackInfo], lo: date, hi: date
) -> KindStats:
    peaks = [float(i.peak) for i in attacks if i.peak is not None]
    durations = [
        (i.end - i.attack.started_at).total_seconds() / 3600 for i in attacks if i.end is not None
    ]
    return KindStats(
        days=_count_days(days, lo, hi),
        observed_days=(hi - lo).days,
        attacks=len(attacks),
        mean_peak=_mean(peaks),
        mean_duration_h=_mean(durations),
        ended=len(durations),
    )


def _medication_stats(prep: _Prepared, start: date, end: date) -> MedicationStats:
    lo, hi = prep.observed(start, end)
    by_class = {
        cls: n
        for cls, days in prep.med_days.items()
        if cls in ACUTE_CLASSES and (n := _count_days(days, lo, hi))
    }
    by_class = dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0].value)))
    window_end = min(end, prep.today + _DAY)
    return MedicationStats(
        days=_count_days(prep.acute_days, lo, hi),
        observed_days=(hi - lo).days,
        days_by_class=by_class,
        overuse=ou.windows(prep.med_days, window_end, prep.first_day),
    )


def _response_stats(prep: _Prepared, start: date, end: date) -> ResponseStats:
    overall = ResponseCounts()
    by_medicine: dict[str, ResponseCounts] = {}
    for info in prep.attacks:
        if not _in(info.start_day, start, end) or not info.acute:
            continue
        overall = overall.add(two_hour_response(info.attack, info.end, info.acute[0].taken_at))
        first_intake: dict[str, datetime] = {}
        for med in info.acute:
            first_intake.setdefault(canonical_name(med.name), med.taken_at)
        for name, taken_at in first_intake.items():
            response = two_hour_response(info.attack, info.end, taken_at)
            by_medicine[name] = by_medicine.get(name, ResponseCounts()).add(response)
    ordered = dict(sorted(by_medicine.items(), key=lambda kv: (-kv[1].treated, kv[0])))
    return ResponseStats(overall=overall, by_medicine=ordered)


def _dose_stats(prep: _Prepared, start: date, end: date) -> DoseStats:
    lo, hi = prep.observed(start, end)
    doses_taken = doses_skipped = above = 0
    for day, entry in prep.dose_days.items():
        if lo <= day < hi:
            doses_taken += entry.taken
            doses_skipped += entry.skipped
            if entry.mg > UPPER_LIMIT_MG_PER_DAY:
                above += 1

    days = taken = dosing_days = planned = 0
    mg_total = 0.0
    if prep.magnesium_start is not None:
        day = max(lo, prep.magnesium_start)
        stop = min(hi, prep.complete_dose_day_end())
        if day < stop:
            days = (stop - day).days
            planned = sum(prep.planned_on(day + timedelta(days=i)) for i in range(days))
            for d, entry in prep.dose_days.items():
                if day <= d < stop and entry.taken:
                    dosing_days += 1
                    mg_total += entry.mg
                    # doses beyond the day's plan (or on a day with none) are not adherence
                    taken += min(entry.taken, prep.planned_on(d))
    return DoseStats(
        planned_per_day=prep.plan_n,
        plan_mg_per_day=prep.plan_mg_per_day,
        days=days,
        planned=planned,
        taken=taken if planned else 0,
        adherence=taken / planned if planned else None,
        doses_taken=doses_taken,
        doses_skipped=doses_skipped,
        dosing_days=dosing_days,
        mean_mg_dosing_days=mg_total / dosing_days if dosing_days else None,
        mean_mg_all_days=mg_total / days if days else None,
        days_above_upper_limit=above,
    )


def trend(
    points: Sequence[tuple[float, float]], *, min_change: float, higher_is_better: bool
) -> Trend:
    """A least-squares trend of (day, value) points; see the module docstring."""
    n = len(points)
    if n < TREND_MIN_VALUES:
        return Trend()
    xs = [p[0] for p in points]
    span = max(xs) - min(xs)
    if span < TREND_MIN_SPAN_DAYS:
        return Trend()
    mx = sum(xs) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in points)
    slope = sxy / sxx
    residual = sum((y - my - slope * (x - mx)) ** 2 for x, y in points)
    se = math.sqrt(residual / (n - 2) / sxx)
    change = slope * span
    significant = se == 0 or abs(slope) / se >= TREND_MIN_T
    if abs(change) >= min_change and significant and slope != 0:
        better = (slope > 0) == higher_is_better
        direction = Direction.IMPROVING if better else Direction.WORSE
    else:
        direction = Direction.STABLE
    return Trend(direction=direction, slope_per_week=slope * 7, change=change)


def _sleep_stats(prep: _Prepared, start: date, end: date) -> SleepStats:
    nights = [s for s in prep.sleep if start <= s.night < end]
    quality = [
        (float(s.night.toordinal()), float(s.quality)) for s in nights if s.quality is not None
    ]
    wakes = [
        (float(s.night.toordinal()), float(s.awakenings))
        for s in nights
        if s.awakenings is not None
    ]
    hours = [s.hours for s in nights if s.hours is not None]
    return SleepStats(
        nights=len(nights),
        quality_mean=_mean([q for _, q in quality]),
        quality_trend=trend(quality, min_change=0.5, higher_is_better=True),
        awakenings_mean=_mean([w for _, w in wakes]),
        awakenings_trend=trend(wakes, min_change=0.5, higher_is_better=False),
        hours_mean=_mean(hours),
        restless_legs_nights=sum(1 for s in nights if s.restless_legs),
        cramps_nights=sum(1 for s in nights if s.cramps),
    )


def _anxiety_stats(prep: _Prepared, start: date, end: date) -> AnxietyStats:
    entries = [(at, level) for day, at, level in prep.anxiety if start <= day < end]
    points = [(at.timestamp() / 86400, float(level)) for at, level in entries]
    return AnxietyStats(
        entries=len(entries),
        mean=_mean([p[1] for p in points]),
        trend=trend(points, min_change=1.0, higher_is_better=False),
    )


def risk_ratio_ci(a: float, n1: float, c: float, n2: float) -> tuple[float, float, float] | None:
    """Risk ratio (a/n1)/(c/n2) with a 95% log-normal CI; 0.5 added to each cell at a zero."""
    if n1 <= 0 or n2 <= 0:
        return None
    if a == 0 or c == 0:
        a, c, n1, n2 = a + 0.5, c + 0.5, n1 + 1, n2 + 1
    ratio = (a / n1) / (c / n2)
    se = math.sqrt(max(1 / a - 1 / n1 + 1 / c - 1 / n2, 0.0))
    return ratio, ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)


def _link(ratio: float, low: float, high: float) -> Link:
    if low > 1:
        return Link.LINKED
    if high < 1:
        return Link.LESS
    return Link.POSSIBLE if ratio >= 1.5 else Link.NO_LINK


def _association(
    factor: str, with_days: Iterable[date], without_days: Iterable[date], attack_days: set[date]
) -> Association | None:
    exposed = list(with_days)
    unexposed = list(without_days)
    if len(exposed) < MIN_TRIGGER_DAYS_PER_GROUP or len(unexposed) < MIN_TRIGGER_DAYS_PER_GROUP:
        return None
    a = sum(1 for d in exposed if d + _DAY in attack_days)
    c = sum(1 for d in unexposed if d + _DAY in attack_days)
    rr = risk_ratio_ci(a, len(exposed), c, len(unexposed))
    if rr is None:
        return None
    ratio, low, high = rr
    if c:
        # the shares as they are; the 0.5 added at a zero is for the interval only,
        # so a factor never followed by an attack ranks last, not above 1
        ratio = (a / len(exposed)) / (c / len(unexposed))
    link = _link(ratio, low, high) if a else Link.LESS if high < 1 else Link.NO_LINK
    return Association(factor, len(exposed), a, len(unexposed), c, ratio, low, high, link)


def _trigger_stats(prep: _Prepared, start: date, end: date) -> TriggerStats:
    """Associations over the whole diary; the triggers noted on attacks in [start, end)."""
    noted = Counter(
        t for i in prep.attacks if _in(i.start_day, start, end) for t in set(i.attack.triggers)
    )
    noted_with_attacks = tuple(sorted(noted.items(), key=lambda tn: (-tn[1], tn[0])))
    # exposure days whose next day is observed: [first day, today - 1]
    lo, hi = prep.first_day, prep.today
    diary_days = max(0, (hi - lo).days + 1)
    enough_diary = diary_days >= MIN_TRIGGER_DIARY_DAYS
    candidates: dict[str, tuple[list[date], list[date]]] = {}

    nights_poor: list[date] = []
    nights_other: list[date] = []
    for night in prep.sleep:
        if not lo <= night.night < hi or (night.quality is None and night.hours is None):
            continue
        poor = (night.quality is not None and night.quality <= POOR_SLEEP_QUALITY) or (
            night.hours is not None and night.hours < POOR_SLEEP_HOURS
        )
        (nights_poor if poor else nights_other).append(night.night)
    if nights_poor:
        candidates[POOR_SLEEP] = (nights_poor, nights_other)

    every_day = [lo + timedelta(days=i) for i in range((hi - lo).days)]
    factor_days = {code: set(days) for code, days in prep.factor_days.items()}
    if prep.period_days:
        factor_days.setdefault(MENSTRUATION, set()).update(prep.period_days)
    # days logged with each factor, today's too: what "logged, not enough yet" counts
    logged: dict[str, int] = {}
    for code, days in factor_days.items():
        logged[code] = sum(1 for d in days if lo <= d <= hi)
        exposed = [d for d in every_day if d in days]
        if exposed:
            candidates[code] = (exposed, [d for d in every_day if d not in days])

    associations: list[Association] = []
    # a factor logged only today cannot be compared yet (tomorrow is not known), but is said
    not_enough = [(code, n) for code, n in logged.items() if n and code not in candidates]
    for code, (exposed, unexposed) in sorted(candidates.items()):
        found = (
            _association(code, exposed, unexposed, prep.attack_start_days) if enough_diary else None
        )
        if found is None:
            not_enough.append((code, logged.get(code, len(exposed))))
        else:
            associations.append(found)
    associations.sort(key=lambda x: (-x.risk_ratio, -x.with_days, x.factor))
    not_enough.sort(key=lambda x: (-x[1], x[0]))
    return TriggerStats(
        diary_days=diary_days,
        enough_diary=enough_diary,
        associations=tuple(associations),
        not_enough=tuple(not_enough),
        noted_with_attacks=noted_with_attacks,
    )


def _cycle_stats(prep: _Prepared, start: date, end: date) -> CycleStats:
    lo, hi = prep.observed(start, end)
    starts = [d for d in prep.cycle_starts if lo <= d < hi]
    window: set[date] = set()
    with_migraine = 0
    for day1 in starts:
        days = {
            day1 + timedelta(days=k)
            for k in range(-MENSTRUAL_BEFORE, MENSTRUAL_AFTER + 1)
            if lo <= day1 + timedelta(days=k) < hi
        }
        window |= days
        with_migraine += any(d in prep.migraine_days for d in days)
    observed = (hi - lo).days
    in_window = len(window)
    window_migraine = sum(1 for d in window if d in prep.migraine_days)
    all_migraine = _count_days(prep.migraine_days, lo, hi)
    return CycleStats(
        cycles=len(starts),
        window_days=in_window,
        window_migraine_days=window_migraine,
        other_days=observed - in_window,
        other_migraine_days=all_migraine - window_migraine,
        cycles_with_migraine=with_migraine,
    )


def _side_effect_stats(prep: _Prepared, start: date, end: date) -> SideEffectStats:
    entries = [(at, effects) for day, at, effects in prep.side_effects if start <= day < end]
    counts = Counter(code for _, effects in entries for code in set(effects))
    gi_times = [at for at, effects in entries if GI_EFFECTS.intersection(effects)]
    recurring = any(b - a <= GI_RECURRENCE_WINDOW for a, b in pairwise(gi_times))
    return SideEffectStats(
        entries=len(entries),
        counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        gi_recurring=recurring,
    )


def _entries_in(prep: _Prepared, start: date, end: date) -> int:
    n = sum(1 for i in prep.attacks if _in(i.start_day, start, end))
    n += sum(e.taken + e.skipped for d, e in prep.dose_days.items() if _in(d, start, end))
    n += sum(1 for s in prep.sleep if _in(s.night, start, end))
    n += sum(1 for d, _, _ in prep.anxiety if _in(d, start, end))
    n += sum(1 for d, _, _ in prep.side_effects if _in(d, start, end))
    n += sum(1 for d in prep.medication_days if _in(d, start, end))
    n += sum(1 for d in prep.period_days if _in(d, start, end))
    n += sum(1 for f in prep.diary.factors if _in(f.day, start, end))
    return n


def _period_stats(prep: _Prepared, start: date, end: date) -> PeriodStats:
    lo, hi = prep.observed(start, end)
    started = [i for i in prep.attacks if _in(i.start_day, start, end)]
    migraines = [i for i in started if i.attack.kind == MIGRAINE]
    others = [i for i in started if i.attack.kind != MIGRAINE]
    return PeriodStats(
        start=start,
        end=end,
        observed_days=(hi - lo).days,
        entries=_entries_in(prep, start, end),
        migraine=_kind_stats(prep, prep.migraine_days, migraines, lo, hi),
        headache=_kind_stats(prep, prep.headache_days, started, lo, hi),
        other=_kind_stats(prep, prep.headache_days - prep.migraine_days, others, lo, hi),
        medication=_medication_stats(prep, start, end),
        response=_response_stats(prep, start, end),
        doses=_dose_stats(prep, start, end),
        sleep=_sleep_stats(prep, start, end),
        anxiety=_anxiety_stats(prep, start, end),
        cycle=_cycle_stats(prep, start, end),
        side_effects=_side_effect_stats(prep, start, end),
    )


def dispersion(phases: Sequence[Sequence[tuple[int, int]]]) -> float:
    """The quasi-Poisson dispersion of block counts, at least 1.

    `phases` holds, per phase (baseline, on magnesium), its blocks as
    (count, days). Each phase has its own rate; the expected count of a
    block is that rate times its days. Dispersion = Pearson chi-square /
    (blocks - number of phases); 1 when there are too few blocks.
    """
    chi2 = 0.0
    blocks = 0
    for phase in phases:
        total = sum(c for c, _ in phase)
        days = sum(n for _, n in phase)
        blocks += len(phase)
        if total == 0 or days == 0:
            continue
        rate = total / days
        for count, n in phase:
            expected = rate * n
            if expected > 0:
                chi2 += (count - expected) ** 2 / expected
    df = blocks - len(phases)
    if df < 1:
        return 1.0
    return max(1.0, chi2 / df)


def rate_ratio_ci(
    count_on: int, days_on: int, count_base: int, days_base: int, scale: float = 1.0
) -> tuple[float, float, float]:
    """Rate ratio (on / baseline) with a 95% CI, log-normal, its variance times `scale`.

    `scale` is the quasi-Poisson dispersion (1: Poisson). With a zero count,
    0.5 is added to both counts (continuity correction).
    """
    if days_on <= 0 or days_base <= 0:
        raise ValueError("both periods need observed days")
    x1, x0 = float(count_on), float(count_base)
    if x1 == 0 or x0 == 0:
        x1, x0 = x1 + 0.5, x0 + 0.5
    ratio = (x1 / days_on) / (x0 / days_base)
    se = math.sqrt(max(scale, 1.0) * (1 / x1 + 1 / x0))
    return ratio, ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)


def _weekly_blocks(days: set[date], lo: date, hi: date) -> list[tuple[int, int]]:
    ordered = sorted(d for d in days if lo <= d < hi)
    blocks = []
    first = lo
    while first < hi:
        stop = min(hi, first + timedelta(days=DISPERSION_BLOCK_DAYS))
        count = bisect.bisect_left(ordered, stop) - bisect.bisect_left(ordered, first)
        blocks.append((count, (stop - first).days))
        first = stop
    return blocks


def _verdict(prep: _Prepared, before: PeriodStats | None, on: PeriodStats | None) -> Verdict:
    start = prep.magnesium_start
    if start is None or start > prep.today or on is None:
        end = prep.today + _DAY
        observed = (prep.today - prep.first_day).days + 1 if prep.has_data else 0
        return Verdict(
            VerdictStatus.NOT_STARTED,
            magnesium_start=start,
            baseline_days=observed,
            baseline_migraine_days=_count_days(prep.migraine_days, prep.first_day, end),
        )
    base_days = before.observed_days if before else 0
    base_count = before.migraine.days if before else 0
    base = Verdict(
        VerdictStatus.NO_BASELINE,
        magnesium_start=start,
        baseline_days=base_days,
        on_days=on.observed_days,
        baseline_migraine_days=base_count,
        on_migraine_days=on.migraine.days,
        judge_from=start + timedelta(days=MIN_DAYS_ON_MAGNESIUM),
    )
    if base_days < MIN_BASELINE_DAYS:
        return base
    if base_count == 0:
        return replace(base, status=VerdictStatus.NO_BASELINE_MIGRAINES)
    if on.observed_days == 0:
        return replace(base, status=VerdictStatus.TOO_EARLY)
    phi = dispersion(
        [
            _weekly_blocks(prep.migraine_days, *prep.observed(prep.first_day, start)),
            _weekly_blocks(prep.migraine_days, *prep.observed(start, prep.today + _DAY)),
        ]
    )
    ratio, low, high = rate_ratio_ci(on.migraine.days, on.observed_days, base_count, base_days, phi)
    reduction = 1 - (on.migraine.days / on.observed_days) / (base_count / base_days)
    if on.observed_days < MIN_DAYS_ON_MAGNESIUM:
        status = VerdictStatus.TOO_EARLY
    elif reduction >= RESPONDER_REDUCTION:
        status = VerdictStatus.RESPONDER
    elif reduction >= PARTIAL_REDUCTION:
        status = VerdictStatus.PARTIAL
    else:
        status = VerdictStatus.NO_RESPONSE
    return replace(
        base,
        status=status,
        reduction=reduction,
        rate_ratio=ratio,
        ci_low=low,
        ci_high=high,
        dispersion=phi,
    )


# ---------------------------------------------------------------- public API


def period_bounds(diary: Diary, period: str, now: datetime) -> tuple[date, date]:
    """[start, end) local dates for "7d", "30d", "90d", "365d" (any "<n>d") or "all".

    The period ends with today; "all" starts with the first observed day.
    """
    prep_today = now.astimezone(ZoneInfo(diary.tz)).date()
    end = prep_today + _DAY
    if period == "all":
        return first_day(diary, now), end
    match = _PERIOD_RE.match(period.strip().lower())
    if not match or not 1 <= int(match.group(1)) <= 3660:
        raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
    return end - timedelta(days=int(match.group(1))), end


def first_day(diary: Diary, now: datetime) -> date:
    """The first observed day: the earlier of the account's creation and the first entry."""
    return _Prepared(diary, now).first_day


def summarize(diary: Diary, start: date, end: date, now: datetime) -> Summary:
    """All figures for [start, end), plus before/on magnesium, the verdict and triggers."""
    prep = _Prepared(diary, now)
    return _summarize(prep, start, end)


def _summarize(prep: _Prepared, start: date, end: date) -> Summary:
    period = _period_stats(prep, start, end)
    before = on = None
    mg_start = prep.magnesium_start
    if mg_start is not None and mg_start <= prep.today:
        if mg_start > prep.first_day:
            before = _period_stats(prep, prep.first_day, mg_start)
        on = _period_stats(prep, mg_start, prep.today + _DAY)
    taken = sorted(
        (m for m in prep.diary.midas if m.taken_on <= prep.today),
        key=lambda m: m.taken_on,
        reverse=True,
    )
    return Summary(
        tz=prep.diary.tz,
        now=prep.now,
        today=prep.today,
        first_day=prep.first_day if prep.has_data else None,
        magnesium_start=mg_start,
        has_data=prep.has_data,
        period=period,
        before=before,
        on=on,
        verdict=_verdict(prep, before, on),
        triggers=_trigger_stats(prep, start, end),
        midas=tuple(taken),
        goals=tuple(prep.diary.goals),
    )


def period_stats(diary: Diary, start: date, end: date, now: datetime) -> PeriodStats:
    """The figures for [start, end) alone."""
    return _period_stats(_Prepared(diary, now), start, end)


def attack_rows(diary: Diary, start: date, end: date, now: datetime) -> list[AttackRow]:
    """Attacks that started in [start, end), oldest first, as the report lists them."""
    prep = _Prepared(diary, now)
    rows = []
    for info in prep.attacks:
        if not _in(info.start_day, start, end):
            continue
        attack = info.attack
        duration = (
            (info.end - attack.started_at).total_seconds() / 3600 if info.end is not None else None
        )
        names: list[str] = []
        for med in info.meds:
            name = canonical_name(med.name)
            if name not in names:
                names.append(name)
        rows.append(
            AttackRow(
                attack_id=attack.id,
                kind=attack.kind,
                started_at=attack.started_at.astimezone(prep.tz),
                ended_at=info.end.astimezone(prep.tz) if info.end is not None else None,
                duration_h=duration,
                peak=info.peak,
                symptoms=tuple(attack.symptoms),
                triggers=tuple(attack.triggers),
                medicines=tuple(names),
                response=(
                    two_hour_response(attack, info.end, info.acute[0].taken_at)
                    if info.acute
                    else None
                ),
            )
        )
    return rows


def dose_weeks(
    diary: Diary, start: date, end: date, now: datetime
) -> list[tuple[date, date, DoseStats]]:
    """Dose figures week by week over the observed part of [start, end), newest week last.

    Weeks end with the period's last day, so the oldest one may be short.
    """
    prep = _Prepared(diary, now)
    lo, hi = prep.observed(start, end)
    weeks = []
    stop = hi
    while stop > lo:
        first = max(lo, stop - timedelta(days=7))
        weeks.append((first, stop, _dose_stats(prep, first, stop)))
        stop = first
    return weeks[::-1]


def daily_series(diary: Diary, start: date, end: date, now: datetime) -> DailySeries:
    """Per-day values over the observed part of [start, end), for the chart and the calendar."""
    return _daily_series(_Prepared(diary, now), start, end)


def series_and_summary(
    diary: Diary, start: date, end: date, now: datetime
) -> tuple[DailySeries, Summary]:
    """`daily_series` and `summarize` of one period, from one pass over the diary."""
    prep = _Prepared(diary, now)
    return _daily_series(prep, start, end), _summarize(prep, start, end)


def _daily_series(prep: _Prepared, start: date, end: date) -> DailySeries:
    lo, hi = prep.observed(start, end)
    n = (hi - lo).days
    days = [lo + timedelta(days=i) for i in range(n)]
    quality: list[float | None] = [None] * n
    for night in prep.sleep:
        index = (night.night - lo).days
        if 0 <= index < n and night.quality is not None:
            quality[index] = float(night.quality)
    anxiety_sum = [0.0] * n
    anxiety_n = [0] * n
    for day, _, level in prep.anxiety:
        index = (day - lo).days
        if 0 <= index < n:
            anxiety_sum[index] += level
            anxiety_n[index] += 1
    mg = [0.0] * n
    taken = [0] * n
    skipped = [0] * n
    for day, entry in prep.dose_days.items():
        index = (day - lo).days
        if 0 <= index < n:
            mg[index] = entry.mg
            taken[index] = entry.taken
            skipped[index] = entry.skipped
    return DailySeries(
        days=days,
        migraine=[d in prep.migraine_days for d in days],
        headache=[d in prep.headache_days for d in days],
        peak=[prep.peak_by_day.get(d) for d in days],
        acute=[d in prep.acute_days for d in days],
        period=[d in prep.period_days for d in days],
        mg=mg,
        taken=taken,
        skipped=skipped,
        sleep_quality=quality,
        anxiety=[s / k if k else None for s, k in zip(anxiety_sum, anxiety_n, strict=True)],
        plan_mg_per_day=prep.plan_mg_per_day,
        magnesium_start=prep.magnesium_start,
    )
