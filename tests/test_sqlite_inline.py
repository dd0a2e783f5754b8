"""SQLite runs on the event loop's thread (storage.sqlite): no thread per connection,
and everything SQLAlchemy asks of aiosqlite still works."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from storage.db import make_engine, make_sessionmaker
from storage.sqlite import InlineConnection

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
