"""When prompts fall due: local wall-clock times to UTC instants (DESIGN §5).

Pure time logic, no Telegram and no SQL, so every rule here is tested with plain
parametrised tests:

- a planned local time stays at that wall-clock time across DST changes;
- a time that does not exist that day (the spring gap) goes to the first valid
  minute after the gap; a time that exists twice (the autumn fold) is the first;
- quiet hours push follow-ups to the end of the window;
- follow-ups come at +first, then every interval, for at most 72 h;
- the grace rule after downtime: how late a prompt may still be sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Prompt kinds, as stored in `prompt.kind`.
DOSE = "dose"
SNOOZE = "snooze"  # a dose prompt asked again after "Snooze 30 min"; not from the plan
FOLLOWUP = "followup"
RECURRENCE = "recurrence"
MORNING = "morning"
PLANNED_KINDS = (DOSE, MORNING)  # materialised from the user's settings
ATTACK_KINDS = (FOLLOWUP, RECURRENCE)

# How far ahead recurring prompts are materialised.
HORIZON = timedelta(hours=48)
# Follow-ups stop this long after the attack began.
FOLLOWUP_LIMIT = timedelta(hours=72)
# ... or after this many follow-ups in a row went unanswered.
UNANSWERED_LIMIT = 2
RECURRENCE_AFTER = timedelta(hours=24)
SNOOZE_FOR = timedelta(minutes=30)

# The grace rule: a prompt overdue by less than this is still sent (once);
# an older one is marked missed. A follow-up's grace is its next slot instead.
GRACE = {
    DOSE: timedelta(hours=1),
    SNOOZE: timedelta(hours=1),
    MORNING: timedelta(hours=2),
    RECURRENCE: timedelta(hours=12),
}
# After the morning question, the next typed message is read as last night's
# sleep for this long; later text is an ordinary check-in again.
MORNING_TYPED_ANSWER = timedelta(hours=3)
# A prompt's buttons still count this long after it was due; later taps are
# answered as stale (yesterday's dose prompt must not log a dose for today).
ANSWERABLE_FOR = {
    DOSE: timedelta(hours=12),
    SNOOZE: timedelta(hours=12),
    MORNING: timedelta(hours=16),
    FOLLOWUP: timedelta(hours=24),
    RECURRENCE: timedelta(hours=24),
}


def zone_of(name: str) -> ZoneInfo:
    """The user's zone; an unknown name (a zone database update removed it) falls back to UTC."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _exists(local: datetime) -> bool:
    """Whether a wall-clock time (tz-aware, zoneinfo) exists, i.e. survives a round trip."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`.

    In the spring gap the wall time does not exist: the result is the first valid
    minute after the gap (02:30 in Berlin on the last Sunday of March -> 03:00 CEST).
    In the autumn fold it exists twice: the result is the first (fold=0).
    """
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    if _exists(local):
        return local.astimezone(UTC)
    # fold=1 reads the gap time with the offset after the transition, which lands
    # before the transition; fold=0 reads it with the offset before, landing after.
    # The transition (the first valid instant after the gap) lies between them.
    low = local.replace(fold=1).astimezone(UTC)
    high = local.astimezone(UTC)
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
            high = mid
        else:
            low = mid
    # `high` is within a second after the transition; transitions fall on whole
    # minutes, so the minute it is in is the answer if that minute is already past it.
    minute = high.replace(second=0, microsecond=0)
    if minute.astimezone(zone).utcoffset() == high.astimezone(zone).utcoffset():
        return minute
    return minute + timedelta(minutes=1)


def occurrences(
    times: Iterable[time], zone: ZoneInfo, start: datetime, end: datetime
) -> Iterator[tuple[datetime, time]]:
    """Each (UTC instant, planned local time) of the daily `times` with start < instant <= end."""
    planned = sorted(set(times))
    if not planned:
        return
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    day = first
    while day <= last:
        for at in planned:
            when = local_to_utc(day, at, zone)
            if start < when <= end:
                yield when, at
        day += timedelta(days=1)


