"""The durable inbox of updates (DESIGN §9): store, claim one chat at a time, finish.

- `store` runs before Telegram is told an update arrived (the getUpdates offset,
  or the webhook's 200): insert-or-ignore on update_id, so a redelivery is one row.
- `claim` leases the earliest open update of each chat that has none leased and no
  reply of another process still unsent, in one statement; on PostgreSQL the pick
  takes FOR UPDATE SKIP LOCKED, so any number of processes can claim and each
  update goes to one of them.
- `finish` marks an update done in the caller's transaction: the one that holds
  its effects. It checks the lease is still this worker's, so an update whose
  lease expired and went to another worker is not stored twice.
- `release` gives a failed update back for a retry, or sets it aside after
  `max_attempts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import InboxStatus, OutboxStatus
from storage.models import InboxUpdate, OutboxMessage, table


@dataclass(frozen=True)
class Claimed:
    update_id: int
    chat_id: int
    payload: dict[str, Any] | None
    attempts: int
    received_at: datetime


def _insert(session: AsyncSession) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def store(
    session: AsyncSession, updates: Sequence[tuple[int, int, dict[str, Any]]], now: datetime
) -> int:
    """Store (update_id, chat_id, raw update) rows once each; how many were new."""
    if not updates:
        return 0
    stmt = (
        _insert(session)(InboxUpdate)
        .values(
            [
                {
                    "update_id": update_id,
                    "chat_id": chat_id,
                    "payload": payload,
                    "status": InboxStatus.PENDING,
                    "attempts": 0,
                    "received_at": now,
                }
                for update_id, chat_id, payload in updates
            ]
        )
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(InboxUpdate.update_id)
    )
    return len((await session.execute(stmt)).all())


async def claim(
    session: AsyncSession, worker: str, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Lease up to `limit` updates: each the earliest open one of its chat, none of a chat
    that another worker holds."""
    result = await session.execute(
        _claim(session.get_bind().dialect.name),
        {"now": now, "worker": worker, "until": now + lease, "limit": limit},
    )
    claimed = [Claimed(*r) for r in result.all()]
    return sorted(claimed, key=lambda c: c.update_id)


@cache
def _claim(dialect: str) -> Any:
    """The claim, built once per dialect: a worker claims each time an update finishes,
    and building the statement cost more than running it (its values come as parameters)."""
    row, outbox = table(InboxUpdate), table(OutboxMessage)
    earlier, held = row.alias("earlier"), row.alias("held")
    now = bindparam("now", type_=row.c.lease_until.type)
    worker = bindparam("worker", type_=row.c.leased_by.type)
    open_now = or_(
        and_(
            row.c.status == InboxStatus.PENDING,
            or_(row.c.lease_until.is_(None), row.c.lease_until <= now),
        ),
        and_(row.c.status == InboxStatus.WORKING, row.c.lease_until <= now),  # its worker died
    )
    earlier_open = exists().where(
        earlier.c.chat_id == row.c.chat_id,
        earlier.c.update_id < row.c.update_id,
        earlier.c.status.in_((InboxStatus.PENDING, InboxStatus.WORKING)),
    )
    chat_held = exists().where(
        held.c.chat_id == row.c.chat_id,
        held.c.status == InboxStatus.WORKING,
        held.c.lease_until > now,
    )
    # Replies another process stored for the chat and has not sent yet (its own sends
    # are in order already): this update's reply must not overtake them. A killed
    # process's replies hold the chat until a living one adopts and sends them.
    replies_waiting = exists().where(
        outbox.c.chat_id == row.c.chat_id,
        outbox.c.status == OutboxStatus.PENDING,
        or_(outbox.c.sending_by.is_(None), outbox.c.sending_by != worker),
    )
    pick = (
        select(row.c.update_id)
        .where(open_now, ~earlier_open, ~chat_held, ~replies_waiting)
        .order_by(row.c.update_id)
        .limit(bindparam("limit", type_=Integer))
    )
    if dialect == "postgresql":
        picked = (
            pick.with_for_update(skip_locked=True, of=row).cte("pick").prefix_with("MATERIALIZED")
        )
        which = row.c.update_id == picked.c.update_id
    else:
        which = row.c.update_id.in_(pick.scalar_subquery())
    return (
        update(row)
        .where(which, open_now)
        .values(
            status=InboxStatus.WORKING,
            leased_by=worker,
            lease_until=bindparam("until", type_=row.c.lease_until.type),
            # a lease that ran out means its worker died handling it: that counts
            attempts=case(
                (row.c.status == InboxStatus.WORKING, row.c.attempts + 1), else_=row.c.attempts
            ),
        )
        .returning(row.c.update_id, row.c.chat_id, row.c.payload, row.c.attempts, row.c.received_at)
    )


