"""Typed bot_data and the callback context type used by every handler (STYLE: typed context)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Settings


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


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
# The application as handlers see it, for their `register(app)`.
App = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotData, Any]
