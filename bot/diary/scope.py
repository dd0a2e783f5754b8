"""One unit of work on one person's diary: a transaction, the person, and the moment.

When the work answers an update from the inbox (`lease`), the same transaction
marks that update done, and stores the replies queued on the scope in the
outbox: effects, "handled" and the confirmation commit together or not at all.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import schedule as sch
from storage.models import OutboxMessage, User
from storage.queries import inbox, outbox, users


class LeaseLost(Exception):
    """The update's lease went to another worker: this one's work must not be stored."""


@dataclass(frozen=True)
class Lease:
    """The inbox update a unit of work answers, held by `worker`."""

    update_id: int
    worker: str


@dataclass
class Scope:
    session: AsyncSession
    user: User
    now: datetime  # the bot's clock
    group: int  # the journal group: the update (message or tap) this work answers
    sent_at: datetime  # when the person wrote it (the message's own date, never after now)
    new_user: bool = False  # this update created the person's row
    # replies to send once this commits (opaque to the diary: the UI renders them)
    replies: list[dict[str, Any]] = field(default_factory=list)
    # ...and, once committed with a lease, the outbox rows that hold them
    stored: list[OutboxMessage] = field(default_factory=list)
    stored_at: float = 0.0  # time.monotonic() just before that commit

    def at(self, moment: datetime, group: int) -> Scope:
        """The same transaction and person, for work that happened at another moment."""
        return replace(self, now=moment, sent_at=moment, group=group)

    @property
    def zone(self) -> ZoneInfo:
        return sch.zone_of(self.user.timezone)

    def local(self, at: datetime | None = None) -> datetime:
        return (at or self.now).astimezone(self.zone)


@asynccontextmanager
async def unit(
    sessions: async_sessionmaker[AsyncSession],
    *,
    user_id: int,
    chat_id: int,
    now: datetime,
    group: int,
    sent_at: datetime | None = None,
    lease: Lease | None = None,
) -> AsyncIterator[Scope]:
    """Open a transaction on the person's diary (creating them on their first message).

    With a `lease`, on the way out before the commit: the replies queued on the
    scope go to the outbox, and the leased update is marked done (LeaseLost rolls
    it all back). Without one the caller sends the replies itself.
    """
    async with sessions.begin() as session:
        user, created = await users.ensure_user(session, user_id, chat_id, now)
        scope = Scope(session, user, now, group, min(sent_at or now, now), new_user=created)
        yield scope
        if lease is None:
            return
        # the outbox and the inbox keep process time, not the diary's (a demo's shifted clock)
        wall = datetime.now(UTC)
        if scope.replies:
            scope.stored_at = time.monotonic()
            scope.stored = await outbox.add(
                session,
                chat_id,
                scope.replies,
                update_id=lease.update_id,
                worker=lease.worker,
                now=wall,
            )
        if not await inbox.finish(session, lease.update_id, lease.worker, wall):
            raise LeaseLost(lease.update_id)
