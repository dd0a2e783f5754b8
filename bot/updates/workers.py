"""This process's workers: updates from the inbox, concurrently across chats, in order within one.

A claim leases the earliest open update of each chat that nobody holds (see
`storage.queries.inbox.claim`), so two updates of one person are never handled
at once, here or in another process, and different people never wait for each
other beyond `concurrency`. Each update runs through the application's handlers
(`Application.process_update`) with `handling.CURRENT` set, so the diary's
transaction marks it done with its effects and stores its replies in the outbox;
the worker then sends those replies.

A handler that fails is tried again shortly; one that fails three times, or an
update that cannot even be read, is set aside (kept as failed, logged by id and
error type) and the person is told nothing of it was saved. Nobody else waits
for it. While the database is away, updates wait in the inbox and are retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update

from bot.clock import Clock
from bot.updates import handling
from bot.updates.handling import Handling
from bot.updates.outbox import Outbox
from storage.db import is_unreachable
from storage.queries import inbox
from storage.queries.inbox import Claimed

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Leases that ran out before the update was done: its worker died on it (or the
# database was away long enough); after this many, it may be what kills them.
MAX_DEATHS = 5
RETRY_IN = timedelta(seconds=2)  # a failed update's next try
UNREACHABLE_RETRY = timedelta(seconds=5)
# How often an idle worker looks for updates another process stored (PostgreSQL); with
# SQLite there is no other process: this one's intake wakes it, the look is a safety net.
IDLE_POLL = {"postgresql": 0.5, "sqlite": 5.0}


# Characters no database column takes: NUL (PostgreSQL text) and lone surrogates (any
# UTF-8 encoder). JSON can carry both into an update; they become U+FFFD, one code point
# and one UTF-16 unit each, so entity offsets still point where they did.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: Any) -> Any:
    """An update's JSON with every string made storable (see `_UNSTORABLE`)."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [storable(item) for item in value]
    return value


