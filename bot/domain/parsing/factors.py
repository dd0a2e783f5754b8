"""Possible triggers on a day of their own: "skipped lunch and had 4 coffees", "stressful day".

The words are the attack triggers' (`vocab.TRIGGERS`, read by `attack.trigger_spans`):
said in a message about an attack they are that attack's triggers; said on their
own they are a `factor` entry for the day named (today when none), so that the
summary can compare the days after them with the days after others (DESIGN §6).

Not a factor:
- anything in a message about an attack (a new one, pain in it, its end): the
  attack keeps its triggers;
- poor sleep and the period: the nights and the period days logged are their
  record (`sleep` and `period` entries), and the summary compares those; so is
  oversleeping when the message logs the night;
- a habit, a belief, a taste or a plan ("coffee always sets it off", "I usually
  skip breakfast", "I love cheese", "going for a run"), and a day still to come;
- coffee said to be absent ("no coffee today"): with an attack that may be
  withdrawal, but a day without caffeine is not a day with it; nor is a day of
  herbal tea or decaf only ("chamomile tea before bed").
"""

from __future__ import annotations

import re
from datetime import date

from bot.domain import schedule
from bot.domain.entries import FactorEntry, SleepEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.attack import trigger_spans
from bot.domain.parsing.core import AttackNews, Message

# their own entries hold these (see the module docstring)
_OWN_ENTRY = frozenset({"poor_sleep", "menstruation"})
_OF_THE_NIGHT = frozenset({"oversleep"})

# a habit, a belief, a taste, a wish or a plan: not what happened on a day
_GENERAL = re.compile(
    r"\b(?:always|usually|normally|generally|typically|often|sometimes|never|whenever|if"
    r"|whether|every (?:time|day|morning|evening|night)|tends? to|used to|trigger\w*|cause\w*"
    r"|sets? (?:it|them|me) off"
    r"|i (?:really |do |just )?(?:love|like|hate|enjoy|prefer|miss|want|wish)|crav\w*|urge"
    r"|going (?:to|for)|gonna|will|plan\w*|tomorrow)\b"
)

# drinks without caffeine, which the attack triggers' "tea" and "decaf" take in
_CAFFEINE_FREE = re.compile(
    r"\b(?:herbal|chamomile|camomile|peppermint|mint|fruit|rooibos|ginger|lemon)"
    r"(?: \w+)? (?:teas?|infusions?)\b|\bdecaf\w*(?: (?!and\b)\w+)?"
)

# for a day, "no coffee" is no caffeine; the other codes keep their immunity
# ("no breakfast" is a skipped meal, "not enough water" too little water)
_IMMUNE = V.NEGATION_IMMUNE - {"caffeine"}


def read_factors(
    msg: Message, attack: AttackNews | None, night: SleepEntry | None
) -> list[FactorEntry]:
    """The possible triggers the message logs for a day, one entry per day named."""
    d = msg.d
    if attack is not None or _GENERAL.search(d.s):
        return []
    if any(not d.negated(a.start, a.end) for a in msg.anchors_of("attack")):
        return []  # headaches named but no attack read: talk about them, not a day's log
    today = msg.now.date()
    days: dict[date, list[str]] = {}
    said: set[date] = set()
    for code, (start, _end) in sorted(trigger_spans(msg, _IMMUNE).items()):
        if code in _OWN_ENTRY or (code in _OF_THE_NIGHT and night is not None):
            continue
        if code == "caffeine" and not V.TRIGGERS[code].search(_CAFFEINE_FREE.sub(" ", d.s)):
            continue  # only caffeine-free drinks were named
        day = _day(msg, start, night)
        if day is not None and day > today:
            continue  # not happened yet
        days.setdefault(day or today, []).append(code)
        if day is not None:
            said.add(day)
    return [
        FactorEntry(codes=tuple(codes), on=day if day in said else None)
        for day, codes in sorted(days.items())
    ]


def _day(msg: Message, pos: int, night: SleepEntry | None) -> date | None:
    """The day of the words at `pos`: a time said in their clause, the night they are said
    with ("slept badly after too much wine"), the day heading that part of the message;
    None when nothing says (the day of the message)."""
    d = msg.d
    clause = d.clause(pos)
    times = [t for t in msg.times if d.clause(t.start) == clause]
    if times:
        return min(times, key=lambda t: abs(t.start - pos)).at.date()
    if night is not None and any(d.clause(a.start) == clause for a in msg.anchors_of("sleep")):
        return night.night or schedule.last_night(msg.now)
    heading = msg.context_at(pos)
    return heading.at.date() if heading is not None else None
