"""Typed bot_data and the callback context type used by every handler (STYLE: typed context)."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings

T = TypeVar("T")


@dataclass
class BotData:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    clock: Clock
    # How a prompt the dispatcher sends reads (the UI's words, given to scheduling).
    render_prompt: Any = None
    # Set by bot.scheduling when the application starts; Any keeps APScheduler
    # types out of modules that do not schedule.
    scheduler: Any = None
    # This process's name in claims, leases and heartbeats (bot.scheduling.dispatch.process_name).
    worker_name: str = ""
    # The updates pipeline of this process (bot.updates.pipeline.Pipeline), once started.
    updates: Any = None
    # Each chat's time zone as last read: a long message is read before its transaction
    # (and read again in it, in the rare case the zone changed meanwhile).
    zones: dict[int, str] = field(default_factory=dict)
    # One process for CPU-heavy pure work (reading a long message), made on first use.
    _pool: ProcessPoolExecutor | None = field(default=None, repr=False)

    async def read_apart(self, fn: Callable[..., T], *args: Any) -> T:
        """Run pure, CPU-heavy work in another process, so the event loop stays free."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
# The application as handlers see it, for their `register(app)`.
App = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]
