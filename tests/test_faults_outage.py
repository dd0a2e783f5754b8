"""The database goes away under the running bot and comes back (issue 12.9).

The bot reaches PostgreSQL through a TCP proxy that the test stops (every
connection cut, new ones refused) and starts again on the same port, as a
restarting or unreachable database server looks to a client. Nothing is
restarted on the bot's side.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.emulator.server import BotApiEmulator
from bot.ui import texts
from storage.enums import InboxStatus
from storage.models import Attack
from tests.conftest import TOKEN
from tests.processes import fresh_postgres_database
from tests.rig import LogWatch, count, inbox_rows, running_bot, watch_logs

pytestmark = pytest.mark.e2e

# an outage is waited out, not an error: warnings only, no traceback
UNREACHABLE_WARNING = (
    r"^WARNING bot\.handlers\.errors: update \d+ waits: the database is unreachable"
)


class Proxy:
    """A TCP proxy to one address, that can be cut and restored."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and break every open one."""
        assert self._server is not None
        self._server.close()
        for writer in list(self._open):
            writer.transport.abort()
        self._open.clear()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._open |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.transport.abort()
        self._open.discard(writer)


@pytest.fixture
def logs() -> Iterator[LogWatch]:
    with watch_logs() as watch:
        yield watch


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(token=TOKEN) as emulator:
        yield emulator


async def test_a_database_outage_answers_each_message_once_and_loses_nothing(
    emu: BotApiEmulator, logs: LogWatch, tmp_path: Path
) -> None:
    async with fresh_postgres_database() as url:
        target = make_url(url)
        proxy = Proxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        through_proxy = target.set(host="127.0.0.1", port=proxy.port)
        async with contextlib.AsyncExitStack() as stack:
            stack.push_async_callback(proxy.cut)  # closed last, after the bot
            bot = await stack.enter_async_context(
                running_bot(
                    emu, through_proxy.render_as_string(hide_password=False), reader_url=url
                )
            )
            regular, newcomers = range(9100, 9103), range(9103, 9105)
            for person in regular:
                await bot.say("mag 200", user=person)  # known before the outage

            await proxy.cut()
            for person in [*regular, *newcomers]:
                emu.user_says(person, "migraine 6/10")
            emu.user_says(regular[0], "slept 7h")  # two messages from one person
            for person in [*regular, *newcomers]:
                wanted = 3 if person == regular[0] else (2 if person in regular else 1)
                await emu.wait_for_messages(person, wanted, timeout=20)
            await asyncio.sleep(6)  # the bot keeps trying meanwhile
            during = {person: bot.texts(person) for person in [*regular, *newcomers]}
            for person, said in during.items():
                away = [text for text in said if text == texts.DATABASE_AWAY]
                assert len(away) == (2 if person == regular[0] else 1), said

            await proxy.start()  # the database is back, on the same address
            for person in [*regular, *newcomers]:
                wanted = len(during[person]) + (2 if person == regular[0] else 1)
                await emu.wait_for_messages(person, wanted, timeout=45)
            await bot.settle()
            for person in [*regular, *newcomers]:
                said = bot.texts(person)
                assert sum("Migraine 6/10" in text for text in said) == 1, said
                assert said.count(texts.DATABASE_AWAY) == (2 if person == regular[0] else 1)
                assert not any(text == texts.NOT_HANDLED for text in said)
                assert await count(bot, Attack, user_id=person) == 1
            assert any("7h" in text or "7 h" in text for text in bot.texts(regular[0]))

            # Again, the database going away while these are being stored and handled.
            midway = range(9110, 9116)
            for person in midway:
                emu.user_says(person, "headache 5/10")
            await asyncio.sleep(0.05)
            await proxy.cut()
            await asyncio.sleep(6)
            await proxy.start()
            for person in midway:
                await emu.wait_for(
                    lambda p=person: any("Headache 5/10" in t for t in bot.texts(p)),  # type: ignore[misc]
                    timeout=20,  # soon, not once a 30 s lease has run out
                    what=f"the confirmation to {person}",
                )
            await bot.settle()
            for person in midway:
                said = bot.texts(person)
                assert sum("Headache 5/10" in text for text in said) == 1, said
                errors = [t for t in said if t in (texts.DATABASE_AWAY, texts.DATABASE_DOWN)]
                assert len(errors) <= 1, said  # one error reply at most per message
                assert not any(text == texts.NOT_HANDLED for text in said)
                assert await count(bot, Attack, user_id=person) == 1
            rows = await inbox_rows(bot)
            assert {row.status for row in rows.values()} == {InboxStatus.DONE}
    emu.assert_no_failed_calls()
    # an update whose handling met the outage is logged as waiting (then handled again),
    # as a warning: an outage is not a bug, and nothing is logged as an error
    logs.assert_no_errors()
    assert any(re.search(UNREACHABLE_WARNING, shown) for _, _, shown in logs.records)
