"""Attacks: a new attack, pain now (or at a named time) in the running one, its end.

Also the symptoms and triggers an attack carries, and the pain values that
belong to no other topic ("5", "went from 7 to 3").
"""

from __future__ import annotations

import re
from datetime import time, timedelta

from bot.domain.entries import AttackEndEntry, AttackEntry, AttackUpdateEntry, Medicine
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import Anchor, AttackNews, Message, Values, _clamp, moment, number
from bot.domain.parsing.medicines import medicine_times
from bot.domain.parsing.times import TimeMention, local, shift
from storage.enums import AttackKind

# "woke up with a migraine" starts in the morning; "all day" lasts until the evening
_WOKE_WITH = re.compile(r"\b(?:woke|wake|waking|woken|awoke|awoken)(?: up)? (?:with|to)\b")
_ALL_DAY = re.compile(r"\ball day\b|\b(?:the )?whole day\b|\ball (?:of )?the day\b")
_WAKING = time(7, 0)
_EVENING = time(21, 0)

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
    # "day 4 of my period", "week 2": a count of days, not pain
    r"(?<!\bday )(?<!\bweek )(?<!\bnight )"
    r"\b(?P<n>\d+(?:\.\d+)?)\b(?! ?(?:/|:|\.\d|am\b|pm\b|mg|g\b|h\b|hours?|minutes?|mins?\b|days?"
    r"|weeks?|times|x\b|%|pills?|caps?\b|capsules?|tablets?|ago))"
)


_LONE_NUMBER = re.compile(
    r"^(?:(?:pain|it is|its|now|about|maybe|like|around|at|a"
    r"|still) )*(?P<n>\d+(?:\.\d+)?)(?: (?:now|atm|right now|currently))?(?: [.!])*$"
)


def collect_pain_values(msg: Message) -> None:
    """A lone number, "went from 7 to 3", a bare number after an update word."""
    d = msg.d
    add = msg.add_value
    m3 = _LONE_NUMBER.match(d.s)
    if m3 and d.free(m3.start("n"), m3.end("n")):
        add("pain", m3.start("n"), float(m3.group("n")), "scale10")
    for m in msg.find(_FROM_TO, claim=True):
        add("pain", m.start("n"), float(m.group("n")), "scale10")
    if (
        "pain" not in msg.values
        and "attack" not in msg.values
        and not msg.anchors_of("sleep", "anxiety", "dose", "med")
        and V.UPDATE_STRONG.search(d.s)
    ):
        for m in msg.find(_BARE_NUMBER):
            if float(m.group("n")) <= 10:
                add("pain", m.start(), float(m.group("n")), "scale10")
                break


