"""What is due, kept in the `prompt` table (DESIGN §5). Database-only functions.

Placeholders until the scheduling work lands; the signatures are the contract.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attack, User


async def replan_user(session: AsyncSession, user: User, now: datetime) -> None:
    """Materialise the user's dose and morning prompts ahead; cancel pending ones no longer planned."""


async def schedule_followups(session: AsyncSession, user: User, attack: Attack, now: datetime) -> None:
    """Insert the first follow-up of a newly logged, still open attack."""


async def cancel_followups(session: AsyncSession, attack_id: int) -> None:
    """Cancel the pending follow-ups of an attack (it ended or was undone)."""


async def schedule_recurrence_check(
    session: AsyncSession, user: User, attack: Attack, now: datetime
) -> None:
    """Insert the +24 h "did it come back?" check after an attack ended."""


async def cancel_all(session: AsyncSession, user_id: int) -> None:
    """Cancel every pending prompt of a user (pause, block, delete)."""
