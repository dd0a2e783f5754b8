"""Menstrual periods: a day of one, and whether it was the first ("period started").

A period said as the cause of an attack ("migraine on day 1 of my period") is
the attack's `menstruation` trigger, not an entry of its own; said on its own
("period started", "on my period", "got my period yesterday") it is a `period`
entry on the day named (today when none).
"""

from __future__ import annotations

from bot.domain.entries import AttackEntry, PeriodEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import AttackNews, Message


def read_period(msg: Message, attack: AttackNews | None) -> PeriodEntry | None:
    if isinstance(attack, AttackEntry):
        return None
    d = msg.d
    s = d.s
    mention = None
    for m in V.PERIOD.finditer(s):
        if any(x.start() < m.end() and m.start() < x.end() for x in V.NOT_A_PERIOD.finditer(s)):
            continue
        if d.negated(m.start(), m.end(), 2):
            continue
        mention = m
        break
    if mention is None:
        return None
    c = d.clause(mention.start())
    started = any(d.clause(x.start()) == c for x in V.PERIOD_STARTED.finditer(s))
    said = [t for t in msg.times if d.clause(t.start) == c and t.role != "range"]
    t = (
        min(said, key=lambda t: abs(t.start - mention.start()))
        if said
        else msg.context_at(mention.start())
    )
    on = t.at.date() if t is not None else msg.now.date()
    return PeriodEntry(on=min(on, msg.now.date()), started=started)
