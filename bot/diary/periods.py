"""Days of the menstrual period, so the summary can relate migraines to the cycle.

Day 1 of a cycle is a day logged as the start ("period started"), or else the
first of a run of period days; the summary compares migraine days around
day 1 (days -2 to +3, ICHD-3 A1.1.1) with the others once 2 cycles are logged.
"""

from __future__ import annotations

from bot.diary import journal
from bot.diary.results import PeriodLogged
from bot.diary.scope import Scope
from bot.diary.times import today
from bot.domain.entries import PeriodEntry
from storage.enums import EntryKind
from storage.models import Period
from storage.queries import diary


async def record_period(scope: Scope, entry: PeriodEntry, raw: str) -> PeriodLogged:
    """One row per day; "period started" on a day already noted marks it as the first day."""
    day = entry.on or today(scope)
    row = await diary.period_on(scope.session, scope.user.id, day)
    if row is not None:
        if entry.started and not row.started:
            row.started = True  # the day was noted; now it is known to be day 1
            journal.note(scope, EntryKind.PERIOD_START, row.id)
            return PeriodLogged(row, marked_first=True)
        return PeriodLogged(row, already=True)
    row = await diary.add(
        scope.session,
        Period(user_id=scope.user.id, day=day, started=entry.started, raw_text=raw),
    )
    journal.note(scope, EntryKind.PERIOD, row.id)
    return PeriodLogged(row)
