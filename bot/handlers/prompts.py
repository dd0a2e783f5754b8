"""Buttons on the prompts the bot sends by itself: dose, follow-up, "did it help?",
morning check-in.

Thin: read the button, let `bot.diary.prompts` store the answer in one
transaction, then answer the tap and edit the prompt message to show the
outcome (never a new message per tap, never an edit to identical content).
The typed answers these prompts ask for ("Other amount", the morning check-in in
words) are read here too, through the registry in `bot.handlers.answers`.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from bot.context import App, Context
from bot.diary import prompts
from bot.diary.awaiting import Awaited
from bot.diary.scope import Scope
from bot.domain.entries import DoseEntry, FactorEntry, SleepEntry
from bot.domain.parse import parse, read_dose_amount
from bot.handlers.common import Out, answer, edit, scope_of, shown_today
from bot.ui import buttons as b
from bot.ui import prompts as pt
from bot.ui.callbacks import pattern, unpack
from bot.ui.checkin import checkin_reply
from bot.ui.keyboards import Rows

Answered = tuple[list[Out], list[tuple[int, str]]]


async def _show(update: Update, toast: str, text: str | None, rows: Rows | None) -> None:
    query = update.callback_query
    assert query is not None
    await answer(query, toast)
    if text is not None and isinstance(query.message, Message):
        await edit(query.message, text, rows)


async def on_dose_button(update: Update, ctx: Context) -> None:
    """Took it / Other amount / Skip / Snooze on a dose prompt."""
    assert update.callback_query is not None
    pressed = unpack(update.callback_query.data, b.DoseAnswer)
    async with scope_of(update, ctx) as scope:
        if pressed is None:
            answer = prompts.PromptReply(prompts.Answer.STALE)
        else:
            action = prompts.DoseAction(pressed.action.value)
            answer = await prompts.answer_dose(scope, pressed.prompt_id, action)
        view = pt.reply_view(answer, scope.user, scope.now)
    await _show(update, *view)


async def on_followup_button(update: Update, ctx: Context) -> None:
    """Pain now / Gone on a follow-up; Yes / No on the "did it come back?" check."""
    assert update.callback_query is not None
    pressed = unpack(update.callback_query.data, *b.FOLLOWUP_BUTTONS)
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.FollowupPain():
                answer = await prompts.answer_followup(
                    scope, pressed.prompt_id, pressed.value, gone=False
                )
            case b.FollowupGone():
                answer = await prompts.answer_followup(scope, pressed.prompt_id, None, gone=True)
            case b.CameBack() | b.NotBack():
                answer = await prompts.answer_recurrence(
                    scope, pressed.prompt_id, back=isinstance(pressed, b.CameBack)
                )
            case _:
                answer = prompts.PromptReply(prompts.Answer.STALE)
        view = pt.reply_view(answer, scope.user, scope.now)
    await _show(update, *view)


async def on_med_check_button(update: Update, ctx: Context) -> None:
    """Pain gone / Better / Same / Worse two hours after a medicine."""
    assert update.callback_query is not None
    pressed = unpack(update.callback_query.data, b.MedCheck)
    async with scope_of(update, ctx) as scope:
        if pressed is None:
            answer = prompts.PromptReply(prompts.Answer.STALE)
        else:
            answer = await prompts.answer_med_check(scope, pressed.prompt_id, pressed.answer)
        view = pt.reply_view(answer, scope.user, scope.now)
    await _show(update, *view)


async def on_morning_button(update: Update, ctx: Context) -> None:
    """Sleep quality / awakenings on the morning check-in."""
    assert update.callback_query is not None
    pressed = unpack(update.callback_query.data, *b.MORNING_BUTTONS)
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.MorningQuality():
                answer = await prompts.answer_morning(
                    scope, pressed.prompt_id, quality=pressed.value
                )
            case b.MorningWakes():
                answer = await prompts.answer_morning(
                    scope, pressed.prompt_id, awakenings=pressed.value
                )
            case _:
                answer = prompts.PromptReply(prompts.Answer.STALE)
        view = pt.reply_view(answer, scope.user, scope.now)
    await _show(update, *view)


# --- typed answers -------------------------------------------------------------------------


async def answer_amount(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """The typed answer to "Other amount"; None when the text is not an amount."""
    prompt_id = asked.ref_id()
    entry = _typed_amount(text)
    if prompt_id is None or entry is None:
        return None
    answer = await prompts.dose_amount(scope, prompt_id, entry, text)
    if answer is None:
        return None
    messages, prompt_text = pt.amount_view(answer, scope.user, scope.now)
    edits = []
    if answer.prompt is not None and answer.prompt.message_id is not None and prompt_text:
        edits.append((answer.prompt.message_id, prompt_text))
    return [(m, None) for m in messages], edits


def _typed_amount(text: str) -> DoseEntry | None:
    """An amount typed on its own, read as everywhere else (the label and capsule size
    apply when it is stored)."""
    amount = read_dose_amount(text)
    if amount is None:
        return None
    return DoseEntry(amount_mg=amount.amount_mg, count=amount.count)


async def answer_morning_text(scope: Scope, asked: Awaited, text: str) -> Answered | None:
    """Words in answer to the morning check-in: that night, unless plainly something else."""
    entries = parse(text, scope.sent_at, scope.user.timezone)
    said = [e for e in entries if isinstance(e, SleepEntry | FactorEntry)]
    if not any(isinstance(e, SleepEntry) for e in said) or len(said) != len(entries):
        return None
    recorded = await prompts.morning_in_words(scope, asked.ref_id(), said, text)
    return checkin_reply(recorded, scope.user.timezone, shown_today(scope), scope.now), []


def register(app: App) -> None:
    app.add_handler(CallbackQueryHandler(on_dose_button, pattern=pattern("dose")))
    app.add_handler(CallbackQueryHandler(on_followup_button, pattern=pattern("fu")))
    app.add_handler(CallbackQueryHandler(on_med_check_button, pattern=pattern("mc")))
    app.add_handler(CallbackQueryHandler(on_morning_button, pattern=pattern("mrn")))
