"""A person's data as a zip of CSV files (one per table) plus one JSON file (DESIGN §8)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo


def _cell(value: Any, zone: ZoneInfo) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def build_export(
    tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]], tz: str
) -> bytes:
    """`tables` maps a table name to (column names, rows). Times come out in `tz`, with offsets."""
    zone = ZoneInfo(tz)
    buffer = io.BytesIO()
    everything: dict[str, list[dict[str, Any]]] = {}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(columns)
            converted = [[_cell(v, zone) for v in row] for row in rows]
            writer.writerows(converted)
            archive.writestr(f"{name}.csv", text.getvalue())
            everything[name] = [
                {
                    c: (json.loads(v) if isinstance(raw, list | dict) else v)
                    for c, v, raw in zip(columns, row, orig, strict=True)
                }
                for row, orig in zip(converted, rows, strict=True)
            ]
        archive.writestr("magbot.json", json.dumps(everything, ensure_ascii=False, indent=1))
    return buffer.getvalue()
