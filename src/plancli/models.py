"""The output contract (`docs/contract.md`, schema version 1) as plain dataclasses.

Field names here are the public interface: never rename, add freely.
Segment's intermediate result (`Outline`, `Item`, `Paragraph`) lives here too
because extraction and the human views both read it.

The records are stdlib dataclasses (slotted, keyword-only), and `Diagnostic`,
`Removal`, `Repair` and `SuspectSpan` are the NamedTuples of `core.py` that the
text stages already build: one type per concept, and no pydantic on the way
from a file to its JSON or YAML. pydantic is the edge: `Model.model_validate`
checks data from outside (a JSON file read back, a caller's dict) and
`Model.model_json_schema` describes the contract, both through
`plancli.validation`, imported only then. The method names are pydantic's, so
code written against the earlier pydantic models keeps working.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from plancli.core import Diagnostic, Removal, Repair, SuspectSpan

__all__ = [
    "Diagnostic",
    "Removal",
    "Repair",
    "SuspectSpan",
]

SCHEMA_VERSION = "1"

Comparator = Literal[">=", ">", "<=", "<", "=", "~"]
Role = Literal["lead", "responsible", "support"]

Self = TypeVar("Self", bound="Model")
# frozen: a record is built whole (or copied with `model_copy`), never assigned to afterwards
record = dataclass(slots=True, kw_only=True, frozen=True)


class Model:
    """What every contract record can do: dump itself, copy itself, be validated."""

    __slots__ = ()
    # read by pydantic when it validates a record: unknown keys are an error
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    @classmethod
    def model_validate(cls: type[Self], data: Any) -> Self:
        """`data` (a mapping, e.g. parsed JSON, or a record) checked against the contract."""
        from plancli.validation import validate

        return validate(cls, data)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        from plancli.validation import json_schema

        return json_schema(cls)

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: set[str] | None = None,
        exclude: set[str] | None = None,
    ) -> dict[str, Any]:
        """The record as plain data (both modes give JSON-ready values: nothing needs more)."""
        data: dict[str, Any] = as_data(self)
        return {
            key: value
            for key, value in data.items()
            if (include is None or key in include) and (exclude is None or key not in exclude)
        }

    def model_dump_json(self, *, indent: int | None = None) -> str:
        return json.dumps(as_data(self), ensure_ascii=False, indent=indent)

    def model_copy(self: Self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A new record with the fields in `update` replaced (the others shared, or copied
        too with `deep`)."""
        if deep:
            import copy

            return dataclasses.replace(copy.deepcopy(self), **(update or {}))
        source = self
        return dataclasses.replace(source, **(update or {}))


def field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a record type (a contract dataclass or a NamedTuple), else None."""
    try:
        return RECORD_FIELDS[kind]
    except KeyError:
        pass
    names: tuple[str, ...] | None = None
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
    elif issubclass(kind, tuple) and hasattr(kind, "_fields"):
        names = kind._fields
    RECORD_FIELDS[kind] = names
    return names


RECORD_FIELDS: dict[type, tuple[str, ...] | None] = {
    str: None,
    int: None,
    float: None,
    bool: None,
    type(None): None,
    list: None,
    dict: None,
}


def as_data(value: Any) -> Any:
    """`value` as JSON-ready data: records become mappings in field order, tuples lists."""
    names = field_names(type(value))
    if names is not None:
        return {name: as_data(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [as_data(item) for item in value]
    if isinstance(value, dict):
        return {key: as_data(item) for key, item in value.items()}
    return value


# --- provenance (Diagnostic is core's record) -------------------------------------


@record
class Source(Model):
    path: str
    sha256: str
    bytes: int
    encoding: str


# --- normalization (Removal, Repair and SuspectSpan are core's records) ---------------


@record
class Normalization(Model):
    script: Literal["simplified", "traditional", "mixed"] = "simplified"
    converted_chars: int = 0
    annotations_removed: int = 0
    boilerplate_removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    suspect_spans: list[SuspectSpan] = field(default_factory=list)


# --- meta -------------------------------------------------------------------------


@record
class Period(Model):
    start: int
    end: int


@record
class Reference(Model):
    title: str
    doc_number: str | None = None
    line: int | None = None


@record
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


@record
class Section(Model):
    id: str
    level: int
    marker: str | None
    title: str
    line: int
    kind: Literal["heading", "column", "annex"] = "heading"
    children: list[Section] = field(default_factory=list)
    end_line: int | None = None  # last line that belongs to the section (its span)


@record
class Table(Model):
    id: str
    caption: str | None = None
    header: list[str]
    rows: list[list[str]]
    line: int
    row_lines: list[int] = field(default_factory=list)
    section_path: list[str] = field(default_factory=list)


@record
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


@record
class Paragraph(Model):
    """Running text that is neither a heading nor an item."""

    text: str
    line: int
    section_path: list[str] = field(default_factory=list)
    section_id: str | None = None
    column_id: str | None = None


@record
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


@record
class UnitRef(Model):
    name: str
    raw: str
    role: Role


@record
class Baseline(Model):
    value: float | None = None
    year: int | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if self.value is not None:
            object.__setattr__(self, "value", float(self.value))


@record
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

    def __post_init__(self) -> None:  # a whole number read from the text is still a float
        object.__setattr__(self, "value", float(self.value))
        if self.value_max is not None:
            object.__setattr__(self, "value_max", float(self.value_max))


@record
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


@record
class Column(Model):
    """A boxed 专栏 with its own items."""

    id: str
    marker: str  # e.g. 专栏3
    title: str
    line: int
    items: list[Task] = field(default_factory=list)


@record
class Goal(Model):
    id: str
    text: str
    line: int
    section_path: list[str] = field(default_factory=list)
    year: int | None = None
    targets: list[Target] = field(default_factory=list)


@record
class Unit(Model):
    name: str
    tasks: int
    lead: int = 0
    responsible: int = 0
    support: int = 0
    raw: list[str] = field(default_factory=list)


@record
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


@record
class Extraction(Model):
    """Extract's result, merged into the Document by the pipeline."""

    goals: list[Goal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
