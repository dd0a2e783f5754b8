"""Arguments of the one-message commands (DESIGN §1): pure parsing, no Telegram.

Each parser returns a value or raises `BadArgument` with a short reason; the
handler shows the reason together with the right form of the command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

MAX_DOSE_MG = 2000
MAX_DOSES_PER_DAY = 6


class BadArgument(ValueError):
    """The argument cannot be understood; the message says why, in plain words."""


@dataclass(frozen=True)
class PlannedDose:
    amount_mg: float
    at: time


# --- time zones -------------------------------------------------------------

_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


@cache
def _zones_by_key() -> dict[str, str | None]:
    """Lower-cased full names and city names -> zone; None marks an ambiguous city."""
    zones: dict[str, str | None] = {}
    cities: dict[str, str | None] = {}
    for name in available_timezones():
        if name.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            continue
        zones[name.lower()] = name
        city = name.rsplit("/", 1)[-1].lower().replace("_", " ")
        cities[city] = None if city in cities and cities[city] != name else name
    for city, zone in cities.items():
        zones.setdefault(city, zone)
    return zones


def parse_timezone(arg: str) -> str:
    """An IANA zone from "Europe/Berlin", "berlin", "New York", "UTC" or "UTC+2"."""
    text = " ".join(arg.strip().split())
    if not text:
        raise BadArgument("no time zone given")
    low = text.lower()
    if low in ("utc", "gmt", "z"):
        return "UTC"
    m = _OFFSET.match(low)
    if m:
        sign, hours, minutes = m.group(1), int(m.group(2)), int(m.group(3) or 0)
        if minutes:
            raise BadArgument(f"{text} is not a whole-hour offset: give your city instead")
        if hours > 14:
            raise BadArgument(f"{text} is not a real UTC offset")
        if hours == 0:
            return "UTC"
        # POSIX-style Etc zones have the sign inverted: UTC+2 is Etc/GMT-2.
        return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    key = low.replace("_", " ") if "/" not in low else low
    zone = _zones_by_key().get(key) or _zones_by_key().get(low)
    if zone is None:
        if key in _zones_by_key():
            raise BadArgument(f"{text} names more than one zone: use the full name")
        raise BadArgument(f"I don't know the time zone {text!r}")
    try:
        ZoneInfo(zone)
    except ZoneInfoNotFoundError:
        raise BadArgument(f"I don't know the time zone {text!r}") from None
    return zone


# --- clock times, amounts, durations ----------------------------------------

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_clock(arg: str) -> time:
    """A local clock time: "21:30", "9:30pm", "7am", "07.30"."""
    m = _CLOCK.match(arg.strip().lower())
    if not m:
        raise BadArgument(f"{arg!r} is not a time like 21:30")
    hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if m.group(2) is None and half is None:
        raise BadArgument(f"{arg!r} is not a time like 21:30")
    if half:
        if not 1 <= hour <= 12:
            raise BadArgument(f"{arg!r} is not a time like 9:30pm")
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise BadArgument(f"{arg!r} is not a time of day")
    return time(hour, minute)


_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(mg)?$")


def parse_amount_mg(arg: str) -> float:
    m = _AMOUNT.match(arg.strip().lower())
    if not m:
        raise BadArgument(f"{arg!r} is not an amount like 200mg")
    amount = float(m.group(1).replace(",", "."))
    if not 0 < amount <= MAX_DOSE_MG:
        raise BadArgument(f"{arg!r} is not a plausible dose (1–{MAX_DOSE_MG} mg)")
    return amount


_DURATION = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?$")


def parse_duration(arg: str) -> timedelta:
    """ "2h", "30m", "1h30m", "90m"; at least one minute, at most a day."""
    text = arg.strip().lower()
    m = _DURATION.match(text)
    if not text or not m or (m.group(1) is None and m.group(2) is None):
        raise BadArgument(f"{arg!r} is not a duration like 2h or 30m")
    delta = timedelta(hours=int(m.group(1) or 0), minutes=int(m.group(2) or 0))
    if delta < timedelta(minutes=1):
        raise BadArgument("the shortest interval is 1m")
    if delta > timedelta(hours=24):
        raise BadArgument("the longest interval is 24h")
    return delta


# --- whole commands ----------------------------------------------------------


def _tokens(args: list[str]) -> list[str]:
    # "200 mg" and "200mg" are the same amount; "9:30 pm" and "9:30pm" the same time.
    text = " ".join(args).lower()
    text = re.sub(r"(\d)\s+(mg|am|pm)\b", r"\1\2", text)
    return text.replace(",", " ").split()


# Times of day people name instead of a clock time.
DAY_PARTS = {
    "morning": time(8, 0),
    "breakfast": time(8, 0),
    "noon": time(12, 0),
    "lunch": time(12, 0),
    "midday": time(12, 0),
    "afternoon": time(15, 0),
    "evening": time(20, 0),
    "dinner": time(19, 0),
    "night": time(21, 30),
    "bedtime": time(21, 30),
}
_FILLER = {"at", "and", "in", "the", "every", "each", "a", "day", "daily", "of", "&", "+", "then"}


def parse_dose_plan(args: list[str]) -> list[PlannedDose] | None:
    """`/dose 200mg 21:30`, `/dose 200mg 08:00 200mg 21:30`, `/dose 600mg at 9:30pm`,
    `/dose 200mg morning and evening`; `/dose off` -> None.

    Each time takes the amount said before it ("200mg morning and evening" is
    200 mg twice); a plan written time first ("21:30 200mg") pairs each time with
    the amount after it.
    """
    tokens = [t for t in _tokens(args) if t not in _FILLER]
    if tokens in (["off"], ["none"], ["no"]):
        return None
    if not tokens:
        raise BadArgument("give an amount and a time for each dose")
    plan: list[PlannedDose] = []
    amount: float | None = None
    waiting: list[time] = []  # times named before their amount
    for token in tokens:
        if _AMOUNT.match(token) and not (
            _CLOCK.match(token) and token.isdigit() and len(token) <= 2
        ):
            amount = parse_amount_mg(token)
            plan += [PlannedDose(amount, at) for at in waiting]
            if waiting:
                waiting, amount = [], None  # time-first: each amount closes its times
            continue
        at = DAY_PARTS.get(token) or parse_clock(token)
        if amount is None:
            waiting.append(at)
        else:
            plan.append(PlannedDose(amount, at))
    if waiting or not plan:
        raise BadArgument("give an amount and a time for each dose")
    if len(plan) > MAX_DOSES_PER_DAY:
        raise BadArgument(f"at most {MAX_DOSES_PER_DAY} doses a day")
    if len({d.at for d in plan}) != len(plan):
        raise BadArgument("two doses at the same time")
    return sorted(plan, key=lambda d: d.at)


def parse_followup(args: list[str]) -> tuple[timedelta, timedelta]:
    """`/followup 2h 4h`: first follow-up after an attack, then the interval."""
    if len(args) != 2:
        raise BadArgument("give the first follow-up and the interval")
    return parse_duration(args[0]), parse_duration(args[1])


def parse_quiet(args: list[str]) -> tuple[time, time] | None:
    """`/quiet 23:00 07:00`; `/quiet off` -> None."""
    tokens = _tokens(args)
    if tokens == ["off"]:
        return None
    if len(tokens) != 2:
        raise BadArgument("give a start and an end time")
    start, end = parse_clock(tokens[0]), parse_clock(tokens[1])
    if start == end:
        raise BadArgument("start and end are the same")
    return start, end


def parse_morning(args: list[str]) -> time | None:
    """`/morning 07:30`; `/morning off` -> None."""
    tokens = _tokens(args)
    if tokens == ["off"]:
        return None
    if len(tokens) != 1:
        raise BadArgument("give one time")
    return parse_clock(tokens[0])


PERIODS: dict[str, int | None] = {"7d": 7, "30d": 30, "90d": 90, "365d": 365, "all": None}
_PERIOD_SYNONYMS = {
    "week": "7d",
    "1w": "7d",
    "month": "30d",
    "1m": "30d",
    "3m": "90d",
    "quarter": "90d",
    "year": "365d",
    "1y": "365d",
    "12m": "365d",
}


def parse_period(args: list[str]) -> str:
    """`/summary [7d|30d|90d|365d|all]`; default 30d."""
    if not args:
        return "30d"
    if len(args) != 1:
        raise BadArgument("give one period")
    key = args[0].strip().lower()
    key = _PERIOD_SYNONYMS.get(key, key)
    if key.isdigit():
        key += "d"
    if key not in PERIODS:
        raise BadArgument(f"{args[0]!r} is not a period I know")
    return key