def read_attack(msg: Message, values: Values) -> AttackNews | None:
    d = msg.d
    s = d.s
    kinds = [a for a in msg.anchors_of("attack") if not d.negated(a.start, a.end)]
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
            and not (kinds or msg.anchors_of("pain"))
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
    all_kind_negated = bool(msg.anchors_of("attack")) and not kinds
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
        intensity = _intensity_words(msg, kinds)
    if intensity is None and kinds:
        intensity = _lone_intensity_clause(msg)
    if intensity is None and (kinds or end is None):
        pains = [a for a in msg.anchors_of("pain") if a.text == "pain"]
        if pains:
            intensity = _intensity_words(msg, pains)

    symptoms = read_symptoms(msg)
    kind = "migraine" if any(a.text == "migraine" for a in kinds) else "headache"
    if (
        not kinds
        and end is None
        and _CONTINUES.match(s)
        and (intensity is not None or symptoms)
        and not msg.anchors_of("sleep", "anxiety", "dose", "med")
    ):
        # "still pounding 7/10", "now throbbing": the running attack, not a new one
        return _update(msg, intensity)
    if not kinds and end is None:
        if "aura" in symptoms and (intensity is not None or len(symptoms) >= 1):
            kind = "migraine"
        elif not (
            intensity is not None
            and (symptoms & {"throbbing", "one_sided", "light_sensitivity", "sound_sensitivity"})
        ):
            # nothing but a number: an update of the running attack
            if intensity is not None and not _other_topics_claim(msg):
                return _update(msg, intensity)
            upd = _update_cue_without_kind(msg)
            if upd:
                return _update(msg, None)
            return None

    times = msg.times_for("attack")
    ranges = [t for t in times if t.role == "range"]
    starts = [t for t in times if t.role in ("start", "point")]
    ends = [t for t in times if t.role == "end"]
    started_at = ended_at = None
    start_t = end_t = None
    if ranges:
        started_at, ended_at = ranges[0].at, ranges[0].until
        start_t = end_t = ranges[0]
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
            started_at, start_t = starts[0].at, starts[0]
        if ends:
            ended_at, end_t = ends[0].at, ends[0]
    assumed: set[str] = set()
    if start_t is not None and start_t.vague:
        assumed.add("started_at")
    if end_t is not None and end_t.vague:
        assumed.add("ended_at")
    heading = msg.context_at(kinds[0].start) if kinds else None
    if start_t is None and heading is not None:
        # "Friday: migraine 6/10": the day of the message, at midday
        start_t, started_at = heading, heading.at
        assumed.add("started_at")
    if start_t is None or start_t.vague:
        # a phrase without a time takes a sensible one (DESIGN §6a)
        day = start_t.at.date() if start_t is not None else msg.now.date()
        if _said_of(msg, _WOKE_WITH, kinds):
            started_at = min(local(day, _WAKING, msg.zone), msg.now)
            assumed.add("started_at")
        if _said_of(msg, _ALL_DAY, kinds):
            started_at = min(local(day, _WAKING, msg.zone), msg.now)
            assumed.add("started_at")
            if end is None and end_t is None and day < msg.now.date():
                ended_at = local(day, _EVENING, msg.zone)
                assumed.add("ended_at")
    if started_at is not None and ended_at is not None:
        for _ in range(3):
            if ended_at > started_at:
                break
            ended_at = ended_at + timedelta(days=1)
    if started_at is not None and ended_at is None and end is None:
        for _a, _b, mins in msg.durations:
            if not any(t.vague for t in starts[:1]):
                ended_at = shift(started_at, timedelta(minutes=mins), msg.zone)
                break

    if end is not None:
        described = bool(kinds) and (
            started_at is not None
            or (intensity is not None and d.clause(end.start()) != d.clause(kinds[0].start))
            or bool(symptoms)
            or re.search(r"\bhad (?:a |an |my )?(?:\w+ )?(?:migraine|headache)", s) is not None
        )
        if not described:
            return AttackEndEntry(
                ended_at=moment(ended_at or msg.now),
                assumed=frozenset(assumed & {"ended_at"}),
            )
        if ended_at is None:
            ended_at = msg.now

    if kinds and end is None and _is_update(msg, kinds):
        if started_at is None:
            return _update(msg, intensity)
        if start_t is not None and _update_at(msg, start_t):
            # "yesterday at 8pm the headache was down to 2/10": pain at a past time
            return _update(msg, intensity)

    meds = [a for a in msg.anchors_of("med") if not d.negated(a.start, a.end, 2)]
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
    # when each medicine was taken matters for the 2-hour response ("took it at 3pm");
    # one whose time was not said stays None (the diary dates it from the attack)
    med_times = medicine_times(msg, meds)
    taken = [t.at for _, t in med_times if t is not None and not t.vague]
    if started_at is not None and "started_at" in assumed and taken:
        first = min(taken)
        if first < started_at and first.date() == started_at.date():
            started_at = first  # it had begun by the first medicine taken for it
    return AttackEntry(
        kind=AttackKind.MIGRAINE if kind == "migraine" else AttackKind.HEADACHE,
        intensity=number(intensity),
        started_at=moment(started_at),
        ended_at=moment(ended_at),
        symptoms=tuple(sorted(symptoms)),
        triggers=tuple(sorted(read_triggers(msg))),
        assumed=frozenset(assumed),
        medications=tuple(
            Medicine(
                name=meds[i].text,
                dose_mg=number(meds[i].value),
                taken_at=moment(t.at) if t is not None else None,
                assumed=frozenset({"taken_at"}) if t is not None and t.vague else frozenset(),
            )
            for i, t in med_times
        ),
    )


def _said_of(msg: Message, pattern: re.Pattern[str], kinds: list[Anchor]) -> bool:
    """The phrase is said of the attack: within three words of a migraine or headache."""
    d = msg.d
    for m in pattern.finditer(d.s):
        for a in kinds:
            if d.clause(a.start) != d.clause(m.start()):
                continue
            gap = d.s[a.end : m.start()] if a.end <= m.start() else d.s[m.end() : a.start]
            if len(gap.split()) <= 3:
                return True
    return False


