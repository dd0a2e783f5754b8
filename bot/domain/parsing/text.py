"""Turn what people type at 3 a.m. into one predictable lower-case form.

The extractors match regular expressions against a string of space-separated
tokens: "Migrane since 3pm, 7/10!!" becomes "migraine since 3 pm , 7 / 10 ! !".
Doing the messy work once here (contractions, emoji, number words, typos)
keeps every pattern downstream short.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

# Emoji people use instead of words. Only unambiguous ones.
EMOJI = {
    "🤕": " headache ",
    "🤢": " nausea ",
    "🤮": " vomiting ",
    "😵\u200d💫": " dizzy ",
    "😵": " dizzy ",
    "💫": " dizzy ",
    "🍷": " wine ",
    "🍺": " beer ",
    "🍻": " beer ",
    "🥂": " champagne ",
    "🍸": " cocktail ",
    "☕": " coffee ",
    "🍫": " chocolate ",
    "🧀": " cheese ",
    "🌭": " hot dog ",
    "⛈": " storm ",
    "🌩": " storm ",
    "🌧": " rain ",
    "🥵": " heat ",
    "😰": " anxious ",
    "😟": " anxious ",
    "😨": " anxious ",
    "🥱": " tired ",
    "✅": " done ",
    "½": " and a half ",
    "¼": " and a quarter ",
}

CONTRACTIONS = {
    "can't": "can not",
    "cannot": "can not",
    "won't": "will not",
    "shan't": "shall not",
    "i'm": "i am",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "what's": "what is",
    "he's": "he is",
    "she's": "she is",
    "let's": "let us",
}
_NT = re.compile(r"\b(\w+)n't\b")
# each contraction as a whole word, compiled once (tried only when the text holds it)
_CONTRACTION_PATTERNS = [
    (word, re.compile(rf"\b{re.escape(word)}\b"), repl) for word, repl in CONTRACTIONS.items()
]
# (pattern, replacement) applied in order after the contractions
_TIDY = [
    (re.compile(p), r)
    for p, r in [
        (r"\b(i|you|we|they)'ve\b", r"\1 have"),
        (r"\b(i|you|we|they)'d\b", r"\1 had"),
        (r"\b(i|you|we|they)'ll\b", r"\1 will"),
        (r"'s\b", ""),
    ]
]
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_HYPHENATED = re.compile(r"(?<=[a-z])-(?=[a-z])")  # one-sided, headache-free, co-codamol
# separate numbers from units and letters from numbers: 200mg, 3pm, 5h, x2
_NUMBER_LETTER = re.compile(r"(\d)([a-z])")
_LETTER_NUMBER = re.compile(r"([a-z])(\d)")
_DECIMAL_COMMA = re.compile(r"(\d),(\d)")  # 7,5 hours (European decimal comma)
_APOS_WORD = {
    # apostrophes dropped on a phone keyboard
    "didnt": "did not",
    "dont": "do not",
    "doesnt": "does not",
    "cant": "can not",
    "couldnt": "could not",
    "wasnt": "was not",
    "isnt": "is not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "arent": "are not",
    "werent": "were not",
    "im": "i am",
    "ive": "i have",
    "thats": "that is",
    "whats": "what is",
    "tho": "though",
    "tonite": "tonight",
    "nite": "night",
    "thru": "through",
    "w": "with",
    "b4": "before",
    "abt": "about",
    "approx": "about",
    "ca": "about",
    "hrs": "hours",
    "hr": "hour",
    "mins": "minutes",
    "min": "minutes",
    "secs": "seconds",
    "yday": "yesterday",
    "yest": "yesterday",
    "yesterdy": "yesterday",
    "tmrw": "tomorrow",
    "2day": "today",
    "2nite": "tonight",
    "u": "you",
    "r": "are",
    "pls": "please",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "cos": "because",
    "ppl": "people",
}

UNITS = {
    "zero": 0,
    "no": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

_TOKEN = re.compile(r"\d+(?:[.:]\d+)?|[a-z]+|[^\s\w]")


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def _number_words(tokens: list[str]) -> list[str]:
    """Replace spelled-out numbers by digits: "two hundred" -> "200", "twenty five" -> "25"."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "no" or (t not in UNITS and t not in TENS):
            out.append(t)
            i += 1
            continue
        value = UNITS.get(t, TENS.get(t, 0))
        j = i + 1
        if t in TENS and j < len(tokens) and tokens[j] in UNITS and 0 < UNITS[tokens[j]] < 10:
            value += UNITS[tokens[j]]
            j += 1
        if j < len(tokens) and tokens[j] == "hundred":
            value *= 100
            j += 1
            if j + 1 < len(tokens) and tokens[j] == "and" and tokens[j + 1] in UNITS | TENS:
                j += 1
            if j < len(tokens) and tokens[j] in TENS:
                value += TENS[tokens[j]]
                j += 1
            if j < len(tokens) and tokens[j] in UNITS and tokens[j] != "no":
                value += UNITS[tokens[j]]
                j += 1
        out.append(str(value))
        i = j
    return out


