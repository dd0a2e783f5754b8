"""Fixing mistakes: /log lists entries by when they happened, with ways to delete one,
correct its time or an attack's worst pain; /undo takes back the last message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.diary import attacks, awaiting, medicines
from bot.diary.awaiting import Awaiting
from bot.diary.journal import ROW_MODELS, undo_line
from bot.diary.results import Moved, Undone
from bot.diary.scope import Scope
from storage.enums import EntryKind
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

PAGE = 10
KIND_OF_ROW: dict[type[Base], EntryKind] = {
    Attack: EntryKind.ATTACK,
    AttackUpdate: EntryKind.ATTACK_UPDATE,
    Dose: EntryKind.DOSE,
    MedicationTaken: EntryKind.MEDICATION,
    Sleep: EntryKind.SLEEP,
    Anxiety: EntryKind.ANXIETY,
    SideEffect: EntryKind.SIDE_EFFECT,
    Period: EntryKind.PERIOD,
    FactorDay: EntryKind.FACTOR,
}
# Which column "change the time" sets, per kind of entry.
TIME_FIELDS: dict[EntryKind, str] = {
    EntryKind.ATTACK: "started_at",
    EntryKind.ATTACK_UPDATE: "at",
    EntryKind.DOSE: "taken_at",
    EntryKind.MEDICATION: "taken_at",
    EntryKind.ANXIETY: "at",
    EntryKind.SIDE_EFFECT: "at",
}


@dataclass(frozen=True)
class LogItem:
    kind: EntryKind
    row: Base
    line: JournalEntry | None  # the journal line that added it (None: no buttons)
    attack: Attack | None = None  # the attack a pain update belongs to


@dataclass(frozen=True)
class LogPage:
    items: list[LogItem]
    page: int
    more: bool  # there is an older page


async def page(scope: Scope, number: int = 0) -> LogPage:
    """One page of entries, newest first by when they happened."""
    number = max(0, min(number, 1000))
    wanted = (number + 1) * PAGE + 1
    found = await diary.latest(scope.session, scope.user.id, wanted)
    chosen = [row for _, row in found[number * PAGE : (number + 1) * PAGE]]
    keys = [(KIND_OF_ROW[type(row)], row.id) for row in chosen]  # type: ignore[attr-defined]
    lines = await journal.lines_for(scope.session, scope.user.id, keys)
    items = []
    for (kind, row_id), row in zip(keys, chosen, strict=True):
        attack = None
        if isinstance(row, AttackUpdate):
            attack = await attacks.own_attack(scope, row.attack_id)
        items.append(LogItem(kind, row, lines.get((kind, row_id)), attack))
    return LogPage(items, number, more=len(found) > (number + 1) * PAGE)


async def _own_line(scope: Scope, entry_id: int) -> JournalEntry | None:
    return await journal.get(scope.session, scope.user.id, entry_id)


async def delete(scope: Scope, entry_id: int) -> Undone | None:
    line = await _own_line(scope, entry_id)
    return await undo_line(scope, line) if line is not None else None


async def ask_time(scope: Scope, entry_id: int) -> bool:
    """ "Change the time": the next typed message is the right time."""
    line = await _own_line(scope, entry_id)
    if line is None or EntryKind(line.kind) not in TIME_FIELDS:
        return False
    awaiting.expect(scope.user, Awaiting.EDIT_TIME, line.id)
    return True


async def set_time(scope: Scope, entry_id: int, moment: datetime) -> Moved | None:
    """Move an entry to the time the person typed (an attack that ended before it reopens)."""
    awaiting.clear(scope.user, Awaiting.EDIT_TIME, entry_id)
    line = await _own_line(scope, entry_id)
    if line is None:
        return None
    kind = EntryKind(line.kind)
    field = TIME_FIELDS.get(kind)
    row = await diary.owned(scope.session, ROW_MODELS[kind], scope.user.id, line.row_id)
    if field is None or row is None:
        return None
    setattr(row, field, moment)
    if isinstance(row, Attack) and row.ended_at is not None and row.ended_at < moment:
        row.ended_at = None
    if isinstance(row, MedicationTaken):
        await medicines.moved(scope, row)
    return Moved(kind, row, moment)


async def attack_of_line(scope: Scope, entry_id: int) -> Attack | None:
    line = await _own_line(scope, entry_id)
    if line is None or line.kind != EntryKind.ATTACK:
        return None
    return await attacks.own_attack(scope, line.row_id)


async def set_worst_pain(scope: Scope, entry_id: int, value: int) -> Attack | None:
    attack = await attack_of_line(scope, entry_id)
    if attack is None or not await attacks.set_peak(scope, attack, value, exact=True):
        return None
    return attack
