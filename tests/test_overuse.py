"""The medication-overuse notice the chat sends right after a medicine is logged (ICHD-3 8.2)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.domain.diary import Diary, MedicationTaken
from bot.domain.overuse import Group, Level, overuse_notice
from tests.diarygen import local

TZ = "Europe/Berlin"


def _diary(meds: list[MedicationTaken]) -> Diary:
    return Diary(tz=TZ, created_at=local(date(2025, 1, 1)), medications=meds)


def _on(name: str, days: list[date]) -> list[MedicationTaken]:
    return [MedicationTaken(name, local(d, "10:00")) for d in days]


def _run(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


def test_no_notice_below_8_triptan_days() -> None:
    d = _diary(_on("sumatriptan", _run(date(2025, 6, 1), 7)))
    assert overuse_notice(d, local(date(2025, 6, 7), "12:00")) is None


def test_the_eighth_triptan_day_brings_the_early_notice() -> None:
    # triptans 1-8 Jun: 8 of the 28 days ending 8 Jun
    d = _diary(_on("sumatriptan", _run(date(2025, 6, 1), 8)))
    notice = overuse_notice(d, local(date(2025, 6, 8), "12:00"))
    assert notice is not None
    assert (notice.group, notice.level, notice.days, notice.limit) == (
        Group.TRIPTAN,
        Level.NOTICE,
        8,
        10,
    )
    assert notice.key == "overuse:triptan:notice:2025-06-08"
    assert (notice.window_start, notice.window_end) == (date(2025, 5, 12), date(2025, 6, 9))
    assert "Triptans on 8 of the last 28 days" in notice.text
    assert "not a diagnosis" in notice.text


def test_the_key_stays_the_same_while_the_notice_holds_in_its_window() -> None:
    # a ninth day on 12 Jun: still a notice, same episode (it began on 8 Jun): same key
    d = _diary(_on("sumatriptan", [*_run(date(2025, 6, 1), 8), date(2025, 6, 12)]))
    for day in (date(2025, 6, 10), date(2025, 6, 12)):
        notice = overuse_notice(d, local(day, "12:00"))
        assert notice is not None and notice.key == "overuse:triptan:notice:2025-06-08"


def test_reaching_the_limit_is_a_risk_with_its_own_key() -> None:
    d = _diary(_on("sumatriptan", _run(date(2025, 6, 1), 10)))
    notice = overuse_notice(d, local(date(2025, 6, 10), "12:00"))
    assert notice is not None
    assert (notice.level, notice.key) == (Level.RISK, "overuse:triptan:risk:2025-06-10")
    assert notice.text.startswith("Risk of medication overuse: triptans on 10 of the last 28")


def test_a_risk_that_goes_on_is_told_again_once_a_window() -> None:
    # triptans every other day from 1 Jun: 10 in 28 days from 19 Jun on, for ever after.
    # The flag began on 19 Jun; the next window of it starts 28 days later, 17 Jul.
    d = _diary(_on("sumatriptan", [date(2025, 6, 1) + timedelta(days=2 * i) for i in range(40)]))
    first = overuse_notice(d, local(date(2025, 6, 19), "12:00"))
    same = overuse_notice(d, local(date(2025, 7, 16), "12:00"))
    later = overuse_notice(d, local(date(2025, 7, 17), "12:00"))
    assert first is not None and same is not None and later is not None
    assert first.key == same.key == "overuse:triptan:risk:2025-06-19"
    assert later.key == "overuse:triptan:risk:2025-07-17"


def test_a_flag_that_lapsed_and_came_back_is_new() -> None:
    # 8 triptan days 1-8 Jun (notice from 8 Jun until 28 Jun), then 8 more 20-27 Jul
    d = _diary(_on("sumatriptan", _run(date(2025, 6, 1), 8) + _run(date(2025, 7, 20), 8)))
    assert overuse_notice(d, local(date(2025, 7, 10), "12:00")) is None
    notice = overuse_notice(d, local(date(2025, 7, 27), "12:00"))
    assert notice is not None and notice.key == "overuse:triptan:notice:2025-07-27"


def test_simple_painkillers_and_nsaids_count_together_to_15() -> None:
    # ibuprofen on 6 days and paracetamol on 6 others: 12 days of the one class (8.2.3)
    days = _run(date(2025, 6, 1), 12)
    d = _diary(_on("ibuprofen", days[:6]) + _on("paracetamol", days[6:]))
    notice = overuse_notice(d, local(date(2025, 6, 12), "12:00"))
    assert notice is not None
    assert (notice.group, notice.level, notice.days, notice.limit) == (
        Group.SIMPLE,
        Level.NOTICE,
        12,
        15,
    )


def test_several_classes_none_over_its_own_limit() -> None:
    # Excedrin (combination) on 5 days, ibuprofen on 5 others: 10 days in all (8.2.6)
    days = _run(date(2025, 6, 1), 10)
    d = _diary(_on("excedrin", days[:5]) + _on("ibuprofen", days[5:]))
    notice = overuse_notice(d, local(date(2025, 6, 10), "12:00"))
    assert notice is not None
    assert (notice.group, notice.level, notice.days) == (Group.MIXED, Level.RISK, 10)


def test_three_windows_in_a_row_are_the_pattern() -> None:
    # 10 triptan days in each of the three 28-day windows ending 30 Jun
    days = _run(date(2025, 6, 21), 10) + _run(date(2025, 5, 24), 10) + _run(date(2025, 4, 26), 10)
    d = _diary(_on("sumatriptan", days))
    notice = overuse_notice(d, local(date(2025, 6, 30), "12:00"))
    assert notice is not None
    assert notice.level is Level.PATTERN
    assert notice.key == "overuse:triptan:pattern:2025-06-30"
    assert notice.text.startswith("Medication-overuse pattern for 3 months")


def test_days_are_the_persons_local_days() -> None:
    # 23:30 UTC on 1-7 Jun is 01:30 on 2-8 Jun in Berlin, and 12:00 UTC on 8 Jun is
    # 14:00 on 8 Jun: 8 days in UTC, but 7 of the person's days: no notice yet
    from datetime import datetime
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    meds = [
        MedicationTaken("sumatriptan", datetime(2025, 6, d, 23, 30, tzinfo=utc))
        for d in range(1, 8)
    ] + [MedicationTaken("sumatriptan", datetime(2025, 6, 8, 12, 0, tzinfo=utc))]
    assert overuse_notice(_diary(meds), local(date(2025, 6, 9), "12:00")) is None
