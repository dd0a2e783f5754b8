"""The emulator as an HTTP server that speaks the Bot API, on 127.0.0.1 by default.

The bot under test talks to it exactly as to api.telegram.org:
`{base_url}/bot<token>/<method>` and `{base_url}/file/bot<token>/<file_path>`.
Tests and the demo use the same object in-process (it is a `BotControl`), or
its JSON control endpoints under `/_emulator/` from another process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator.control import BotControl
from bot.emulator.control_http import add_control_routes
from bot.emulator.core import EmulatorCore, SupportsNow
from bot.emulator.errors import ApiError
from bot.emulator.faults import FaultKind
from bot.emulator.media import guess_mime_type
from bot.emulator.methods import Described, lookup
from bot.emulator.params import Params, read_params
from bot.emulator.state import BotState, JsonText
from bot.emulator.webhook import WebhookSender

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 60 * 1024 * 1024


class BotApiEmulator(BotControl):
    """A local Telegram Bot API for one or more bots; controls its first bot directly.

    ```
    async with BotApiEmulator() as emu:
        bot = telegram.Bot(emu.token, base_url=emu.api_base_url,
                           base_file_url=emu.file_base_url)
        emu.user_says(42, "/start")
    ```
    """

    def __init__(
        self,
        *,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "magbot",
        bot_first_name: str = "Magbot",
        rate_limits: bool = True,
        global_rate: float = 30.0,
        chat_rate: float = 1.0,
        chat_burst: int = 3,
        strict_html_entities: bool = True,
        clock: SupportsNow | None = None,
        callback_query_ttl: timedelta = timedelta(seconds=15),
        webhook_retry_delay: float = 0.05,
        webhook_max_retry_delay: float = 2.0,
        webhook_timeout: float = 10.0,
        first_update_id: int = 1,
    ) -> None:
        """`first_update_id`: Telegram's ids go on growing across bot restarts; a bot that
        remembers handled ids (to drop redeliveries) needs a new emulator to start above them.

        `callback_query_ttl`: how long after a press answerCallbackQuery is still taken
        (Telegram's clients stop waiting after about 15 s and the query expires).
        """
        core = EmulatorCore(
            rate_limits=rate_limits,
            global_rate=global_rate,
            chat_rate=chat_rate,
            chat_burst=chat_burst,
            strict_html_entities=strict_html_entities,
            clock=clock,
            callback_query_ttl=callback_query_ttl,
            first_update_id=first_update_id,
        )
        super().__init__(core, core.add_bot(token, bot_username, bot_first_name))
        self._webhook_options: dict[str, float] = {
            "retry_delay": webhook_retry_delay,
            "max_retry_delay": webhook_max_retry_delay,
            "timeout": webhook_timeout,
        }
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._base_url: str | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the emulator is already running")
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self)
        # access_log=None: an access log line would contain the path, and so the token.
        runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1] if runner.addresses else port
        shown_host = f"[{host}]" if ":" in host else host
        self._base_url = f"http://{shown_host}:{bound_port}"
        self._core.closing = False
        self._session = aiohttp.ClientSession()
        for bot in self._core.bots.values():
            self._start_sender(bot)
        log.info("Bot API emulator listening on %s", self._base_url)

    async def stop(self) -> None:
        if self._runner is None:
            return
        self._core.closing = True
        self._core.notify()
        for task in self._senders.values():
            task.cancel()
        for task in self._senders.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._senders.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._runner.cleanup()
        self._runner = None
        self._base_url = None

    async def __aenter__(self) -> BotApiEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """The server root, e.g. "http://127.0.0.1:43117" (what MAGBOT_API_BASE_URL takes)."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running; await start() first")
        return self._base_url

    @property
    def api_base_url(self) -> str:
        """`base_url` for python-telegram-bot's Bot/ApplicationBuilder (it appends the token)."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        """`base_file_url` for python-telegram-bot (it appends the token)."""
        return f"{self.base_url}/file/bot"

    # --- more bots --------------------------------------------------------------------------

    def add_bot(self, token: str, username: str, first_name: str | None = None) -> BotControl:
        """Serve one more bot token; returns its control."""
        bot = self._core.add_bot(token, username, first_name)
        if self._session is not None:
            self._start_sender(bot)
        return BotControl(self._core, bot)

    def bot(self, token: str) -> BotControl:
        """The control of the bot with this token."""
        return BotControl(self._core, self._core.bots[token])

    def bot_named(self, username: str) -> BotControl:
        for bot in self._core.bots.values():
            if bot.username == username:
                return BotControl(self._core, bot)
        raise LookupError(f"no bot @{username}")

    def _start_sender(self, bot: BotState) -> None:
        assert self._session is not None
        sender = WebhookSender(
            self._core,
            bot,
            self._session,
            retry_delay=self._webhook_options["retry_delay"],
            max_retry_delay=self._webhook_options["max_retry_delay"],
            timeout=self._webhook_options["timeout"],
        )
        self._senders[bot.token] = asyncio.create_task(
            sender.run(), name=f"emulator-webhook-{bot.username}"
        )

    # --- HTTP -------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        bot = self._core.bots.get(request.match_info["token"])
        if bot is None:
            return _error_response(ApiError(401, "Unauthorized"))
        requested = request.match_info["method"]
        found = lookup(requested)
        name = found[0] if found else requested
        params = Params({})
        try:
            params = await read_params(request)
        except web.HTTPRequestEntityTooLarge:
            error = ApiError(413, "Request Entity Too Large")
            self._core.record_call(bot, name, params.as_record(), error)
            return _error_response(error)
        except ApiError as error:
            self._core.record_call(bot, name, params.as_record(), error)
            return _error_response(error)
        fault = bot.faults.strike(name, _chat_id(params))
        if fault is not None and fault.kind is not FaultKind.DELIVER_THEN_DROP:
            # The request never reaches Telegram proper: nothing is carried out.
            if fault.delay:
                await asyncio.sleep(fault.delay)
            self._core.record_call(bot, name, params.as_record(), None, fault=fault)
            if fault.kind is FaultKind.DROP:
                return _drop(request)
            return _error_response(ApiError(fault.status, fault.description))
        try:
            if found is None:
                raise ApiError(404, "Not Found")
            result = await found[1](self._core, bot, params)
        except ApiError as error:
            self._core.record_call(bot, name, params.as_record(), error, fault=fault)
            if fault is not None:
                return await _drop_after(request, fault.delay)
            return _error_response(error)
        except Exception:
            log.exception("the emulator failed on %s", name)
            failure = ApiError(500, "Internal Server Error: the emulator failed, see its log")
            self._core.record_call(bot, name, params.as_record(), failure)
            return _error_response(failure)
        self._core.record_call(bot, name, params.as_record(), None, fault=fault)
        if fault is not None:
            return await _drop_after(request, fault.delay)
        body: dict[str, Any] = {"ok": True}
        if isinstance(result, Described):
            body["result"] = result.result
            body["description"] = result.description
        elif isinstance(result, list) and any(isinstance(item, JsonText) for item in result):
            return _raw_result(result)
        else:
            body["result"] = result
        return web.json_response(body)

    async def _handle_file(self, request: web.Request) -> web.Response:
        bot = self._core.bots.get(request.match_info["token"])
        if bot is None:
            return _error_response(ApiError(401, "Unauthorized"))
        path = request.match_info["path"]
        for stored in bot.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.data, content_type=guess_mime_type(path, stored.data)
                )
        return _error_response(ApiError(404, "Not Found"))


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.status)


def _chat_id(params: Params) -> int | None:
    try:
        return params.integer("chat_id")
    except ApiError:
        return None  # the method will refuse it; a fault only needs to know the chat


def _drop(request: web.Request) -> web.Response:
    """Close the connection without an answer; the client sees it break mid-request."""
    if request.transport is not None:
        request.transport.close()
    return web.Response(status=500)  # never written: the connection is gone


async def _drop_after(request: web.Request, delay: float) -> web.Response:
    if delay:
        await asyncio.sleep(delay)
    return _drop(request)


def _raw_result(result: list[Any]) -> web.Response:
    """A successful answer whose result array holds updates injected as raw bytes."""
    parts = [
        item.data if isinstance(item, JsonText) else json.dumps(item).encode() for item in result
    ]
    body = b'{"ok":true,"result":[' + b",".join(parts) + b"]}"
    return web.Response(body=body, content_type="application/json")
