"""Inline keyboards from rows of (label, callback data), and what a person sees of HTML."""

from __future__ import annotations

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ui.callbacks import Button, pack

Rows = list[list[tuple[str, str]]]


def row(*buttons: tuple[str, Button]) -> list[tuple[str, str]]:
    """One row of buttons from (label, typed button)."""
    return [(label, pack(pressed)) for label, pressed in buttons]


def keyboard(rows: Rows | None) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in r] for r in rows]
    )


_TAG = re.compile(r"<[^<>]{0,200}>")


def plain(html_text: str) -> str:
    """What the person sees of one of our HTML texts (Telegram trims it too)."""
    return html.unescape(_TAG.sub("", html_text)).strip()
