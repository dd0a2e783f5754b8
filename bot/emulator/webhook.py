"""Pushing updates to a bot's webhook, one at a time and in order, retrying until it says 2xx."""

from __future__ import annotations

import asyncio
import logging

import aiohttp

from bot.emulator.core import EmulatorCore
from bot.emulator.state import BotState

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookSender:
    """Delivers a bot's pending updates while it has a webhook set.

    Telegram keeps an update until the webhook answers 2xx and retries with a
    growing pause; the emulator does the same with short pauses (`retry_delay`,
    doubling up to `max_retry_delay`) so that tests stay fast.
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

    async def run(self) -> None:
        delay = self._retry_delay
        while True:
            hook = self._bot.webhook
            if hook is None or not self._bot.pending:
                await self._core.wait_changed(3600)
                continue
            entry = self._bot.pending[0]
            headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
            error: str | None = None
            try:
                async with self._session.post(
                    hook.url, json=entry.update, headers=headers, timeout=self._timeout
                ) as response:
                    await response.read()
                    if not 200 <= response.status < 300:
                        error = (
                            f"Wrong response from the webhook: {response.status} {response.reason}"
                        )
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}"
            if self._bot.webhook is not hook:
                continue
            if error is None:
                delay = self._retry_delay
                self._bot.pending = [other for other in self._bot.pending if other is not entry]
                self._core.notify()
                continue
            hook.last_error_date = self._core.now()
            hook.last_error_message = error
            log.info("webhook delivery of update %s failed: %s", entry.update_id, error)
            self._core.notify()
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._max_retry_delay)
