"""One sending budget for the bot, a gentle one per private chat, and bounded retries.

PTB's AIORateLimiter keeps the bot under its global limit (and per group), and
waits out a 429 instead of dropping the message. Its budget is spent evenly here:
at most a quarter of a second's worth at once (`SMOOTH_WITHIN`), not a whole
second's. Requests leave at the pace allowed but reach the Bot API bunched by
whatever delays them on the way (a busy event loop, the network); Telegram's own
burst is not published, and a second's worth sent at once left no room for that
bunching (429s from the emulator, whose bucket holds a second's worth).

Telegram also asks bots not to send more than about one message a second to one
person; AIORateLimiter does not limit private chats, so a burst of replies (a
fast typist, a script) would draw 429s. This adds a small leaky bucket per
private chat for the send methods.

Retries. A request that fails on the way is tried again, up to `retry_attempts`
tries in all, with growing jittered pauses (`retry_wait` doubling up to
`retry_max_wait`), when trying again cannot double anything:

- the Bot API answered with an error status other than its refusals (400, 401,
  403, 404, 409) and 429s (which AIORateLimiter waits out): a 5xx means the
  request was not carried out;
- no connection could be made (refused, connect timeout, no free connection in
  the pool): the request never left.

When the request may already have been carried out (the answer timed out, or the
connection broke after the request was written), trying again could deliver a
message twice. Such a failure is retried only for methods that are harmless to
repeat (`REPEATABLE_METHODS`: reading things, setting commands or the webhook, a
chat action), or inside `resend_if_unsure()`, for a send where a duplicate is
better than nothing. Everything else (sends, edits, deletions, callback answers:
a repeated edit or answer is refused as "not modified" or "query is too old")
raises the NetworkError / TimedOut to the caller, which knows what it was doing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextvars import ContextVar
from typing import Any

import aiohttp
import httpx
from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from bot import transport

log = logging.getLogger(__name__)

# Two messages at once, then a little under one a second: inside Telegram's
# "about 1 message/s per chat" with room for timing jitter.
CHAT_BURST = 2
CHAT_PERIOD = 2.5
# The whole bot's budget, spent evenly: what may go out at once is this many seconds' worth.
SMOOTH_WITHIN = 0.25
SEND_METHODS = frozenset(
    {"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup", "sendAnimation", "sendVoice"}
)
# Methods whose repetition leaves the same state and gets the same answer.
REPEATABLE_METHODS = frozenset(
    {
        "getMe",
        "getChat",
        "getFile",
        "getWebhookInfo",
        "setWebhook",
        "deleteWebhook",
        "getMyCommands",
        "setMyCommands",
        "deleteMyCommands",
        "getChatMenuButton",
        "setChatMenuButton",
        "getMyName",
        "setMyName",
        "getMyDescription",
        "setMyDescription",
        "getMyShortDescription",
        "setMyShortDescription",
        "sendChatAction",
    }
)
# The request cannot have reached the Bot API (through the bot's aiohttp client, or
# PTB's default httpx one).
_NOT_SENT: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    *transport.NOT_SENT,
)
_HTTP_ERRORS = (httpx.HTTPError, aiohttp.ClientError, TimeoutError)
_PRUNE_AT = 5000

_resend_if_unsure: ContextVar[bool] = ContextVar("magbot_resend_if_unsure", default=False)


@contextlib.contextmanager
def resend_if_unsure() -> Iterator[None]:
    """Retry sends in this block also when they may have arrived: a duplicate is accepted.

    For a message whose loss is worse than a second copy (a prompt worded so that a
    repeat reads naturally). Only the calls made in this task, inside the block.
    """
    token = _resend_if_unsure.set(True)
    try:
        yield
    finally:
        _resend_if_unsure.reset(token)


def may_have_arrived(error: BaseException) -> bool | None:
    """For a failed Bot API request: True if it may have been carried out, False if it
    surely was not (and may be retried), None if it is not a failure to retry at all."""
    if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
        return None  # a refusal, a flood wait, or not a Telegram error: retrying won't help
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):
        return False
    if isinstance(cause, _HTTP_ERRORS):
        return True  # read/write timeout, connection dropped or reset mid-request
    # No cause (or an unreadable body): the server answered with an error status, so it
    # did not carry the request out. Anything else failed somewhere unknown.
    return not (cause is None or isinstance(cause, TelegramError))


class BotRateLimiter(AIORateLimiter):
    def __init__(
        self,
        *,
        overall_max_rate: float,
        max_retries: int,
        retry_attempts: int = 4,
        retry_wait: float = 0.5,
        retry_max_wait: float = 4.0,
    ) -> None:
        """`max_retries`: 429s waited out per request (AIORateLimiter's own);
        `retry_attempts`: tries in all for a request that fails on the way."""
        super().__init__(overall_max_rate=overall_max_rate, max_retries=max_retries)
        self.set_overall_rate(overall_max_rate)
        if retry_attempts < 1:
            raise ValueError("retry_attempts counts the first try: at least 1")
        self._chat_limiters: dict[int, AsyncLimiter] = {}
        self._retry_attempts = retry_attempts
        self._retry_wait = retry_wait
        self._retry_max_wait = retry_max_wait
        self.in_flight = 0  # requests waiting for their turn, being sent, or backing off
        self.retries = 0  # requests sent again after a failure on the way

    def set_overall_rate(self, rate: float) -> None:
        """A new budget for the whole bot (when the processes sharing the token change),
        `rate` messages a second, at most `SMOOTH_WITHIN` seconds' worth at once."""
        burst = max(1.0, rate * SMOOTH_WITHIN)
        self._base_limiter = AsyncLimiter(max_rate=burst, time_period=burst / rate)

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

    def _retryable(self, endpoint: str, resend: bool) -> Callable[[BaseException], bool]:
        def check(error: BaseException) -> bool:
            arrived = may_have_arrived(error)
            if arrived is None:
                return False
            return not arrived or resend or endpoint in REPEATABLE_METHODS

        return check

    def _log_retry(self, endpoint: str) -> Callable[[RetryCallState], None]:
        def before_sleep(state: RetryCallState) -> None:
            self.retries += 1
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            # NetworkError messages describe the connection or the status, not the request.
            log.warning(
                "%s failed (%s: %s); try %d of %d in %.1f s",
                endpoint,
                type(error).__name__,
                error,
                state.attempt_number + 1,
                self._retry_attempts,
                wait,
            )

        return before_sleep

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
        paced = chat_id is not None and chat_id > 0 and endpoint in SEND_METHODS
        charge = paced  # whether the next try takes a place in the chat's pace

        async def once() -> Any:
            nonlocal charge
            try:
                if not charge:
                    return await super(BotRateLimiter, self).process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
                assert chat_id is not None
                async with self._chat_limiter(chat_id):
                    return await super(BotRateLimiter, self).process_request(
                        callback, args, kwargs, endpoint, data, rate_limit_args
                    )
            except NetworkError as error:
                # A try the Bot API surely did not carry out sent nothing to the chat.
                charge = paced and may_have_arrived(error) is not False
                raise

        retrying = AsyncRetrying(
            retry=retry_if_exception(self._retryable(endpoint, _resend_if_unsure.get())),
            stop=stop_after_attempt(self._retry_attempts),
            # retry_wait, 2 x, 4 x ... up to retry_max_wait, plus up to retry_wait of jitter
            wait=wait_exponential(multiplier=self._retry_wait, max=self._retry_max_wait)
            + wait_random(0, self._retry_wait),
            before_sleep=self._log_retry(endpoint),
            reraise=True,
        )
        self.in_flight += 1
        try:
            return await retrying(once)
        finally:
            self.in_flight -= 1
