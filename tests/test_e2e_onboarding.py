"""Onboarding and the one-message commands, through the real bot and the emulator."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.emulator.server import BotApiEmulator
from bot.ui import texts
from storage.db import make_engine, make_sessionmaker
from storage.models import Prompt, User
from storage.queries import users as queries
from tests.conftest import USER, Harness, start_bot, stop_bot


async def _user(h: Harness) -> User:
    async with h.sessions() as s:
        user = await queries.get_user(s, USER)
        assert user is not None
        return user


def _plan(user: User) -> list[tuple[float, time]]:
    return [(d.amount_mg, d.local_time) for d in user.dose_plan]


async def test_start_registers_the_bot_commands_and_welcomes_with_the_disclaimer(
    harness: Harness,
) -> None:
    replies = await harness.say("/start")
    names = {c["command"] for c in harness.emu.commands}
    assert {
        "start",
        "help",
        "settings",
        "timezone",
        "dose",
        "followup",
        "quiet",
        "morning",
    } <= names
    assert {"summary", "undo", "log", "export", "delete", "privacy", "pause", "resume"} <= names
    first = replies[0].plain_text or ""
    assert "not medical advice" in first
    assert "Time zone" in first
    assert [b["text"] for row in replies[0].buttons for b in row][-1] == "Skip"
    user = await _user(harness)
    assert user.timezone == "UTC"
    assert _plan(user) == [(200.0, time(21, 30))]
    harness.emu.assert_no_failed_calls()


async def test_skipping_every_step_keeps_the_sane_defaults(harness: Harness) -> None:
    await harness.say("/start")
    for _ in range(4):  # time zone, label, dose, start date
        await harness.tap("Skip")
    await harness.tap("Done")  # goals: migraine by default
    await harness.tap("Skip")  # kidneys
    user = await _user(harness)
    assert user.timezone == "UTC"
    assert _plan(user) == [(200.0, time(21, 30))]
    assert user.goals == ["migraine"]
    assert user.kidney_disease is None
    assert user.onboarding_step is None
    assert "All set" in (harness.last().plain_text or "")
    assert "not medical advice" in (harness.last().plain_text or "")
    async with harness.sessions() as s:
        doses = (await s.scalars(select(Prompt).where(Prompt.kind == "dose"))).all()
    assert doses, "the default plan is materialised into dose prompts"
    harness.emu.assert_no_failed_calls()


async def test_full_onboarding_with_typed_answers_stores_every_choice(harness: Harness) -> None:
    await harness.say("/start")
    await harness.say("new york")
    await harness.tap("Compound weight")
    await harness.say("500mg 21:00")
    await harness.tap("Already taking it")
    await harness.say("2026-09-01")
    await harness.tap("Sleep")
    await harness.tap("Anxiety")
    await harness.tap("Done")
    await harness.tap("Yes")
    user = await _user(harness)
    assert user.timezone == "America/New_York"
    assert user.label_elemental is False
    # 500 mg of bisglycinate is about 14.1 % elemental magnesium
    assert _plan(user) == [(70.5, time(21, 0))]
    assert user.magnesium_start == date(2026, 9, 1)
    assert user.goals == ["migraine", "sleep", "anxiety"]
    assert user.morning_time == time(8, 0)  # sleep goal turns on the morning check-in
    assert user.kidney_disease is True
    chat = harness.texts()
    assert any("clinician's approval" in t for t in chat), "the kidney safety note"
    assert "All set" in chat[-1]
    harness.emu.assert_no_failed_calls()


async def test_a_check_in_during_onboarding_is_logged_not_lost(harness: Harness) -> None:
    await harness.say("/start")
    replies = await harness.say("migraine since 2pm 6/10")
    assert "Migraine 6/10" in (replies[0].plain_text or "")
    async with harness.sessions() as s:
        user = await queries.get_user(s, USER)
        assert user is not None and user.awaiting == "ob:tz"  # the question stays open


async def test_a_stale_onboarding_button_changes_nothing(harness: Harness) -> None:
    await harness.say("/start")
    question = harness.last().message_id
    await harness.tap("Skip")
    # the question's buttons are gone once answered; a client with an old view still
    # sends the press
    query = harness.emu.press_button(USER, question, "ob:tz:Europe/Berlin", forged=True)
    answer = await harness.emu.wait_for_callback_answer(query)
    assert answer.text == texts.STALE_BUTTON
    assert (await _user(harness)).timezone == "UTC"


async def test_forged_callback_data_is_answered_politely(harness: Harness) -> None:
    await harness.say("/start")
    for data in ["ob:tz:Mars/Olympus", "nonsense", "at:i:999999:5", "dose:took:abc", "x" * 60]:
        query = harness.emu.press_button(USER, harness.last().message_id, data, forged=True)
        answer = await harness.emu.wait_for_callback_answer(query)
        assert answer.text, data
    assert (await _user(harness)).timezone == "UTC"
    harness.emu.assert_no_failed_calls()


@pytest.mark.parametrize(
    ("command", "expect", "check"),
    [
        ("/timezone Europe/Berlin", "Europe/Berlin", lambda u: u.timezone == "Europe/Berlin"),
        ("/timezone tokyo", "Asia/Tokyo", lambda u: u.timezone == "Asia/Tokyo"),
        ("/timezone UTC+2", "Etc/GMT-2", lambda u: u.timezone == "Etc/GMT-2"),
        (
            "/dose 200mg 08:00 200mg 21:30",
            "200 mg at 08:00, 200 mg at 21:30",
            lambda u: _plan(u) == [(200.0, time(8, 0)), (200.0, time(21, 30))],
        ),
        ("/dose off", "off", lambda u: _plan(u) == []),
        (
            "/followup 30m 1h",
            "30 min",
            lambda u: (u.followup_first_min, u.followup_every_min) == (30, 60),
        ),
        ("/followup 1m 1m", "1 min", lambda u: u.followup_first_min == 1),
        (
            "/quiet 22:00 06:30",
            "22:00",
            lambda u: (u.quiet_start, u.quiet_end) == (time(22, 0), time(6, 30)),
        ),
        ("/quiet off", "off", lambda u: u.quiet_start == u.quiet_end),
        ("/morning 07:30", "07:30", lambda u: u.morning_time == time(7, 30)),
        ("/morning off", "off", lambda u: u.morning_time is None),
    ],
)
async def test_each_one_message_command_stores_its_setting(
    harness: Harness, command: str, expect: str, check: object
) -> None:
    replies = await harness.say(command)
    assert expect in (replies[0].plain_text or "")
    assert check(await _user(harness))  # type: ignore[operator]
    harness.emu.assert_no_failed_calls()


@pytest.mark.parametrize(
    ("command", "form"),
    [
        ("/timezone Mars/Olympus", "/timezone Europe/Berlin"),
        ("/timezone", "/timezone Europe/Berlin"),
        ("/timezone UTC+5:30", "/timezone Europe/Berlin"),
        ("/dose lots", "/dose 200mg 21:30"),
        ("/dose 200mg", "/dose 200mg 21:30"),
        ("/dose 200mg 25:00", "/dose 200mg 21:30"),
        ("/dose 99999mg 21:00", "/dose 200mg 21:30"),
        ("/followup soon", "/followup 2h 4h"),
        ("/followup 0m 4h", "/followup 2h 4h"),
        ("/quiet 23:00", "/quiet 23:00 07:00"),
        ("/morning 7", "/morning 07:30"),
        ("/summary forever", "/summary 7d"),
    ],
)
async def test_a_bad_argument_shows_the_right_form_and_changes_nothing(
    harness: Harness, command: str, form: str
) -> None:
    await harness.say("/start")
    before = await _user(harness)
    replies = await harness.say(command)
    assert form in (replies[0].plain_text or "")
    after = await _user(harness)
    assert (after.timezone, _plan(after), after.followup_first_min, after.quiet_start) == (
        before.timezone,
        _plan(before),
        before.followup_first_min,
        before.quiet_start,
    )
    assert after.morning_time == before.morning_time
    harness.emu.assert_no_failed_calls()


async def test_settings_card_buttons_ask_and_a_typed_answer_sets_the_value(
    harness: Harness,
) -> None:
    card = (await harness.say("/settings"))[0]
    assert "Your settings" in (card.plain_text or "")
    assert "Time zone: UTC" in (card.plain_text or "")
    await harness.tap("Time zone")
    assert "city" in (harness.last().plain_text or "")
    await harness.say("Paris")
    assert (await _user(harness)).timezone == "Europe/Paris"
    await harness.tap("Pause prompts")
    assert (await _user(harness)).paused is True
    harness.emu.assert_no_failed_calls()


async def test_pause_and_resume(harness: Harness) -> None:
    await harness.say("/start")
    assert "Paused" in (await harness.say("/pause"))[0].plain_text  # type: ignore[operator]
    async with harness.sessions() as s:
        pending = (
            await s.scalars(
                select(Prompt).where(Prompt.user_id == USER, Prompt.status == "pending")
            )
        ).all()
    assert pending == []
    assert "back on" in (await harness.say("/resume"))[0].plain_text  # type: ignore[operator]
    async with harness.sessions() as s:
        pending = (
            await s.scalars(
                select(Prompt).where(Prompt.user_id == USER, Prompt.status == "pending")
            )
        ).all()
    assert pending


async def test_help_says_it_is_not_medical_advice(harness: Harness) -> None:
    replies = await harness.say("/help")
    assert "not medical advice" in (replies[0].plain_text or "")
    assert "/summary" in (replies[0].plain_text or "")


async def test_unknown_command_gets_a_pointer_to_help(harness: Harness) -> None:
    replies = await harness.say("/frobnicate")
    assert replies[0].plain_text == texts.UNKNOWN_COMMAND


async def test_an_unreadable_answer_asks_the_question_again_with_its_buttons(
    harness: Harness,
) -> None:
    await harness.say("/start")
    replies = await harness.say("Mars")
    text = replies[0].plain_text or ""
    assert "I don't know the time zone 'Mars'" in text and "Time zone" in text
    labels = [b["text"] for row in replies[0].buttons for b in row]
    assert "Skip" in labels and "Berlin" in labels  # the question's buttons, not scrolled away
    user = await _user(harness)
    assert user.timezone == "UTC" and user.awaiting == "ob:tz"
    await harness.say("Tokyo")
    assert (await _user(harness)).timezone == "Asia/Tokyo"


async def test_the_allow_list_keeps_strangers_out(emulator: BotApiEmulator, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'private.db'}"
    app = await start_bot(emulator, url, allowed_users=frozenset({USER}))
    try:
        emulator.user_says(4040, "migraine 6/10")
        [refused] = await emulator.wait_for_messages(4040, 1)
        emulator.user_says(USER, "migraine 6/10")
        [welcome] = await emulator.wait_for_messages(USER, 1)
    finally:
        await stop_bot(app)
    assert refused.plain_text == texts.NOT_ALLOWED
    assert "Migraine 6/10" in (welcome.plain_text or "")
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as s:
            assert await s.get(User, 4040) is None
    finally:
        await engine.dispose()
