"""Updates in: each one stored in the inbox before Telegram is told it arrived.

Polling: getUpdates is asked for the next batch with `offset` = the last stored
id + 1, which is what confirms the batch to Telegram, so an update is confirmed
only once it is in the database; a batch that could not be stored is fetched
again. Updates are read as plain JSON here: one that python-telegram-bot could
not decode is stored like any other and set aside by the worker, instead of
stopping the fetch loop for everyone.

Webhook: the endpoint checks Telegram's secret header, stores the update and
answers 200; if the database is down it answers 503 so Telegram delivers again.

While the database is away, each person whose update could not be stored is told
so once, and their message is handled when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage.queries import inbox

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
POLL_TIMEOUT = 25  # seconds a getUpdates call waits for news
RETRY_PAUSE = 1.0  # seconds after a failed fetch or store, doubling to 30 s
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Unreachable = Callable[[Sequence[dict[str, Any]]], Awaitable[None]]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def chat_of(raw: dict[str, Any]) -> int:
    """The chat an update belongs to (its order lane); 0 when it names none."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        message = raw.get(key)
        if isinstance(message, dict):
            chat = message.get("chat")
            if isinstance(chat, dict) and (chat_id := _int(chat.get("id"))) is not None:
                return chat_id
    query = raw.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            chat_id = _int(message["chat"].get("id"))
            if chat_id is not None:
                return chat_id
        sender = query.get("from")
        if isinstance(sender, dict) and (chat_id := _int(sender.get("id"))) is not None:
            return chat_id
    return 0


class Intake:
    """Stores updates in the inbox and wakes this process's workers."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        wake: asyncio.Event,
        on_unreachable: Unreachable | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.wake = wake
        self.on_unreachable = on_unreachable

    async def store(self, raw_updates: Sequence[dict[str, Any]]) -> int:
        """Store a batch; raises if the database can't take it (nothing is confirmed then)."""
        rows = [
            (update_id, chat_of(raw), raw)
            for raw in raw_updates
            if (update_id := _int(raw.get("update_id"))) is not None
        ]
        async with self.sessions.begin() as session:
            stored = await inbox.store(session, rows, self.clock.now())
        if stored:
            self.wake.set()
        return stored

    async def store_or_report(self, raw_updates: Sequence[dict[str, Any]]) -> bool:
        """`store`, telling the people concerned when the database is away; True if stored."""
        try:
            await self.store(raw_updates)
        except Exception as exc:  # the database is away (or refusing): keep them at Telegram
            log.warning("could not store %d updates: %s", len(raw_updates), type(exc).__name__)
            if self.on_unreachable is not None:
                try:
                    await self.on_unreachable(raw_updates)
                except Exception as tell:
                    log.warning(
                        "could not tell people the database is away: %s", type(tell).__name__
                    )
            return False
        return True


class Poller:
    """getUpdates in a loop, confirming each batch only once it is stored."""

    def __init__(self, api_root: str, token: str, intake: Intake) -> None:
        self.url = f"{api_root}/bot{token}/getUpdates"
        self.intake = intake
        self.offset: int | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="magbot-poller")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            await self._confirm()

    async def _confirm(self) -> None:
        """Tell Telegram the stored batch arrived (a restart would refetch it otherwise)."""
        if self.offset is None:
            return
        body = {"offset": self.offset, "timeout": 0, "limit": 1}
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as client,
                client.post(self.url, json=body) as response,
            ):
                await response.read()
        except (aiohttp.ClientError, TimeoutError):
            pass  # a redelivery is stored once anyway

    async def _run(self) -> None:
        pause = RETRY_PAUSE
        timeout = aiohttp.ClientTimeout(total=POLL_TIMEOUT + 15)
        async with aiohttp.ClientSession(timeout=timeout) as client:
            while not self._stopping.is_set():
                batch = await self._fetch(client)
                if batch is None:
                    await self._wait(pause)
                    pause = min(30.0, pause * 2)
                    continue
                if not batch:
                    pause = RETRY_PAUSE
                    continue
                if not await self.intake.store_or_report(batch):
                    await self._wait(pause)
                    pause = min(30.0, pause * 2)
                    continue
                pause = RETRY_PAUSE
                ids = [uid for raw in batch if (uid := _int(raw.get("update_id"))) is not None]
                if ids:
                    self.offset = max(ids) + 1

    async def _fetch(self, client: aiohttp.ClientSession) -> list[dict[str, Any]] | None:
        """The next batch (maybe empty); None when the call failed."""
        body: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": list(ALLOWED_UPDATES)}
        if self.offset is not None:
            body["offset"] = self.offset
        try:
            async with client.post(self.url, json=body) as response:
                content = await response.read()
            # Not response.json(): one button pressed in a modified client can carry bytes
            # that are not UTF-8 into the batch, and a batch that never decodes would be
            # fetched again forever, for everyone. Read them as python-telegram-bot does.
            answer = json.loads(content.decode("utf-8", "replace"))
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("getUpdates failed: %s", type(exc).__name__)
            return None
        if not isinstance(answer, dict) or not answer.get("ok"):
            code = answer.get("error_code") if isinstance(answer, dict) else None
            log.warning("getUpdates refused (%s)", code)
            return None
        result = answer.get("result")
        if not isinstance(result, list):
            return None
        return [raw for raw in result if isinstance(raw, dict)]

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)


def webhook_app(intake: Intake, secret: str, path: str = "/telegram") -> web.Application:
    """The webhook endpoint: secret checked, update stored, 200 at once."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403)
        try:
            raw = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        if not isinstance(raw, dict) or _int(raw.get("update_id")) is None:
            return web.Response(status=400)
        if not await intake.store_or_report([raw]):
            return web.Response(status=503)  # Telegram delivers it again later
        return web.Response(status=200)

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    return app
