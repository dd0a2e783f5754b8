"""Possible triggers logged for a day without an attack ("4 coffees", "stressful day").

The summary compares the share of days followed by an attack after days with
each against after days without it (DESIGN §6). That needs the days without
a headache too: triggers noted only on attacks are all attack days and cannot
be compared. One row per day and code, so "coffee" said twice a day is one
caffeine day; each new row gets a journal line, so /undo and /log take it back.
"""

from __future__ import annotations

from bot.diary import journal
from bot.diary.results import FactorsLogged
from bot.diary.scope import Scope
from bot.diary.times import today
from bot.domain.entries import FactorEntry
from storage.enums import EntryKind
from storage.models import FactorDay
from storage.queries import diary


async def record_factors(scope: Scope, entry: FactorEntry, raw: str) -> FactorsLogged:
    """The codes new for that day are stored; the ones it had already are said to be."""
    day = min(entry.on or today(scope), today(scope))
    codes = list(dict.fromkeys(entry.codes))
    known = await diary.factors_on(scope.session, scope.user.id, day, codes)
    added = []
    for code in codes:
        if code in known:
            continue
        row = await diary.add(
            scope.session,
            FactorDay(
                user_id=scope.user.id, day=day, code=code, raw_text=raw, created_at=scope.now
            ),
        )
        journal.note(scope, EntryKind.FACTOR, row.id)
        added.append(row)
    return FactorsLogged(day, tuple(added), tuple(c for c in codes if c in known))