def _update_at(msg: Message, t: TimeMention) -> bool:
    """A past time said in the clause that says how the pain has changed."""
    d = msg.d
    if t.role != "point" or t.at >= msg.now - timedelta(minutes=10):
        return False
    c = d.clause(t.start)
    for m in V.UPDATE_STRONG.finditer(d.s):
        if d.clause(m.start()) == c and m.group(0) not in ("less", "lower", "higher", "still"):
            return True
    return False


def _lone_intensity_clause(msg: Message) -> float | None:
    """ "headache since this morning, mild": a clause that is only a severity word."""
    d = msg.d
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


def _other_topics_claim(msg: Message) -> bool:
    return bool(msg.anchors_of("sleep", "anxiety"))


def _update_cue_without_kind(msg: Message) -> bool:
    s = msg.d.s
    if msg.anchors_of("sleep", "anxiety", "dose", "med"):
        return False
    if V.UPDATE_STRONG.search(s) is None:
        return False
    words = len(s.split())
    # "much better", "still pounding": a reply to "how is it now?"
    return words <= 4 or (bool(msg.anchors_of("pain")) and words <= 8)


def _is_update(msg: Message, kinds: list[Anchor]) -> bool:
    d = msg.d
    s = d.s
    kind_clauses = {d.clause(a.start) for a in kinds}
    for m in V.UPDATE_STRONG.finditer(s):
        c = d.clause(m.start())
        clause_anchors = [a for a in msg.anchors if d.clause(a.start) == c]
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


def _update(msg: Message, intensity: float | None) -> AttackUpdateEntry:
    exact = [t for t in msg.times if t.role in ("point", "start") and not t.vague]
    vague = [
        t
        for t in [*msg.times, *([msg.context] if msg.context else [])]
        if t.role in ("point", "start") and t.vague and t.at <= msg.now - timedelta(hours=1)
    ]
    if exact:
        return AttackUpdateEntry(intensity=number(intensity), at=moment(exact[0].at))
    if vague:
        # "yesterday the pain was 3/10": that day, the hour assumed
        at = moment(vague[0].at)
        return AttackUpdateEntry(intensity=number(intensity), at=at, assumed=frozenset({"at"}))
    return AttackUpdateEntry(intensity=number(intensity), at=moment(msg.now))


def _intensity_words(msg: Message, anchors: list[Anchor]) -> float | None:
    best: tuple[int, float] | None = None
    for a in anchors:
        ca, cb = msg.d.clause_text(a.start)
        # the four words either side decide, and two more for their modifiers
        before = msg.d.words_before(ca, a.start, 8)
        after = msg.d.words_after(a.end, cb, 8)
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


def symptom_spans(msg: Message) -> dict[str, list[tuple[int, int]]]:
    d = msg.d
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


def read_symptoms(msg: Message) -> set[str]:
    found = symptom_spans(msg)
    codes = set(found)
    # nausea tied to magnesium in its own clause is a side effect, not a symptom
    for code in ("nausea", "fatigue"):
        if code in codes and all(msg.mag_causal_clause(a) for a, _ in found[code]):
            codes.discard(code)
    return codes


def read_triggers(msg: Message) -> set[str]:
    return set(trigger_spans(msg))


def trigger_spans(
    msg: Message, immune: frozenset[str] = V.NEGATION_IMMUNE
) -> dict[str, tuple[int, int]]:
    """Each trigger code the message names, with where it first says it.

    `immune`: the codes whose own words look like a negation ("no breakfast"),
    so a negation before them does not cancel them.
    """
    d = msg.d
    # words that are a time, a medicine, magnesium or a symptom are no trigger
    busy = bytearray(len(d.s) + 1)
    spans = [sp for found in symptom_spans(msg).values() for sp in found]
    spans += msg.time_spans + [(a.start, a.end) for a in msg.anchors_of("med", "dose")]
    for a, b in spans:
        busy[a:b] = b"\x01" * max(0, b - a)
    found: dict[str, tuple[int, int]] = {}
    for code, pattern in V.TRIGGERS.items():
        for m in pattern.finditer(d.s):
            if busy.find(1, m.start(), m.end()) != -1:
                continue
            if code not in immune and d.negated(m.start(), m.end()):
                continue
            if code == "weather" and re.search(r"\bunder the weather\b", d.s):
                continue
            if code == "stress" and m.group(0) == "stress" and "level" in d.after(m.end(), 1):
                continue
            if code == "caffeine" and m.group(0) == "decaf":
                continue
            found[code] = (m.start(), m.end())
            break
    return found


def _intensity_of(word: str) -> float | None:
    for pattern, value in V.INTENSITY_WORDS:
        if pattern.fullmatch(word):
            return value
    return None
