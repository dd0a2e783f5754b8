"""Attacks: a new one, news about one (pain now, at a time, relief), its end, button edits.

Every path that changes an attack comes through here: free text, the buttons
under a check-in reply, the follow-up and "did it help?" prompts, "it came
back", /log corrections.
"""

from __future__ import annotations

from datetime import datetime

from bot.diary import journal, medicines
from bot.diary.results import (
    AttackEnded,
    AttackLogged,
    NoOpenAttack,
    NothingToEnd,
    Notice,
    Overlap,
    PainLogged,
    Question,
)
from bot.diary.scope import Scope
from bot.diary.times import when
from bot.domain.entries import AttackEndEntry, AttackEntry, AttackUpdateEntry, Medicine
from bot.scheduling import plan
from storage.enums import AttackKind, EntryKind, Relief
from storage.models import Attack, AttackUpdate, MedicationTaken
from storage.queries import diary

SYMPTOMS = (
    "throbbing",
    "one_sided",
    "nausea",
    "vomiting",
    "light_sensitivity",
    "sound_sensitivity",
    "smell_sensitivity",
    "aura",
    "dizziness",
    "neck_pain",
    "fatigue",
)
TRIGGERS = (
    "stress",
    "menstruation",
    "chocolate",
    "cheese",
    "processed_meat",
    "msg",
    "alcohol",
    "caffeine",
    "dehydration",
    "poor_sleep",
    "oversleep",
    "skipped_meal",
    "weather",
    "bright_light",
    "screen_time",
    "strong_smell",
    "exercise",
)


def _unique(*codes: tuple[str, ...] | list[str]) -> list[str]:
    return list(dict.fromkeys(code for group in codes for code in group))


def _intensity(value: float | None) -> int | None:
    return None if value is None else max(0, min(10, round(value)))


async def record_attack(
    scope: Scope, entry: AttackEntry, raw: str
) -> tuple[AttackLogged, list[Notice], list[Question]]:
    """A new attack, or news about the one already open when no time was named."""
    intensity = _intensity(entry.intensity)
    named = entry.started_at is not None or entry.ended_at is not None
    current = (
        None if named else await diary.open_attack(scope.session, scope.user.id, scope.sent_at)
    )
    questions: list[Question] = []
    next_check: datetime | None = None
    if current is not None:
        attack = await _fold_into(scope, current, entry, intensity, raw)
        continued = True
    else:
        attack, next_check = await _new_attack(scope, entry, intensity, raw)
        continued = False
        if named:
            other = await diary.overlapping(
                scope.session,
                scope.user.id,
                attack.started_at,
                attack.ended_at or scope.sent_at,
                not_id=attack.id,
            )
            if other is not None:
                questions.append(Overlap(new=attack, existing=other))
    notices: list[Notice] = []
    meds: list[MedicationTaken] = []
    for medicine in entry.medications:
        row, said = await medicines.record_medicine(
            scope, medicine, raw, attack=attack, default_at=_medicine_time(scope, attack, medicine)
        )
        meds.append(row)
        notices += said
    return (
        AttackLogged(
            attack, tuple(meds), continued=continued, assumed=entry.assumed, next_check=next_check
        ),
        notices,
        questions,
    )


def _medicine_time(scope: Scope, attack: Attack, medicine: Medicine) -> datetime:
    """A medicine whose time was not said: taken at the start of an attack already over."""
    if medicine.taken_at is None and attack.ended_at is not None:
        return attack.started_at
    return when(scope, medicine.taken_at)


async def _new_attack(
    scope: Scope, entry: AttackEntry, intensity: int | None, raw: str
) -> tuple[Attack, datetime | None]:
    """A new attack row; with when its first follow-up will ask, if it is still going."""
    started = when(scope, entry.started_at)
    ended = None
    if entry.ended_at is not None and started < entry.ended_at <= scope.sent_at:
        ended = entry.ended_at  # an end still ahead ("all day", said at noon) is not an end yet
    symptoms = _unique(entry.symptoms)
    attack = await diary.add(
        scope.session,
        Attack(
            user_id=scope.user.id,
            started_at=started,
            ended_at=ended,
            kind=entry.kind,
            peak_intensity=intensity,
            start_intensity=intensity,
            symptoms=symptoms,
            triggers=_unique(entry.triggers),
            aura="aura" in symptoms,
            raw_text=raw,
            created_at=scope.now,
        ),
    )
    journal.note(scope, EntryKind.ATTACK, attack.id)
    next_check = None
    # "migraine on friday": a day gone by, no time, no end: a past attack, not one to ask about
    past_day = (
        "started_at" in entry.assumed
        and scope.local(started).date() < scope.local(scope.sent_at).date()
    )
    if attack.ended_at is None and not past_day:
        next_check = await plan.schedule_first_followup(
            scope.session, scope.user, attack, scope.now
        )
    return attack, next_check


