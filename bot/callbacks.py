"""Callback data as a tiny typed protocol: "prefix:action:arg:arg".

Telegram allows 64 bytes. Everything a button needs to be understood after a
restart is in its data (which attack, which prompt), never only in memory.
Anything malformed or stale parses to None and is answered politely.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64


@dataclass(frozen=True)
class Callback:
    prefix: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int | None:
        try:
            return int(self.args[index])
        except (IndexError, ValueError):
            return None


def make(prefix: str, action: str, *args: object) -> str:
    data = ":".join([prefix, action, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None, prefix: str) -> Callback | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != prefix or not parts[1]:
        return None
    return Callback(parts[0], parts[1], tuple(parts[2:]))
