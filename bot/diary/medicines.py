"""Medicines taken: inside an attack (with their own time) or on their own.

An acute medicine taken during an attack joins it; a medicine that binds
magnesium (tetracyclines, quinolones, bisphosphonates) taken inside its spacing
window around a dose gets the warning, whichever was logged first.
"""

from __future__ import annotations

from datetime import datetime

from bot.diary import journal
from bot.diary.results import MedicineLogged, Notice, Spacing
from bot.diary.scope import Scope
from bot.diary.times import when
from bot.domain import safety
from bot.domain.entries import MedicationEntry, Medicine
from bot.domain.medicines import ACUTE_CLASSES, MedClass, medication_class
from storage.enums import EntryKind
from storage.models import Attack, MedicationTaken
from storage.queries import diary


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
    linked = attack if attack is not None and med_class in ACUTE_CLASSES else None
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
    return row, await _spacing(scope, name, med_class, taken_at)


async def record_standalone(
    scope: Scope, entry: MedicationEntry, raw: str
) -> tuple[MedicineLogged, list[Notice]]:
    """A medicine on its own line ("took ibuprofen 400mg"): an acute one joins the open attack."""
    taken_at = when(scope, entry.taken_at)
    attack = await diary.open_attack(scope.session, scope.user.id, taken_at)
    row, notices = await record_medicine(scope, entry, raw, attack=attack, default_at=taken_at)
    return MedicineLogged(row, time_assumed="taken_at" in entry.assumed), notices


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
