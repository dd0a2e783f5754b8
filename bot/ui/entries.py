"""The words for logged entries: what the bot understood, safety notices, undo.

Kept beside bot/ui/texts.py (the catalogue of fixed texts) because these are built
from the diary's results. HTML: everything that came from the person is escaped.
Every line names the day when the entry is not today's (DESIGN §6a).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.diary import results as r
from bot.domain.codes import SIDE_EFFECT_WORDS, SYMPTOM_WORDS, TRIGGER_WORDS
from bot.domain.medicines import MedClass
from bot.domain.overuse import Level
from bot.domain.safety import UPPER_LIMIT_MG
from bot.ui.texts import esc, mg
from storage.enums import AttackKind, DoseStatus, EntryKind
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Dose,
    FactorDay,
    MedicationTaken,
    Period,
    SideEffect,
    Sleep,
)

# One spelling per code everywhere (the summary and the report use the same words).
SYMPTOM_LABELS = SYMPTOM_WORDS
TRIGGER_LABELS = TRIGGER_WORDS
SIDE_EFFECT_LABELS = SIDE_EFFECT_WORDS
RELIEF_WORDS = {"better": "better", "same": "no better", "worse": "worse"}


def local(at: datetime, zone: str | ZoneInfo) -> datetime:
    return at.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


def clock(at: datetime, zone: str | ZoneInfo, *, with_day: bool = False) -> str:
    loc = local(at, zone)
    return loc.strftime("%a %d %b %H:%M") if with_day else loc.strftime("%H:%M")


def moment(at: datetime, zone: str | ZoneInfo, today: date) -> str:
    """ "14:00" today, "Fri 27 Nov 22:00" another day."""
    return clock(at, zone, with_day=local(at, zone).date() != today)


def on_day(day: date, today: date) -> str:
    """ ", Fri 27 Nov" when `day` is not today, else ""."""
    return "" if day == today else f", {day:%a %d %b}"


def kind_word(kind: str) -> str:
    return "Migraine" if kind == AttackKind.MIGRAINE else "Headache"


def medicine_text(row: MedicationTaken, zone: str | ZoneInfo, today: date) -> str:
    dose = f" {mg(row.dose_mg)}" if row.dose_mg else ""
    return f"{esc(row.name)}{dose} at {moment(row.taken_at, zone, today)}"


ASSUMED_START = " (no time given, so I put {at}; /log to change it)"


def attack_line(
    attack: Attack,
    zone: str | ZoneInfo,
    today: date,
    *,
    meds: Sequence[MedicationTaken] = (),
    continued: bool = False,
    assumed: frozenset[str] = frozenset(),
) -> str:
    """ "Migraine 7/10 since 14:00, nausea, after stress, ibuprofen 400 mg at 14:30"."""
    head = kind_word(attack.kind)
    if attack.peak_intensity is not None:
        head += f" {attack.peak_intensity}/10"
    if continued:
        head += " (same attack)"
    else:
        head += f" since {moment(attack.started_at, zone, today)}"
        if "started_at" in assumed:
            head += ASSUMED_START.format(at=clock(attack.started_at, zone))
    if attack.ended_at:
        head += f", ended {moment(attack.ended_at, zone, today)}"
    parts = [head]
    parts += [SYMPTOM_LABELS.get(s, esc(s)) for s in attack.symptoms]
    if attack.triggers:
        parts.append("after " + " + ".join(TRIGGER_LABELS.get(t, esc(t)) for t in attack.triggers))
    parts += [medicine_text(m, zone, today) for m in meds]
    return ", ".join(parts)


def pain_line(
    attack: Attack, update: AttackUpdate, zone: str | ZoneInfo, today: date, now: datetime
) -> str:
    kind = kind_word(attack.kind)
    if update.gone:
        what = "pain gone"
    elif update.intensity is not None:
        what = f"pain {update.intensity}/10"
    elif update.relief:
        what = RELIEF_WORDS.get(update.relief, esc(update.relief))
    else:
        what = "noted"
    if abs((now - update.at).total_seconds()) < 600:
        return (
            f"{kind} now: {what}."
            if update.intensity is None
            else f"{kind} now {update.intensity}/10."
        )
    return (
        f"{what.capitalize()} at {moment(update.at, zone, today)}, in your "
        f"{kind.lower()} of {moment(attack.started_at, zone, today)}."
    )


def end_line(attack: Attack, zone: str | ZoneInfo, today: date) -> str:
    assert attack.ended_at is not None
    return (
        f"{kind_word(attack.kind)} over at {moment(attack.ended_at, zone, today)}. Glad it's gone."
    )


def dose_line(dose: Dose, zone: str | ZoneInfo, today: date, *, assumed: bool = False) -> str:
    day = local(dose.taken_at, zone).date()
    if dose.status == DoseStatus.SKIPPED:
        return f"Skipped dose{on_day(day, today) or ', today'}."
    amount = mg(dose.amount_mg) if dose.amount_mg is not None else "a dose"
    caps = f" ({dose.count} capsules)" if dose.count else ""
    guess = " (the planned time; /log to change it)" if assumed else ""
    return f"Magnesium {amount}{caps} at {moment(dose.taken_at, zone, today)}{guess}."


def sleep_line(row: Sleep) -> str:
    bits = []
    if row.quality is not None:
        bits.append(f"quality {row.quality}/5")
    if row.hours is not None:
        bits.append(f"{row.hours:g} h")
    if row.awakenings is not None:
        bits.append(f"woke {row.awakenings}×")
    if row.onset_minutes is not None:
        bits.append(f"fell asleep in {row.onset_minutes} min")
    if row.restless_legs:
        bits.append("restless legs")
    if row.cramps:
        bits.append("cramps")
    return f"Sleep (night of {row.night:%a %d %b}): " + (", ".join(bits) or "noted") + "."


def anxiety_line(row: Anxiety, zone: str | ZoneInfo, today: date) -> str:
    return f"Anxiety {row.level}/10{on_day(local(row.at, zone).date(), today)}."


def side_effect_line(row: SideEffect, zone: str | ZoneInfo, today: date) -> str:
    effects = ", ".join(SIDE_EFFECT_LABELS.get(e, esc(e)) for e in row.effects)
    return f"Side effect: {effects}{on_day(local(row.at, zone).date(), today)}."


def medication_line(row: MedicationTaken, zone: str | ZoneInfo, today: date) -> str:
    text = medicine_text(row, zone, today)
    return text[0].upper() + text[1:] + "."


def period_line(
    row: Period, today: date, *, already: bool = False, marked_first: bool = False
) -> str:
    """ "Period started today (day 1 of your cycle)." / "Period on Fri 27 Nov." """
    day = "today" if row.day == today else f"{row.day:%a %d %b}"
    on = "today" if row.day == today else f"on {day}"
    if already:
        return f"Period {on}: already noted."
    if marked_first:
        return f"Period: {day} is now day 1 of your cycle."
    if row.started:
        return f"Period started {day} (day 1 of your cycle)."
    return f"Period {on}."


def trigger_words(codes: Sequence[str]) -> str:
    return ", ".join(TRIGGER_LABELS.get(c, esc(c)) for c in codes)


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]


def factors_line(day: date, codes: Sequence[str], already: Sequence[str], today: date) -> str:
    """ "Noted for today: caffeine, skipped meal." / "Stress on Tue 09 Jun: already noted." """
    when = "today" if day == today else f"{day:%a %d %b}"
    if not codes:
        on = when if day == today else f"on {when}"
        return f"{_first_up(trigger_words(already))} {on}: already noted."
    again = f" (already noted: {trigger_words(already)})" if already else ""
    return f"Noted for {when}: {trigger_words(codes)}{again}."


def factor_line(row: FactorDay, today: date) -> str:
    """One possible trigger in /log: "Caffeine (possible trigger), Tue 09 Jun"."""
    return f"{_first_up(trigger_words([row.code]))} (possible trigger){on_day(row.day, today)}"


SEVERE = 7  # pain from here on is severe enough to say so
NIGHT_HOURS = (22, 6)  # from 22:00 to 06:00 is night, whatever the quiet hours


def next_check(item: r.Logged, zone: str | ZoneInfo, today: date, now: datetime) -> str | None:
    """When the bot will ask again about an attack just logged; kinder at night when it is bad."""
    if not isinstance(item, r.AttackLogged) or item.next_check is None:
        return None
    when = moment(item.next_check, zone, today)
    hour = local(now, zone).hour
    severe = (item.attack.peak_intensity or 0) >= SEVERE
    if severe and (hour >= NIGHT_HOURS[0] or hour < NIGHT_HOURS[1]):
        return f"I'm sorry it's this bad, and at night. I'll ask how you are at {when}."
    return f"I'll ask how it is at {when}."


def logged_line(item: r.Logged, zone: str | ZoneInfo, today: date, now: datetime) -> str:
    match item:
        case r.AttackLogged():
            return attack_line(
                item.attack,
                zone,
                today,
                meds=item.medicines,
                continued=item.continued,
                assumed=item.assumed,
            )
        case r.PainLogged():
            return pain_line(item.attack, item.update, zone, today, now)
        case r.AttackEnded():
            return end_line(item.attack, zone, today)
        case r.DoseLogged():
            return dose_line(item.dose, zone, today, assumed=item.time_assumed)
        case r.SleepLogged():
            return sleep_line(item.sleep)
        case r.AnxietyLogged():
            return anxiety_line(item.anxiety, zone, today)
        case r.SideEffectLogged():
            return side_effect_line(item.side_effect, zone, today)
        case r.MedicineLogged():
            return medication_line(item.medicine, zone, today)
        case r.PeriodLogged():
            return period_line(
                item.period, today, already=item.already, marked_first=item.marked_first
            )
        case r.FactorsLogged():
            return factors_line(item.day, [x.code for x in item.rows], item.already, today)


def upper_limit(total: float) -> str:
    return (
        f"ℹ️ Today's magnesium adds up to {mg(total)}, above the {UPPER_LIMIT_MG:g} mg upper "
        "limit for supplements. That can be fine under a clinician's guidance (migraine doses "
        "are often 400–600 mg), but please agree it with them. Loose stools are the usual "
        "first sign of too much."
    )


def spacing(name: str, med_class: MedClass) -> str:
    if med_class is MedClass.BISPHOSPHONATE:
        rule = "at least 2 hours apart from magnesium"
    else:
        rule = "2 hours before or 4–6 hours after magnesium"
    return (
        f"⚠️ Magnesium can stop {esc(name)} from being absorbed. Take it {rule}. "
        "If they were close together today, ask your pharmacist whether to do anything."
    )


def overuse(level: Level, text: str) -> str:
    """The overuse notice in the domain's words (plain, HTML-safe), with a sign of how serious."""
    return f"{'ℹ️' if level is Level.NOTICE else '⚠️'} {text}"


