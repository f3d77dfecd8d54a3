"""Stage 4, extract: outline → goals, tasks with units, numeric targets, the unit list.

Segment has already found the items, paragraphs and tables; this stage decides
what each of them means:

- an item is a task unless it sits under a principles / guiding-thought heading
  or inside the goals part (then it states a goal); a paragraph that ends with
  a responsibility clause is a task too; a task's units come from its clauses,
  at its end or after any of its sentences (…掌握。(合肥海关负责)巩固…), else
  from an inline `由…牵头` (由州民政局、发展改革委牵头,会同有关部门…);
- a note such as `列第一位者为牵头单位，下同` makes the first unit of every later
  clause (and of task-table rows) the lead one and the others support;
- a unit that lost its first characters takes the intact name written elsewhere
  in the document (市游广电体育局 → 市文化旅游广电体育局), with a diagnostic;
- a paragraph in the goals part (a heading whose title names 目标, or, in a
  document without such a heading, a paragraph that commits to a deadline
  `到2025年…`) is a goal; its deadline is the year of the targets it states.
  Other figures take the deadline their text opens with, or the one of a heading
  above them (`一、到2025年…`), or the year of an annual plan's title;
- a paragraph in the review of an earlier plan period (“十三五”期间… in a plan whose
  own period starts later, up to the paragraph that names its own period) only
  yields `status` figures; the periods are data (`five_year_plans`);
- a table with a unit column (责任单位, 牵头单位, 推进单位 …, see `table_columns` in
  units.yaml) and a task column is a task list; a table with an indicator column
  is handled by `targets.table_targets`.

The modules: `blocks` (which block is what, and the years it defaults to), `tasks`
(tasks with their units), `figures` (the targets of each kind of block) and `lists`
(the columns and the unit list).
"""

from __future__ import annotations

from plancli.models import Diagnostic, Extraction, Outline, iter_sections
from plancli.stages.extract.blocks import (
    Sections,
    clause_paragraphs,
    goal_paragraphs,
    plan_start,
    reader,
    single_year_plan,
    task_items,
    to_goal,
    umbrella_year,
    with_unique_ids,
)
from plancli.stages.extract.figures import (
    Reading,
    goals_with_targets,
    heading_targets,
    paragraph_targets,
    tasks_with_targets,
    with_row_deadlines,
    with_table_targets,
)
from plancli.stages.extract.lists import columns_of, unit_list
from plancli.stages.extract.tasks import all_tasks

__all__ = ["extract"]


def extract(outline: Outline) -> Extraction:
    """Turn the segmented outline into the contract's goals, tasks, targets and units."""
    diagnostics: list[Diagnostic] = []
    sections = Sections(iter_sections(outline.sections))
    goals = with_unique_ids([to_goal(b, sections) for b in goal_paragraphs(outline, sections)])
    assigning = list(clause_paragraphs(outline.paragraphs))
    items = task_items(outline, sections, assigning)
    tasks = all_tasks(items, outline.paragraphs, outline.tables, diagnostics)

    plan_year = single_year_plan(outline)
    reading = Reading(
        sections=sections,
        read=reader(outline.suspect_spans),
        umbrella=umbrella_year(goals) or plan_year,
        plan_year=plan_year,
        plan_start=plan_start(outline),
        diagnostics=diagnostics,
    )
    goals = goals_with_targets(goals, reading)
    targets = [target for goal in goals for target in goal.targets]
    targets += heading_targets(reading)
    tasks, task_figures = tasks_with_targets(tasks, items, goals, reading)
    targets += task_figures
    already_read = {goal.line for goal in goals} | {item.line for item in assigning}
    targets += paragraph_targets(outline.paragraphs, already_read, reading)
    targets += reading.table_targets(outline.tables)
    targets = with_row_deadlines(targets, tasks)
    tasks = with_table_targets(tasks, targets)

    return Extraction(
        goals=goals,
        tasks=tasks,
        columns=columns_of(outline, tasks),
        targets=sorted(targets, key=lambda t: t.line),
        units=unit_list(tasks),
        diagnostics=diagnostics,
    )
