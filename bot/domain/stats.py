"""The clinical figures of DESIGN §6, computed from one person's `Diary`.

Everything here is a pure function of the diary and `now`; nothing reads a
clock, a database or Telegram. Periods are whole local days: `start` and `end`
are dates in the user's zone, `end` exclusive, so "the last 7 days" ending
today is `[today - 6, today + 1)`. `period_bounds` turns "7d"/"30d"/.../"all"
into such a pair.

Definitions (also in the report to the handlers' authors):

- Observed days: the days of the period that the diary covers, i.e. the
  overlap of [start, end) with [first day, today], where the first day is the
  earlier of the account's creation and the first entry. Every "per 28 days"
  rate divides by observed days, so a person who started 20 days ago is not
  judged over 90.
- Migraine (headache) days: local days touched by a migraine (headache)
  attack. An attack touches every day from its start to its end; an open
  attack lasts until its last update (or only its start day). "Headache days"
  are days with an attack logged as a headache (not a migraine);
  `any_headache_days` counts days with either.
- Acute-medication days: days with a medicine of an acute class
  (`medicines.ACUTE_CLASSES`), per 28 observed days and per class.
- Medication overuse (ICHD-3 8.2): counted in the 30 days that end with the
  period (whatever the period's length, clipped to observed days): triptans,
  ergots, opioids and combination analgesics together on >= 10 days, simple
  analgesics and NSAIDs together on >= 15 days, or both groups used and on
  >= 10 days in all (8.2.6, several classes none overused alone). An early
  notice comes at 8 of 10 and 12 of 15. ICHD-3 also asks for more than
  3 months of this; the bot reports the last 30 days and says so.
- 2-hour response of a treated attack (one with an acute medicine): the stored
  `response_2h`, else the observation nearest to 2 h after the first acute
  medicine within 1.5-3 h: "gone" if the attack ended by 2 h, or the
  observation is the end, a "gone" update, or intensity 0; "reduced" if the
  intensity is below the one before treatment (last update before the
  medicine, else `start_intensity`, else the peak); else "none". No
  observation: unknown, left out of the shares. "Reduced" excludes "gone".
  Per medicine means per first acute medicine of the attack.
- Dose adherence: taken / planned over complete days on magnesium in the
  period (a day is complete once its last planned time has passed); planned =
  doses in the current plan per day x those days; taken per day is capped at
  the plan. Mean daily magnesium: elemental mg over those days, and over the
  days with a dose taken. A taken dose without an amount counts as the plan's
  average dose.
- Trends (sleep quality, awakenings, anxiety): least-squares slope; "improving"
  or "worse" when the fitted change over the period reaches a minimal change
  (0.5 quality points, 0.5 awakenings, 1 anxiety point) and the slope is
  twice its standard error; "stable" otherwise; none with fewer than 6 values
  or less than 14 days between the first and the last.
- Responder verdict: migraine days per 28 days on magnesium (from its start
  to today) against the baseline (observed days before it); the rate ratio
  with a 95% CI from the Poisson log-normal approximation (0.5 added to both
  counts when one is zero). Responder at >= 50% fewer, partial at >= 30%.
  Too early before 56 days on magnesium; no baseline under 28 days before.
- Triggers: only with >= 6 attacks starting in the period; triggers noted on
  >= 3 of them are listed. Poor nights (quality <= 2 or under 6 h) are
  compared with other nights by the share followed by an attack day
  (>= 3 nights in each group).
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

from bot.domain import safety
from bot.domain.diary import (
    HEADACHE,
    MIGRAINE,
    RELIEF_TO_RESPONSE,
    RESPONSE_GONE,
    RESPONSE_NONE,
    RESPONSE_REDUCED,
    SKIPPED,
    TAKEN,
    Attack,
    Diary,
    MedicationTaken,
)
from bot.domain.medicines import (
    ACUTE_CLASSES,
    OVERUSE_10_DAY_CLASSES,
    OVERUSE_15_DAY_CLASSES,
    MedClass,
    canonical_name,
    medication_class,
)
from bot.domain.safety import UPPER_LIMIT_MG

# Tolerable upper intake level for magnesium from supplements, adults
# (US NIH ODS), elemental mg per day (DESIGN §7).
UPPER_LIMIT_MG_PER_DAY = UPPER_LIMIT_MG  # the supplement upper limit (safety.py)

RATE_DAYS = 28  # rates are "per 28 days", the unit of migraine trials
MIN_BASELINE_DAYS = 28
MIN_DAYS_ON_MAGNESIUM = 56  # the effect takes weeks; judge after 8
RESPONDER_REDUCTION = 0.50
PARTIAL_REDUCTION = 0.30
Z_95 = 1.959963984540054

OVERUSE_WINDOW_DAYS = 30
OVERUSE_10_DAYS = 10
OVERUSE_10_NOTICE = 8
OVERUSE_15_DAYS = 15
OVERUSE_15_NOTICE = 12

RESPONSE_AT = timedelta(hours=2)
RESPONSE_WINDOW = (timedelta(hours=1.5), timedelta(hours=3))
# An open attack without updates still claims the acute medicines taken this
# long after its start (for attributing unlinked medicines only).
OPEN_ATTACK_CLAIMS = timedelta(hours=12)

TREND_MIN_VALUES = 6
TREND_MIN_SPAN_DAYS = 14
TREND_MIN_T = 2.0

MIN_ATTACKS_FOR_TRIGGERS = 6
MIN_TRIGGER_REPORTS = 3
MIN_NIGHTS_PER_GROUP = 3
POOR_SLEEP_QUALITY = 2
POOR_SLEEP_HOURS = 6.0

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


@dataclass(frozen=True, slots=True)
class KindStats:
    """Figures for one kind of attack (migraine or other headache) in a period."""

    days: int  # local days touched
    per_28: float | None  # None with no observed days
    attacks: int  # attacks that started in the period
    mean_peak: float | None
    mean_duration_h: float | None  # ended attacks only
    ended: int


@dataclass(frozen=True, slots=True)
class OveruseFlag:
    """A medication-overuse warning or early notice (ICHD-3 8.2)."""

    group: str  # "10-day", "15-day" or "mixed"
    level: str  # "warning" (threshold reached) or "notice" (close to it)
    days: int
    threshold: int
    classes: tuple[MedClass, ...]
    window_start: date
    window_end: date  # exclusive

    @property
    def window_days(self) -> int:
        return (self.window_end - self.window_start).days


@dataclass(frozen=True, slots=True)
class MedicationStats:
    days: int  # days with any acute medicine
    per_28: float | None
    days_by_class: dict[MedClass, int]  # acute classes only, most days first
    overuse: tuple[OveruseFlag, ...]
    overuse_window_days: int  # observed days the overuse count looked at


@dataclass(frozen=True, slots=True)
class ResponseCounts:
    treated: int = 0  # attacks with an acute medicine
    gone: int = 0
    reduced: int = 0  # reduced but not gone
    none: int = 0

    @property
    def known(self) -> int:
        return self.gone + self.reduced + self.none

    @property
    def gone_share(self) -> float | None:
        return self.gone / self.known if self.known else None

    @property
    def reduced_share(self) -> float | None:
        return self.reduced / self.known if self.known else None

    def add(self, response: str | None) -> ResponseCounts:
        return ResponseCounts(
            treated=self.treated + 1,
            gone=self.gone + (response == RESPONSE_GONE),
            reduced=self.reduced + (response == RESPONSE_REDUCED),
            none=self.none + (response == RESPONSE_NONE),
        )


@dataclass(frozen=True, slots=True)
class ResponseStats:
    overall: ResponseCounts
    by_medicine: dict[str, ResponseCounts]  # first acute medicine, most attacks first


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


@dataclass(frozen=True, slots=True)
class SleepLink:
    """Attack days after poor nights against after other nights."""

    poor_nights: int
    poor_followed: int  # followed by a day on which an attack started
    other_nights: int
    other_followed: int
    risk_ratio: float
    ci_low: float
    ci_high: float
    verdict: str  # "linked" (CI above 1), "possible" (ratio >= 1.5), "no_link"


@dataclass(frozen=True, slots=True)
class TriggerStats:
    attacks: int
    enough_data: bool
    reported: tuple[tuple[str, int], ...]  # (trigger, attacks), noted >= 3 times
    sleep_link: SleepLink | None  # None when there are too few nights


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
    migraine: KindStats
    headache: KindStats
    any_headache_days: int
    any_headache_per_28: float | None
    medication: MedicationStats
    response: ResponseStats
    doses: DoseStats
    sleep: SleepStats
    anxiety: AnxietyStats
    triggers: TriggerStats
    side_effects: SideEffectStats


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
    baseline_per_28: float | None = None
    on_per_28: float | None = None
    reduction: float | None = None  # 1 - on/baseline rate; negative when worse
    rate_ratio: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    judge_from: date | None = None  # when 8 weeks on magnesium are reached


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
    response_2h: str | None  # None: untreated or unknown


@dataclass(frozen=True, slots=True)
class DailySeries:
    """Day-by-day values for the chart, one entry per day of [start, end)."""

    days: list[date]
    migraine: list[bool]
    headache: list[bool]
    mg: list[float]  # elemental mg taken
    taken: list[int]
    skipped: list[int]
    sleep_quality: list[float | None]
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
    meds: list[MedicationTaken] = field(default_factory=list)  # all, by time
    acute: list[MedicationTaken] = field(default_factory=list)  # acute only


@dataclass(slots=True)
class _DoseDay:
    taken: int = 0
    skipped: int = 0
    mg: float = 0.0


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
            )
            infos.append(info)
            by_id[attack.id] = info
        self.attacks = infos
        if infos:
            firsts.append(infos[0].start_day)
        starts = [i.attack.started_at for i in infos]

        self.migraine_days: set[date] = set()
        self.headache_days: set[date] = set()
        self.attack_start_days: set[date] = set()
        for info in infos:
            target = self.migraine_days if info.attack.kind == MIGRAINE else self.headache_days
            day = info.start_day
            while day <= info.last_day:
                target.add(day)
                day += _DAY
            self.attack_start_days.add(info.start_day)

        # Medicines: days per class, and attribution to attacks.
        self.med_days: dict[MedClass, set[date]] = {}
        for med in sorted(diary.medications, key=lambda m: m.taken_at):
            cls = _class_of(med)
            day = day_of(med.taken_at)
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


def _end_of(attack: Attack) -> datetime | None:
    if attack.ended_at is not None:
        return max(attack.ended_at, attack.started_at)
    gone = [u.at for u in attack.updates if u.gone]
    return max(min(gone), attack.started_at) if gone else None


def _class_of(med: MedicationTaken) -> MedClass:
    if med.med_class:
        try:
            return MedClass(med.med_class)
        except ValueError:
            pass
    return medication_class(med.name)


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


def _per_28(count: int, observed_days: int) -> float | None:
    return count * RATE_DAYS / observed_days if observed_days > 0 else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------- figures


def _kind_stats(
    prep: _Prepared, kind: str, days: set[date], start: date, end: date, observed: int
) -> KindStats:
    lo, hi = prep.observed(start, end)
    attacks = [i for i in prep.attacks if i.attack.kind == kind and _in(i.start_day, start, end)]
    peaks = [float(i.peak) for i in attacks if i.peak is not None]
    durations = [
        (i.end - i.attack.started_at).total_seconds() / 3600 for i in attacks if i.end is not None
    ]
    touched = _count_days(days, lo, hi)
    return KindStats(
        days=touched,
        per_28=_per_28(touched, observed),
        attacks=len(attacks),
        mean_peak=_mean(peaks),
        mean_duration_h=_mean(durations),
        ended=len(durations),
    )


def _medication_stats(prep: _Prepared, start: date, end: date, observed: int) -> MedicationStats:
    lo, hi = prep.observed(start, end)
    by_class = {
        cls: n
        for cls, days in prep.med_days.items()
        if cls in ACUTE_CLASSES and (n := _count_days(days, lo, hi))
    }
    by_class = dict(sorted(by_class.items(), key=lambda kv: (-kv[1], kv[0].value)))
    acute = _count_days(prep.acute_days, lo, hi)
    flags, window = _overuse(prep, end)
    return MedicationStats(
        days=acute,
        per_28=_per_28(acute, observed),
        days_by_class=by_class,
        overuse=flags,
        overuse_window_days=window,
    )


def _group_days(prep: _Prepared, classes: frozenset[MedClass]) -> set[date]:
    out: set[date] = set()
    for cls in classes:
        out |= prep.med_days.get(cls, set())
    return out


def _overuse(prep: _Prepared, end: date) -> tuple[tuple[OveruseFlag, ...], int]:
    """Overuse flags for the 30 days that end with the period."""
    hi = min(end, prep.today + _DAY)
    lo = max(hi - timedelta(days=OVERUSE_WINDOW_DAYS), prep.first_day)
    if hi <= lo:
        return (), 0
    days10 = {d for d in _group_days(prep, OVERUSE_10_DAY_CLASSES) if lo <= d < hi}
    days15 = {d for d in _group_days(prep, OVERUSE_15_DAY_CLASSES) if lo <= d < hi}
    classes10 = tuple(
        sorted(c for c in OVERUSE_10_DAY_CLASSES if _count_days(prep.med_days.get(c, ()), lo, hi))
    )
    classes15 = tuple(
        sorted(c for c in OVERUSE_15_DAY_CLASSES if _count_days(prep.med_days.get(c, ()), lo, hi))
    )

    def level(days: int, threshold: int, notice: int) -> str | None:
        return "warning" if days >= threshold else "notice" if days >= notice else None

    flags: list[OveruseFlag] = []
    for group, days, threshold, notice, classes in (
        ("10-day", len(days10), OVERUSE_10_DAYS, OVERUSE_10_NOTICE, classes10),
        ("15-day", len(days15), OVERUSE_15_DAYS, OVERUSE_15_NOTICE, classes15),
    ):
        if found := level(days, threshold, notice):
            flags.append(OveruseFlag(group, found, days, threshold, classes, lo, hi))
    if days10 and days15 and all(f.level != "warning" for f in flags):
        # ICHD-3 8.2.6: both groups, none overused alone, >= 10 days in all
        both = len(days10 | days15)
        found = level(both, OVERUSE_10_DAYS, OVERUSE_10_NOTICE)
        if found is not None and (found == "warning" or not flags):
            classes = classes10 + classes15
            flags = [OveruseFlag("mixed", found, both, OVERUSE_10_DAYS, classes, lo, hi)]
    return tuple(flags), (hi - lo).days


def _response_of(info: _AttackInfo) -> str | None:
    """The 2-hour response of a treated attack; None when unknown."""
    attack = info.attack
    if attack.response_2h is not None:
        return attack.response_2h
    if not info.acute:
        return None
    t0 = info.acute[0].taken_at
    end = info.end
    if end is not None and end < t0:
        return None  # the medicine came after the attack ended: nothing to judge
    target = t0 + RESPONSE_AT
    if end is not None and end <= target:
        return RESPONSE_GONE
    prior = [u for u in attack.updates if u.at <= t0 and u.intensity is not None]
    if prior:
        before = max(prior, key=lambda u: u.at).intensity
    else:
        before = attack.start_intensity if attack.start_intensity is not None else info.peak

    lo, hi = t0 + RESPONSE_WINDOW[0], t0 + RESPONSE_WINDOW[1]
    best: tuple[timedelta, str] | None = None
    if end is not None and lo <= end <= hi:
        best = (abs(end - target), RESPONSE_GONE)
    for update in attack.updates:
        if not lo <= update.at <= hi:
            continue
        response = _update_response(update.gone, update.relief, update.intensity, before)
        if response is None:
            continue
        distance = abs(update.at - target)
        if best is None or distance < best[0]:
            best = (distance, response)
    return best[1] if best else None


def _update_response(
    gone: bool, relief: str | None, intensity: int | None, before: int | None
) -> str | None:
    if gone:
        return RESPONSE_GONE
    if relief is not None and relief.strip().lower() in RELIEF_TO_RESPONSE:
        return RELIEF_TO_RESPONSE[relief.strip().lower()]
    if intensity is None:
        return None
    if intensity == 0:
        return RESPONSE_GONE
    if before is None:
        return None
    return RESPONSE_REDUCED if intensity < before else RESPONSE_NONE


def _response_stats(prep: _Prepared, start: date, end: date) -> ResponseStats:
    overall = ResponseCounts()
    by_medicine: dict[str, ResponseCounts] = {}
    for info in prep.attacks:
        if not _in(info.start_day, start, end) or not info.acute:
            continue
        response = _response_of(info)
        overall = overall.add(response)
        name = canonical_name(info.acute[0].name)
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


def _trigger_stats(prep: _Prepared, start: date, end: date) -> TriggerStats:
    attacks = [i for i in prep.attacks if _in(i.start_day, start, end)]
    enough = len(attacks) >= MIN_ATTACKS_FOR_TRIGGERS
    if not enough:
        return TriggerStats(len(attacks), False, (), None)
    counts = Counter(t for i in attacks for t in set(i.attack.triggers))
    reported = tuple(
        sorted(
            ((t, n) for t, n in counts.items() if n >= MIN_TRIGGER_REPORTS),
            key=lambda tn: (-tn[1], tn[0]),
        )
    )
    # Nights whose following day is in the period, observed and over.
    lo, hi = prep.observed(start, end)
    hi = min(hi, prep.today)
    poor = poor_followed = other = other_followed = 0
    for night in prep.sleep:
        next_day = night.night + _DAY
        if not lo <= next_day < hi:
            continue
        if night.quality is None and night.hours is None:
            continue
        is_poor = (night.quality is not None and night.quality <= POOR_SLEEP_QUALITY) or (
            night.hours is not None and night.hours < POOR_SLEEP_HOURS
        )
        followed = next_day in prep.attack_start_days
        if is_poor:
            poor += 1
            poor_followed += followed
        else:
            other += 1
            other_followed += followed
    link: SleepLink | None = None
    if poor >= MIN_NIGHTS_PER_GROUP and other >= MIN_NIGHTS_PER_GROUP:
        rr = risk_ratio_ci(poor_followed, poor, other_followed, other)
        if rr is not None:
            ratio, low, high = rr
            verdict = "linked" if low > 1 else "possible" if ratio >= 1.5 else "no_link"
            link = SleepLink(poor, poor_followed, other, other_followed, ratio, low, high, verdict)
    return TriggerStats(len(attacks), True, reported, link)


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
    n += sum(1 for m in prep.diary.medications if _in(prep.day_of(m.taken_at), start, end))
    return n


def _period_stats(prep: _Prepared, start: date, end: date) -> PeriodStats:
    lo, hi = prep.observed(start, end)
    observed = (hi - lo).days
    any_days = _count_days(prep.migraine_days | prep.headache_days, lo, hi)
    return PeriodStats(
        start=start,
        end=end,
        observed_days=observed,
        entries=_entries_in(prep, start, end),
        migraine=_kind_stats(prep, MIGRAINE, prep.migraine_days, start, end, observed),
        headache=_kind_stats(prep, HEADACHE, prep.headache_days, start, end, observed),
        any_headache_days=any_days,
        any_headache_per_28=_per_28(any_days, observed),
        medication=_medication_stats(prep, start, end, observed),
        response=_response_stats(prep, start, end),
        doses=_dose_stats(prep, start, end),
        sleep=_sleep_stats(prep, start, end),
        anxiety=_anxiety_stats(prep, start, end),
        triggers=_trigger_stats(prep, start, end),
        side_effects=_side_effect_stats(prep, start, end),
    )


def rate_ratio_ci(
    count_on: int, days_on: int, count_base: int, days_base: int
) -> tuple[float, float, float]:
    """Rate ratio (on / baseline) with a 95% CI, Poisson log-normal approximation.

    With a zero count, 0.5 is added to both counts (continuity correction).
    """
    if days_on <= 0 or days_base <= 0:
        raise ValueError("both periods need observed days")
    x1, x0 = float(count_on), float(count_base)
    if x1 == 0 or x0 == 0:
        x1, x0 = x1 + 0.5, x0 + 0.5
    ratio = (x1 / days_on) / (x0 / days_base)
    se = math.sqrt(1 / x1 + 1 / x0)
    return ratio, ratio * math.exp(-Z_95 * se), ratio * math.exp(Z_95 * se)


def _verdict(prep: _Prepared, before: PeriodStats | None, on: PeriodStats | None) -> Verdict:
    start = prep.magnesium_start
    if start is None or start > prep.today or on is None:
        return Verdict(VerdictStatus.NOT_STARTED, magnesium_start=start)
    base_days = before.observed_days if before else 0
    base_count = before.migraine.days if before else 0
    base = Verdict(
        VerdictStatus.NO_BASELINE,
        magnesium_start=start,
        baseline_days=base_days,
        on_days=on.observed_days,
        baseline_migraine_days=base_count,
        on_migraine_days=on.migraine.days,
        baseline_per_28=_per_28(base_count, base_days),
        on_per_28=on.migraine.per_28,
        judge_from=start + timedelta(days=MIN_DAYS_ON_MAGNESIUM),
    )
    if base_days < MIN_BASELINE_DAYS:
        return base
    if base_count == 0:
        return replace(base, status=VerdictStatus.NO_BASELINE_MIGRAINES)
    if on.observed_days == 0:
        return replace(base, status=VerdictStatus.TOO_EARLY)
    ratio, low, high = rate_ratio_ci(on.migraine.days, on.observed_days, base_count, base_days)
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
        base, status=status, reduction=reduction, rate_ratio=ratio, ci_low=low, ci_high=high
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
    """All figures for [start, end), plus before/on magnesium and the verdict."""
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
                response_2h=_response_of(info) if info.acute else attack.response_2h,
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
    """Per-day values over the observed part of [start, end), for the chart."""
    prep = _Prepared(diary, now)
    lo, hi = prep.observed(start, end)
    n = (hi - lo).days
    days = [lo + timedelta(days=i) for i in range(n)]
    quality: list[float | None] = [None] * n
    for night in prep.sleep:
        index = (night.night - lo).days
        if 0 <= index < n and night.quality is not None:
            quality[index] = float(night.quality)
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
        mg=mg,
        taken=taken,
        skipped=skipped,
        sleep_quality=quality,
        plan_mg_per_day=prep.plan_mg_per_day,
        magnesium_start=prep.magnesium_start,
    )
