"""Pipe tables (`a | b | c |`) with the damage of an HTML-to-text conversion repaired.

When a web page's <table> is flattened to pipe rows, merged cells leave marks:

- a rowspan cell appears only in its first row; the rows below it lose their
  leading cell and end with an extra empty cell instead
  (`2 | 城乡社区志愿服务行动 | … | 州党委宣传部,… | |`);
- a colspan cell appears once and the columns it covered turn into empty cells
  at the end of the row (`… | 持续巩固提升 | 民政局 | 备注 | ||`);
- a two-row header puts the sub-columns in a second row
  (`年度分解目标` over `2023年 | 2024年 | 2025年 | ||||||`);
- a title row holds the caption in its first cell and nothing else.

`parse_table` undoes these so that every row has exactly len(header) cells,
records each change as a Repair and reports rows it cannot place as
`table-row-width` diagnostics. It never raises.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, NamedTuple

from plancli import regexes, rules
from plancli.core import Diagnostic, Findings, Line, Repair
from plancli.models import Table
from plancli.stages.meta_text import clean_text
from plancli.text import fold_width

MAX_CAPTION_CHARS = 60
LIST_ITEM = regexes.compile(r"^\d+[.、]")


class Group(NamedTuple):
    """Header cell `index` covers `size` sub-columns named in a second header row."""

    index: int
    size: int


def row_text(cells: list[str]) -> str:
    return " | ".join(cells)


@cache
def _rules() -> dict[str, Any]:
    return rules.load("tables")


def is_table_line(text: str) -> bool:
    """A pipe-table row of two or more cells (`a | b | c |`).

    `text |` alone is one cell (a flattened box), and a single pipe inside a
    line (`免费|XXXX`, spam titles) is not a row: a row ends in a pipe or has two.
    """
    if "|" not in text and "\uff5c" not in text:  # no pipe, not even a full-width one
        return False
    text = fold_width(text).strip()
    inner = text.strip("|")
    return "|" in inner and (text.endswith("|") or text.startswith("|") or inner.count("|") >= 2)


def split_row(text: str) -> list[str]:
    """Cells of one row; the pipe that closes the row does not open another cell."""
    text = fold_width(text).strip()
    if text.endswith("|"):
        text = text[:-1]
    if text.startswith("|"):
        text = text[1:]
    return [clean_text(cell) for cell in text.split("|")]


def filled_part(cells: list[str]) -> list[str]:
    """The row without its trailing empty cells."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def shape(cell: str) -> str:
    """A coarse type for comparing cells across rows: empty, number, ordinal, quantity, text."""
    if not cell:
        return "empty"
    if cell.isdigit():
        return "number"
    ordinal, quantity = _cell_shapes()
    if ordinal.match(cell):
        return "ordinal"
    return "quantity" if quantity.match(cell) else "text"


@cache
def _cell_shapes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """An ordinal cell (`一、`, `(二)`, `第三`) and a quantity cell (`≥85%`, `120万人`); compiled
    on first use, as only some tables need them and the CJK class is slow to compile."""
    return (
        regexes.compile(
            r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|第[一二三四五六七八九十]+)"
        ),
        regexes.compile(r"^[<>≤≥≦≧=~约]*[\d.,%~\-—]+[\u4e00-\u9fff㎡%]{0,3}$"),
    )


# --- caption and header -------------------------------------------------------------


def is_title_row(cells: list[str]) -> bool:
    return len(cells) > 1 and bool(cells[0]) and not any(cells[1:])


def title_rows(grid: list[list[str]]) -> int:
    """How many title rows open the table (the last row is never one)."""
    count = 0
    while count < len(grid) - 1 and is_title_row(grid[count]):
        count += 1
    return count


def caption_from_context(context: list[Line]) -> str | None:
    """The nearest caption-like line before the table (`专项行动任务分工表`, not `附件1`)."""
    for line in reversed(context):
        text = clean_text(line.text)
        if re.match(_rules()["annex_label"], text):
            continue
        text = re.sub(_rules()["annex_prefix"], "", text)
        if not text or len(text) > MAX_CAPTION_CHARS or LIST_ITEM.match(text):
            return None
        if text.endswith(("。", ";", ":", ",")):
            return None
        return text
    return None


def sub_header_count(first: list[str], second: list[str], width: int) -> int:
    """How many sub-columns the second row names, when it is a second header row (else 0)."""
    named, subs = filled_part(first), filled_part(second)
    if not all(named) or not all(subs) or len(subs) < 2:
        return 0
    return len(subs) if len(named) + len(subs) - 1 == width and len(named) < width else 0


def group_index(named: list[str]) -> int | None:
    words = _rules()["group_header_words"]
    return next((i for i, cell in enumerate(named) if any(w in cell for w in words)), None)


