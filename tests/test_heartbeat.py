"""The heartbeat keeps the leases of updates in hand, however short the lease is set."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.updates.heartbeat import Heartbeat
from bot.updates.outbox import Outbox
from storage.queries import inbox

Sessions = async_sessionmaker[AsyncSession]


async def test_a_short_lease_does_not_run_out_under_a_living_worker(sessions: Sessions) -> None:
    lease = timedelta(seconds=1.5)  # MAGBOT_INBOX_LEASE=1.5, shorter than the usual beat
    async with sessions.begin() as session:
        await inbox.store(session, [(1, 10, {"update_id": 1})], datetime.now(UTC))
        claimed = await inbox.claim(session, "me", datetime.now(UTC), lease, 10)
    assert [c.update_id for c in claimed] == [1]
    clock = SystemClock()
    heartbeat = Heartbeat(
        sessions,
        clock,
        "me",
        Outbox(sessions, None, clock, "me"),  # type: ignore[arg-type]
        active=lambda: [1],  # still handling it
        lease=lease,
        on_share=lambda alive: None,
        bot_clock=clock,
        on_recovered=lambda: None,
    )
    heartbeat.start()
    try:
        await asyncio.sleep(3 * lease.total_seconds())
        async with sessions.begin() as session:
            taken = await inbox.claim(session, "other", datetime.now(UTC), lease, 10)
    finally:
        await heartbeat.stop()
    assert taken == []  # nobody else took the update over
