"""`magbot parse`, single and batch, through the real console entry point."""

from __future__ import annotations

import io
import json
import sys

import pytest

from bot.cli import main


def run(
    argv: list[str], stdin: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr().out
    return code, out.splitlines()


def test_single_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(
        [
            "parse",
            "--now",
            "2026-05-04T17:00:00+02:00",
            "--tz",
            "Europe/Paris",
            "migraine",
            "since",
            "2pm,",
            "6/10",
        ],
        "",
        monkeypatch,
        capsys,
    )
    assert code == 0
    assert len(lines) == 1
    entry = json.loads(lines[0])["entries"][0]
    assert entry["type"] == "attack"
    assert entry["started_at"] == "2026-05-04T14:00:00+02:00"
    assert entry["intensity"] == 6


def test_single_message_defaults_to_now_in_utc(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = run(["parse", "migraine", "is", "over"], "", monkeypatch, capsys)
    assert code == 0
    entry = json.loads(lines[0])["entries"][0]
    assert entry["type"] == "attack_end"
    assert entry["ended_at"].endswith("+00:00")


def test_nothing_understood_prints_an_empty_list(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["parse", "hello"], "", monkeypatch, capsys) == (0, ['{"entries": []}'])


def test_batch_keeps_one_line_per_input_even_for_bad_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = "\n".join(
        [
            json.dumps(
                {"text": "mag 200", "now": "2026-05-05T21:00:00+02:00", "tz": "Europe/Paris"}
            ),
            "this is not json",
            json.dumps({"text": 42, "now": "2026-05-05T21:00:00+02:00", "tz": "Europe/Paris"}),
            json.dumps({"text": "migraine 5/10", "now": "not a date", "tz": "Europe/Paris"}),
            json.dumps(["a", "list"]),
            json.dumps(
                {"text": "anxiety 6/10", "now": "2026-05-05T21:00:00+02:00", "tz": "Nowhere/Zone"}
            ),
            json.dumps(
                {"text": "slept well", "now": "2026-05-05T07:00:00+02:00", "tz": "Europe/Paris"}
            ),
        ]
    )
    code, lines = run(["parse", "--batch"], stdin + "\n", monkeypatch, capsys)
    assert code == 0
    results = [json.loads(line)["entries"] for line in lines]
    assert len(results) == 7
    assert results[0][0]["amount_mg"] == 200
    assert results[1] == results[2] == results[3] == results[4] == []
    assert results[5] == [{"type": "anxiety", "level": 6, "at": None}]
    assert results[6][0]["quality"] == 4
