"""A free-text check-in: store each entry the parser found, through its kind's use case."""

from __future__ import annotations

from bot.diary import attacks, doses, factors, medicines, periods, sleep, wellbeing
from bot.diary.results import AttackEnded, PainLogged, Recorded, ZoneAssumed
from bot.diary.scope import Scope
from bot.domain.entries import (
    AnxietyEntry,
    AttackEndEntry,
    AttackEntry,
    AttackUpdateEntry,
    DoseEntry,
    Entry,
    FactorEntry,
    MedicationEntry,
    PeriodEntry,
    SideEffectEntry,
    SleepEntry,
)
from storage.enums import DoseSource
from storage.queries import users

ZONE_NOTICE = "zone-assumed"


async def record_message(scope: Scope, entries: list[Entry], raw: str) -> Recorded:
    """Store what one message says; the result says what was stored, in order."""
    out = Recorded(group=scope.group)
    for entry in entries:
        match entry:
            case AttackEntry():
                logged, notices, questions = await attacks.record_attack(scope, entry, raw)
                out.logged.append(logged)
                out.notices += notices
                out.questions += questions
            case AttackUpdateEntry():
                pain = await attacks.record_pain(scope, entry, raw)
                if isinstance(pain, PainLogged):
                    out.logged.append(pain)
                else:
                    out.questions.append(pain)
            case AttackEndEntry():
                ended = await attacks.record_end(scope, entry)
                if isinstance(ended, AttackEnded):
                    out.logged.append(ended)
                else:
                    out.questions.append(ended)
            case DoseEntry():
                dose, notices = await doses.record_dose(
                    scope, entry, source=DoseSource.TEXT, raw=raw
                )
                out.logged.append(dose)
                out.notices += notices
            case SleepEntry():
                out.logged.append(await sleep.record_sleep(scope, entry, raw))
            case AnxietyEntry():
                anxiety = await wellbeing.record_anxiety(scope, entry, raw)
                if anxiety is not None:
                    out.logged.append(anxiety)
            case SideEffectEntry():
                side = await wellbeing.record_side_effect(scope, entry, raw)
                if side is not None:
                    out.logged.append(side[0])
                    out.notices += side[1]
            case MedicationEntry() if entry.name:
                medicine, notices = await medicines.record_standalone(scope, entry, raw)
                out.logged.append(medicine)
                out.notices += notices
            case PeriodEntry():
                out.logged.append(await periods.record_period(scope, entry, raw))
            case FactorEntry() if entry.codes:
                out.logged.append(await factors.record_factors(scope, entry, raw))
    if (
        out.logged
        and _dated(entries)
        and not scope.user.timezone_chosen
        and await users.claim_notice(scope.session, scope.user.id, ZONE_NOTICE, scope.now)
    ):
        out.notices.append(ZoneAssumed(scope.user.timezone, scope.group))
    return out


def _dated(entries: list[Entry]) -> bool:
    """Whether the message named a day or a time (so the time zone decides what it means)."""
    for entry in entries:
        match entry:
            case AttackEntry():
                if entry.started_at or entry.ended_at or any(m.taken_at for m in entry.medications):
                    return True
            case AttackUpdateEntry() | AnxietyEntry() | SideEffectEntry():
                if entry.at:
                    return True
            case AttackEndEntry():
                if entry.ended_at:
                    return True
            case DoseEntry() | MedicationEntry():
                if entry.taken_at:
                    return True
            case SleepEntry():
                if entry.night:
                    return True
            case PeriodEntry() | FactorEntry():
                if entry.on:
                    return True
    return False
