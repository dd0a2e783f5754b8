"""Free-text check-ins: understand, store, answer with what was understood and buttons.

Any text that is not a command lands here. A typed answer the bot asked for
(onboarding, a setting, a dose amount, a morning check-in, a corrected time)
goes to its answerer first (`bot.handlers.answers`). Red flags are answered
before anything is logged. Relative times resolve against the message's own
date, so a message that waited through downtime lands on the day it was written.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.context import App, Context
from bot.diary import attacks, awaiting, checkin, journal, settings
from bot.diary.awaiting import Awaiting
from bot.diary.scope import Scope
from bot.domain.entries import AttackEntry
from bot.domain.reading import read
from bot.domain.redflags import red_flags
from bot.handlers.answers import answer_awaited
from bot.handlers.common import (
    Out,
    answer,
    edit,
    edit_sent,
    message_time,
    reply,
    scope_of,
    send_all,
    shown_today,
)
from bot.ui import buttons as b
from bot.ui import entries as tx
from bot.ui import texts
from bot.ui.callbacks import pattern, unpack
from bot.ui.checkin import attack_rows, checkin_reply, logged_text
from bot.ui.prompts import BAD_AMOUNT
from bot.ui.settings import continue_offer, refused

# Telegram caps a user's message at 4096 characters; anything longer (a forwarded
# essay through another client) is cut so the parser stays fast.
MAX_TEXT = 4096
# Messages longer than this are read in another process (bot.domain.reading).
LONG_TEXT = 300


async def on_text(update: Update, ctx: Context) -> None:
    """Understand a check-in, store it, and say what was understood."""
    message = update.message
    written = message and (message.text or message.caption)  # a photo's caption counts too
    if message is None or not written:
        return
    text = written[:MAX_TEXT]
    # A long message is read in another process, before the transaction: reading
    # 4,096 characters takes about 100 ms of CPU that other people's replies need.
    sent_at = message_time(message, ctx.bot_data.clock.now())
    zones = ctx.bot_data.zones
    if len(text) > LONG_TEXT:
        guess = zones.get(message.chat_id, "UTC")
        reading = await ctx.bot_data.read_apart(read, text, sent_at, guess)
        flags = reading.flags
    else:
        reading, flags = None, red_flags(text)
    if flags:
        await reply(update, tx.red_flag(flags))
    edits: list[tuple[int, str]] = []
    async with scope_of(update, ctx) as scope:
        zones[message.chat_id] = zone = scope.user.timezone
        answered = await answer_awaited(scope, text)
        if answered is not None:
            outs, edits = answered.outs, answered.edits
        else:
            if reading is None or reading.zone != zone:  # the zone changed meanwhile
                reading = read(text, scope.sent_at, zone)
            bad_dates, entries = reading.bad_dates, reading.entries
            if bad_dates:
                # logging it on some other day would be worse than asking again
                outs = [(tx.impossible_date(bad_dates[0]), None)]
            else:
                recorded = await checkin.record_message(scope, entries, text)
                outs = checkin_reply(recorded, scope.user.timezone, shown_today(scope), scope.now)
                if recorded.logged and scope.user.onboarding_step is not None:
                    outs.append(continue_offer(scope.user))
                if not entries and (hint := _open_question_hint(scope)) is not None:
                    # neither a check-in nor a valid answer: say what the question wants
                    outs = [(hint, None)]
                elif not entries and (step := scope.user.onboarding_step) is not None:
                    # a question answered by tapping: ask it again, its buttons in view
                    outs = refused(scope.user, step, "I need a tap on one of the buttons")
        # queued on the scope: stored with what they confirm, sent once it commits
        for message_id, new_text in edits:
            await edit_sent(update, message_id, new_text)
        await send_all(update, outs)


def _open_question_hint(scope: Scope) -> str | None:
    """What the open question wants, for a message that was neither its answer nor a check-in."""
    asked = awaiting.awaited(scope.user)
    if asked is not None and asked.kind is Awaiting.DOSE_AMOUNT:
        return BAD_AMOUNT
    question = settings.open_question(scope.user)
    return texts.bad_answer(question) if question is not None else None


async def on_attack_button(update: Update, ctx: Context) -> None:
    """Complete an attack: intensity, symptom and trigger toggles, Done."""
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, *b.ATTACK_BUTTONS)
    shown: tuple[str | None, list[list[tuple[str, str]]] | None] | None = None
    async with scope_of(update, ctx) as scope:
        attack_id: int | None = getattr(pressed, "attack_id", None)
        attack = await attacks.own_attack(scope, attack_id) if attack_id is not None else None
        if attack is not None and pressed is not None:
            panel, changed = b.Panel.MAIN, True
            match pressed:
                case b.AttackIntensity():
                    changed = await attacks.set_peak(scope, attack, pressed.value)
                case b.AttackSymptom():
                    changed = await attacks.toggle_code(scope, attack, symptom=pressed.index)
                    panel = b.Panel.SYMPTOMS
                case b.AttackTrigger():
                    changed = await attacks.toggle_code(scope, attack, trigger=pressed.index)
                    panel = b.Panel.TRIGGERS
                case b.AttackPanel():
                    panel = pressed.panel
            if changed:
                meds = await attacks.medicines_of(scope, attack)
                text = "✅ " + tx.attack_line(attack, scope.zone, shown_today(scope), meds=meds)
                group = await journal.group_of(scope, attack)
                done = isinstance(pressed, b.AttackDone)
                view_only = isinstance(pressed, b.AttackPanel)
                rows = None if done else attack_rows(attack, panel, group=group)
                shown = (None if view_only else text, rows)
    if shown is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    if isinstance(query.message, Message):
        await edit(query.message, *shown)


async def on_checkin_button(update: Update, ctx: Context) -> None:
    """Undo a check-in from its reply, or start a new attack when none was open."""
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, *b.CHECKIN_BUTTONS)
    out: Out | None = None
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.UndoMessage():
                undone = await journal.undo_group(scope, pressed.group)
                if undone:
                    out = (tx.undone(undone, scope.zone, shown_today(scope)), None)
            case b.NewAttack():
                entry = AttackEntry(kind=pressed.kind, intensity=pressed.intensity)
                recorded = await checkin.record_message(scope, [entry], "(button)")
                attack = recorded.attack
                rows = attack_rows(attack, group=scope.group) if attack else None
                out = (
                    logged_text(recorded, scope.user.timezone, shown_today(scope), scope.now),
                    rows,
                )
        if out is not None:
            await reply(update, *out)
    if out is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    if isinstance(query.message, Message):
        await edit(query.message, None, None)


async def on_question_button(update: Update, ctx: Context) -> None:
    """The questions after a check-in: an overlapping attack, a time zone nobody chose."""
    query = update.callback_query
    assert query is not None
    pressed = unpack(query.data, *b.QUESTION_BUTTONS)
    said: str | None = None
    async with scope_of(update, ctx) as scope:
        match pressed:
            case b.OverlapSame():
                merged = await attacks.merge_overlap(scope, pressed.new_id, pressed.existing_id)
                if merged is not None:
                    said = tx.merged(tx.attack_line(merged, scope.zone, shown_today(scope)))
            case b.OverlapKeep():
                kept = await attacks.own_attack(scope, pressed.new_id)
                if kept is not None:
                    said = tx.KEPT_BOTH
            case b.ZoneFix():
                moved = await settings.fix_zone(scope, pressed.zone, pressed.group)
                if moved is not None:
                    said = tx.zone_fixed(pressed.zone, moved)
    if said is None:
        await answer(query, texts.STALE_BUTTON)
        return
    await answer(query)
    if isinstance(query.message, Message):
        await edit(query.message, f"{query.message.text_html}\n→ {said}", None)


async def on_unknown_button(update: Update, ctx: Context) -> None:
    """Any callback no flow recognises: old versions, forged data."""
    assert update.callback_query is not None
    await answer(update.callback_query, texts.STALE_BUTTON)


async def on_edited(update: Update, ctx: Context) -> None:
    await reply(update, texts.EDITED_MESSAGE)


async def on_other(update: Update, ctx: Context) -> None:
    await reply(update, texts.NON_TEXT)


async def on_unknown_command(update: Update, ctx: Context) -> None:
    await reply(update, texts.UNKNOWN_COMMAND)


def register(app: App) -> None:
    app.add_handler(CallbackQueryHandler(on_attack_button, pattern=pattern("at")))
    app.add_handler(CallbackQueryHandler(on_checkin_button, pattern=pattern("ci")))
    app.add_handler(CallbackQueryHandler(on_question_button, pattern=r"^(ov|tz):"))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited))
    app.add_handler(
        MessageHandler(
            (filters.TEXT | filters.CAPTION) & ~filters.COMMAND & filters.UpdateType.MESSAGE,
            on_text,
        )
    )
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, on_unknown_command)
    )
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & ~filters.TEXT, on_other))
    app.add_handler(CallbackQueryHandler(on_unknown_button))
