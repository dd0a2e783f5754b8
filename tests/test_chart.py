"""The /summary chart: a phone-sized PNG, or nothing when there is nothing to plot."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, time, timedelta
from pathlib import Path

from PIL import Image

from bot.domain.chart import render_chart
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
