"""The demo's time travel: reading /wait, walking the clock, and the scheduler's hook.

The last tests run the real bot and its real scheduler against the emulator,
on a ShiftedClock they share, and jump it as `/wait` does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.clock import ShiftedClock
from bot.demo.timetravel import BadWait, TimeMachine, wait_target
from bot.emulator.server import BotApiEmulator
from storage.db import make_engine, make_sessionmaker
from storage.models import Prompt
from tests.conftest import TOKEN, USER, Harness, start_bot, stop_bot

LONDON = ZoneInfo("Europe/London")
# 15:00 in London on a Tuesday in winter (GMT)
AFTERNOON = datetime(2025, 3, 11, 15, 0, tzinfo=UTC)


def london(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=LONDON)


# --- reading /wait and /tomorrow ------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/wait 2h", london(11, 17)),
        ("/wait 30m", london(11, 15, 30)),
        ("/wait 1h30m", london(11, 16, 30)),
        ("/wait 90min", london(11, 16, 30)),
        ("/wait 2d", london(13, 15)),
        ("/wait 21:30", london(11, 21, 30)),
        ("/wait 9:05", london(12, 9, 5)),  # already past today: tomorrow's
        ("/WAIT 15:00", london(12, 15)),  # now is not "later"
        ("/tomorrow", london(12, 8)),
    ],
)
def test_wait_names_a_duration_or_the_next_wall_clock_time(
    command: str, expected: datetime
) -> None:
    assert wait_target(command, AFTERNOON, LONDON, None) == expected


def test_tomorrow_is_the_next_morning_check_in() -> None:
    assert wait_target("/tomorrow", AFTERNOON, LONDON, time(7, 30)) == london(12, 7, 30)
    small_hours = london(12, 2).astimezone(UTC)
    assert wait_target("/tomorrow", small_hours, LONDON, time(7, 30)) == london(12, 7, 30)


def test_wall_clock_times_are_the_persons_across_a_dst_change() -> None:
    saturday = datetime(2025, 3, 29, 12, 0, tzinfo=UTC)  # clocks go forward that night
    assert wait_target("/tomorrow", saturday, LONDON, None) == datetime(
        2025, 3, 30, 8, 0, tzinfo=LONDON
    )
    assert wait_target("/tomorrow", saturday, LONDON, None) - saturday == timedelta(hours=19)


@pytest.mark.parametrize(
    "command",
    ["/wait", "/wait soon", "/wait 0m", "/wait 8d", "/wait 25:00", "/wait 2h 3h", "/tomorrow 2"],
)
def test_a_wait_that_cannot_be_read_says_the_forms(command: str) -> None:
    with pytest.raises(BadWait, match=r"Try /wait 2h, .* or /tomorrow"):
        wait_target(command, AFTERNOON, LONDON, None)


# --- the clock ------------------------------------------------------------------------------


def test_a_shifted_clock_starts_where_told_and_never_goes_back() -> None:
    clock = ShiftedClock(AFTERNOON)
    assert AFTERNOON <= clock.now() < AFTERNOON + timedelta(minutes=1)
    clock.jump_to(AFTERNOON + timedelta(hours=2))
    assert clock.now() >= AFTERNOON + timedelta(hours=2)
    before = clock.now()
    clock.jump_to(AFTERNOON)
    assert clock.now() >= before
    with pytest.raises(ValueError, match="aware"):
        clock.jump_to(datetime(2025, 3, 11, 18, 0))


# --- walking the interval -------------------------------------------------------------------


class FakeScheduler:
    """Prompts due at fixed times; a round "sends" every one due by the clock."""

    def __init__(self, clock: ShiftedClock, due: list[datetime], *, stuck: bool = False) -> None:
        self.clock = clock
        self.due = sorted(due)
        self.sent: list[tuple[datetime, datetime]] = []  # (due, clock at the round)
        self.stuck = stuck  # a send that keeps failing leaves its prompt due

    async def run_due(self) -> datetime | None:
        now = self.clock.now()
        while self.due and self.due[0] <= now and not self.stuck:
            self.sent.append((self.due.pop(0), now))
        return self.due[0] if self.due else None


async def test_each_prompt_goes_out_at_its_own_time_and_the_clock_ends_at_the_target() -> None:
    clock = ShiftedClock(AFTERNOON)
    prompts = [AFTERNOON + timedelta(hours=h) for h in (2, 6, 6.5, 30)]
    fake = FakeScheduler(clock, prompts)
    steps: list[datetime] = []
    target = AFTERNOON + timedelta(hours=17)
    taken = await TimeMachine(clock, fake.run_due, steps.append).travel_to(target)
    assert [d for d, _ in fake.sent] == prompts[:3], "not the one after the target"
    for due, at in fake.sent:
        assert due <= at < due + timedelta(seconds=5), "sent at its time, not at the target"
    assert steps == prompts[:3] and taken == 3
    assert target <= clock.now() < target + timedelta(seconds=5)


async def test_a_prompt_that_stays_due_does_not_hold_the_clock() -> None:
    clock = ShiftedClock(AFTERNOON)
    fake = FakeScheduler(clock, [AFTERNOON + timedelta(minutes=10)], stuck=True)
    target = AFTERNOON + timedelta(hours=1)
    await TimeMachine(clock, fake.run_due, lambda _: None).travel_to(target)
    assert clock.now() >= target


# --- the scheduler's hook, on the real bot --------------------------------------------------


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[Harness, ShiftedClock]]:
    clock = ShiftedClock(AFTERNOON)
    emu = BotApiEmulator(token=TOKEN, clock=clock)
    await emu.start()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    app = await start_bot(emu, url, clock=clock)
    reader = make_engine(url)
    try:
        yield Harness(emu, app, make_sessionmaker(reader)), clock
    finally:
        await stop_bot(app)
        await reader.dispose()
        await emu.stop()


async def _prompt_rows(h: Harness) -> list[tuple[str, datetime, str]]:
    async with h.sessions() as session:
        rows = await session.execute(
            select(Prompt.kind, Prompt.scheduled_for, Prompt.status).order_by(Prompt.scheduled_for)
        )
        return [(kind, at, status) for kind, at, status in rows]


async def test_run_due_now_sends_what_the_jump_made_due_before_it_returns(
    bot: tuple[Harness, ShiftedClock],
) -> None:
    h, clock = bot
    await h.say("/dose 200mg 21:30")
    dose_time = datetime(2025, 3, 11, 21, 30, tzinfo=UTC)
    before = len(h.emu.messages(USER))
    clock.jump_to(dose_time)
    following = await h.app.bot_data.scheduler.run_due_now()
    new = h.emu.messages(USER)[before:]
    assert [m.plain_text for m in new] == ["💊 Time for your magnesium (200 mg)."]
    assert new[0].date >= dose_time, "dated by the bot's clock"
    assert following == dose_time + timedelta(days=1)
    assert ("dose", dose_time, "sent") in await _prompt_rows(h)


async def test_a_jump_past_the_grace_marks_the_prompt_missed_and_sends_nothing(
    bot: tuple[Harness, ShiftedClock],
) -> None:
    h, clock = bot
    await h.say("/dose 200mg 21:30")
    dose_time = datetime(2025, 3, 11, 21, 30, tzinfo=UTC)
    before = len(h.emu.messages(USER))
    clock.jump_to(dose_time + timedelta(hours=3))  # as after three hours of downtime
    await h.app.bot_data.scheduler.run_due_now()
    await h.settle()
    assert h.emu.messages(USER)[before:] == []
    assert ("dose", dose_time, "missed") in await _prompt_rows(h)
