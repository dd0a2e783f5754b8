"""Side effects of magnesium (diarrhoea, an upset stomach, nausea, drowsiness), and when.

`at` is a time said in the same clause ("diarrhea yesterday from the
magnesium"), or the day the message names in a clause of its own; None (now)
when none.
"""

from __future__ import annotations

import re

from bot.domain.entries import AttackEntry, SideEffectEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import AttackNews, Message, moment
from bot.domain.parsing.times import TimeMention


def read_side_effects(msg: Message, attack: AttackNews | None) -> SideEffectEntry | None:
    d = msg.d
    s = d.s
    is_attack = isinstance(attack, AttackEntry)
    mag_context = (
        bool(msg.anchors_of("dose"))
        or re.search(r"\b(?:since (?:starting|taking)|side effects?)\b", s) is not None
    )
    codes: set[str] = set()
    positions: list[int] = []
    for code, pattern in V.SIDE_EFFECTS.items():
        for m in pattern.finditer(s):
            if not d.free(m.start(), m.end()) or d.negated(m.start(), m.end()):
                continue
            if code in ("diarrhea", "stomach_upset"):
                if is_attack and not mag_context:
                    continue
                codes.add(code)
                positions.append(m.start())
            elif code == "nausea":
                if is_attack and not msg.mag_causal_clause(m.start()):
                    continue
                if attack is not None and not is_attack and not mag_context:
                    continue
                codes.add(code)
                positions.append(m.start())
            elif code == "drowsiness":
                word = m.group(0)
                if is_attack and not msg.mag_causal_clause(m.start()):
                    continue
                if not mag_context and word in (
                    "tired",
                    "sleepy",
                    "foggy",
                    "hungover",
                    "lethargic",
                ):
                    continue
                if msg.anchors_of("sleep") and not mag_context:
                    continue
                codes.add(code)
                positions.append(m.start())
            break
    if not codes:
        return None
    t = _time_of(msg, positions)
    return SideEffectEntry(
        effects=tuple(sorted(codes)),
        at=moment(t.at) if t is not None else None,
        assumed=frozenset({"at"}) if t is not None and t.vague else frozenset(),
    )


def _time_of(msg: Message, positions: list[int]) -> TimeMention | None:
    d = msg.d
    clauses = {d.clause(p) for p in positions}
    said = [t for t in msg.times if t.role != "range" and d.clause(t.start) in clauses]
    if said:
        return min(said, key=lambda t: min(abs(t.start - p) for p in positions))
    return msg.context_at(min(positions)) if positions else msg.context
