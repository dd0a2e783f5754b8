"""Engine, sessions and migrations.

One `AsyncEngine` per process, one `async_sessionmaker(expire_on_commit=False)`;
handlers open a session per update. SQLite runs in WAL mode with a busy timeout
so the dispatcher and a handler writing at the same moment wait instead of
failing; foreign keys are switched on so ON DELETE CASCADE works there too. Its
calls run on the event loop's thread, not on a thread of aiosqlite's (storage.sqlite).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite import inline_connector

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
POSTGRES_CONNECTIONS = 4  # per process (MAGBOT_DB_CONNECTIONS); see make_engine
# The key of the PostgreSQL advisory lock that migrations run under: any 64-bit number
# no other code of this database uses ("magbot" in ASCII). Advisory locks are per database.
MIGRATION_LOCK_KEY = 0x6D_61_67_62_6F_74


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, sqlite:///...) and pick the async drivers."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, *, connections: int = POSTGRES_CONNECTIONS, **kwargs: Any) -> AsyncEngine:
    """An engine for `url`: on PostgreSQL a pool of `connections`, on SQLite one connection."""
    url = normalise_url(url)
    # SQL errors must not carry parameters into logs: they hold people's health text.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        # aiosqlite's calls, run on the loop's thread instead of a thread hop each
        kwargs.setdefault("async_creator", inline_connector(url, connect_args))
        # SQLite takes one writer at a time: one connection per process, shared in
        # turn, queues transactions in the event loop instead of in SQLite's
        # busy-wait (which sleeps, and can refuse a read turning into a write).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        # A process's handlers share one core: transactions beyond a few take turns on it
        # and each runs longer (with SQLAlchemy's 15, bench/throughput.py's head-of-line
        # wait was a third longer than with 2-4). The rest queue for a connection, in order.
        kwargs.setdefault("pool_size", connections)
        kwargs.setdefault("max_overflow", 0)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


@asynccontextmanager
async def scratch_database(url: str, prefix: str) -> AsyncIterator[str]:
    """A new, empty PostgreSQL database on the server of `url` (named `prefix` and a random
    suffix), dropped afterwards even with connections left open: for tests and benchmarks
    that need empty tables, or processes that take only a URL."""
    admin_url = normalise_url(url)
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


def is_unreachable(error: BaseException | None) -> bool:
    """Whether an error means the database can't be reached (not a bug, not a conflict).

    A refused connection surfaces as OSError from the driver, or wrapped by
    SQLAlchemy as an operational or interface error, or as a connection it
    invalidated. An IntegrityError (two processes inserting one row) is not.
    """
    if isinstance(error, OSError | ConnectionError):
        return True
    if isinstance(error, DBAPIError):
        return bool(error.connection_invalidated) or isinstance(
            error, OperationalError | InterfaceError
        )
    return False


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _upgrade_sync(connection: Connection, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations on an open engine (Alembic's documented async recipe).

    On PostgreSQL the whole upgrade is one transaction that first takes an advisory
    lock, so processes starting together on an empty database take turns: the first
    migrates, the others wait for its commit, then find the schema at head and do
    nothing. The lock goes with the transaction, also when a process dies holding it.
    """
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
        await conn.run_sync(_upgrade_sync, revision)
