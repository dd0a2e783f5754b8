"""Medication overuse (ICHD-3 8.2) over 28-day windows: the flag, the pattern and the chat notice.

ICHD-3 counts days a month on which acute medicines were taken, each class
on its own: triptans (8.2.2), ergots (8.2.1), opioids (8.2.4) and combination
analgesics (8.2.5, Excedrin included) on >= 10 days; simple analgesics and
NSAIDs, counted together, on >= 15 days (8.2.3); several of these classes,
none over its own limit, on >= 10 days in all (8.2.6). The "month" here is
28 days (the IHS month), ending with today. The diagnosis also needs this for
more than 3 months: three consecutive 28-day windows over a limit are the
"medication-overuse pattern for 3 months". The bot calls either a *risk*
(a flag from the diary, not a diagnosis). An early *notice* comes at 8 of 10
and 12 of 15 days.

`overuse_notice(diary, now)` is what the chat calls right after a medicine is
logged; `windows(...)` is what the summary and the report show.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.diary import Diary
from bot.domain.medicines import (
    OVERUSE_10_DAY_CLASSES,
    OVERUSE_15_DAY_CLASSES,
    MedClass,
    stored_or_named_class,
)

WINDOW_DAYS = 28
PATTERN_WINDOWS = 3
LIMIT_10, NOTICE_10 = 10, 8
LIMIT_15, NOTICE_15 = 15, 12
_DAY = timedelta(days=1)
# how far back an ongoing notice is traced to find when it began
_EPISODE_LOOKBACK_DAYS = 3 * 366


class Group(StrEnum):
    """What a flag counts: one class, simple analgesics with NSAIDs, or several classes."""

    TRIPTAN = "triptan"
    ERGOT = "ergot"
    OPIOID = "opioid"
    COMBINATION = "combination"
    SIMPLE = "simple"  # simple analgesics and NSAIDs together (8.2.3)
    MIXED = "mixed"  # several classes, none over its own limit (8.2.6)


class Level(StrEnum):
    NOTICE = "notice"  # close to a limit
    RISK = "risk"  # a limit reached in one 28-day window
    PATTERN = "pattern"  # a limit reached in 3 consecutive windows


_SEVERITY = {Level.NOTICE: 1, Level.RISK: 2, Level.PATTERN: 3}

_TEN_DAY_GROUPS: dict[MedClass, Group] = {
    MedClass.TRIPTAN: Group.TRIPTAN,
    MedClass.ERGOT: Group.ERGOT,
    MedClass.OPIOID: Group.OPIOID,
    MedClass.COMBINATION: Group.COMBINATION,
}
assert set(_TEN_DAY_GROUPS) == OVERUSE_10_DAY_CLASSES

GROUP_NAMES: dict[Group, str] = {
    Group.TRIPTAN: "triptans",
    Group.ERGOT: "ergots",
    Group.OPIOID: "opioids",
    Group.COMBINATION: "combination painkillers",
    Group.SIMPLE: "simple painkillers and NSAIDs",
    Group.MIXED: "acute medicines of more than one kind",
}


def group_name(group: Group) -> str:
    return GROUP_NAMES[group]


@dataclass(frozen=True, slots=True)
class OveruseFlag:
    """One group at or near its limit in one window."""

    group: Group
    level: Level  # NOTICE or RISK
    days: int
    limit: int  # 10 or 15


@dataclass(frozen=True, slots=True)
class OveruseWindow:
    """One 28-day window [start, end) and the medicine days in it."""

    start: date
    end: date  # exclusive
    days: Mapping[Group, int]  # per group with any day; MIXED: days with any of them
    flags: tuple[OveruseFlag, ...]

    @property
    def at_risk(self) -> bool:
        return any(f.level is Level.RISK for f in self.flags)


@dataclass(frozen=True, slots=True)
class OveruseStats:
    """The windows ending with a day, newest first (up to 3), and the 3-month pattern."""

    windows: tuple[OveruseWindow, ...]
    pattern: bool

    @property
    def current(self) -> OveruseWindow | None:
        return self.windows[0] if self.windows else None

    @property
    def flags(self) -> tuple[OveruseFlag, ...]:
        return self.windows[0].flags if self.windows else ()


@dataclass(frozen=True, slots=True)
class OveruseNotice:
    """What to tell the person in the chat, and the key that makes it once per window."""

    key: str
    level: Level
    group: Group
    days: int
    limit: int
    window_start: date
    window_end: date  # exclusive
    text: str


# ---------------------------------------------------------------- counting


GroupDays = Mapping[Group, Sequence[date]]  # sorted days per group


def group_days(med_days: Mapping[MedClass, Iterable[date]]) -> dict[Group, list[date]]:
    """Sorted medicine days per overuse group (MIXED: days with any counted medicine)."""
    sets: dict[Group, set[date]] = {}
    for cls, group in _TEN_DAY_GROUPS.items():
        days = set(med_days.get(cls, ()))
        if days:
            sets[group] = days
    simple: set[date] = set()
    for cls in OVERUSE_15_DAY_CLASSES:
        simple |= set(med_days.get(cls, ()))
    if simple:
        sets[Group.SIMPLE] = simple
    every: set[date] = set()
    for days in sets.values():
        every |= days
    if every:
        sets[Group.MIXED] = every
    return {g: sorted(ds) for g, ds in sets.items()}


def _limits(group: Group) -> tuple[int, int]:
    return (LIMIT_15, NOTICE_15) if group is Group.SIMPLE else (LIMIT_10, NOTICE_10)


def _reached(group: Group, level: Level, counts: Mapping[Group, int]) -> bool:
    """The bare threshold test of one group at one level (NOTICE or RISK)."""
    limit, notice = _limits(group)
    need = limit if level is Level.RISK else notice
    if group is Group.MIXED:
        used = sum(1 for g, n in counts.items() if g is not Group.MIXED and n)
        return used >= 2 and counts.get(Group.MIXED, 0) >= need
    return counts.get(group, 0) >= need


def flags_of(counts: Mapping[Group, int]) -> tuple[OveruseFlag, ...]:
    """The flags of one window: risks if any, else notices.

    8.2.6 (several classes) is flagged only when no class is over its own
    limit; its notice only when no class is near its own.
    """
    singles = [g for g in Group if g is not Group.MIXED]

    def flag(group: Group, level: Level) -> OveruseFlag:
        return OveruseFlag(group, level, counts.get(group, 0), _limits(group)[0])

    risks = [flag(g, Level.RISK) for g in singles if _reached(g, Level.RISK, counts)]
    if not risks and _reached(Group.MIXED, Level.RISK, counts):
        risks = [flag(Group.MIXED, Level.RISK)]
    if risks:
        return tuple(risks)
    notices = [flag(g, Level.NOTICE) for g in singles if _reached(g, Level.NOTICE, counts)]
    if not notices and _reached(Group.MIXED, Level.NOTICE, counts):
        notices = [flag(Group.MIXED, Level.NOTICE)]
    return tuple(notices)


def _counts(days: GroupDays, start: date, end: date) -> dict[Group, int]:
    counts = {g: bisect_left(ds, end) - bisect_left(ds, start) for g, ds in days.items()}
    return {g: n for g, n in counts.items() if n}


def window(days: GroupDays, end: date) -> OveruseWindow:
    """The 28-day window that ends (exclusive) with `end`."""
    start = end - timedelta(days=WINDOW_DAYS)
    counts = _counts(days, start, end)
    return OveruseWindow(start, end, counts, flags_of(counts))


def windows(
    med_days: Mapping[MedClass, Iterable[date]], end: date, first_day: date
) -> OveruseStats:
    """Up to 3 consecutive 28-day windows ending (exclusive) with `end`, newest first.

    A window that ends on or before the first day of the diary is left out:
    nothing could have been logged in it.
    """
    days = group_days(med_days)
    found: list[OveruseWindow] = []
    stop = end
    for _ in range(PATTERN_WINDOWS):
        if stop <= first_day:
            break
        found.append(window(days, stop))
        stop -= timedelta(days=WINDOW_DAYS)
    pattern = len(found) == PATTERN_WINDOWS and all(w.at_risk for w in found)
    return OveruseStats(tuple(found), pattern)


# ---------------------------------------------------------------- words


def flag_text(flag: OveruseFlag, *, pattern: bool = False) -> str:
    """The plain words for a flag (no user text inside, so safe as Telegram HTML too)."""
    what = group_name(flag.group)
    what = what[0].upper() + what[1:]
    if pattern:
        return (
            "Medication-overuse pattern for 3 months: acute medicines over the "
            "ICHD-3 limit in each of the last three 28-day windows "
            f"({what.lower()} on {flag.days} of the last 28 days). "
            "A flag from your diary, not a diagnosis: worth raising with your doctor."
        )
    if flag.level is Level.RISK:
        return (
            f"Risk of medication overuse: {what.lower()} on {flag.days} of the last 28 days "
            f"(limit {flag.limit}). Taken this often for more than 3 months, they can "
            "cause medication-overuse headache (ICHD-3). A flag from your diary, "
            "not a diagnosis: worth raising with your doctor."
        )
    return (
        f"{what} on {flag.days} of the last 28 days: close to the {flag.limit}-day "
        "limit for medication-overuse headache. A note from your diary, not a diagnosis."
    )


# ---------------------------------------------------------------- the chat notice


def _med_days(diary: Diary) -> dict[MedClass, set[date]]:
    zone = ZoneInfo(diary.tz)
    out: dict[MedClass, set[date]] = {}
    for med in diary.medications:
        cls = stored_or_named_class(med.med_class, med.name)
        out.setdefault(cls, set()).add(med.taken_at.astimezone(zone).date())
    return out


def _holds(days: GroupDays, group: Group, level: Level, last_day: date) -> bool:
    """Whether `group` is at `level` (or above) in the window(s) ending with `last_day`."""
    end = last_day + _DAY
    if level is Level.PATTERN:
        return all(
            window(days, end - timedelta(days=WINDOW_DAYS * i)).at_risk
            for i in range(PATTERN_WINDOWS)
        )
    counts = _counts(days, end - timedelta(days=WINDOW_DAYS), end)
    return _reached(group, level, counts) or (
        level is Level.NOTICE and _reached(group, Level.RISK, counts)
    )


def _episode_start(days: GroupDays, group: Group, level: Level, today: date) -> date:
    """The first day of the unbroken run of days, up to today, on which the flag held."""
    start = today
    floor = today - timedelta(days=_EPISODE_LOOKBACK_DAYS)
    while start > floor and _holds(days, group, level, start - _DAY):
        start -= _DAY
    return start


def overuse_notice(diary: Diary, now: datetime) -> OveruseNotice | None:
    """The overuse notice to send now, or None; call it right after a medicine is logged.

    It looks at the 28 days ending today (the person's local day) and returns
    the most serious flag: the 3-month pattern, then a risk (a limit
    reached), then an early notice (8 of 10, 12 of 15 days). `text` is the
    message (plain words, safe as Telegram HTML).

    `key` makes it once per window: send the notice only when its key was not
    sent before, then store the key. The key is
    "overuse:<group>:<level>:<first day>", where the first day is the day the
    flag began to hold without a break, moved on by whole 28-day windows
    while it goes on. So the same flag gives the same key every day of its
    window, a flag that goes on into the next window gives a new key
    (one reminder a window), a higher level (notice -> risk -> pattern) has
    its own key, and a flag that lapsed and came back is new.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today = now.astimezone(ZoneInfo(diary.tz)).date()
    days = group_days(_med_days(diary))
    if not days:
        return None
    current = window(days, today + _DAY)
    if not current.flags:
        return None
    chosen = max(
        current.flags,
        key=lambda f: (_SEVERITY[f.level], f.days / f.limit, f.group is not Group.MIXED),
    )
    level = chosen.level
    if level is Level.RISK and _holds(days, chosen.group, Level.PATTERN, today):
        level = Level.PATTERN
    began = _episode_start(days, chosen.group, level, today)
    anchor = began + timedelta(days=WINDOW_DAYS * ((today - began).days // WINDOW_DAYS))
    return OveruseNotice(
        key=f"overuse:{chosen.group.value}:{level.value}:{anchor.isoformat()}",
        level=level,
        group=chosen.group,
        days=chosen.days,
        limit=chosen.limit,
        window_start=current.start,
        window_end=current.end,
        text=flag_text(chosen, pattern=level is Level.PATTERN),
    )
