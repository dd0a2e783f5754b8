"""Reading Bot API parameters the ways Telegram accepts them.

Telegram takes parameters from the query string, a JSON body, a urlencoded form
or a multipart form. In forms every value is a string and complex values
(reply_markup, commands, allowed_updates) are JSON-encoded strings; that is
what python-telegram-bot sends (`RequestData.json_parameters`). In a JSON body
they may be native values. `Params` hides the difference from the methods.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.emulator.errors import ApiError

# Parameters whose value is a JSON object or array, sent as a JSON string in forms.
_COMPLEX = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "link_preview_options",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "message_ids",
    }
)


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a multipart request."""

    file_name: str
    content_type: str
    data: bytes


class Params:
    """A request's parameters with Telegram's lenient typing."""

    def __init__(
        self, values: dict[str, Any], files: dict[str, UploadedFile] | None = None
    ) -> None:
        self._values = values
        self._files = files or {}

    def __contains__(self, name: str) -> bool:
        return name in self._values or name in self._files

    def raw(self, name: str) -> Any:
        return self._values.get(name)

    def string(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        return json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError.bad_request(f"{name} is not a valid number") from None

    def number(self, name: str) -> float | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError.bad_request(f"{name} is not a valid number") from None

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def decoded(self, name: str, *, error: str | None = None) -> Any:
        """A complex parameter: decoded if it arrived as a JSON string."""
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError.bad_request(error or f"can't parse {name} JSON object") from None

    def file(self, name: str) -> UploadedFile | str | None:
        """An uploaded file, or the string given instead (a file_id, URL or attach://name)."""
        if name in self._files:
            return self._files[name]
        value = self.string(name)
        if value and value.startswith("attach://"):
            return self._files.get(value.removeprefix("attach://"), value)
        return value

    def as_record(self) -> dict[str, Any]:
        """The parameters as a test wants to see them, whatever the encoding.

        Complex values are decoded from their JSON strings; files are summarised,
        never kept twice.
        """
        record: dict[str, Any] = {}
        for name, value in self._values.items():
            if name in _COMPLEX and isinstance(value, str):
                # Undecodable: recorded as sent; the method itself refuses it.
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            record[name] = value
        for name, upload in self._files.items():
            record[name] = {
                "file_name": upload.file_name,
                "content_type": upload.content_type,
                "size": len(upload.data),
            }
        return record


async def read_params(request: web.Request) -> Params:
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.body_exists:
        content_type = request.content_type
        if content_type == "application/json":
            body = await request.read()
            if body.strip():
                try:
                    decoded = json.loads(body)
                except ValueError:
                    raise ApiError.bad_request("can't parse JSON encoded request") from None
                if not isinstance(decoded, dict):
                    raise ApiError.bad_request("JSON encoded request must be an object")
                values.update(decoded)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    files[name] = UploadedFile(
                        file_name=value.filename,
                        content_type=value.content_type,
                        data=value.file.read(),
                    )
                else:
                    values[name] = value
    return Params(values, files)
