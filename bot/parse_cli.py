"""`magbot parse`: print what the bot understands in a check-in, as JSON.

Single mode prints one object for the message on the command line; `--batch`
reads JSON lines {"text", "now", "tz"} and answers each with one line, in
order, flushed, so a scorer can stream through it. A line that cannot be read
still gets `{"entries": []}`, so the answers stay aligned with the questions.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _now(value: str | None, tz: str) -> datetime:
    if not value:
        return datetime.now(UTC)
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(tz))
    return dt


def _answer(text: Any, now: Any, tz: Any) -> dict[str, Any]:
    from bot.domain.parse import parse_json as parse

    if not isinstance(text, str):
        return {"entries": []}
    zone = tz if isinstance(tz, str) and tz else "UTC"
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = "UTC"
    moment = _now(now if isinstance(now, str) else None, zone)
    return {"entries": parse(text, moment, zone)}


def run_parse(args: argparse.Namespace) -> int:
    if args.batch:
        out = sys.stdout
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("not an object")
                result = _answer(item.get("text"), item.get("now"), item.get("tz"))
            except Exception as e:  # one bad line must not stop or misalign the batch
                print(f"magbot parse: line skipped: {type(e).__name__}: {e}", file=sys.stderr)
                result = {"entries": []}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
        return 0
    text = " ".join(args.text)
    try:
        result = _answer(text, args.now, args.tz)
    except ValueError as e:
        print(f"magbot parse: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False, indent=None))
    return 0
