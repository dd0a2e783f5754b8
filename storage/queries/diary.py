"""The diary's rows: attacks and their updates and medicines, doses, sleep, mood, periods,
possible triggers logged on days of their own."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.enums import DoseStatus
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Base,
    Dose,
    DosePlanChange,
    FactorDay,
    MedicationTaken,
    Period,
    SideEffect,
    Sleep,
)

# An attack still open after this long is treated as forgotten, not ongoing.
OPEN_ATTACK_HORIZON = timedelta(hours=72)

Row = TypeVar("Row", bound=Base)


async def owned(session: AsyncSession, model: type[Row], user_id: int, row_id: int) -> Row | None:
    """A row of `model` by id, only if it belongs to the user."""
    row = await session.get(model, row_id)
    return row if row is not None and getattr(row, "user_id", None) == user_id else None


async def delete(session: AsyncSession, row: Base) -> None:
    await session.delete(row)
    await session.flush()


async def add(session: AsyncSession, row: Row) -> Row:
    """Insert a row and give it its id."""
    session.add(row)
    await session.flush()
    return row


# --- attacks -------------------------------------------------------------------------------


async def open_attack(session: AsyncSession, user_id: int, at: datetime) -> Attack | None:
    """The person's most recent attack that has not ended, started in the 72 h before `at`."""
    return (
        await session.scalars(
            select(Attack)
            .where(
                Attack.user_id == user_id,
                Attack.ended_at.is_(None),
                Attack.started_at > at - OPEN_ATTACK_HORIZON,
                Attack.started_at <= at + timedelta(minutes=5),
            )
            .order_by(Attack.started_at.desc())
            .limit(1)
        )
    ).first()


async def open_attacks(session: AsyncSession, user_id: int, since: datetime) -> Sequence[Attack]:
    """A person's attacks not ended that started after `since`."""
    return (
        await session.scalars(
            select(Attack).where(
                Attack.user_id == user_id, Attack.ended_at.is_(None), Attack.started_at > since
            )
        )
    ).all()


def _covers(at: datetime) -> ColumnElement[bool]:
    return and_(
        Attack.started_at <= at,
        or_(
            Attack.ended_at >= at,
            and_(Attack.ended_at.is_(None), Attack.started_at > at - OPEN_ATTACK_HORIZON),
        ),
    )


async def attack_at(session: AsyncSession, user_id: int, at: datetime) -> Attack | None:
    """The attack going on at `at` (the latest to start, if two were)."""
    return (
        await session.scalars(
            select(Attack)
            .where(Attack.user_id == user_id, _covers(at))
            .order_by(Attack.started_at.desc())
            .limit(1)
        )
    ).first()


async def overlapping(
    session: AsyncSession, user_id: int, start: datetime, end: datetime, *, not_id: int
) -> Attack | None:
    """An attack (other than `not_id`) that shares some time with [start, end]."""
    return (
        await session.scalars(
            select(Attack)
            .where(
                Attack.user_id == user_id,
                Attack.id != not_id,
                Attack.started_at <= end,
                or_(
                    Attack.ended_at >= start,
                    and_(
                        Attack.ended_at.is_(None),
                        Attack.started_at > start - OPEN_ATTACK_HORIZON,
                    ),
                ),
            )
            .order_by(Attack.started_at.desc())
            .limit(1)
        )
    ).first()


async def attack_with_medicines(
    session: AsyncSession, user_id: int, attack_id: int
) -> Attack | None:
    return (
        await session.scalars(
            select(Attack)
            .where(Attack.id == attack_id, Attack.user_id == user_id)
            .options(selectinload(Attack.medications))
        )
    ).first()


async def medicines_of(session: AsyncSession, attack_id: int) -> Sequence[MedicationTaken]:
    return (
        await session.scalars(
            select(MedicationTaken)
            .where(MedicationTaken.attack_id == attack_id)
            .order_by(MedicationTaken.taken_at)
        )
    ).all()


async def updates_of(session: AsyncSession, attack_id: int) -> Sequence[AttackUpdate]:
    return (
        await session.scalars(
            select(AttackUpdate)
            .where(AttackUpdate.attack_id == attack_id)
            .order_by(AttackUpdate.at)
        )
    ).all()


async def move_attack_children(session: AsyncSession, from_id: int, to_id: int) -> None:
    """Give one attack's updates and medicines to another (two attacks found to be one)."""
    for model in (AttackUpdate, MedicationTaken):
        await session.execute(
            update(model)
            .where(model.attack_id == from_id)
            .values(attack_id=to_id)
            .execution_options(synchronize_session=False)
        )


# --- doses and medicines -------------------------------------------------------------------


