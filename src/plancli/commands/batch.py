"""Batch conversion of many documents (plancli batch).

The parent process discovers the inputs, decides what is unchanged, keeps the
index and shows progress; the conversion itself (pydantic and every stage) runs
in worker processes, which import the heavy modules. An executor (a `Runner`:
the local process pool here, a Dask cluster in `plancli.commands.cluster`) only converts
jobs and yields their records as they finish; everything else is shared.

`OUTDIR/index.jsonl` holds one JSON object per input, from this run or an
earlier one. While a run goes on, each finished record is appended with a single
write, so an interrupted or killed run keeps every record it finished; loading
keeps the last record per input and drops a torn line; the start and the end of
a run rewrite the index atomically, merged with what is on disk, one line per
input. Every change holds a lock on `index.jsonl.lock`, so runs into one folder
at the same time keep each other's records. Each document has a time limit
(SIGALRM in the worker, and the parent kills a worker stuck past twice that),
and workers end with the parent. An input is skipped when its sha256, the plancli version,
the rules fingerprint and the output format are those of its record and its
output is still there (a failure is not retried either; it still fails the run).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from plancli.commands.terminal import print_error, printable
from plancli.limits import DEFAULT_TIMEOUT, DocumentTimeout, time_limit

INDEX_NAME = "index.jsonl"
EXTENSIONS = {"yaml": ".yaml", "json": ".json"}
IN_FLIGHT_PER_WORKER = 2
MAX_ERROR_CHARS = 500
PARENT_POLL_SECONDS = 1.0
PR_SET_PDEATHSIG = 1
WORKER_DIED = "worker process died (crashed, or was stopped past the time limit) on this file"
HARD_LIMIT_GRACE = 30.0  # seconds past twice the time limit before a stuck worker is killed
WATCH_SECONDS = 1.0

Record = dict[str, Any]
T = TypeVar("T")
R = TypeVar("R")


# --- discovering inputs -----------------------------------------------------------


@dataclass(frozen=True)
class Input:
    """A file to convert and its name in the mirrored output tree (`sub/a.txt`)."""

    path: Path
    rel: str


def discover_inputs(paths: Iterable[Path], glob: str, exclude: Path | None = None) -> list[Input]:
    """Expand folders recursively; files named directly are taken whatever their name.

    With one folder argument the tree is mirrored relative to it; with several
    arguments each folder keeps its own name as the first part. Hidden files and
    folders, and anything inside `exclude` (the output folder), are left out. Two
    inputs that would share an output name get `~2`, `~3` … before the suffix.
    """
    roots = list(paths)
    excluded = exclude.resolve() if exclude is not None else None
    found: list[Input] = []
    seen: set[Path] = set()
    names: set[str] = set()
    for root in roots:
        prefix = folder_prefix(root) if len(roots) > 1 else ""
        for path, rel in files_under(root, glob):
            resolved = path.resolve()
            if resolved in seen or (excluded and resolved.is_relative_to(excluded)):
                continue
            seen.add(resolved)
            found.append(Input(path, unique_name(f"{prefix}{rel}", names)))
    return found


def unique_name(rel: str, taken: set[str]) -> str:
    """`rel`, or `rel` with `~N` added when its output name (suffix aside) is taken."""
    path, name, number = Path(rel), rel, 1
    while Path(name).with_suffix("").as_posix() in taken:
        number += 1
        name = path.with_name(f"{path.stem}~{number}{path.suffix}").as_posix()
    taken.add(Path(name).with_suffix("").as_posix())
    return name


def folder_prefix(root: Path) -> str:
    return f"{root.resolve().name}/" if root.is_dir() else ""


def files_under(root: Path, glob: str) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        yield root, root.name
        return
    for path in sorted(root.rglob(glob)):
        rel = path.relative_to(root)
        is_file = path.is_file() or path.is_symlink()  # a dangling link is a failed input
        if is_file and not any(part.startswith(".") for part in rel.parts):
            yield path, rel.as_posix()


def output_name(rel: str, fmt: str) -> str:
    """`sub/a.txt` → `sub/a.yaml`."""
    return Path(rel).with_suffix(EXTENSIONS[fmt]).as_posix()


# --- the unit of work -------------------------------------------------------------


@dataclass(frozen=True)
class Job:
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


def init_worker() -> None:
    """Leave Ctrl-C to the parent, die with the parent, and import the stages once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def die_with_parent() -> None:
    """End this worker when the parent process ends, even by `kill -9`.

    On Linux the kernel sends SIGKILL (PR_SET_PDEATHSIG); elsewhere, and as a
    second guard, a daemon thread notices that the parent has changed.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the guard was set
        os._exit(1)
    import threading

    threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()


def watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


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


def error_text(exc: BaseException) -> str:
    from plancli.core import InputError

    plain = isinstance(exc, (InputError, DocumentTimeout)) or type(exc).__name__ == "UsageError"
    text = str(exc) if plain else f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text[:MAX_ERROR_CHARS]


def failed_record(job: Job, error: str) -> Record:
    record = job.record()
    record.update(status="failed", result="failed", output=None, error=error)
    return record


# --- running jobs in worker processes ---------------------------------------------


def run_jobs(jobs: list[Job], workers: int, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Record]:
    """Convert every job in worker processes; one record per job, in completion order."""
    return run_in_workers(jobs, workers, convert, failed_record, hard_limit(timeout))


def hard_limit(timeout: float | None) -> float | None:
    """How long a worker may run one item before it is killed: the backstop for code
    that the time limit's signal cannot interrupt (a C extension that never returns)."""
    return 2 * timeout + HARD_LIMIT_GRACE if timeout else None


