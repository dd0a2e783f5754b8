"""/calendar: which month a person asks for, and the diary to draw it from.

"/calendar" is this month; "/calendar 2026-10", "/calendar october" (the last
October up to now), "/calendar oct 2025" and "/calendar last" (last month)
name another. A month still ahead has nothing to show and is refused.
"""

from __future__ import annotations

import calendar as calendar_module
import re
from dataclasses import dataclass
from datetime import date

from bot.diary import summary
from bot.diary.scope import Scope
from bot.diary.times import today
from bot.domain.commands import BadArgument
from bot.domain.diary import Diary

FIRST_YEAR = 2000
_MONTHS = {
    **{name.lower(): n for n, name in enumerate(calendar_module.month_name) if name},
    **{name.lower(): n for n, name in enumerate(calendar_module.month_abbr) if name},
    "sept": 9,
}
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Month:
    year: int
    month: int


def asked_month(args: list[str], on: date) -> Month:
    """The month the arguments name, seen from the local day `on`; BadArgument if none."""
    words = [a.strip().lower().rstrip(".,") for a in args if a.strip()]
    current = Month(on.year, on.month)
    if not words:
        return current
    if words in (["last"], ["last", "month"], ["previous"]):
        return Month(on.year - 1, 12) if on.month == 1 else Month(on.year, on.month - 1)
    if len(words) == 1 and (m := _YEAR_MONTH.match(words[0])):
        asked = Month(int(m.group(1)), int(m.group(2)))
        if not 1 <= asked.month <= 12:
            raise BadArgument(f"there is no month {asked.month}")
    elif words[0] in _MONTHS and len(words) <= 2:
        number = _MONTHS[words[0]]
        if len(words) == 2:
            if not words[1].isdigit() or len(words[1]) != 4:
                raise BadArgument(f"{args[1]!r} is not a year")
            asked = Month(int(words[1]), number)
        else:  # the last such month up to now
            asked = Month(on.year if number <= on.month else on.year - 1, number)
    else:
        raise BadArgument(f"{' '.join(args)!r} is not a month I know")
    if (asked.year, asked.month) > (current.year, current.month):
        raise BadArgument(f"{calendar_module.month_name[asked.month]} {asked.year} is still ahead")
    if asked.year < FIRST_YEAR:
        raise BadArgument(f"{asked.year} is before this diary")
    return asked


async def month_of(scope: Scope, args: list[str]) -> tuple[Diary, Month]:
    """The diary and the month a /calendar asks for (BadArgument for a month it can't be)."""
    month = asked_month(args, today(scope))
    return await summary.load(scope), month
