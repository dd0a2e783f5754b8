"""The two ways the emulator says no: a Bot API refusal, and a test that waited in vain."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A request Telegram refuses: answered with `{"ok": false, ...}` and this status."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        return cls(400, f"Bad Request: {detail}")

    @classmethod
    def forbidden(cls, detail: str) -> ApiError:
        return cls(403, f"Forbidden: {detail}")

    @classmethod
    def conflict(cls, detail: str) -> ApiError:
        return cls(409, f"Conflict: {detail}")

    @classmethod
    def too_many_requests(cls, retry_after: int) -> ApiError:
        return cls(
            429,
            f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class EmulatorTimeoutError(TimeoutError):
    """A wait_for* ran out of time; the message lists what the emulator did receive."""