GI_HINT = (
    "ℹ️ Stomach trouble twice this week. Splitting the dose (e.g. half in the morning, half "
    "at night) or taking it with food often helps."
)
RED_FLAG = (
    "🚨 <b>Please get urgent medical care now</b> (call your local emergency number). "
    "A headache like the one you describe — {reasons} — can be a sign of something serious "
    "and needs a doctor today, not a diary. I've kept your note below."
)
RED_FLAG_REASONS = {
    "worst_headache": "the worst headache of your life",
    "thunderclap": "a sudden, explosive start",
    "head_injury": "after a head injury",
    "fever_stiff_neck": "fever with a stiff neck",
    "weakness": "new weakness",
    "numbness": "numbness",
    "confusion": "confusion",
    "speech": "trouble speaking",
    "vision_loss": "loss of vision",
}


def red_flag(codes: list[str]) -> str:
    reasons = ", ".join(RED_FLAG_REASONS.get(c, esc(c)) for c in codes) or "with warning signs"
    return RED_FLAG.format(reasons=reasons)


NOTHING_UNDERSTOOD = (
    "Sorry, I didn't catch anything to log there. You can write, for example:\n"
    "• <i>migraine since 3pm 7/10, nausea</i>\n"
    "• <i>took 200mg magnesium</i>\n"
    "• <i>slept badly, woke up 3 times</i>"
)
NO_OPEN_ATTACK = (
    "I don't see a headache in progress. Is this a new one? Tap to log it, or write e.g. "
    "<i>migraine since 2pm 6/10</i>."
)


