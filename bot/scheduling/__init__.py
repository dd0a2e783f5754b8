"""Prompts that arrive on time, once (DESIGN §5).

Contract used by the rest of the bot (the scheduling work fills it in):
- `start(app)` / `stop(app)`: start and stop the in-memory APScheduler that
  drives the dispatcher and housekeeping; called from the application's
  post_init / post_shutdown.
- `bot.scheduling.plan`: `replan_user`, `schedule_followups`, `cancel_followups`,
  `schedule_recurrence_check`, `cancel_all` — database-only functions that take
  the session.
"""

from __future__ import annotations

from typing import Any


async def start(app: Any) -> None:
    """Start the scheduler (filled in by the scheduling work)."""


async def stop(app: Any) -> None:
    """Stop the scheduler."""
