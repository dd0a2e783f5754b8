"""APScheduler drives time; the database says what is due (DESIGN §5).

Two in-memory jobs, nothing pickled, so a restart rebuilds everything from the
`prompt` table and no code change can break a stored job:

- "dispatch" runs at least every 30 s and, in between, at the moment the next
  prompt falls due (its next run time is moved there after each run, and when a
  transaction commits a prompt due sooner: see `wake`);
- "housekeeping" every 30 min: materialise the next 48 h of dose and morning
  prompts, expire pending prompts past their grace, stop treating typed text
  as the answer to a morning question hours old (handled updates are forgotten
  by the heartbeat: bot.updates.heartbeat).

APScheduler runs on real time; the bot's clock (FakeClock in tests) decides
what is due, so a wake time is turned into a delay on the bot's clock first.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.scheduling import plan, wake
from bot.scheduling.dispatch import Dispatcher, Render

log = logging.getLogger(__name__)

HEARTBEAT = timedelta(seconds=30)
HOUSEKEEPING_EVERY = timedelta(minutes=30)
STOP_TIMEOUT = 15.0  # seconds to let a round in progress finish its sends


class PromptScheduler:
    """The scheduler of one bot process."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        engine: AsyncEngine,
        bot: Any,
        clock: Clock,
        *,
        send_rate: float,
        render: Render,
        name: str | None = None,
        paid_broadcast: bool = False,
    ) -> None:
        self.sessions = sessions
        self.engine = engine
        self.clock = clock
        self.dispatcher = Dispatcher(
            sessions,
            bot,
            clock,
            send_rate=send_rate,
            render=render,
            name=name,
            paid_broadcast=paid_broadcast,
        )
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._idle = asyncio.Event()
        self._idle.set()
        self._wanted: datetime | None = None  # earliest wake asked for during a round

    async def start(self) -> None:
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self._dispatch_job,
            IntervalTrigger(seconds=HEARTBEAT.total_seconds(), timezone=UTC),
            id="dispatch",
            next_run_time=now,
            coalesce=True,
            max_instances=1,
            # A late round is still wanted: the grace rule in the table decides
            # what is too old to send, not APScheduler.
            misfire_grace_time=3600,
        )
        self.scheduler.add_job(
            self._housekeeping_job,
            IntervalTrigger(seconds=HOUSEKEEPING_EVERY.total_seconds(), timezone=UTC),
            id="housekeeping",
            next_run_time=now,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
        )
        wake.listen(self.engine, self.wake_at)
        self.scheduler.start()

    async def stop(self) -> None:
        wake.unlisten(self.engine, self.wake_at)
        self.dispatcher.stopping = True
        try:
            await asyncio.wait_for(self._idle.wait(), STOP_TIMEOUT)
        except TimeoutError:
            log.warning("stopping with a dispatch round still running")
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def run_due_now(self) -> datetime | None:
        """Do at once what is due by the bot's clock; returns when the next prompt falls due.

        For a clock moved forward by hand: housekeeping (materialise, expire)
        and a dispatch round run at its new time, and every prompt due by then
        is sent, missed or deferred before this returns. A round already
        running finishes first; the heartbeat goes on as before afterwards.
        """
        await self._housekeeping_job()
        while not self._idle.is_set():
            await self._idle.wait()
        # No await between the check and the round's start, which marks it busy:
        # no APScheduler round can slip in between.
        await self._dispatch_job()
        async with self.sessions() as session:
            return await plan.next_due(session)

    # --- jobs -----------------------------------------------------------------------

    async def _dispatch_job(self) -> None:
        # The heartbeat is paused while a round runs (a fan-out to thousands can
        # take minutes), so APScheduler never finds this job still running; the
        # round sets the next run when it ends.
        self._set_next_run(None)
        self._idle.clear()
        due: datetime | None = None
        try:
            while not self.dispatcher.stopping:
                self._wanted = None
                stats = await self.dispatcher.run()
                if stats.claimed or stats.recovered:
                    log.info(
                        "prompts: %d sent, %d missed, %d cancelled, %d deferred, %d failed",
                        stats.sent,
                        stats.missed,
                        stats.cancelled,
                        stats.deferred,
                        stats.failed,
                    )
                # A prompt committed during the round and already due: go again.
                if self._wanted is None or self._wanted > self.clock.now():
                    break
            async with self.sessions() as session:
                due = await plan.next_due(session)
        except Exception:
            # The database or the network is down: the heartbeat tries again.
            log.exception("dispatch round failed")
        finally:
            self._idle.set()
            if not self.dispatcher.stopping:
                wanted = [t for t in (due, self._wanted) if t is not None]
                self._move_next_run(min(wanted) if wanted else None)

    async def _housekeeping_job(self) -> None:
        now = self.clock.now()
        try:
            async with self.sessions.begin() as session:
                made = await plan.materialise_all(session, now)
            async with self.sessions.begin() as session:
                expired = await plan.expire_stale(session, now)
                await plan.forget_stale_morning_questions(session, now)
        except Exception:
            log.exception("housekeeping failed")
            return
        log.info("housekeeping: %d prompts materialised, %d expired", made, expired)

    # --- waking ---------------------------------------------------------------------

    def wake_at(self, when: datetime) -> None:
        """A committed prompt is due at `when` (bot clock): make sure the dispatcher runs then."""
        if not self._idle.is_set():
            self._wanted = when if self._wanted is None else min(self._wanted, when)
            return
        self._move_next_run(when)

    def _move_next_run(self, when: datetime | None) -> None:
        """Run the dispatcher at `when` (bot clock), or sooner; at most a heartbeat away."""
        delay = HEARTBEAT.total_seconds()
        if when is not None:
            delay = min(delay, max(0.0, (when - self.clock.now()).total_seconds()))
        at = datetime.now(UTC) + timedelta(seconds=delay)
        job = self.scheduler.get_job("dispatch") if self.scheduler.running else None
        if job is not None and (job.next_run_time is None or job.next_run_time > at):
            self._set_next_run(at)

    def _set_next_run(self, at: datetime | None) -> None:
        if self.scheduler.running and self.scheduler.get_job("dispatch") is not None:
            self.scheduler.modify_job("dispatch", next_run_time=at)
