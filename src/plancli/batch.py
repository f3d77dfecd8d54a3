"""Batch conversion of many documents (plancli batch)."""

from __future__ import annotations

from pathlib import Path


def run_batch(
    paths: list[Path], outdir: Path, *, fmt: str, jobs: int, glob: str, force: bool
) -> int:
    """Convert every input; return the process exit code."""
    raise NotImplementedError("plancli batch is being built")
