"""The /summary chart: migraine days per week, magnesium taken and sleep quality.

Three panels on one shared time axis, drawn with matplotlib's object API on
the Agg canvas (no pyplot: the global figure manager is not safe in a
server). Sized for a phone: about 1100 px wide, large fonts, few ticks.
Periods longer than `DAILY_MAX_DAYS` show doses and sleep as weekly means,
which keeps both the picture readable and the drawing fast.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.domain.diary import Diary
from bot.domain.stats import UPPER_LIMIT_MG_PER_DAY, DailySeries, daily_series

DAILY_MAX_DAYS = 120
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


def _weeks(n: int) -> list[tuple[int, int]]:
    """[first, stop) day indexes of weeks ending with the last day; the oldest may be short."""
    bins = []
    stop = n
    while stop > 0:
        bins.append((max(0, stop - 7), stop))
        stop -= 7
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
    weeks = _weeks(n)

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax_mig, ax_mg, ax_sleep = fig.subplots(
        3, 1, sharex=True, gridspec_kw={"height_ratios": [1.2, 1.0, 1.0]}
    )

    # Migraine (and other headache) days per week.
    lefts = [x0 + a for a, _ in weeks]
    widths = [(b - a) * 0.85 for a, b in weeks]
    mig = [sum(series.migraine[a:b]) for a, b in weeks]
    other = [
        sum(1 for i in range(a, b) if series.headache[i] and not series.migraine[i])
        for a, b in weeks
    ]
    ax_mig.bar(lefts, mig, width=widths, align="edge", color=MIGRAINE, label="migraine")
    if any(other):
        ax_mig.bar(
            lefts,
            other,
            width=widths,
            bottom=mig,
            align="edge",
            color=HEADACHE,
            label="other headache",
        )
        ax_mig.legend(loc="upper left", fontsize=14, frameon=False, ncols=2)
    top = max(m + o for m, o in zip(mig, other, strict=True))
    ax_mig.set_ylim(0, max(3, top + 1))
    ax_mig.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_mig.set_title("Migraine days per week", loc="left", fontsize=20)

    # Magnesium: daily mg with skipped days marked, or weekly mean mg a day.
    if daily:
        ax_mg.bar([x0 + i for i in range(n)], series.mg, width=0.8, color=MAGNESIUM)
        skipped = [x0 + i + 0.4 for i in range(n) if series.skipped[i] and not series.taken[i]]
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
            ax_mg.legend(loc="upper left", fontsize=14, frameon=False)
        ax_mg.set_title("Magnesium taken (mg a day)", loc="left", fontsize=20)
        peak_mg = max(series.mg)
    else:
        means = [sum(series.mg[a:b]) / (b - a) for a, b in weeks]
        ax_mg.bar(lefts, means, width=widths, align="edge", color=MAGNESIUM)
        ax_mg.set_title("Magnesium taken (weekly mean mg a day)", loc="left", fontsize=20)
        peak_mg = max(means)
    plan = series.plan_mg_per_day
    if plan:
        ax_mg.axhline(plan, color="#555555", linestyle="--", linewidth=1.5)
        ax_mg.annotate(
            "plan",
            (1.0, plan),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            fontsize=14,
            color="#555555",
        )
    if peak_mg > UPPER_LIMIT_MG_PER_DAY or (plan or 0) > UPPER_LIMIT_MG_PER_DAY:
        ax_mg.axhline(UPPER_LIMIT_MG_PER_DAY, color=MIGRAINE, linestyle=":", linewidth=1.5)
    ax_mg.set_ylim(0, max(peak_mg, plan or 0, 100) * 1.15)

    # Sleep quality: nights and a 7-night mean, or weekly means.
    if daily:
        xs = [x0 + i + 0.4 for i, q in enumerate(series.sleep_quality) if q is not None]
        ys = [q for q in series.sleep_quality if q is not None]
        ax_sleep.plot(xs, ys, linestyle="none", marker="o", markersize=6, color=SLEEP, alpha=0.45)
        mx, my = _rolling_mean(series.sleep_quality, 7)
        ax_sleep.plot([x0 + i + 0.4 for i in mx], my, color=SLEEP, linewidth=3)
        ax_sleep.set_title("Sleep quality (1–5), 7-night mean", loc="left", fontsize=20)
    else:
        wx, wy = [], []
        for a, b in weeks:
            values = [q for q in series.sleep_quality[a:b] if q is not None]
            if values:
                wx.append(x0 + (a + b) / 2)
                wy.append(sum(values) / len(values))
        ax_sleep.plot(wx, wy, color=SLEEP, linewidth=2.5, marker="o", markersize=4)
        ax_sleep.set_title("Sleep quality (1–5), weekly mean", loc="left", fontsize=20)
    ax_sleep.set_ylim(0.5, 5.5)
    ax_sleep.set_yticks([1, 2, 3, 4, 5])

    start_mg = series.magnesium_start
    for ax in (ax_mig, ax_mg, ax_sleep):
        ax.tick_params(labelsize=16)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if start_mg is not None and first < start_mg <= series.days[-1]:
            ax.axvline(_num(start_mg), color=MAGNESIUM_START, linewidth=2, linestyle="--")
    if start_mg is not None and first < start_mg <= series.days[-1]:
        ax_mig.annotate(
            "magnesium from here",
            (_num(start_mg), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -4),
            textcoords="offset points",
            va="top",
            fontsize=14,
            color=MAGNESIUM_START,
        )

    locator = AutoDateLocator(minticks=3, maxticks=6)
    ax_sleep.xaxis.set_major_locator(locator)
    ax_sleep.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax_sleep.xaxis.get_offset_text().set_fontsize(14)
    ax_sleep.set_xlim(x0, _num(series.days[-1] + timedelta(days=1)))

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


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
