"""A month calendar of headache days with dose marks: the paper headache diary as a PNG.

One square per day, weeks from Monday: a migraine day is dark red, another
headache day light red, with the worst pain of the day written in it; a
headache-free day that the diary covers is pale grey; days before the diary
or after today stay white. Small marks show magnesium taken (a blue dot) or
skipped (an orange cross), an acute medicine (a black triangle) and a
menstrual day (a pink bar). The figures under the title come from
`stats.period_stats` for the month, in the summary's words, so they match
/summary and /report.
"""

from __future__ import annotations

import calendar as calendar_module
import io
from datetime import date, datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from bot.domain.diary import Diary
from bot.domain.stats import DailySeries, daily_series, period_stats
from bot.domain.summary_text import kind_text, plural

WIDTH_IN, DPI = 11.0, 100
ROW_IN = 1.45
HEADER_IN = 1.7
LEGEND_IN = 0.9

MIGRAINE = "#c0392b"
HEADACHE = "#f5b7a8"
CLEAR = "#eef0f2"
UNLOGGED = "#ffffff"
MAGNESIUM = "#2e86c1"
SKIPPED = "#e67e22"
PERIOD = "#e84393"
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """[first day, first day of the next month)."""
    first = date(year, month, 1)
    days = calendar_module.monthrange(year, month)[1]
    return first, first + timedelta(days=days)


def render_calendar(diary: Diary, year: int, month: int, now: datetime) -> bytes:
    """The month as a PNG heat map of headache days with dose marks (always a picture)."""
    if not 1 <= month <= 12:
        raise ValueError("month is 1-12")
    first, end = month_bounds(year, month)
    series = daily_series(diary, first, end, now)
    stats = period_stats(diary, first, end, now)
    index = {day: i for i, day in enumerate(series.days)}
    weeks = calendar_module.Calendar(firstweekday=0).monthdatescalendar(year, month)
    rows = len(weeks)

    height = HEADER_IN + ROW_IN * rows + 0.45 + LEGEND_IN
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    grid_top = 1 - (HEADER_IN + 0.45) / height
    grid_bottom = LEGEND_IN / height
    ax = fig.add_axes((0.03, grid_bottom, 0.94, grid_top - grid_bottom))
    ax.set_xlim(0, 7)
    ax.set_ylim(rows, 0)
    ax.set_axis_off()

    fig.text(
        0.03,
        1 - 0.3 / height,
        f"{calendar_module.month_name[month]} {year}",
        fontsize=30,
        fontweight="bold",
        va="top",
    )
    if stats.observed_days:
        lines = [
            f"Migraine days: {kind_text(stats.migraine)}",
            f"Headache days, any kind: {kind_text(stats.headache)}"
            + (
                f" · magnesium on {plural(sum(1 for t in series.taken if t), 'day')}"
                if any(series.taken)
                else ""
            ),
        ]
    else:
        lines = ["Nothing logged in this month."]
    for i, line in enumerate(lines):
        fig.text(0.03, 1 - (0.95 + 0.38 * i) / height, line, fontsize=17, va="top")
    for col, name in enumerate(_WEEKDAYS):
        fig.text(
            0.03 + 0.94 * (col + 0.5) / 7,
            grid_top + 0.12 / height,
            name,
            fontsize=16,
            ha="center",
            va="bottom",
            color="#555555",
        )

    for row, week in enumerate(weeks):
        for col, day in enumerate(week):
            if day.month != month:
                continue
            _cell(ax, col, row, day, index.get(day), series)
    _legend(fig, height)

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _cell(ax: Axes, col: int, row: int, day: date, i: int | None, series: DailySeries) -> None:
    pad = 0.05
    x, y, size = col + pad, row + pad, 1 - 2 * pad
    if i is None:
        face, text_color = UNLOGGED, "#b0b0b0"
    elif series.migraine[i]:
        face, text_color = MIGRAINE, "white"
    elif series.headache[i]:
        face, text_color = HEADACHE, "#222222"
    else:
        face, text_color = CLEAR, "#222222"
    ax.add_patch(Rectangle((x, y), size, size, facecolor=face, edgecolor="#d0d4d8", linewidth=1.2))
    ax.text(x + 0.07, y + 0.07, str(day.day), fontsize=15, va="top", ha="left", color=text_color)
    if i is None:
        return
    peak = series.peak[i]
    if series.headache[i] and peak is not None:
        ax.text(
            x + size / 2,
            y + size * 0.55,
            str(peak),
            fontsize=24,
            fontweight="bold",
            ha="center",
            va="center",
            color=text_color,
        )
    if series.taken[i]:
        ax.plot(
            [x + 0.14],
            [y + size - 0.14],
            marker="o",
            markersize=11,
            color=MAGNESIUM,
            markeredgecolor="white",
            markeredgewidth=1.5,
        )
    elif series.skipped[i]:
        ax.plot(
            [x + 0.14],
            [y + size - 0.14],
            marker="x",
            markersize=11,
            markeredgewidth=3,
            color=SKIPPED,
        )
    if series.acute[i]:
        cx, cy = x + size - 0.15, y + size - 0.13
        ax.add_patch(
            Polygon(
                [(cx - 0.08, cy + 0.06), (cx + 0.08, cy + 0.06), (cx, cy - 0.08)],
                closed=True,
                facecolor="#222222" if face != MIGRAINE else "white",
                edgecolor="none",
            )
        )
    if series.period[i]:
        ax.add_patch(
            Rectangle(
                (x + 0.3, y + size - 0.07), size - 0.6, 0.05, facecolor=PERIOD, edgecolor="none"
            )
        )


def _legend(fig: Figure, height: float) -> None:
    y = 0.45 / height
    items = [
        ("square", MIGRAINE, "migraine day"),
        ("square", HEADACHE, "other headache"),
        ("dot", MAGNESIUM, "magnesium"),
        ("cross", SKIPPED, "skipped"),
        ("triangle", "#222222", "acute medicine"),
        ("bar", PERIOD, "period"),
    ]
    x = 0.03
    for kind, color, label in items:
        marker = {"square": "s", "dot": "o", "cross": "x", "triangle": "v", "bar": "_"}[kind]
        fig.add_artist(
            Line2D(
                [x + 0.01],
                [y],
                marker=marker,
                markersize=14 if marker != "_" else 20,
                markeredgewidth=3 if marker in "x_" else 1,
                color=color,
                linestyle="none",
                transform=fig.transFigure,
            )
        )
        fig.text(x + 0.028, y, label, fontsize=14, va="center")
        x += 0.028 + 0.0095 * len(label) + 0.03
