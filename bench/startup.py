"""Whole-process timings of plancli against baselines measured in the same run.

    python bench/startup.py [--runs 15]

Prints, as ratios (median over --runs runs, after one warm-up, of wall time and of CPU
time, user + sys: on a shared machine CPU time is the steadier figure):
- `plancli normalize` on the largest sample vs. `python -c` that only imports
  opencc and converts the same text (the floor for that stage);
- `plancli extract` on the same sample vs. the same floor (for information);
- `plancli --version` and `plancli --help` vs. `python -c pass`.
The package's bytecode is compiled first: with PYTHONDONTWRITEBYTECODE set, every run
would otherwise compile the sources again, which no installed copy does.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


def plancli_command() -> list[str]:
    script = Path(sys.executable).with_name("plancli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plancli"]


def children_cpu_seconds() -> float:
    """User + sys time of the finished child processes (0 where the OS cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of `command` over `runs` runs."""
    subprocess.run(command, capture_output=True, check=True)  # warm the file cache
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), children_cpu_seconds()
        subprocess.run(command, capture_output=True, check=True)
        walls.append(time.perf_counter() - start)
        cpus.append(children_cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    compileall.compile_dir(ROOT / "src", quiet=1)

    largest = max(SAMPLES.glob("*.txt"), key=lambda p: p.stat().st_size)
    floor_code = (
        "import opencc, sys; "
        f"sys.stdout.write(opencc.OpenCC('hk2s').convert(open({str(largest)!r}, "
        "encoding='utf-8').read()))"
    )
    plancli = plancli_command()
    timings = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "opencc floor": [sys.executable, "-c", floor_code],
        "plancli --version": [*plancli, "--version"],
        "plancli --help": [*plancli, "--help"],
        "plancli normalize": [*plancli, "normalize", str(largest)],
        "plancli extract": [*plancli, "extract", str(largest), "--format", "json"],
    }
    seconds = {name: median_seconds(command, runs) for name, command in timings.items()}

    print(f"largest sample: {largest.name} ({largest.stat().st_size:,} bytes), {runs} runs each")
    print(f"  {'':<20} {'wall':>7}    {'CPU':>7}")
    for name, (wall, cpu) in seconds.items():
        print(f"  {name:<20} {wall * 1000:7.1f} ms {cpu * 1000:7.1f} ms")
    ratios = [
        ("plancli normalize / opencc floor", "plancli normalize", "opencc floor", 2.5),
        ("plancli extract / opencc floor", "plancli extract", "opencc floor", None),
        ("plancli --version / python -c pass", "plancli --version", "python -c pass", 4.0),
        ("plancli --help / python -c pass", "plancli --help", "python -c pass", None),
    ]
    for label, numerator, denominator, aim in ratios:
        ratio = seconds[numerator][0] / seconds[denominator][0]
        cpu_ratio = seconds[numerator][1] / (seconds[denominator][1] or float("nan"))
        verdict = ""
        if aim is not None:
            verdict = f"  (aim ≤ {aim:.1f}x: {'ok' if ratio <= aim else 'MISSED'})"
        print(f"{label:<38} {ratio:5.2f}x wall {cpu_ratio:5.2f}x CPU{verdict}")


if __name__ == "__main__":
    main()
