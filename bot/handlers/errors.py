"""The one error handler: log the update id and the error type, tell the person.

Never logs the message text or the token. A failed update is released from
`processed_update`, so if Telegram delivers it again it is handled again.
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.context import App, Context
from bot.ui import texts
from storage.db import is_unreachable
from storage.queries import updates as queries

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: Context) -> None:
    error = ctx.error
    update_id = update.update_id if isinstance(update, Update) else None
    # The type and the frames, not the message: an exception's message can
    # carry what the person wrote.
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("error handling update %s: %s\n%s", update_id, type(error).__name__, frames)
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    database_down = is_unreachable(error)
    if update_id is not None and not database_down:
        try:
            async with ctx.bot_data.sessions.begin() as session:
                await queries.release_update(session, update_id)
        except Exception:
            log.warning("could not release update %s", update_id)
    text = texts.DATABASE_DOWN if database_down else texts.SOMETHING_WRONG
    try:
        if update.callback_query:
            await update.callback_query.answer(text[:190], show_alert=True)
        elif update.effective_chat:
            await update.effective_chat.send_message(text)
    except TelegramError:
        log.warning("could not tell user about error in update %s", update_id)


def register(app: App) -> None:
    app.add_error_handler(on_error)
