"""The outbox: each stored reply is sent once, in order, even when two senders meet."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.updates.outbox import Outbox, payload
from storage.models import OutboxMessage
from storage.queries import outbox

Sessions = async_sessionmaker[AsyncSession]


class SlowBot:
    """Takes a moment per send, so two senders overlap."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        await asyncio.sleep(0.02)
        self.sent.append((chat_id, text))
        return SimpleNamespace(message_id=len(self.sent))


async def test_a_worker_and_the_heartbeat_sweep_never_send_one_reply_twice(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        for chat in (1, 2):
            await outbox.add(
                session,
                chat,
                [payload(f"reply {n} to {chat}") for n in range(3)],
                update_id=None,
                worker="me",
                now=datetime.now(UTC),
            )
    bot = SlowBot()
    sender = Outbox(sessions, bot, SystemClock(), "me")  # type: ignore[arg-type]
    # the worker delivers chat 1 while the heartbeat sweeps everything
    await asyncio.gather(sender.deliver(1), sender.deliver(), sender.deliver(1))
    assert sorted(bot.sent) == [(c, f"reply {n} to {c}") for c in (1, 2) for n in range(3)]
    assert [text for chat, text in bot.sent if chat == 1] == [f"reply {n} to 1" for n in range(3)]
    await sender.close()
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def _store(sessions: Sessions, chat: int, text: str) -> list[OutboxMessage]:
    """One reply to `chat` stored in a transaction of its own, as a worker stores it."""
    async with sessions.begin() as session:
        return await outbox.add(
            session, chat, [payload(text)], update_id=None, worker="me", now=datetime.now(UTC)
        )


async def _one_reply_each(sessions: Sessions, chats: range, text: str) -> list[list[OutboxMessage]]:
    """One reply stored for each chat; the rows of each chat."""
    return [await _store(sessions, chat, f"{text} {chat}") for chat in chats]


async def test_sent_replies_are_crossed_off_together_and_never_sent_twice_meanwhile(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten replies to ten people go out at once: one DELETE crosses them all off, and a
    read-back of a chat before it (the chat's next reply) does not send them again."""
    engine = sessions.kw["bind"].sync_engine
    deletes: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("DELETE FROM OUTBOX_MESSAGE"):
            deletes.append(statement)

    chats = range(1, 11)
    await _one_reply_each(sessions, chats, "hi")
    bot = SlowBot()
    sender = Outbox(sessions, bot, SystemClock(), "me")  # type: ignore[arg-type]
    await sender.deliver()  # the first sweep sends them all
    await sender.close()
    bot.sent.clear()
    monkeypatch.setattr("bot.updates.outbox.CROSS_OFF_WITHIN", 30.0)  # no flush by itself
    event.listen(engine, "before_cursor_execute", count)
    try:
        stored = await _one_reply_each(sessions, chats, "again")
        stored_at = time.monotonic()
        await asyncio.gather(
            *(
                sender.deliver(chat, fresh=rows, stored_at=stored_at)
                for chat, rows in zip(chats, stored, strict=True)
            )
        )
        await sender.deliver(3)  # a read-back of chat 3 before the rows are crossed off
        async with sessions() as session:  # still there, waiting to be crossed off
            assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 10
        await sender.close()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sorted(bot.sent) == sorted((chat, f"again {chat}") for chat in chats)
    assert len(deletes) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_fresh_rows_a_sweep_already_sent_are_not_sent_again(sessions: Sessions) -> None:
    """The heartbeat's sweep can read a worker's just-committed replies and send them
    before the worker gets the chat's turn: the worker then sends nothing."""
    bot = SlowBot()
    sender = Outbox(sessions, bot, SystemClock(), "me")  # type: ignore[arg-type]
    await sender.deliver()  # the first sweep: nothing waits here
    for n in range(2):  # twice: SQLite gives the second row the first one's id again
        stored_at = time.monotonic()
        rows = await _store(sessions, 1, f"reply {n}")
        await sender.deliver()  # the sweep
        await sender.deliver(1, fresh=rows, stored_at=stored_at)  # the worker, its turn come
        # and a fresh row nobody read back goes out as it was stored
        stored_at = time.monotonic()
        rows = await _store(sessions, 1, f"more {n}")
        await sender.deliver(1, fresh=rows, stored_at=stored_at)
    assert bot.sent == [(1, "reply 0"), (1, "more 0"), (1, "reply 1"), (1, "more 1")]
    await sender.close()


async def test_a_read_that_waited_for_the_connection_counts_from_when_it_returned(
    sessions: Sessions,
) -> None:
    """A sweep asks for a chat's rows while a worker's transaction holds the connection
    (SQLite has one); its read runs after the worker's commit and sends the fresh row:
    the worker must not send it again."""
    bot = SlowBot()
    sender = Outbox(sessions, bot, SystemClock(), "me")  # type: ignore[arg-type]
    await sender.deliver()  # the first sweep: nothing waits here
    async with sessions.begin() as session:
        await outbox.pending_chats(session, "me")  # the worker's transaction has begun
        sweep = asyncio.create_task(sender.deliver(1))  # a read of chat 1, kept waiting
        await asyncio.sleep(0.05)
        stored_at = time.monotonic()
        rows = await outbox.add(
            session, 1, [payload("reply")], update_id=None, worker="me", now=datetime.now(UTC)
        )
    await sweep
    await sender.deliver(1, fresh=rows, stored_at=stored_at)
    assert bot.sent == [(1, "reply")]
    await sender.close()


async def test_a_read_that_began_before_its_rows_were_crossed_off_does_not_send_them_again(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a read of a chat can see a sent row and return after the row was
    crossed off (deleted) by another task: it was sent, and must not go out twice."""
    monkeypatch.setattr("bot.updates.outbox.CROSS_OFF_WITHIN", 30.0)  # crossed off by hand
    bot = SlowBot()
    sender = Outbox(sessions, bot, SystemClock(), "me")  # type: ignore[arg-type]
    await sender.deliver()  # the first sweep: nothing waits here
    stored_at = time.monotonic()
    rows = await _store(sessions, 1, "reply")
    await sender.deliver(1, fresh=rows, stored_at=stored_at)
    async with sessions() as session:
        seen = await outbox.due(session, "me", datetime.now(UTC), chat_id=1)
    assert [row.id for row in seen] == [row.id for row in rows]

    async def read_then_crossed_off(*_args: Any, **_kwargs: Any) -> Any:
        await sender.cross_off()  # commits while the read is under way
        return seen  # what the read saw before that commit

    monkeypatch.setattr(outbox, "due", read_then_crossed_off)
    await sender.deliver(1)  # a read-back of the chat
    assert bot.sent == [(1, "reply")]
    await sender.close()
