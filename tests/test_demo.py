"""`magbot demo`: the real bot and the emulator in one process, chatting through stdin/stdout.

The end-to-end tests run the command as a person would, in a subprocess with
piped input; the rendering tests look at the terminal side alone.
"""

from __future__ import annotations

import asyncio
import io
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.demo import DEMO_TOKEN, DEMO_USER, TerminalChat, refusal
from bot.emulator.core import EmulatorEvent
from bot.emulator.server import BotApiEmulator
from bot.emulator.state import MessageVersion, SentMessage
from storage.db import make_engine, make_sessionmaker
from storage.models import Prompt

REAL_LOOKING_TOKEN = "987654321:AAFakeButRealLookingTokenForTheDemo"
TIMEOUT = 30  # seconds for one demo run; each takes a few


def _env(**extra: str) -> dict[str, str]:
    """The test's environment without any MAGBOT_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAGBOT_")}
    env.update(extra)
    return env


def _demo(
    cwd: Path,
    *lines: str,
    db: str = "demo.db",
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
    timeout: float = TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--db", db, *options],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or _env(),
        timeout=timeout,
        check=False,
    )


def _ended_cleanly(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr == "", "the console stays clean: no log lines at all in a normal run"
    assert "Bye." in run.stdout


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- end to end ---------------------------------------------------------------------------


def test_a_piped_conversation_onboards_presses_buttons_and_logs_a_check_in(
    tmp_path: Path,
) -> None:
    run = _demo(
        tmp_path,
        "/start",
        "",
        "1",
        "migraine since 2pm 6/10 nausea",
        "/summary",
        "/report",
        "/quit",
    )
    _ended_cleanly(run)
    out = run.stdout
    assert out.startswith("magbot demo:"), "a banner first"
    assert "/quit" in out.split("you> ")[0], "the banner says how to leave"
    assert "Time zone. Where are you?" in out, "the first onboarding question"
    assert "not medical advice" in out
    assert "[1] London  [2] Berlin" in out, "buttons are numbered"
    assert "(you pressed [1] London)" in out
    assert "bot (edited)> " in out and "→ Europe/London" in out, "the tapped question is edited"
    assert "Migraine 6/10" in out and "nausea" in out, "the check-in is understood"
    assert "saved in demo-files/." in out.split("you> ")[0], "the banner names the folder"
    assert "[chart image: " in out and "saved to demo-files/chart-1.png]" in out
    files = tmp_path / "demo-files"
    assert (files / "chart-1.png").read_bytes().startswith(b"\x89PNG")
    pdfs = list(files.glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    assert f"[document {pdfs[0].name} saved to ./demo-files/{pdfs[0].name}]" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo-files", "demo.db"], "no clutter"
    assert out.count("you> ") == 6, "the empty line is ignored"

    db = tmp_path / "demo.db"
    assert _rows(db, "SELECT id, timezone FROM user") == [(DEMO_USER, "Europe/London")]
    assert _rows(db, "SELECT kind, peak_intensity FROM attack") == [("migraine", 6)]


def test_end_of_input_without_quit_ends_cleanly(tmp_path: Path) -> None:
    run = _demo(tmp_path, "/help")
    _ended_cleanly(run)
    assert "bot> " in run.stdout.split("you> /help")[1], "the reply came before the end"
    assert "demo> /wait 2h, /wait 21:30 or /tomorrow" in run.stdout, "/help tells of time travel"


def test_a_message_over_4096_characters_is_refused_as_telegram_would(tmp_path: Path) -> None:
    run = _demo(tmp_path, "slept badly " * 500, "ok " * 1365 + "ok")  # 5999 once stripped; 4097
    _ended_cleanly(run)
    refusals = [line for line in run.stdout.splitlines() if line.startswith("demo> Not sent")]
    assert len(refusals) == 2, run.stdout
    assert "at most 4096 characters" in refusals[0] and "has 5999" in refusals[0]
    assert "bot> " not in run.stdout, "nothing reached the bot"
    assert _rows(tmp_path / "demo.db", "SELECT count(*) FROM sleep") == [(0,)]


def test_a_second_demo_continues_the_diary_and_a_due_prompt_arrives_on_its_own(
    tmp_path: Path,
) -> None:
    _ended_cleanly(_demo(tmp_path, "/start", "/quit"))
    db = tmp_path / "demo.db"
    asyncio.run(_add_due_dose_prompt(db))

    run = _demo(tmp_path, "1", "/timezone Berlin", "/quit")
    _ended_cleanly(run)
    before_input = run.stdout.split("you> ")[0]
    assert "Time for your magnesium" in before_input, "the scheduler's prompt prints unasked"
    assert "(you pressed [1] Took it" in run.stdout
    assert "Time zone set to Europe/Berlin" in run.stdout, "new update ids are not taken as old"
    assert _rows(db, "SELECT status, source FROM dose") == [("taken", "prompt")]


ONBOARDING = (
    "/start",
    "1",  # London
    "1",  # the label gives elemental magnesium
    "1",  # 200 mg at 21:30
    "1",  # starting today
    "2",  # + sleep, which brings the morning check-in at 08:00
    "4",  # done
    "2",  # no kidney disease
)
DAY_TIMEOUT = 120  # about 20 s: each prompt waits out Telegram's one message a second per chat


def test_a_day_in_the_demo_with_time_travel(tmp_path: Path) -> None:
    day = (
        "migraine 6/10 nausea",
        "/wait 2h",
        "4",  # the follow-up: pain 3 now
        "/wait 21:30",
        "1",  # Took it
        "/tomorrow",
        "4",  # slept: quality 4
        "/summary",
    )
    run = _demo(
        tmp_path,
        *ONBOARDING,
        *day,
        options=("--now", "2025-03-11T15:00:00+00:00"),  # London is on GMT until 30 March
        timeout=DAY_TIMEOUT,
    )
    _ended_cleanly(run)
    # What the person saw after each line they typed: each prompt at its own
    # time, under that time, and the clock's new time at the end of a jump.
    after = run.stdout.split("\nyou> ")[-len(day) :]
    seen = dict(zip(day, after, strict=True))
    assert [part.split("\n", 1)[0] for part in after] == list(day)
    assert "Migraine 6/10 since 15:00" in seen["migraine 6/10 nausea"]
    assert "── Tue 11 Mar 17:00 ──\n\nbot> 🩺 How is it now?" in seen["/wait 2h"]
    assert seen["/wait 2h"].rstrip().endswith("demo> It is now Tue 11 Mar 17:00 (Europe/London).")
    assert "Noted: 3/10 at 17:00." in after[2]
    evening = seen["/wait 21:30"]
    assert evening.index("── Tue 11 Mar 21:00 ──") < evening.index("How is it now?")
    assert evening.index("── Tue 11 Mar 21:30 ──") < evening.index("Time for your magnesium")
    assert "✅ Taken: 200 mg at 21:30." in after[4]
    night = seen["/tomorrow"]
    assert "── Wed 12 Mar 07:00 ──" in night, "the follow-up held back by quiet hours"
    assert night.index("── Wed 12 Mar 08:00 ──") < night.index("How did you sleep?")
    assert "It is now Wed 12 Mar 08:00 (Europe/London)." in night
    assert "Noted: quality 4/5." in after[6]
    assert "Migraine days: 1 day" in seen["/summary"]
    assert "Doses taken: 100% (1 of 1 planned)" in seen["/summary"]

    db = tmp_path / "demo.db"
    [(kind, peak, started, ended)] = _rows(
        db, "SELECT kind, peak_intensity, started_at, ended_at FROM attack"
    )
    assert (kind, peak, ended) == ("migraine", 6, None)
    # the emulator dated the message by the demo's clock, not today's
    assert str(started).startswith("2025-03-11 15:0")
    assert [
        (i, str(at)[:16]) for i, at in _rows(db, "SELECT intensity, at FROM attack_update")
    ] == [(3, "2025-03-11 17:00")]
    assert [
        (str(at)[:16], mg, status, source)
        for at, mg, status, source in _rows(
            db, "SELECT taken_at, amount_mg, status, source FROM dose"
        )
    ] == [("2025-03-11 21:30", 200.0, "taken", "prompt")]
    assert _rows(db, "SELECT night, quality FROM sleep") == [("2025-03-11", 4)]
    prompts = [
        (kind, str(at)[:16], status)
        for kind, at, status in _rows(
            db,
            "SELECT kind, scheduled_for, status FROM prompt "
            "WHERE scheduled_for < '2025-03-12 09:00' ORDER BY scheduled_for",
        )
    ]
    assert prompts == [
        ("followup", "2025-03-11 17:00", "answered"),
        ("followup", "2025-03-11 21:00", "sent"),  # not answered: the person was away
        ("dose", "2025-03-11 21:30", "answered"),
        ("followup", "2025-03-12 07:00", "sent"),
        ("morning", "2025-03-12 08:00", "answered"),
    ]


def test_a_new_demo_goes_on_from_the_clock_of_the_last_one(tmp_path: Path) -> None:
    ahead = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    _ended_cleanly(_demo(tmp_path, "a bit anxious", options=("--now", ahead.isoformat())))
    run = _demo(tmp_path, "/wait 3h", "very anxious")  # no --now: the real clock is behind
    _ended_cleanly(run)
    db = tmp_path / "demo.db"
    times = [
        datetime.fromisoformat(str(at)).replace(tzinfo=UTC)
        for (at,) in _rows(db, "SELECT at FROM anxiety ORDER BY id")
    ]
    assert len(times) == 2 and times[0] >= ahead
    assert times[1] - times[0] >= timedelta(hours=3), "not back in real time"


def test_a_wait_the_demo_cannot_read_shows_the_forms_and_moves_nothing(tmp_path: Path) -> None:
    run = _demo(tmp_path, "/wait soon", "/wait 30d")
    _ended_cleanly(run)
    usage = "demo> Try /wait 2h, /wait 30m, /wait 1h30m, /wait 21:30 or /tomorrow"
    assert run.stdout.count(usage) == 2
    assert "It is now" not in run.stdout
    assert "bot> " not in run.stdout, "the bot never sees the demo's commands"


async def _add_due_dose_prompt(db: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{db}")
    try:
        async with make_sessionmaker(engine).begin() as session:
            session.add(
                Prompt(
                    user_id=DEMO_USER,
                    kind="dose",
                    scheduled_for=datetime.now(UTC) - timedelta(minutes=1),
                    status="pending",
                    amount_mg=200.0,
                )
            )
    finally:
        await engine.dispose()


def test_ctrl_c_ends_cleanly(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "bot.cli", "demo", "--db", "demo.db"]
    pipe = subprocess.PIPE
    with subprocess.Popen(
        command,
        stdin=pipe,
        stdout=pipe,
        stderr=pipe,
        text=True,
        cwd=tmp_path,
        env=_env(),
        # A test run started in the background (`pytest &`) ignores SIGINT, and the
        # child would inherit that; give it the usual Ctrl-C as in a terminal.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        output = proc.stdout

        def pump() -> None:
            for line in output:
                lines.put(line)

        reader = threading.Thread(target=pump)
        reader.start()
        try:
            proc.stdin.write("/help\n")
            proc.stdin.flush()
            seen = ""
            while "bot> " not in seen:  # the bot is up and talking; stdin stays open
                seen += lines.get(timeout=TIMEOUT)
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
            reader.join(timeout=TIMEOUT)
        stderr = proc.stderr.read()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Bye." in "".join(lines.get() for _ in range(lines.qsize()))


def test_magbot_settings_in_the_environment_and_dotenv_are_ignored(tmp_path: Path) -> None:
    bad = {
        "MAGBOT_TOKEN": REAL_LOOKING_TOKEN,
        "MAGBOT_DATABASE_URL": "sqlite+aiosqlite:///elsewhere.db",
        "MAGBOT_API_BASE_URL": "http://192.0.2.1:9",  # would need a network
        "MAGBOT_ALLOWED_USERS": "1",  # would lock the demo's person out
        "MAGBOT_SEND_RATE": "not a number",  # would stop `magbot run` with an error
    }
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in bad.items()))
    run = _demo(tmp_path, "/start", env=_env(**bad))
    _ended_cleanly(run)
    assert "Time zone. Where are you?" in run.stdout
    assert not (tmp_path / "elsewhere.db").exists()
    assert (tmp_path / "demo.db").exists()
    for secret in (REAL_LOOKING_TOKEN, DEMO_TOKEN):
        assert secret not in run.stdout + run.stderr


# --- the terminal side alone ----------------------------------------------------------------


def _chat(tmp_path: Path) -> tuple[TerminalChat, io.StringIO]:
    out = io.StringIO()
    return TerminalChat(BotApiEmulator(), DEMO_USER, tmp_path, out=out), out


def _message(**fields: object) -> SentMessage:
    return SentMessage(message_id=7, chat_id=DEMO_USER, date=datetime.now(UTC), **fields)  # type: ignore[arg-type]


def _keyboard(*rows: list[dict[str, str]]) -> dict[str, object]:
    return {"inline_keyboard": list(rows)}


def test_buttons_are_numbered_across_rows_and_links_are_not_numbered(tmp_path: Path) -> None:
    chat, out = _chat(tmp_path)
    markup = _keyboard(
        [{"text": "Took it", "callback_data": "a"}, {"text": "Skip", "callback_data": "b"}],
        [{"text": "Guide", "url": "https://example.org"}, {"text": "Snooze", "callback_data": "c"}],
    )
    chat.on_event(
        EmulatorEvent("sent", DEMO_USER, _message(plain_text="Dose?", reply_markup=markup))
    )
    assert out.getvalue() == (
        "bot> Dose?\n     [1] Took it  [2] Skip\n     (Guide: https://example.org)  [3] Snooze\n\n"
    )


def test_an_edit_prints_again_from_the_last_unchanged_line(tmp_path: Path) -> None:
    chat, out = _chat(tmp_path)
    before = "Hi!\n\nA diary.\n\nWhere are you?"
    markup = _keyboard([{"text": "London", "callback_data": "tz"}])
    message = _message(plain_text=before + "\n→ Europe/London")
    message.edits.append(
        MessageVersion(before, before, "HTML", None, markup, replaced_at=datetime.now(UTC))
    )
    chat.on_event(EmulatorEvent("edited", DEMO_USER, message))
    assert out.getvalue() == (
        "bot (edited)> …\n     Where are you?\n     → Europe/London\n     (buttons removed)\n\n"
    )


def test_charts_are_saved_in_the_demo_folder_after_earlier_ones(tmp_path: Path) -> None:
    folder = tmp_path / "demo-files"
    folder.mkdir()
    (folder / "chart-4.png").write_bytes(b"an earlier demo's chart")
    chat, out = _chat(folder)
    png = b"\x89PNG" + bytes(3000)
    chat.on_event(EmulatorEvent("sent", DEMO_USER, _message(photo=png, plain_caption="Weeks")))
    assert out.getvalue() == (
        "bot> [chart image: 3 KB, saved to " + str(folder / "chart-5.png") + "]\n     Weeks\n\n"
    )
    assert (folder / "chart-5.png").read_bytes() == png
    assert (folder / "chart-4.png").read_bytes() == b"an earlier demo's chart"


def test_the_demo_folder_is_made_when_the_first_file_arrives(tmp_path: Path) -> None:
    folder = tmp_path / "demo-files"
    chat, _ = _chat(folder)
    assert not folder.exists()
    chat.on_event(EmulatorEvent("sent", DEMO_USER, _message(photo=b"\x89PNG")))
    assert (folder / "chart-1.png").read_bytes() == b"\x89PNG"


def test_a_document_name_cannot_leave_the_diary_folder(tmp_path: Path) -> None:
    folder = tmp_path / "diary"
    folder.mkdir()
    chat, _ = _chat(folder)
    pdf = _message(document=b"%PDF-1.4", file_name="../../report.pdf")
    chat.on_event(EmulatorEvent("sent", DEMO_USER, pdf))
    assert (folder / "report.pdf").read_bytes() == b"%PDF-1.4"
    assert not (tmp_path / "report.pdf").exists()


def test_other_chats_are_not_shown(tmp_path: Path) -> None:
    chat, out = _chat(tmp_path)
    chat.on_event(EmulatorEvent("sent", DEMO_USER + 1, _message(plain_text="not yours")))
    assert out.getvalue() == ""


def test_a_message_is_measured_in_utf16_units_as_telegram_does() -> None:
    assert refusal("a" * 4096) is None
    assert refusal("😀" * 2048) is None
    assert refusal("😀" * 2049) is not None, "an emoji counts twice"
    assert refusal("a" * 4097) == (
        "Not sent: Telegram takes at most 4096 characters in a message, and this one has 4097. "
        "Split it into shorter messages."
    )
