"""The dispatcher: claim what is due, decide, send it once, record it (DESIGN §5).

One round: claim a small batch of due prompts with a single UPDATE ... RETURNING
(on PostgreSQL its subquery takes FOR UPDATE SKIP LOCKED, so any number of
processes can run this and each prompt is claimed by one of them); decide for
each whether it is still wanted (the grace rule, quiet hours, a follow-up's stop
rules, a paused or blocked user); send the rest at the configured rate; record
each send in its own short transaction right after Telegram confirmed it.

Delivery semantics. The claim is committed before sending, so a prompt goes out
at most once while its claim stands. A process that dies between claim and
record leaves rows in "sending"; once its heartbeat stops they are put back in
the queue once (see `plan.recover_dead_claims`) and sent again only if still
within grace. That re-send is the one way a prompt could reach a person twice,
and only when the process died in the milliseconds between Telegram's answer
and the commit; the far likelier death, while waiting for its turn to send,
would otherwise lose the prompt.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.clock import Clock
from bot.domain import schedule as sch
from bot.ratelimit import may_have_arrived
from bot.scheduling import plan
from storage.enums import Awaiting, PromptKind
from storage.models import Attack, MedicationTaken, Prompt, Sleep, User
from storage.queries import diary

log = logging.getLogger(__name__)

# Sends to one chat are spaced by this much: Telegram allows about one message a
# second per chat, and a per-chat 429 would stall every send (the rate limiter
# waits out a retry_after for the whole bot).
CHAT_SPACING = 1.05
MAX_IN_FLIGHT = 64


def process_name() -> str:
    """Who claimed a prompt: host, pid and a random tag (pids repeat after restarts)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Claimed:
    id: int
    user_id: int
    kind: str
    scheduled_for: datetime
    attack_id: int | None
    amount_mg: float | None
    medication_id: int | None = None
    outcome: str | None = None  # plan.RECLAIMED: sent before by a process that died

    @property
    def resent(self) -> bool:
        return self.outcome == plan.RECLAIMED


class Render(Protocol):
    """How a prompt reads and its buttons: given by the composition root (the UI's words).

    `medicine`: the one a "did it help?" check asks about; `night`: what the night a
    morning check-in asks about already has.
    """

    def __call__(
        self,
        prompt: Claimed,
        user: User,
        attack: Attack | None,
        *,
        medicine: MedicationTaken | None = None,
        night: Sleep | None = None,
    ) -> tuple[str, InlineKeyboardMarkup | None]: ...


@dataclass
class Outgoing:
    prompt: Claimed
    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None


