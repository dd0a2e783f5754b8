"""Small helpers every handler uses: the person's diary scope, replies in HTML, edits.

A reply made inside `scope_of` is queued on the scope: it is stored in the outbox
in the same transaction as what it confirms and sent once that commits (DESIGN
§9), so a stored check-in is never left unconfirmed. A reply made outside any
scope (help, a refusal) is sent at once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.context import Context
from bot.diary.scope import Lease, Scope, unit
from bot.ui.keyboards import Rows, keyboard, plain
from bot.updates import handling
from bot.updates.outbox import payload, send_payload

__all__ = [
    "Out",
    "Rows",
    "answer",
    "edit",
    "edit_sent",
    "reply",
    "scope_of",
    "send_all",
    "shown_today",
]

log = logging.getLogger(__name__)

Out = tuple[str, Rows | None]
# A message dated in the future (clock skew) is taken as written now.
MAX_SKEW = timedelta(minutes=5)
# Telegram takes the answer to a press for about 15 s after it; a press that waited in
# the inbox longer than this (a slow or absent database, a backlog) is applied, not answered.
ANSWER_WITHIN = timedelta(seconds=12)


def shown_today(scope: Scope) -> date:
    """The person's today, as replies name days ("Fri 27 Nov" for any other)."""
    return scope.local().date()


def message_time(message: Message, now: datetime) -> datetime:
    """When the person wrote it: Telegram's date, not when the bot got to it."""
    sent = message.date
    return sent if sent <= now + MAX_SKEW else now


_OPEN: ContextVar[Scope | None] = ContextVar("magbot_open_scope", default=None)


@asynccontextmanager
async def scope_of(update: Update, ctx: Context) -> AsyncIterator[Scope]:
    """One transaction on the sender's diary for this update (the gate let only people in).

    When a worker handles the update from the inbox, the transaction also marks it
    done and stores the replies made inside it in the outbox; the worker sends them.
    """
    tg_user, chat = update.effective_user, update.effective_chat
    assert tg_user is not None and chat is not None
    now = ctx.bot_data.clock.now()
    message = update.effective_message if update.message else None
    sent_at = message_time(message, now) if message is not None else now
    held = handling.current()
    lease = None
    if held is not None and held.update_id == update.update_id and not held.finished:
        lease = Lease(held.update_id, held.worker)
    async with unit(
        ctx.bot_data.sessions,
        user_id=tg_user.id,
        chat_id=chat.id,
        now=now,
        group=update.update_id,
        sent_at=sent_at,
        lease=lease,
    ) as scope:
        token = _OPEN.set(scope)
        try:
            yield scope
        finally:
            _OPEN.reset(token)
    if held is not None and lease is not None:
        held.finished = True
        held.replies.extend(scope.stored)
        held.replies_at = scope.stored_at
    else:
        for queued in scope.replies:
            await send_payload(ctx.bot, chat.id, queued)


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a press (with a toast), unless Telegram would refuse it by now.

    The inbox knows how long the press waited; one that waited at Telegram (the bot
    was down) can't be known, and its refusal is no error: the press is still applied.
    """
    held = handling.current()
    if held is not None and datetime.now(UTC) - held.received_at > ANSWER_WITHIN:
        return
    try:
        await query.answer(text)
    except BadRequest as exc:
        if "query is too old" not in str(exc).lower():
            raise
        log.info("the answer to a press came too late for Telegram")


async def edit(message: Message, text: str | None, rows: Rows | None) -> None:
    """Edit a bot message in place; `text=None` changes only the buttons.

    An edit that changes nothing is skipped: Telegram refuses it ("message is not
    modified"), and a double tap would otherwise be a refused request. A message
    that is gone (deleted, or one Telegram no longer shows the bot: a press on it
    comes with an inaccessible message) is not edited: its new view is sent as a
    new message instead.
    """
    markup = keyboard(rows)
    if not message.is_accessible:
        await _send_instead(message, text, markup)
        return
    same_buttons = message.reply_markup == markup
    same_text = text is None or plain(text) == (message.text or "").strip()
    if same_buttons and same_text:
        return
    try:
        if text is None:
            await message.edit_reply_markup(markup)
        else:
            await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        reason = str(exc).lower()
        if "not modified" in reason:
            return
        if "not found" not in reason and "can't be edited" not in reason:
            raise
        await _send_instead(message, text if text is not None else message.text_html, markup)


async def _send_instead(
    message: Message, text: str | None, markup: InlineKeyboardMarkup | None
) -> None:
    """The view of a message that can't be edited, as a new message (when it has a text)."""
    if not text:
        return  # only its buttons changed, and there is no text to show them under
    await message.get_bot().send_message(
        message.chat_id,
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        disable_web_page_preview=True,
    )


async def reply(update: Update, text: str, rows: Rows | None = None) -> Message | None:
    """Send a message to the chat; inside `scope_of`, queue it to go with the transaction."""
    open_scope = _OPEN.get()
    if open_scope is not None:
        open_scope.replies.append(payload(text, rows))
        return None
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(rows),
        disable_web_page_preview=True,
    )


async def edit_sent(update: Update, message_id: int, text: str) -> None:
    """Redraw a message the bot sent earlier (a prompt), by id; inside `scope_of`, queued."""
    chat = update.effective_chat
    if chat is None:
        return
    item = payload(text, None, edit=message_id)
    open_scope = _OPEN.get()
    if open_scope is not None:
        open_scope.replies.append(item)
        return
    await send_payload(chat.get_bot(), chat.id, item)


def merge(outs: list[Out]) -> list[Out]:
    """Join messages without buttons into the next one.

    Telegram asks bots to keep to about one message a second per chat; a
    confirmation and the next question read better as one message anyway.
    """
    merged: list[Out] = []
    for text, rows in outs:
        if merged and not merged[-1][1]:
            text = f"{merged.pop()[0]}\n\n{text}"
        merged.append((text, rows))
    return merged


async def send_all(update: Update, outs: list[Out]) -> None:
    for text, rows in merge(outs):
        await reply(update, text, rows)


def command_args(ctx: Context) -> list[str]:
    return list(ctx.args or [])
