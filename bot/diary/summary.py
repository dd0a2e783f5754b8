"""One person's diary as the domain sees it (`bot.domain.diary.Diary`): the input of the
summary, the chart and the clinician report."""

from __future__ import annotations

from bot.diary import midas
from bot.diary.scope import Scope
from bot.domain import diary as d
from storage.queries import diary


async def load(scope: Scope) -> d.Diary:
    user = scope.user
    rows = await diary.diary_rows(scope.session, user.id)
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
            for a in rows.attacks
        ],
        doses=[d.Dose(x.taken_at, x.amount_mg, x.status) for x in rows.doses],
        medications=[
            d.MedicationTaken(x.name, x.taken_at, x.dose_mg, x.attack_id, x.med_class)
            for x in rows.medicines
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
            for s in rows.sleep
        ],
        anxiety=[d.Anxiety(x.at, x.level) for x in rows.anxiety],
        side_effects=[d.SideEffect(x.at, tuple(x.effects)) for x in rows.side_effects],
        plan_changes=[d.PlanChange(c.effective_on, c.doses_per_day) for c in rows.plan_changes],
        goals=tuple(user.goals),
        periods=[d.PeriodDay(p.day, p.started) for p in rows.periods],
        factors=[d.FactorDay(f.day, f.code) for f in rows.factors],
        midas=await midas.results(scope),
    )
