"""Anxiety: a level on 0-10 from a number or the words around it, and when it was felt.

`at` is the time said with it ("anxious at 3am", "anxiety 7/10 on monday"), or
the day the message names in a clause of its own; None (now) when none.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.domain.entries import AnxietyEntry, AttackEntry
from bot.domain.parsing import vocab as V
from bot.domain.parsing.core import Anchor, AttackNews, Message, Values, _clamp, moment, number


def read_anxiety(msg: Message, values: Values, attack: AttackNews | None) -> AnxietyEntry | None:
    anxiety = _level(msg, values, attack)
    if anxiety is None:
        return None
    anchors = msg.anchors_of("anxiety")
    heading = msg.context_at(anchors[0].start if anchors else len(msg.d.s))
    t = next((t for t in msg.times_for("anxiety") if t.role != "range"), heading)
    if t is None:
        return anxiety
    assumed = frozenset({"at"}) if t.vague else frozenset()
    return replace(anxiety, at=moment(t.at), assumed=assumed)


def _level(msg: Message, values: Values, attack: AttackNews | None) -> AnxietyEntry | None:
    d = msg.d
    s = d.s
    anchors = msg.anchors_of("anxiety")
    if not isinstance(attack, AttackEntry):
        for m in V.STRESS_AS_ANXIETY.finditer(s):
            if d.free(m.start(), m.end()):
                anchors.append(Anchor(m.start(), m.end(), "anxiety", m.group(0)))
    nums = [v for v in values.get("anxiety", []) if v[2].startswith("scale")]
    if nums:
        n = nums[0][1] * (2 if nums[0][2] == "scale5" else 1)
        return AnxietyEntry(level=number(_clamp(n, 0, 10)))
    if not anchors:
        if attack is None and not msg.anchors_of("sleep"):
            for m in V.ANXIETY_CALM.finditer(s):
                if not d.negated(m.start(), m.end()):
                    return AnxietyEntry(level=1)
        return None
    live = [a for a in anchors if not d.negated(a.start, a.end)]
    if not live:
        return AnxietyEntry(level=0)
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
            return AnxietyEntry(level=None)
        level = 5
    return AnxietyEntry(level=number(level))
