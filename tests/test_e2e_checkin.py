"""Free-text check-ins end to end: understood, stored with their raw text, completed, undone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.ui import entries as tx
from bot.ui import texts
from storage.db import make_engine
from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Dose,
    MedicationTaken,
    Prompt,
    SideEffect,
    Sleep,
)
from tests.conftest import USER, Harness

BERLIN = ZoneInfo("Europe/Berlin")


async def _rows(h: Harness, model: type) -> list:  # type: ignore[type-arg]
    async with h.sessions() as s:
        return list((await s.scalars(select(model).where(model.user_id == USER))).all())  # type: ignore[attr-defined]


async def _count(h: Harness, model: type) -> int:
    async with h.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _berlin_user(h: Harness) -> None:
    await h.say("/timezone Europe/Berlin")


async def test_a_migraine_check_in_is_stored_with_its_raw_text_and_explained(
    harness: Harness,
) -> None:
    await _berlin_user(harness)
    sent = datetime(2026, 5, 4, 17, 0, tzinfo=BERLIN)
    replies = await harness.say("migraine since 3pm, 7/10, nausea", date=sent)
    [attack] = await _rows(harness, Attack)
    assert attack.kind == "migraine"
    assert attack.peak_intensity == 7
    assert attack.started_at == datetime(2026, 5, 4, 15, 0, tzinfo=BERLIN)
    assert attack.symptoms == ["nausea"]
    assert attack.raw_text == "migraine since 3pm, 7/10, nausea"
    text = replies[0].plain_text or ""
    assert "Migraine 7/10 since" in text and "15:00" in text and "nausea" in text
    labels = [b["text"] for row in replies[0].buttons for b in row]
    assert {"Symptoms ▸", "Triggers ▸", "Done", "Undo"} <= set(labels)
    harness.emu.assert_no_failed_calls()


async def test_buttons_complete_an_attack_without_new_messages(harness: Harness) -> None:
    replies = await harness.say("headache")
    message = replies[0]
    assert "0" in [b["text"] for row in message.buttons for b in row]  # no intensity yet: keypad
    count = len(harness.emu.messages(USER))
    await harness.tap("6", message_id=message.message_id)
    await harness.tap("Symptoms ▸", message_id=message.message_id)
    await harness.tap("light hurts", message_id=message.message_id)
    await harness.tap("◂ Back", message_id=message.message_id)
    await harness.tap("Triggers ▸", message_id=message.message_id)
    await harness.tap("stress", message_id=message.message_id)
    await harness.tap("◂ Back", message_id=message.message_id)
    await harness.tap("Done", message_id=message.message_id)
    assert len(harness.emu.messages(USER)) == count  # every tap edited the same message
    [attack] = await _rows(harness, Attack)
    assert attack.peak_intensity >= 6
    assert attack.symptoms == ["light_sensitivity"]
    assert attack.triggers == ["stress"]
    final = harness.emu.messages(USER)[-1]
    assert final.buttons == [] and "light hurts" in (final.plain_text or "")
    harness.emu.assert_no_failed_calls()


async def test_nothing_understood_gets_examples_and_stores_nothing(harness: Harness) -> None:
    replies = await harness.say("how are you?")
    assert replies[0].plain_text == harness.emu.messages(USER)[-1].plain_text
    assert "for example" in (replies[0].plain_text or "")
    assert (replies[0].plain_text or "").count("•") == 3
    for model in (Attack, Dose, Sleep, Anxiety, SideEffect, MedicationTaken):
        assert await _rows(harness, model) == []


async def test_an_update_and_an_end_apply_to_the_open_attack_and_undo_reopens_it(
    harness: Harness,
) -> None:
    await harness.say("migraine 6/10")
    await harness.say("pain now 8")
    await harness.say("migraine is gone")
    [attack] = await _rows(harness, Attack)
    assert attack.peak_intensity == 8
    assert attack.ended_at is not None
    updates = await _rows(harness, AttackUpdate)
    assert [u.intensity for u in updates] == [8]
    async with harness.sessions() as s:
        follow_ups = (
            await s.scalars(
                select(Prompt).where(Prompt.kind == "followup", Prompt.status == "pending")
            )
        ).all()
    assert follow_ups == []  # the end cancelled them
    replies = await harness.say("/undo")
    assert "open again" in (replies[0].plain_text or "")
    [attack] = await _rows(harness, Attack)
    assert attack.ended_at is None
    harness.emu.assert_no_failed_calls()


async def test_an_update_with_no_open_attack_asks_and_the_button_starts_one(
    harness: Harness,
) -> None:
    replies = await harness.say("pain now 5")
    assert replies[0].plain_text == harness.emu.messages(USER)[-1].plain_text
    assert "don't see a headache" in (replies[0].plain_text or "")
    assert await _rows(harness, Attack) == []
    await harness.tap("New migraine")
    [attack] = await _rows(harness, Attack)
    assert (attack.kind, attack.peak_intensity) == ("migraine", 5)


async def test_undo_removes_the_last_message_entries_only(harness: Harness) -> None:
    await harness.say("slept badly, woke up 3 times")
    await harness.say("migraine 5/10, took ibuprofen 400mg")
    assert len(await _rows(harness, MedicationTaken)) == 1
    replies = await harness.say("/undo")
    assert "Undone" in (replies[0].plain_text or "")
    assert await _rows(harness, Attack) == []
    assert await _rows(harness, MedicationTaken) == []
    assert len(await _rows(harness, Sleep)) == 1
    await harness.say("/undo")
    assert await _rows(harness, Sleep) == []
    assert (await harness.say("/undo"))[0].plain_text == tx.NOTHING_TO_UNDO


async def test_log_lists_entries_and_its_buttons_delete_and_correct(harness: Harness) -> None:
    await _berlin_user(harness)
    await harness.say("anxiety 6/10")
    await harness.say("migraine 5/10")
    listing = (await harness.say("/log"))[0]
    text = listing.plain_text or ""
    assert "1." in text and "Migraine 5/10" in text and "Anxiety 6/10" in text
    await harness.tap("✏️ 1 pain", message_id=listing.message_id)
    await harness.tap("9")
    [attack] = await _rows(harness, Attack)
    assert attack.peak_intensity == 9
    await harness.tap("🕑 1", message_id=listing.message_id)
    await harness.say("yesterday 14:30")
    [attack] = await _rows(harness, Attack)
    local = attack.started_at.astimezone(BERLIN)
    assert (local.hour, local.minute) == (14, 30)
    await harness.tap("🗑 2", message_id=listing.message_id)
    assert await _rows(harness, Anxiety) == []
    harness.emu.assert_no_failed_calls()


async def test_a_dose_by_text_counts_like_a_prompted_one(harness: Harness) -> None:
    await harness.say("/dose off")  # only the prompt below is due
    now = datetime.now(UTC)
    due = Prompt(user_id=USER, kind="dose", scheduled_for=now + timedelta(hours=1), amount_mg=200)
    async with harness.sessions.begin() as s:
        s.add(due)
    replies = await harness.say("took 200mg magnesium")
    [dose] = await _rows(harness, Dose)
    assert (dose.amount_mg, dose.status, dose.source) == (200, "taken", "text")
    assert "Magnesium 200 mg" in (replies[0].plain_text or "")
    async with harness.sessions() as s:
        prompt = await s.get(Prompt, due.id)
    assert prompt is not None and prompt.status == "answered"


async def test_the_upper_limit_notice_comes_once_a_day_and_calmly(harness: Harness) -> None:
    first = await harness.say("mag 200")
    assert "upper" not in (first[0].plain_text or "")
    second = await harness.say("mag 200")
    assert "400 mg, above the 350 mg upper limit" in (second[0].plain_text or "")
    third = await harness.say("mag 100")
    assert "upper" not in (third[0].plain_text or "")
    assert len(await _rows(harness, Dose)) == 3


async def test_an_antibiotic_near_a_dose_gets_the_spacing_warning_in_either_order(
    harness: Harness,
) -> None:
    await harness.say("mag 200")
    after = await harness.say("took doxycycline 100mg")
    assert "4–6 hours after magnesium" in (after[0].plain_text or "")
    await harness.say("/undo")
    await harness.say("/undo")
    await harness.say("took alendronate 70mg")
    before = await harness.say("mag 200")
    assert "at least 2 hours apart" in (before[0].plain_text or "")
    far = await harness.say("took ibuprofen 400mg")
    assert "absorbed" not in (far[0].plain_text or "")


async def test_a_red_flag_is_answered_with_urgent_advice_before_the_entry(
    harness: Harness,
) -> None:
    replies = await harness.say("worst headache of my life, came on suddenly", replies=2)
    assert "urgent medical care" in (replies[0].plain_text or "")
    assert "Headache" in (replies[1].plain_text or "")
    assert len(await _rows(harness, Attack)) == 1


async def test_relative_times_use_the_message_date_after_downtime(harness: Harness) -> None:
    await _berlin_user(harness)
    written = datetime.now(BERLIN) - timedelta(days=1)
    written = written.replace(hour=18, minute=0, second=0, microsecond=0)
    await harness.say("migraine since 3pm", date=written)
    [attack] = await _rows(harness, Attack)
    assert attack.started_at == written.replace(hour=15)


async def test_an_absolute_date_range_is_stored_as_written(harness: Harness) -> None:
    await _berlin_user(harness)
    await harness.say("headache on March 3 from 2pm to 6pm")
    [attack] = await _rows(harness, Attack)
    start = attack.started_at.astimezone(BERLIN)
    assert (start.month, start.day, start.hour) == (3, 3, 14)
    assert attack.ended_at - attack.started_at == timedelta(hours=4)


async def test_a_redelivered_update_stores_nothing_twice(harness: Harness) -> None:
    await harness.say("mag 200")
    update_id = harness.emu.updates[-1]["update_id"]
    harness.emu.redeliver(update_id)
    await harness.settle(quiet=0.5)
    assert len(await _rows(harness, Dose)) == 1


async def test_odd_input_gets_a_sensible_answer_and_the_bot_keeps_running(
    harness: Harness,
) -> None:
    long_text = ("migraine 5/10 " + "blah " * 1000)[:4096]
    replies = await harness.say(long_text)
    assert "Migraine 5/10" in (replies[0].plain_text or "")
    replies = await harness.say("<b>migraine</b> & <script>alert(1)</script> 😭 7/10")
    assert "Migraine 7/10" in (replies[0].plain_text or "")
    html = await harness.say("mag 200 <i>not a tag")
    assert "Magnesium 200 mg" in (html[0].plain_text or "")
    before = len(harness.emu.messages(USER))
    update = harness.emu.user_says(USER, "slept ok")
    await harness.emu.wait_for_messages(USER, before + 1)
    harness.emu.user_edits(USER, update["message"]["message_id"], "slept great")
    await harness.emu.wait_for_messages(USER, before + 2)
    assert harness.last().plain_text == texts.EDITED_MESSAGE
    [night] = await _rows(harness, Sleep)
    assert night.quality == 3  # the edit did not silently change the diary
    before = len(harness.emu.messages(USER))
    harness.emu.user_sends_sticker(USER)
    harness.emu.user_sends_photo(USER)
    await harness.emu.wait_for_messages(USER, before + 2)
    await harness.settle()
    assert (
        harness.texts()[-1]
        == harness.texts()[-2]
        == ("I can only read text. Tell me in words, e.g. migraine 6/10 since 2pm or mag 200.")
    )
    assert "Sleep" in (await harness.say("slept badly"))[0].plain_text  # type: ignore[operator]
    harness.emu.assert_no_failed_calls()


async def test_a_message_sent_while_the_database_is_away_is_kept_and_answered_later(
    harness: Harness,
) -> None:
    sessions = harness.app.bot_data.sessions
    # nothing listens on port 9: every connection is refused, as with a stopped server
    gone = make_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none", connect_args={"timeout": 2})
    sessions.configure(bind=gone)
    try:
        replies = await harness.say("migraine 5/10")
        await asyncio.sleep(2.5)  # the bot keeps trying to store it meanwhile
        assert harness.texts() == [texts.DATABASE_AWAY], "told once, not once per try"
    finally:
        sessions.configure(bind=harness.app.bot_data.engine)
        await gone.dispose()
    assert replies[0].plain_text == texts.DATABASE_AWAY
    # the database is back: the same message is stored and answered, without sending it again
    await harness.emu.wait_for_messages(USER, 2, timeout=40)
    assert "Migraine 5/10" in (harness.last().plain_text or "")
    assert len(await _rows(harness, Attack)) == 1


async def test_the_undo_button_on_a_reply_takes_back_that_message(harness: Harness) -> None:
    reply = (await harness.say("mag 200, anxiety 4/10"))[0]
    assert len(await _rows(harness, Dose)) == 1 and len(await _rows(harness, Anxiety)) == 1
    await harness.tap("Undo", message_id=reply.message_id)
    assert await _rows(harness, Dose) == []
    assert await _rows(harness, Anxiety) == []
    assert "Undone" in (harness.last().plain_text or "")
    [update] = [
        u
        for u in harness.emu.updates
        if u.get("message", {}).get("text") == "mag 200, anxiety 4/10"
    ]
    again = harness.emu.press_button(
        USER, reply.message_id, f"ci:undo:{update['update_id']}", forged=True
    )
    answer = await harness.emu.wait_for_callback_answer(again)
    assert answer.text == texts.STALE_BUTTON


async def test_an_end_with_no_open_attack_explains_how_to_log_a_past_one(
    harness: Harness,
) -> None:
    replies = await harness.say("migraine is over")
    assert replies[0].plain_text == harness.last().plain_text
    assert "to close" in (replies[0].plain_text or "")
    assert await _rows(harness, Attack) == []


async def test_double_taps_never_draw_a_refused_edit_and_undo_stays(harness: Harness) -> None:
    message = (await harness.say("headache"))[0]
    [attack] = await _rows(harness, Attack)
    await harness.tap("5", message_id=message.message_id)
    labels = [b["text"] for row in harness.emu.messages(USER)[-1].buttons for b in row]
    assert "Undo" in labels and "5" not in labels  # keypad gone, undo still offered
    for _ in range(2):  # the second press finds the view already shown
        query = harness.emu.press_button(
            USER, message.message_id, f"at:v:{attack.id}:trg", forged=True
        )
        await harness.emu.wait_for_callback_answer(query)
        await harness.settle()
    query = harness.emu.press_button(USER, message.message_id, f"at:i:{attack.id}:3", forged=True)
    await harness.emu.wait_for_callback_answer(query)
    await harness.settle()
    [attack] = await _rows(harness, Attack)
    assert attack.peak_intensity == 5  # a lower tap does not lower the peak
    harness.emu.assert_no_failed_calls()


async def test_an_impossible_date_is_refused_clearly_and_nothing_is_stored(
    harness: Harness,
) -> None:
    replies = await harness.say("headache on February 30 from 2pm to 6pm")
    assert "no February 30 on the calendar" in (replies[0].plain_text or "")
    replies = await harness.say("migraine 7/10 on 2026-13-45")
    assert "no 2026-13-45 on the calendar" in (replies[0].plain_text or "")
    assert await _rows(harness, Attack) == []
    harness.emu.assert_no_failed_calls()


async def test_a_medicine_for_the_attack_is_stored_at_the_time_it_was_taken(
    harness: Harness,
) -> None:
    await _berlin_user(harness)
    sent = datetime(2026, 5, 4, 17, 0, tzinfo=BERLIN)
    await harness.say("migraine since 2pm 7/10, took sumatriptan 50mg at 3pm", date=sent)
    [attack] = await _rows(harness, Attack)
    [med] = await _rows(harness, MedicationTaken)
    assert (med.name, med.dose_mg, med.attack_id) == ("sumatriptan", 50, attack.id)
    assert med.taken_at == datetime(2026, 5, 4, 15, 0, tzinfo=BERLIN)
    assert med.med_class == "triptan"


async def test_two_messages_about_one_night_make_one_night_and_undo_restores_it(
    harness: Harness,
) -> None:
    await _berlin_user(harness)
    morning = datetime.now(BERLIN).replace(hour=7, minute=30, second=0, microsecond=0)
    await harness.say("slept badly", date=morning)
    await harness.say("woke up 3 times, slept 5 hours", date=morning + timedelta(minutes=5))
    [night] = await _rows(harness, Sleep)
    assert (night.quality, night.awakenings, night.hours) == (2, 3, 5)
    await harness.say("/undo")
    [night] = await _rows(harness, Sleep)
    assert (night.quality, night.awakenings, night.hours) == (2, None, None)
    assert night.raw_text == "slept badly"


async def test_a_photo_with_a_caption_is_read_like_a_message(harness: Harness) -> None:
    before = len(harness.emu.messages(USER))
    harness.emu.user_sends_photo(USER, caption="migraine 6/10, nausea")
    await harness.emu.wait_for_messages(USER, before + 1)
    await harness.settle()
    [attack] = await _rows(harness, Attack)
    assert (attack.peak_intensity, attack.symptoms) == (6, ["nausea"])
    assert "Migraine 6/10" in (harness.last().plain_text or "")
