"""The month calendar: a heat map of headache days with dose marks, as on a paper diary."""

from __future__ import annotations

import io
from datetime import date, time

import pytest
from PIL import Image

from bot.domain import calendar as cal
from bot.domain.calendar import render_calendar
from bot.domain.diary import Attack, Diary, Dose, MedicationTaken, PlannedDose
from tests.diarygen import local

TZ = "Europe/Berlin"
NOW = local(date(2025, 6, 20), "22:00")


def _image(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data)).convert("RGB")


def _cell_pixel(image: Image.Image, year: int, month: int, day: int) -> tuple[int, int, int]:
    """The colour in the middle-left of a day's square (clear of the numbers and marks)."""
    import calendar as calendar_module

    weeks = calendar_module.Calendar(0).monthdatescalendar(year, month)
    row = next(i for i, w in enumerate(weeks) if date(year, month, day) in w)
    col = date(year, month, day).weekday()
    width, height = image.size
    height_in = cal.HEADER_IN + cal.ROW_IN * len(weeks) + 0.45 + cal.LEGEND_IN
    top = 1 - (cal.HEADER_IN + 0.45) / height_in
    bottom = cal.LEGEND_IN / height_in
    x = (0.03 + 0.94 * (col + 0.2) / 7) * width
    y = (1 - (top - (top - bottom) * (row + 0.55) / len(weeks))) * height
    pixel = image.getpixel((int(x), int(y)))
    assert isinstance(pixel, tuple)
    return (int(pixel[0]), int(pixel[1]), int(pixel[2]))


def _hex(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def test_the_calendar_colours_migraine_and_headache_days() -> None:
    diary = Diary(
        tz=TZ,
        created_at=local(date(2025, 6, 1)),
        dose_plan=[PlannedDose(time(21), 200)],
        doses=[Dose(local(date(2025, 6, n), "21:00"), 200) for n in range(1, 20)],
        attacks=[
            Attack(
                1,
                local(date(2025, 6, 3), "10:00"),
                local(date(2025, 6, 3), "16:00"),
                peak_intensity=7,
            ),
            Attack(
                2,
                local(date(2025, 6, 9), "10:00"),
                local(date(2025, 6, 9), "12:00"),
                kind="headache",
                peak_intensity=4,
            ),
        ],
        # a triptan alone makes 12 Jun a migraine day
        medications=[MedicationTaken("sumatriptan", local(date(2025, 6, 12), "09:00"))],
    )
    image = _image(render_calendar(diary, 2025, 6, NOW))
    assert image.size[0] == 1100
    assert _cell_pixel(image, 2025, 6, 3) == _hex(cal.MIGRAINE)
    assert _cell_pixel(image, 2025, 6, 12) == _hex(cal.MIGRAINE)
    assert _cell_pixel(image, 2025, 6, 9) == _hex(cal.HEADACHE)
    assert _cell_pixel(image, 2025, 6, 5) == _hex(cal.CLEAR)
    assert _cell_pixel(image, 2025, 6, 25) == _hex(cal.UNLOGGED)  # after today


def test_a_month_with_nothing_logged_is_still_a_calendar() -> None:
    diary = Diary(tz=TZ, created_at=local(date(2025, 6, 1)))
    assert _image(render_calendar(diary, 2025, 3, NOW)).size[0] == 1100


def test_month_must_be_real() -> None:
    with pytest.raises(ValueError):
        render_calendar(Diary(tz=TZ, created_at=NOW), 2025, 13, NOW)
