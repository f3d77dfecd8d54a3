"""Indicator tables: which column holds what, and the targets of each row (`指标 | 单位 |
2020年 | 2025年 | 属性`); a table without an indicator column is read as a task list."""

from __future__ import annotations

import re
from typing import Any

from plancli import regexes
from plancli.core import Diagnostic
from plancli.models import Baseline, Table, Target
from plancli.stages.targets.clauses import clauses
from plancli.stages.targets.hits import Hit, clause_hits, pair_baselines, read_suffix
from plancli.stages.targets.names import assign_indicators, first_basis
from plancli.stages.targets.numbers import ARABIC, read_unit
from plancli.stages.targets.rules import compiled
from plancli.stages.targets.text_targets import find_targets, hit_target
from plancli.text import fold_width, sentences

EMPTY_CELL = regexes.compile(r"^[\s—\-–/无]*$")
# `养老机构护理型床位占比(%)`: a table without a unit column names the unit after the indicator
UNIT_IN_NAME = regexes.compile(r"^(?P<name>.+?)\s*\(\s*(?P<unit>[^()]{1,12}?)\s*\)\s*$")
YEAR_IN_HEADER = regexes.compile(r"(\d{4})\s*年")


class Columns:
    """Which column of an indicator table holds what (indexes into the header); filled in
    header by header."""

    __slots__ = (
        "attribute",
        "baseline",
        "baseline_year",
        "indicator",
        "status",
        "target",
        "target_year",
        "text",
        "unit",
    )

    def __init__(self) -> None:
        self.indicator: int | None = None
        self.target: int | None = None
        self.target_year: int | None = None
        self.baseline: int | None = None
        self.baseline_year: int | None = None
        self.status: int | None = None
        self.unit: int | None = None
        self.attribute: int | None = None
        self.text: list[int] = []


def classify_columns(header: list[str]) -> Columns:
    patterns = compiled().columns
    columns = Columns()
    years: list[tuple[int, int]] = []
    for index, raw in enumerate(header):
        name = re.sub(r"\s+", "", raw)
        if patterns["skip"].search(name):
            continue
        if compiled().text_columns.search(name):
            columns.text.append(index)
        for key in ("indicator", "unit", "attribute", "status", "target"):
            if getattr(columns, key) is None and patterns[key].search(name):
                setattr(columns, key, index)
                break
        else:
            year = patterns["year"].match(name)
            if year:
                years.append((int(year.group(1)), index))
    if columns.target is None and years:
        columns.target = max(years)[1]
        if len(years) > 1:
            columns.baseline_year, columns.baseline = min(years)
    if columns.target is not None:
        columns.target_year = _header_year(header[columns.target])
    if columns.baseline is None and columns.status is not None:
        columns.baseline = columns.status
        columns.baseline_year = _header_year(header[columns.status])
    return columns


def _header_year(name: str) -> int | None:
    match = YEAR_IN_HEADER.search(name)
    return int(match.group(1)) if match else None


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return fold_width(row[index]).strip()


SIMPLE_CELL = regexes.compile(rf"(\D*?)\s*({ARABIC})(?:\s*%?\s*[~\-—–]\s*({ARABIC}))?\s*(.*)")


def simple_cell(text: str, default_unit: str | None) -> Hit | None:
    """A cell that is just a figure: `≥85`, `100`, `≧30平方米`, `>25人`, `5~6%`."""
    match = SIMPLE_CELL.fullmatch(text)
    if not match:
        return None
    prefix, number, maximum, rest = match.groups()
    if prefix and prefix not in compiled().prefix:
        return None
    unit = read_unit(rest, 0)
    rest = rest[unit[1] :] if unit else rest
    suffix = read_suffix(rest.strip(), 0, compiled().suffix)
    if rest.strip() and not (suffix and suffix[1] == len(rest.strip())):
        return None
    if unit is None and default_unit is None:
        return None
    return Hit(
        0,
        len(text),
        match.start(2),
        float(number),
        unit[0] if unit else str(default_unit),
        comparator=(suffix[0] if suffix else None) or compiled().prefix.get(prefix, "="),
        value_max=float(maximum) if maximum else None,
    )


def cell_hits(text: str, default_unit: str | None) -> list[Hit]:
    """The figures a cell states: one simple figure, or several in running text."""
    if EMPTY_CELL.match(text):
        return []
    simple = simple_cell(text, default_unit)
    if simple is not None:
        return [simple]
    found: list[Hit] = []
    for _, sentence in sentences(text):
        for clause in clauses(sentence):
            hits, _ = clause_hits(clause.text)
            pair_baselines(clause.text, hits)
            assign_indicators(clause.text, hits)
            found += [hit for hit in hits if not hit.is_baseline]
    return found


