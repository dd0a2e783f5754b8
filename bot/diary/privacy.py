"""A person's data: all of it back (export), or none of it (erase) — DESIGN §8."""

from __future__ import annotations

from bot.diary.scope import Scope
from bot.domain.export import build_export
from storage.queries import inbox, outbox, users


async def export(scope: Scope) -> bytes:
    """Every row of the person, one CSV per table plus JSON, times in their zone."""
    tables = await users.export_rows(scope.session, scope.user.id)
    return build_export(tables, scope.user.timezone)


async def erase(scope: Scope) -> None:
    """Every row of the person: their settings, pending prompts, and what they wrote that
    still waits in the inbox or the outbox."""
    await users.delete_user_data(scope.session, scope.user.id)
    await inbox.erase_chat(scope.session, scope.user.chat_id, keep=scope.group)
    await outbox.erase_chat(scope.session, scope.user.chat_id)
