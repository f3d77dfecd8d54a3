"""Time limits on one document's processing, for every command that runs many of them.

A foundation module (no command or stage imports): `batch` and `check` bound
each document with it, and the rule checks bound a user's regular expression.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_TIMEOUT = 60.0  # seconds one document may take in batch and check


class DocumentTimeout(Exception):
    """One document took longer than its time budget."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in the block after `seconds` (no limit for None or 0).

    SIGALRM interrupts Python code and the regular-expression engine alike; it can
    only be used in the main thread, so elsewhere the block runs unlimited.
    """
    import signal
    import threading

    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise DocumentTimeout(f"took longer than {seconds:g} s (the --timeout limit)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
