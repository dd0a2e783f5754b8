"""Telegram's paid broadcasts are an opt-in: prompts carry allow_paid_broadcast only when set."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.scheduling.dispatch import Dispatcher
from bot.ui.prompts import render_markup
from tests.test_dispatch import MONDAY, FakeBot, Sessions, make_user


@pytest.mark.parametrize("paid", [False, True])
async def test_prompts_ask_for_a_paid_broadcast_only_when_the_deployment_opts_in(
    sessions: Sessions, paid: bool
) -> None:
    await make_user(sessions, MONDAY)
    clock, bot = FakeClock(datetime(2026, 6, 1, 19, 30, tzinfo=UTC)), FakeBot()
    sender = Dispatcher(
        sessions, bot, clock, send_rate=1000, render=render_markup, paid_broadcast=paid
    )
    assert (await sender.run()).sent == 1
    assert bot.sent[0].get("allow_paid_broadcast", False) is paid


def test_the_setting_is_off_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAGBOT_PAID_BROADCAST", raising=False)
    assert Settings(token="1:x").paid_broadcast is False
    monkeypatch.setenv("MAGBOT_PAID_BROADCAST", "true")
    assert Settings(token="1:x").paid_broadcast is True
