"""Reading one message whole: red flags, impossible dates, entries (DESIGN §4, §7).

One function, so that a long message can be read in another process (see
bot.handlers.checkin): reading 4,096 characters of emoji takes about 100 ms of
CPU, which a thread of this process would take from everyone else's replies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.entries import Entry
from bot.domain.parse import impossible_dates, parse
from bot.domain.redflags import red_flags


@dataclass(frozen=True)
class Reading:
    flags: list[str]  # red flags: urgent-care advice first
    bad_dates: list[str]  # dates that don't exist: nothing is logged
    entries: list[Entry]
    zone: str  # the zone the times were read in


def read(text: str, sent_at: datetime, zone: str) -> Reading:
    local = sent_at.astimezone(ZoneInfo(zone))
    bad_dates = impossible_dates(text, local, zone)
    entries = [] if bad_dates else parse(text, sent_at, zone)
    return Reading(red_flags(text), bad_dates, entries, zone)
