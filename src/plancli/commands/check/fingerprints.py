"""Fingerprints that survive unrelated edits, and the baseline of known findings.

A fingerprint hashes the file path, the code and the normalised text of the
offending source line (or, for a finding with no line, the message with its
digits masked), never the line number; identical anchors in one file are told
apart by their order.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from plancli.commands.check.findings import FileResult, Finding, all_findings
from plancli.commands.output import safe_json
from plancli.core import Diagnostic, UsageError

BASELINE_VERSION = 1


def source_lines(path: Path) -> list[str]:
    """The original lines as an editor numbers them, for fingerprints; [] if unreadable."""
    try:
        from plancli.stages.read import decode

        text = decode(path.read_bytes()).text
    except Exception:
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def normalise_anchor(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def anchor_text(diagnostic: Diagnostic, lines: list[str]) -> str:
    """The offending line's text, or the message with digits masked when there is no line."""
    if diagnostic.line is not None and 1 <= diagnostic.line <= len(lines):
        return "line:" + normalise_anchor(lines[diagnostic.line - 1])
    return "message:" + re.sub(r"\d+", "#", normalise_anchor(diagnostic.message))


def fingerprinted(path: str, diagnostics: list[Diagnostic], lines: list[str]) -> list[Finding]:
    """Attach fingerprints; identical anchors are told apart by their order of appearance."""
    seen: Counter[tuple[str, str]] = Counter()
    findings = []
    for d in diagnostics:
        anchor = anchor_text(d, lines)
        seen[(d.code, anchor)] += 1
        key = "\0".join((path, d.code, anchor, str(seen[(d.code, anchor)])))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]
        findings.append(Finding(path, d.level, d.code, d.line, d.message, digest))
    return findings


def read_baseline(path: Path) -> set[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"baseline {path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"baseline {path}: cannot read it ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"baseline {path}: not a plancli baseline")
    return {
        item["fingerprint"]
        for item in data["findings"]
        if isinstance(item, dict) and isinstance(item.get("fingerprint"), str)
    }


def baseline_text(results: list[FileResult]) -> str:
    findings = [{"path": f.path, **f.as_dict()} for f in all_findings(results)]
    data = {"plancli_baseline": BASELINE_VERSION, "findings": findings}
    return safe_json(data)


def apply_baseline(results: list[FileResult], known: set[str]) -> int:
    """Drop findings listed in the baseline; return how many were dropped."""
    dropped = 0
    for result in results:
        kept = [f for f in result.findings if f.fingerprint not in known]
        dropped += len(result.findings) - len(kept)
        result.findings = kept
    return dropped
