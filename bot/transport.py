"""The bot's HTTP client for the Bot API: aiohttp, behind python-telegram-bot's `BaseRequest`.

PTB's default client (httpx) cost about a sixth of the CPU a check-in takes in
bench/throughput.py; aiohttp, already the webhook server's library, does the same
requests for about a third of that (check-ins/s +18 % on the same machine).

Failures reach the bot as PTB's errors, with aiohttp's as their cause, so the
rate limiter can tell a request that never left (`NOT_SENT`) from one that may
have been carried out (bot.ratelimit). aiohttp has no write timeout of its own:
a request's whole time is bounded by the sum of its timeouts instead, so a body
that can't be written does not hang the send.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)

# What PTB passes for a timeout the caller did not set.
_DEFAULT = type(BaseRequest.DEFAULT_NONE)

# The request surely did not reach the Bot API: no connection was made (refused, no
# route, connect timeout, or no free connection in the pool in time).
NOT_SENT: tuple[type[BaseException], ...] = (
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
)


class AiohttpRequest(BaseRequest):
    """Bot API requests over one aiohttp session, opened by `initialize`."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 256,
        read_timeout: float = 5.0,
        write_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        pool_timeout: float = 1.0,
        media_read_timeout: float = 20.0,
    ) -> None:
        """PTB's defaults; `media_read_timeout` for uploads (charts, PDFs), read and write."""
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_read_timeout = media_read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = _given(read_timeout, self._media_read_timeout if files else self._read_timeout)
        write = _given(write_timeout, self._media_read_timeout if files else self._write_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=None if None in parts else sum(p for p in parts if p is not None),
            # aiohttp's `connect` spans the wait for a pooled connection and a new one's connect
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                body = await response.read()
        except TimeoutError as err:  # aiohttp's connect and read timeouts are TimeoutErrors
            raise TimedOut(f"aiohttp.{type(err).__name__}: {err}") from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err
        # the method, never the URL (it holds the token) nor the parameters
        log.debug("Bot API %s: %d", url.rpartition("/")[2], response.status)
        return response.status, body


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, _DEFAULT) else value  # type: ignore[return-value]


def _body(request_data: RequestData | None) -> Any:
    """The form PTB's httpx client would send: url-encoded, or multipart with files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields or None
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, *rest = part
        form.add_field(
            name,
            content,
            filename=filename,
            content_type=rest[0] if rest else "application/octet-stream",
        )
    return form
