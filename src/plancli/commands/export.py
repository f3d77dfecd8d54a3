"""Corpus export (plancli export): many Documents → relational tables.

Seven tables join on stable keys: `doc_id` (the first 16 hex digits of the
input's sha256, so the same text has the same key in every export), then the
document's own ids (`section_id` s1…, `task_id` t1…) or a 1-based position
(`target_no`, `diagnostic_no`). The inputs are documents (converted here, in
worker processes) or `plancli batch` output folders (their index.jsonl and
outputs are read; nothing is re-parsed). The writers need optional libraries,
each behind an extra: a missing one is a one-line error naming it.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from plancli.commands.choices import ExportFormat, values
from plancli.commands.export_writers import Table
from plancli.commands.output import json_line
from plancli.commands.terminal import print_error
from plancli.core import InputError, UsageError

if TYPE_CHECKING:
    from plancli.models import Document, Target

__all__ = [
    "FORMATS",
    "Corpus",
    "ExportError",
    "corpus_tables",
    "document_rows",
    "format_for",
    "run_export",
    "write_tables",
]

FORMATS = values(ExportFormat)
SUFFIXES = {".xlsx": "xlsx", ".duckdb": "duckdb", ".db": "duckdb"}
FOLDER_FORMATS = ("parquet", "csv")
EXTRAS = {
    "xlsx": ("openpyxl", "xlsx"),
    "parquet": ("pyarrow", "parquet"),
    "duckdb": ("duckdb",) * 2,
}
PATH_SEPARATOR = " > "
LIST_SEPARATOR = "、"
ID_DIGITS = 16

# column → type ("str", "int" or "float"); the documents table also gets one
# column per extra meta field (e.g. each key of a portal info box), as str
COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "str", "path": "str", "sha256": "str", "bytes": "int", "encoding": "str",
        "plancli_version": "str", "title": "str", "notice_title": "str", "doc_number": "str",
        "issuer": "str", "date": "str", "recipients": "str", "period_start": "int",
        "period_end": "int", "references": "str", "title_line": "int", "notice_line": "int",
        "body_line": "int", "section_count": "int", "task_count": "int", "target_count": "int",
        "unit_count": "int", "diagnostic_count": "int",
    },
    "sections": {
        "doc_id": "str", "section_id": "str", "parent_id": "str", "level": "int",
        "kind": "str", "marker": "str", "title": "str", "section_path": "str",
        "line": "int", "end_line": "int",
    },
    "tasks": {
        "doc_id": "str", "task_id": "str", "marker": "str", "title": "str", "text": "str",
        "section_path": "str", "column": "str", "source": "str", "unit_count": "int",
        "target_count": "int", "line": "int",
    },
    "task_units": {
        "doc_id": "str", "task_id": "str", "position": "int", "unit": "str", "raw": "str",
        "role": "str",
    },
    "targets": {
        "doc_id": "str", "target_no": "int", "indicator": "str", "comparator": "str",
        "value": "float", "value_max": "float", "unit": "str", "per": "str", "year": "int",
        "baseline_value": "float", "baseline_year": "int", "baseline_text": "str",
        "attribute": "str", "kind": "str", "source": "str", "text": "str",
        "section_path": "str", "task_id": "str", "goal_id": "str", "line": "int",
    },
    "units": {
        "doc_id": "str", "unit": "str", "tasks": "int", "lead": "int", "responsible": "int",
        "support": "int", "raw": "str",
    },
    "diagnostics": {
        "doc_id": "str", "diagnostic_no": "int", "level": "str", "code": "str", "line": "int",
        "message": "str",
    },
}  # fmt: skip

Row = dict[str, Any]
Rows = dict[str, list[Row]]


class ExportError(InputError):
    """A one-line problem for the user (exit 1): a missing extra, an unusable output path.

    Bad arguments (an unknown format, no input) are UsageErrors (exit 2).
    """


class Corpus(NamedTuple):
    """The tables of a corpus and the inputs that could not be taken (path, reason)."""

    tables: list[Table]
    failed: list[tuple[str, str]]


# --- one document → rows --------------------------------------------------------------


def document_id(sha256: str) -> str:
    return sha256[:ID_DIGITS]


def joined(values: Iterable[object]) -> str | None:
    text = LIST_SEPARATOR.join(str(value) for value in values)
    return text or None


def meta_row(meta: dict[str, Any]) -> Row:
    """The meta fields as flat columns; fields the table does not know become extra columns.

    >>> meta_row({"period": {"start": 2021, "end": 2025}, "recipients": ["各乡镇", "县直各部门"]})
    {'period_start': 2021, 'period_end': 2025, 'recipients': '各乡镇、县直各部门'}
    >>> meta_row({"portal": {"索引号": "001", "有效性": "有效"}})
    {'portal_索引号': '001', 'portal_有效性': '有效'}
    """
    row: Row = {}
    for field, value in meta.items():
        if field == "references":
            row[field] = "；".join(reference_text(ref) for ref in value) or None
        elif isinstance(value, dict):
            row.update({f"{field}_{key}": cell_text(item) for key, item in value.items()})
        elif isinstance(value, list):
            row[field] = joined(cell_text(item) for item in value)
        else:
            row[field] = value
    return row


def reference_text(reference: dict[str, Any]) -> str:
    number = reference.get("doc_number")
    return f"{reference['title']}({number})" if number else reference["title"]


def cell_text(value: object) -> object:
    if isinstance(value, (dict, list)):
        return json_line(value)
    return value


def document_rows(document: Document) -> Rows:
    """Every table's rows for one document."""
    from plancli.models import iter_sections

    doc_id = document_id(document.source.sha256)
    sections = list(iter_sections(document.sections))
    documents = {
        "doc_id": doc_id,
        **document.source.model_dump(),
        "plancli_version": document.plancli_version,
        **meta_row(document.meta.model_dump()),
        "section_count": len(sections),
        "task_count": len(document.tasks),
        "target_count": sum(target.kind == "target" for target in document.targets),
        "unit_count": len(document.units),
        "diagnostic_count": len(document.diagnostics),
    }
    return {
        "documents": [documents],
        "sections": section_rows(doc_id, document),
        "tasks": [task_row(doc_id, task) for task in document.tasks],
        "task_units": [
            {
                "doc_id": doc_id,
                "task_id": task.id,
                "position": position,
                "unit": unit.name,
                "raw": unit.raw,
                "role": unit.role,
            }
            for task in document.tasks
            for position, unit in enumerate(task.units, 1)
        ],
        "targets": target_rows(doc_id, document),
        "units": [
            {
                "doc_id": doc_id,
                **unit.model_dump(exclude={"name", "raw"}),
                "unit": unit.name,
                "raw": joined(unit.raw),
            }
            for unit in document.units
        ],
        "diagnostics": [
            {"doc_id": doc_id, "diagnostic_no": number, **diagnostic._asdict()}
            for number, diagnostic in enumerate(document.diagnostics, 1)
        ],
    }


