"""Speed of `plancli extract`, every figure a ratio against a baseline measured in the same run.

    python bench/extract.py [--runs 7] [--sizes 1,4,16] [--only floor,warm,scaling]

- floor: whole-process `plancli extract SAMPLE -f json` on each sample vs. the floor, a
  `python -c` that imports opencc and converts the same file (median of --runs runs each,
  interleaved so that load on the machine hits both alike). Aim: <= 4x on every sample.
  Wall time and CPU time (user + sys) are both shown: on a shared machine CPU time is the
  steadier figure.
- warm: one process, imports paid and settled as in `plancli extract` and a batch worker
  (`settle_start_up`), the pipeline plus JSON rendering on each sample (best of --runs, CPU
  time of the process): MB/s per sample and over the five.
  Aim: >= 3 MB/s over the five, none < 1.5.
- scaling: the samples concatenated to 1, 4 and 16 MB (MB = 2**20 bytes), one warm run each:
  seconds per MB at each size and as a ratio of the 1 MB figure. Aim: 16 MB within 1.3x.
- against: with `--against TREE` (another checkout or export of this repository, e.g.
  `git archive main | tar -x -C /tmp/main`), the warm figures of that tree's `src` and of
  this one, each in its own process (best of three runs), alternated --runs times (best of
  each): the ratio is the speed-up of this tree on each sample and over the five. Then the
  whole process, `python -m plancli extract SAMPLE -f json` with each tree's `src` first on
  the path (median CPU time of --runs runs each, alternated); both trees' bytecode is
  compiled first, so that neither pays for compiling its sources on every run.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
MB = 2**20


def plancli_command() -> list[str]:
    script = Path(sys.executable).with_name("plancli")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plancli"]


def floor_command(path: Path) -> list[str]:
    code = (
        "import opencc, sys; "
        f"sys.stdout.write(opencc.OpenCC('hk2s').convert(open({str(path)!r}, "
        "encoding='utf-8').read()))"
    )
    return [sys.executable, "-c", code]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seconds_of(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def compile_bytecode(tree: Path) -> None:
    """Write the tree's bytecode, as installing does: otherwise a process that may not write
    it (PYTHONDONTWRITEBYTECODE) compiles every changed module again on every run."""
    import compileall

    compileall.compile_dir(tree / "src", quiet=1)


def floor_run(runs: int) -> None:
    print(f"extract vs floor (whole process, median of {runs} runs, interleaved)")
    compile_bytecode(ROOT)
    for path in SAMPLES:
        extract = [*plancli_command(), "extract", str(path), "-f", "json"]
        floor = floor_command(path)
        seconds_of(extract), seconds_of(floor)  # warm the file cache
        pairs = [(seconds_of(extract), seconds_of(floor)) for _ in range(runs)]
        wall, base_wall = (statistics.median(p[i][0] for p in pairs) for i in (0, 1))
        cpu, base_cpu = (statistics.median(p[i][1] for p in pairs) for i in (0, 1))
        verdict = "ok" if min(wall / base_wall, cpu / base_cpu) <= 4 else "MISSED"
        print(
            f"  {path.name[:32]:<32} wall {wall * 1000:5.0f}/{base_wall * 1000:3.0f} ms "
            f"= {wall / base_wall:5.2f}x  cpu {cpu * 1000:5.0f}/{base_cpu * 1000:3.0f} ms "
            f"= {cpu / base_cpu:5.2f}x  (aim <= 4x: {verdict})"
        )


def forget_memos() -> None:
    """Empty the unit readings remembered from earlier runs, so that a repeated run of one
    sample costs what its first run did (the memos are meant for names recurring in a corpus,
    not for reading one file again)."""
    from plancli.stages.units.rules import compiled

    compiled().memo.clear()


def pipeline_seconds(data: bytes, path: str) -> float:
    from plancli.pipeline import process_bytes, settle_start_up
    from plancli.stages.emit import render

    settle_start_up()  # once per process, as the CLI and every batch worker do
    forget_memos()
    start = time.process_time()
    render(process_bytes(data, path), "json")
    return time.process_time() - start


def warm_run(runs: int) -> None:
    print(f"warm throughput (one process, best of {runs} runs, MB = 2**20 bytes)")
    total_bytes, total_seconds, slowest = 0, 0.0, float("inf")
    for path in SAMPLES:
        data = path.read_bytes()
        pipeline_seconds(data, str(path))
        best = min(pipeline_seconds(data, str(path)) for _ in range(runs))
        rate = len(data) / best / MB
        slowest = min(slowest, rate)
        total_bytes, total_seconds = total_bytes + len(data), total_seconds + best
        print(f"  {path.name[:40]:<40} {best * 1000:6.1f} ms  {rate:5.2f} MB/s")
    overall = total_bytes / total_seconds / MB
    verdict = "ok" if overall >= 3 and slowest >= 1.5 else "MISSED"
    print(
        f"  over the five: {overall:.2f} MB/s, slowest {slowest:.2f} MB/s  "
        f"(aim >= 3 and none < 1.5: {verdict})"
    )


def concatenated(size: int) -> bytes:
    pieces, total = [], 0
    while total < size:
        for path in SAMPLES:
            data = path.read_bytes() + b"\n"
            pieces.append(data)
            total += len(data)
    return b"".join(pieces)[:size]


def scaling_run(sizes: list[int]) -> None:
    print("scaling (samples concatenated into one document, one warm run per size)")
    pipeline_seconds(SAMPLES[0].read_bytes(), "warm-up")
    first = None
    with tempfile.TemporaryDirectory(prefix="plancli-scaling-") as folder:
        for megabytes in sizes:
            data = concatenated(megabytes * MB)
            path = Path(folder) / f"{megabytes}mb.txt"
            path.write_bytes(data)
            per_mb = pipeline_seconds(data, str(path)) / megabytes
            first = first or per_mb
            print(f"  {megabytes:3d} MB  {per_mb:6.2f} s/MB  {per_mb / first:5.2f}x the first size")
    print("  aim: the largest size within 1.3x of the first")


WARM_SCRIPT = """
import json, sys, time
from plancli.pipeline import process_bytes
from plancli.stages.emit import render
from plancli.stages.units import rules
memo = getattr(rules.compiled(), "memo", {})
best = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    render(process_bytes(data, path), "json")
    for _ in range(3):
        memo.clear()
        start = time.process_time()
        render(process_bytes(data, path), "json")
        seconds = time.process_time() - start
        best[path] = min(best.get(path, seconds), seconds)
