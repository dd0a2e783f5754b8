"""Several processes starting together on an empty PostgreSQL database all start.

`magbot run` and `magbot db upgrade` migrate first. Without a lock, two processes
both see an empty database, both create the tables, and one fails. These tests
start real processes against a database created for the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import MIGRATION_LOCK_KEY, alembic_config, make_engine
from tests.processes import MAGBOT, clean_env, fresh_postgres_database

PROCESSES = 3


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    async with fresh_postgres_database() as url:
        yield url


async def _start_upgrade(url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = clean_env(MAGBOT_DATABASE_URL=url)
    return await asyncio.create_subprocess_exec(
        *MAGBOT,
        "db",
        "upgrade",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _finish(proc: asyncio.subprocess.Process) -> tuple[int, str]:
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise
    return proc.returncode or 0, out.decode() + err.decode()


async def test_processes_started_together_on_an_empty_database_all_migrate(
    empty_database: str, tmp_path: Path
) -> None:
    engine = make_engine(empty_database)
    try:
        # Hold the migration lock so that all three are sure to reach it before any
        # migrates: then let go, and they run the migrations at the same moment.
        async with engine.connect() as holder, engine.connect() as watcher:
            await holder.execute(select(func.pg_advisory_lock(MIGRATION_LOCK_KEY)))
            await holder.commit()
            procs = [await _start_upgrade(empty_database, tmp_path) for _ in range(PROCESSES)]
            try:
                waiting = 0
                for _ in range(600):
                    waiting = await _waiting_for_the_migration_lock(watcher)
                    if waiting == PROCESSES or any(p.returncode is not None for p in procs):
                        break
                    await asyncio.sleep(0.05)
            finally:
                await holder.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK_KEY)))
                await holder.commit()
            results = [await _finish(proc) for proc in procs]
        assert waiting == PROCESSES, results
        for code, output in results:
            assert code == 0, output
            assert "database is up to date" in output
        async with engine.connect() as conn:
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
            users = await conn.scalar(text('SELECT count(*) FROM "user"'))
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert [row[0] for row in versions] == [head]
        assert users == 0
    finally:
        await engine.dispose()


async def _waiting_for_the_migration_lock(conn: AsyncConnection) -> int:
    # A bigint advisory lock shows in pg_locks as classid (high half) and objid (low half).
    count = await conn.scalar(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = :high AND objid::bigint = :low"
        ),
        {"high": MIGRATION_LOCK_KEY >> 32, "low": MIGRATION_LOCK_KEY & 0xFFFFFFFF},
    )
    await conn.rollback()  # a fresh snapshot of pg_locks next time
    return int(count or 0)


async def test_processes_racing_without_a_head_start_all_migrate(
    empty_database: str, tmp_path: Path
) -> None:
    procs = await asyncio.gather(
        *(_start_upgrade(empty_database, tmp_path) for _ in range(PROCESSES))
    )
    results = [await _finish(proc) for proc in procs]
    for code, output in results:
        assert code == 0, output
