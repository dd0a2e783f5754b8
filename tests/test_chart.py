"""The /summary chart: a phone-sized PNG, or nothing when there is nothing to plot."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

from PIL import Image

from bot.domain.chart import _num, chart_data, date_ticks, render_chart
from bot.domain.diary import Anxiety, Attack, Diary, Dose, PlannedDose, Sleep
from bot.domain.stats import daily_series, period_bounds
from tests.diarygen import generate, local

TZ = "Europe/Berlin"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
        return image.size


def test_chart_of_a_synthetic_diary_is_a_phone_sized_png() -> None:
    diary, _, now = generate(seed=2)
    png = render_chart(diary, *period_bounds(diary, "30d", now), now)
    assert png is not None
    width, height = png_size(png)
    assert 1000 <= width <= 1200
    assert 800 <= height <= 1400


def test_chart_of_all_time_uses_weekly_means_and_still_renders() -> None:
    diary, _, now = generate(seed=2, baseline_days=365, on_days=730, dose_times=(time(8), time(21)))
    png = render_chart(diary, *period_bounds(diary, "all", now), now)
    assert png is not None and png_size(png)[0] >= 1000


def test_no_chart_for_a_person_with_no_data() -> None:
    now = local(date(2025, 6, 14))
    diary = Diary(tz=TZ, created_at=now)
    assert render_chart(diary, *period_bounds(diary, "30d", now), now) is None


def test_no_chart_when_only_anxiety_is_logged() -> None:
    now = local(date(2025, 6, 14))
    diary = Diary(tz=TZ, created_at=now, anxiety=[Anxiety(now, 5)])
    assert render_chart(diary, *period_bounds(diary, "7d", now), now) is None


def test_no_chart_when_the_period_is_empty_but_older_data_exists() -> None:
    now = local(date(2025, 6, 14))
    old = local(date(2025, 1, 5))
    diary = Diary(tz=TZ, created_at=old, attacks=[Attack(1, old, old + timedelta(hours=2))])
    assert render_chart(diary, *period_bounds(diary, "7d", now), now) is None


def test_one_entry_makes_a_chart() -> None:
    now = local(date(2025, 6, 14))
    diary = Diary(tz=TZ, created_at=now, sleep=[Sleep(date(2025, 6, 13), quality=4)])
    png = render_chart(diary, *period_bounds(diary, "7d", now), now)
    assert png is not None and png.startswith(PNG_SIGNATURE)


def test_chart_across_the_spring_clock_change_has_one_value_per_local_day() -> None:
    # 24 Mar to 6 Apr 2025 around the 23-hour 30 March: 14 days, one dose and one night each
    first = date(2025, 3, 24)
    days = [first + timedelta(days=i) for i in range(14)]
    diary = Diary(
        tz=TZ,
        created_at=local(first, "08:00"),
        dose_plan=[PlannedDose(time(21, 30), 200)],
        doses=[Dose(local(x, "21:30"), 200) for x in days],
        sleep=[Sleep(x, quality=3) for x in days],
        attacks=[Attack(1, local(days[6], "23:00"), local(days[7], "02:00"))],
    )
    now = local(days[-1], "22:00")
    series = daily_series(diary, first, days[-1] + timedelta(days=1), now)
    assert series.days == days
    assert series.mg == [200.0] * 14
    assert [d for d, m in zip(series.days, series.migraine, strict=True) if m] == days[6:8]
    assert render_chart(diary, first, days[-1] + timedelta(days=1), now) is not None


def test_chart_never_touches_pyplot() -> None:
    # pyplot keeps global figures: it must not even be imported inside the server
    code = (
        "import sys\n"
        "from diarygen import generate\n"
        "from bot.domain.chart import render_chart\n"
        "from bot.domain.stats import period_bounds\n"
        "d, _, now = generate()\n"
        "assert render_chart(d, *period_bounds(d, '90d', now), now)\n"
        "print('matplotlib.pyplot' in sys.modules)\n"
    )
    tests = Path(__file__).parent
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tests.parent,
        env={**os.environ, "PYTHONPATH": f"{tests}:{tests.parent}"},
    )
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- what the chart shows


def test_ticks_stay_inside_the_axis_and_carry_no_offset_text() -> None:
    # the period that ended in "2026-Dec" and a cut "Dec" before: Sep to Dec 2026
    first, last = date(2026, 9, 2), date(2026, 12, 31)
    ticks, labels = date_ticks(first, last)
    lo, hi = _num(first), _num(last) + 1
    margin = (hi - lo) * 0.04
    assert labels == ["Oct 2026", "Nov", "Dec"]
    assert all(lo + margin <= t <= hi - margin for t in ticks)


def test_ticks_over_a_new_year_name_the_year() -> None:
    _, labels = date_ticks(date(2025, 10, 1), date(2026, 3, 31))
    assert labels == ["Nov 2025", "Dec", "Jan 2026", "Feb", "Mar"]


def test_weekly_ticks_for_a_month_are_mondays_inside_the_axis() -> None:
    ticks, labels = date_ticks(date(2025, 5, 16), date(2025, 6, 14))
    assert labels == ["19 May", "26 May", "2 Jun", "9 Jun"]
    assert ticks == [_num(date(2025, 5, d)) + 0.5 for d in (19, 26)] + [
        _num(date(2025, 6, d)) + 0.5 for d in (2, 9)
    ]


def _diary(**fields: object) -> Diary:
    fields.setdefault("tz", TZ)
    fields.setdefault("created_at", local(date(2025, 6, 1)))
    return Diary(**fields)  # type: ignore[arg-type]


NOW = local(date(2025, 6, 14), "23:00")


def test_panels_with_no_data_are_left_out() -> None:
    # attacks and sleep, no doses: no magnesium panel
    d = _diary(
        attacks=[Attack(1, local(date(2025, 6, 3), "10:00"), local(date(2025, 6, 3), "14:00"))],
        sleep=[Sleep(date(2025, 6, n), quality=3) for n in range(1, 14)],
    )
    data = chart_data(d, *period_bounds(d, "30d", NOW), NOW)
    assert data is not None and data.panels == ("migraine", "sleep")


def test_anxiety_has_a_panel_when_it_is_a_goal() -> None:
    anxiety = [Anxiety(local(date(2025, 6, n), "20:00"), 5) for n in range(1, 15)]
    without = _diary(anxiety=anxiety, sleep=[Sleep(date(2025, 6, 2), quality=3)])
    with_goal = _diary(anxiety=anxiety, goals=("anxiety",), sleep=[Sleep(date(2025, 6, 2), 3)])
    bounds = period_bounds(without, "30d", NOW)
    plain = chart_data(without, *bounds, NOW)
    goal = chart_data(with_goal, *bounds, NOW)
    assert plain is not None and goal is not None
    assert plain.panels == ("sleep",)
    assert goal.panels == ("sleep", "anxiety")
    taller = render_chart(with_goal, *bounds, NOW)
    shorter = render_chart(without, *bounds, NOW)
    assert taller is not None and shorter is not None
    assert png_size(taller)[1] > png_size(shorter)[1]


def test_under_two_weeks_the_chart_is_a_day_by_day_strip() -> None:
    # 3 days of diary: three daily bars, not one weekly bar of 1
    d = _diary(
        created_at=local(date(2025, 6, 12)),
        attacks=[Attack(1, local(date(2025, 6, 13), "10:00"), local(date(2025, 6, 13), "14:00"))],
    )
    data = chart_data(d, *period_bounds(d, "30d", NOW), NOW)
    assert data is not None and data.strip
    assert data.migraine_per_bin == (0, 1, 0)
    assert data.headline[-1] == "12 Jun – 14 Jun 2025: migraine days 1 in 3 days logged"


def test_from_two_weeks_the_bars_are_weekly_and_add_up_to_the_migraine_days() -> None:
    d = _diary(
        attacks=[
            Attack(i, local(date(2025, 6, n), "10:00"), local(date(2025, 6, n), "14:00"))
            for i, n in enumerate((1, 2, 9, 14))
        ]
    )
    data = chart_data(d, *period_bounds(d, "30d", NOW), NOW)
    assert data is not None and not data.strip
    # weeks end with 14 Jun: [1, 8) and [8, 15)
    assert data.bins == ((0, 7), (7, 14))
    assert data.migraine_per_bin == (2, 2)


def test_the_before_and_on_magnesium_figures_are_written_on_the_chart() -> None:
    diary, _, now = generate(seed=7)
    data = chart_data(diary, *period_bounds(diary, "all", now), now)
    assert data is not None
    assert data.headline[0] == "Migraine days per 28 days: 8.0 before → 4.0 on magnesium"
