"""What a batch run shows: progress while it runs, and the summary at its end.

On a terminal a progress bar with ETA, otherwise one line per finished file;
the `Tally` keeps only counts and failures, so the parent's memory does not
grow with a long run.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from plancli.commands.batch.index import Record
from plancli.commands.terminal import printable


class PlainProgress:
    """One line per finished file, for logs and pipes."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def advance(self, record: Record) -> None:
        self.done += 1
        width = len(str(self.total))
        detail = f"  {printable(record['error'])}" if record["error"] else ""
        sys.stderr.write(
            f"[{self.done:>{width}}/{self.total}] {record['status']:<7} {printable(record['rel'])} "
            f"({record['seconds']:.2f} s){detail}\n"
        )
        sys.stderr.flush()


class RichProgress:
    """A progress bar with ETA on a terminal."""

    def __init__(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        from plancli.commands.theme import console

        self.progress = Progress(
            TextColumn("converting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[current]}", markup=False),
            console=console(stderr=True),
            transient=False,
        )
        self.task = self.progress.add_task("batch", total=total, current="")

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def advance(self, record: Record) -> None:
        self.progress.update(self.task, advance=1, current=printable(record["rel"]))


def make_progress(total: int) -> PlainProgress | RichProgress:
    return RichProgress(total) if sys.stderr.isatty() else PlainProgress(total)


@dataclass
class Tally:
    """What the summary and the exit code need of a run's records: counts and failures.

    Records themselves go to the index as they come, so the parent's memory does
    not grow with the results of a long run.
    """

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # rel, error, status

    def add(self, record: Record) -> None:
        self.counts[record["status"]] += 1
        if record["result"] == "failed":
            self.failures.append((record["rel"], str(record["error"]), record["status"]))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def print_summary(tally: Tally, seconds: float, index_path: Path) -> None:
    from rich.table import Table

    from plancli.commands.theme import console

    table = Table("status", "files", title="plancli batch", title_justify="left")
    for status in ("ok", "failed", "skipped"):
        table.add_row(status, str(tally.counts[status]))
    converted = tally.total - tally.counts["skipped"]
    rate = converted / seconds if seconds > 0 else 0.0
    table.add_row("converted per second", f"{rate:.1f}")
    table.add_row("wall time", f"{seconds:.2f} s")
    out = console(stderr=True)
    out.print(table)
    for rel, error, status in sorted(tally.failures):
        note = " (unchanged since it failed)" if status == "skipped" else ""
        out.print(printable(f"failed: {rel}: {error}{note}"), markup=False)
    out.print(printable(f"index: {index_path}"), markup=False)
