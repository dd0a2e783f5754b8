"""The /summary chart: migraine days per week, magnesium taken and sleep quality.

Three panels on one shared time axis, drawn with matplotlib's object API on
the Agg canvas (no pyplot: the global figure manager is not safe in a
server). Sized for a phone: about 1100 px wide, large fonts, few ticks.
Periods longer than `DAILY_MAX_DAYS` show doses and sleep as weekly means,
and beyond a year everything goes in 4-week bins (still "per week"), which
keeps both the picture readable and the drawing fast.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.domain.diary import Diary
from bot.domain.stats import UPPER_LIMIT_MG_PER_DAY, DailySeries, daily_series

DAILY_MAX_DAYS = 120
WEEKLY_MAX_DAYS = 371
WIDTH_IN, HEIGHT_IN, DPI = 11.0, 11.0, 100  # 1100 x 1100 px

MIGRAINE = "#c0392b"
HEADACHE = "#f5b7a8"
MAGNESIUM = "#2e86c1"
SKIPPED = "#e67e22"
SLEEP = "#7d3c98"
MAGNESIUM_START = "#1e8449"

_EPOCH = date(1970, 1, 1)  # matplotlib's default date epoch


def _num(day: date) -> float:
    return float((day - _EPOCH).days)


def _bins(n: int, size: int) -> list[tuple[int, int]]:
    """[first, stop) day indexes of bins ending with the last day; the oldest may be short."""
    bins = []
    stop = n
    while stop > 0:
        bins.append((max(0, stop - size), stop))
        stop -= size
    return bins[::-1]


def _nothing_to_plot(series: DailySeries) -> bool:
    return not (
        any(series.migraine)
        or any(series.headache)
        or any(series.taken)
        or any(series.skipped)
        or any(q is not None for q in series.sleep_quality)
    )


def render_chart(diary: Diary, start: date, end: date, now: datetime) -> bytes | None:
    """A PNG of [start, end) (local dates, end exclusive); None when there is nothing to plot."""
    series = daily_series(diary, start, end, now)
    if not series.days or _nothing_to_plot(series):
        return None
    return _draw(series)


def _draw(series: DailySeries) -> bytes:
    n = len(series.days)
    first = series.days[0]
    x0 = _num(first)
    daily = n <= DAILY_MAX_DAYS
    # weekly bars up to a year; beyond, 4-week bins keep ~65 bars for 5 years
    size = 7 if n <= WEEKLY_MAX_DAYS else 28
    bins = _bins(n, size)
    per = "week" if size == 7 else "week, 4-week means"

    # Fixed margins rather than a layout engine: constrained layout measured
    # every text twice and cost more than all the drawing.
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(fig)
    ax_mig, ax_mg, ax_sleep = fig.subplots(
        3,
        1,
        sharex=True,
        gridspec_kw={
            "height_ratios": [1.2, 1.0, 1.0],
            "hspace": 0.3,
            "left": 0.075,
            "right": 0.985,
            "top": 0.955,
            "bottom": 0.065,
        },
    )
    legend = {"fontsize": 14, "frameon": False, "loc": "lower right", "bbox_to_anchor": (1, 1)}

    # Migraine (and other headache) days per week.
    lefts = [x0 + a for a, _ in bins]
    widths = [(b - a) * 0.85 for a, b in bins]
    weekly = [7 / (b - a) if size > 7 else 1.0 for a, b in bins]
    mig = [sum(series.migraine[a:b]) * k for (a, b), k in zip(bins, weekly, strict=True)]
    other = [
        sum(1 for i in range(a, b) if series.headache[i] and not series.migraine[i]) * k
        for (a, b), k in zip(bins, weekly, strict=True)
    ]
    _bars(ax_mig, lefts, widths, mig, None, MIGRAINE, "migraine")
    if any(other):
        _bars(ax_mig, lefts, widths, other, mig, HEADACHE, "other headache")
        ax_mig.legend(ncols=2, **legend)
    top = max(m + o for m, o in zip(mig, other, strict=True))
    ax_mig.set_ylim(0, max(3, top * 1.25))
    ax_mig.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_mig.set_title(f"Migraine days per {per}", loc="left", fontsize=20)

    # Magnesium: daily mg with skipped days marked, or mean mg a day per bin.
    if daily:
        _bars(ax_mg, [x0 + i + 0.1 for i in range(n)], [0.8] * n, series.mg, None, MAGNESIUM)
        skipped = [x0 + i + 0.5 for i in range(n) if series.skipped[i] and not series.taken[i]]
        if skipped:
            ax_mg.plot(
                skipped,
                [0] * len(skipped),
                linestyle="none",
                marker="x",
                markersize=12,
                markeredgewidth=3,
                color=SKIPPED,
                label="skipped",
                clip_on=False,
            )
            ax_mg.legend(**legend)
        ax_mg.set_title("Magnesium taken (mg a day)", loc="left", fontsize=20)
        peak_mg = max(series.mg)
    else:
        means = [sum(series.mg[a:b]) / (b - a) for a, b in bins]
        _bars(ax_mg, lefts, widths, means, None, MAGNESIUM)
        title = "weekly" if size == 7 else "4-week"
        ax_mg.set_title(f"Magnesium taken ({title} mean, mg a day)", loc="left", fontsize=20)
        peak_mg = max(means)
    plan = series.plan_mg_per_day
    if plan:
        ax_mg.axhline(plan, color="#555555", linestyle="--", linewidth=1.5)
        _label(ax_mg, plan, "plan", "#555555")
    if peak_mg > UPPER_LIMIT_MG_PER_DAY or (plan or 0) > UPPER_LIMIT_MG_PER_DAY:
        ax_mg.axhline(UPPER_LIMIT_MG_PER_DAY, color=MIGRAINE, linestyle=":", linewidth=1.5)
        _label(ax_mg, UPPER_LIMIT_MG_PER_DAY, "upper limit", MIGRAINE, below=True)
    ax_mg.set_ylim(0, max(peak_mg, plan or 0, 100) * 1.15)

    # Sleep quality: nights and a 7-night mean, or means per bin.
    if daily:
        xs = [x0 + i + 0.5 for i, q in enumerate(series.sleep_quality) if q is not None]
        ys = [q for q in series.sleep_quality if q is not None]
        ax_sleep.plot(xs, ys, linestyle="none", marker="o", markersize=6, color=SLEEP, alpha=0.45)
        mx, my = _rolling_mean(series.sleep_quality, 7)
        ax_sleep.plot([x0 + i + 0.5 for i in mx], my, color=SLEEP, linewidth=3)
        ax_sleep.set_title("Sleep quality (1–5), 7-night mean", loc="left", fontsize=20)
    else:
        wx, wy = [], []
        for a, b in bins:
            values = [q for q in series.sleep_quality[a:b] if q is not None]
            if values:
                wx.append(x0 + (a + b) / 2)
                wy.append(sum(values) / len(values))
        ax_sleep.plot(wx, wy, color=SLEEP, linewidth=2.5, marker="o", markersize=5)
        title = "weekly" if size == 7 else "4-week"
        ax_sleep.set_title(f"Sleep quality (1–5), {title} mean", loc="left", fontsize=20)
    ax_sleep.set_ylim(0.5, 5.5)
    ax_sleep.set_yticks([1, 2, 3, 4, 5])

    start_mg = series.magnesium_start
    show_start = start_mg is not None and first < start_mg <= series.days[-1]
    for ax in (ax_mig, ax_mg, ax_sleep):
        ax.tick_params(labelsize=16)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if show_start and start_mg is not None:
            ax.axvline(_num(start_mg), color=MAGNESIUM_START, linewidth=2, linestyle="--")
    if show_start and start_mg is not None:
        ax_mig.annotate(
            "magnesium from here",
            (_num(start_mg), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -4),
            textcoords="offset points",
            va="top",
            ha="right" if start_mg > series.days[n * 2 // 3] else "left",
            fontsize=14,
            color=MAGNESIUM_START,
        )

    locator = AutoDateLocator(minticks=3, maxticks=6)
    ax_sleep.xaxis.set_major_locator(locator)
    ax_sleep.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax_sleep.xaxis.get_offset_text().set_fontsize(14)
    ax_sleep.set_xlim(x0, _num(series.days[-1] + timedelta(days=1)))

    buffer = io.BytesIO()
    # zlib level 1: a third faster than the default 6, and the file stays small
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _label(ax: Axes, y: float, text: str, color: str, *, below: bool = False) -> None:
    """A small label at the right end of a horizontal line."""
    ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(-4, -4 if below else 4),
        textcoords="offset points",
        ha="right",
        va="top" if below else "bottom",
        fontsize=14,
        color=color,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
    )


def _bars(
    ax: Axes,
    lefts: Sequence[float],
    widths: Sequence[float],
    heights: Sequence[float],
    bottoms: Sequence[float] | None,
    color: str,
    label: str | None = None,
) -> None:
    """Bars as one PolyCollection: `Axes.bar` makes an artist per bar, 10x slower for years."""
    bottoms = bottoms if bottoms is not None else [0.0] * len(heights)
    boxes = [
        ((x, y), (x + w, y), (x + w, y + h), (x, y + h))
        for x, w, h, y in zip(lefts, widths, heights, bottoms, strict=True)
        if h > 0
    ]
    ax.add_collection(
        PolyCollection(boxes, facecolors=color, edgecolors="none", label=label), autolim=False
    )


def _rolling_mean(values: list[float | None], window: int) -> tuple[list[int], list[float]]:
    """Trailing means over `window` days, where at least half of them have a value."""
    xs: list[int] = []
    ys: list[float] = []
    total = 0.0
    count = 0
    for i, value in enumerate(values):
        if value is not None:
            total += value
            count += 1
        if i >= window and values[i - window] is not None:
            total -= values[i - window] or 0.0
            count -= 1
        if count * 2 >= min(window, i + 1) and count:
            xs.append(i)
            ys.append(total / count)
    return xs, ys
