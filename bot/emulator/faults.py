"""Faults a test injects into the Bot API: server errors, dropped connections, lost answers.

Real Telegram sometimes answers 500 or 502, and connections break. What a bot
must survive differs by when the break happens:

- `error`: the request is answered with a 5xx and not carried out (nothing sent);
- `drop`: the connection closes without an answer and the request is not carried out;
- `deliver_then_drop`: the request is carried out (the message is sent and recorded)
  and then the connection closes without an answer: the bot cannot know the message
  arrived. This is what makes a retried reply or prompt arrive twice.

A fault applies to the next `count` matching calls, or to every matching call for
`duration` seconds of real time, or (neither given) to every matching call until it
is cleared. It matches the methods named (any case), or by default every method
except getUpdates (so a polling bot still receives updates unless getUpdates is
named), and, with `chat_id`, only calls for that chat. `delay` waits that many
seconds before the answer (or the drop): longer than the client's read timeout, a
`deliver_then_drop` becomes a request that timed out after it was carried out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus
from typing import Any


class FaultKind(StrEnum):
    ERROR = "error"
    DROP = "drop"
    DELIVER_THEN_DROP = "deliver_then_drop"


@dataclass(slots=True)
class Fault:
    """One injected fault and how often it has struck."""

    id: int
    kind: FaultKind
    status: int
    methods: frozenset[str] | None
    """Lower-case method names; None for every method except getUpdates."""
    chat_id: int | None
    remaining: int | None
    """Calls it will still hit; None for no limit (until `expires_at` or cleared)."""
    expires_at: float | None
    """time.monotonic() after which it is spent; None for no time limit."""
    delay: float
    hits: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        name = method.lower()
        if self.methods is None:
            if name == "getupdates":
                return False
        elif name not in self.methods:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    def spent(self, now: float) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return True
        return self.expires_at is not None and now >= self.expires_at

    @property
    def description(self) -> str:
        """The error description sent with an `error` fault, as Telegram words it."""
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Internal Server Error"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "status": self.status,
            "methods": sorted(self.methods) if self.methods is not None else None,
            "chat_id": self.chat_id,
            "remaining": self.remaining,
            "seconds_left": (
                max(0.0, self.expires_at - time.monotonic())
                if self.expires_at is not None
                else None
            ),
            "delay": self.delay,
            "hits": self.hits,
        }


class FaultPlan:
    """The faults injected for one bot, checked in the order they were added."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1
        self._monotonic = monotonic

    def add(
        self,
        kind: FaultKind | str,
        *,
        status: int = 502,
        methods: Iterable[str] | None = None,
        chat_id: int | None = None,
        count: int | None = None,
        duration: float | None = None,
        delay: float = 0.0,
    ) -> Fault:
        kind = FaultKind(kind)
        if kind is FaultKind.ERROR and not 500 <= status <= 599:
            raise ValueError("an injected error is a 5xx status; Telegram's 4xx are not faults")
        if count is not None and count < 1:
            raise ValueError("count must be at least 1 (or None for no limit)")
        if duration is not None and duration <= 0:
            raise ValueError("duration must be positive seconds (or None for no limit)")
        if delay < 0:
            raise ValueError("delay must not be negative")
        names = frozenset(m.strip().lower() for m in methods if m.strip()) if methods else None
        fault = Fault(
            id=self._next_id,
            kind=kind,
            status=status,
            methods=names or None,
            chat_id=chat_id,
            remaining=count,
            expires_at=self._monotonic() + duration if duration is not None else None,
            delay=delay,
        )
        self._next_id += 1
        self._faults.append(fault)
        return fault

    def strike(self, method: str, chat_id: int | None) -> Fault | None:
        """The fault this call runs into, counted as struck; None for a normal answer."""
        now = self._monotonic()
        self._faults = [fault for fault in self._faults if not fault.spent(now)]
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    def clear(self, fault_id: int | None = None) -> None:
        """Remove one fault, or all of them."""
        if fault_id is None:
            self._faults.clear()
        else:
            self._faults = [fault for fault in self._faults if fault.id != fault_id]

    @property
    def active(self) -> list[Fault]:
        now = self._monotonic()
        return [fault for fault in self._faults if not fault.spent(now)]
