"""Align the tasks of several documents by title and text, and follow their responsible units.

Two tasks are the same when their character bigrams overlap enough (see similarity.py); when
both have a title (the lead phrase before the first 。) the titles weigh in too, because a
lower level usually keeps the title and rewrites the body. Pairs are taken one to one, best
first; a task without a partner at the next level was not carried down.

Responsible units are compared by kind, not by level: 州民政局 and 县民政局 are both 民政局
once the level prefix is gone (rules/compare.yaml: unit_level_prefixes, unit_rewrites).
"""

from __future__ import annotations

from plancli import regexes
from plancli.commands.compare.model import TaskCell, TaskRow, TaskStep
from plancli.commands.compare.rules import compare_rules
from plancli.commands.compare.similarity import dice
from plancli.models import Document, Task
from plancli.text import fold_width

TASK_MIN = 0.4  # below this two tasks are different tasks
TEXT_MIN = 0.2  # …and so are two that share a title (加强组织领导) but hardly any text
TITLE_WEIGHT = 0.4
SUMMARY_CHARS = 24
NOT_TEXT = regexes.compile(r"[^\w]")


def task_text(text: str | None) -> str:
    """Letters only: punctuation and width differences say nothing about the content."""
    return NOT_TEXT.sub("", fold_width(text or ""))


def task_similarity(left: Task, right: Task) -> float:
    """Bigram Dice of the texts, blended with that of the titles when both have one.

    Texts that share almost nothing score 0 whatever their titles: every plan has a
    加强组织领导 or 指导思想, and two of them need not say the same thing.

    >>> def task(text):
    ...     return Task(id="t1", marker="1.", title="健全党建引领机制", text=text, line=1)
    >>> a = task("健全党建引领机制。完善州、县、乡镇、村党组织四级联动体系。")
    >>> b = task("健全党建引领机制。完善县、乡镇、村党组织三级联动体系。")
    >>> round(task_similarity(a, b), 2)
    0.91
    """
    text = dice(task_text(left.text), task_text(right.text))
    if text < TEXT_MIN:
        return 0.0
    if left.title and right.title:
        title = dice(task_text(left.title), task_text(right.title))
        return TITLE_WEIGHT * title + (1 - TITLE_WEIGHT) * text
    return text


def unit_kind(name: str) -> str:
    """A unit's name without its level, so one kind of unit compares equal across levels.

    >>> [unit_kind(n) for n in ("州民政局", "县民政局", "省民政厅", "州党委组织部", "县委组织部")]
    ['民政局', '民政局', '民政局', '委组织部', '委组织部']
    >>> unit_kind("各县市人民政府") == unit_kind("各乡镇人民政府")
    True
    """
    rules = compare_rules()
    kind = name
    if not name.startswith(rules.unit_level_not_prefixes):
        kind = rules.unit_level_prefix.sub("", name, count=1)
    if len(kind) < 2:
        kind = name
    for pattern, replace in rules.unit_rewrites:
        kind = pattern.sub(replace, kind)
    return kind


def task_cell(task: Task) -> TaskCell:
    return TaskCell(
        id=task.id,
        marker=task.marker,
        title=task.title,
        summary=task.title or task.text[:SUMMARY_CHARS],
        line=task.line,
        units=list(dict.fromkeys(unit.name for unit in task.units)),
    )


def match_tasks(old: list[Task], new: list[Task]) -> dict[int, tuple[int, float]]:
    """One-to-one pairs {old index: (new index, similarity)}, best first."""
    scored = sorted(
        (
            (similarity, i, j)
            for i, left in enumerate(old)
            for j, right in enumerate(new)
            if (similarity := task_similarity(left, right)) >= TASK_MIN
        ),
        reverse=True,
    )
    result: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for similarity, i, j in scored:
        if i not in result and j not in used:
            result[i] = (j, round(similarity, 2))
            used.add(j)
    return result


def align_tasks(columns: list[list[Task]]) -> list[tuple[list[Task | None], list[float | None]]]:
    """Rows of tasks across documents and each step's similarity (None: no pair)."""
    width = len(columns)
    rows: list[tuple[list[Task | None], list[float | None]]] = [
        ([task, *[None] * (width - 1)], [None] * (width - 1)) for task in columns[0]
    ]
    for index in range(1, width):
        latest = [next(t for t in reversed(cells[:index]) if t) for cells, _ in rows]
        matched = match_tasks(latest, columns[index])
        for row_index, (column_index, similarity) in matched.items():
            cells, steps = rows[row_index]
            cells[index] = columns[index][column_index]
            if cells[index - 1] is not None:
                steps[index - 1] = similarity
        taken = {column_index for column_index, _ in matched.values()}
        rows.extend(
            ([*[None] * index, task, *[None] * (width - index - 1)], [None] * (width - 1))
            for column_index, task in enumerate(columns[index])
            if column_index not in taken
        )
    return rows


def task_step(before: Task | None, after: Task | None, similarity: float | None) -> TaskStep:
    if after is None:
        return TaskStep(change="not carried down")
    if before is None or similarity is None:
        return TaskStep(change="new")
    higher = {unit_kind(unit.name): unit.name for unit in before.units}
    lower = {unit_kind(unit.name): unit.name for unit in after.units}
    return TaskStep(
        change="carried",
        similarity=similarity,
        flags=["lost units"] if higher and not lower else [],
        units_not_carried=[name for kind, name in higher.items() if kind not in lower],
        units_added=[name for kind, name in lower.items() if kind not in higher],
    )


def task_rows(documents: list[Document]) -> list[TaskRow]:
    """Align the documents' tasks and describe every step of the chain."""
    rows = []
    for cells, similarities in align_tasks([document.tasks for document in documents]):
        steps = [
            task_step(cells[i], cells[i + 1], similarities[i])
            if cells[i] is not None or cells[i + 1] is not None
            else None
            for i in range(len(documents) - 1)
        ]
        rows.append(TaskRow(cells=[task_cell(t) if t else None for t in cells], steps=steps))
    return rows
