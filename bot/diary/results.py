"""What the use cases return: typed results the UI turns into words.

Rows are the ORM objects just written (sessions do not expire them on commit,
so their columns can be read after the transaction); relationships are never
read from them outside the diary layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from bot.domain.medicines import MedClass
from bot.domain.overuse import Level
from storage.enums import EntryKind
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Base,
    Dose,
    FactorDay,
    MedicationTaken,
    Period,
    SideEffect,
    Sleep,
)

# --- what was logged ------------------------------------------------------------------------


@dataclass(frozen=True)
class AttackLogged:
    attack: Attack
    medicines: tuple[MedicationTaken, ...] = ()
    continued: bool = False  # news about the attack already open, not a new one
    assumed: frozenset[str] = frozenset()  # "started_at"/"ended_at": time of day chosen
    next_check: datetime | None = None  # when the first follow-up will ask


@dataclass(frozen=True)
class PainLogged:
    attack: Attack
    update: AttackUpdate


@dataclass(frozen=True)
class AttackEnded:
    attack: Attack


@dataclass(frozen=True)
class DoseLogged:
    dose: Dose
    time_assumed: bool = False  # a day was named without a time: the planned time was taken


@dataclass(frozen=True)
class SleepLogged:
    sleep: Sleep
    merged: bool = False  # filled in a night already recorded


@dataclass(frozen=True)
class AnxietyLogged:
    anxiety: Anxiety


@dataclass(frozen=True)
class SideEffectLogged:
    side_effect: SideEffect


@dataclass(frozen=True)
class MedicineLogged:
    medicine: MedicationTaken
    time_assumed: bool = False


@dataclass(frozen=True)
class PeriodLogged:
    period: Period
    already: bool = False  # that day was noted before: nothing changed
    marked_first: bool = False  # that day was noted before, now as the first day


@dataclass(frozen=True)
class FactorsLogged:
    """Possible triggers noted for one day; `already`: codes that day had before."""

    day: date
    rows: tuple[FactorDay, ...] = ()
    already: tuple[str, ...] = ()


Logged = (
    AttackLogged
    | PainLogged
    | AttackEnded
    | DoseLogged
    | SleepLogged
    | AnxietyLogged
    | SideEffectLogged
    | MedicineLogged
    | PeriodLogged
    | FactorsLogged
)

# --- safety notices and other things worth saying -------------------------------------------


@dataclass(frozen=True)
class UpperLimit:
    total_mg: float


@dataclass(frozen=True)
class Spacing:
    name: str
    med_class: MedClass


@dataclass(frozen=True)
class SplitDoseHint:
    """Stomach trouble recurs: splitting the dose or taking it with food often helps."""


@dataclass(frozen=True)
class ZoneAssumed:
    """The first dated entry of a person who never chose a time zone."""

    zone: str
    group: int


@dataclass(frozen=True)
class CapsuleSizeAssumed:
    """ "2 caps" before the person said how much one capsule holds."""

    assumed_mg: float


@dataclass(frozen=True)
class Overuse:
    """Acute medicines near or over the ICHD-3 overuse limit (said once per 28-day window)."""

    level: Level
    text: str  # the domain's words: a risk, never a diagnosis


Notice = UpperLimit | Spacing | SplitDoseHint | ZoneAssumed | CapsuleSizeAssumed | Overuse

# --- questions back ------------------------------------------------------------------------


@dataclass(frozen=True)
class NoOpenAttack:
    """A pain level came with no attack to attach it to."""

    intensity: int | None


@dataclass(frozen=True)
class NothingToEnd:
    pass


@dataclass(frozen=True)
class Overlap:
    """A new attack shares time with one already logged: the same one, or another?"""

    new: Attack
    existing: Attack


Question = NoOpenAttack | NothingToEnd | Overlap


@dataclass
class Recorded:
    """What one message (or tap) stored, in order, with what to say about it."""

    group: int
    logged: list[Logged] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def attack(self) -> Attack | None:
        """The attack this message was about, for its buttons."""
        for item in reversed(self.logged):
            if isinstance(item, AttackLogged | PainLogged | AttackEnded):
                return item.attack
        return None


# --- undo ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    """One journal line taken back: the row removed, or the row as it is again."""

    kind: EntryKind
    row: Base
    restored: bool = False  # True: an earlier state came back (an end undone, a merge undone)
    attack: Attack | None = None  # the attack a pain update belonged to


@dataclass(frozen=True)
class Moved:
    """An entry whose time /log changed."""

    kind: EntryKind
    row: Base
    at: datetime


@dataclass(frozen=True)
class DayNight:
    """The night a morning check-in asks about, and what is known of it."""

    night: date
    sleep: Sleep | None
