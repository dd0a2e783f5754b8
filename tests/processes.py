"""Helpers for tests that run real `magbot` processes: start, kill -9, stop, and read the
database they share.

A process writes its log to a file (a pipe nobody reads would fill and stall it),
and is always killed by the test that started it, also when the test fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import make_engine, scratch_database
from tests.conftest import TOKEN, postgres_url

MAGBOT = [sys.executable, "-m", "bot.cli"]
WEBHOOK_SECRET = "processes-test-secret_0123456789"

T = TypeVar("T")


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any MAGBOT_ setting of the developer's, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAGBOT_")}
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards.

    A database of its own, not a schema: a `magbot run` process takes only a URL.
    Skips when MAGBOT_TEST_POSTGRES_URL is unset; fails when it is set but unreachable.
    """
    async with scratch_database(postgres_url(), "magbot_t_") as url:
        yield url


@asynccontextmanager
async def database_url(kind: str, folder: Path) -> AsyncIterator[str]:
    """A database for bot processes: a SQLite file in `folder`, or a fresh PostgreSQL one."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bot.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


class Reader:
    """The test's own connection to the database the processes use: counts, rows."""

    def __init__(self, url: str) -> None:
        self.engine: AsyncEngine = make_engine(url)

    async def rows(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        async with self.engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(text(sql), params)]

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(text(sql), params)

    async def count_by(self, sql: str, **params: Any) -> dict[Any, int]:
        """`SELECT key, count(*) ... GROUP BY key` as a dict."""
        return {key: int(n) for key, n in await self.rows(sql, **params)}

    async def close(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def reader(url: str) -> AsyncIterator[Reader]:
    db = Reader(url)
    try:
        yield db
    finally:
        await db.close()


class BotProcess:
    """One `magbot run` process; its stdout and stderr go to `<folder>/<name>.log`."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.env = env
        self.log_path = folder / f"{name}.log"
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    async def start(self) -> None:
        self.runs += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- run {self.runs} ---\n".encode())
            log.flush()
            self.proc = await asyncio.create_subprocess_exec(
                *MAGBOT, "run", env=self.env, cwd=self.folder, stdout=log, stderr=log
            )

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def kill(self) -> None:
        """kill -9: no shutdown, no cleanup, whatever it was doing."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()

    async def stop(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109 - a deadline for a process
        """SIGINT, as Ctrl-C or `docker stop` would; returns its exit code."""
        assert self.proc is not None
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout)
            except TimeoutError:
                await self.kill()
                raise AssertionError(f"{self.name} did not stop within {timeout:g}s") from None
        return self.proc.returncode or 0

    async def ensure_dead(self) -> None:
        if self.running:
            await self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def tail(self, lines: int = 30) -> str:
        return f"--- {self.name} log ---\n" + "\n".join(self.log().splitlines()[-lines:])


def bot_env(api_base_url: str, database: str, **settings: str) -> dict[str, str]:
    return clean_env(
        MAGBOT_TOKEN=TOKEN,
        MAGBOT_API_BASE_URL=api_base_url,
        MAGBOT_DATABASE_URL=database,
        **settings,
    )


def webhook_settings(port: int) -> dict[str, str]:
    """The settings of a process serving the webhook on `port` (behind a load balancer)."""
    return {
        "MAGBOT_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "MAGBOT_WEBHOOK_LISTEN": "127.0.0.1",
        "MAGBOT_WEBHOOK_PORT": str(port),
        "MAGBOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


@asynccontextmanager
async def bot_processes(*procs: BotProcess) -> AsyncIterator[tuple[BotProcess, ...]]:
    """Processes the test starts itself; every one still alive is killed at the end."""
    try:
        yield procs
    finally:
        for proc in procs:
            await proc.ensure_dead()


async def wait_until(
    check: Callable[[], Awaitable[T | None]] | Callable[[], T | None],
    timeout: float,  # noqa: ASYNC109 - a deadline, with what was seen in the failure
    what: str,
    *,
    every: float = 0.1,
    procs: tuple[BotProcess, ...] = (),
) -> T:
    """Poll `check` until it returns something truthy; fail after `timeout` seconds (or
    as soon as one of `procs`, which should be running, has exited) with their logs."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result  # type: ignore[return-value]
        dead = [proc for proc in procs if not proc.running]
        if dead:
            logs = "\n".join(proc.tail() for proc in dead)
            raise AssertionError(f"a process exited while waiting for {what}\n{logs}")
        if time.monotonic() > deadline:
            logs = "\n".join(proc.tail() for proc in procs)
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}\n{logs}")
        await asyncio.sleep(every)


async def webhook_listening(port: int) -> bool:
    """Whether a process serves the webhook on `port` (it refuses a POST without the secret)."""
    try:
        async with httpx.AsyncClient(timeout=1.0) as client:
            response = await client.post(f"http://127.0.0.1:{port}/telegram", json={})
    except httpx.HTTPError:
        return False
    return response.status_code == 403