def section_rows(doc_id: str, document: Document) -> list[Row]:
    rows: list[Row] = []

    def walk(sections: list[Any], parent: str | None, path: list[str]) -> None:
        for section in sections:
            here = [*path, section.title]
            rows.append(
                {
                    "doc_id": doc_id,
                    "section_id": section.id,
                    "parent_id": parent,
                    "level": section.level,
                    "kind": section.kind,
                    "marker": section.marker,
                    "title": section.title,
                    "section_path": PATH_SEPARATOR.join(here),
                    "line": section.line,
                    "end_line": section.end_line,
                }
            )
            walk(section.children, section.id, here)

    walk(document.sections, None, [])
    return rows


def task_row(doc_id: str, task: Any) -> Row:
    return {
        "doc_id": doc_id,
        **task.model_dump(include={"marker", "title", "text", "column", "source", "line"}),
        "task_id": task.id,
        "section_path": PATH_SEPARATOR.join(task.section_path) or None,
        "unit_count": len(task.units),
        "target_count": len(task.targets),
    }


def target_key(target: Target) -> tuple[object, ...]:
    return (target.line, target.text, target.indicator, target.value, target.comparator)


def target_rows(doc_id: str, document: Document) -> list[Row]:
    """The document's targets, each with the task or goal whose text it was read from."""
    owners: dict[tuple[object, ...], tuple[str, str]] = {}
    for kind, holders in (("goal_id", document.goals), ("task_id", document.tasks)):
        for holder in holders:
            for target in holder.targets:
                owners.setdefault(target_key(target), (kind, holder.id))
    rows = []
    for number, target in enumerate(document.targets, 1):
        baseline = target.baseline
        row = {
            "doc_id": doc_id,
            "target_no": number,
            **target.model_dump(exclude={"baseline", "section_path"}),
            "baseline_value": baseline.value if baseline else None,
            "baseline_year": baseline.year if baseline else None,
            "baseline_text": baseline.text if baseline else None,
            "section_path": PATH_SEPARATOR.join(target.section_path) or None,
        }
        owner = owners.get(target_key(target))
        if owner:
            row[owner[0]] = owner[1]
        rows.append(row)
    return rows


# --- many documents → tables ----------------------------------------------------------


def corpus_tables(documents: Iterable[Rows]) -> list[Table]:
    """Stack the rows of every document into tables; a repeated doc_id is taken once."""
    stacked: Rows = {name: [] for name in COLUMNS}
    seen: set[str] = set()
    for rows in documents:
        doc_id = rows["documents"][0]["doc_id"]
        if doc_id in seen:
            continue
        seen.add(doc_id)
        for name in COLUMNS:
            stacked[name].extend(rows[name])
    return [table(name, stacked[name]) for name in COLUMNS]


def table(name: str, rows: list[Row]) -> Table:
    columns = dict(COLUMNS[name])
    for row in rows:  # extra meta fields, in order of first appearance
        for column in row:
            columns.setdefault(column, "str")
    values = [
        tuple(typed(row.get(column), kind) for column, kind in columns.items()) for row in rows
    ]
    return Table(name, columns, values)


