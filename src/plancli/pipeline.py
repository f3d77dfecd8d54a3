"""The whole pipeline: read → normalize → segment → extract → Document."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar

from plancli import __version__
from plancli.core import Decoded, Diagnostic, InputError, Normalized

if TYPE_CHECKING:  # the records (and pathlib) only when a document is built
    from pathlib import Path

    from plancli.models import Document, Extraction, Outline

__all__ = ["InputError", "process_bytes", "process_file"]

MAX_BYTES = 64 * 1024 * 1024
READ_CHUNK = 1 << 20
# A run of identical repairs on consecutive lines longer than this (200,000 lines of `|`)
# is listed by its first repair and one diagnostic, so the output stays small.
MAX_REPEATED_REPAIRS = 50


def read_input(path: str | Path) -> bytes:
    """Read a file (or stdin for "-") and turn OS errors into one-line InputErrors.

    Pipes, devices and stdin are read in chunks and refused as soon as they pass
    MAX_BYTES, like a regular file whose size says so up front.
    """
    if str(path) == "-":
        import sys

        return read_limited(sys.stdin.buffer, "-")
    target = os.fspath(path)
    try:
        if os.path.isdir(target):
            raise InputError(f"{target}: is a directory")
        if os.stat(target).st_size > MAX_BYTES:
            raise InputError(f"{target}: {too_large()}")
        with open(target, "rb") as handle:
            return read_limited(handle, target)
    except FileNotFoundError:
        raise InputError(f"{target}: no such file") from None
    except PermissionError:
        raise InputError(f"{target}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{target}: {exc.strerror or exc}") from None


def too_large() -> str:
    return f"larger than {MAX_BYTES // 2**20} MiB"


def read_limited(stream: BinaryIO, name: str) -> bytes:
    """All of `stream`, or an InputError as soon as it passes MAX_BYTES."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise InputError(f"{name}: {too_large()}")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_input(data: bytes, path: str | Path) -> Decoded:
    from plancli.stages.read import NotText, decode

    try:
        return decode(data)
    except NotText as exc:
        raise InputError(f"{path}: {exc}") from None


def normalize_file(
    path: str | Path, *, find_garbled: bool = True
) -> tuple[bytes, Decoded, Normalized]:
    from plancli.stages.normalize import normalize

    data = read_input(path)
    decoded = decode_input(data, path)
    return data, decoded, normalize(decoded.text, find_garbled=find_garbled)


def outline_file(path: str | Path) -> tuple[Normalized, Outline]:
    from plancli.stages.segment import segment

    normalized = normalize_file(path)[2]
    return normalized, segment(normalized)


def settle_start_up() -> None:
    """Load every stage with the cyclic garbage collector paused, then exempt what loading
    built (modules, models, compiled rules) from it.

    For a command-line process only: loading makes few cycles worth collecting, and full
    collections would otherwise walk that whole graph again and again while a document is
    read (a tenth of `plancli extract` on a damaged notice). Objects that exist at the first
    call are never collected afterwards; later calls change nothing.
    """
    import gc

    if gc.get_freeze_count():
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        import plancli.models
        import plancli.stages.extract
        import plancli.stages.normalize
        import plancli.stages.segment  # noqa: F401
    finally:
        if was_enabled:
            gc.enable()
    gc.freeze()


def process_bytes(data: bytes, path: str | Path = "-") -> Document:
    """The document read from `data`, with the cyclic garbage collector paused meanwhile.

    Reading a document builds many small objects and no reference cycles worth collecting,
    so a running collector would only walk the young objects again and again (a few percent
    of the time). It resumes afterwards, and collects then whatever cycles there were.
    """
    import gc

    from plancli.stages.extract import extract
    from plancli.stages.normalize import normalize
    from plancli.stages.segment import segment

    paused = gc.isenabled()
    gc.disable()
    try:
        decoded = decode_input(data, path)
        normalized = normalize(decoded.text)
        outline = segment(normalized)
        extraction = extract(outline)
        return build_document(data, path, decoded, normalized, outline, extraction)
    finally:
        if paused:
            gc.enable()


