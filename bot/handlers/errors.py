"""The one error handler: log the update id and the error type, and say so.

Never logs the message text or the token (an exception's message can quote what
the person wrote, so only its type and frames are logged). Under a worker
(bot.updates), the failure is reported to the worker, which tries the update
again and tells the person only if it gives up; nothing of a failed update was
stored, because its transaction rolled back. Elsewhere the person is told here.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import App, Context
from bot.ui import texts
from bot.updates import handling
from storage.db import is_unreachable

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: Context) -> None:
    error = ctx.error
    update_id = update.update_id if isinstance(update, Update) else None
    unreachable = is_unreachable(error)
    if unreachable:
        # the database is away: an outage to wait out (the update waits in the inbox),
        # not a bug to read a traceback for
        log.warning(
            "update %s waits: the database is unreachable (%s)", update_id, type(error).__name__
        )
    else:
        frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
        log.error("error handling update %s: %s\n%s", update_id, type(error).__name__, frames)
    held = handling.current()
    if held is not None and held.update_id == update_id:
        held.failed = type(error).__name__
        held.unreachable = unreachable
        return
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    text = texts.DATABASE_DOWN if unreachable else texts.NOT_HANDLED
    try:
        if update.callback_query:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif update.effective_chat:
            await update.effective_chat.send_message(text)
    except TelegramError:
        log.warning("could not tell user about error in update %s", update_id)


def register(app: App) -> None:
    app.add_error_handler(on_error)
