"""The first handler group: who may talk to the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import App, Context
from bot.handlers.common import answer
from bot.ui import texts

GROUP = -10


async def gate(update: Update, ctx: Context) -> None:
    """Drop updates from outside a private chat or the allow-list.

    A redelivered update never gets here twice: the inbox stores it once.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != ChatType.PRIVATE:
        raise ApplicationHandlerStop
    allowed = ctx.bot_data.settings.allowed_users
    if allowed and user.id not in allowed:
        if update.message:
            await update.message.reply_text(texts.NOT_ALLOWED)
        elif update.callback_query:
            await answer(update.callback_query, texts.NOT_ALLOWED)
        raise ApplicationHandlerStop


def register(app: App) -> None:
    app.add_handler(TypeHandler(Update, gate), group=GROUP)
