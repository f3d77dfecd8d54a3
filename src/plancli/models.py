"""The output contract (`docs/contract.md`, schema version 1) as records.

Field names here are the public interface: never rename, add freely.
Segment's intermediate result (`Outline`, `Item`, `Paragraph`) lives here too
because extraction and the human views both read it.

The records are `plancli.records.Model`s: built by keyword, frozen, with
pydantic's method names. `Diagnostic`, `Removal`, `Repair` and `SuspectSpan` are
the NamedTuples of `core.py` that the text stages already build: one type per
concept, and no pydantic on the way from a file to its JSON or YAML.
"""

from __future__ import annotations

from typing import Literal

from plancli.core import Diagnostic as Diagnostic
from plancli.core import Removal as Removal
from plancli.core import Repair as Repair
from plancli.core import SuspectSpan as SuspectSpan
from plancli.records import Model as Model
from plancli.records import as_data as as_data
from plancli.records import field
from plancli.records import field_names as field_names

SCHEMA_VERSION = "1"

Comparator = Literal[">=", ">", "<=", "<", "=", "~"]
Role = Literal["lead", "responsible", "support"]


# --- provenance (Diagnostic is core's record) -------------------------------------


class Source(Model):
    path: str
    sha256: str
    bytes: int
    encoding: str


# --- normalization (Removal, Repair and SuspectSpan are core's records) ---------------


class Normalization(Model):
    script: Literal["simplified", "traditional", "mixed"] = "simplified"
    converted_chars: int = 0
    annotations_removed: int = 0
    boilerplate_removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    suspect_spans: list[SuspectSpan] = field(default_factory=list)


# --- meta -------------------------------------------------------------------------


class Period(Model):
    start: int
    end: int


class Reference(Model):
    title: str
    doc_number: str | None = None
    line: int | None = None


class Meta(Model):
    title: str | None = None
    notice_title: str | None = None
    doc_number: str | None = None
    issuer: str | None = None
    co_issuers: list[str] = field(default_factory=list)  # joint signers after the first
    date: str | None = None  # ISO YYYY-MM-DD
    recipients: list[str] = field(default_factory=list)
    period: Period | None = None
    references: list[Reference] = field(default_factory=list)
    title_line: int | None = None
    notice_line: int | None = None
    body_line: int | None = None  # first line of the plan's own body
    # A portal info box read into normalised keys (索引号, 主题分类, 发布机构, 成文日期, 发布日期,
    # 发文字号, 有效性 …; rules/portal.yaml); empty when the page had none.
    portal: dict[str, str] = field(default_factory=dict)


# --- structure --------------------------------------------------------------------


class Section(Model):
    id: str
    level: int
    marker: str | None
    title: str
    line: int
    kind: Literal["heading", "column", "annex"] = "heading"
    children: list[Section] = field(default_factory=list)
    end_line: int | None = None  # last line that belongs to the section (its span)


class Table(Model):
    id: str
    caption: str | None = None
    header: list[str]
    rows: list[list[str]]
    line: int
    row_lines: list[int] = field(default_factory=list)
    section_path: list[str] = field(default_factory=list)


class Item(Model):
    """A numbered or lead-sentence item as segmented (a task before extraction)."""

    id: str
    marker: str | None
    title: str | None  # lead phrase before the first 。 (<= 30 chars), else None
    text: str  # full text after the marker, unit clause still included
    line: int
    section_path: list[str] = field(default_factory=list)
    section_id: str | None = None
    column_id: str | None = None


class Paragraph(Model):
    """Running text that is neither a heading nor an item."""

    text: str
    line: int
    section_path: list[str] = field(default_factory=list)
    section_id: str | None = None
    column_id: str | None = None


class Outline(Model):
    """Segment's result: the document's shape, in reading order."""

    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)  # merged into normalization.repairs
    suspect_spans: list[SuspectSpan] = field(default_factory=list)  # for reading, not output
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def column_sections(self) -> list[Section]:
        """The 专栏 boxes, which live in the section tree with kind == 'column'."""
        return [s for s in iter_sections(self.sections) if s.kind == "column"]


def iter_sections(sections: list[Section]):
    for section in sections:
        yield section
        yield from iter_sections(section.children)


# --- extraction -------------------------------------------------------------------


class UnitRef(Model):
    name: str
    raw: str
    role: Role


class Baseline(Model):
    value: float | None = None
    year: int | None = None
    text: str | None = None


class Target(Model):
    indicator: str
    comparator: Comparator
    value: float
    value_max: float | None = None
    unit: str | None = None
    per: str | None = None
    year: int | None = None
    baseline: Baseline | None = None
    attribute: Literal["预期性", "约束性"] | None = None
    kind: Literal["target", "status"] = "target"
    text: str
    source: Literal["text", "table"] = "text"
    line: int
    section_path: list[str] = field(default_factory=list)


class Task(Model):
    id: str
    marker: str | None
    title: str | None
    text: str
    section_path: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    line: int
    column: str | None = None
    targets: list[Target] = field(default_factory=list)
    source: Literal["text", "table"] = "text"
    deadline: str | None = None  # as the row's 完成时限 cell gives it: `2023年12月底`


class Column(Model):
    """A boxed 专栏 with its own items."""

    id: str
    marker: str  # e.g. 专栏3
    title: str
    line: int
    items: list[Task] = field(default_factory=list)


class Goal(Model):
    id: str
    text: str
    line: int
    section_path: list[str] = field(default_factory=list)
    year: int | None = None
    targets: list[Target] = field(default_factory=list)


class Unit(Model):
    name: str
    tasks: int
    lead: int = 0
    responsible: int = 0
    support: int = 0
    raw: list[str] = field(default_factory=list)


class Document(Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    plancli_version: str
    source: Source
    meta: Meta
    normalization: Normalization
    sections: list[Section] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Extraction(Model):
    """Extract's result, merged into the Document by the pipeline."""

    goals: list[Goal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
