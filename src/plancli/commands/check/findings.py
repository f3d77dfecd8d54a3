"""What `plancli check` reports: the codes it knows, a finding, and one file's findings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from plancli.core import Level

LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}

# code → (level, what it means), in order of importance for GitHub's annotation cap.
# Stage codes are listed so that every report can describe them; a stage's own
# level stands unless a document-level check raises it (see merge_diagnostics).
CODES: dict[str, tuple[Level, str]] = {
    "unreadable": ("error", "the file cannot be read as a text document"),
    "internal-error": ("error", "a pipeline stage crashed on this file"),
    "timeout": ("error", "the file took longer than the time limit (--timeout)"),
    "no-title": ("error", "no plan title or notice title was found"),
    "no-headings": ("warning", "no numbered headings were found"),
    "suspect-garbled": ("warning", "garbled text (mojibake) was left in the document"),
    "traditional-left": ("warning", "traditional characters are left after normalization"),
    "undecodable-bytes": ("warning", "bytes that do not decode were replaced"),
    "table-row-width": ("warning", "a table row does not fit its header"),
    "target-unparsed": ("warning", "a number that looks like a target could not be parsed"),
    "task-without-units": ("warning", "a task names no responsible unit where others do"),
    "unit-unparsed": ("warning", "text in a unit clause is not a unit"),
    "unit-repaired": ("info", "a damaged unit name was read as a known or intact one"),
    "numbering-gap": ("warning", "heading or item numbers skip a value"),
    "numbering-restart": ("warning", "numbering starts again where it should continue"),
    "numbering-repeat": ("warning", "the same number is used twice in a row"),
    "damaged-marker": ("warning", "a numbering marker was damaged and repaired"),
    "damaged-doc-number": ("warning", "the document number lost a bracket and was repaired"),
    "damaged-date": ("warning", "the signing date is damaged"),
    "damaged-issuer": ("warning", "the signing office lost characters and was completed"),
    "damaged-signature": ("warning", "a signer line is damaged: the issuer is left unknown"),
    "issuer-mismatch": ("warning", "the signing office differs from the notice's issuer"),
    "table-header-ambiguous": ("warning", "a table header does not say where sub-columns belong"),
    "table-empty": ("warning", "a table has no rows"),
    "no-signature": ("info", "the notice has no issuer/date signature block"),
    "items-on-one-line": ("info", "several numbered items on one line were split"),
    "punctuation-folded": ("info", "full-width punctuation was folded to ASCII"),
}


@dataclass(frozen=True)
class Finding:
    path: str
    level: Level
    code: str
    line: int | None
    message: str
    fingerprint: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "code": self.code,
            "line": self.line,
            "message": self.message,
            "fingerprint": self.fingerprint,
        }


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)

    def count(self, level: str) -> int:
        return sum(f.level == level for f in self.findings)


def all_findings(results: list[FileResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def totals(results: list[FileResult], suppressed: int) -> dict[str, int]:
    levels = Counter(f.level for f in all_findings(results))
    return {
        "files": len(results),
        "errors": levels["error"],
        "warnings": levels["warning"],
        "info": levels["info"],
        "baselined": suppressed,
    }


def counts_as_failure(finding: Finding, strict: bool) -> bool:
    return finding.level == "error" or (strict and finding.level == "warning")


def fails(result: FileResult, strict: bool) -> bool:
    return any(counts_as_failure(f, strict) for f in result.findings)
