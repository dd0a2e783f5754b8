"""Free-text check-ins: understand, store, answer with what was understood and buttons.

Any text that is not a command lands here. Typed answers the bot asked for
(onboarding, a setting, a dose amount, a morning check-in, a corrected time)
are routed first, by `user.awaiting`. Red flags are answered before anything is
logged. Relative times resolve against the message's own date, so a message
that waited through downtime lands on the day it was written.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import entries
from bot.context import Context
from bot.domain.entries import to_json
from bot.domain.parsing import impossible_dates, parse
from bot.domain.redflags import red_flags
from bot.handlers import history, onboarding, settings_cmds
from bot.handlers.common import Rows, edit, load_or_create_user, reply, send_all
from bot.ui import callbacks, texts
from bot.ui import entries as tx
from storage.models import Attack, User

log = logging.getLogger(__name__)

# Telegram caps a user's message at 4096 characters; anything longer (a forwarded
# essay through another client) is cut so the parser stays fast.
MAX_TEXT = 4096
# A message dated in the future (clock skew) is taken as written now.
MAX_SKEW = timedelta(minutes=5)

# An open question (user.awaiting) -> the command whose form answers it
QUESTION_FORMS = {
    "ob:tz": "timezone",
    "ob:dose": "dose",
    "set:timezone": "timezone",
    "set:dose": "dose",
    "set:followup": "followup",
    "set:quiet": "quiet",
    "set:morning": "morning",
}

SYMPTOMS = list(tx.SYMPTOM_LABELS)
TRIGGERS = list(tx.TRIGGER_LABELS)


def message_time(message: Message, now: datetime) -> datetime:
    """When the person wrote it: Telegram's date, not when the bot got to it."""
    sent = message.date
    return sent if sent <= now + MAX_SKEW else now


def attack_rows(attack: Attack, view: str = "main", *, group: int | None = None) -> Rows:
    """Buttons that complete an attack: intensity keypad, symptom and trigger toggles."""
    aid = attack.id
    if view == "sym":
        return _toggles(aid, "s", SYMPTOMS, attack.symptoms, tx.SYMPTOM_LABELS, per_row=2)
    if view == "trg":
        return _toggles(aid, "t", TRIGGERS, attack.triggers, tx.TRIGGER_LABELS, per_row=3)
    rows: Rows = []
    if attack.peak_intensity is None:
        keys = [(str(n), callbacks.make("at", "i", aid, n)) for n in range(11)]
        rows += [keys[:6], keys[6:]]
    rows.append(
        [
            ("Symptoms ▸", callbacks.make("at", "v", aid, "sym")),
            ("Triggers ▸", callbacks.make("at", "v", aid, "trg")),
        ]
    )
    last = [("Done", callbacks.make("at", "done", aid))]
    if group is not None:
        last.append(("Undo", callbacks.make("ci", "undo", group)))
    rows.append(last)
    return rows