def process_file(path: str | Path) -> Document:
    return process_bytes(read_input(path), path)


def build_document(
    data: bytes,
    path: str | Path,
    decoded: Decoded,
    normalized: Normalized,
    outline: Outline,
    extraction: Extraction,
) -> Document:
    from plancli.models import Document, Normalization, Source

    source = Source(
        path=str(path),
        sha256=sha256_hex(data),
        bytes=len(data),
        encoding=decoded.encoding,
    )
    report = normalized.report
    repairs, merged = merge_repeated_repairs(
        sorted([*report.repairs, *outline.repairs], key=lambda repair: repair.line)
    )
    diagnostics = [
        *decoded.diagnostics,
        *normalized.diagnostics,
        *outline.diagnostics,
        *extraction.diagnostics,
        *merged,
    ]
    normalization = Normalization(
        script=report.script,
        converted_chars=report.converted_chars,
        annotations_removed=report.annotations_removed,
        boilerplate_removed=report.boilerplate_removed,
        repairs=repairs,
        suspect_spans=report.suspect_spans,
    )
    return Document(
        plancli_version=__version__,
        source=source,
        meta=outline.meta,
        normalization=normalization,
        sections=outline.sections,
        goals=extraction.goals,
        tasks=extraction.tasks,
        columns=extraction.columns,
        tables=outline.tables,
        targets=extraction.targets,
        units=extraction.units,
        diagnostics=sorted(diagnostics, key=lambda d: (d.line or 0, d.code)),
    )


OPENSSL_AFTER_BYTES = 1 << 20  # past this much hashed, loading OpenSSL has paid for itself
hashed_bytes = 0  # by this process


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` in hex. For a process's first MB, CPython's own SHA-256 module:
    `hashlib` loads OpenSSL first, which costs a short notice's `extract` more than its
    hashing; past that (a batch worker, a long document) OpenSSL's, five times as fast."""
    global hashed_bytes
    hashed_bytes += len(data)
    if hashed_bytes > OPENSSL_AFTER_BYTES:
        from hashlib import sha256
    else:
        try:
            from _sha2 import sha256  # Python >= 3.12
        except ImportError:
            try:
                from _sha256 import sha256  # Python 3.10, 3.11
            except ImportError:
                from hashlib import sha256
    return sha256(data).hexdigest()


RepairLike = TypeVar("RepairLike", bound="RepairFields")


class RepairFields(Protocol):
    line: int
    kind: str
    before: str
    after: str


def merge_repeated_repairs(
    repairs: list[RepairLike],
) -> tuple[list[RepairLike], list[Diagnostic]]:
    """`repairs` (sorted by line) with every run of more than MAX_REPEATED_REPAIRS identical
    repairs on consecutive lines cut to its first, and a `repairs-merged` diagnostic for each
    run cut."""
    kept: list[RepairLike] = []
    diagnostics: list[Diagnostic] = []
    start = 0
    while start < len(repairs):
        end = repeated_run_end(repairs, start)
        if end - start > MAX_REPEATED_REPAIRS:
            kept.append(repairs[start])
            diagnostics.append(merged_diagnostic(repairs[start], repairs[end - 1].line))
        else:
            kept.extend(repairs[start:end])
        start = end
    return kept, diagnostics


def repeated_run_end(repairs: list[RepairLike], start: int) -> int:
    """The end of the run of repairs identical to repairs[start] on consecutive lines."""
    first, end = repairs[start], start + 1
    while end < len(repairs):
        repair = repairs[end]
        if repair.line != repairs[end - 1].line + 1 or (
            repair.kind,
            repair.before,
            repair.after,
        ) != (first.kind, first.before, first.after):
            break
        end += 1
    return end


def merged_diagnostic(first: RepairFields, last_line: int) -> Diagnostic:
    count = last_line - first.line
    return Diagnostic(
        "info",
        "repairs-merged",
        first.line,
        f"{count} more {first.kind} repairs identical to the one on this line "
        f"(lines {first.line + 1}-{last_line}) are not listed",
    )
