"""Property-based: random text, commands and button data through the real bot (issue 12.11).

Hypothesis draws what people send; the bot runs against the emulator over HTTP,
on SQLite and (when configured) PostgreSQL. Whatever is drawn: every message and
every press is answered, no error is logged, Telegram refuses nothing.

Hypothesis calls the test synchronously, once per example, so the emulator and
the bot run in an event loop of their own (a thread) for the whole module and
each example hands it a coroutine. Each message comes from a new person, so the
per-chat pace never makes an example wait for the one before.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.emulator.server import BotApiEmulator
from bot.ui import texts
from tests.conftest import TOKEN, Harness
from tests.processes import database_url
from tests.rig import LogWatch, running_bot, watch_logs, writes

pytestmark = pytest.mark.e2e

T = TypeVar("T")

# Bounded, so the file stays well under a minute on a small machine (both databases).
settings.register_profile(
    "magbot",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EXAMPLES = settings.get_profile("magbot")

WORDS = [
    "migraine",
    "headache",
    "mag",
    "200",
    "mg",
    "took",
    "ibuprofen",
    "slept",
    "7h",
    "woke",
    "twice",
    "6/10",
    "since",
    "2pm",
    "yesterday",
    "at",
    "25:99",
    "aura",
    "nausea",
    "anxiety",
    "period",
    "not",
    "undo",
    "\x00",
    "\ud800",
    "\u202e",
    "🤕",
    "e\u0301\u0302",
    "<b>",
    "&amp;",
    "-1",
    "99999999999999999999",
]
COMMANDS = [f"/{name}" for name, _ in texts.COMMANDS] + ["/nonsense", "/start@magbot"]
PREFIXES = ["ci", "at", "dose", "fu", "mrn", "mc", "md", "ob", "set", "log", "del", "ov", "tz"]


def _storable_text(text: str) -> str | None:
    shown = text.strip()  # Telegram trims a message, and sends none that is empty
    return shown or None


# Anything Unicode has (lone surrogates included), words the parser knows, or both.
any_text = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    min_size=1,
    max_size=200,
)
known_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=10).map(" ".join)
messages = (
    st.one_of(any_text, known_words, st.tuples(known_words, any_text).map(" ".join))
    .map(_storable_text)
    .filter(lambda text: text is not None)
)
arguments = st.one_of(st.just(""), any_text, known_words).map(lambda a: a.split("\n")[0])
commands = st.tuples(st.sampled_from(COMMANDS), arguments).map(lambda c: f"{c[0]} {c[1]}".strip())
numbers = st.one_of(
    st.integers(min_value=-5, max_value=12),
    st.integers(min_value=2**31 - 2, max_value=2**64),
).map(str)
button_data: st.SearchStrategy[str | bytes] = st.one_of(
    st.text(max_size=80),
    st.binary(min_size=1, max_size=80),
    st.tuples(
        st.sampled_from(PREFIXES),
        st.lists(st.one_of(numbers, st.text(max_size=12), st.sampled_from(WORDS)), max_size=4),
    ).map(lambda parts: ":".join([parts[0], *parts[1]])),
)


class BotThread:
    """An event loop in a thread, running the emulator and the bot for the whole module."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = AsyncExitStack()

    def run(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass
class Live:
    runner: BotThread
    bot: Harness
    logs: LogWatch
    people: Iterator[int]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("properties")
    with watch_logs() as logs:
        runner = BotThread()

        async def start() -> Harness:
            emu = await runner.stack.enter_async_context(BotApiEmulator(token=TOKEN))
            url = await runner.stack.enter_async_context(database_url(request.param, folder))
            return await runner.stack.enter_async_context(running_bot(emu, url))

        try:
            bot = runner.run(start())
        except BaseException:
            runner.close()
            raise
        try:
            yield Live(runner, bot, logs, itertools.count(2_000_000))
        finally:
            runner.close()


def _check(live: Live, errors_before: int) -> None:
    live.bot.emu.assert_no_failed_calls()
    errors = live.logs.errors()[errors_before:]
    assert not errors, "errors were logged:\n" + "\n".join(errors)


async def _answered(bot: Harness, person: int, text: str) -> None:
    writes(bot.emu, person, text)
    await bot.emu.wait_for_messages(person, 1, timeout=30)


async def _pressed(bot: Harness, person: int, data: str | bytes) -> None:
    # on the bot's last message to that person: the buttons people see are on such messages
    [message, *_] = reversed(bot.emu.messages(person))
    query = bot.emu.press_button(person, message.message_id, data, forged=True)
    await bot.emu.wait_for_callback_answer(query, timeout=30)
    await bot.settle(quiet=0.1)


@given(text=messages)
@settings(EXAMPLES)
def test_any_text_is_answered(live: Live, text: str) -> None:
    errors_before = len(live.logs.errors())
    live.runner.run(_answered(live.bot, next(live.people), text))
    _check(live, errors_before)


@given(command=commands)
@settings(EXAMPLES)
def test_any_command_with_any_arguments_is_answered(live: Live, command: str) -> None:
    errors_before = len(live.logs.errors())
    live.runner.run(_answered(live.bot, next(live.people), command))
    _check(live, errors_before)


@given(data=button_data)
@settings(EXAMPLES, max_examples=30)
def test_any_button_data_is_answered(live: Live, data: str | bytes) -> None:
    errors_before = len(live.logs.errors())
    person = next(live.people)
    live.runner.run(_answered(live.bot, person, "headache"))  # a reply with buttons
    live.runner.run(_pressed(live.bot, person, data))
    _check(live, errors_before)
