"""Time per MB of the worst hostile document shapes at 1x, 4x and 16x size.

    python bench/hostile_scaling.py [--base-kb 32] [--timeout 120] [--shape NAME]

Each shape is a document an attacker or a broken scraper could hand plancli
(one long line of digits, runs of markers, pipes, separators, units joined by
`、` ...). Every size runs `plancli extract` in a fresh process with a time
limit; the table shows seconds per MB at each size (start-up subtracted) and,
since a fixed cost (loading tables on first use) inflates the small sizes, the
marginal cost per MB from 1x to 4x and from 4x to 16x and their ratio: linear
behaviour keeps that ratio near 1 (the goal is ≤ 1.5).
A run past the time limit prints `>limit`. This is a benchmark, not a test:
timings depend on the machine.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

FACTORS = (1, 4, 16)


def repeat_to(unit: str, size: int, end: str = "\n") -> str:
    """`unit` repeated until the text holds about `size` UTF-8 bytes."""
    count = max(1, size // len(unit.encode("utf-8")))
    return unit * count + end


SHAPES: dict[str, Callable[[int], str]] = {
    "digits-one-line": lambda size: repeat_to("1", size),
    "target-digits": lambda size: "达到" + repeat_to("1", size - 8, "%\n"),
    "deadline-runs": lambda size: repeat_to("到2025年", size),
    "hanzi-markers": lambda size: repeat_to("一、\n", size, ""),
    "paren-markers": lambda size: repeat_to("(一)\n", size, ""),
    "long-hanzi-line": lambda size: repeat_to("发展", size),
    "units-joined": lambda size: "(" + repeat_to("市民政局、", size, "负责)\n"),
    "pipe-lines": lambda size: repeat_to("|\n", size, ""),
    "pipe-table": lambda size: "|指标|2025年|\n|---|---|\n" + repeat_to("|人口|1%|\n", size, ""),
    "nested-brackets": lambda size: repeat_to("(", size // 2, "") + repeat_to(")", size // 2),
    "separators": lambda size: repeat_to("、,;。", size),
    "mixed-lines": lambda size: repeat_to(
        "一、总体要求\n1.完善机制。(市民政局负责)\n|a|b|\n", size, ""
    ),
}


def plancli_command() -> list[str]:
    script = Path(sys.executable).with_name("plancli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plancli"]


def seconds_for(text: str, timeout: float) -> float | None:
    """Wall time of `plancli extract` on `text`, or None past `timeout`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        try:
            subprocess.run(
                [*plancli_command(), "extract", str(path)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return None
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-kb", type=float, default=32.0, help="size of the 1x document")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="only these")
    args = parser.parse_args()
    base = int(args.base_kb * 1024)
    floors = [seconds_for("一、总体要求\n", args.timeout) or 0.0 for _ in range(5)]
    floor = sorted(floors)[len(floors) // 2]  # the median start-up time, subtracted
    print(f"start-up {floor:.2f} s subtracted; sizes {', '.join(f'{f}x' for f in FACTORS)}")
    header = "".join(f"{f'{f}x s/MB':>11}" for f in FACTORS)
    print(f"{'shape':<18}{header}{'marg 1-4x':>11}{'marg 4-16x':>11}{'ratio':>7}")
    for name in args.shape or SHAPES:
        runs: list[tuple[float, float | None]] = []  # (megabytes, seconds past start-up)
        for factor in FACTORS:
            text = SHAPES[name](base * factor)
            seconds = seconds_for(text, args.timeout)
            megabytes = len(text.encode("utf-8")) / 2**20
            runs.append((megabytes, None if seconds is None else max(seconds - floor, 0.0)))
            if seconds is None:
                break
        print(f"{name:<18}{row(runs)}")
        sys.stdout.flush()


def row(runs: list[tuple[float, float | None]]) -> str:
    """Per-size s/MB, the marginal s/MB between sizes, and the ratio of the two margins."""
    cells = [">limit" if seconds is None else f"{seconds / mb:.2f}" for mb, seconds in runs]
    cells += [""] * (len(FACTORS) - len(cells))
    margins: list[float] = []
    for (mb_a, s_a), (mb_b, s_b) in itertools.pairwise(runs):
        if s_a is None or s_b is None:
            break
        margins.append((s_b - s_a) / (mb_b - mb_a))
    marginal = [f"{m:.2f}" for m in margins] + [""] * (len(FACTORS) - 1 - len(margins))
    ratio = f"{margins[1] / margins[0]:.2f}" if len(margins) == 2 and margins[0] > 0 else "-"
    return "".join(f"{c:>11}" for c in cells + marginal) + f"{ratio:>7}"


if __name__ == "__main__":
    main()
