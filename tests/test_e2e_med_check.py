"""After an acute medicine, end to end: "did it help?" at 2 h, and the overuse notice.

The real bot and the emulator share a FakeClock (`clocked`): two hours pass in
one call, and the bot's own dispatcher sends what is due. What the person taps
is what the summary's 2-hour response reads (IHS 2019, timed from the medicine).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.emulator.state import SentMessage
from storage.models import Attack, AttackUpdate, MedicationTaken, Prompt
from tests.conftest import CLOCK_START, ClockedHarness

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(h: ClockedHarness, hour: int, minute: int = 0, *, day: int = 0) -> datetime:
    """A local time on the day the test began (Mon 1 June 2026), or `day` days on."""
    start = CLOCK_START.astimezone(BERLIN) + timedelta(days=day)
    return start.replace(hour=hour, minute=minute, second=0, microsecond=0)


async def rows(h: ClockedHarness, model: Any, **where: Any) -> list[Any]:
    async with h.sessions() as session:
        query = select(model).order_by(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list((await session.scalars(query)).all())


def labels(message: SentMessage) -> list[str]:
    return [b["text"] for row in message.buttons for b in row]


async def setup(h: ClockedHarness) -> None:
    await h.say("/timezone Europe/Berlin")
    await h.say("/dose off")  # no dose reminder among the prompts counted here


async def test_a_triptan_at_onset_gets_one_question_at_two_hours_and_the_summary_reads_it(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await setup(h)
    [logged] = await h.say("migraine 7/10, took sumatriptan 50mg")
    assert "sumatriptan 50 mg at 10:00" in (logged.plain_text or "")
    [check_row] = await rows(h, Prompt, kind="medcheck")
    [medicine] = await rows(h, MedicationTaken)
    [attack] = await rows(h, Attack)
    assert check_row.scheduled_for == berlin(h, 12)
    assert (check_row.medication_id, check_row.attack_id) == (medicine.id, attack.id)
    # The first follow-up was due at 12:00 too: one question, not two.
    assert await rows(h, Prompt, kind="followup", status="pending") == []

    assert await h.advance(timedelta(hours=1, minutes=59)) == []
    [check] = await h.advance(timedelta(minutes=1), prompts=1)
    assert check.plain_text == (
        "💊 It's 2 h since your sumatriptan 50 mg (10:00). How is your migraine now?"
    )
    assert labels(check) == ["Pain gone", "Better", "Same", "Worse"]
    assert await h.advance(timedelta(minutes=12)) == []
    answer = await h.tap("Better", message_id=check.message_id)
    assert answer.text == "Noted."
    assert (check.plain_text or "").splitlines()[-1] == "👍 Noted: better. Glad it's easing."
    assert check.buttons == []

    [update] = await rows(h, AttackUpdate)
    # tapped at 12:12, within the IHS window: it speaks for the 2-hour moment
    assert (update.relief, update.intensity, update.gone) == ("better", None, False)
    assert update.at == berlin(h, 12)
    # the follow-ups carry on from the check
    [follow_up] = await rows(h, Prompt, kind="followup", status="pending")
    assert follow_up.scheduled_for == berlin(h, 16)

    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Pain-free 2 h after a medicine: 0% (0 of 1 treated attack)" in summary
    assert "Relief at 2 h (pain-free or mild): 100% (1 of 1)" in summary
    h.emu.assert_no_failed_calls()


@pytest.mark.parametrize(
    ("tapped_after", "ended_at", "pain_free"),
    [
        # 10 minutes after the question: dated at the 2-hour moment, pain-free
        (timedelta(minutes=10), (12, 0), "100% (1 of 1 treated attack)"),
        # an hour late: dated at the tap, so nobody saw it gone at 2 h
        (timedelta(hours=1), (13, 0), "0% (0 of 1 treated attack)"),
    ],
)
async def test_pain_gone_ends_the_attack_dated_as_honestly_as_the_tap_allows(
    clocked: ClockedHarness,
    tapped_after: timedelta,
    ended_at: tuple[int, int],
    pain_free: str,
) -> None:
    h = clocked
    await setup(h)
    await h.say("migraine 6/10 took rizatriptan")
    [check] = await h.advance(timedelta(hours=2), prompts=1)
    await h.advance(tapped_after)
    await h.tap("Pain gone", message_id=check.message_id)
    assert (check.plain_text or "").splitlines()[-1] == (
        f"✅ Glad it's gone. Ended at {ended_at[0]:02d}:{ended_at[1]:02d}."
    )
    [attack] = await rows(h, Attack)
    assert attack.ended_at == berlin(h, *ended_at)
    [update] = await rows(h, AttackUpdate)
    assert (update.gone, update.intensity, update.at) == (True, 0, berlin(h, *ended_at))
    assert attack.peak_intensity == 6  # the 0 is not the attack's worst pain
    assert [p.status for p in await rows(h, Prompt, kind="recurrence")] == ["pending"]
    assert await rows(h, Prompt, kind="followup", status="pending") == []
    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert f"Pain-free 2 h after a medicine: {pain_free}" in summary


async def test_in_quiet_hours_the_check_waits_for_morning_and_asks_about_the_moment(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await setup(h)
    await h.advance(berlin(h, 2, 10, day=1) - h.now())  # 02:10 on Tuesday
    await h.say("migraine 8/10, took sumatriptan 100mg")
    # quiet hours run to 07:00: the first follow-up and the 04:10 check both wait
    assert await h.advance(timedelta(hours=4, minutes=49)) == []
    [check] = await h.advance(timedelta(minutes=1), prompts=1)
    assert check.plain_text == (
        "💊 You took sumatriptan 100 mg at 02:10. How was your migraine 2 h later, "
        "around 04:10? (I didn't want to wake you.)"
    )
    assert labels(check) == ["Pain gone", "Better", "Same", "Worse", "I was asleep"]
    await h.tap("Same", message_id=check.message_id)
    assert (check.plain_text or "").splitlines()[-1] == (
        "Noted: no better yet (for 04:10). I'll keep asking how it goes."
    )
    [update] = await rows(h, AttackUpdate)
    assert (update.relief, update.at) == ("same", berlin(h, 4, 10, day=1))
    [follow_up] = await rows(h, Prompt, kind="followup", status="pending")
    assert follow_up.scheduled_for == berlin(h, 11, day=1)
    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "Pain-free 2 h after a medicine: 0% (0 of 1 treated attack)" in summary
    assert "Relief at 2 h (pain-free or mild): 0% (0 of 1)" in summary


async def test_asleep_at_two_hours_stores_nothing_and_asks_how_it_is_now(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await setup(h)
    await h.advance(berlin(h, 1, 30, day=1) - h.now())
    await h.say("migraine 7/10 took naproxen 500mg")
    [check] = await h.advance(berlin(h, 7, day=1) - h.now(), prompts=1)
    before = len(h.emu.messages(h.user))
    await h.tap("I was asleep", message_id=check.message_id)
    assert (check.plain_text or "").splitlines()[-1] == (
        "Noted: you were asleep, so 2 h stays unknown. Let me ask how it is now."
    )
    # asked at once: the tap's commit wakes the dispatcher (or this round sends it)
    await h.advance(timedelta(0))
    await h.emu.wait_for_messages(h.user, before + 1)
    [follow_up] = h.emu.messages(h.user)[before:]
    assert (follow_up.plain_text or "").startswith("🩺 How is it now? Your migraine since")
    assert await rows(h, AttackUpdate) == []
    summary = (await h.say("/summary all", replies=2))[0].plain_text or ""
    assert "2-hour response: not known yet for 1 treated attack" in summary


async def test_undoing_the_medicine_takes_its_check_and_brings_the_follow_up_back(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await setup(h)
    await h.say("migraine 6/10")
    await h.advance(timedelta(minutes=30))
    await h.say("took ibuprofen 400mg")
    [check] = await rows(h, Prompt, kind="medcheck")
    assert check.scheduled_for == berlin(h, 12, 30)
    assert await rows(h, Prompt, kind="followup", status="pending") == []
    undone = await h.say("/undo")
    assert "Removed: Ibuprofen 400 mg at 10:30" in (undone[0].plain_text or "")
    assert await rows(h, Prompt, kind="medcheck") == []
    [follow_up] = await rows(h, Prompt, kind="followup", status="pending")
    assert follow_up.scheduled_for == berlin(h, 12)
    [question] = await h.advance(timedelta(hours=2), prompts=1)
    assert (question.plain_text or "").startswith("🩺 How is it now?")
    assert await h.advance(timedelta(hours=1)) == []


async def test_undoing_the_attack_takes_every_prompt_with_it(clocked: ClockedHarness) -> None:
    h = clocked
    await setup(h)
    await h.say("migraine 7/10, took sumatriptan 50mg")
    await h.say("/undo")
    assert await rows(h, Attack) == []
    assert await rows(h, Prompt, status="pending") == []
    assert await h.advance(timedelta(hours=5)) == []


async def test_a_medicine_logged_long_after_gets_no_question(clocked: ClockedHarness) -> None:
    h = clocked
    await setup(h)
    await h.say("migraine since 6am 7/10, took sumatriptan at 7am")
    [medicine] = await rows(h, MedicationTaken)
    assert medicine.taken_at == berlin(h, 7)
    # 09:00 has passed by more than the grace: a question now could not be about it
    assert await rows(h, Prompt, kind="medcheck") == []
    [follow_up] = await rows(h, Prompt, kind="followup", status="pending")
    assert follow_up.scheduled_for == berlin(h, 12)


async def test_the_overuse_notice_comes_in_the_chat_once_per_level(
    clocked: ClockedHarness,
) -> None:
    h = clocked
    await setup(h)
    said = []
    for days_ago in range(11, 0, -1):  # a triptan on each of 11 days in a row
        written = berlin(h, 9) - timedelta(days=days_ago)
        [reply] = await h.say("took sumatriptan 50mg", date=written)
        said.append(reply.plain_text or "")
    notices = [(n, text) for n, text in enumerate(said, start=1) if "28 days" in text]
    assert [n for n, _ in notices] == [8, 10]
    assert notices[0][1].endswith(
        "ℹ️ Triptans on 8 of the last 28 days: close to the 10-day limit for "
        "medication-overuse headache. A note from your diary, not a diagnosis."
    )
    assert (
        "⚠️ Risk of medication overuse: triptans on 10 of the last 28 days (limit 10)."
        in (notices[1][1])
    )
    assert "not a diagnosis" in notices[1][1]
    h.emu.assert_no_failed_calls()
