"""Sending what the outbox holds: replies stored with the effects they confirm.

A payload is {"text": HTML, "rows": [[[label, callback data], ...], ...] | None,
"edit": message id | None}. Sent in order per chat, deleted once Telegram has
it (crossed off in batches: one DELETE for all the replies sent within
`CROSS_OFF_WITHIN`, instead of a transaction each; until then this process skips
them, and a process killed meanwhile sends them again, as it would any reply it
had sent and not yet crossed off). What Telegram refuses for good (the person
blocked the bot) is set aside; what fails for a while (5xx, no connection, after
the request layer's own retries) is tried again later with a growing pause, never
dropped. That holds for
a reply whose fate is unknown too (the connection dropped after the request went
out): nobody can tell whether Telegram took it, so it is sent again, and each
connection that drops after Telegram took a reply can show the person that reply
twice; counting it as delivered instead would lose every reply of a spell of
dropped connections longer than the first pause.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.clock import Clock
from storage.models import OutboxMessage
from storage.queries import outbox

log = logging.getLogger(__name__)

Rows = Sequence[Sequence[tuple[str, str]]]
READ_KEPT = 600.0  # seconds a chat's last read-back is remembered
CROSS_OFF_WITHIN = 0.05  # seconds: replies sent meanwhile are crossed off in one statement
CROSSED_KEPT = 120.0  # seconds a crossed-off row is remembered (a read waits at most 60 s)


def payload(text: str, rows: Rows | None = None, *, edit: int | None = None) -> dict[str, Any]:
    """What the outbox keeps of one message: its HTML text, its buttons, what it edits."""
    return {
        "text": text,
        "rows": [[[label, data] for label, data in row] for row in rows] if rows else None,
        "edit": edit,
    }


def _markup(rows: Any) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


async def send_payload(bot: Bot, chat_id: int, item: dict[str, Any]) -> Message | bool:
    """Send one payload; an edit of a message that is gone is sent as a new message."""
    markup = _markup(item.get("rows"))
    if item.get("edit") is not None:
        try:
            return await bot.edit_message_text(
                item["text"],
                chat_id=chat_id,
                message_id=int(item["edit"]),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:
            reason = str(exc).lower()
            if "not modified" in reason:
                return True
            if "not found" not in reason and "can't be edited" not in reason:
                raise
    return await bot.send_message(
        chat_id,
        item["text"],
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
        disable_web_page_preview=True,
    )


class Outbox:
    """This process's sender of outbox rows."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], bot: Bot, clock: Clock, worker: str
    ) -> None:
        self.sessions = sessions
        self.bot = bot
        self.clock = clock
        self.worker = worker
        # One sender per chat at a time: a worker delivering a chat's replies and the
        # heartbeat's sweep must not both send the same row (nor two replies out of order).
        self._chats: dict[int, asyncio.Lock] = {}
        # Chats that may have older replies waiting here (a send that failed, rows of an
        # earlier run or of a stopped process): None while unknown. A worker's fresh
        # replies to any other chat go out as they were stored, without reading them back.
        self._backlog: set[int] | None = None
        self._marked: set[int] = set()  # chats marked while the backlog was being read
        # When each chat's replies were last read back (time.monotonic()): a read after
        # a worker stored its fresh rows may have sent them before the worker got the
        # chat's turn, so the worker reads back too. (Not row ids: SQLite reuses them.)
        self._read_at: dict[int, float] = {}
        # Sent, not yet crossed off (deleted): never sent again by this process. And when
        # each row crossed off lately was (time.monotonic() after the commit): a read that
        # began before that commit may still return it (see `_sent`).
        self._crossing: set[int] = set()
        self._crossed: dict[int, float] = {}
        self._cross_task: asyncio.Task[None] | None = None

    def _lock(self, chat_id: int) -> asyncio.Lock:
        if len(self._chats) > 10_000:  # forget idle chats
            self._chats = {c: lock for c, lock in self._chats.items() if lock.locked()}
        return self._chats.setdefault(chat_id, asyncio.Lock())

    def mark(self, chat_ids: Iterable[int]) -> None:
        """These chats may have older replies waiting here (a failed send, an adopted row):
        their next replies are read back in order, until a sweep finds none left."""
        for chat_id in chat_ids:
            self._marked.add(chat_id)
            if self._backlog is not None:
                self._backlog.add(chat_id)

    async def deliver(
        self,
        chat_id: int | None = None,
        *,
        fresh: Sequence[OutboxMessage] | None = None,
        stored_at: float = 0.0,
    ) -> int:
        """Send what is due (of one chat, or all of this worker's); how many went out.

        `fresh`: the rows a worker committed for `chat_id` (`stored_at`, on
        time.monotonic(), just before the commit); sent as they are when nothing
        older of that chat waits here and nobody read the chat's rows since.
        """
        if chat_id is not None:
            async with self._lock(chat_id):
                if fresh and (  # none stored: nothing a read could have sent already
                    self._read_at.get(chat_id, -1.0) >= stored_at
                    or time.monotonic() - stored_at > READ_KEPT  # older than we remember
                ):
                    fresh = None
                return await self._deliver_chat(chat_id, fresh)
        self._marked = set()
        await self.cross_off()  # what waits to be crossed off must not fill the read
        async with self.sessions() as session:
            began = time.monotonic()
            due = await outbox.due(session, self.worker, self.clock.now())
        delivered = 0
        for chat in dict.fromkeys(row.chat_id for row in due if not self._sent(row.id, began)):
            async with self._lock(chat):
                delivered += await self._deliver_chat(chat, None)
        async with self.sessions() as session:
            waiting = await outbox.pending_chats(session, self.worker)
        self._backlog = set(waiting) | self._marked
        return delivered

    async def _deliver_chat(self, chat_id: int, fresh: Sequence[OutboxMessage] | None) -> int:
        """A chat's due replies, in order; stops at one that must wait (to keep the order)."""
        if fresh is not None and self._backlog is not None and chat_id not in self._backlog:
            rows = list(fresh)
        else:
            async with self.sessions() as session:
                began = time.monotonic()
                due = await outbox.due(session, self.worker, self.clock.now(), chat_id=chat_id)
            rows = [row for row in due if not self._sent(row.id, began)]
            # when the read returned, not when it was asked for: it may have waited for a
            # connection and seen rows committed meanwhile
            now = time.monotonic()
            if len(self._read_at) > 10_000:
                self._read_at = {c: t for c, t in self._read_at.items() if t > now - READ_KEPT}
            self._read_at[chat_id] = now
        delivered = 0
        for row in rows:
            if not await self._send(row):
                break
            delivered += 1
        return delivered

    async def _send(self, row: OutboxMessage) -> bool:
        try:
            await send_payload(self.bot, row.chat_id, row.payload)
        except Forbidden:
            log.info("outbox %s: the person blocked the bot; set aside", row.id)
            await self._record(outbox.give_up, row.id)
            return True
        except BadRequest as exc:
            log.warning("outbox %s refused: %s; set aside", row.id, type(exc).__name__)
            await self._record(outbox.give_up, row.id)
            return True
        except TelegramError as exc:
            log.warning("outbox %s not sent (%s); will retry", row.id, type(exc).__name__)
            await self._later(row)
            return False
        self._crossing.add(row.id)
        if self._cross_task is None or self._cross_task.done():
            self._cross_task = asyncio.create_task(self._cross_off_soon())
        return True

    async def _cross_off_soon(self) -> None:
        await asyncio.sleep(CROSS_OFF_WITHIN)
        try:
            await self.cross_off()
        except Exception as exc:  # the database is away: they wait here for the next try
            log.warning("could not cross off sent replies: %s", type(exc).__name__)

    async def cross_off(self) -> None:
        """Delete the rows sent so far, in one statement (raises if the database is away;
        they stay to be crossed off, and are not sent again by this process)."""
        if not self._crossing:
            return
        ids = list(self._crossing)
        async with self.sessions.begin() as session:
            await outbox.sent(session, ids)
        # only once committed (if the commit fails they stay, and are not sent again)
        done = time.monotonic()
        for row_id in ids:  # kept in the order crossed off, so the oldest are first
            self._crossed.pop(row_id, None)
            self._crossed[row_id] = done
        stale = []  # what no read can still see: the oldest, up to the first kept
        for row_id, at in self._crossed.items():
            if at > done - CROSSED_KEPT:
                break
            stale.append(row_id)
        for row_id in stale:
            del self._crossed[row_id]
        self._crossing.difference_update(ids)

    def _sent(self, row_id: int, read_began: float) -> bool:
        """Whether a row a read returned was sent already: waiting to be crossed off, or
        crossed off after the read began (the read saw the database before the delete).
        A row that took a crossed-off row's id (SQLite gives ids out again) was stored
        after that delete; a read that began before the delete sees it only if it waited
        for the connection that long, and then leaves it to the next read or the
        heartbeat's sweep: late, never lost."""
        return row_id in self._crossing or self._crossed.get(row_id, -1.0) >= read_began

    async def close(self) -> None:
        """Cross off what was sent, before the process stops."""
        if self._cross_task is not None:
            self._cross_task.cancel()  # no need to wait out its pause (a cut commit rolls back)
            await asyncio.wait([self._cross_task])
        try:
            await self.cross_off()
        except Exception as exc:
            log.warning("stopping with sent replies not crossed off: %s", type(exc).__name__)

    async def _later(self, row: OutboxMessage) -> None:
        self.mark([row.chat_id])
        at: datetime = self.clock.now() + outbox.backoff(row.attempts)
        async with self.sessions.begin() as session:
            await outbox.retry_later(session, row.id, at)

    async def _record(self, action: Any, row_id: int) -> None:
        async with self.sessions.begin() as session:
            await action(session, row_id)
