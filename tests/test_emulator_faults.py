"""The emulator's fault injection and hostile input: what a strict or broken Telegram does.

Server errors, dropped connections, answers lost after delivery, undecodable and
raw updates, stale and inaccessible buttons, and webhook delivery spread over
several bot processes: each through real HTTP, as the bot would meet it.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
import telegram
from aiohttp import web
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.emulator import BotApiEmulator

USER = 42
OTHER_USER = 43
KEYBOARD = {"inline_keyboard": [[{"text": "Took it", "callback_data": "dose:taken:1"}]]}


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator() as emulator:
        emulator.add_user(USER, first_name="Ada")
        emulator.add_user(OTHER_USER, first_name="Bo")
        yield emulator


@pytest.fixture
async def client(emu: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=emu.base_url) as http:
        yield http


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(
        emu.token, base_url=emu.api_base_url, base_file_url=emu.file_base_url
    ) as ptb_bot:
        yield ptb_bot


async def call(
    client: httpx.AsyncClient, emu: BotApiEmulator, method: str, **params: Any
) -> httpx.Response:
    return await client.post(f"/bot{emu.token}/{method}", json=params)


async def control(client: httpx.AsyncClient, action: str, expect: int = 200, **args: Any) -> Any:
    response = await client.post(f"/_emulator/{action}", json=args)
    body = response.json()
    assert response.status_code == expect, body
    return body["result"] if body["ok"] else body["description"]


# --- server errors --------------------------------------------------------------------------


async def test_the_next_calls_answer_bad_gateway_and_send_nothing(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault("error", count=2, methods=["sendMessage"])
    for _ in range(2):
        response = await call(client, emu, "sendMessage", chat_id=USER, text="hi")
        assert response.status_code == 502
        assert response.json() == {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    assert emu.messages(USER) == []
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="hi")).status_code == 200
    assert [m.plain_text for m in emu.messages(USER)] == ["hi"]
    assert [(c.status, c.fault) for c in emu.faulted_calls] == [(502, "error"), (502, "error")]
    assert emu.failed_calls == []  # an outage is not a refusal by Telegram's rules
    assert emu.faults == []  # spent


async def test_a_fault_can_answer_500_and_spares_other_methods(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault(status=500, methods=["editMessageText"])
    sent = (await call(client, emu, "sendMessage", chat_id=USER, text="a")).json()["result"]
    edit = await call(
        client, emu, "editMessageText", chat_id=USER, message_id=sent["message_id"], text="b"
    )
    assert (edit.status_code, edit.json()["description"]) == (500, "Internal Server Error")
    assert (await call(client, emu, "getMe")).status_code == 200
    [fault] = emu.faults  # no count and no duration: it stays until cleared
    assert fault.hits == 1
    emu.clear_faults()
    edit = await call(
        client, emu, "editMessageText", chat_id=USER, message_id=sent["message_id"], text="b"
    )
    assert edit.status_code == 200


async def test_a_fault_for_one_chat_spares_the_others(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault(chat_id=USER)
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="x")).status_code == 502
    other = await call(client, emu, "sendMessage", chat_id=OTHER_USER, text="x")
    assert other.status_code == 200


async def test_a_fault_for_a_time_ends_by_itself(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault(duration=0.3)
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="x")).status_code == 502
    await asyncio.sleep(0.4)
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="x")).status_code == 200


async def test_polling_goes_on_unless_get_updates_is_named(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault()  # every method but getUpdates
    emu.user_says(USER, "hello")
    polled = await call(client, emu, "getUpdates")
    assert [u["message"]["text"] for u in polled.json()["result"]] == ["hello"]
    emu.inject_fault(methods=["getUpdates"], count=1)
    assert (await call(client, emu, "getUpdates")).status_code == 502


async def test_injected_faults_refuse_nonsense(emu: BotApiEmulator) -> None:
    with pytest.raises(ValueError, match="5xx"):
        emu.inject_fault(status=400)
    with pytest.raises(ValueError):
        emu.inject_fault("explode")
    with pytest.raises(ValueError):
        emu.inject_fault(count=0)


# --- dropped connections --------------------------------------------------------------------


async def test_a_dropped_call_is_not_carried_out(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault("drop", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await call(client, emu, "sendMessage", chat_id=USER, text="lost")
    assert emu.messages(USER) == []
    [dropped] = emu.calls
    assert (dropped.method, dropped.status, dropped.fault) == ("sendMessage", 0, "drop")
    assert "dropped" in dropped.summary()


async def test_deliver_then_drop_sends_the_message_but_loses_the_answer(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    emu.inject_fault("deliver_then_drop", count=1, methods=["sendMessage"])
    with pytest.raises(httpx.RemoteProtocolError):
        await call(client, emu, "sendMessage", chat_id=USER, text="arrived")
    assert [m.plain_text for m in emu.messages(USER)] == ["arrived"]
    [call_record] = emu.calls
    assert (call_record.status, call_record.fault, call_record.ok) == (
        200,
        "deliver_then_drop",
        False,
    )


async def test_a_delayed_answer_times_out_after_the_message_was_sent(
    emu: BotApiEmulator,
) -> None:
    emu.inject_fault("deliver_then_drop", count=1, delay=1.0)
    async with httpx.AsyncClient(base_url=emu.base_url, timeout=0.2) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            await call(impatient, emu, "sendMessage", chat_id=USER, text="slow")
    assert [m.plain_text for m in emu.messages(USER)] == ["slow"]


async def test_python_telegram_bot_meets_each_fault_as_a_network_error(
    emu: BotApiEmulator, bot: telegram.Bot
) -> None:
    emu.inject_fault("error", count=1)
    with pytest.raises(NetworkError, match="Bad Gateway") as error:
        await bot.send_message(USER, "one")
    assert not isinstance(error.value, BadRequest | TimedOut)
    emu.inject_fault("drop", count=1)
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await bot.send_message(USER, "two")
    emu.inject_fault("deliver_then_drop", count=1)
    with pytest.raises(NetworkError, match="RemoteProtocolError"):
        await bot.send_message(USER, "three")
    emu.inject_fault("deliver_then_drop", count=1, delay=1.0)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "four", read_timeout=0.2)
    assert [m.plain_text for m in emu.messages(USER)] == ["three", "four"]


async def test_faults_over_http(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    fault = await control(
        client, "inject_fault", kind="error", status=503, methods="sendMessage,sendPhoto", count=3
    )
    assert fault["kind"] == "error"
    assert (fault["status"], fault["methods"], fault["remaining"]) == (
        503,
        ["sendmessage", "sendphoto"],
        3,
    )
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="x")).status_code == 503
    [listed] = await control(client, "faults")
    assert (listed["id"], listed["hits"], listed["remaining"]) == (fault["id"], 1, 2)
    [faulted] = await control(client, "calls", faulted=True)
    assert (faulted["status"], faulted["fault"]) == (503, "error")
    assert await control(client, "calls", failed=True) == []
    assert await control(client, "clear_faults", id=fault["id"]) is True
    assert await control(client, "faults") == []
    assert "5xx" in await control(client, "inject_fault", expect=400, status=404)
    await control(client, "inject_fault", kind="deliver_then_drop", count=1, duration=30)
    with pytest.raises(httpx.RemoteProtocolError):
        await call(client, emu, "sendMessage", chat_id=USER, text="y")
    assert [m.plain_text for m in emu.messages(USER)] == ["y"]


# --- updates python-telegram-bot cannot read ------------------------------------------------


async def test_an_undecodable_update_reaches_the_bot_as_it_is(
    emu: BotApiEmulator, client: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    poison = emu.inject_update({"message": {"message_id": 1, "chat": "not an object"}})
    assert poison["update_id"] == emu.next_update_id - 1
    polled = (await call(client, emu, "getUpdates")).json()["result"]
    assert polled == [poison]
    with pytest.raises(Exception) as failure:
        await bot.get_updates()
    assert not isinstance(failure.value, TelegramError)


async def test_a_raw_update_is_sent_byte_for_byte(
    emu: BotApiEmulator, client: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    emu.user_says(USER, "before")
    filed_as = emu.inject_raw_update(b'{"update_id": ' + str(emu.next_update_id).encode() + b", ")
    response = await call(client, emu, "getUpdates")
    assert response.status_code == 200
    assert response.content.endswith(b',{"update_id": ' + str(filed_as).encode() + b", ]}")
    with pytest.raises(TelegramError, match="Invalid server response"):
        await bot.get_updates()
    assert emu.updates[-1] == {"update_id": filed_as, "raw": f'{{"update_id": {filed_as}, '}


async def test_raw_updates_over_http(emu: BotApiEmulator, client: httpx.AsyncClient) -> None:
    filed = await control(client, "inject_raw_update", raw_b64=base64.b64encode(b"[1,").decode())
    update = await control(client, "inject_update", fields={"message": 5})
    assert update == {"update_id": filed + 1, "message": 5}
    assert await control(client, "next_update_id") == filed + 2
    response = await call(client, emu, "getUpdates")
    assert response.content == b'{"ok":true,"result":[[1,,{"update_id": ' + (
        str(filed + 1).encode() + b', "message": 5}]}'
    )


async def test_a_raw_update_is_redelivered_raw(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    filed = emu.inject_raw_update(f'{{"update_id": {emu.next_update_id}, "x": "\\u00e9"}}')
    first = (await call(client, emu, "getUpdates")).json()["result"]
    await call(client, emu, "getUpdates", offset=filed + 1)
    assert emu.pending_updates == []
    emu.redeliver(filed)
    again = (await call(client, emu, "getUpdates")).json()["result"]
    assert first == again == [{"update_id": filed, "x": "é"}]


async def test_a_forged_button_can_carry_bytes_that_are_not_utf8(
    emu: BotApiEmulator, client: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    sent = (
        await call(client, emu, "sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    ).json()["result"]
    with pytest.raises(LookupError, match="forged"):
        emu.press_button(USER, sent["message_id"], b"dose:\xff")
    query_id = emu.press_button(USER, sent["message_id"], b'do"se:\xff\xfe\n', forged=True)
    raw = (await call(client, emu, "getUpdates")).content
    assert b'"data": "do\\"se:\xff\xfe\\u000a"' in raw
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.id == query_id
    assert update.callback_query.data == 'do"se:\ufffd\ufffd\n'  # PTB decodes with "replace"


async def test_forged_buttons_can_be_oversized_or_hold_lone_surrogates(
    emu: BotApiEmulator, client: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    sent = (await call(client, emu, "sendMessage", chat_id=USER, text="Dose?")).json()["result"]
    emu.press_button(USER, sent["message_id"], "dose:taken:" + "9" * 200, forged=True)
    emu.press_button(USER, sent["message_id"], "dose:\ud800", forged=True)
    await control(
        client,
        "press_button",
        user_id=USER,
        message_id=sent["message_id"],
        callback_data_b64=base64.b64encode(b"\xc3\x28").decode(),
        forged=True,
    )
    long, surrogate, invalid = await bot.get_updates()
    assert long.callback_query is not None and len(long.callback_query.data or "") == 211
    assert surrogate.callback_query is not None
    with pytest.raises(UnicodeEncodeError):
        (surrogate.callback_query.data or "").encode()
    assert invalid.callback_query is not None
    assert invalid.callback_query.data == "\ufffd("


# --- stale and inaccessible buttons ---------------------------------------------------------


async def test_a_press_on_a_message_older_than_48_hours_comes_inaccessible(
    emu: BotApiEmulator, client: httpx.AsyncClient, bot: telegram.Bot
) -> None:
    sent = (
        await call(client, emu, "sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    ).json()["result"]
    emu.advance(timedelta(hours=47))
    emu.tap(USER, "Took it")
    emu.advance(timedelta(hours=2))
    emu.tap(USER, "Took it")
    recent, old = await bot.get_updates()
    assert recent.callback_query is not None and old.callback_query is not None
    assert recent.callback_query.message is not None
    assert old.callback_query.message is not None
    # PTB reads date 0 as telegram.constants.ZERO_DATE: the message is not accessible
    assert recent.callback_query.message.is_accessible
    assert not old.callback_query.message.is_accessible
    assert old.callback_query.message.message_id == sent["message_id"]
    assert old.callback_query.data == "dose:taken:1"


async def test_any_press_can_be_made_inaccessible(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    sent = (
        await call(client, emu, "sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    ).json()["result"]
    emu.press_button(USER, sent["message_id"], "dose:taken:1", inaccessible=True)
    await control(
        client,
        "press_button",
        user_id=USER,
        message_id=sent["message_id"],
        callback_data="dose:taken:1",
        inaccessible=True,
    )
    for update in emu.updates[-2:]:
        assert update["callback_query"]["message"] == {
            "chat": {"id": USER, "first_name": "Ada", "type": "private"},
            "message_id": sent["message_id"],
            "date": 0,
        }


async def test_a_press_answered_after_15_seconds_is_too_old(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    sent = (
        await call(client, emu, "sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    ).json()["result"]
    in_time = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    late = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    emu.advance(timedelta(seconds=14))
    assert (await call(client, emu, "answerCallbackQuery", callback_query_id=in_time)).is_success
    emu.advance(timedelta(seconds=2))
    refused = await call(client, emu, "answerCallbackQuery", callback_query_id=late)
    assert (refused.status_code, refused.json()["description"]) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert await control(client, "callback_query_ttl", seconds=60) == 60
    assert emu.callback_query_ttl == timedelta(seconds=60)
    again = emu.press_button(USER, sent["message_id"], "dose:taken:1")
    emu.advance(timedelta(seconds=30))
    assert (await call(client, emu, "answerCallbackQuery", callback_query_id=again)).is_success


async def test_a_deleted_or_unknown_message_cannot_be_edited_or_deleted(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    sent = (
        await call(client, emu, "sendMessage", chat_id=USER, text="Dose?", reply_markup=KEYBOARD)
    ).json()["result"]
    ids = {"chat_id": USER, "message_id": sent["message_id"]}
    assert (await call(client, emu, "deleteMessage", **ids)).is_success
    for method, extra in [
        ("editMessageText", {"text": "x"}),
        ("editMessageReplyMarkup", {"reply_markup": {"inline_keyboard": []}}),
    ]:
        for target in (ids, {"chat_id": USER, "message_id": 9999}):
            response = await call(client, emu, method, **target, **extra)
            assert (response.status_code, response.json()["description"]) == (
                400,
                "Bad Request: message to edit not found",
            )
    response = await call(client, emu, "deleteMessage", chat_id=USER, message_id=9999)
    assert response.json()["description"] == "Bad Request: message to delete not found"


# --- the per-chat flood limit ---------------------------------------------------------------


async def test_the_flood_limits_can_be_tightened_at_run_time(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    limits = await control(client, "rate_limits", chat_burst=1, chat_rate=0.5)
    assert limits == {
        "enabled": True,
        "chat_rate": 0.5,
        "chat_burst": 1,
        "global_rate": 30.0,
        "global_burst": 30.0,
    }
    assert (await call(client, emu, "sendMessage", chat_id=USER, text="1")).is_success
    refused = await call(client, emu, "sendMessage", chat_id=USER, text="2")
    assert refused.status_code == 429
    assert refused.json()["parameters"]["retry_after"] == 2  # 1 message per 2 s
    assert await control(client, "rate_limits") is True


async def test_a_bot_may_send_only_its_global_burst_at_once(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    limits = await control(client, "rate_limits", global_burst=2)
    assert (limits["global_rate"], limits["global_burst"]) == (30.0, 2.0)
    sent = [
        await call(client, emu, "sendMessage", chat_id=chat, text="1")
        for chat in (USER, OTHER_USER, USER)
    ]
    assert [response.status_code for response in sent] == [200, 200, 429]
    assert sent[2].json()["parameters"]["retry_after"] == 1


# --- webhook delivery to several processes --------------------------------------------------


class Hooks:
    """Several webhook endpoints, as several bot processes behind a load balancer."""

    def __init__(self) -> None:
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.urls: list[str] = []
        self.in_flight = 0
        self.most_at_once = 0
        self.slow = 0.0
        self.failing: set[str] = set()
        self._runners: list[web.AppRunner] = []

    async def start(self, count: int) -> None:
        for n in range(count):
            name = f"p{n}"
            self.received[name] = []
            app = web.Application()
            app.router.add_post("/hook", self._handler(name))
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self._runners.append(runner)
            self.urls.append(f"http://127.0.0.1:{runner.addresses[0][1]}/hook")

    def _handler(self, name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            if name in self.failing:
                return web.Response(status=502)
            self.in_flight += 1
            self.most_at_once = max(self.most_at_once, self.in_flight)
            try:
                update = json.loads(await request.read())
                if self.slow:
                    await asyncio.sleep(self.slow)
                self.received[name].append(update)
            finally:
                self.in_flight -= 1
            return web.Response(text="ok")

        return handle

    def all(self) -> list[dict[str, Any]]:
        return [update for updates in self.received.values() for update in updates]

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


@pytest.fixture
async def hooks() -> AsyncIterator[Hooks]:
    endpoints = Hooks()
    await endpoints.start(3)
    yield endpoints
    await endpoints.stop()


async def test_webhook_posts_go_round_robin_to_several_processes(
    emu: BotApiEmulator, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    await call(client, emu, "setWebhook", url="https://bot.example/telegram", secret_token="s")
    emu.set_webhook_targets(hooks.urls)
    sent = [emu.user_says(USER, f"m{n}")["update_id"] for n in range(6)]
    await emu.wait_for(lambda: len(hooks.all()) == 6, what="six webhook POSTs")
    assert {name: len(updates) for name, updates in hooks.received.items()} == {
        "p0": 2,
        "p1": 2,
        "p2": 2,
    }
    assert [d.update_id for d in emu.webhook_deliveries] == sent  # one at a time, in order
    assert [d.url for d in emu.webhook_deliveries] == hooks.urls * 2
    assert emu.webhook_info()["url"] == "https://bot.example/telegram"


async def test_a_failing_process_behind_the_balancer_is_skipped_on_retry(
    emu: BotApiEmulator, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    hooks.failing.add("p0")
    await call(client, emu, "setWebhook", url="https://bot.example/telegram")
    await control(client, "webhook_targets", urls=hooks.urls)
    update = emu.user_says(USER, "hello")
    await emu.wait_for(hooks.all, what="a POST that succeeds")
    assert hooks.all() == [update]
    deliveries = await control(client, "webhook_deliveries")
    assert [(d["url"], d["status"]) for d in deliveries] == [
        (hooks.urls[0], 502),
        (hooks.urls[1], 200),
    ]
    assert emu.pending_updates == []


async def test_several_connections_keep_each_chats_order(
    emu: BotApiEmulator, client: httpx.AsyncClient, hooks: Hooks
) -> None:
    hooks.slow = 0.02
    users = [100 + n for n in range(6)]
    await call(client, emu, "setWebhook", url="https://bot.example/telegram", max_connections=4)
    emu.set_webhook_targets(hooks.urls, connections=10)  # capped by max_connections
    for n in range(5):
        for user in users:
            emu.user_says(user, f"{user}:{n}")
    await emu.wait_for(lambda: len(hooks.all()) == 30, what="thirty webhook POSTs")
    assert 1 < hooks.most_at_once <= 4
    arrived: dict[int, list[str]] = {}
    for delivery in emu.webhook_deliveries:
        update = next(u for u in emu.updates if u["update_id"] == delivery.update_id)
        arrived.setdefault(update["message"]["chat"]["id"], []).append(update["message"]["text"])
    assert arrived == {user: [f"{user}:{n}" for n in range(5)] for user in users}
    emu.set_webhook_targets(None)
    with pytest.raises(ValueError):
        emu.set_webhook_targets([])


async def test_a_raw_update_goes_to_the_webhook_byte_for_byte(
    emu: BotApiEmulator, client: httpx.AsyncClient
) -> None:
    bodies: list[bytes] = []

    async def handle(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
        await call(client, emu, "setWebhook", url=url)
        emu.inject_raw_update(b'{"update_id": 1, "message": \xff}')
        await emu.wait_for(lambda: bodies, what="the raw POST")
    finally:
        await runner.cleanup()
    assert bodies == [b'{"update_id": 1, "message": \xff}']
