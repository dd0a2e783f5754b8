"""Callback data as a tiny typed protocol: one frozen dataclass per button family.

A button's data is "prefix:action:field:field" (Telegram allows 64 bytes); a
family declared without an action reads the action as its first field (an enum),
and trailing `X | None` fields left empty are omitted.
Everything a button needs to be understood after a restart is in its data
(which attack, which prompt), never only in memory. `pack` writes one;
`unpack(data, *families)` reads it back as one of the families given, or None
for anything malformed, stale, forged or oversized, which the handler answers
politely. Numbers are checked to be small non-negative integers, so a forged
"99999999999999999999" never reaches the database.

    @button("dose", "took")
    class DoseTook(Button): prompt_id: int
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from enum import StrEnum
from typing import Any, ClassVar, TypeVar, dataclass_transform

MAX_BYTES = 64
MAX_INT = 2**31 - 1  # ids and values fit a 32-bit column; anything larger is forged


class Button:
    """Base of every button family; `button(prefix, action)` fills these in."""

    PREFIX: ClassVar[str] = ""
    ACTION: ClassVar[str] = ""


B = TypeVar("B", bound=Button)
_FAMILIES: dict[tuple[str, str], type[Button]] = {}


@dataclass_transform(frozen_default=True)
def button(prefix: str, action: str = "") -> Callable[[type[B]], type[B]]:
    """Declare a button family: a frozen dataclass whose fields follow "prefix:action"."""

    def declare(cls: type[B]) -> type[B]:
        if (prefix, action) in _FAMILIES:
            raise ValueError(f"two button families for {prefix}:{action}")
        cls.PREFIX, cls.ACTION = prefix, action
        frozen = dataclasses.dataclass(frozen=True)(cls)
        _FAMILIES[(prefix, action)] = frozen
        return frozen

    return declare


_TYPES: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _field_types(cls: type[Button]) -> tuple[tuple[str, Any], ...]:
    """Each field's name and type (read once per family: resolving hints compiles code)."""
    types = _TYPES.get(cls)
    if types is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        types = _TYPES[cls] = tuple((f.name, hints[f.name]) for f in fields)
    return types


def _write(value: object) -> str:
    if value is None:
        return ""
    text = str(value.value if isinstance(value, StrEnum) else value)
    if ":" in text:
        raise ValueError(f"':' in a callback field: {text!r}")
    return text


def pack(pressed: Button) -> str:
    fields = [_write(getattr(pressed, name)) for name, _ in _field_types(type(pressed))]
    while fields and fields[-1] == "":
        fields.pop()
    head = [pressed.PREFIX, pressed.ACTION] if pressed.ACTION else [pressed.PREFIX]
    data = ":".join([*head, *fields])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def _read(text: str, kind: Any) -> Any:
    """One field, or raises ValueError."""
    args = typing.get_args(kind)
    if type(None) in args:  # "X | None": empty means None
        if text == "":
            return None
        (kind,) = [a for a in args if a is not type(None)]
    if kind is int:
        if not text.isascii() or not text.isdigit() or len(text) > 10:
            raise ValueError("not a small number")
        number = int(text)
        if number > MAX_INT:
            raise ValueError("out of range")
        return number
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind(text)
    if kind is str:
        if not text:
            raise ValueError("empty")
        return text
    raise TypeError(f"unsupported callback field type {kind!r}")


def unpack(data: str | bytes | None, *families: type[B]) -> B | None:
    """The button `data` belongs to, if it is one of `families` and well formed."""
    if not isinstance(data, str) or not data or len(data.encode(errors="replace")) > MAX_BYTES:
        return None
    prefix, _, rest = data.partition(":")
    action, _, tail = rest.partition(":")
    family = _FAMILIES.get((prefix, action))
    if family is None:  # a family whose action is its first field
        family, tail = _FAMILIES.get((prefix, "")), rest
    if family is None or family not in families:
        return None
    types = _field_types(family)
    parts = tail.split(":") if tail else []
    optional = sum(1 for _, kind in types if type(None) in typing.get_args(kind))
    if not len(types) - optional <= len(parts) <= len(types):
        return None
    parts += [""] * (len(types) - len(parts))
    try:
        values = {name: _read(part, kind) for (name, kind), part in zip(types, parts, strict=True)}
    except ValueError:
        return None
    return family(**values)


def pattern(prefix: str) -> str:
    """The handler pattern for every family under `prefix`."""
    return rf"^{prefix}:"


# --- transitional: untyped data for handlers not yet moved to button families -----------


@dataclasses.dataclass(frozen=True)
class Callback:
    prefix: str
    action: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int | None:
        try:
            value = self.args[index]
        except IndexError:
            return None
        try:
            number: int = _read(value, int)
            return number
        except ValueError:
            return None


def make(prefix: str, action: str, *args: object) -> str:
    data = ":".join([prefix, action, *(str(a) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def parse(data: str | None, prefix: str) -> Callback | None:
    if not isinstance(data, str) or not data or len(data.encode(errors="replace")) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != prefix or not parts[1]:
        return None
    return Callback(parts[0], parts[1], tuple(parts[2:]))