class Workers:
    def __init__(
        self,
        app: Any,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        name: str,
        outbox: Outbox,
        *,
        concurrency: int,
        lease: timedelta,
        tell_failed: Any = None,
    ) -> None:
        self.app = app
        self.sessions = sessions
        self.clock = clock
        self.name = name
        self.outbox = outbox
        self.concurrency = concurrency
        self.lease = lease
        self.tell_failed = tell_failed  # async (chat_id, unreachable: bool) -> None
        self.wake = asyncio.Event()
        self.active: dict[int, asyncio.Task[None]] = {}
        # updates handled whose replies are still going out (paced per chat): they hold
        # no place among `concurrency`, so one person's burst never waits others out
        self.sending: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._loop_task: asyncio.Task[None] | None = None
        self._claim_failed = False
        self._idle_poll = IDLE_POLL.get(sessions.kw["bind"].dialect.name, 0.5)

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self._run(), name="magbot-workers")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming; let updates in hand finish (their leases would run out otherwise)
        and their replies go out."""
        self._stopping = True
        self.wake.set()
        if self._loop_task is not None:
            await self._loop_task
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace)

    def idle(self) -> bool:
        return (
            not self.active
            and not self.sending
            and not self.wake.is_set()
            and not self._claim_failed
        )

    async def _run(self) -> None:
        pause = 0.5
        while not self._stopping:
            self.wake.clear()
            free = self.concurrency - len(self.active)
            claimed: list[Claimed] = []
            if free > 0:
                try:
                    async with self.sessions.begin() as session:
                        claimed = await inbox.claim(
                            session, self.name, self.clock.now(), self.lease, free
                        )
                    self._claim_failed, pause = False, 0.5
                except Exception as exc:  # the database is away: the updates wait in the inbox
                    self._claim_failed = True
                    log.warning("could not claim updates: %s", type(exc).__name__)
                    await self._sleep(pause)
                    pause = min(10.0, pause * 2)
                    continue
            for item in claimed:
                task = asyncio.create_task(self._handle(item), name=f"update-{item.update_id}")
                self.active[item.update_id] = task
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            if claimed and len(claimed) == free:
                await self._sleep(None)  # full: the next finished update wakes us
            else:
                # all there was is in hand: new updates or a finished one wake us
                await self._sleep(self._idle_poll)

    async def _sleep(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), seconds)

    async def _handle(self, item: Claimed) -> None:
        held = Handling(item.update_id, item.chat_id, self.name, item.received_at)
        token = handling.CURRENT.set(held)
        handled = False
        try:
            await self._process(item, held)
            handled = True
        except Exception as exc:
            log.error("update %s: %s", item.update_id, type(exc).__name__)
        finally:
            handling.CURRENT.reset(token)
            # its place goes to the next update now: sending waits for the chat's own
            # pace, which must not hold up anyone else's handling
            self.active.pop(item.update_id, None)
            self.sending.add(item.update_id)
            self.wake.set()
        try:
            if handled:
                await self.outbox.deliver(
                    item.chat_id, fresh=held.replies, stored_at=held.replies_at
                )
        except Exception as exc:
            log.error("update %s replies: %s", item.update_id, type(exc).__name__)
        finally:
            self.sending.discard(item.update_id)

    async def _process(self, item: Claimed, held: Handling) -> None:
        if item.attempts >= MAX_DEATHS:
            # its worker died handling it, again and again: it may be what kills them
            await self._set_aside(item, "died handling it")
            return
        try:
            payload = storable(item.payload) if item.payload else None
            update = Update.de_json(payload, self.app.bot) if payload else None
        except Exception as exc:
            update, error = None, type(exc).__name__
        else:
            error = "empty"
        if update is None:
            await self._set_aside(item, f"undecodable: {error}")
            return
        await self.app.process_update(update)
        if held.failed is not None:
            await self._failed(item, held)
        elif not held.finished:
            # nothing was stored (a command that only answers, a refusal): done now,
            # after its reply went out, so a crash before this answers it again
            async with self.sessions.begin() as session:
                await inbox.finish(session, item.update_id, self.name, self.clock.now())

    async def _failed(self, item: Claimed, held: Handling) -> None:
        if held.unreachable and item.attempts == 0 and self.tell_failed is not None:
            # told now, once: giving the update back waits for the database
            await self.tell_failed(item.chat_id, True)
        aside = await self._release(item, held)
        if aside:
            log.error(
                "update %s set aside after %d tries: %s", item.update_id, MAX_ATTEMPTS, held.failed
            )
            if self.tell_failed is not None:
                await self.tell_failed(item.chat_id, False)

    async def _release(self, item: Claimed, held: Handling) -> bool:
        """Give a failed update back (True if set aside), waiting out a database outage.

        Until the database takes it, the update stays in hand (and its lease is renewed
        once the heartbeat gets through): left to run out, the lease would count as a
        worker dying on it, and keep the person waiting for the lease besides.
        """
        pause = 0.5
        while True:
            try:
                async with self.sessions.begin() as session:
                    if held.unreachable:
                        # not the update's fault: wait for the database without counting a try
                        await inbox.release(
                            session,
                            item.update_id,
                            self.name,
                            self.clock.now(),
                            error=held.failed or "unreachable",
                            retry_in=UNREACHABLE_RETRY,
                            max_attempts=10**9,
                        )
                        return False
                    return await inbox.release(
                        session,
                        item.update_id,
                        self.name,
                        self.clock.now(),
                        error=held.failed or "error",
                        retry_in=RETRY_IN,
                        max_attempts=MAX_ATTEMPTS,
                    )
            except Exception as exc:
                if self._stopping or not is_unreachable(exc):
                    raise
                log.warning(
                    "update %s waits for the database: %s", item.update_id, type(exc).__name__
                )
                await asyncio.sleep(pause)
                pause = min(10.0, pause * 2)

    async def _set_aside(self, item: Claimed, error: str) -> None:
        log.error("update %s set aside: %s", item.update_id, error)
        async with self.sessions.begin() as session:
            await inbox.set_aside(session, item.update_id, self.name, error)
        if self.tell_failed is not None and item.chat_id:
            await self.tell_failed(item.chat_id, False)
