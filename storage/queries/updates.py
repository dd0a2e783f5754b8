"""Telegram update ids already handled, so a redelivered update stores nothing twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


async def claim_update(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record an update id; False when it was handled before (a redelivery)."""
    try:
        async with session.begin_nested():
            await session.execute(
                insert(ProcessedUpdate).values(update_id=update_id, processed_at=now)
            )
    except IntegrityError:
        return False
    return True


async def release_update(session: AsyncSession, update_id: int) -> None:
    """Forget an update whose handling failed, so a redelivery can try again."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id == update_id))
