"""Small helpers every handler uses: the user row, replies in HTML, local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.context import Context
from storage import queries
from storage.models import User

Rows = list[list[tuple[str, str]]]


def keyboard(rows: Rows) -> InlineKeyboardMarkup:
    """Buttons from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def reply(update: Update, text: str, rows: Rows | None = None) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(rows) if rows else None,
        disable_web_page_preview=True,
    )


async def load_or_create_user(session: AsyncSession, update: Update, now: datetime) -> User:
    """The sender's row; a person who writes before /start gets the defaults."""
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None  # the gate lets only private updates in
    user = await queries.get_user(session, tg_user.id)
    if user is None:
        user = await queries.create_user(session, tg_user.id, chat.id, now)
    elif user.chat_id != chat.id:
        user.chat_id = chat.id
    return user


def local_now(user: User, ctx: Context) -> datetime:
    return ctx.bot_data.clock.now().astimezone(ZoneInfo(user.timezone))


def command_args(ctx: Context) -> list[str]:
    return list(ctx.args or [])
