"""Lean value types shared by the text stages (read, normalize).

These are NamedTuples and small slotted classes, not dataclasses or pydantic
models: `plancli normalize` and the fast paths never pay for importing
pydantic, dataclasses or inspect. `Diagnostic`, `Removal`, `Repair` and
`SuspectSpan` are also the output contract's own types (`models.py` re-exports
them); the rest of the contract is in `models.py`.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

Level = Literal["error", "warning", "info"]
Script = Literal["simplified", "traditional", "mixed"]


class InputError(Exception):
    """A file that cannot be processed; the message is one line for the user (exit 1)."""


class UsageError(Exception):
    """Arguments that cannot work together, or an output that names an input (exit 2)."""


class Line(NamedTuple):
    """One line of text and the 1-based line number it came from in the original file."""

    text: str
    line: int


class Diagnostic(NamedTuple):
    level: Level
    code: str
    line: int | None
    message: str


class Decoded(NamedTuple):
    """Output of the read stage."""

    text: str
    encoding: str
    bom: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()


class Removal(NamedTuple):
    """A line taken out of the document (web chrome, spam, footer ...)."""

    line: int
    text: str
    rule: str


class Repair(NamedTuple):
    """A change made in place: a re-joined line, a fixed bracket, a folded space ..."""

    line: int
    kind: str
    before: str
    after: str


class SuspectSpan(NamedTuple):
    """A garbled run left alone; `candidate` is a proposed recovery, if any."""

    line: int
    text: str
    candidate: str | None = None
    confidence: float | None = None


def record_schema(kind: type, source: Any, handler: Any) -> Any:
    """How pydantic validates and describes one of these records: as the mapping it is in the
    output, not as a tuple (pydantic asks for this only when it validates or writes a schema)."""
    from plancli.validation import record_schema as schema_of_record

    return schema_of_record(kind, handler)


for _record in (Diagnostic, Removal, Repair, SuspectSpan):
    _record.__get_pydantic_core_schema__ = classmethod(record_schema)  # type: ignore[attr-defined]


class Findings:
    """The repairs and diagnostics a stage collects as it reads (the wrapper, a table)."""

    __slots__ = ("diagnostics", "repairs")

    def __init__(self) -> None:
        self.repairs: list[Repair] = []
        self.diagnostics: list[Diagnostic] = []

    def repair(self, line: int, kind: str, before: str, after: str) -> None:
        self.repairs.append(Repair(line, kind, before, after))

    def warn(self, code: str, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("warning", code, line, message))

    def info(self, code: str, line: int | None, message: str) -> None:
        self.diagnostics.append(Diagnostic("info", code, line, message))


class NormalizationReport:
    """What the normalizer did (the contract's `normalization` object)."""

    __slots__ = (
        "annotations_removed",
        "boilerplate_removed",
        "converted_chars",
        "repairs",
        "script",
        "suspect_spans",
    )

    def __init__(
        self,
        script: Script = "simplified",
        converted_chars: int = 0,
        annotations_removed: int = 0,
        boilerplate_removed: list[Removal] | None = None,
        repairs: list[Repair] | None = None,
        suspect_spans: list[SuspectSpan] | None = None,
    ) -> None:
        self.script: Script = script
        self.converted_chars = converted_chars
        self.annotations_removed = annotations_removed
        self.boilerplate_removed: list[Removal] = boilerplate_removed or []
        self.repairs: list[Repair] = repairs or []
        self.suspect_spans: list[SuspectSpan] = suspect_spans or []

    def as_dict(self) -> dict[str, Any]:
        return {
            "script": self.script,
            "converted_chars": self.converted_chars,
            "annotations_removed": self.annotations_removed,
            "boilerplate_removed": [item._asdict() for item in self.boilerplate_removed],
            "repairs": [item._asdict() for item in self.repairs],
            "suspect_spans": [item._asdict() for item in self.suspect_spans],
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NormalizationReport) and self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"NormalizationReport({self.as_dict()!r})"


class Normalized:
    """Output of the normalize stage: clean lines, each tied to its original line."""

    __slots__ = ("diagnostics", "lines", "report")

    def __init__(
        self,
        lines: list[Line],
        report: NormalizationReport,
        diagnostics: list[Diagnostic] | None = None,
    ) -> None:
        self.lines = lines
        self.report = report
        self.diagnostics: list[Diagnostic] = diagnostics or []

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def __repr__(self) -> str:
        return f"Normalized({len(self.lines)} lines, {self.report!r})"
