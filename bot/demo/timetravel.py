"""Time travel in the demo: `/wait 2h`, `/wait 30m`, `/wait 21:30` and `/tomorrow`.

The bot, its scheduler and the emulator read one `ShiftedClock`; these
commands move it forward. What a person would have seen in those hours
happens as it would have: the interval is walked from one due prompt to the
next, the clock set to each one's own time and a dispatch round run there
(`PromptScheduler.run_due_now`), so the 17:00 follow-up is sent at 17:00, the
21:30 dose prompt at 21:30, each stamped with its time in the terminal. The
person cannot answer during the jump, so what they did not answer counts as
unanswered: a follow-up chain stops after two, a dose prompt stays untaken.
Nothing is sent late, so nothing is missed by the jump itself; prompts already
overdue by more than their grace (a demo started after days away) are marked
missed by the scheduler's own rule, as after downtime.

These are the demo's commands, read by its terminal loop; the bot never sees them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ShiftedClock

WAIT = "/wait"
TOMORROW = "/tomorrow"
COMMANDS = (WAIT, TOMORROW)
LONGEST = timedelta(days=7)
# A step that finds a prompt still due (its send failed and it went back to the
# queue) moves on this much, so a jump always ends; the grace rule decides then.
NUDGE = timedelta(minutes=1)
MAX_STEPS = 500
DEFAULT_MORNING = time(8, 0)  # the bot's morning check-in time when none is set

HELP = "/wait 2h, /wait 21:30 or /tomorrow moves time on: prompts due meanwhile arrive."
USAGE = "Try /wait 2h, /wait 30m, /wait 1h30m, /wait 21:30 or /tomorrow (at most 7 days at a time)."

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?")
_CLOCK = re.compile(r"([01]?\d|2[0-3])[:.h]([0-5]\d)")


class BadWait(ValueError):
    """A /wait the demo cannot read; the message says the right form."""


def local_at(day_of: datetime, at: time, zone: ZoneInfo) -> datetime:
    """Wall-clock `at` on the local day of `day_of`, as an aware datetime in `zone`."""
    local = day_of.astimezone(zone)
    return datetime.combine(local.date(), at, tzinfo=zone)


def next_wall_time(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The next `at` on the local clock after `now`: today's, or tomorrow's once it has passed."""
    today = local_at(now, at, zone)
    if today > now:
        return today
    return local_at(now + timedelta(days=1), at, zone)


def wait_target(command: str, now: datetime, zone: ZoneInfo, morning: time | None) -> datetime:
    """Where `/wait ...` or `/tomorrow` takes the clock from `now`; BadWait when unreadable."""
    words = command.split()
    name = words[0].casefold() if words else ""
    args = [w.casefold() for w in words[1:]]
    if name == TOMORROW and not args:
        return next_wall_time(now, morning or DEFAULT_MORNING, zone)
    if name != WAIT or len(args) != 1:
        raise BadWait(USAGE)
    arg = args[0]
    clock = _CLOCK.fullmatch(arg)
    if clock is not None:
        return next_wall_time(now, time(int(clock[1]), int(clock[2])), zone)
    duration = _DURATION.fullmatch(arg)
    if duration is None or not any(duration.groups()):
        raise BadWait(USAGE)
    days, hours, minutes = (int(part or 0) for part in duration.groups())
    delta = timedelta(days=days, hours=hours, minutes=minutes)
    if not timedelta(0) < delta <= LONGEST:
        raise BadWait(USAGE)
    return now + delta


@dataclass
class TimeMachine:
    """Walks the clock to a target, one due prompt at a time."""

    clock: ShiftedClock
    run_due: Callable[[], Awaitable[datetime | None]]
    """Handle what is due at the clock's time; returns when the next prompt falls due."""
    at_step: Callable[[datetime], None]
    """Told the time of each step before its prompts go out (the terminal heads them with it)."""

    async def travel_to(self, target: datetime) -> int:
        """Move the clock to `target` through every prompt due before; returns the steps taken."""
        steps = 0
        due = await self.run_due()
        while due is not None and due <= target and steps < MAX_STEPS:
            now = self.clock.now()
            step = due if due > now else now + NUDGE
            if step > target:
                break
            self.clock.jump_to(step)
            self.at_step(step)
            steps += 1
            due = await self.run_due()
        if target > self.clock.now():
            self.clock.jump_to(target)
            await self.run_due()
        return steps
