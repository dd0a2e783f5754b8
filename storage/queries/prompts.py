"""The `prompt` table: what is due, what was sent, what was answered (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Insert, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.enums import PromptKind, PromptStatus
from storage.models import Prompt, Worker, table

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
    kinds: Sequence[str],
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


# --- planning --------------------------------------------------------------------------


@cache
def _upsert(dialect: str) -> Insert:
    """The statement of `insert`, built once per dialect: it runs for every migraine logged,
    and building it (its `excluded` columns most) cost more than running it."""
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table(Prompt))
    return stmt.on_conflict_do_update(
        index_elements=["user_id", "kind", "scheduled_for"],
        set_={
            "status": PromptStatus.PENDING,
            "amount_mg": stmt.excluded.amount_mg,
            "attack_id": stmt.excluded.attack_id,
            "medication_id": stmt.excluded.medication_id,
            "claimed_at": None,
            "claimed_by": None,
            "sent_at": None,
            "message_id": None,
            "answered_at": None,
            "outcome": None,
        },
        where=Prompt.status == PromptStatus.CANCELLED,
    )


async def insert(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert pending prompts once each (unique user+kind+scheduled_for).

    A slot that exists is left as it is (two processes materialising the same
    day, a double tap on Snooze), unless it was cancelled: a slot wanted again
    (after /resume, or a setting changed back) becomes pending again.
    """
    stmt = _upsert(session.get_bind().dialect.name)
    full = [
        {
            "amount_mg": None,
            "attack_id": None,
            "medication_id": None,
            **row,
            "status": PromptStatus.PENDING,
        }
        for row in rows
    ]
    await session.execute(stmt, full)


async def of_user_since(
    session: AsyncSession, user_id: int, kinds: Sequence[str], since: datetime
) -> Sequence[Prompt]:
    """A person's prompts of `kinds` due after `since`, whatever their status."""
    return (
        await session.scalars(
            select(Prompt).where(
                Prompt.user_id == user_id, Prompt.kind.in_(kinds), Prompt.scheduled_for > since
            )
        )
    ).all()


async def slots_after(
    session: AsyncSession, user_ids: Sequence[int], kinds: Sequence[str], after: datetime
) -> set[tuple[int, str, datetime]]:
    """The (person, kind, time) slots that exist after `after`, for materialising."""
    rows = await session.execute(
        select(Prompt.user_id, Prompt.kind, Prompt.scheduled_for).where(
            Prompt.user_id.in_(user_ids), Prompt.kind.in_(kinds), Prompt.scheduled_for > after
        )
    )
    return {(uid, kind, when) for uid, kind, when in rows}


async def last_asked(session: AsyncSession, attack_id: int, kind: str) -> datetime | None:
    """When the latest prompt of `kind` about an attack was (or is being) sent."""
    return await session.scalar(
        select(func.max(Prompt.scheduled_for)).where(
            Prompt.attack_id == attack_id,
            Prompt.kind == kind,
            Prompt.status.in_((PromptStatus.SENT, PromptStatus.ANSWERED)),
        )
    )


async def history(session: AsyncSession, attack_id: int, kind: str) -> Sequence[Prompt]:
    """An attack's prompts of `kind`, newest first; a slot cancelled (by /pause) never was."""
    return (
        await session.scalars(
            select(Prompt)
            .where(
                Prompt.attack_id == attack_id,
                Prompt.kind == kind,
                Prompt.status != PromptStatus.CANCELLED,
            )
            .order_by(Prompt.scheduled_for.desc())
        )
    ).all()


async def earlier_of_attack(
    session: AsyncSession, attack_id: int, kinds: Sequence[str], not_id: int, until: datetime
) -> Sequence[Prompt]:
    """An attack's other prompts of `kinds` due up to `until`, newest first (stop rules)."""
    return (
        await session.scalars(
            select(Prompt)
            .where(
                Prompt.attack_id == attack_id,
                Prompt.kind.in_(kinds),
                Prompt.id != not_id,
                Prompt.scheduled_for <= until,
            )
            .order_by(Prompt.scheduled_for.desc())
        )
    ).all()


async def next_due(session: AsyncSession) -> datetime | None:
    """When the earliest pending prompt is due."""
    return await session.scalar(
        select(Prompt.scheduled_for)
        .where(Prompt.status == PromptStatus.PENDING)
        .order_by(Prompt.scheduled_for)
        .limit(1)
    )


# --- housekeeping ------------------------------------------------------------------------


async def expire_pending(session: AsyncSession, kind: str, due_before: datetime) -> int:
    """Mark pending prompts of `kind` due before `due_before` missed; how many."""
    result = await session.execute(
        update(Prompt)
        .where(
            Prompt.status == PromptStatus.PENDING,
            Prompt.kind == kind,
            Prompt.scheduled_for <= due_before,
        )
        .values(status=PromptStatus.MISSED, outcome="expired")
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def due_after(session: AsyncSession, ids: Sequence[int], after: datetime) -> set[int]:
    """Which of these prompts are due after `after`."""
    return set(
        await session.scalars(
            select(Prompt.id).where(Prompt.id.in_(ids), Prompt.scheduled_for > after)
        )
    )


async def recover_dead_claims(
    session: AsyncSession,
    claimed_before: datetime,
    alive_since: datetime,
    *,
    reclaimed: str,
) -> int:
    """Put prompts left "sending" by processes not seen since `alive_since` back, once.

    A prompt put back once before (`reclaimed`) and stuck again is marked missed.
    """
    alive = select(Worker.name).where(Worker.seen_at >= alive_since)
    dead = and_(
        Prompt.status == PromptStatus.SENDING,
        Prompt.claimed_at < claimed_before,
        or_(Prompt.claimed_by.is_(None), Prompt.claimed_by.not_in(alive)),
    )
    missed = await session.execute(
        update(Prompt)
        .where(dead, Prompt.outcome == reclaimed)
        .values(status=PromptStatus.MISSED, outcome="sender died")
        .execution_options(synchronize_session=False)
    )
    requeued = await session.execute(
        update(Prompt)
        .where(dead, or_(Prompt.outcome.is_(None), Prompt.outcome != reclaimed))
        .values(status=PromptStatus.PENDING, claimed_by=None, claimed_at=None, outcome=reclaimed)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(missed, "rowcount", 0) or 0) + int(getattr(requeued, "rowcount", 0) or 0)
