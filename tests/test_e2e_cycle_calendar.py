"""The menstrual cycle and /calendar through the real bot.

Period days are written through `bot.diary.periods.record_period` (the use case
the free-text check-in calls for a period entry) in the test's own transaction;
everything else is typed to the bot as a person would.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.diary import periods
from bot.diary.scope import unit
from bot.diary.summary import load as load_diary
from bot.domain.calendar import render_calendar
from bot.domain.entries import PeriodEntry
from bot.ui import texts
from tests.conftest import USER, ClockedHarness

BERLIN = ZoneInfo("Europe/Berlin")
PERIOD_GROUP = 10**9  # the journal group of the period days written below


def evening(day: date) -> datetime:
    return datetime.combine(day, time(20), tzinfo=BERLIN)


async def log_cycles(h: ClockedHarness) -> None:
    """Two periods, 10-13 April and 8-11 May 2026, day 1 said each time."""
    async with unit(
        h.sessions, user_id=USER, chat_id=USER, now=h.now(), group=PERIOD_GROUP
    ) as scope:
        for first in (date(2026, 4, 10), date(2026, 5, 8)):
            for n in range(4):
                entry = PeriodEntry(on=first + timedelta(days=n), started=n == 0)
                await periods.record_period(scope, entry, "period")


async def test_two_logged_cycles_give_the_summary_its_cycle_figures_and_undo_takes_them_back(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("/dose off")
    # migraine days: 1 Apr and 25 Apr away from a period; 9 Apr (day -1), 9 May (day 2)
    for day in (date(2026, 4, 1), date(2026, 4, 9), date(2026, 4, 25), date(2026, 5, 9)):
        await h.say("migraine from 9am to 3pm 6/10", date=evening(day))
    before = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Cycle" not in before
    await log_cycles(h)

    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    # windows: 8-12 Apr and 6-10 May (days -2..+3, no day 0): 10 days, migraine on 2;
    # the other 52 of the 62 days from 1 Apr to 1 Jun: migraine on 2
    assert (
        "Cycle: migraine on 2 of 10 days around a period (20%) vs 2 of 52 other days (4%); "
        "in 2 of 2 cycles." in summary
    ), summary

    listing = (await h.say("/log"))[0].plain_text or ""
    assert "1. Period on Mon 11 May" in listing
    assert "5. Period started Fri 08 May (day 1 of your cycle)" in listing
    assert "10. Period started Fri 10 Apr (day 1 of your cycle)" in listing

    undone = (await h.say("/undo"))[0].plain_text or ""
    assert undone.startswith("Undone.\nRemoved: Period on Mon 11 May; Period on Sun 10 May; ")
    assert undone.endswith("; Period started Fri 10 Apr (day 1 of your cycle).")
    assert undone.count("Period") == 8
    after = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Cycle" not in after
    h.emu.assert_no_failed_calls()


async def test_one_cycle_says_what_the_comparison_still_needs(clocked: ClockedHarness) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("migraine from 9am to 3pm 6/10", date=evening(date(2026, 5, 9)))
    async with unit(h.sessions, user_id=USER, chat_id=USER, now=h.now(), group=1) as scope:
        await periods.record_period(scope, PeriodEntry(on=date(2026, 5, 8), started=True), "x")
    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Cycle: 1 period start in these days; comparing migraine around periods needs 2" in (
        summary
    )


async def test_calendar_draws_the_month_asked_for_from_the_diary(clocked: ClockedHarness) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("migraine from 9am to 3pm 6/10", date=evening(date(2026, 5, 9)))
    await h.say("headache from 1pm to 4pm 3/10, took ibuprofen", date=evening(date(2026, 5, 20)))
    await h.say("mag 200", date=evening(date(2026, 5, 21)))
    await log_cycles(h)
    async with unit(h.sessions, user_id=USER, chat_id=USER, now=h.now(), group=2) as scope:
        diary = await load_diary(scope)

    for asked, (year, month) in [
        ("/calendar", (2026, 6)),
        ("/calendar 2026-05", (2026, 5)),
        ("/calendar may", (2026, 5)),
        ("/calendar october", (2025, 10)),
        ("/calendar last", (2026, 5)),
    ]:
        [picture] = await h.say(asked)
        assert picture.photo == render_calendar(diary, year, month, h.now()), asked
        assert picture.plain_caption == texts.calendar_caption(year, month)
    assert (picture.plain_caption or "").startswith("Your headache calendar for May 2026")

    [ahead] = await h.say("/calendar 2026-07")
    assert ahead.plain_text == (
        "Sorry, July 2026 is still ahead.\nThe form is:\n"
        "/calendar  ·  /calendar 2026-10  ·  /calendar october  ·  /calendar last"
    )
    [unknown] = await h.say("/calendar someday")
    assert "'someday' is not a month I know" in (unknown.plain_text or "")
    help_text = (await h.say("/help"))[0].plain_text or ""
    assert "/calendar [2026-10|october]" in help_text and "/midas" in help_text
    [commands] = [c for c in h.emu.calls if c.method == "setMyCommands"]
    assert "calendar" in str(commands.params) and "midas" in str(commands.params)
    h.emu.assert_no_failed_calls()
