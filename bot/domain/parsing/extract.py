"""From a normalised check-in to diary entries.

The message is cut into clauses (at punctuation, "but", "then", a new "took
..."). Anchors are the words that name a topic (migraine, magnesium, slept,
anxious, a medicine); values (7/10, 200 mg, 5 h, "mild", "since 3pm") go to
the anchor they belong to: an explicit label first ("anxiety 6"), else the
nearest anchor in the same clause, else the topic of the clause before. Each
topic then builds at most one entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.parsing import vocab as V
from bot.domain.parsing.lexicon import corrector
from bot.domain.parsing.text import basic_normalize, normalize
from bot.domain.parsing.times import TimeMention, find_times, shift

Entry = dict[str, Any]

_SEPARATORS = re.compile(
    r" (?:[,;!?\n]|\.(?! ?\d)|\( | \)|:(?! ?\d)|- (?=[a-z])|\+ (?=[a-z])|/ (?=[a-z]{3}))"
    r"|\b(?:but|then|however|although|though|whereas|and then|and now|and also|after that|plus"
    r"|also)\b"
    r"|(?<=[a-z] )(?=(?:took|i took|i had|popped)\b)"
)
_QUESTION = re.compile(
    r"^(?:is|are|can|could|should|do|does|did|how|what|why|when|will|would|which|who|where|shall"
    r"|may"
    r"|am i|any)\b"
)
# questions people type without the "?": "what is the max dose of ibuprofen"
_QUESTION_NO_MARK = re.compile(
    r"^(?:what is|what are|what about|how (?:much|many|long|often|do|does|can|should|is|are)"
    r"|can i|could i|should i|do i|does (?:it|magnesium|mag)|is it|is there|is magnesium"
    r"|are there)\b"
)
# someone else's headache is not the writer's diary: "my friend gets migraines too"
_OTHER_PERSON = re.compile(
    r"^(?:my (?:friend|mate|wife|husband|partner|boyfriend|girlfriend|son|daughter|kid|child"
    r"|mum|mom|mother|dad|father|sister|brother|colleague|coworker|boss|gran|grandma|grandad"
    r"|aunt|uncle|cousin|flatmate|roommate)s?|(?:he|she|they) (?:has|have|had|gets?|got|is|are"
    r"|was|were))\b(?! and i\b)(?!.*\b(?:i|me|my|i am|i have|i had)\b)"
)
# words that make plural "migraines"/"headaches" a general statement rather than one attack
_GENERAL_TALK = re.compile(
    r"\b(?:runs? in|helps?|helped|helping|prevent\w*|prone|suffer\w*|history|read|heard|reduce\w*"
    r"|used to|family|people|anyone|everyone|lots of|a lot of|cause|causes|trigger|triggers"
    r"|research|study|studies|article|supposed to|good for|for (?:my )?(?:migraines|headaches)"
    r"|with (?:my )?(?:migraines|headaches)|get (?:migraines|headaches)|gets|always|usually"
    r"|often|sometimes|never)\b"
)
# a reply that opens with "still"/"now"/"worse" carries on the attack already logged
_CONTINUES = re.compile(
    r"^(?:(?:it is|its|it|pain is|pain|the pain is|head is|head) )?(?:still|now|worse|getting worse"
    r"|even worse|better|a bit better|slightly better|getting better)\b"
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
_FILLER_BEFORE = {
    "a",
    "an",
    "the",
    "my",
    "this",
    "very",
    "really",
    "so",
    "such",
    "pretty",
    "quite",
    "kind",
    "of",
    "bit",
    "super",
    "extremely",
    "incredibly",
    "fairly",
    "rather",
    "another",
    "one",
}
_FILLER_AFTER = {
    "is",
    "was",
    "feels",
    "felt",
    "getting",
    "got",
    "pretty",
    "quite",
    "really",
    "very",
    "so",
    "still",
    "now",
    ":",
    "-",
    "=",
    "has",
    "been",
    "became",
    "becoming",
    "gone",
    "seems",
    "kind",
    "of",
    "bit",
    "a",
    "like",
    "fairly",
    "super",
    "extremely",
    "incredibly",
    "rather",
    "going",
    "today",
}
_LABEL_NUM = re.compile(
    r"\b(?P<label>pain(?: level)?|intensity|severity|level|migraines?|headaches?"
    r"|anxiety(?: level)?|anx"
    r"|anxious|stress(?: level)?|sleep(?: quality)?|quality|slept|it is|its|now|still|down to|up to"
    r"|back to|at a|about a|like a|around a|maybe a|a solid|rated|rate)"
    r"(?: (?:is|was|at|of|about|around|now|still|currently|=|:|-|maybe|like|a|rating|score|level"
    r"|today"
    r"|went|gone|up|down|to|back|only|solid|probably|roughly|approximately|right))*"
    r" (?P<n>\d+(?:\.\d+)?)\b"
    r"(?! ?(?:/ ?\d|out of|of 10|:|\.\d|am\b|pm\b|a \.|p \.|mg|g\b|mcg|h\b|hours?|minutes?|days?"
    r"|weeks?"
    r"|times|x\b|%|pills?|caps?\b|capsules?|tablets?|tabs?\b|glass|cups?|drinks?|ago|mins?\b"
    r"|o ?clock))"
)
_SHORT_END = re.compile(
    r"^(?:(?:all|it is|its|it|finally|completely|totally|pretty much|basically|now|is|has|been"
    r"|the pain|pain) )*(?P<cue>gone|over|ended|finished|passed|done|pain free|better and gone)"
    r"(?: (?:now|at last|finally|completely|again))*(?: [!.])*$"
)
_FROM_TO = re.compile(
    r"\b(?:went|gone|go|dropped|improved|eased|came|come|down|pain|it|is)(?: down)? from"
    r" (?P<a>\d+(?:\.\d+)?) ?(?:/ ?10 )?(?:to|->|-) (?P<n>\d+(?:\.\d+)?)\b(?! ?(?:am|pm|:))"
)
_BARE_NUMBER = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)\b(?! ?(?:/|:|\.\d|am\b|pm\b|mg|g\b|h\b|hours?|minutes?|mins?\b|days?"
    r"|weeks?|times|x\b|%|pills?|caps?\b|capsules?|tablets?|ago))"
)
_SCALE = re.compile(r"\b(?P<n>\d+(?:\.\d+)?) ?(?:/|out of|outta|of) ?(?P<d>10|5)\b")
_LONE_NUMBER = re.compile(
    r"^(?:(?:pain|it is|its|now|about|maybe|like|around|at|a"
    r"|still) )*(?P<n>\d+(?:\.\d+)?)(?: (?:now|atm|right now|currently))?(?: [.!])*$"
)
_AMOUNT = re.compile(
    r"\b(?:(?P<mult>\d) ?x ?)?(?P<n>\d+(?:\.\d+)?) ?(?P<u>mg|mgs|milligrams?|g|grams?|gr|mcg|ug"
    r"|µg)\b"
    r"(?: ?x ?(?P<mult2>\d)\b)?"
)
_COUNT = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?) ?(?:x ?)?(?:of )?(?:my |the |those |these )?"
    r"(?:(?:magnesium|mag|glycinate|supplement) )?" + V.PILL_WORD + r"\b"
    r"|\b(?P<n2>\d) (?:of )?(?:my )?(?:magnesium|mag|supplements?)\b(?! ?(?:mg|\d))"
    r"|\b(?:magnesium|mag|glycinate|supplements?|" + V.PILL_WORD + r") ?x ?(?P<n3>\d)\b"
)
_BARE_AFTER_ANCHOR = re.compile(
    r"^(?: (?:glycinate|bisglycinate|citrate|dose|supplement|was|of|about|around|:|-|="
    r"|\())* (?P<n>\d+(?:\.\d+)?)\b"
    r"(?! ?(?:/|:|\.\d|am\b|pm\b|h\b|hours?|minutes?|mins?\b|days?|weeks?|times|x\b|%|pills?"
    r"|caps?\b|capsules?"
    r"|tablets?|tabs?\b|ago|o ?clock))"
)
_SKIP_AFTER = re.compile(
    r"^(?: (?:was|is|:|-|tonight|today|this evening|dose|glycinate))* (?:skipped|missed|forgotten"
    r"|forgot"
    r"|not taken|skip|no|none|nope|not today|not tonight)\b"
)
# "magnesium makes me groggy", "mag gives me the runs", "magnesium helps with migraines":
# talk about what the supplement does, not a dose taken
_MAG_DOES = re.compile(
    r"^(?: (?:glycinate|bisglycinate|citrate|supplements?|pills?|tablets?|capsules?|caps"
    r"|always|really|definitely|probably|apparently|also|just|still|usually|sometimes|seems? to"
    r"|is|has been|keeps?|kept))*"
    r" (?:makes?|made|making|gives?|gave|giving|upsets?|upsetting|causes?|caused|causing|helps?"
    r"|helped|helping|works?|worked|is supposed|supposed|can|may|might|could|does|did|do"
    r"|messes|messed|wrecks?|knocks?|knocked|irritates?|irritated|disagrees?|disagreed)\b"
)
_HOURS = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)(?: ?(?:-|to) ?(?P<n2>\d+(?:\.\d+)?))? ?(?P<u>h|hours?)"
    r"(?: (?:and )?(?P<m>\d{1,2}) ?(?:m|minutes?)\b| ?(?P<m2>[0-5]\d)\b)?(?! ago)"
)
_AWAKE_N = re.compile(
    r"\b(?:woke|waking|wake|awake|awoke|woken|woke me|up|got up)(?: up)?(?: (?:about|around|like"
    r"|maybe))?"
    r" (?P<n>\d+|once|twice|several|multiple)(?: ?(?:times|x)\b| (?:during|in|at|over) the night"
    r"|(?<=once)|(?<=twice))"
    r"|\b(?P<n2>\d+|several|multiple) (?:awakenings|wake ?ups|times? (?:awake|up|woken|waking"
    r"|during the night"
    r"|in the night|at night|overnight))\b"
    r"|\b(?:woke|waking|awake|awoke) (?:up )?(?P<once>once|twice)\b"
)
_AWAKE_AT = re.compile(
    r"\b(?:woke|awoke|woken|awake|up)(?: up)? (?:at|around"
    r"|about) (?P<h>[1-5])(?::\d\d)?(?: ?am)?\b(?! ?pm)"
)
_AWAKE_ZERO = re.compile(
    r"\b(?:slept (?:straight |right )?through(?: the night)?|did not wake(?: up)?(?! with)"
    r"|no (?:wake ?ups|awakenings)"
    r"|(?:woke|wake ?ups|awakenings) 0(?: times)?|0 (?:awakenings|wake ?ups)|without waking)\b"
)
_ONSET = re.compile(
    r"\b(?:fell|fall|falling|get|got|getting|went|drifted|dropped|nodded|dozed|drop|drift)"
    r" (?:off )?(?:to )?(?:asleep"
    r"|sleep|off)"
    r" (?:in|after|within) (?:about |around |like |roughly |maybe |over |under |only |just )?"
    r"(?P<n>\d+(?:\.\d+)?) ?(?P<u>minutes?|m|hours?|h)\b"
    r"|\btook (?:me )?(?:about |around |like |roughly |over |almost |maybe |nearly |only |just )?"
    r"(?P<n2>\d+(?:\.\d+)?) ?(?P<u2>minutes?|m|hours?|h) to (?:fall |get to |go to |drift off to "
    r"|get |drop |drift |nod |doze )?"
    r"(?:asleep|sleep|off)\b"
    r"|\b(?:sleep onset|onset)(?: was| of| :)? (?P<n3>\d+) ?(?P<u3>minutes?|m|hours?|h)\b"
    r"|\btook (?:me )?(?:ages|forever|a while|long|so long|a long time) to (?:fall |get to "
    r"|go to )?(?:asleep|sleep|drop off|drift off|nod off|doze off|get off)"
    r"(?: ,| -)? (?:about |around |like |maybe |nearly |over "
    r"|almost )?(?P<n4>\d+(?:\.\d+)?) ?(?P<u4>minutes?|m|hours?|h)\b"
)
_SLEEP_SPECIAL: list[tuple[re.Pattern[str], int]] = [
    (
        re.compile(
            r"\b(?:no sleep|barely slept|hardly slept|sleepless|insomnia|awake all night"
            r"|up all night"
            r"|(?:could not|can not|did not) (?:get to |fall )?(?:sleep|asleep)(?! (?:well|great"
            r"|good|much|very|too|that|so|enough|properly))"
            r"|did not sleep(?: at all)?(?! (?:well|great|good|much|very|too|that|so|enough"
            r"|properly))"
            r"|did not get (?:any )?sleep|worst (?:sleep|night)|not (?:a )?wink|zero sleep)\b"
        ),
        1,
    ),
    (
        re.compile(
            r"\b(?:(?:did not|could not|can not) sleep (?:well|great|good|very well|properly|much"
            r"|enough)"
            r"|tossing and turning|tossed and turned|not much sleep|little sleep|restless night)\b"
        ),
        2,
    ),
    (re.compile(r"\bbest (?:sleep|night)\b"), 5),
]
_QUALITY_WORDS = {
    "terrible": 1,
    "terribly": 1,
    "awful": 1,
    "awfully": 1,
    "horrible": 1,
    "horribly": 1,
    "horrendous": 1,
    "dreadful": 1,
    "atrocious": 1,
    "crap": 1,
    "crappy": 1,
    "shit": 1,
    "shitty": 1,
    "rubbish": 1,
    "lousy": 1,
    "miserable": 1,
    "worst": 1,
    "bad": 2,
    "badly": 2,
    "poor": 2,
    "poorly": 2,
    "rough": 2,
    "restless": 2,
    "broken": 2,
    "disturbed": 2,
    "interrupted": 2,
    "patchy": 2,
    "fitful": 2,
    "light": 2,
    "worse": 2,
    "meh": 3,
    "choppy": 2,
    "unsettled": 2,
    "ok": 3,
    "okay": 3,
    "okish": 3,
    "alright": 3,
    "all right": 3,
    "fine": 3,
    "average": 3,
    "so so": 3,
    "decent": 3,
    "mediocre": 3,
    "fair": 3,
    "medium": 3,
    "normal": 3,
    "middling": 3,
    "good": 4,
    "well": 4,
    "solid": 4,
    "nice": 4,
    "better": 4,
    "restful": 4,
    "deep": 4,
    "sound": 4,
    "soundly": 4,
    "peaceful": 4,
    "peacefully": 4,
    "great": 5,
    "excellent": 5,
    "amazing": 5,
    "perfect": 5,
    "perfectly": 5,
    "fantastic": 5,
    "wonderful": 5,
    "brilliant": 5,
    "awesome": 5,
    "superb": 5,
    "incredible": 5,
    "best": 5,
    "like a baby": 5,
    "like a log": 5,
    "like a rock": 5,
}
_QW = "|".join(sorted((re.escape(w) for w in _QUALITY_WORDS), key=len, reverse=True))
_SLEEP_Q_AFTER = re.compile(
    r"\b(?P<neg>(?:did not|not|never|was not) )?(?:slept|sleep|sleeping|night|nights|night sleep"
    r"|sleep quality)"
    r"(?: (?:was|is|has been|been|:|-|=|last night|overall|tonight))*"
    r" (?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|a|kind of|kinda|bit|too"
    r"|like|extremely"
    r"|incredibly) )*)(?P<q>" + _QW + r")\b"
)
# "slept 7.5 hours, pretty good", "slept 6h badly": the quality word after the hours
_SLEEP_Q_HOURS = re.compile(
    r"\b(?:slept|sleep|sleeping|got) (?:about |around |like |maybe |only |just )?\d+(?:\.\d+)?"
    r" ?(?:h|hours?)(?: (?:of )?sleep)?(?: (?:\d+ ?(?:m|minutes?)))?(?: (?:,|-|and|but))?"
    r" (?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|kind of|kinda|bit"
    r"|extremely|incredibly) )*)(?P<q>" + _QW + r")\b"
    r"(?! (?:headache|migraine|head|pain|anxiety|stomach|mood|day|morning|cramps?|dream))"
)
_SLEEP_Q_BEFORE = re.compile(
    r"\b(?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|a|an|such a|kind of"
    r"|kinda|bit"
    r"|extremely|incredibly|another) )*)(?P<q>"
    + _QW
    + r") (?:night|nights|sleep|night sleep|night of sleep"
    r"|sleeper|rest|nights rest|nights sleep)\b"
)
_NOT_MAG_CONTEXT = re.compile(r"\bside effects?\b")


@dataclass
class Anchor:
    start: int
    end: int
    topic: str  # attack | pain | sleep | anxiety | dose | med
    text: str
    value: Any = None


@dataclass
class Doc:
    s: str
    now: datetime
    zone: ZoneInfo
    clause_of: list[int] = field(default_factory=list)
    clause_starts: list[int] = field(default_factory=list)
    claimed: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        return not any(x < b and a < y for x, y in self.claimed)

    def claim(self, a: int, b: int) -> None:
        self.claimed.append((a, b))

    def before(self, pos: int, n: int = 3) -> list[str]:
        """Up to n words before pos, within the clause."""
        a, _ = self.clause_text(pos)
        return self.s[a:pos].split()[-n:]

    def after(self, pos: int, n: int = 3) -> list[str]:
        _, b = self.clause_text(pos)
        return self.s[pos:b].split()[:n]

    def negated(self, a: int, b: int, reach: int = 3) -> bool:
        words = self.before(a, reach)
        for i, w in enumerate(words):
            # "can't stop throwing up" is not a negation of throwing up
            if w in V.NEG_WORDS and not any(x in _NEG_BREAK for x in words[i + 1 :]):
                return True
        nxt = self.s[b:].split()[:2]
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


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.replace(microsecond=0).isoformat()


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 2)


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


class Parser:
    """Parse one message; a new instance per message."""

    def __init__(self, text: str, now: datetime, tz: str) -> None:
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
        self.d = Doc(normalize(text[:2000], corrector()), self.now, zone)
        self.tz = tz
        self.anchors: list[Anchor] = []
        self.times: list[TimeMention] = []
        self.durations: list[tuple[int, int, float]] = []
        self.time_spans: list[tuple[int, int]] = []

    # --- helpers -------------------------------------------------------------
    def _find(self, pattern: re.Pattern[str], claim: bool = False) -> list[re.Match[str]]:
        out = []
        for m in pattern.finditer(self.d.s):
            if self.d.free(m.start(), m.end()):
                out.append(m)
                if claim:
                    self.d.claim(m.start(), m.end())
        return out

    def _anchors(self, *topics: str) -> list[Anchor]:
        return [a for a in self.anchors if a.topic in topics]

    def _adjacent(self, a: int, b: int, topics: tuple[str, ...]) -> Anchor | None:
        """The anchor right next to a value: "500 mg naproxen", then "naproxen 500 mg"."""
        gap = re.compile(r"^ (?:of |of my |my |the |x \d )?$")
        for anchor in self._anchors(*topics):
            if anchor.start >= b and gap.match(self.d.s[b : anchor.start]):
                return anchor
        for anchor in self._anchors(*topics):
            if anchor.end <= a and gap.match(self.d.s[anchor.end : a]):
                return anchor
        return None

    def _nearest(
        self, pos: int, topics: tuple[str, ...], same_clause_only: bool = False
    ) -> Anchor | None:
        cands = self._anchors(*topics)
        if not cands:
            return None
        c = self.d.clause(pos)
        same = [a for a in cands if self.d.clause(a.start) == c]
        if same:
            # prefer the anchor to the left at equal distance
            return min(
                same, key=lambda a: abs(a.start - pos) if a.start > pos else abs(pos - a.end) - 0.5
            )
        if same_clause_only:
            return None
        prev = [a for a in cands if self.d.clause(a.start) < c]
        if prev:
            return max(prev, key=lambda a: a.start)
        return min(cands, key=lambda a: a.start)

    # --- main ----------------------------------------------------------------
    def run(self) -> list[Entry]:
        s = self.d.s
        if not s.strip() or (_QUESTION.match(s) and "?" in s) or _QUESTION_NO_MARK.match(s):
            return []
        if _OTHER_PERSON.match(s):
            return []
        self.times, time_spans, self.durations = find_times(
            s, self.now, self.zone, self.d.clause_of, self.d.clause_starts, us_dates(self.tz)
        )
        self.d.claimed.extend(time_spans)
        self.time_spans = time_spans
        self._collect_anchors()
        values = self._collect_values()
        entries: list[Entry] = []
        attack = self._attack(values)
        if attack:
            entries.append(attack)
        entries.extend(self._doses(values))
        entries.extend(self._medications(attack))
        sleep = self._sleep(values, attack)
        if sleep:
            entries.append(sleep)
            short = (sleep["quality"] is not None and sleep["quality"] <= 2) or (
                sleep["hours"] is not None and sleep["hours"] < 6
            )
            if attack is not None and attack["type"] == "attack" and short:
                attack["triggers"] = sorted({*attack["triggers"], "poor_sleep"})
        anxiety = self._anxiety(values, attack)
        if anxiety:
            entries.append(anxiety)
        side = self._side_effects(attack)
        if side:
            entries.append(side)
        return entries

    # --- anchors ---------------------------------------------------------------
    def _collect_anchors(self) -> None:
        d = self.d
        for m in self._find(_MED_RX):
            name = _MED_NAMES.get(m.group(0), _MED_NAMES.get(m.group(0).rstrip("s"), ""))
            if name:
                self.anchors.append(Anchor(m.start(), m.end(), "med", name))
        med_spans = [(a.start, a.end) for a in self._anchors("med")]
        d.claimed.extend(med_spans)
        for m in self._find(V.MAGNESIUM):
            self.anchors.append(Anchor(m.start(), m.end(), "dose", m.group(0)))
        for m in self._find(V.MG_ANCHOR):
            prev = d.s[: m.start()].split()[-1:]
            if prev and re.fullmatch(r"\d+(?:\.\d+)?|x", prev[0]):
                continue
            self.anchors.append(Anchor(m.start(), m.end(), "dose", "mg"))
        if not self._anchors("med"):
            for m in self._find(V.DOSE_WORD):
                self.anchors.append(Anchor(m.start(), m.end(), "dose", m.group(0)))
        for m in self._find(V.MIGRAINE):
            self.anchors.append(Anchor(m.start(), m.end(), "attack", "migraine"))
        for m in self._find(V.HEADACHE):
            if not any(a.start <= m.start() < a.end for a in self._anchors("attack")):
                self.anchors.append(Anchor(m.start(), m.end(), "attack", "headache"))
        for m in self._find(V.PAIN):
            self.anchors.append(Anchor(m.start(), m.end(), "pain", m.group(0)))
        for m in self._find(V.SLEEP_ANCHOR):
            if m.group(0).startswith("sleepy"):
                continue
            self.anchors.append(Anchor(m.start(), m.end(), "sleep", m.group(0)))
        for m in self._find(V.ANXIETY):
            self.anchors.append(Anchor(m.start(), m.end(), "anxiety", m.group(0)))

    def _has_attack_anchor(self) -> bool:
        return any(not self.d.negated(a.start, a.end) for a in self._anchors("attack"))

    # --- numeric values ----------------------------------------------------
    def _collect_values(self) -> dict[str, list[tuple[int, float, str]]]:
        """topic -> [(position, value, kind)] for intensity/level/quality/amount/count/hours."""
        d = self.d
        out: dict[str, list[tuple[int, float, str]]] = {}

        def add(topic: str, pos: int, value: float, kind: str) -> None:
            out.setdefault(topic, []).append((pos, value, kind))

        # amounts in mg: to the nearest medicine or magnesium
        for m in self._find(_AMOUNT, claim=True):
            n = float(m.group("n"))
            unit = m.group("u")
            if unit in ("g", "grams", "gram", "gr"):
                n *= 1000
            elif unit in ("mcg", "ug", "µg"):
                n /= 1000
            mult = m.group("mult") or m.group("mult2")
            if mult:
                n *= int(mult)
            owner = self._adjacent(m.start(), m.end(), ("med", "dose"))
            if owner is None:
                owner = self._nearest(m.start(), ("med", "dose"), same_clause_only=True)
            if owner is None:
                owner = self._nearest(m.start(), ("med", "dose"))
            if owner is None:
                add("dose", m.start(), n, "amount")
            elif owner.topic == "med":
                if owner.value is None:
                    owner.value = n
            else:
                add("dose", m.start(), n, "amount")
        # bare numbers right after an anchor: "mag 200", "ibuprofen 400"
        for a in self._anchors("dose", "med"):
            m2 = _BARE_AFTER_ANCHOR.match(d.s[a.end :])
            if not m2 or not d.free(a.end + m2.start("n"), a.end + m2.end("n")):
                continue
            n = float(m2.group("n"))
            pos = a.end + m2.start("n")
            if a.topic == "med" and n >= 10 and a.value is None:
                a.value = n
                d.claim(pos, a.end + m2.end("n"))
            elif a.topic == "dose" and 20 <= n <= 3000:
                add("dose", pos, n, "amount")
                d.claim(pos, a.end + m2.end("n"))
            elif a.topic == "dose" and 0 < n <= 6:
                add("dose", pos, n, "count")
                d.claim(pos, a.end + m2.end("n"))
        for m in self._find(_COUNT):
            n = float(m.group("n") or m.group("n2") or m.group("n3"))
            owner = self._nearest(m.start(), ("med", "dose"), same_clause_only=True)
            d.claim(m.start(), m.end())
            if owner is not None and owner.topic == "med":
                continue
            if 0 < n <= 20:
                add("dose", m.start(), n, "count")
        # sleep
        for m in self._find(_ONSET, claim=True):
            n = float(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4"))
            unit = m.group("u") or m.group("u2") or m.group("u3") or m.group("u4")
            add("sleep", m.start(), n * 60 if unit.startswith("h") else n, "onset")
        for m in self._find(_AWAKE_ZERO):
            add("sleep", m.start(), 0, "awakenings")
        for m in self._find(_AWAKE_N):
            if d.before(m.start(), 1) in (["threw"], ["throw"], ["throwing"], ["thrown"], ["been"]):
                continue
            d.claim(m.start(), m.end())
            raw = m.group("n") or m.group("n2") or m.group("once")
            if raw in ("several", "multiple"):
                add("sleep", m.start(), -1, "awakenings")
                continue
            count = {"once": 1.0, "twice": 2.0}.get(raw)
            add("sleep", m.start(), count if count is not None else float(raw), "awakenings")
        attack_clauses = {d.clause(a.start) for a in self._anchors("attack")}
        for m in _AWAKE_AT.finditer(d.s):
            if "with" not in d.after(m.end(), 2) and d.clause(m.start()) not in attack_clauses:
                add("sleep", m.start(), 1, "awakenings")
        sleep_anchor_present = bool(self._anchors("sleep")) or re.search(r"\b(?:got|only) \d", d.s)
        for m in self._find(_HOURS):
            before = d.before(m.start(), 2)
            if before and before[-1] in (
                "for",
                "lasted",
                "lasting",
                "last",
                "past",
                "every",
                "within",
                "in",
                "after",
            ):
                continue
            owner = self._nearest(
                m.start(),
                ("sleep", "attack", "pain", "dose", "med", "anxiety"),
                same_clause_only=True,
            )
            if owner is None and not sleep_anchor_present:
                continue
            if owner is not None and owner.topic != "sleep":
                continue
            n = float(m.group("n"))
            if m.group("n2"):
                n = (n + float(m.group("n2"))) / 2
            extra = m.group("m") or m.group("m2")
            if extra:
                n += int(extra) / 60
            if 0 < n <= 24:
                add("sleep", m.start(), n, "hours")
                d.claim(m.start(), m.end())
        # sleep from a clock range: "slept 11pm-6am"
        for t in self.times:
            if t.role == "range" and t.until is not None:
                owner = self._nearest(
                    t.start, ("sleep", "attack", "dose", "med"), same_clause_only=True
                )
                has_hours = any(v[2] == "hours" for v in out.get("sleep", []))
                if owner is not None and owner.topic == "sleep" and not has_hours:
                    hours = (t.until - t.at).total_seconds() / 3600
                    if 0 < hours <= 16:
                        add("sleep", t.start, hours, "hours")
        # N/10 and N/5
        for m in self._find(_SCALE, claim=True):
            n = float(m.group("n"))
            denom = int(m.group("d"))
            topic = self._label_topic(m.start()) or self._scale_owner(m.start(), denom)
            add(topic, m.start(), n, f"scale{denom}")
        # labelled numbers: "pain 7", "anxiety 6", "sleep 3"
        for m in self._find(_LABEL_NUM):
            label = m.group("label")
            n = float(m.group("n"))
            pos = m.start("n")
            if not d.free(m.start("n"), m.end("n")):
                continue
            labelled = _topic_of_label(label)
            if labelled is None:
                near = self._nearest(pos, ("attack", "pain", "anxiety", "sleep"))
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
        m3 = _LONE_NUMBER.match(d.s)
        if m3 and d.free(m3.start("n"), m3.end("n")):
            add("pain", m3.start("n"), float(m3.group("n")), "scale10")
        for m in self._find(_FROM_TO, claim=True):
            add("pain", m.start("n"), float(m.group("n")), "scale10")
        if (
            "pain" not in out
            and "attack" not in out
            and not self._anchors("sleep", "anxiety", "dose", "med")
            and V.UPDATE_STRONG.search(d.s)
        ):
            for m in self._find(_BARE_NUMBER):
                if float(m.group("n")) <= 10:
                    add("pain", m.start(), float(m.group("n")), "scale10")
                    break
        return out

    def _label_topic(self, pos: int) -> str | None:
        words = self.d.before(pos, 2)
        for w in reversed(words):
            t = _topic_of_label(w)
            if t is not None:
                return t
        return None

    def _scale_owner(self, pos: int, denom: int) -> str:
        owner = self._nearest(pos, ("attack", "pain", "sleep", "anxiety"))
        if denom == 5 and self._anchors("sleep"):
            return "sleep"
        if owner is None:
            return "pain"
        return owner.topic

    # --- attack -----------------------------------------------------------------
    def _times_for(self, topic: str) -> list[TimeMention]:
        """Time mentions owned by a topic (attack, dose, med)."""
        out = []
        for t in self.times:
            if self._time_owner(t) == topic:
                out.append(t)
        return out

    def _time_owner(self, t: TimeMention) -> str | None:
        d = self.d
        c = d.clause(t.start)
        topics = ("attack", "dose", "med", "sleep", "anxiety", "pain")
        has_attack = bool(self._anchors("attack")) or bool(V.ATTACK_END.search(d.s))
        if t.role in ("start", "end", "range") and has_attack:
            return "attack"
        for cc in range(c, -1, -1):
            same = [a for a in self._anchors(*topics) if d.clause(a.start) == cc]
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
        nxt = [a for a in self._anchors(*topics) if d.clause(a.start) > c]
        if nxt:
            best = min(nxt, key=lambda a: a.start)
            return "attack" if best.topic == "pain" else best.topic
        if has_attack:
            return "attack"
        return None

    def _intensity_words(self, anchors: list[Anchor]) -> float | None:
        best: tuple[int, float] | None = None
        s = self.d.s
        for a in anchors:
            ca, cb = self.d.clause_text(a.start)
            before = s[ca : a.start].split()
            after = s[a.end : cb].split()
            for side, words, filler in (
                ("b", list(reversed(before)), _FILLER_BEFORE),
                ("a", after, _FILLER_AFTER),
            ):
                for i in range(min(len(words), 4)):
                    w = words[i]
                    if (
                        side == "a"
                        and i + 1 < len(words)
                        and words[i + 1].startswith(("sensitiv", "headed"))
                    ):
                        break
                    value = _intensity_of(w)
                    if (
                        side == "b"
                        and i + 1 < len(words)
                        and words[i + 1] == "not"
                        and value is not None
                    ):
                        value = 5 if value >= 7 else value
                    if value is not None:
                        mods = words[i + 1 : i + 3] if side == "b" else words[max(0, i - 2) : i]
                        if any(V.BOOST.fullmatch(x) for x in mods):
                            value = value + 1 if value >= 5 else value - 1
                        elif any(V.DAMPEN.fullmatch(x) for x in mods) and value >= 5:
                            value -= 1
                        if best is None or i < best[0]:
                            best = (i, float(_clamp(value, 0, 10)))
                        break
                    if w not in filler:
                        break
        return None if best is None else best[1]

    def _attack(self, values: dict[str, list[tuple[int, float, str]]]) -> Entry | None:
        d = self.d
        s = d.s
        kinds = [a for a in self._anchors("attack") if not d.negated(a.start, a.end)]
        end: re.Match[str] | None = None
        for m in V.ATTACK_END.finditer(s):
            cue_start = m.start("cue") if m.group("cue") else m.start()
            if any(w in ("not", "never") for w in d.before(cue_start, 2)):
                continue
            if m.group("subj") == "head" and m.group("cue") in ("left", "went"):
                continue
            if m.group("cue") in ("left", "went") and not re.search(
                r"\b(?:went|left)\b(?! (?:side|eye|temple))", s
            ):
                continue
            if m.group("cue") == "went" and not re.search(r"\bwent (?:away|off)\b", s):
                continue
            if (
                m.group("subj") in ("it", "pain")
                and not (kinds or self._anchors("pain"))
                and len(s.split()) > 6
            ):
                continue
            end = m
            break
        if (
            not kinds
            and end is not None
            and end.group("subj") not in (None, "it", "pain", "head", "ache")
            and d.negated(end.start(), end.end())
        ):
            end = None
        if end is None:
            end = _SHORT_END.match(s)
        all_kind_negated = bool(self._anchors("attack")) and not kinds
        if all_kind_negated and end is None:
            return None

        intensity_vals = [
            v for v in values.get("attack", []) + values.get("pain", []) if v[2].startswith("scale")
        ]
        intensity: float | None = None
        if intensity_vals:
            _, n, kind = intensity_vals[0]
            if kind == "scale5":
                n = n * 2
            intensity = _clamp(n, 0, 10)
        if intensity is None and kinds:
            intensity = self._intensity_words(kinds)
        if intensity is None and kinds:
            intensity = self._lone_intensity_clause()
        if intensity is None and (kinds or end is None):
            pains = [a for a in self._anchors("pain") if a.text == "pain"]
            if pains:
                intensity = self._intensity_words(pains)

        symptoms = self._symptoms()
        kind = "migraine" if any(a.text == "migraine" for a in kinds) else "headache"
        if (
            not kinds
            and end is None
            and _CONTINUES.match(s)
            and (intensity is not None or symptoms)
            and not self._anchors("sleep", "anxiety", "dose", "med")
        ):
            # "still pounding 7/10", "now throbbing": the running attack, not a new one
            return self._update(intensity)
        if not kinds and end is None:
            if "aura" in symptoms and (intensity is not None or len(symptoms) >= 1):
                kind = "migraine"
            elif not (
                intensity is not None
                and (
                    symptoms & {"throbbing", "one_sided", "light_sensitivity", "sound_sensitivity"}
                )
            ):
                # nothing but a number: an update of the running attack
                if intensity is not None and not self._other_topics_claim():
                    return self._update(intensity)
                upd = self._update_cue_without_kind()
                if upd:
                    return self._update(None)
                return None

        times = self._times_for("attack")
        ranges = [t for t in times if t.role == "range"]
        starts = [t for t in times if t.role in ("start", "point")]
        ends = [t for t in times if t.role == "end"]
        started_at = ended_at = None
        if ranges:
            started_at, ended_at = ranges[0].at, ranges[0].until
        else:
            if end is not None:
                # times in the clause of the end cue are when it ended
                ec = d.clause(end.start())
                # "gone since 4pm", "pain free since 11": a "since" after the end cue says
                # when it ended
                ends = ends + [
                    t
                    for t in starts
                    if d.clause(t.start) == ec
                    and (t.role == "point" or (t.role == "start" and t.start > end.start()))
                ]
                starts = [t for t in starts if t not in ends]
            if starts:
                # a time in the clause that names the attack wins over one elsewhere
                kind_clauses = {d.clause(a.start) for a in kinds}
                starts.sort(key=lambda t: (d.clause(t.start) not in kind_clauses, t.start))
                started_at = starts[0].at
            if ends:
                ended_at = ends[0].at
        if started_at is not None and ended_at is not None:
            for _ in range(3):
                if ended_at > started_at:
                    break
                ended_at = ended_at + timedelta(days=1)
        if started_at is not None and ended_at is None and end is None:
            for _a, _b, mins in self.durations:
                if not any(t.vague for t in starts[:1]):
                    ended_at = shift(started_at, timedelta(minutes=mins), self.zone)
                    break

        if end is not None:
            described = bool(kinds) and (
                started_at is not None
                or (intensity is not None and d.clause(end.start()) != d.clause(kinds[0].start))
                or bool(symptoms)
                or re.search(r"\bhad (?:a |an |my )?(?:\w+ )?(?:migraine|headache)", s) is not None
            )
            if not described:
                return {"type": "attack_end", "ended_at": _iso(ended_at or self.now)}
            if ended_at is None:
                ended_at = self.now

        if kinds and end is None and self._is_update(kinds) and started_at is None:
            return self._update(intensity)

        meds = [a for a in self._anchors("med") if not d.negated(a.start, a.end, 2)]
        if (
            kinds
            and end is None
            and all(d.s[a.start : a.end].endswith("s") for a in kinds)
            and intensity is None
            and started_at is None
            and not symptoms
            and not meds
            and _GENERAL_TALK.search(s)
        ):
            # "migraines run in my family", "magnesium helps with migraines": talk, not an attack
            return None
        # when the medicine was taken matters for the 2-hour response ("took it at 3pm")
        med_taken = next((t.at for t in self._times_for("med") if t.role != "range"), None)
        self.meds_in_attack = True
        return {
            "type": "attack",
            "kind": kind,
            "intensity": _num(intensity) if intensity is not None else None,
            "started_at": _iso(started_at),
            "ended_at": _iso(ended_at),
            "symptoms": sorted(symptoms),
            "triggers": sorted(self._triggers()),
            "medications": [
                {
                    "name": a.text,
                    "dose_mg": _num(a.value) if a.value is not None else None,
                    "taken_at": _iso(med_taken),
                }
                for a in meds
            ],
        }

    meds_in_attack = False

    def _lone_intensity_clause(self) -> float | None:
        """ "headache since this morning, mild": a clause that is only a severity word."""
        d = self.d
        for c, start in enumerate(d.clause_starts):
            end = d.clause_starts[c + 1] if c + 1 < len(d.clause_starts) else len(d.s)
            words = [w for w in d.s[start:end].split() if w not in (",", ".", ";", "!", "-")]
            if not words or len(words) > 3:
                continue
            value = _intensity_of(words[-1])
            if value is None or any(
                _intensity_of(w) is None and w not in _FILLER_BEFORE for w in words[:-1]
            ):
                continue
            if any(V.BOOST.fullmatch(w) for w in words[:-1]):
                value = value + 1 if value >= 5 else value - 1
            return value
        return None

    def _other_topics_claim(self) -> bool:
        return bool(self._anchors("sleep", "anxiety"))

    def _update_cue_without_kind(self) -> bool:
        s = self.d.s
        if self._anchors("sleep", "anxiety", "dose", "med"):
            return False
        if V.UPDATE_STRONG.search(s) is None:
            return False
        words = len(s.split())
        # "much better", "still pounding": a reply to "how is it now?"
        return words <= 4 or (bool(self._anchors("pain")) and words <= 8)

    def _is_update(self, kinds: list[Anchor]) -> bool:
        d = self.d
        s = d.s
        kind_clauses = {d.clause(a.start) for a in kinds}
        for m in V.UPDATE_STRONG.finditer(s):
            c = d.clause(m.start())
            clause_anchors = [a for a in self.anchors if d.clause(a.start) == c]
            if any(a.topic in ("sleep", "anxiety", "dose") for a in clause_anchors):
                continue
            if c not in kind_clauses and m.group(0) != "still":
                continue
            if m.group(0) in ("less", "lower", "higher") and not re.search(
                r"\b(?:pain|it|intensity)\b", s
            ):
                continue
            return not re.search(r"\b(?:came back|back again|is back|returned|new)\b", s)
        return False

    def _update(self, intensity: float | None) -> Entry:
        at = None
        for t in self.times:
            if t.role in ("point", "start") and not t.vague:
                at = t.at
                break
        return {
            "type": "attack_update",
            "intensity": _num(intensity) if intensity is not None else None,
            "at": _iso(at or self.now),
        }

    # --- symptoms and triggers ---------------------------------------------
    def _symptom_spans(self) -> dict[str, list[tuple[int, int]]]:
        d = self.d
        found: dict[str, list[tuple[int, int]]] = {}
        for m in V.SENSITIVE_TO.finditer(d.s):
            if d.negated(m.start(), m.end()):
                continue
            things = m.group("things") or m.group("things2") or ""
            for word, code in V.SENSE_CODES.items():
                if re.search(rf"\b{word}", things):
                    found.setdefault(code, []).append((m.start(), m.end()))
        for code, pattern in V.SYMPTOMS.items():
            for m in pattern.finditer(d.s):
                if not d.free(m.start(), m.end()):
                    continue
                if d.negated(m.start(), m.end()):
                    continue
                if code == "vomiting" and re.search(
                    r"\b(?:like|to|want|wanted|about|gonna|going)$", d.s[: m.start()].rstrip()
                ):
                    continue
                found.setdefault(code, []).append((m.start(), m.end()))
        return found

    def _symptoms(self) -> set[str]:
        found = self._symptom_spans()
        codes = set(found)
        # nausea tied to magnesium in its own clause is a side effect, not a symptom
        for code in ("nausea", "fatigue"):
            if code in codes and all(self._mag_causal_clause(a) for a, _ in found[code]):
                codes.discard(code)
        return codes

    def _mag_causal_clause(self, pos: int) -> bool:
        d = self.d
        c = d.clause(pos)
        for a in self._anchors("dose"):
            if d.clause(a.start) == c and d.causal(a.start):
                return True
        return bool(
            re.search(
                r"\b(?:since (?:starting|taking|i started)|after (?:taking )?(?:it|them|the pills?"
                r"|my pills?))\b",
                d.s,
            )
        )

    def _triggers(self) -> set[str]:
        d = self.d
        symptom_spans = [sp for spans in self._symptom_spans().values() for sp in spans]
        codes: set[str] = set()
        taken = self.time_spans + [(a.start, a.end) for a in self._anchors("med", "dose")]
        for code, pattern in V.TRIGGERS.items():
            for m in pattern.finditer(d.s):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                if any(a < m.end() and m.start() < b for a, b in symptom_spans):
                    continue
                if code not in V.NEGATION_IMMUNE and d.negated(m.start(), m.end()):
                    continue
                if code == "weather" and re.search(r"\bunder the weather\b", d.s):
                    continue
                if code == "stress" and m.group(0) == "stress" and "level" in d.after(m.end(), 1):
                    continue
                if code == "caffeine" and m.group(0) == "decaf":
                    continue
                codes.add(code)
                break
        return codes

    # --- doses and medicines ---------------------------------------------------
    def _doses(self, values: dict[str, list[tuple[int, float, str]]]) -> list[Entry]:
        d = self.d
        s = d.s
        mags = self._anchors("dose")
        amounts = [v for v in values.get("dose", []) if v[2] == "amount"]
        counts = [v for v in values.get("dose", []) if v[2] == "count"]
        if not mags and not amounts and not counts:
            return []
        # "2 tablets" next to ibuprofen is not a magnesium dose
        if not mags and (self._anchors("med") or (self._anchors("attack") and not amounts)):
            return []
        skipped = False
        live: list[Anchor] = []
        for a in mags:
            before = s[d.clause_text(a.start)[0] : a.start]
            if V.SKIP.search(before.rstrip() + (" " if before.strip() else "")) or V.SKIP.search(
                before.rstrip()
            ):
                skipped = True
                live.append(a)
                continue
            if _SKIP_AFTER.match(s[a.end :]):
                skipped = True
                live.append(a)
                continue
            if d.causal(a.start) or _NOT_MAG_CONTEXT.search(s[d.clause_text(a.start)[0] : a.start]):
                continue
            if _MAG_DOES.match(s[a.end :]):
                continue
            live.append(a)
        if mags and not live:
            return []
        times = self._times_for("dose")
        taken_at = None
        for t in times:
            if t.role != "range":
                taken_at = t.at
                break
        if not skipped and mags:
            clause_ok = False
            for a in live:
                ca, cb = d.clause_text(a.start)
                clause = s[ca:cb]
                if (
                    V.TAKE_VERB.search(clause)
                    or amounts
                    or counts
                    or taken_at is not None
                    or len(clause.split()) <= 3
                    or re.search(r"\b(?:done|check|ok|yes|tick)\b", clause)
                ):
                    clause_ok = True
            if not clause_ok:
                return []
        if skipped:
            taken_at = None
        amount = amounts[0][1] if amounts and not skipped else None
        count = counts[0][1] if counts and not skipped else None
        if amount is not None and not (0 < amount <= 5000):
            amount = None
        return [
            {
                "type": "dose",
                "amount_mg": _num(amount) if amount is not None else None,
                "count": _num(count) if count is not None else None,
                "taken_at": _iso(taken_at),
                "skipped": skipped,
            }
        ]

    def _medications(self, attack: Entry | None) -> list[Entry]:
        if attack is not None and attack["type"] == "attack":
            return []
        d = self.d
        out: list[Entry] = []
        seen: set[str] = set()
        times = self._times_for("med")
        for a in self._anchors("med"):
            if d.negated(a.start, a.end, 2) or a.text in seen:
                continue
            seen.add(a.text)
            taken = next((t.at for t in times if t.role != "range"), None)
            out.append(
                {
                    "type": "medication",
                    "name": a.text,
                    "dose_mg": _num(a.value) if a.value is not None else None,
                    "taken_at": _iso(taken),
                }
            )
        return out

    # --- sleep -------------------------------------------------------------------
    def _sleep(
        self, values: dict[str, list[tuple[int, float, str]]], attack: Entry | None
    ) -> Entry | None:
        d = self.d
        s = d.s
        vals = values.get("sleep", [])
        quality: float | None = None
        causal_only = True
        q_positions: list[int] = []
        for pattern, q in _SLEEP_SPECIAL:
            m = pattern.search(s)
            if m:
                quality = q
                q_positions.append(m.start())
                break
        if quality is None:
            for m in _SLEEP_Q_AFTER.finditer(s):
                if not d.free(m.start("q"), m.end("q")) and m.group("q") not in ("well", "good"):
                    continue
                quality = _sleep_value(
                    m.group("q"), (m.group("mod") or "") + (m.group("neg") or "")
                )
                q_positions.append(m.start())
                break
        if quality is None:
            for m in _SLEEP_Q_HOURS.finditer(s):
                if not d.free(m.start("q"), m.end("q")):
                    continue
                quality = _sleep_value(m.group("q"), m.group("mod") or "")
                q_positions.append(m.start())
                break
        if quality is None:
            for m in _SLEEP_Q_BEFORE.finditer(s):
                quality = _sleep_value(m.group("q"), m.group("mod") or "")
                q_positions.append(m.start())
                break
        scale = [v for v in vals if v[2].startswith("scale")]
        if scale:
            n = scale[0][1]
            quality = _clamp(round(n / 2) if scale[0][2] == "scale10" else n, 1, 5)
            q_positions.append(scale[0][0])
        hours = next((v[1] for v in vals if v[2] == "hours"), None)
        awakenings = next((v[1] for v in vals if v[2] == "awakenings"), None)
        onset = next((v[1] for v in vals if v[2] == "onset"), None)
        rl = self._flag(V.RESTLESS_LEGS)
        cramps = self._flag(
            V.CRAMPS, exclude=r"\b(?:stomach|tummy|belly|period|menstrual|abdominal|gut)\b"
        )
        anchors = [a for a in self._anchors("sleep") if d.free(a.start, a.end)]
        if (
            quality is None
            and hours is None
            and awakenings is None
            and onset is None
            and rl is None
            and cramps is None
        ):
            if not anchors:
                return None
            # a bare mention ("sleep", "night") says nothing to log
            return None
        for p in q_positions + [v[0] for v in vals]:
            if not d.causal_in_clause(p):
                causal_only = False
        if attack is not None and causal_only and rl is None and cramps is None:
            return None
        if awakenings is not None and awakenings < 0:
            awakenings = None
        return {
            "type": "sleep",
            "quality": _num(quality) if quality is not None else None,
            "hours": _num(round(hours, 2)) if hours is not None else None,
            "awakenings": _num(awakenings) if awakenings is not None else None,
            "onset_minutes": _num(onset) if onset is not None else None,
            "restless_legs": rl,
            "cramps": cramps,
        }

    def _flag(self, pattern: re.Pattern[str], exclude: str | None = None) -> bool | None:
        d = self.d
        result: bool | None = None
        for m in pattern.finditer(d.s):
            if exclude:
                ca, cb = d.clause_text(m.start())
                window = d.s[max(ca, m.start() - 25) : min(cb, m.end() + 30)]
                if re.search(exclude, window):
                    continue
            if d.negated(m.start(), m.end()):
                result = False if result is None else result
            else:
                result = True
        return result

    # --- anxiety -------------------------------------------------------------------
    def _anxiety(
        self, values: dict[str, list[tuple[int, float, str]]], attack: Entry | None
    ) -> Entry | None:
        d = self.d
        s = d.s
        anchors = self._anchors("anxiety")
        if attack is None or attack["type"] != "attack":
            for m in V.STRESS_AS_ANXIETY.finditer(s):
                if d.free(m.start(), m.end()):
                    anchors.append(Anchor(m.start(), m.end(), "anxiety", m.group(0)))
        nums = [v for v in values.get("anxiety", []) if v[2].startswith("scale")]
        if nums:
            n = nums[0][1] * (2 if nums[0][2] == "scale5" else 1)
            return {"type": "anxiety", "level": _num(_clamp(n, 0, 10))}
        if not anchors:
            if attack is None and not self._anchors("sleep"):
                for m in V.ANXIETY_CALM.finditer(s):
                    if not d.negated(m.start(), m.end()):
                        return {"type": "anxiety", "level": 1}
            return None
        live = [a for a in anchors if not d.negated(a.start, a.end)]
        if not live:
            return {"type": "anxiety", "level": 0}
        a = live[0]
        ca, cb = d.clause_text(a.start)
        window = s[max(ca, a.start - 30) : min(cb, a.end + 30)]
        level: float | None = None
        for pattern, value in V.ANXIETY_WORDS:
            if pattern.search(a.text) or pattern.search(window):
                level = value
                break
        if level is None:
            if re.search(r"\b(?:better|improv\w*|less|eas\w*|lower)\b", window):
                return {"type": "anxiety", "level": None}
            level = 5
        return {"type": "anxiety", "level": level}

    # --- side effects ----------------------------------------------------------------
    def _side_effects(self, attack: Entry | None) -> Entry | None:
        d = self.d
        s = d.s
        is_attack = attack is not None and attack["type"] == "attack"
        mag_context = (
            bool(self._anchors("dose"))
            or re.search(r"\b(?:since (?:starting|taking)|side effects?)\b", s) is not None
        )
        codes: set[str] = set()
        for code, pattern in V.SIDE_EFFECTS.items():
            for m in pattern.finditer(s):
                if not d.free(m.start(), m.end()) or d.negated(m.start(), m.end()):
                    continue
                if code in ("diarrhea", "stomach_upset"):
                    if is_attack and not mag_context:
                        continue
                    codes.add(code)
                elif code == "nausea":
                    if is_attack and not self._mag_causal_clause(m.start()):
                        continue
                    if attack is not None and attack["type"] != "attack" and not mag_context:
                        continue
                    codes.add(code)
                elif code == "drowsiness":
                    word = m.group(0)
                    if is_attack and not self._mag_causal_clause(m.start()):
                        continue
                    if not mag_context and word in (
                        "tired",
                        "sleepy",
                        "foggy",
                        "hungover",
                        "lethargic",
                    ):
                        continue
                    if self._anchors("sleep") and not mag_context:
                        continue
                    codes.add(code)
                break
        if not codes:
            return None
        return {"type": "side_effect", "effects": sorted(codes)}


def _topic_of_label(label: str) -> str | None:
    if label.startswith(("pain", "intensity", "severity", "migraine", "headache")):
        return "attack"
    if label.startswith(("anx", "stress")):
        return "anxiety"
    if label.startswith(("sleep", "slept", "quality")):
        return "sleep"
    return None


def _intensity_of(word: str) -> float | None:
    for pattern, value in V.INTENSITY_WORDS:
        if pattern.fullmatch(word):
            return value
    return None


def _sleep_value(word: str, mods: str) -> float:
    q = float(_QUALITY_WORDS.get(word, 3))
    m = mods.split()
    if "not" in m:
        if q >= 5:
            return 3
        if q == 4:
            return 2
        if q == 3:
            return 2
        return 3
    if any(x in ("really", "very", "so", "super", "extremely", "incredibly") for x in m):
        if q >= 4:
            return 5
        if q <= 2:
            return 1
    return q


def parse_message(text: str, now: datetime, tz: str) -> list[Entry]:
    return Parser(text, now, tz).run()


def normalized(text: str) -> str:
    """The normalised form, for debugging and tests."""
    return normalize(text, corrector())


__all__ = ["basic_normalize", "corrector", "normalized", "parse_message"]
