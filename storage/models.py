"""The diary's tables (DESIGN §3, §5).

Instants are UTC (`UTCDateTime`), shown in the user's zone by the bot. Every
entry a person logged keeps the raw text it came from. All rows of a user hang
off `user.id` with ON DELETE CASCADE, so erasing a person is one DELETE.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        list[str]: JSON(),
    }


def table(model: type[Base]) -> Table:
    """A model's table, for INSERT/UPDATE statements that bypass the ORM's bulk machinery:
    on the path every message takes (its replies, marking it done, its follow-up), the
    plain statement costs about a third less CPU, and nothing there needs ORM objects back."""
    return cast(Table, model.__table__)


def _user_fk() -> Mapped[int]:
    return mapped_column(BigInteger, ForeignKey("user.id", ondelete="CASCADE"), index=True)


class User(Base):
    """A person, keyed by their Telegram user id; also holds their settings."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # False while the zone is the default nobody chose: the first dated entry says so.
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    quiet_start: Mapped[time] = mapped_column(Time, default=time(23, 0))
    quiet_end: Mapped[time] = mapped_column(Time, default=time(7, 0))
    goals: Mapped[list[str]] = mapped_column(default=list)
    kidney_disease: Mapped[bool | None] = mapped_column(Boolean, default=None)
    # True when the label states elemental magnesium; False when the person gives
    # the weight of the bisglycinate compound (about 14.1 % elemental).
    label_elemental: Mapped[bool] = mapped_column(Boolean, default=True)
    # Elemental mg in one capsule, for "2 caps"; None until the person says.
    capsule_mg: Mapped[float | None] = mapped_column(Float, default=None)
    magnesium_start: Mapped[date | None] = mapped_column(Date, default=None)
    followup_first_min: Mapped[int] = mapped_column(Integer, default=120)
    followup_every_min: Mapped[int] = mapped_column(Integer, default=240)
    morning_time: Mapped[time | None] = mapped_column(Time, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Conversation state lives here, not in memory: which onboarding step the
    # person is on, and which free-text answer the bot is waiting for.
    onboarding_step: Mapped[str | None] = mapped_column(String(32), default=None)
    awaiting: Mapped[str | None] = mapped_column(String(64), default=None)
    upper_limit_noticed_on: Mapped[date | None] = mapped_column(Date, default=None)
    created_at: Mapped[datetime]

    dose_plan: Mapped[list[DosePlanItem]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="DosePlanItem.local_time",
    )


class DosePlanItem(Base):
    """One planned dose a day: elemental mg at a local time."""

    __tablename__ = "dose_plan_item"
    __table_args__ = (UniqueConstraint("user_id", "local_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    amount_mg: Mapped[float] = mapped_column(Float)
    local_time: Mapped[time] = mapped_column(Time)

    user: Mapped[User] = relationship(back_populates="dose_plan")


class DosePlanChange(Base):
    """How many doses a day the plan had from a local day on, so past adherence is
    judged against the plan of the time, not today's."""

    __tablename__ = "dose_plan_change"
    __table_args__ = (UniqueConstraint("user_id", "effective_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    effective_on: Mapped[date] = mapped_column(Date)
    doses_per_day: Mapped[int] = mapped_column(Integer)


class Dose(Base):
    __tablename__ = "dose"
    __table_args__ = (CheckConstraint("status IN ('taken', 'skipped')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    taken_at: Mapped[datetime] = mapped_column(index=True)
    amount_mg: Mapped[float | None] = mapped_column(Float, default=None)
    count: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # prompt / text
    prompt_id: Mapped[int | None] = mapped_column(
        ForeignKey("prompt.id", ondelete="SET NULL"), default=None
    )
    raw_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Attack(Base):
    __tablename__ = "attack"
    __table_args__ = (
        CheckConstraint("kind IN ('migraine', 'headache')", name="kind"),
        CheckConstraint("peak_intensity BETWEEN 0 AND 10", name="peak_intensity"),
        Index("ix_attack_user_id_started_at", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    kind: Mapped[str] = mapped_column(String(16))
    peak_intensity: Mapped[int | None] = mapped_column(Integer, default=None)
    # intensity when first logged: the 2-hour response is judged against it
    start_intensity: Mapped[int | None] = mapped_column(Integer, default=None)
    symptoms: Mapped[list[str]] = mapped_column(default=list)
    triggers: Mapped[list[str]] = mapped_column(default=list)
    aura: Mapped[bool] = mapped_column(Boolean, default=False)
    # "gone" / "reduced" / "none": pain at the 2-hour follow-up against the start
    response_2h: Mapped[str | None] = mapped_column(String(16), default=None)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    updates: Mapped[list[AttackUpdate]] = relationship(
        back_populates="attack",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="AttackUpdate.at",
    )
    medications: Mapped[list[MedicationTaken]] = relationship(
        back_populates="attack", passive_deletes=True, order_by="MedicationTaken.taken_at"
    )


class AttackUpdate(Base):
    __tablename__ = "attack_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    attack_id: Mapped[int] = mapped_column(ForeignKey("attack.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    intensity: Mapped[int | None] = mapped_column(Integer, default=None)
    relief: Mapped[str | None] = mapped_column(String(16), default=None)
    gone: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_text: Mapped[str] = mapped_column(Text, default="")

    attack: Mapped[Attack] = relationship(back_populates="updates")


class MedicationTaken(Base):
    __tablename__ = "medication_taken"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    attack_id: Mapped[int | None] = mapped_column(
        ForeignKey("attack.id", ondelete="SET NULL"), default=None, index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    med_class: Mapped[str] = mapped_column(String(32))
    dose_mg: Mapped[float | None] = mapped_column(Float, default=None)
    taken_at: Mapped[datetime] = mapped_column(index=True)
    raw_text: Mapped[str] = mapped_column(Text, default="")

    attack: Mapped[Attack | None] = relationship(back_populates="medications")


class Sleep(Base):
    __tablename__ = "sleep"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    night: Mapped[date] = mapped_column(Date)  # the date the night began, local
    quality: Mapped[int | None] = mapped_column(Integer, default=None)
    hours: Mapped[float | None] = mapped_column(Float, default=None)
    awakenings: Mapped[int | None] = mapped_column(Integer, default=None)
    onset_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    restless_legs: Mapped[bool] = mapped_column(Boolean, default=False)
    cramps: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime]


class Anxiety(Base):
    __tablename__ = "anxiety"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    at: Mapped[datetime]
    level: Mapped[int] = mapped_column(Integer)
    raw_text: Mapped[str] = mapped_column(Text, default="")


class SideEffect(Base):
    __tablename__ = "side_effect"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    at: Mapped[datetime]
    effects: Mapped[list[str]] = mapped_column(default=list)
    raw_text: Mapped[str] = mapped_column(Text, default="")


class Period(Base):
    """A day of the menstrual period (NICE asks for the relation of migraine to it)."""

    __tablename__ = "period"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    day: Mapped[date] = mapped_column(Date)
    started: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_text: Mapped[str] = mapped_column(Text, default="")


class FactorDay(Base):
    """A possible trigger (a DESIGN §4 trigger code) logged for a day without an attack.

    One row per day and code: "4 coffees" twice on one day is one caffeine day.
    The summary compares the days after these with the days after others.
    """

    __tablename__ = "factor_day"
    __table_args__ = (UniqueConstraint("user_id", "day", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    day: Mapped[date] = mapped_column(Date)  # local
    code: Mapped[str] = mapped_column(String(32))
    raw_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]


class Midas(Base):
    """A MIDAS questionnaire (bot.domain.midas): five answers in days, asked in the chat.

    A half-answered one lives here, not in memory: the next question is the
    first answer still missing, so a restart or a second process carries on
    where the person left off. `taken_on` is the local day it was finished.
    """

    __tablename__ = "midas"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'skipped')", name="status"),
        *(CheckConstraint(f"q{n} BETWEEN 0 AND 92", name=f"q{n}") for n in range(1, 6)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    status: Mapped[str] = mapped_column(String(16), default="open")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    taken_on: Mapped[date | None] = mapped_column(Date, default=None)
    # days lost to headache in the last 3 months, in the order of midas.QUESTIONS
    q1: Mapped[int | None] = mapped_column(Integer, default=None)
    q2: Mapped[int | None] = mapped_column(Integer, default=None)
    q3: Mapped[int | None] = mapped_column(Integer, default=None)
    q4: Mapped[int | None] = mapped_column(Integer, default=None)
    q5: Mapped[int | None] = mapped_column(Integer, default=None)

    @property
    def answers(self) -> list[int | None]:
        return [self.q1, self.q2, self.q3, self.q4, self.q5]


class NoticeSent(Base):
    """A notice that goes out once (per day, per 28-day window, ever): its key, once."""

    __tablename__ = "notice_sent"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    key: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime]


class JournalEntry(Base):
    """What one message stored, in order, so /undo and /log can take it back.

    `effects` records side effects to revert (e.g. the attack an end closed and
    its previous end time), so undo is exact rather than a guess.
    """

    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_entry_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    group_id: Mapped[int] = mapped_column(BigInteger)  # entries of one message share it
    kind: Mapped[str] = mapped_column(String(32))  # the table the row lives in
    row_id: Mapped[int] = mapped_column(Integer)
    effects: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]


class Prompt(Base):
    """A prompt due or sent: the database, not pickled jobs, says what is due (DESIGN §5)."""

    __tablename__ = "prompt"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "scheduled_for"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'answered', 'missed', 'cancelled')",
            name="status",
        ),
        Index("ix_prompt_status_scheduled_for", "status", "scheduled_for"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = _user_fk()
    kind: Mapped[str] = mapped_column(String(16))  # dose / followup / recurrence / morning
    scheduled_for: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attack_id: Mapped[int | None] = mapped_column(
        ForeignKey("attack.id", ondelete="CASCADE"), default=None
    )
    # the medicine a "did it help?" check asks about
    medication_id: Mapped[int | None] = mapped_column(
        ForeignKey("medication_taken.id", ondelete="CASCADE"), default=None
    )
    amount_mg: Mapped[float | None] = mapped_column(Float, default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(String(64), default=None)


class InboxUpdate(Base):
    """An update from Telegram, stored before Telegram is told it arrived (DESIGN §9).

    Unique on update_id, so a redelivery is stored once. Workers claim rows one
    chat at a time, in update order, under a lease; the row is marked done in
    the same transaction as the update's effects, and its payload (which holds
    what the person wrote) is dropped then.
    """

    __tablename__ = "inbox_update"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'working', 'done', 'failed')",
            name="status",
        ),
        Index("ix_inbox_update_status_update_id", "status", "update_id"),
        Index("ix_inbox_update_chat_id_update_id", "chat_id", "update_id"),
    )

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    # a working row's lease; a pending row's "not before" (a retry waits a little)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    leased_by: Mapped[str | None] = mapped_column(String(64), default=None)
    error: Mapped[str | None] = mapped_column(String(64), default=None)
    handled_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """A reply to send, written with the effects it confirms; deleted once Telegram has it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'failed')", name="status"),
        Index("ix_outbox_message_status_chat_id_id", "status", "chat_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sending_by: Mapped[str | None] = mapped_column(String(64), default=None)


class Worker(Base):
    """A running bot process: its heartbeat says it is alive (claims of dead ones are
    recovered) and how many share the send budget."""

    __tablename__ = "worker"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime] = mapped_column(index=True)


# Tables that hold a person's data, for export and erasure (privacy, DESIGN §8).
USER_TABLES: tuple[type[Base], ...] = (
    User,
    DosePlanItem,
    DosePlanChange,
    Dose,
    Attack,
    AttackUpdate,
    MedicationTaken,
    Sleep,
    Anxiety,
    SideEffect,
    Period,
    FactorDay,
    NoticeSent,
    JournalEntry,
    Prompt,
    Midas,
)
