"""The terminal side of the demo's chat: the bot's messages printed, typed lines read."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import sys
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.emulator.core import EmulatorEvent
from bot.emulator.formatting import MAX_TEXT, utf16_len
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import SentMessage

CHART_NAME = re.compile(r"chart-(\d+)\.png")
DEMO_PREFIX = "demo> "  # what the demo itself says, as opposed to the bot


def display_path(path: Path, *, dot: bool = False) -> str:
    """A path as the person can type it: relative to where they are when it is below it."""
    try:
        relative = path.relative_to(Path.cwd())
    except ValueError:
        return str(path)
    return f"./{relative}" if dot else str(relative)


INDENT = "     "


def _block(prefix: str, text: str) -> str:
    """`prefix` before the first line, the others indented, all wrapped to the terminal.

    Blank lines stay blank, without trailing spaces.
    """
    width = max(40, min(shutil.get_terminal_size((100, 24)).columns, 100))
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lead = prefix if not lines else INDENT
        if not paragraph.strip():
            lines.append(lead.rstrip())
            continue
        lines += textwrap.wrap(
            paragraph,
            width,
            initial_indent=lead,
            subsequent_indent=INDENT,
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(lines)


def _changed_part(before: str, after: str) -> str:
    """The edited text from the last unchanged line on, when enough of the start is unchanged.

    Bots often edit a question to append the answer; reprinting a whole
    welcome message for that would bury the conversation.
    """
    old, new = before.splitlines(), after.splitlines()
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    if same < 3:
        return after
    return "\n".join(["…", *new[same - 1 :]])


@dataclass
class TerminalChat:
    """Shows one chat in the terminal and turns a typed number into a button press.

    An emulator listener: it is called synchronously whenever the bot sends,
    edits or deletes a message, so a scheduler prompt prints as it arrives too.
    """

    emu: BotApiEmulator
    chat_id: int
    files_dir: Path
    out: TextIO = sys.stdout
    interactive: bool = False
    waiting_for_input: bool = False
    closed: bool = False
    heading: str | None = None
    """Printed before the next thing shown (the time of a step in a /wait), then dropped."""
    _charts: int = 0
    _saved: dict[tuple[int, int], Path] = field(default_factory=dict)

    def on_event(self, event: EmulatorEvent) -> None:
        if event.chat_id != self.chat_id or event.kind == "chat_action":
            return
        message = event.message
        if event.kind == "sent" and message is not None:
            self._show(self._render(message, "bot> "))
        elif event.kind == "edited" and message is not None:
            self._show(self._render(message, "bot (edited)> "))
        elif event.kind == "deleted" and message is not None:
            first = (message.visible_text.splitlines() or [""])[0]
            self._show(_block("bot deleted a message> ", first))
        elif event.kind == "callback_answer" and event.detail and event.detail.get("text"):
            self._show(_block("bot (notice)> ", str(event.detail["text"])))

    def note(self, text: str) -> None:
        """Something the demo says (not the bot), marked as such."""
        self._show(_block(DEMO_PREFIX, text))

    def _show(self, block: str) -> None:
        if self.heading is not None:
            block, self.heading = f"{self.heading}\n\n{block}", None
        if self.interactive and self.waiting_for_input:
            # A prompt arrived while the person is at the "you> " prompt: print it
            # on its own lines, then show the prompt again.
            self.write("\n" + block + "\n\n" + "you> ")
        else:
            self.write(block + "\n\n")

    def write(self, text: str) -> None:
        """Print, or note that nobody reads any more (`magbot demo | head`)."""
        if self.closed:
            return
        try:
            self.out.write(text)
            self.out.flush()
        except OSError:  # a broken pipe: end the demo instead of raising in the emulator
            self.closed = True

    def _render(self, message: SentMessage, prefix: str) -> str:
        markers: list[str] = []  # one line each, never wrapped: a path must stay whole
        if message.photo is not None:
            path = self._save(message, self._chart_name)
            size_kb = max(1, round(len(message.photo) / 1024))
            markers.append(f"[chart image: {size_kb} KB, saved to {display_path(path)}]")
        if message.document is not None:
            path = self._save(message, self._document_name)
            markers.append(f"[document {path.name} saved to {display_path(path, dot=True)}]")
        text = message.plain_text if message.plain_text is not None else message.plain_caption
        if text and message.edits:
            earlier = message.edits[-1]
            text = _changed_part(earlier.plain_text or earlier.caption or "", text)
        lines = [(prefix if not i else INDENT) + marker for i, marker in enumerate(markers)]
        if text or not lines:
            lines.append(_block(INDENT if lines else prefix, text or ""))
        buttons = self._buttons(message)
        if buttons:
            lines.append(buttons)
        elif message.edits and message.edits[-1].reply_markup and not message.buttons:
            lines.append(INDENT + "(buttons removed)")
        return "\n".join(lines)

    def _buttons(self, message: SentMessage) -> str:
        rows: list[str] = []
        number = 0
        for row in message.buttons:
            shown: list[str] = []
            for button in row:
                if "callback_data" in button:
                    number += 1
                    shown.append(f"[{number}] {button['text']}")
                elif "url" in button:
                    shown.append(f"({button['text']}: {button['url']})")
                else:
                    shown.append(f"({button['text']})")
            rows.append(INDENT + "  ".join(shown))
        return "\n".join(rows)

    def _chart_name(self, message: SentMessage) -> str:
        if not self._charts:
            # Go on from the charts of earlier demos instead of overwriting them.
            names = self.files_dir.iterdir() if self.files_dir.is_dir() else iter(())
            found = (CHART_NAME.fullmatch(p.name) for p in names)
            self._charts = max((int(m[1]) for m in found if m), default=0)
        self._charts += 1
        return f"chart-{self._charts}.png"

    def _document_name(self, message: SentMessage) -> str:
        # Only the last part of the name the bot chose: it must not pick the folder.
        return Path(message.file_name or "").name or f"document-{message.message_id}"

    def _save(self, message: SentMessage, name: Callable[[SentMessage], str]) -> Path:
        """Write the photo or document into the demo's folder, once per file the bot sent."""
        data = message.photo if message.photo is not None else message.document or b""
        key = (message.message_id, hash(data))  # an edited caption is not a new file
        if key not in self._saved:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / name(message)
            path.write_bytes(data)
            self._saved[key] = path
        return self._saved[key]

    def press(self, number: int) -> bool:
        """Press button `number` of the latest message with buttons; False when there is none."""
        for message in reversed(self.emu.messages(self.chat_id, include_deleted=False)):
            pressable = [b for row in message.buttons for b in row if "callback_data" in b]
            if not pressable:
                continue
            if not 1 <= number <= len(pressable):
                return False
            button = pressable[number - 1]
            self.write(f"(you pressed [{number}] {button['text']})\n\n")
            self.emu.press_button(self.chat_id, message.message_id, button["callback_data"])
            return True
        return False


