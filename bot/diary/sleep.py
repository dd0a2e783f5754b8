"""A night's sleep: one row per night, from free text or the morning check-in's buttons.

The night is the one the person named ("friday night"), else last night. A second
message (or tap) about a night already recorded fills it in, field by field,
and only what it says; the journal keeps what was there, so /undo restores it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.diary import journal
from bot.diary.results import DayNight, SleepLogged
from bot.diary.scope import Scope
from bot.diary.times import last_night
from bot.domain.entries import SleepEntry
from storage.enums import EntryKind
from storage.models import Sleep
from storage.queries import diary

FIELDS = ("quality", "hours", "awakenings", "onset_minutes", "restless_legs", "cramps")


def _given(entry: SleepEntry) -> dict[str, Any]:
    """The facts the entry states; False for legs/cramps is "not said" (a night without)."""
    values = {name: getattr(entry, name) for name in FIELDS}
    return {name: value for name, value in values.items() if value not in (None, False)}


async def record_sleep(scope: Scope, entry: SleepEntry, raw: str) -> SleepLogged:
    night = entry.night or last_night(scope)
    given = _given(entry)
    row = await diary.sleep_of_night(scope.session, scope.user.id, night)
    if row is None:
        row = await diary.add(
            scope.session,
            Sleep(
                user_id=scope.user.id,
                night=night,
                restless_legs=False,
                cramps=False,
                raw_text=raw,
                recorded_at=scope.sent_at,
                **given,
            ),
        )
        journal.note(scope, EntryKind.SLEEP, row.id)
        return SleepLogged(row)
    before = {name: getattr(row, name) for name in [*given, "raw_text"]}
    for name, value in given.items():
        setattr(row, name, value)
    row.raw_text = f"{row.raw_text}\n{raw}".strip()
    journal.note(scope, EntryKind.SLEEP_MERGE, row.id, before=before)
    return SleepLogged(row, merged=True)


async def night(scope: Scope, day: date) -> DayNight:
    """What is recorded of the night that began on `day`."""
    return DayNight(day, await diary.sleep_of_night(scope.session, scope.user.id, day))
