"""The output contract (`shared/spec/contract.md`, schema version 1) as pydantic models.

Field names here are the public interface: never rename, add freely.
Segment's intermediate result (`Outline`, `Item`, `Paragraph`) lives here too
because extraction and the human views both read it.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Comparator = Literal[">=", ">", "<=", "<", "=", "~"]
Role = Literal["lead", "responsible", "support"]


def empty_list() -> list[Any]:
    # A Python function, not `list`: pydantic inspects every default factory's signature
    # when a model class is built, and a builtin's costs 30 times as much (start-up time).
    return []


def empty_dict() -> dict[str, Any]:
    return {}


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


# --- diagnostics and provenance -------------------------------------------------


class Diagnostic(Model):
    level: Literal["error", "warning", "info"]
    code: str
    line: int | None = None
    message: str


class Source(Model):
    path: str
    sha256: str
    bytes: int
    encoding: str


# --- normalization ----------------------------------------------------------------


class Removal(Model):
    line: int
    text: str
    rule: str


class Repair(Model):
    line: int
    kind: str
    before: str
    after: str


class SuspectSpan(Model):
    line: int
    text: str
    candidate: str | None = None
    confidence: float | None = None


class Normalization(Model):
    script: Literal["simplified", "traditional", "mixed"] = "simplified"
    converted_chars: int = 0
    annotations_removed: int = 0
    boilerplate_removed: list[Removal] = Field(default_factory=empty_list)
    repairs: list[Repair] = Field(default_factory=empty_list)
    suspect_spans: list[SuspectSpan] = Field(default_factory=empty_list)


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
    co_issuers: list[str] = Field(default_factory=empty_list)  # joint signers after the first
    date: str | None = None  # ISO YYYY-MM-DD
    recipients: list[str] = Field(default_factory=empty_list)
    period: Period | None = None
    references: list[Reference] = Field(default_factory=empty_list)
    title_line: int | None = None
    notice_line: int | None = None
    body_line: int | None = None  # first line of the plan's own body
    # A portal info box read into normalised keys (索引号, 主题分类, 发布机构, 成文日期, 发布日期,
    # 发文字号, 有效性 …; rules/portal.yaml); empty when the page had none.
    portal: dict[str, str] = Field(default_factory=empty_dict)


# --- structure --------------------------------------------------------------------


class Section(Model):
    id: str
    level: int
    marker: str | None
    title: str
    line: int
    kind: Literal["heading", "column", "annex"] = "heading"
    children: list[Section] = Field(default_factory=empty_list)
    end_line: int | None = None  # last line that belongs to the section (its span)


class Table(Model):
    id: str
    caption: str | None = None
    header: list[str]
    rows: list[list[str]]
    line: int
    row_lines: list[int] = Field(default_factory=empty_list)
    section_path: list[str] = Field(default_factory=empty_list)


class Item(Model):
    """A numbered or lead-sentence item as segmented (a task before extraction)."""

    id: str
    marker: str | None
    title: str | None  # lead phrase before the first 。 (<= 30 chars), else None
    text: str  # full text after the marker, unit clause still included
    line: int
    section_path: list[str] = Field(default_factory=empty_list)
    section_id: str | None = None
    column_id: str | None = None


class Paragraph(Model):
    """Running text that is neither a heading nor an item."""

    text: str
    line: int
    section_path: list[str] = Field(default_factory=empty_list)
    section_id: str | None = None
    column_id: str | None = None


class Outline(Model):
    """Segment's result: the document's shape, in reading order."""

    meta: Meta = Field(default_factory=Meta)
    sections: list[Section] = Field(default_factory=empty_list)
    items: list[Item] = Field(default_factory=empty_list)
    paragraphs: list[Paragraph] = Field(default_factory=empty_list)
    tables: list[Table] = Field(default_factory=empty_list)
    repairs: list[Repair] = Field(default_factory=empty_list)  # merged into normalization.repairs
    suspect_spans: list[SuspectSpan] = Field(default_factory=empty_list)  # for reading, not output
    diagnostics: list[Diagnostic] = Field(default_factory=empty_list)

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
    section_path: list[str] = Field(default_factory=empty_list)


class Task(Model):
    id: str
    marker: str | None
    title: str | None
    text: str
    section_path: list[str] = Field(default_factory=empty_list)
    units: list[UnitRef] = Field(default_factory=empty_list)
    line: int
    column: str | None = None
    targets: list[Target] = Field(default_factory=empty_list)
    source: Literal["text", "table"] = "text"


class Column(Model):
    """A boxed 专栏 with its own items."""

    id: str
    marker: str  # e.g. 专栏3
    title: str
    line: int
    items: list[Task] = Field(default_factory=empty_list)


class Goal(Model):
    id: str
    text: str
    line: int
    section_path: list[str] = Field(default_factory=empty_list)
    year: int | None = None
    targets: list[Target] = Field(default_factory=empty_list)


class Unit(Model):
    name: str
    tasks: int
    lead: int = 0
    responsible: int = 0
    support: int = 0
    raw: list[str] = Field(default_factory=empty_list)


class Document(Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    plancli_version: str
    source: Source
    meta: Meta
    normalization: Normalization
    sections: list[Section] = Field(default_factory=empty_list)
    goals: list[Goal] = Field(default_factory=empty_list)
    tasks: list[Task] = Field(default_factory=empty_list)
    columns: list[Column] = Field(default_factory=empty_list)
    tables: list[Table] = Field(default_factory=empty_list)
    targets: list[Target] = Field(default_factory=empty_list)
    units: list[Unit] = Field(default_factory=empty_list)
    diagnostics: list[Diagnostic] = Field(default_factory=empty_list)


class Extraction(Model):
    """Extract's result, merged into the Document by the pipeline."""

    goals: list[Goal] = Field(default_factory=empty_list)
    tasks: list[Task] = Field(default_factory=empty_list)
    columns: list[Column] = Field(default_factory=empty_list)
    targets: list[Target] = Field(default_factory=empty_list)
    units: list[Unit] = Field(default_factory=empty_list)
    diagnostics: list[Diagnostic] = Field(default_factory=empty_list)
