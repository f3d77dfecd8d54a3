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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

import regex

from plancli.models import (
    Column,
    Diagnostic,
    Extraction,
    Goal,
    Item,
    Outline,
    Paragraph,
    Section,
    SuspectSpan,
    Table,
    Target,
    Task,
    Unit,
    UnitRef,
    iter_sections,
)
from plancli.stages.targets import find_targets, plan_periods, review_openings, table_targets
from plancli.stages.units import (
    TableColumns,
    declares_lead_first,
    inner_unit_clauses,
    intact_forms,
    parse_units,
    split_unit_clause,
    table_columns,
)

GOAL_HEADING = regex.compile(r"目标")
NOT_TASK_HEADING = regex.compile(r"原则|指导思想")
DEADLINE = regex.compile(r"到\s*(20\d\d)\s*年")
PRINCIPLE_OPENING = regex.compile(r"^——\s*坚持")
YEAR_IN_TITLE = regex.compile(r"(?<!\d)(20\d\d)\s*年(?!\s*[—\-~至到])")
INLINE_LEAD = regex.compile(r"由([^,;:。由]{2,60}?)牵头")  # 由州民政局、发展改革委牵头,会同…


def extract(outline: Outline) -> Extraction:
    """Turn the segmented outline into the contract's goals, tasks, targets and units."""
    diagnostics: list[Diagnostic] = []
    sections = {section.id: section for section in iter_sections(outline.sections)}

    goals = [
        goal for paragraph in goal_paragraphs(outline, sections) for goal in [to_goal(paragraph)]
    ]
    assigning = list(clause_paragraphs(outline.paragraphs))
    items = task_items(outline, sections, assigning)
    conventions = lead_first_from([*items, *outline.paragraphs])
    tasks = [
        to_task(item, index, diagnostics, lead_first=item.line >= conventions)
        for index, item in enumerate(items, 1)
    ]
    tasks += table_tasks(
        outline.tables,
        start=len(tasks) + 1,
        diagnostics=diagnostics,
        lead_first=conventions < math.inf,  # a table's note may follow it (注:排在第一位的…)
    )
    tasks = complete_truncated_units(tasks, diagnostics)

    plan_year = single_year_plan(outline)
    umbrella = umbrella_year(goals) or plan_year
    start = plan_start(outline)
    read = reader(outline.suspect_spans)
    targets: list[Target] = []
    for goal in goals:
        goal.targets = collect(
            find_targets(
                read(goal.text, goal.line),
                goal.line,
                year=goal.year or heading_deadline(goal, sections) or umbrella,
                section_path=goal.section_path,
                plan_start=start,
            ),
            diagnostics,
        )
        targets += goal.targets
    for section in headings_with_figures(sections):
        targets += collect(
            find_targets(
                read(section.title, section.line),
                section.line,
                year=heading_deadline(section, sections) or umbrella,
                section_path=[
                    sections[sid].title for sid in reversed(ancestry(section.id, sections))
                ][:-1],
                plan_start=start,
            ),
            diagnostics,
        )
    read_by_goal = {goal.line: goal.targets for goal in goals}
    for task, item in zip(tasks, items, strict=False):
        if task.line in read_by_goal:  # a goal paragraph that also assigns units: read once
            task.targets = read_by_goal[task.line]
        elif task.source == "text":
            task.targets = collect(
                find_targets(
                    read(task.text, task.line),
                    task.line,
                    year=heading_deadline(item, sections) or plan_year,
                    section_path=task.section_path,
                    plan_start=start,
                ),
                diagnostics,
            )
            targets += task.targets
    already_read = {goal.line for goal in goals} | {item.line for item in assigning}
    for paragraph, in_review in paragraphs_with_review_flag(outline.paragraphs, start):
        if paragraph.line in already_read:
            continue
        targets += collect(
            find_targets(
                read(paragraph.text, paragraph.line),
                paragraph.line,
                year=None if in_review else heading_deadline(paragraph, sections) or plan_year,
                section_path=paragraph.section_path,
                status=in_review,
                plan_start=start,
            ),
            diagnostics,
        )
    for table in outline.tables:
        targets += collect(table_targets(table), diagnostics)
    attach_table_targets(tasks, targets)

    return Extraction(
        goals=goals,
        tasks=tasks,
        columns=columns_of(outline, tasks),
        targets=sorted(targets, key=lambda t: t.line),
        units=unit_list(tasks),
        diagnostics=diagnostics,
    )


def collect(result: tuple[list[Target], list], diagnostics: list[Diagnostic]) -> list[Target]:
    found, problems = result
    diagnostics.extend(Diagnostic.model_validate(problem) for problem in problems)
    return found


# --- reading through garbled runs -------------------------------------------------

CONFIDENT = 0.8
MISSING = "□"


