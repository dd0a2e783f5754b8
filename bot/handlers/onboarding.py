"""/start onboarding: each question, its buttons, and its typed answers (bot.diary.onboarding)."""

from __future__ import annotations

from datetime import date

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import App, Context
from bot.diary import onboarding
from bot.diary.awaiting import Awaited
from bot.diary.scope import Scope
from bot.domain.parse import parse
from bot.handlers.common import Out, answer, edit, scope_of, send_all
from bot.ui import buttons as b
from bot.ui import settings as ui
from bot.ui import texts
from bot.ui.callbacks import pattern, unpack

Answered = tuple[list[Out], list[tuple[int, str]]]


async def start(update: Update, ctx: Context) -> None:
    """Begin (or redo) onboarding."""
    async with scope_of(update, ctx) as scope:
        seen_before = await onboarding.start(scope)
        greeting = texts.WELCOME_BACK if seen_before else texts.WELCOME
        await send_all(update, [(greeting, None), ui.question(scope.user, "tz")])


async def on_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, b.OnboardingChoice, b.OnboardingAgain)
    outs: list[Out] = []
    shown: tuple[str | None, list[list[tuple[str, str]]] | None] | None = None
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.OnboardingAgain():
                step = scope.user.onboarding_step
                if step is not None:
                    onboarding.resume(scope)
                    outs = [ui.question(scope.user, step)]
                    shown = (None, None)
            case b.OnboardingChoice():
                chosen = await onboarding.choose(scope, pressed.step.value, pressed.value)
                if chosen is not None:
                    if chosen.step == "goal":
                        shown = (None, ui.goal_rows(scope.user.goals))
                    else:
                        shown = (ui.chosen_label(chosen.step, chosen.value), None)
                    if chosen.next is not None:
                        outs = ui.next_outs(
                            scope.user, chosen.next.step, kidney_note=chosen.kidney_note
                        )
                    elif chosen.step == "start":
                        outs = [ui.question(scope.user, "start_date")]
        await send_all(update, outs)
    if shown is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    message = query.message
    if isinstance(message, Message):
        label, rows = shown
        if label is not None:
            await edit(message, f"{message.text_html}\n→ <b>{texts.esc(label)}</b>", None)
        elif rows is not None or isinstance(pressed, b.OnboardingAgain):
            await edit(message, None, rows)


async def answer_text(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """A typed answer to an onboarding question.

    Not a value for the question, but a check-in ("migraine since 3pm")? Then it
    is logged as one, and the reply offers to carry on with the setup.
    """
    result = await onboarding.answer(scope, asked.ref, text)
    match result:
        case onboarding.Typed():
            confirmations: list[Out] = []
            if not isinstance(result.changed, date):
                confirmations = [(t, None) for t in ui.changed_text(result.changed)]
            else:
                confirmations = [(texts.started_on(result.changed), None)]
            return [*confirmations, *ui.next_outs(scope.user, result.next.step)], []
        case onboarding.Skipped():
            return ui.next_outs(scope.user, result.next.step), []
        case onboarding.Refused():
            if parse(text, scope.sent_at, scope.user.timezone):
                return None  # a check-in: logged as such, with the offer to continue
            return ui.refused(scope.user, result.step, result.reason), []
    return None


def register(app: App) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern("ob")))
