"""Human views for the terminal (rich). Imported only by the commands that print them."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from plancli.commands.output import csv_text, json_text
from plancli.commands.terminal import print_error
from plancli.commands.theme import console, plain
from plancli.core import Decoded, Normalized
from plancli.text import plural

if TYPE_CHECKING:
    from rich.tree import Tree

    from plancli.models import Document, Section

ROLE_MARK = {"lead": "L", "responsible": "R", "support": "S"}


# --- normalize --report -----------------------------------------------------------


def report_dict(decoded: Decoded, normalized: Normalized) -> dict:
    """The `normalization` object of the contract, plus the detected encoding."""
    return {"encoding": decoded.encoding, **normalized.report.as_dict()}


def report_json(decoded: Decoded, normalized: Normalized) -> str:
    return json_text(report_dict(decoded, normalized))


def print_report(decoded: Decoded, normalized: Normalized) -> None:
    from rich.table import Table

    report = normalized.report
    out = console()
    out.print(
        plain(
            "encoding ",
            (decoded.encoding, "value"),
            "  script ",
            (report.script, "value"),
            f"  converted {report.converted_chars} chars  "
            f"glosses removed {report.annotations_removed}",
        )
    )
    table = Table("line", "what", "rule / kind", "text", title="changes", expand=True)
    for removal in report.boilerplate_removed:
        what = plain(("removed", "removed"))
        table.add_row(str(removal.line), what, plain(removal.rule), plain(removal.text))
    for repair in report.repairs:
        change = plain(f"{repair.before} → {repair.after}")
        table.add_row(str(repair.line), plain(("repaired", "repaired")), plain(repair.kind), change)
    for span in report.suspect_spans:
        hint = f" (maybe {span.candidate})" if span.candidate else ""
        what = plain(("suspect", "suspect"))
        table.add_row(str(span.line), what, "garbled", plain(span.text + hint))
    out.print(table)


# --- outline ----------------------------------------------------------------------


def title_paths(
    sections: list[Section], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[Section, tuple[str, ...]]]:
    for section in sections:
        path = (*prefix, section.title)
        yield section, path
        yield from title_paths(section.children, path)


def counts_by_section(document: Document) -> dict[str, tuple[int, int]]:
    """Section id → (tasks, targets) found under it, including its subsections and boxes."""
    counts: dict[str, tuple[int, int]] = {}
    for section, path in title_paths(document.sections):
        if section.kind == "column":
            boxed = [t for t in document.tasks if t.column == section.id]
            targets = sum(1 for task in boxed for t in task.targets if t.kind == "target")
            counts[section.id] = (len(boxed), targets)
            continue
        depth = len(path)
        tasks = sum(1 for t in document.tasks if tuple(t.section_path[:depth]) == path)
        targets = sum(
            1
            for t in document.targets
            if t.kind == "target" and tuple(t.section_path[:depth]) == path
        )
        counts[section.id] = (tasks, targets)
    return counts


def outline_tree(document: Document) -> Tree:
    from rich.tree import Tree

    title = document.meta.title or document.source.path
    targets = sum(t.kind == "target" for t in document.targets)
    counted = f"{plural(len(document.tasks), 'task')}, {plural(targets, 'target')}"
    tree = Tree(plain((title, "title"), "  ", (counted, "note")))
    counts = counts_by_section(document)

    def add(branch: Tree, sections: list[Section]) -> None:
        for section in sections:
            tasks, targets = counts[section.id]
            marker = f"{section.marker} " if section.marker else ""
            where = f"L{section.line}"
            if tasks or targets:
                where += f" · {plural(tasks, 'task')} · {plural(targets, 'target')}"
            label = plain((marker, "marker"), section.title, "  ", (where, "note"))
            add(branch.add(label), section.children)

    add(tree, document.sections)
    return tree


def print_outline(file: Path) -> None:
    from plancli.pipeline import process_file

    console().print(outline_tree(process_file(file)))


# --- tables -----------------------------------------------------------------------


def print_tables(file: Path, csv_dir: Path | None) -> None:
    from rich.table import Table

    from plancli.pipeline import process_file
    from plancli.stages.emit import OutputError, refuse_overwriting_inputs, write_atomic

    if csv_dir is not None and csv_dir.exists() and not csv_dir.is_dir():
        raise OutputError(f"{csv_dir}: not a directory (--csv names the folder for the CSV files)")
    document = process_file(file)
    out = console()
    if not document.tables:
        out.print("no tables found", markup=False)
    for table in document.tables:
        if csv_dir is not None:
            target = csv_dir / f"{Path(str(file)).stem}-{table.id}.csv"
            refuse_overwriting_inputs(target, [file])
            write_atomic(target, csv_text([table.header, *table.rows]))
            out.print(plain(f"wrote {target} ({len(table.rows)} rows)"))
            continue
        view = Table(
            *(plain(cell) for cell in table.header),
            title=plain(table.caption or table.id, "  ", (f"L{table.line}", "note")),
            show_lines=True,
        )
        for row in table.rows:
            view.add_row(*(plain(cell) for cell in row))
        out.print(view)


# --- units ------------------------------------------------------------------------


def unit_matrix(documents: list[Document]) -> dict[str, dict[str, str]]:
    """Unit name → {task label: role marks}; task labels are `file#task` for several files."""
    matrix: dict[str, dict[str, str]] = defaultdict(dict)
    for document in documents:
        prefix = f"{Path(document.source.path).stem}#" if len(documents) > 1 else ""
        for task in document.tasks:
            label = prefix + task.id
            for unit in task.units:
                marks = matrix[unit.name].get(label, "")
                mark = ROLE_MARK[unit.role]
                matrix[unit.name][label] = marks if mark in marks else marks + mark
    return matrix


def read_documents(files: list[Path]) -> tuple[list[Document], int]:
    """Process several files; a bad one is reported on stderr and skipped, not fatal."""
    from plancli.core import InputError
    from plancli.pipeline import process_file

    documents: list[Document] = []
    failed = 0
    for path in files:
        try:
            documents.append(process_file(path))
        except InputError as exc:
            print_error(f"{exc} (skipped)", level="warning")
            failed += 1
    return documents, failed


def print_units(paths: list[Path], fmt: str) -> int:
    """Print the responsibility matrix; return the exit code (1 when a file was skipped)."""
    from plancli.commands.batch import discover_inputs
    from plancli.core import UsageError

    files = [item.path for item in discover_inputs(paths, "*.txt")]
    if not files:
        raise UsageError("no input files (*.txt)")
    documents, failed = read_documents(files)
    matrix = unit_matrix(documents)
    labels = [
        (f"{Path(d.source.path).stem}#" if len(documents) > 1 else "") + t.id
        for d in documents
        for t in d.tasks
    ]
    if fmt == "csv":
        rows = [
            [name, *(cells.get(label, "") for label in labels)] for name, cells in matrix.items()
        ]
        sys.stdout.write(csv_text([["unit", *labels], *rows]))
    else:
        print_unit_table(matrix)
    return 1 if failed else 0


def print_unit_table(matrix: dict[str, dict[str, str]]) -> None:
    from rich.table import Table

    view = Table(
        "unit",
        "tasks",
        "lead",
        "responsible",
        "support",
        "where (L lead, R resp., S support)",
        title="responsibility matrix",
    )
    ranked = sorted(matrix.items(), key=lambda item: (-len(item[1]), item[0]))
    for name, cells in ranked:
        marks = "".join(cells.values())
        where = " ".join(f"{label}·{mark}" for label, mark in cells.items())
        view.add_row(
            plain((name, "unit")),
            str(len(cells)),
            str(marks.count("L")),
            str(marks.count("R")),
            str(marks.count("S")),
            plain(where),
        )
    console().print(view)
