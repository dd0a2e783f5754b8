"""Wake the dispatcher when a transaction commits a prompt due sooner than its next run.

The plan functions only take the session, and a prompt inserted by a handler
(a snooze, a 1-minute follow-up) must not wait for the dispatcher's 30-second
heartbeat. They note the earliest new due time on the session; once the
transaction commits, the dispatcher of this process running on the same engine
is told. Nothing is told on rollback. Another process finds the row on its
own heartbeat.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

Listener = Callable[[datetime], None]

_KEY = "magbot_wake_at"
_listeners: dict[Engine, list[Listener]] = {}


def listen(engine: AsyncEngine, listener: Listener) -> None:
    _listeners.setdefault(engine.sync_engine, []).append(listener)


def unlisten(engine: AsyncEngine, listener: Listener) -> None:
    found = _listeners.get(engine.sync_engine, [])
    if listener in found:
        found.remove(listener)
    if not found:
        _listeners.pop(engine.sync_engine, None)


def note(session: AsyncSession, when: datetime) -> None:
    """Remember that this transaction makes a prompt due at `when`."""
    sync = session.sync_session
    earliest = sync.info.get(_KEY)
    sync.info[_KEY] = when if earliest is None else min(earliest, when)
    if not event.contains(sync, "after_commit", _after_commit):
        event.listen(sync, "after_commit", _after_commit)
        event.listen(sync, "after_rollback", _after_rollback)


def _after_commit(sync: Session) -> None:
    when = sync.info.pop(_KEY, None)
    bind: Any = sync.bind
    if when is None or bind is None:
        return
    engine = bind if isinstance(bind, Engine) else getattr(bind, "engine", None)
    for listener in list(_listeners.get(engine, [])):  # type: ignore[arg-type]
        listener(when)


def _after_rollback(sync: Session) -> None:
    sync.info.pop(_KEY, None)
