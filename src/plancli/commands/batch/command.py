"""The `plancli batch` run: plan the jobs, skip the unchanged, convert the rest, keep the index.

An executor (a `Runner`: the local process pool here, a Dask cluster in
`plancli.commands.cluster`) only converts jobs and yields their records as they
finish; everything else is here and shared, so outputs, index records, resume
and exit codes are the same whichever runs the documents.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from pathlib import Path

from plancli.commands.batch.conversion import (
    ExecutorError,
    Job,
    Runner,
    current_stamp,
    run_jobs,
)
from plancli.commands.batch.index import INDEX_NAME, Index, Record
from plancli.commands.batch.inputs import (
    Input,
    discover_inputs,
    is_unchanged,
    output_name,
    skipped_record,
)
from plancli.commands.batch.progress import Tally, make_progress, print_summary
from plancli.commands.batch.workers import worker_count
from plancli.commands.terminal import print_error
from plancli.limits import DEFAULT_TIMEOUT


def plan_jobs(
    inputs: list[Input], outdir: Path, fmt: str, timeout: float = DEFAULT_TIMEOUT
) -> list[Job]:
    stamp = current_stamp()
    return [
        Job(str(item.path), item.rel, output_name(item.rel, fmt), str(outdir), fmt, stamp, timeout)
        for item in inputs
    ]


@contextmanager
def local_pool(jobs: int, timeout: float) -> Iterator[Runner]:
    """The default executor: worker processes on this machine."""

    def run(todo: list[Job]) -> Iterator[Record]:
        return run_jobs(todo, min(worker_count(jobs), len(todo)) or 1, timeout)

    yield run


def run_batch(
    paths: list[Path],
    outdir: Path,
    *,
    fmt: str,
    jobs: int,
    glob: str,
    force: bool,
    timeout: float = DEFAULT_TIMEOUT,
    scheduler: str | None = None,
) -> int:
    """Convert every input; return the process exit code (1 when any input fails).

    With `scheduler` (a Dask scheduler address, `local` or `local:N`) the documents
    are converted on a Dask cluster instead of local worker processes.
    """
    open_runner: Callable[[], AbstractContextManager[Runner]]
    if scheduler is None:
        open_runner = partial(local_pool, jobs, timeout)
    else:
        from plancli.commands.cluster import cluster_opener

        try:
            open_runner = cluster_opener(scheduler, paths, outdir)
        except ExecutorError as exc:
            print_error(exc)
            return 2
    inputs = discover_inputs(paths, glob, exclude=outdir)
    if not inputs:
        print_error(no_inputs_reason(paths, glob, outdir))
        return 2
    return convert_inputs(inputs, outdir, fmt, timeout, force, open_runner)


def convert_inputs(
    inputs: list[Input],
    outdir: Path,
    fmt: str,
    timeout: float,
    force: bool,
    open_runner: Callable[[], AbstractContextManager[Runner]],
) -> int:
    """Plan, skip the unchanged, run the rest with the executor, keep the index.

    Every executor goes through here, so outputs, index records, resume and
    exit codes are the same whichever runs the documents.
    """
    started = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    index = Index(outdir / INDEX_NAME)
    tally = Tally()
    skipped, todo = split_unchanged(plan_jobs(inputs, outdir, fmt, timeout), index.load(), force)
    for record in skipped:
        tally.add(record)
    index.merge(skipped)
    del skipped
    try:
        run_and_record(todo, open_runner, index, tally)
    except ExecutorError as exc:
        print_error(exc)
        return 2
    except KeyboardInterrupt:
        sys.stderr.write(
            f"plancli: batch interrupted: {tally.total} of {len(inputs)} inputs are done and "
            "recorded; run the same command again to resume\n"
        )
        raise
    finally:
        index.merge([])  # one line per input: every record of this run is on disk already
    print_summary(tally, time.perf_counter() - started, index.path)
    return tally.exit_code


def split_unchanged(
    jobs: list[Job], previous: dict[str, Record], force: bool
) -> tuple[list[Record], list[Job]]:
    """The records of the jobs left as they were (skipped), and the jobs to convert."""
    skipped: list[Record] = []
    todo: list[Job] = []
    for job in jobs:
        before = previous.get(job.rel)
        if not force and is_unchanged(before, job):
            skipped.append(skipped_record(before, job))  # type: ignore[arg-type]
        else:
            todo.append(job)
    return skipped, todo


def run_and_record(
    todo: list[Job],
    open_runner: Callable[[], AbstractContextManager[Runner]],
    index: Index,
    tally: Tally,
) -> None:
    """Convert the jobs with the executor; append and count each record as it comes."""
    with (
        open_runner() if todo else nullcontext(no_jobs) as run,
        make_progress(len(todo)) as progress,
    ):
        for record in run(todo):
            tally.add(record)
            index.append(record)
            progress.advance(record)


def no_jobs(todo: list[Job]) -> Iterator[Record]:
    return iter(())


def no_inputs_reason(paths: list[Path], glob: str, outdir: Path) -> str:
    """Why nothing is left to convert: an output folder that holds the inputs says so."""
    if discover_inputs(paths, glob):
        return (
            f"the output folder {outdir} holds every input; "
            "choose an output folder outside the inputs"
        )
    return f"no input files (--glob {glob})"
