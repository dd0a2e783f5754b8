"""MIDAS, the Migraine Disability Assessment (Stewart et al. 2001): questions, score, grade.

Five questions count days lost to headache in the last 3 months; their sum is
the score, graded I (0-5, little or no disability), II (6-10, mild),
III (11-20, moderate) and IV (21 or more, severe). Two more questions (A: days
with headache, B: average pain 0-10) are part of the form but not of the
score. The chat flow asks the questions in order (`QUESTIONS`, then
`EXTRA_QUESTIONS`), reads each answer with `read_days` / `read_pain`, and
stores a `Midas`; `is_due` says when to ask again (every 3 months, for people
with the migraine goal).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

# The five scored questions, in the standard order and wording.
QUESTIONS: tuple[str, ...] = (
    "On how many days in the last 3 months did you miss work or school because of your headaches?",
    "How many days in the last 3 months was your productivity at work or school "
    "reduced by half or more because of your headaches? (Do not count days "
    "you already counted in question 1, when you missed work or school.)",
    "On how many days in the last 3 months did you not do household work "
    "because of your headaches?",
    "How many days in the last 3 months was your productivity in household work "
    "reduced by half or more because of your headaches? (Do not count days "
    "you already counted in question 3, when you did no household work.)",
    "On how many days in the last 3 months did you miss family, social or "
    "leisure activities because of your headaches?",
)
# Asked after the five, not scored.
QUESTION_HEADACHE_DAYS = (
    "On how many days in the last 3 months did you have a headache? "
    "(If a headache lasted more than 1 day, count each day.)"
)
QUESTION_PAIN = (
    "On a scale of 0 to 10, on average how painful were these headaches? "
    "(0 = no pain at all, 10 = pain as bad as it can be.)"
)
EXTRA_QUESTIONS: tuple[str, ...] = (QUESTION_HEADACHE_DAYS, QUESTION_PAIN)

# One-tap answers the chat may offer for the day questions; any number 0-92 is valid.
QUICK_DAYS: tuple[int, ...] = (0, 1, 2, 3, 5, 10)
MAX_DAYS = 92  # the longest 3 months
REPEAT_AFTER = timedelta(days=91)  # ask again after 3 months

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*(?:days?|d)?\s*[.!]?\s*$", re.I)
_NONE_WORDS = frozenset({"none", "no", "zero", "never", "nope", "0 days"})


class Grade(IntEnum):
    I = 1  # noqa: E741 (the grade's official name)
    II = 2
    III = 3
    IV = 4


GRADE_WORDS: dict[Grade, str] = {
    Grade.I: "little or no disability",
    Grade.II: "mild disability",
    Grade.III: "moderate disability",
    Grade.IV: "severe disability",
}


def grade(score: int) -> Grade:
    """I 0-5, II 6-10, III 11-20, IV 21 or more."""
    if score < 0:
        raise ValueError("a MIDAS score is never negative")
    if score <= 5:
        return Grade.I
    if score <= 10:
        return Grade.II
    if score <= 20:
        return Grade.III
    return Grade.IV


@dataclass(frozen=True, slots=True)
class Midas:
    """One completed questionnaire: the five scored answers (days) in order.

    `headache_days` and `pain` are the unscored questions A and B (None when
    skipped).
    """

    taken_on: date
    answers: tuple[int, int, int, int, int]
    headache_days: int | None = None
    pain: int | None = None

    def __post_init__(self) -> None:
        if len(self.answers) != len(QUESTIONS):
            raise ValueError(f"MIDAS has {len(QUESTIONS)} scored answers")
        for value in self.answers:
            if not 0 <= value <= MAX_DAYS:
                raise ValueError(f"a MIDAS answer is 0-{MAX_DAYS} days, got {value}")
        if self.headache_days is not None and not 0 <= self.headache_days <= MAX_DAYS:
            raise ValueError(f"headache days are 0-{MAX_DAYS}")
        if self.pain is not None and not 0 <= self.pain <= 10:
            raise ValueError("pain is 0-10")

    @property
    def score(self) -> int:
        return sum(self.answers)

    @property
    def grade(self) -> Grade:
        return grade(self.score)

    @property
    def grade_words(self) -> str:
        return GRADE_WORDS[self.grade]


def read_days(text: str) -> int | None:
    """An answer to a day question: a whole number 0-92 ("3", "3 days", "none"); else None."""
    cleaned = text.strip().lower()
    if cleaned in _NONE_WORDS:
        return 0
    match = _NUMBER.match(cleaned)
    if not match:
        return None
    value = int(match.group(1))
    return value if value <= MAX_DAYS else None


def read_pain(text: str) -> int | None:
    """An answer to the pain question: 0-10, "6" or "6/10"; else None."""
    match = re.match(r"^\s*(\d{1,2})\s*(?:/\s*10)?\s*$", text)
    if not match:
        return None
    value = int(match.group(1))
    return value if value <= 10 else None


def latest(results: Iterable[Midas], on_or_before: date) -> Midas | None:
    """The most recent questionnaire taken on or before a day."""
    taken = [m for m in results if m.taken_on <= on_or_before]
    return max(taken, key=lambda m: m.taken_on) if taken else None


def is_due(last_taken: date | None, today: date) -> bool:
    """True when no MIDAS was taken yet or the last is 3 months old (91 days)."""
    return last_taken is None or today - last_taken >= REPEAT_AFTER
