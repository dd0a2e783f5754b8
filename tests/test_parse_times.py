"""Times in check-ins resolve against when the message was sent, in the writer's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.parse import parse_json as parse


def started(text: str, now: str, tz: str = "Europe/Paris") -> str | None:
    attack = [e for e in parse(text, datetime.fromisoformat(now), tz) if e["type"] == "attack"]
    assert attack, text
    return attack[0]["started_at"]


PARIS_5PM = "2026-05-04T17:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("migraine since 2pm", "2026-05-04T14:00:00+02:00"),
        ("migraine since 2 p.m.", "2026-05-04T14:00:00+02:00"),
        ("migraine since 14:30", "2026-05-04T14:30:00+02:00"),
        ("migraine at 9:30am", "2026-05-04T09:30:00+02:00"),
        ("migraine since 3", "2026-05-04T15:00:00+02:00"),
        ("migraine since noon", "2026-05-04T12:00:00+02:00"),
        ("migraine since midday", "2026-05-04T12:00:00+02:00"),
        ("headache started 2 hours ago", "2026-05-04T15:00:00+02:00"),
        ("headache started an hour ago", "2026-05-04T16:00:00+02:00"),
        ("headache started half an hour ago", "2026-05-04T16:30:00+02:00"),
        ("headache since 45 minutes ago", "2026-05-04T16:15:00+02:00"),
        ("migraine this morning", "2026-05-04T08:00:00+02:00"),
        ("migraine since this afternoon", "2026-05-04T15:00:00+02:00"),
        ("migraine since last night", "2026-05-03T22:00:00+02:00"),
        ("migraine started at 7 this morning", "2026-05-04T07:00:00+02:00"),
        ("migraine since 11 last night", "2026-05-03T23:00:00+02:00"),
        ("migraine since yesterday at 4pm", "2026-05-03T16:00:00+02:00"),
        ("migraine since yesterday evening", "2026-05-03T19:00:00+02:00"),
        ("migraine since lunch", "2026-05-04T12:30:00+02:00"),
        ("headache since 7pm", "2026-05-03T19:00:00+02:00"),
        ("headache on March 3", "2026-03-03T12:00:00+01:00"),
        ("migraine on 3/3", "2026-03-03T12:00:00+01:00"),
        ("migraine on the 2nd", "2026-05-02T12:00:00+02:00"),
        ("migraine on 25 December", "2025-12-25T12:00:00+01:00"),
        ("migraine on monday", "2026-05-04T12:00:00+02:00"),
        ("migraine last saturday", "2026-05-02T12:00:00+02:00"),
        ("migraine 2 days ago", "2026-05-02T12:00:00+02:00"),
        ("migraine 2026-04-30 at 8am", "2026-04-30T08:00:00+02:00"),
    ],
)
def test_start_times(text: str, expected: str) -> None:
    assert started(text, PARIS_5PM) == expected


def test_a_clock_time_later_than_now_means_yesterday() -> None:
    assert started("migraine since 10pm", "2026-05-06T02:00:00+02:00") == (
        "2026-05-05T22:00:00+02:00"
    )
    assert started("headache since 7pm", "2026-05-05T09:00:00-07:00", "America/Los_Angeles") == (
        "2026-05-04T19:00:00-07:00"
    )


def test_no_time_stated_means_no_start() -> None:
    assert started("migraine 6/10", PARIS_5PM) is None


def test_range_with_absolute_date() -> None:
    attack = parse(
        "headache on March 3 from 2pm to 6pm", datetime.fromisoformat(PARIS_5PM), "Europe/Paris"
    )[0]
    assert attack["started_at"] == "2026-03-03T14:00:00+01:00"
    assert attack["ended_at"] == "2026-03-03T18:00:00+01:00"


def test_range_yesterday_and_over_midnight() -> None:
    now = datetime.fromisoformat("2026-05-05T21:00:00+02:00")
    a = parse("headache from 9am to 1pm yesterday, 4/10", now, "Europe/Paris")[0]
    assert (a["started_at"], a["ended_at"]) == (
        "2026-05-04T09:00:00+02:00",
        "2026-05-04T13:00:00+02:00",
    )
    b = parse("migraine from 11pm to 3am", now, "Europe/Paris")[0]
    assert (b["started_at"], b["ended_at"]) == (
        "2026-05-04T23:00:00+02:00",
        "2026-05-05T03:00:00+02:00",
    )
    c = parse("headache from 2 to 6pm", now, "Europe/Paris")[0]
    assert (c["started_at"], c["ended_at"]) == (
        "2026-05-05T14:00:00+02:00",
        "2026-05-05T18:00:00+02:00",
    )


def test_us_dates_are_month_first() -> None:
    now = "2026-05-05T09:00:00-04:00"
    assert started("migraine on 4/3", now, "America/New_York") == "2026-04-03T12:00:00-04:00"
    assert started("migraine on 4/3", "2026-05-05T09:00:00+02:00") == ("2026-03-04T12:00:00+01:00")


# --- DST ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "now", "tz", "expected"),
    [
        # Berlin springs forward on 2026-03-29 at 02:00 (+01:00 -> +02:00)
        (
            "migraine since 1am",
            "2026-03-29T05:00:00+02:00",
            "Europe/Berlin",
            "2026-03-29T01:00:00+01:00",
        ),
        (
            "migraine since 4am",
            "2026-03-29T05:00:00+02:00",
            "Europe/Berlin",
            "2026-03-29T04:00:00+02:00",
        ),
        (
            "migraine started 2 hours ago",
            "2026-03-29T03:30:00+02:00",
            "Europe/Berlin",
            "2026-03-29T00:30:00+01:00",
        ),
        # 02:30 does not exist that night: the first valid time after it
        (
            "migraine since 2:30am",
            "2026-03-29T05:00:00+02:00",
            "Europe/Berlin",
            "2026-03-29T03:30:00+02:00",
        ),
        (
            "migraine since 10pm",
            "2026-03-29T01:00:00+01:00",
            "Europe/Berlin",
            "2026-03-28T22:00:00+01:00",
        ),
        # Berlin falls back on 2026-10-25 at 03:00 (+02:00 -> +01:00)
        (
            "migraine started 3 hours ago",
            "2026-10-25T04:00:00+01:00",
            "Europe/Berlin",
            "2026-10-25T02:00:00+02:00",
        ),
        (
            "migraine since yesterday at 9am",
            "2026-10-25T12:00:00+01:00",
            "Europe/Berlin",
            "2026-10-24T09:00:00+02:00",
        ),
        # New York springs forward on 2026-03-08, falls back on 2026-11-01
        (
            "migraine since 1am",
            "2026-03-08T09:00:00-04:00",
            "America/New_York",
            "2026-03-08T01:00:00-05:00",
        ),
        (
            "migraine since 8am",
            "2026-03-08T09:00:00-04:00",
            "America/New_York",
            "2026-03-08T08:00:00-04:00",
        ),
        (
            "migraine started an hour ago",
            "2026-03-08T03:30:00-04:00",
            "America/New_York",
            "2026-03-08T01:30:00-05:00",
        ),
        (
            "migraine since 9pm",
            "2026-11-01T08:00:00-05:00",
            "America/New_York",
            "2026-10-31T21:00:00-04:00",
        ),
        (
            "migraine last night",
            "2026-11-01T08:00:00-05:00",
            "America/New_York",
            "2026-10-31T22:00:00-04:00",
        ),
    ],
)
def test_dst(text: str, now: str, tz: str, expected: str) -> None:
    assert started(text, now, tz) == expected


def test_now_in_another_offset_is_shown_in_the_users_zone() -> None:
    result = parse(
        "migraine is over", datetime.fromisoformat("2026-05-04T12:00:00+00:00"), "Asia/Tokyo"
    )
    assert result == [{"type": "attack_end", "ended_at": "2026-05-04T21:00:00+09:00"}]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("magnesium glycinate 300mg at 9:30pm", "2026-05-04T21:30:00+02:00"),
        ("took magnesium at 21:30", "2026-05-04T21:30:00+02:00"),
        ("took my magnesium 10 minutes ago", "2026-05-04T22:20:00+02:00"),
        ("took magnesium at bedtime", "2026-05-04T22:00:00+02:00"),
    ],
)
def test_dose_times(text: str, expected: str) -> None:
    now = datetime.fromisoformat("2026-05-04T22:30:00+02:00")
    dose = next(e for e in parse(text, now, "Europe/Paris") if e["type"] == "dose")
    assert dose["taken_at"] == expected


def test_pain_numbers_are_not_times() -> None:
    now = datetime.fromisoformat(PARIS_5PM)
    a = parse("headache 3/10 after 2 beers", now, "Europe/Paris")[0]
    assert (a["intensity"], a["started_at"]) == (3, None)
    u = parse("migraine went from 8 to 3", now, "Europe/Paris")[0]
    assert u == {"type": "attack_update", "intensity": 3, "at": PARIS_5PM}


@pytest.mark.parametrize(
    ("text", "tz", "found"),
    [
        ("headache on February 30 from 2pm to 6pm", "Europe/Paris", ["february 30"]),
        ("30 feb migraine", "Europe/Paris", ["30 feb"]),
        ("migraine 7/10 on 2026-13-45", "Europe/Paris", ["2026 - 13 - 45"]),
        ("migraine on 31/04/2026", "Europe/Paris", ["31 / 04 / 2026"]),
        ("headache on 2/30/2026", "America/New_York", ["2 / 30 / 2026"]),
        ("headache on March 3 from 2pm to 6pm", "Europe/Paris", []),
        ("migraine 7/10", "Europe/Paris", []),
        ("headache on 29 February 2028", "Europe/Paris", []),
    ],
)
def test_impossible_calendar_dates_are_found(text: str, tz: str, found: list[str]) -> None:
    from bot.domain.parsing import impossible_dates

    now = datetime(2026, 5, 5, 12, 0, tzinfo=ZoneInfo(tz))
    assert impossible_dates(text, now, tz) == found
