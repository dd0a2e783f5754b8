"""The dose prompt's "Other amount" reply."""

from __future__ import annotations

import pytest

from bot.domain.parse import parse_dose_amount


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("300", 300),
        ("300mg", 300),
        ("300 mg", 300),
        ("300 MG", 300),
        ("250.5 mg", 250.5),
        ("0.4g", 400),
        ("2 caps", 200),
        ("2 capsules", 200),
        ("1 pill", 100),
        ("3 tablets", 300),
        ("two caps", 200),
        ("three capsules", 300),
        ("half a cap", 50),
        ("1.5 caps", 150),
        ("2", 200),
        ("400 mg magnesium", 400),
        ("about 200mg", 200),
        (" 300 mg. ", 300),
    ],
)
def test_amounts(text: str, mg: float) -> None:
    assert parse_dose_amount(text, 100) == mg


@pytest.mark.parametrize(
    "text",
    [
        "",
        "junk",
        "lots",
        "mg",
        "0",
        "0 mg",
        "-5",
        "9000",
        "6000 mg",
        "60 caps",
        "300 mg 2 caps",
        "x" * 500,
    ],
)
def test_junk_and_absurd_amounts(text: str) -> None:
    assert parse_dose_amount(text, 100) is None
