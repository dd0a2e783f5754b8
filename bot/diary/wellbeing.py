"""Anxiety levels and side effects of the magnesium, each at the time the person named."""

from __future__ import annotations

from bot.diary import journal
from bot.diary.results import AnxietyLogged, Notice, SideEffectLogged, SplitDoseHint
from bot.diary.scope import Scope
from bot.diary.times import when
from bot.domain import safety
from bot.domain.entries import AnxietyEntry, SideEffectEntry
from storage.enums import EntryKind
from storage.models import Anxiety, SideEffect
from storage.queries import diary


async def record_anxiety(scope: Scope, entry: AnxietyEntry, raw: str) -> AnxietyLogged | None:
    if entry.level is None:
        return None
    row = await diary.add(
        scope.session,
        Anxiety(
            user_id=scope.user.id,
            at=when(scope, entry.at),
            level=max(0, min(10, round(entry.level))),
            raw_text=raw,
        ),
    )
    journal.note(scope, EntryKind.ANXIETY, row.id)
    return AnxietyLogged(row)


async def record_side_effect(
    scope: Scope, entry: SideEffectEntry, raw: str
) -> tuple[SideEffectLogged, list[Notice]] | None:
    """A side effect; stomach trouble twice in a week gets the split-the-dose hint."""
    if not entry.effects:
        return None
    at = when(scope, entry.at)
    row = await diary.add(
        scope.session,
        SideEffect(user_id=scope.user.id, at=at, effects=list(entry.effects), raw_text=raw),
    )
    journal.note(scope, EntryKind.SIDE_EFFECT, row.id)
    recent = await diary.side_effects_since(scope.session, scope.user.id, at - safety.GI_WINDOW)
    notices: list[Notice] = [SplitDoseHint()] if safety.recurring_gi(recent, at) else []
    return SideEffectLogged(row), notices
