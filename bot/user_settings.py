"""A person's settings: the setters shared by the one-message commands, the
settings card and onboarding, and the card itself."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.domain import commands
from bot.handlers.common import local_now
from bot.scheduling import plan
from bot.ui import texts
from storage.models import User
from storage.queries import users as queries

# Magnesium bisglycinate is about 14.1 % elemental magnesium by weight (DESIGN §7).
COMPOUND_ELEMENTAL_SHARE = 0.141


def elemental_mg(user: User, amount: float) -> float:
    """What the person typed, as elemental magnesium, given what their label states."""
    return amount if user.label_elemental else round(amount * COMPOUND_ELEMENTAL_SHARE, 1)


# A setter stores one setting from its arguments and returns the confirmation;
# it raises BadArgument with the reason when the arguments are wrong.
Setter = Callable[[AsyncSession, Context, User, list[str]], Awaitable[list[str]]]


async def set_timezone(
    session: AsyncSession, ctx: Context, user: User, args: list[str]
) -> list[str]:
    user.timezone = commands.parse_timezone(" ".join(args))
    await plan.replan_user(session, user, ctx.bot_data.clock.now())
    return [texts.timezone_set(user.timezone, local_now(user, ctx).strftime("%H:%M"))]


async def set_dose(session: AsyncSession, ctx: Context, user: User, args: list[str]) -> list[str]:
    parsed = commands.parse_dose_plan(args)
    pairs = [(elemental_mg(user, d.amount_mg), d.at) for d in parsed or []]
    await queries.set_dose_plan(session, user, pairs, on=local_now(user, ctx).date())
    await plan.replan_user(session, user, ctx.bot_data.clock.now())
    out = [texts.dose_set(pairs)]
    total = sum(mg for mg, _ in pairs)
    if total > texts.UPPER_LIMIT_MG:
        out.append(texts.plan_over_limit(total))
    return out


async def set_followup(
    session: AsyncSession, ctx: Context, user: User, args: list[str]
) -> list[str]:
    first, every = commands.parse_followup(args)
    user.followup_first_min = int(first.total_seconds() // 60)
    user.followup_every_min = int(every.total_seconds() // 60)
    await plan.replan_user(session, user, ctx.bot_data.clock.now())
    return [texts.followup_set(user.followup_first_min, user.followup_every_min)]


async def set_quiet(session: AsyncSession, ctx: Context, user: User, args: list[str]) -> list[str]:
    window = commands.parse_quiet(args)
    # equal start and end means "no quiet hours"
    user.quiet_start, user.quiet_end = window or (user.quiet_start, user.quiet_start)
    await plan.replan_user(session, user, ctx.bot_data.clock.now())
    return [texts.quiet_set(window)]


async def set_morning(
    session: AsyncSession, ctx: Context, user: User, args: list[str]
) -> list[str]:
    user.morning_time = commands.parse_morning(args)
    await plan.replan_user(session, user, ctx.bot_data.clock.now())
    return [texts.morning_set(user.morning_time)]


SETTERS: dict[str, Setter] = {
    "timezone": set_timezone,
    "dose": set_dose,
    "followup": set_followup,
    "quiet": set_quiet,
    "morning": set_morning,
}


def settings_card(user: User) -> str:
    return texts.settings_card(
        zone=user.timezone,
        plan=[(d.amount_mg, d.local_time) for d in user.dose_plan],
        label_elemental=user.label_elemental,
        followup=(user.followup_first_min, user.followup_every_min),
        quiet=(user.quiet_start, user.quiet_end) if user.quiet_start != user.quiet_end else None,
        morning=user.morning_time,
        goals=list(user.goals),
        kidney=user.kidney_disease,
        paused=user.paused,
        magnesium_start=user.magnesium_start,
    )
