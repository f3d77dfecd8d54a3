"""Tasks: an item or a row of a task-assignment table with the units its clauses name, and
units that lost their first characters completed from the intact name written elsewhere."""

from __future__ import annotations

import math
from collections.abc import Iterable

from plancli import core, regexes
from plancli.models import Diagnostic, Item, Paragraph, Role, Table, Task, UnitRef
from plancli.stages.targets.tables import row_line
from plancli.stages.units import (
    TableColumns,
    clause_deadline,
    declares_lead_first,
    inner_unit_clauses,
    intact_forms,
    parse_units,
    split_unit_clause,
    table_columns,
)

INLINE_LEAD = regexes.compile(r"由([^,;:。由]{2,60}?)牵头")  # 由州民政局、发展改革委牵头,会同…


def all_tasks(
    items: list[Item],
    paragraphs: list[Paragraph],
    tables: list[Table],
    diagnostics: list[Diagnostic],
) -> list[Task]:
    """The tasks of the items, then of the task-assignment tables' rows, numbered t1, t2 …"""
    conventions = lead_first_from([*items, *paragraphs])
    tasks = [
        to_task(item, index, diagnostics, lead_first=item.line >= conventions)
        for index, item in enumerate(items, 1)
    ]
    tasks += table_tasks(
        tables,
        start=len(tasks) + 1,
        diagnostics=diagnostics,
        lead_first=conventions < math.inf,  # a table's note may follow it (注:排在第一位的…)
    )
    return complete_truncated_units(tasks, diagnostics)


def lead_first_from(blocks: list[Item | Paragraph]) -> float:
    """The line from which the document's `列第一位者为牵头单位，下同` convention holds."""
    return min(
        (block.line for block in blocks if declares_lead_first(block.text)), default=math.inf
    )


def to_task(
    item: Item, index: int, diagnostics: list[Diagnostic], *, lead_first: bool = False
) -> Task:
    """The task an item states, with the units of its clauses (at its end, after a sentence,
    or an inline `由…牵头`)."""
    text, clause, _ = split_unit_clause(item.text)
    clauses = inner_unit_clauses(text)
    if clause:
        clauses.append(clause)
    elif not clauses and (inline := INLINE_LEAD.search(item.text)):
        clauses.append(inline.group(1) + "牵头")
    roled: list[tuple[str, Role]] = [(one, "responsible") for one in clauses]
    deadline = next(filter(None, map(clause_deadline, clauses)), None)
    return Task(
        id=f"t{index}",
        marker=item.marker,
        title=item.title,
        text=text.strip(),
        section_path=item.section_path,
        units=units_of(roled, item.line, diagnostics, lead_first=lead_first),
        line=item.line,
        column=item.column_id,
        targets=[],  # read later (figures.tasks_with_targets); every field given is quicker
        source="text",
        deadline=deadline,
    )


def units_of(
    clauses: Iterable[tuple[str, Role]],
    line: int,
    diagnostics: list[Diagnostic],
    *,
    lead_first: bool,
) -> list[UnitRef]:
    """The units of several clauses (each with its default role), the first mention of each."""
    units: list[UnitRef] = []
    for clause, role in clauses:
        found, problems = parse_units(clause, role, lead_first=lead_first)
        units += [unit for unit in found if unit.name not in {u.name for u in units}]
        diagnostics.extend(located(problem, line) for problem in problems)
    return units


def located(problem: core.Diagnostic, line: int) -> Diagnostic:
    """The contract's diagnostic, on `line` unless the problem names its own."""
    return problem if problem.line else problem._replace(line=line)


def complete_truncated_units(tasks: list[Task], diagnostics: list[Diagnostic]) -> list[Task]:
    """A unit that lost its first characters (市游广电体育局) takes the name written intact
    elsewhere in the document with the same level prefix (市文化旅游广电体育局)."""
    intact = intact_forms({unit.name for task in tasks for unit in task.units})
    if not intact:
        return tasks
    for task in tasks:
        for unit in task.units:
            if unit.name in intact:
                diagnostics.append(
                    Diagnostic(
                        level="info",
                        code="unit-repaired",
                        line=task.line,
                        message=f"unit {unit.raw!r} read as {intact[unit.name]!r}",
                    )
                )
    return [with_intact_units(task, intact) for task in tasks]


def with_intact_units(task: Task, intact: dict[str, str]) -> Task:
    """`task`, copied with its truncated units renamed when it has one."""
    if not any(unit.name in intact for unit in task.units):
        return task
    units = [
        unit.model_copy(update={"name": intact[unit.name]}) if unit.name in intact else unit
        for unit in task.units
    ]
    return task.model_copy(update={"units": units})


def table_tasks(
    tables: list[Table], *, start: int, diagnostics: list[Diagnostic], lead_first: bool = False
) -> list[Task]:
    """Rows of a task-assignment table (a task column and a 责任单位 column) become tasks."""
    tasks: list[Task] = []
    for table in tables:
        columns = table_columns(table.header)
        if columns is None:
            continue
        above: dict[int, str] = {}
        for row_number, row in enumerate(table.rows):
            cells = unit_cells(row, columns, above)
            tasks.append(
                table_row_task(
                    table,
                    row,
                    row_number,
                    columns,
                    cells,
                    len(tasks) + start,
                    diagnostics,
                    lead_first=lead_first,
                )
            )
    return tasks


def unit_cells(row: list[str], columns: TableColumns, above: dict[int, str]) -> dict[int, str]:
    """The unit cells of a row; an empty one under a merged cell takes the cell above."""
    cells = {index: row[index].strip() if index < len(row) else "" for index, _ in columns.units}
    if any(cells.values()):
        above.clear()
        above.update(cells)
        return cells
    return dict(above)


def table_row_task(
    table: Table,
    row: list[str],
    row_number: int,
    columns: TableColumns,
    cells: dict[int, str],
    index: int,
    diagnostics: list[Diagnostic],
    *,
    lead_first: bool = False,
) -> Task:
    line = row_line(table, row_number)
    task_col = columns.task
    roled = [(cells[column], role) for column, role in columns.units if cells.get(column)]
    units = units_of(roled, line, diagnostics, lead_first=lead_first)
    unit_cols = {column for column, _ in columns.units}
    deadline = row[columns.deadline].strip() if columns.deadline is not None else ""
    # the text is the last cell after the task that is neither units nor the deadline
    # (工作要求, 具体措施); the cells before the task are its number and its group
    others = [
        cell
        for i, cell in enumerate(row)
        if i > task_col and i not in unit_cols and i != columns.deadline and cell
    ]
    group = [row[0]] if task_col > 0 and not row[0].isdigit() else []
    marker = next((cell for cell in row[:task_col] if cell.isdigit()), None)
    return Task(
        id=f"t{index}",
        marker=marker,
        title=row[task_col],
        text=others[-1] if others else row[task_col],
        section_path=[*table.section_path, *([table.caption] if table.caption else []), *group],
        units=units,
        line=line,
        column=None,
        targets=[],
        source="table",
        deadline=deadline or None,
    )
