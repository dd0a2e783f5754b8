"""Storing what a person logged, with its effects, and taking it back.

The glue between the parser's entries (plain dicts, DESIGN §4), the safety
rules and the tables. Handlers call these inside their transaction; every
function takes the session. Each stored row gets a journal entry so /undo and
/log can remove it exactly, side effects included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import safety
from bot.domain import schedule as sch
from bot.domain.medicines import ACUTE_CLASSES, MedClass, medication_class
from bot.scheduling import plan
from bot.ui import entries as tx
from bot.user_settings import elemental_mg
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Dose,
    JournalEntry,
    MedicationTaken,
    Prompt,
    SideEffect,
    Sleep,
    User,
)

# An attack still open after this long is treated as forgotten, not ongoing.
OPEN_ATTACK_HORIZON = timedelta(hours=72)
# A dose logged by text this close to a planned dose answers that dose's prompt.
PROMPT_MATCH_WINDOW = timedelta(hours=3)
# "slept badly" written before 20:00 is about the night that began yesterday.
NIGHT_ROLLOVER = timedelta(hours=20)

ROW_MODELS: dict[str, Any] = {
    "attack": Attack,
    "attack_update": AttackUpdate,
    "dose": Dose,
    "medication": MedicationTaken,
    "sleep": Sleep,
    "anxiety": Anxiety,
    "side_effect": SideEffect,
}


@dataclass
class Stored:
    """What one message stored, for the reply."""

    lines: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    attack: Attack | None = None
    needs_open_attack: bool = False  # an update came with no open attack
    nothing_to_end: bool = False  # an end came with no open attack
    pending_update: dict[str, Any] | None = None


def _when(value: str | None, default: datetime) -> datetime:
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return default
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=default.tzinfo)


def _button_group(now: datetime) -> int:
    """A journal group for what a button stored (a message's group is its update id).

    Milliseconds since the epoch: far above any update id, and distinct for one
    person's taps, which is all a group needs (groups are looked up per user).
    """
    return int(now.timestamp() * 1000)


def _journal(
    session: AsyncSession,
    user: User,
    group: int,
    kind: str,
    row_id: int,
    now: datetime,
    **effects: Any,
) -> None:
    session.add(
        JournalEntry(
            user_id=user.id,
            group_id=group,
            kind=kind,
            row_id=row_id,
            effects=effects,
            created_at=now,
        )
    )


async def group_of(session: AsyncSession, user: User, kind: str, row_id: int) -> int | None:
    """The journal group (the message) that stored a row, for its Undo button."""
    return await session.scalar(
        select(JournalEntry.group_id).where(
            JournalEntry.user_id == user.id,
            JournalEntry.kind == kind,
            JournalEntry.row_id == row_id,
        )
    )


async def open_attack(session: AsyncSession, user: User, now: datetime) -> Attack | None:
    """The person's most recent attack that has not ended, started in the last 72 h."""
    return (
        await session.scalars(
            select(Attack)
            .where(
                Attack.user_id == user.id,
                Attack.ended_at.is_(None),
                Attack.started_at > now - OPEN_ATTACK_HORIZON,
                Attack.started_at <= now + timedelta(minutes=5),
            )
            .order_by(Attack.started_at.desc())
            .limit(1)
        )
    ).first()


@dataclass
class _Message:
    """One message being stored: where its rows go, when it was written, what to answer."""

    session: AsyncSession
    user: User
    raw: str
    group: int
    sent_at: datetime
    now: datetime
    out: Stored

    async def add(self, row: Any, kind: str, **effects: Any) -> Any:
        """Insert a row and its journal entry, so /undo can take it back."""
        self.session.add(row)
        await self.session.flush()
        _journal(self.session, self.user, self.group, kind, row.id, self.now, **effects)
        return row

    def when(self, value: str | None) -> datetime:
        """A time the parser read, never later than the message itself."""
        return min(_when(value, self.sent_at), self.sent_at)


async def store_entries(
    session: AsyncSession,
    user: User,
    entries: list[dict[str, Any]],
    *,
    raw_text: str,
    group: int,
    sent_at: datetime,
    now: datetime,
) -> Stored:
    """Store parsed entries of one message; `sent_at` is the message's own date."""
    msg = _Message(session, user, raw_text, group, sent_at, now, Stored())
    for entry in entries:
        kind = entry.get("type")
        if kind == "attack":
            await _store_attack(msg, entry)
        elif kind == "attack_update":
            await _store_update(msg, entry)
        elif kind == "attack_end":
            await _store_end(msg, entry)
        elif kind == "dose":
            await _store_dose(msg, entry)
        elif kind == "sleep":
            await _store_sleep(msg, entry)
        elif kind == "anxiety" and entry.get("level") is not None:
            level = int(entry["level"])
            await msg.add(
                Anxiety(user_id=user.id, at=sent_at, level=level, raw_text=raw_text), "anxiety"
            )
            msg.out.lines.append(tx.anxiety_line(level))
        elif kind == "side_effect" and entry.get("effects"):
            await _store_side_effect(msg, entry)
        elif kind == "medication" and entry.get("name"):
            attack = await open_attack(session, user, sent_at)
            msg.out.lines.append(tx.medication_line(await _store_medication(msg, entry, attack)))
    return msg.out


def _unique(codes: list[str] | None) -> list[str]:
    return list(dict.fromkeys(codes or []))


async def _store_attack(msg: _Message, entry: dict[str, Any]) -> None:
    intensity = entry.get("intensity")
    started = _when(entry.get("started_at"), msg.sent_at)
    ended = _when(entry.get("ended_at"), msg.sent_at) if entry.get("ended_at") else None
    symptoms = _unique(entry.get("symptoms"))
    current = await open_attack(msg.session, msg.user, msg.sent_at)
    continued = current is not None and not entry.get("started_at") and ended is None
    if current is not None and continued:
        # "migraine 8/10" while one is open is news about that attack, not a new one
        before = {
            "peak": current.peak_intensity,
            "symptoms": current.symptoms,
            "triggers": current.triggers,
            "kind": current.kind,
        }
        current.symptoms = _unique([*current.symptoms, *symptoms])
        current.triggers = _unique([*current.triggers, *(entry.get("triggers") or [])])
        if entry.get("kind") == "migraine":
            current.kind = "migraine"
        current.aura = current.aura or "aura" in symptoms
        update = None
        if intensity is not None:
            update = await _new_update(
                msg.session,
                msg.user,
                current,
                at=msg.sent_at,
                intensity=int(intensity),
                gone=False,
                raw_text=msg.raw,
            )
        _journal(
            msg.session,
            msg.user,
            msg.group,
            "attack_merge",
            current.id,
            msg.now,
            before=before,
            update_id=update.id if update else None,
        )
        attack = current
    else:
        attack = await msg.add(
            Attack(
                user_id=msg.user.id,
                started_at=started,
                ended_at=ended if ended and ended > started else None,
                kind=entry.get("kind") or "headache",
                peak_intensity=intensity,
                start_intensity=intensity,
                symptoms=symptoms,
                triggers=_unique(entry.get("triggers")),
                aura="aura" in symptoms,
                raw_text=msg.raw,
                created_at=msg.now,
            ),
            "attack",
        )
        if attack.ended_at is None:
            await plan.schedule_followups(msg.session, msg.user, attack, msg.now)
    meds = [await _store_medication(msg, med, attack) for med in entry.get("medications") or []]
    msg.out.attack = attack
    msg.out.lines.append(
        tx.attack_line(attack, msg.user.timezone, now=msg.now, meds=meds, continued=continued)
    )


async def _new_update(
    session: AsyncSession,
    user: User,
    attack: Attack,
    *,
    at: datetime,
    intensity: int | None,
    gone: bool,
    raw_text: str,
) -> AttackUpdate:
    """An AttackUpdate row; the attack's peak (and first intensity) follow it."""
    row = AttackUpdate(
        user_id=user.id,
        attack_id=attack.id,
        at=at,
        intensity=intensity,
        gone=gone,
        raw_text=raw_text,
    )
    session.add(row)
    if intensity is not None:
        attack.peak_intensity = max(attack.peak_intensity or 0, intensity)
        if attack.start_intensity is None:
            attack.start_intensity = intensity
    await session.flush()
    return row


async def record_attack_update(
    session: AsyncSession,
    user: User,
    attack: Attack,
    *,
    at: datetime,
    intensity: int | None,
    gone: bool,
    raw_text: str,
    group: int | None = None,
    now: datetime | None = None,
) -> AttackUpdate:
    """Pain now, from a check-in or a follow-up; raises the peak."""
    before_peak = attack.peak_intensity
    row = await _new_update(
        session, user, attack, at=at, intensity=intensity, gone=gone, raw_text=raw_text
    )
    when = now or at
    group = group if group is not None else _button_group(when)
    _journal(
        session,
        user,
        group,
        "attack_update",
        row.id,
        when,
        attack_id=attack.id,
        prev_peak=before_peak,
    )
    return row


async def _store_update(msg: _Message, entry: dict[str, Any]) -> None:
    attack = await open_attack(msg.session, msg.user, msg.sent_at)
    if attack is None:
        msg.out.needs_open_attack = True
        msg.out.pending_update = entry
        return
    intensity = entry.get("intensity")
    await record_attack_update(
        msg.session,
        msg.user,
        attack,
        at=_when(entry.get("at"), msg.sent_at),
        intensity=int(intensity) if intensity is not None else None,
        gone=intensity == 0,
        raw_text=msg.raw,
        group=msg.group,
        now=msg.now,
    )
    msg.out.attack = attack
    msg.out.lines.append(tx.update_line(attack, intensity))


async def close_attack(
    session: AsyncSession,
    user: User,
    attack: Attack,
    ended_at: datetime,
    raw_text: str,
    *,
    group: int | None = None,
    now: datetime | None = None,
) -> None:
    """End an attack: stop its follow-ups and plan the +24 h "did it come back?" check."""
    previous = attack.ended_at
    attack.ended_at = max(ended_at, attack.started_at)
    await plan.cancel_followups(session, attack.id)
    await plan.schedule_recurrence_check(session, user, attack, now or ended_at)
    when = now or ended_at
    group = group if group is not None else _button_group(when)
    prev = previous.isoformat() if previous else None
    _journal(session, user, group, "attack_end", attack.id, when, prev_ended_at=prev)


async def _store_end(msg: _Message, entry: dict[str, Any]) -> None:
    attack = await open_attack(msg.session, msg.user, msg.sent_at)
    if attack is None:
        msg.out.nothing_to_end = True
        return
    ended = msg.when(entry.get("ended_at"))
    await close_attack(msg.session, msg.user, attack, ended, msg.raw, group=msg.group, now=msg.now)
    msg.out.lines.append(tx.end_line(attack, msg.user.timezone))


async def record_dose(
    session: AsyncSession,
    user: User,
    *,
    amount_mg: float | None,
    count: int | None,
    taken_at: datetime,
    skipped: bool,
    source: str,
    raw_text: str,
    prompt_id: int | None = None,
    group: int | None = None,
    now: datetime | None = None,
) -> tuple[Dose, list[str]]:
    """Store a dose; returns it with the safety notices to show (upper limit, spacing)."""
    now = now or taken_at
    if amount_mg is None and count and not skipped:
        amount_mg = count * user.capsule_mg
    if amount_mg is None and not skipped:
        amount_mg = _planned_amount(user, taken_at)
    dose = Dose(
        user_id=user.id,
        taken_at=taken_at,
        amount_mg=None if skipped else amount_mg,
        count=count,
        status="skipped" if skipped else "taken",
        source=source,
        prompt_id=prompt_id,
        raw_text=raw_text,
        created_at=now,
    )
    session.add(dose)
    await session.flush()
    _journal(
        session, user, group if group is not None else _button_group(now), "dose", dose.id, now
    )
    if prompt_id is None:
        await _answer_matching_prompt(session, user, taken_at, now)
    if skipped:
        return dose, []
    notices = []
    limit = await _upper_limit_notice(session, user, taken_at)
    if limit:
        notices.append(limit)
    notices += await _spacing_notices_for_dose(session, user, taken_at)
    return dose, notices


def _planned_amount(user: User, at: datetime) -> float | None:
    """The planned dose nearest in time of day, for "took my magnesium"."""
    if not user.dose_plan:
        return None
    local = at.astimezone(ZoneInfo(user.timezone))
    minutes = local.hour * 60 + local.minute

    def distance(item: Any) -> int:
        d = abs(item.local_time.hour * 60 + item.local_time.minute - minutes)
        return min(d, 1440 - d)

    return float(min(user.dose_plan, key=distance).amount_mg)


async def _answer_matching_prompt(
    session: AsyncSession, user: User, taken_at: datetime, now: datetime
) -> None:
    """A dose logged by text counts like a prompted one: its prompt is answered, not sent."""
    prompt = (
        await session.scalars(
            select(Prompt)
            .where(
                Prompt.user_id == user.id,
                Prompt.kind.in_((sch.DOSE, sch.SNOOZE)),
                Prompt.status.in_(("pending", "sent")),
                Prompt.scheduled_for.between(
                    taken_at - PROMPT_MATCH_WINDOW, taken_at + PROMPT_MATCH_WINDOW
                ),
            )
            .order_by(Prompt.scheduled_for)
            .limit(1)
        )
    ).first()
    if prompt is not None:
        prompt.status = "answered"
        prompt.answered_at = now
        prompt.outcome = "logged by text"


def _local_day_bounds(user: User, at: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(user.timezone)
    day = at.astimezone(zone).date()
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = start + timedelta(days=1)
    return start, datetime(end.year, end.month, end.day, tzinfo=zone)


async def _upper_limit_notice(session: AsyncSession, user: User, at: datetime) -> str | None:
    """The calm upper-limit notice, at most once a day."""
    start, end = _local_day_bounds(user, at)
    amounts = (
        await session.scalars(
            select(Dose.amount_mg).where(
                Dose.user_id == user.id,
                Dose.status == "taken",
                Dose.taken_at >= start,
                Dose.taken_at < end,
            )
        )
    ).all()
    total = safety.over_upper_limit(amounts)
    day = start.date()
    if total is None or user.upper_limit_noticed_on == day:
        return None
    user.upper_limit_noticed_on = day
    return tx.upper_limit(total)


async def _spacing_notices_for_dose(
    session: AsyncSession, user: User, dose_at: datetime
) -> list[str]:
    meds = (
        await session.scalars(
            select(MedicationTaken).where(
                MedicationTaken.user_id == user.id,
                MedicationTaken.taken_at.between(
                    dose_at - timedelta(hours=6), dose_at + timedelta(hours=6)
                ),
            )
        )
    ).all()
    notices = []
    for med in meds:
        med_class = MedClass(med.med_class)
        if med_class in safety.SPACED_CLASSES and safety.too_close(
            med_class, med.taken_at, dose_at
        ):
            notices.append(tx.spacing(med.name, med_class))
    return notices


async def _store_dose(msg: _Message, entry: dict[str, Any]) -> None:
    amount = entry.get("amount_mg")
    count = entry.get("count")
    dose, notices = await record_dose(
        msg.session,
        msg.user,
        amount_mg=elemental_mg(msg.user, float(amount)) if amount is not None else None,
        count=int(count) if count else None,
        taken_at=msg.when(entry.get("taken_at")),
        skipped=bool(entry.get("skipped")),
        source="text",
        raw_text=msg.raw,
        prompt_id=None,
        group=msg.group,
        now=msg.now,
    )
    msg.out.lines.append(tx.dose_line(dose, msg.user.timezone))
    msg.out.notices += notices


SLEEP_FIELDS = ("quality", "hours", "awakenings", "onset_minutes", "restless_legs", "cramps")


async def _store_sleep(msg: _Message, entry: dict[str, Any]) -> None:
    """One row per night: a second message about the same night fills in the first."""
    night = (msg.sent_at.astimezone(ZoneInfo(msg.user.timezone)) - NIGHT_ROLLOVER).date()
    given = {f: entry.get(f) for f in SLEEP_FIELDS if entry.get(f) not in (None, False)}
    row = (
        await msg.session.scalars(
            select(Sleep)
            .where(Sleep.user_id == msg.user.id, Sleep.night == night)
            .order_by(Sleep.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        row = await msg.add(
            Sleep(
                user_id=msg.user.id,
                night=night,
                restless_legs=False,
                cramps=False,
                raw_text=msg.raw,
                recorded_at=msg.sent_at,
                **given,
            ),
            "sleep",
        )
    else:
        before = {f: getattr(row, f) for f in [*given, "raw_text"]}
        for field, value in given.items():
            setattr(row, field, value)
        row.raw_text = f"{row.raw_text}\n{msg.raw}".strip()
        _journal(msg.session, msg.user, msg.group, "sleep_merge", row.id, msg.now, before=before)
    msg.out.lines.append(tx.sleep_line(row))


async def _store_side_effect(msg: _Message, entry: dict[str, Any]) -> None:
    effects = list(entry["effects"])
    await msg.add(
        SideEffect(user_id=msg.user.id, at=msg.sent_at, effects=effects, raw_text=msg.raw),
        "side_effect",
    )
    msg.out.lines.append(tx.side_effect_line(effects))
    recent = (
        await msg.session.execute(
            select(SideEffect.at, SideEffect.effects).where(
                SideEffect.user_id == msg.user.id, SideEffect.at > msg.sent_at - safety.GI_WINDOW
            )
        )
    ).all()
    if safety.recurring_gi([(at, codes) for at, codes in recent], msg.sent_at):
        msg.out.notices.append(tx.GI_HINT)


async def _store_medication(
    msg: _Message, entry: dict[str, Any], attack: Attack | None
) -> MedicationTaken:
    """A medicine taken; an acute one joins the open attack. Warns when it binds magnesium."""
    name = str(entry["name"])
    med_class = medication_class(name)
    taken_at = msg.when(entry.get("taken_at"))
    linked = attack if attack is not None and med_class in ACUTE_CLASSES else None
    row = await msg.add(
        MedicationTaken(
            user_id=msg.user.id,
            attack_id=linked.id if linked else None,
            name=name,
            med_class=med_class.value,
            dose_mg=entry.get("dose_mg"),
            taken_at=taken_at,
            raw_text=msg.raw,
        ),
        "medication",
    )
    if med_class in safety.SPACED_CLASSES:
        before, after = safety.spacing_window(med_class)
        doses = (
            await msg.session.scalars(
                select(Dose.taken_at).where(
                    Dose.user_id == msg.user.id,
                    Dose.status == "taken",
                    Dose.taken_at.between(taken_at - after, taken_at + before),
                )
            )
        ).all()
        if any(safety.too_close(med_class, taken_at, d) for d in doses):
            msg.out.notices.append(tx.spacing(name, med_class))
    return row


# --- undo ------------------------------------------------------------------------


async def undo_last(session: AsyncSession, user: User, now: datetime) -> list[str] | None:
    """Remove what the last message stored, with its effects. None when there is nothing."""
    last = (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user.id)
            .order_by(JournalEntry.id.desc())
            .limit(1)
        )
    ).first()
    if last is None:
        return None
    return await undo_group(session, user, last.group_id, now)


async def undo_group(session: AsyncSession, user: User, group: int, now: datetime) -> list[str]:
    """Remove everything one message (or one button) stored, newest first."""
    entries = (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user.id, JournalEntry.group_id == group)
            .order_by(JournalEntry.id.desc())
        )
    ).all()
    described = [await undo_entry(session, user, entry, now) for entry in entries]
    return [d for d in described if d]


async def undo_entry(session: AsyncSession, user: User, entry: JournalEntry, now: datetime) -> str:
    """Revert one journal entry and delete it; returns a description of what was removed."""
    kind, effects = entry.kind, entry.effects or {}
    description = ""
    if kind == "attack_end":
        attack = await session.get(Attack, entry.row_id)
        if attack is not None and attack.user_id == user.id:
            prev = effects.get("prev_ended_at")
            attack.ended_at = datetime.fromisoformat(prev) if prev else None
            await session.execute(
                delete(Prompt).where(
                    Prompt.attack_id == attack.id,
                    Prompt.kind == "recurrence",
                    Prompt.status == "pending",
                )
            )
            if attack.ended_at is None:
                await plan.schedule_followups(session, user, attack, now)
            description = tx.UNDONE_END
    elif kind == "attack_merge":
        attack = await session.get(Attack, entry.row_id)
        before = effects.get("before") or {}
        if attack is not None and attack.user_id == user.id:
            attack.peak_intensity = before.get("peak")
            attack.symptoms = before.get("symptoms", attack.symptoms)
            attack.triggers = before.get("triggers", attack.triggers)
            attack.kind = before.get("kind", attack.kind)
            if effects.get("update_id"):
                await session.execute(
                    delete(AttackUpdate).where(
                        AttackUpdate.id == effects["update_id"], AttackUpdate.user_id == user.id
                    )
                )
            description = tx.UNDONE_MERGE
    elif kind == "sleep_merge":
        night = await session.get(Sleep, entry.row_id)
        if night is not None and night.user_id == user.id:
            for field, value in (effects.get("before") or {}).items():
                setattr(night, field, value)
            description = tx.sleep_line(night)
    elif kind == "attack_update":
        attack = await session.get(Attack, effects.get("attack_id") or 0)
        if attack is not None and attack.user_id == user.id:
            attack.peak_intensity = effects.get("prev_peak")
        description = await _delete_row(session, user, "attack_update", entry.row_id, now)
    else:
        description = await _delete_row(session, user, kind, entry.row_id, now)
    await session.delete(entry)
    await session.flush()
    return description


async def _delete_row(
    session: AsyncSession, user: User, kind: str, row_id: int, now: datetime
) -> str:
    model = ROW_MODELS.get(kind)
    if model is None:
        return ""
    row = await session.get(model, row_id)
    if row is None or row.user_id != user.id:
        return ""
    description = tx.describe_row(kind, row, user.timezone, now)
    if kind == "attack":
        # its medicines stay as medicines taken; its journal lines go with it
        await session.execute(
            delete(JournalEntry).where(
                JournalEntry.user_id == user.id,
                JournalEntry.kind.in_(("attack_end", "attack_merge")),
                JournalEntry.row_id == row_id,
            )
        )
    await session.delete(row)
    await session.flush()
    return description
