"""The `prompt` table: what is due, what was sent, what was answered (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import PromptKind, PromptStatus
from storage.models import Prompt

OPEN = (PromptStatus.SENDING, PromptStatus.SENT)  # a prompt that can still be answered


async def own(
    session: AsyncSession, user_id: int, prompt_id: int, kinds: Sequence[PromptKind]
) -> Prompt | None:
    """The user's prompt of one of `kinds`, or None (someone else's, gone, another kind)."""
    prompt = await session.get(Prompt, prompt_id)
    if prompt is None or prompt.user_id != user_id or prompt.kind not in kinds:
        return None
    return prompt


async def win(session: AsyncSession, prompt: Prompt, now: datetime, outcome: str) -> bool:
    """Mark the prompt answered if nobody did yet; True for the one answer that did.

    A conditional UPDATE (open -> answered): of a double tap, or two processes
    handling one, exactly one stores anything.
    """
    result = await session.execute(
        update(Prompt)
        .where(Prompt.id == prompt.id, Prompt.status.in_(OPEN))
        .values(status=PromptStatus.ANSWERED, answered_at=now, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        await session.refresh(prompt)
        return False
    prompt.status, prompt.answered_at, prompt.outcome = PromptStatus.ANSWERED, now, outcome
    return True


async def expire(session: AsyncSession, prompt: Prompt, outcome: str) -> bool:
    """Close a prompt that can no longer be answered; True when this call closed it."""
    result = await session.execute(
        update(Prompt)
        .where(Prompt.id == prompt.id, Prompt.status.in_(OPEN))
        .values(status=PromptStatus.MISSED, outcome=outcome)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def first_of_attack(session: AsyncSession, attack_id: int, kind: PromptKind) -> int | None:
    return await session.scalar(
        select(func.min(Prompt.id)).where(Prompt.attack_id == attack_id, Prompt.kind == kind)
    )


async def dose_prompt_near(
    session: AsyncSession, user_id: int, at: datetime, window: timedelta
) -> Prompt | None:
    """The open or pending dose prompt closest after `at - window`, within `window` of `at`."""
    return (
        await session.scalars(
            select(Prompt)
            .where(
                Prompt.user_id == user_id,
                Prompt.kind.in_((PromptKind.DOSE, PromptKind.SNOOZE)),
                Prompt.status.in_((PromptStatus.PENDING, PromptStatus.SENT)),
                Prompt.scheduled_for.between(at - window, at + window),
            )
            .order_by(Prompt.scheduled_for)
            .limit(1)
        )
    ).first()


async def pending_of_attack(
    session: AsyncSession, attack_id: int, kinds: Sequence[PromptKind]
) -> Sequence[Prompt]:
    """An attack's prompts of `kinds` not yet sent, earliest first."""
    return (
        await session.scalars(
            select(Prompt)
            .where(
                Prompt.attack_id == attack_id,
                Prompt.kind.in_(kinds),
                Prompt.status == PromptStatus.PENDING,
            )
            .order_by(Prompt.scheduled_for, Prompt.id)
        )
    ).all()


async def pending_of_user(
    session: AsyncSession, user_id: int, kinds: Sequence[PromptKind]
) -> Sequence[Prompt]:
    """A person's prompts of `kinds` not yet sent."""
    return (
        await session.scalars(
            select(Prompt).where(
                Prompt.user_id == user_id,
                Prompt.kind.in_(kinds),
                Prompt.status == PromptStatus.PENDING,
            )
        )
    ).all()


async def cancel_pending(
    session: AsyncSession,
    outcome: str,
    *,
    kinds: Sequence[PromptKind],
    user_id: int | None = None,
    attack_id: int | None = None,
    medication_id: int | None = None,
) -> None:
    """Cancel the pending prompts of `kinds` of one person, attack or medicine."""
    query = update(Prompt).where(Prompt.kind.in_(kinds), Prompt.status == PromptStatus.PENDING)
    if user_id is not None:
        query = query.where(Prompt.user_id == user_id)
    if attack_id is not None:
        query = query.where(Prompt.attack_id == attack_id)
    if medication_id is not None:
        query = query.where(Prompt.medication_id == medication_id)
    await session.execute(
        query.values(status=PromptStatus.CANCELLED, outcome=outcome).execution_options(
            synchronize_session="fetch"
        )
    )


async def move_pending(
    session: AsyncSession, from_attack: int, to_attack: int, kinds: Sequence[PromptKind]
) -> None:
    """Hand an attack's pending prompts of `kinds` to another (two attacks found to be one)."""
    await session.execute(
        update(Prompt)
        .where(
            Prompt.attack_id == from_attack,
            Prompt.kind.in_(kinds),
            Prompt.status == PromptStatus.PENDING,
        )
        .values(attack_id=to_attack)
        .execution_options(synchronize_session="fetch")
    )
