"""Human views for the terminal (rich). Imported only by the commands that print them."""

from __future__ import annotations

import json
from dataclasses import asdict

from plancli.core import Decoded, Normalized


def report_dict(decoded: Decoded, normalized: Normalized) -> dict:
    """The `normalization` object of the contract, plus the detected encoding."""
    return {"encoding": decoded.encoding, **asdict(normalized.report)}


def report_json(decoded: Decoded, normalized: Normalized) -> str:
    return json.dumps(report_dict(decoded, normalized), ensure_ascii=False, indent=2) + "\n"


def print_report(decoded: Decoded, normalized: Normalized) -> None:
    from rich.console import Console
    from rich.table import Table

    report = normalized.report
    console = Console()
    console.print(
        f"encoding [bold]{decoded.encoding}[/]  script [bold]{report.script}[/]  "
        f"converted {report.converted_chars} chars  glosses removed {report.annotations_removed}"
    )
    table = Table("line", "what", "rule / kind", "text", title="changes", expand=True)
    for removal in report.boilerplate_removed:
        table.add_row(str(removal.line), "removed", removal.rule, removal.text)
    for repair in report.repairs:
        change = f"{repair.before} → {repair.after}"
        table.add_row(str(repair.line), "repaired", repair.kind, change)
    for span in report.suspect_spans:
        hint = f" (maybe {span.candidate})" if span.candidate else ""
        table.add_row(str(span.line), "suspect", "garbled", span.text + hint)
    console.print(table)
