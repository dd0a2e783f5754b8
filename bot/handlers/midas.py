"""MIDAS: /midas, the buttons of the MIDAS prompt and its questions, and typed answers.

A tap edits the message in place (the next question, then the score); a typed
number gets the next question as a reply. The state is in the database
(`bot.diary.midas`), so the buttons of a question already answered are
answered politely and change nothing.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context
from bot.diary import midas
from bot.diary.awaiting import Awaited
from bot.diary.scope import Scope
from bot.handlers.common import Out, answer, edit, reply, scope_of
from bot.ui import buttons as b
from bot.ui import midas as ui
from bot.ui.callbacks import pattern, unpack

Answered = tuple[list[Out], list[tuple[int, str]]]


async def midas_cmd(update: Update, ctx: Context) -> None:
    """Take the MIDAS questionnaire now (or carry on with the one under way)."""
    async with scope_of(update, ctx) as scope:
        step = await midas.start(scope)
    _, text, rows = ui.view(step)
    await reply(update, text, rows)


async def on_midas_button(update: Update, ctx: Context) -> None:
    """Start / Not this time on the prompt; a quick answer, Back or Skip the rest on a question."""
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, *b.MIDAS_BUTTONS)
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.MidasStart():
                step: midas.Step = await midas.start_from_prompt(scope, pressed.prompt_id)
            case b.MidasLater():
                step = await midas.decline_prompt(scope, pressed.prompt_id)
            case b.MidasDays():
                step = await midas.answer(scope, pressed.midas_id, pressed.question, pressed.days)
            case b.MidasBack():
                step = await midas.back(scope, pressed.midas_id, pressed.question)
            case b.MidasStop():
                step = await midas.stop(scope, pressed.midas_id)
            case _:
                step = midas.Gone()
    toast, text, rows = ui.view(step)
    await answer(query, toast)
    if text and isinstance(query.message, Message):
        await edit(query.message, text, rows)


async def answer_text(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """A typed number of days for the open question; None when the text is not one."""
    midas_id = asked.ref_id()
    if midas_id is None:
        return None
    step = await midas.answer_typed(scope, midas_id, text)
    if step is None or isinstance(step, midas.Gone):
        return None
    _, shown, rows = ui.view(step)
    return [(shown, rows)], []


def register(app: App) -> None:
    app.add_handler(CommandHandler("midas", midas_cmd))
    app.add_handler(CallbackQueryHandler(on_midas_button, pattern=pattern("md")))
