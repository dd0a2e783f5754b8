"""Possible triggers on a day without an attack: read as `factor` entries, for the day named,
never taken from a message that is something else, and never printed by `magbot parse`."""

from __future__ import annotations

import io
import json
import sys
from datetime import date, datetime

import pytest

from bot.cli import main
from bot.domain.entries import (
    AnxietyEntry,
    AttackEntry,
    AttackUpdateEntry,
    DoseEntry,
    Entry,
    FactorEntry,
    PeriodEntry,
    SleepEntry,
)
from bot.domain.parse import parse, parse_json

BERLIN = "Europe/Berlin"
# Wednesday 10 June 2026
EVENING = datetime.fromisoformat("2026-06-10T20:00:00+02:00")
MORNING = datetime.fromisoformat("2026-06-10T09:00:00+02:00")
TODAY = date(2026, 6, 10)
YESTERDAY = date(2026, 6, 9)


def read(text: str, now: datetime = EVENING) -> list[Entry]:
    return parse(text, now, BERLIN)


def factors(text: str, now: datetime = EVENING) -> list[FactorEntry]:
    return [e for e in read(text, now) if isinstance(e, FactorEntry)]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("skipped lunch and had 4 coffees", ("caffeine", "skipped_meal")),
        ("2 glasses of wine", ("alcohol",)),
        ("slept in till 11", ("oversleep",)),
        ("stressful day at work", ("stress",)),
        ("went to the gym, then pizza and 2 beers", ("alcohol", "exercise")),
        ("not enough water today", ("dehydration",)),
        ("long day at the computer", ("screen_time",)),
        ("Had some Cheddar and chocolate", ("cheese", "chocolate")),
        ("no headache today, had 2 coffees", ("caffeine",)),
        ("ran 5k", ("exercise",)),
    ],
)
def test_a_possible_trigger_on_its_own_is_a_factor_for_today(
    text: str, codes: tuple[str, ...]
) -> None:
    [entry] = factors(text)
    assert entry.codes == codes
    assert entry.on in (None, TODAY)


@pytest.mark.parametrize(
    ("text", "now", "on"),
    [
        ("yesterday I had 3 coffees", EVENING, YESTERDAY),
        ("I had 3 coffees yesterday", EVENING, YESTERDAY),
        ("Yesterday: wine, cheese", EVENING, YESTERDAY),
        ("had wine last night", MORNING, YESTERDAY),
        ("on friday 3 beers", EVENING, date(2026, 6, 5)),
        ("2 glasses of wine tonight", EVENING, TODAY),
        ("had wine on June 2", EVENING, date(2026, 6, 2)),
    ],
)
def test_the_day_named_is_the_factors_day(text: str, now: datetime, on: date) -> None:
    assert [e.on for e in factors(text, now)] == [on]


def test_nothing_said_of_the_day_leaves_it_to_the_diary() -> None:
    assert factors("had 4 coffees") == [FactorEntry(codes=("caffeine",), on=None)]


def test_each_day_named_gets_its_own_entry() -> None:
    assert factors("wine on friday, cheese yesterday") == [
        FactorEntry(codes=("alcohol",), on=date(2026, 6, 5)),
        FactorEntry(codes=("cheese",), on=YESTERDAY),
    ]


def test_a_day_of_its_own_in_a_message_of_several_days_keeps_its_factors() -> None:
    entries = read("Monday: wine. Tuesday: migraine 6/10")
    assert entries[0] == FactorEntry(codes=("alcohol",), on=date(2026, 6, 8))
    assert isinstance(entries[1], AttackEntry)


def test_what_is_said_with_last_nights_sleep_is_dated_by_that_night() -> None:
    entries = read("slept badly after too much wine", MORNING)
    assert [type(e) for e in entries] == [SleepEntry, FactorEntry]
    assert entries[1] == FactorEntry(codes=("alcohol",), on=YESTERDAY)


