"""Tables that lost their pipes: one cell per line after a PDF or Word conversion.

A header naming the columns (序号 / 指标 / 单位 / 2020年 / 2025年 / 属性, one per line) gives
the column count. With an index column (序号) every row must start with the next number and
hold exactly that many cells; without one the cells must divide evenly into rows. When the rows
fit, the cells are joined into pipe rows (`a | b | c |`, a `table-rebuilt` repair, each row on
its first cell's line) for the table reader; when they do not, the lines stay as they are and a
`table-unrebuilt` warning says so. Vocabulary in rules/normalize.yaml `pipeless_tables`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from plancli import regexes, rules
from plancli.core import Diagnostic, Line, Repair


class Settings(NamedTuple):
    header: re.Pattern[str]
    index_words: frozenset[str]
    min_columns: int
    max_columns: int
    min_header_words: int
    max_cell_chars: int
    not_cell: re.Pattern[str]


@cache
def load_settings() -> Settings:
    data: dict[str, Any] = rules.load("normalize")["pipeless_tables"]
    return Settings(
        header=regexes.compile("|".join(f"(?:{p})" for p in data["header_cells"])),
        index_words=frozenset(str(w) for w in data["index_words"]),
        min_columns=int(data["min_columns"]),
        max_columns=int(data["max_columns"]),
        min_header_words=int(data["min_header_words"]),
        max_cell_chars=int(data["max_cell_chars"]),
        not_cell=regexes.compile(data["not_cell"]),
    )


def compact(text: str) -> str:
    return "".join(text.split())


def header_width(names_column: list[bool], start: int, settings: Settings) -> int:
    """How many lines from `start` name columns (0 when too few to be a header);
    `names_column`: for each line, whether it could name a column."""
    width = 0
    while (
        start + width < len(names_column)
        and width < settings.max_columns
        and names_column[start + width]
    ):
        width += 1
    return width if width >= max(settings.min_columns, settings.min_header_words) else 0


def is_cell(text: str, settings: Settings) -> bool:
    return (
        len(text) <= settings.max_cell_chars
        and "|" not in text
        and settings.not_cell.search(text) is None
    )


def indexed_rows(lines: list[Line], start: int, width: int, settings: Settings) -> list[list[Line]]:
    """Rows that each start with the next number (1, 2, …) and hold exactly `width` cells."""
    rows: list[list[Line]] = []
    index = start
    while index < len(lines) and compact(lines[index].text) == str(len(rows) + 1):
        row = lines[index : index + width]
        if len(row) < width or not all(is_cell(line.text, settings) for line in row[1:]):
            return rows if rows and not row_continues(row, len(rows) + 2) else []
        if any(compact(line.text) == str(len(rows) + 2) for line in row[1:]):
            return []  # the next number comes too early: the column count does not fit
        rows.append(row)
        index += width
    return rows


def row_continues(row: list[Line], following: int) -> bool:
    return any(compact(line.text) == str(following) for line in row)


def plain_rows(lines: list[Line], start: int, width: int, settings: Settings) -> list[list[Line]]:
    """Without an index column: the run of cells must divide evenly into rows."""
    end = start
    while end < len(lines) and is_cell(lines[end].text, settings):
        end += 1
    count = end - start
    if count == 0 or count % width:
        return []
    return [lines[i : i + width] for i in range(start, end, width)]


def pipe_row(cells: list[Line]) -> Line:
    return Line(" | ".join(cell.text for cell in cells) + " |", cells[0].line)


def rebuild_tables(lines: list[Line]) -> tuple[list[Line], list[Repair], list[Diagnostic]]:
    settings = load_settings()
    result: list[Line] = []
    repairs: list[Repair] = []
    diagnostics: list[Diagnostic] = []
    names_column = [settings.header.fullmatch(compact(line.text)) is not None for line in lines]
    index = 0
    while index < len(lines):
        width = header_width(names_column, index, settings)
        if not width:
            result.append(lines[index])
            index += 1
            continue
        header = lines[index : index + width]
        body = index + width
        indexed = compact(header[0].text) in settings.index_words
        rows = (indexed_rows if indexed else plain_rows)(lines, body, width, settings)
        if not rows:
            diagnostics.append(
                Diagnostic(
                    "warning",
                    "table-unrebuilt",
                    header[0].line,
                    f"a table of {width} columns lost its pipes and its rows do not fit; "
                    "left one cell per line",
                )
            )
            result.extend(header)
            index = body
            continue
        rebuilt = [pipe_row(header), *(pipe_row(row) for row in rows)]
        used = lines[index : body + width * len(rows)]
        repairs.append(
            Repair(
                header[0].line,
                "table-rebuilt",
                "\n".join(line.text for line in used),
                "\n".join(line.text for line in rebuilt),
            )
        )
        result.extend(rebuilt)
        index = body + width * len(rows)
    return result, repairs, diagnostics
