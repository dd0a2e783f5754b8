"""Medicines taken outside an attack (inside one, the attack lists them)."""

from __future__ import annotations

from bot.domain.parsing.core import Entry, Message, _iso, _num


def read_medications(msg: Message, attack: Entry | None) -> list[Entry]:
    if attack is not None and attack["type"] == "attack":
        return []
    d = msg.d
    out: list[Entry] = []
    seen: set[str] = set()
    times = msg.times_for("med")
    for a in msg.anchors_of("med"):
        if d.negated(a.start, a.end, 2) or a.text in seen:
            continue
        seen.add(a.text)
        taken = next((t.at for t in times if t.role != "range"), None)
        out.append(
            {
                "type": "medication",
                "name": a.text,
                "dose_mg": _num(a.value) if a.value is not None else None,
                "taken_at": _iso(taken),
            }
        )
    return out
