"""One unit of work on one person's diary: a transaction, the person, and the moment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain import schedule as sch
from storage.models import User
from storage.queries import users


@dataclass
class Scope:
    session: AsyncSession
    user: User
    now: datetime  # the bot's clock
    group: int  # the journal group: the update (message or tap) this work answers
    sent_at: datetime  # when the person wrote it (the message's own date, never after now)
    new_user: bool = False  # this update created the person's row

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
) -> AsyncIterator[Scope]:
    """Open a transaction on the person's diary (creating them on their first message)."""
    async with sessions.begin() as session:
        user, created = await users.ensure_user(session, user_id, chat_id, now)
        yield Scope(session, user, now, group, min(sent_at or now, now), new_user=created)
