"""MIDAS in the chat: five questions, one at a time, every 3 months (migraine goal).

The questionnaire lives in the `midas` table, not in memory: each answer is
stored as it comes, and the next question is the first one still unanswered,
so a restart, a second process or a day's pause loses nothing. A question is
answered with one tap (`bot.domain.midas.QUICK_DAYS`) or a typed number of days
(the awaited answer `Awaiting.MIDAS`). Scored and graded once all five are in
(`bot.domain.midas`); the summary and the report show the result with its date.

It starts from the MIDAS prompt (`PromptKind.MIDAS`, planned by
bot.scheduling.plan) or with /midas, and can be declined or left at any point.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.diary import awaiting
from bot.diary.awaiting import Awaiting
from bot.diary.scope import Scope
from bot.diary.times import today
from bot.domain import midas as form
from bot.scheduling import plan
from storage.enums import MidasStatus, PromptKind, PromptStatus
from storage.models import Midas as MidasRow
from storage.queries import diary, prompts
from storage.queries import midas as rows

# A questionnaire left half-answered this long is dropped: its "last 3 months"
# have moved on. /midas or the next prompt starts a fresh one.
OPEN_FOR = timedelta(days=2)
# The MIDAS prompt's buttons keep working this long (a questionnaire about the
# last 3 months is no less true a few days later).
PROMPT_OPEN_FOR = timedelta(days=7)
COUNT = len(form.QUESTIONS)


@dataclass(frozen=True)
class Asking:
    """The next question to show (`index` 0-4)."""

    midas_id: int
    index: int
    resumed: bool = False  # an earlier start, carried on
    answered: int | None = None  # the answer just stored, to confirm it


@dataclass(frozen=True)
class Finished:
    result: form.Midas
    previous: form.Midas | None  # the last one before, to compare


@dataclass(frozen=True)
class Declined:
    """Not this time (from the prompt), or left half-answered: nothing scored."""

    stopped: bool = False  # left after starting, rather than declined at the prompt


@dataclass(frozen=True)
class Gone:
    """A button of a questionnaire already answered, left, or too old: nothing changed."""

    already: bool = False  # that question (or the prompt) was answered before


@dataclass(frozen=True)
class BadNumber:
    """A typed number that is not a count of days in 3 months: the question stays."""

    midas_id: int
    index: int


Step = Asking | Finished | Declined | Gone


def _next(row: MidasRow) -> int | None:
    """The first unanswered question, or None when all five are in."""
    return next((i for i, value in enumerate(row.answers) if value is None), None)


def _fresh(scope: Scope, row: MidasRow) -> bool:
    return row.status == MidasStatus.OPEN and scope.now - row.started_at < OPEN_FOR


def _ask(
    scope: Scope, row: MidasRow, *, resumed: bool = False, answered: int | None = None
) -> Asking:
    index = _next(row)
    assert index is not None
    awaiting.expect(scope.user, Awaiting.MIDAS, row.id)
    return Asking(row.id, index, resumed=resumed, answered=answered)


async def start(scope: Scope) -> Asking:
    """/midas: carry on with the questionnaire under way, or start a new one."""
    current = await rows.open_of(scope.session, scope.user.id)
    if current is not None and _fresh(scope, current):
        return _ask(scope, current, resumed=current.q1 is not None)
    await rows.close_open(scope.session, scope.user.id, scope.now)
    row = await diary.add(
        scope.session,
        MidasRow(user_id=scope.user.id, status=MidasStatus.OPEN, started_at=scope.now),
    )
    # asked now: a MIDAS prompt still waiting would ask again
    await plan.cancel_midas_prompts(scope.session, scope.user.id, "asked with /midas")
    return _ask(scope, row)


async def start_from_prompt(scope: Scope, prompt_id: int) -> Asking | Gone:
    """ "Start" on the MIDAS prompt."""
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.MIDAS,))
    if prompt is None:
        return Gone()
    if prompt.status == PromptStatus.ANSWERED:
        current = await rows.open_of(scope.session, scope.user.id)
        if current is not None and _fresh(scope, current):
            return _ask(scope, current, resumed=True)
        return Gone(already=True)
    if scope.now - prompt.scheduled_for > PROMPT_OPEN_FOR:
        await prompts.expire(scope.session, prompt, "expired")
        return Gone()
    if not await prompts.win(scope.session, prompt, scope.now, "started"):
        return Gone(already=True)
    return await start(scope)


async def decline_prompt(scope: Scope, prompt_id: int) -> Declined | Gone:
    """ "Not this time" on the MIDAS prompt: asked again in 3 months (or with /midas)."""
    prompt = await prompts.own(scope.session, scope.user.id, prompt_id, (PromptKind.MIDAS,))
    if prompt is None:
        return Gone()
    if not await prompts.win(scope.session, prompt, scope.now, "not this time"):
        return Gone(already=True)
    return Declined()


async def answer(scope: Scope, midas_id: int, index: int, days: int) -> Step:
    """One answer, tapped: stored, then the next question or the score."""
    row = await diary.owned(scope.session, MidasRow, scope.user.id, midas_id)
    if row is None or row.status != MidasStatus.OPEN:
        return Gone(already=row is not None)
    if index != _next(row) or not 0 <= days <= form.MAX_DAYS:
        return Gone(already=True)
    if not _fresh(scope, row):
        return await _drop(scope, row)
    setattr(row, f"q{index + 1}", days)
    if _next(row) is not None:
        return _ask(scope, row, answered=days)
    return await _finish(scope, row)


async def answer_typed(scope: Scope, midas_id: int, text: str) -> Step | BadNumber | None:
    """A typed answer to the open question; None when the text is not one (a check-in)."""
    row = await diary.owned(scope.session, MidasRow, scope.user.id, midas_id)
    if row is None or not _fresh(scope, row):
        awaiting.clear(scope.user, Awaiting.MIDAS, midas_id)
        return None
    index = _next(row)
    if index is None:
        return None
    days = form.read_days(text)
    if days is None:
        # a bare number out of range is a wrong answer; anything else is news
        return BadNumber(row.id, index) if text.strip().isdigit() else None
    return await answer(scope, row.id, index, days)


async def back(scope: Scope, midas_id: int, index: int) -> Asking | Gone:
    """ "◂ Back" on question `index`: the answer before it is asked again (a mis-tap)."""
    row = await diary.owned(scope.session, MidasRow, scope.user.id, midas_id)
    if row is None or row.status != MidasStatus.OPEN:
        return Gone(already=row is not None)
    if index != _next(row) or index == 0 or not _fresh(scope, row):
        return Gone(already=True)
    setattr(row, f"q{index}", None)
    return _ask(scope, row)


async def stop(scope: Scope, midas_id: int) -> Declined | Gone:
    """Leave the questionnaire: nothing scored, asked again in 3 months."""
    row = await diary.owned(scope.session, MidasRow, scope.user.id, midas_id)
    if row is None or row.status != MidasStatus.OPEN:
        return Gone(already=row is not None)
    await _drop(scope, row)
    return Declined(stopped=True)


async def _drop(scope: Scope, row: MidasRow) -> Gone:
    row.status, row.finished_at = MidasStatus.SKIPPED, scope.now
    awaiting.clear(scope.user, Awaiting.MIDAS, row.id)
    return Gone()


def _result(row: MidasRow) -> form.Midas:
    assert row.taken_on is not None
    q1, q2, q3, q4, q5 = (value or 0 for value in row.answers)
    return form.Midas(row.taken_on, (q1, q2, q3, q4, q5))


async def _finish(scope: Scope, row: MidasRow) -> Finished:
    before = await results(scope)
    row.status, row.finished_at, row.taken_on = MidasStatus.DONE, scope.now, today(scope)
    awaiting.clear(scope.user, Awaiting.MIDAS, row.id)
    await plan.cancel_midas_prompts(scope.session, scope.user.id, "answered")
    return Finished(_result(row), before[-1] if before else None)


async def results(scope: Scope) -> list[form.Midas]:
    """Every questionnaire answered in full, oldest first (for the summary and the report).

    One a day: taken again the same day (a redo after a slip), the later one counts.
    """
    by_day = {row.taken_on: _result(row) for row in await rows.done(scope.session, scope.user.id)}
    return list(by_day.values())