def reader(spans: list[SuspectSpan]) -> Callable[[str, int], str]:
    """How extraction reads a block: confident mojibake recoveries put in place.

    The normalizer leaves garbled runs in the text and proposes a recovery
    (`?!笆奈濉逼陂g` → `。“十四五”期间`); targets are read through a complete,
    confident proposal, so its deadline and figures count. Output text is not changed.
    """
    by_line: dict[int, list[SuspectSpan]] = defaultdict(list)
    for span in spans:
        if span.candidate and MISSING not in span.candidate and (span.confidence or 0) >= CONFIDENT:
            by_line[span.line].append(span)

    def read(text: str, line: int) -> str:
        for span in by_line.get(line, []):
            text = text.replace(span.text, span.candidate or span.text)
        return text

    return read


# --- goals ------------------------------------------------------------------------


def in_goal_part(section_id: str | None, sections: dict[str, Section]) -> bool:
    return any(GOAL_HEADING.search(sections[sid].title) for sid in ancestry(section_id, sections))


def ancestry(section_id: str | None, sections: dict[str, Section]) -> list[str]:
    """The section and its ancestors, by id (ids are hierarchical, e.g. s2.1.3)."""
    if section_id is None or section_id not in sections:
        return []
    parts = section_id.split(".")
    return [sid for i in range(len(parts), 0, -1) if (sid := ".".join(parts[:i])) in sections]


def goal_paragraphs(outline: Outline, sections: dict[str, Section]) -> list[Paragraph | Item]:
    """Goal statements: paragraphs in a 目标 section, or `——`/`到20XX年` paragraphs elsewhere."""
    has_goal_heading = any(GOAL_HEADING.search(s.title) for s in sections.values())
    found: list[Paragraph | Item] = []
    for paragraph in outline.paragraphs:
        if in_goal_part(paragraph.section_id, sections) or (
            not has_goal_heading and is_goal_statement(paragraph.text)
        ):
            found.append(paragraph)
    found += [item for item in outline.items if in_goal_part(item.section_id, sections)]
    return sorted(found, key=lambda block: block.line)


def headings_with_figures(sections: dict[str, Section]) -> list[Section]:
    """Headings that state a figure: goals and tasks are often listed as short numbered
    headings (`1.努力实现地区生产总值增长6.2%左右。`, `1.投资3000万元建设…基地。`)."""
    return [
        section
        for section in sections.values()
        if section.kind == "heading" and any(char.isdigit() for char in section.title)
    ]


def is_goal_statement(text: str) -> bool:
    """A `——…` or plain paragraph that commits to a deadline (到2025年…); not a principle."""
    return bool(DEADLINE.search(text)) and not PRINCIPLE_OPENING.search(text)


def to_goal(block: Paragraph | Item) -> Goal:
    deadline = DEADLINE.search(block.text)
    return Goal(
        id=f"g{block.line}",
        text=block.text,
        line=block.line,
        section_path=block.section_path,
        year=int(deadline.group(1)) if deadline else None,
    )


def heading_deadline(
    block: Paragraph | Item | Goal | Section, sections: dict[str, Section]
) -> int | None:
    """The deadline a heading above the block states (`二、到2025年主要目标`)."""
    section_id = block.id if isinstance(block, Section) else getattr(block, "section_id", None)
    for sid in ancestry(section_id, sections):
        found = DEADLINE.search(sections[sid].title)
        if found:
            return int(found.group(1))
    return None


def single_year_plan(outline: Outline) -> int | None:
    """The year of an annual plan (`包头市2022年数字政府建设考评办法`): its deadlines
    (`6月底完成`) fall in that year. None for a plan that covers a period."""
    title = outline.meta.title or ""
    years = {int(year) for year in YEAR_IN_TITLE.findall(title)}
    if outline.meta.period is not None or len(years) != 1:
        return None
    if any(name in title for name in plan_periods()):
        return None
    return years.pop()


def plan_start(outline: Outline) -> int | None:
    """The first year of the plan's own period: the stated one, else the latest five-year
    plan the document names (a 十五五 plan reviews 十四五)."""
    if outline.meta.period is not None:
        return outline.meta.period.start
    periods = plan_periods()
    texts = [outline.meta.title or "", *(p.text for p in outline.paragraphs)]
    named = [periods[name][0] for name in periods if any(name in text for text in texts)]
    return max(named, default=None)


def umbrella_year(goals: list[Goal]) -> int | None:
    """The plan's deadline: the earliest deadline stated in its goals (2025 in a 十四五 plan)."""
    years = [goal.year for goal in goals if goal.year]
    return min(years) if years else None


# --- tasks ------------------------------------------------------------------------


def task_items(outline: Outline, sections: dict[str, Section], assigning: list[Item]) -> list[Item]:
    """Items outside the principles and goals parts, and paragraphs that assign units."""
    candidates = [*outline.items, *assigning]
    return sorted(
        (
            item
            for item in candidates
            if not any(
                NOT_TASK_HEADING.search(sections[sid].title)
                for sid in ancestry(item.section_id, sections)
            )
            and not in_goal_part(item.section_id, sections)
        ),
        key=lambda item: item.line,
    )


