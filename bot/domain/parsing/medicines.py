"""Medicines: taken outside an attack, and when each one named was taken.

Inside an attack the attack lists its medicines; each keeps its own time
("ibuprofen 400mg at 15:10 and sumatriptan at 16:30"), and one whose time was
not said has none (None: the diary dates it from the attack).
"""

from __future__ import annotations

import re

from bot.domain.entries import AttackEntry, MedicationEntry
from bot.domain.parsing.core import Anchor, AttackNews, Message, moment, number
from bot.domain.parsing.times import TimeMention

# medicines in a list share the time after the last one: "ibuprofen and paracetamol at 3pm"
_LIST_GAP = re.compile(r"^ (?:and|,|&|\+|plus|with|or)(?: (?:a|an|some|my|the|\d+ ?(?:mg|g)))? $")


def medicine_times(msg: Message, meds: list[Anchor]) -> dict[int, TimeMention]:
    """The time each medicine (by index in `meds`) was taken, when the message says it.

    A time said about medicines goes to the medicine on its left in the same
    clause ("sumatriptan at 16:30"), else the one on its right ("at 3pm took
    ibuprofen"), else the last one named before it.
    """
    d = msg.d
    own: dict[int, TimeMention] = {}
    if not meds:
        return own
    for t in msg.times_for("med"):
        if t.role == "range":
            continue
        c = d.clause(t.start)
        same = [i for i, a in enumerate(meds) if d.clause(a.start) == c]
        left = [i for i in same if meds[i].end <= t.start]
        if left:
            pick = max(left, key=lambda i: meds[i].end)
        elif same:
            pick = min(same, key=lambda i: meds[i].start)
        else:
            before = [i for i, a in enumerate(meds) if a.start < t.start]
            pick = before[-1] if before else 0
        own.setdefault(pick, t)
    for i in range(len(meds) - 2, -1, -1):
        if i not in own and i + 1 in own and _LIST_GAP.match(d.s[meds[i].end : meds[i + 1].start]):
            own[i] = own[i + 1]
    return own


def read_medications(msg: Message, attack: AttackNews | None) -> list[MedicationEntry]:
    if isinstance(attack, AttackEntry):
        return []
    d = msg.d
    meds = [a for a in msg.anchors_of("med") if not d.negated(a.start, a.end, 2)]
    times = medicine_times(msg, meds)
    out: list[MedicationEntry] = []
    seen: set[str] = set()
    for i, a in enumerate(meds):
        if a.text in seen:
            continue
        seen.add(a.text)
        t = times.get(i) or msg.context
        out.append(
            MedicationEntry(
                name=a.text,
                dose_mg=number(a.value),
                taken_at=moment(t.at) if t else None,
                assumed=frozenset({"taken_at"}) if t is not None and t.vague else frozenset(),
            )
        )
    return out
