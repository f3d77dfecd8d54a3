"""Corpus checks for CI (plancli check)."""

from __future__ import annotations

from pathlib import Path


def run_check(
    paths: list[Path],
    *,
    fmt: str,
    strict: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    glob: str,
) -> int:
    """Check every input; return the process exit code (0 ok, 1 errors, 2 usage)."""
    raise NotImplementedError("plancli check is being built")
