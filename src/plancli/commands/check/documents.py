"""The checks made from a finished Document, and their merge with the stages' diagnostics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from plancli.commands.check.findings import LEVEL_RANK
from plancli.core import Diagnostic

if TYPE_CHECKING:
    from plancli.models import Document

UNITS_SHARE = 0.5  # share of sibling tasks naming units that makes a task without them odd
CONTENT_FIELDS = ("meta", "sections", "goals", "tasks", "columns", "tables", "targets")
NON_TEXT_KEYS = frozenset(
    {"id", "level", "kind", "role", "comparator", "source", "section_id", "column_id", "date"}
)


def document_checks(document: Document) -> list[Diagnostic]:
    """The checks made from a finished Document (models.Document)."""
    return [
        *check_title(document),
        *check_headings(document),
        *check_task_units(document),
        *check_garbled(document),
        *check_traditional(document),
    ]


def check_title(document: Document) -> list[Diagnostic]:
    meta = document.meta
    if meta.title or meta.notice_title:
        return []
    return [Diagnostic("error", "no-title", None, "no plan title or notice title found")]


def check_headings(document: Document) -> list[Diagnostic]:
    """No numbered heading at all: 专栏 boxes and 附件 annexes do not count as headings."""
    if any(section.kind == "heading" for section in document.sections):
        return []
    boxes = sum(1 for section in document.sections if section.kind != "heading")
    detail = f" (only {boxes} 专栏/附件 boxes)" if boxes else ""
    return [Diagnostic("warning", "no-headings", None, f"no numbered headings found{detail}")]


def check_task_units(document: Document) -> list[Diagnostic]:
    """Flag a task without units among tasks of the same top-level heading that mostly have them.

    Grouping by top-level heading keeps the 保障措施 / 实施保障 items, which never
    name units, from being compared with the 重点任务 items, which do.
    """
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for task in document.tasks:
        if task.column is None and task.source == "text":
            groups[tuple(task.section_path[:1])].append(task)
    found = []
    for tasks in groups.values():
        with_units = sum(bool(t.units) for t in tasks)
        if not with_units or with_units < UNITS_SHARE * len(tasks):
            continue
        found += [
            Diagnostic(
                "warning",
                "task-without-units",
                task.line,
                f"no responsible unit, while {with_units} of {len(tasks)} tasks under the same "
                f"heading name them: {task_label(task)}",
            )
            for task in tasks
            if not task.units
        ]
    return sorted(found, key=lambda d: d.line or 0)


def task_label(task: Any) -> str:
    label = task.title or task.text
    return f"{task.marker or ''}{label[:30]}{'…' if len(label) > 30 else ''}"


def check_garbled(document: Document) -> list[Diagnostic]:
    found = []
    for span in document.normalization.suspect_spans:
        hint = f" (maybe “{span.candidate}”)" if span.candidate else ""
        found.append(
            Diagnostic("warning", "suspect-garbled", span.line, f"garbled text “{span.text}”{hint}")
        )
    return found


def check_traditional(document: Document) -> list[Diagnostic]:
    """Run OpenCC t2s over the output text and flag every source line whose text changes."""
    changed: dict[int, dict[str, str]] = defaultdict(dict)
    data = document.model_dump(mode="json", include=set(CONTENT_FIELDS))
    convert = t2s_converter().convert
    for line, text in text_fields(data):
        simplified = convert(text)
        if simplified != text:
            for before, after in zip(text, simplified, strict=False):
                if before != after:
                    changed[line][before] = after
    return [
        Diagnostic(
            "warning",
            "traditional-left",
            line,
            "traditional characters left: " + ", ".join(f"{a}→{b}" for a, b in pairs.items()),
        )
        for line, pairs in sorted(changed.items())
    ]


def t2s_converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def text_fields(data: Any, line: int | None = None) -> Iterator[tuple[int, str]]:
    """Every output string with the source line of the nearest object that has one."""
    if isinstance(data, dict):
        own = data.get("line")
        line = own if isinstance(own, int) else line
        row_lines = data.get("row_lines") or []
        for key, value in data.items():
            if key in NON_TEXT_KEYS:
                continue
            if key == "rows" and isinstance(value, list) and len(row_lines) == len(value):
                for row, row_line in zip(value, row_lines, strict=True):
                    yield from text_fields(row, row_line)
            else:
                yield from text_fields(value, line)
    elif isinstance(data, list):
        for value in data:
            yield from text_fields(value, line)
    elif isinstance(data, str) and line is not None:
        yield line, data


def merge_diagnostics(stage: list[Diagnostic], checks: list[Diagnostic]) -> list[Diagnostic]:
    """Stage diagnostics first; a check that says the same again only raises their level.

    "The same" is the same code on the same line, or, for a document-level check
    (no line), the same code anywhere: meta's `no-title` warning for a missing plan
    title becomes an error when the check finds no title of any kind either.
    """
    merged = list(stage)
    for diagnostic in checks:
        same = [
            i
            for i, said in enumerate(merged)
            if said.code == diagnostic.code and diagnostic.line in (None, said.line)
        ]
        if not same:
            merged.append(diagnostic)
        for i in same:
            if LEVEL_RANK[diagnostic.level] < LEVEL_RANK[merged[i].level]:
                said = merged[i]
                merged[i] = Diagnostic(diagnostic.level, said.code, said.line, said.message)
    return sorted(merged, key=lambda d: (d.line or 0, LEVEL_RANK[d.level], d.code))
