"""People and their settings rows: create, load, dose plan, erase."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage.models import USER_TABLES, DosePlanChange, DosePlanItem, NoticeSent, User, table

DEFAULT_PLAN = ((200.0, time(21, 30)),)


# with its plan in the same statement (a second one per update adds up); the option is
# built once, not on every update
_WITH_PLAN = (joinedload(User.dose_plan),)


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id, options=_WITH_PLAN)


async def create_user(session: AsyncSession, user_id: int, chat_id: int, now: datetime) -> User:
    """A new person with the defaults every onboarding step falls back to."""
    user, _ = await ensure_user(session, user_id, chat_id, now)
    return user


async def ensure_user(
    session: AsyncSession, user_id: int, chat_id: int, now: datetime
) -> tuple[User, bool]:
    """The person's row (and whether this call created it), with the defaults if new.

    Insert-or-ignore, so two processes handling a new person's first two
    messages at once both get the row instead of one failing.
    """
    user = await get_user(session, user_id)
    created = False
    if user is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        inserted = await session.execute(
            insert(User)
            .values(
                id=user_id,
                chat_id=chat_id,
                timezone="UTC",
                quiet_start=time(23, 0),
                quiet_end=time(7, 0),
                goals=["migraine"],
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["id"])
            .returning(User.id)
        )
        if inserted.first() is not None:
            created = True
            session.add_all(
                DosePlanItem(user_id=user_id, amount_mg=mg, local_time=at)
                for mg, at in DEFAULT_PLAN
            )
            await record_plan_change(session, user_id, now.date(), len(DEFAULT_PLAN))
        user = await get_user(session, user_id)
        assert user is not None
    if user.chat_id != chat_id:
        user.chat_id = chat_id
    return user, created


async def set_dose_plan(
    session: AsyncSession, user: User, plan: list[tuple[float, time]], *, on: date | None = None
) -> None:
    """Replace the plan, and remember from which local day it holds (for past adherence)."""
    await session.execute(delete(DosePlanItem).where(DosePlanItem.user_id == user.id))
    await session.flush()
    user.dose_plan = [DosePlanItem(amount_mg=mg, local_time=at) for mg, at in plan]
    day = on or datetime.now(UTC).astimezone(ZoneInfo(user.timezone)).date()
    await record_plan_change(session, user.id, day, len(plan))


async def record_plan_change(session: AsyncSession, user_id: int, day: date, doses: int) -> None:
    """The plan's doses a day from `day` on; a second change the same day replaces the first."""
    await session.execute(
        delete(DosePlanChange).where(
            DosePlanChange.user_id == user_id, DosePlanChange.effective_on == day
        )
    )
    session.add(DosePlanChange(user_id=user_id, effective_on=day, doses_per_day=doses))
    await session.flush()


async def export_rows(
    session: AsyncSession, user_id: int
) -> dict[str, tuple[list[str], list[tuple[object, ...]]]]:
    """Every table's rows of one person: table name -> (column names, rows)."""
    tables = {}
    for model in USER_TABLES:
        column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
        columns = [c.name for c in model.__table__.columns]
        rows = (await session.execute(select(model.__table__).where(column == user_id))).all()
        tables[model.__tablename__] = (columns, [tuple(r) for r in rows])
    return tables


async def delete_user_data(session: AsyncSession, user_id: int) -> None:
    """Erase every row of a person, child tables first (works without FK cascades too)."""
    for model in reversed(USER_TABLES):
        column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
        await session.execute(delete(model).where(column == user_id))


async def claim_notice(session: AsyncSession, user_id: int, key: str, now: datetime) -> bool:
    """Record that a once-only notice goes out; False when it went out before."""
    result = await session.execute(
        _claim_notice(session.get_bind().dialect.name),
        {"user_id": user_id, "key": key, "sent_at": now},
    )
    return result.first() is not None


@cache
def _claim_notice(dialect: str) -> Any:
    """Built once per dialect: a person who has not chosen a time zone claims the zone
    notice with every check-in that names a time."""
    notices = table(NoticeSent)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(notices)
        .on_conflict_do_nothing(index_elements=["user_id", "key"])
        .returning(notices.c.id)
    )


async def prompted(session: AsyncSession, after_id: int | None, limit: int) -> Sequence[User]:
    """The next `limit` people who get prompts (not blocked, not paused), with their plan."""
    query = (
        select(User)
        .where(User.active.is_(True), User.paused.is_(False))
        .order_by(User.id)
        .limit(limit)
        .options(selectinload(User.dose_plan))
    )
    if after_id is not None:
        query = query.where(User.id > after_id)
    return (await session.scalars(query)).all()


async def waiting_for(session: AsyncSession, pattern: str) -> list[tuple[int, str]]:
    """(person, awaited answer) of everyone whose awaited answer matches the LIKE `pattern`."""
    rows = await session.execute(select(User.id, User.awaiting).where(User.awaiting.like(pattern)))
    return [(uid, tag) for uid, tag in rows if tag]


async def stop_waiting(session: AsyncSession, user_ids: Sequence[int], pattern: str) -> None:
    """Stop waiting for an answer (still matching `pattern`) from these people."""
    await session.execute(
        update(User)
        .where(User.id.in_(user_ids), User.awaiting.like(pattern))
        .values(awaiting=None)
        .execution_options(synchronize_session=False)
    )
