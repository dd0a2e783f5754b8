"""`magbot demo --fill 90d`: the example diary (bot.domain.example_diary), stored first.

Each example message goes through the diary's own write path, the one every
typed check-in takes (`bot.diary.checkin.record_message`), so the rows, the
journal that /undo reads and the derived figures are what a person's messages
would have left. The person's settings go through the same setters as the
commands; prompts are held back while the past is written (a follow-up for an
attack of six weeks ago would only be marked missed) and start with the bot,
from the demo's now.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.diary import checkin, settings
from bot.diary.scope import unit
from bot.domain.example_diary import ExampleDiary


def _group(sent_at: datetime) -> int:
    """The journal group of an example message: its time in ms.

    Far above any update id, so /undo after the demo starts never takes an
    example message together with a typed one.
    """
    return int(sent_at.timestamp() * 1000)


async def fill(
    sessions: async_sessionmaker[AsyncSession], user_id: int, diary: ExampleDiary
) -> None:
    """Create the person with the diary's settings and store its messages; one transaction."""
    chosen = diary.settings
    start = chosen.created_at
    async with unit(sessions, user_id=user_id, chat_id=user_id, now=start, group=0) as scope:
        await settings.set_paused(scope, True)  # no prompts for the past; see above
        await settings.change(scope, settings.Setting.TIMEZONE, [chosen.timezone])
        plan = [f"{mg:g}mg {at:%H:%M}" for mg, at in chosen.dose_plan]
        await settings.change(scope, settings.Setting.DOSE, " ".join(plan).split() or ["off"])
        await settings.change(scope, settings.Setting.MORNING, [f"{chosen.morning_time:%H:%M}"])
        settings.set_profile(
            scope,
            goals=chosen.goals,
            magnesium_start=chosen.magnesium_start,
            kidney_disease=chosen.kidney_disease,
        )
        for message in diary.messages:
            moment = scope.at(message.sent_at, _group(message.sent_at))
            await checkin.record_message(moment, list(message.entries), message.raw_text)
        scope.user.paused = False
