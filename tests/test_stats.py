"""Hand-computed figures of the summary (DESIGN §6): days, rates, medicines, 2-hour response, doses.

Unless a test says otherwise the person lives in Europe/Berlin, started the
diary on 1 June 2025 and asks on 14 June 2025 at 23:30, so the period
[1 Jun, 15 Jun) has 14 observed days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from bot.domain.diary import (
    Anxiety,
    Attack,
    AttackUpdate,
    Diary,
    Dose,
    MedicationTaken,
    PlanChange,
    PlannedDose,
    SideEffect,
    Sleep,
)
from bot.domain.medicines import MedClass
from bot.domain.stats import (
    UPPER_LIMIT_MG_PER_DAY,
    PeriodStats,
    period_bounds,
    period_stats,
    summarize,
)
from tests.diarygen import UTC, local

TZ = "Europe/Berlin"
JUN = date(2025, 6, 1)
NOW = local(date(2025, 6, 14), "23:30")
START, END = date(2025, 6, 1), date(2025, 6, 15)


def day(n: int) -> date:
    """The n-th of June 2025."""
    return date(2025, 6, n)


def diary(**fields: object) -> Diary:
    fields.setdefault("tz", TZ)
    fields.setdefault("created_at", local(JUN, "08:00"))
    return Diary(**fields)  # type: ignore[arg-type]


def stats(d: Diary, start: date = START, end: date = END, now: datetime = NOW) -> PeriodStats:
    return period_stats(d, start, end, now)


def attack(
    id: int,
    start: datetime,
    end: datetime | None = None,
    *,
    kind: str = "migraine",
    **fields: Any,
) -> Attack:
    return Attack(id=id, started_at=start, ended_at=end, kind=kind, **fields)


# ---------------------------------------------------------------- migraine days


def test_migraine_days_count_each_local_day_an_attack_touches() -> None:
    # 23:00 on 10 Jun to 01:00 on 11 Jun: two days, in 14 observed days
    d = diary(attacks=[attack(1, local(day(10), "23:00"), local(day(11), "01:00"))])
    result = stats(d)
    assert result.migraine.days == 2
    assert result.migraine.observed_days == 14


def test_below_28_observed_days_there_is_no_rate_per_28_days() -> None:
    # 14 observed days: a count, never "4.0 per 28 days"
    d = diary(attacks=[attack(1, local(day(10), "10:00"), local(day(10), "12:00"))])
    result = stats(d)
    assert (result.migraine.days, result.migraine.per_28) == (1, None)
    assert result.medication.per_28 is None
    assert not result.rates


def test_from_28_observed_days_the_rate_is_per_28_days() -> None:
    # diary since 18 May: [18 May, 15 Jun) is 28 observed days; 3 days x 28 / 28 = 3.0
    d = diary(
        created_at=local(date(2025, 5, 18), "08:00"),
        attacks=[
            attack(i, local(day(n), "10:00"), local(day(n), "12:00"))
            for i, n in enumerate((2, 5, 9))
        ],
    )
    result = stats(d, END - timedelta(days=30), END)
    assert result.observed_days == 28
    assert result.migraine.per_28 == pytest.approx(3.0)
    assert result.rates


def test_attack_that_ends_at_midnight_touches_only_its_own_day() -> None:
    d = diary(attacks=[attack(1, local(day(10), "20:00"), local(day(11), "00:00"))])
    assert stats(d).migraine.days == 1


def test_two_attacks_on_one_day_make_one_migraine_day() -> None:
    d = diary(
        attacks=[
            attack(1, local(day(10), "08:00"), local(day(10), "09:00")),
            attack(2, local(day(10), "18:00"), local(day(10), "20:00")),
        ]
    )
    result = stats(d)
    assert result.migraine.days == 1
    assert result.migraine.attacks == 2


def test_open_attack_counts_until_its_last_update() -> None:
    # open since 22:00 on 10 Jun, last heard of at 02:00 on 11 Jun: two days
    updates = [AttackUpdate(at=local(day(11), "02:00"), intensity=6)]
    d = diary(attacks=[attack(1, local(day(10), "22:00"), updates=updates)])
    assert stats(d).migraine.days == 2


def test_open_attack_without_updates_counts_its_start_day_only() -> None:
    d = diary(attacks=[attack(1, local(day(10), "22:00"))])
    assert stats(d).migraine.days == 1


def test_attack_that_is_gone_by_an_update_ends_there() -> None:
    updates = [AttackUpdate(at=local(day(10), "13:00"), gone=True)]
    d = diary(attacks=[attack(1, local(day(10), "10:00"), updates=updates)])
    result = stats(d)
    assert result.migraine.ended == 1
    assert result.migraine.mean_duration_h == pytest.approx(3.0)


def test_migraine_day_is_the_users_local_day_not_the_utc_one() -> None:
    # 23:30 UTC on 10 Jun is 01:30 on 11 Jun in Berlin (UTC+2 in summer)
    start = datetime(2025, 6, 10, 23, 30, tzinfo=UTC)
    d = diary(attacks=[attack(1, start, start + timedelta(hours=1))])
    assert stats(d, day(10), day(11)).migraine.days == 0
    assert stats(d, day(11), day(12)).migraine.days == 1


def test_rate_per_28_days_divides_by_the_observed_days_not_the_period_length() -> None:
    # a 90-day period, but the diary started on 11 May: 35 days; 2 days x 28 / 35 = 1.6
    d = diary(
        created_at=local(date(2025, 5, 11), "08:00"),
        attacks=[
            attack(1, local(day(3), "10:00"), local(day(3), "12:00")),
            attack(2, local(day(9), "10:00"), local(day(9), "12:00")),
        ],
    )
    result = stats(d, END - timedelta(days=90), END)
    assert result.observed_days == 35
    assert result.migraine.per_28 == pytest.approx(1.6)


def test_observed_days_start_with_an_entry_older_than_the_account() -> None:
    # the person logged a migraine of 8 May on 1 June: 38 observed days, 1 x 28 / 38
    d = diary(
        attacks=[attack(1, local(date(2025, 5, 8), "10:00"), local(date(2025, 5, 8), "11:00"))]
    )
    result = stats(d, END - timedelta(days=60), END)
    assert result.observed_days == 38
    assert result.migraine.per_28 == pytest.approx(28 / 38)


def test_headache_days_include_migraine_days_and_other_days_are_the_rest() -> None:
    # a migraine and a headache on 2 Jun, a headache on 5 Jun: migraine days {2},
    # headache days of any kind {2, 5}, other headache days {5}
    d = diary(
        attacks=[
            attack(1, local(day(2), "10:00"), local(day(2), "12:00")),
            attack(2, local(day(2), "15:00"), local(day(2), "16:00"), kind="headache"),
            attack(3, local(day(5), "10:00"), local(day(5), "12:00"), kind="headache"),
        ]
    )
    result = stats(d)
    assert (result.migraine.days, result.headache.days, result.other.days) == (1, 2, 1)
    assert (result.migraine.attacks, result.headache.attacks, result.other.attacks) == (1, 3, 2)


def test_attacks_mean_peak_and_mean_duration_of_ended_attacks() -> None:
    # peaks 4 and 6 (the larger of start and update intensities): mean 5.0;
    # durations 2 h and 4 h, the open attack left out: mean 3.0 h
    d = diary(
        attacks=[
            attack(1, local(day(2), "10:00"), local(day(2), "12:00"), peak_intensity=4),
            attack(
                2,
                local(day(4), "10:00"),
                local(day(4), "14:00"),
                start_intensity=5,
                updates=[AttackUpdate(at=local(day(4), "12:00"), intensity=6)],
            ),
            attack(3, local(day(6), "10:00")),
        ]
    )
    result = stats(d)
    assert result.migraine.attacks == 3
    assert result.migraine.mean_peak == pytest.approx(5.0)
    assert result.migraine.mean_duration_h == pytest.approx(3.0)
    assert result.migraine.ended == 2


# ---------------------------------------------------------------- DST


def test_a_week_across_the_spring_clock_change_has_seven_days() -> None:
    # 30 March 2025 has 23 hours in Berlin; a migraine every day of
    # [27 Mar, 3 Apr) is 7 days in 7 observed days: 28.0 per 28 days
    first = date(2025, 3, 27)
    days = [first + timedelta(days=i) for i in range(7)]
    d = Diary(
        tz=TZ,
        created_at=local(first, "08:00"),
        attacks=[attack(i, local(x, "12:00"), local(x, "13:00")) for i, x in enumerate(days)],
    )
    result = period_stats(d, first, date(2025, 4, 3), local(date(2025, 4, 2), "23:00"))
    assert result.observed_days == 7
    assert result.migraine.days == 7
    assert result.migraine.per_28 is None  # 7 observed days: a count only


def test_an_attack_through_the_autumn_clock_change_lasts_its_real_hours() -> None:
    # 23:30 CEST on 25 Oct (21:30 UTC) to 02:30 CET on 26 Oct (01:30 UTC): the
    # wall clock shows 3 hours, it lasted 4; it touches 2 local days
    start = datetime(2025, 10, 25, 21, 30, tzinfo=UTC)
    end = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    d = Diary(tz=TZ, created_at=local(date(2025, 10, 20)), attacks=[attack(1, start, end)])
    result = period_stats(
        d, date(2025, 10, 20), date(2025, 11, 1), local(date(2025, 10, 31), "12:00")
    )
    assert result.migraine.days == 2
    assert result.migraine.mean_duration_h == pytest.approx(4.0)


def test_an_evening_dose_every_day_across_the_clock_change_is_full_adherence() -> None:
    # 21:30 local is 20:30 UTC before 30 March and 19:30 UTC after: still one a day
    first = date(2025, 3, 24)
    days = [first + timedelta(days=i) for i in range(14)]
    d = Diary(
        tz=TZ,
        created_at=local(first, "08:00"),
        dose_plan=[PlannedDose(time(21, 30), 200)],
        doses=[Dose(local(x, "21:30"), 200) for x in days],
    )
    result = period_stats(d, first, date(2025, 4, 7), local(date(2025, 4, 6), "22:00"))
    assert (result.doses.days, result.doses.planned, result.doses.taken) == (14, 14, 14)
    assert result.doses.adherence == pytest.approx(1.0)


# ---------------------------------------------------------------- acute medicines


def test_acute_medication_days_per_28_and_per_class() -> None:
    # ibuprofen 2 and 3 Jun (twice on the 3rd), sumatriptan 3 and 6 Jun,
    # doxycycline (not acute) on the 4th: acute days 2, 3, 6 = 3 of 14 observed
    d = diary(
        medications=[
            MedicationTaken("ibuprofen", local(day(2), "09:00")),
            MedicationTaken("ibuprofen", local(day(3), "09:00")),
            MedicationTaken("ibuprofen", local(day(3), "18:00")),
            MedicationTaken("sumatriptan", local(day(3), "12:00")),
            MedicationTaken("sumatriptan", local(day(6), "12:00")),
            MedicationTaken("doxycycline", local(day(4), "12:00")),
        ]
    )
    med = stats(d).medication
    assert med.days == 3
    assert med.per_28 is None
    assert med.days_by_class == {MedClass.NSAID: 2, MedClass.TRIPTAN: 2}


def test_stored_medicine_class_is_used_before_the_name() -> None:
    d = diary(medications=[MedicationTaken("my pills", local(day(2)), med_class="triptan")])
    assert stats(d).medication.days_by_class == {MedClass.TRIPTAN: 1}


def _daily(name: str, days: int, last: date = date(2025, 6, 14)) -> list[MedicationTaken]:
    return [MedicationTaken(name, local(last - timedelta(days=i), "10:00")) for i in range(days)]


def _overuse_diary(medications: list[MedicationTaken]) -> Diary:
    return diary(created_at=local(date(2025, 3, 1)), medications=medications)


@pytest.mark.parametrize(
    ("name", "days", "expected", "limit"),
    [
        ("sumatriptan", 7, None, 10),
        ("sumatriptan", 8, "notice", 10),
        ("sumatriptan", 9, "notice", 10),
        ("sumatriptan", 10, "risk", 10),
        ("excedrin", 10, "risk", 10),  # a caffeine combination: 10 days (8.2.5)
        ("codeine", 10, "risk", 10),
        ("ibuprofen", 11, None, 15),
        ("ibuprofen", 12, "notice", 15),
        ("ibuprofen", 14, "notice", 15),
        ("ibuprofen", 15, "risk", 15),
        ("paracetamol", 15, "risk", 15),
        ("rimegepant", 20, None, 0),  # gepants are not in ICHD-3 8.2
    ],
)
def test_medication_overuse_thresholds_in_the_last_28_days(
    name: str, days: int, expected: str | None, limit: int
) -> None:
    flags = stats(_overuse_diary(_daily(name, days))).medication.overuse.flags
    assert [f.level.value for f in flags] == ([expected] if expected else [])
    if flags:
        assert (flags[0].days, flags[0].limit) == (days, limit)


def test_the_overuse_window_is_the_28_days_ending_today() -> None:
    # triptans on 10 days, the oldest on 18 May: the window [18 May, 15 Jun) holds all 10;
    # one day later (on 15 Jun) the oldest has left it
    meds = _daily("sumatriptan", 10, last=date(2025, 5, 27))
    window = stats(_overuse_diary(meds)).medication.overuse.current
    assert window is not None
    assert (window.start, window.end) == (date(2025, 5, 18), END)
    assert window.at_risk
    later = period_stats(_overuse_diary(meds), START, day(16), local(day(15), "12:00"))
    assert [f.level.value for f in later.medication.overuse.flags] == ["notice"]  # 9 days


def test_triptans_on_ten_days_flag_whatever_the_periods_length() -> None:
    # a 7-day summary still looks at the 28 days that end with it
    d = _overuse_diary(_daily("sumatriptan", 10))
    flags = stats(d, day(8), day(15)).medication.overuse.flags
    assert [(f.group.value, f.level.value, f.days) for f in flags] == [("triptan", "risk", 10)]


def test_several_classes_on_ten_days_flag_as_ichd_8_2_6() -> None:
    # ibuprofen on 7 days and sumatriptan on 3 others: no class over its limit, 10 in all
    meds = _daily("ibuprofen", 7) + _daily("sumatriptan", 3, last=day(7))
    flags = stats(_overuse_diary(meds)).medication.overuse.flags
    assert [(f.group.value, f.level.value, f.days) for f in flags] == [("mixed", "risk", 10)]


def test_two_ten_day_classes_are_counted_apart_and_together() -> None:
    # triptans 6 days, opioids 5 other days: neither alone, 11 days in all (8.2.6)
    meds = _daily("sumatriptan", 6) + _daily("tramadol", 5, last=day(8))
    flags = stats(_overuse_diary(meds)).medication.overuse.flags
    assert [(f.group.value, f.days) for f in flags] == [("mixed", 11)]


def test_overuse_ignores_medicine_days_older_than_28_days() -> None:
    # ten triptan days from 8 to 17 May, the window is [18 May, 15 Jun)
    meds = _daily("sumatriptan", 10, last=date(2025, 5, 17))
    current = stats(_overuse_diary(meds)).medication.overuse.current
    assert current is not None and current.flags == ()


def test_three_consecutive_windows_over_the_limit_are_the_3_month_pattern() -> None:
    # triptans on 10 days in each of [18 May, 15 Jun), [20 Apr, 18 May), [23 Mar, 20 Apr)
    meds = (
        _daily("sumatriptan", 10)
        + _daily("sumatriptan", 10, last=date(2025, 5, 17))
        + _daily("sumatriptan", 10, last=date(2025, 4, 19))
    )
    overuse = stats(_overuse_diary(meds)).medication.overuse
    assert [w.start for w in overuse.windows] == [
        date(2025, 5, 18),
        date(2025, 4, 20),
        date(2025, 3, 23),
    ]
    assert [w.at_risk for w in overuse.windows] == [True, True, True]
    assert overuse.pattern


def test_two_windows_over_the_limit_are_not_yet_the_pattern() -> None:
    meds = _daily("sumatriptan", 10) + _daily("sumatriptan", 9, last=date(2025, 5, 17))
    meds += _daily("sumatriptan", 10, last=date(2025, 4, 19))
    overuse = stats(_overuse_diary(meds)).medication.overuse
    assert [w.at_risk for w in overuse.windows] == [True, False, True]
    assert not overuse.pattern


# ---------------------------------------------------------------- 2-hour response


def _treated(
    *,
    end: str | None = None,
    updates: tuple[tuple[str, int | None], ...] = (),
    relief: tuple[tuple[str, str], ...] = (),
    medicine: str = "sumatriptan",
    taken: str = "10:00",
    **fields: Any,
) -> Diary:
    """A migraine from 10:00 on 10 Jun at 7/10, a medicine at `taken`, updates (clock, pain)."""
    fields.setdefault("start_intensity", 7)
    answers = [AttackUpdate(at=local(day(10), c), intensity=i) for c, i in updates]
    answers += [AttackUpdate(at=local(day(10), c), relief=r) for c, r in relief]
    a = attack(
        1,
        local(day(10), "10:00"),
        local(day(10), end) if end else None,
        updates=sorted(answers, key=lambda u: u.at),
        **fields,
    )
    meds = [MedicationTaken(medicine, local(day(10), taken), attack_id=1)]
    return diary(attacks=[a], medications=meds)


def _response(d: Diary) -> tuple[int, int, int, int, int]:
    o = stats(d).response.overall
    return (o.treated, o.pain_free, o.not_pain_free, o.relief, o.no_relief)


# (treated, pain-free, not pain-free, relief, no relief), hand-computed from IHS 2019


def test_attack_ended_1_50_after_the_medicine_is_pain_free() -> None:
    assert _response(_treated(end="11:50")) == (1, 1, 0, 1, 0)


def test_attack_ended_2_45_after_the_medicine_is_not_pain_free_relief_unknown() -> None:
    # still going at 2 h; nothing said at 1.5-2.5 h, so relief is not known
    overall = stats(_treated(end="12:45")).response.overall
    assert _response(_treated(end="12:45")) == (1, 0, 1, 0, 0)
    assert (overall.known, overall.unknown, overall.relief_known) == (1, 0, 0)


def test_attack_lasting_6_hours_after_a_triptan_is_a_known_failure() -> None:
    overall = stats(_treated(end="16:00")).response.overall
    assert (overall.pain_free, overall.not_pain_free, overall.known) == (0, 1, 1)
    assert overall.pain_free_share == pytest.approx(0.0)


def test_a_zero_update_at_1_40_is_pain_free() -> None:
    assert _response(_treated(updates=(("11:40", 0),))) == (1, 1, 0, 1, 0)


def test_3_of_10_at_2_hours_after_7_of_10_is_relief_not_pain_free() -> None:
    assert _response(_treated(updates=(("12:00", 3),))) == (1, 0, 1, 1, 0)


def test_nothing_known_after_the_medicine_is_unknown() -> None:
    overall = stats(_treated()).response.overall
    assert _response(_treated()) == (1, 0, 0, 0, 0)
    assert (overall.unknown, overall.pain_free_share) == (1, None)


def test_the_response_is_timed_from_the_medicine_not_the_onset() -> None:
    # onset 10:00, triptan at 13:00, ended 14:30: 1 h 30 after the medicine, pain-free
    # (4 h 30 after the onset would have been a failure)
    assert _response(_treated(end="14:30", taken="13:00")) == (1, 1, 0, 1, 0)


def test_5_of_10_after_7_is_lower_but_not_relief() -> None:
    # IHS relief: moderate or severe (>= 4) to mild or none (<= 3); 7 -> 5 is not
    assert _response(_treated(updates=(("12:00", 5),))) == (1, 0, 1, 0, 1)


def test_mild_pain_that_eased_is_relief() -> None:
    # 3 when taken, 2 at 2 h: lower than when taken
    assert _response(_treated(updates=(("12:00", 2),), start_intensity=3)) == (1, 0, 1, 1, 0)


def test_pain_reported_after_2_hours_means_not_pain_free() -> None:
    # open attack, 6/10 at 15:00: it was still going at 2 h
    assert _response(_treated(updates=(("15:00", 6),))) == (1, 0, 1, 0, 0)


def test_pain_reported_at_1_hour_and_nothing_after_is_unknown() -> None:
    assert _response(_treated(updates=(("11:00", 5),))) == (1, 0, 0, 0, 0)


def test_a_later_pain_report_overrides_an_earlier_zero() -> None:
    # 0 at 11:20, 5 again at 11:50: pain at 2 h, not pain-free; 5 after 7 is no relief
    assert _response(_treated(updates=(("11:20", 0), ("11:50", 5)))) == (1, 0, 1, 0, 1)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("better", (1, 0, 1, 1, 0)),
        ("same", (1, 0, 1, 0, 1)),
        ("worse", (1, 0, 1, 0, 1)),
    ],
)
def test_the_did_it_help_answer_at_2_hours(answer: str, expected: tuple[int, ...]) -> None:
    assert _response(_treated(relief=(("12:05", answer),))) == expected


def test_pain_gone_answer_at_2_hours_is_pain_free() -> None:
    a = attack(
        1,
        local(day(10), "10:00"),
        updates=[AttackUpdate(at=local(day(10), "12:00"), intensity=0, gone=True)],
    )
    meds = [MedicationTaken("sumatriptan", local(day(10), "10:00"), attack_id=1)]
    assert _response(diary(attacks=[a], medications=meds)) == (1, 1, 0, 1, 0)


def test_last_update_before_the_medicine_is_the_pain_when_taken() -> None:
    # 3 at logging (10:00), 8 at 10:20, medicine at 10:30, 3 at 12:30: relief against 8
    a = attack(
        1,
        local(day(10), "10:00"),
        start_intensity=3,
        updates=[
            AttackUpdate(at=local(day(10), "10:20"), intensity=8),
            AttackUpdate(at=local(day(10), "12:30"), intensity=3),
        ],
    )
    meds = [MedicationTaken("ibuprofen", local(day(10), "10:30"), attack_id=1)]
    assert _response(diary(attacks=[a], medications=meds)) == (1, 0, 1, 1, 0)


def test_the_stored_onset_answer_is_not_read() -> None:
    # response_2h was timed from the onset; the updates and the end decide
    assert _response(_treated(end="16:00", response_2h="gone")) == (1, 0, 1, 0, 0)


def test_each_medicine_is_timed_from_its_own_intake() -> None:
    # attack 1: ibuprofen 10:05, sumatriptan 11:30, ended 13:00: ibuprofen 2 h 55
    #   after -> not pain-free; sumatriptan 1 h 30 after -> pain-free. The attack
    #   (first medicine, ibuprofen) is not pain-free.
    # attack 2: unlinked sumatriptan taken while it went on, ended 1 h 15 after: pain-free
    # attack 3: only an antiemetic -> not a treated attack
    attacks = [
        attack(1, local(day(2), "10:00"), local(day(2), "13:00")),
        attack(2, local(day(5), "10:00"), local(day(5), "11:30")),
        attack(3, local(day(8), "10:00"), local(day(8), "11:00")),
    ]
    meds = [
        MedicationTaken("Advil", local(day(2), "10:05"), attack_id=1),
        MedicationTaken("sumatriptan", local(day(2), "11:30"), attack_id=1),
        MedicationTaken("sumatriptan", local(day(5), "10:15")),
        MedicationTaken("metoclopramide", local(day(8), "10:15"), attack_id=3),
    ]
    response = stats(diary(attacks=attacks, medications=meds)).response
    assert (response.overall.treated, response.overall.pain_free) == (2, 1)
    assert {
        k: (v.treated, v.pain_free, v.not_pain_free) for k, v in response.by_medicine.items()
    } == {
        "sumatriptan": (2, 2, 0),
        "ibuprofen": (1, 0, 1),
    }


# ---------------------------------------------------------------- IHS migraine days


def test_an_attack_shorter_than_30_minutes_makes_no_headache_day() -> None:
    d = diary(attacks=[attack(1, local(day(3), "10:00"), local(day(3), "10:20"))])
    result = stats(d)
    assert (result.migraine.days, result.headache.days, result.migraine.attacks) == (0, 0, 1)


def test_an_attack_of_exactly_30_minutes_counts() -> None:
    d = diary(attacks=[attack(1, local(day(3), "10:00"), local(day(3), "10:30"))])
    assert stats(d).migraine.days == 1


def test_a_migraine_specific_medicine_alone_makes_a_migraine_day() -> None:
    # a triptan on 3 Jun, a gepant on 4 Jun, nothing else logged; ibuprofen alone on 5 Jun
    # is no headache day (not known to be for a headache)
    d = diary(
        medications=[
            MedicationTaken("sumatriptan", local(day(3), "09:00")),
            MedicationTaken("nurtec", local(day(4), "09:00")),
            MedicationTaken("ibuprofen", local(day(5), "09:00")),
        ]
    )
    result = stats(d)
    assert (result.migraine.days, result.headache.days) == (2, 2)


def test_a_short_headache_treated_with_a_triptan_is_a_migraine_day() -> None:
    # a 20-minute "headache" with sumatriptan: migraine day (IHS 2020), not other headache
    d = diary(
        attacks=[attack(1, local(day(3), "10:00"), local(day(3), "10:20"), kind="headache")],
        medications=[MedicationTaken("sumatriptan", local(day(3), "10:05"), attack_id=1)],
    )
    result = stats(d)
    assert (result.migraine.days, result.headache.days, result.other.days) == (1, 1, 0)


def test_a_short_attack_treated_with_a_painkiller_is_a_headache_day() -> None:
    d = diary(
        attacks=[attack(1, local(day(3), "10:00"), local(day(3), "10:20"))],
        medications=[MedicationTaken("ibuprofen", local(day(3), "10:05"), attack_id=1)],
    )
    result = stats(d)
    assert (result.migraine.days, result.headache.days) == (0, 1)


# ---------------------------------------------------------------- doses


def _dose_diary(now_clock: str = "23:30") -> tuple[Diary, datetime]:
    # plan 100 mg at 08:00 and 20:00, on magnesium from 11 Jun:
    # 11 Jun 2 taken, 12 Jun 3 taken, 13 Jun 1 taken + 1 skipped, 14 Jun nothing
    taken = [
        (11, "08:00"),
        (11, "20:00"),
        (12, "08:00"),
        (12, "13:00"),
        (12, "20:00"),
        (13, "08:00"),
    ]
    doses = [Dose(local(day(n), c), 100) for n, c in taken]
    doses.append(Dose(local(day(13), "20:00"), None, "skipped"))
    d = diary(
        magnesium_start=day(11),
        dose_plan=[PlannedDose(time(8), 100), PlannedDose(time(20), 100)],
        doses=doses,
    )
    return d, local(day(14), now_clock)


def test_adherence_caps_the_doses_taken_each_day_at_the_plan() -> None:
    # planned 2 x 4 days = 8; taken 2 + 2 (3 capped) + 1 + 0 = 5: 62.5%
    d, now = _dose_diary()
    doses = stats(d, now=now).doses
    assert (doses.days, doses.planned, doses.taken) == (4, 8, 5)
    assert doses.adherence == pytest.approx(0.625)
    assert (doses.doses_taken, doses.doses_skipped) == (6, 1)


def test_mean_daily_magnesium_over_all_days_and_over_dosing_days() -> None:
    # 200 + 300 + 100 + 0 mg over 4 days = 150 mg; over the 3 dosing days 200 mg
    d, now = _dose_diary()
    doses = stats(d, now=now).doses
    assert doses.mean_mg_all_days == pytest.approx(150.0)
    assert doses.mean_mg_dosing_days == pytest.approx(200.0)
    assert doses.dosing_days == 3


def test_today_counts_for_adherence_once_its_last_planned_dose_is_due() -> None:
    # at 19:00 on 14 Jun the 20:00 dose is not due yet: 3 days, 6 planned, 5 taken
    d, now = _dose_diary("19:00")
    doses = stats(d, now=now).doses
    assert (doses.days, doses.planned, doses.taken) == (3, 6, 5)


def test_taken_dose_without_an_amount_counts_as_the_planned_dose() -> None:
    d = diary(
        dose_plan=[PlannedDose(time(21, 30), 150)],
        doses=[Dose(local(day(14), "21:30"))],
    )
    assert stats(d).doses.mean_mg_dosing_days == pytest.approx(150.0)


def test_magnesium_start_is_the_first_taken_dose_when_not_set() -> None:
    d = diary(
        doses=[
            Dose(local(day(3), "21:00"), None, "skipped"),
            Dose(local(day(5), "21:00"), 200),
            Dose(local(day(6), "21:00"), 200),
        ]
    )
    assert summarize(d, START, END, NOW).magnesium_start == day(5)


def test_days_above_the_supplement_upper_limit_are_counted() -> None:
    d = diary(doses=[Dose(local(day(5), "08:00"), 200), Dose(local(day(5), "20:00"), 200)])
    assert UPPER_LIMIT_MG_PER_DAY == 350
    assert stats(d).doses.days_above_upper_limit == 1


# ---------------------------------------------------------------- side effects


def test_side_effects_are_counted_by_code() -> None:
    d = diary(
        side_effects=[
            SideEffect(local(day(2)), ("diarrhea", "drowsiness")),
            SideEffect(local(day(9)), ("drowsiness",)),
        ]
    )
    effects = stats(d).side_effects
    assert effects.counts == {"drowsiness": 2, "diarrhea": 1}
    assert not effects.gi_recurring


def test_gi_side_effects_twice_within_7_days_bring_the_split_dose_hint() -> None:
    d = diary(
        side_effects=[
            SideEffect(local(day(1), "09:00"), ("diarrhea",)),
            SideEffect(local(day(7), "09:00"), ("stomach_upset",)),
        ]
    )
    assert stats(d).side_effects.gi_recurring


def test_gi_side_effects_8_days_apart_are_not_recurring() -> None:
    d = diary(
        side_effects=[
            SideEffect(local(day(1), "09:00"), ("nausea",)),
            SideEffect(local(day(9), "09:00"), ("nausea",)),
        ]
    )
    assert not stats(d).side_effects.gi_recurring


# ---------------------------------------------------------------- sleep and anxiety


def test_sleep_and_anxiety_means() -> None:
    d = diary(
        sleep=[
            Sleep(day(1), quality=2, hours=6.0, awakenings=3, cramps=True),
            Sleep(day(2), quality=4, hours=8.0, awakenings=1),
            Sleep(day(3), quality=None, hours=7.0),
        ],
        anxiety=[Anxiety(local(day(1)), 6), Anxiety(local(day(2)), 3)],
    )
    result = stats(d)
    assert result.sleep.nights == 3
    assert result.sleep.quality_mean == pytest.approx(3.0)
    assert result.sleep.awakenings_mean == pytest.approx(2.0)
    assert result.sleep.hours_mean == pytest.approx(7.0)
    assert result.sleep.cramps_nights == 1
    assert result.anxiety.mean == pytest.approx(4.5)
    assert result.anxiety.trend.direction is None  # 2 entries: too few for a trend


# ---------------------------------------------------------------- empty and tiny diaries


def test_a_diary_with_no_entries_gives_zeros_and_no_errors() -> None:
    d = Diary(tz=TZ, created_at=NOW)
    summary = summarize(d, *period_bounds(d, "30d", NOW), NOW)
    assert not summary.has_data
    assert summary.period.observed_days == 1
    assert summary.period.migraine.per_28 is None
    assert summary.period.migraine.mean_peak is None
    assert summary.period.doses.adherence is None
    assert summary.verdict.status == "not_started"


def test_a_diary_with_one_dose_has_no_baseline_and_no_adherence_yet() -> None:
    d = Diary(tz=TZ, created_at=NOW, doses=[Dose(local(day(14), "21:00"), 200)])
    summary = summarize(d, *period_bounds(d, "7d", NOW), NOW)
    assert summary.has_data
    assert summary.magnesium_start == day(14)
    assert summary.before is None
    assert summary.verdict.status == "no_baseline"
    assert summary.period.doses.doses_taken == 1
    assert summary.period.doses.adherence is None  # no plan


def test_period_bounds_end_with_today_and_all_starts_at_the_first_day() -> None:
    d = diary(sleep=[Sleep(date(2025, 5, 20), quality=3)])
    assert period_bounds(d, "7d", NOW) == (day(8), day(15))
    assert period_bounds(d, "all", NOW) == (date(2025, 5, 20), day(15))
    with pytest.raises(ValueError, match="unknown period"):
        period_bounds(d, "week", NOW)


def test_naive_datetimes_are_refused_at_the_door() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Dose(datetime(2025, 6, 1, 21, 30))


def test_adherence_follows_the_plan_in_force_on_each_day() -> None:
    # 10 days on magnesium: one dose a day for 5 days, then two a day for 5 days.
    # Every day one dose was taken: 5 of 5, then 5 of 10 -> 10 of 15 planned.
    tz = "Europe/Berlin"
    start = date(2026, 3, 2)
    doses = [Dose(taken_at=local(start + timedelta(days=i), "21:30", tz)) for i in range(10)]
    diary = Diary(
        tz=tz,
        created_at=local(start, "08:00", tz),
        magnesium_start=start,
        dose_plan=(PlannedDose(time(8, 0), 200.0), PlannedDose(time(21, 30), 200.0)),
        doses=doses,
        plan_changes=(
            PlanChange(effective_on=start, doses_per_day=1),
            PlanChange(effective_on=start + timedelta(days=5), doses_per_day=2),
        ),
    )
    now = local(start + timedelta(days=9), "23:00", tz)
    figures = period_stats(diary, start, start + timedelta(days=10), now).doses
    assert (figures.planned, figures.taken) == (15, 10)
    assert figures.adherence == pytest.approx(10 / 15)
