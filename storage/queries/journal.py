"""The journal: what each message (or tap) stored, so /undo and /log can take it back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import EntryKind
from storage.models import JournalEntry, Prompt


def add(
    session: AsyncSession,
    user_id: int,
    group: int,
    kind: EntryKind,
    row_id: int,
    now: datetime,
    effects: dict[str, Any] | None = None,
) -> JournalEntry:
    entry = JournalEntry(
        user_id=user_id,
        group_id=group,
        kind=kind,
        row_id=row_id,
        effects=effects or {},
        created_at=now,
    )
    session.add(entry)
    return entry


async def get(session: AsyncSession, user_id: int, entry_id: int) -> JournalEntry | None:
    entry = await session.get(JournalEntry, entry_id)
    return entry if entry is not None and entry.user_id == user_id else None


async def last(session: AsyncSession, user_id: int) -> JournalEntry | None:
    return (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user_id)
            .order_by(JournalEntry.id.desc())
            .limit(1)
        )
    ).first()


async def of_group(session: AsyncSession, user_id: int, group: int) -> Sequence[JournalEntry]:
    """A message's journal lines, newest first (the order to take them back in)."""
    return (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user_id, JournalEntry.group_id == group)
            .order_by(JournalEntry.id.desc())
        )
    ).all()


async def group_of(session: AsyncSession, user_id: int, kind: EntryKind, row_id: int) -> int | None:
    """The journal group (the message) that stored a row, for its Undo button."""
    return await session.scalar(
        select(JournalEntry.group_id)
        .where(
            JournalEntry.user_id == user_id,
            JournalEntry.kind == kind,
            JournalEntry.row_id == row_id,
        )
        .limit(1)
    )


async def of_kinds(
    session: AsyncSession, user_id: int, kinds: Sequence[EntryKind]
) -> Sequence[JournalEntry]:
    return (
        await session.scalars(
            select(JournalEntry).where(
                JournalEntry.user_id == user_id, JournalEntry.kind.in_(kinds)
            )
        )
    ).all()


async def forget_row(
    session: AsyncSession, user_id: int, kinds: Sequence[EntryKind], row_id: int
) -> None:
    """Drop the journal lines that point at a row being deleted."""
    await session.execute(
        delete(JournalEntry).where(
            JournalEntry.user_id == user_id,
            JournalEntry.kind.in_(kinds),
            JournalEntry.row_id == row_id,
        )
    )


async def lines_for(
    session: AsyncSession, user_id: int, rows: Sequence[tuple[EntryKind, int]]
) -> dict[tuple[str, int], JournalEntry]:
    """The journal line that added each (kind, row id), where there is one."""
    if not rows:
        return {}
    found = (
        await session.scalars(
            select(JournalEntry).where(
                JournalEntry.user_id == user_id,
                JournalEntry.kind.in_({kind for kind, _ in rows}),
                JournalEntry.row_id.in_({row_id for _, row_id in rows}),
            )
        )
    ).all()
    return {(line.kind, line.row_id): line for line in found}


async def last_activity(session: AsyncSession) -> datetime | None:
    """The last moment anything was stored, or a prompt sent or answered (any person)."""
    marks = [
        await session.scalar(select(func.max(JournalEntry.created_at))),
        await session.scalar(select(func.max(Prompt.sent_at))),
        await session.scalar(select(func.max(Prompt.answered_at))),
    ]
    return max((mark for mark in marks if mark is not None), default=None)
