"""Which typed answer the bot is waiting for: a typed state kept on the person's row.

It lives in the database (`user.awaiting`, as "kind:ref"), never only in memory,
so a restart or a second process loses no half-answered question. One registry
of answerers (in the handlers) maps each kind to the code that reads the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.enums import Awaiting
from storage.models import User

__all__ = ["Awaited", "Awaiting", "awaited", "clear", "expect", "is_awaiting", "pattern"]


@dataclass(frozen=True)
class Awaited:
    kind: Awaiting
    ref: str = ""

    def ref_id(self) -> int | None:
        return int(self.ref) if self.ref.isascii() and self.ref.isdigit() else None


def awaited(user: User) -> Awaited | None:
    """What the person's next typed message may be answering, if anything."""
    kind, _, ref = (user.awaiting or "").partition(":")
    try:
        return Awaited(Awaiting(kind), ref)
    except ValueError:
        return None


def expect(user: User, kind: Awaiting, ref: object = "") -> None:
    user.awaiting = f"{kind.value}:{ref}"


def is_awaiting(user: User, kind: Awaiting, ref: object = "") -> bool:
    return user.awaiting == f"{kind.value}:{ref}"


def clear(user: User, kind: Awaiting | None = None, ref: object = "") -> None:
    """Stop waiting (only for that question, when one is named)."""
    if kind is None or is_awaiting(user, kind, ref):
        user.awaiting = None


def pattern(kind: Awaiting) -> str:
    """A SQL LIKE pattern for every question of one kind (the dispatcher's morning question)."""
    return f"{kind.value}:%"
