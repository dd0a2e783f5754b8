"""Benchmark: the red-flag check and the text normalisation on the longest hostile messages.

    python bench/redflags.py [--runs 5]

A Telegram message holds at most 4,096 UTF-16 code units. For each shape (an
emoji that normalises to a word, lone combining marks, letters under stacked
marks, a symbol that expands to three words, words the checks look for) the
script times `red_flags()` and `normalize()` at 512 and at 4,096 units and
prints the best of several runs and the growth factor: about 8 means linear,
about 64 quadratic. Before the checks were made linear, 4,096 units of '🤕'
took about 2.6 s in `red_flags()`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from bot.domain.parsing.text import normalize  # noqa: E402
from bot.domain.redflags import _corrector, red_flags  # noqa: E402

SHAPES = {
    "emoji 🤕": "🤕",
    "combining marks": "\u0301",
    "stacked marks": "e\u0301\u0302\u0303",
    "expanding ½": "½",
    "flag words": "fever neck is ",
}
SIZES = (512, 4096)


def message(unit: str, utf16_units: int) -> str:
    return unit * (utf16_units // (len(unit.encode("utf-16-le")) // 2))


def fastest(fn: Callable[[str], object], text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    corrector = _corrector()
    red_flags("warm up the corrector")
    print(f"{'shape':18} {'step':10} " + " ".join(f"{n:>9} u" for n in SIZES) + "   growth")
    for name, unit in SHAPES.items():
        steps: dict[str, Callable[[str], object]] = {
            "red_flags": red_flags,
            "normalize": lambda text: normalize(text, corrector),
        }
        for step, fn in steps.items():
            times = [fastest(fn, message(unit, n), args.runs) for n in SIZES]
            cells = " ".join(f"{t * 1000:8.1f}ms" for t in times)
            print(f"{name:18} {step:10} {cells}   x{times[-1] / times[0]:.1f}")


if __name__ == "__main__":
    main()
