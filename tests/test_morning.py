"""The morning check-in: it shows what its night already has, and a tap is an entry /undo
takes back like a typed one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from bot.clock import FakeClock
from bot.diary import journal, prompts
from bot.diary.scope import unit
from bot.scheduling.dispatch import Dispatcher
from bot.ui.prompts import render_markup
from storage.models import Prompt, Sleep
from storage.queries import users
from tests.test_dispatch import FakeBot, Sessions

MORNING = datetime(2026, 6, 2, 5, 30, tzinfo=UTC)  # 07:30 in Berlin, Tuesday
NIGHT = date(2026, 6, 1)


async def person_with_a_morning_check_in(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        user, _ = await users.ensure_user(session, 1, 1, MORNING - timedelta(days=3))
        user.timezone, user.morning_time = "Europe/Berlin", time(7, 30)
        session.add(Prompt(user_id=1, kind="morning", scheduled_for=MORNING))


async def test_the_check_in_shows_what_the_night_already_has(sessions: Sessions) -> None:
    await person_with_a_morning_check_in(sessions)
    async with sessions.begin() as session:
        session.add(Sleep(user_id=1, night=NIGHT, hours=6.0, awakenings=2, recorded_at=MORNING))
    bot = FakeBot()
    sender = Dispatcher(sessions, bot, FakeClock(MORNING), send_rate=1000, render=render_markup)
    assert (await sender.run()).sent == 1
    assert "Already noted for last night: 6 h, woke up 2×." in bot.sent[0]["text"]
    assert "✅ woke 2" in bot.buttons()  # the known answer is ticked


async def test_a_tap_is_journalled_so_undo_takes_it_back(sessions: Sessions) -> None:
    await person_with_a_morning_check_in(sessions)
    async with sessions.begin() as session:
        session.add(Sleep(user_id=1, night=NIGHT, hours=6.0, recorded_at=MORNING))
        pid = (await session.scalars(select(Prompt.id))).one()
        await session.execute(Prompt.__table__.update().values(status="sent"))
    now = MORNING + timedelta(minutes=3)
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=9001) as scope:
        await prompts.answer_morning(scope, pid, quality=4)
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=9002) as scope:
        undone = await journal.undo_last(scope)
    assert undone and undone[0].restored
    async with sessions() as session:
        [night] = (await session.scalars(select(Sleep))).all()
    assert (night.hours, night.quality) == (6.0, None)  # the typed hours stay, the tap is gone
