"""Safety facts (DESIGN §7) as pure rules: upper limit, spacing, GI side effects."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.domain.medicines import MedClass

# Tolerable upper intake level for magnesium from supplements, adults (US NIH ODS).
UPPER_LIMIT_MG = 350.0

# Tetracyclines and quinolones: take them 2 h before or 4–6 h after magnesium.
_ANTIBIOTIC_BEFORE = timedelta(hours=2)
_ANTIBIOTIC_AFTER = timedelta(hours=4)
# Bisphosphonates: at least 2 h apart either way.
_BISPHOSPHONATE_GAP = timedelta(hours=2)

SPACED_CLASSES = frozenset({MedClass.TETRACYCLINE, MedClass.QUINOLONE, MedClass.BISPHOSPHONATE})
GI_EFFECTS = frozenset({"diarrhea", "stomach_upset", "nausea"})
GI_WINDOW = timedelta(days=7)
GI_RECURRING = 2


def over_upper_limit(amounts_mg: Iterable[float | None]) -> float | None:
    """The day's total when it is above the upper limit, else None."""
    total = sum(a for a in amounts_mg if a)
    return total if total > UPPER_LIMIT_MG else None


def too_close(med_class: MedClass, medicine_at: datetime, magnesium_at: datetime) -> bool:
    """True when a medicine that binds magnesium was taken inside its spacing window."""
    if med_class in (MedClass.TETRACYCLINE, MedClass.QUINOLONE):
        return magnesium_at - _ANTIBIOTIC_BEFORE < medicine_at < magnesium_at + _ANTIBIOTIC_AFTER
    if med_class is MedClass.BISPHOSPHONATE:
        return abs(medicine_at - magnesium_at) < _BISPHOSPHONATE_GAP
    return False


def spacing_window(med_class: MedClass) -> tuple[timedelta, timedelta]:
    """How far before and after a magnesium dose the medicine must not be taken."""
    if med_class is MedClass.BISPHOSPHONATE:
        return _BISPHOSPHONATE_GAP, _BISPHOSPHONATE_GAP
    return _ANTIBIOTIC_BEFORE, _ANTIBIOTIC_AFTER


def recurring_gi(effect_times: Iterable[tuple[datetime, Iterable[str]]], now: datetime) -> bool:
    """2+ GI side effects logged in the last 7 days."""
    recent = [
        at for at, effects in effect_times if now - at <= GI_WINDOW and GI_EFFECTS & set(effects)
    ]
    return len(recent) >= GI_RECURRING
