"""Benchmark: /summary text and chart for a person with five years of daily entries.

    python bench/summary.py [--runs 7]

The diary: 1 year before magnesium and 4 on it, two planned doses a day, a
sleep and an anxiety entry every day, about 8 migraine attacks a month plus a
few other headaches, acute medicines on 60% of attacks. For each period the
script builds the summary (statistics + text) and the chart, takes the median
of several runs, and reports the peak memory of one run (tracemalloc) and of
the process (ru_maxrss). Target: text + chart for "all" under 0.5 s.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bot.domain.chart import render_chart  # noqa: E402
from bot.domain.stats import PERIODS, period_bounds, summarize  # noqa: E402
from bot.domain.summary_text import render_summary  # noqa: E402
from tests.diarygen import generate  # noqa: E402

TARGET_S = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    started = time.perf_counter()
    diary, _, now = generate(
        seed=2024,
        baseline_days=365,
        on_days=4 * 365 + 1,
        baseline_per_28=7.5,  # ~8 attacks a month
        on_per_28=7.5,
        headache_per_28=1.5,
        dose_times=(clock(8, 0), clock(21, 30)),
    )
    built = time.perf_counter() - started
    entries = sum(
        len(x)
        for x in (
            diary.attacks,
            diary.doses,
            diary.medications,
            diary.sleep,
            diary.anxiety,
            diary.side_effects,
        )
    )
    print(
        f"diary: {entries} entries ({len(diary.attacks)} attacks, {len(diary.doses)} doses, "
        f"{len(diary.sleep)} nights, {len(diary.anxiety)} anxiety), generated in {built:.2f} s"
    )

    # warm up: font cache, matplotlib's first figure
    render_chart(diary, *period_bounds(diary, "30d", now), now)

    print(f"{'period':>7} {'text ms':>9} {'chart ms':>9} {'total ms':>9} {'peak MiB':>9}")
    total_all = 0.0
    for period in PERIODS:
        start, end = period_bounds(diary, period, now)
        text_times, chart_times = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            text = render_summary(summarize(diary, start, end, now), period)
            t1 = time.perf_counter()
            png = render_chart(diary, start, end, now)
            t2 = time.perf_counter()
            text_times.append(t1 - t0)
            chart_times.append(t2 - t1)
        assert len(text) < 4096 and png is not None
        tracemalloc.start()
        render_summary(summarize(diary, start, end, now), period)
        render_chart(diary, start, end, now)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        text_ms = statistics.median(text_times) * 1000
        chart_ms = statistics.median(chart_times) * 1000
        total = statistics.median(a + b for a, b in zip(text_times, chart_times, strict=True))
        if period == "all":
            total_all = total
        print(f"{period:>7} {text_ms:9.1f} {chart_ms:9.1f} {total * 1000:9.1f} {peak / 2**20:9.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    verdict = "OK" if total_all < TARGET_S else "OVER TARGET"
    print(f"process max RSS: {rss:.0f} MiB; median of {args.runs} runs")
    target_ms = TARGET_S * 1000
    print(
        f"text + chart for 'all': {total_all * 1000:.0f} ms (target {target_ms:.0f} ms) {verdict}"
    )


if __name__ == "__main__":
    main()
