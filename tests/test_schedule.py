"""The pure time rules of prompts: zones, DST, quiet hours, follow-up slots, grace."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import schedule as sch

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = sch.Quiet(time(23, 0), time(7, 0))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local_times(zone: ZoneInfo, at: time, start: datetime, days: int) -> list[datetime]:
    return [
        when.astimezone(zone)
        for when, _ in sch.occurrences([at], zone, start, start + timedelta(days=days))
    ]


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        (BERLIN, utc(2026, 3, 26)),  # spring forward on Sun 29 March
        (BERLIN, utc(2026, 10, 22)),  # fall back on Sun 25 October
        (NEW_YORK, utc(2026, 3, 5)),  # spring forward on Sun 8 March
        (NEW_YORK, utc(2026, 10, 29)),  # fall back on Sun 1 November
    ],
)
def test_bedtime_dose_stays_at_2130_local_across_dst(zone: ZoneInfo, start: datetime) -> None:
    seen = local_times(zone, time(21, 30), start, 7)
    assert len(seen) == 7
    assert {(t.hour, t.minute) for t in seen} == {(21, 30)}
    offsets = {t.utcoffset() for t in seen}
    assert len(offsets) == 2, "the week crosses a DST change, so the UTC instants shift"
    assert [t.date() for t in seen] == [seen[0].date() + timedelta(days=i) for i in range(7)]


@pytest.mark.parametrize(
    ("zone", "day"),
    [(BERLIN, date(2026, 3, 29)), (NEW_YORK, date(2026, 3, 8))],
)
def test_time_in_spring_gap_goes_to_first_valid_minute_after(zone: ZoneInfo, day: date) -> None:
    when = sch.local_to_utc(day, time(2, 30), zone).astimezone(zone)
    assert (when.date(), when.hour, when.minute) == (day, 3, 0)
    # and the day before and after keep 02:30
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        normal = sch.local_to_utc(other, time(2, 30), zone).astimezone(zone)
        assert (normal.hour, normal.minute) == (2, 30)


def test_gap_minute_before_the_change_still_exists() -> None:
    when = sch.local_to_utc(date(2026, 3, 29), time(1, 59), BERLIN).astimezone(BERLIN)
    assert (when.hour, when.minute) == (1, 59)


def test_a_skipped_calendar_day_goes_to_the_next_midnight() -> None:
    apia = ZoneInfo("Pacific/Apia")  # Samoa skipped 30 December 2011
    when = sch.local_to_utc(date(2011, 12, 30), time(10, 0), apia).astimezone(apia)
    assert when.replace(tzinfo=None) == datetime(2011, 12, 31, 0, 0)


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected_utc"),
    [
        (BERLIN, date(2026, 10, 25), time(2, 30), utc(2026, 10, 25, 0, 30)),  # CEST, not CET
        (NEW_YORK, date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),  # EDT, not EST
    ],
)
def test_time_in_autumn_fold_is_the_first_occurrence(
    zone: ZoneInfo, day: date, at: time, expected_utc: datetime
) -> None:
    assert sch.local_to_utc(day, at, zone) == expected_utc


def test_fold_time_is_prompted_once_that_night() -> None:
    seen = local_times(BERLIN, time(2, 30), utc(2026, 10, 24, 12), 1)
    assert len(seen) == 1


def test_gap_time_is_prompted_once_that_night() -> None:
    seen = local_times(BERLIN, time(2, 30), utc(2026, 3, 28, 12), 1)
    assert len(seen) == 1 and (seen[0].hour, seen[0].minute) == (3, 0)


def test_zone_change_moves_the_instant_not_the_wall_time() -> None:
    start = utc(2026, 6, 1)
    berlin = [t for t, _ in sch.occurrences([time(21, 30)], BERLIN, start, start + timedelta(1))]
    ny = [t for t, _ in sch.occurrences([time(21, 30)], NEW_YORK, start, start + timedelta(1))]
    assert berlin == [utc(2026, 6, 1, 19, 30)]
    assert ny == [utc(2026, 6, 1, 1, 30)]  # 21:30 on 31 May in New York


def test_occurrences_exclude_start_include_end() -> None:
    at = utc(2026, 6, 1, 19, 30)  # 21:30 in Berlin
    assert not list(sch.occurrences([time(21, 30)], BERLIN, at, at + timedelta(hours=1)))
    assert list(sch.occurrences([time(21, 30)], BERLIN, at - timedelta(hours=1), at))


# --- quiet hours ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "inside"),
    [
        (time(22, 59), False),
        (time(23, 0), True),
        (time(2, 0), True),
        (time(6, 59), True),
        (time(7, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_window_wrapping_midnight(at: time, inside: bool) -> None:
    assert NIGHT.contains(at) is inside


def test_quiet_window_within_a_day_and_off() -> None:
    nap = sch.Quiet(time(13, 0), time(15, 0))
    assert nap.contains(time(14, 0)) and not nap.contains(time(15, 0))
    assert not sch.Quiet(time(23, 0), time(23, 0)).contains(time(23, 30))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 6, 1, 23, 30), datetime(2026, 6, 2, 7, 0)),  # evening -> next morning
        (datetime(2026, 6, 2, 3, 0), datetime(2026, 6, 2, 7, 0)),  # small hours -> same morning
        (datetime(2026, 6, 2, 8, 0), datetime(2026, 6, 2, 8, 0)),  # outside: unchanged
    ],
)
def test_followup_in_quiet_hours_waits_for_their_end(local: datetime, expected: datetime) -> None:
    when = local.replace(tzinfo=BERLIN).astimezone(UTC)
    pushed = sch.push_out_of_quiet(when, BERLIN, NIGHT).astimezone(BERLIN)
    assert pushed.replace(tzinfo=None) == expected


def test_quiet_end_on_a_dst_night_is_local_seven() -> None:
    when = datetime(2026, 3, 29, 1, 0, tzinfo=BERLIN).astimezone(UTC)
    pushed = sch.push_out_of_quiet(when, BERLIN, NIGHT).astimezone(BERLIN)
    assert (pushed.day, pushed.hour, pushed.minute) == (29, 7, 0)


# --- follow-up slots ----------------------------------------------------------------------


def test_first_followup_is_two_hours_after_onset() -> None:
    onset = datetime(2026, 6, 1, 14, 0, tzinfo=BERLIN)
    first = sch.first_followup(
        onset, onset + timedelta(minutes=10), timedelta(hours=2), BERLIN, NIGHT
    )
    assert first == onset + timedelta(hours=2)


def test_attack_logged_late_is_asked_after_the_interval_from_now() -> None:
    onset = datetime(2026, 6, 1, 10, 0, tzinfo=BERLIN)
    now = onset + timedelta(hours=3)
    assert sch.first_followup(onset, now, timedelta(hours=2), BERLIN, NIGHT) == now + timedelta(
        hours=2
    )


def test_evening_attack_first_followup_waits_for_the_morning() -> None:
    onset = datetime(2026, 6, 1, 22, 0, tzinfo=BERLIN)
    first = sch.first_followup(onset, onset, timedelta(hours=2), BERLIN, NIGHT)
    assert first is not None
    assert first.astimezone(BERLIN).replace(tzinfo=None) == datetime(2026, 6, 2, 7, 0)


def test_followups_every_four_hours_never_in_quiet_hours_and_stop_at_72h() -> None:
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN)
    every = timedelta(hours=4)
    slots = [sch.first_followup(onset, onset, timedelta(hours=2), BERLIN, NIGHT)]
    while True:
        previous = slots[-1]
        assert previous is not None
        nxt = sch.next_followup(previous, previous, onset, every, BERLIN, NIGHT)
        if nxt is None:
            break
        slots.append(nxt)
    local = [s.astimezone(BERLIN) for s in slots if s is not None]
    assert local[0].hour == 11 and local[1].hour == 15 and local[2].hour == 19
    assert local[3].replace(tzinfo=None) == datetime(2026, 6, 2, 7, 0)  # not 23:00 or 03:00
    assert all(not NIGHT.contains(t.time()) for t in local)
    assert all(s < onset + sch.FOLLOWUP_LIMIT for s in slots if s is not None)
    assert local[-1] > onset + timedelta(hours=64)


def test_next_followup_after_downtime_is_the_first_slot_ahead() -> None:
    onset = datetime(2026, 6, 1, 9, 0, tzinfo=BERLIN)
    previous = onset + timedelta(hours=2)  # 11:00
    now = onset + timedelta(hours=9)  # 18:00: the 15:00 slot passed during downtime
    nxt = sch.next_followup(previous, now, onset, timedelta(hours=4), BERLIN, NIGHT)
    assert nxt is not None and nxt.astimezone(BERLIN).hour == 19


# --- grace --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "late", "stale"),
    [
        (sch.DOSE, timedelta(minutes=59), False),
        (sch.DOSE, timedelta(minutes=60), True),
        (sch.SNOOZE, timedelta(minutes=30), False),
        (sch.MORNING, timedelta(minutes=90), False),
        (sch.MORNING, timedelta(hours=3), True),
        (sch.FOLLOWUP, timedelta(hours=3, minutes=59), False),
        (sch.FOLLOWUP, timedelta(hours=4), True),
    ],
)
def test_grace_rule(kind: str, late: timedelta, stale: bool) -> None:
    due = utc(2026, 6, 1, 19, 30)
    assert sch.is_stale(kind, due, due + late, timedelta(hours=4)) is stale


def test_followup_grace_follows_the_users_interval() -> None:
    due = utc(2026, 6, 1, 12)
    assert sch.is_stale(sch.FOLLOWUP, due, due + timedelta(minutes=2), timedelta(minutes=1))


def test_yesterdays_dose_prompt_cannot_be_answered() -> None:
    due = utc(2026, 6, 1, 19, 30)
    assert sch.answerable(sch.DOSE, due, due + timedelta(hours=2))
    assert not sch.answerable(sch.DOSE, due, due + timedelta(hours=14))


# --- the 2-hour response ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "now", "gone", "expected"),
    [
        (7, 0, False, "gone"),
        (7, None, True, "gone"),
        (7, 4, False, "reduced"),
        (7, 7, False, "none"),
        (7, 8, False, "none"),
        (None, 5, False, None),
    ],
)
def test_two_hour_response(start: int | None, now: int | None, gone: bool, expected: str) -> None:
    assert sch.two_hour_response(start, now, gone) == expected


def test_only_a_timely_answer_to_the_first_followup_is_the_two_hour_response() -> None:
    onset = utc(2026, 6, 1, 12)
    first = timedelta(hours=2)
    assert sch.counts_as_two_hour(onset, onset + timedelta(hours=2, minutes=20), first, True)
    assert not sch.counts_as_two_hour(onset, onset + timedelta(hours=2, minutes=20), first, False)
    assert not sch.counts_as_two_hour(onset, onset + timedelta(hours=9), first, True)


def test_unknown_zone_falls_back_to_utc() -> None:
    assert sch.zone_of("Mars/Olympus_Mons") == ZoneInfo("UTC")
