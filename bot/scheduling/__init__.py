"""Prompts that arrive on time, once (DESIGN §5).

- `start(app)` / `stop(app)`: start and stop the in-memory APScheduler that
  drives the dispatcher and housekeeping (bot.scheduling.service); called from
  the application's post_init / post_shutdown.
- `bot.scheduling.plan`: `replan_user`, `schedule_followups`, `cancel_followups`,
  `schedule_recurrence_check`, `cancel_all` — database-only functions that take
  the session, called by the diary's use cases inside their transaction.
- `bot.scheduling.dispatch`: claiming, deciding and sending due prompts. How a
  prompt reads is the UI's business: the composition root hands the dispatcher
  a `render` function (`bot.ui.prompts.render_markup`).
"""

from __future__ import annotations

from typing import Any


async def start(app: Any) -> None:
    """Start the scheduler of this process; the first dispatch round runs at once."""
    from bot.scheduling.service import PromptScheduler

    data = app.bot_data
    scheduler = PromptScheduler(
        data.sessions,
        data.engine,
        app.bot,
        data.clock,
        send_rate=data.settings.send_rate,
        render=data.render_prompt,
        name=data.worker_name,
        paid_broadcast=data.settings.paid_broadcast,
    )
    await scheduler.start()
    data.scheduler = scheduler


async def stop(app: Any) -> None:
    """Stop it, letting a round in progress finish its sends."""
    scheduler = app.bot_data.scheduler
    if scheduler is not None:
        await scheduler.stop()
        app.bot_data.scheduler = None