@dataclass
class Stats:
    claimed: int = 0
    sent: int = 0
    missed: int = 0
    cancelled: int = 0
    deferred: int = 0
    blocked: int = 0
    failed: int = 0
    recovered: int = 0
    sent_ids: list[int] = field(default_factory=list)

    def add(self, other: Stats) -> None:
        for name in ("claimed", "sent", "missed", "cancelled", "deferred", "blocked", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.recovered += other.recovered
        self.sent_ids += other.sent_ids


class Pacer:
    """Hands out send slots evenly spaced at `rate` a second, and one a second per chat.

    Evenly spaced, not in bursts: a burst of 30 followed by 30 more in the next
    second can exceed a strict per-second limit; even spacing never does.
    """

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0
        self._chat_next: dict[int, float] = {}

    def set_rate(self, rate: float) -> None:
        """A new share of the bot's budget (processes joined or left)."""
        self.interval = 1.0 / rate

    async def slot(self, chat_id: int) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        at = max(now, self._next, self._chat_next.get(chat_id, 0.0))
        self._next = at + self.interval
        self._chat_next[chat_id] = at + CHAT_SPACING
        if len(self._chat_next) > 10_000:  # forget chats whose spacing has passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        if at > now:
            await asyncio.sleep(at - now)


class Dispatcher:
    """Sends due prompts for one process. Tests drive it with a FakeClock and `run()`."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        bot: Any,
        clock: Clock,
        *,
        send_rate: float,
        render: Render,
        name: str | None = None,
        batch_size: int | None = None,
        paid_broadcast: bool = False,
    ) -> None:
        self.sessions = sessions
        self.render = render
        # Telegram's paid broadcasts: beyond 30 messages/s, paid in Stars (opt-in setting)
        self.extra: dict[str, Any] = {"allow_paid_broadcast": True} if paid_broadcast else {}
        self.bot = bot
        self.clock = clock
        self.name = name or process_name()
        self.pacer = Pacer(send_rate)
        # About two seconds of sending per claim: small claims keep the window
        # between claiming and sending short, and let other processes share.
        self.batch_size = batch_size or max(10, math.ceil(send_rate * 2))
        self.stopping = False

    async def run(self) -> Stats:
        """Send everything due now; returns what happened."""
        total = Stats()
        async with self.sessions.begin() as session:
            total.recovered = await plan.recover_dead_claims(
                session, self.clock.now(), datetime.now(UTC) - plan.DEAD_AFTER
            )
        while not self.stopping:
            stats = await self.run_batch()
            total.add(stats)
            if stats.claimed < self.batch_size:
                break
        return total

    async def run_batch(self) -> Stats:
        stats = Stats()
        now = self.clock.now()
        async with self.sessions.begin() as session:
            claimed = await self.claim(session, now, self.batch_size)
        stats.claimed = len(claimed)
        if not claimed:
            return stats
        async with self.sessions.begin() as session:
            outgoing = await self._decide(session, claimed, now, stats)
        semaphore = asyncio.Semaphore(MAX_IN_FLIGHT)
        blocked: set[int] = set()

        async def one(item: Outgoing) -> None:
            async with semaphore:
                await self._send(item, stats, blocked)

        results = await asyncio.gather(*(one(item) for item in outgoing), return_exceptions=True)
        for item, result in zip(outgoing, results, strict=True):
            if isinstance(result, Exception):
                # Left "sending": recovered like a crash (plan.recover_dead_claims).
                log.error("prompt %s: %s", item.prompt.id, type(result).__name__)
                stats.failed += 1
        return stats

    # --- claim ----------------------------------------------------------------------

    async def claim(self, session: AsyncSession, now: datetime, limit: int) -> list[Claimed]:
        """Claim up to `limit` due prompts in one statement.

        PostgreSQL: the due rows are picked in a MATERIALIZED CTE with FOR UPDATE
        SKIP LOCKED, so the pick runs once. (Written as `id IN (subquery)`, the
        planner may use a nested-loop semi-join that re-runs the subquery for
        every outer row, each run locking rows anew: one claim of 8 took 300.)
        SQLite runs one process; its IN (subquery) is evaluated once.
        """
        due = (
            select(Prompt.id)
            .where(Prompt.status == "pending", Prompt.scheduled_for <= now)
            .order_by(Prompt.scheduled_for, Prompt.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
            which = Prompt.id == picked.c.id
        else:
            which = Prompt.id.in_(due.scalar_subquery())
        result = await session.execute(
            update(Prompt)
            .where(which, Prompt.status == "pending")
            .values(status="sending", claimed_by=self.name, claimed_at=now)
            .returning(
                Prompt.id,
                Prompt.user_id,
                Prompt.kind,
                Prompt.scheduled_for,
                Prompt.attack_id,
                Prompt.amount_mg,
                Prompt.medication_id,
                Prompt.outcome,
            )
            .execution_options(synchronize_session=False)
        )
        claimed = [Claimed(**row._mapping) for row in result.all()]
        return sorted(claimed, key=lambda c: (c.scheduled_for, c.id))

    # --- decide ---------------------------------------------------------------------

    async def _decide(
        self, session: AsyncSession, claimed: Sequence[Claimed], now: datetime, stats: Stats
    ) -> list[Outgoing]:
        users = {
            u.id: u
            for u in (
                await session.scalars(select(User).where(User.id.in_({c.user_id for c in claimed})))
            ).all()
        }
        attack_ids = {c.attack_id for c in claimed if c.attack_id is not None}
        attacks = (
            {
                a.id: a
                for a in (
                    await session.scalars(select(Attack).where(Attack.id.in_(attack_ids)))
                ).all()
            }
            if attack_ids
            else {}
        )
        medicines = await diary.medicines_by_id(
            session, {c.medication_id for c in claimed if c.medication_id is not None}
        )
        outgoing = []
        for prompt in claimed:
            user = users.get(prompt.user_id)
            attack = attacks.get(prompt.attack_id) if prompt.attack_id is not None else None
            medicine = (
                medicines.get(prompt.medication_id) if prompt.medication_id is not None else None
            )
            out = await self._decide_one(session, prompt, user, attack, medicine, now, stats)
            if out is not None:
                outgoing.append(out)
        return outgoing

    async def _decide_one(
        self,
        session: AsyncSession,
        prompt: Claimed,
        user: User | None,
        attack: Attack | None,
        medicine: MedicationTaken | None,
        now: datetime,
        stats: Stats,
    ) -> Outgoing | None:
        if user is None or not plan.wants_prompts(user):
            await self._finish(session, prompt, "cancelled", "not prompted")
            stats.cancelled += 1
            return None
        zone, quiet = sch.zone_of(user.timezone), plan.quiet_of(user)
        every = timedelta(minutes=user.followup_every_min)
        if prompt.kind in plan.ATTACK_PROMPTS:
            reason = await self._attack_prompt_unwanted(session, prompt, attack, now)
            if reason is None and prompt.kind == PromptKind.MED_CHECK and medicine is None:
                reason = "medicine deleted"
            if reason is not None:
                await self._finish(session, prompt, "cancelled", reason)
                stats.cancelled += 1
                return None
            assert attack is not None
            if quiet.contains(now.astimezone(zone).time()):
                # quiet hours changed after it was scheduled: ask when they end
                await self._defer(session, prompt, sch.push_out_of_quiet(now, zone, quiet))
                stats.deferred += 1
                return None
        if sch.is_stale(prompt.kind, prompt.scheduled_for, now, every):
            await self._finish(session, prompt, "missed", "expired")
            stats.missed += 1
            if prompt.kind == sch.FOLLOWUP and attack is not None:
                await self._next_followup(session, user, attack, prompt.scheduled_for, now)
            elif prompt.kind == PromptKind.MED_CHECK and attack is not None:
                await plan.after_med_check(session, user, attack, prompt.scheduled_for, now)
            return None
        night = None
        if prompt.kind == sch.MORNING:  # the check-in shows what that night already has
            day = sch.night_of(prompt.scheduled_for.astimezone(zone).date())
            night = await diary.sleep_of_night(session, user.id, day)
        text, markup = self.render(prompt, user, attack, medicine=medicine, night=night)
        return Outgoing(prompt, user.chat_id, text, markup)

    async def _attack_prompt_unwanted(
        self, session: AsyncSession, prompt: Claimed, attack: Attack | None, now: datetime
    ) -> str | None:
        if attack is None:
            return "attack deleted"
        if prompt.kind == sch.RECURRENCE:
            return None if attack.ended_at is not None else "attack reopened"
        if attack.ended_at is not None:
            return "attack over"
        if now >= attack.started_at + sch.FOLLOWUP_LIMIT:
            return "72 h"
        if prompt.kind == PromptKind.MED_CHECK:
            return None  # a medicine just logged: the person is there, whatever came before
        # The last questions about this attack; an answered medicine check counts.
        history = (
            await session.scalars(
                select(Prompt)
                .where(
                    Prompt.attack_id == attack.id,
                    Prompt.kind.in_((sch.FOLLOWUP, PromptKind.MED_CHECK)),
                    Prompt.id != prompt.id,
                    Prompt.scheduled_for <= prompt.scheduled_for,
                )
                .order_by(Prompt.scheduled_for.desc())
            )
        ).all()
        if plan.unanswered_in_a_row(history) >= sch.UNANSWERED_LIMIT:
            return "unanswered"
        return None

    async def _defer(self, session: AsyncSession, prompt: Claimed, when: datetime) -> None:
        try:
            async with session.begin_nested():
                await session.execute(
                    update(Prompt)
                    .where(Prompt.id == prompt.id, Prompt.claimed_by == self.name)
                    .values(status="pending", scheduled_for=when, claimed_by=None, claimed_at=None)
                    .execution_options(synchronize_session=False)
                )
        except IntegrityError:  # the same slot exists already (another attack's)
            await self._finish(session, prompt, "cancelled", "duplicate")

    async def _finish(
        self, session: AsyncSession, prompt: Claimed, status: str, outcome: str
    ) -> None:
        await session.execute(
            update(Prompt)
            .where(
                Prompt.id == prompt.id, Prompt.status == "sending", Prompt.claimed_by == self.name
            )
            .values(status=status, outcome=outcome)
            .execution_options(synchronize_session=False)
        )

    async def _next_followup(
        self, session: AsyncSession, user: User, attack: Attack, after: datetime, now: datetime
    ) -> None:
        when = sch.next_followup(
            after,
            now,
            attack.started_at,
            timedelta(minutes=user.followup_every_min),
            sch.zone_of(user.timezone),
            plan.quiet_of(user),
        )
        if when is not None:
            await plan.insert_prompts(
                session,
                [
                    {
                        "user_id": user.id,
                        "kind": sch.FOLLOWUP,
                        "scheduled_for": when,
                        "attack_id": attack.id,
                    }
                ],
            )

    # --- send -----------------------------------------------------------------------

    async def _send(self, item: Outgoing, stats: Stats, blocked: set[int]) -> None:
        prompt = item.prompt
        if prompt.user_id in blocked:
            async with self.sessions.begin() as session:
                await self._finish(session, prompt, "cancelled", "blocked")
            stats.cancelled += 1
            return
        await self.pacer.slot(item.chat_id)
        try:
            message = await self.bot.send_message(
                chat_id=item.chat_id,
                text=item.text,
                parse_mode=ParseMode.HTML,
                reply_markup=item.markup,
                **self.extra,
            )
        except (Forbidden, BadRequest) as exc:
            if isinstance(exc, BadRequest) and "chat not found" not in str(exc).lower():
                log.warning("prompt %s rejected: %s", prompt.id, type(exc).__name__)
                async with self.sessions.begin() as session:
                    await self._finish(session, prompt, "missed", "rejected")
                stats.failed += 1
                return
            # The person blocked the bot (or deleted the chat): no more prompts
            # until they /start again.
            blocked.add(prompt.user_id)
            async with self.sessions.begin() as session:
                await self._finish(session, prompt, "cancelled", "blocked")
                await mark_blocked(session, prompt.user_id)
            stats.blocked += 1
            log.info("user %s blocked the bot; prompts stopped", prompt.user_id)
            return
        except (RetryAfter, NetworkError) as exc:
            unsure = may_have_arrived(exc) is True  # the request went out; no answer came
            if unsure and prompt.resent:
                # its one repeat is unsure too: Telegram most likely has one of the two
                log.warning("prompt %s unsure again; counted as delivered", prompt.id)
                message = None
            else:
                # Back in the queue, the grace rule decides on the next round. Unsure
                # whether Telegram delivered it: the repeat says "in case this didn't
                # reach you", and is the only one.
                log.warning("prompt %s not sent (%s); will retry", prompt.id, type(exc).__name__)
                async with self.sessions.begin() as session:
                    await session.execute(
                        update(Prompt)
                        .where(Prompt.id == prompt.id, Prompt.claimed_by == self.name)
                        .values(
                            status="pending",
                            claimed_by=None,
                            claimed_at=None,
                            outcome=plan.RECLAIMED if unsure else prompt.outcome,
                        )
                        .execution_options(synchronize_session=False)
                    )
                stats.failed += 1
                return
        except TelegramError as exc:
            log.warning("prompt %s failed: %s", prompt.id, type(exc).__name__)
            async with self.sessions.begin() as session:
                await self._finish(session, prompt, "missed", "error")
            stats.failed += 1
            return
        await self._record_sent(item, getattr(message, "message_id", None))
        stats.sent += 1
        stats.sent_ids.append(prompt.id)

    async def _record_sent(self, item: Outgoing, message_id: int | None) -> None:
        prompt, now = item.prompt, self.clock.now()
        async with self.sessions.begin() as session:
            # A tap can beat this commit (the person is fast, the database slow):
            # then the row is already "answered" and only the message id is added.
            await session.execute(
                update(Prompt)
                .where(Prompt.id == prompt.id)
                .values(sent_at=now, message_id=message_id)
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                update(Prompt)
                .where(Prompt.id == prompt.id, Prompt.status == "sending")
                .values(status="sent")
                .execution_options(synchronize_session=False)
            )
            if prompt.kind == sch.FOLLOWUP:
                user = await session.get(User, prompt.user_id)
                attack = await session.get(Attack, prompt.attack_id)
                still_open = attack is not None and attack.ended_at is None
                if user is not None and plan.wants_prompts(user) and still_open:
                    assert attack is not None
                    await self._next_followup(session, user, attack, prompt.scheduled_for, now)
            elif prompt.kind == PromptKind.MED_CHECK:
                user = await session.get(User, prompt.user_id)
                attack = await session.get(Attack, prompt.attack_id)
                still_open = attack is not None and attack.ended_at is None
                if user is not None and plan.wants_prompts(user) and still_open:
                    assert attack is not None
                    await plan.after_med_check(session, user, attack, prompt.scheduled_for, now)
            elif prompt.kind == sch.MORNING:
                # A typed reply to the morning question is read as last night's sleep.
                await session.execute(
                    update(User)
                    .where(
                        User.id == prompt.user_id,
                        (User.awaiting.is_(None))
                        | (User.awaiting.like(Awaiting.MORNING.pattern())),
                    )
                    .values(awaiting=Awaiting.MORNING.with_ref(prompt.id))
                    .execution_options(synchronize_session=False)
                )


async def mark_blocked(session: AsyncSession, user_id: int) -> None:
    """The person blocked the bot: inactive, pending prompts cancelled, until /start."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    await plan.cancel_all(session, user_id)
