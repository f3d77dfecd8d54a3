"""Files kept between runs in the cache folder (`plancli.rules.cache_dir`): compiled pattern
code, facts read from rule patterns, the hanzi OpenCC changes.

A kept file is a marshalled (tag, CRC-32, payload) triple. It is trusted only whole: its
tag and checksum must match, and it must be the current user's own, writable by nobody else,
since what it holds is run (pattern code) or becomes a pattern. It is written through a
temporary file and a rename, so a reader never sees half of it, and a folder that cannot be
written never stops the tool.
"""

from __future__ import annotations

import contextlib
import os
import zlib
from typing import Any


def private(status: os.stat_result) -> bool:
    """A file the current user owns and nobody else may write (always, where there are no
    owners to ask about)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def read_kept(path: str | None, tag: str) -> Any | None:
    """What the kept file at `path` holds, or None if it is missing, damaged, of another tag
    or not the user's own."""
    import marshal

    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            if not private(os.fstat(handle.fileno())):
                return None
            kept_tag, checksum, payload = marshal.loads(handle.read())
        if kept_tag != tag or checksum != zlib.crc32(payload):
            return None
        return marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write_kept(path: str, tag: str, value: Any) -> None:
    """Keep `value` (of the types `marshal` writes) at `path`; errors are ignored."""
    import marshal
    import tempfile

    try:
        payload = marshal.dumps(value)
        data = marshal.dumps((tag, zlib.crc32(payload), payload))
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except (OSError, ValueError):
        return  # a read-only cache folder never stops the tool
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(tmp)