# phrases rewritten after tokenising, so that patterns see one canonical form
_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"\bhead (?:- )?aches?\b", "headache"),
        (r"\bmi graine\b", "migraine"),
        (r"\bhalf an? (?:hour|hr)\b", "30 minutes"),
        (r"\b(?:an|a|1) (?:hour|hr) and a half\b", "90 minutes"),
        (r"\b(\d+) and a half\b", r"\1.5"),
        (r"\b(\d+) and a quarter\b", r"\1.25"),
        (r"\b(\d+) 1 / 2\b", r"\1.5"),
        (r"\b(\d+) (hours?|h) and a half\b", r"\1.5 \2"),
        (r"\ba couple(?: of)?\b", "2"),
        (r"\ba few\b", "3"),
        (
            r"\b(?:an|a) (hour|minute|day|week|glass|cup|pint|bottle|pill|capsule|cap|tablet)\b",
            r"1 \1",
        ),
        (r"\bquarter of an hour\b", "15 minutes"),
        (r"\b(\d+) (?:and|&) (\d+) minutes\b", r"\1 \2 minutes"),
    ]
]


# "HA" is the diary shorthand for headache; "ha ha" / "HAHA" is laughter. Upper case or
# "H/A" always counts; lower-case "ha" only next to something a headache has (a score, a
# time, a severity word).
_HA_UPPER = re.compile(r"(?<!HA )(?<![A-Za-z/])(?:HA|H/A|H/a|h/a)(?![A-Za-z/])(?! ?HA\b)")
_HA_LOWER = re.compile(
    r"\b(?P<pre>(?:my|a|bad|the|mild|slight|severe|awful|terrible|tension|sinus|little|small"
    r"|massive|huge|rebound|no) )ha\b(?! ha\b)"
    r"|(?<!\bha )\bha(?= ?(?:\d|since\b|started\b|starting\b|is\b|gone\b|again\b|all day\b"
    r"|today\b|this\b))"
)


def _clock(h: int, m: int) -> str:
    return f"{h}:{m:02d}"


def _past(match: re.Match[str]) -> str:
    mins = {"quarter": 15, "half": 30}.get(match.group("m"))
    m = mins if mins is not None else int(match.group("m"))
    h = int(match.group("h"))
    return _clock(h, m) if 0 < m < 60 and 0 < h <= 12 else match.group(0)


def _to(match: re.Match[str]) -> str:
    mins = 15 if match.group("m") == "quarter" else int(match.group("m"))
    h = int(match.group("h"))
    if not (0 < mins < 60 and 0 < h <= 12):
        return match.group(0)
    return _clock(12 if h == 1 else h - 1, 60 - mins)


# British clock talk: "quarter past 4", "half past 7", "20 past 9", "quarter to 6", "half 7"
# ("20 to 5" stays alone: "from 2 to 4" is a range)
_CLOCK_WORDS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(
            r"\b(?:a )?(?P<m>quarter|half|\d{1,2})(?: minutes)? past (?P<h>\d{1,2})\b(?![:.]\d)"
        ),
        _past,
    ),
    (
        re.compile(
            r"\b(?:a )?(?P<m>quarter|\d{1,2}(?= minutes))(?: minutes)? to"
            r" (?P<h>\d{1,2})\b(?![:.]\d)"
            r"(?= ?(?:am|pm|$|[,.;!]|this|in the|last|yesterday|today|tonight))"
        ),
        _to,
    ),
    (
        re.compile(
            r"\b(?P<pre>(?:at|since|from|around|about|by|until|till|started|starting|began) )"
            r"half (?P<h>\d{1,2})\b(?![:.]\d)(?! ?(?:mg|pills?|tabs?|tablets?|caps?|capsules?|h\b"
            r"|hours?|minutes?|of|a\b|an\b|glass|cups?|dose))"
        ),
        lambda m: (
            m.group("pre") + _clock(int(m.group("h")), 30)
            if 0 < int(m.group("h")) <= 12
            else m.group(0)
        ),
    ),
]


