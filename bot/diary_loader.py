"""Load one person's rows into the domain's `Diary` (the input of stats, chart, report)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot.domain import diary as d
from storage import models as m


async def load_diary(session: AsyncSession, user: m.User) -> d.Diary:
    uid = user.id
    attacks = (
        await session.scalars(
            select(m.Attack).where(m.Attack.user_id == uid).options(selectinload(m.Attack.updates))
        )
    ).all()
    doses = (await session.scalars(select(m.Dose).where(m.Dose.user_id == uid))).all()
    meds = (
        await session.scalars(select(m.MedicationTaken).where(m.MedicationTaken.user_id == uid))
    ).all()
    sleep = (await session.scalars(select(m.Sleep).where(m.Sleep.user_id == uid))).all()
    anxiety = (await session.scalars(select(m.Anxiety).where(m.Anxiety.user_id == uid))).all()
    changes = (
        await session.scalars(select(m.DosePlanChange).where(m.DosePlanChange.user_id == uid))
    ).all()
    effects = (await session.scalars(select(m.SideEffect).where(m.SideEffect.user_id == uid))).all()
    return d.Diary(
        tz=user.timezone,
        created_at=user.created_at,
        magnesium_start=user.magnesium_start,
        dose_plan=[d.PlannedDose(p.local_time, p.amount_mg) for p in user.dose_plan],
        attacks=[
            d.Attack(
                id=a.id,
                started_at=a.started_at,
                ended_at=a.ended_at,
                kind=a.kind,
                peak_intensity=a.peak_intensity,
                symptoms=tuple(a.symptoms),
                triggers=tuple(a.triggers),
                aura=a.aura,
                updates=tuple(
                    d.AttackUpdate(u.at, u.intensity, u.relief, u.gone) for u in a.updates
                ),
                response_2h=a.response_2h,
                start_intensity=a.start_intensity,
            )
            for a in attacks
        ],
        doses=[d.Dose(x.taken_at, x.amount_mg, x.status) for x in doses],
        medications=[
            d.MedicationTaken(x.name, x.taken_at, x.dose_mg, x.attack_id, x.med_class) for x in meds
        ],
        sleep=[
            d.Sleep(
                s.night,
                s.quality,
                s.hours,
                s.awakenings,
                s.onset_minutes,
                s.restless_legs,
                s.cramps,
            )
            for s in sleep
        ],
        anxiety=[d.Anxiety(x.at, x.level) for x in anxiety],
        side_effects=[d.SideEffect(x.at, tuple(x.effects)) for x in effects],
        plan_changes=[d.PlanChange(c.effective_on, c.doses_per_day) for c in changes],
    )