def run_in_workers(
    items: list[T],
    workers: int,
    work: Callable[[T], R],
    failed: Callable[[T, str], R],
    limit_seconds: float | None = None,
) -> Iterator[R]:
    """Yield `work(item)` for every item, in completion order, from worker processes.

    `work` must be a module-level function that turns its own errors into results.
    A worker that dies (a crash, the OOM killer) breaks the pool. The items that
    were in flight are then retried one at a time, so that only an item that
    kills a worker on its own gets `failed(item, WORKER_DIED)`; the rest go on in
    a new pool. A worker busy with one item for more than `limit_seconds` is
    killed, which counts as dying.
    """
    queue = items
    while queue:
        limit = workers * IN_FLIGHT_PER_WORKER
        suspects, queue = yield from drain(queue, workers, limit, work, failed, limit_seconds)
        for item in suspects:
            still_dying, _ = yield from drain([item], 1, 1, work, failed, limit_seconds)
            if still_dying:
                yield failed(item, WORKER_DIED)


def drain(
    items: list[T],
    workers: int,
    limit: int,
    work: Callable[[T], R],
    failed: Callable[[T, str], R],
    limit_seconds: float | None = None,
) -> Generator[R, None, tuple[list[T], list[T]]]:
    """Run items in one pool, at most `limit` in flight.

    Returns (items in flight when the pool broke, items never sent); both are
    empty when every item finished.
    """
    todo = deque(items)
    in_flight: dict[Future[R], T] = {}
    started: dict[Future[R], float] = {}
    executor = ProcessPoolExecutor(max_workers=workers, initializer=init_worker)
    try:
        while todo or in_flight:
            while todo and len(in_flight) < limit:
                item = todo.popleft()
                try:
                    in_flight[executor.submit(work, item)] = item
                except BrokenProcessPool:
                    todo.appendleft(item)
                    return list(in_flight.values()), list(todo)
            watch = WATCH_SECONDS if limit_seconds else None
            done, _ = wait(in_flight, timeout=watch, return_when=FIRST_COMPLETED)
            if limit_seconds and overdue(in_flight, started, limit_seconds):
                kill_workers(executor)  # the pool breaks: see run_in_workers
            for future in done:
                item = in_flight[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    return list(in_flight.values()), list(todo)
                except Exception as exc:  # e.g. a result that could not be sent back
                    result = failed(item, error_text(exc))
                del in_flight[future]
                yield result
        return [], []
    except KeyboardInterrupt:
        executor.shutdown(wait=True, cancel_futures=True)
        yield from finished_results(in_flight)
        raise
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def overdue(in_flight: dict[Future[R], T], started: dict[Future[R], float], limit: float) -> bool:
    """True when an item has been running for more than `limit` seconds."""
    now = time.monotonic()
    for future in in_flight:
        if future.running():
            started.setdefault(future, now)
    return any(now - started[future] > limit for future in in_flight if future in started)


def kill_workers(executor: ProcessPoolExecutor) -> None:
    processes = getattr(executor, "_processes", None) or {}  # no public way to reach them
    for process in list(processes.values()):
        process.kill()


def finished_results(in_flight: dict[Future[R], T]) -> Iterator[R]:
    for future in in_flight:
        if future.done() and not future.cancelled() and future.exception() is None:
            yield future.result()


# --- the index --------------------------------------------------------------------


class Index:
    """`index.jsonl`: one record per output in the folder, whichever run wrote it.

    Every change holds an exclusive lock on `index.jsonl.lock`, so concurrent
    runs into one folder neither lose each other's appends nor rewrite over them:
    a rewrite reloads the file under the lock and merges its records in.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")

    def load(self) -> dict[str, Record]:
        """The last complete record per input; a torn or foreign line is ignored."""
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return {}
        records: dict[str, Record] = {}
        for line in text.split("\n"):  # not splitlines: U+2028 may sit inside a record
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("rel"), str):
                records[record["rel"]] = record
        return records

    @contextmanager
    def locked(self) -> Iterator[None]:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            lock_file(fd)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def merge(self, records: Iterable[Record]) -> None:
        """Rewrite the index atomically: what is on disk now, updated with `records`."""
        from plancli.stages.emit import write_atomic

        with self.locked():
            merged = self.load()
            merged.update((record["rel"], record) for record in records)
            write_atomic(self.path, "".join(index_line(record) for record in merged.values()))

    def append(self, record: Record) -> None:
        with self.locked():
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                os.write(fd, index_line(record).encode("utf-8"))
            finally:
                os.close(fd)


def lock_file(fd: int) -> None:
    """Block until this process holds the exclusive lock (a no-op where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: one run per folder
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def index_line(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


# --- deciding what to skip --------------------------------------------------------


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def is_unchanged(previous: Record | None, job: Job) -> bool:
    """Same bytes, version, rules and format as last time, and the output still there."""
    if previous is None or previous.get("result") not in ("ok", "failed"):
        return False
    version, rules = job.stamp
    same = (
        previous.get("plancli_version") == version
        and previous.get("rules") == rules
        and previous.get("format") == job.fmt
        and previous.get("sha256") is not None
    )
    if not same:
        return False
    if previous["result"] == "ok" and not (Path(job.outdir) / job.output).is_file():
        return False
    return previous["sha256"] == file_sha256(Path(job.path))


def skipped_record(previous: Record, job: Job) -> Record:
    return {**previous, "path": job.path, "status": "skipped", "seconds": 0.0}


# --- progress and summary ---------------------------------------------------------


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


# --- the command ------------------------------------------------------------------


def worker_count(jobs: int) -> int:
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def current_stamp() -> tuple[str, str]:
    from plancli import __version__
    from plancli.rules import check_all, fingerprint

    check_all()  # a bad PLANCLI_RULES file stops the run once, not every document
    return __version__, fingerprint()


def plan_jobs(
    inputs: list[Input], outdir: Path, fmt: str, timeout: float = DEFAULT_TIMEOUT
) -> list[Job]:
    stamp = current_stamp()
    return [
        Job(str(item.path), item.rel, output_name(item.rel, fmt), str(outdir), fmt, stamp, timeout)
        for item in inputs
    ]


Runner = Callable[[list[Job]], Iterator[Record]]
"""Converts jobs somewhere (worker processes, a cluster) and yields one record per job
as each finishes; it writes the outputs but never the index."""


class ExecutorError(Exception):
    """The executor could not start or reach its workers (one line, for the user)."""


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
    previous = index.load()
    tally = Tally()
    skipped: list[Record] = []
    todo: list[Job] = []
    for job in plan_jobs(inputs, outdir, fmt, timeout):
        before = previous.get(job.rel)
        if not force and is_unchanged(before, job):
            skipped.append(skipped_record(before, job))  # type: ignore[arg-type]
            tally.add(skipped[-1])
        else:
            todo.append(job)
    del previous
    index.merge(skipped)
    del skipped
    try:
        with (
            open_runner() if todo else nullcontext(no_jobs) as run,
            make_progress(len(todo)) as progress,
        ):
            for record in run(todo):
                tally.add(record)
                index.append(record)
                progress.advance(record)
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
