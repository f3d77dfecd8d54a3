"""Where the inputs come from and which of them can be skipped.

Discovery expands the files and folders named on the command line into
`Input`s with unique names in the mirrored output tree (`output_name` gives
each its output file); `is_unchanged` decides from the previous index record
whether an input's output is still current (same bytes, version, rules and
format, and the output still there).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from plancli.commands.batch.conversion import Job
from plancli.commands.batch.index import Record

EXTENSIONS = {"yaml": ".yaml", "json": ".json"}


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
