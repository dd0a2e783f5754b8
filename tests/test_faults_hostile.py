"""Hostile updates through the real bot: poison, forged buttons, odd text (issue 12.4, 12.6, 12.7).

Each test drives the bot over HTTP through the emulator and watches every log
record (python-telegram-bot's and httpx's at DEBUG, through production's filter):
nobody else waits for a bad update, every message and press gets a polite
answer, no error is logged but the ones a test expects, Telegram refuses
nothing, and no record shows what a person wrote.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.emulator.server import BotApiEmulator
from bot.handlers import checkin
from bot.ui import texts
from storage.enums import InboxStatus
from storage.models import Attack
from tests.conftest import TOKEN, Harness
from tests.processes import database_url, fresh_postgres_database
from tests.rig import (
    LogWatch,
    count,
    inbox_rows,
    running_bot,
    watch_logs,
    writes,
)

pytestmark = pytest.mark.e2e

USER, OTHER, THIRD = 5001, 5002, 5003
# What a person wrote, in fields python-telegram-bot chokes on and in plain text.
SECRET = "zanzibar wedding migraine"
POISON_MARK = "quokka"  # a message the handler fails on, every time


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        for person in (USER, OTHER, THIRD):
            emulator.add_user(person)
        yield emulator


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    with watch_logs() as watch:
        yield watch


@pytest.fixture
async def bot(emu: BotApiEmulator, logs: LogWatch, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(emu, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}") as harness:
        yield harness


# --- poison updates -------------------------------------------------------------------------


async def test_undecodable_updates_are_set_aside_and_everyone_else_is_answered(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    # python-telegram-bot cannot decode either: a chat that is a string, a date that is one
    chat_is_text = emu.inject_update(
        {"message": {"message_id": 90, "date": 1700000000, "chat": SECRET, "text": SECRET}}
    )
    date_is_text = emu.inject_update(
        {
            "callback_query": {
                "id": "poison-1",
                "from": {"id": USER, "is_bot": False, "first_name": "Ada"},
                "chat_instance": "1",
                "data": SECRET,
                "message": {"message_id": 1, "date": SECRET, "chat": {"id": USER}},
            }
        }
    )
    # right behind them, three people write
    emu.user_says(USER, f"{SECRET} 6/10")
    emu.user_says(OTHER, "headache 4/10")
    emu.user_says(THIRD, "mag 200")
    for person in (USER, OTHER, THIRD):
        await emu.wait_for_messages(person, 1)
    # a reply that quotes the person: python-telegram-bot logs its parameters at DEBUG
    [quoted] = await bot.say("/timezone zanzibar", user=OTHER)
    assert "zanzibar" in (quoted.plain_text or "")

    rows = await inbox_rows(bot)
    for poison in (chat_is_text, date_is_text):
        row = rows[poison["update_id"]]
        assert row.status == InboxStatus.FAILED
        assert row.payload is not None  # kept for whoever looks into it
        assert row.error is not None and row.error.startswith("undecodable")
        assert f"update {poison['update_id']} set aside: undecodable: TypeError" in logs.text
    assert not emu.pending_updates  # confirmed to Telegram: no refetching the batch
    # the person whose press was set aside is told nothing of it was saved; the check-in
    # they wrote next is stored and answered
    assert texts.NOT_HANDLED in bot.texts(USER)
    assert any("Migraine 6/10" in said for said in bot.texts(USER))
    assert await count(bot, Attack, user_id=USER) == 1
    assert any("Headache 4/10" in said for said in bot.texts(OTHER))
    emu.assert_no_failed_calls()
    logs.assert_no_errors(r"set aside: undecodable: TypeError")
    logs.assert_never_shows(SECRET, "zanzibar")
    # watched: python-telegram-bot's records, and each request the HTTP client made
    assert "DEBUG telegram.ext" in logs.text
    assert "DEBUG bot.transport: Bot API sendMessage: 200" in logs.text


async def test_an_update_that_fails_three_times_is_set_aside_and_nobody_waits_for_it(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bug in the bot that one message meets every time; its error quotes the message.
    red_flags = checkin.red_flags

    def buggy(text: str) -> list[str]:
        if POISON_MARK in text:
            raise ValueError(f"cannot read {text!r}")
        return red_flags(text)

    monkeypatch.setattr(checkin, "red_flags", buggy)
    failing = emu.user_says(USER, f"{SECRET} {POISON_MARK} 7/10")
    emu.user_says(USER, "mag 200")  # the same person's next message waits its turn
    # other people are answered while it is tried again
    for n in range(3):
        replies = await emu.ask(OTHER, f"headache {n + 3}/10")
        assert f"Headache {n + 3}/10" in (replies[0].plain_text or "")
    await emu.wait_for_messages(USER, 2, timeout=20)
    await bot.settle()

    row = (await inbox_rows(bot))[failing["update_id"]]
    assert (row.status, row.attempts, row.error) == (InboxStatus.FAILED, 3, "ValueError")
    assert row.payload is not None
    said = bot.texts(USER)
    assert said[0] == texts.NOT_HANDLED  # told once, after the third try, nothing else
    assert "200" in said[1] and len(said) == 2
    assert await count(bot, Attack, user_id=USER) == 0
    assert f"update {failing['update_id']} set aside after 3 tries: ValueError" in logs.text
    emu.assert_no_failed_calls()
    logs.assert_no_errors(
        rf"error handling update {failing['update_id']}: ValueError",
        rf"update {failing['update_id']} set aside after 3 tries: ValueError",
    )
    logs.assert_never_shows(SECRET, POISON_MARK)


# --- hostile buttons ------------------------------------------------------------------------


async def _checkin_reply(bot: Harness, user: int, text: str) -> tuple[int, int]:
    """The person checks in; (the id of the reply with the attack's buttons, the attack id)."""
    [replied] = await bot.say(text, user=user)
    data = next(
        button["callback_data"]
        for row in replied.buttons
        for button in row
        if button.get("callback_data", "").startswith("at:")
    )
    return replied.message_id, int(data.split(":")[2])


async def _press(bot: Harness, message_id: int, data: str | bytes, **how: bool) -> str | None:
    query = bot.emu.press_button(USER, message_id, data, forged=True, **how)
    answer = await bot.emu.wait_for_callback_answer(query)
    await bot.settle()
    return answer.text


async def test_forged_oversized_and_non_utf8_buttons_get_a_polite_answer(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    message_id, attack_id = await _checkin_reply(bot, USER, "headache 4/10")
    _, others = await _checkin_reply(bot, OTHER, "migraine 8/10")
    forged: list[str | bytes] = [
        f"at:i:{others}:2",  # another person's attack
        f"at:i:{attack_id}:99",  # not an intensity
        "at:i:99999999999999999999:5",  # would overflow the database's integer
        f"at:i:{attack_id}:" + "9" * 200,  # oversized
        "x" * 300,
        "ci:undo:4294967296",
        "dose:took:-1",
        "fu:i:1:\x00",
        "md:\u202e1:2:3",  # a right-to-left override
        "dose:\ud800",  # a lone surrogate
        b"\xff\xfe",  # not UTF-8
        b"at:i:\xc3\x28:5",
        "",
    ]
    for data in forged:
        answer = await _press(bot, message_id, data)
        assert answer is not None and "nothing was changed" in answer.lower(), data
    # a tap on the real keypad still works after all that
    assert await _press(bot, message_id, f"at:i:{attack_id}:6") is None
    async with bot.sessions() as session:
        mine, theirs = (await session.get(Attack, attack_id)), (await session.get(Attack, others))
    assert mine is not None and mine.peak_intensity == 6
    assert theirs is not None and theirs.peak_intensity == 8  # untouched
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_buttons_on_gone_or_inaccessible_messages_get_a_polite_answer(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    message_id, attack_id = await _checkin_reply(bot, USER, "headache 4/10")
    # a press on a message Telegram no longer shows the bot, and on one never sent
    assert await _press(bot, message_id, f"at:i:{attack_id}:5", inaccessible=True) is None
    assert await _press(bot, 987654, f"at:i:{attack_id}:7") is None
    assert await _press(bot, 987654, "ob:tz:Europe/Berlin") == texts.STALE_BUTTON
    async with bot.sessions() as session:
        attack = await session.get(Attack, attack_id)
    assert attack is not None and attack.peak_intensity == 7  # the taps counted
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_a_press_on_a_message_deleted_meanwhile_sends_the_new_view(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    message_id, attack_id = await _checkin_reply(bot, USER, "headache")  # asks how bad
    # The press leaves the person's client with the message in view; before the bot
    # gets to it the person deletes the message, so the bot's edit finds nothing.
    emu.inject_fault("error", methods=["getUpdates"], duration=1.5)
    await asyncio.sleep(0.1)
    query = emu.press_button(USER, message_id, f"at:i:{attack_id}:8")
    [gone] = [m for m in emu.messages(USER) if m.message_id == message_id]
    gone.deleted = True
    answer = await emu.wait_for_callback_answer(query)
    await emu.wait_for_messages(USER, 2)
    await bot.settle()
    assert answer.text is None
    shown = emu.last_message(USER)
    assert shown.message_id != message_id
    assert "8/10" in (shown.plain_text or "") and shown.buttons  # the view, sent anew
    # only Telegram knew the message was gone: the one edit that found out is all it refused
    assert [(c.method, c.error) for c in emu.failed_calls] == [
        ("editMessageText", "Bad Request: message to edit not found")
    ]
    logs.assert_no_errors()


# --- hostile text ---------------------------------------------------------------------------

EMOJI_4096 = "🤕" * 2048  # 4,096 UTF-16 units, Telegram's longest message
MARKS_4096 = "a" + "\u0301" * 4095
PIECES = [
    "migraine 6/10",
    "\x00",
    "\x00" * 50,
    "\ud800",
    "\udfff\ud800",
    "\u202e",
    "\u200f\u200e",
    "\ufeff",
    "\u200d" * 20,
    "e\u0301\u0302\u0303\u0304",
    "🤕",
    "👩‍👩‍👧‍👦",
    "<b>bold</b> &amp; <script>x</script> &#0; &bogus;",
    "\n" * 30,
    "\t\r\v\f",
    "99999999999999999999/10",
    "mag 1e308 mg",
    "slept -5h",
    "at 25:99 on 2026-02-30",
    "headache since 99999 days ago",
    "\U0010ffff",
    "%s %d {0} {text}",
    "' OR 1=1; DROP TABLE attack; --",
]
COMMANDS = ["/start", "/timezone", "/dose", "/log", "/summary", "/quiet", "/followup", "/undo"]


def hostile_texts(count: int) -> list[str]:
    """`count` messages made of the pieces above, commands and the two longest messages."""
    texts_: list[str] = [EMOJI_4096, MARKS_4096, "x" * 4096, "\x00" * 4096, "\ud800" * 4096]
    n = 0
    while len(texts_) < count:
        a, b_ = PIECES[n % len(PIECES)], PIECES[(n * 7 + 3) % len(PIECES)]
        match n % 4:
            case 0:
                texts_.append(a + " " + b_)
            case 1:
                texts_.append(f"headache {a} 5/10 {b_}")
            case 2:
                texts_.append(f"{COMMANDS[n % len(COMMANDS)]} {a}{b_}")
            case _:
                texts_.append((a + b_) * (1 + n % 40))
        n += 1
    return texts_


ODD_ENTITIES = [
    [{"type": "bold", "offset": -5, "length": 10**9}],
    [{"type": "bot_command", "offset": 0, "length": 10**12}],
    [{"type": "no_such_type", "offset": 2, "length": 3}],
    [{"type": "text_link", "offset": 0, "length": 4, "url": "javascript:alert(1)"}],
    [{"type": "mention", "offset": 3, "length": 0}] * 100,
]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
async def test_hundreds_of_hostile_messages_are_each_answered(
    kind: str, emu: BotApiEmulator, logs: LogWatch, tmp_path: Path
) -> None:
    messages = hostile_texts(255)
    first = 800_000
    async with database_url(kind, tmp_path) as url, running_bot(emu, url) as bot:
        people = range(first, first + len(messages) + len(ODD_ENTITIES))
        for person, text in zip(people, messages, strict=False):
            writes(emu, person, text)
        for person, entities in zip(people[len(messages) :], ODD_ENTITIES, strict=True):
            emu.user_sends(person, {"text": "/log migraine 7/10", "entities": entities})
        for person in people:
            await emu.wait_for_messages(person, 1, timeout=60)
        await bot.settle()
        not_handled = [p for p in people if texts.NOT_HANDLED in bot.texts(p)]
        assert not_handled == [], [messages[p - first][:40] for p in not_handled[:5]]
        rows = await inbox_rows(bot)
        assert {row.status for row in rows.values()} == {InboxStatus.DONE}
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_a_press_that_waited_too_long_is_applied_without_a_refused_answer(
    emu: BotApiEmulator, logs: LogWatch, tmp_path: Path
) -> None:
    # The database is slow (a lock held for longer than Telegram waits for a press's
    # answer, 15 s): by the time the press is handled, answering it would be refused.
    async with fresh_postgres_database() as url, running_bot(emu, url) as bot:
        message_id, attack_id = await _checkin_reply(bot, USER, "headache")  # asks how bad
        async with bot.sessions.begin() as session:
            await session.execute(text("LOCK TABLE attack IN ACCESS EXCLUSIVE MODE"))
            query = emu.press_button(USER, message_id, f"at:i:{attack_id}:6")
            await asyncio.sleep(16)
        await emu.wait_for(lambda: "6/10" in (emu.last_message(USER).plain_text or ""), timeout=10)
        await bot.settle()
        async with bot.sessions() as session:
            attack = await session.get(Attack, attack_id)
        assert attack is not None and attack.peak_intensity == 6  # the press counted
        assert query not in [answer.callback_query_id for answer in emu.callback_answers]
    emu.assert_no_failed_calls()
    logs.assert_no_errors()
