"""/privacy, /export and /delete: what is stored, all of it back, or none of it (DESIGN §8)."""

from __future__ import annotations

from sqlalchemy import select
from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.domain.export import build_export
from bot.handlers.common import edit, load_or_create_user, reply
from bot.ui import callbacks, texts
from storage.models import USER_TABLES, User
from storage.queries import users as queries

PRIVACY = (
    "<b>What I store</b>\n"
    "Your Telegram user and chat id, your settings (time zone, dose plan, goals, kidney answer), "
    "and everything you log: doses, headaches and migraines with symptoms, triggers and "
    "medicines, sleep, anxiety, side effects, each with the words you wrote. Also the prompts "
    "I sent you.\n\n"
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
    tg_user = update.effective_user
    assert tg_user is not None
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, ctx.bot_data.clock.now())
        tables = {}
        for model in USER_TABLES:
            column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
            columns = [c.name for c in model.__table__.columns]
            rows = (await session.execute(select(model.__table__).where(column == user.id))).all()
            tables[model.__tablename__] = (columns, [tuple(r) for r in rows])
        zone = user.timezone
    data = build_export(tables, zone)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(data, filename="magbot-export.zip", caption=EXPORT_CAPTION)


async def delete_cmd(update: Update, ctx: Context) -> None:
    rows = [
        [
            ("Yes, erase everything", callbacks.make("del", "yes")),
            ("Cancel", callbacks.make("del", "no")),
        ]
    ]
    await reply(update, CONFIRM_DELETE, rows)


async def on_delete_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    data = callbacks.parse(query.data, "del")
    if data is None or data.action not in ("yes", "no"):
        await query.answer(texts.STALE_BUTTON)
        return
    if data.action == "yes":
        async with ctx.bot_data.sessions.begin() as session:
            await queries.delete_user_data(session, update.effective_user.id)
    await query.answer()
    if isinstance(query.message, Message):
        await edit(query.message, DELETED if data.action == "yes" else DELETE_CANCELLED, None)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("privacy", privacy_cmd))
    app.add_handler(CommandHandler("export", export_cmd))
    app.add_handler(CommandHandler("delete", delete_cmd))
    app.add_handler(CallbackQueryHandler(on_delete_button, pattern=r"^del:"))
