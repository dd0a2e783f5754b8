"""The example diary of `magbot demo --fill`: deterministic, consistent, shaped like a real one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.entries import (
    AnxietyEntry,
    AttackEndEntry,
    AttackEntry,
    AttackUpdateEntry,
    DoseEntry,
    FactorEntry,
    SideEffectEntry,
    SleepEntry,
)
from bot.domain.example_diary import BadFill, ExampleDiary, example_diary, parse_days
from bot.domain.parsing import parse
from bot.domain.parsing.vocab import SIDE_EFFECTS, SYMPTOMS, TRIGGERS
from storage.enums import AttackKind

END = datetime(2025, 6, 1, 14, 30, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def diary() -> ExampleDiary:
    return example_diary(90, end=END)


def test_the_same_seed_gives_the_same_diary_and_another_seed_another() -> None:
    assert example_diary(90, end=END) == example_diary(90, end=END)
    assert example_diary(90, end=END, seed=2).messages != example_diary(90, end=END).messages


def test_it_covers_the_days_before_end_and_nothing_after(diary: ExampleDiary) -> None:
    settings = diary.settings
    assert settings.created_at.date() == date(2025, 3, 3), "90 days before 1 June"
    assert settings.magnesium_start == date(2025, 3, 3) + timedelta(days=diary.baseline_days)
    assert 28 <= diary.baseline_days <= 42, "a baseline the before/on comparison accepts"
    times = [m.sent_at for m in diary.messages]
    assert times == sorted(times)
    assert all(t.tzinfo is not None and settings.created_at <= t < END for t in times)
    assert set(settings.goals) == {"migraine", "sleep", "anxiety"}


def test_no_entry_is_dated_after_the_message_that_tells_it(diary: ExampleDiary) -> None:
    for message in diary.messages:
        for entry in message.entries:
            for name in ("started_at", "at", "taken_at", "ended_at"):
                when = getattr(entry, name, None)
                assert when is None or when <= message.sent_at, (message, name)
            for medicine in getattr(entry, "medications", ()):
                assert medicine.taken_at <= message.sent_at


def test_every_attack_ends_before_the_next_starts_with_its_medicine_inside(
    diary: ExampleDiary,
) -> None:
    entries = [e for m in diary.messages for e in m.entries]
    open_attack: AttackEntry | None = None
    attacks = 0
    for entry in entries:
        if isinstance(entry, AttackEntry):
            assert open_attack is None, "attacks do not overlap"
            open_attack, attacks = entry, attacks + 1
            assert entry.intensity is not None and 0 <= entry.intensity <= 10
            assert set(entry.symptoms) <= set(SYMPTOMS) and set(entry.triggers) <= set(TRIGGERS)
        elif isinstance(entry, AttackUpdateEntry):
            assert open_attack is not None and open_attack.started_at is not None
            assert entry.at is not None and entry.at > open_attack.started_at
        elif isinstance(entry, AttackEndEntry):
            assert open_attack is not None and open_attack.started_at is not None
            assert entry.ended_at is not None and entry.ended_at > open_attack.started_at
            for medicine in open_attack.medications:
                assert medicine.taken_at is not None
                assert open_attack.started_at < medicine.taken_at < entry.ended_at
            open_attack = None
    assert open_attack is None, "the demo starts with no attack going on"
    assert attacks >= 15


def _migraine_days(diary: ExampleDiary) -> tuple[set[date], set[date]]:
    """Local days touched by a migraine: before magnesium, and on it."""
    before: set[date] = set()
    on: set[date] = set()
    started: AttackEntry | None = None
    for entry in (e for m in diary.messages for e in m.entries):
        if isinstance(entry, AttackEntry):
            started = entry
        elif isinstance(entry, AttackEndEntry) and started and started.kind == AttackKind.MIGRAINE:
            assert started.started_at is not None and entry.ended_at is not None
            day = started.started_at.astimezone(LONDON).date()
            while day <= entry.ended_at.astimezone(LONDON).date():
                (before if day < diary.settings.magnesium_start else on).add(day)
                day += timedelta(days=1)
    return before, on


def test_migraine_days_fall_on_magnesium(diary: ExampleDiary) -> None:
    before, on = _migraine_days(diary)
    on_days = diary.days - diary.baseline_days
    per_28_before = len(before) * 28 / diary.baseline_days
    per_28_on = len(on) * 28 / on_days
    assert 6 <= per_28_before <= 14, "a person who would try a preventive"
    assert per_28_on < per_28_before * 0.7


def test_wine_evenings_are_followed_by_more_migraines_and_coffee_by_no_more(
    diary: ExampleDiary,
) -> None:
    """Possible triggers typed on days of their own, so /summary has associations to show:
    one that goes with next-day migraines and one that does not."""
    before, on = _migraine_days(diary)
    migraine = before | on
    factor_days: dict[str, set[date]] = {}
    for entry in (e for m in diary.messages for e in m.entries):
        if isinstance(entry, FactorEntry):
            assert entry.on is not None
            for code in entry.codes:
                factor_days.setdefault(code, set()).add(entry.on)
    days = [diary.settings.created_at.date() + timedelta(days=n) for n in range(diary.days - 1)]

    def share_after(with_it: bool, code: str) -> float:
        chosen = [d for d in days if (d in factor_days[code]) == with_it]
        return sum(d + timedelta(days=1) in migraine for d in chosen) / len(chosen)

    assert len(factor_days["alcohol"]) >= 6 and len(factor_days["caffeine"]) >= 15
    assert share_after(True, "alcohol") >= 1.5 * share_after(False, "alcohol")
    assert share_after(True, "caffeine") < 1.5 * share_after(False, "caffeine")


def test_doses_start_with_magnesium_mostly_taken_some_skipped(diary: ExampleDiary) -> None:
    doses = [(m.sent_at, e) for m in diary.messages for e in m.entries if isinstance(e, DoseEntry)]
    start = diary.settings.magnesium_start
    assert all(at.astimezone(LONDON).date() >= start for at, _ in doses)
    on_days = diary.days - diary.baseline_days
    taken = sum(1 for _, d in doses if not d.skipped)
    skipped = sum(1 for _, d in doses if d.skipped)
    assert 0.75 * on_days <= taken < on_days and skipped >= 1


def test_there_is_sleep_anxiety_and_a_couple_of_side_effects(diary: ExampleDiary) -> None:
    kinds = Counter(type(e) for m in diary.messages for e in m.entries)
    assert kinds[SleepEntry] >= 60 and kinds[AnxietyEntry] >= 15
    effects = [e for m in diary.messages for e in m.entries if isinstance(e, SideEffectEntry)]
    assert 1 <= len(effects) <= 4
    assert all(set(e.effects) <= set(SIDE_EFFECTS) for e in effects)


def test_the_words_say_what_the_entries_say(diary: ExampleDiary) -> None:
    """Each text reads back, through the bot's parser, as the entries stored with it."""
    agree = 0
    for message in diary.messages:
        read = parse(message.raw_text, message.sent_at, diary.settings.timezone)
        same = [type(e) for e in read] == [type(e) for e in message.entries]
        if same and isinstance(message.entries[0], AttackEntry):
            meant, got = message.entries[0], read[0]
            assert isinstance(got, AttackEntry)
            same = (
                got.kind == meant.kind
                and got.intensity == meant.intensity
                and set(got.symptoms) == set(meant.symptoms)
                and set(got.triggers) == set(meant.triggers)
                and [m.name for m in got.medications] == [m.name for m in meant.medications]
            )
        agree += same
    assert agree >= 0.95 * len(diary.messages)


@pytest.mark.parametrize(
    ("text", "days"), [("90d", 90), ("90", 90), ("30 days", 30), ("365d", 365)]
)
def test_fill_lengths_are_read_in_days(text: str, days: int) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["7d", "1000d", "3 months", "", "d"])
def test_a_fill_length_out_of_range_says_the_form(text: str) -> None:
    with pytest.raises(BadFill, match=r"from 28d to 365d, e\.g\. 90d"):
        parse_days(text)


def test_a_short_diary_still_has_a_baseline_and_a_time_on_magnesium() -> None:
    short = example_diary(30, end=END)
    assert short.baseline_days == 15
    assert any(isinstance(e, DoseEntry) for m in short.messages for e in m.entries)
