"""What one long, odd message costs everyone else (issue 12.7).

The real bot against the emulator (limits off). Ten people send a short check-in,
once alone and once right after someone sends 4,096 UTF-16 units of emoji (or
of combining marks); prints the median extra wait of their replies. Target:
under 50 ms.

    python bench/hostile.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.throughput import TOKEN, Replies, magbot, warm_up
from bot.emulator.server import BotApiEmulator

LONG = {
    "emoji": "🤕" * 2048,  # 2 UTF-16 units each
    "combining marks": "a" + "\u0301" * 4095,
}
PEOPLE = range(7_000_000, 7_000_010)
ODD = 7_100_000


async def waits(emu: BotApiEmulator, first: str | None) -> list[float]:
    replies = Replies(emu)
    if first is not None:
        emu.user_says(ODD, first)
    sent = {}
    for person in PEOPLE:
        sent[person] = time.perf_counter()
        emu.user_says(person, "headache 4/10")
    await replies.wait(lambda: all(replies.at.get(p) for p in PEOPLE), 60)
    return [replies.at[p][0] - sent[p] for p in PEOPLE]


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        emu = BotApiEmulator(token=TOKEN, rate_limits=False)
        await emu.start()
        try:
            async with magbot(emu, f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}"):
                await warm_up(emu, range(PEOPLE.start, PEOPLE.stop))
                await warm_up(emu, range(ODD, ODD + 1))
                for name, text in LONG.items():
                    alone, after = [], []
                    for _ in range(3):  # alternate, so noise hits both alike
                        alone += await waits(emu, None)
                        await asyncio.sleep(3)  # the per-chat pace recovers
                        after += await waits(emu, text)
                        await asyncio.sleep(3)
                    extra = statistics.median(after) - statistics.median(alone)
                    print(
                        f"{name}: replies to others {statistics.median(alone) * 1000:.0f} ms "
                        f"alone, {statistics.median(after) * 1000:.0f} ms right after it: "
                        f"+{extra * 1000:.0f} ms (target < 50 ms)",
                        flush=True,
                    )
        finally:
            await emu.stop()


if __name__ == "__main__":
    asyncio.run(main())
