"""What a check-in says, as typed entries (DESIGN §4): the parser's output, the diary's input.

One frozen dataclass per entry type. Times are aware datetimes in the person's
zone; `None` means the message did not say (the diary then picks: the message's
own time, a planned dose time, last night). `assumed` names the time fields whose
time of day the person did not give ("yesterday", "woke up with it"): the value
holds the day and a sensible time, and the reply says which time was taken.

`to_json` / `from_json` are the wire form of `magbot parse` (ISO 8601 with the
offset; absent facts null or []). `FactorEntry` is the bot's own: it has a wire
form, but `magbot parse` prints only DESIGN §4's types (`bot.domain.parse`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, ClassVar

from storage.enums import AttackKind


@dataclass(frozen=True, slots=True)
class Medicine:
    """A medicine named inside an attack; `taken_at` None: the person did not say when."""

    name: str
    dose_mg: float | None = None
    taken_at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class AttackEntry:
    TYPE: ClassVar[str] = "attack"
    kind: AttackKind = AttackKind.HEADACHE
    intensity: float | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    symptoms: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    medications: tuple[Medicine, ...] = ()
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class AttackUpdateEntry:
    """Pain now (or at a named time) in an attack already logged."""

    TYPE: ClassVar[str] = "attack_update"
    intensity: float | None = None
    at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class AttackEndEntry:
    TYPE: ClassVar[str] = "attack_end"
    ended_at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class DoseEntry:
    """Magnesium taken or skipped; `amount_mg` as written (the label decides if elemental)."""

    TYPE: ClassVar[str] = "dose"
    amount_mg: float | None = None
    count: float | None = None  # capsules; 0.5 for "half a capsule"
    taken_at: datetime | None = None
    skipped: bool = False
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class SleepEntry:
    """One night; `night` is the date of the evening it began (None: last night)."""

    TYPE: ClassVar[str] = "sleep"
    night: date | None = None
    quality: int | None = None
    hours: float | None = None
    awakenings: int | None = None
    onset_minutes: int | None = None
    restless_legs: bool | None = None
    cramps: bool | None = None


@dataclass(frozen=True, slots=True)
class AnxietyEntry:
    TYPE: ClassVar[str] = "anxiety"
    level: float | None = None
    at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class SideEffectEntry:
    TYPE: ClassVar[str] = "side_effect"
    effects: tuple[str, ...] = ()
    at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class PeriodEntry:
    """A day of the menstrual period; `started`: the first day of one."""

    TYPE: ClassVar[str] = "period"
    on: date | None = None
    started: bool = False


@dataclass(frozen=True, slots=True)
class MedicationEntry:
    """A medicine taken outside an attack (or not said to be for one)."""

    TYPE: ClassVar[str] = "medication"
    name: str = ""
    dose_mg: float | None = None
    taken_at: datetime | None = None
    assumed: frozenset[str] = field(default=frozenset(), compare=False)


@dataclass(frozen=True, slots=True)
class FactorEntry:
    """Possible triggers (DESIGN §4 trigger codes) on a day without an attack.

    "4 coffees", "skipped lunch", "stressful day": the summary compares the
    days with each against the days without (DESIGN §6). `on` is the day they
    happened (None: the day of the message). The bot's own entry: DESIGN §4's
    schema has no factor type, so `magbot parse` does not print it.
    """

    TYPE: ClassVar[str] = "factor"
    codes: tuple[str, ...] = ()
    on: date | None = None


Entry = (
    AttackEntry
    | AttackUpdateEntry
    | AttackEndEntry
    | DoseEntry
    | SleepEntry
    | AnxietyEntry
    | SideEffectEntry
    | PeriodEntry
    | MedicationEntry
    | FactorEntry
)

ENTRY_TYPES: dict[str, type[Entry]] = {
    cls.TYPE: cls
    for cls in (
        AttackEntry,
        AttackUpdateEntry,
        AttackEndEntry,
        DoseEntry,
        SleepEntry,
        AnxietyEntry,
        SideEffectEntry,
        PeriodEntry,
        MedicationEntry,
        FactorEntry,
    )
}

# --- wire form ---------------------------------------------------------------------------


def _out(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, tuple):
        return [_out(v) for v in value]
    if isinstance(value, Medicine):
        return {f.name: _out(getattr(value, f.name)) for f in fields(value) if f.name != "assumed"}
    return value


def to_json(entry: Entry) -> dict[str, Any]:
    """The DESIGN §4 object for one entry: "type" first, every field of its type."""
    out: dict[str, Any] = {"type": entry.TYPE}
    for f in fields(entry):
        if f.name != "assumed":
            out[f.name] = _out(getattr(entry, f.name))
    return out


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _date(value: Any) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    number = _float(value)
    return round(number) if number is not None else None


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(v) for v in value or ()))


def _medicine(item: dict[str, Any]) -> Medicine:
    return Medicine(
        name=str(item.get("name") or ""),
        dose_mg=_float(item.get("dose_mg")),
        taken_at=_datetime(item.get("taken_at")),
        assumed=frozenset(item.get("assumed") or ()),
    )


def from_json(item: dict[str, Any]) -> Entry | None:
    """An entry from its wire form; None for an unknown type. Unknown keys are ignored."""
    cls = ENTRY_TYPES.get(str(item.get("type")))
    if cls is None:
        return None
    assumed = frozenset(item.get("assumed") or ())
    if cls is AttackEntry:
        kind = AttackKind.MIGRAINE if item.get("kind") == "migraine" else AttackKind.HEADACHE
        return AttackEntry(
            kind=kind,
            intensity=_float(item.get("intensity")),
            started_at=_datetime(item.get("started_at")),
            ended_at=_datetime(item.get("ended_at")),
            symptoms=_codes(item.get("symptoms")),
            triggers=_codes(item.get("triggers")),
            medications=tuple(_medicine(m) for m in item.get("medications") or ()),
            assumed=assumed,
        )
    if cls is AttackUpdateEntry:
        return AttackUpdateEntry(
            intensity=_float(item.get("intensity")), at=_datetime(item.get("at")), assumed=assumed
        )
    if cls is AttackEndEntry:
        return AttackEndEntry(ended_at=_datetime(item.get("ended_at")), assumed=assumed)
    if cls is DoseEntry:
        return DoseEntry(
            amount_mg=_float(item.get("amount_mg")),
            count=_float(item.get("count")),
            taken_at=_datetime(item.get("taken_at")),
            skipped=bool(item.get("skipped")),
            assumed=assumed,
        )
    if cls is SleepEntry:
        return SleepEntry(
            night=_date(item.get("night")),
            quality=_int(item.get("quality")),
            hours=_float(item.get("hours")),
            awakenings=_int(item.get("awakenings")),
            onset_minutes=_int(item.get("onset_minutes")),
            restless_legs=item.get("restless_legs"),
            cramps=item.get("cramps"),
        )
    if cls is AnxietyEntry:
        return AnxietyEntry(
            level=_float(item.get("level")), at=_datetime(item.get("at")), assumed=assumed
        )
    if cls is SideEffectEntry:
        return SideEffectEntry(
            effects=_codes(item.get("effects")), at=_datetime(item.get("at")), assumed=assumed
        )
    if cls is PeriodEntry:
        return PeriodEntry(on=_date(item.get("on")), started=bool(item.get("started")))
    if cls is FactorEntry:
        return FactorEntry(codes=_codes(item.get("codes")), on=_date(item.get("on")))
    return MedicationEntry(
        name=str(item.get("name") or ""),
        dose_mg=_float(item.get("dose_mg")),
        taken_at=_datetime(item.get("taken_at")),
        assumed=assumed,
    )
