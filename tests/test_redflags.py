"""Red flags (DESIGN §7) are caught through typos and casing, and ordinary messages stay quiet."""

from __future__ import annotations

import time

import pytest

from bot.domain.redflags import red_flags


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("worst headache of my life", "worst_headache"),
        ("Worst headach of my life!!", "worst_headache"),
        ("WORST HEADACHE OF MY LIFE", "worst_headache"),
        ("this is the worst migraine I've ever had", "worst_headache"),
        ("worst headache ever", "worst_headache"),
        ("wrost headache of my life", "worst_headache"),
        ("sudden explosive headache", "thunderclap"),
        ("thunderclap headache", "thunderclap"),
        ("thunder clap headache", "thunderclap"),
        ("headache came on in seconds", "thunderclap"),
        ("out of nowhere the worst pain, like being hit on the head", "thunderclap"),
        ("felt like my head exploded", "thunderclap"),
        ("hit my head yesterday and now headache", "head_injury"),
        ("banged my head on the cupboard", "head_injury"),
        ("fell and hit my head", "head_injury"),
        ("I have a concussion", "head_injury"),
        ("headache after a head injury", "head_injury"),
        ("headache since the car accident", "head_injury"),
        ("fever and a stiff neck", "fever_stiff_neck"),
        ("high temperature, neck is really stiff", "fever_stiff_neck"),
        ("feverish and can't bend my neck", "fever_stiff_neck"),
        ("fevr with a stif neck", "fever_stiff_neck"),
        ("my left arm feels weak", "weakness"),
        ("weakness in my right arm", "weakness"),
        ("face drooping on one side", "weakness"),
        ("sudden weakness", "weakness"),
        ("can't lift my arm", "weakness"),
        ("numbness in my face", "numbness"),
        ("my hand went numb", "numbness"),
        ("pins and needles in my arm", "numbness"),
        ("numbnes in face", "numbness"),
        ("feel confused", "confusion"),
        ("I'm confused and dizzy", "confusion"),
        ("disoriented", "confusion"),
        ("didn't know where I was", "confusion"),
        ("slurred speech", "speech"),
        ("slured speach", "speech"),
        ("trouble speaking", "speech"),
        ("can't find my words", "speech"),
        ("words coming out wrong", "speech"),
        ("lost vision in my left eye", "vision_loss"),
        ("went blind for a few minutes", "vision_loss"),
        ("I can't see out of my right eye", "vision_loss"),
        ("loss of vision", "vision_loss"),
        ("sudden blindness", "vision_loss"),
    ],
)
def test_red_flags(text: str, code: str) -> None:
    assert code in red_flags(text)


def test_several_flags_come_in_a_fixed_order() -> None:
    assert red_flags("worst headache of my life, slurred speech and my arm is numb") == [
        "worst_headache",
        "numbness",
        "speech",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "migraine 7/10 nausea",
        "worst sleep ever",
        "worst migraine in months",
        "worst migraine I've had this year",
        "neck pain",
        "stiff neck",
        "a bit of a fever",
        "migraine with aura, zigzags",
        "blurry vision then a migraine",
        "storm coming, migraine starting",
        "thunderstorm migraine",
        "headache after hot dogs",
        "feeling weak and tired",
        "confused about the dose",
        "the bot is confusing",
        "can't see the button",
        "no numbness or weakness",
        "took 400mg ibuprofen for the headache",
        "slept badly, woke up 3 times",
        "hit the gym, then headache",
        "I speak slowly in the morning",
        "my head hurts",
        "sudden urge for chocolate",
        "headache came on slowly",
    ],
)
def test_ordinary_messages_raise_no_flag(text: str) -> None:
    assert red_flags(text) == []


def _message(unit: str, utf16_units: int) -> str:
    """`unit` repeated to `utf16_units` UTF-16 code units, the way Telegram counts length."""
    return unit * (utf16_units // (len(unit.encode("utf-16-le")) // 2))


def _fastest(text: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        red_flags(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param("🤕", id="emoji"),
        pytest.param("\u0301", id="combining-marks"),
        pytest.param("e\u0301\u0302\u0303", id="stacked-marks"),
        pytest.param("½", id="expanding-symbol"),
        pytest.param("fever neck is ", id="flag-words"),
        pytest.param("no fever , ", id="negations"),
    ],
)
def test_the_check_grows_linearly_with_the_message(unit: str) -> None:
    # 8 times the text: linear work takes about 8 times as long, quadratic work 64 times.
    # Both sizes are timed in the same run, so a slow machine slows both alike.
    red_flags(_message(unit, 512))  # warm the caches (the corrector, compiled patterns)
    short, long = _fastest(_message(unit, 512)), _fastest(_message(unit, 4096))
    assert long < 24 * short, f"512 units: {short * 1000:.1f} ms, 4096 units: {long * 1000:.1f} ms"


def test_a_flag_at_the_end_of_the_longest_message_is_still_seen() -> None:
    phrase = " worst headache of my life"
    text = _message("x ", 4096 - len(phrase)) + phrase
    assert len(text) <= 4096
    assert red_flags(text) == ["worst_headache"]
