"""Two real bot processes on one PostgreSQL database: every prompt goes out exactly once.

Each process runs the production dispatcher with a real python-telegram-bot
`Bot` sending over HTTP to the emulator; only the claim statement (UPDATE ...
FOR UPDATE SKIP LOCKED RETURNING) keeps them from sending a prompt twice.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from bot.emulator.server import BotApiEmulator
from bot.scheduling import plan
from storage.db import make_sessionmaker, upgrade
from storage.models import Prompt
from storage.queries import users as queries
from tests.conftest import TOKEN, postgres_schema, postgres_url

USERS = 300
FIRST = 5000

WORKER = """
import asyncio, json, sys, time
from telegram import Bot
from bot.clock import SystemClock
from bot.scheduling.dispatch import Dispatcher
from bot.ui.prompts import render_markup
from storage.db import make_engine, make_sessionmaker

async def main(url, schema, base, token, name):
    engine = make_engine(url, connect_args={"server_settings": {"search_path": schema}})
    async with engine.connect() as conn:  # connected before the start line
        await conn.exec_driver_sql("SELECT 1")
    async with Bot(token, base_url=base + "/bot") as bot:
        worker = Dispatcher(
            make_sessionmaker(engine),
            bot,
            SystemClock(),
            send_rate=100,
            render=render_markup,
            name=name,
            batch_size=8,
        )
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # the start line: both are ready
        sent, idle_since, rounds, went = 0, time.monotonic(), [], time.time()
        while time.monotonic() - idle_since < 1.5:
            stats = await worker.run()
            rounds.append((round(time.time() - went, 3), stats.claimed))
            sent += stats.sent
            if stats.claimed:
                idle_since = time.monotonic()
            else:
                await asyncio.sleep(0.05)
    await engine.dispose()
    print(json.dumps({"name": name, "sent": sent, "went": went, "rounds": rounds[:5]}))

asyncio.run(main(*sys.argv[1:6]))
"""


async def test_two_bot_processes_send_every_due_prompt_exactly_once() -> None:
    url = postgres_url()
    emu = BotApiEmulator(token=TOKEN, rate_limits=False)
    await emu.start()
    try:
        async with postgres_schema() as factory:
            engine = factory()
            await upgrade(engine)
            async with engine.connect() as conn:
                schema = await conn.scalar(text("SELECT current_schema()"))
            sessions = make_sessionmaker(engine)
            now = datetime.now(UTC)
            users = range(FIRST, FIRST + USERS)
            async with sessions.begin() as session:
                for uid in users:
                    emu.add_user(uid)
                    await queries.create_user(session, uid, uid, now)
                await session.flush()
                await plan.insert_prompts(
                    session,
                    [
                        {
                            "user_id": uid,
                            "kind": "dose",
                            "scheduled_for": now - timedelta(seconds=uid % 60),
                            "amount_mg": 200.0,
                        }
                        for uid in users
                    ],
                )
            workers = [
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-c",
                    WORKER,
                    url,
                    str(schema),
                    emu.base_url,
                    TOKEN,
                    name,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                )
                for name in ("process-a", "process-b")
            ]
            for worker in workers:
                assert worker.stdout is not None
                ready = await asyncio.wait_for(worker.stdout.readline(), 60)
                assert ready.strip() == b"ready"
            outputs = await asyncio.wait_for(
                asyncio.gather(*(w.communicate(b"go\n") for w in workers)), 120
            )
            assert [w.returncode for w in workers] == [0, 0]
            reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
            per_user = [len(emu.messages(uid)) for uid in users]
            assert per_user == [1] * USERS, "every prompt once: none lost, none doubled"
            assert sum(r["sent"] for r in reports) == USERS
            assert all(r["sent"] > 0 for r in reports), f"both processes sent some: {reports}"
            async with sessions() as session:
                statuses = {
                    status: n
                    for status, n in await session.execute(
                        select(Prompt.status, func.count()).group_by(Prompt.status)
                    )
                }
            assert statuses == {"sent": USERS}
    finally:
        await emu.stop()
