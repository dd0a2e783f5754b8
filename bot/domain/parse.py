"""Understand a free-text check-in: the API the bot and `magbot parse` call.

`parse` returns diary entries (DESIGN §4) with every field of their type;
`parse_dose_amount` reads the reply to the dose prompt's "Other amount".
The work is done in `bot.domain.parsing`; this module is the stable facade
(`bot.domain.parsing` exports the same two functions).
"""

from __future__ import annotations

from bot.domain.parsing import Entry, parse, parse_dose_amount

__all__ = ["Entry", "parse", "parse_dose_amount"]
