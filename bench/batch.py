"""Throughput of `plancli batch`: one job vs. all cores, and a re-run on unchanged files.

    python bench/batch.py [--copies 120] [--jobs 0]

Copies the samples round-robin into a temporary folder (each copy gets its own
trailing line, so every input has its own sha256), then times whole `plancli
batch` processes: with --jobs 1, with all cores (or --jobs N), and again with
all cores on the unchanged folder (everything skipped). Prints docs/s, MB/s and
CPU seconds for each run, the parallel time as a ratio of the single-job time (target
<= 0.8 on 2 cores) and the re-run time as a ratio of the first run (target <= 0.5).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def plancli_command() -> list[str]:
    script = Path(sys.executable).with_name("plancli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plancli"]


def make_corpus(folder: Path, copies: int) -> int:
    """Write `copies` documents into nested folders; return the total size in bytes."""
    total = 0
    for number in range(copies):
        sample = SAMPLES[number % len(SAMPLES)]
        target = folder / f"batch{number // 40}" / f"{number:04}-{sample.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        data = sample.read_bytes() + f"\n{number}\n".encode()
        target.write_bytes(data)
        total += len(data)
    return total


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_batch(corpus: Path, outdir: Path, jobs: int) -> tuple[float, float]:
    """Wall time and CPU time (the process and its workers) of one `plancli batch`."""
    command = [*plancli_command(), "batch", str(corpus), "-o", str(outdir), "--jobs", str(jobs)]
    cpu = children_cpu_seconds()
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"plancli batch failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds, children_cpu_seconds() - cpu


def report(label: str, timing: tuple[float, float], docs: int, size: int) -> None:
    seconds, cpu = timing
    print(
        f"{label:<28} {seconds:7.2f} s  {docs / seconds:8.1f} docs/s  "
        f"{size / seconds / 2**20:6.2f} MB/s  cpu {cpu:6.2f} s  "
        f"load {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=120)
    parser.add_argument("--jobs", type=int, default=0, help="0 = all cores")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    jobs = args.jobs or cores or 1
    with tempfile.TemporaryDirectory(prefix="plancli-bench-") as folder:
        corpus = Path(folder) / "corpus"
        size = make_corpus(corpus, args.copies)
        print(f"{args.copies} documents, {size / 2**20:.2f} MB, {cores} cores available")
        single = timed_batch(corpus, Path(folder) / "out1", 1)
        report("--jobs 1", single, args.copies, size)
        parallel = timed_batch(corpus, Path(folder) / "outN", jobs)
        report(f"--jobs {jobs}", parallel, args.copies, size)
        rerun = timed_batch(corpus, Path(folder) / "outN", jobs)
        report(f"--jobs {jobs}, unchanged", rerun, args.copies, size)
    print(
        f"speed-up {single[0] / parallel[0]:.2f}x; parallel/single time "
        f"{parallel[0] / single[0]:.2f} (target <= 0.80)"
    )
    print(f"re-run/first run time {rerun[0] / parallel[0]:.2f} (target <= 0.50)")
    print(
        "load is the 1-minute load average after each run: other processes on the same "
        "cores slow the parallel run most"
    )


if __name__ == "__main__":
    main()