def clause_paragraphs(paragraphs: list[Paragraph]) -> Iterable[Item]:
    """A paragraph that ends with a responsibility clause is a task without a marker."""
    for paragraph in paragraphs:
        if split_unit_clause(paragraph.text)[1] is None:
            continue
        lead = paragraph.text.split("。", 1)[0]
        yield Item(
            id=f"p{paragraph.line}",
            marker=None,
            title=lead if len(lead) <= 30 and lead != paragraph.text else None,
            text=paragraph.text,
            line=paragraph.line,
            section_path=paragraph.section_path,
            section_id=paragraph.section_id,
            column_id=paragraph.column_id,
        )


def lead_first_from(blocks: list[Item | Paragraph]) -> float:
    """The line from which the document's `列第一位者为牵头单位，下同` convention holds."""
    return min(
        (block.line for block in blocks if declares_lead_first(block.text)), default=math.inf
    )


def to_task(
    item: Item, index: int, diagnostics: list[Diagnostic], *, lead_first: bool = False
) -> Task:
    text, clause, _ = split_unit_clause(item.text)
    clauses = inner_unit_clauses(text)
    if clause:
        clauses.append(clause)
    elif not clauses and (inline := INLINE_LEAD.search(item.text)):
        clauses.append(inline.group(1) + "牵头")
    units: list[UnitRef] = []
    for one in clauses:
        found, problems = parse_units(one, lead_first=lead_first)
        units += [unit for unit in found if unit.name not in {u.name for u in units}]
        diagnostics.extend(with_line(problem, item.line) for problem in problems)
    return Task(
        id=f"t{index}",
        marker=item.marker,
        title=item.title,
        text=text.strip(),
        section_path=item.section_path,
        units=units,
        line=item.line,
        column=item.column_id,
    )


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
    return [
        task.model_copy(
            update={
                "units": [
                    unit.model_copy(update={"name": intact.get(unit.name, unit.name)})
                    for unit in task.units
                ]
            }
        )
        for task in tasks
    ]


def with_line(problem: object, line: int) -> Diagnostic:
    diagnostic = Diagnostic.model_validate(problem)
    return diagnostic if diagnostic.line else diagnostic.model_copy(update={"line": line})


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
    line = table.row_lines[row_number] if row_number < len(table.row_lines) else table.line
    task_col = columns.task
    units: list[UnitRef] = []
    for column, role in columns.units:
        if not cells.get(column):
            continue
        found, problems = parse_units(cells[column], role, lead_first=lead_first)
        units += [unit for unit in found if unit.name not in {u.name for u in units}]
        diagnostics.extend(with_line(problem, line) for problem in problems)
    unit_cols = {column for column, _ in columns.units}
    others = [cell for i, cell in enumerate(row) if i != task_col and i not in unit_cols and cell]
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
        source="table",
    )


def attach_table_targets(tasks: list[Task], targets: list[Target]) -> None:
    """A task taken from a table row owns the targets read from that row."""
    by_line: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        if target.source == "table":
            by_line[target.line].append(target)
    for task in tasks:
        if task.source == "table":
            task.targets = by_line.get(task.line, [])


# --- review period ----------------------------------------------------------------


def paragraphs_with_review_flag(
    paragraphs: list[Paragraph], start: int | None
) -> Iterable[tuple[Paragraph, bool]]:
    """Pair each paragraph with whether it reviews a period before the plan's own (`start`)."""
    review_start, review_end = review_patterns(start)
    in_review = False
    for paragraph in paragraphs:
        if review_start.search(paragraph.text):
            in_review = True
        elif in_review and review_end.search(paragraph.text):
            in_review = False
        yield paragraph, in_review


def review_patterns(start: int | None) -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    """A paragraph opening on an earlier period (“十三五”期间) starts a review; one naming the
    plan's own period (“十四五”) ends it."""
    periods = plan_periods()
    past = [name for name, (_, end) in periods.items() if start is not None and end < start]
    own = [name for name, (first, _) in periods.items() if first == start]
    openings = [rf"^“?(?:{'|'.join(past)})”?(?:期间|时期)"] if past else []
    openings += [f"^{word}" for word in review_openings()]
    never = "(?!)"
    return (
        regex.compile("|".join(openings) or never),
        regex.compile("|".join(own) or never),
    )


# --- columns and units ------------------------------------------------------------


def columns_of(outline: Outline, tasks: list[Task]) -> list[Column]:
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
    raws: dict[str, list[str]] = defaultdict(list)
    for task in tasks:
        for role, name in {(u.role, u.name) for u in task.units}:
            counts[name][role] += 1
        for unit in task.units:
            if unit.raw not in raws[unit.name]:
                raws[unit.name].append(unit.raw)
    units = [
        Unit(
            name=name,
            tasks=sum(1 for t in tasks if any(u.name == name for u in t.units)),
            lead=roles["lead"],
            responsible=roles["responsible"],
            support=roles["support"],
            raw=raws[name],
        )
        for name, roles in counts.items()
    ]
    return sorted(units, key=lambda unit: (-unit.tasks, unit.name))
