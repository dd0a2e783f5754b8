"""Rules added in the generalisation pass (tests/data/checkins_extra.jsonl), one group each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.domain.parse import parse_json as parse
from bot.domain.parsing.extract import normalized

NOW = datetime.fromisoformat("2026-05-05T18:00:00+02:00")
TZ = "Europe/Paris"


def entries(text: str, now: datetime = NOW) -> list[dict[str, Any]]:
    return parse(text, now, TZ)


def types(text: str) -> list[str]:
    return [e["type"] for e in entries(text)]


def one(text: str, kind: str) -> dict[str, Any]:
    found = [e for e in entries(text) if e["type"] == kind]
    assert len(found) == 1, f"{text!r} gave {entries(text)}"
    return found[0]


# --- "HA" / "mig" shorthand ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("HA 4/10 since lunch", "headache"),
        ("throbbing HA behind my right eye", "headache"),
        ("H/A since 3pm", "headache"),
        ("ha 5/10", "headache"),
        ("bad ha today", "headache"),
        ("mig started half an hour ago 6/10", "migraine"),
        ("mig 7/10", "migraine"),
    ],
)
def test_shorthand_names_the_attack(text: str, kind: str) -> None:
    assert one(text, "attack")["kind"] == kind


@pytest.mark.parametrize("text", ["HAHA", "ha ha", "HA HA that was funny", "haha ok"])
def test_laughter_is_not_a_headache(text: str) -> None:
    assert entries(text) == []


def test_my_ha_is_gone_ends_the_attack() -> None:
    assert types("my ha is gone") == ["attack_end"]


# --- British clock talk --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("since quarter past 4", "since 4:15"),
        ("since half past 10", "since 10:30"),
        ("at 20 past 9", "at 9:20"),
        ("quarter to 6 this morning", "5:45 this morning"),
        ("ten minutes to 5 pm", "4:50 pm"),
        ("started at half 7", "started at 7:30"),
        ("from 2 to 4", "from 2 to 4"),  # a range, not "3:58"
        ("pain went from 7 to 4", "pain went from 7 to 4"),
        ("took half 1 pill", "took half 1"),  # "half" without a time preposition stays
    ],
)
def test_clock_words_become_clock_times(text: str, form: str) -> None:
    assert normalized(text).startswith(form)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("migraine since quarter past 4", "2026-05-05T16:15:00+02:00"),
        ("headache started at half 5", "2026-05-05T17:30:00+02:00"),
        ("migraine since quarter to 3", "2026-05-05T14:45:00+02:00"),
    ],
)
def test_clock_words_resolve(text: str, start: str) -> None:
    assert one(text, "attack")["started_at"] == start


# --- "2-5pm": the first end of a range takes the am/pm of the second ------------
@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("headache 2-5pm", "2026-05-05T14:00:00+02:00", "2026-05-05T17:00:00+02:00"),
        ("migraine 11 to 1 pm", "2026-05-05T11:00:00+02:00", "2026-05-05T13:00:00+02:00"),
        ("headache 9-11am", "2026-05-05T09:00:00+02:00", "2026-05-05T11:00:00+02:00"),
    ],
)
def test_range_with_one_am_pm(text: str, start: str, end: str) -> None:
    attack = one(text, "attack")
    assert (attack["started_at"], attack["ended_at"], attack["intensity"]) == (start, end, None)


# --- an end cue followed by "since" says when it ended -------------------------
@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("headache finally gone since 4pm", "2026-05-05T16:00:00+02:00"),
        ("pain free since 11", "2026-05-05T11:00:00+02:00"),
        ("migraine gone since 3", "2026-05-05T15:00:00+02:00"),
    ],
)
def test_gone_since_is_the_end(text: str, ended: str) -> None:
    assert entries(text) == [{"type": "attack_end", "ended_at": ended}]


def test_since_before_the_end_cue_is_still_the_start() -> None:
    attack = one("migraine since 2pm, gone now", "attack")
    assert attack["started_at"] == "2026-05-05T14:00:00+02:00"


# --- sleep ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("took forever to drop off, maybe 45 min", 45),
        ("took ages to nod off, about 30 minutes", 30),
        ("took 20 minutes to drop off", 20),
        ("dozed off within 10 min", 10),
    ],
)
def test_onset_with_drop_off(text: str, minutes: int) -> None:
    assert one(text, "sleep")["onset_minutes"] == minutes


@pytest.mark.parametrize(
    ("text", "quality", "hours"),
    [
        ("slept 7.5 hrs, pretty good", 4, 7.5),
        ("slept 6h badly", 2, 6),
        ("slept 5 hrs, terrible", 1, 5),
        ("sleep 8 hours great", 5, 8),
    ],
)
def test_quality_word_after_the_hours(text: str, quality: int, hours: float) -> None:
    sleep = one(text, "sleep")
    assert (sleep["quality"], sleep["hours"]) == (quality, hours)


def test_quality_after_hours_does_not_take_the_headache_word() -> None:
    assert one("slept 7 hours, bad headache now", "sleep")["quality"] is None


# --- questions without "?" and someone else's migraine --------------------------
@pytest.mark.parametrize(
    "text",
    [
        "what's the max dose of ibuprofen",
        "how much magnesium should I take",
        "can i take magnesium with sumatriptan",
        "is it ok to take mag with coffee",
        "my friend gets migraines too",
        "my mum's migraine is awful today",
        "she has a migraine 8/10",
    ],
)
def test_not_the_writers_diary(text: str) -> None:
    assert entries(text) == []


def test_someone_else_plus_me_still_logs() -> None:
    assert "attack" in types("my wife and i both have a migraine 6/10")


# --- general talk about migraines ---------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "migraines run in my family",
        "I read that magnesium helps with migraines",
        "I always get headaches when it rains",
    ],
)
def test_general_statements_are_not_an_attack(text: str) -> None:
    assert "attack" not in types(text)


@pytest.mark.parametrize("text", ["migraines since 2pm", "headaches 6/10 today", "migraines again"])
def test_plural_with_details_or_no_talk_cue_is_still_an_attack(text: str) -> None:
    assert "attack" in types(text)


# --- symptoms ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("migraine, can't look at my phone", "light_sensitivity"),
        ("headache, screen is too bright", "light_sensitivity"),
        ("headache, smells are making me gag", "nausea"),
        ("migraine, gagging", "nausea"),
        ("migraine 7/10 everything smells awful", "smell_sensitivity"),
        ("migraine, odours are overwhelming", "smell_sensitivity"),
    ],
)
def test_symptom_phrases(text: str, code: str) -> None:
    attack = one(text, "attack")
    assert code in attack["symptoms"]
    assert "screen_time" not in attack["triggers"]


def test_screen_as_a_cause_is_still_a_trigger() -> None:
    assert one("headache after staring at my screen all day", "attack")["triggers"] == [
        "screen_time"
    ]


# --- triggers: drinking something other than alcohol ----------------------------
@pytest.mark.parametrize(
    ("text", "triggers"),
    [
        ("migraine after drinking 3 cans of red bull", ["caffeine"]),
        ("headache after drinking coffee all morning", ["caffeine"]),
        ("migraine after drinking last night", ["alcohol"]),
    ],
)
def test_drinking_is_alcohol_only_without_another_drink(text: str, triggers: list[str]) -> None:
    assert one(text, "attack")["triggers"] == triggers


# --- doses ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "didnt bother with the magnesium today",
        "could not be bothered taking my magnesium",
        "didn't bother taking mag",
    ],
)
def test_did_not_bother_is_a_skip(text: str) -> None:
    assert one(text, "dose")["skipped"] is True


@pytest.mark.parametrize(
    ("text", "effect"),
    [
        ("magnesium makes me really groggy in the morning", "drowsiness"),
        ("mag gives me diarrhoea", "diarrhea"),
        ("the magnesium is making me drowsy", "drowsiness"),
        ("magnesium upsets my stomach", "stomach_upset"),
    ],
)
def test_what_magnesium_does_is_not_a_dose(text: str, effect: str) -> None:
    assert types(text) == ["side_effect"]
    assert one(text, "side_effect")["effects"] == [effect]


@pytest.mark.parametrize("text", ["took magnesium, helps me sleep", "magnesium 200mg", "mag done"])
def test_doses_still_log(text: str) -> None:
    assert "dose" in types(text)


# --- "<thing> at <time>": the anchor on the left owns the time ---------------------
@pytest.mark.parametrize(
    ("text", "kind", "field", "value"),
    [
        ("migraine 9/10 at 4am cant sleep", "attack", "started_at", "2026-05-05T04:00:00+02:00"),
        ("took mag at 10pm slept 8h", "dose", "taken_at", "2026-05-04T22:00:00+02:00"),
        ("headache at 2pm took advil", "attack", "started_at", "2026-05-05T14:00:00+02:00"),
    ],
)
def test_time_goes_to_the_anchor_on_its_left(text: str, kind: str, field: str, value: str) -> None:
    assert one(text, kind)[field] == value


def test_time_before_every_anchor_goes_to_the_nearest() -> None:
    assert one("at 4am migraine 7/10", "attack")["started_at"] == "2026-05-05T04:00:00+02:00"


# --- "still pounding 7/10": a reply about the running attack --------------------
@pytest.mark.parametrize(
    ("text", "intensity"),
    [("still pounding 7/10", 7), ("now throbbing 8/10", 8), ("worse, throbbing 9/10", 9)],
)
def test_continuing_reply_is_an_update(text: str, intensity: int) -> None:
    assert entries(text) == [
        {"type": "attack_update", "intensity": intensity, "at": "2026-05-05T18:00:00+02:00"}
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("now taking magnesium 200mg", "dose"),
        ("still anxious 6/10", "anxiety"),
        ("pounding headache on one side", "attack"),
        ("throbbing 7/10 on the left side", "attack"),
    ],
)
def test_continuing_reply_needs_no_other_topic(text: str, kind: str) -> None:
    assert types(text) == [kind]
