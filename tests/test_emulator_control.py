"""Driving the emulator over HTTP, as a test does when the bot runs in another process."""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.emulator import BotApiEmulator, tiny_png

USER = 42
KEYBOARD = {"inline_keyboard": [[{"text": "Took it", "callback_data": "dose:taken:1"}]]}


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def client(emu: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        yield http


async def control(client: httpx.AsyncClient, action: str, expect: int = 200, **args: Any) -> Any:
    response = await client.post(f"/_emulator/{action}", json=args)
    body = response.json()
    assert response.status_code == expect, body
    return body["result"] if body["ok"] else body["description"]


async def bot_api(client: httpx.AsyncClient, token: str, method: str, **params: Any) -> Any:
    response = await client.post(f"/bot{token}/{method}", json=params)
    assert response.status_code == 200, response.json()
    return response.json()["result"]


async def test_the_index_lists_the_actions(client: httpx.AsyncClient) -> None:
    body = (await client.get("/_emulator/")).json()
    assert body["ok"] is True
    assert body["result"]["bot"] == "magbot"
    assert {"user_says", "press_button", "messages", "wait_for_messages"} <= set(
        body["result"]["actions"]
    )


async def test_a_conversation_driven_over_http(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    update = await control(
        client, "user_says", user_id=USER, text="/start", date="2025-03-01T21:30:00+00:00"
    )
    assert update["message"]["text"] == "/start"
    assert update["message"]["date"] == int(datetime(2025, 3, 1, 21, 30, tzinfo=UTC).timestamp())

    [polled] = await bot_api(client, emu.token, "getUpdates")
    assert polled == update
    sent = await bot_api(
        client,
        emu.token,
        "sendMessage",
        chat_id=USER,
        text="<b>Dose?</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )

    [message] = await control(client, "messages", user_id=USER, chat_id=USER)
    assert message["message_id"] == sent["message_id"]
    assert (message["text"], message["plain_text"]) == ("<b>Dose?</b>", "Dose?")
    assert message["reply_markup"] == KEYBOARD
    assert message["deleted"] is False

    query_id = await control(client, "tap", user_id=USER, label="Took it")
    second_press = await control(
        client,
        "press_button",
        user_id=USER,
        message_id=sent["message_id"],
        callback_data="dose:taken:1",
    )
    assert isinstance(query_id, str)
    assert second_press != query_id
    await bot_api(client, emu.token, "answerCallbackQuery", callback_query_id=query_id, text="ok")
    [answer] = await control(client, "callback_answers")
    assert (answer["callback_query_id"], answer["text"]) == (query_id, "ok")
    calls = await control(client, "calls")
    assert [c["method"] for c in calls] == ["getUpdates", "sendMessage", "answerCallbackQuery"]
    assert await control(client, "calls", failed=True) == []


async def test_waiting_over_http(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    emu.add_user(USER)
    waiter = asyncio.create_task(control(client, "wait_for_messages", chat_id=USER, count=1))
    await bot_api(client, emu.token, "sendMessage", chat_id=USER, text="there")
    [message] = await waiter
    assert message["plain_text"] == "there"
    description = await control(
        client, "wait_for_messages", expect=408, chat_id=USER, count=3, timeout=0.05
    )
    assert "received 1" in description
    assert "'there'" in description


async def test_ask_says_and_waits_for_the_reply(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    async def a_bot_that_answers() -> None:
        [update] = await bot_api(client, emu.token, "getUpdates", timeout=5)
        await bot_api(
            client,
            emu.token,
            "sendMessage",
            chat_id=USER,
            text=f"you said {update['message']['text']}",
        )

    bot_task = asyncio.create_task(a_bot_that_answers())
    [reply] = await control(client, "ask", user_id=USER, text="hello", timeout=5)
    await bot_task
    assert reply["plain_text"] == "you said hello"


async def test_user_side_actions_over_http(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    user = await control(client, "add_user", user_id=USER, first_name="Ada", username="ada")
    assert user == {
        "id": USER,
        "is_bot": False,
        "first_name": "Ada",
        "username": "ada",
        "language_code": "en",
    }
    said = await control(client, "user_says", user_id=USER, text="migraine 5/10")
    message_id = said["message"]["message_id"]
    edited = await control(client, "user_edits", user_id=USER, message_id=message_id, text="7/10")
    assert edited["edited_message"]["text"] == "7/10"
    sticker = await control(client, "user_sends_sticker", user_id=USER, emoji="😵")
    assert sticker["message"]["sticker"]["emoji"] == "😵"
    png = tiny_png(5, 4)
    photo = await control(
        client, "user_sends_photo", user_id=USER, data=base64.b64encode(png).decode()
    )
    assert photo["message"]["photo"][0]["width"] == 5
    file = await bot_api(
        client, emu.token, "getFile", file_id=photo["message"]["photo"][0]["file_id"]
    )
    assert (await client.get(f"/file/bot{emu.token}/{file['file_path']}")).content == png
    redelivered = await control(client, "redeliver", update_id=said["update_id"])
    assert redelivered == said
    assert await control(client, "block", user_id=USER) is True
    updates = await control(client, "updates")
    assert updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    assert len(await control(client, "updates", pending=True)) == 6


async def test_the_clock_and_the_rate_limits_over_http(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    now = await control(client, "clock", set="2025-03-30T00:30:00+00:00", advance=3600)
    assert now == "2025-03-30T01:30:00+00:00"
    assert emu.now() == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert await control(client, "rate_limits", enabled=False) is False
    assert emu.rate_limits is False


async def test_control_errors_are_clear(client: httpx.AsyncClient) -> None:
    assert "unknown control action" in await control(client, "teleport", expect=404)
    assert "missing argument 'text'" in await control(client, "user_says", expect=400, user_id=1)
    assert "has no message 5" in await control(
        client, "press_button", expect=400, user_id=1, message_id=5, callback_data="x"
    )
    assert "no bot @nobody" in await control(
        client, "messages", expect=400, bot="nobody", chat_id=1
    )
    response = await client.post("/_emulator/user_says", content=b"[1, 2]")
    assert response.status_code == 400


async def test_another_bot_is_picked_by_username(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    other = emu.add_bot("777:OTHER-token", "otherbot")
    await control(client, "user_says", bot="otherbot", user_id=USER, text="hi other")
    assert [u["message"]["text"] for u in other.updates] == ["hi other"]
    assert emu.updates == []


async def test_the_emulator_serves_on_its_own(tmp_path: Path) -> None:
    """`python -m bot.emulator`: a separate process, driven only over HTTP."""
    command = ["-m", "bot.emulator", "--port", "0", "--token", "55:SECRET-tok"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            banner = (await process.stdout.readline()).decode()
        assert "SECRET" not in banner
        base_url = banner.split(" on ")[1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=base_url) as client:
            await control(client, "user_says", user_id=USER, text="/start")
            [update] = await bot_api(client, "55:SECRET-tok", "getUpdates")
            assert update["message"]["text"] == "/start"
            await bot_api(client, "55:SECRET-tok", "sendMessage", chat_id=USER, text="hello")
            [message] = await control(client, "messages", chat_id=USER)
            assert message["plain_text"] == "hello"
    finally:
        process.terminate()
        _, stderr = await process.communicate()
    assert process.returncode == 0
    assert b"SECRET" not in stderr


async def test_a_person_cannot_send_more_than_telegram_takes(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.user_says(USER, "x" * 4096)
    emu.user_says(USER, "😀" * 2048)
    with pytest.raises(ValueError, match=r"at most 4096 characters .*; this one has 4098"):
        emu.user_says(USER, "😀" * 2049)
    refused = await control(client, "user_says", expect=400, user_id=USER, text="x" * 4097)
    assert "at most 4096 characters" in refused and "has 4097" in refused
    assert len(emu.pending_updates) == 2
