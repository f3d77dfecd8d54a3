"""`index.jsonl`: the record of every input converted into one output folder.

Each finished record is appended with a single write, so an interrupted or
killed run keeps every record it finished; loading keeps the last record per
input and drops a torn line; a merge rewrites the index atomically, one line
per input, with what is on disk. Every change holds a lock on
`index.jsonl.lock`, so runs into one folder at the same time keep each
other's records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

INDEX_NAME = "index.jsonl"

Record = dict[str, Any]
"""One input's line in the index (the fields are those of `Job.record`)."""


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
        """Add one record; a line torn by a crash is ended first, so this one stays whole."""
        with self.locked():
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
            try:
                data = index_line(record).encode("utf-8")
                write_all(fd, b"\n" + data if ends_torn(fd) else data)
            finally:
                os.close(fd)


def ends_torn(fd: int) -> bool:
    """Whether the file's last byte is not a line end (a record cut off mid-write)."""
    size = os.fstat(fd).st_size
    return size > 0 and os.pread(fd, 1, size - 1) != b"\n"


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def lock_file(fd: int) -> None:
    """Block until this process holds the exclusive lock (a no-op where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # Windows: one run per folder
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def index_line(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
