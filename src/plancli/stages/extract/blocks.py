"""Which block of the outline is what: goal paragraphs, task items, headings that state figures,
paragraphs reviewing an earlier plan period; and the years a block's figures default to (the
heading's deadline, the annual plan's year, the plan's own period)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from plancli import regexes
from plancli.models import Goal, Item, Outline, Paragraph, Section, SuspectSpan
from plancli.stages.targets import plan_periods, review_openings
from plancli.stages.units import split_unit_clause

GOAL_HEADING = regexes.compile(r"目标")
NOT_TASK_HEADING = regexes.compile(r"原则|指导思想")
DEADLINE = regexes.compile(r"到\s*(20\d\d)\s*年")
PRINCIPLE_OPENING = regexes.compile(r"^——\s*坚持")
BASE_YEAR = regexes.compile(r"基期|基准年|基年|为基数")  # `(以2020年为基期)` names no deadline
YEAR_IN_TITLE = regexes.compile(r"(?<!\d)(20\d\d)\s*年(?!\s*[—\-~至到])")
MAX_TITLE_CHARS = 30  # a paragraph's lead sentence up to this long is its title

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


class Sections(dict[str, Section]):
    """The document's sections by id, with what a block learns from the headings above it
    (its ancestry, the goals or principles part, a deadline) read once per section, however
    many blocks a section holds."""

    def __init__(self, sections: Iterable[Section]) -> None:
        super().__init__((section.id, section) for section in sections)
        self._ancestry: dict[str | None, list[str]] = {}
        self._in_goal_part: dict[str | None, bool] = {}
        self._under_principles: dict[str | None, bool] = {}
        self._deadline: dict[str | None, int | None] = {}

    def ancestry(self, section_id: str | None) -> list[str]:
        """The section and its ancestors, by id (ids are hierarchical, e.g. s2.1.3)."""
        found = self._ancestry.get(section_id)
        if found is None:
            found = self._ancestry[section_id] = self._read_ancestry(section_id)
        return found

    def _read_ancestry(self, section_id: str | None) -> list[str]:
        if section_id is None or section_id not in self:
            return []
        parts = section_id.split(".")
        return [sid for i in range(len(parts), 0, -1) if (sid := ".".join(parts[:i])) in self]

    def in_goal_part(self, section_id: str | None) -> bool:
        """Under a heading that names 目标."""
        found = self._in_goal_part.get(section_id)
        if found is None:
            found = self._in_goal_part[section_id] = self._any_title(GOAL_HEADING, section_id)
        return found

    def under_principles(self, section_id: str | None) -> bool:
        """Under a principles or guiding-thought heading, where no item is a task."""
        found = self._under_principles.get(section_id)
        if found is None:
            found = self._under_principles[section_id] = self._any_title(
                NOT_TASK_HEADING, section_id
            )
        return found

    def _any_title(self, pattern: re.Pattern[str], section_id: str | None) -> bool:
        return any(pattern.search(self[sid].title) for sid in self.ancestry(section_id))

    def deadline(self, section_id: str | None) -> int | None:
        """The deadline a heading at or above the section states (see `heading_deadline`)."""
        if section_id in self._deadline:
            return self._deadline[section_id]
        found = self._deadline[section_id] = self._read_deadline(section_id)
        return found

    def _read_deadline(self, section_id: str | None) -> int | None:
        for sid in self.ancestry(section_id):
            title = self[sid].title
            if found := DEADLINE.search(title):
                return int(found.group(1))
            if (
                GOAL_HEADING.search(title)
                and not BASE_YEAR.search(title)
                and len(years := set(YEAR_IN_TITLE.findall(title))) == 1
            ):
                return int(years.pop())
        return None


def in_goal_part(section_id: str | None, sections: Sections) -> bool:
    return sections.in_goal_part(section_id)


def ancestry(section_id: str | None, sections: Sections) -> list[str]:
    """The section and its ancestors, by id (ids are hierarchical, e.g. s2.1.3)."""
    return sections.ancestry(section_id)


def goal_paragraphs(outline: Outline, sections: Sections) -> list[Paragraph | Item]:
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


def headings_with_figures(sections: Sections) -> list[Section]:
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


def to_goal(block: Paragraph | Item, sections: Sections) -> Goal:
    """A goal, due by the deadline it states or else the one its heading states."""
    deadline = DEADLINE.search(block.text)
    return Goal(
        id=f"g{block.line}",
        text=block.text,
        line=block.line,
        section_path=block.section_path,
        year=int(deadline.group(1)) if deadline else heading_deadline(block, sections),
    )


def with_unique_ids(goals: list[Goal]) -> list[Goal]:
    """Goals split from one line (`1.…。 2.…。`) would share `g<line>`: the later ones get
    `g<line>-2`, `g<line>-3` …"""
    seen: dict[str, int] = {}
    unique = []
    for goal in goals:
        seen[goal.id] = seen.get(goal.id, 0) + 1
        count = seen[goal.id]
        unique.append(goal if count == 1 else goal.model_copy(update={"id": f"{goal.id}-{count}"}))
    return unique


def heading_deadline(block: Paragraph | Item | Section, sections: Sections) -> int | None:
    """The deadline a heading above the block states: `二、到2025年主要目标`, or the one
    year a goals heading names (`一、2025年主要预期目标` in an annual plan)."""
    return sections.deadline(block.id if isinstance(block, Section) else block.section_id)


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


def task_items(outline: Outline, sections: Sections, assigning: list[Item]) -> list[Item]:
    """Items outside the principles and goals parts, and paragraphs that assign units.

    A goal that names who answers for it (`1.地区生产总值增长6%。(牵头单位:县发展和改革局)`,
    common in annual 重点工作责任分工 plans) is a task too.
    """
    candidates = [*outline.items, *assigning]
    return sorted(
        (
            item
            for item in candidates
            if not sections.under_principles(item.section_id)
            and (not sections.in_goal_part(item.section_id) or assigns_units(item.text))
        ),
        key=lambda item: item.line,
    )


def assigns_units(text: str) -> bool:
    return split_unit_clause(text)[1] is not None


def clause_paragraphs(paragraphs: list[Paragraph]) -> Iterable[Item]:
    """A paragraph that ends with a responsibility clause is a task without a marker."""
    for paragraph in paragraphs:
        if not assigns_units(paragraph.text):
            continue
        lead = paragraph.text.split("。", 1)[0]
        yield Item(
            id=f"p{paragraph.line}",
            marker=None,
            title=lead if len(lead) <= MAX_TITLE_CHARS and lead != paragraph.text else None,
            text=paragraph.text,
            line=paragraph.line,
            section_path=paragraph.section_path,
            section_id=paragraph.section_id,
            column_id=paragraph.column_id,
        )


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


def review_patterns(start: int | None) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A paragraph opening on an earlier period (“十三五”期间) starts a review; one naming the
    plan's own period (“十四五”) ends it."""
    periods = plan_periods()
    past = [name for name, (_, end) in periods.items() if start is not None and end < start]
    own = [name for name, (first, _) in periods.items() if first == start]
    openings = [rf"^“?(?:{'|'.join(past)})”?(?:期间|时期)"] if past else []
    openings += [f"^{word}" for word in review_openings()]
    never = "(?!)"
    return (
        regexes.compile("|".join(openings) or never),
        regexes.compile("|".join(own) or never),
    )
