"""Write a domain `Diary` (e.g. from tests/diarygen.py) into the database as a user's rows,
so end-to-end tests can ask the real bot about a diary whose truth is known."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.diary import Diary
from bot.domain.medicines import medication_class
from storage import models as m


async def seed_diary(
    sessions: async_sessionmaker[AsyncSession], user_id: int, diary: Diary
) -> None:
    async with sessions.begin() as s:
        user = m.User(
            id=user_id,
            chat_id=user_id,
            timezone=diary.tz,
            goals=["migraine", "sleep"],
            magnesium_start=diary.magnesium_start,
            created_at=diary.created_at,
            dose_plan=[
                m.DosePlanItem(amount_mg=p.amount_mg or 0.0, local_time=p.local_time)
                for p in diary.dose_plan
            ],
        )
        s.add(user)
        await s.flush()
        attack_ids: dict[int, int] = {}
        for a in diary.attacks:
            row = m.Attack(
                user_id=user_id,
                started_at=a.started_at,
                ended_at=a.ended_at,
                kind=a.kind,
                peak_intensity=a.peak_intensity,
                start_intensity=a.start_intensity,
                symptoms=list(a.symptoms),
                triggers=list(a.triggers),
                aura=a.aura,
                response_2h=a.response_2h,
                raw_text="seeded",
                created_at=a.started_at,
                updates=[
                    m.AttackUpdate(
                        user_id=user_id,
                        at=u.at,
                        intensity=u.intensity,
                        relief=u.relief,
                        gone=u.gone,
                    )
                    for u in a.updates
                ],
            )
            s.add(row)
            await s.flush()
            attack_ids[a.id] = row.id
        for med in diary.medications:
            s.add(
                m.MedicationTaken(
                    user_id=user_id,
                    attack_id=attack_ids.get(med.attack_id) if med.attack_id else None,
                    name=med.name,
                    med_class=med.med_class or medication_class(med.name).value,
                    dose_mg=med.dose_mg,
                    taken_at=med.taken_at,
                )
            )
        for d in diary.doses:
            s.add(
                m.Dose(
                    user_id=user_id,
                    taken_at=d.taken_at,
                    amount_mg=d.amount_mg,
                    status=d.status,
                    source="text",
                    created_at=d.taken_at,
                )
            )
        for night in diary.sleep:
            s.add(
                m.Sleep(
                    user_id=user_id,
                    night=night.night,
                    quality=night.quality,
                    hours=night.hours,
                    awakenings=night.awakenings,
                    onset_minutes=night.onset_minutes,
                    restless_legs=bool(night.restless_legs),
                    cramps=bool(night.cramps),
                    recorded_at=diary.created_at,
                )
            )
        for x in diary.anxiety:
            s.add(m.Anxiety(user_id=user_id, at=x.at, level=x.level))
        for e in diary.side_effects:
            s.add(m.SideEffect(user_id=user_id, at=e.at, effects=list(e.effects)))
