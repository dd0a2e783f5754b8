"""MIDAS in the chat at the database level: when its prompt is planned, and the
questionnaire's state kept in the `midas` table (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.diary import midas
from bot.diary.scope import unit
from bot.diary.summary import load as load_diary
from bot.scheduling import plan
from storage.enums import PromptKind
from storage.models import Midas, Prompt
from storage.queries import users as queries

Sessions = async_sessionmaker[AsyncSession]
JOINED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # Mon 1 June, 10:00 in Berlin


async def make_user(sessions: Sessions, *, goals: tuple[str, ...] = ("migraine",)) -> None:
    async with sessions.begin() as session:
        user = await queries.create_user(session, 1, 1, JOINED)
        user.timezone = "Europe/Berlin"
        user.goals = list(goals)
        await queries.set_dose_plan(session, user, [])


async def midas_prompts(sessions: Sessions) -> list[Prompt]:
    async with sessions() as session:
        query = select(Prompt).where(Prompt.kind == PromptKind.MIDAS).order_by(Prompt.id)
        return list((await session.scalars(query)).all())


async def materialise(sessions: Sessions, now: datetime) -> None:
    async with sessions.begin() as session:
        await plan.materialise_all(session, now)


def berlin(prompt: Prompt) -> str:
    return prompt.scheduled_for.astimezone(plan.sch.zone_of("Europe/Berlin")).strftime(
        "%a %d %b %H:%M"
    )


async def test_the_first_midas_comes_a_week_in_at_six_in_the_evening(sessions: Sessions) -> None:
    await make_user(sessions)
    await materialise(sessions, JOINED + timedelta(days=5))
    assert await midas_prompts(sessions) == []
    await materialise(sessions, JOINED + timedelta(days=6))
    [prompt] = await midas_prompts(sessions)
    assert (berlin(prompt), prompt.status) == ("Mon 08 Jun 18:00", "pending")
    await materialise(sessions, JOINED + timedelta(days=6, hours=12))  # nothing twice
    assert len(await midas_prompts(sessions)) == 1


async def test_only_people_with_the_migraine_goal_are_asked(sessions: Sessions) -> None:
    await make_user(sessions, goals=("sleep",))
    await materialise(sessions, JOINED + timedelta(days=7))
    assert await midas_prompts(sessions) == []


async def test_an_ignored_prompt_waits_three_months_like_an_answered_one(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    await materialise(sessions, JOINED + timedelta(days=7))
    async with sessions.begin() as session:
        [prompt] = (await session.scalars(select(Prompt))).all()
        prompt.status, prompt.sent_at = "sent", prompt.scheduled_for
    for days in (8, 30, 90):
        await materialise(sessions, JOINED + timedelta(days=days))
    assert len(await midas_prompts(sessions)) == 1
    await materialise(sessions, JOINED + timedelta(days=7 + 90))
    second = (await midas_prompts(sessions))[-1]
    assert berlin(second) == "Mon 07 Sep 18:00"  # 91 days after Mon 8 June


async def test_taking_it_with_the_command_cancels_the_prompt_and_counts(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    now = JOINED + timedelta(days=7)
    await materialise(sessions, now)
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=1) as scope:
        step = await midas.start(scope)
        assert isinstance(step, midas.Asking) and step.index == 0
        for index, days in enumerate((0, 1, 2, 3)):
            step = await midas.answer(scope, step.midas_id, index, days)
            assert isinstance(step, midas.Asking) and step.index == index + 1
        finished = await midas.answer_typed(scope, step.midas_id, "none")
    assert isinstance(finished, midas.Finished)
    assert (finished.result.score, finished.result.grade.name) == (6, "II")
    [prompt] = await midas_prompts(sessions)
    assert (prompt.status, prompt.outcome) == ("cancelled", "asked with /midas")
    await materialise(sessions, now + timedelta(days=60))
    assert len(await midas_prompts(sessions)) == 1
    async with unit(sessions, user_id=1, chat_id=1, now=now, group=2) as scope:
        diary = await load_diary(scope)
        assert scope.user.awaiting is None
    [result] = diary.midas
    assert (result.taken_on.isoformat(), result.answers) == ("2026-06-08", (0, 1, 2, 3, 0))


async def test_a_questionnaire_left_for_days_starts_afresh(sessions: Sessions) -> None:
    await make_user(sessions)
    async with unit(sessions, user_id=1, chat_id=1, now=JOINED, group=1) as scope:
        step = await midas.start(scope)
        assert isinstance(step, midas.Asking)
        await midas.answer(scope, step.midas_id, 0, 3)
    later = JOINED + midas.OPEN_FOR + timedelta(minutes=1)
    async with unit(sessions, user_id=1, chat_id=1, now=later, group=2) as scope:
        # a number typed days later is not read as question 2
        assert await midas.answer_typed(scope, step.midas_id, "2") is None
        assert scope.user.awaiting is None
        fresh = await midas.start(scope)
    assert isinstance(fresh, midas.Asking) and (fresh.index, fresh.resumed) == (0, False)
    async with sessions() as session:
        found = [(m.status, m.q1) for m in (await session.scalars(select(Midas))).all()]
    assert found == [("skipped", 3), ("open", None)]


async def test_a_forged_or_stale_answer_changes_nothing(sessions: Sessions) -> None:
    await make_user(sessions)
    async with unit(sessions, user_id=1, chat_id=1, now=JOINED, group=1) as scope:
        step = await midas.start(scope)
        assert isinstance(step, midas.Asking)
        results: list[Any] = [
            await midas.answer(scope, step.midas_id, 1, 3),  # not the open question
            await midas.answer(scope, step.midas_id, 0, 93),  # more days than 3 months have
            await midas.answer(scope, step.midas_id + 1, 0, 3),  # nobody's
        ]
    assert [type(r) for r in results] == [midas.Gone] * 3
    async with sessions() as session:
        [row] = (await session.scalars(select(Midas))).all()
    assert row.answers == [None] * 5


async def test_a_replan_keeps_the_planned_prompt_and_a_lost_goal_cancels_it(
    sessions: Sessions,
) -> None:
    await make_user(sessions)
    now = JOINED + timedelta(days=7)
    await materialise(sessions, now)
    for goals in (["migraine", "sleep"], ["sleep"]):
        async with unit(sessions, user_id=1, chat_id=1, now=now, group=1) as scope:
            scope.user.goals = goals
            await plan.replan_user(scope.session, scope.user, now)
        statuses = [p.status for p in await midas_prompts(sessions)]
        assert statuses == (["pending"] if "migraine" in goals else ["cancelled"])


async def test_taken_twice_the_same_day_the_later_one_counts(sessions: Sessions) -> None:
    await make_user(sessions)
    for group, days in ((1, 10), (2, 1)):
        async with unit(sessions, user_id=1, chat_id=1, now=JOINED, group=group) as scope:
            step: midas.Step = await midas.start(scope)
            for index in range(5):
                assert isinstance(step, midas.Asking)
                step = await midas.answer(scope, step.midas_id, index, days)
            assert isinstance(step, midas.Finished)
    async with unit(sessions, user_id=1, chat_id=1, now=JOINED, group=3) as scope:
        [result] = await midas.results(scope)
    assert result.score == 5
