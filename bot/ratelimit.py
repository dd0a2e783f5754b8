"""One sending budget for the bot, plus a gentle one per private chat.

PTB's AIORateLimiter keeps the bot under its global limit (and per group), and
waits out a 429 instead of dropping the message. Telegram also asks bots not to
send more than about one message a second to one person; AIORateLimiter does
not limit private chats, so a burst of replies (a fast typist, a script) would
draw 429s. This adds a small leaky bucket per private chat for the send methods.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

# Two messages at once, then a little under one a second: inside Telegram's
# "about 1 message/s per chat" with room for timing jitter.
CHAT_BURST = 2
CHAT_PERIOD = 2.5
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation", "sendVoice"}
)
_PRUNE_AT = 5000


class BotRateLimiter(AIORateLimiter):
    def __init__(self, *, overall_max_rate: float, max_retries: int) -> None:
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self._chat_limiters: dict[int, AsyncLimiter] = {}
        self.in_flight = 0  # requests waiting for their turn or being sent

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chat_limiters) >= _PRUNE_AT:
            # forget chats whose bucket has drained; they start afresh
            self._chat_limiters = {
                cid: lim
                for cid, lim in self._chat_limiters.items()
                if not lim.has_capacity(CHAT_BURST)
            }
        limiter = self._chat_limiters.get(chat_id)
        if limiter is None:
            limiter = self._chat_limiters[chat_id] = AsyncLimiter(CHAT_BURST, CHAT_PERIOD)
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id: int | None = None
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(data.get("chat_id"))  # type: ignore[arg-type]
        self.in_flight += 1
        try:
            if chat_id is None or chat_id < 0 or endpoint not in SEND_METHODS:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        finally:
            self.in_flight -= 1
