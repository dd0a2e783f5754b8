"""/summary, /report, /export, /delete and /privacy through the real bot and the emulator."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from storage.models import USER_TABLES, InboxUpdate, Prompt, User
from tests.conftest import USER, Harness
from tests.diarygen import generate
from tests.seed import seed_diary

BERLIN = ZoneInfo("Europe/Berlin")
OTHER = 2002


async def _seed_known_diary(h: Harness, user: int = USER) -> None:
    """12 weeks at 8 migraine days per 28, then 16 weeks at 4 with 90 % adherence, to today."""
    today = datetime.now(BERLIN).date()
    first = today - timedelta(days=84 + 112 - 1)
    diary, _truth, _now = generate(seed=3, first_day=first, baseline_days=84, on_days=112)
    await seed_diary(h.sessions, user, diary)


async def test_summary_recovers_the_known_truth_and_sends_a_chart(harness: Harness) -> None:
    await _seed_known_diary(harness)
    replies = await harness.say("/summary all", replies=2)
    text = replies[0].plain_text or ""
    assert "8.0 before → 4.0 on magnesium" in text
    assert "responder" in text
    assert len(text) < 4096
    assert replies[1].photo is not None and replies[1].photo.startswith(b"\x89PNG")
    harness.emu.assert_no_failed_calls()


async def test_summary_for_a_new_user_is_friendly_and_has_no_chart(harness: Harness) -> None:
    replies = await harness.say("/summary 7d")
    await harness.settle(quiet=0.5)
    assert "Nothing to summarise yet" in (replies[0].plain_text or "")
    assert all(m.photo is None for m in harness.emu.messages(USER))


async def test_summary_after_one_entry_does_not_divide_by_zero(harness: Harness) -> None:
    await harness.say("migraine 6/10")
    replies = await harness.say("/summary 30d", replies=2)
    assert "Migraine" in (replies[0].plain_text or "")
    harness.emu.assert_no_failed_calls()


async def test_report_is_a_pdf_for_the_clinician(harness: Harness) -> None:
    await _seed_known_diary(harness)
    [document] = await harness.say("/report")
    assert document.document is not None and document.document.startswith(b"%PDF")
    assert (document.file_name or "").endswith(".pdf")
    assert "clinician" in (document.plain_caption or "")
    harness.emu.assert_no_failed_calls()


async def test_export_gives_every_table_as_csv_and_json_with_offsets(harness: Harness) -> None:
    await harness.say("/timezone Europe/Berlin")
    await harness.say("migraine since 2pm 6/10 nausea")
    await harness.say("mag 200")
    [document] = await harness.say("/export")
    archive = zipfile.ZipFile(io.BytesIO(document.document or b""))
    names = set(archive.namelist())
    assert {f"{model.__tablename__}.csv" for model in USER_TABLES} <= names
    assert "magbot.json" in names
    attacks = list(csv.DictReader(io.StringIO(archive.read("attack.csv").decode())))
    [attack] = attacks
    assert attack["raw_text"] == "migraine since 2pm 6/10 nausea"
    started = datetime.fromisoformat(attack["started_at"])
    assert started.utcoffset() == started.astimezone(BERLIN).utcoffset()  # local, with offset
    assert started.hour == 14
    everything = json.loads(archive.read("magbot.json"))
    assert everything["attack"][0]["symptoms"] == ["nausea"]
    assert everything["dose"][0]["amount_mg"] == 200
    assert everything["user"][0]["id"] == USER


async def test_delete_erases_every_row_of_the_person_and_only_theirs(harness: Harness) -> None:
    await _seed_known_diary(harness, OTHER)
    await harness.say("/start")
    await harness.say("migraine since 2pm 6/10, took ibuprofen")
    await harness.say("slept badly, anxiety 5/10, diarrhoea after magnesium")
    await harness.say("mag 200")
    confirm = (await harness.say("/delete"))[0]
    assert "can't be undone" in (confirm.plain_text or "")
    await harness.tap("Yes, erase everything", message_id=confirm.message_id)
    assert "erased" in (harness.last().plain_text or "")
    async with harness.sessions() as s:
        for model in USER_TABLES:
            column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
            mine = await s.scalar(select(func.count()).select_from(model).where(column == USER))
            assert mine == 0, f"{model.__tablename__} still has rows"
        theirs = await s.scalar(select(func.count()).select_from(User).where(User.id == OTHER))
        pending = await s.scalar(
            select(func.count()).select_from(Prompt).where(Prompt.user_id == USER)
        )
        # what they wrote is gone from the inbox too: only the erasing tap's own row is
        # left, handled and emptied
        inbox = (
            await s.execute(
                select(InboxUpdate.status, InboxUpdate.payload).where(InboxUpdate.chat_id == USER)
            )
        ).all()
    assert theirs == 1
    assert pending == 0
    assert inbox == [("done", None)]
    harness.emu.assert_no_failed_calls()


async def test_delete_cancelled_keeps_everything(harness: Harness) -> None:
    await harness.say("mag 200")
    confirm = (await harness.say("/delete"))[0]
    await harness.tap("Cancel", message_id=confirm.message_id)
    async with harness.sessions() as s:
        assert await s.get(User, USER) is not None


async def test_privacy_says_what_is_stored_and_how_to_get_it_back(harness: Harness) -> None:
    [reply] = await harness.say("/privacy")
    text = reply.plain_text or ""
    assert "/export" in text and "/delete" in text
    assert "Logs never contain what you write" in text


async def test_a_diary_written_through_the_chat_gives_the_right_verdict(harness: Harness) -> None:
    """Messages dated in the past, as after a long import or downtime; the first dose
    (logged after later ones) starts 'on magnesium'."""
    await harness.say("/timezone Europe/Berlin")
    today = datetime.now(BERLIN).replace(hour=20, minute=0, second=0, microsecond=0)

    def days_ago(n: int) -> datetime:
        return today - timedelta(days=n)

    for n in (88, 80, 72, 64):  # 4 migraine days in the 28 days before magnesium
        await harness.say("migraine from 10am to 4pm, 6/10", date=days_ago(n))
    await harness.say("migraine from 9am to 1pm 5/10", date=days_ago(40))
    await harness.say("mag 200", date=days_ago(30))
    await harness.say("mag 200", date=days_ago(60))  # the first dose, logged late
    await harness.say("migraine from 9am to 1pm 5/10", date=days_ago(20))
    replies = await harness.say("/summary all", replies=2)
    text = replies[0].plain_text or ""
    # 4 days in 28 before; 2 days in the 61 days from the first dose to today
    assert "4.0 before → 0.9 on magnesium" in text, text
    assert "responder" in text
    harness.emu.assert_no_failed_calls()
