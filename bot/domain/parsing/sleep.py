"""A night's sleep: quality, hours, awakenings, time to fall asleep, legs and cramps."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.entries import SleepEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import AttackNews, Message, Values, _clamp, number

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
    r"(?: (?:was|is|has been|been|:|-|=|last night|overall|tonight)){0,4}"
    r" (?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|a|kind of|kinda|bit|too"
    r"|like|extremely"
    r"|incredibly) ){0,4})(?P<q>" + _QW + r")\b"
)


# "slept 7.5 hours, pretty good", "slept 6h badly": the quality word after the hours
_SLEEP_Q_HOURS = re.compile(
    r"\b(?:slept|sleep|sleeping|got) (?:about |around |like |maybe |only |just )?\d+(?:\.\d+)?"
    r" ?(?:h|hours?)(?: (?:of )?sleep)?(?: (?:\d+ ?(?:m|minutes?)))?(?: (?:,|-|and|but))?"
    r" (?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|kind of|kinda|bit"
    r"|extremely|incredibly) ){0,4})(?P<q>" + _QW + r")\b"
    r"(?! (?:headache|migraine|head|pain|anxiety|stomach|mood|day|morning|cramps?|dream))"
)


_SLEEP_Q_BEFORE = re.compile(
    r"\b(?P<mod>(?:(?:not|really|very|so|pretty|quite|super|fairly|rather|a|an|such a|kind of"
    r"|kinda|bit"
    r"|extremely|incredibly|another) ){0,4})(?P<q>"
    + _QW
    + r") (?:night|nights|sleep|night sleep|night of sleep"
    r"|sleeper|rest|nights rest|nights sleep)\b"
)


def collect_values(msg: Message) -> None:
    """Time to fall asleep, awakenings and hours slept."""
    d = msg.d
    add = msg.add_value
    # sleep
    for m in msg.find(_ONSET, claim=True):
        n = float(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4"))
        unit = m.group("u") or m.group("u2") or m.group("u3") or m.group("u4")
        add("sleep", m.start(), n * 60 if unit.startswith("h") else n, "onset")
    for m in msg.find(_AWAKE_ZERO):
        add("sleep", m.start(), 0, "awakenings")
    for m in msg.find(_AWAKE_N):
        if d.before(m.start(), 1) in (["threw"], ["throw"], ["throwing"], ["thrown"], ["been"]):
            continue
        d.claim(m.start(), m.end())
        raw = m.group("n") or m.group("n2") or m.group("once")
        if raw in ("several", "multiple"):
            add("sleep", m.start(), -1, "awakenings")
            continue
        count = {"once": 1.0, "twice": 2.0}.get(raw)
        add("sleep", m.start(), count if count is not None else float(raw), "awakenings")
    attack_clauses = {d.clause(a.start) for a in msg.anchors_of("attack")}
    for m in _AWAKE_AT.finditer(d.s):
        if "with" not in d.after(m.end(), 2) and d.clause(m.start()) not in attack_clauses:
            add("sleep", m.start(), 1, "awakenings")
    sleep_anchor_present = bool(msg.anchors_of("sleep")) or re.search(r"\b(?:got|only) \d", d.s)
    for m in msg.find(_HOURS):
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
        owner = msg.nearest(
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
    for t in msg.times:
        if t.role == "range" and t.until is not None:
            owner = msg.nearest(t.start, ("sleep", "attack", "dose", "med"), same_clause_only=True)
            has_hours = any(v[2] == "hours" for v in msg.values.get("sleep", []))
            if owner is not None and owner.topic == "sleep" and not has_hours:
                hours = (t.until - t.at).total_seconds() / 3600
                if 0 < hours <= 16:
                    add("sleep", t.start, hours, "hours")


def read_sleep(msg: Message, values: Values, attack: AttackNews | None) -> SleepEntry | None:
    d = msg.d
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
            quality = _sleep_value(m.group("q"), (m.group("mod") or "") + (m.group("neg") or ""))
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
    if quality is None and (vals or msg.anchors_of("sleep")):
        lone = _lone_quality_clause(msg)
        if lone is not None:
            quality, pos = lone
            q_positions.append(pos)
    scale = [v for v in vals if v[2].startswith("scale")]
    if scale:
        n = scale[0][1]
        quality = _clamp(round(n / 2) if scale[0][2] == "scale10" else n, 1, 5)
        q_positions.append(scale[0][0])
    hours = next((v[1] for v in vals if v[2] == "hours"), None)
    awakenings = next((v[1] for v in vals if v[2] == "awakenings"), None)
    onset = next((v[1] for v in vals if v[2] == "onset"), None)
    rl = _flag(msg, V.RESTLESS_LEGS)
    cramps = _flag(
        msg, V.CRAMPS, exclude=r"\b(?:stomach|tummy|belly|period|menstrual|abdominal|gut)\b"
    )
    anchors = [a for a in msg.anchors_of("sleep") if d.free(a.start, a.end)]
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
    return SleepEntry(
        night=_night(msg),
        quality=_whole(quality),
        hours=number(hours),
        awakenings=_whole(awakenings),
        onset_minutes=_whole(onset),
        restless_legs=rl,
        cramps=cramps,
    )


_MODIFIERS = frozenset(
    {"not", "really", "very", "so", "pretty", "quite", "super", "fairly", "rather", "a", "bit"}
    | {"kind", "of", "kinda", "extremely", "incredibly", "too"}
)


def _lone_quality_clause(msg: Message) -> tuple[float, int] | None:
    """ "slept 7h on saturday night, pretty good": a clause of only a quality word after sleep."""
    d = msg.d
    sleep_clauses = {d.clause(a.start) for a in msg.anchors_of("sleep")}
    sleep_clauses |= {d.clause(v[0]) for v in msg.values.get("sleep", [])}
    other_clauses = {d.clause(a.start) for a in msg.anchors if a.topic != "sleep"}
    after_sleep = False
    for c, start in enumerate(d.clause_starts):
        end = d.clause_starts[c + 1] if c + 1 < len(d.clause_starts) else len(d.s)
        words = [w for w in d.s[start:end].split() if w.isalnum()]
        if not words:
            continue
        if c in sleep_clauses:
            after_sleep = True
            continue
        if after_sleep and c not in other_clauses and len(words) <= 4:
            *mods, word = words
            if word in _QUALITY_WORDS and all(w in _MODIFIERS for w in mods):
                return _sleep_value(word, " ".join(mods)), start
        after_sleep = False
    return None


def _night(msg: Message) -> date | None:
    """The evening the night began, when the person named it ("friday night"); None: last night."""
    for t in msg.times_for("sleep"):
        if t.day is None:
            continue
        night = t.day
        if not t.vague and t.at.date() == t.day and t.at.hour < 12:
            night -= timedelta(days=1)  # "woke at 4am on saturday": the night of friday
        today = msg.now.date()
        if night == today and msg.now.hour < 18:
            night -= timedelta(days=7)  # "friday night" said on a friday morning: last week's
        return night if night <= today else None
    if msg.context is not None and msg.context.day is not None:
        # "Monday: slept badly": the night that ended that morning, as "last night" is today's
        return msg.context.day - timedelta(days=1)
    return None


def _flag(msg: Message, pattern: re.Pattern[str], exclude: str | None = None) -> bool | None:
    d = msg.d
    result: bool | None = None
    for m in pattern.finditer(d.s):
        if pattern is V.CRAMPS and m.group(0).startswith("cramp") and V.PERIOD.search(d.s):
            continue  # "period started, cramps": period cramps, not a night's leg cramps
        if exclude:
            ca, cb = d.clause_text(m.start())
            window = d.s[max(ca, m.start() - 25) : min(cb, m.end() + 30)]
            if re.search(exclude, window):
                continue
        if not d.negated(m.start(), m.end()):
            result = True
        elif result is None:
            result = False
    return result


def _whole(x: float | None) -> int | None:
    return None if x is None else round(x)


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
