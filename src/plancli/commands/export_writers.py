"""The export writers, one per format; each gets its library from `export.require`.

Every writer builds its output beside the target and moves it into place, so an
interrupted export never leaves half a workbook or database behind.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from plancli.commands.output import csv_text, json_line


class Table(NamedTuple):
    """One table of the corpus: its name, its columns (name → SQL type) and its rows."""

    name: str
    columns: dict[str, str]
    rows: list[tuple[Any, ...]]


MAX_COLUMN_WIDTH = 60
MAX_CELL_CHARS = 32767  # Excel refuses a workbook with a longer cell
MAX_JSON_ROW_BYTES = 1 << 30  # duckdb's read_json default (16 MiB) is less than one huge task
SQL_TYPES = {"str": "VARCHAR", "int": "BIGINT", "float": "DOUBLE"}
EXCEL_LINE_END = "\r\n"


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` that becomes `target` when the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes it private; outputs are not
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# --- CSV ----------------------------------------------------------------------------------


def write_csv(tables: list[Table], folder: Path, library: Any = None) -> None:
    """One file per table, UTF-8 with a BOM so that Excel reads the Chinese correctly."""
    for table in tables:
        rows = (["" if v is None else v for v in row] for row in table.rows)
        text = csv_text([list(table.columns), *rows], line_end=EXCEL_LINE_END)
        with replacing(folder / f"{table.name}.csv") as tmp:
            tmp.write_text(text, encoding="utf-8-sig", newline="")


# --- Excel --------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: wide (CJK) characters count twice.

    >>> display_width("城乡社区 100%")
    13
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(table: Table) -> list[int]:
    widths = [display_width(name) for name in table.columns]
    for row in table.rows:
        for index, value in enumerate(row):
            if value is not None:
                widths[index] = max(widths[index], display_width(str(value)))
    return [min(width + 2, MAX_COLUMN_WIDTH) for width in widths]


def excel_text(text: str) -> str:
    """Text a workbook can hold: no control characters, cut at Excel's cell limit.

    >>> excel_text("覆盖率\x07达100%")
    '覆盖率达100%'
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def write_xlsx(tables: list[Table], output: Path, openpyxl: Any) -> None:
    """One sheet per table: header frozen, autofilter on, columns as wide as their content."""
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(table.name)
        sheet.append(list(table.columns))
        for number, row in enumerate(table.rows, 2):
            sheet.append([excel_text(v) if isinstance(v, str) else v for v in row])
            for column, value in enumerate(row, 1):
                if isinstance(value, str) and value.startswith("="):  # text, never a formula
                    sheet.cell(number, column).data_type = "s"
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        for index, width in enumerate(column_widths(table), 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    with replacing(output) as tmp:
        workbook.save(tmp)


# --- Parquet ------------------------------------------------------------------------------


def write_parquet(tables: list[Table], folder: Path, pyarrow: Any) -> None:
    """One Parquet file per table, with the column types of the table."""
    import pyarrow.parquet as pq

    types = {"str": pyarrow.string(), "int": pyarrow.int64(), "float": pyarrow.float64()}
    for table in tables:
        schema = pyarrow.schema([(name, types[kind]) for name, kind in table.columns.items()])
        columns = list(zip(*table.rows, strict=True)) if table.rows else [() for _ in table.columns]
        arrow = pyarrow.Table.from_arrays(
            [
                pyarrow.array(list(values), type=field.type)
                for values, field in zip(columns, schema, strict=True)
            ],
            schema=schema,
        )
        with replacing(folder / f"{table.name}.parquet") as tmp:
            pq.write_table(arrow, tmp)


# --- DuckDB -------------------------------------------------------------------------------


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def insert_rows(connection: Any, table: Table, scratch: Path) -> None:
    """Load the rows through a JSON Lines file: duckdb reads it in C, 100x faster than INSERTs."""
    if not table.rows:
        return
    path = scratch / f"{table.name}.jsonl"
    names = list(table.columns)
    with path.open("w", encoding="utf-8") as handle:
        for row in table.rows:
            handle.write(json_line(dict(zip(names, row, strict=True))) + "\n")
    types = ", ".join(
        f"{sql_string(name)}: {sql_string(SQL_TYPES[kind])}" for name, kind in table.columns.items()
    )
    connection.execute(
        f"INSERT INTO {quoted(table.name)} SELECT * FROM read_json({sql_string(str(path))}, "
        f"format = 'newline_delimited', maximum_object_size = {MAX_JSON_ROW_BYTES}, "
        f"columns = {{{types}}})"
    )


def write_duckdb(tables: list[Table], output: Path, duckdb: Any) -> None:
    """One database file with a table per table, ready for SQL."""
    with replacing(output) as tmp, tempfile.TemporaryDirectory() as scratch:
        tmp.unlink()  # duckdb creates the file itself
        connection = duckdb.connect(str(tmp))
        try:
            for table in tables:
                columns = ", ".join(
                    f"{quoted(name)} {SQL_TYPES[kind]}" for name, kind in table.columns.items()
                )
                connection.execute(f"CREATE TABLE {quoted(table.name)} ({columns})")
                insert_rows(connection, table, Path(scratch))
        finally:
            connection.close()
