"""An amount of magnesium typed on its own ("Other amount"), and the same rules in a check-in."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.entries import DoseEntry
from bot.domain.parse import DoseAmount, parse, read_dose_amount

NOW = datetime(2026, 11, 10, 21, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("300", DoseAmount(amount_mg=300)),
        ("300mg", DoseAmount(amount_mg=300)),
        ("300 MG", DoseAmount(amount_mg=300)),
        ("250.5 mg", DoseAmount(amount_mg=250.5)),
        ("1 g", DoseAmount(amount_mg=1000)),
        ("0.4g", DoseAmount(amount_mg=400)),
        ("2", DoseAmount(count=2)),
        ("2 caps", DoseAmount(count=2)),
        ("2 Capsules.", DoseAmount(count=2)),
        ("2 capsules of magnesium", DoseAmount(count=2)),
        ("two capsules", DoseAmount(count=2)),
        ("three tablets", DoseAmount(count=3)),
        ("a capsule", DoseAmount(count=1)),
        ("1.5 caps", DoseAmount(count=1.5)),
        ("1,5 caps", DoseAmount(count=1.5)),
        ("half a capsule", DoseAmount(count=0.5)),
        ("1 and a half capsules", DoseAmount(count=1.5)),
        ("400 mg magnesium", DoseAmount(amount_mg=400)),
        ("about 200mg", DoseAmount(amount_mg=200)),
        ("took 2 pills", DoseAmount(count=2)),
        (" 300 mg. ", DoseAmount(amount_mg=300)),
    ],
)
def test_an_amount_typed_alone_is_read_as_written(text: str, amount: DoseAmount) -> None:
    assert read_dose_amount(text) == amount


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
        "15",  # neither 15 capsules nor 15 mg is a dose: asked again, the same everywhere
        "9000",
        "6000 mg",
        "60 caps",
        "300 mg 2 caps",
        "took it at 9",
        "x" * 500,
        "😀" * 50,
    ],
)
def test_junk_and_absurd_amounts_are_not_read(text: str) -> None:
    assert read_dose_amount(text) is None


def test_capsules_count_at_their_size() -> None:
    assert DoseAmount(count=3).total_mg(120) == 360


@pytest.mark.parametrize(
    ("text", "amount_mg", "count"),
    [
        ("magnesium 2", None, 2),
        ("mag 300", 300, None),
        ("took 1 g of magnesium", 1000, None),
        ("took 2 capsules of magnesium", None, 2),
        ("magnesium 15", None, None),
    ],
)
def test_a_check_in_reads_amounts_by_the_same_rules(
    text: str, amount_mg: float | None, count: float | None
) -> None:
    doses = [e for e in parse(text, NOW, "Europe/Berlin") if isinstance(e, DoseEntry)]
    assert len(doses) == 1
    assert (doses[0].amount_mg, doses[0].count) == (amount_mg, count)
