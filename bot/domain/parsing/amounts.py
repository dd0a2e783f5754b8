"""How much magnesium: the one reader of an amount, wherever it is typed.

`read_dose_amount` reads an amount typed on its own (the dose prompt's "Other
amount", a settings answer): "300", "300mg", "1 g", "2 capsules of magnesium",
"1.5 caps", "half a capsule", "two capsules". The free-text parser reads
amounts inside a check-in with the same rules (`bare_amount`, `MAX_DOSE_MG`,
`MAX_COUNT`), so a number means the same everywhere:

- a number with a unit is that unit: mg (grams converted), or capsules /
  tablets / pills / softgels / scoops counted;
- a bare number up to 10 counts capsules ("2"), from 20 it is mg ("300");
  between the two ("15") it is neither: nobody takes 15 mg of magnesium, and
  15 capsules is not a dose, so it is not read (the caller asks again);
- zero, negative, more than 5000 mg or more than 20 capsules is not a dose.

The amount is what was written: mg stay as typed (the diary converts a
compound weight to elemental magnesium by the person's label) and capsules
stay a count (the diary knows the capsule size).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.parsing.text import basic_normalize

MAX_DOSE_MG = 5000.0
MAX_COUNT = 20.0
# a bare number up to this counts capsules: nobody takes 2 mg of magnesium
BARE_COUNT_MAX = 10.0
# a bare number from this is mg; below it (and above BARE_COUNT_MAX) it is unreadable
BARE_MG_MIN = 20.0
MAX_TEXT = 100

COUNT_UNITS = ("pill", "capsule", "cap", "tablet", "tab", "softgel", "gel", "scoop")


@dataclass(frozen=True, slots=True)
class DoseAmount:
    """An amount as written: mg (`amount_mg`) or a number of capsules (`count`)."""

    amount_mg: float | None = None
    count: float | None = None

    def total_mg(self, capsule_mg: float) -> float:
        """The amount in mg, counting capsules at `capsule_mg` each."""
        if self.amount_mg is not None:
            return self.amount_mg
        return (self.count or 0.0) * capsule_mg


def bare_amount(n: float) -> DoseAmount | None:
    """A number written without a unit: capsules up to 10, mg from 20, else nothing."""
    if 0 < n <= BARE_COUNT_MAX:
        return DoseAmount(count=n)
    if BARE_MG_MIN <= n <= MAX_DOSE_MG:
        return DoseAmount(amount_mg=n)
    return None


def with_unit(n: float, unit: str) -> DoseAmount | None:
    """A number with its unit ("300 mg", "1 g", "2 caps"); absurd amounts give None."""
    if unit.startswith(COUNT_UNITS):
        return DoseAmount(count=n) if 0 < n <= MAX_COUNT else None
    mg = n * 1000 if unit in ("g", "gr", "gram", "grams") else n
    return DoseAmount(amount_mg=mg) if 0 < mg <= MAX_DOSE_MG else None


_UNIT = (
    r"mg|mgs|milligrams?|g|gr|grams?|pills?|capsules?|caps?|tablets?|tabs?|softgels?"
    r"|gel ?caps?|scoops?"
)
# every repeated group below starts with a fixed word, so matching stays linear
_AMOUNT_ALONE = re.compile(
    r"^(?:(?:about|around|roughly|approximately|maybe|only|just|i|took|had|taken|so) )*"
    r"(?P<n>\d+(?:\.\d+)?) ?(?P<unit>" + _UNIT + r")?"
    r"(?: (?:of|my|the|magnesium|mag|glycinate|bisglycinate|citrate|elemental|supplements?"
    r"|today|tonight|now|this morning|this evening|at last|in total|total))*$"
)
_HALF = re.compile(r"\b(?:a|an|1) half\b|\bhalf (?:a|an|1)\b|\bhalf\b")
_AND_HALF = re.compile(r"\b(\d+) and (?:a |1 )?0\.5\b")
_ONE = re.compile(r"\b(?:a|an|one)\b(?= (?:" + _UNIT + r")\b)")


def read_dose_amount(text: str) -> DoseAmount | None:
    """The amount in a reply typed on its own; junk, two amounts or an absurd one -> None."""
    if not text or len(text) > MAX_TEXT:
        return None
    s = " ".join(basic_normalize(text))
    s = _HALF.sub("0.5", s)
    s = _AND_HALF.sub(lambda m: str(int(m.group(1)) + 0.5), s)
    s = _ONE.sub("1", s)
    s = s.strip(" .!")
    m = _AMOUNT_ALONE.match(s)
    if m is None:
        return None
    n = float(m.group("n"))
    unit = m.group("unit")
    return with_unit(n, unit) if unit else bare_amount(n)
