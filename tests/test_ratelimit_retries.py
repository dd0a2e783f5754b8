"""Bot API requests are retried when that cannot double a message, and only then.

python-telegram-bot with the bot's rate limiter, against the emulator with
injected server errors and broken connections; through the bot's own HTTP client
(aiohttp, bot.transport) and PTB's default one (httpx), which tell a request that
never left from one that may have arrived by different errors.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ExtBot

from bot.emulator import BotApiEmulator
from bot.ratelimit import BotRateLimiter, resend_if_unsure
from bot.transport import AiohttpRequest

USER = 42


def _limiter(attempts: int = 4) -> BotRateLimiter:
    # Tiny pauses: the policy is under test, not the clock.
    return BotRateLimiter(
        overall_max_rate=30, max_retries=3, retry_attempts=attempts, retry_wait=0.01
    )


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        emulator.add_user(USER)
        yield emulator


# the client's name, and how it names an error where no connection could be made
CLIENTS = {"aiohttp": "ClientConnectorError", "httpx": "ConnectError"}


@pytest.fixture(params=list(CLIENTS))
def client(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _request(client: str) -> AiohttpRequest | None:
    return AiohttpRequest() if client == "aiohttp" else None  # None: PTB's default


@pytest.fixture
async def bot(emu: BotApiEmulator, client: str) -> AsyncIterator[ExtBot[None]]:
    async with ExtBot(
        emu.token, base_url=emu.api_base_url, rate_limiter=_limiter(), request=_request(client)
    ) as ext:
        yield ext


def _limiter_of(bot: ExtBot[None]) -> BotRateLimiter:
    limiter = bot.rate_limiter
    assert isinstance(limiter, BotRateLimiter)
    return limiter


def _sends(emu: BotApiEmulator) -> list[int]:
    return [call.status for call in emu.calls if call.method == "sendMessage"]


async def test_a_send_answered_with_5xx_is_sent_again(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    emu.inject_fault("error", count=2, methods=["sendMessage"])
    sent = await bot.send_message(USER, "saved: migraine 7/10")
    assert [m.message_id for m in emu.messages(USER)] == [sent.message_id]
    assert _sends(emu) == [502, 502, 200]
    assert _limiter_of(bot).retries == 2


async def test_the_retries_are_bounded(emu: BotApiEmulator, bot: ExtBot[None]) -> None:
    emu.inject_fault("error", status=500, methods=["sendMessage"])
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "x")
    assert _sends(emu) == [500] * 4
    assert emu.messages(USER) == []
    assert _limiter_of(bot).in_flight == 0


async def test_a_send_whose_connection_broke_is_not_sent_twice(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    # The message arrived, the answer did not: the bot cannot tell, so it must not resend.
    emu.inject_fault("deliver_then_drop", count=1, methods=["sendMessage"])
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "once")
    assert [m.plain_text for m in emu.messages(USER)] == ["once"]
    assert _limiter_of(bot).retries == 0
    # A dropped request that was never carried out looks the same to the bot.
    emu.inject_fault("drop", count=1, methods=["sendMessage"])
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "lost")
    assert [m.plain_text for m in emu.messages(USER)] == ["once"]


async def test_a_send_that_timed_out_after_delivery_is_not_sent_twice(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    emu.inject_fault("deliver_then_drop", count=1, methods=["sendMessage"], delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "slow", read_timeout=0.2)
    assert [m.plain_text for m in emu.messages(USER)] == ["slow"]
    assert _sends(emu) == [200]


async def test_a_caller_can_accept_a_duplicate_rather_than_a_loss(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    emu.inject_fault("deliver_then_drop", count=1, methods=["sendMessage"])
    with resend_if_unsure():
        await bot.send_message(USER, "Time for your dose (in case this didn't reach you)")
    assert len(emu.messages(USER)) == 2  # the documented price of opting in
    emu.inject_fault("drop", count=1, methods=["sendMessage"])
    with resend_if_unsure():
        await bot.send_message(USER, "dropped before delivery")
    assert len(emu.messages(USER)) == 3
    # Outside the block the default holds again.
    emu.inject_fault("drop", count=1, methods=["sendMessage"])
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "x")


async def test_repeatable_methods_are_retried_after_a_broken_connection(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    emu.inject_fault("drop", count=2, methods=["sendChatAction", "setMyCommands"])
    assert await bot.send_chat_action(USER, "typing") is True
    assert await bot.set_my_commands([("summary", "your summary")]) is True
    assert [a.action for a in emu.chat_actions] == ["typing"]


async def test_an_edit_whose_connection_broke_is_left_to_the_caller(
    emu: BotApiEmulator, bot: ExtBot[None]
) -> None:
    sent = await bot.send_message(USER, "Dose?")
    emu.inject_fault("deliver_then_drop", count=1, methods=["editMessageText"])
    with pytest.raises(NetworkError):
        await bot.edit_message_text("Logged", chat_id=USER, message_id=sent.message_id)
    # Repeating it would have drawn "message is not modified"; it was not repeated.
    assert [c.method for c in emu.calls].count("editMessageText") == 1
    assert emu.last_message(USER).plain_text == "Logged"


async def test_refusals_are_not_retried(emu: BotApiEmulator, bot: ExtBot[None]) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(USER + 1, "to nobody")
    assert _sends(emu) == [400]
    assert _limiter_of(bot).retries == 0


async def test_a_refused_connection_is_retried_then_reported(client: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nothing listens there
    limiter = _limiter(attempts=3)
    unreachable = ExtBot(
        "123:ABC",
        base_url=f"http://127.0.0.1:{port}/bot",
        rate_limiter=limiter,
        request=_request(client),
    )
    try:
        with pytest.raises(NetworkError, match=CLIENTS[client]):
            await unreachable.initialize()  # its getMe: tried three times
        assert limiter.retries == 2
        with pytest.raises(NetworkError, match=CLIENTS[client]):
            await unreachable.send_message(USER, "x")  # a send that never left: also retried
        assert limiter.retries == 4
    finally:
        await unreachable.shutdown()
    assert limiter.in_flight == 0


async def test_a_429_is_still_waited_out(
    emu: BotApiEmulator, bot: ExtBot[None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB 22 warns when it builds a RetryAfter
    emu.set_rate_limits(chat_burst=1, chat_rate=5)
    first = await bot.send_message(USER, "1")
    second = await bot.send_message(USER, "2")
    assert second.message_id == first.message_id + 1
    assert 429 in _sends(emu)
    assert _limiter_of(bot).retries == 0  # the 429 was AIORateLimiter's, not a retry
