"""Reading the figures of each kind of block (goals, headings, tasks, other paragraphs,
indicator tables) with the deadline and kind that its place in the document gives it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import NamedTuple

from plancli import core
from plancli.models import Diagnostic, Goal, Item, Paragraph, Table, Target, Task
from plancli.stages.dates import written_year
from plancli.stages.extract.blocks import (
    Sections,
    ancestry,
    heading_deadline,
    headings_with_figures,
    paragraphs_with_review_flag,
)
from plancli.stages.targets import find_targets, table_targets


class Reading(NamedTuple):
    """What every figure of one document is read with, and where its problems go."""

    sections: Sections
    read: Callable[[str, int], str]  # a block's text as extraction reads it (see blocks.reader)
    umbrella: int | None  # the plan's deadline
    plan_year: int | None  # the year of an annual plan
    plan_start: int | None  # the first year of the plan's own period
    diagnostics: list[Diagnostic]

    def targets(
        self,
        text: str,
        line: int,
        *,
        year: int | None,
        section_path: list[str],
        status: bool = False,
    ) -> list[Target]:
        """The figures of one block of running text."""
        found, problems = find_targets(
            self.read(text, line),
            line,
            year=year,
            section_path=section_path,
            status=status,
            plan_start=self.plan_start,
        )
        return self._keep(found, problems)

    def table_targets(self, tables: Iterable[Table]) -> list[Target]:
        """The figures of indicator tables (and of task-list tables' text cells)."""
        found: list[Target] = []
        for table in tables:
            found += self._keep(*table_targets(table))
        return found

    def _keep(self, found: list[Target], problems: list[core.Diagnostic]) -> list[Target]:
        self.diagnostics.extend(problems)
        return found


def goals_with_targets(goals: list[Goal], reading: Reading) -> list[Goal]:
    """Each goal with the figures it states, due by its own deadline or else the plan's."""
    return [
        goal.model_copy(
            update={
                "targets": reading.targets(
                    goal.text,
                    goal.line,
                    year=goal.year or reading.umbrella,
                    section_path=goal.section_path,
                )
            }
        )
        for goal in goals
    ]


def heading_targets(reading: Reading) -> list[Target]:
    """The figures of headings that state one (`1.努力实现地区生产总值增长6.2%左右。`)."""
    sections = reading.sections
    found: list[Target] = []
    for section in headings_with_figures(sections):
        above = [sections[sid].title for sid in reversed(ancestry(section.id, sections))][:-1]
        found += reading.targets(
            section.title,
            section.line,
            year=heading_deadline(section, sections) or reading.umbrella,
            section_path=above,
        )
    return found


def tasks_with_targets(
    tasks: list[Task], items: list[Item], goals: list[Goal], reading: Reading
) -> tuple[list[Task], list[Target]]:
    """Each task of the text (one per item, in order) with its figures, and the figures newly
    read; a goal paragraph that also assigns units keeps the figures read for the goal."""
    read_by_goal = {(goal.line, goal.text): goal.targets for goal in goals}
    completed: list[Task] = []
    found: list[Target] = []
    for task, item in zip(tasks, items, strict=False):
        if (task.line, item.text) in read_by_goal:  # items split from one line share it
            targets = read_by_goal[task.line, item.text]
        elif task.source == "text":
            targets = reading.targets(
                task.text,
                task.line,
                year=heading_deadline(item, reading.sections) or reading.plan_year,
                section_path=task.section_path,
            )
            found += targets
        else:
            completed.append(task)
            continue
        completed.append(task.model_copy(update={"targets": targets}) if targets else task)
    return [*completed, *tasks[len(completed) :]], found


def paragraph_targets(
    paragraphs: list[Paragraph], already_read: set[int], reading: Reading
) -> list[Target]:
    """The figures of the other paragraphs; in a review of an earlier period they are status."""
    found: list[Target] = []
    for paragraph, in_review in paragraphs_with_review_flag(paragraphs, reading.plan_start):
        if paragraph.line in already_read:
            continue
        deadline = heading_deadline(paragraph, reading.sections) or reading.plan_year
        found += reading.targets(
            paragraph.text,
            paragraph.line,
            year=None if in_review else deadline,
            section_path=paragraph.section_path,
            status=in_review,
        )
    return found


def with_row_deadlines(targets: list[Target], tasks: list[Task]) -> list[Target]:
    """A figure of a table row without a year of its own is due by the row's deadline."""
    due = {}
    for task in tasks:
        year = written_year(task.deadline) if task.deadline else None
        if year is not None:
            due[task.line] = year
    return [
        target.model_copy(update={"year": due[target.line]})
        if target.source == "table" and target.year is None and target.line in due
        else target
        for target in targets
    ]


def with_table_targets(tasks: list[Task], targets: list[Target]) -> list[Task]:
    """A task taken from a table row owns the targets read from that row."""
    by_line: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        if target.source == "table":
            by_line[target.line].append(target)
    return [
        task.model_copy(update={"targets": by_line[task.line]})
        if task.source == "table" and task.line in by_line
        else task  # a task keeps its (empty) list when no row figure is its own
        for task in tasks
    ]
