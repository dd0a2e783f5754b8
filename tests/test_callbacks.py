"""Button data round-trips through its typed family, and anything forged reads as None."""

from __future__ import annotations

import pytest

from bot.ui import buttons as b
from bot.ui.callbacks import pack, unpack
from storage.enums import AttackKind


@pytest.mark.parametrize(
    ("pressed", "data"),
    [
        (b.DoseAnswer(b.DoseAction.TOOK, 5), "dose:took:5"),
        (b.NewAttack(AttackKind.MIGRAINE), "ci:new:migraine"),
        (b.NewAttack(AttackKind.HEADACHE, 4), "ci:new:headache:4"),
        (b.OnboardingChoice(b.Step.TZ, "Europe/Berlin"), "ob:tz:Europe/Berlin"),
        (b.SettingsCard(b.CardKey.QUIET), "set:quiet"),
        (b.EraseConfirm(), "del:yes"),
        (b.AttackPanel(3, b.Panel.SYMPTOMS), "at:v:3:sym"),
        (b.FollowupPain(12, 0), "fu:i:12:0"),
    ],
)
def test_a_button_packs_to_its_wire_form_and_back(pressed: b.Button, data: str) -> None:
    assert pack(pressed) == data
    assert unpack(data, type(pressed)) == pressed


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "dose:took:99999999999999999999",  # would overflow a database integer
        "dose:took:-1",
        "dose:took:５",  # a full-width digit is still not ASCII
        "dose:eat:1",  # unknown action
        "dose:took",  # missing prompt id
        "dose:took:1:2",  # one field too many
        "del:yes:1",
        "ci:new:cluster",  # not an attack kind
        "x" * 65,
        "ob:tz:",  # empty text field
    ],
)
def test_forged_or_malformed_data_reads_as_nothing(data: str | None) -> None:
    families = (b.DoseAnswer, b.EraseConfirm, b.NewAttack, b.OnboardingChoice)
    assert unpack(data, *families) is None


def test_data_of_another_family_is_not_accepted() -> None:
    assert unpack("dose:took:5", b.FollowupPain, b.FollowupGone) is None


def test_bytes_that_are_not_text_read_as_nothing() -> None:
    assert unpack(b"\xff\xfe", b.DoseAnswer) is None


def test_packing_refuses_data_telegram_would_refuse() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        pack(b.OnboardingChoice(b.Step.TZ, "x" * 80))
    with pytest.raises(ValueError, match="':'"):
        pack(b.OnboardingChoice(b.Step.TZ, "a:b"))
