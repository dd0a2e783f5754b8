"""How a process connects: SQLite on the event loop's thread (storage.sqlite), with
everything SQLAlchemy asks of aiosqlite still working; PostgreSQL through a few
connections that handlers take in turn (MAGBOT_DB_CONNECTIONS)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.app import build_application
from bot.config import Settings
from storage.db import make_engine, make_sessionmaker
from storage.sqlite import InlineConnection
from tests.conftest import TOKEN, postgres_url

pytestmark = pytest.mark.database


async def test_a_sqlite_engine_runs_its_statements_on_the_loops_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    threads = threading.active_count()
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert isinstance(raw.driver_connection, InlineConnection)
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            # aiosqlite would have started a thread for this connection
            assert threading.active_count() == threads
    finally:
        await engine.dispose()


async def test_a_transaction_commits_and_rolls_back_as_before(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        with pytest.raises(IntegrityError):  # sqlite3's error, mapped as SQLAlchemy maps it
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (2)"))
                await conn.execute(text("INSERT INTO t VALUES (1)"))
        async with make_sessionmaker(engine)() as session:
            rows = (await session.execute(text("SELECT x FROM t"))).scalars().all()
        assert rows == [1]  # the second transaction left nothing
    finally:
        await engine.dispose()


async def test_autocommit_and_read_only_urls_work_on_the_inline_connection(
    tmp_path: Path,
) -> None:
    path = tmp_path / "c.db"
    # the dialect sets the isolation level through aiosqlite's queue, not through a call
    auto = make_engine(f"sqlite:///{path}", isolation_level="AUTOCOMMIT")
    async with auto.connect() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        await conn.execute(text("INSERT INTO t VALUES (1)"))
    await auto.dispose()
    assert sqlite3.connect(path).execute("SELECT x FROM t").fetchall() == [(1,)]

    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        async with read_only.connect() as conn:
            assert (await conn.execute(text("SELECT x FROM t"))).scalar() == 1
            with pytest.raises(OperationalError, match="readonly"):
                await conn.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        await read_only.dispose()


async def test_a_closed_connection_refuses_work_instead_of_hanging(tmp_path: Path) -> None:
    connection = await InlineConnection(lambda: sqlite3.connect(tmp_path / "d.db"))
    await connection.close()
    with pytest.raises(ValueError, match="connection"):
        await connection.execute("SELECT 1")


async def test_a_bot_keeps_as_many_postgresql_connections_as_set_and_the_rest_wait() -> None:
    settings = Settings(token=TOKEN, database_url=postgres_url(), db_connections=2)
    engine = build_application(settings).bot_data.engine
    try:
        first, second = await engine.connect(), await engine.connect()
        third = asyncio.ensure_future(engine.connect())
        await asyncio.sleep(0.3)
        assert not third.done()  # no third connection: it waits for one of the two
        await first.close()
        conn = await asyncio.wait_for(third, 5)
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1
        await conn.close()
        await second.close()
        assert engine.pool.size() == 2  # type: ignore[attr-defined]
    finally:
        await engine.dispose()
