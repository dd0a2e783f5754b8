"""Free-text check-in parsing, split by concern.

`text` normalises what people type on a phone (casing, contractions, emoji,
number words, typos), `vocab` holds the words and phrases for every code,
`lexicon` the spelling lexicon the typo corrector works from,
`times` resolves time expressions against the moment the message was sent,
`core` analyses a message (clauses, anchors, values), one module per topic
(`attack`, `dose`, `medicines`, `sleep`, `mood`, `side_effects`) builds its
entries, `extract` runs them in order, and `amounts` reads the dose prompt's
"Other amount" reply. `bot.domain.parse` is the facade.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.entries import Entry
from bot.domain.parsing.amounts import DoseAmount, read_dose_amount
from bot.domain.parsing.extract import normalized, parse_message, us_dates
from bot.domain.parsing.times import impossible_dates as _impossible


def parse(text: str, now: datetime, tz: str) -> list[Entry]:
    """Diary entries understood in `text`, sent at `now` (aware) by a user in zone `tz`.

    Times are aware, in `tz`. A time the person did not say is None (the diary
    picks: now, the attack's start, the planned dose time); a time of day the
    parser chose ("yesterday" at midday, "woke up with it" at 07:00) is named in
    the entry's `assumed`. Nothing understood gives [].
    """
    return parse_message(text, now, tz)


def impossible_dates(text: str, now: datetime, tz: str) -> list[str]:
    """Dates in `text` that do not exist on the calendar ("February 30"), as written."""
    return _impossible(normalized(text[:2000]), now.date(), us_dates(tz))


__all__ = [
    "DoseAmount",
    "Entry",
    "impossible_dates",
    "parse",
    "read_dose_amount",
]
