"""Calendar dates and moments people type ("2026-09-01", "1 September", "yesterday 9pm")."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}$")
MAX_LENGTH = 64


def _read(cleaned: str, local_now: datetime, **settings: Any) -> datetime | None:
    """dateparser, English, relative to the writer's local now, preferring the past."""
    import dateparser  # slow to import (~0.5 s); only settings and /log answers need it

    return dateparser.parse(
        cleaned,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            **settings,
        },
    )


def parse_past_date(text: str, local_now: datetime) -> date | None:
    """A date on or before today in the writer's zone, or None when it can't be read."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_LENGTH:
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    found = _read(
        cleaned,
        local_now,
        PREFER_DAY_OF_MONTH="first",
        # 01.09.2026 is written day first wherever dots are used
        DATE_ORDER="DMY" if _DOTTED.match(cleaned) else "MDY",
    )
    return found.date() if found else None


def parse_past_datetime(text: str, local_now: datetime) -> datetime | None:
    """A moment on or before now in the writer's zone: "14:30", "yesterday 9pm", "2 hours ago"."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > MAX_LENGTH:
        return None
    found = _read(cleaned, local_now, RETURN_AS_TIMEZONE_AWARE=False)
    if found is None:
        return None
    moment = found.replace(tzinfo=local_now.tzinfo)
    if moment > local_now:  # "21:00" typed at 10:00 means yesterday evening
        moment -= timedelta(days=1)
    return moment if moment <= local_now else None