def default_unit(row: list[str], columns: Columns) -> str | None:
    unit = cell(row, columns.unit)
    if not unit or EMPTY_CELL.match(unit):
        return None
    known = read_unit(unit, 0)
    return known[0] if known else unit


def unit_in_indicator(indicator: str) -> tuple[str, str] | None:
    """The indicator's name and the unit written in brackets after it, when the bracket opens
    with a known unit (`(%)`, `(张)`, `(元/人·月)`; not `(含农村)`)."""
    match = UNIT_IN_NAME.match(fold_width(indicator))
    if match is None:
        return None
    known = read_unit(match["unit"], 0)
    return (match["name"], known[0]) if known else None


def row_baseline(row: list[str], columns: Columns, unit: str | None) -> Baseline | None:
    text = cell(row, columns.baseline)
    if not text or EMPTY_CELL.match(text):
        return None
    simple = simple_cell(text, unit or "")
    if simple is not None and simple.value_max is None:
        return Baseline(value=simple.value, year=columns.baseline_year)
    if not re.search(r"\d", text):
        return None  # 新建的严格按标准执行: no starting level given
    return Baseline(value=None, year=columns.baseline_year, text=text)


def row_line(table: Table, index: int) -> int:
    """The line of row `index` of a table (the table's own line when rows have none)."""
    return table.row_lines[index] if index < len(table.row_lines) else table.line


def table_targets(table: Table) -> tuple[list[Target], list[Diagnostic]]:
    """Targets of an indicator table, one per row (more when a cell states several).

    The indicator column names the quantity; the target column (`…目标值`, or the latest year
    column) gives comparator and value; the unit column, the baseline (`2020年` or `现状`
    column) and `属性` fill the rest. A 现状 column also yields `status` entries. A table with
    no indicator column is a task list: its task/requirement cells are read as running text.
    """
    columns = classify_columns(table.header)
    if columns.indicator is None:
        return task_table_targets(table, columns)
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    if columns.target is None:
        return targets, diagnostics
    for index, row in enumerate(table.rows):
        indicator = cell(row, columns.indicator)
        if indicator:
            found, problems = row_targets(table, index, row, columns, indicator)
            targets += found
            diagnostics += problems
    return targets, diagnostics


def row_targets(
    table: Table, index: int, row: list[str], columns: Columns, indicator: str
) -> tuple[list[Target], list[Diagnostic]]:
    """The targets of one indicator row: its target cell's, then its 现状 cell's as status."""
    line = row_line(table, index)
    unit = default_unit(row, columns)
    if unit is None and (named := unit_in_indicator(indicator)) is not None:
        indicator, unit = named
    attribute = cell(row, columns.attribute)
    common: dict[str, Any] = {
        "text": " | ".join(cell.strip() for cell in row),
        "source": "table",
        "line": line,
        "section_path": list(table.section_path),
        "attribute": attribute if attribute in ("预期性", "约束性") else None,
    }
    target_cell = cell(row, columns.target)
    hits = cell_hits(target_cell, unit)
    unread = not hits and not EMPTY_CELL.match(target_cell)
    baseline = row_baseline(row, columns, unit)
    targets = [
        _table_target(
            hit,
            hit.indicators[-1] if hit.indicators else indicator,
            common,
            year=columns.target_year,
            baseline=baseline,
            kind="target",
        )
        for hit in hits
    ]
    if columns.status is not None:
        targets += [
            _table_target(hit, indicator, common | {"attribute": None}, year=None, kind="status")
            for hit in cell_hits(cell(row, columns.status), unit)
        ]
    return targets, [_no_figure(line, indicator, target_cell)] if unread else []


def _no_figure(line: int, indicator: str, target_cell: str) -> Diagnostic:
    return Diagnostic(
        "warning",
        "target-unparsed",
        line,
        f"indicator {indicator!r} has no figure in its target cell: {target_cell}",
    )


def _table_target(
    hit: Hit,
    indicator: str,
    common: dict[str, Any],
    *,
    year: int | None,
    kind: str,
    baseline: Baseline | None = None,
) -> Target:
    per = hit.per or first_basis(indicator)
    return hit_target(hit, indicator, year=year, kind=kind, baseline=baseline, per=per, **common)


def task_table_targets(table: Table, columns: Columns) -> tuple[list[Target], list[Diagnostic]]:
    """Figures written in the task / requirement cells of a task list table."""
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    for index, row in enumerate(table.rows):
        for column in columns.text:
            text = cell(row, column)
            if not text or (index and text == cell(table.rows[index - 1], column)):
                continue  # empty, or a merged cell repeated from the row above
            found, problems = find_targets(
                text, row_line(table, index), section_path=list(table.section_path)
            )
            targets += [target.model_copy(update={"source": "table"}) for target in found]
            diagnostics += problems
    return targets, diagnostics