_inbox = table(InboxUpdate)
# built once: every update runs it (its values come with each execution)
_FINISH = (
    update(_inbox)
    .where(
        _inbox.c.update_id == bindparam("done_id"),
        _inbox.c.status == InboxStatus.WORKING,
        _inbox.c.leased_by == bindparam("by"),
    )
    .values(status=InboxStatus.DONE, payload=None, handled_at=bindparam("at"), lease_until=None)
)


async def finish(session: AsyncSession, update_id: int, worker: str, now: datetime) -> bool:
    """Mark an update done (in the transaction of its effects); False if the lease was lost."""
    result = await session.execute(_FINISH, {"done_id": update_id, "by": worker, "at": now})
    return bool(getattr(result, "rowcount", 0))


async def release(
    session: AsyncSession,
    update_id: int,
    worker: str,
    now: datetime,
    *,
    error: str,
    retry_in: timedelta,
    max_attempts: int,
) -> bool:
    """A failed update: back in line after `retry_in`, or set aside after `max_attempts`.

    Returns True when it was set aside. The error is a type name, never a message
    (a message may quote what the person wrote).
    """
    row = await session.get(InboxUpdate, update_id)
    if row is None or row.leased_by != worker or row.status != InboxStatus.WORKING:
        return False
    row.attempts += 1
    row.error = error[:64]
    if row.attempts >= max_attempts:
        row.status, row.lease_until = InboxStatus.FAILED, None
        return True
    row.status, row.lease_until = InboxStatus.PENDING, now + retry_in
    return False


async def set_aside(session: AsyncSession, update_id: int, worker: str, error: str) -> None:
    """An update that can never be handled (it cannot even be read)."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id, InboxUpdate.leased_by == worker)
        .values(status=InboxStatus.FAILED, error=error[:64], lease_until=None)
        .execution_options(synchronize_session=False)
    )


async def extend(
    session: AsyncSession, update_ids: Sequence[int], worker: str, until: datetime
) -> None:
    """Keep the leases of updates still being handled (a slow report)."""
    if update_ids:
        await session.execute(
            update(InboxUpdate)
            .where(
                InboxUpdate.update_id.in_(update_ids),
                InboxUpdate.leased_by == worker,
                InboxUpdate.status == InboxStatus.WORKING,
            )
            .values(lease_until=until)
            .execution_options(synchronize_session=False)
        )


async def open_count(session: AsyncSession) -> int:
    """Updates stored and not yet handled (pending or leased)."""
    return int(
        await session.scalar(
            select(func.count()).where(
                InboxUpdate.status.in_((InboxStatus.PENDING, InboxStatus.WORKING))
            )
        )
        or 0
    )


async def last_update_id(session: AsyncSession) -> int | None:
    return await session.scalar(select(func.max(InboxUpdate.update_id)))


async def forget(session: AsyncSession, handled_before: datetime) -> None:
    """Drop done updates handled long ago (a redelivery comes within hours, not a week)."""
    await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.status == InboxStatus.DONE, InboxUpdate.handled_at < handled_before
        )
    )


async def erase_chat(session: AsyncSession, chat_id: int, *, keep: int | None = None) -> None:
    """A person's updates, for /delete (a failed one still holds what they wrote); `keep`:
    the one being handled, marked done (and emptied) with the erasure itself."""
    await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.chat_id == chat_id, InboxUpdate.update_id != (keep or -1)
        )
    )
