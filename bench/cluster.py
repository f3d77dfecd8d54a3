"""`plancli batch` on the local process pool vs. a Dask LocalCluster, and a cluster size.

    python bench/cluster.py [--copies 120] [--workers 2] [--rounds 2]

Needs `pip install 'plancli[dask]'`. On one generated corpus (the samples copied
round-robin, each copy with its own last line) it times whole `plancli batch`
processes, alternating so that the machine's load hits both alike:

- the local pool, `--jobs W`;
- `--scheduler local:W`, which starts its own LocalCluster of W worker processes;
- `--scheduler ADDRESS` against a LocalCluster of W workers started beforehand, as a
  user's run against a running cluster (no start-up in the figure).

Prints docs/s for each, the cluster paths as ratios of the local pool's time, the
mean per-document conversion time the workers recorded in `index.jsonl`, and from
those an estimate of how many worker cores one million documents in one hour needs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch import make_corpus, plancli_command  # the sibling script

TARGET_DOCS = 1_000_000
TARGET_SECONDS = 3600.0


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return seconds


def mean_document_seconds(outdir: Path) -> float:
    lines = (outdir / "index.jsonl").read_text(encoding="utf-8").splitlines()
    seconds = [json.loads(line)["seconds"] for line in lines]
    return sum(seconds) / len(seconds)


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=120)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each, best kept")
    args = parser.parse_args()
    workers = args.workers
    plancli = plancli_command()
    best: dict[str, float] = {}
    per_doc: list[float] = []
    with (
        tempfile.TemporaryDirectory(prefix="plancli-bench-") as folder,
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,
        ) as running,
        Client(running) as client,
    ):
        corpus = Path(folder) / "corpus"
        size = make_corpus(corpus, args.copies)
        print(
            f"{args.copies} documents, {size / 2**20:.2f} MB, {workers} workers, load "
            f"{os.getloadavg()[0]:.1f}"
        )
        address = client.scheduler_info()["address"]
        runs = {
            f"local pool --jobs {workers}": ["--jobs", str(workers)],
            f"--scheduler local:{workers}": ["--scheduler", f"local:{workers}"],
            f"--scheduler ADDRESS ({workers} running)": ["--scheduler", address],
        }
        for number in range(args.rounds):
            for kind, (label, options) in enumerate(runs.items()):
                outdir = Path(folder) / f"out-{number}-{kind}"
                command = [*plancli, "batch", str(corpus), "-o", str(outdir), *options]
                seconds = timed(command)
                best[label] = min(best.get(label, math.inf), seconds)
                if "ADDRESS" in label:
                    per_doc.append(mean_document_seconds(outdir))
    base = best[f"local pool --jobs {workers}"]
    for label, seconds in best.items():
        print(
            f"{label:<34} {seconds:7.2f} s  {args.copies / seconds:6.1f} docs/s  "
            f"time / local pool {seconds / base:.2f}x"
        )
    report_estimate(
        min(per_doc), best[f"--scheduler ADDRESS ({workers} running)"], args.copies, workers
    )


def report_estimate(document_seconds: float, seconds: float, docs: int, workers: int) -> None:
    """Cores for a million documents an hour, from the cost per document and the overhead."""
    ideal = workers / document_seconds  # docs/s if the workers did nothing but convert
    efficiency = min(1.0, docs / seconds / ideal)
    needed = TARGET_DOCS / TARGET_SECONDS * document_seconds
    print(
        f"per document: {document_seconds * 1000:.0f} ms of one core (mean of the workers' "
        f"records); cluster efficiency {efficiency:.0%} of {ideal:.1f} docs/s ideal"
    )
    print(
        f"one million documents in one hour = {TARGET_DOCS / TARGET_SECONDS:.0f} docs/s: "
        f"{needed:.0f} cores at full use, {math.ceil(needed / efficiency)} at the measured "
        "efficiency (one worker thread per core)"
    )


if __name__ == "__main__":
    main()
