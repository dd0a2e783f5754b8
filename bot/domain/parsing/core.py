"""The analysed message every topic reader works from.

The message is cut into clauses (at punctuation, "but", "then", a new "took
..."). Anchors are the words that name a topic (migraine, magnesium, slept,
anxious, a medicine); values (7/10, 200 mg, 5 h, "mild", "since 3pm") go to
the anchor they belong to: an explicit label first ("anxiety 6"), else the
nearest anchor in the same clause, else the topic of the clause before. The
topic modules (`attack`, `dose`, `medicines`, `sleep`, `mood`, `side_effects`)
read their values from here and build the entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.entries import AttackEndEntry, AttackEntry, AttackUpdateEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.lexicon import corrector
from bot.domain.parsing.text import normalize
from bot.domain.parsing.times import TimeMention, find_times

# what a message can say about an attack: a new one, pain in the running one, its end
AttackNews = AttackEntry | AttackUpdateEntry | AttackEndEntry
# topic -> [(position, value, kind)]: intensity/level/quality/amount/count/hours
Values = dict[str, list[tuple[int, float, str]]]

_SEPARATORS = re.compile(
    r" (?:[,;!?\n]|\.(?! ?\d)|\( | \)|:(?! ?\d)|- (?=[a-z])|\+ (?=[a-z])|/ (?=[a-z]{3}))"
    r"|\b(?:but|then|however|although|though|whereas|and then|and now|and also|after that|plus"
    r"|also)\b"
    r"|(?<=[a-z] )(?=(?:took|i took|i had|popped)\b)"
)


_CAUSAL = {
    "after",
    "from",
    "since",
    "because",
    "due",
    "with",
    "on",
    "started",
    "starting",
    "caused",
    "thanks",
    "following",
    "by",
}


_NEG_BREAK = {
    "stop",
    "stopped",
    "help",
    "believe",
    "sure",
    "think",
    "wait",
    "but",
    "except",
    "only",
    "until",
    "till",
    "before",
    "sleep",
    "slept",
}


_CAUSE_WORDS = {"after", "from", "because", "due", "following", "caused", "thanks", "cause", "by"}


_LABEL_NUM = re.compile(
    r"\b(?P<label>pain(?: level)?|intensity|severity|level|migraines?|headaches?"
    r"|anxiety(?: level)?|anx"
    r"|anxious|stress(?: level)?|sleep(?: quality)?|quality|slept|it is|its|now|still|down to|up to"
    r"|back to|at a|about a|like a|around a|maybe a|a solid|rated|rate)"
    r"(?: (?:is|was|at|of|about|around|now|still|currently|=|:|-|maybe|like|a|rating|score|level"
    r"|today"
    r"|went|gone|up|down|to|back|only|solid|probably|roughly|approximately|right)){0,6}"
    r" (?P<n>\d+(?:\.\d+)?)\b"
    r"(?! ?(?:/ ?\d|out of|of 10|:|\.\d|am\b|pm\b|a \.|p \.|mg|g\b|mcg|h\b|hours?|minutes?|days?"
    r"|weeks?"
    r"|times|x\b|%|pills?|caps?\b|capsules?|tablets?|tabs?\b|glass|cups?|drinks?|ago|mins?\b"
    r"|o ?clock))"
)


_SCALE = re.compile(r"\b(?P<n>\d+(?:\.\d+)?) ?(?:/|out of|outta|of) ?(?P<d>10|5)\b")


@dataclass
class Anchor:
    start: int
    end: int
    topic: str  # attack | pain | sleep | anxiety | dose | med
    text: str
    value: float | None = None  # a medicine's dose in mg


@dataclass
class Doc:
    s: str
    now: datetime
    zone: ZoneInfo
    clause_of: list[int] = field(default_factory=list)
    clause_starts: list[int] = field(default_factory=list)
    # 1 for every character a reader has taken (a time, a value, a medicine's name)
    taken: bytearray = field(default_factory=bytearray)

    def __post_init__(self) -> None:
        self.taken = bytearray(len(self.s) + 1)
        cuts = [0]
        for m in _SEPARATORS.finditer(self.s):
            cuts.append(m.start())
            cuts.append(m.end())
        cuts.append(len(self.s))
        self.clause_of = [0] * (len(self.s) + 1)
        self.clause_starts = []
        cid = -1
        bounds = sorted(set(cuts))
        for i in range(len(bounds) - 1):
            a, b = bounds[i], bounds[i + 1]
            cid += 1
            self.clause_starts.append(a)
            for k in range(a, b):
                self.clause_of[k] = cid
        self.clause_of[len(self.s)] = max(cid, 0)
        if not self.clause_starts:
            self.clause_starts = [0]

    def clause(self, pos: int) -> int:
        return self.clause_of[min(max(pos, 0), len(self.s))]

    def clause_text(self, pos: int) -> tuple[int, int]:
        c = self.clause(pos)
        a = self.clause_starts[c]
        b = self.clause_starts[c + 1] if c + 1 < len(self.clause_starts) else len(self.s)
        return a, b

    def free(self, a: int, b: int) -> bool:
        return self.taken.find(1, a, max(a, b)) == -1

    def claim(self, a: int, b: int) -> None:
        if b > a:
            self.taken[a:b] = b"\x01" * (b - a)

    # words near a position are read from a window, not the whole clause, so that a
    # long message costs time in proportion to its length
    _WINDOW = 160

    def words_before(self, start: int, pos: int, n: int) -> list[str]:
        """Up to n words of s[start:pos], the last ones."""
        lo = max(start, pos - self._WINDOW)
        words = self.s[lo:pos].split()
        if lo > start and self.s[lo - 1] != " ":
            words = words[1:]  # the window cut a word in two
        return words[-n:] if n else []

    def words_after(self, pos: int, end: int, n: int) -> list[str]:
        """Up to n words of s[pos:end], the first ones."""
        hi = min(end, pos + self._WINDOW)
        words = self.s[pos:hi].split()
        if hi < end and self.s[hi : hi + 1] not in ("", " "):
            words = words[:-1]
        return words[:n]

    def text_before(self, start: int, pos: int) -> str:
        """s[start:pos], or its last whole words when that is longer than the window."""
        lo = max(start, pos - self._WINDOW)
        text = self.s[lo:pos]
        if lo > start and self.s[lo - 1] != " ":
            text = text.partition(" ")[2]  # the window cut a word in two
        return text

    def before(self, pos: int, n: int = 3) -> list[str]:
        """Up to n words before pos, within the clause."""
        a, _ = self.clause_text(pos)
        return self.words_before(a, pos, n)

    def after(self, pos: int, n: int = 3) -> list[str]:
        _, b = self.clause_text(pos)
        return self.words_after(pos, b, n)

    def negated(self, a: int, b: int, reach: int = 3) -> bool:
        words = self.before(a, reach)
        for i, w in enumerate(words):
            # "can't stop throwing up" is not a negation of throwing up
            if w in V.NEG_WORDS and not any(x in _NEG_BREAK for x in words[i + 1 :]):
                return True
        nxt = self.words_after(b, len(self.s), 2)
        return (bool(nxt) and nxt[0] in ("free", "less")) or nxt[:2] == ["not", "present"]

    def causal_in_clause(self, pos: int) -> bool:
        a, _ = self.clause_text(pos)
        return any(w in _CAUSE_WORDS for w in self.s[a:pos].split())

    def causal(self, a: int) -> bool:
        return any(w in _CAUSAL for w in self.before(a, 3))


def _med_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    names = V.medicine_names()
    keys = [k for k in names if len(k) > 3 or k in ("ibu", "apap")]
    alt = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(r"\b(?:" + alt + r")s?\b"), names


_MED_RX, _MED_NAMES = _med_regex()


def moment(dt: datetime | None) -> datetime | None:
    """A time as an entry holds it: to the second."""
    return None if dt is None else dt.replace(microsecond=0)


def number(x: float | None) -> float | None:
    """A value as an entry holds it: to two decimals."""
    return None if x is None else float(round(x, 2))


def _clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def us_dates(tz: str) -> bool:
    return tz.startswith(("US/", "America/", "Canada/")) and not any(
        c in tz
        for c in (
            "Sao_Paulo",
            "Argentina",
            "Buenos_Aires",
            "Bogota",
            "Lima",
            "Santiago",
            "Caracas",
            "Mexico",
        )
    )


def _topic_of_label(label: str) -> str | None:
    if label.startswith(("pain", "intensity", "severity", "migraine", "headache")):
        return "attack"
    if label.startswith(("anx", "stress")):
        return "anxiety"
    if label.startswith(("sleep", "slept", "quality")):
        return "sleep"
    return None


class Message:
    """One message under analysis: its clauses, anchors, time mentions and values."""

    def __init__(self, text: str, now: datetime, tz: str, normalized: str | None = None) -> None:
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
            tz = "UTC"
        if now.tzinfo is None:
            now = now.replace(tzinfo=zone)
        self.now = now.astimezone(zone)
        self.zone = zone
        self.raw = text
        s = normalize(text[:2000], corrector()) if normalized is None else normalized
        self.d = Doc(s, self.now, zone)
        self.tz = tz
        self.anchors: list[Anchor] = []
        self.times: list[TimeMention] = []
        self.durations: list[tuple[int, int, float]] = []
        self.time_spans: list[tuple[int, int]] = []
        self.context: TimeMention | None = None
        self.headings: list[TimeMention] = []
        self.values: Values = {}
        self._clause_cache: dict[tuple[str, ...], dict[int, list[Anchor]]] = {}
        self._clause_cache_key = -1
        self._owners: dict[int, str | None] = {}
        self._has_attack: bool | None = None

    def locate_times(self) -> None:
        """Find every time mention; their words are taken (no anchor or value reads them)."""
        d = self.d
        times, time_spans, self.durations = find_times(
            d.s, self.now, self.zone, d.clause_of, d.clause_starts, us_dates(self.tz)
        )
        # a day named in a clause of its own is no topic's time: it is the message's day
        self.times = [t for t in times if not t.heading]
        self.headings = [t for t in times if t.heading]
        self.context = self.headings[0] if self.headings else None
        for a, b in time_spans:
            d.claim(a, b)
        self.time_spans = time_spans

    def context_at(self, pos: int) -> TimeMention | None:
        """The day heading the part of the message at `pos` ("Monday: ... Tuesday: ...")."""
        before = [t for t in self.headings if t.start < pos]
        return before[-1] if before else self.context

    def add_value(self, topic: str, pos: int, value: float, kind: str) -> None:
        self.values.setdefault(topic, []).append((pos, value, kind))

    def find(self, pattern: re.Pattern[str], claim: bool = False) -> list[re.Match[str]]:
        out = []
        for m in pattern.finditer(self.d.s):
            if self.d.free(m.start(), m.end()):
                out.append(m)
                if claim:
                    self.d.claim(m.start(), m.end())
        return out

    def anchors_of(self, *topics: str) -> list[Anchor]:
        return [a for a in self.anchors if a.topic in topics]

    def _by_clause(self, topics: tuple[str, ...]) -> dict[int, list[Anchor]]:
        """The anchors of these topics, clause by clause (built once the anchors are known)."""
        key = (len(self.anchors), topics)
        if self._clause_cache_key != key[0]:
            self._clause_cache = {}
            self._clause_cache_key = key[0]
        found = self._clause_cache.get(topics)
        if found is None:
            found = {}
            for a in self.anchors:
                if a.topic in topics:
                    found.setdefault(self.d.clause(a.start), []).append(a)
            self._clause_cache[topics] = found
        return found

    def adjacent(self, a: int, b: int, topics: tuple[str, ...]) -> Anchor | None:
        """The anchor right next to a value: "500 mg naproxen", then "naproxen 500 mg"."""
        gap = re.compile(r"^ (?:of |of my |my |the |x \d )?$")
        for anchor in self.anchors_of(*topics):
            if anchor.start >= b and gap.match(self.d.s[b : anchor.start]):
                return anchor
        for anchor in self.anchors_of(*topics):
            if anchor.end <= a and gap.match(self.d.s[anchor.end : a]):
                return anchor
        return None

    def nearest(
        self, pos: int, topics: tuple[str, ...], same_clause_only: bool = False
    ) -> Anchor | None:
        by_clause = self._by_clause(topics)
        if not by_clause:
            return None
        c = self.d.clause(pos)
        same = by_clause.get(c, [])
        if same:
            # prefer the anchor to the left at equal distance
            return min(
                same, key=lambda a: abs(a.start - pos) if a.start > pos else abs(pos - a.end) - 0.5
            )
        if same_clause_only:
            return None
        prev = [cc for cc in by_clause if cc < c]
        if prev:
            return max(by_clause[max(prev)], key=lambda a: a.start)
        return min(by_clause[min(by_clause)], key=lambda a: a.start)

    def collect_anchors(self) -> None:
        d = self.d
        for m in self.find(_MED_RX):
            name = _MED_NAMES.get(m.group(0), _MED_NAMES.get(m.group(0).rstrip("s"), ""))
            if name:
                self.anchors.append(Anchor(m.start(), m.end(), "med", name))
        for a in self.anchors_of("med"):
            d.claim(a.start, a.end)
        for m in self.find(V.MAGNESIUM):
            self.anchors.append(Anchor(m.start(), m.end(), "dose", m.group(0)))
        for m in self.find(V.MG_ANCHOR):
            prev = d.words_before(0, m.start(), 1)
            if prev and re.fullmatch(r"\d+(?:\.\d+)?|x", prev[0]):
                continue
            self.anchors.append(Anchor(m.start(), m.end(), "dose", "mg"))
        if not self.anchors_of("med"):
            for m in self.find(V.DOSE_WORD):
                self.anchors.append(Anchor(m.start(), m.end(), "dose", m.group(0)))
        migraine = bytearray(len(d.s) + 1)
        for m in self.find(V.MIGRAINE):
            self.anchors.append(Anchor(m.start(), m.end(), "attack", "migraine"))
            migraine[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        for m in self.find(V.HEADACHE):
            if not migraine[m.start()]:
                self.anchors.append(Anchor(m.start(), m.end(), "attack", "headache"))
        for m in self.find(V.PAIN):
            self.anchors.append(Anchor(m.start(), m.end(), "pain", m.group(0)))
        for m in self.find(V.SLEEP_ANCHOR):
            if m.group(0).startswith("sleepy"):
                continue
            self.anchors.append(Anchor(m.start(), m.end(), "sleep", m.group(0)))
        for m in self.find(V.ANXIETY):
            self.anchors.append(Anchor(m.start(), m.end(), "anxiety", m.group(0)))

    def label_topic(self, pos: int) -> str | None:
        words = self.d.before(pos, 2)
        for w in reversed(words):
            t = _topic_of_label(w)
            if t is not None:
                return t
        return None

    def scale_owner(self, pos: int, denom: int) -> str:
        owner = self.nearest(pos, ("attack", "pain", "sleep", "anxiety"))
        if denom == 5 and self.anchors_of("sleep"):
            return "sleep"
        if owner is None:
            return "pain"
        return owner.topic

    def times_for(self, topic: str) -> list[TimeMention]:
        """Time mentions owned by a topic (attack, dose, med)."""
        out = []
        for t in self.times:
            if self.time_owner(t) == topic:
                out.append(t)
        return out

    def time_owner(self, t: TimeMention) -> str | None:
        if id(t) not in self._owners:
            self._owners[id(t)] = self._time_owner(t)
        return self._owners[id(t)]

    def _time_owner(self, t: TimeMention) -> str | None:
        d = self.d
        c = d.clause(t.start)
        topics = ("attack", "dose", "med", "sleep", "anxiety", "pain")
        if self._has_attack is None:
            self._has_attack = bool(self.anchors_of("attack")) or bool(V.ATTACK_END.search(d.s))
        has_attack = self._has_attack
        if t.role in ("start", "end", "range") and has_attack:
            return "attack"
        by_clause = self._by_clause(topics)
        for cc in sorted((k for k in by_clause if k <= c), reverse=True)[:1]:
            same = by_clause[cc]
            if same:
                clause_a, clause_b = d.clause_text(same[0].start)
                clause = d.s[clause_a:clause_b]
                took = V.TAKE_VERB.search(clause)
                mags = [a for a in same if a.topic in ("dose", "med")]
                if took and mags:
                    return min(mags, key=lambda a: abs(a.start - t.start)).topic
                # "<thing> at <time>": the anchor on the left owns the time; with none there,
                # the nearest one on the right ("at 4am migraine")
                left = [a for a in same if a.end <= t.start]
                best = (
                    max(left, key=lambda a: a.end)
                    if left
                    else min(same, key=lambda a: abs(a.start - t.start))
                )
                if best.topic == "pain":
                    return "attack"
                return best.topic
        nxt = [k for k in by_clause if k > c]
        if nxt:
            best = min(by_clause[min(nxt)], key=lambda a: a.start)
            return "attack" if best.topic == "pain" else best.topic
        if has_attack:
            return "attack"
        if self.values.get("dose"):
            return "dose"  # "200mg this morning and 200mg just now": magnesium, unnamed
        return None

    def mag_causal_clause(self, pos: int) -> bool:
        d = self.d
        c = d.clause(pos)
        for a in self.anchors_of("dose"):
            if d.clause(a.start) == c and d.causal(a.start):
                return True
        return bool(
            re.search(
                r"\b(?:since (?:starting|taking|i started)|after (?:taking )?(?:it|them|the pills?"
                r"|my pills?))\b",
                d.s,
            )
        )


def collect_scale_values(msg: Message) -> None:
    """N/10, N/5 and labelled numbers ("pain 7", "anxiety 6", "sleep 3")."""
    d = msg.d
    add = msg.add_value
    # N/10 and N/5
    for m in msg.find(_SCALE, claim=True):
        n = float(m.group("n"))
        denom = int(m.group("d"))
        topic = msg.label_topic(m.start()) or msg.scale_owner(m.start(), denom)
        add(topic, m.start(), n, f"scale{denom}")
    # labelled numbers: "pain 7", "anxiety 6", "sleep 3"
    for m in msg.find(_LABEL_NUM):
        label = m.group("label")
        n = float(m.group("n"))
        pos = m.start("n")
        if not d.free(m.start("n"), m.end("n")):
            continue
        labelled = _topic_of_label(label)
        if labelled is None:
            near = msg.nearest(pos, ("attack", "pain", "anxiety", "sleep"))
            labelled = "attack" if near is None or near.topic == "pain" else near.topic
        topic = labelled
        if topic == "sleep":
            if label in ("sleep quality", "quality") or (label == "sleep" and n <= 5):
                add("sleep", pos, n, "scale5")
            elif n <= 14:
                add("sleep", pos, n, "hours")
            else:
                continue
        else:
            add(topic, pos, n, "scale10")
        d.claim(m.start("n"), m.end("n"))
