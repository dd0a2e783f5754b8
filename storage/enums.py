"""The vocabularies of stored values: one enum per column that holds a kind or a status.

They are `StrEnum`s, so a member is its stored string ("migraine" is
`AttackKind.MIGRAINE`), the columns stay plain strings with CHECK constraints,
and no migration is needed to use them. This module imports nothing but the
standard library: the domain (which must not import SQLAlchemy) shares it.
"""

from __future__ import annotations

from enum import StrEnum


class AttackKind(StrEnum):
    MIGRAINE = "migraine"
    HEADACHE = "headache"


class DoseStatus(StrEnum):
    TAKEN = "taken"
    SKIPPED = "skipped"


class DoseSource(StrEnum):
    PROMPT = "prompt"  # a tap or typed amount on the dose prompt
    TEXT = "text"  # a free-text check-in


class Relief(StrEnum):
    """The answer to "did it help?" two hours after a medicine (besides "pain gone")."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class PromptKind(StrEnum):
    DOSE = "dose"
    SNOOZE = "snooze"  # a dose prompt asked again after "Snooze 30 min"; not from the plan
    FOLLOWUP = "followup"  # "how is it now?" during an attack
    RECURRENCE = "recurrence"  # "did it come back?" a day after it ended
    MORNING = "morning"  # the sleep check-in
    MED_CHECK = "medcheck"  # "did it help?" two hours after an acute medicine
    MIDAS = "midas"  # the MIDAS questionnaire, every 3 months (migraine goal)


class PromptStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher, not yet confirmed sent
    SENT = "sent"
    ANSWERED = "answered"
    MISSED = "missed"
    CANCELLED = "cancelled"


class EntryKind(StrEnum):
    """What a journal line took back with /undo: a row it added or a change it made."""

    ATTACK = "attack"
    ATTACK_UPDATE = "attack_update"
    ATTACK_END = "attack_end"  # an attack's end time set
    ATTACK_MERGE = "attack_merge"  # news about an attack folded into it
    ATTACK_EDIT = "attack_edit"  # a button changed intensity, symptoms or triggers
    DOSE = "dose"
    MEDICATION = "medication"
    SLEEP = "sleep"
    SLEEP_MERGE = "sleep_merge"  # a second message about the same night
    ANXIETY = "anxiety"
    SIDE_EFFECT = "side_effect"
    PERIOD = "period"
    PERIOD_START = "period_start"  # a period day already noted, marked as the first day
    FACTOR = "factor"  # a possible trigger logged for a day without an attack


class MidasStatus(StrEnum):
    """Where a MIDAS questionnaire stands (`midas.status`)."""

    OPEN = "open"  # started, answers still missing
    DONE = "done"  # all five answered: scored and graded
    SKIPPED = "skipped"  # declined, or left unfinished


class Awaiting(StrEnum):
    """Which typed answer the bot waits for (`user.awaiting` holds "kind:ref")."""

    ONBOARDING = "ob"  # ref: the onboarding step (tz, dose, start_date)
    SETTING = "set"  # ref: the setting (timezone, dose, followup, quiet, morning, capsule)
    EDIT_TIME = "edit_time"  # ref: the journal line whose time /log corrects
    DOSE_AMOUNT = "dose_amount"  # ref: the dose prompt whose "Other amount" was tapped
    MORNING = "morning"  # ref: the morning check-in prompt
    MIDAS = "midas"  # ref: the MIDAS questionnaire whose next question is open

    def pattern(self) -> str:
        """A SQL LIKE pattern for every question of this kind."""
        return f"{self.value}:%"

    def with_ref(self, ref: object) -> str:
        return f"{self.value}:{ref}"


class InboxStatus(StrEnum):
    """An update Telegram delivered: stored first, then handled by one worker."""

    PENDING = "pending"  # stored, waiting for a worker (or for its retry time)
    WORKING = "working"  # leased by a worker until `lease_until`
    DONE = "done"  # handled; its payload (what the person wrote) is dropped
    FAILED = "failed"  # set aside: undecodable, or failed the same way three times


class OutboxStatus(StrEnum):
    """A reply written in the same transaction as what it confirms, then sent."""

    PENDING = "pending"
    FAILED = "failed"  # Telegram refused it for good (blocked, chat gone)
