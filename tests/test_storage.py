"""Storage behaves the same on SQLite and PostgreSQL: migrations, aware times, cascades."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import alembic_config, make_engine, normalise_url, upgrade
from storage.models import (
    USER_TABLES,
    Anxiety,
    Attack,
    AttackUpdate,
    Dose,
    DosePlanChange,
    FactorDay,
    JournalEntry,
    MedicationTaken,
    Midas,
    NoticeSent,
    Period,
    Prompt,
    SideEffect,
    Sleep,
    User,
)
from storage.queries import diary, inbox, outbox, users

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)


async def test_migrations_create_every_table(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    expected = {model.__tablename__ for model in USER_TABLES} | {
        "inbox_update",
        "outbox_message",
        "worker",
    }
    assert expected <= names
    assert "alembic_version" in names


async def test_upgrading_twice_changes_nothing(engine: AsyncEngine) -> None:
    await upgrade(engine)  # already at head: must be a no-op, not an error
    async with engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert len(versions) == 1


async def test_datetimes_come_back_timezone_aware_in_utc(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    berlin = datetime(
        2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin")
    )  # just after the DST jump
    async with sessions.begin() as s:
        user = await users.create_user(s, 1, 1, NOW)
        s.add(Attack(user_id=user.id, started_at=berlin, kind="migraine", created_at=NOW))
    async with sessions() as s:
        attack = (await s.scalars(select(Attack))).one()
        created = (await s.scalars(select(User.created_at))).one()
    assert attack.started_at.tzinfo is not None
    assert attack.started_at.utcoffset() == timedelta(0)
    assert attack.started_at == berlin  # same instant: 01:30 UTC
    assert created == NOW


async def test_naive_datetimes_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions.begin() as s:
            await users.create_user(s, 1, 1, datetime(2026, 1, 1, 12, 0))


async def test_new_user_gets_the_documented_defaults(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        await users.create_user(s, 42, 4242, NOW)
    async with sessions() as s:
        user = await users.get_user(s, 42)
        assert user is not None
        assert user.timezone == "UTC"
        assert [(d.amount_mg, d.local_time) for d in user.dose_plan] == [(200.0, time(21, 30))]
        assert (user.quiet_start, user.quiet_end) == (time(23, 0), time(7, 0))
        assert user.active and not user.paused


async def test_a_prompt_is_unique_per_user_kind_and_time(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        await users.create_user(s, 1, 1, NOW)
        s.add(Prompt(user_id=1, kind="dose", scheduled_for=NOW))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as s:
            s.add(Prompt(user_id=1, kind="dose", scheduled_for=NOW))


async def test_a_redelivered_update_is_stored_once_and_handled_ones_are_forgotten_later(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        assert await inbox.store(s, [(77, 1, {"update_id": 77})], NOW) == 1
        assert await inbox.store(s, [(77, 1, {"update_id": 77}), (78, 1, {})], NOW) == 1
    async with sessions.begin() as s:
        [claimed] = await inbox.claim(s, "w", NOW, timedelta(seconds=30), 10)  # one per chat
        assert claimed.update_id == 77
        assert await inbox.finish(s, 77, "w", NOW - timedelta(days=8))
    async with sessions.begin() as s:
        await inbox.forget(s, NOW - timedelta(days=7))
        assert await inbox.last_update_id(s) == 78  # 77 forgotten, 78 still waiting


async def test_a_chat_waits_for_the_replies_another_process_has_not_sent_yet(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Update 2's reply must not overtake update 1's, stored by a process that died."""
    lease = timedelta(seconds=30)
    async with sessions.begin() as s:
        await inbox.store(s, [(1, 5, {}), (2, 5, {}), (3, 6, {})], NOW)
    async with sessions.begin() as s:
        [first, _] = await inbox.claim(s, "dead", NOW, lease, 10)
        await outbox.add(s, 5, [{"text": "1"}], update_id=1, worker="dead", now=NOW)
        assert await inbox.finish(s, first.update_id, "dead", NOW)
    async with sessions() as s:  # not committed
        assert await inbox.claim(s, "other", NOW, lease, 10) == []  # chat 6 is "dead"'s too
        # its own unsent replies are in order already: the same process goes on
        [mine] = await inbox.claim(s, "dead", NOW, lease, 10)
        assert mine.update_id == 2
    async with sessions.begin() as s:
        await outbox.adopt_orphans(s, "other", NOW)  # "dead" never beat: orphans
        [row] = await outbox.due(s, "other", NOW)
        await outbox.sent(s, [row.id])
    async with sessions.begin() as s:
        claimed = await inbox.claim(s, "other", NOW, lease, 10)
        assert [c.update_id for c in claimed] == [2]  # update 3 is still leased by "dead"


