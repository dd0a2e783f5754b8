"""The reply to a check-in: what was understood, its buttons, notices and questions."""

from __future__ import annotations

from datetime import date, datetime

from bot.diary import results as r
from bot.diary.attacks import SYMPTOMS, TRIGGERS
from bot.ui import entries as tx
from bot.ui.buttons import (
    AttackDone,
    AttackIntensity,
    AttackPanel,
    AttackSymptom,
    AttackTrigger,
    NewAttack,
    OverlapKeep,
    OverlapSame,
    Panel,
    UndoMessage,
    ZoneFix,
)
from bot.ui.callbacks import Button
from bot.ui.keyboards import Rows, row
from bot.ui.texts import esc
from storage.enums import AttackKind
from storage.models import Attack

Out = tuple[str, Rows | None]

SUGGESTED_ZONES = (
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Los Angeles", "America/Los_Angeles"),
)


def attack_rows(attack: Attack, panel: Panel = Panel.MAIN, *, group: int | None = None) -> Rows:
    """Buttons that complete an attack: intensity keypad, symptom and trigger toggles."""
    aid = attack.id
    if panel is Panel.SYMPTOMS:
        return _toggles(aid, "s", SYMPTOMS, attack.symptoms, tx.SYMPTOM_LABELS, per_row=2)
    if panel is Panel.TRIGGERS:
        return _toggles(aid, "t", TRIGGERS, attack.triggers, tx.TRIGGER_LABELS, per_row=3)
    rows: Rows = []
    if attack.peak_intensity is None:
        keys = [(str(n), AttackIntensity(aid, n)) for n in range(11)]
        rows += [row(*keys[:6]), row(*keys[6:])]
    rows.append(
        row(
            ("Symptoms ▸", AttackPanel(aid, Panel.SYMPTOMS)),
            ("Triggers ▸", AttackPanel(aid, Panel.TRIGGERS)),
        )
    )
    last: list[tuple[str, Button]] = [("Done", AttackDone(aid))]
    if group is not None:
        last.append(("Undo", UndoMessage(group)))
    rows.append(row(*last))
    return rows


def _toggles(
    aid: int,
    which: str,
    codes: tuple[str, ...],
    chosen: list[str],
    labels: dict[str, str],
    *,
    per_row: int,
) -> Rows:
    """A ✅ toggle per code (the button carries the code's index: callback data is short)."""
    buttons: list[tuple[str, Button]] = [
        (
            ("✅ " if code in chosen else "") + labels[code],
            AttackSymptom(aid, i) if which == "s" else AttackTrigger(aid, i),
        )
        for i, code in enumerate(codes)
    ]
    rows = [row(*buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    return [*rows, row(("◂ Back", AttackPanel(aid, Panel.MAIN)))]


def notice_text(notice: r.Notice) -> str:
    match notice:
        case r.UpperLimit():
            return tx.upper_limit(notice.total_mg)
        case r.Spacing():
            return tx.spacing(notice.name, notice.med_class)
        case r.SplitDoseHint():
            return tx.GI_HINT
        case r.ZoneAssumed():
            return tx.zone_assumed(notice.zone)
        case r.CapsuleSizeAssumed():
            return tx.capsule_assumed(notice.assumed_mg)
        case r.Overuse():
            return tx.overuse(notice.level, notice.text)


def zone_rows(group: int) -> Rows:
    zones = [(label, ZoneFix(group, zone)) for label, zone in SUGGESTED_ZONES]
    return [row(*zones[:2]), row(*zones[2:])]


def checkin_reply(rec: r.Recorded, zone: str, today: date, now: datetime) -> list[Out]:
    """What was understood (with buttons to complete or undo it), notices, questions."""
    out: list[Out] = []
    notices = [notice_text(n) for n in rec.notices if not isinstance(n, r.ZoneAssumed)]
    if rec.logged:
        rows: Rows
        attack = rec.attack
        if attack is not None and attack.ended_at is None:
            rows = attack_rows(attack, group=rec.group)
        else:
            rows = [row(("Undo", UndoMessage(rec.group)))]
        text = "\n".join("✅ " + tx.logged_line(item, zone, today, now) for item in rec.logged)
        checks = [tx.next_check(item, zone, today, now) for item in rec.logged]
        text = "\n".join([text, *(c for c in checks if c)])
        out.append(("\n\n".join([text, *notices]), rows))
    elif notices:
        out.append(("\n\n".join(notices), None))
    for notice in rec.notices:
        if isinstance(notice, r.ZoneAssumed):
            out.append((notice_text(notice), zone_rows(notice.group)))
    for question in rec.questions:
        out.append(question_out(question, zone, today))
    if not out:
        out.append((tx.NOTHING_UNDERSTOOD, None))
    return out


def question_out(question: r.Question, zone: str, today: date) -> Out:
    match question:
        case r.NoOpenAttack():
            return (
                tx.NO_OPEN_ATTACK,
                [
                    row(
                        ("New migraine", NewAttack(AttackKind.MIGRAINE, question.intensity)),
                        ("New headache", NewAttack(AttackKind.HEADACHE, question.intensity)),
                    )
                ],
            )
        case r.NothingToEnd():
            return tx.NOTHING_TO_END, None
        case r.Overlap():
            existing = tx.attack_line(question.existing, zone, today)
            return (
                tx.OVERLAP.format(existing=existing),
                [
                    row(
                        ("Same attack", OverlapSame(question.new.id, question.existing.id)),
                        ("A new one", OverlapKeep(question.new.id)),
                    )
                ],
            )


def logged_text(rec: r.Recorded, zone: str, today: date, now: datetime) -> str:
    return "\n".join("✅ " + tx.logged_line(item, zone, today, now) for item in rec.logged)


__all__ = ["Out", "attack_rows", "checkin_reply", "esc", "logged_text", "zone_rows"]
