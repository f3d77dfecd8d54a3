"""A Comparison as a terminal table (rich), JSON, CSV or Markdown.

Document text reaches rich only as plain `Text` (`commands.theme`), never as markup: a plan
may well contain `[` … `]`. Cells are styled by what they are (a target, a dropped measure).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from plancli.commands.choices import CompareFormat, values
from plancli.commands.compare.model import (
    Comparison,
    MeasureCell,
    MeasureRow,
    MeasureStep,
    TaskCell,
    TaskRow,
    TaskStep,
)
from plancli.commands.theme import console, plain, plain_lines
from plancli.stages.markdown import markdown_row

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

FORMATS = values(CompareFormat)
SYMBOLS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "~": "≈"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def number(index: int) -> str:
    return CIRCLED[index] if index < len(CIRCLED) else f"({index + 1})"


def step_name(index: int) -> str:
    return f"{number(index)}→{number(index + 1)}"


def measure_text(cell: MeasureCell | None, label: str | None = None) -> str:
    """`每万城镇常住人口 ≥25人 (2025) L12`: basis, comparator, value, unit, year, line.

    The indicator follows on a second line when it is worded unlike the row's `label`.

    >>> cell = MeasureCell(indicator="每万名城镇常住人口拥有社区工作者", comparator=">=",
    ...                    value=25, unit="人", per="每万城镇常住人口", year=2025, line=12,
    ...                    text="x")
    >>> measure_text(cell, "每万名城镇常住人口拥有社区工作者")
    '每万城镇常住人口 ≥25人 (2025) L12'
    >>> measure_text(cell, "每万城镇常住人口拥有社区工作者").splitlines()[1]
    '每万名城镇常住人口拥有社区工作者'
    """
    if cell is None:
        return "—"
    value = f"{cell.value:g}" + (f"–{cell.value_max:g}" if cell.value_max is not None else "")
    figure = f"{SYMBOLS[cell.comparator]}{value}{cell.unit or ''}"
    year = f" ({cell.year})" if cell.year else ""
    text = f"{cell.per + ' ' if cell.per else ''}{figure}{year} L{cell.line}"
    return text if label in (None, cell.indicator) else f"{text}\n{cell.indicator}"


def measure_step_text(step: MeasureStep) -> str:
    """`adopted`, or `stricter (0.95 folded)` when the pairing was less than certain."""
    text = ", ".join(step.changes)
    if step.confidence is not None and step.confidence < 1:
        text += f" ({step.confidence:.2f} {step.how})"
    return text


def task_text(cell: TaskCell | None) -> str:
    if cell is None:
        return "—"
    head = " ".join(part for part in (cell.marker, cell.summary) if part)
    return f"{head} L{cell.line}\n{'、'.join(cell.units) or '(no units)'}"


def task_step_text(step: TaskStep | None) -> str:
    if step is None:
        return ""
    parts = [step.change]
    if step.similarity is not None:
        parts[0] += f" ({step.similarity:.2f})"
    parts += [flag.upper() for flag in step.flags]
    parts += [f"− {name}" for name in step.units_not_carried]
    parts += [f"+ {name}" for name in step.units_added]
    return "\n".join(parts)


def measure_label(cells: list[MeasureCell | None]) -> str:
    return next(cell.indicator for cell in cells if cell)


def task_label(cells: list[TaskCell | None]) -> str:
    return next(cell.summary for cell in cells if cell)


# --- the four formats -----------------------------------------------------------------


def measure_table(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the measures grid, shared by the table and Markdown views."""
    width = len(comparison.documents)
    header = ["measure", *map(number, range(width)), *map(step_name, range(width - 1))]
    rows = []
    for row in comparison.measures:
        label = measure_label(row.cells)
        cells = [measure_text(cell, label) for cell in row.cells]
        rows.append([label, *cells, *map(measure_step_text, row.steps)])
    return header, rows


def task_table(comparison: Comparison) -> tuple[list[str], list[list[str]]]:
    width = len(comparison.documents)
    header = [*map(number, range(width)), *map(step_name, range(width - 1))]
    rows = [
        [*map(task_text, row.cells), *map(task_step_text, row.steps)] for row in comparison.tasks
    ]
    return header, rows


def document_lines(comparison: Comparison) -> list[str]:
    return [
        f"{number(i)} {d.title or d.path} ({', '.join(p for p in (d.issuer, d.date) if p)})"
        for i, d in enumerate(comparison.documents)
    ]


