"""The day named is the day stored (DESIGN §6a): when an entry happened.

The parser gives each time it read (aware, in the person's zone) or None when
the message said none; `assumed` names the times whose time of day it chose.
These rules pick what is left: the message's own time, the planned dose time
on a named day, last night.
"""

from __future__ import annotations

from datetime import date, datetime, time

from bot.diary.scope import Scope
from bot.domain import schedule as sch
from storage.models import User


def when(scope: Scope, value: datetime | None) -> datetime:
    """A time the person named, or the message's own time; never later than the message."""
    if value is None:
        return scope.sent_at
    return min(value, scope.sent_at)


def last_night(scope: Scope) -> date:
    """The night a message about "last night" means: the one that began the evening before."""
    return sch.last_night(scope.local(scope.sent_at))


def today(scope: Scope) -> date:
    return scope.local(scope.sent_at).date()


def planned_dose_time(user: User, day: date, near: time | None = None) -> datetime | None:
    """The planned dose time on `day` (the one nearest `near`, else the last of the day)."""
    times = sorted(item.local_time for item in user.dose_plan)
    if not times:
        return None
    chosen = times[-1]
    if near is not None:

        def distance(t: time) -> int:
            d = abs(t.hour * 60 + t.minute - (near.hour * 60 + near.minute))
            return min(d, 1440 - d)

        chosen = min(times, key=distance)
    return sch.local_to_utc(day, chosen, sch.zone_of(user.timezone))


def planned_amount(user: User, at: datetime) -> float | None:
    """The planned dose nearest in time of day, for "took my magnesium"."""
    if not user.dose_plan:
        return None
    local = at.astimezone(sch.zone_of(user.timezone))
    minutes = local.hour * 60 + local.minute

    def distance(t: time) -> int:
        d = abs(t.hour * 60 + t.minute - minutes)
        return min(d, 1440 - d)

    return float(min(user.dose_plan, key=lambda item: distance(item.local_time)).amount_mg)
