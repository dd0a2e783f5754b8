"""Period days in the chat (reply, marking day 1, undo) and the month a /calendar asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.diary import checkin, history, journal
from bot.diary.calendar import Month, asked_month
from bot.diary.scope import unit
from bot.diary.times import today
from bot.domain.commands import BadArgument
from bot.domain.entries import PeriodEntry
from bot.ui import entries as tx
from bot.ui.checkin import checkin_reply
from storage.models import Period
from storage.queries import users as queries

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)  # Wed 10 June


async def say_period(sessions: Sessions, entry: PeriodEntry, group: int) -> str:
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=group) as scope:
        recorded = await checkin.record_message(scope, [entry], "period")
        [(text, _)] = checkin_reply(recorded, "UTC", today(scope), NOW)
    return text


async def test_period_days_read_well_and_marking_day_one_is_undone_exactly(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, 1, 1, NOW)
        user.timezone_chosen = True
    assert await say_period(sessions, PeriodEntry(started=True), 1) == (
        "✅ Period started today (day 1 of your cycle)."
    )
    assert await say_period(sessions, PeriodEntry(on=date(2026, 6, 8)), 2) == (
        "✅ Period on Mon 08 Jun."
    )
    assert await say_period(sessions, PeriodEntry(on=date(2026, 6, 8)), 3) == (
        "✅ Period on Mon 08 Jun: already noted."
    )
    assert await say_period(sessions, PeriodEntry(on=date(2026, 6, 8), started=True), 4) == (
        "✅ Period: Mon 08 Jun is now day 1 of your cycle."
    )
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=5) as scope:
        undone = await journal.undo_last(scope)
        assert undone is not None
        assert tx.undone(undone, "UTC", today(scope)) == "Undone.\nAs before: Period on Mon 08 Jun."
    async with sessions() as session:
        days = [(p.day.day, p.started) for p in (await session.scalars(select(Period))).all()]
    assert sorted(days) == [(8, False), (10, True)]


WED = date(2026, 6, 10)


@pytest.mark.parametrize(
    ("args", "month"),
    [
        ([], Month(2026, 6)),
        (["2026-05"], Month(2026, 5)),
        (["2025-12"], Month(2025, 12)),
        (["october"], Month(2025, 10)),
        (["June"], Month(2026, 6)),
        (["jan"], Month(2026, 1)),
        (["Sept"], Month(2025, 9)),
        (["oct", "2024"], Month(2024, 10)),
        (["last"], Month(2026, 5)),
        (["last", "month"], Month(2026, 5)),
    ],
)
def test_the_month_a_calendar_asks_for(args: list[str], month: Month) -> None:
    assert asked_month(args, WED) == month


def test_last_month_in_january_is_last_december() -> None:
    assert asked_month(["last"], date(2027, 1, 5)) == Month(2026, 12)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["2026-07"], "July 2026 is still ahead"),
        (["2026-13"], "there is no month 13"),
        (["december", "2026"], "December 2026 is still ahead"),
        (["oct", "twenty"], "'twenty' is not a year"),
        (["someday"], "'someday' is not a month I know"),
        (["1999-05"], "1999 is before this diary"),
    ],
)
def test_a_month_that_cannot_be_drawn_says_why(args: list[str], reason: str) -> None:
    with pytest.raises(BadArgument, match=reason):
        asked_month(args, WED)


async def test_deleting_a_period_day_also_forgets_that_it_was_marked_day_one(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, 1, 1, NOW)
        user.timezone_chosen = True
    await say_period(sessions, PeriodEntry(on=date(2026, 6, 8)), 1)
    await say_period(sessions, PeriodEntry(on=date(2026, 6, 8), started=True), 2)
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=3) as scope:
        [added] = await journal.journal.of_group(scope.session, 1, 1)
        assert await history.delete(scope, added.id) is not None
        # nothing is left to undo: the "day 1" line went with the day
        assert await journal.undo_last(scope) is None
