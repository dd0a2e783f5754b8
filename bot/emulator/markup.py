"""Checking reply_markup the way Telegram does: JSON shape, button kinds, 64-byte callback_data."""

from __future__ import annotations

import json
from typing import Any

from bot.emulator.errors import ApiError

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
MAX_CALLBACK_DATA_BYTES = 64


def _unparsable() -> ApiError:
    return ApiError.bad_request("can't parse reply keyboard markup JSON object")


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup[key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _unparsable()
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _unparsable()
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise ApiError.bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not data
            or len(data.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES
        ):
            raise ApiError.bad_request("BUTTON_DATA_INVALID")
    if "url" in button and (not isinstance(button["url"], str) or not button["url"].strip()):
        raise ApiError.bad_request(
            f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL"
        )


def parse_reply_markup(value: Any) -> dict[str, Any] | None:
    """Decode and check a reply_markup parameter (a JSON string or an already decoded object)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _unparsable() from None
    if not isinstance(value, dict):
        raise _unparsable()
    if "inline_keyboard" in value:
        for row in _rows(value, "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in value:
        for row in _rows(value, "keyboard"):
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise _unparsable()
    elif value.get("remove_keyboard") is not True and value.get("force_reply") is not True:
        raise _unparsable()
    return value


def inline_keyboard(markup: dict[str, Any] | None) -> dict[str, Any] | None:
    """The part of a markup that Telegram echoes back in a Message: inline keyboards only."""
    if markup is not None and "inline_keyboard" in markup:
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None


def callback_data_of(markup: dict[str, Any] | None) -> list[str]:
    """Every callback_data on an inline keyboard, row by row."""
    keyboard = inline_keyboard(markup)
    if keyboard is None:
        return []
    return [
        button["callback_data"]
        for row in keyboard["inline_keyboard"]
        for button in row
        if "callback_data" in button
    ]
