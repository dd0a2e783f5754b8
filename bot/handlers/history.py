"""Fixing mistakes: /undo takes back the last message's entries; /log lists entries by
when they happened, with buttons to delete one or correct its time or worst pain."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context
from bot.diary import history, journal
from bot.diary.awaiting import Awaited
from bot.diary.scope import Scope
from bot.domain.dates import parse_past_datetime
from bot.handlers.common import Out, answer, edit, reply, scope_of, shown_today
from bot.ui import buttons as b
from bot.ui import entries as tx
from bot.ui import history as ui
from bot.ui import texts
from bot.ui.callbacks import pattern, unpack
from bot.ui.keyboards import Rows

Answered = tuple[list[Out], list[tuple[int, str]]]


async def undo_cmd(update: Update, ctx: Context) -> None:
    """Take back what the last message stored."""
    async with scope_of(update, ctx) as scope:
        undone = await journal.undo_last(scope)
        text = tx.undone(undone, scope.zone, shown_today(scope)) if undone else tx.NOTHING_TO_UNDO
        await reply(update, text)


async def log_cmd(update: Update, ctx: Context) -> None:
    async with scope_of(update, ctx) as scope:
        text, rows = ui.log_view(await history.page(scope), scope.user.timezone, shown_today(scope))
    await reply(update, text, rows or None)


async def on_log_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, *b.LOG_BUTTONS)
    out: tuple[str, Rows | None] | None = None
    page_view: tuple[str, Rows] | None = None
    async with scope_of(update, ctx) as scope:
        zone, day = scope.zone, shown_today(scope)
        match pressed:
            case b.LogDelete():
                removed = await history.delete(scope, pressed.entry_id)
                if removed is not None:
                    out = (tx.undone([removed], zone, day), None)
            case b.LogTime():
                if await history.ask_time(scope, pressed.entry_id):
                    out = (ui.ASK_TIME, None)
            case b.LogPain():
                if await history.attack_of_line(scope, pressed.entry_id) is not None:
                    out = (ui.ASK_PAIN, ui.pain_keys(pressed.entry_id))
            case b.LogSetPain():
                if await history.set_worst_pain(scope, pressed.entry_id, pressed.value):
                    out = (ui.peak_set(pressed.value), None)
            case b.LogPage():
                log = await history.page(scope, pressed.page)
                page_view = ui.log_view(log, scope.user.timezone, day)
        if out is not None:
            await reply(update, *out)
    if out is None and page_view is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    if page_view is not None and isinstance(query.message, Message):
        await edit(query.message, page_view[0], page_view[1])


async def answer_time(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """The corrected time for an entry picked in /log."""
    entry_id = asked.ref_id()
    moment = parse_past_datetime(text, scope.local())
    if entry_id is None:
        return None
    if moment is None:
        return [(ui.BAD_TIME, None)], []  # the question stays open
    moved = await history.set_time(scope, entry_id, moment)
    if moved is None:
        return [(texts.STALE_BUTTON, None)], []
    return [(ui.moved(moment.astimezone(scope.zone).strftime("%a %d %b %H:%M")), None)], []


def register(app: App) -> None:
    app.add_handler(CommandHandler("undo", undo_cmd))
    app.add_handler(CommandHandler("log", log_cmd))
    app.add_handler(CallbackQueryHandler(on_log_button, pattern=pattern("log")))
