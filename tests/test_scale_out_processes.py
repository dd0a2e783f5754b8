"""Several `magbot run` processes on one PostgreSQL, behind a webhook (DESIGN §9, issue 10.5).

The emulator delivers the webhook round-robin across the processes' ports, as a
load balancer would, several POSTs at once (never two of one chat at once, as
Telegram does). Whichever process stores an update, any may handle it: the
inbox hands each chat's updates out one at a time, in order.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from itertools import groupby
from pathlib import Path

from bot.emulator.server import BotApiEmulator
from bot.ui import texts
from tests.conftest import TOKEN
from tests.processes import (
    BotProcess,
    Reader,
    bot_env,
    bot_processes,
    free_port,
    fresh_postgres_database,
    reader,
    wait_until,
    webhook_listening,
    webhook_settings,
)

# 2,000 updates from 200 chats (issue 10.5); MAGBOT_TEST_SCALE_OUT_CHATS=20 for a quick run.
CHATS = int(os.environ.get("MAGBOT_TEST_SCALE_OUT_CHATS", "200"))
PER_CHAT = 10
PROCESSES = 3
FIRST_CHAT = 7_300_000
# A killed process's updates pass to the others after this (seconds). Longer than the
# heartbeat (5 s), which renews the leases of the living.
LEASE = "8"
REPLY = re.compile(r"Anxiety (\d+)/10")


def _numbers(emu: BotApiEmulator, chat: int) -> list[int]:
    """The k of each "Anxiety k/10" reply in the chat, in the order they arrived."""
    return [
        int(match.group(1))
        for message in emu.messages(chat)
        if (match := REPLY.search(message.plain_text or ""))
    ]


async def start_behind_webhook(
    emu: BotApiEmulator, procs: tuple[BotProcess, ...], ports: list[int]
) -> None:
    """Start the processes together, wait until each listens and the webhook is set, then
    have the emulator deliver round-robin across their ports (40 connections at once)."""
    await asyncio.gather(*(proc.start() for proc in procs))
    for port in ports:
        await wait_until(lambda port=port: webhook_listening(port), 60, f"port {port}", procs=procs)
    await wait_until(
        lambda: len(emu.webhook_info().get("url", "")) > 0, 30, "setWebhook", procs=procs
    )
    emu.set_webhook_targets([f"http://127.0.0.1:{port}/telegram" for port in ports], connections=40)


async def test_three_processes_behind_a_webhook_handle_every_update_once_in_order_through_a_kill_9(
    tmp_path: Path,
) -> None:
    chats = range(FIRST_CHAT, FIRST_CHAT + CHATS)
    total = CHATS * PER_CHAT
    async with (
        fresh_postgres_database() as url,
        BotApiEmulator(token=TOKEN, rate_limits=False) as emu,
    ):
        ports = [free_port() for _ in range(PROCESSES)]
        procs = tuple(
            BotProcess(
                f"bot{n}",
                tmp_path,
                bot_env(
                    emu.base_url,
                    url,
                    MAGBOT_INBOX_LEASE=LEASE,
                    MAGBOT_SEND_RATE="1000",
                    **webhook_settings(port),
                ),
            )
            for n, port in enumerate(ports)
        )
        async with bot_processes(*procs), reader(url) as db:
            # Started together on the empty database: they take turns to migrate.
            await start_behind_webhook(emu, procs, ports)

            went = time.monotonic()
            for k in range(1, PER_CHAT + 1):
                for chat in chats:
                    emu.user_says(chat, f"anxiety {k}/10")

            def replied() -> int:
                return sum(len(set(_numbers(emu, chat))) for chat in chats)

            await wait_until(
                lambda: replied() >= total // 3, 120, "a third of the replies", procs=procs
            )
            victim = procs[1]
            await victim.kill()
            killed_at = time.monotonic()
            living = (procs[0], procs[2])
            # the victim's last requests may still be on their way through the emulator;
            # nobody else sends its replies before adopting them (20 s without a beat)
            await asyncio.sleep(1.0)
            at_kill = {chat: _numbers(emu, chat) for chat in chats}
            inbox_at_kill = await db.count_by(
                "SELECT status, count(*) FROM inbox_update GROUP BY status"
            )
            held_by_victim = await db.scalar(
                "SELECT count(*) FROM inbox_update WHERE status = 'working'"
                " AND leased_by LIKE :victim",
                victim=f"%:{victim.pid}:%",
            )
            # replies the victim stored and had not crossed off: the only ones that may come
            # twice (if Telegram already had them) or late (if not)
            unsent = await _unsent_replies(db, victim.pid)
            in_flight = {(chat, k) for chat, k in unsent if k in at_kill.get(chat, [])}
            assert held_by_victim or unsent, "the victim had nothing in hand: kill it earlier"

            await wait_until(lambda: replied() == total, 120, "every update answered", procs=living)
            answered_in = time.monotonic() - went
            await wait_until(
                lambda: _all_done(db, total), 60, "the inbox done, the outbox empty", procs=living
            )
            drained_after_kill = time.monotonic() - killed_at
            for proc in living:
                assert await proc.stop() == 0, proc.tail()

        journal = await db.count_by("SELECT user_id, count(*) FROM journal_entry GROUP BY user_id")
        anxiety = await db.count_by("SELECT user_id, count(*) FROM anxiety GROUP BY user_id")
        handled_by = await db.count_by(
            "SELECT leased_by, count(*) FROM inbox_update GROUP BY leased_by"
        )
        span = await db.rows(
            "SELECT min(received_at), max(handled_at) FROM inbox_update WHERE status = 'done'"
        )
    per_chat = {chat: _numbers(emu, chat) for chat in chats}
    doubled = {
        (chat, k) for chat, got in per_chat.items() for k, n in Counter(got).items() if n > 1
    }
    late = _out_of_order(per_chat)
    ((first_in, last_done),) = span
    report = (
        f"{total} updates in {answered_in:.1f}s ({total / answered_in:.0f} answered/s;"
        f" handled {total / (last_done - first_in).total_seconds():.0f}/s);"
        f" at the kill: inbox {inbox_at_kill}, {held_by_victim} held by the victim,"
        f" {len(unsent)} of its replies unsent of which {len(in_flight)} already delivered;"
        f" drained {drained_after_kill:.1f}s after the kill;"
        f" {len(doubled)} replies doubled, {len(late)} chats out of order"
    )
    print(report, "; handled by process:", sorted(handled_by.values()))
    assert journal == dict.fromkeys(chats, PER_CHAT), f"every update handled once: {report}"
    assert anxiety == dict.fromkeys(chats, PER_CHAT), report
    for chat, got in per_chat.items():
        assert sorted(set(got)) == list(range(1, PER_CHAT + 1)), f"chat {chat}: {got}"
    assert doubled <= in_flight, f"doubled beyond in flight: {doubled - in_flight}: {report}"
    assert not late, f"out of order: {[(c, per_chat[c]) for c in sorted(late)[:5]]}: {report}"
    assert len(handled_by) == PROCESSES and min(handled_by.values()) > 0, handled_by


async def _unsent_replies(db: Reader, pid: int) -> set[tuple[int, int]]:
    """(chat, k) of the replies a process stored and had not yet crossed off."""
    rows = await db.rows(
        "SELECT chat_id, payload FROM outbox_message WHERE sending_by LIKE :who",
        who=f"%:{pid}:%",
    )
    found = set()
    for chat, payload in rows:
        match = REPLY.search(str(payload["text"] if isinstance(payload, dict) else payload))
        if match:
            found.add((int(chat), int(match.group(1))))
    return found


def _out_of_order(per_chat: dict[int, list[int]]) -> set[int]:
    """Chats whose replies are not 1, 2, 3, ... (a repeat right after its first copy, as a
    reply in flight at the kill is sent again, reads in order)."""
    want = list(range(1, PER_CHAT + 1))
    return {chat for chat, got in per_chat.items() if [k for k, _ in groupby(got)] != want}


async def _all_done(db: Reader, total: int) -> bool:
    done = await db.scalar("SELECT count(*) FROM inbox_update WHERE status = 'done'")
    unsent = await db.scalar("SELECT count(*) FROM outbox_message")
    return done == total and unsent == 0


NEWCOMERS = 40
FIRST_NEWCOMER = 7_400_000
FIRST_WORDS = ("migraine 6/10", "slept 7h")


async def test_two_processes_take_new_peoples_first_two_messages_each_answered_one_user_row(
    tmp_path: Path,
) -> None:
    """Each new person's first two messages land on different processes (round-robin):
    both are answered, nobody is told the database is away, each person is one row.

    The two processes also start together on the empty database (the migration lock)."""
    people = range(FIRST_NEWCOMER, FIRST_NEWCOMER + NEWCOMERS)
    async with (
        fresh_postgres_database() as url,
        BotApiEmulator(token=TOKEN, rate_limits=False) as emu,
    ):
        ports = [free_port(), free_port()]
        procs = tuple(
            BotProcess(
                f"bot{n}",
                tmp_path,
                bot_env(emu.base_url, url, MAGBOT_SEND_RATE="1000", **webhook_settings(port)),
            )
            for n, port in enumerate(ports)
        )
        async with bot_processes(*procs), reader(url) as db:
            # one POST per chat at a time, the next to the other process
            await start_behind_webhook(emu, procs, ports)
            for person in people:
                for words in FIRST_WORDS:
                    emu.user_says(person, words)
            await wait_until(
                lambda: all(len(emu.messages(p)) >= len(FIRST_WORDS) for p in people),
                60,
                "both answers",
                procs=procs,
            )
            await wait_until(
                lambda: _all_done(db, NEWCOMERS * len(FIRST_WORDS)), 30, "all done", procs=procs
            )
            for proc in procs:
                assert await proc.stop() == 0, proc.tail()
        users = await db.count_by('SELECT id, count(*) FROM "user" GROUP BY id')
        handlers = await db.count_by(
            "SELECT chat_id, count(DISTINCT leased_by) FROM inbox_update GROUP BY chat_id"
        )
        stored_by = {
            url.rsplit(":", 1)[1] for url in (d.url for d in emu.webhook_deliveries if d.status)
        }
    replies = {person: [m.plain_text or "" for m in emu.messages(person)] for person in people}
    across = sum(1 for n in handlers.values() if n > 1)
    # The inbox hands out one update of a chat at a time: the second is claimed only once
    # the first is done (its user row committed), by whichever process is free.
    print(f"{across} of {NEWCOMERS} people had their two messages handled by both processes")
    assert len(stored_by) == len(ports), "the updates were spread over both processes"
    assert users == dict.fromkeys(people, 1)
    for person, got in replies.items():
        assert len(got) == len(FIRST_WORDS), (person, got)
        assert "Migraine 6/10" in got[0] and "Sleep" in got[1], (person, got)
        for said in got:
            assert texts.DATABASE_AWAY[:40] not in said, (person, got)
            assert texts.NOT_HANDLED[:40] not in said, (person, got)
    assert not [line for proc in procs for line in proc.log().splitlines() if "ERROR" in line]
