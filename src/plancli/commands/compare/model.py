"""The result of `plancli compare` as contract-style records (the JSON output).

Cells hold one document's version of a measure or task; steps hold what changed between two
neighbouring documents of the chain (step i compares document i with document i + 1).
"""

from __future__ import annotations

from typing import Literal

from plancli.models import Comparator, Model
from plancli.records import field

MeasureChange = Literal[
    "adopted", "stricter", "looser", "changed", "rescaled", "moved in time", "dropped", "new"
]
TaskChange = Literal["carried", "not carried down", "new"]
TaskFlag = Literal["lost units"]


class DocumentRef(Model):
    path: str
    title: str | None = None
    issuer: str | None = None
    date: str | None = None


class MeasureCell(Model):
    """One document's statement of a measure (the first of its mentions, by line)."""

    indicator: str
    comparator: Comparator
    value: float
    value_max: float | None = None
    unit: str | None = None
    per: str | None = None
    year: int | None = None
    line: int
    lines: list[int] = field(default_factory=list)  # every line that states this measure
    text: str


class MeasureStep(Model):
    changes: list[MeasureChange]
    confidence: float | None = None  # how sure the alignment is; None when one side is absent
    how: str | None = None  # which rule aligned the two cells


class MeasureRow(Model):
    cells: list[MeasureCell | None]
    steps: list[MeasureStep]


class TaskCell(Model):
    id: str
    marker: str | None = None
    title: str | None = None
    summary: str  # the title, or the text's first characters when there is none
    line: int
    units: list[str] = field(default_factory=list)


class TaskStep(Model):
    change: TaskChange
    similarity: float | None = None
    flags: list[TaskFlag] = field(default_factory=list)
    units_not_carried: list[str] = field(default_factory=list)  # the higher level's names
    units_added: list[str] = field(default_factory=list)  # the lower level's names


class TaskRow(Model):
    cells: list[TaskCell | None]
    steps: list[TaskStep | None]  # None where the task is in neither document of the step


class Comparison(Model):
    documents: list[DocumentRef]
    measures: list[MeasureRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