def impossible_date(written: str) -> str:
    shown = re.sub(r"\s*([-/.])\s*", r"\1", written).title()
    return (
        f"There's no {esc(shown)} on the calendar, so I haven't saved this. "
        "Please send it again with the right date, e.g. <i>headache on March 3 from 2pm to 6pm</i>."
    )


OVERLAP = (
    "This overlaps an attack you logged already: {existing}. Is it the same attack, or a new one?"
)


def zone_assumed(zone: str) -> str:
    return (
        f"🕑 I read the times in <b>{esc(zone)}</b>, because you haven't told me your time "
        "zone. If that's wrong, tap yours (what you just logged moves with it), or send e.g. "
        "<i>/timezone Europe/Paris</i>."
    )


def capsule_assumed(assumed_mg: float) -> str:
    return (
        f"ℹ️ I counted {assumed_mg:g} mg of magnesium per capsule. If yours hold a different "
        "amount, send e.g. <i>/capsule 120mg</i> (the label's elemental magnesium per capsule)."
    )


KEPT_BOTH = "Kept as two attacks."


def merged(attack_text: str) -> str:
    return f"Merged into one: {attack_text}."


def zone_fixed(zone: str, moved: int) -> str:
    what = f", and moved what you logged ({moved} {'entry' if moved == 1 else 'entries'})"
    return f"Time zone set to <b>{esc(zone)}</b>{what if moved else ''}."


