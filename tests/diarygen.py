"""A synthetic diary with a known truth, for the statistics tests and the benchmark.

The generator places exactly round(rate x days / 28) migraine days in each
phase (not a Poisson draw), so the truth is exact and a test can demand that
the summary recovers it. Each attack starts and ends on the same local day,
so migraine days equal migraine attacks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.diary import (
    Anxiety,
    Attack,
    AttackUpdate,
    Diary,
    Dose,
    MedicationTaken,
    PlannedDose,
    SideEffect,
    Sleep,
)

TRIGGERS = ("stress", "poor_sleep", "weather", "alcohol", "menstruation", "skipped_meal")
SYMPTOMS = ("throbbing", "one_sided", "nausea", "light_sensitivity", "sound_sensitivity")


@dataclass(frozen=True)
class Truth:
    first_day: date
    magnesium_start: date
    today: date
    baseline_days: int
    on_days: int
    baseline_migraine_days: int
    on_migraine_days: int
    headache_days: int
    planned: int
    taken: int
    mg_per_day_planned: float

    @property
    def baseline_per_28(self) -> float:
        return self.baseline_migraine_days * 28 / self.baseline_days

    @property
    def on_per_28(self) -> float:
        return self.on_migraine_days * 28 / self.on_days

    @property
    def adherence(self) -> float:
        return self.taken / self.planned


UTC = ZoneInfo("UTC")


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def local(day: date, clock: str = "12:00", tz: str = "Europe/Berlin") -> datetime:
    """The UTC instant of a local wall-clock time, as storage would hand it over."""
    hours, minutes = clock.split(":")
    return _at(day, time(int(hours), int(minutes)), ZoneInfo(tz))


def generate(
    seed: int = 1,
    *,
    tz: str = "Europe/Berlin",
    first_day: date = date(2025, 1, 6),
    baseline_days: int = 84,
    on_days: int = 112,
    baseline_per_28: float = 8.0,
    on_per_28: float = 4.0,
    headache_per_28: float = 0.0,
    adherence: float = 0.9,
    dose_times: tuple[time, ...] = (time(21, 30),),
    dose_mg: float = 200.0,
    treated_share: float = 0.6,
    daily_sleep: bool = True,
    daily_anxiety: bool = True,
) -> tuple[Diary, Truth, datetime]:
    """A diary of `baseline_days` before magnesium and `on_days` on it (today included).

    Returns the diary, its truth and `now` (23:30 local on the last day, after
    every planned dose, so that day is complete).
    """
    rng = random.Random(seed)
    zone = ZoneInfo(tz)
    mg_start = first_day + timedelta(days=baseline_days)
    today = mg_start + timedelta(days=on_days - 1)
    now = _at(today, time(23, 30), zone)

    def days(start: date, count: int) -> list[date]:
        return [start + timedelta(days=i) for i in range(count)]

    baseline = days(first_day, baseline_days)
    on = days(mg_start, on_days)
    migraine_days = sorted(
        rng.sample(baseline, round(baseline_per_28 * baseline_days / 28))
        + rng.sample(on, round(on_per_28 * on_days / 28))
    )
    free = [d for d in baseline + on if d not in set(migraine_days)]
    headache_days = sorted(
        rng.sample(free, round(headache_per_28 * (baseline_days + on_days) / 28))
    )

    attacks: list[Attack] = []
    medications: list[MedicationTaken] = []
    for index, (day, kind) in enumerate(
        sorted([(d, "migraine") for d in migraine_days] + [(d, "headache") for d in headache_days])
    ):
        start = _at(day, time(rng.randint(7, 13), rng.choice((0, 15, 30, 45))), zone)
        hours = rng.uniform(1.0, 8.0)
        peak = rng.randint(4, 9)
        updates: list[AttackUpdate] = []
        if rng.random() < treated_share:
            name = rng.choice(("ibuprofen", "sumatriptan", "paracetamol"))
            if kind == "headache" and name == "sumatriptan":
                # a triptan makes a migraine day (IHS 2020); other headaches get a painkiller
                name = "paracetamol"
            medications.append(
                MedicationTaken(
                    name=name,
                    taken_at=start + timedelta(minutes=15),
                    dose_mg=400,
                    attack_id=index + 1,
                )
            )
            if hours > 2.5:
                updates.append(
                    AttackUpdate(
                        at=start + timedelta(hours=2, minutes=15),
                        intensity=rng.randint(0, peak),
                    )
                )
        attacks.append(
            Attack(
                id=index + 1,
                started_at=start,
                ended_at=start + timedelta(hours=hours),
                kind=kind,
                peak_intensity=peak,
                start_intensity=peak,
                symptoms=tuple(rng.sample(SYMPTOMS, rng.randint(0, 3))),
                triggers=tuple(rng.sample(TRIGGERS, rng.randint(0, 2))),
                updates=tuple(updates),
            )
        )

    doses: list[Dose] = []
    taken_days = set(rng.sample(on, round(adherence * on_days)))
    for day in on:
        for clock in dose_times:
            status = "taken" if day in taken_days else "skipped"
            doses.append(
                Dose(
                    taken_at=_at(day, clock, zone) + timedelta(minutes=rng.randint(0, 20)),
                    amount_mg=dose_mg if status == "taken" else None,
                    status=status,
                )
            )

    sleep: list[Sleep] = []
    anxiety: list[Anxiety] = []
    for day in baseline + on:
        improving = 0.4 if day >= mg_start else 0.0
        if daily_sleep and day < today:
            sleep.append(
                Sleep(
                    night=day,
                    quality=min(5, max(1, round(rng.gauss(3.0 + improving, 0.8)))),
                    hours=round(rng.uniform(5.0, 8.5), 1),
                    awakenings=rng.randint(0, 3),
                )
            )
        if daily_anxiety:
            anxiety.append(Anxiety(at=_at(day, time(20, 0), zone), level=rng.randint(2, 7)))

    side_effects = [
        SideEffect(at=_at(mg_start + timedelta(days=3), time(9), zone), effects=("diarrhea",))
    ]

    diary = Diary(
        tz=tz,
        created_at=_at(first_day, time(8, 0), zone),
        magnesium_start=mg_start,
        dose_plan=tuple(PlannedDose(local_time=t, amount_mg=dose_mg) for t in dose_times),
        attacks=attacks,
        doses=doses,
        medications=medications,
        sleep=sleep,
        anxiety=anxiety,
        side_effects=side_effects,
    )
    truth = Truth(
        first_day=first_day,
        magnesium_start=mg_start,
        today=today,
        baseline_days=baseline_days,
        on_days=on_days,
        baseline_migraine_days=round(baseline_per_28 * baseline_days / 28),
        on_migraine_days=round(on_per_28 * on_days / 28),
        headache_days=len(headache_days),
        planned=on_days * len(dose_times),
        taken=len(taken_days) * len(dose_times),
        mg_per_day_planned=dose_mg * len(dose_times),
    )
    return diary, truth, now
