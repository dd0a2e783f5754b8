"""The journal /undo and /log read: every change a message made, and taking it back.

Each row a message adds gets a journal line (its kind and id); each change to a
row already there (an attack ended, news folded into an open attack, a night
filled in, a button that changed an attack) gets one with what it was before,
so undo is exact rather than a guess. A message's lines share its group (the
update id), so its Undo button takes back all of it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.diary.results import Undone
from bot.diary.scope import Scope
from bot.scheduling import plan
from storage.enums import EntryKind, PromptKind
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Base,
    Dose,
    FactorDay,
    JournalEntry,
    MedicationTaken,
    Period,
    SideEffect,
    Sleep,
)
from storage.queries import diary, journal

# The table a journal line of each kind points at.
ROW_MODELS: dict[EntryKind, type[Base]] = {
    EntryKind.ATTACK: Attack,
    EntryKind.ATTACK_UPDATE: AttackUpdate,
    EntryKind.ATTACK_END: Attack,
    EntryKind.ATTACK_MERGE: Attack,
    EntryKind.ATTACK_EDIT: Attack,
    EntryKind.DOSE: Dose,
    EntryKind.MEDICATION: MedicationTaken,
    EntryKind.SLEEP: Sleep,
    EntryKind.SLEEP_MERGE: Sleep,
    EntryKind.ANXIETY: Anxiety,
    EntryKind.SIDE_EFFECT: SideEffect,
    EntryKind.PERIOD: Period,
    EntryKind.PERIOD_START: Period,
    EntryKind.FACTOR: FactorDay,
}
# Lines that changed an attack, dropped with it when the attack itself goes.
_ATTACK_CHANGES = (EntryKind.ATTACK_END, EntryKind.ATTACK_MERGE, EntryKind.ATTACK_EDIT)


def note(scope: Scope, kind: EntryKind, row_id: int, **effects: Any) -> JournalEntry:
    """Journal a row this message added (or, with `effects`, a change it made)."""
    return journal.add(scope.session, scope.user.id, scope.group, kind, row_id, scope.now, effects)


def attack_state(attack: Attack) -> dict[str, Any]:
    """What an attack change may alter, to put back on undo."""
    return {
        "peak": attack.peak_intensity,
        "start_intensity": attack.start_intensity,
        "symptoms": list(attack.symptoms),
        "triggers": list(attack.triggers),
        "kind": attack.kind,
        "aura": attack.aura,
    }


def _restore_attack(attack: Attack, before: dict[str, Any]) -> None:
    attack.peak_intensity = before.get("peak")
    attack.start_intensity = before.get("start_intensity", attack.start_intensity)
    attack.symptoms = before.get("symptoms", attack.symptoms)
    attack.triggers = before.get("triggers", attack.triggers)
    attack.kind = before.get("kind", attack.kind)
    attack.aura = before.get("aura", attack.aura)
    if "started_at" in before:  # a merge of two attacks also moved the times
        attack.started_at = datetime.fromisoformat(before["started_at"])
        ended = before.get("ended_at")
        attack.ended_at = datetime.fromisoformat(ended) if ended else None


async def forget_attack(scope: Scope, attack: Attack) -> None:
    """Delete an attack and every journal line that points at it."""
    await journal.forget_row(
        scope.session, scope.user.id, (EntryKind.ATTACK, *_ATTACK_CHANGES), attack.id
    )
    await diary.delete(scope.session, attack)


async def undo_last(scope: Scope) -> list[Undone] | None:
    """Take back what the last message stored, with its effects. None when there is nothing."""
    last = await journal.last(scope.session, scope.user.id)
    if last is None:
        return None
    return await undo_group(scope, last.group_id)


async def undo_group(scope: Scope, group: int) -> list[Undone]:
    """Take back everything one message (or one tap) stored, newest first."""
    lines = await journal.of_group(scope.session, scope.user.id, group)
    undone = [await undo_line(scope, line) for line in lines]
    return [u for u in undone if u is not None]


async def undo_line(scope: Scope, line: JournalEntry) -> Undone | None:
    """Revert one journal line and drop it; what was removed or restored."""
    session, user = scope.session, scope.user
    kind = EntryKind(line.kind)
    effects = line.effects or {}
    row = await diary.owned(session, ROW_MODELS[kind], user.id, line.row_id)
    result: Undone | None = None
    if row is None:
        pass
    elif kind is EntryKind.ATTACK_END:
        assert isinstance(row, Attack)
        prev = effects.get("prev_ended_at")
        row.ended_at = datetime.fromisoformat(prev) if prev else None
        await plan.cancel_attack_prompts(session, row.id, (PromptKind.RECURRENCE,))
        if row.ended_at is None:
            await plan.schedule_followups(session, user, row, scope.now)
        result = Undone(kind, row, restored=True)
    elif kind in (EntryKind.ATTACK_MERGE, EntryKind.ATTACK_EDIT):
        assert isinstance(row, Attack)
        _restore_attack(row, effects.get("before") or {})
        if effects.get("update_id"):
            update = await diary.owned(session, AttackUpdate, user.id, int(effects["update_id"]))
            if update is not None:
                await diary.delete(session, update)
        result = Undone(kind, row, restored=True)
    elif kind is EntryKind.SLEEP_MERGE:
        for name, value in (effects.get("before") or {}).items():
            setattr(row, name, value)
        result = Undone(kind, row, restored=True)
    elif kind is EntryKind.ATTACK_UPDATE:
        assert isinstance(row, AttackUpdate)
        attack = await diary.owned(session, Attack, user.id, row.attack_id)
        if attack is not None:
            attack.peak_intensity = effects.get("prev_peak")
        await diary.delete(session, row)
        result = Undone(kind, row, attack=attack)
    elif kind is EntryKind.PERIOD_START:
        assert isinstance(row, Period)
        row.started = False
        result = Undone(kind, row, restored=True)
    else:
        if kind is EntryKind.ATTACK:
            # its medicines stay as medicines taken; the lines that changed it go with it
            await journal.forget_row(session, user.id, _ATTACK_CHANGES, line.row_id)
        elif kind is EntryKind.PERIOD:
            await journal.forget_row(session, user.id, (EntryKind.PERIOD_START,), line.row_id)
        await diary.delete(session, row)  # a medicine's "did it help?" check goes with it
        result = Undone(kind, row)
        if isinstance(row, MedicationTaken) and row.attack_id is not None:
            # the follow-ups stepped aside for that check: they come back
            attack = await diary.owned(session, Attack, user.id, row.attack_id)
            if attack is not None and attack.ended_at is None:
                await plan.schedule_followups(session, user, attack, scope.now)
    await session.delete(line)
    await session.flush()
    return result


async def group_of(scope: Scope, attack: Attack) -> int | None:
    """The message that logged an attack, for the Undo button under it."""
    return await journal.group_of(scope.session, scope.user.id, EntryKind.ATTACK, attack.id)
