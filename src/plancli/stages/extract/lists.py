"""The document-level lists built from the tasks: the boxed columns (专栏) with their tasks,
and every canonical unit with the number of tasks it appears in, by role."""

from __future__ import annotations

from collections import defaultdict

from plancli.models import Column, Outline, Task, Unit


def columns_of(outline: Outline, tasks: list[Task]) -> list[Column]:
    """The boxed columns of the outline, each with the tasks written inside it."""
    by_column: dict[str, list[Task]] = defaultdict(list)
    for task in tasks:
        if task.column:
            by_column[task.column].append(task)
    return [
        Column(
            id=section.id,
            marker=section.marker or "",
            title=section.title,
            line=section.line,
            items=by_column.get(section.id, []),
        )
        for section in outline.column_sections()
    ]


def unit_list(tasks: list[Task]) -> list[Unit]:
    """Every canonical unit with the number of tasks it appears in, by role."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    tasks_naming: dict[str, int] = defaultdict(int)
    raws: dict[str, list[str]] = defaultdict(list)
    for task in tasks:
        for name in {u.name for u in task.units}:
            tasks_naming[name] += 1
        for role, name in {(u.role, u.name) for u in task.units}:
            counts[name][role] += 1
        for unit in task.units:
            if unit.raw not in raws[unit.name]:
                raws[unit.name].append(unit.raw)
    units = [
        Unit(
            name=name,
            tasks=tasks_naming[name],
            lead=roles["lead"],
            responsible=roles["responsible"],
            support=roles["support"],
            raw=raws[name],
        )
        for name, roles in counts.items()
    ]
    return sorted(units, key=lambda unit: (-unit.tasks, unit.name))
