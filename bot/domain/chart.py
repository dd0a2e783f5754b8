"""The /summary chart: migraine days, magnesium taken, sleep and anxiety on one time axis.

Drawn with matplotlib's object API on the Agg canvas (no pyplot: the global
figure manager is not safe in a server). Sized for a phone: 1100 px wide,
large fonts, few ticks, every tick label inside the picture. The figures
before and on magnesium are written at the top, in the words of the summary
(`summary_text`), from the same `stats.summarize`, so chart, summary and
report agree.

Panels: migraine days (per week; day by day under 2 weeks), magnesium
taken, sleep quality, and anxiety when it is one of the person's goals; a
panel with no data in the period is left out. Periods longer than
`DAILY_MAX_DAYS` show doses and sleep as weekly means, and beyond a year
everything goes in 4-week bins (still "per week").
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator, NullFormatter, NullLocator

from bot.domain.diary import GOAL_MIGRAINE, Diary
from bot.domain.stats import (
    UPPER_LIMIT_MG_PER_DAY,
    DailySeries,
    Summary,
    daily_series,
    series_and_summary,
)
from bot.domain.summary_text import before_after_text, fmt_date, kind_text

DAILY_MAX_DAYS = 120
STRIP_MAX_DAYS = 13  # under 2 weeks: a day-by-day strip instead of one weekly bar
WEEKLY_MAX_DAYS = 371
WIDTH_IN, DPI = 11.0, 100  # 1100 px wide
PANEL_IN = 2.9  # height of one panel with its title
HEADER_IN = 1.25  # the figures written at the top
FOOTER_IN = 0.55  # the date labels

MIGRAINE = "#c0392b"
HEADACHE = "#f5b7a8"
MAGNESIUM = "#2e86c1"
SKIPPED = "#e67e22"
SLEEP = "#7d3c98"
ANXIETY = "#117a65"
MAGNESIUM_START = "#1e8449"

_EPOCH = date(1970, 1, 1)  # matplotlib's default date epoch
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the chart shows, computed before drawing (the tests compare it with the summary)."""

    series: DailySeries
    headline: tuple[str, ...]  # the figures written at the top, in the summary's words
    panels: tuple[str, ...]  # "migraine", "magnesium", "sleep", "anxiety", top to bottom
    strip: bool  # day by day (under 2 weeks of data)
    bins: tuple[tuple[int, int], ...]  # [first, stop) day indexes of the bars
    migraine_per_bin: tuple[float, ...]  # migraine days per bin (per week for 4-week bins)
    other_per_bin: tuple[float, ...]  # other headache days per bin


def chart_data(
    diary: Diary, start: date, end: date, now: datetime, *, summary: Summary | None = None
) -> ChartData | None:
    """The chart's content for [start, end); None when there is nothing to plot."""
    if summary is None:
        series, summary = series_and_summary(diary, start, end, now)
    else:
        series = daily_series(diary, start, end, now)
    if not series.days:
        return None
    n = len(series.days)
    panels = []
    if any(series.headache) or diary.attacks or GOAL_MIGRAINE in summary.goals:
        panels.append("migraine")
    if any(series.taken) or any(series.skipped):
        panels.append("magnesium")
    if any(q is not None for q in series.sleep_quality):
        panels.append("sleep")
    if summary.shows_anxiety and any(a is not None for a in series.anxiety):
        panels.append("anxiety")
    if not any(series.headache) and panels[-1:] in ([], ["migraine"]):
        return None  # nothing in the period to plot

    strip = n <= STRIP_MAX_DAYS
    size = 1 if strip else 7 if n <= WEEKLY_MAX_DAYS else 28
    bins = _bins(n, size)
    per_week = 7 / size if size > 7 else 1.0
    migraine = tuple(sum(series.migraine[a:b]) * per_week for a, b in bins)
    other = tuple(
        sum(1 for i in range(a, b) if series.headache[i] and not series.migraine[i]) * per_week
        for a, b in bins
    )
    return ChartData(
        series=series,
        headline=_headline(summary),
        panels=tuple(panels),
        strip=strip,
        bins=tuple(bins),
        migraine_per_bin=migraine,
        other_per_bin=other,
    )


def _headline(summary: Summary) -> tuple[str, ...]:
    period = summary.period
    last = period.end - timedelta(days=1)
    first = last - timedelta(days=max(period.observed_days, 1) - 1)
    lines = []
    verdict = summary.verdict
    before_after = before_after_text(verdict)
    if before_after is not None:
        lines.append(before_after)
    same_days = (verdict.on_days, verdict.on_migraine_days) == (
        period.migraine.observed_days,
        period.migraine.days,
    )
    if before_after is None or verdict.baseline_days or not same_days:
        lines.append(
            f"{fmt_date(first, year=first.year != last.year)} – {fmt_date(last)}: "
            f"migraine days {kind_text(period.migraine)}"
        )
    return tuple(lines)


