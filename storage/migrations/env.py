"""Alembic environment: migrations run on a connection the caller hands in.

`storage.db.upgrade()` passes a connection through `config.attributes`; the
`alembic` command line (for writing new revisions) builds one from
MAGBOT_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    # Render our UTC type as the plain column type it stores as, so migrations
    # do not import application code that may change later.
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs batch mode to alter tables
        render_item=_render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with_url() -> None:
    from storage.db import make_engine

    async def go() -> None:
        engine = make_engine(os.environ.get("MAGBOT_DATABASE_URL", "sqlite:///magbot.db"))
        async with engine.begin() as conn:
            await conn.run_sync(_run)
        await engine.dispose()

    asyncio.run(go())


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    _run_with_url()
