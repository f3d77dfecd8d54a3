"""`plancli batch --scheduler`: convert documents on a Dask cluster.

Planning, skipping, the index and the exit code stay in `plancli.commands.batch`; this
module only runs `batch.convert` on the cluster's workers and streams the records
back as they finish, with at most a few tasks per worker thread submitted at a
time, so the client holds neither every future nor every result.

Each worker thread converts in a child process of its own (`serve_jobs`), where
the conversion runs in a main thread: there the per-document time limit
(SIGALRM) works as in the local pool, and the worker kills a child stuck past
twice the limit, or notices one that crashed, and records the document as
failed. A Dask worker that dies has its tasks retried on the others by the
scheduler. Inputs and the output folder must be visible to every worker at the
same paths (a shared filesystem); this is checked before the first task.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from plancli.commands.batch.conversion import (
    ExecutorError,
    Job,
    Runner,
    convert,
    current_stamp,
    failed_record,
)
from plancli.commands.batch.index import Record
from plancli.commands.batch.workers import (
    WORKER_DIED,
    error_text,
    hard_limit,
    init_worker,
)

EXTRA_HINT = "pip install 'plancli[dask]'"
SHARED_FS = (
    "inputs and the output folder must be on a filesystem the workers share, at the same paths"
)
TASKS_PER_THREAD = 2  # in flight per worker thread: one running, one queued behind it
MAX_JOBS_PER_TASK = 4  # a task converts a few documents, so its fixed cost is shared
TASKS_PER_THREAD_AT_LEAST = 4  # but enough tasks that every thread stays busy to the end
CONNECT_TIMEOUT = "20s"
WINDOW_REFRESH_SECONDS = 5.0
CHILD_COMMAND = [
    sys.executable,
    "-c",
    "from plancli.commands.cluster import serve_jobs; serve_jobs()",
]


class ClusterError(ExecutorError):
    """The cluster cannot be used (no extra, no scheduler, a worker that sees no input)."""


# --- which cluster ----------------------------------------------------------------


@dataclass(frozen=True)
class SchedulerSpec:
    """`local:N` (N worker processes here, 0 = one per core) or a scheduler address."""

    address: str | None
    local_workers: int = 0


def parse_scheduler(text: str) -> SchedulerSpec:
    """`local`, `local:N` or an address such as `tcp://10.0.0.5:8786`.

    >>> parse_scheduler("local:2")
    SchedulerSpec(address=None, local_workers=2)
    >>> parse_scheduler("tcp://10.0.0.5:8786").address
    'tcp://10.0.0.5:8786'
    """
    name, _, count = text.strip().partition(":")
    if name != "local":
        if not text.strip():
            raise ClusterError("--scheduler needs an address, local or local:N")
        return SchedulerSpec(text.strip())
    if not count:
        return SchedulerSpec(None, 0)
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--scheduler {text}: N in local:N must be a whole number ≥ 1")
    return SchedulerSpec(None, int(count))


def require_distributed() -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError(f"--scheduler needs Dask's distributed: {EXTRA_HINT}") from None


def cluster_opener(
    scheduler: str, paths: list[Path], outdir: Path
) -> Callable[[], AbstractContextManager[Runner]]:
    """Check the option now; connect only when there is something to convert."""
    spec = parse_scheduler(scheduler)
    require_distributed()
    roots = [str(path) for path in paths if path.exists()]  # a missing one fails as a record
    return lambda: open_cluster(spec, roots, str(outdir))


@contextmanager
def open_cluster(spec: SchedulerSpec, roots: list[str], outdir: str) -> Iterator[Runner]:
    """Connect (or start a LocalCluster), check the workers, and yield the runner."""
    with connect(spec) as client:
        check_workers(client, roots, outdir, os.getcwd())
        yield lambda todo: run_on_cluster(client, todo)


@contextmanager
def connect(spec: SchedulerSpec) -> Iterator[Any]:
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # errors come as one line
    if spec.address is None:
        with interrupts_left_to_this_process():
            cluster = LocalCluster(
                n_workers=spec.local_workers or local_cores(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(spec.address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {spec.address}: {exc}") from None
    with client:
        yield client


@contextmanager
def interrupts_left_to_this_process() -> Iterator[None]:
    """Start processes that ignore Ctrl-C, so the client alone handles it and stops them.

    An ignored signal stays ignored across exec, and Python then installs no
    handler of its own; a Ctrl-C pressed within this block is lost.
    """
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def local_cores() -> int:
    from plancli.commands.batch.workers import worker_count

    return worker_count(0)


# --- checking the workers ---------------------------------------------------------


def worker_view(roots: list[str], outdir: str, cwd: str) -> dict[str, Any]:
    """What one worker sees: the inputs it cannot find, and its plancli stamp."""
    missing = [root for root in roots if not os.path.exists(os.path.join(cwd, root))]
    target = os.path.join(cwd, outdir)
    if not (os.path.isdir(target) and os.access(target, os.W_OK)):
        missing.append(outdir)
    return {"missing": missing, "stamp": list(current_stamp())}


def check_workers(client: Any, roots: list[str], outdir: str, cwd: str) -> None:
    """Refuse to start when a worker cannot see an input or runs other rules."""
    if not client.scheduler_info().get("workers"):
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)  # a cluster still scaling up
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler has no workers ({CONNECT_TIMEOUT})") from None
    try:
        views = client.run(worker_view, roots, outdir, cwd)
    except Exception as exc:  # e.g. plancli not installed on a worker
        raise ClusterError(
            f"a worker cannot run plancli ({error_text(exc)}); install the same plancli on "
            "every worker"
        ) from None
    stamp = list(current_stamp())
    for address, view in sorted(views.items()):
        if view["missing"]:
            raise ClusterError(f"worker {address} cannot see {view['missing'][0]}: {SHARED_FS}")
        if view["stamp"] != stamp:
            version, rules = view["stamp"]
            raise ClusterError(
                f"worker {address} runs plancli {version} with rules {rules[:12]}, "
                f"this client plancli {stamp[0]} with rules {stamp[1][:12]}; install the same "
                "plancli and PLANCLI_RULES on the workers"
            )


# --- running the jobs -------------------------------------------------------------


def run_on_cluster(client: Any, jobs: list[Job]) -> Iterator[Record]:
    """Yield one record per job as the cluster finishes it, with a bounded window in flight.

    Ctrl-C (or the caller closing the generator) cancels every task still queued.
    """
    from distributed import as_completed

    cwd = os.getcwd()
    size = jobs_per_task(len(jobs), sum(client.nthreads().values()))
    todo = iter([jobs[start : start + size] for start in range(0, len(jobs), size)])
    in_flight: dict[Any, list[Job]] = {}
    window, refreshed = task_window(client), time.monotonic()

    def submit_more() -> list[Any]:
        added = []
        while len(in_flight) < window and (chunk := next(todo, None)) is not None:
            future = client.submit(convert_in_child, chunk, cwd, pure=False)
            in_flight[future] = chunk
            added.append(future)
        return added

    finished = as_completed(submit_more())
    try:
        for future in finished:
            chunk = in_flight.pop(future)
            yield from task_records(future, chunk)
            future.release()
            if time.monotonic() - refreshed > WINDOW_REFRESH_SECONDS:
                window, refreshed = task_window(client), time.monotonic()
            finished.update(submit_more())
    finally:
        if in_flight:
            client.cancel(list(in_flight))


def jobs_per_task(jobs: int, threads: int) -> int:
    """How many documents one task converts: up to `MAX_JOBS_PER_TASK`, while every worker
    thread still gets `TASKS_PER_THREAD_AT_LEAST` tasks."""
    return max(1, min(MAX_JOBS_PER_TASK, jobs // (max(1, threads) * TASKS_PER_THREAD_AT_LEAST)))


def task_window(client: Any) -> int:
    threads = sum(client.nthreads().values())
    return max(1, threads) * TASKS_PER_THREAD


def task_records(future: Any, chunk: list[Job]) -> list[Record]:
    """The records a task returned; a task that could not run fails each of its jobs."""
    from concurrent.futures import CancelledError

    try:
        return future.result()  # type: ignore[no-any-return]
    except CancelledError as exc:  # not by plancli: the scheduler is gone or dropped the task
        raise ClusterError(
            f"the Dask cluster dropped the run ({error_text(exc)}); "
            "run the same command again to resume"
        ) from None
    except Exception as exc:  # KilledWorker: the scheduler gave up after several dead workers
        return [failed_record(job, error_text(exc)) for job in chunk]


# --- on the worker: one child process per worker thread ---------------------------


_children = threading.local()


def convert_in_child(chunk: list[Job], cwd: str) -> list[Record]:
    """The Dask task: convert a few jobs, one by one, in this worker thread's own child
    process (each within its own time limit)."""
    child = getattr(_children, "child", None)
    if child is None:
        child = _children.child = Child()
    return [child.convert(job, cwd) for job in chunk]


class Child:
    """A process that converts one job at a time, sent as JSON lines over a pipe."""

    def __init__(self, command: list[str] | None = None, limit: float | None = None) -> None:
        self.command = command or CHILD_COMMAND
        self.limit = limit
        self.process: subprocess.Popen[bytes] | None = None

    def convert(self, job: Job, cwd: str) -> Record:
        """The job's record; a child that crashes or outlives the hard limit fails the job."""
        process = self.running()
        request = json.dumps({"job": asdict(job), "cwd": cwd}, ensure_ascii=False) + "\n"
        limit = self.limit if self.limit is not None else hard_limit(job.timeout)
        try:
            assert process.stdin is not None
            process.stdin.write(request.encode("utf-8"))
            process.stdin.flush()
            line = read_line(process, limit)
        except OSError:
            line = None
        if line is None:
            self.stop()
            return failed_record(job, WORKER_DIED)
        return json.loads(line)  # type: ignore[no-any-return]

    def running(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
            )
        return self.process

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def read_line(process: subprocess.Popen[bytes], limit: float | None) -> bytes | None:
    """One line from the child, or None when it closes its end or `limit` seconds pass."""
    assert process.stdout is not None
    deadline = time.monotonic() + limit if limit else None
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            if not selector.select(left):
                continue
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                return None
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)


def serve_jobs() -> None:
    """The child's loop: read a job, convert it in this main thread, write its record.

    The records go out on a private copy of stdout; anything the stages print
    goes to stderr, so it cannot corrupt the answer.
    """
    init_worker()
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    for line in sys.stdin.buffer:
        request = json.loads(line)
        if os.path.isdir(request["cwd"]):
            os.chdir(request["cwd"])
        fields = request["job"]
        job = Job(**{**fields, "stamp": tuple(fields["stamp"])})
        record = convert(job)
        answers.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