@dataclass(frozen=True)
class Quiet:
    """A daily window with no follow-ups, in local time; start == end means none."""

    start: time
    end: time

    @property
    def off(self) -> bool:
        return self.start == self.end

    def contains(self, at: time) -> bool:
        if self.off:
            return False
        at = at.replace(tzinfo=None, fold=0)
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end  # the window wraps midnight


def push_out_of_quiet(when: datetime, zone: ZoneInfo, quiet: Quiet) -> datetime:
    """`when`, or the end of the quiet window it is in (02:00 waits till 07:00)."""
    local = when.astimezone(zone)
    if not quiet.contains(local.time()):
        return when
    day = local.date()
    if quiet.start > quiet.end and local.time().replace(fold=0) >= quiet.start:
        day += timedelta(days=1)  # evening part of a window that wraps midnight
    return max(when, local_to_utc(day, quiet.end, zone))


def first_followup(
    started_at: datetime,
    now: datetime,
    first: timedelta,
    zone: ZoneInfo,
    quiet: Quiet,
) -> datetime | None:
    """When to ask first after an attack is logged; None past the 72 h limit.

    Normally onset + first (the 2-hour question). An attack logged so late that
    this has passed gets its first question `first` after it was logged.
    """
    when = started_at + first
    if when <= now:
        when = now + first
    when = push_out_of_quiet(when, zone, quiet)
    return when if when < started_at + FOLLOWUP_LIMIT else None


def next_followup(
    previous: datetime,
    now: datetime,
    started_at: datetime,
    every: timedelta,
    zone: ZoneInfo,
    quiet: Quiet,
) -> datetime | None:
    """The slot after `previous` that is still ahead of `now`; None past the 72 h limit."""
    when = push_out_of_quiet(previous + every, zone, quiet)
    while when <= now:
        when = push_out_of_quiet(when + every, zone, quiet)
    return when if when < started_at + FOLLOWUP_LIMIT else None


def recurrence_check(ended_at: datetime, zone: ZoneInfo, quiet: Quiet) -> datetime:
    """The "did it come back?" question: 24 h after the end, outside quiet hours."""
    return push_out_of_quiet(ended_at + RECURRENCE_AFTER, zone, quiet)


def grace(kind: str, every: timedelta | None = None) -> timedelta:
    """How late a prompt of `kind` may still be sent; a follow-up's grace is its interval."""
    if kind == FOLLOWUP:
        return every if every is not None else timedelta(hours=4)
    return GRACE.get(kind, timedelta(hours=1))


def is_stale(kind: str, scheduled_for: datetime, now: datetime, every: timedelta | None) -> bool:
    """Whether a prompt is too late to send now (the grace rule after downtime)."""
    return now - scheduled_for >= grace(kind, every)


def answerable(kind: str, scheduled_for: datetime, now: datetime) -> bool:
    """Whether a tap on the prompt's buttons still counts."""
    return now - scheduled_for <= ANSWERABLE_FOR.get(kind, timedelta(hours=12))


def counts_as_two_hour(
    started_at: datetime, answered_at: datetime, first: timedelta, first_of_attack: bool
) -> bool:
    """Whether a follow-up answer is the attack's 2-hour response (DESIGN §6).

    It is the answer to the first follow-up, given by twice the first interval
    after onset (so about 2 h with the default 2 h; a first question that was
    pushed to the morning by quiet hours, or answered the next day, is not).
    """
    return first_of_attack and answered_at - started_at <= 2 * first


def two_hour_response(start_intensity: int | None, intensity: int | None, gone: bool) -> str | None:
    """ "gone", "reduced" or "none" against the intensity at the start; None if unknown."""
    if gone or intensity == 0:
        return "gone"
    if intensity is None or start_intensity is None:
        return None
    return "reduced" if intensity < start_intensity else "none"


# "slept badly" written before 20:00 is about the night that began yesterday.
NIGHT_ROLLOVER = timedelta(hours=20)


def last_night(local_now: datetime) -> date:
    """The night a message about "last night" means: the one that began the evening before."""
    return (local_now - NIGHT_ROLLOVER).date()


def night_of(morning_local: date) -> date:
    """The night a morning check-in asks about: the one that began the evening before."""
    return morning_local - timedelta(days=1)