async def _fold_into(
    scope: Scope, attack: Attack, entry: AttackEntry, intensity: int | None, raw: str
) -> Attack:
    """ "migraine 8/10" while one is open is news about that attack, not a new one."""
    before = journal.attack_state(attack)
    attack.symptoms = _unique(attack.symptoms, entry.symptoms)
    attack.triggers = _unique(attack.triggers, entry.triggers)
    if entry.kind is AttackKind.MIGRAINE:
        attack.kind = AttackKind.MIGRAINE
    attack.aura = attack.aura or "aura" in entry.symptoms
    update = None
    if intensity is not None:
        update = await _add_update(scope, attack, at=scope.sent_at, intensity=intensity, raw=raw)
    journal.note(
        scope,
        EntryKind.ATTACK_MERGE,
        attack.id,
        before=before,
        update_id=update.id if update else None,
    )
    return attack


async def _add_update(
    scope: Scope,
    attack: Attack,
    *,
    at: datetime,
    intensity: int | None,
    raw: str,
    gone: bool = False,
    relief: Relief | None = None,
) -> AttackUpdate:
    """An update row; the attack's peak (and first intensity) follow it."""
    row = await diary.add(
        scope.session,
        AttackUpdate(
            user_id=scope.user.id,
            attack_id=attack.id,
            at=at,
            intensity=intensity,
            relief=relief,
            gone=gone,
            raw_text=raw,
        ),
    )
    if intensity:  # a 0 ("gone") is never an attack's worst or starting pain
        attack.peak_intensity = max(attack.peak_intensity or 0, intensity)
        if attack.start_intensity is None:
            attack.start_intensity = intensity
    return row


async def add_pain(
    scope: Scope,
    attack: Attack,
    *,
    at: datetime,
    intensity: int | None,
    raw: str,
    gone: bool = False,
    relief: Relief | None = None,
) -> PainLogged:
    """Pain at a moment of an attack (a check-in, a follow-up, a "did it help?" answer)."""
    before_peak = attack.peak_intensity
    row = await _add_update(
        scope, attack, at=at, intensity=intensity, raw=raw, gone=gone, relief=relief
    )
    journal.note(scope, EntryKind.ATTACK_UPDATE, row.id, attack_id=attack.id, prev_peak=before_peak)
    return PainLogged(attack, row)


async def record_pain(
    scope: Scope, entry: AttackUpdateEntry, raw: str
) -> PainLogged | NoOpenAttack:
    """ "pain now 3", or "9 Nov at 16:30 pain was 3/10" for the attack that covers that time."""
    intensity = _intensity(entry.intensity)
    at = when(scope, entry.at)
    if entry.at is not None:
        attack = await diary.attack_at(scope.session, scope.user.id, at)
    else:
        attack = await diary.open_attack(scope.session, scope.user.id, scope.sent_at)
    if attack is None:
        return NoOpenAttack(intensity)
    return await add_pain(scope, attack, at=at, intensity=intensity, raw=raw, gone=intensity == 0)


async def end_attack(scope: Scope, attack: Attack, at: datetime) -> AttackEnded:
    """End an attack: stop its follow-ups and plan the +24 h "did it come back?" check."""
    previous = attack.ended_at
    attack.ended_at = max(at, attack.started_at)
    await plan.cancel_followups(scope.session, attack.id)
    await plan.schedule_recurrence_check(scope.session, scope.user, attack, scope.now)
    journal.note(
        scope,
        EntryKind.ATTACK_END,
        attack.id,
        prev_ended_at=previous.isoformat() if previous else None,
    )
    return AttackEnded(attack)


