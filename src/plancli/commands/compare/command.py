"""The `plancli compare` command: read the documents, compare, print or write."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from plancli.commands.output import emit_text
from plancli.core import UsageError

ORDERS = ("order", "date")


def run_compare(
    files: Sequence[Path], by: str = "order", fmt: str = "table", output: Path | None = None
) -> None:
    from plancli.commands.compare import compare_documents, in_date_order
    from plancli.commands.compare.render import FORMATS, print_comparison, render
    from plancli.pipeline import process_file

    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if by not in ORDERS:
        raise UsageError(f"unknown order {by!r}; choose order or date")
    if len(files) < 2:
        raise UsageError("compare needs at least two documents")
    documents = [process_file(path) for path in files]
    comparison = compare_documents(in_date_order(documents) if by == "date" else documents)
    if fmt == "table" and output is None:
        from plancli.commands.views import console

        print_comparison(comparison, console())
        return
    emit_text(render(comparison, fmt), output)
