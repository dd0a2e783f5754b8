"""/start onboarding: time zone, label, dose plan, start date, goals, kidneys.

Every step is skippable and the defaults are stored at once (UTC, 200 mg at
21:30), so a person who ignores the questions still has a working bot. The step
a person is on lives in `user.onboarding_step` and typed answers are expected
through `user.awaiting`, so a restart in the middle loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import Context
from bot.domain.commands import BadArgument, parse_timezone
from bot.domain.dates import parse_past_date
from bot.handlers.common import Rows, edit, load_or_create_user, local_now, send_all
from bot.scheduling import plan
from bot.ui import callbacks, texts
from bot.user_settings import set_dose, set_timezone, settings_card
from storage.models import User
from storage.queries import users as queries

STEPS = ("tz", "label", "dose", "start", "goals", "kidney")
SUGGESTED_ZONES = (
    ("London", "Europe/London"),
    ("Berlin", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Los Angeles", "America/Los_Angeles"),
)
GOALS = ("migraine", "sleep", "anxiety")
DEFAULT_MORNING = time(8, 0)


@dataclass
class Out:
    """A message to send once the transaction has committed."""

    text: str
    rows: Rows | None = None


def _cb(step: str, value: str) -> str:
    return callbacks.make("ob", step, value)


def question(user: User, step: str) -> Out:
    skip = [(texts.BTN_SKIP, _cb(step, "skip"))]
    if step == "tz":
        zones = [(label, _cb("tz", zone)) for label, zone in SUGGESTED_ZONES]
        return Out(
            texts.ASK_TIMEZONE.format(zone=texts.esc(user.timezone)), [zones[:2], zones[2:], skip]
        )
    if step == "label":
        return Out(
            texts.ASK_LABEL,
            [
                [(texts.BTN_ELEMENTAL, _cb("label", "el"))],
                [(texts.BTN_COMPOUND, _cb("label", "co"))],
                skip,
            ],
        )
    if step == "dose":
        return Out(
            texts.ASK_DOSE,
            [
                [
                    (texts.BTN_DEFAULT_DOSE, _cb("dose", "default")),
                    (texts.BTN_NO_REMINDERS, _cb("dose", "off")),
                ],
                skip,
            ],
        )
    if step == "start":
        return Out(
            texts.ASK_START,
            [
                [
                    (texts.BTN_START_TODAY, _cb("start", "today")),
                    (texts.BTN_START_NOT_YET, _cb("start", "notyet")),
                ],
                [(texts.BTN_START_EARLIER, _cb("start", "earlier"))],
                skip,
            ],
        )
    if step == "goals":
        return Out(texts.ASK_GOALS, _goal_rows(user.goals))
    return Out(
        texts.ASK_KIDNEY,
        [[(texts.BTN_YES, _cb("kidney", "y")), (texts.BTN_NO, _cb("kidney", "n"))], skip],
    )


def _goal_rows(goals: list[str]) -> Rows:
    toggles = [
        (("✅ " if g in goals else "") + texts.GOAL_LABELS[g], _cb("goal", g)) for g in GOALS
    ]
    return [toggles, [(texts.BTN_DONE, _cb("goals", "done"))]]


def _advance(user: User, after: str) -> list[Out]:
    """Move past `after` and ask the next question, or finish."""
    index = STEPS.index(after) + 1
    if index < len(STEPS):
        step = STEPS[index]
        user.onboarding_step = step
        user.awaiting = f"ob:{step}" if step in ("tz", "dose") else None
        return [question(user, step)]
    user.onboarding_step = None
    user.awaiting = None
    return [Out(texts.onboarding_done(settings_card(user)))]


async def start(update: Update, ctx: Context) -> None:
    """Begin (or redo) onboarding; /start also brings back a person who had blocked the bot."""
    now = ctx.bot_data.clock.now()
    async with ctx.bot_data.sessions.begin() as session:
        existing = await queries.get_user(session, update.effective_user.id)  # type: ignore[union-attr]
        user = existing or await load_or_create_user(session, update, now)
        user.active = True
        user.onboarding_step = "tz"
        user.awaiting = "ob:tz"
        await plan.replan_user(session, user, now)
        first = question(user, "tz")
    greeting = texts.WELCOME if existing is None else texts.WELCOME_BACK
    await send_all(update, [(greeting, None), (first.text, first.rows)])


async def _apply_choice(
    session: AsyncSession, ctx: Context, user: User, step: str, value: str
) -> tuple[str, list[Out]] | None:
    """Store one button choice; returns (what to show on the question, what to send next)."""
    now = ctx.bot_data.clock.now()
    if step == "goal":
        if value not in GOALS:
            return None
        goals = list(user.goals)
        user.goals = [g for g in goals if g != value] if value in goals else [*goals, value]
        return "", []
    if step == "goals":
        chosen = list(user.goals) or ["migraine"]
        user.goals = chosen
        if "sleep" in chosen and user.morning_time is None:
            user.morning_time = DEFAULT_MORNING
            await plan.replan_user(session, user, now)
        return ", ".join(texts.GOAL_LABELS[g] for g in chosen), _advance(user, "goals")
    if value == "skip":
        return texts.BTN_SKIP, _advance(user, step)
    if step == "tz":
        try:
            zone = parse_timezone(value)
        except BadArgument:
            return None
        user.timezone = zone
        await plan.replan_user(session, user, now)
        return zone, _advance(user, "tz")
    if step == "label" and value in ("el", "co"):
        user.label_elemental = value == "el"
        return (texts.BTN_ELEMENTAL if value == "el" else texts.BTN_COMPOUND), _advance(
            user, "label"
        )
    if step == "dose" and value in ("default", "off"):
        new_plan = list(queries.DEFAULT_PLAN) if value == "default" else []
        await queries.set_dose_plan(session, user, new_plan, on=local_now(user, ctx).date())
        await plan.replan_user(session, user, now)
        return texts.dose_plan_text(new_plan), _advance(user, "dose")
    if step == "start" and value in ("today", "notyet", "earlier"):
        if value == "earlier":
            user.awaiting = "ob:start_date"
            return texts.BTN_START_EARLIER, [
                Out(texts.ASK_START_DATE, [[(texts.BTN_SKIP, _cb("start", "skip"))]])
            ]
        user.magnesium_start = local_now(user, ctx).date() if value == "today" else None
        label = texts.BTN_START_TODAY if value == "today" else texts.BTN_START_NOT_YET
        return label, _advance(user, "start")
    if step == "kidney" and value in ("y", "n"):
        user.kidney_disease = value == "y"
        outs = _advance(user, "kidney")
        if user.kidney_disease:
            outs.insert(0, Out(texts.KIDNEY_NOTE))
        return (texts.BTN_YES if value == "y" else texts.BTN_NO), outs
    return None


async def on_button(update: Update, ctx: Context) -> None:
    query = update.callback_query
    assert query is not None
    data = callbacks.parse(query.data, "ob")
    if data is None or not data.args:
        await query.answer(texts.STALE_BUTTON)
        return
    step, value = data.action, data.args[0]
    async with ctx.bot_data.sessions.begin() as session:
        user = await load_or_create_user(session, update, ctx.bot_data.clock.now())
        current = user.onboarding_step
        in_step = current == step or (step in ("goal", "goals") and current == "goals")
        result = await _apply_choice(session, ctx, user, step, value) if in_step else None
        goal_rows = _goal_rows(user.goals) if step == "goal" else None
    if result is None:
        await query.answer(texts.STALE_BUTTON)
        return
    chosen, outs = result
    await query.answer()
    message = query.message
    if isinstance(message, Message):
        if goal_rows is not None:
            await edit(message, None, goal_rows)
        else:
            await edit(message, f"{message.text_html}\n→ <b>{texts.esc(chosen)}</b>", None)
    await send_all(update, [(out.text, out.rows) for out in outs])


async def handle_text(
    session: AsyncSession, ctx: Context, user: User, text: str
) -> list[Out] | None:
    """A typed answer to an onboarding question, or None when it is not one."""
    if user.awaiting in ("ob:tz", "ob:dose"):
        step = user.awaiting[3:]
        setter = set_timezone if step == "tz" else set_dose
        try:
            confirmations = await setter(session, ctx, user, text.split())
        except BadArgument:
            return None  # not an answer: maybe a check-in; the question stays open
        return [*(Out(t) for t in confirmations), *_advance(user, step)]
    if user.awaiting == "ob:start_date":
        started = parse_past_date(text, local_now(user, ctx))
        if started is None:
            return [Out(texts.BAD_START_DATE, [[(texts.BTN_SKIP, _cb("start", "skip"))]])]
        if started > local_now(user, ctx).date():
            return [Out(texts.FUTURE_START_DATE, [[(texts.BTN_SKIP, _cb("start", "skip"))]])]
        user.magnesium_start = started
        return [Out(f"Magnesium since <b>{started.isoformat()}</b>."), *_advance(user, "start")]
    return None


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button, pattern=r"^ob:"))
