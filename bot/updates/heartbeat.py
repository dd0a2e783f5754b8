"""This process's heartbeat: alive, its leases renewed, the dead's work recovered.

Every few seconds the process writes its row in `worker`. From the rows it
learns how many processes share the bot's send budget (each takes its share),
which processes died (their prompts left "sending" go back in the queue while
still within their grace, their unsent replies are adopted), and it renews the
leases of the updates it is still handling, so only a dead process's updates
ever pass to another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.scheduling import plan
from bot.updates.outbox import Outbox
from storage.queries import inbox, outbox, workers

log = logging.getLogger(__name__)

EVERY = 5.0  # seconds between beats
DEAD_AFTER = plan.DEAD_AFTER  # no beat for this long: the process is gone
FORGET_HANDLED = timedelta(days=7)  # done updates kept against redeliveries


class Heartbeat:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        name: str,
        outbox_sender: Outbox,
        *,
        active: Callable[[], list[int]],
        lease: timedelta,
        on_share: Callable[[int], None],
        bot_clock: Clock,
        on_recovered: Callable[[], None],
    ) -> None:
        self.sessions = sessions
        self.clock = clock  # real time: leases and beats are about processes, not the diary
        self.name = name
        self.outbox = outbox_sender
        self.active = active
        self.lease = lease
        # leases in hand are renewed at least three times within one: a short lease
        # (MAGBOT_INBOX_LEASE) must not run out under a living worker
        self.every = min(EVERY, lease.total_seconds() / 3)
        self.on_share = on_share  # called with the number of processes alive
        self.bot_clock = bot_clock  # the prompts' own times are on the bot's clock
        self.on_recovered = on_recovered  # wake the dispatcher: recovered prompts are due
        self.sharing = 1
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def beat(self) -> int:
        """One beat; returns how many processes are alive (this one included)."""
        now = self.clock.now()
        alive_since = now - DEAD_AFTER
        async with self.sessions.begin() as session:
            await workers.beat(session, self.name, now)
            alive = await workers.alive(session, alive_since)
            await inbox.extend(session, self.active(), self.name, now + self.lease)
            recovered = await plan.recover_dead_claims(session, self.bot_clock.now(), alive_since)
            adopted = await outbox.adopt_orphans(session, self.name, alive_since)
            self.outbox.mark(adopted)  # before they are ours: nothing newer overtakes them
        if recovered or adopted:
            log.info(
                "recovered %d prompts and %d replies of stopped processes", recovered, len(adopted)
            )
        if recovered:
            self.on_recovered()
        if alive != self.sharing:
            self.sharing = alive
            self.on_share(alive)
        return alive

    async def housekeeping(self) -> None:
        now = self.clock.now()
        async with self.sessions.begin() as session:
            await inbox.forget(session, now - FORGET_HANDLED)
            await workers.forget_dead(session, now - timedelta(days=1))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="magbot-heartbeat")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        with contextlib.suppress(Exception):
            async with self.sessions.begin() as session:
                await workers.leave(session, self.name)

    async def _run(self) -> None:
        beats = 0
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every)
            if self._stop.is_set():
                return
            try:
                await self.beat()
                await self.outbox.deliver()  # replies that waited for a retry
                beats += 1
                if beats % 720 == 1:  # about hourly
                    await self.housekeeping()
            except Exception as exc:  # the database is away: beat again later
                log.warning("heartbeat failed: %s", type(exc).__name__)
