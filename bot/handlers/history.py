"""Fixing mistakes: /undo takes back the last message's entries, /log lists the last 10
with buttons to delete them or correct an attack's intensity or a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import entries
from bot.context import Context
from bot.domain.dates import parse_past_datetime
from bot.handlers.common import Rows, load_or_create_user, local_now, reply
from bot.ui import callbacks, texts
from bot.ui import entries as tx
from storage.models import JournalEntry, User

LISTED_KINDS = ("attack", "attack_update", "dose", "medication", "sleep", "anxiety", "side_effect")
LOG_SIZE = 10
# Which column "edit time" changes, per kind of entry
TIME_FIELDS = {
    "attack": "started_at",
    "dose": "taken_at",
    "medication": "taken_at",
    "anxiety": "at",
}


async def undo_cmd(update: Update, ctx: Context) -> None:
    """Take back what the last message stored."""
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        removed = await entries.undo_last(session, user, now)
    if not removed:
        await reply(update, tx.NOTHING_TO_UNDO)
        return
    await reply(update, tx.UNDONE.format(what="; ".join(removed)))


async def _recent(session: AsyncSession, user: User) -> list[tuple[JournalEntry, Any]]:
    rows = (
        await session.scalars(
            select(JournalEntry)
            .where(JournalEntry.user_id == user.id, JournalEntry.kind.in_(LISTED_KINDS))
            .order_by(JournalEntry.id.desc())
            .limit(LOG_SIZE)
        )
    ).all()
    out = []
    for entry in rows:
        row = await session.get(entries.ROW_MODELS[entry.kind], entry.row_id)
        if row is not None:
            out.append((entry, row))
    return out


def _log_view(user: User, items: list[tuple[JournalEntry, Any]], now: datetime) -> tuple[str, Rows]:
    if not items:
        return "Nothing logged yet.", []
    lines, rows = ["<b>Your last entries</b>"], []
    for n, (entry, row) in enumerate(items, start=1):
        when = entry.created_at.astimezone(ZoneInfo(user.timezone)).strftime("%d %b %H:%M")
        lines.append(f"{n}. {when} · {tx.describe_row(entry.kind, row, user.timezone, now)}")
        buttons = [(f"🗑 {n}", callbacks.make("log", "del", entry.id))]
        if entry.kind in TIME_FIELDS:
            buttons.append((f"🕑 {n}", callbacks.make("log", "time", entry.id)))
        if entry.kind == "attack":
            buttons.append((f"✏️ {n} pain", callbacks.make("log", "int", entry.id)))
        rows.append(buttons)
    return "\n".join(lines), rows


async def log_cmd(update: Update, ctx: Context) -> None:
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        text, rows = _log_view(user, await _recent(session, user), now)
    await reply(update, text, rows or None)


async def on_log_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = callbacks.parse(query.data, "log")
    now = ctx.bot_data.clock.now()
    answer: str | None = None
    rows: Rows | None = None
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        entry = await session.get(JournalEntry, data.int_arg(0) or 0) if data else None
        if data is None or entry is None or entry.user_id != user.id:
            entry = None
        elif data.action == "del":
            answer = tx.UNDONE.format(what=await entries.undo_entry(session, user, entry, now))
        elif data.action == "time" and entry.kind in TIME_FIELDS:
            user.awaiting = f"edit_time:{entry.id}"
            answer = "Type the right time, e.g. <i>14:30</i> or <i>yesterday 21:00</i>."
        elif data.action == "int" and entry.kind == "attack":
            keys = [(str(n), callbacks.make("log", "set", entry.id, n)) for n in range(11)]
            answer, rows = "How bad was it at its worst?", [keys[:6], keys[6:]]
        elif data.action == "set" and entry.kind == "attack" and data.int_arg(1) is not None:
            attack = await session.get(entries.ROW_MODELS["attack"], entry.row_id)
            value = data.int_arg(1)
            if attack is not None and value is not None and 0 <= value <= 10:
                attack.peak_intensity = value
                answer = f"Peak intensity set to {value}/10."
    if answer is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    await reply(update, answer, rows)


async def handle_time_text(
    session: AsyncSession, ctx: Context, user: User, text: str
) -> list[tuple[str, Rows | None]] | None:
    """The corrected time for an entry picked in /log."""
    entry_id = int((user.awaiting or "").split(":")[1] or 0)
    user.awaiting = None
    entry = await session.get(JournalEntry, entry_id)
    if entry is None or entry.user_id != user.id or entry.kind not in TIME_FIELDS:
        return [(texts.STALE_BUTTON, None)]
    moment = parse_past_datetime(text, local_now(user, ctx))
    if moment is None:
        user.awaiting = f"edit_time:{entry_id}"
        return [
            ("I couldn't read that time. Type e.g. <i>14:30</i> or <i>yesterday 9pm</i>.", None)
        ]
    row = await session.get(entries.ROW_MODELS[entry.kind], entry.row_id)
    if row is None:
        return [(texts.STALE_BUTTON, None)]
    setattr(row, TIME_FIELDS[entry.kind], moment)
    if entry.kind == "attack" and row.ended_at is not None and row.ended_at < moment:
        row.ended_at = None
    return [(f"Time changed to {moment.strftime('%a %d %b %H:%M')}.", None)]


def register(app: Application) -> None:
    app.add_handler(CommandHandler("undo", undo_cmd))
    app.add_handler(CommandHandler("log", log_cmd))
    app.add_handler(CallbackQueryHandler(on_log_button, pattern=r"^log:"))