async def record_end(scope: Scope, entry: AttackEndEntry) -> AttackEnded | NothingToEnd:
    attack = await diary.open_attack(scope.session, scope.user.id, scope.sent_at)
    if attack is None:
        return NothingToEnd()
    return await end_attack(scope, attack, when(scope, entry.ended_at))


async def came_back(scope: Scope, kind: AttackKind, raw: str) -> AttackLogged:
    """ "It came back": a new attack from now, not the old one reopened.

    Migraine days count the same either way; a new row keeps the duration the
    person reported for the first, gets its own follow-ups and 2-hour response,
    and can be taken back with /undo like any entry.
    """
    logged, _, _ = await record_attack(scope, AttackEntry(kind=kind), raw)
    return logged


# --- buttons and corrections ----------------------------------------------------------------


async def own_attack(scope: Scope, attack_id: int) -> Attack | None:
    return await diary.owned(scope.session, Attack, scope.user.id, attack_id)


async def medicines_of(scope: Scope, attack: Attack) -> list[MedicationTaken]:
    return list(await diary.medicines_of(scope.session, attack.id))


async def _edit(scope: Scope, attack: Attack) -> None:
    journal.note(scope, EntryKind.ATTACK_EDIT, attack.id, before=journal.attack_state(attack))


async def set_peak(scope: Scope, attack: Attack, value: int, *, exact: bool = False) -> bool:
    """The intensity keypad (raises the peak) or a /log correction (`exact`: sets it)."""
    if not 0 <= value <= 10:
        return False
    await _edit(scope, attack)
    attack.peak_intensity = value if exact else max(attack.peak_intensity or 0, value)
    if attack.start_intensity is None:
        attack.start_intensity = value
    return True


async def toggle_code(
    scope: Scope, attack: Attack, *, symptom: int | None = None, trigger: int | None = None
) -> bool:
    """Tick or untick one symptom or trigger (by its index in SYMPTOMS / TRIGGERS)."""
    if symptom is not None and 0 <= symptom < len(SYMPTOMS):
        await _edit(scope, attack)
        attack.symptoms = _toggled(attack.symptoms, SYMPTOMS[symptom])
        attack.aura = "aura" in attack.symptoms
        return True
    if trigger is not None and 0 <= trigger < len(TRIGGERS):
        await _edit(scope, attack)
        attack.triggers = _toggled(attack.triggers, TRIGGERS[trigger])
        return True
    return False


def _toggled(codes: list[str], code: str) -> list[str]:
    return [c for c in codes if c != code] if code in codes else [*codes, code]


async def merge_overlap(scope: Scope, new_id: int, existing_id: int) -> Attack | None:
    """ "Same attack": fold the new attack into the one it overlaps, and drop the new row."""
    new = await own_attack(scope, new_id)
    existing = await own_attack(scope, existing_id)
    if new is None or existing is None or new.id == existing.id:
        return None
    before = journal.attack_state(existing)
    before["started_at"] = existing.started_at.isoformat()
    before["ended_at"] = existing.ended_at.isoformat() if existing.ended_at else None
    existing.started_at = min(existing.started_at, new.started_at)
    if existing.ended_at is not None and new.ended_at is not None:
        existing.ended_at = max(existing.ended_at, new.ended_at)
    if new.peak_intensity is not None:
        existing.peak_intensity = max(existing.peak_intensity or 0, new.peak_intensity)
    if existing.start_intensity is None:
        existing.start_intensity = new.start_intensity
    existing.symptoms = _unique(existing.symptoms, new.symptoms)
    existing.triggers = _unique(existing.triggers, new.triggers)
    existing.aura = existing.aura or new.aura
    if new.kind == AttackKind.MIGRAINE:
        existing.kind = AttackKind.MIGRAINE
    await diary.move_attack_children(scope.session, new.id, existing.id)
    if existing.ended_at is None:
        await plan.move_med_checks(scope.session, new.id, existing.id)
    await plan.cancel_followups(scope.session, new.id)
    await journal.forget_attack(scope, new)
    journal.note(scope, EntryKind.ATTACK_MERGE, existing.id, before=before)
    return existing
