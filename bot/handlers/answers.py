"""The one registry of answerers: which code reads a typed answer the bot asked for.

The bot waits for at most one typed answer per person (`bot.diary.awaiting`,
kept in the database). The free-text handler asks the answerer of that kind
first; None means the text is not an answer (then it is read as a check-in and
the question stays open).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.diary import awaiting
from bot.diary.awaiting import Awaited, Awaiting
from bot.diary.scope import Scope
from bot.handlers import history, midas, onboarding, prompts, settings_cmds
from bot.handlers.common import Out

Answerer = Callable[
    [Scope, Awaited, str], Awaitable[tuple[list[Out], list[tuple[int, str]]] | None]
]

ANSWERERS: dict[Awaiting, Answerer] = {
    Awaiting.ONBOARDING: onboarding.answer_text,
    Awaiting.SETTING: settings_cmds.answer_text,
    Awaiting.EDIT_TIME: history.answer_time,
    Awaiting.DOSE_AMOUNT: prompts.answer_amount,
    Awaiting.MORNING: prompts.answer_morning_text,
    Awaiting.MIDAS: midas.answer_text,
}


@dataclass
class Answered:
    outs: list[Out]
    edits: list[tuple[int, str]] = field(default_factory=list)  # prompt messages to redraw


async def answer_awaited(scope: Scope, text: str) -> Answered | None:
    """The answer to the open question, if `text` is one."""
    asked = awaiting.awaited(scope.user)
    if asked is None:
        return None
    result = await ANSWERERS[asked.kind](scope, asked, text)
    return Answered(*result) if result is not None else None
