"""/privacy, /export and /delete: what is stored, all of it back, or none of it (DESIGN §8)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context
from bot.diary import privacy
from bot.handlers.common import answer, edit, reply, scope_of
from bot.ui import buttons as b
from bot.ui import texts
from bot.ui.callbacks import pattern, unpack
from bot.ui.keyboards import row

PRIVACY = (
    "<b>What I store</b>\n"
    "Your Telegram user and chat id, your settings (time zone, dose plan, goals, kidney answer), "
    "and everything you log: doses, headaches and migraines with symptoms, triggers and "
    "medicines, sleep, anxiety, side effects, period days, possible triggers you noted on "
    "other days (coffee, wine, stress...), each with the words you wrote, "
    "and your MIDAS answers. Also the prompts I sent you.\n\n"
    "<b>Where</b>: only in this bot's own database, run by whoever hosts this bot. Nothing is "
    "sent anywhere else. Logs never contain what you write.\n\n"
    "<b>Your rights</b>: /export sends you all of it (CSV and JSON). /delete erases all of it, "
    "for good."
)
CONFIRM_DELETE = (
    "This erases <b>everything</b> about you: your diary, settings and pending prompts. "
    "It can't be undone. /export first if you want a copy."
)
DELETED = "Everything about you is erased. If you ever want to start again, send /start."
DELETE_CANCELLED = "Nothing was deleted."
EXPORT_CAPTION = "All your data: one CSV per table, plus everything in magbot.json."


async def privacy_cmd(update: Update, ctx: Context) -> None:
    await reply(update, PRIVACY)


async def export_cmd(update: Update, ctx: Context) -> None:
    """Send the person all of their rows, one CSV per table, and JSON."""
    async with scope_of(update, ctx) as scope:
        data = await privacy.export(scope)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(data, filename="magbot-export.zip", caption=EXPORT_CAPTION)


async def delete_cmd(update: Update, ctx: Context) -> None:
    rows = [row(("Yes, erase everything", b.EraseConfirm()), ("Cancel", b.EraseCancel()))]
    await reply(update, CONFIRM_DELETE, rows)


async def on_delete_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, b.EraseConfirm, b.EraseCancel)
    if pressed is None:
        await answer(query, texts.STALE_BUTTON)
        return
    if isinstance(pressed, b.EraseConfirm):
        async with scope_of(update, ctx) as scope:
            await privacy.erase(scope)
    await answer(query)
    if isinstance(query.message, Message):
        text = DELETED if isinstance(pressed, b.EraseConfirm) else DELETE_CANCELLED
        await edit(query.message, text, None)


def register(app: App) -> None:
    app.add_handler(CommandHandler("privacy", privacy_cmd))
    app.add_handler(CommandHandler("export", export_cmd))
    app.add_handler(CommandHandler("delete", delete_cmd))
    app.add_handler(CallbackQueryHandler(on_delete_button, pattern=pattern("del")))
