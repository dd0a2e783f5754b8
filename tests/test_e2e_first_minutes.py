"""The small things a new user trips on (issue 11), through the real bot."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Attack, Prompt
from tests.conftest import USER, ClockedHarness, Harness

BERLIN = ZoneInfo("Europe/Berlin")


async def text_of(h: Harness, message: str, **kw: Any) -> str:
    return "\n".join(m.plain_text or "" for m in await h.say(message, **kw))


async def followups(h: Harness) -> list[datetime]:
    async with h.sessions() as s:
        rows = await s.scalars(
            select(Prompt.scheduled_for).where(
                Prompt.user_id == USER, Prompt.kind == "followup", Prompt.status == "pending"
            )
        )
        return list(rows.all())


async def test_a_zone_given_as_an_offset_is_confirmed_in_the_persons_words(
    harness: Harness,
) -> None:
    said = await text_of(harness, "/timezone UTC+1")
    assert "Time zone set to UTC+1 (Etc/GMT-1)." in said


async def test_a_setting_command_alone_shows_the_setting_and_its_form(harness: Harness) -> None:
    assert "Your time zone: UTC." in await text_of(harness, "/timezone")
    dose = await text_of(harness, "/dose")
    assert "Your dose plan: 200 mg at 21:30." in dose and "/dose 200mg 21:30" in dose
    assert "Your quiet hours: 23:00–07:00." in await text_of(harness, "/quiet")
    assert "Your morning check-in: off." in await text_of(harness, "/morning")
    assert "after 2 h, then every 4 h" in await text_of(harness, "/followup")


async def test_one_spelling_of_a_side_effect_in_the_reply_and_the_summary(
    harness: Harness,
) -> None:
    reply = await text_of(harness, "diarrhoea after magnesium")
    assert "Side effect: diarrhea" in reply
    summary = await text_of(harness, "/summary")  # no attack: no chart, the text only
    assert "diarrhea 1" in summary and "diarrhoea" not in summary


async def test_a_changed_followup_interval_moves_the_question_already_planned(
    harness: Harness,
) -> None:
    await harness.say("/timezone Europe/Berlin")
    await harness.say("/quiet off")
    await harness.say("migraine 6/10")
    [planned] = await followups(harness)
    await harness.say("/followup 1h 4h")
    [moved] = await followups(harness)
    assert moved == planned - timedelta(hours=1)


async def test_quiet_hours_push_a_question_to_the_morning_and_off_brings_it_back(
    harness: Harness,
) -> None:
    await harness.say("/quiet off")
    await harness.say("migraine 6/10")
    [planned] = await followups(harness)
    # quiet hours around the planned question: it waits for their end
    start = planned - timedelta(minutes=30)
    end = planned + timedelta(hours=3)
    await harness.say(f"/quiet {start:%H:%M} {end:%H:%M}")
    [pushed] = await followups(harness)
    assert pushed == end.replace(second=0, microsecond=0)
    await harness.say("/quiet off")
    assert await followups(harness) == [planned]


async def test_a_severe_attack_at_night_is_acknowledged_with_when_the_bot_checks_back(
    clocked: ClockedHarness,
) -> None:
    # on the bot's clock, not the wall's: written at 23:40 and read at once (a message
    # from last night read at 05:00 is checked on 2 h after it is read, not at 07:00)
    await clocked.say("/timezone Europe/Berlin")
    clocked.clock.advance(timedelta(hours=13, minutes=40))  # from 10:00 to 23:40 in Berlin
    assert clocked.now().astimezone(BERLIN).strftime("%H:%M") == "23:40"
    said = await text_of(clocked, "migraine 8/10, can't sleep")
    # quiet hours (23:00–07:00 by default): the first question waits for 07:00
    assert "I'm sorry it's this bad, and at night." in said
    assert "I'll ask how you are at Tue 02 Jun 07:00." in said


async def test_leaving_onboarding_to_log_a_migraine_keeps_it_and_offers_to_go_on(
    harness: Harness,
) -> None:
    await harness.say("/start")
    said = await harness.say("migraine since 2pm 6/10", replies=2)
    async with harness.sessions() as s:
        [attack] = (await s.scalars(select(Attack))).all()
    assert attack.peak_intensity == 6
    offer = said[-1]
    assert "in the middle of setting you up (question 1 of 6)" in (offer.plain_text or "")
    await harness.tap("Continue setup", message_id=offer.message_id)
    assert "Time zone" in (harness.last().plain_text or "")


async def test_typing_at_a_question_answered_by_tapping_asks_it_again_with_its_buttons(
    harness: Harness,
) -> None:
    await harness.say("/start")
    await harness.tap("Skip")  # the time zone: now the label question, buttons only
    [again] = await harness.say("the bottle says 200")
    labels = [b["text"] for row in again.buttons for b in row]
    assert "Elemental (most labels)" in labels and "Skip" in labels


async def test_a_long_message_is_read_apart_and_answered_like_any_other(harness: Harness) -> None:
    """Over 300 characters a message is read in another process (the event loop stays free
    for everyone else): the red flags and the entries come back all the same."""
    long = "the worst headache of my life, migraine 9/10 since 2pm. " + "so bad " * 600
    said = await harness.say(long[:4096], replies=2)
    assert "Please get urgent medical care now" in (said[0].plain_text or "")
    assert "Migraine 9/10" in (said[1].plain_text or "")
    [emoji] = await harness.say("🤕" * 2048)  # 4,096 UTF-16 units: legal, and odd
    assert emoji.plain_text
    harness.emu.assert_no_failed_calls()
