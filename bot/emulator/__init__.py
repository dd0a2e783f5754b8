"""A local Telegram Bot API for tests, benchmarks and `magbot demo`.

Start one with `async with BotApiEmulator() as emu:` and point the bot at
`emu.base_url`; see `server.py` for the server, `control.py` for what a test
can do, `methods.py` for the methods served and what they refuse, and
`faults.py` for the server errors and broken connections a test can inject.
"""

from bot.emulator.control import BotControl
from bot.emulator.core import EmulatorEvent
from bot.emulator.errors import ApiError, EmulatorTimeoutError
from bot.emulator.faults import Fault, FaultKind
from bot.emulator.media import tiny_png
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import (
    ApiCall,
    CallbackAnswer,
    ChatAction,
    MessageVersion,
    SentMessage,
    WebhookDelivery,
)

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiEmulator",
    "BotControl",
    "CallbackAnswer",
    "ChatAction",
    "EmulatorEvent",
    "EmulatorTimeoutError",
    "Fault",
    "FaultKind",
    "MessageVersion",
    "SentMessage",
    "WebhookDelivery",
    "tiny_png",
]