def basic_normalize(text: str) -> list[str]:
    """Lower-case tokens with emoji, contractions and number words resolved (no typo fixing)."""
    s = unicodedata.normalize("NFKC", text)
    for emoji, word in EMOJI.items():
        s = s.replace(emoji, word)
    s = _HA_UPPER.sub(" headache ", s)
    s = s.lower()
    s = _HA_LOWER.sub(lambda m: (m.group("pre") or "") + "headache", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").replace("´", "'")
    s = s.replace("\u2013", "-").replace("\u2014", "-").replace("~", " about ")
    for word, pattern, repl in _CONTRACTION_PATTERNS:
        if word in s:
            s = pattern.sub(repl, s)
    s = _NT.sub(r"\1 not", s)
    if "'" in s:
        for pattern, repl in _TIDY:
            s = pattern.sub(repl, s)
        s = s.replace("'", "")
    # ordinals: 3rd -> 3, and "@" as "at"
    s = _ORDINAL.sub(r"\1", s)
    s = s.replace("@", " at ")
    s = _HYPHENATED.sub(" ", s)
    s = _NUMBER_LETTER.sub(r"\1 \2", s)
    s = _LETTER_NUMBER.sub(r"\1 \2", s)
    s = _DECIMAL_COMMA.sub(r"\1.\2", s)
    tokens = _TOKEN.findall(s)
    tokens = [_APOS_WORD.get(t, t) for t in tokens]
    tokens = " ".join(tokens).split()
    return _number_words(tokens)


class Corrector:
    """Fix typos in single words towards a vocabulary, leaving known words alone.

    A word is corrected only when it is not a known word, it is at least four
    letters long, it starts with the same letter as the candidate, and the
    optimal-string-alignment distance (which counts a swap of two neighbours as
    one edit) is 1 for candidates up to seven letters, 2 for longer ones.
    """

    def __init__(self, targets: Iterable[str], known: Iterable[str]) -> None:
        targets = list(targets)
        self.targets: tuple[str, ...] = tuple(targets)
        self.known: frozenset[str] = frozenset(known)
        self._by_letter: dict[str, list[str]] = {}
        for t in sorted(set(targets)):
            if len(t) >= 5 and t.isalpha():
                self._by_letter.setdefault(t[0], []).append(t)
        self._known = self.known | frozenset(targets)
        self.correct = lru_cache(maxsize=4096)(self._correct)

    def _correct(self, word: str) -> str:
        if len(word) < 4 or word in self._known or not word.isalpha():
            return word
        if word.endswith("s") and (word[:-1] in self._known or word[:-2] in self._known):
            return word  # a plural of a known word ("spells", "wishes")
        candidates = self._by_letter.get(word[0])
        if not candidates:
            return word
        best = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=2)
        if best is None:
            return word
        target, dist = best[0], best[1]
        if dist > (1 if len(target) <= 7 else 2) or abs(len(target) - len(word)) > min(dist, 1):
            return word
        if len(word) == 4 and dist > 0 and len(target) != 5:
            return word
        return target


def normalize(text: str, corrector: Corrector | None = None) -> str:
    """The one form the extractors read (see the module docstring)."""
    return _normalized(text, corrector)


# A message is read by several readers (its dates, its entries, its red flags), each
# normalising it: the same text and corrector give the same form, made once.
@lru_cache(maxsize=256)
def _normalized(text: str, corrector: Corrector | None) -> str:
    tokens = basic_normalize(text)
    if corrector is not None:
        tokens = [corrector.correct(t) for t in tokens]
    s = " ".join(tokens)
    for pattern, repl in _PHRASES:
        s = pattern.sub(repl, s)
    for pattern, fn in _CLOCK_WORDS:
        s = pattern.sub(fn, s)
    return s