def _toggles(
    aid: int,
    action: str,
    codes: list[str],
    chosen: list[str],
    labels: dict[str, str],
    *,
    per_row: int,
) -> Rows:
    """A ✅ toggle per code (the button carries the code's index: callback data is short)."""
    buttons = [
        (("✅ " if code in chosen else "") + labels[code], callbacks.make("at", action, aid, i))
        for i, code in enumerate(codes)
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return [*rows, [("◂ Back", callbacks.make("at", "v", aid, "main"))]]


async def _awaited_answer(
    update: Update, ctx: Context, session: AsyncSession, user: User, text: str
) -> list[tuple[str, Rows | None]] | None:
    """A typed answer to a question the bot asked; None when the text is something else."""
    awaiting = user.awaiting or ""
    if awaiting.startswith("ob:"):
        outs = await onboarding.handle_text(session, ctx, user, text)
        return [(o.text, o.rows) for o in outs] if outs is not None else None
    if awaiting.startswith("set:"):
        said = await settings_cmds.handle_text(session, ctx, user, text)
        return [(t, None) for t in said] if said is not None else None
    if awaiting.startswith("edit_time:"):
        return await history.handle_time_text(session, ctx, user, text)
    if awaiting.startswith("dose_amount:"):
        from bot.handlers import prompts

        return await prompts.handle_dose_amount_text(session, ctx, user, text)
    return None


async def on_text(update: Update, ctx: Context) -> None:
    """Understand a check-in, store it, and say what was understood."""
    message = update.message
    written = message and (message.text or message.caption)  # a photo's caption counts too
    if message is None or not written:
        return
    text = written[:MAX_TEXT]
    now = ctx.bot_data.clock.now()
    sent_at = message_time(message, now)
    flags = red_flags(text)
    if flags:
        await reply(update, tx.red_flag(flags))
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        answered = await _awaited_answer(update, ctx, session, user, text)
        if answered is None:
            local = sent_at.astimezone(ZoneInfo(user.timezone))
            bad_dates = impossible_dates(text, local, user.timezone)
            if bad_dates:
                # logging it on some other day would be worse than asking again
                answered = [(tx.impossible_date(bad_dates[0]), None)]
        if answered is None:
            parsed = [to_json(e) for e in parse(text, sent_at, user.timezone)]
            if (user.awaiting or "").startswith("morning:"):
                # the answer to the morning check-in: a night, unless it is plainly
                # something else ("migraine since 3pm")
                user.awaiting = None
                if all(e["type"] == "sleep" for e in parsed):
                    parsed = parsed or [{"type": "sleep"}]
            stored = await entries.store_entries(
                session,
                user,
                parsed,
                raw_text=text,
                group=update.update_id,
                sent_at=sent_at,
                now=now,
            )
            answer = _answer(stored, update.update_id)
            if not parsed and user.awaiting in QUESTION_FORMS:
                # neither a check-in nor a valid answer: say what the question wants
                answer = [(texts.bad_answer(QUESTION_FORMS[user.awaiting]), None)]
    await send_all(update, answered if answered is not None else answer)


def _answer(stored: entries.Stored, group: int) -> list[tuple[str, Rows | None]]:
    """What was understood (with buttons to complete or undo it) and any safety notices."""
    out: list[tuple[str, Rows | None]] = []
    if stored.lines:
        rows: Rows
        if stored.attack is not None and stored.attack.ended_at is None:
            rows = attack_rows(stored.attack, group=group)
        else:
            rows = [[("Undo", callbacks.make("ci", "undo", group))]]
        text = "\n".join("✅ " + line for line in stored.lines)
        out.append(("\n\n".join([text, *stored.notices]), rows))
    elif stored.notices:
        out.append(("\n\n".join(stored.notices), None))
    if stored.needs_open_attack:
        intensity = (stored.pending_update or {}).get("intensity")
        value = intensity if intensity is not None else ""
        new = [
            ("New migraine", callbacks.make("ci", "new", "migraine", value)),
            ("New headache", callbacks.make("ci", "new", "headache", value)),
        ]
        out.append((tx.NO_OPEN_ATTACK, [new]))
    if stored.nothing_to_end:
        out.append((tx.NOTHING_TO_END, None))
    if not out:
        out.append((tx.NOTHING_UNDERSTOOD, None))
    return out


async def _load_attack(session: AsyncSession, user_id: int, attack_id: int | None) -> Attack | None:
    if attack_id is None:
        return None
    attack = (
        await session.scalars(
            select(Attack)
            .where(Attack.id == attack_id, Attack.user_id == user_id)
            .options(selectinload(Attack.medications))
        )
    ).first()
    return attack


async def on_attack_button(update: Update, ctx: Context) -> None:
    """Complete an attack: intensity, symptom and trigger toggles, Done."""
    query = update.callback_query
    assert query is not None
    data = callbacks.parse(query.data, "at")
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        attack = await _load_attack(session, user.id, data.int_arg(0) if data else None)
        result = None if data is None or attack is None else _apply_attack_button(attack, data)
        if result is not None:
            view, done = result
            assert attack is not None
            text = "✅ " + tx.attack_line(attack, user.timezone, now=now, meds=attack.medications)
            group = await entries.group_of(session, user, "attack", attack.id)
            rows = None if done else attack_rows(attack, view, group=group)
    if result is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    if isinstance(query.message, Message):
        view_only = data is not None and data.action == "v"
        await edit(query.message, None if view_only else text, rows)


def _apply_attack_button(attack: Attack, data: callbacks.Callback) -> tuple[str, bool] | None:
    """Change the attack as the button says; returns (view to show, finished)."""
    value = data.int_arg(1)
    if data.action == "i" and value is not None and 0 <= value <= 10:
        attack.peak_intensity = max(attack.peak_intensity or 0, value)
        if attack.start_intensity is None:
            attack.start_intensity = value
        return "main", False
    if data.action == "s" and value is not None and 0 <= value < len(SYMPTOMS):
        code = SYMPTOMS[value]
        attack.symptoms = (
            [s for s in attack.symptoms if s != code]
            if code in attack.symptoms
            else [*attack.symptoms, code]
        )
        attack.aura = "aura" in attack.symptoms
        return "sym", False
    if data.action == "t" and value is not None and 0 <= value < len(TRIGGERS):
        code = TRIGGERS[value]
        attack.triggers = (
            [t for t in attack.triggers if t != code]
            if code in attack.triggers
            else [*attack.triggers, code]
        )
        return "trg", False
    if data.action == "v" and len(data.args) > 1 and data.args[1] in ("main", "sym", "trg"):
        return data.args[1], False
    if data.action == "done":
        return "main", True
    return None


async def on_checkin_button(update: Update, ctx: Context) -> None:
    """Undo a check-in from its reply, or start a new attack when none was open."""
    query = update.callback_query
    assert query is not None
    data = callbacks.parse(query.data, "ci")
    now = ctx.bot_data.clock.now()
    answer: str | None = None
    rows: Rows | None = None
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, now)
        if data is not None and data.action == "undo" and data.int_arg(0) is not None:
            removed = await entries.undo_group(session, user, data.int_arg(0) or 0, now)
            answer = tx.UNDONE.format(what="; ".join(removed)) if removed else None
        elif (
            data is not None
            and data.action == "new"
            and data.args
            and data.args[0] in ("migraine", "headache")
        ):
            intensity = data.int_arg(1)
            entry: dict[str, Any] = {"type": "attack", "kind": data.args[0], "intensity": intensity}
            stored = await entries.store_entries(
                session,
                user,
                [entry],
                raw_text="(button)",
                group=update.update_id,
                sent_at=now,
                now=now,
            )
            answer = "\n".join("✅ " + line for line in stored.lines)
            rows = attack_rows(stored.attack, group=update.update_id) if stored.attack else None
    if answer is None:
        await query.answer(texts.STALE_BUTTON)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await edit(query.message, None, None)
    await reply(update, answer, rows)


async def on_unknown_button(update: Update, ctx: Context) -> None:
    """Any callback no flow recognises: old versions, forged data."""
    assert update.callback_query is not None
    await update.callback_query.answer(texts.STALE_BUTTON)


async def on_edited(update: Update, ctx: Context) -> None:
    await reply(update, texts.EDITED_MESSAGE)


async def on_other(update: Update, ctx: Context) -> None:
    await reply(update, texts.NON_TEXT)


async def on_unknown_command(update: Update, ctx: Context) -> None:
    await reply(update, texts.UNKNOWN_COMMAND)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_attack_button, pattern=r"^at:"))
    app.add_handler(CallbackQueryHandler(on_checkin_button, pattern=r"^ci:"))
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
