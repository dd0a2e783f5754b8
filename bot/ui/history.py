"""/log: entries by when they happened, each with what it is and buttons to fix it."""

from __future__ import annotations

from datetime import date

from bot.diary.history import TIME_FIELDS, LogPage
from bot.ui import buttons as b
from bot.ui import entries as tx
from bot.ui.callbacks import Button
from bot.ui.keyboards import Rows, row
from storage.enums import EntryKind

EMPTY = "Nothing logged yet."
ASK_TIME = "Type the right time, e.g. <i>14:30</i> or <i>yesterday 21:00</i>."
BAD_TIME = "I couldn't read that time. Type e.g. <i>14:30</i> or <i>yesterday 9pm</i>."
ASK_PAIN = "How bad was it at its worst?"


def log_view(log: LogPage, zone: str, today: date) -> tuple[str, Rows]:
    if not log.items:
        return (EMPTY if log.page == 0 else "No older entries."), []
    first = log.page * 10 + 1
    title = "Your entries, newest first" + (f" (page {log.page + 1})" if log.page else "")
    lines, rows = [f"<b>{title}</b>"], []
    for n, item in enumerate(log.items, start=first):
        lines.append(f"{n}. {tx.describe(item.kind, item.row, zone, today, attack=item.attack)}")
        if item.line is None:
            continue
        buttons: list[tuple[str, Button]] = [(f"🗑 {n}", b.LogDelete(item.line.id))]
        if item.kind in TIME_FIELDS:
            buttons.append((f"🕑 {n}", b.LogTime(item.line.id)))
        if item.kind is EntryKind.ATTACK:
            buttons.append((f"✏️ {n} pain", b.LogPain(item.line.id)))
        rows.append(row(*buttons))
    nav: list[tuple[str, Button]] = []
    if log.page:
        nav.append(("◂ Newer", b.LogPage(log.page - 1)))
    if log.more:
        nav.append(("Older ▸", b.LogPage(log.page + 1)))
    if nav:
        rows.append(row(*nav))
    return "\n".join(lines), rows


def pain_keys(entry_id: int) -> Rows:
    keys = [(str(n), b.LogSetPain(entry_id, n)) for n in range(11)]
    return [row(*keys[:6]), row(*keys[6:])]


def moved(when_text: str) -> str:
    return f"Time changed to {when_text}."


def peak_set(value: int) -> str:
    return f"Worst pain set to {value}/10."
