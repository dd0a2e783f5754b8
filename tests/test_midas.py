"""MIDAS: the five questions, the score and the grade."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.midas import QUESTIONS, Grade, Midas, grade, is_due, read_days, read_pain


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, Grade.I),
        (5, Grade.I),
        (6, Grade.II),
        (10, Grade.II),
        (11, Grade.III),
        (20, Grade.III),
        (21, Grade.IV),
        (90, Grade.IV),
    ],
)
def test_grades_follow_the_published_cut_offs(score: int, expected: Grade) -> None:
    assert grade(score) is expected


def test_the_score_is_the_sum_of_the_five_answers() -> None:
    result = Midas(date(2025, 6, 1), (2, 3, 1, 4, 2))
    assert (result.score, result.grade, result.grade_words) == (
        12,
        Grade.III,
        "moderate disability",
    )


def test_there_are_five_scored_questions_over_3_months() -> None:
    assert len(QUESTIONS) == 5
    assert all("last 3 months" in q for q in QUESTIONS)


def test_answers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        Midas(date(2025, 6, 1), (0, 0, 0, 0, 93))
    with pytest.raises(ValueError):
        Midas(date(2025, 6, 1), (0, 0, 0, 0))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3), (" 12 days", 12), ("none", 0), ("0", 0), ("92", 92), ("93", None), ("a few", None)],
)
def test_day_answers_are_read(text: str, value: int | None) -> None:
    assert read_days(text) == value


def test_pain_answers_are_read() -> None:
    assert (read_pain("6"), read_pain("6/10"), read_pain("11"), read_pain("bad")) == (
        6,
        6,
        None,
        None,
    )


def test_midas_is_due_every_3_months() -> None:
    assert is_due(None, date(2025, 6, 1))
    assert not is_due(date(2025, 3, 3), date(2025, 6, 1))  # 90 days
    assert is_due(date(2025, 3, 2), date(2025, 6, 1))  # 91 days
