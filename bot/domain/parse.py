"""Understand a free-text check-in: the API the bot and `magbot parse` call.

`parse` returns diary entries (DESIGN §4) with every field of their type;
`parse_dose_amount` reads the reply to the dose prompt's "Other amount".
The work is done in `bot.domain.parsing`; this module is the stable facade.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.domain.parsing.extract import parse_message
from bot.domain.parsing.text import basic_normalize

Entry = dict[str, Any]

MAX_DOSE_MG = 5000.0

_AMOUNT_REPLY = re.compile(
    r"^(?:about |around |took |i took |maybe )?(?P<n>\d+(?:\.\d+)?) ?(?P<unit>mg|mgs|milligrams?|g|grams?"
    r"|pills?|capsules?|caps?|tablets?|tabs?|softgels?)?(?: (?:of )?(?:magnesium|mag|glycinate|elemental))*"
    r"(?: (?:magnesium|mag|glycinate))?$"
)
_COUNT_UNITS = ("pill", "capsule", "cap", "tablet", "tab", "softgel")
_BARE_COUNT_MAX = 10


def parse(text: str, now: datetime, tz: str) -> list[Entry]:
    """Diary entries understood in `text`, sent at `now` (aware) by a user in zone `tz`."""
    return parse_message(text, now, tz)


def parse_dose_amount(text: str, capsule_mg: float) -> float | None:
    """Elemental mg in a reply like "300", "300 mg", "2 caps", "two capsules", "half a pill".

    A bare whole number up to 10 is read as a number of capsules (nobody takes
    7 mg of magnesium; "2" is two capsules). Junk, zero, negative and
    absurd amounts (over 5000 mg) give None.
    """
    if not text or len(text) > 100:
        return None
    s = " ".join(basic_normalize(text))
    s = re.sub(r"\b(?:a|an|one) half\b|\bhalf (?:a|an|1)\b", "0.5", s)
    s = re.sub(r"\b1 and 0.5\b|\b1 and a half\b", "1.5", s)
    s = s.strip(" .!")
    m = _AMOUNT_REPLY.match(s)
    if not m:
        return None
    n = float(m.group("n"))
    unit = m.group("unit") or ""
    if unit.startswith(_COUNT_UNITS) or (not unit and n.is_integer() and 0 < n <= _BARE_COUNT_MAX):
        value = n * capsule_mg
    elif unit in ("g", "gram", "grams"):
        value = n * 1000
    else:
        value = n
    if not 0 < value <= MAX_DOSE_MG:
        return None
    return value


__all__ = ["parse", "parse_dose_amount"]
