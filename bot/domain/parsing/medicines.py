"""Medicines taken outside an attack (inside one, the attack lists them)."""

from __future__ import annotations

from bot.domain.entries import AttackEntry, MedicationEntry
from bot.domain.parsing.attack import AttackNews
from bot.domain.parsing.core import Message, moment, number


def read_medications(msg: Message, attack: AttackNews | None) -> list[MedicationEntry]:
    if isinstance(attack, AttackEntry):
        return []
    d = msg.d
    out: list[MedicationEntry] = []
    seen: set[str] = set()
    times = msg.times_for("med")
    for a in msg.anchors_of("med"):
        if d.negated(a.start, a.end, 2) or a.text in seen:
            continue
        seen.add(a.text)
        taken = next((t.at for t in times if t.role != "range"), None)
        out.append(MedicationEntry(name=a.text, dose_mg=number(a.value), taken_at=moment(taken)))
    return out
