"""The day named is the day stored (DESIGN §6a), through the real bot: typed messages in,
stored rows and replies checked.

Every message here is dated Monday 30 Nov 2026, 18:00 in Berlin, as a person
backfilling a paper diary would write them; Friday is 27 Nov, last night began
on Sunday 29 Nov.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import (
    Anxiety,
    Attack,
    AttackUpdate,
    Dose,
    MedicationTaken,
    Period,
    Prompt,
    SideEffect,
    Sleep,
)
from tests.conftest import USER, Harness

BERLIN = ZoneInfo("Europe/Berlin")
SENT = datetime(2026, 11, 30, 18, 0, tzinfo=BERLIN)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


async def rows(h: Harness, model: Any) -> list[Any]:
    async with h.sessions() as s:
        query = select(model).where(model.user_id == USER).order_by(model.id)
        return list((await s.scalars(query)).all())


async def say(h: Harness, text: str, replies: int = 1) -> str:
    said = await h.say(text, date=SENT, replies=replies)
    return "\n".join(m.plain_text or "" for m in said)


async def berlin(h: Harness) -> None:
    await h.say("/timezone Europe/Berlin")


async def test_medicines_in_a_past_attack_keep_their_own_times(harness: Harness) -> None:
    await berlin(harness)
    await say(harness, "had a migraine last night from 10pm to 2am, took sumatriptan 50mg")
    await say(
        harness,
        "migraine on 25 Nov from 2pm to 8pm, took ibuprofen 400mg at 15:10 "
        "and sumatriptan at 16:30",
    )
    first, second = await rows(harness, Attack)
    assert (first.started_at, first.ended_at) == (at(11, 29, 22), at(11, 30, 2))
    meds = [(m.name, m.taken_at, m.attack_id) for m in await rows(harness, MedicationTaken)]
    assert meds == [
        ("sumatriptan", at(11, 29, 22), first.id),  # last night, not 18:00 today
        ("ibuprofen", at(11, 25, 15, 10), second.id),
        ("sumatriptan", at(11, 25, 16, 30), second.id),
    ]


async def test_past_times_of_day_are_read_on_the_day_named(harness: Harness) -> None:
    await berlin(harness)
    reply = await say(harness, "migraine on 11 Nov from 10:00 to 13:00")
    await say(harness, "migraine from 22:00 on 24 Oct to 04:00 on 25 Oct")
    nov, octo = await rows(harness, Attack)
    assert (nov.started_at, nov.ended_at) == (at(11, 11, 10), at(11, 11, 13))
    assert (octo.started_at, octo.ended_at) == (at(10, 24, 22), at(10, 25, 4))
    assert "Wed 11 Nov 10:00" in reply  # the reply names the day
    # a past attack with its end is not followed up
    assert [p for p in await rows(harness, Prompt) if p.kind == "followup"] == []


async def test_a_skipped_dose_on_a_named_day_is_stored_on_that_day(harness: Harness) -> None:
    await berlin(harness)
    reply = await say(harness, "skipped magnesium on friday")
    await say(harness, "skipped magnesium on 8 Nov")
    friday, eighth = await rows(harness, Dose)
    # the day named, at the planned dose time (the default plan: 21:30)
    assert (friday.status, friday.taken_at) == ("skipped", at(11, 27, 21, 30))
    assert (eighth.status, eighth.taken_at) == ("skipped", at(11, 8, 21, 30))
    assert "Skipped dose, Fri 27 Nov" in reply


async def test_sleep_for_a_named_night_goes_on_that_night_and_nowhere_else(
    harness: Harness,
) -> None:
    await berlin(harness)
    await say(harness, "slept 6h, woke up once")  # last night
    await say(harness, "friday night slept 5 hours woke up twice")
    reply = await say(harness, "slept 7h on saturday night, pretty good")
    nights = {s.night: (s.hours, s.awakenings, s.quality) for s in await rows(harness, Sleep)}
    assert nights == {
        date(2026, 11, 29): (6.0, 1, None),  # not overwritten by the others
        date(2026, 11, 27): (5.0, 2, None),
        date(2026, 11, 28): (7.0, None, 4),  # "pretty good" is 4
    }
    assert "night of Sat 28 Nov" in reply


async def test_anxiety_side_effects_and_periods_honour_the_day_named(harness: Harness) -> None:
    await berlin(harness)
    await say(harness, "anxious yesterday, 6/10")
    reply = await say(harness, "diarrhea on 25 Nov")
    await say(harness, "period started yesterday")
    [anxiety] = await rows(harness, Anxiety)
    [effect] = await rows(harness, SideEffect)
    [period] = await rows(harness, Period)
    assert anxiety.at.astimezone(BERLIN).date() == date(2026, 11, 29)
    assert effect.at.astimezone(BERLIN).date() == date(2026, 11, 25)
    assert (period.day, period.started) == (date(2026, 11, 29), True)
    assert "Wed 25 Nov" in reply


async def test_a_pain_level_for_a_past_moment_goes_to_the_attack_of_that_moment(
    harness: Harness,
) -> None:
    await berlin(harness)
    await say(harness, "migraine on 9 Nov from 14:00 to 20:00 7/10")
    await say(harness, "migraine on 12 Nov from 9:00 to 11:00 5/10")
    reply = await say(harness, "9 Nov at 16:30 pain was 3/10")
    ninth, _twelfth = await rows(harness, Attack)
    [update] = await rows(harness, AttackUpdate)
    assert (update.attack_id, update.at, update.intensity) == (ninth.id, at(11, 9, 16, 30), 3)
    assert "Mon 09 Nov" in reply and "16:30" in reply


async def test_vague_times_take_a_sensible_one_and_say_which(harness: Harness) -> None:
    await berlin(harness)
    await say(harness, "migraine all day yesterday")
    reply = await say(harness, "migraine on friday")
    all_day, friday = await rows(harness, Attack)
    assert (all_day.started_at, all_day.ended_at) == (at(11, 29, 7), at(11, 29, 21))
    assert friday.started_at == at(11, 27, 12)
    assert "no time given, so I put 12:00" in reply
    # a day in the past without a time is a past attack: nobody asks how it is now
    assert [p for p in await rows(harness, Prompt) if p.kind == "followup"] == []


async def test_woke_up_with_a_migraine_starts_in_the_morning(harness: Harness) -> None:
    await berlin(harness)
    await say(harness, "woke up with a migraine")
    [attack] = await rows(harness, Attack)
    assert attack.started_at == at(11, 30, 7) and attack.ended_at is None


async def test_an_overlapping_attack_is_asked_about_and_merged_on_request(
    harness: Harness,
) -> None:
    await berlin(harness)
    await say(harness, "migraine on 9 Nov from 14:00 to 20:00 7/10")
    reply = await say(harness, "migraine on 9 Nov from 15:00 to 22:00, nausea", replies=2)
    assert "overlaps an attack you logged already" in reply
    assert len(await rows(harness, Attack)) == 2  # stored, and asked about: never silently
    await harness.tap("Same attack")
    [attack] = await rows(harness, Attack)
    assert (attack.started_at, attack.ended_at) == (at(11, 9, 14), at(11, 9, 22))
    assert attack.peak_intensity == 7 and attack.symptoms == ["nausea"]
    assert "Merged into one" in (harness.last().plain_text or "")


async def test_a_zone_nobody_chose_is_named_and_fixing_it_moves_what_was_logged(
    harness: Harness,
) -> None:
    # no /timezone first: the person's zone is the default UTC
    reply = await say(harness, "migraine on 25 Nov from 14:00 to 17:00", replies=2)
    assert "I read the times in UTC" in reply
    [before] = await rows(harness, Attack)
    assert before.started_at == datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("UTC"))
    await harness.tap("Berlin")
    [after] = await rows(harness, Attack)
    # the same wall-clock times, now in Berlin
    assert (after.started_at, after.ended_at) == (at(11, 25, 14), at(11, 25, 17))
    # told once: the next dated message does not ask again
    again = await say(harness, "migraine on 26 Nov from 14:00 to 15:00")
    assert "I read the times in" not in again


async def test_log_lists_by_when_things_happened_and_says_what_each_is(
    harness: Harness,
) -> None:
    await berlin(harness)
    await say(harness, "migraine on 9 Nov from 14:00 to 20:00 7/10")
    await say(harness, "skipped magnesium on friday")
    await say(harness, "9 Nov at 16:30 pain was 3/10")  # typed last, happened second
    listing = (await harness.say("/log"))[0].plain_text or ""
    lines = [line for line in listing.splitlines() if line[:2].rstrip(".").isdigit()]
    assert "Skipped dose, Fri 27 Nov" in lines[0]
    assert lines[1].startswith("2. Pain 3/10 at Mon 09 Nov 16:30 in the migraine of Mon 09 Nov")
    assert "Migraine 7/10 since Mon 09 Nov 14:00" in lines[2]


async def test_log_pages_beyond_ten_entries(harness: Harness) -> None:
    await berlin(harness)
    for day in range(1, 13):
        await say(harness, f"anxiety 4/10 on {day} Nov")
    first = (await harness.say("/log"))[0]
    assert "12." not in (first.plain_text or "")
    await harness.tap("Older ▸", message_id=first.message_id)
    older = harness.emu.messages(USER)[-1]
    assert older.message_id == first.message_id  # the page is turned in place
    assert "11. Anxiety 4/10, Mon 02 Nov" in (older.plain_text or "")


async def test_undo_says_what_it_removed_and_what_it_restored(harness: Harness) -> None:
    await berlin(harness)
    await say(harness, "migraine since 2pm 6/10")
    await say(harness, "migraine is gone")
    undone = (await harness.say("/undo"))[0].plain_text or ""
    assert undone.startswith("Undone.")
    assert "As before: migraine open again" in undone
    [attack] = await rows(harness, Attack)
    assert attack.ended_at is None


async def test_the_dose_plan_reads_what_people_type(harness: Harness) -> None:
    await berlin(harness)
    reply = await say(harness, "/dose 400mg at 9pm")
    assert "400 mg at 21:00" in reply
    reply = await say(harness, "/dose 200mg morning and evening")
    assert "200 mg at 08:00, 200 mg at 20:00" in reply


async def test_a_compound_label_plan_says_what_it_is_in_elemental_magnesium(
    harness: Harness,
) -> None:
    await harness.say("/start")
    await harness.tap("Skip")  # the time zone
    await harness.tap("Compound weight")  # the label gives the glycinate's weight
    reply = await say(harness, "/dose 600mg 21:30")
    assert "600 mg magnesium glycinate = 85 mg elemental" in reply
