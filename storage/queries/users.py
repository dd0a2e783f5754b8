"""People and their settings rows: create, load, dose plan, erase."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import USER_TABLES, DosePlanChange, DosePlanItem, User

DEFAULT_PLAN = ((200.0, time(21, 30)),)


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id, options=[selectinload(User.dose_plan)])


async def create_user(session: AsyncSession, user_id: int, chat_id: int, now: datetime) -> User:
    """A new person with the defaults every onboarding step falls back to."""
    user = User(
        id=user_id,
        chat_id=chat_id,
        timezone="UTC",
        quiet_start=time(23, 0),
        quiet_end=time(7, 0),
        goals=["migraine"],
        created_at=now,
        dose_plan=[DosePlanItem(amount_mg=mg, local_time=at) for mg, at in DEFAULT_PLAN],
    )
    session.add(user)
    await session.flush()
    await record_plan_change(session, user_id, now.date(), len(DEFAULT_PLAN))  # zone is UTC
    return user


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


async def delete_user_data(session: AsyncSession, user_id: int) -> None:
    """Erase every row of a person, child tables first (works without FK cascades too)."""
    for model in reversed(USER_TABLES):
        column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
        await session.execute(delete(model).where(column == user_id))
