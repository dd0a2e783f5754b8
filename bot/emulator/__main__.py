"""Serve the emulator on its own: `python -m bot.emulator --port 8081 --token 123:ABC`.

A bot in another process then uses `MAGBOT_API_BASE_URL=http://127.0.0.1:8081`,
and a test drives users through the JSON endpoints under `/_emulator/`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from datetime import timedelta

from bot.emulator.server import BotApiEmulator


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.emulator", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--token", default="123456:TEST-TOKEN", help="the bot token to accept")
    p.add_argument("--username", default="magbot", help="the bot's username")
    p.add_argument(
        "--no-rate-limits", action="store_true", help="never answer 429 Too Many Requests"
    )
    p.add_argument("--global-rate", type=float, default=30.0, help="messages/s per bot")
    p.add_argument("--chat-rate", type=float, default=1.0, help="messages/s per chat")
    p.add_argument("--chat-burst", type=int, default=3, help="burst allowed per chat")
    p.add_argument(
        "--callback-ttl",
        type=float,
        default=15.0,
        help="seconds after a button press that answerCallbackQuery is still accepted",
    )
    return p


async def _serve(args: argparse.Namespace) -> None:
    emulator = BotApiEmulator(
        token=args.token,
        bot_username=args.username,
        rate_limits=not args.no_rate_limits,
        global_rate=args.global_rate,
        chat_rate=args.chat_rate,
        chat_burst=args.chat_burst,
        callback_query_ttl=timedelta(seconds=args.callback_ttl),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    await emulator.start(args.host, args.port)
    try:
        # The token is the caller's secret: say where, never with what.
        print(f"Bot API emulator for @{args.username} on {emulator.base_url}", flush=True)
        await stop.wait()
    finally:
        await emulator.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(_serve(_parser().parse_args(argv)))


if __name__ == "__main__":
    main()