def refusal(text: str, limit: int = MAX_TEXT) -> str | None:
    """Why Telegram would not send `text` (over `limit` UTF-16 units), or None when it would."""
    units = utf16_len(text)
    if units <= limit:
        return None
    return (
        f"Not sent: Telegram takes at most {limit} characters in a message, and this one has "
        f"{units}. Split it into shorter messages."
    )


# --- reading the keyboard without blocking the bot ------------------------------------------


class LineReader:
    """Lines from standard input, read in a daemon thread and handed to the event loop.

    os.read on the file descriptor, not sys.stdin: a thread blocked in
    sys.stdin.readline() holds the buffer's lock, and Ctrl-C would then have to
    wait for Enter (the default executor is joined on exit) or trip the
    interpreter's shutdown. `None` means end of input.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, fd: int) -> None:
        self._loop = loop
        self._fd = fd
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._thread = threading.Thread(target=self._run, name="magbot-demo-stdin", daemon=True)

    def start(self) -> None:
        self._thread.start()

    async def readline(self) -> str | None:
        return await self._lines.get()

    def _put(self, line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is listening
            self._loop.call_soon_threadsafe(self._lines.put_nowait, line)

    def _run(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                if pending:
                    self._put(pending.decode("utf-8", "replace"))
                self._put(None)
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                self._put(line.decode("utf-8", "replace"))