async def test_deleting_a_user_erases_every_row_in_every_table(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        for uid in (1, 2):
            await users.create_user(s, uid, uid, NOW)
            attack = Attack(user_id=uid, started_at=NOW, kind="migraine", created_at=NOW)
            s.add(attack)
            await s.flush()
            s.add(AttackUpdate(user_id=uid, attack_id=attack.id, at=NOW, intensity=3))
            s.add(
                Dose(
                    user_id=uid,
                    taken_at=NOW,
                    amount_mg=200,
                    status="taken",
                    source="text",
                    created_at=NOW,
                )
            )
            s.add(Prompt(user_id=uid, kind="dose", scheduled_for=NOW + timedelta(days=1)))
            s.add(
                MedicationTaken(
                    user_id=uid,
                    attack_id=attack.id,
                    name="ibuprofen",
                    med_class="nsaid",
                    taken_at=NOW,
                )
            )
            s.add(Sleep(user_id=uid, night=NOW.date(), quality=2, recorded_at=NOW))
            s.add(Anxiety(user_id=uid, at=NOW, level=4))
            s.add(SideEffect(user_id=uid, at=NOW, effects=["diarrhea"]))
            s.add(Period(user_id=uid, day=NOW.date(), started=True))
            s.add(FactorDay(user_id=uid, day=NOW.date(), code="caffeine", created_at=NOW))
            s.add(NoticeSent(user_id=uid, key="zone-assumed", sent_at=NOW))
            s.add(Midas(user_id=uid, status="done", started_at=NOW, q1=1, q2=0, q3=2, q4=0, q5=1))
            s.add(
                JournalEntry(
                    user_id=uid, group_id=1, kind="attack", row_id=attack.id, created_at=NOW
                )
            )
    async with sessions.begin() as s:
        await users.delete_user_data(s, 1)
    async with sessions() as s:
        for model in USER_TABLES:
            column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
            mine = await s.scalar(select(func.count()).select_from(model).where(column == 1))
            theirs = await s.scalar(select(func.count()).select_from(model).where(column == 2))
            assert mine == 0, model.__tablename__
            assert theirs and theirs > 0, model.__tablename__


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    try:
        async with engine.connect() as conn:
            mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            timeout = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    finally:
        await engine.dispose()
    assert mode == "wal"
    assert timeout and timeout >= 5000
    assert fks == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///magbot.db", "sqlite+aiosqlite:///magbot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_database_urls_people_paste_get_async_drivers(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


async def test_the_plan_history_keeps_one_change_per_day(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as s:
        user = await users.create_user(s, 1, 1, NOW)
        later = NOW.date() + timedelta(days=10)
        await users.set_dose_plan(s, user, [(100.0, time(8, 0))], on=later)
        await users.set_dose_plan(s, user, [(100.0, time(8, 0)), (100.0, time(20, 0))], on=later)
    async with sessions() as s:
        changes = (
            await s.scalars(select(DosePlanChange).order_by(DosePlanChange.effective_on))
        ).all()
    assert [(c.effective_on, c.doses_per_day) for c in changes] == [
        (NOW.date(), 1),
        (NOW.date() + timedelta(days=10), 2),
    ]


async def test_a_factor_is_one_row_per_person_day_and_code(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    day = NOW.date()
    async with sessions.begin() as s:
        for uid in (1, 2):
            await users.create_user(s, uid, uid, NOW)
        s.add(FactorDay(user_id=1, day=day, code="caffeine", raw_text="4 coffees", created_at=NOW))
        # another code, another day, another person: all rows of their own
        s.add(FactorDay(user_id=1, day=day, code="alcohol", created_at=NOW))
        s.add(FactorDay(user_id=1, day=day - timedelta(days=1), code="caffeine", created_at=NOW))
        s.add(FactorDay(user_id=2, day=day, code="caffeine", created_at=NOW))
    async with sessions() as s:
        found = await diary.factors_on(s, 1, day, ["caffeine", "stress"])
        assert list(found) == ["caffeine"]
        assert found["caffeine"].raw_text == "4 coffees"
        assert (await diary.diary_rows(s, 2)).factors[0].code == "caffeine"
    with pytest.raises(IntegrityError):
        async with sessions.begin() as s:
            s.add(FactorDay(user_id=1, day=day, code="caffeine", created_at=NOW))


def _migrate(connection: Connection, direction: str, revision: str) -> None:
    cfg = alembic_config()
    cfg.attributes["connection"] = connection
    getattr(command, direction)(cfg, revision)


async def test_the_factor_table_migration_goes_down_and_up_again(engine: AsyncEngine) -> None:
    def tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async with engine.begin() as conn:
        assert "factor_day" in await conn.run_sync(tables)
        await conn.run_sync(_migrate, "downgrade", "0006")
        assert "factor_day" not in await conn.run_sync(tables)
        assert "period" in await conn.run_sync(tables)  # only its own table went
        await conn.run_sync(_migrate, "upgrade", "head")
        assert "factor_day" in await conn.run_sync(tables)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions.begin() as s:  # the table works again, constraints and all
        await users.create_user(s, 1, 1, NOW)
        s.add(FactorDay(user_id=1, day=NOW.date(), code="stress", created_at=NOW))
    async with engine.connect() as conn:
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
    assert [v for (v,) in versions] == [
        ScriptDirectory.from_config(alembic_config()).get_current_head()
    ]