def typed(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "str":
        return value if isinstance(value, str) else str(cell_text(value))
    if kind == "int":
        return int(value)  # type: ignore[call-overload]
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


# --- reading the inputs -----------------------------------------------------------------


class Outcome(NamedTuple):
    """One input's rows, or why it failed."""

    path: str
    rows: Rows | None
    error: str | None


def convert_file(path: str) -> Outcome:
    """Worker: convert one document; every failure becomes an Outcome, never a raise."""
    from plancli.commands.batch import error_text
    from plancli.pipeline import process_file

    try:
        return Outcome(path, document_rows(process_file(path)), None)
    except Exception as exc:
        return Outcome(path, None, error_text(exc))


def failed_outcome(path: str, error: str) -> Outcome:
    return Outcome(path, None, error)


def is_batch_folder(path: Path) -> bool:
    from plancli.commands.batch import INDEX_NAME

    return path.is_dir() and (path / INDEX_NAME).is_file()


def batch_outcomes(folder: Path) -> Iterator[Outcome]:
    """The documents a `plancli batch` run wrote, read back from its outputs."""
    from plancli.commands.batch import INDEX_NAME, Index

    for record in Index(folder / INDEX_NAME).load().values():
        name = record.get("rel", "?")
        if record.get("result") != "ok" or not record.get("output"):
            yield Outcome(name, None, f"failed in batch: {record.get('error')}")
            continue
        try:
            yield Outcome(name, document_rows(load_output(folder / record["output"])), None)
        except Exception as exc:
            yield Outcome(name, None, f"{record['output']}: {type(exc).__name__}: {exc}")


def load_output(path: Path) -> Document:
    from plancli.models import Document

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return Document.model_validate(json.loads(text))
    import yaml

    from plancli.rules import yaml_loader

    return Document.model_validate(yaml.load(text, Loader=yaml_loader()))


def document_outcomes(paths: list[Path], jobs: int, glob: str) -> Iterator[Outcome]:
    """Convert the documents under `paths`, in input order."""
    from plancli.commands.batch import discover_inputs, run_in_workers, worker_count

    files = [str(item.path) for item in discover_inputs(paths, glob)]
    workers = min(worker_count(jobs), len(files))
    if workers <= 1:
        yield from (convert_file(path) for path in files)
        return
    done = {o.path: o for o in run_in_workers(files, workers, convert_file, failed_outcome)}
    yield from (done[path] for path in files)


def gather(paths: list[Path], jobs: int, glob: str) -> Corpus:
    """Every input's rows, batch folders read back and other paths converted."""
    outcomes: list[Outcome] = []
    documents = [path for path in paths if not is_batch_folder(path)]
    for path in paths:
        if is_batch_folder(path):
            outcomes.extend(batch_outcomes(path))
    outcomes.extend(document_outcomes(documents, jobs, glob) if documents else ())
    if not outcomes:
        raise UsageError(f"no input files (--glob {glob})")
    tables = corpus_tables(o.rows for o in outcomes if o.rows is not None)
    return Corpus(tables, [(o.path, o.error or "") for o in outcomes if o.rows is None])


# --- writing ------------------------------------------------------------------------------


def format_for(output: Path, fmt: str | None) -> str:
    """The format asked for, or the one OUT's suffix names."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        return fmt
    if output.suffix.lower() in SUFFIXES:
        return SUFFIXES[output.suffix.lower()]
    raise UsageError(
        f"{output}: cannot tell the format from the name; use a .xlsx or .duckdb file, "
        "or a folder with --format parquet or --format csv"
    )


def require(fmt: str) -> Any:
    """Import the library a format needs, or fail with the extra that installs it."""
    import importlib

    module, extra = EXTRAS[fmt]
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExportError(
            f"the {fmt} export needs {module}: pip install 'plancli[{extra}]'"
        ) from None


def write_tables(tables: list[Table], output: Path, fmt: str) -> None:
    """Write the tables as one file (xlsx, duckdb) or a folder of files (parquet, csv)."""
    from plancli.commands import export_writers as writers

    if fmt in FOLDER_FORMATS:
        if output.exists() and not output.is_dir():
            raise ExportError(f"{output}: --format {fmt} writes a folder, and this is a file")
        output.mkdir(parents=True, exist_ok=True)
    elif output.is_dir():
        raise ExportError(f"{output}: is a directory; --format {fmt} writes one file")
    library = None if fmt == "csv" else require(fmt)
    getattr(writers, f"write_{fmt}")(tables, output, library)


def run_export(paths: list[Path], output: Path, *, fmt: str | None, jobs: int, glob: str) -> int:
    """The `plancli export` command; returns the exit code (1 when an input was left out)."""
    chosen = format_for(output, fmt)
    if chosen != "csv":
        require(chosen)  # fail before converting a corpus
    corpus = gather(paths, jobs, glob)
    write_tables(corpus.tables, output, chosen)
    for path, error in corpus.failed:
        print_error(f"{path}: left out: {error}", level="warning")
    counts = ", ".join(f"{len(t.rows)} {t.name}" for t in corpus.tables if t.name != "documents")
    documents = len(corpus.tables[0].rows)
    sys.stderr.write(f"{output}: {documents} documents, {counts}\n")
    return 1 if corpus.failed else 0