NOTHING_TO_END = (
    "I don't see a headache in progress to close. To log one that's already over, write "
    "e.g. <i>headache from 9am to 1pm, 5/10</i>."
)
NOTHING_TO_UNDO = "There's nothing to undo."


def describe(
    kind: EntryKind,
    row: object,
    zone: str | ZoneInfo,
    today: date,
    *,
    attack: Attack | None = None,
) -> str:
    """What one entry is, in a line: for /log and for what an undo took back."""
    if isinstance(row, Attack):
        return attack_line(row, zone, today)
    if isinstance(row, AttackUpdate):
        what = (
            "gone"
            if row.gone
            else f"{row.intensity}/10"
            if row.intensity is not None
            else RELIEF_WORDS.get(row.relief or "", "noted")
        )
        within = ""
        if attack is not None:
            began = local(attack.started_at, zone)
            within = f" in the {kind_word(attack.kind).lower()} of {began:%a %d %b}"
        return f"Pain {what} at {moment(row.at, zone, today)}{within}"
    if isinstance(row, Dose):
        return dose_line(row, zone, today).rstrip(".")
    if isinstance(row, MedicationTaken):
        return medication_line(row, zone, today).rstrip(".")
    if isinstance(row, Sleep):
        return sleep_line(row).rstrip(".")
    if isinstance(row, Anxiety):
        return anxiety_line(row, zone, today).rstrip(".")
    if isinstance(row, SideEffect):
        return side_effect_line(row, zone, today).rstrip(".")
    if isinstance(row, Period):
        return period_line(row, today).rstrip(".")
    if isinstance(row, FactorDay):
        return factor_line(row, today)
    return kind.value.replace("_", " ")


def undone(items: Sequence[r.Undone], zone: str | ZoneInfo, today: date) -> str:
    """ "Undone. Removed: …. Restored: …" — what an undo took away and what came back."""
    removed = [
        describe(u.kind, u.row, zone, today, attack=u.attack) for u in items if not u.restored
    ]
    restored = []
    for u in items:
        if not u.restored:
            continue
        if u.kind is EntryKind.ATTACK_END and isinstance(u.row, Attack):
            restored.append(
                f"{kind_word(u.row.kind).lower()} open again ({attack_line(u.row, zone, today)})"
            )
        else:
            restored.append(describe(u.kind, u.row, zone, today))
    lines = ["Undone."]
    if removed:
        lines.append("Removed: " + "; ".join(removed) + ".")
    if restored:
        lines.append("As before: " + "; ".join(restored) + ".")
    return "\n".join(lines)