def to_markdown(comparison: Comparison) -> str:
    lines = [f"- {line}" for line in document_lines(comparison)]
    for title, (header, rows) in (
        ("Targets", measure_table(comparison)),
        ("Tasks", task_table(comparison)),
    ):
        lines += ["", f"## {title}", "", markdown_row(header), markdown_row(["---"] * len(header))]
        lines += [markdown_row(row) for row in rows]
    return "\n".join(lines) + "\n"


def to_csv(comparison: Comparison) -> str:
    """One line per aligned measure or task; per document its line and what it says."""
    from plancli.commands.output import csv_text

    return csv_text(
        [
            csv_header(len(comparison.documents)),
            *map(measure_csv_row, comparison.measures),
            *map(task_csv_row, comparison.tasks),
        ]
    )


def csv_header(width: int) -> list[str]:
    header = ["kind", "label"]
    header += [f"{field}_{i + 1}" for i in range(width) for field in ("line", "text", "units")]
    header += [f"change_{i + 1}_{i + 2}" for i in range(width - 1)]
    header += [f"confidence_{i + 1}_{i + 2}" for i in range(width - 1)]
    return header


def measure_csv_row(row: MeasureRow) -> list[object]:
    documents = [
        field
        for cell in row.cells
        for field in (cell.line if cell else "", measure_text(cell) if cell else "", "")
    ]
    changes = [" + ".join(step.changes) for step in row.steps]
    confidences = [step.confidence if step.confidence is not None else "" for step in row.steps]
    return ["target", measure_label(row.cells), *documents, *changes, *confidences]


def task_csv_row(row: TaskRow) -> list[object]:
    documents = [
        field
        for cell in row.cells
        for field in ((cell.line, cell.summary, "、".join(cell.units)) if cell else ("", "", ""))
    ]
    steps = [task_step_text(step).replace("\n", "; ") for step in row.steps]
    similarities = [s.similarity if s and s.similarity is not None else "" for s in row.steps]
    return ["task", task_label(row.cells), *documents, *steps, *similarities]


STEP_STYLES = {
    "dropped": "removed",
    "not carried down": "removed",
    "new": "added",
    "adopted": "",
    "carried": "",
}


def step_style(changes: list[str]) -> str:
    """The theme style of a step: removed, added, or changed (stricter, looser, …)."""
    return STEP_STYLES.get(changes[0], "changed") if changes else ""


def measure_styles(comparison: Comparison) -> list[list[str]]:
    """The style of each cell of `measure_table`'s rows."""
    return [
        [
            "",
            *("target" if cell else "" for cell in row.cells),
            *(step_style(step.changes) for step in row.steps),
        ]
        for row in comparison.measures
    ]


def task_styles(comparison: Comparison) -> list[list[str]]:
    """The style of each cell of `task_table`'s rows."""
    return [
        ["" for _ in row.cells] + [step_style([step.change] if step else []) for step in row.steps]
        for row in comparison.tasks
    ]


def rich_table(
    title: str, table: tuple[list[str], list[list[str]]], styles: list[list[str]]
) -> Table:
    from rich.table import Table

    header, rows = table
    view = Table(title=plain(title), show_lines=True, expand=True)
    for name in header:
        view.add_column(plain(name))
    for row, row_styles in zip(rows, styles, strict=True):
        view.add_row(
            *(
                plain_lines(cell, style, overflow="fold")
                for cell, style in zip(row, row_styles, strict=True)
            )
        )
    return view


def print_comparison(comparison: Comparison, out: Console) -> None:
    for line in document_lines(comparison):
        out.print(plain(line))
    out.print(rich_table("targets", measure_table(comparison), measure_styles(comparison)))
    out.print(rich_table("tasks", task_table(comparison), task_styles(comparison)))


def render(comparison: Comparison, fmt: str, width: int | None = None) -> str:
    """The comparison as text in one of FORMATS (the table as the terminal would show it)."""
    if fmt == "json":
        from plancli.stages.emit import to_json

        return to_json(comparison)
    if fmt == "csv":
        return to_csv(comparison)
    if fmt == "md":
        return to_markdown(comparison)
    out = console(file=io.StringIO(), width=width or 160, record=True)
    print_comparison(comparison, out)
    return out.export_text()