def build_header(
    grid: list[list[str]], lines: list[int], width: int, out: Findings
) -> tuple[list[str], Group | None, int]:
    """(header, column group, number of header rows) from the first one or two rows."""
    first = grid[0]
    size = sub_header_count(first, grid[1], width) if len(grid) > 1 else 0
    if not size:
        header = (first + [""] * width)[:width]
        return header, None, 1
    named, subs = filled_part(first), filled_part(grid[1])
    index = group_index(named)
    if index is None:
        index = len(named) - 1
        out.warn(
            "table-header-ambiguous",
            lines[0],
            f"no header cell says which column {' / '.join(subs)} belong to; "
            f"assumed {named[index]!r}",
        )
    header = named[:index] + [f"{named[index]}/{sub}" for sub in subs] + named[index + 1 :]
    return header, Group(index, size), 2


# --- rows ---------------------------------------------------------------------------


def spread_colspan(filled: list[str], width: int, group: Group | None) -> list[str] | None:
    """A row whose grouped value spans the whole group: repeat it into each sub-column."""
    if group is None or len(filled) != width - group.size + 1 or len(filled) <= group.index:
        return None
    value = filled[group.index]
    return filled[: group.index] + [value] * group.size + filled[group.index + 1 :]


def inherit_rowspan(filled: list[str], width: int, previous: list[str] | None) -> list[str] | None:
    """A row that lost its leading group cell(s) takes them from the row above.

    The lost cell shows in the shapes: the row's first cell looks like the
    previous row's second column (a 序号), not like its first (a group name).
    """
    missing = width - len(filled)
    if previous is None or not filled or not 0 < missing < width:
        return None
    first = shape(filled[0])
    if first == shape(previous[missing]) and first != shape(previous[0]):
        return previous[:missing] + filled
    return None


def realign(filled: list[str], width: int, group: Group | None) -> list[str]:
    """Place an irregular row: around a column group when the ends can be told apart, else pad."""
    if len(filled) > width:
        return [*filled[: width - 1], " | ".join(filled[width - 1 :])]
    if group is not None:
        tail = width - group.index - group.size
        lead = filled[: len(filled) - tail] if tail else filled
        if 1 <= len(lead) <= group.index + 1:
            ends = filled[len(filled) - tail :] if tail else []
            head = (lead[:-1] + [""] * group.index)[: group.index]
            return head + [lead[-1]] * group.size + ends
    return filled + [""] * (width - len(filled))


def repair_row(
    cells: list[str],
    line: int,
    width: int,
    previous: list[str] | None,
    context: tuple[Group | None, Findings],
) -> list[str]:
    group, out = context
    filled = filled_part(cells)
    spread = spread_colspan(filled, width, group)
    if spread is not None:
        out.repair(line, "table-colspan", row_text(cells), row_text(spread))
        return spread
    inherited = inherit_rowspan(filled, width, previous)
    if inherited is not None:
        out.repair(line, "table-rowspan", row_text(cells), row_text(inherited))
        return inherited
    if len(filled) <= width <= len(cells):
        return (cells + [""] * width)[:width]
    placed = realign(filled, width, group)
    out.warn(
        "table-row-width",
        line,
        f"row has {len(filled)} cells, the header has {width}; placed as {' | '.join(placed)}",
    )
    out.repair(line, "table-realign", row_text(cells), row_text(placed))
    return placed


def parse_table(
    rows: list[Line], context: list[Line], table_id: str
) -> tuple[Table, list[Repair], list[Diagnostic]]:
    """One Table from consecutive pipe rows; `context` = lines just before it (caption)."""
    out = Findings()
    grid = [split_row(row.text) for row in rows]
    lines = [row.line for row in rows]
    first_line = lines[0] if lines else (context[-1].line if context else 0)
    titles = title_rows(grid)
    caption = (grid[0][0] if titles else None) or caption_from_context(context)
    grid, lines = grid[titles:], lines[titles:]
    grid_lines = [(cells, line) for cells, line in zip(grid, lines, strict=False) if any(cells)]
    if not grid_lines:
        out.warn("table-empty", first_line, "a table without rows")
        return (
            Table(id=table_id, caption=caption, header=[], rows=[], line=first_line),
            [],
            (out.diagnostics),
        )
    grid, lines = [g for g, _ in grid_lines], [line for _, line in grid_lines]
    width = len(grid[0])  # the header row, empty cells included, sets the columns
    header, group, used = build_header(grid, lines, width, out)
    body: list[list[str]] = []
    for cells, line in zip(grid[used:], lines[used:], strict=False):
        previous = body[-1] if body else None
        body.append(repair_row(cells, line, width, previous, (group, out)))
    table = Table(
        id=table_id,
        caption=caption,
        header=header,
        rows=body,
        line=first_line,
        row_lines=lines[used:],
    )
    return table, out.repairs, out.diagnostics
