"""Many people at once (issue 10): one person's burst never holds up anyone else.

Replies to one person are paced (Telegram asks for about one message a second
per chat), so a burst of ten check-ins takes seconds to confirm. Other people's
messages must be handled and answered meanwhile, however small the concurrency
bound, and the burst's own replies must keep its order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.emulator.core import EmulatorEvent
from bot.emulator.server import BotApiEmulator
from tests.conftest import start_bot, stop_bot

pytestmark = pytest.mark.e2e

BURSTER = 7001
OTHERS = range(7002, 7008)


async def _greet(emu: BotApiEmulator, *people: int) -> None:
    for person in people:
        emu.user_says(person, "hello")
    for person in people:
        await emu.wait_for_messages(person, 1)


async def test_a_burst_does_not_hold_up_other_people(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emu = emulator
    app = await start_bot(emu, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", concurrency=2)
    try:
        await _greet(emu, BURSTER, *OTHERS)
        greeted = {p: len(emu.messages(p)) for p in (BURSTER, *OTHERS)}
        order: list[int] = []

        def sent(event: EmulatorEvent) -> None:
            if event.kind == "sent":
                order.append(event.chat_id)

        emu.add_listener(sent)
        for level in range(1, 7):
            emu.user_says(BURSTER, f"anxiety {level}/10")
        await emu.wait_for_messages(BURSTER, greeted[BURSTER] + 2)  # the burst is under way
        for person in OTHERS:
            emu.user_says(person, "anxiety 5/10")

        for person in OTHERS:
            await emu.wait_for_messages(person, greeted[person] + 1, timeout=20)
        burst = await emu.wait_for_messages(BURSTER, greeted[BURSTER] + 6, timeout=30)
    finally:
        await stop_bot(app)

    # the others were answered while the burst's replies were still being paced out
    # (two places and six paced replies: before, the burst's waiting replies held both)
    last_other = max(i for i, chat in enumerate(order) if chat != BURSTER)
    assert order[:last_other].count(BURSTER) <= 3, order
    # and the burst's replies came in the order it was written
    levels = [m.plain_text or "" for m in burst[greeted[BURSTER] :]]
    assert all(f"{level}/10" in text for level, text in enumerate(levels, 1)), levels


async def test_a_reply_that_waits_for_a_retry_is_not_overtaken(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    emu = emulator
    app = await start_bot(emu, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    try:
        await _greet(emu, BURSTER)
        greeted = len(emu.messages(BURSTER))
        # every try of the first reply fails (5xx): it is kept, to be tried again later
        emu.inject_fault("error", methods=["sendMessage"], chat_id=BURSTER, count=4)
        emu.user_says(BURSTER, "anxiety 3/10")
        await emu.wait_for(lambda: not emu.faults, timeout=15)
        emu.user_says(BURSTER, "anxiety 7/10")
        replies = await emu.wait_for_messages(BURSTER, greeted + 2, timeout=20)
    finally:
        await stop_bot(app)
    first, second = (m.plain_text or "" for m in replies[greeted:])
    assert "3/10" in first and "7/10" in second
