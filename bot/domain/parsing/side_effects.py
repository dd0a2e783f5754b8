"""Side effects of magnesium (diarrhoea, an upset stomach, nausea, drowsiness)."""

from __future__ import annotations

import re

from bot.domain.entries import AttackEntry, SideEffectEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import AttackNews, Message


def read_side_effects(msg: Message, attack: AttackNews | None) -> SideEffectEntry | None:
    d = msg.d
    s = d.s
    is_attack = isinstance(attack, AttackEntry)
    mag_context = (
        bool(msg.anchors_of("dose"))
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
                if is_attack and not msg.mag_causal_clause(m.start()):
                    continue
                if attack is not None and not is_attack and not mag_context:
                    continue
                codes.add(code)
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
            break
    if not codes:
        return None
    return SideEffectEntry(effects=tuple(sorted(codes)))
