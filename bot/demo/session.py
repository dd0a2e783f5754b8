"""The demo's session: the emulator, the real bot, and the loop that reads the person's lines.

Data stays in a local SQLite file, so a second demo continues where the first
stopped. Piped input works line by line: each line waits until the bot has
settled, which makes `printf '/start\\n1\\n/quit\\n' | magbot demo` print the
same conversation every time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.demo.terminal import LineReader, TerminalChat, display_path, split_message
from bot.emulator.server import BotApiEmulator
from bot.logsafe import setup_logging
from storage.db import make_engine, upgrade
from storage.models import ProcessedUpdate

if TYPE_CHECKING:
    from bot.app import MagbotApp


# Shaped like a real token so that the log redaction applies to it as to a real one.
DEMO_TOKEN = "1000000001:demo-token-of-the-local-emulator-only"
DEMO_USER = 4242
DEMO_NAME = "Demo"
QUIT = "/quit"
# The bot counts as settled after this long without a Bot API call and with
# nothing in flight; a reply never takes longer than LIMIT to settle.
SETTLE_QUIET = 0.5
SETTLE_LIMIT = 20.0

BANNER = """\
magbot demo: the real bot, running against a local Telegram emulator.
No token, no network; your diary is kept in {db}.

Type a message and press Enter, as you would in Telegram. Try /start, then
something like "migraine since 2pm 6/10 nausea", /summary or /help.
Buttons show numbered, like [1] Took it  [2] Skip: type a number to press that
button on the latest message that has buttons.
/quit or Ctrl-D ends the demo.
"""


class _DemoSettings(Settings):
    """The demo's settings come from its own arguments only.

    No MAGBOT_* variable and no .env file is read: a real token or database URL
    set for `magbot run` must not leak into a demo, nor an allow-list lock it out.
    """

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def demo_settings(db_path: Path, api_base_url: str) -> Settings:
    return _DemoSettings(
        token=DEMO_TOKEN,  # type: ignore[arg-type]  # pydantic turns it into a SecretStr
        database_url=f"sqlite+aiosqlite:///{db_path}",
        api_base_url=api_base_url,
        log_level="WARNING",
    )


# --- the demo -------------------------------------------------------------------------------


async def _forget_update_ids(database_url: str) -> None:
    """Start this emulator's update ids afresh in the bot's memory of handled updates.

    A new emulator numbers updates from 1 again; ids remembered from an earlier
    demo would make the bot drop the new updates as redeliveries.
    """
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(delete(ProcessedUpdate))
    finally:
        await engine.dispose()


async def _settle(emu: BotApiEmulator, app: MagbotApp) -> None:
    """Wait until the bot has made no API call for SETTLE_QUIET s and has nothing in flight."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_LIMIT

    def busy_calls() -> int:
        return sum(1 for call in emu.calls if call.method != "getUpdates")

    seen = busy_calls()
    while loop.time() < deadline:
        await asyncio.sleep(SETTLE_QUIET)
        now = busy_calls()
        idle = (
            not emu.pending_updates
            and app.update_queue.empty()
            and app.update_processor.current_concurrent_updates == 0
            and getattr(app.bot.rate_limiter, "in_flight", 0) == 0
        )
        if now == seen and idle:
            return
        seen = now


async def _start_bot(settings: Settings) -> MagbotApp:
    """Build and start the application as `magbot run` does, polling the emulator."""
    # the bot's imports are heavy; the banner comes first
    from bot.app import build_application, start_embedded

    app = build_application(settings)
    await start_embedded(app)
    return app


async def _stop_bot(app: MagbotApp) -> None:
    if app.updater is not None and app.updater.running:
        # On a busy machine the updater's last getUpdates (to confirm what it
        # fetched) can time out waiting for the connection the cancelled long
        # poll held, and PTB logs that with a traceback. Unconfirmed updates mean
        # nothing to an emulator about to stop, so the demo does not show it.
        logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL)
    from bot.app import stop_embedded

    await stop_embedded(app)


async def _chat(db_path: Path, out: TextIO) -> None:
    interactive = sys.stdin.isatty()
    emu = BotApiEmulator(token=DEMO_TOKEN)
    await emu.start()
    app: MagbotApp | None = None
    chat = TerminalChat(emu, DEMO_USER, db_path.parent, out=out, interactive=interactive)
    try:
        settings = demo_settings(db_path, emu.base_url)
        await _forget_update_ids(settings.database_url)
        # Known to the emulator from the start, so that a prompt that falls due
        # before the first message (one left over from an earlier demo) arrives.
        emu.add_user(DEMO_USER, first_name=DEMO_NAME)
        emu.add_listener(chat.on_event)
        app = await _start_bot(settings)
        reader = LineReader(asyncio.get_running_loop(), sys.stdin.fileno())
        reader.start()
        while not chat.closed:
            await _settle(emu, app)
            if interactive:
                chat.write("you> ")
            chat.waiting_for_input = True
            line = await reader.readline()
            chat.waiting_for_input = False
            if line is None:  # Ctrl-D, or the end of piped input
                if interactive:
                    chat.write("\n")
                return
            text = line.strip()
            if not text:
                continue
            if not interactive:  # the terminal did not echo it: show the conversation
                chat.write(f"you> {text}\n\n")
            if text.casefold() == QUIT:
                return
            # A number presses a button; one that names no button is a message ("7").
            if text.isascii() and text.isdigit() and chat.press(int(text)):
                continue
            for part in split_message(text):
                emu.user_says(DEMO_USER, part, first_name=DEMO_NAME)
    finally:
        if app is not None:
            await _stop_bot(app)
        await emu.stop()


def run_demo(db_path: str) -> int:
    """Run the terminal chat until /quit, end of input or Ctrl-C; 0 when it ended cleanly."""
    path = Path(db_path).expanduser().resolve()
    setup_logging("WARNING", [DEMO_TOKEN])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"magbot: cannot create {path.parent} ({exc.strerror})", file=sys.stderr)
        return 2
    shown = display_path(path)
    _print(BANNER.format(db=shown))
    try:
        asyncio.run(_chat(path, sys.stdout))
    except KeyboardInterrupt:
        _print("")
    except (OSError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc  # the driver's words, not SQLAlchemy's
        print(f"magbot: the demo cannot use {shown}: {reason}", file=sys.stderr)
        return 1
    _print(f"Bye. Your demo diary stays in {shown}.")
    return 0


def _print(text: str) -> None:
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # Nobody reads any more; keep the interpreter from complaining on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
