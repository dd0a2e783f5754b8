"""/summary, /report and /calendar: is the magnesium helping? Text and chart, a PDF for a
clinician, or a month of headache days as the paper diaries show it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from bot.context import App, Context
from bot.diary import calendar
from bot.diary.summary import load as load_diary
from bot.domain import chart, report, stats, summary_text
from bot.domain.calendar import render_calendar
from bot.domain.commands import BadArgument, parse_period
from bot.domain.diary import Diary
from bot.handlers.common import command_args, reply, scope_of
from bot.ui import texts

REPORT_CAPTION = "Your diary for your clinician (last 90 days, before vs on magnesium)."


def _render(diary: Diary, period: str, now: datetime) -> tuple[str, bytes | None]:
    start, end = stats.period_bounds(diary, period, now)
    summary = stats.summarize(diary, start, end, now)
    text = summary_text.render_summary(summary, period)
    png = chart.render_chart(diary, start, end, now) if summary.has_data else None
    return text, png


async def _diary(update: Update, ctx: Context, now: datetime) -> tuple[Diary, Chat]:
    async with scope_of(update, ctx) as scope:
        diary = await load_diary(scope)
    assert update.effective_chat is not None
    return diary, update.effective_chat


async def summary_cmd(update: Update, ctx: Context) -> None:
    """Figures for the period, then the chart (rendered off the event loop)."""
    try:
        period = parse_period(command_args(ctx))
    except BadArgument as exc:
        await reply(update, texts.bad_argument("summary", str(exc)))
        return
    now = ctx.bot_data.clock.now()
    diary, chat = await _diary(update, ctx, now)
    await chat.send_chat_action(ChatAction.TYPING)
    text, png = await asyncio.to_thread(_render, diary, period, now)
    await reply(update, text)
    if png is not None:
        await chat.send_photo(png)


async def report_cmd(update: Update, ctx: Context) -> None:
    now = ctx.bot_data.clock.now()
    diary, chat = await _diary(update, ctx, now)
    await chat.send_chat_action(ChatAction.UPLOAD_DOCUMENT)
    pdf = await asyncio.to_thread(report.render_report_pdf, diary, now)
    filename = f"magbot-report-{now.date().isoformat()}.pdf"
    await chat.send_document(pdf, filename=filename, caption=REPORT_CAPTION)


async def calendar_cmd(update: Update, ctx: Context) -> None:
    """A month's calendar image: this month, or the one named (drawn off the event loop)."""
    now = ctx.bot_data.clock.now()
    try:
        async with scope_of(update, ctx) as scope:
            diary, month = await calendar.month_of(scope, command_args(ctx))
    except BadArgument as exc:
        await reply(update, texts.bad_argument("calendar", str(exc)))
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_chat_action(ChatAction.UPLOAD_PHOTO)
    png = await asyncio.to_thread(render_calendar, diary, month.year, month.month, now)
    await chat.send_photo(png, caption=texts.calendar_caption(month.year, month.month))


def register(app: App) -> None:
    app.add_handler(CommandHandler("summary", summary_cmd))
    app.add_handler(CommandHandler("report", report_cmd))
    app.add_handler(CommandHandler("calendar", calendar_cmd))