def render_chart(
    diary: Diary, start: date, end: date, now: datetime, *, summary: Summary | None = None
) -> bytes | None:
    """A PNG of [start, end) (local dates, end exclusive); None when there is nothing to plot.

    `summary` is `stats.summarize(diary, start, end, now)` when the caller
    has it already (it is computed otherwise).
    """
    data = chart_data(diary, start, end, now, summary=summary)
    if data is None:
        return None
    return _draw(data)


def _draw(data: ChartData) -> bytes:
    series = data.series
    n = len(series.days)
    first = series.days[0]
    x0 = _num(first)
    x1 = _num(series.days[-1] + timedelta(days=1))
    daily = n <= DAILY_MAX_DAYS
    size = max(b - a for a, b in data.bins)

    panels = len(data.panels)
    height = HEADER_IN + PANEL_IN * panels + FOOTER_IN
    # Fixed margins rather than a layout engine: constrained layout measured
    # every text twice and cost more than all the drawing.
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    axes = fig.subplots(
        panels,
        1,
        sharex=True,
        squeeze=False,
        gridspec_kw={
            "hspace": 0.55,
            "left": 0.075,
            "right": 0.97,
            "top": 1 - (HEADER_IN + 0.35) / height,
            "bottom": FOOTER_IN / height,
        },
    )[:, 0]
    for i, line in enumerate(data.headline):
        fig.text(
            0.02,
            1 - (0.3 + 0.45 * i) / height,
            line,
            fontsize=19 if i == 0 else 17,
            fontweight="bold" if i == 0 else "normal",
            va="top",
            color="#222222",
        )
    legend = {"fontsize": 14, "frameon": False, "loc": "lower right", "bbox_to_anchor": (1, 1)}
    by_name = dict(zip(data.panels, axes, strict=True))

    if "migraine" in by_name:
        ax = by_name["migraine"]
        lefts = [x0 + a + (0.1 if data.strip else 0) for a, _ in data.bins]
        widths = [(b - a) * (0.8 if data.strip else 0.85) for a, b in data.bins]
        _bars(ax, lefts, widths, data.migraine_per_bin, None, MIGRAINE, "migraine")
        if any(data.other_per_bin):
            _bars(ax, lefts, widths, data.other_per_bin, data.migraine_per_bin, HEADACHE, "other")
            ax.legend(ncols=2, **legend)
        if data.strip:
            ax.set_ylim(0, 1.3)
            ax.set_yticks([])
            ax.set_title("Migraine days, day by day", loc="left", fontsize=20)
        else:
            top = max(m + o for m, o in zip(data.migraine_per_bin, data.other_per_bin, strict=True))
            ax.set_ylim(0, max(3, top * 1.25))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            per = "week" if size == 7 else "week, 4-week means"
            ax.set_title(f"Migraine days per {per}", loc="left", fontsize=20)

    if "magnesium" in by_name:
        ax = by_name["magnesium"]
        if daily:
            _bars(ax, [x0 + i + 0.1 for i in range(n)], [0.8] * n, series.mg, None, MAGNESIUM)
            skipped = [x0 + i + 0.5 for i in range(n) if series.skipped[i] and not series.taken[i]]
            if skipped:
                ax.plot(
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
                ax.legend(**legend)
            ax.set_title("Magnesium taken (mg a day)", loc="left", fontsize=20)
            peak_mg = max(series.mg)
        else:
            lefts = [x0 + a for a, _ in data.bins]
            widths = [(b - a) * 0.85 for a, b in data.bins]
            means = [sum(series.mg[a:b]) / (b - a) for a, b in data.bins]
            _bars(ax, lefts, widths, means, None, MAGNESIUM)
            title = "weekly" if size == 7 else "4-week"
            ax.set_title(f"Magnesium taken ({title} mean, mg a day)", loc="left", fontsize=20)
            peak_mg = max(means)
        plan = series.plan_mg_per_day
        top = max(peak_mg, plan or 0, 100) * 1.3
        if plan:
            ax.axhline(plan, color="#555555", linestyle="--", linewidth=1.5)
            _label(ax, plan, "plan", "#555555")
        if peak_mg > UPPER_LIMIT_MG_PER_DAY or (plan or 0) > UPPER_LIMIT_MG_PER_DAY:
            ax.axhline(UPPER_LIMIT_MG_PER_DAY, color=MIGRAINE, linestyle=":", linewidth=1.5)
            _label(ax, UPPER_LIMIT_MG_PER_DAY, "upper limit", MIGRAINE, below=True)
        ax.set_ylim(0, top)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))

    if "sleep" in by_name:
        _line_panel(
            by_name["sleep"], data, series.sleep_quality, SLEEP, "Sleep quality (1–5)", (1, 5)
        )
    if "anxiety" in by_name:
        _line_panel(by_name["anxiety"], data, series.anxiety, ANXIETY, "Anxiety (0–10)", (0, 10))

    start_mg = series.magnesium_start
    show_start = start_mg is not None and first < start_mg <= series.days[-1]
    for ax in axes:
        ax.tick_params(labelsize=16)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
        if show_start and start_mg is not None:
            ax.axvline(_num(start_mg), color=MAGNESIUM_START, linewidth=2, linestyle="--")
    if show_start and start_mg is not None:
        axes[0].annotate(
            "magnesium from here",
            (_num(start_mg), 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(6, -4),
            textcoords="offset points",
            va="top",
            ha="right" if start_mg > series.days[n * 2 // 3] else "left",
            fontsize=14,
            color=MAGNESIUM_START,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )

    bottom = axes[-1]
    ticks, labels = date_ticks(series.days[0], series.days[-1], strip=data.strip)
    bottom.xaxis.set_major_locator(FixedLocator(ticks))
    bottom.set_xticks(ticks, labels)
    bottom.xaxis.set_minor_locator(NullLocator())
    bottom.xaxis.set_minor_formatter(NullFormatter())
    bottom.set_xlim(x0, x1)

    buffer = io.BytesIO()
    # zlib level 1: a third faster than the default 6, and the file stays small
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def date_ticks(first: date, last: date, *, strip: bool = False) -> tuple[list[float], list[str]]:
    """Tick positions (mid-day) and labels that all fit inside [first, last].

    Day by day for a strip ("Mon 9"); weekly or fortnightly ("3 Mar") up to
    4 months; month starts ("Mar", "Jan 2026") beyond, every second or third
    month for long periods. Ticks closer than 4% of the axis to either end
    are dropped, so no label is cut at the edge; the year is written on the
    first label and on January.
    """
    n = (last - first).days + 1
    span = float(n)
    margin = span * 0.04
    days: list[date] = []
    labels: list[str] = []
    if strip:
        step = 1 if n <= 8 else 2
        days = [first + timedelta(days=i) for i in range(0, n, step)]
        labels = [f"{_WEEKDAYS[d.weekday()]} {d.day}" for d in days]
        return [_num(d) + 0.5 for d in days], labels
    if n <= DAILY_MAX_DAYS:
        step = 7 if n <= 60 else 14
        # Mondays, counted back from the last one so the newest week is labelled
        monday = last - timedelta(days=last.weekday())
        d = monday
        while d >= first:
            days.append(d)
            d -= timedelta(days=step)
        days.reverse()
        keep = [d for d in days if _num(first) + margin <= _num(d) + 0.5 <= _num(last) + 1 - margin]
        for i, d in enumerate(keep):
            text = f"{d.day} {_MONTHS[d.month - 1]}"
            new_year = i == 0 or d.year != keep[i - 1].year
            labels.append(f"{text} {d.year}" if new_year and first.year != last.year else text)
        return [_num(d) + 0.5 for d in keep], labels
    months = n / 30.4
    step = 1 if months <= 7 else 2 if months <= 14 else 3 if months <= 26 else 6
    d = date(first.year, first.month, 1)
    while d <= last:
        if (d.month - 1) % step == 0 and d >= first:
            days.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    keep_days = [d for d in days if _num(first) + margin <= _num(d) <= _num(last) + 1 - margin]
    for i, d in enumerate(keep_days):
        name = _MONTHS[d.month - 1]
        labels.append(f"{name} {d.year}" if i == 0 or d.month == 1 else name)
    return [_num(d) for d in keep_days], labels


def _line_panel(
    ax: Axes,
    data: ChartData,
    values: Sequence[float | None],
    color: str,
    title: str,
    scale: tuple[int, int],
) -> None:
    series = data.series
    n = len(series.days)
    x0 = _num(series.days[0])
    if data.strip:
        xs = [x0 + i + 0.5 for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=12, color=color)
    elif n <= DAILY_MAX_DAYS:
        xs = [x0 + i + 0.5 for i, v in enumerate(values) if v is not None]
        ys = [v for v in values if v is not None]
        ax.plot(xs, ys, linestyle="none", marker="o", markersize=7, color=color, alpha=0.45)
        mx, my = _rolling_mean(list(values), 7)
        if len(mx) > 1:
            ax.plot([x0 + i + 0.5 for i in mx], my, color=color, linewidth=3)
            title += ", 7-day mean"
    else:
        wx, wy = [], []
        for a, b in data.bins:
            chunk = [v for v in values[a:b] if v is not None]
            if chunk:
                wx.append(x0 + (a + b) / 2)
                wy.append(sum(chunk) / len(chunk))
        ax.plot(wx, wy, color=color, linewidth=2.5, marker="o", markersize=5)
        size = max(b - a for a, b in data.bins)
        title += ", weekly mean" if size == 7 else ", 4-week mean"
    ax.set_title(title, loc="left", fontsize=20)
    lo, hi = scale
    ax.set_ylim(lo - 0.5, hi + 0.5)
    ax.set_yticks(list(range(lo, hi + 1)) if hi <= 5 else [0, 2, 4, 6, 8, 10])


def _label(ax: Axes, y: float, text: str, color: str, *, below: bool = False) -> None:
    """A small label at the right end of a horizontal line, inside the axes."""
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
        annotation_clip=False,
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