async def taken_amounts(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[float | None]:
    """Elemental mg of each dose taken in [start, end)."""
    return (
        await session.scalars(
            select(Dose.amount_mg).where(
                Dose.user_id == user_id,
                Dose.status == DoseStatus.TAKEN,
                Dose.taken_at >= start,
                Dose.taken_at < end,
            )
        )
    ).all()


async def dose_times(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[datetime]:
    """When doses were taken in [start, end]."""
    return (
        await session.scalars(
            select(Dose.taken_at).where(
                Dose.user_id == user_id,
                Dose.status == DoseStatus.TAKEN,
                Dose.taken_at.between(start, end),
            )
        )
    ).all()


async def medicines_between(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[MedicationTaken]:
    return (
        await session.scalars(
            select(MedicationTaken).where(
                MedicationTaken.user_id == user_id,
                MedicationTaken.taken_at.between(start, end),
            )
        )
    ).all()


async def medicines_by_id(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, MedicationTaken]:
    """Medicines by id (the ones the "did it help?" checks being sent ask about)."""
    if not ids:
        return {}
    found = await session.scalars(select(MedicationTaken).where(MedicationTaken.id.in_(ids)))
    return {row.id: row for row in found.all()}


async def medicines_since(
    session: AsyncSession, user_id: int, since: datetime
) -> Sequence[tuple[str, datetime, str]]:
    """(name, taken_at, class) of every medicine taken from `since` on."""
    rows = await session.execute(
        select(MedicationTaken.name, MedicationTaken.taken_at, MedicationTaken.med_class).where(
            MedicationTaken.user_id == user_id, MedicationTaken.taken_at >= since
        )
    )
    return [(name, at, cls) for name, at, cls in rows.all()]


# --- sleep, mood, periods --------------------------------------------------------------------


async def sleep_of_night(session: AsyncSession, user_id: int, night: date) -> Sleep | None:
    return (
        await session.scalars(
            select(Sleep)
            .where(Sleep.user_id == user_id, Sleep.night == night)
            .order_by(Sleep.id.desc())
            .limit(1)
        )
    ).first()


async def side_effects_since(
    session: AsyncSession, user_id: int, since: datetime
) -> list[tuple[datetime, list[str]]]:
    rows = await session.execute(
        select(SideEffect.at, SideEffect.effects).where(
            SideEffect.user_id == user_id, SideEffect.at > since
        )
    )
    return [(at, list(codes)) for at, codes in rows.all()]


async def period_on(session: AsyncSession, user_id: int, day: date) -> Period | None:
    return (
        await session.scalars(select(Period).where(Period.user_id == user_id, Period.day == day))
    ).first()


async def factors_on(
    session: AsyncSession, user_id: int, day: date, codes: Collection[str]
) -> dict[str, FactorDay]:
    """The rows of these codes already logged for that day, by code."""
    rows = await session.scalars(
        select(FactorDay).where(
            FactorDay.user_id == user_id, FactorDay.day == day, FactorDay.code.in_(codes)
        )
    )
    return {row.code: row for row in rows.all()}


# --- the latest entries, by when they happened (for /log) ------------------------------------

# The column that says when each kind of entry happened.
WHEN_COLUMNS: dict[type[Base], str] = {
    Attack: "started_at",
    AttackUpdate: "at",
    Dose: "taken_at",
    MedicationTaken: "taken_at",
    Anxiety: "at",
    SideEffect: "at",
}


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


async def latest(session: AsyncSession, user_id: int, limit: int) -> list[tuple[datetime, Base]]:
    """The `limit` latest entries of every kind, newest first, by when they happened.

    Nights count from the evening they began, period days and factor days from midday.
    """
    found: list[tuple[datetime, Base]] = []
    for model, column_name in WHEN_COLUMNS.items():
        column = getattr(model, column_name)
        rows = (
            await session.scalars(
                select(model)
                .where(model.user_id == user_id)  # type: ignore[attr-defined]
                .order_by(column.desc())
                .limit(limit)
            )
        ).all()
        found += [(getattr(row, column_name), row) for row in rows]
    nights = (
        await session.scalars(
            select(Sleep).where(Sleep.user_id == user_id).order_by(Sleep.night.desc()).limit(limit)
        )
    ).all()
    found += [(_at(night.night, 22), night) for night in nights]
    periods = (
        await session.scalars(
            select(Period).where(Period.user_id == user_id).order_by(Period.day.desc()).limit(limit)
        )
    ).all()
    found += [(_at(period.day, 12), period) for period in periods]
    factors = (
        await session.scalars(
            select(FactorDay)
            .where(FactorDay.user_id == user_id)
            .order_by(FactorDay.day.desc(), FactorDay.id.desc())
            .limit(limit)
        )
    ).all()
    found += [(_at(factor.day, 12), factor) for factor in factors]
    found.sort(key=lambda pair: pair[0], reverse=True)
    return found[:limit]


# --- the whole diary, for the summary, chart and report ------------------------------------


@dataclass(frozen=True)
class DiaryRows:
    attacks: Sequence[Attack]  # with their updates loaded
    doses: Sequence[Dose]
    medicines: Sequence[MedicationTaken]
    sleep: Sequence[Sleep]
    anxiety: Sequence[Anxiety]
    side_effects: Sequence[SideEffect]
    periods: Sequence[Period]
    factors: Sequence[FactorDay]
    plan_changes: Sequence[DosePlanChange]


async def diary_rows(session: AsyncSession, user_id: int) -> DiaryRows:
    async def all_of(model: type[Row]) -> Sequence[Row]:
        column = model.user_id  # type: ignore[attr-defined]
        return (await session.scalars(select(model).where(column == user_id))).all()

    attacks = (
        await session.scalars(
            select(Attack).where(Attack.user_id == user_id).options(selectinload(Attack.updates))
        )
    ).all()
    return DiaryRows(
        attacks=attacks,
        doses=await all_of(Dose),
        medicines=await all_of(MedicationTaken),
        sleep=await all_of(Sleep),
        anxiety=await all_of(Anxiety),
        side_effects=await all_of(SideEffect),
        periods=await all_of(Period),
        factors=await all_of(FactorDay),
        plan_changes=await all_of(DosePlanChange),
    )
