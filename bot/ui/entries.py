"""The words for logged entries: what the bot understood, safety notices, undo.

Kept beside bot/ui/texts.py (the catalogue of fixed texts) because these are built
from rows. HTML: everything that came from the person is escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.medicines import MedClass
from bot.domain.safety import UPPER_LIMIT_MG
from bot.ui.texts import esc, mg

SYMPTOM_LABELS = {
    "throbbing": "throbbing",
    "one_sided": "one-sided",
    "nausea": "nausea",
    "vomiting": "vomiting",
    "light_sensitivity": "light hurts",
    "sound_sensitivity": "sound hurts",
    "smell_sensitivity": "smells hurt",
    "aura": "aura",
    "dizziness": "dizzy",
    "neck_pain": "neck pain",
    "fatigue": "tired",
}
TRIGGER_LABELS = {
    "stress": "stress",
    "menstruation": "period",
    "chocolate": "chocolate",
    "cheese": "cheese",
    "processed_meat": "processed meat",
    "msg": "MSG",
    "alcohol": "alcohol",
    "caffeine": "caffeine",
    "dehydration": "too little water",
    "poor_sleep": "poor sleep",
    "oversleep": "overslept",
    "skipped_meal": "skipped meal",
    "weather": "weather",
    "bright_light": "bright light",
    "screen_time": "screens",
    "strong_smell": "strong smell",
    "exercise": "exercise",
}
SIDE_EFFECT_LABELS = {
    "diarrhea": "diarrhoea",
    "stomach_upset": "upset stomach",
    "nausea": "nausea",
    "drowsiness": "drowsiness",
}


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def clock(at: datetime, zone: str, *, with_day: bool = False) -> str:
    loc = local(at, zone)
    return loc.strftime("%a %d %b %H:%M") if with_day else loc.strftime("%H:%M")


def attack_line(
    attack: Any, zone: str, *, now: datetime, meds: Sequence[Any] = (), continued: bool = False
) -> str:
    """ "Migraine 7/10 since 14:00, nausea, after stress, ibuprofen 400 mg"."""
    parts = [("Migraine" if attack.kind == "migraine" else "Headache")]
    if attack.peak_intensity is not None:
        parts[0] += f" {attack.peak_intensity}/10"
    if continued:
        parts[0] += " (same attack)"
    else:
        other_day = local(attack.started_at, zone).date() != local(now, zone).date()
        parts[0] += f" since {clock(attack.started_at, zone, with_day=other_day)}"
    if attack.ended_at:
        parts[0] += f", ended {clock(attack.ended_at, zone)}"
    parts += [SYMPTOM_LABELS.get(s, esc(s)) for s in attack.symptoms]
    if attack.triggers:
        parts.append("after " + " + ".join(TRIGGER_LABELS.get(t, esc(t)) for t in attack.triggers))
    parts += [esc(m.name) + (f" {mg(m.dose_mg)}" if m.dose_mg else "") for m in meds]
    return ", ".join(parts)


def update_line(attack: Any, intensity: int | None) -> str:
    kind = "Migraine" if attack.kind == "migraine" else "Headache"
    if intensity is None:
        return f"{kind}: noted."
    return f"{kind} now {intensity}/10."


def end_line(attack: Any, zone: str) -> str:
    kind = "Migraine" if attack.kind == "migraine" else "Headache"
    return f"{kind} over at {clock(attack.ended_at, zone)}. Glad it's gone."


def dose_line(dose: Any, zone: str) -> str:
    if dose.status == "skipped":
        return "Magnesium skipped."
    amount = mg(dose.amount_mg) if dose.amount_mg is not None else "a dose"
    caps = f" ({dose.count} capsules)" if dose.count else ""
    return f"Magnesium {amount}{caps} at {clock(dose.taken_at, zone)}."


def sleep_line(row: Any) -> str:
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


def anxiety_line(level: int) -> str:
    return f"Anxiety {level}/10."


def side_effect_line(effects: list[str]) -> str:
    return "Side effect: " + ", ".join(SIDE_EFFECT_LABELS.get(e, esc(e)) for e in effects) + "."


def medication_line(row: Any) -> str:
    dose = f" {mg(row.dose_mg)}" if row.dose_mg else ""
    return f"{esc(row.name.capitalize())}{dose}."


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


NOTHING_TO_END = (
    "I don't see a headache in progress to close. To log one that's already over, write "
    "e.g. <i>headache from 9am to 1pm, 5/10</i>."
)
UNDONE = "Undone: {what}"
NOTHING_TO_UNDO = "There's nothing to undo."
UNDONE_END = "the end of the attack (it's open again)"
UNDONE_MERGE = "the last update to the attack"


def describe_row(kind: str, row: Any, zone: str, now: datetime) -> str:
    if kind == "attack":
        return attack_line(row, zone, now=now)
    if kind == "attack_update":
        return (
            f"pain {row.intensity}/10 at {clock(row.at, zone)}"
            if row.intensity is not None
            else "an update"
        )
    if kind == "dose":
        return dose_line(row, zone)
    if kind == "medication":
        return medication_line(row)
    if kind == "sleep":
        return sleep_line(row)
    if kind == "anxiety":
        return anxiety_line(row.level)
    if kind == "side_effect":
        return side_effect_line(row.effects)
    return kind
