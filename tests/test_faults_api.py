"""The Bot API failing under the real bot: 5xx, dropped connections, 429 (issue 12.5, 12.6).

Faults are injected in the emulator, so the bot meets them over HTTP as it would
meet Telegram's: every check-in is stored once, every person is told so (once,
or twice at most where the connection broke after Telegram took the reply),
nobody is asked to send again what was stored, and per-chat pacing keeps to a
strict server's limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.emulator.server import BotApiEmulator
from bot.scheduling import plan
from storage.models import Attack, OutboxMessage, Prompt
from storage.queries import users
from tests.conftest import TOKEN, Harness
from tests.rig import LogWatch, count, running_bot, watch_logs

pytestmark = pytest.mark.e2e


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        yield emulator


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    with watch_logs() as watch:
        yield watch


@pytest.fixture
async def bot(emu: BotApiEmulator, logs: LogWatch, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(emu, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}") as harness:
        yield harness


def confirmations(bot: Harness, person: int, what: str) -> int:
    return sum(what in said for said in bot.texts(person))


def asked_again(bot: Harness, people: range) -> list[str]:
    return [said for person in people for said in bot.texts(person) if "again" in said.lower()]


async def drained(bot: Harness, limit: float = 40.0) -> None:
    """Wait until the outbox holds no reply (each was sent, or given up for good)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        async with bot.sessions() as session:
            if not await session.scalar(select(func.count()).select_from(OutboxMessage)):
                await bot.settle()
                return
        await asyncio.sleep(0.25)
    raise AssertionError("replies still wait in the outbox")


# --- 5xx and dropped connections ------------------------------------------------------------


async def test_5xx_and_dropped_connections_lose_no_check_in_and_double_no_reply(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    migraines, headaches = range(6100, 6106), range(6106, 6112)
    # Telegram answers every send with 502 for a while (longer than the request
    # layer's own retries), then drops connections before taking the request.
    emu.inject_fault("error", status=502, methods=["sendMessage"], duration=4.5)
    for person in migraines:
        emu.user_says(person, "migraine 6/10")
    await asyncio.sleep(4.5)
    emu.inject_fault("drop", methods=["sendMessage"], duration=3.0)
    for person in headaches:
        emu.user_says(person, "headache 5/10")
    for person in [*migraines, *headaches]:
        await emu.wait_for_messages(person, 1, timeout=40)
    await drained(bot)

    assert {c.fault for c in emu.faulted_calls} == {"error", "drop"}
    for people, what in ((migraines, "Migraine 6/10"), (headaches, "Headache 5/10")):
        for person in people:
            assert await count(bot, Attack, user_id=person) == 1, person
            assert confirmations(bot, person, what) == 1, bot.texts(person)
    assert asked_again(bot, range(6100, 6112)) == []
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_replies_are_kept_through_a_long_spell_of_dropped_connections(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    people = range(6150, 6154)
    # Longer than the outbox's first pause: every reply fails twice or more, each time
    # in a way the bot cannot tell from "Telegram took it, the answer got lost".
    emu.inject_fault("drop", methods=["sendMessage"], duration=12.0)
    for person in people:
        emu.user_says(person, "migraine 6/10")
    for person in people:
        await emu.wait_for_messages(person, 1, timeout=45)
    await drained(bot)

    assert len(emu.faulted_calls) >= 2 * len(people)
    for person in people:
        assert await count(bot, Attack, user_id=person) == 1
        assert confirmations(bot, person, "Migraine 6/10") == 1, bot.texts(person)
    assert asked_again(bot, people) == []
    logs.assert_no_errors()


async def test_replies_whose_answer_was_lost_come_at_most_twice(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    people = range(6200, 6208)
    # Telegram takes each of the next four replies, but the connection drops before
    # its answer: the bot cannot know they arrived.
    unsure = emu.inject_fault("deliver_then_drop", methods=["sendMessage"], count=4)
    for person in people:
        emu.user_says(person, "migraine 7/10")
    for person in people:
        await emu.wait_for_messages(person, 1, timeout=30)
    await drained(bot)

    assert unsure.hits == 4
    shown = [confirmations(bot, person, "Migraine 7/10") for person in people]
    assert all(1 <= n <= 2 for n in shown), shown
    assert sum(n - 1 for n in shown) <= unsure.hits  # a second copy only where unsure
    for person in people:
        assert await count(bot, Attack, user_id=person) == 1
    assert asked_again(bot, people) == []
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


# --- 429 -------------------------------------------------------------------------------------


async def test_a_burst_of_ten_messages_draws_no_429_and_is_answered_in_order(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # a 429 is then counted, not a warning
    # A strict server: two messages at once to a chat, then one a second.
    emu.set_rate_limits(chat_rate=1.0, chat_burst=2)
    person = 6300
    burst = [f"mag {100 + 10 * n}" for n in range(10)]
    for text in burst:
        emu.user_says(person, text)
    await emu.wait_for_messages(person, 10, timeout=40)
    await bot.settle()

    said = bot.texts(person)
    assert len(said) == 10
    assert [f"{100 + 10 * n} mg" in text for n, text in enumerate(said)] == [True] * 10
    assert [c for c in emu.calls if c.status == 429] == []
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_a_crowd_writing_at_once_is_answered_without_a_429_from_a_small_global_burst(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # a 429 is then counted, not a warning
    # Telegram does not say how many messages a bot may send at once: a server that
    # takes a third of a second's worth (10 of its 30 a second) refuses none of the
    # replies, because the bot spends its budget evenly, not a second's worth at once.
    emu.set_rate_limits(global_burst=10)
    people = range(6400, 6460)
    for person in people:
        emu.user_says(person, "mag 200")
    for person in people:
        await emu.wait_for_messages(person, 1, timeout=30)
    await bot.settle()

    assert all("200 mg" in bot.texts(person)[0] for person in people)
    assert [c for c in emu.calls if c.status == 429] == []
    emu.assert_no_failed_calls()
    logs.assert_no_errors()


async def test_5xx_and_dropped_connections_during_a_fan_out_deliver_each_prompt_once(
    bot: Harness, emu: BotApiEmulator, logs: LogWatch
) -> None:
    people = range(6500, 6530)
    now = bot.app.bot_data.clock.now()
    async with bot.sessions.begin() as session:
        for person in people:
            emu.add_user(person)
            await users.create_user(session, person, person, now)
        await session.flush()
        await plan.insert_prompts(
            session,
            [
                {
                    "user_id": person,
                    "kind": "dose",
                    "scheduled_for": now - timedelta(seconds=1),
                    "amount_mg": 200.0,
                }
                for person in people
            ],
        )
    emu.inject_fault("error", status=503, methods=["sendMessage"], duration=5.0)
    emu.inject_fault("drop", methods=["sendMessage"], count=5)  # after the 503s: not taken
    bot.app.bot_data.scheduler.wake_at(now)  # as the commit of a new prompt does
    for person in people:
        await emu.wait_for_messages(person, 1, timeout=60)
    await bot.settle(quiet=1.0)

    assert {c.fault for c in emu.faulted_calls} == {"error", "drop"}
    assert [len(emu.messages(person)) for person in people] == [1] * len(people)
    assert all("magnesium" in said[0] for said in (bot.texts(p) for p in people))
    async with bot.sessions() as session:
        statuses = (await session.scalars(select(Prompt.status))).all()
    assert statuses == ["sent"] * len(people)
    emu.assert_no_failed_calls()
    logs.assert_no_errors()
