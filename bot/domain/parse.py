"""Understand a free-text check-in: the API the bot and `magbot parse` call.

`parse` returns typed diary entries (`bot.domain.entries`, DESIGN §4);
`parse_json` the same in the wire form `magbot parse` prints (DESIGN §4's types only:
a `factor` entry is the bot's own, for the trigger associations, and not printed);
`read_dose_amount` reads an amount typed on its own ("300", "2 caps", "1 g") into
a `DoseAmount` (mg as written, or a capsule count), by the rules the free-text
parser uses for magnesium amounts (the dose prompt's "Other amount" too).
The work is done in `bot.domain.parsing`; this module is the stable facade.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.entries import Entry, FactorEntry, to_json
from bot.domain.parsing import (
    DoseAmount,
    impossible_dates,
    parse,
    read_dose_amount,
)


def parse_json(text: str, now: datetime, tz: str) -> list[dict[str, Any]]:
    """`parse` in the wire form of `magbot parse`: one JSON object per entry of DESIGN §4."""
    return [to_json(e) for e in parse(text, now, tz) if not isinstance(e, FactorEntry)]


__all__ = [
    "DoseAmount",
    "Entry",
    "impossible_dates",
    "parse",
    "parse_json",
    "read_dose_amount",
]