@pytest.mark.parametrize(
    ("text", "triggers"),
    [
        ("migraine after 2 glasses of wine", ("alcohol",)),
        ("headache 5/10, skipped lunch and 4 coffees", ("caffeine", "skipped_meal")),
        ("migrain 5/10 after a stressful meeting", ("stress",)),
    ],
)
def test_an_attack_keeps_its_triggers_and_makes_no_factor(
    text: str, triggers: tuple[str, ...]
) -> None:
    entries = read(text)
    assert [type(e) for e in entries] == [AttackEntry]
    attack = entries[0]
    assert isinstance(attack, AttackEntry)
    assert attack.triggers == triggers


def test_news_about_an_attack_makes_no_factor() -> None:
    entries = read("still 5/10, had wine yesterday")
    assert [type(e) for e in entries] == [AttackUpdateEntry]


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("slept badly", [SleepEntry]),  # poor sleep is the night's, not a factor
        ("slept 10 hours, overslept", [SleepEntry]),
        ("took 200mg magnesium", [DoseEntry]),
        ("ran out of magnesium", [DoseEntry]),  # running out is no run
        ("on my period", [PeriodEntry]),  # the period days are the cycle's record
        ("anxiety 6/10", [AnxietyEntry]),
    ],
)
def test_a_message_of_another_kind_stays_that_kind(text: str, kinds: list[type]) -> None:
    assert [type(e) for e in read(text)] == kinds


@pytest.mark.parametrize(
    "text",
    [
        "no coffee today",  # a day without caffeine
        "late night, jet lag",  # poor sleep: logged as a night
        "coffee always triggers my migraines",
        "I usually skip breakfast",
        "I love cheese",
        "going for a run",
        "I'll have wine later",
        "party tomorrow, lots of wine",
        "whether it rains or not",
        "craving chocolate",
        "does coffee trigger migraines?",
        "my husband had 3 beers",
    ],
)
def test_habits_beliefs_plans_and_absences_are_no_factor(text: str) -> None:
    assert factors(text) == []


@pytest.mark.parametrize(
    "text", ["for god's sake, forgot my magnesium", "For Heaven’s sake", "for the sake of sleep"]
)
def test_a_sake_that_is_no_drink_is_no_alcohol(text: str) -> None:
    assert [f for f in factors(text) if "alcohol" in f.codes] == []


@pytest.mark.parametrize(
    "text", ["chamomile tea before bed", "had a mint tea", "decaf latte this afternoon"]
)
def test_a_day_of_caffeine_free_drinks_only_is_no_caffeine_day(text: str) -> None:
    assert factors(text) == []


@pytest.mark.parametrize("text", ["herbal tea and 3 coffees", "green tea", "decaf and 2 espressos"])
def test_caffeine_beside_a_caffeine_free_drink_still_counts(text: str) -> None:
    assert factors(text) == [FactorEntry(codes=("caffeine",), on=None)]


def test_sake_the_drink_is_alcohol() -> None:
    assert factors("2 glasses of sake with sushi") == [FactorEntry(codes=("alcohol",), on=None)]


def test_a_factor_beside_another_entry_does_not_change_it() -> None:
    entries = read("slept badly, then 4 coffees", MORNING)
    assert [type(e) for e in entries] == [SleepEntry, FactorEntry]
    sleep, factor = entries
    assert isinstance(sleep, SleepEntry) and sleep.quality == 2
    assert factor == FactorEntry(codes=("caffeine",), on=None)


def test_the_wire_form_of_parse_has_no_factor() -> None:
    assert factors("skipped lunch and had 4 coffees")  # the bot reads one...
    assert parse_json("skipped lunch and had 4 coffees", EVENING, BERLIN) == []  # ...not shown
    [sleep] = parse_json("slept badly after too much wine", MORNING, BERLIN)
    assert sleep["type"] == "sleep"


def test_magbot_parse_batch_prints_no_factor(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": "skipped lunch and had 4 coffees", "now": EVENING.isoformat(), "tz": BERLIN},
        {"text": "slept badly after wine", "now": MORNING.isoformat(), "tz": BERLIN},
        {"text": "migraine after wine 6/10", "now": EVENING.isoformat(), "tz": BERLIN},
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(json.dumps(x) for x in lines)))
    assert main(["parse", "--batch"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [[e["type"] for e in o["entries"]] for o in out] == [[], ["sleep"], ["attack"]]
    assert out[2]["entries"][0]["triggers"] == ["alcohol"]
