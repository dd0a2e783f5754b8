"""Time as the bot sees it, replaceable in tests so no test sleeps for hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class ShiftedClock:
    """Real time moved ahead by an offset that only grows: it runs, and it can jump forward.

    Everything around the bot keeps real time (APScheduler, the network, a person
    typing); `jump_to` skips the hours in between, so a clock reading never goes back.
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        self._offset = timedelta(0) if start is None else start - datetime.now(UTC)

    @property
    def offset(self) -> timedelta:
        """How far this clock is from real time (negative when it started in the past)."""
        return self._offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def jump_to(self, when: datetime) -> None:
        """Read `when` from now on, and run on from there; a time already past changes nothing."""
        if when.tzinfo is None:
            raise ValueError("jump_to needs an aware datetime")
        ahead = when - self.now()
        if ahead > timedelta(0):
            self._offset += ahead
