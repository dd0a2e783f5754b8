"""The reply to the dose prompt's "Other amount": "300", "300 mg", "2 caps", "two capsules"."""

from __future__ import annotations

import re

from bot.domain.parsing.text import basic_normalize

MAX_DOSE_MG = 5000.0
# A bare whole number up to this is a number of capsules: nobody takes 2 mg of magnesium.
BARE_COUNT_MAX = 10

_AMOUNT_REPLY = re.compile(
    r"^(?:about |around |took |i took |maybe |approximately )?(?P<n>\d+(?:\.\d+)?)"
    r" ?(?P<unit>mg|mgs|milligrams?|g|grams?|pills?|capsules?|caps?|tablets?|tabs?|softgels?)?"
    r"(?: (?:of )?(?:magnesium|mag|glycinate|elemental|of magnesium|today|tonight))*$"
)
_COUNT_UNITS = ("pill", "capsule", "cap", "tablet", "tab", "softgel")


def parse_dose_amount(text: str, capsule_mg: float) -> float | None:
    """Elemental mg in the reply; capsules count `capsule_mg` each. Junk or absurd -> None.

    A bare whole number up to 10 counts capsules ("2" is two capsules); zero,
    negative and amounts over 5000 mg are refused.
    """
    if not text or len(text) > 100:
        return None
    s = " ".join(basic_normalize(text))
    s = re.sub(r"\b(?:a|an|1) half\b|\bhalf (?:a|an|1)\b|\bhalf\b", "0.5", s)
    s = re.sub(r"\b(\d+) and (?:a |1 )?0\.5\b", lambda m: str(int(m.group(1)) + 0.5), s)
    s = s.strip(" .!")
    m = _AMOUNT_REPLY.match(s)
    if not m:
        return None
    n = float(m.group("n"))
    unit = m.group("unit") or ""
    if unit.startswith(_COUNT_UNITS) or (not unit and n.is_integer() and 0 < n <= BARE_COUNT_MAX):
        value = n * capsule_mg
    elif unit in ("g", "gram", "grams"):
        value = n * 1000
    else:
        value = n
    if not 0 < value <= MAX_DOSE_MG:
        return None
    return value
