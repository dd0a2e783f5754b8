"""Medicines taken: inside an attack (with their own time) or on their own.

An acute medicine taken during an attack joins it, and "did it help?" is asked
2 h after it (bot.scheduling.plan.schedule_med_check; the answer is what the
IHS 2-hour response reads). Every acute medicine logged, by any path, is also
checked against the ICHD-3 medication-overuse limits: an early notice or a risk
flag is said in the reply once per 28-day window. A medicine that binds
magnesium (tetracyclines, quinolones, bisphosphonates) taken inside its
spacing window around a dose gets the warning, whichever was logged first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.diary import journal
from bot.diary.results import MedicineLogged, Notice, Overuse, Spacing
from bot.diary.scope import Scope
from bot.diary.times import when
from bot.domain import diary as d
from bot.domain import overuse, safety
from bot.domain.entries import MedicationEntry, Medicine
from bot.domain.medicines import ACUTE_CLASSES, MedClass, medication_class
from bot.scheduling import plan
from storage.enums import EntryKind
from storage.models import Attack, MedicationTaken
from storage.queries import diary, users

# What `overuse.overuse_notice` reads: the three 28-day windows of the 3-month
# pattern, and, for a flag still holding, the days back to when it began (it
# traces up to 3 years, so that the once-per-window key stays the same every day
# of a long run). Only medicines are loaded, never the rest of the diary.
OVERUSE_READS = timedelta(days=3 * 366 + overuse.WINDOW_DAYS * overuse.PATTERN_WINDOWS + 1)


async def record_medicine(
    scope: Scope,
    medicine: Medicine | MedicationEntry,
    raw: str,
    *,
    attack: Attack | None,
    default_at: datetime | None = None,
) -> tuple[MedicationTaken, list[Notice]]:
    """Store one medicine; `default_at` is its time when the message did not say."""
    name = medicine.name
    med_class = medication_class(name)
    taken_at = (
        when(scope, medicine.taken_at) if medicine.taken_at else (default_at or scope.sent_at)
    )
    acute = med_class in ACUTE_CLASSES
    linked = attack if attack is not None and acute else None
    row = await diary.add(
        scope.session,
        MedicationTaken(
            user_id=scope.user.id,
            attack_id=linked.id if linked else None,
            name=name,
            med_class=med_class.value,
            dose_mg=medicine.dose_mg,
            taken_at=taken_at,
            raw_text=raw,
        ),
    )
    journal.note(scope, EntryKind.MEDICATION, row.id)
    if linked is not None:
        await plan.schedule_med_check(
            scope.session, scope.user, linked, row.id, taken_at, scope.now
        )
    notices = await _spacing(scope, name, med_class, taken_at)
    if acute:
        notices += await _overuse(scope)
    return row, notices


async def record_standalone(
    scope: Scope, entry: MedicationEntry, raw: str
) -> tuple[MedicineLogged, list[Notice]]:
    """A medicine on its own line ("took ibuprofen 400mg"): an acute one joins the open attack."""
    taken_at = when(scope, entry.taken_at)
    attack = await diary.open_attack(scope.session, scope.user.id, taken_at)
    row, notices = await record_medicine(scope, entry, raw, attack=attack, default_at=taken_at)
    return MedicineLogged(row, time_assumed="taken_at" in entry.assumed), notices


async def own_medicine(scope: Scope, medicine_id: int) -> MedicationTaken | None:
    return await diary.owned(scope.session, MedicationTaken, scope.user.id, medicine_id)


async def moved(scope: Scope, row: MedicationTaken) -> None:
    """A medicine's time changed (/log, a corrected zone): its "did it help?" moves with it."""
    await plan.cancel_med_check(scope.session, row.id, "medicine moved")
    if row.attack_id is None:
        return
    attack = await diary.owned(scope.session, Attack, scope.user.id, row.attack_id)
    if attack is not None and attack.ended_at is None:
        await plan.schedule_med_check(
            scope.session, scope.user, attack, row.id, row.taken_at, scope.now
        )


async def _overuse(scope: Scope) -> list[Notice]:
    """The ICHD-3 overuse notice the medicine just logged brings, once per window."""
    user = scope.user
    taken = await diary.medicines_since(scope.session, user.id, scope.now - OVERUSE_READS)
    medications = [d.MedicationTaken(name, at, med_class=cls) for name, at, cls in taken]
    notice = overuse.overuse_notice(
        d.Diary(tz=user.timezone, created_at=user.created_at, medications=medications),
        scope.now,
    )
    if notice is None or not await users.claim_notice(
        scope.session, user.id, notice.key, scope.now
    ):
        return []
    return [Overuse(notice.level, notice.text)]


async def _spacing(
    scope: Scope, name: str, med_class: MedClass, taken_at: datetime
) -> list[Notice]:
    if med_class not in safety.SPACED_CLASSES:
        return []
    before, after = safety.spacing_window(med_class)
    doses = await diary.dose_times(
        scope.session, scope.user.id, taken_at - after, taken_at + before
    )
    if any(safety.too_close(med_class, taken_at, dose_at) for dose_at in doses):
        return [Spacing(name, med_class)]
    return []


async def spacing_for_dose(scope: Scope, dose_at: datetime) -> list[Notice]:
    """Medicines logged before a dose that the dose now comes too close to."""
    window = max(max(safety.spacing_window(c)) for c in safety.SPACED_CLASSES)
    meds = await diary.medicines_between(
        scope.session, scope.user.id, dose_at - window, dose_at + window
    )
    notices: list[Notice] = []
    for med in meds:
        med_class = MedClass(med.med_class)
        if med_class in safety.SPACED_CLASSES and safety.too_close(
            med_class, med.taken_at, dose_at
        ):
            notices.append(Spacing(med.name, med_class))
    return notices
