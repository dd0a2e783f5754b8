"""Bot processes sharing one database: heartbeats, so the living know who died and how
many share the send budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Worker


async def beat(session: AsyncSession, name: str, now: datetime) -> None:
    """This process is alive (insert or refresh its row)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(Worker).values(name=name, started_at=now, seen_at=now)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["name"], set_={"seen_at": stmt.excluded.seen_at})
    )


async def alive(session: AsyncSession, since: datetime) -> int:
    """How many processes beat since `since` (at least this one)."""
    return max(
        1, int(await session.scalar(select(func.count()).where(Worker.seen_at >= since)) or 0)
    )


async def leave(session: AsyncSession, name: str) -> None:
    await session.execute(delete(Worker).where(Worker.name == name))


async def forget_dead(session: AsyncSession, before: datetime) -> None:
    await session.execute(delete(Worker).where(Worker.seen_at < before))
