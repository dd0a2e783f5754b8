"""Small helpers every handler uses: the user row, replies in HTML, local time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.constants import ParseMode

from bot.context import Context
from bot.ui.keyboards import Rows, keyboard, plain
from storage.models import User
from storage.queries import users as queries

__all__ = ["Rows", "edit", "load_or_create_user", "local_now", "reply", "send_all"]


async def edit(message: Message, text: str | None, rows: Rows | None) -> None:
    """Edit a bot message in place; `text=None` changes only the buttons.

    An edit that changes nothing is skipped: Telegram refuses it ("message is not
    modified"), and a double tap would otherwise be a refused request.
    """
    markup = keyboard(rows)
    same_buttons = message.reply_markup == markup
    same_text = text is None or plain(text) == (message.text or "").strip()
    if same_buttons and same_text:
        return
    if text is None:
        await message.edit_reply_markup(markup)
    else:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def reply(update: Update, text: str, rows: Rows | None = None) -> Message | None:
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(rows),
        disable_web_page_preview=True,
    )


def merge(outs: list[tuple[str, Rows | None]]) -> list[tuple[str, Rows | None]]:
    """Join messages without buttons into the next one.

    Telegram asks bots to keep to about one message a second per chat; a
    confirmation and the next question read better as one message anyway.
    """
    merged: list[tuple[str, Rows | None]] = []
    for text, rows in outs:
        if merged and not merged[-1][1]:
            text = f"{merged.pop()[0]}\n\n{text}"
        merged.append((text, rows))
    return merged


async def send_all(update: Update, outs: list[tuple[str, Rows | None]]) -> None:
    for text, rows in merge(outs):
        await reply(update, text, rows)


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
