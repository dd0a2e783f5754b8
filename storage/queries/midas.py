"""MIDAS questionnaires: the one being answered, the ones done, when one was last asked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import MidasStatus, PromptKind, PromptStatus
from storage.models import Midas, Prompt

# A MIDAS prompt that reached the person counts as asking, answered or not.
_DELIVERED = (PromptStatus.SENDING, PromptStatus.SENT, PromptStatus.ANSWERED)


async def open_of(session: AsyncSession, user_id: int) -> Midas | None:
    """The person's questionnaire still being answered (the latest, if several)."""
    return (
        await session.scalars(
            select(Midas)
            .where(Midas.user_id == user_id, Midas.status == MidasStatus.OPEN)
            .order_by(Midas.started_at.desc(), Midas.id.desc())
            .limit(1)
        )
    ).first()


async def close_open(session: AsyncSession, user_id: int, now: datetime) -> None:
    """Every open questionnaire of the person left unfinished: skipped."""
    await session.execute(
        update(Midas)
        .where(Midas.user_id == user_id, Midas.status == MidasStatus.OPEN)
        .values(status=MidasStatus.SKIPPED, finished_at=now)
        .execution_options(synchronize_session="fetch")
    )


async def done(session: AsyncSession, user_id: int) -> Sequence[Midas]:
    """The questionnaires answered in full, oldest first."""
    return (
        await session.scalars(
            select(Midas)
            .where(Midas.user_id == user_id, Midas.status == MidasStatus.DONE)
            .order_by(Midas.finished_at, Midas.id)
        )
    ).all()


async def last_asked(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, datetime]:
    """When each person was last asked: a questionnaire started, or a MIDAS prompt delivered.

    Finished, skipped and abandoned questionnaires all count, and so does a
    prompt nobody answered: the next one comes a full interval later, so
    ignoring the question never turns into a daily reminder.
    """
    if not user_ids:
        return {}
    started = await session.execute(
        select(Midas.user_id, func.max(Midas.started_at))
        .where(Midas.user_id.in_(user_ids))
        .group_by(Midas.user_id)
    )
    prompted = await session.execute(
        select(Prompt.user_id, func.max(Prompt.scheduled_for))
        .where(
            Prompt.user_id.in_(user_ids),
            Prompt.kind == PromptKind.MIDAS,
            Prompt.status.in_(_DELIVERED),
        )
        .group_by(Prompt.user_id)
    )
    out: dict[int, datetime] = {}
    for user_id, at in [*started.all(), *prompted.all()]:
        if at is not None and (user_id not in out or at > out[user_id]):
            out[user_id] = at
    return out
