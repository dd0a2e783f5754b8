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
_AGAIN = re.compile(r"\b(?:again|another(?: one| dose)?|a second(?: one| dose)?|more)(?: \w+)?$")
_LIST_GAP = re.compile(r"^ (?:and|,|&|\+|plus|with|or)(?: (?:a|an|some|my|the|\d+ ?(?:mg|g)))? $")


def medicine_times(msg: Message, meds: list[Anchor]) -> list[tuple[int, TimeMention | None]]:
    """Each medicine taken (by index in `meds`) with its time, when the message says it.

    A time said about medicines goes to the medicine on its left in the same
    clause ("sumatriptan at 16:30"), else the one on its right ("at 3pm took
    ibuprofen"), else the last one named before it. A second time for the same
    medicine after "again" or "another" is a second dose of it.
    """
    d = msg.d
    own: dict[int, TimeMention] = {}
    repeats: list[tuple[int, TimeMention | None]] = []
    if not meds:
        return []
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
        if pick not in own:
            own[pick] = t
        elif _AGAIN.search(d.s[max(meds[pick].end, t.start - 30) : t.start].rstrip()):
            repeats.append((pick, t))
    for i in range(len(meds) - 2, -1, -1):
        if i not in own and i + 1 in own and _LIST_GAP.match(d.s[meds[i].end : meds[i + 1].start]):
            own[i] = own[i + 1]
    return sorted(
        [(i, own.get(i)) for i in range(len(meds))] + repeats,
        key=lambda p: (p[0], p[1].start if p[1] else -1),
    )


def read_medications(msg: Message, attack: AttackNews | None) -> list[MedicationEntry]:
    if isinstance(attack, AttackEntry):
        return []
    d = msg.d
    meds = [a for a in msg.anchors_of("med") if not d.negated(a.start, a.end, 2)]
    out: list[MedicationEntry] = []
    seen: set[str] = set()
    for i, t in medicine_times(msg, meds):
        a = meds[i]
        if a.text in seen and t is None:
            continue
        seen.add(a.text)
        t = t or msg.context_at(a.start)
        out.append(
            MedicationEntry(
                name=a.text,
                dose_mg=number(a.value),
                taken_at=moment(t.at) if t else None,
                assumed=frozenset({"taken_at"}) if t is not None and t.vague else frozenset(),
            )
        )
    return out
