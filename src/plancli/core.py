"""Lean value types shared by the text stages (read, normalize).

These are plain dataclasses, not pydantic models, so that `plancli normalize`
and the fast paths never pay for importing pydantic. `models.py` holds the
public output contract and validates these objects with `from_attributes`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning", "info"]


class InputError(Exception):
    """A file that cannot be processed; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of text and the 1-based line number it came from in the original file."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Diagnostic:
    level: Level
    code: str
    line: int | None
    message: str


@dataclass(frozen=True, slots=True)
class Decoded:
    """Output of the read stage."""

    text: str
    encoding: str
    bom: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class Removal:
    """A line taken out of the document (web chrome, spam, footer ...)."""

    line: int
    text: str
    rule: str


@dataclass(frozen=True, slots=True)
class Repair:
    """A change made in place: a re-joined line, a fixed bracket, a folded space ..."""

    line: int
    kind: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SuspectSpan:
    """A garbled run left alone; `candidate` is a proposed recovery, if any."""

    line: int
    text: str
    candidate: str | None = None
    confidence: float | None = None


@dataclass(slots=True)
class NormalizationReport:
    script: Literal["simplified", "traditional", "mixed"] = "simplified"
    converted_chars: int = 0
    annotations_removed: int = 0
    boilerplate_removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    suspect_spans: list[SuspectSpan] = field(default_factory=list)


@dataclass(slots=True)
class Normalized:
    """Output of the normalize stage: clean lines, each tied to its original line."""

    lines: list[Line]
    report: NormalizationReport
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
