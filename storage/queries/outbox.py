"""The outbox: replies written in the same transaction as what they confirm (DESIGN §9).

A reply is stored with its effects, then sent right after the commit by the
process that wrote it, and deleted once Telegram has it. If that process dies
first, or Telegram keeps failing, the row stays and is sent later: a stored
check-in is never left unconfirmed. Rows of a chat go out in order (by id).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import OutboxStatus
from storage.models import OutboxMessage, Worker, table

_outbox = table(OutboxMessage)
# built once: every reply runs it (its values come with each execution)
_ADD = insert(_outbox).returning(_outbox.c.id, sort_by_parameter_order=True)


async def add(
    session: AsyncSession,
    chat_id: int,
    payloads: Sequence[dict[str, Any]],
    *,
    update_id: int | None,
    worker: str,
    now: datetime,
) -> list[OutboxMessage]:
    """Store replies to send, in order; the rows as stored (with their ids), not in the session.

    One INSERT ... RETURNING for all of them, without the unit of work: a check-in's
    replies are the hottest insert there is, and nothing here changes them later.
    """
    values = [
        {
            "chat_id": chat_id,
            "update_id": update_id,
            "payload": payload,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "sending_by": worker,
        }
        for payload in payloads
    ]
    if not values:
        return []
    ids = (await session.execute(_ADD, values)).scalars().all()
    return [OutboxMessage(id=row_id, **row) for row_id, row in zip(ids, values, strict=True)]


async def due(
    session: AsyncSession,
    worker: str,
    now: datetime,
    *,
    chat_id: int | None = None,
    limit: int = 100,
) -> Sequence[OutboxMessage]:
    """This worker's pending replies that are due, oldest first; of one chat, all of them
    (a reply going out now takes the older ones waiting for a retry with it, in order)."""
    query = select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.sending_by == worker,
    )
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    else:
        query = query.where(OutboxMessage.next_attempt_at <= now)
    return (await session.scalars(query.order_by(OutboxMessage.id).limit(limit))).all()


async def pending_chats(session: AsyncSession, worker: str) -> Sequence[int]:
    """The chats this worker still has replies for, due or waiting for a retry."""
    query = select(OutboxMessage.chat_id).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.sending_by == worker
    )
    return (await session.scalars(query.distinct())).all()


async def sent(session: AsyncSession, ids: Sequence[int]) -> None:
    """Telegram has them: gone (they hold what the bot said about someone's health)."""
    if ids:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


async def retry_later(session: AsyncSession, row_id: int, at: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=at)
        .execution_options(synchronize_session=False)
    )


async def give_up(session: AsyncSession, row_id: int) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id)
        .values(status=OutboxStatus.FAILED, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )


async def adopt_orphans(session: AsyncSession, worker: str, alive_since: datetime) -> Sequence[int]:
    """Take over pending replies of processes that stopped (no heartbeat since `alive_since`);
    the chats they are for, one entry per reply."""
    alive = select(Worker.name).where(Worker.seen_at >= alive_since)
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(OutboxMessage.sending_by.is_(None), OutboxMessage.sending_by.not_in(alive)),
        )
        .values(sending_by=worker)
        .returning(OutboxMessage.chat_id)
        .execution_options(synchronize_session=False)
    )
    return result.scalars().all()


async def erase_chat(session: AsyncSession, chat_id: int) -> None:
    await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == chat_id))


def backoff(attempts: int) -> timedelta:
    """How long a reply Telegram could not take waits before the next try."""
    return timedelta(seconds=min(300, 5 * 2 ** min(attempts, 6)))
