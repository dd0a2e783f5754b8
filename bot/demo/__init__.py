"""`magbot demo`: the real bot against the built-in Bot API emulator, chatting in this terminal.

No token and no network: the emulator (bot.emulator) listens on 127.0.0.1, the
unmodified bot polls it over HTTP exactly as `magbot run` polls Telegram, and
this package plays the one person in the chat. A typed line becomes that
person's message; the bot's messages print as they arrive, scheduler prompts
included, with their buttons numbered so that typing `1`, `2`, … presses one.

- `session`: the emulator, the bot and the loop that reads the person's lines;
- `terminal`: printing the bot's messages and reading the keyboard;
- `timetravel`: /wait and /tomorrow, the demo's own commands.
"""

from bot.demo.session import DEMO_TOKEN, DEMO_USER, run_demo
from bot.demo.terminal import TerminalChat, refusal

__all__ = ["DEMO_TOKEN", "DEMO_USER", "TerminalChat", "refusal", "run_demo"]
