"""One process's updates pipeline: intake (polling or webhook), workers, outbox, heartbeat.

Started by the composition root after the application (`bot.app.start_embedded`),
stopped before it. Several processes can run it on one PostgreSQL; SQLite runs
one process.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.constants import ParseMode

from bot.clock import SystemClock
from bot.ui import texts
from bot.updates.heartbeat import Heartbeat
from bot.updates.intake import Intake, Poller, chat_of
from bot.updates.outbox import Outbox
from bot.updates.workers import Workers
from storage.queries import workers as worker_rows

log = logging.getLogger(__name__)

_TOLD_LIMIT = 10_000  # update ids remembered as told "the database is away"


class Pipeline:
    def __init__(self, app: Any, *, polling: bool) -> None:
        data = app.bot_data
        settings = data.settings
        self.app = app
        self.name: str = data.worker_name
        wall = SystemClock()  # leases and heartbeats are about processes, not the diary's time
        self.outbox = Outbox(data.sessions, app.bot, wall, self.name)
        self.workers = Workers(
            app,
            data.sessions,
            wall,
            self.name,
            self.outbox,
            concurrency=settings.concurrency,
            lease=timedelta(seconds=settings.inbox_lease),
            tell_failed=self._tell_failed,
        )
        self.intake = Intake(
            data.sessions, wall, self.workers.wake, on_unreachable=self._tell_unreachable
        )
        token = settings.token.get_secret_value() if settings.token else ""
        self.poller = Poller(settings.api_base_url, token, self.intake) if polling else None
        self.heartbeat = Heartbeat(
            data.sessions,
            wall,
            self.name,
            self.outbox,
            active=lambda: list(self.workers.active),
            lease=timedelta(seconds=settings.inbox_lease),
            on_share=self._share,
            bot_clock=data.clock,
            on_recovered=self._wake_dispatcher,
        )
        self._told: set[int] = set()

    async def start(self) -> None:
        data = self.app.bot_data
        try:
            if data.engine.dialect.name == "sqlite":
                # SQLite runs one process: whoever beat before us is gone.
                async with data.sessions.begin() as session:
                    await worker_rows.forget_dead(session, datetime.now(UTC) + timedelta(days=1))
            await self.heartbeat.beat()
            await self.outbox.deliver()  # replies a previous run stored but did not send
        except Exception as exc:
            log.warning("starting without the database: %s", type(exc).__name__)
        self.workers.start()
        if self.poller is not None:
            self.poller.start()
        self.heartbeat.start()

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
        await self.workers.stop()
        await self.heartbeat.stop()
        await self.outbox.close()

    def idle(self) -> bool:
        return self.workers.idle()

    # --- telling people ---------------------------------------------------------------

    async def _say(self, chat_id: int, text: str) -> None:
        with contextlib.suppress(Exception):  # best effort: nothing depends on it
            await self.app.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)

    async def _tell_unreachable(self, raw_updates: Sequence[dict[str, Any]]) -> None:
        """The database is away: each person is told once per message that it waits."""
        if len(self._told) > _TOLD_LIMIT:
            self._told.clear()
        for raw in raw_updates:
            update_id, chat_id = raw.get("update_id"), chat_of(raw)
            if not isinstance(update_id, int) or update_id in self._told or chat_id <= 0:
                continue
            self._told.add(update_id)
            await self._say(chat_id, texts.DATABASE_AWAY)

    async def _tell_failed(self, chat_id: int, unreachable: bool) -> None:
        if chat_id > 0:
            await self._say(chat_id, texts.DATABASE_AWAY if unreachable else texts.NOT_HANDLED)

    # --- sharing the send budget ------------------------------------------------------

    def _share(self, alive: int) -> None:
        rate = self.app.bot_data.settings.send_rate / max(1, alive)
        limiter = self.app.bot.rate_limiter
        if hasattr(limiter, "set_overall_rate"):
            limiter.set_overall_rate(rate)
        scheduler = self.app.bot_data.scheduler
        if scheduler is not None:
            scheduler.dispatcher.pacer.set_rate(rate)
        log.info("%d processes share the send budget: %.1f messages/s here", alive, rate)

    def _wake_dispatcher(self) -> None:
        scheduler = self.app.bot_data.scheduler
        if scheduler is not None:
            scheduler.wake_at(self.app.bot_data.clock.now())
