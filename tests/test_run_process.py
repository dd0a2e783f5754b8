"""`magbot run` as a real process: settings errors, and logs that keep secrets at DEBUG."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

from bot.emulator.server import BotApiEmulator
from tests.conftest import TOKEN, USER
from tests.processes import MAGBOT, clean_env, free_port

# A phrase that must never reach a log line, though the bot reads and stores it.
SECRET_HEALTH_TEXT = "migraine since 2pm 7/10 nausea after the zanzibar wedding"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return clean_env(**extra)


async def _run(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *MAGBOT,
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 60)
    except TimeoutError:
        proc.kill()  # a bot that started when it should have stopped must not outlive the test
        await proc.wait()
        raise
    return proc.returncode or 0, out.decode(), err.decode()


async def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    code, _, err = await _run(["run"], _env(tmp_path), tmp_path)
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "MAGBOT_TOKEN" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MAGBOT_SEND_RATE", "fast"),
        ("MAGBOT_ALLOWED_USERS", "alice,bob"),
        ("MAGBOT_WEBHOOK_PORT", "99999"),
        ("MAGBOT_LOG_LEVEL", "chatty"),
    ],
)
async def test_a_malformed_setting_stops_with_one_line_naming_it(
    tmp_path: Path, variable: str, value: str
) -> None:
    env = _env(tmp_path, MAGBOT_TOKEN=TOKEN, **{variable: value})
    code, _, err = await _run(["run"], env, tmp_path)
    assert code == 2
    assert err.strip().count("\n") == 0, err
    assert variable in err
    assert "Traceback" not in err


async def test_a_malformed_setting_in_the_env_file_is_reported_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"MAGBOT_TOKEN={TOKEN}\nMAGBOT_SEND_RATE=-3\n")
    code, _, err = await _run(["run"], _env(tmp_path), tmp_path)
    assert code == 2
    assert "MAGBOT_SEND_RATE" in err


@pytest.mark.parametrize("secret", [None, "", "has spaces"])
async def test_webhook_mode_without_a_usable_secret_refuses_to_start(
    tmp_path: Path, secret: str | None
) -> None:
    port = free_port()
    async with BotApiEmulator(token=TOKEN) as emu:
        env = _env(
            tmp_path,
            MAGBOT_TOKEN=TOKEN,
            MAGBOT_API_BASE_URL=emu.base_url,
            MAGBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            MAGBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}",
            MAGBOT_WEBHOOK_LISTEN="127.0.0.1",
            MAGBOT_WEBHOOK_PORT=str(port),
        )
        if secret is not None:
            env["MAGBOT_WEBHOOK_SECRET"] = secret
        code, _, err = await _run(["run"], env, tmp_path)
        calls = emu.calls
    assert code == 2, err
    assert err.strip().count("\n") == 0, err
    assert err.startswith("magbot: MAGBOT_WEBHOOK_SECRET")
    assert "Traceback" not in err
    assert calls == []  # it stopped before talking to Telegram: no webhook was set
    assert not (tmp_path / "bot.db").exists()


async def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    db = tmp_path / "up.db"
    env = _env(tmp_path, MAGBOT_DATABASE_URL=f"sqlite:///{db}")
    code, out, err = await _run(["db", "upgrade"], env, tmp_path)
    assert code == 0, err
    assert "up to date" in out
    assert db.exists() and db.stat().st_size > 0


async def test_a_debug_run_logs_neither_the_token_nor_what_the_person_wrote(
    tmp_path: Path,
) -> None:
    async with BotApiEmulator(token=TOKEN) as emu:
        env = _env(
            tmp_path,
            MAGBOT_TOKEN=TOKEN,
            MAGBOT_API_BASE_URL=emu.base_url,
            MAGBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            MAGBOT_LOG_LEVEL="DEBUG",
        )
        proc = await asyncio.create_subprocess_exec(
            *MAGBOT,
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            emu.user_says(USER, "/start")
            await emu.wait_for_messages(USER, 1, timeout=30)
            emu.user_says(USER, SECRET_HEALTH_TEXT)
            replies = await emu.wait_for_messages(USER, 2, timeout=30)
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
    logs = out.decode() + err.decode()
    assert "Migraine 7/10" in (replies[-1].plain_text or "")  # it did read the message
    # the run really logged at DEBUG, each Bot API request too
    assert "DEBUG bot.transport: Bot API sendMessage: 200" in logs
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "zanzibar" not in logs.lower()
    assert "nausea" not in logs.lower()
    assert proc.returncode == 0, logs[-2000:]
    # on uvloop where it is a dependency (and stopped cleanly by SIGINT on it too)
    assert f"event loop: {'asyncio' if sys.platform == 'win32' else 'uvloop'}" in logs


async def test_an_undecodable_update_is_set_aside_and_everyone_else_is_answered(
    tmp_path: Path,
) -> None:
    """One update nobody can read stops nothing: it is kept as failed, logged by id only."""
    db = tmp_path / "bot.db"
    async with BotApiEmulator(token=TOKEN) as emu:
        env = _env(
            tmp_path,
            MAGBOT_TOKEN=TOKEN,
            MAGBOT_API_BASE_URL=emu.base_url,
            MAGBOT_DATABASE_URL=f"sqlite:///{db}",
            MAGBOT_LOG_LEVEL="DEBUG",
        )
        proc = await asyncio.create_subprocess_exec(
            *MAGBOT,
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            emu.user_says(USER, "/start")
            await emu.wait_for_messages(USER, 1, timeout=30)
            # A message python-telegram-bot cannot decode (its chat is not an object),
            # carrying what a person wrote in its text and in the broken field.
            poison = emu.inject_update(
                {
                    "message": {
                        "message_id": 99,
                        "date": 1700000000,
                        "chat": SECRET_HEALTH_TEXT,
                        "text": SECRET_HEALTH_TEXT,
                    }
                }
            )
            # right behind it, two people write: both are answered
            before = len(emu.messages(USER))
            emu.user_says(USER, SECRET_HEALTH_TEXT)
            emu.user_says(USER + 1, "slept 6h, woke up twice")
            await emu.wait_for_messages(USER, before + 1, timeout=30)
            await emu.wait_for_messages(USER + 1, 1, timeout=30)
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
    logs = out.decode() + err.decode()
    assert f"update {poison['update_id']} set aside: undecodable" in logs  # by id and type
    assert "DEBUG" in logs
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs
    assert "zanzibar" not in logs.lower()
    assert "nausea" not in logs.lower()
    [(status, payload)] = _query(
        db, "SELECT status, payload FROM inbox_update WHERE update_id = ?", poison["update_id"]
    )
    assert status == "failed" and payload is not None  # kept, for whoever looks into it
    assert poison not in emu.pending_updates  # confirmed to Telegram: no refetch loop


def _query(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, args).fetchall())


async def test_webhook_mode_takes_updates_and_refuses_a_wrong_secret(tmp_path: Path) -> None:
    port = free_port()
    secret = "s3cret-Token_for-webhooks"
    async with BotApiEmulator(token=TOKEN) as emu:
        env = _env(
            tmp_path,
            MAGBOT_TOKEN=TOKEN,
            MAGBOT_API_BASE_URL=emu.base_url,
            MAGBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
            MAGBOT_WEBHOOK_URL=f"http://127.0.0.1:{port}",
            MAGBOT_WEBHOOK_LISTEN="127.0.0.1",
            MAGBOT_WEBHOOK_PORT=str(port),
            MAGBOT_WEBHOOK_SECRET=secret,
        )
        proc = await asyncio.create_subprocess_exec(
            *MAGBOT,
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await emu.wait_for(lambda: emu.webhook_info().get("url"), timeout=30, what="setWebhook")
            assert emu.webhook_info()["url"] == f"http://127.0.0.1:{port}/telegram"
            emu.user_says(USER, "/start")
            replies = await emu.wait_for_messages(USER, 1, timeout=30)
            forged = {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 5, "type": "private"},
                    "text": "/delete",
                },
            }
            async with httpx.AsyncClient() as client:
                refused = await client.post(f"http://127.0.0.1:{port}/telegram", json=forged)
                wrong = await client.post(
                    f"http://127.0.0.1:{port}/telegram",
                    json=forged,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "guess"},
                )
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert "not medical advice" in (replies[0].plain_text or "")
    assert refused.status_code == 403
    assert wrong.status_code == 403
    assert secret not in out.decode() + err.decode()
