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
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.clock import Clock, ShiftedClock
from bot.config import Settings
from bot.demo import timetravel
from bot.demo.terminal import LineReader, TerminalChat, display_path, refusal
from bot.domain.schedule import zone_of
from bot.emulator.server import BotApiEmulator
from bot.logsafe import setup_logging
from storage import queries
from storage.db import make_engine, make_sessionmaker, upgrade
from storage.models import JournalEntry, ProcessedUpdate, Prompt

if TYPE_CHECKING:
    from bot.app import MagbotApp


# Shaped like a real token so that the log redaction applies to it as to a real one.
DEMO_TOKEN = "1000000001:demo-token-of-the-local-emulator-only"
DEMO_USER = 4242
DEMO_NAME = "Demo"
DEFAULT_DB = "magbot-demo.db"
EXAMPLE_NOW = "2025-03-11T15:00+00:00"
QUIT = "/quit"
# The bot counts as settled after this long without a Bot API call and with
# nothing in flight; a reply never takes longer than LIMIT to settle.
SETTLE_QUIET = 0.5
SETTLE_LIMIT = 20.0

BANNER = """\
magbot demo: the real bot, running against a local Telegram emulator.
No token, no network; your diary is kept in {db},
the charts, reports and exports it sends are saved in {files}/.

Type a message and press Enter, as you would in Telegram. Try /start, then
something like "migraine since 2pm 6/10 nausea", /summary or /help.
Buttons show numbered, like [1] Took it  [2] Skip: type a number to press that
button on the latest message that has buttons.
{help}
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


def files_dir_for(db_path: Path) -> Path:
    """The one folder where a demo saves what the bot sends as files: beside its database."""
    return db_path.with_name(f"{db_path.stem}-files")


async def _prepare_database(database_url: str) -> datetime | None:
    """Migrate, forget handled update ids, and say when the diary last saw anything happen.

    A new emulator numbers updates from 1 again; ids remembered from an earlier
    demo would make the bot drop the new updates as redeliveries. The last
    moment something was stored or a prompt was sent or answered is where the
    clock of an earlier demo stood (perhaps days ahead after /wait): a new demo
    never starts before it, or its diary would lie in the future.
    """
    engine = make_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(delete(ProcessedUpdate))
        async with make_sessionmaker(engine)() as session:
            marks = [
                await session.scalar(select(func.max(JournalEntry.created_at))),
                await session.scalar(select(func.max(Prompt.sent_at))),
                await session.scalar(select(func.max(Prompt.answered_at))),
            ]
    finally:
        await engine.dispose()
    return max((mark for mark in marks if mark is not None), default=None)


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


async def _start_bot(settings: Settings, clock: Clock) -> MagbotApp:
    """Build and start the application as `magbot run` does, polling the emulator."""
    # the bot's imports are heavy; the banner comes first
    from bot.app import build_application, start_embedded

    app = build_application(settings, clock=clock)
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


async def _person(app: MagbotApp) -> tuple[ZoneInfo, time | None]:
    """The demo person's time zone and morning check-in time, as the bot has them now."""
    async with app.bot_data.sessions() as session:
        user = await queries.get_user(session, DEMO_USER)
    if user is None:
        return ZoneInfo("UTC"), None
    return zone_of(user.timezone), user.morning_time


def _clock_line(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{local:%a %d %b %H:%M} ({zone.key})"


@dataclass
class Demo:
    """One demo run: the emulator, the bot, the clock they share and the terminal."""

    emu: BotApiEmulator
    app: MagbotApp
    clock: ShiftedClock
    chat: TerminalChat

    async def settle(self) -> None:
        await _settle(self.emu, self.app)

    async def travel(self, command: str) -> None:
        """/wait or /tomorrow: walk the clock forward through what falls due."""
        zone, morning = await _person(self.app)
        try:
            target = timetravel.wait_target(command, self.clock.now(), zone, morning)
        except timetravel.BadWait as exc:
            self.chat.note(str(exc))
            return

        def heading(step: datetime) -> None:
            self.chat.heading = f"── {step.astimezone(zone):%a %d %b %H:%M} ──"

        machine = timetravel.TimeMachine(
            self.clock, self.app.bot_data.scheduler.run_due_now, heading
        )
        await machine.travel_to(target)
        await self.settle()
        self.chat.heading = None
        self.chat.note(f"It is now {_clock_line(self.clock.now(), zone)}.")

    async def say(self, text: str) -> None:
        """The person sends `text`: a demo command, a button number, or a message to the bot."""
        command = text.split()[0].casefold()
        if command in timetravel.COMMANDS:
            await self.travel(text)
            return
        # A number presses a button; one that names no button is a message ("7").
        if text.isascii() and text.isdigit() and self.chat.press(int(text)):
            return
        refused = refusal(text)
        if refused is not None:
            self.chat.note(refused)
            return
        self.emu.user_says(DEMO_USER, text, first_name=DEMO_NAME)
        if command == "/help":
            await self.settle()
            self.chat.note(timetravel.HELP)


async def _chat(db_path: Path, out: TextIO, start: datetime | None) -> None:
    interactive = sys.stdin.isatty()
    settings_url = f"sqlite+aiosqlite:///{db_path}"
    last_seen = await _prepare_database(settings_url)
    if start is None and last_seen is not None and last_seen > datetime.now(UTC):
        start = last_seen
    clock = ShiftedClock(start)
    # One clock for the bot and the emulator: the person's messages are dated by
    # it, as Telegram dates them by the real one.
    emu = BotApiEmulator(token=DEMO_TOKEN, clock=clock)
    await emu.start()
    app: MagbotApp | None = None
    chat = TerminalChat(emu, DEMO_USER, files_dir_for(db_path), out=out, interactive=interactive)
    try:
        settings = demo_settings(db_path, emu.base_url)
        # Known to the emulator from the start, so that a prompt that falls due
        # before the first message (one left over from an earlier demo) arrives.
        emu.add_user(DEMO_USER, first_name=DEMO_NAME)
        emu.add_listener(chat.on_event)
        app = await _start_bot(settings, clock)
        demo = Demo(emu, app, clock, chat)
        reader = LineReader(asyncio.get_running_loop(), sys.stdin.fileno())
        reader.start()
        while not chat.closed:
            await demo.settle()
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
            await demo.say(text)
    finally:
        if app is not None:
            await _stop_bot(app)
        await emu.stop()


def run_demo(db_path: str | None = None, *, now: str | None = None) -> int:
    """Run the terminal chat until /quit, end of input or Ctrl-C; 0 when it ended cleanly.

    `now` (ISO 8601 with an offset) starts the demo's clock there instead of at
    the real time: for tests, and for trying an evening at noon.
    """
    path = Path(db_path or DEFAULT_DB).expanduser().resolve()
    setup_logging("WARNING", [DEMO_TOKEN])
    start: datetime | None = None
    if now is not None:
        try:
            start = datetime.fromisoformat(now)
        except ValueError:
            start = None
        if start is None or start.tzinfo is None:
            print(
                "magbot: --now takes an ISO 8601 time with its offset, e.g. 2025-03-11T15:00+00:00",
                file=sys.stderr,
            )
            return 2
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"magbot: cannot create {path.parent} ({exc.strerror})", file=sys.stderr)
        return 2
    shown = display_path(path)
    _print(BANNER.format(db=shown, files=display_path(files_dir_for(path)), help=timetravel.HELP))
    try:
        asyncio.run(_chat(path, sys.stdout, start))
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