print(json.dumps(best))
"""


def warm_seconds_of(tree: Path) -> dict[str, float]:
    """Warm seconds per sample with `tree`'s package, in a fresh process."""
    import json
    import os

    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-c", WARM_SCRIPT, *map(str, SAMPLES)]
    out = subprocess.run(command, capture_output=True, check=True, text=True, env=env)
    return json.loads(out.stdout)


def against_run(baseline: Path, runs: int) -> None:
    print(f"warm, this tree vs {baseline} (alternated, best of {runs} processes each)")
    best: dict[Path, dict[str, float]] = {}
    for _ in range(runs):
        for tree in (baseline, ROOT):
            seconds = warm_seconds_of(tree)
            known = best.setdefault(tree, seconds)
            for path, value in seconds.items():
                known[path] = min(known[path], value)
    for path in map(str, SAMPLES):
        before, after = best[baseline][path], best[ROOT][path]
        print(
            f"  {Path(path).name[:40]:<40} {before * 1000:6.1f} -> {after * 1000:6.1f} ms  "
            f"{before / after:5.2f}x faster"
        )
    total_before, total_after = (sum(best[tree].values()) for tree in (baseline, ROOT))
    print(f"  over the five: {total_before / total_after:.2f}x faster")
    whole_process_against(baseline, runs)


def tree_cpu_seconds(tree: Path, path: Path) -> float:
    """CPU seconds of one whole `plancli extract` process running `tree`'s package."""
    import os

    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    cpu = children_cpu()
    command = [sys.executable, "-m", "plancli", "extract", str(path), "-f", "json"]
    subprocess.run(command, capture_output=True, check=True, env=env)
    return children_cpu() - cpu


def whole_process_against(baseline: Path, runs: int) -> None:
    print(f"whole process, this tree vs {baseline} (CPU, median of {runs} alternated runs)")
    for tree in (baseline, ROOT):
        compile_bytecode(tree)
    totals = {baseline: 0.0, ROOT: 0.0}
    for path in SAMPLES:
        seconds: dict[Path, list[float]] = {baseline: [], ROOT: []}
        for _ in range(runs):
            for tree in (baseline, ROOT):
                seconds[tree].append(tree_cpu_seconds(tree, path))
        before, after = (statistics.median(seconds[tree]) for tree in (baseline, ROOT))
        totals[baseline], totals[ROOT] = totals[baseline] + before, totals[ROOT] + after
        print(
            f"  {path.name[:40]:<40} {before * 1000:6.0f} -> {after * 1000:6.0f} ms  "
            f"{before / after:5.2f}x faster"
        )
    print(f"  over the five: {totals[baseline] / totals[ROOT]:.2f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1,4,16", help="MB, comma-separated")
    parser.add_argument("--only", default="floor,warm,scaling")
    parser.add_argument("--against", type=Path, help="another tree of this repository")
    args = parser.parse_args()
    parts = args.only.split(",")
    if "floor" in parts:
        floor_run(args.runs)
    if "warm" in parts:
        warm_run(args.runs)
    if "scaling" in parts:
        scaling_run([int(size) for size in args.sizes.split(",")])
    if args.against is not None:
        against_run(args.against.resolve(), args.runs)


if __name__ == "__main__":
    main()
