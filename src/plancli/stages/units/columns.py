"""Task-assignment tables: the column of the task and the columns of the units, with roles."""

from __future__ import annotations

import re
from typing import NamedTuple

from plancli.models import Role
from plancli.stages.units.rules import compiled


class TableColumns(NamedTuple):
    """Which columns of a task-assignment table hold the task, the units (with roles) and
    the deadline (None: no such column)."""

    task: int
    units: tuple[tuple[int, Role], ...]
    deadline: int | None = None


def table_columns(header: list[str]) -> TableColumns | None:
    """The task and unit columns of a task-assignment table; None for any other table."""
    vocab = compiled()
    task, indicator, roles = vocab.task_column, vocab.indicator_column, vocab.unit_columns
    cells = [re.sub(r"\s+", "", cell) for cell in header]
    if any(indicator.search(cell) for cell in cells):
        return None
    units = []
    for index, cell in enumerate(cells):
        role = next((role for pattern, role in roles if pattern.search(cell)), None)
        if role is not None:
            units.append((index, role))
    task_col = next(
        (i for i, cell in enumerate(cells) if task.search(cell) and i not in dict(units)), None
    )
    if task_col is None or not units:
        return None
    due = vocab.deadline_column
    deadline = next(
        (
            i
            for i, cell in enumerate(cells)
            if due is not None and due.search(cell) and i != task_col and i not in dict(units)
        ),
        None,
    )
    return TableColumns(task_col, tuple(units), deadline)
