"""The local process pool: run any module-level function over items in worker processes.

Workers ignore Ctrl-C (the parent handles it) and end with the parent, even
when it is killed. A worker that dies breaks the pool; the items in flight are
retried one at a time so that only the one that kills a worker on its own
fails. A worker stuck on one item past the hard limit (twice the time limit
plus a grace, for code the time limit's signal cannot interrupt) is killed,
which counts as dying. `check` and `export` use the pool as well as `batch`.
"""

from __future__ import annotations

import os
import sys
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from plancli.limits import DocumentTimeout

IN_FLIGHT_PER_WORKER = 2
MAX_ERROR_CHARS = 500
PARENT_POLL_SECONDS = 1.0
PR_SET_PDEATHSIG = 1
WORKER_DIED = "worker process died (crashed, or was stopped past the time limit) on this file"
HARD_LIMIT_GRACE = 30.0  # seconds past twice the time limit before a stuck worker is killed
WATCH_SECONDS = 1.0

T = TypeVar("T")
R = TypeVar("R")


def worker_count(jobs: int) -> int:
    """`jobs`, or with 0 the number of CPUs this process may run on."""
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def init_worker() -> None:
    """Leave Ctrl-C to the parent, die with the parent, and import the stages once, with
    what importing built exempt from the garbage collector (as `plancli extract` does)."""
    import signal

    from plancli.pipeline import settle_start_up

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    settle_start_up()


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


def error_text(exc: BaseException) -> str:
    """Why an item failed, on one line; the exception's type is named unless it is the user's."""
    from plancli.core import InputError

    plain = isinstance(exc, (InputError, DocumentTimeout)) or type(exc).__name__ == "UsageError"
    text = str(exc) if plain else f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())
    return text[:MAX_ERROR_CHARS]
