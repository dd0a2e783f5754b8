"""Which inbox update the current task is handling (a context variable).

Set by the worker around `Application.process_update`; read by the diary's
transaction (to mark the update done with its effects and queue the replies
in the outbox) and by the error handler (to report a failure to the worker).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Handling:
    update_id: int
    chat_id: int
    worker: str
    received_at: datetime
    finished: bool = False  # marked done with its effects
    failed: str | None = None  # the error's type name, when a handler raised
    unreachable: bool = False  # the failure was the database being down
    # the outbox rows committed with its effects: the worker sends them without
    # reading them back (storage.models.OutboxMessage)
    replies: list[Any] = field(default_factory=list)
    replies_at: float = 0.0  # time.monotonic() just before they were committed


CURRENT: ContextVar[Handling | None] = ContextVar("magbot_handling", default=None)


def current() -> Handling | None:
    return CURRENT.get()
