"""Possible triggers logged on days of their own: stored once per day and code, confirmed,
undone, listed in /log, in the summary's diary, exported and erased."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.diary import checkin, history, journal, privacy, prompts, summary
from bot.diary.scope import unit
from bot.diary.times import today
from bot.domain.diary import FactorDay as DayOfFactor
from bot.domain.entries import FactorEntry, SleepEntry
from bot.domain.parse import parse
from bot.ui import entries as tx
from bot.ui.checkin import checkin_reply
from storage.models import FactorDay, Sleep
from storage.queries import users

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 6, 10, 18, 0, tzinfo=UTC)  # Wed 10 June, 18:00 in UTC
TUESDAY = date(2026, 6, 9)


async def new_user(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        user = await users.create_user(session, 1, 1, NOW)
        user.timezone_chosen = True


async def say(sessions: Sessions, text: str, group: int) -> str:
    """The person writes `text`; the bot's reply (the first message of it)."""
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=group) as scope:
        recorded = await checkin.record_message(scope, parse(text, NOW, "UTC"), text)
        [(reply, _rows), *_] = checkin_reply(recorded, "UTC", today(scope), NOW)
    return reply


async def stored(sessions: Sessions) -> list[tuple[date, str]]:
    async with sessions() as session:
        rows = (await session.scalars(select(FactorDay))).all()
    return sorted((r.day, r.code) for r in rows)


async def test_factors_are_confirmed_for_their_day_and_stored_once_per_day(
    sessions: Sessions,
) -> None:
    await new_user(sessions)
    assert await say(sessions, "skipped lunch and had 4 coffees", 1) == (
        "✅ Noted for today: caffeine, skipped meal."
    )
    assert await say(sessions, "yesterday 2 glasses of wine", 2) == (
        "✅ Noted for Tue 09 Jun: alcohol."
    )
    assert await say(sessions, "another coffee", 3) == "✅ Caffeine today: already noted."
    assert await say(sessions, "coffee, and a deadline at work", 4) == (
        "✅ Noted for today: stress (already noted: caffeine)."
    )
    assert await stored(sessions) == [
        (TUESDAY, "alcohol"),
        (NOW.date(), "caffeine"),
        (NOW.date(), "skipped_meal"),
        (NOW.date(), "stress"),
    ]
    async with sessions() as session:
        row = await session.scalar(select(FactorDay).where(FactorDay.code == "skipped_meal"))
    assert row is not None and row.raw_text == "skipped lunch and had 4 coffees"


async def test_undo_takes_back_the_factors_of_that_message_only(sessions: Sessions) -> None:
    await new_user(sessions)
    await say(sessions, "2 beers", 1)
    await say(sessions, "skipped lunch and had 4 coffees", 2)
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=3) as scope:
        undone = await journal.undo_last(scope)
        assert undone is not None
        assert tx.undone(undone, "UTC", today(scope)) == (
            "Undone.\nRemoved: Skipped meal (possible trigger); Caffeine (possible trigger)."
        )
    assert await stored(sessions) == [(NOW.date(), "alcohol")]


async def test_log_lists_each_factor_and_deletes_one(sessions: Sessions) -> None:
    await new_user(sessions)
    await say(sessions, "yesterday 2 glasses of wine", 1)
    await say(sessions, "took 200mg magnesium", 2)
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=3) as scope:
        log = await history.page(scope)
        described = [
            tx.describe(i.kind, i.row, "UTC", today(scope), attack=i.attack) for i in log.items
        ]
        assert described == [
            "Magnesium 200 mg at 18:00",
            "Alcohol (possible trigger), Tue 09 Jun",
        ]
        wine = log.items[1]
        assert wine.line is not None  # it has its buttons
        assert await history.delete(scope, wine.line.id) is not None
    assert await stored(sessions) == []


async def test_the_summary_diary_export_and_erasure_include_factors(sessions: Sessions) -> None:
    await new_user(sessions)
    await say(sessions, "yesterday 2 glasses of wine", 1)
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=2) as scope:
        diary = await summary.load(scope)
        assert list(diary.factors) == [DayOfFactor(TUESDAY, "alcohol")]
        archive = zipfile.ZipFile(io.BytesIO(await privacy.export(scope)))
        exported = json.loads(archive.read("magbot.json"))["factor_day"]
        assert [(r["day"], r["code"]) for r in exported] == [("2026-06-09", "alcohol")]
        assert "factor_day.csv" in archive.namelist()
        await privacy.erase(scope)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FactorDay)) == 0


async def test_the_morning_check_in_in_words_keeps_what_was_said_with_the_night(
    sessions: Sessions,
) -> None:
    await new_user(sessions)
    said: list[SleepEntry | FactorEntry] = [
        SleepEntry(quality=2),
        FactorEntry(codes=("alcohol",), on=TUESDAY),
    ]
    async with unit(sessions, user_id=1, chat_id=1, now=NOW, group=1) as scope:
        recorded = await prompts.morning_in_words(scope, None, said, "slept badly after wine")
        assert [tx.logged_line(i, "UTC", today(scope), NOW) for i in recorded.logged][1] == (
            "Noted for Tue 09 Jun: alcohol."
        )
    assert await stored(sessions) == [(TUESDAY, "alcohol")]
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Sleep)) == 1
