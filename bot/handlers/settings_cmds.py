"""/help, /settings and the one-message setting commands (DESIGN §1).

Each command works without any conversation state, so a person in a hurry or a
script can set everything in one message. The settings card's buttons ask for
the same values as a typed answer (`user.awaiting = "set:<key>"`), parsed by the
same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.domain.commands import BadArgument
from bot.handlers.common import Rows, command_args, load_or_create_user, reply
from bot.scheduling import plan
from bot.ui import callbacks, texts
from bot.user_settings import SETTERS, settings_card
from storage.models import User

# settings card button key -> command
CARD_KEYS = {
    "tz": "timezone",
    "dose": "dose",
    "followup": "followup",
    "quiet": "quiet",
    "morning": "morning",
}


async def run_setter(update: Update, ctx: Context, name: str, args: list[str]) -> None:
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, ctx.bot_data.clock.now())
        try:
            out = await SETTERS[name](session, ctx, user, args) if args else None
        except BadArgument as exc:
            out, reason = None, str(exc)
        else:
            reason = "the command needs an argument"
            if out is not None:
                user.awaiting = None
    if out is None:
        await reply(update, texts.bad_argument(name, reason))
        return
    for text in out:
        await reply(update, text)


def _command(name: str) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    async def handler(update: Update, ctx: Context) -> None:
        await run_setter(update, ctx, name, command_args(ctx))

    handler.__doc__ = f"Set {name} in one message."
    return handler


async def help_cmd(update: Update, ctx: Context) -> None:
    await reply(update, texts.HELP)


def card_rows(user: User) -> Rows:
    def b(label: str, key: str) -> tuple[str, str]:
        return label, callbacks.make("set", key)

    return [
        [b("Time zone", "tz"), b("Dose plan", "dose")],
        [b("Follow-ups", "followup"), b("Quiet hours", "quiet")],
        [b("Morning check-in", "morning"), b("Redo setup", "onboard")],
        [b("Resume prompts", "resume") if user.paused else b("Pause prompts", "pause")],
    ]


async def settings_cmd(update: Update, ctx: Context) -> None:
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, ctx.bot_data.clock.now())
        card, rows = settings_card(user), card_rows(user)
    await reply(update, card, rows)


async def _set_paused(update: Update, ctx: Context, paused: bool) -> str:
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        if user.paused == paused:
            return texts.ALREADY_PAUSED if paused else texts.NOT_PAUSED
        user.paused = paused
        if paused:
            await plan.cancel_all(session, user.id)
        else:
            await plan.replan_user(session, user, now)
    return texts.PAUSED if paused else texts.RESUMED


async def pause_cmd(update: Update, ctx: Context) -> None:
    await reply(update, await _set_paused(update, ctx, True))


async def resume_cmd(update: Update, ctx: Context) -> None:
    await reply(update, await _set_paused(update, ctx, False))


async def on_card_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = callbacks.parse(query.data, "set")
    if data is None:
        await query.answer(texts.STALE_BUTTON)
        return
    if data.action in ("pause", "resume"):
        await query.answer()
        await reply(update, await _set_paused(update, ctx, data.action == "pause"))
        return
    if data.action == "onboard":
        await query.answer()
        from bot.handlers.onboarding import start

        await start(update, ctx)
        return
    if data.action not in CARD_KEYS:
        await query.answer(texts.STALE_BUTTON)
        return
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, ctx.bot_data.clock.now())
        user.awaiting = f"set:{CARD_KEYS[data.action]}"
    await query.answer()
    await reply(update, texts.ASK_SETTING[data.action])


async def handle_text(
    session: AsyncSession, ctx: Context, user: User, text: str
) -> list[str] | None:
    """A typed answer to a settings-card question; None when the text is not one."""
    if not (user.awaiting or "").startswith("set:"):
        return None
    name = (user.awaiting or "")[4:]
    if name not in SETTERS:
        user.awaiting = None
        return None
    try:
        out = await SETTERS[name](session, ctx, user, text.split())
    except BadArgument:
        return None  # not an answer: maybe a check-in; the question stays open
    user.awaiting = None
    return out


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_cmd))
    app.add_handler(CommandHandler("settings", settings_cmd))
    app.add_handler(CommandHandler("pause", pause_cmd))
    app.add_handler(CommandHandler("resume", resume_cmd))
    for name in SETTERS:
        app.add_handler(CommandHandler(name, _command(name)))
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=r"^set:"))
