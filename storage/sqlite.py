"""SQLite on the event loop's own thread: aiosqlite's connection, without its thread hop.

aiosqlite runs each call (open a cursor, execute, fetch, close it, commit) on a
thread of its own and hands the result back through the event loop: four or
five crossings per statement, each a wake-up of that thread, a wake-up of the
loop and a turn of the GIL. A check-in is eight statements. Measured with
`bench/throughput.py`, the crossings cost about a sixth of the bot's CPU
and about a third of its throughput; SQLite's own work for such a statement, in
WAL mode without a sync per commit, takes microseconds.

So `InlineConnection` is aiosqlite's `Connection` with its queue replaced by a
direct call: SQLAlchemy's aiosqlite dialect drives it as it drives aiosqlite
(same cursor, same errors, same awaitables), and every call runs at once on
the loop's thread. What that costs: a call that waits inside SQLite waits on
the loop. Within this process nothing waits (one pooled connection takes the
transactions in turn, and WAL readers never wait); a second process writing
the same file (a `magbot` command run beside the bot) can hold the loop up to
the busy timeout, where before it held only the updates waiting for the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url


class _Direct:
    """Stands in for aiosqlite's queue to its thread (SQLAlchemy's dialect puts a call
    there directly to set the isolation level): runs the call now, answers its future."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as exc:
            if future is not None and not future.done():
                future.set_exception(exc)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the calling thread (see the module)."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _Direct()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # no thread to start

    def stop(self) -> asyncio.Future[Any] | None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        return None


def inline_connector(url: str, connect_args: dict[str, Any]) -> Callable[[], Any]:
    """SQLAlchemy's `async_creator` for `url`: the file and options its aiosqlite dialect
    would open (URI, read-only mode, ...), plus `connect_args`, on an `InlineConnection`."""
    args, options = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    options = {**options, **connect_args}

    async def connect() -> InlineConnection:
        return await InlineConnection(partial(sqlite3.connect, *args, **options))

    return connect
