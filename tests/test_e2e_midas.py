"""MIDAS end to end: the prompt a week in, one tap or a typed number per question, the
score in /summary, a half-answered questionnaire that survives a restart, skipping."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.clock import FakeClock
from bot.diary.scope import unit
from bot.diary.summary import load as load_diary
from bot.domain.report import render_report_pdf
from bot.emulator.server import BotApiEmulator
from storage.db import make_engine, make_sessionmaker
from storage.models import Midas, Prompt
from tests.conftest import CLOCK_START, TOKEN, USER, ClockedHarness, start_bot, stop_bot
from tests.test_report import pdf_pages

BERLIN = ZoneInfo("Europe/Berlin")


async def rows(h: ClockedHarness, model: Any, **where: Any) -> list[Any]:
    async with h.sessions() as session:
        query = select(model).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list((await session.scalars(query)).all())


def labels(message: Any) -> list[str]:
    return [b["text"] for row in message.buttons for b in row]


async def test_the_prompt_comes_a_week_in_and_five_answers_give_the_score(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("/dose off")
    await h.say("headache from 7am to 9am 4/10")
    await h.advance(timedelta(days=7))  # Mon 8 June, 10:00
    await h.say("/quiet 23:00 07:00")  # any setting replans: the MIDAS prompt is due today
    [planned] = await rows(h, Prompt, kind="midas")
    assert planned.scheduled_for.astimezone(BERLIN).strftime("%a %d %H:%M") == "Mon 08 18:00"
    assert await h.advance(timedelta(hours=7, minutes=59)) == []
    [prompt] = await h.advance(timedelta(minutes=1), prompts=1)
    assert (prompt.plain_text or "").startswith("📋 How much do headaches get in your way?")
    assert labels(prompt) == ["Start", "Not this time"]

    await h.tap("Start", message_id=prompt.message_id)
    text = prompt.plain_text or ""
    assert text.startswith("MIDAS 1/5\nOn how many days in the last 3 months did you miss work")
    assert labels(prompt) == ["0", "1", "2", "3", "5", "10", "Skip the rest"]
    await h.tap("2", message_id=prompt.message_id)
    assert (prompt.plain_text or "").startswith("✓ 2 days.\n\nMIDAS 2/5\n")
    [typed] = await h.say("4 days")  # more than a button offers: typed
    assert (typed.plain_text or "").startswith("✓ 4 days.\n\nMIDAS 3/5\n")
    stale = await h.tap("1", message_id=prompt.message_id)  # question 2's buttons, answered
    assert stale.text == "Already answered."
    await h.tap("10", message_id=typed.message_id)  # a slip of the thumb
    assert (typed.plain_text or "").startswith("✓ 10 days.\n\nMIDAS 4/5\n")
    assert labels(typed)[-2:] == ["◂ Back", "Skip the rest"]
    await h.tap("◂ Back", message_id=typed.message_id)
    assert (typed.plain_text or "").startswith("MIDAS 3/5\n")
    await h.tap("0", message_id=typed.message_id)
    [wrong] = await h.say("200")
    assert (wrong.plain_text or "").startswith("Please type a number of days from 0 to 92")
    await h.tap("1", message_id=wrong.message_id)
    [last] = await h.say("12")
    assert (last.plain_text or "").splitlines()[:2] == [
        "✅ MIDAS score 19: grade III, moderate disability.",
        "Days in the last 3 months: 2 missed work or school · 4 work or school at half "
        "speed · 0 no housework · 1 housework at half speed · 12 missed family, social "
        "or leisure time.",
    ]
    [done] = await rows(h, Midas)
    assert (done.status, done.answers) == ("done", [2, 4, 0, 1, 12])
    assert done.taken_on is not None and done.taken_on.isoformat() == "2026-06-08"
    [answered] = await rows(h, Prompt, kind="midas")
    assert (answered.status, answered.outcome) == ("answered", "started")

    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Disability: MIDAS 19 on 8 Jun 2026: grade III (moderate disability)" in summary
    [report] = await h.say("/report")
    assert report.document is not None and report.document.startswith(b"%PDF")
    # the report the bot drew, from the same diary, uncompressed to read it
    async with unit(h.sessions, user_id=USER, chat_id=USER, now=h.now(), group=0) as scope:
        diary = await load_diary(scope)
    pdf = render_report_pdf(diary, h.now(), compress=False)
    assert len(pdf) > len(report.document)  # (the one sent is compressed)
    assert "MIDAS 19 on 8 Jun 2026: grade III (moderate disability)" in "".join(pdf_pages(pdf))
    # typed numbers are check-ins again
    [after] = await h.say("5")
    assert "MIDAS" not in (after.plain_text or "")
    # asked again in 3 months, not before
    await h.say("/quiet 23:00 07:00")
    assert await rows(h, Prompt, kind="midas", status="pending") == []
    h.emu.assert_no_failed_calls()


async def test_a_half_answered_questionnaire_carries_on_after_a_restart(tmp_path: Path) -> None:
    clock = FakeClock(CLOCK_START)
    emu = BotApiEmulator(token=TOKEN, clock=clock)
    await emu.start()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    reader = make_engine(url)
    app = await start_bot(emu, url, clock=clock)
    try:
        h = ClockedHarness(emu, app, make_sessionmaker(reader), clock=clock)
        [first] = await h.say("/midas")
        assert (first.plain_text or "").startswith("MIDAS 1/5\n")
        await h.tap("3", message_id=first.message_id)
        await h.tap("1", message_id=first.message_id)
        await stop_bot(app)
        app = await start_bot(emu, url, clock=clock)
        h = ClockedHarness(emu, app, make_sessionmaker(reader), clock=clock)
        [carry_on] = await h.say("0")  # the third answer, typed, read by the new process
        assert (carry_on.plain_text or "").startswith("✓ 0 days.\n\nMIDAS 4/5\n")
        [again] = await h.say("/midas")
        assert (again.plain_text or "").startswith("Let's carry on where you left off.\nMIDAS 4/5")
        [row] = await rows(h, Midas)
        assert (row.status, row.answers) == ("open", [3, 1, 0, None, None])
    finally:
        await stop_bot(app)
        await reader.dispose()
        await emu.stop()


async def test_midas_can_be_declined_or_left_and_nothing_is_scored(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await h.say("/timezone Europe/Berlin")
    await h.say("/dose off")
    await h.say("headache from 7am to 9am 4/10")
    await h.advance(timedelta(days=7))
    await h.say("/quiet 23:00 07:00")
    [prompt] = await h.advance(timedelta(hours=8), prompts=1)
    await h.tap("Not this time", message_id=prompt.message_id)
    assert (prompt.plain_text or "") == (
        "OK, not this time. I'll ask again in 3 months; /midas takes it any time."
    )
    assert await rows(h, Midas) == []
    [question] = await h.say("/midas")
    await h.tap("5", message_id=question.message_id)
    await h.tap("Skip the rest", message_id=question.message_id)
    assert (question.plain_text or "").startswith("Stopped; nothing was scored.")
    [left] = await rows(h, Midas)
    assert (left.status, left.answers) == ("skipped", [5, None, None, None, None])
    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Headache" in summary and "MIDAS" not in summary
    await h.say("/quiet 23:00 07:00")
    assert await rows(h, Prompt, kind="midas", status="pending") == []
