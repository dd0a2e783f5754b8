"""Pushing updates to a bot's webhook, retrying each until it says 2xx.

By default one POST at a time, in update order, to the URL the bot set. A test
can instead spread the POSTs round-robin over several URLs, as a load balancer
in front of several bot processes would, with several POSTs at once (as Telegram
makes up to max_connections); one chat's updates still go one at a time and in
order. Every POST is recorded (`BotState.webhook_deliveries`).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from bot.emulator.core import EmulatorCore
from bot.emulator.state import BotState, PendingUpdate, WebhookConfig, WebhookDelivery

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    """Delivers a bot's pending updates while it has a webhook set.

    Telegram keeps an update until the webhook answers 2xx and retries with a
    growing pause; the emulator does the same with short pauses (`retry_delay`,
    doubling up to `max_retry_delay`, for each update) so that tests stay fast.
    """

    def __init__(
        self,
        core: EmulatorCore,
        bot: BotState,
        session: aiohttp.ClientSession,
        *,
        retry_delay: float,
        max_retry_delay: float,
        timeout: float,
    ) -> None:
        self._core = core
        self._bot = bot
        self._session = session
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._in_flight: dict[int, PendingUpdate] = {}
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, float] = {}
        self._turn = 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        async with asyncio.TaskGroup() as deliveries:
            while True:
                hook = self._bot.webhook
                self._forget_gone()
                if hook is None or not self._bot.pending:
                    await self._core.wait_changed(3600)
                    continue
                for entry in self._next_entries(hook, loop.time()):
                    self._in_flight[id(entry)] = entry
                    deliveries.create_task(self._deliver(hook, entry))
                waits = [at - loop.time() for at in self._retry_at.values()]
                await self._core.wait_changed(max(0.001, min(waits, default=3600)))

    def _forget_gone(self) -> None:
        """Drop the retry state of updates no longer pending (confirmed or dropped)."""
        live = {id(entry) for entry in self._bot.pending}
        for state in (self._failures, self._retry_at):
            for key in [key for key in state if key not in live]:
                del state[key]

    def _next_entries(self, hook: WebhookConfig, now: float) -> list[PendingUpdate]:
        """Updates to POST now: the first pending one of each chat, up to the connection
        limit; with one connection, only the first pending update of all."""
        limit = min(hook.max_connections, self._bot.webhook_connections)
        if len(self._in_flight) >= limit:
            return []
        chosen: list[PendingUpdate] = []
        seen: set[int | str] = set()
        for entry in self._bot.pending:
            chat = entry.chat_key if limit > 1 else "all"
            if chat in seen:
                continue
            seen.add(chat)
            key = id(entry)
            if key in self._in_flight or self._retry_at.get(key, now) > now:
                continue
            chosen.append(entry)
            if len(self._in_flight) + len(chosen) >= limit:
                break
        return chosen

    def _target(self, hook: WebhookConfig) -> str:
        targets = self._bot.webhook_targets or [hook.url]
        url = targets[self._turn % len(targets)]
        self._turn += 1
        return url

    async def _deliver(self, hook: WebhookConfig, entry: PendingUpdate) -> None:
        key = id(entry)
        url = self._target(hook)
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        status: int | None = None
        error: str | None = None
        try:
            async with self._session.post(
                url, data=entry.body(), headers=headers, timeout=self._timeout
            ) as response:
                await response.read()
                status = response.status
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}"
        finally:
            self._in_flight.pop(key, None)
        self._bot.webhook_deliveries.append(
            WebhookDelivery(
                update_id=entry.update_id, url=url, status=status, error=error, at=self._core.now()
            )
        )
        if self._bot.webhook is not hook:
            self._core.notify()
            return
        if error is None:
            self._failures.pop(key, None)
            self._retry_at.pop(key, None)
            self._bot.pending = [other for other in self._bot.pending if other is not entry]
            self._core.notify()
            return
        failures = self._failures[key] = self._failures.get(key, 0) + 1
        delay = min(self._retry_delay * 2 ** (failures - 1), self._max_retry_delay)
        self._retry_at[key] = asyncio.get_running_loop().time() + delay
        hook.last_error_date = self._core.now()
        hook.last_error_message = error
        log.info("webhook delivery of update %s failed: %s", entry.update_id, error)
        self._core.notify()
