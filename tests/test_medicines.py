"""Medicine classes for the overuse rule and the migraine-day rule."""

from __future__ import annotations

import pytest

from bot.domain.medicines import (
    ACUTE_CLASSES,
    MIGRAINE_SPECIFIC_CLASSES,
    MedClass,
    medication_class,
    stored_or_named_class,
)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("excedrin", MedClass.COMBINATION),
        ("panadol extra", MedClass.COMBINATION),
        ("nurofen plus", MedClass.COMBINATION),
        ("fioricet", MedClass.COMBINATION),
        ("percocet", MedClass.COMBINATION),
        ("ubrelvy", MedClass.GEPANT),
        ("nurtec", MedClass.GEPANT),
        ("reyvow", MedClass.DITAN),
        ("cafergot", MedClass.ERGOT),
        ("migranal", MedClass.ERGOT),
        ("treximet", MedClass.TRIPTAN),
        ("tramadol", MedClass.OPIOID),
        ("tapentadol", MedClass.OPIOID),
        ("ketorolac", MedClass.NSAID),
        ("paracetamol", MedClass.SIMPLE_ANALGESIC),
        ("atogepant", MedClass.OTHER),  # preventive, not acute
    ],
)
def test_classes(name: str, cls: MedClass) -> None:
    assert medication_class(name) is cls


def test_migraine_specific_medicines_are_acute() -> None:
    assert {
        MedClass.TRIPTAN,
        MedClass.ERGOT,
        MedClass.GEPANT,
        MedClass.DITAN,
    } == MIGRAINE_SPECIFIC_CLASSES
    assert MIGRAINE_SPECIFIC_CLASSES <= ACUTE_CLASSES


def test_a_stored_other_gives_way_to_the_name() -> None:
    assert stored_or_named_class("other", "paracetamol-metoclopramide") is MedClass.SIMPLE_ANALGESIC
    assert stored_or_named_class("triptan", "my pills") is MedClass.TRIPTAN
    assert stored_or_named_class("no such class", "ibuprofen") is MedClass.NSAID
