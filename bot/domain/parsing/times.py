"""Time expressions in a normalised check-in, resolved against when it was sent.

Hand-written rather than dateparser: the phrases people use in a diary are a
small set ("since 3pm", "2 hours ago", "last night", "from 9am to 1pm
yesterday", "on March 3"), and dateparser costs ~0.5 s to import and
milliseconds per call, where this module costs microseconds.

Rules:
- a clock time without a day is today, or yesterday when it would be later
  than now ("since 10pm" sent at 2 a.m. means last night);
- a clock time on a day the person named is on that day (DESIGN §6a): "on 11
  Nov from 10:00 to 13:00" is 10:00 on 11 Nov, and an hour without am/pm on a
  past day is read as a waking hour (7-11 morning, 12 noon, 1-6 afternoon);
- a day named in a clause of its own ("Yesterday: migraine from 3pm, 300mg at
  9pm") is the day of every clock in the message that names no other day;
- an hour without am/pm ("since 3") is the most recent past one, unless a
  period word in the same clause says which ("at 7 this morning");
- vague periods get a conventional hour: morning 08:00, afternoon 15:00,
  evening 19:00, tonight 21:00, last night 22:00, overnight 03:00, bedtime
  22:00, lunchtime 12:30; a day without any time gets 12:00;
- local times are built with zoneinfo and normalised through UTC, so they are
  right across DST changes, and a time in the spring-forward gap moves to the
  valid time an hour later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "tues": 1,
    "wed": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
PERIOD_HOUR = {
    "morning": time(8, 0),
    "afternoon": time(15, 0),
    "evening": time(19, 0),
    "tonight": time(21, 0),
    "night": time(22, 0),
    "overnight": time(3, 0),
    "noon": time(12, 0),
}

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_LONG = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WEEKDAY_ANY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_AMPM = r"(?:am|pm|a \. m \.?|p \. m \.?|a\.m\.?|p\.m\.?)"
_PERIOD = r"(?P<period>morning|afternoon|evening|night)"

# units after which a number is an amount, not an hour
_NOT_HOUR = (
    r"(?! ?(?:/|\.\d|:|mg|g\b|mcg|ml|h\b|hours?|minutes?|seconds?|days?|weeks?|months?|years?"
    r"|times|x\b|%"
    r"|out of|of 10|pills?|caps?\b|capsules?|tablets?|tabs?\b|glass|cups?|drinks?|pints?|percent"
    r"|awakenings|wake|mins?\b|beers?|wines?|coffees?|glasses|people|kids"
    r"|to \d{1,2}\b(?! ?(?:am|pm))))"
)

DAY_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:the )?day before yesterday\b"), "d-2"),
    (re.compile(r"\b(?:the )?(?P<period>night) before last\b"), "d-2"),
    (re.compile(r"\byesterday(?: (?:in the )?" + _PERIOD + r")?\b"), "d-1"),
    (re.compile(r"\blast (?P<period>night|evening)\b"), "d-1"),
    (
        re.compile(
            r"\b(?:this|in the|early this|late this|early in the|late in the) "
            + r"(?P<period>morning|afternoon|evening)\b"
        ),
        "d0",
    ),
    (re.compile(r"\b(?P<period>tonight)\b"), "d0"),
    (
        re.compile(
            r"\b(?:overnight|during the night|in the night|middle of the night"
            r"|in the middle of the night)\b"
        ),
        "overnight",
    ),
    (re.compile(r"\b(?:today|this day)\b"), "today"),
    (re.compile(r"\b(?P<n>\d{1,2}) days? ago\b"), "ago"),
    (
        re.compile(
            r"\b(?:on |last |this past |past )?(?P<wd>"
            + _WEEKDAY_LONG
            + r")(?: (?P<period>morning|afternoon|evening|night))?\b"
            r"|\bon (?P<wd2>" + _WEEKDAY_ANY + r")\b"
            r"|\b(?:last )?(?P<wd3>"
            + _WEEKDAY_ANY
            + r") (?P<period2>morning|afternoon|evening|night)\b"
            # a short day as a heading: "Mon: 200mg. Tue: skipped"
            r"|(?:^|(?<=[.;,!] ))(?P<wd4>" + _WEEKDAY_ANY + r")(?= (?::|-) )"
        ),
        "weekday",
    ),
    (
        re.compile(
            r"\b(?P<mon>"
            + _MONTH
            + r") (?:the )?(?P<day>\d{1,2})\b(?! ?(?::|am|pm|mg|h\b|hours?|/))"
            r"(?: ?,? (?P<year>20\d\d))?"
        ),
        "md",
    ),
    (
        re.compile(
            r"\b(?P<day>\d{1,2}) (?:of )?(?P<mon>" + _MONTH + r")\b(?: ?,? (?P<year>20\d\d))?"
        ),
        "dm",
    ),
    (re.compile(r"\b(?P<y>20\d\d) - (?P<m>\d{1,2}) - (?P<d>\d{1,2})\b"), "iso"),
    (
        re.compile(
            r"\b(?P<a>\d{1,2}) ?(?P<sep>/|\.|-) ?(?P<b>\d{1,2}) ?(?P=sep) ?(?P<year>(?:20)?\d\d)\b"
            r"|\b(?:on|of) (?P<a2>\d{1,2}) ?(?:/|-) ?(?P<b2>\d{1,2})\b(?! ?(?:/|pm|am))"
            r"|\b(?:on|of) (?P<a3>\d{1,2})\.(?P<b3>\d{1,2})\b(?! ?(?:pm|am))"
            # "migraine 11/3 from 1pm": a date right after the attack or at the start, unless
            # it reads as a score ("7/10", "3/5") or a fraction ("1/2 a capsule")
            r"|(?:^|(?<=\bmigraine )|(?<=\bheadache )|(?<=\bsince )|(?<=\bfrom )|(?<=\buntil )"
            r"|(?<=\btill ))(?P<a4>\d{1,2}) ?/ ?(?P<b4>\d{1,2})\b"
            r"(?! ?(?:/|\.\d|:|of\b|a\b|an\b|mg|g\b|h\b|hours?|minutes?|caps?\b|capsules?|pills?"
            r"|tablets?|tabs?\b|x\b|%|scale|rating|pain|intensity|ish))"
        ),
        "numeric",
    ),
    (re.compile(r"\bon the (?P<day>\d{1,2})\b" + _NOT_HOUR), "dom"),
]

CLOCK_PATTERNS: list[re.Pattern[str]] = [
    re.compile(r"\b(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))? ?(?P<ap>" + _AMPM + r")(?![a-z])"),
    re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b"),
    re.compile(r"\b(?P<h>[01]?\d|2[0-3]) h (?P<m>[0-5]\d)\b"),
    re.compile(r"\b(?P<h>\d{1,2}) ?o ?clock\b"),
    # British dotted clocks after a preposition: "at 10.30", "around 7.45", "from 9.15"
    re.compile(
        r"(?:(?<=\bat )|(?<=\baround )|(?<=\babout )|(?<=\bfrom )|(?<=\bsince )|(?<=\buntil )"
        r"|(?<=\btill )|(?<=\bby ))(?P<h>[01]?\d|2[0-3])\.(?P<m>[0-5]\d)\b"
        r"(?! ?(?:mg|g\b|%|h\b|hours?))"
    ),
    # the first end of "2-5pm", "11 to 1 pm": a clock whose am/pm comes after the range
    re.compile(
        r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))?(?= ?(?:-|to|till|until|til)"
        r" ?(?:1[0-2]|0?[1-9])"
        r"(?::[0-5]\d)? ?" + _AMPM + r"(?![a-z]))"
    ),
    re.compile(
        r"\b(?P<named>noon|midday|midnight|lunchtime|lunch time|bedtime|bed time)\b"
        r"|(?:(?<=since )|(?<=at )|(?<=around )|(?<=until )|(?<=till )|(?<=from )|(?<=by )"
        r"|(?<=with ))(?P<named2>breakfast|lunch|dinner|supper)\b"
    ),
    re.compile(
        r"(?:(?<!went )(?<!gone )(?<!dropped )(?<!down )(?<!pain )"
        r"\b(?:from|at|around|until|till|til|started|starting|began|begun)"
        r"|(?<!dropped )(?<!down )(?<!pain )\b(?:since|by))"
        r"(?: (?:about|around|like|roughly|approximately))? (?P<h>\d{1,2})\b(?: ?ish)?" + _NOT_HOUR
    ),
]
NAMED_TIMES = {
    "noon": time(12, 0),
    "midday": time(12, 0),
    "midnight": time(0, 0),
    "lunchtime": time(12, 30),
    "lunch time": time(12, 30),
    "bedtime": time(22, 0),
    "bed time": time(22, 0),
    "breakfast": time(8, 0),
    "lunch": time(12, 30),
    "dinner": time(19, 0),
    "supper": time(19, 0),
}

# clauses about what happened later that day: "took X at 11", "lasted till 9pm", "gone by 9pm"
_WOKE = frozenset({"woke", "wake", "awoke", "woken", "waking", "awake"})
_MINUTES_AFTER = re.compile(r" ?m(?:in\w*)?\b")
_TAKEN = re.compile(
    r"\b(?:took|taken|had|popped|again|another|then|later|lasted|till|until|gone|ended"
    r"|stopped|eased|finished|over)\b"
)
_BARE_RANGE = re.compile(
    r"(?<!\bwent )(?<!\bgone )(?<!\bgo )(?<!\bdropped )(?<!\bimproved )(?<!\beased )"
    r"(?<!\bcame )(?<!\bcome )(?<!\bdown )(?<!\bpain )(?<!\bit )(?<!\bis )(?<!\bup )"
    r"(?<!\bwas )(?<!\blevel )"
    r"\bfrom (?P<h1>1[0-2]|0?[1-9]) (?:to|till|until|-) (?P<h2>1[0-2]|0?[1-9])\b"
    r"(?! ?(?:/|\.\d|:|out of|of 10|mg|g\b|h\b|hours?|minutes?|%|x\b|times|am|pm))"
)
RANGE_SEP = re.compile(r"^ ?(?:-|to|till|until|til|and|through|thru) ?$")
AGO = re.compile(
    r"\b(?:about |around |like |roughly )?(?P<n>\d+(?:\.\d+)?) ?(?P<u>hours?|h|minutes?|m"
    r"|seconds?) ago\b"
    r"|\b(?P<now>just now|right now|at the moment|atm)\b"
)
FOR_LAST = re.compile(
    r"\bfor (?:the )?(?:last|past) (?P<n>\d+(?:\.\d+)?) ?(?P<u>hours?|h|minutes?|days?)\b"
)
DURATION = re.compile(
    r"\b(?:for|lasted|lasting|lasted for|went on for) (?:about |around |like |roughly )?"
    r"(?P<n>\d+(?:\.\d+)?) ?(?P<u>hours?|h|minutes?|days?)\b(?! ago)"
)

_DURATION_BEFORE = {
    "slept",
    "sleep",
    "got",
    "only",
    "for",
    "about",
    "around",
    "of",
    "just",
    "lasted",
}
START_WORDS = {
    "since",
    "from",
    "started",
    "starting",
    "start",
    "began",
    "begun",
    "beginning",
    "onset",
    "began at",
    "kicked",
    "came",
    "hit",
    "woke",
    "begin",
}
END_WORDS = {
    "until",
    "till",
    "til",
    "ended",
    "stopped",
    "gone",
    "away",
    "finished",
    "over",
    "lasted",
    "ending",
    "eased",
    "left",
}
_INTENSITY_BEFORE = {
    "pain",
    "intensity",
    "level",
    "severity",
    "anxiety",
    "is",
    "was",
    "it",
    "stays",
    "stayed",
    "at",
    "now",
}


@dataclass
class TimeMention:
    """One time expression: a point (or a range) and how it was introduced.

    `vague`: the time of day was not said (a day or a period word; the hour is a
    convention). `day`: the calendar day the person named ("friday", "8 Nov",
    "yesterday"), None for "last night", "this morning" or a bare clock.
    `heading`: a day named in a clause of its own, the day of the whole message.
    """

    start: int
    end: int
    at: datetime
    until: datetime | None = None
    role: str = "point"  # start | end | point | range
    vague: bool = False
    day: date | None = None
    heading: bool = False


# day references that name a calendar day (not "last night", "this morning", "today")
_NAMED_KINDS = frozenset({"d-2", "d-1", "ago", "weekday", "md", "dm", "iso", "numeric", "dom"})


@dataclass
class _Day:
    start: int
    end: int
    day: date | None
    period: str | None
    explicit: bool = True
    used: bool = False
    named: bool = False
    heading: bool = False


def local(d: date, t: time, zone: ZoneInfo) -> datetime:
    """A wall-clock time in `zone`, DST-correct (gap times move forward)."""
    naive = datetime.combine(d, t)
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def shift(dt: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """Absolute-time arithmetic (2 hours ago is 2 real hours, across DST too)."""
    return (dt.astimezone(UTC) + delta).astimezone(zone)


def _day_refs(s: str, now: datetime, us_dates: bool) -> list[_Day]:
    today = now.date()
    out: list[_Day] = []
    taken = bytearray(len(s) + 1)
    for pattern, kind in DAY_PATTERNS:
        for m in pattern.finditer(s):
            if taken.find(1, m.start(), m.end()) != -1:
                continue
            g = m.groupdict()
            period = g.get("period")
            d: date | None = None
            if kind == "d-2":
                d = today - timedelta(days=2)
            elif kind == "d-1":
                d = today - timedelta(days=1)
                if m.group(0).startswith("last"):
                    period = "night" if period == "night" else "evening"
                    kind = "last"
            elif kind == "d0":
                d = today
            elif kind == "overnight":
                d, period = today, "overnight"
            elif kind == "today":
                out.append(_Day(m.start(), m.end(), today, None, explicit=True, used=True))
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                continue
            elif kind == "ago":
                d = today - timedelta(days=int(g["n"]))
            elif kind == "weekday":
                wd = WEEKDAYS[g.get("wd") or g.get("wd2") or g.get("wd3") or g["wd4"]]
                period = period or g.get("period2")
                back = (today.weekday() - wd) % 7
                if back == 0 and "last" in m.group(0):
                    back = 7
                d = today - timedelta(days=back)
            elif kind in ("md", "dm"):
                d = _safe_date(g.get("year"), MONTHS[g["mon"]], int(g["day"]), today)
            elif kind == "iso":
                d = _safe_date(g["y"], int(g["m"]), int(g["d"]), today)
            elif kind == "numeric":
                a = int(g.get("a") or g.get("a2") or g.get("a3") or g.get("a4") or 0)
                b = int(g.get("b") or g.get("b2") or g.get("b3") or g.get("b4") or 0)
                if b == 10 and not g.get("year") and a <= 10 and m.group(0).startswith("of"):
                    continue  # "7 of 10" style intensity slipped in
                if g.get("a4") and (b == 10 or (b in (4, 5) and a <= b) or a == 0 or b == 0):
                    continue  # a score: anything out of 10 ("12/10"), up to 4/4 or 5/5
                month, day = (a, b) if us_dates else (b, a)
                if month > 12 >= day:
                    month, day = day, month
                d = _safe_date(g.get("year"), month, day, today)
            elif kind == "dom":
                day_n = int(g["day"])
                d = _safe_date(None, today.month, day_n, today)
                if d is not None and d > today:
                    prev = today.replace(day=1) - timedelta(days=1)
                    d = _safe_date(str(prev.year), prev.month, day_n, today)
            if d is None:
                continue
            out.append(_Day(m.start(), m.end(), d, period, named=kind in _NAMED_KINDS))
            taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return out


# what may stand beside a day in a clause of its own ("on friday:", "so, yesterday -")
_HEADING_FILLER = frozenset(
    {"on", "last", "the", "so", "ok", "okay", "for", "update", "diary", "log", "entry", "recap"}
)


_HEADING_MARK = re.compile(r" (?::|-) ")


def _mark_headings(s: str, days: list[_Day], clause_of: list[int], starts: list[int]) -> None:
    for d in days:
        if not d.named:
            continue
        first = _words_back(s, 0, d.start, 1) in ([], ["."], [";"], ["!"], ["?"], [","])
        if first and _HEADING_MARK.match(s, d.end):
            d.heading = True  # "Mon: 200mg", "Tuesday - 400 mg at 9pm"
            continue
        c = clause_of[d.start]
        a = starts[c]
        b = starts[c + 1] if c + 1 < len(starts) else len(s)
        if b - a > 80:
            continue  # a heading is a few words
        rest = (s[a : d.start] + " " + s[d.end : b]).split()
        if all(w in _HEADING_FILLER or not w.isalnum() for w in rest):
            d.heading = True


_CALENDAR_KINDS = ("md", "dm", "iso", "numeric")


def impossible_dates(s: str, today: date, us_dates: bool) -> list[str]:
    """Calendar dates in normalised text that do not exist ("february 30", "2026 - 13 - 45").

    The parser skips them; the bot says so instead of logging on another day.
    """
    found = []
    for pattern, kind in DAY_PATTERNS:
        if kind not in _CALENDAR_KINDS:
            continue
        for m in pattern.finditer(s):
            g = m.groupdict()
            if kind in ("md", "dm"):
                month, day, year = MONTHS[g["mon"]], int(g["day"]), g.get("year")
            elif kind == "iso":
                month, day, year = int(g["m"]), int(g["d"]), g["y"]
            elif g.get("a") and g.get("year"):  # only full numeric dates are unambiguous
                a, b = int(g["a"]), int(g["b"])
                month, day = (a, b) if us_dates else (b, a)
                if month > 12 >= day:
                    month, day = day, month
                year = g["year"]
            else:
                continue
            if not 1 <= month <= 12 or _safe_date(year, month, day, today) is None:
                found.append(m.group(0))
    return found


def _safe_date(year: str | None, month: int, day: int, today: date) -> date | None:
    try:
        if year:
            y = int(year)
            return date(y + 2000 if y < 100 else y, month, day)
        d = date(today.year, month, day)
        if d > today:
            d = date(today.year - 1, month, day)
        return d
    except ValueError:
        return None


def _hour_candidates(
    h: int, mnt: int, ap: str | None, period: str | None, has_colon: bool
) -> list[time]:
    if h > 24 or mnt > 59:
        return []
    if h == 24:
        h = 0
    if ap == "24" or (ap and (h > 12 or h == 0)):
        return [time(h, mnt)]
    if ap:
        return [time((h % 12) + (12 if ap == "pm" else 0), mnt)]
    if h > 12 or h == 0:
        return [time(h, mnt)]
    if period in ("afternoon", "evening", "tonight"):
        return [time((h % 12) + 12, mnt)]
    if period == "morning":
        return [time(h % 12, mnt)]
    if period in ("night", "overnight"):
        return [time((h % 12) + 12, mnt)] if h >= 6 and h != 12 else [time(h % 12, mnt)]
    return [time(h % 12, mnt), time((h % 12) + 12, mnt)]


def _waking_hour(cands: list[time]) -> list[time]:
    """Of "9" = 09:00 or 21:00 on a past day, the waking hour: 7-11 am, 12 noon, 1-6 pm."""
    if len(cands) != 2:
        return cands
    am, pm = cands
    if 7 <= am.hour <= 11:
        return [am]
    return [pm]


def _resolve_clock(
    cands: list[time], day: _Day | None, now: datetime, zone: ZoneInfo
) -> datetime | None:
    if not cands:
        return None
    if day is not None and day.day is not None:
        d = day.day
        if day.named and d < now.date() and day.period is None:
            # a past day named: the hour is on that day, not the latest one before now
            cands = _waking_hour(cands)
        if day.period == "night" and day.day < now.date() and cands[0].hour < 6:
            d = d + timedelta(days=1)  # "last night at 2am" is early today
        if day.period == "overnight" and cands[0].hour >= 18:
            d = d - timedelta(days=1)
        options = [local(d, c, zone) for c in cands]
        past = [o for o in options if o <= now + timedelta(minutes=10)]
        return max(past) if past else options[0]
    options = []
    for c in cands:
        for back in (0, 1):
            options.append(local(now.date() - timedelta(days=back), c, zone))
    past = [o for o in options if o <= now + timedelta(minutes=10)]
    return max(past) if past else min(options)


def _near(s: str, day: _Day, pos: int) -> bool:
    """ "at 7 this morning", "this morning around 7": a period word right beside the clock.

    "2 capsules this morning and 1 at bedtime": farther off, the morning is not the
    bedtime's.
    """
    gap = s[day.end : pos] if day.end <= pos else s[pos : day.start]
    return len(gap.split()) <= 2


def _words_back(s: str, lo: int, pos: int, n: int) -> list[str]:
    """The last n words of s[lo:pos], read from a window so a long text costs no more."""
    start = max(lo, pos - 120)
    words = s[start:pos].split()
    if start > lo and s[start - 1] != " ":
        words = words[1:]  # the window cut a word in two
    return words[-n:]


def _role(s: str, start: int, clause_start: int) -> str:
    words = _words_back(s, clause_start, start, 4)
    for w in reversed(words):
        if w in START_WORDS:
            return "start"
        if w in END_WORDS:
            return "end"
    return "point"


def find_times(
    s: str,
    now: datetime,
    zone: ZoneInfo,
    clause_of: list[int],
    clause_starts: list[int],
    us_dates: bool,
) -> tuple[list[TimeMention], list[tuple[int, int]], list[tuple[int, int, float]]]:
    """All time mentions in `s`, the spans they cover, and durations (start, end, minutes)."""
    days = _day_refs(s, now, us_dates)
    _mark_headings(s, days, clause_of, clause_starts)
    headings = [d for d in days if d.heading]
    named_days = {d.day for d in days if d.named}
    # "had a migraine tuesday, took sumatriptan at 11": the one past day named is the day
    # of the medicines taken in it (not "since tuesday": that attack is still going)
    only_day = next((d for d in days if d.named), None) if len(named_days) == 1 else None
    if only_day is not None and (
        only_day.day is None
        or only_day.day >= now.date()
        or _words_back(s, 0, only_day.start, 1) == ["since"]
    ):
        only_day = None
    mentions: list[TimeMention] = []
    spans: list[tuple[int, int]] = [(d.start, d.end) for d in days]
    busy = bytearray(len(s) + 1)  # the words of day references, then of clocks
    for d in days:
        busy[d.start : d.end] = b"\x01" * (d.end - d.start)
    days_in: dict[int, list[_Day]] = {}
    for d in days:
        days_in.setdefault(clause_of[d.start], []).append(d)

    def free(a: int, b: int) -> bool:
        return busy.find(1, a, max(a, b)) == -1

    def day_for(pos: int) -> _Day | None:
        same = [
            d
            for d in days_in.get(clause_of[pos], [])
            if d.day is not None and (d.named or _near(s, d, pos))
        ]
        if same:
            return min(same, key=lambda d: abs(d.start - pos))
        # a day named in a clause of its own covers the clocks that name none
        before = [d for d in headings if d.start < pos]
        if before:
            return before[-1]
        if headings:
            return headings[0]
        # "took ibuprofen at 15:10 and sumatriptan at 16:30": the list goes on past "and"
        if only_day is not None and _TAKEN.search(" ".join(_words_back(s, 0, pos, 10))):
            return only_day
        return None

    def named(day: _Day | None) -> date | None:
        return day.day if day is not None and day.named else None

    def gap_is_range(b: int, a2: int) -> bool:
        """ "9am to 1pm", and across days: "22:00 on 24 Oct to 04:00 on 25 Oct"."""
        if a2 - b > 60:
            return False
        gap = s[b:a2]
        for d in days_in.get(clause_of[b], []):
            if b <= d.start and d.end <= a2:
                gap = gap.replace(s[d.start : d.end], " ")
        gap = " ".join(w for w in gap.split() if w not in ("on", "the", ","))
        return bool(RANGE_SEP.match(gap)) or gap in ("to", "-", "until", "till")

    def clause_start(pos: int) -> int:
        return clause_starts[clause_of[pos]]

    # clocks, then ranges built from neighbouring clocks
    clocks: list[tuple[int, int, int, int, str | None, bool]] = []  # start, end, h, m, ap, colon
    clocked = bytearray(len(s) + 1)
    for pattern in CLOCK_PATTERNS:
        for m in pattern.finditer(s):
            g = m.groupdict()
            a, b = (
                (m.start("h"), m.end())
                if g.get("h") and pattern is CLOCK_PATTERNS[-1]
                else m.span()
            )
            if not free(a, b) or clocked.find(1, a, b) != -1:
                continue
            if pattern is CLOCK_PATTERNS[2]:
                before = _words_back(s, 0, m.start(), 1)
                if (before and before[0] in _DURATION_BEFORE) or _MINUTES_AFTER.match(s, m.end()):
                    continue  # "slept 6h30", "6 h 30 m": a duration
            if pattern is CLOCK_PATTERNS[-1]:
                before = _words_back(s, 0, m.start(), 1)
                lead = m.group(0).split()[0]
                if lead == "at" and before and before[0] in _INTENSITY_BEFORE:
                    continue
            if g.get("named") or g.get("named2"):
                t = NAMED_TIMES[g.get("named") or g["named2"]]
                clocks.append((a, b, t.hour, t.minute, "24", True))
                clocked[a:b] = b"\x01" * (b - a)
                continue
            h = int(g["h"])
            mnt = int(g.get("m") or 0)
            ap = g.get("ap")
            colon = ":" in m.group(0) or "." in m.group(0)
            if colon and (g["h"].startswith("0") or h >= 13):
                ap = "24"
            clocks.append((a, b, h, mnt, ap, colon))
            clocked[a:b] = b"\x01" * (b - a)
    # "from 2 to 6": bare hours in a range (not "went from 7 to 3", not "from 2 to 6/10")
    for m in _BARE_RANGE.finditer(s):
        spans_of = ((m.start("h1"), m.end("h1")), (m.start("h2"), m.end("h2")))
        if not all(free(a, b) for a, b in spans_of):
            continue
        if clocked.find(1, m.start(), m.end()) != -1:
            continue
        for (a, b), key in zip(spans_of, ("h1", "h2"), strict=True):
            clocks.append((a, b, int(m.group(key)), 0, None, False))
    clocks.sort()
    # the writer uses the 24-hour clock: "at 8 and at 20:00" is 08:00
    writer_24 = any(ap == "24" and h != 0 for _a, _b, h, _m, ap, _c in clocks)

    used: set[int] = set()
    for i, (a, b, h, mnt, ap, colon) in enumerate(clocks):
        if i in used:
            continue
        day = day_for(a)
        if day is not None and clause_of[day.start] == clause_of[a]:
            day.used = True  # a day lent from elsewhere still dates its own clause
        period = day.period if day else None
        if ap is None and writer_24 and period is None:
            ap = "24"
        # a range "9am to 1pm", "2-6pm", "from 9 to 1"
        if i + 1 < len(clocks) and clause_of[clocks[i + 1][0]] == clause_of[a]:
            a2, b2, h2, m2, ap2, colon2 = clocks[i + 1]
            if ap2 is None and writer_24:
                ap2 = "24"
            if gap_is_range(b, a2):
                if ap is None and ap2 not in (None, "24"):
                    ap = ap2 if (h % 12) <= (h2 % 12) else ("am" if ap2 == "pm" else "pm")
                elif ap is None and ap2 == "24" and colon:
                    ap = "24"  # "from 10:00 to 13:00": both ends on the 24-hour clock
                start_t = _hour_candidates(h, mnt, _ap(ap), period, colon)
                start_dt = _resolve_clock(start_t, day, now, zone)
                end_day = day_for(a2)
                own_end_day = end_day is not None and end_day is not day and end_day.named
                if start_dt is not None:
                    # "from 11 till 6 on friday night": the end is the first 6 after 11 pm
                    end_c = _hour_candidates(h2, m2, _ap(ap2), None, colon2)
                    end_opts = []
                    for c in end_c:
                        if own_end_day and end_day is not None and end_day.day is not None:
                            o = local(end_day.day, c, zone)
                            if o > start_dt:
                                end_opts.append(o)
                            continue
                        for plus in (0, 1):
                            o = local(start_dt.date() + timedelta(days=plus), c, zone)
                            if o > start_dt:
                                end_opts.append(o)
                    if end_opts:
                        if own_end_day and end_day is not None:
                            end_day.used = True
                        mentions.append(
                            TimeMention(a, b2, start_dt, min(end_opts), "range", day=named(day))
                        )
                        used.update({i, i + 1})
                        continue
        cands = _hour_candidates(h, mnt, _ap(ap), period, colon)
        if len(cands) == 2 and _WOKE.intersection(_words_back(s, clause_start(a), a, 4)):
            cands = cands[:1]  # "woke up at 4 with a migraine": 4 in the morning
        dt = _resolve_clock(cands, day, now, zone)
        if dt is None:
            continue
        # the mention is the clock; its day is taken on its own, so that the words between
        # them ("yesterday migraine from 3pm") are still read
        mentions.append(TimeMention(a, b, dt, None, _role(s, a, clause_start(a)), day=named(day)))
        used.add(i)

    for m in AGO.finditer(s):
        if clocked.find(1, m.start(), m.end()) != -1:
            continue
        if m.group("now"):
            mentions.append(
                TimeMention(
                    m.start(), m.end(), now, None, _role(s, m.start(), clause_start(m.start()))
                )
            )
            continue
        n = float(m.group("n"))
        unit = m.group("u")
        mins = n * 60 if unit.startswith("h") else (n / 60 if unit.startswith("s") else n)
        mentions.append(
            TimeMention(
                m.start(),
                m.end(),
                shift(now, -timedelta(minutes=mins), zone),
                None,
                _role(s, m.start(), clause_start(m.start())),
            )
        )
    for m in FOR_LAST.finditer(s):
        if clocked.find(1, m.start(), m.end()) != -1:
            continue
        n = float(m.group("n"))
        unit = m.group("u")
        mins = n * 60 if unit.startswith("h") else (n * 1440 if unit.startswith("d") else n)
        mentions.append(
            TimeMention(
                m.start(), m.end(), shift(now, -timedelta(minutes=mins), zone), None, "start"
            )
        )

    for d in days:
        if d.day is None or (d.used and not d.heading):
            continue
        if d.period is not None:
            t = PERIOD_HOUR.get(d.period, time(12, 0))
            dt = local(d.day, t, zone)
            if d.period == "overnight" and dt > now:
                dt = local(d.day - timedelta(days=1), t, zone)
        else:
            dt = local(d.day, time(12, 0), zone)
        mentions.append(
            TimeMention(
                d.start,
                d.end,
                dt,
                None,
                _role(s, d.start, clause_start(d.start)),
                vague=True,
                day=named(d),
                heading=d.heading,
            )
        )

    durations: list[tuple[int, int, float]] = []
    for m in DURATION.finditer(s):
        n = float(m.group("n"))
        unit = m.group("u")
        mins = n * 60 if unit.startswith("h") else (n * 1440 if unit.startswith("d") else n)
        durations.append((m.start(), m.end(), mins))

    all_spans = spans + [(t.start, t.end) for t in mentions]
    mentions.sort(key=lambda t: t.start)
    return mentions, all_spans, durations


def _ap(ap: str | None) -> str | None:
    if ap is None or ap == "24":
        return None if ap is None else "24"
    return "pm" if ap.startswith("p") else "am"
