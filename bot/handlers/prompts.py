"""Buttons on the prompts the bot sends by itself: dose, follow-up, morning check-in.

Thin: parse the callback data, let bot.scheduling.answers store the answer in
one transaction, then answer the tap and edit the prompt message to show the
outcome (never a new message per tap, never an edit to identical content).
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.context import Context
from bot.handlers.checkin import attack_rows
from bot.handlers.common import Rows, edit, load_or_create_user
from bot.scheduling import answers
from bot.ui import callbacks
from storage.models import User

log = logging.getLogger(__name__)


async def _show(update: Update, ctx: Context, result: answers.Reply) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(result.toast)
    if result.text is not None:
        rows: Rows | None = result.rows
        if result.new_attack is not None:
            rows = attack_rows(result.new_attack)
        await _edit(ctx, query.message, result.text, rows)


async def _edit(ctx: Context, message: object, text: str, rows: Rows | None) -> None:
    if not isinstance(message, Message):
        return  # too old to edit (Telegram sends an inaccessible message)
    try:
        await edit(message, text, rows)
    except BadRequest as exc:
        # "message is not modified" / "message to edit not found": nothing to show
        log.info("prompt message not edited: %s", type(exc).__name__)


async def on_dose_button(update: Update, ctx: Context) -> None:
    """Took it / Other amount / Skip / Snooze on a dose prompt."""
    assert update.callback_query is not None
    data = callbacks.parse(update.callback_query.data, "dose")
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        result = await answers.answer_dose(
            session,
            user,
            data.int_arg(0) if data else None,
            data.action if data else "",
            now,
            group=update.update_id,
        )
    await _show(update, ctx, result)


async def on_followup_button(update: Update, ctx: Context) -> None:
    """Pain now / Gone on a follow-up; Yes / No on the "did it come back?" check."""
    assert update.callback_query is not None
    data = callbacks.parse(update.callback_query.data, "fu")
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        result = await answers.answer_followup(
            session,
            user,
            data.int_arg(0) if data else None,
            data.action if data else "",
            data.int_arg(1) if data else None,
            now,
            group=update.update_id,
        )
    await _show(update, ctx, result)


async def on_morning_button(update: Update, ctx: Context) -> None:
    """Sleep quality / awakenings on the morning check-in."""
    assert update.callback_query is not None
    data = callbacks.parse(update.callback_query.data, "mrn")
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        result = await answers.answer_morning(
            session,
            user,
            data.int_arg(0) if data else None,
            data.action if data else "",
            data.int_arg(1) if data else None,
            now,
        )
    await _show(update, ctx, result)


async def handle_dose_amount_text(
    session: AsyncSession, ctx: Context, user: User, text: str
) -> list[tuple[str, Rows | None]] | None:
    """The typed answer to "Other amount"; None when the text is not an amount.

    Called by the free-text handler, inside its transaction, when
    `user.awaiting` starts with "dose_amount:".
    """
    now = ctx.bot_data.clock.now()
    group = int(now.timestamp() * 1000)  # like a button: its own journal group
    result = await answers.dose_amount_text(session, user, text, now, group=group)
    if result is None:
        return None
    if result.prompt_message_id is not None:
        with contextlib.suppress(BadRequest):
            await ctx.bot.edit_message_text(
                result.prompt_text,
                chat_id=user.chat_id,
                message_id=result.prompt_message_id,
                parse_mode=ParseMode.HTML,
            )
    return [(message, None) for message in result.messages]


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_dose_button, pattern=r"^dose:"))
    app.add_handler(CallbackQueryHandler(on_followup_button, pattern=r"^fu:"))
    app.add_handler(CallbackQueryHandler(on_morning_button, pattern=r"^mrn:"))
