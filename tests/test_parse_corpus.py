"""Both labelled corpora, scored through the real `parse` the way the held-out judge scores.

`tests/data/checkins_extra.jsonl` (messages written for the generalisation passes, the last
56 of them backfilled entries of every kind) and the
shared development corpus (`../shared/corpus/checkins.jsonl` when the checkout sits beside it,
else the copy in `tests/data/checkins_shared.jsonl`). The scorer below is a small
re-implementation of `../shared/tools/score_parse.py`: every expected entry is matched to the
best parsed entry of its type, only the fields the label lists are scored (numbers exactly,
hours within 0.26, times within a minute, a plain expected date ("2026-11-29": the time of day
was not said) against any time on that local date, `night`/`on` dates as written, code lists by
Jaccard, medicines by name, dose and time), and every extra parsed entry costs one unit.

Threshold: 0.97 of the field units on each corpus. The shared one scores 1.000, the extra
one 0.998 (its one miss: "Tuesday: forgot it" does not say what was forgotten). The held-out
corpus is of the same kind, so a drop of more than 3% (about 35 units on the extra corpus,
5 on the shared one) means a rule stopped generalising, not a one-message quirk; the slack
leaves room for a deliberate change of convention (e.g. what "slight" scores) without
blocking. The test also lists every miss, so a smaller drop is visible in the output.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.parse import parse_json as parse

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "checkins.jsonl"
THRESHOLD = 0.97

NUM_EXACT = {"intensity", "level", "quality", "awakenings", "count", "onset_minutes"}
NUM_EXACT |= {"amount_mg", "dose_mg"}
TIMES = {"started_at", "ended_at", "taken_at", "at"}
DATES = {"night", "on"}  # ISO dates, compared as written
SETS = {"symptoms", "triggers", "effects"}
BOOLS = {"skipped", "restless_legs", "cramps"}


def _same_time(a: str | None, b: str | None) -> bool:
    """Within a minute; an expected plain date matches any time on that local date."""
    if a is None or b is None:
        return a is b
    if "T" not in a:
        return datetime.fromisoformat(b).date().isoformat() == a
    delta = datetime.fromisoformat(a) - datetime.fromisoformat(b)
    return abs(delta.total_seconds()) <= 60


def _meds(exp: list[dict[str, Any]], got: list[dict[str, Any]] | None) -> float:
    got = got or []
    if not exp and not got:
        return 1.0
    hits = sum(
        any(
            g.get("name") == m["name"]
            and ("dose_mg" not in m or g.get("dose_mg") == m["dose_mg"])
            and ("taken_at" not in m or _same_time(m["taken_at"], g.get("taken_at")))
            for g in got
        )
        for m in exp
    )
    return hits / max(len(exp), len(got))


def _field(key: str, exp: Any, got: Any) -> float:
    if key in NUM_EXACT:
        return float(got is not None and float(got) == float(exp))
    if key == "hours":
        return float(got is not None and abs(float(got) - float(exp)) <= 0.26)
    if key in TIMES:
        return float(_same_time(exp, got))
    if key in SETS:
        a, b = set(exp or []), set(got or [])
        return 1.0 if not a and not b else len(a & b) / len(a | b)
    if key == "medications":
        return _meds(exp, got)
    if key in BOOLS:
        return float(bool(got) == bool(exp))
    return float(exp == got)


def _entry(exp: dict[str, Any], got: dict[str, Any]) -> tuple[float, int]:
    keys = [k for k in exp if k != "type"]
    return 1.0 + sum(_field(k, exp[k], got.get(k)) for k in keys), 1 + len(keys)


def score_message(
    expect: list[dict[str, Any]], got: list[dict[str, Any]]
) -> tuple[float, int, list[str]]:
    if not expect and not got:
        return 1.0, 1, []
    total, units, notes = 0.0, 0, []
    left = list(got)
    for exp in expect:
        cands = [g for g in left if g.get("type") == exp["type"]]
        if not cands:
            units += len(exp)  # the entry and each of its fields
            notes.append(f"missing {exp['type']}")
            continue
        best = max(cands, key=lambda g: _entry(exp, g)[0])
        s, n = _entry(exp, best)
        if s < n:
            notes.append(f"{exp} got {best}")
        total, units = total + s, units + n
        left.remove(best)
    for g in left:
        units += 1
        notes.append(f"extra {g}")
    return total, units, notes


def _load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _score(corpus: list[dict[str, Any]]) -> tuple[float, list[str]]:
    total, units, misses = 0.0, 0, []
    for case in corpus:
        got = parse(case["text"], datetime.fromisoformat(case["now"]), case["tz"])
        s, n, notes = score_message(case["expect"], got)
        total, units = total + s, units + n
        if notes:
            misses.append(f"{case['text']!r}: " + "; ".join(notes))
    return total / units, misses


CORPORA = {
    "extra": DATA / "checkins_extra.jsonl",
    "shared": SHARED if SHARED.exists() else DATA / "checkins_shared.jsonl",
}


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_corpus_scores_above_threshold(name: str) -> None:
    corpus = _load(CORPORA[name])
    assert len(corpus) >= 50
    score, misses = _score(corpus)
    print(f"{name}: {score:.3f}", *misses, sep="\n  ")
    assert score >= THRESHOLD, f"{name} corpus scored {score:.3f}:\n" + "\n".join(misses)


def test_scorer_counts_missing_extra_and_wrong_fields() -> None:
    exp = [{"type": "attack", "kind": "migraine", "intensity": 6}]
    assert score_message(exp, [{"type": "attack", "kind": "migraine", "intensity": 6}])[:2] == (
        3.0,
        3,
    )
    assert score_message(exp, [])[:2] == (0.0, 3)
    assert score_message([], [{"type": "dose"}])[:2] == (0.0, 1)
    s, n, _ = score_message(exp, [{"type": "attack", "kind": "migraine", "intensity": 5}])
    assert (s, n) == (2.0, 3)


@pytest.mark.parametrize("path", sorted(DATA.glob("checkins_*.jsonl")), ids=lambda p: p.name)
def test_corpus_lines_are_well_formed(path: Path) -> None:
    types = {"attack", "attack_update", "attack_end", "dose", "sleep", "anxiety"}
    types |= {"side_effect", "medication", "period"}
    for case in _load(path):
        assert set(case) == {"text", "now", "tz", "expect"}
        assert datetime.fromisoformat(case["now"]).tzinfo is not None
        for e in case["expect"]:
            assert e["type"] in types
            for key in TIMES & set(e):
                if isinstance(e[key], str) and "T" in e[key]:
                    assert datetime.fromisoformat(e[key]).tzinfo is not None
                elif e[key] is not None:
                    date.fromisoformat(e[key])
            for key in DATES & set(e):
                if e[key] is not None:
                    date.fromisoformat(e[key])
