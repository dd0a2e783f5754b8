"""From a check-in to diary entries: the order in which the topic readers run.

`core.Message` cuts the normalised message into clauses and finds its time
mentions, anchors and values; each topic module (`attack`, `dose`,
`medicines`, `sleep`, `mood`, `side_effects`, `period`, `factors`) then builds its
entries from them. Questions and news about someone else give no entries.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import datetime

from bot.domain.entries import AttackEntry, Entry
from bot.domain.parsing import attack as attack_
from bot.domain.parsing import dose, factors, medicines, mood, period, side_effects, sleep
from bot.domain.parsing.core import Message, collect_scale_values, us_dates
from bot.domain.parsing.lexicon import corrector
from bot.domain.parsing.text import basic_normalize, normalize

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


def parse_message(text: str, now: datetime, tz: str) -> list[Entry]:
    msg = Message(text, now, tz)
    s = msg.d.s
    if not s.strip() or (_QUESTION.match(s) and "?" in s) or _QUESTION_NO_MARK.match(s):
        return []
    if _OTHER_PERSON.match(s):
        return []
    msg.locate_times()
    if len(msg.headings) >= 2:
        # "Monday: migraine 6/10. Tuesday: headache 3/10": each day's part on its own
        cuts = [0, *(h.start for h in msg.headings[1:]), len(s)]
        entries: list[Entry] = []
        for a, b in itertools.pairwise(cuts):
            part = Message(text, now, tz, normalized=s[a:b])
            part.locate_times()
            entries.extend(_read(part))
        return entries
    return _read(msg)


def _read(msg: Message) -> list[Entry]:
    """The entries of a message whose time mentions are found."""
    msg.collect_anchors()
    # the order matters: each reader claims the words it reads
    dose.collect_values(msg)
    sleep.collect_values(msg)
    collect_scale_values(msg)
    attack_.collect_pain_values(msg)
    values = msg.values
    entries: list[Entry] = []
    attack = attack_.read_attack(msg, values)
    night = sleep.read_sleep(msg, values, attack)
    if isinstance(attack, AttackEntry) and night is not None:
        short = (night.quality is not None and night.quality <= 2) or (
            night.hours is not None and night.hours < 6
        )
        if short:
            attack = replace(attack, triggers=tuple(sorted({*attack.triggers, "poor_sleep"})))
    if attack:
        entries.append(attack)
    entries.extend(dose.read_doses(msg, values))
    entries.extend(medicines.read_medications(msg, attack))
    if night:
        entries.append(night)
    anxiety = mood.read_anxiety(msg, values, attack)
    if anxiety:
        entries.append(anxiety)
    side = side_effects.read_side_effects(msg, attack)
    if side:
        entries.append(side)
    days = period.read_period(msg, attack)
    if days:
        entries.append(days)
    entries.extend(factors.read_factors(msg, attack, night))
    return entries


def normalized(text: str) -> str:
    """The normalised form, for debugging and tests."""
    return normalize(text, corrector())


__all__ = ["basic_normalize", "corrector", "normalized", "parse_message", "us_dates"]
