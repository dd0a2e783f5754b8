"""`magbot demo --fill 90d`: the example diary (bot.domain.example_diary), stored first.

Each example message goes through the diary's own write path, the one every
typed check-in takes, so the rows, the journal that /undo reads and the
derived figures are what a person's messages would have left. The person's
settings are set as onboarding would have left them; prompts are held back
while the past is written (a follow-up for an attack of six weeks ago would
only be marked missed) and start with the bot, from the demo's now.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.entries import to_json
from bot.domain.example_diary import ExampleDiary, ExampleMessage
from storage import queries
from storage.models import User


async def store_message(
    session: AsyncSession, user: User, message: ExampleMessage, *, group: int
) -> None:
    """One example message into the diary, as if the person had just typed it.

    The demo's only call into the diary's write path.
    """
    from bot.entries import store_entries  # the bot's imports are heavy; the banner comes first

    await store_entries(
        session,
        user,
        [to_json(entry) for entry in message.entries],
        raw_text=message.raw_text,
        group=group,
        sent_at=message.sent_at,
        now=message.sent_at,
    )


def _group(sent_at: datetime) -> int:
    """The journal group of an example message: its time in ms, as the bot groups a button tap.

    Far above any update id, so /undo after the demo starts never takes an
    example message together with a typed one.
    """
    return int(sent_at.timestamp() * 1000)


async def fill(
    sessions: async_sessionmaker[AsyncSession], user_id: int, diary: ExampleDiary
) -> None:
    """Create the person with the diary's settings and store its messages; one transaction."""
    settings = diary.settings
    async with sessions.begin() as session:
        user = await queries.create_user(session, user_id, user_id, settings.created_at)
        user.timezone = settings.timezone
        user.goals = list(settings.goals)
        user.morning_time = settings.morning_time
        user.magnesium_start = settings.magnesium_start
        user.kidney_disease = settings.kidney_disease
        user.label_elemental = True
        user.onboarding_step = None
        user.awaiting = None
        user.paused = True  # no prompts for the past; see the module's docstring
        first_day = settings.created_at.date()
        await queries.set_dose_plan(session, user, list(settings.dose_plan), on=first_day)
        for message in diary.messages:
            await store_message(session, user, message, group=_group(message.sent_at))
        user.paused = False
