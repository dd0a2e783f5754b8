"""The check-in parser: every code, every word scale, typos, negations, several facts at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.domain.parse import parse_json as parse

NOW = datetime.fromisoformat("2026-05-05T21:00:00+02:00")
TZ = "Europe/Paris"

FIELDS = {
    "attack": {
        "kind",
        "intensity",
        "started_at",
        "ended_at",
        "symptoms",
        "triggers",
        "medications",
    },
    "attack_update": {"intensity", "at"},
    "attack_end": {"ended_at"},
    "dose": {"amount_mg", "count", "taken_at", "skipped"},
    "sleep": {
        "night",
        "quality",
        "hours",
        "awakenings",
        "onset_minutes",
        "restless_legs",
        "cramps",
    },
    "anxiety": {"level", "at"},
    "side_effect": {"effects", "at"},
    "medication": {"name", "dose_mg", "taken_at"},
}


def entries(text: str, now: datetime = NOW, tz: str = TZ) -> list[dict[str, Any]]:
    return parse(text, now, tz)


def only(text: str, kind: str) -> dict[str, Any]:
    found = [e for e in entries(text) if e["type"] == kind]
    assert len(found) == 1, f"{text!r} gave {entries(text)}"
    return found[0]


@pytest.mark.parametrize(
    "text",
    [
        "migraine since 2pm 7/10 nausea",
        "took 200mg magnesium",
        "slept badly",
        "anxiety 4/10",
        "diarrhoea after magnesium",
        "took ibuprofen 400mg",
        "pain now 3",
        "migraine is over",
    ],
)
def test_every_entry_has_all_fields_of_its_type(text: str) -> None:
    result = entries(text)
    assert result
    for e in result:
        assert set(e) == FIELDS[e["type"]] | {"type"}


# --- symptoms ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("migraine, throbbing", "throbbing"),
        ("pounding headache", "throbbing"),
        ("migraine pulsating pain", "throbbing"),
        ("headache on one side", "one_sided"),
        ("migraine behind my left eye", "one_sided"),
        ("one-sided headache", "one_sided"),
        ("migraine right side", "one_sided"),
        ("migraine with nausea", "nausea"),
        ("migraine, feeling sick", "nausea"),
        ("headache and queasy", "nausea"),
        ("migraine, nauseous", "nausea"),
        ("migraine, threw up twice", "vomiting"),
        ("migraine vomiting", "vomiting"),
        ("migraine, been sick", "vomiting"),
        ("migraine, puked", "vomiting"),
        ("migraine light sensitivity", "light_sensitivity"),
        ("migraine, photophobia", "light_sensitivity"),
        ("migraine, light hurts my eyes", "light_sensitivity"),
        ("migraine, hiding in a dark room", "light_sensitivity"),
        ("migraine, sensitive to noise", "sound_sensitivity"),
        ("migraine, sound sensitivity", "sound_sensitivity"),
        ("migraine, noise hurts", "sound_sensitivity"),
        ("awful migraine, can't stand light or noise", "sound_sensitivity"),
        ("migraine, smells bother me", "smell_sensitivity"),
        ("migraine, sensitive to smells", "smell_sensitivity"),
        ("migraine with aura", "aura"),
        ("zigzag lines then a migraine", "aura"),
        ("migraine, blind spot before it", "aura"),
        ("migraine with flashing lights", "aura"),
        ("migraine, dizzy", "dizziness"),
        ("headache and vertigo", "dizziness"),
        ("migraine, lightheaded", "dizziness"),
        ("headache, neck pain", "neck_pain"),
        ("migraine with a stiff neck", "neck_pain"),
        ("migraine, sore neck", "neck_pain"),
        ("migraine and exhausted", "fatigue"),
        ("migraine, so tired", "fatigue"),
        ("migraine, fatigue", "fatigue"),
    ],
)
def test_symptom_codes(text: str, code: str) -> None:
    assert code in only(text, "attack")["symptoms"]


def test_sensitive_to_light_and_sound_gives_both() -> None:
    assert only("migraine, sensitive to light and sound", "attack")["symptoms"] == [
        "light_sensitivity",
        "sound_sensitivity",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "migraine, no nausea",
        "migraine without aura",
        "migraine 6/10 no vomiting",
        "headache not dizzy",
    ],
)
def test_negated_symptoms_are_left_out(text: str) -> None:
    assert only(text, "attack")["symptoms"] == []


def test_cant_stop_is_not_a_negation() -> None:
    assert "vomiting" in only("migraine, can't stop throwing up", "attack")["symptoms"]


# --- triggers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("migraine after a stressful meeting", "stress"),
        ("headache, work stress", "stress"),
        ("migraine after a deadline", "stress"),
        ("migraine on day 1 of my period", "menstruation"),
        ("period migraine", "menstruation"),
        ("menstrual migraine", "menstruation"),
        ("migraine, time of the month", "menstruation"),
        ("migraine after chocolate", "chocolate"),
        ("headache after a brownie", "chocolate"),
        ("migraine, aged cheddar at lunch", "cheese"),
        ("migraine after cheese", "cheese"),
        ("headache after parmesan pasta", "cheese"),
        ("headache after hot dogs", "processed_meat"),
        ("migraine after salami", "processed_meat"),
        ("migraine, bacon for breakfast", "processed_meat"),
        ("migraine after chinese food with msg", "msg"),
        ("migraine, monosodium glutamate", "msg"),
        ("headache after two glasses of wine", "alcohol"),
        ("migraine after beers", "alcohol"),
        ("hungover headache", "alcohol"),
        ("migraine from coffee", "caffeine"),
        ("headache, too much caffeine", "caffeine"),
        ("headache, no coffee today", "caffeine"),
        ("migraine, didn't drink enough water", "dehydration"),
        ("headache, dehydrated", "dehydration"),
        ("migraine, bad sleep", "poor_sleep"),
        ("migraine, not enough sleep", "poor_sleep"),
        ("migraine after only 4 hours of sleep", "poor_sleep"),
        ("overslept and got a migraine", "oversleep"),
        ("headache after a lie in", "oversleep"),
        ("headache, forgot breakfast", "skipped_meal"),
        ("migraine, skipped lunch", "skipped_meal"),
        ("headache, haven't eaten", "skipped_meal"),
        ("storm coming, migraine starting", "weather"),
        ("migraine, weather change", "weather"),
        ("migraine, barometric pressure", "weather"),
        ("migraine after the heat", "weather"),
        ("migraine from bright lights", "bright_light"),
        ("headache after the sun", "bright_light"),
        ("migraine, fluorescent lights at work", "bright_light"),
        ("migraine after too much screen time", "screen_time"),
        ("headache from the computer", "screen_time"),
        ("headache after gaming", "screen_time"),
        ("migraine after smelling perfume", "strong_smell"),
        ("migraine, paint fumes", "strong_smell"),
        ("headache from cigarette smoke", "strong_smell"),
        ("headache after the gym", "exercise"),
        ("migraine after a run", "exercise"),
        ("migraine after exercise", "exercise"),
    ],
)
def test_trigger_codes(text: str, code: str) -> None:
    assert code in only(text, "attack")["triggers"]


def test_several_triggers() -> None:
    assert only("migraine from chocolate and coffee", "attack")["triggers"] == [
        "caffeine",
        "chocolate",
    ]


@pytest.mark.parametrize("text", ["migraine, no alcohol", "headache, no chocolate today"])
def test_negated_triggers_are_left_out(text: str) -> None:
    assert only(text, "attack")["triggers"] == []


# --- side effects -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("diarrhoea after magnesium", "diarrhea"),
        ("diarrhea from mag", "diarrhea"),
        ("loose stools since starting magnesium", "diarrhea"),
        ("magnesium gave me the runs", "diarrhea"),
        ("upset stomach from the supplement", "stomach_upset"),
        ("stomach ache after magnesium", "stomach_upset"),
        ("bloated after my magnesium", "stomach_upset"),
        ("nausea after magnesium", "nausea"),
        ("feel sick after taking magnesium", "nausea"),
        ("queasy after mag", "nausea"),
        ("drowsy after magnesium", "drowsiness"),
        ("groggy this morning after mag", "drowsiness"),
    ],
)
def test_side_effect_codes(text: str, code: str) -> None:
    assert only(text, "side_effect")["effects"] == [code]
    assert not [e for e in entries(text) if e["type"] == "dose"]


def test_nausea_with_a_migraine_is_a_symptom_not_a_side_effect() -> None:
    result = entries("migraine 6/10 with nausea")
    assert [e["type"] for e in result] == ["attack"]
    assert result[0]["symptoms"] == ["nausea"]


def test_nausea_after_magnesium_during_a_migraine_is_a_side_effect() -> None:
    result = entries("migraine 5/10. nausea after magnesium")
    types = {e["type"] for e in result}
    assert types == {"attack", "side_effect"}
    assert only("migraine 5/10. nausea after magnesium", "attack")["symptoms"] == []


def test_no_side_effects_is_nothing() -> None:
    assert entries("no side effects from magnesium so far") == []


# --- intensity word scale ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intensity"),
    [
        ("mild headache", 3),
        ("moderate migraine", 5),
        ("severe migraine", 8),
        ("terrible migraine", 8),
        ("awful headache", 8),
        ("excruciating migraine", 8),
        ("bad migraine", 7),
        ("really bad migraine", 8),
        ("slight headache", 2),
        ("unbearable migraine", 9),
        ("migraine is severe", 8),
        ("migraine 6/10", 6),
        ("headache 4 out of 10", 4),
        ("migraine, pain 7", 7),
        ("migraine 12/10", 10),
        ("migraine 3/5", 6),
        ("migraine seven out of ten", 7),
    ],
)
def test_intensity(text: str, intensity: int) -> None:
    assert only(text, "attack")["intensity"] == intensity


# --- attack kind, updates and ends ----------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("migraine", "migraine"),
        ("headache", "headache"),
        ("my head is killing me", "headache"),
        ("head hurts", "headache"),
        ("🤕", "headache"),
        ("headache turned into a migraine", "migraine"),
        ("aura then zigzags", "migraine"),
    ],
)
def test_attack_kind(text: str, kind: str) -> None:
    assert only(text, "attack")["kind"] == kind


@pytest.mark.parametrize(
    ("text", "intensity"),
    [
        ("pain now 2", 2),
        ("it's getting worse, 8/10", 8),
        ("7", 7),
        ("down to 4", 4),
        ("still 6", 6),
        ("a bit better, maybe 5", 5),
        ("migraine went from 8 to 3", 3),
        ("much better", None),
        ("migraine still there", None),
    ],
)
def test_attack_update(text: str, intensity: int | None) -> None:
    update = only(text, "attack_update")
    assert update["intensity"] == intensity
    assert update["at"] == "2026-05-05T21:00:00+02:00"


@pytest.mark.parametrize(
    ("text", "ended_at"),
    [
        ("migraine is over", "2026-05-05T21:00:00+02:00"),
        ("gone!", "2026-05-05T21:00:00+02:00"),
        ("headache went away around 8pm", "2026-05-05T20:00:00+02:00"),
        ("migraine ended an hour ago", "2026-05-05T20:00:00+02:00"),
        ("no more headache", "2026-05-05T21:00:00+02:00"),
        ("finally pain free", "2026-05-05T21:00:00+02:00"),
        ("headache broke around 2am", "2026-05-05T02:00:00+02:00"),
    ],
)
def test_attack_end(text: str, ended_at: str) -> None:
    assert entries(text) == [{"type": "attack_end", "ended_at": ended_at}]


def test_attack_with_start_and_end_is_one_attack() -> None:
    attack = only("had a migraine from 9am to 1pm", "attack")
    assert attack["started_at"] == "2026-05-05T09:00:00+02:00"
    assert attack["ended_at"] == "2026-05-05T13:00:00+02:00"


# --- doses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "count", "skipped"),
    [
        ("took 200mg magnesium", 200, None, False),
        ("mag 200", 200, None, False),
        ("magnesium glycinate 300 mg", 300, None, False),
        ("took 3 magnesium pills", None, 3, False),
        ("took two capsules of magnesium", None, 2, False),
        ("magnesium x2", None, 2, False),
        ("took my magnesium", None, None, False),
        ("magnesium done", None, None, False),
        ("took magnesuim 0.4g", 400, None, False),
        ("skipped magnesium", None, None, True),
        ("no magnesium tonight", None, None, True),
        ("forgot my magnesium", None, None, True),
        ("didn't take my mag", None, None, True),
        ("magnesium skipped", None, None, True),
        ("missed my evening dose", None, None, True),
    ],
)
def test_dose(text: str, amount: int | None, count: int | None, skipped: bool) -> None:
    dose = only(text, "dose")
    assert (dose["amount_mg"], dose["count"], dose["skipped"]) == (amount, count, skipped)


@pytest.mark.parametrize(
    "text",
    [
        "is magnesium good for migraines?",
        "magnesium seems to be helping",
        "been on magnesium for 3 weeks, no migraines",
    ],
)
def test_talking_about_magnesium_is_not_a_dose(text: str) -> None:
    assert entries(text) == []


# --- medicines -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "dose"),
    [
        ("acetaminophen 500mg", "paracetamol", 500),
        ("took tylenol", "paracetamol", None),
        ("took 2 advil", "ibuprofen", None),
        ("nurofen 400", "ibuprofen", 400),
        ("took aleve", "naproxen", None),
        ("imitrex 50mg", "sumatriptan", 50),
        ("maxalt 10 mg", "rizatriptan", 10),
        ("on levofloxacin 500 mg since yesterday", "levofloxacin", 500),
        ("took cipro", "ciprofloxacin", None),
        ("doxycycline 100mg", "doxycycline", 100),
        ("fosamax this morning", "alendronate", None),
        ("paracetamol 1g", "paracetamol", 1000),
        ("took co-codamol", "paracetamol-codeine", None),
        ("Ibuprofin 400mg", "ibuprofen", 400),
        ("paracetemol", "paracetamol", None),
        ("sumatriptin 100", "sumatriptan", 100),
    ],
)
def test_medicine_alone(text: str, name: str, dose: int | None) -> None:
    med = only(text, "medication")
    assert (med["name"], med["dose_mg"]) == (name, dose)


def test_medicine_taken_for_an_attack_goes_into_the_attack() -> None:
    result = entries("took 50mg imitrex and 500mg naproxen for my migraine")
    assert [e["type"] for e in result] == ["attack"]
    assert result[0]["medications"] == [
        {"name": "sumatriptan", "dose_mg": 50, "taken_at": None},
        {"name": "naproxen", "dose_mg": 500, "taken_at": None},
    ]


def test_the_time_a_medicine_for_an_attack_was_taken_is_kept() -> None:
    [attack] = entries("migraine since 2pm, took sumatriptan at 3pm")
    assert attack["started_at"] == "2026-05-05T14:00:00+02:00"
    assert attack["medications"] == [
        {"name": "sumatriptan", "dose_mg": None, "taken_at": "2026-05-05T15:00:00+02:00"}
    ]


def test_medicine_time() -> None:
    assert only("took tetracycline at noon", "medication")["taken_at"] == (
        "2026-05-05T12:00:00+02:00"
    )


# --- sleep -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quality"),
    [
        ("terrible sleep", 1),
        ("awful night", 1),
        ("couldn't sleep", 1),
        ("insomnia again", 1),
        ("bad sleep", 2),
        ("slept poorly", 2),
        ("didn't sleep well", 2),
        ("rough night", 2),
        ("sleep was ok", 3),
        ("slept okay", 3),
        ("slept well", 4),
        ("good night's sleep", 4),
        ("great night", 5),
        ("slept like a baby", 5),
        ("slept really well", 5),
        ("sleep 2/5", 2),
        ("sleep quality 4/5", 4),
        ("sleep 8/10", 4),
    ],
)
def test_sleep_quality(text: str, quality: int) -> None:
    assert only(text, "sleep")["quality"] == quality


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("slept 7.5 hours", "hours", 7.5),
        ("slept 5h", "hours", 5),
        ("slept six and a half hours", "hours", 6.5),
        ("only slept 4 hrs", "hours", 4),
        ("slept from 11pm to 6am", "hours", 7),
        ("awful sleep, up 3 times", "awakenings", 3),
        ("woke up twice", "awakenings", 2),
        ("woke 4x in the night", "awakenings", 4),
        ("slept through the night", "awakenings", 0),
        ("fell asleep in 15 minutes", "onset_minutes", 15),
        ("took an hour to fall asleep", "onset_minutes", 60),
        ("took me 30 mins to fall asleep", "onset_minutes", 30),
        ("restless legs kept me up", "restless_legs", True),
        ("jumpy legs all night", "restless_legs", True),
        ("no restless legs last night", "restless_legs", False),
        ("calf cramp at night", "cramps", True),
        ("leg cramps woke me", "cramps", True),
    ],
)
def test_sleep_fields(text: str, field: str, value: Any) -> None:
    assert only(text, "sleep")[field] == value


def test_stomach_cramps_are_not_leg_cramps() -> None:
    assert [e["type"] for e in entries("stomach cramps after magnesium")] == ["side_effect"]


# --- anxiety ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("anxiety 6/10", 6),
        ("anxiety 7", 7),
        ("anxious 4 out of 10", 4),
        ("a little anxious", 3),
        ("slightly anxious", 3),
        ("anxious", 5),
        ("feeling nervous", 5),
        ("very anxious", 6),
        ("really anxious today", 6),
        ("extremely anxious today", 8),
        ("panic attack this afternoon", 9),
        ("not anxious at all", 0),
        ("no anxiety today", 0),
        ("calm today", 1),
    ],
)
def test_anxiety_level(text: str, level: int) -> None:
    assert only(text, "anxiety")["level"] == level


# --- several facts, nothing, questions ----------------------------------------


def test_attack_dose_and_sleep_in_one_message() -> None:
    now = datetime.fromisoformat("2026-05-05T09:00:00+02:00")
    result = entries("migraine 8/10 since 6am, took magnesium 200mg last night, poor sleep", now)
    by_type = {e["type"]: e for e in result}
    assert set(by_type) == {"attack", "dose", "sleep"}
    assert by_type["attack"]["intensity"] == 8
    assert by_type["attack"]["started_at"] == "2026-05-05T06:00:00+02:00"
    assert by_type["dose"]["amount_mg"] == 200
    assert by_type["sleep"]["quality"] == 2


def test_the_same_without_punctuation() -> None:
    now = datetime.fromisoformat("2026-05-05T09:00:00+02:00")
    result = entries("migraine 8/10 since 6am took magnesium 200mg last night poor sleep", now)
    assert {e["type"] for e in result} == {"attack", "dose", "sleep"}


def test_sleep_and_anxiety() -> None:
    assert entries("sleep 2/5, anxiety 7") == [
        {
            "type": "sleep",
            "night": None,
            "quality": 2,
            "hours": None,
            "awakenings": None,
            "onset_minutes": None,
            "restless_legs": None,
            "cramps": None,
        },
        {"type": "anxiety", "level": 7, "at": None},
    ]


def test_migraine_sleep_hours_and_anxiety_keep_their_numbers() -> None:
    result = {e["type"]: e for e in entries("migraine 6/10, slept 5h, anxiety 7")}
    assert result["attack"]["intensity"] == 6
    assert result["sleep"]["hours"] == 5
    assert result["anxiety"]["level"] == 7


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hi",
        "how are you?",
        "thanks!",
        "headache free today!",
        "no migraine today 🎉",
        "ok",
        "what's my summary",
        "I love cheese",
        "going for a run",
        "neck pain",
        "/summary",
        "👍",
    ],
)
def test_nothing_understood(text: str) -> None:
    assert entries(text) == []


# --- typos and casing --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "symptom"),
    [
        ("migrane 5/10", "migraine", None),
        ("MIGRAINE 5/10", "migraine", None),
        ("Migrain with nausia", "migraine", "nausea"),
        ("mirgaine, vomitting", "migraine", "vomiting"),
        ("headake 5/10 dizzy", "headache", "dizziness"),
        ("hedache, nauseus", "headache", "nausea"),
        ("head ache", "headache", None),
        ("migraine w/ aura", "migraine", "aura"),
        ("migraine, throbing", "migraine", "throbbing"),
    ],
)
def test_typos(text: str, kind: str, symptom: str | None) -> None:
    attack = only(text, "attack")
    assert attack["kind"] == kind
    if symptom:
        assert symptom in attack["symptoms"]


@pytest.mark.parametrize(
    "text",
    ["I tried to rest", "my stuff is here", "several people came", "whether it rains or not"],
)
def test_ordinary_words_are_not_corrected_into_codes(text: str) -> None:
    assert entries(text) == []


def test_long_and_odd_input_does_not_break() -> None:
    assert isinstance(entries("migraine " * 2000), list)
    assert isinstance(entries("\u202e\u0000<b>migraine</b> ☃️ 🏳️‍🌈 7/10"), list)
    assert only("<b>migraine</b> 7/10", "attack")["intensity"] == 7


def test_unknown_time_zone_falls_back_to_utc() -> None:
    now = datetime.fromisoformat("2026-05-05T12:00:00+00:00")
    attack = entries("migraine since 10am", now, "Not/AZone")[0]
    assert attack["started_at"] == "2026-05-05T10:00:00+00:00"


def test_random_input_never_raises_and_stays_fast() -> None:
    import random
    import time

    rng = random.Random(7)
    source = (
        "migraine headache 7/10 since 3pm took mag 200mg slept well anxious nausea after magnesium"
        " yesterday at 9:30 no not 12/10 from to on 3/3 march 31 feb 30/2 99:99 25pm 0am ibuprofen"
        " 2 caps x2 -5 99999999999999999999 : / , . ! ? 🤕"
    )
    pieces = source.split()
    now = datetime.fromisoformat("2026-03-29T02:30:00+01:00")
    start = time.perf_counter()
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        for tz in ("Europe/Berlin", "America/New_York"):
            assert isinstance(parse(text, now, tz), list)
    assert (time.perf_counter() - start) / 600 < 0.02  # well under 20 ms a message


def test_a_message_is_normalised_once_for_all_who_read_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its dates, its entries and its red flags are each read from the normalised text;
    # the handler asks for the red flags again. Normalising is most of a reading's cost.
    from bot.domain.parsing import text as normal
    from bot.domain.reading import read
    from bot.domain.redflags import red_flags

    seen: list[str] = []
    real = normal.basic_normalize

    def counted(message: str) -> list[str]:
        seen.append(message)
        return real(message)

    monkeypatch.setattr(normal, "basic_normalize", counted)
    message = "worst headache of my life since 3pm, 9/10 (test 4711)"
    reading = read(message, NOW, TZ)
    assert red_flags(message) == reading.flags != []
    assert reading.entries
    # once for the parser's vocabulary, once for the red flags' (a larger one)
    assert seen == [message, message]
