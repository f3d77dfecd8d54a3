"""One document → one index record: the unit of work of `plancli batch`.

A `Job` names the input, its output and the stamp (plancli version, rules
fingerprint) its record carries; `convert` reads, converts within the time
limit and writes the output, turning every failure into a failed record.
`run_jobs` converts jobs in the local process pool; a `Runner` is any executor
that does the same elsewhere (the Dask one is `plancli.commands.cluster`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plancli.commands.batch.index import Record
from plancli.commands.batch.workers import error_text, hard_limit, run_in_workers
from plancli.limits import DEFAULT_TIMEOUT, time_limit


@dataclass(frozen=True)
class Job:
    """One input to convert: where it is, where its output goes, the stamp its record carries."""

    path: str
    rel: str
    output: str  # relative to the output folder
    outdir: str
    fmt: str
    stamp: tuple[str, str]  # (plancli version, rules fingerprint)
    timeout: float = DEFAULT_TIMEOUT

    def record(self) -> Record:
        version, rules = self.stamp
        return {
            "path": self.path,
            "rel": self.rel,
            "output": self.output,
            "format": self.fmt,
            "sha256": None,
            "bytes": None,
            "status": None,
            "result": None,
            "sections": 0,
            "tasks": 0,
            "targets": 0,
            "diagnostics": 0,
            "error": None,
            "seconds": 0.0,
            "plancli_version": version,
            "rules": rules,
        }


Runner = Callable[[list[Job]], Iterator[Record]]
"""Converts jobs somewhere (worker processes, a cluster) and yields one record per job
as each finishes; it writes the outputs but never the index."""


class ExecutorError(Exception):
    """The executor could not start or reach its workers (one line, for the user)."""


def current_stamp() -> tuple[str, str]:
    from plancli import __version__
    from plancli.rules import check_all, fingerprint

    check_all()  # a bad PLANCLI_RULES file stops the run once, not every document
    return __version__, fingerprint()


def convert(job: Job) -> Record:
    """Convert one file and write its output; every failure becomes a record, never a raise."""
    started = time.perf_counter()
    record = job.record()
    target = Path(job.outdir) / job.output
    try:
        from plancli.core import InputError
        from plancli.pipeline import process_bytes, read_input
        from plancli.stages.emit import refuse_overwriting_inputs, render, write_atomic

        if job.path == "-":
            raise InputError("-: standard input cannot be batch-converted; name files or folders")
        refuse_overwriting_inputs(target, [job.path])
        data = read_input(job.path)
        record.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        with time_limit(job.timeout):
            document = process_bytes(data, job.path)
            text = render(document, job.fmt)
        write_atomic(target, text)
        record.update(status="ok", result="ok", **document_counts(document))
    except Exception as exc:
        record.update(status="failed", result="failed", output=None, error=error_text(exc))
        if not is_same_file(target, job.path):
            target.unlink(missing_ok=True)  # a stale output would not match its input any more
    record["seconds"] = round(time.perf_counter() - started, 4)
    return record


def is_same_file(first: Path, second: str) -> bool:
    from plancli.stages.emit import same_file

    return same_file(first, second)


def document_counts(document: Any) -> dict[str, int]:
    from plancli.models import iter_sections

    return {
        "sections": sum(1 for _ in iter_sections(document.sections)),
        "tasks": len(document.tasks),
        "targets": sum(1 for target in document.targets if target.kind == "target"),
        "diagnostics": len(document.diagnostics),
    }


def failed_record(job: Job, error: str) -> Record:
    record = job.record()
    record.update(status="failed", result="failed", output=None, error=error)
    return record


def run_jobs(jobs: list[Job], workers: int, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Record]:
    """Convert every job in worker processes; one record per job, in completion order."""
    return run_in_workers(jobs, workers, convert, failed_record, hard_limit(timeout))
