"""/help, /settings and the one-message setting commands (DESIGN §1).

Each command works without any conversation state, so a person in a hurry or a
script can set everything in one message; sent without its value it shows the
current setting and the form. The settings card's buttons ask for the same
values as a typed answer, read by the same setters (`bot.diary.settings`).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context
from bot.diary import settings
from bot.diary.awaiting import Awaited
from bot.diary.scope import Scope
from bot.domain.commands import BadArgument
from bot.handlers import onboarding
from bot.handlers.common import Out, answer, command_args, reply, scope_of
from bot.ui import buttons as b
from bot.ui import settings as ui
from bot.ui import texts
from bot.ui.callbacks import pattern, unpack

Answered = tuple[list[Out], list[tuple[int, str]]]
# settings card button -> the setting it asks for
CARD_SETTINGS = {
    b.CardKey.TIMEZONE: settings.Setting.TIMEZONE,
    b.CardKey.DOSE: settings.Setting.DOSE,
    b.CardKey.FOLLOWUP: settings.Setting.FOLLOWUP,
    b.CardKey.QUIET: settings.Setting.QUIET,
    b.CardKey.MORNING: settings.Setting.MORNING,
    b.CardKey.CAPSULE: settings.Setting.CAPSULE,
}


async def run_setter(
    update: Update, ctx: Context, setting: settings.Setting, args: list[str]
) -> None:
    async with scope_of(update, ctx) as scope:
        if not args:
            said = [ui.current_setting(scope.user, setting)]
        else:
            try:
                said = ui.changed_text(await settings.change(scope, setting, args))
            except BadArgument as exc:
                said = [texts.bad_argument(setting.value, str(exc))]
        for text in said:
            await reply(update, text)


def _command(setting: settings.Setting) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
    async def handler(update: Update, ctx: Context) -> None:
        await run_setter(update, ctx, setting, command_args(ctx))

    handler.__doc__ = f"Set {setting.value} in one message."
    return handler


async def help_cmd(update: Update, ctx: Context) -> None:
    await reply(update, texts.HELP)


async def settings_cmd(update: Update, ctx: Context) -> None:
    async with scope_of(update, ctx) as scope:
        card, rows = ui.settings_card(scope.user), ui.card_rows(scope.user)
    await reply(update, card, rows)


async def _set_paused(update: Update, ctx: Context, paused: bool) -> None:
    async with scope_of(update, ctx) as scope:
        if await settings.set_paused(scope, paused):
            await reply(update, texts.PAUSED if paused else texts.RESUMED)
        else:
            await reply(update, texts.ALREADY_PAUSED if paused else texts.NOT_PAUSED)


async def pause_cmd(update: Update, ctx: Context) -> None:
    await _set_paused(update, ctx, True)


async def resume_cmd(update: Update, ctx: Context) -> None:
    await _set_paused(update, ctx, False)


async def on_card_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, b.SettingsCard)
    if pressed is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    if pressed.key in (b.CardKey.PAUSE, b.CardKey.RESUME):
        await _set_paused(update, ctx, pressed.key is b.CardKey.PAUSE)
        return
    if pressed.key is b.CardKey.ONBOARD:
        await onboarding.start(update, ctx)
        return
    setting = CARD_SETTINGS[pressed.key]
    async with scope_of(update, ctx) as scope:
        settings.ask(scope, setting)
        await reply(update, texts.ASK_SETTING[pressed.key.value])


async def answer_text(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """A typed answer to a settings-card question; None when the text is not one."""
    if asked.ref not in settings.Setting.__members__.values():
        return None
    try:
        changed = await settings.change(scope, settings.Setting(asked.ref), text.split())
    except BadArgument:
        return None  # not an answer: maybe a check-in; the question stays open
    return [(t, None) for t in ui.changed_text(changed)], []


def register(app: App) -> None:
    app.add_handler(CommandHandler("help", help_cmd))
    app.add_handler(CommandHandler("settings", settings_cmd))
    app.add_handler(CommandHandler("pause", pause_cmd))
    app.add_handler(CommandHandler("resume", resume_cmd))
    for setting in settings.Setting:
        app.add_handler(CommandHandler(setting.value, _command(setting)))
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=pattern("set")))
