"""Corpus checks for CI (plancli check).

Every file goes through the whole pipeline; the stages' own diagnostics are
joined by document-level checks made here from the Document. Each finding has
a fingerprint that survives unrelated edits: it hashes the file path, the code
and the normalised text of the offending source line (or, for a finding with
no line, the message with its digits masked), never the line number, so a
baseline written with --write-baseline keeps matching after lines move.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from plancli.commands.choices import CheckFormat, values
from plancli.commands.terminal import print_error, printable
from plancli.core import Diagnostic, Level
from plancli.text import plural

FORMATS = values(CheckFormat)
LEVEL_RANK = {"error": 0, "warning": 1, "info": 2}
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_ANNOTATIONS_PER_LEVEL = 10
DEFAULT_TIMEOUT = 60.0  # seconds per file; the same default as plancli batch
PARALLEL_FROM_FILES = 4  # fewer files (a pre-commit run) are not worth starting workers
SUMMARY_ROWS = 1000  # GitHub truncates a job summary beyond 1 MiB
BASELINE_VERSION = 1
UNITS_SHARE = 0.5  # share of sibling tasks naming units that makes a task without them odd
CONTENT_FIELDS = ("meta", "sections", "goals", "tasks", "columns", "tables", "targets")
NON_TEXT_KEYS = frozenset(
    {"id", "level", "kind", "role", "comparator", "source", "section_id", "column_id", "date"}
)

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
    "issuer-mismatch": ("warning", "the signing office differs from the notice's issuer"),
    "table-header-ambiguous": ("warning", "a table header does not say where sub-columns belong"),
    "table-empty": ("warning", "a table has no rows"),
    "no-signature": ("info", "the notice has no issuer/date signature block"),
    "items-on-one-line": ("info", "several numbered items on one line were split"),
    "punctuation-folded": ("info", "full-width punctuation was folded to ASCII"),
}


class CheckUsageError(Exception):
    """Bad arguments: exit code 2."""


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


# --- document-level checks ----------------------------------------------------------


def document_checks(document: Any) -> list[Diagnostic]:
    """The checks made from a finished Document (models.Document)."""
    return [
        *check_title(document),
        *check_headings(document),
        *check_task_units(document),
        *check_garbled(document),
        *check_traditional(document),
    ]


def check_title(document: Any) -> list[Diagnostic]:
    meta = document.meta
    if meta.title or meta.notice_title:
        return []
    return [Diagnostic("error", "no-title", None, "no plan title or notice title found")]


def check_headings(document: Any) -> list[Diagnostic]:
    """No numbered heading at all: 专栏 boxes and 附件 annexes do not count as headings."""
    if any(section.kind == "heading" for section in document.sections):
        return []
    boxes = sum(1 for section in document.sections if section.kind != "heading")
    detail = f" (only {boxes} 专栏/附件 boxes)" if boxes else ""
    return [Diagnostic("warning", "no-headings", None, f"no numbered headings found{detail}")]


def check_task_units(document: Any) -> list[Diagnostic]:
    """Flag a task without units among tasks of the same top-level heading that mostly have them.

    Grouping by top-level heading keeps the 保障措施 / 实施保障 items, which never
    name units, from being compared with the 重点任务 items, which do.
    """
    groups: dict[tuple[str, ...], list[Any]] = defaultdict(list)
    for task in document.tasks:
        if task.column is None and task.source == "text":
            groups[tuple(task.section_path[:1])].append(task)
    found = []
    for tasks in groups.values():
        with_units = sum(bool(t.units) for t in tasks)
        if not with_units or with_units < UNITS_SHARE * len(tasks):
            continue
        found += [
            Diagnostic(
                "warning",
                "task-without-units",
                task.line,
                f"no responsible unit, while {with_units} of {len(tasks)} tasks under the same "
                f"heading name them: {task_label(task)}",
            )
            for task in tasks
            if not task.units
        ]
    return sorted(found, key=lambda d: d.line or 0)


def task_label(task: Any) -> str:
    label = task.title or task.text
    return f"{task.marker or ''}{label[:30]}{'…' if len(label) > 30 else ''}"


def check_garbled(document: Any) -> list[Diagnostic]:
    found = []
    for span in document.normalization.suspect_spans:
        hint = f" (maybe “{span.candidate}”)" if span.candidate else ""
        found.append(
            Diagnostic("warning", "suspect-garbled", span.line, f"garbled text “{span.text}”{hint}")
        )
    return found


def check_traditional(document: Any) -> list[Diagnostic]:
    """Run OpenCC t2s over the output text and flag every source line whose text changes."""
    changed: dict[int, dict[str, str]] = defaultdict(dict)
    data = document.model_dump(mode="json", include=set(CONTENT_FIELDS))
    convert = t2s_converter().convert
    for line, text in text_fields(data):
        simplified = convert(text)
        if simplified != text:
            for before, after in zip(text, simplified, strict=False):
                if before != after:
                    changed[line][before] = after
    return [
        Diagnostic(
            "warning",
            "traditional-left",
            line,
            "traditional characters left: " + ", ".join(f"{a}→{b}" for a, b in pairs.items()),
        )
        for line, pairs in sorted(changed.items())
    ]


def t2s_converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def text_fields(data: Any, line: int | None = None) -> Iterator[tuple[int, str]]:
    """Every output string with the source line of the nearest object that has one."""
    if isinstance(data, dict):
        own = data.get("line")
        line = own if isinstance(own, int) else line
        row_lines = data.get("row_lines") or []
        for key, value in data.items():
            if key in NON_TEXT_KEYS:
                continue
            if key == "rows" and isinstance(value, list) and len(row_lines) == len(value):
                for row, row_line in zip(value, row_lines, strict=True):
                    yield from text_fields(row, row_line)
            else:
                yield from text_fields(value, line)
    elif isinstance(data, list):
        for value in data:
            yield from text_fields(value, line)
    elif isinstance(data, str) and line is not None:
        yield line, data


# --- one file -----------------------------------------------------------------------


def check_file(
    path: Path, display: str | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> FileResult:
    """Run the pipeline on one file and return every finding, fingerprinted."""
    from plancli.commands.batch import DocumentTimeout, time_limit
    from plancli.core import InputError

    name = display or display_path(path)
    try:
        from plancli.pipeline import process_file

        with time_limit(timeout):
            document = process_file(path)
            checks = document_checks(document)
    except InputError as exc:
        diagnostics = [Diagnostic("error", "unreadable", None, str(exc))]
    except DocumentTimeout as exc:
        diagnostics = [Diagnostic("error", "timeout", None, str(exc))]
    except Exception as exc:  # a crashing stage must not stop the corpus check
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        diagnostics = [Diagnostic("error", "internal-error", None, message)]
    else:
        stage = [Diagnostic(d.level, d.code, d.line, d.message) for d in document.diagnostics]
        diagnostics = merge_diagnostics(stage, checks)
    return FileResult(name, fingerprinted(name, diagnostics, source_lines(path)))


def merge_diagnostics(stage: list[Diagnostic], checks: list[Diagnostic]) -> list[Diagnostic]:
    """Stage diagnostics first; a check that says the same again only raises their level.

    "The same" is the same code on the same line, or, for a document-level check
    (no line), the same code anywhere: meta's `no-title` warning for a missing plan
    title becomes an error when the check finds no title of any kind either.
    """
    merged = list(stage)
    for diagnostic in checks:
        same = [
            i
            for i, said in enumerate(merged)
            if said.code == diagnostic.code and diagnostic.line in (None, said.line)
        ]
        if not same:
            merged.append(diagnostic)
        for i in same:
            if LEVEL_RANK[diagnostic.level] < LEVEL_RANK[merged[i].level]:
                said = merged[i]
                merged[i] = Diagnostic(diagnostic.level, said.code, said.line, said.message)
    return sorted(merged, key=lambda d: (d.line or 0, LEVEL_RANK[d.level], d.code))


def source_lines(path: Path) -> list[str]:
    """The original lines as an editor numbers them, for fingerprints; [] if unreadable."""
    try:
        from plancli.stages.read import decode

        text = decode(path.read_bytes()).text
    except Exception:
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is inside it, with / separators."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


# --- fingerprints and baselines -----------------------------------------------------


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
        raise CheckUsageError(f"baseline {path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise CheckUsageError(f"baseline {path}: cannot read it ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise CheckUsageError(f"baseline {path}: not a plancli baseline")
    return {
        item["fingerprint"]
        for item in data["findings"]
        if isinstance(item, dict) and isinstance(item.get("fingerprint"), str)
    }


def baseline_text(results: list[FileResult]) -> str:
    findings = [{"path": f.path, **f.as_dict()} for r in results for f in r.findings]
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


# --- formats ------------------------------------------------------------------------

JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_json(data: Any) -> str:
    """Indented JSON whose strings carry no raw control character (json escapes only C0)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


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


def text_line(finding: Finding) -> str:
    """`path:line: code [level] message`, every field escaped to stay on its line."""
    path, message = printable(finding.path), printable(finding.message)
    return f"{path}:{finding.line or 1}: {finding.code} [{finding.level}] {message}"


def github_log_line(finding: Finding) -> str:
    """A finding past the annotation cap: a text line no CI runner can take for a command."""
    return text_line(finding).replace("::", ":%3A")


def format_text(results: list[FileResult], suppressed: int) -> str:
    return "".join(text_line(f) + "\n" for f in all_findings(results))


def format_json(results: list[FileResult], suppressed: int) -> str:
    data = {
        "version": 1,
        "summary": totals(results, suppressed),
        "files": [
            {"path": r.path, "diagnostics": [f.as_dict() for f in r.findings]} for r in results
        ],
    }
    return safe_json(data)


def importance(finding: Finding) -> tuple[int, int, str, int]:
    codes = list(CODES)
    rank = codes.index(finding.code) if finding.code in codes else len(codes)
    return LEVEL_RANK[finding.level], rank, finding.path, finding.line or 0


def github_escape(text: str, *, prop: bool = False) -> str:
    """Percent-encode what GitHub decodes; other control characters are shown escaped."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    text = printable(text)
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def github_annotation(finding: Finding) -> str:
    command = GITHUB_COMMAND[finding.level]
    file = github_escape(finding.path, prop=True)
    title = github_escape(f"plancli {finding.code}", prop=True)
    message = github_escape(f"{finding.code}: {finding.message}")
    return f"::{command} file={file},line={finding.line or 1},title={title}::{message}"


def format_github(results: list[FileResult], suppressed: int) -> str:
    """The most important findings as annotations (GitHub shows 10 per level), the rest as text."""
    per_level: Counter[str] = Counter()
    annotated, rest = [], []
    for finding in sorted(all_findings(results), key=importance):
        per_level[finding.level] += 1
        target = annotated if per_level[finding.level] <= GITHUB_ANNOTATIONS_PER_LEVEL else rest
        target.append(finding)
    lines = [github_annotation(f) for f in annotated] + [github_log_line(f) for f in rest]
    return "".join(line + "\n" for line in lines)


def markdown_cell(text: str) -> str:
    from plancli.stages.markdown import markdown_cell as plain_cell

    return printable(plain_cell(text))


def format_markdown_summary(results: list[FileResult], suppressed: int) -> str:
    count = totals(results, suppressed)
    lines = [
        "## plancli check",
        "",
        f"{count['files']} files: {count['errors']} errors, {count['warnings']} warnings, "
        f"{count['info']} info ({count['baselined']} known problems in the baseline).",
        "",
    ]
    findings = sorted(all_findings(results), key=lambda f: (f.path, f.line or 0))
    if findings:
        lines += ["| file | line | level | code | message |", "| --- | --- | --- | --- | --- |"]
        lines += [
            f"| {markdown_cell(f.path)} | {f.line or ''} | {f.level} | `{f.code}` "
            f"| {markdown_cell(f.message)} |"
            for f in findings[:SUMMARY_ROWS]
        ]
        if len(findings) > SUMMARY_ROWS:
            lines += ["", f"… and {len(findings) - SUMMARY_ROWS} more (see the job log)."]
    return "\n".join(lines) + "\n"


XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Drop the characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return XML_UNSAFE.sub("\ufffd", text)


def format_junit(results: list[FileResult], suppressed: int, strict: bool = False) -> str:
    """One testcase per file; errors (and warnings with --strict) fail it, all are kept."""
    from xml.etree import ElementTree as ET

    failing = [r for r in results if fails(r, strict)]
    suite_attrs = {
        "name": "plancli check",
        "tests": str(len(results)),
        "failures": str(len(failing)),
        "errors": "0",
        "skipped": "0",
    }
    root = ET.Element("testsuites", suite_attrs)
    suite = ET.SubElement(root, "testsuite", suite_attrs)
    for result in results:
        name = xml_safe(printable(result.path))
        case = ET.SubElement(
            suite, "testcase", {"classname": "plancli.commands.check", "name": name, "file": name}
        )
        properties = ET.SubElement(case, "properties")
        for level in ("error", "warning", "info"):
            count = str(result.count(level))
            ET.SubElement(properties, "property", {"name": level, "value": count})
        if fails(result, strict):
            counted = [f for f in result.findings if counts_as_failure(f, strict)]
            failure = ET.SubElement(
                case,
                "failure",
                {"type": counted[0].code, "message": plural(len(counted), "problem")},
            )
            failure.text = xml_safe("".join(text_line(f) + "\n" for f in counted))
        if result.findings:
            ET.SubElement(case, "system-out").text = xml_safe(
                "".join(text_line(f) + "\n" for f in result.findings)
            )
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def sarif_rule(code: str) -> dict[str, Any]:
    level, description = CODES.get(code, ("warning", code))
    return {
        "id": code,
        "shortDescription": {"text": description},
        "defaultConfiguration": {"level": SARIF_LEVEL[level]},
    }


def sarif_result(finding: Finding) -> dict[str, Any]:
    return {
        "ruleId": finding.code,
        "level": SARIF_LEVEL[finding.level],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.path)},
                    "region": {"startLine": finding.line or 1},
                }
            }
        ],
        "partialFingerprints": {"plancliFingerprint/v1": finding.fingerprint},
    }


def format_sarif(results: list[FileResult], suppressed: int) -> str:
    from plancli import __version__

    findings = all_findings(results)
    codes = sorted({f.code for f in findings})
    run = {
        "tool": {
            "driver": {
                "name": "plancli",
                "version": __version__,
                "rules": [sarif_rule(code) for code in codes],
            }
        },
        "artifacts": [{"location": {"uri": quote(r.path)}} for r in results],
        "results": [sarif_result(f) for f in findings],
    }
    data = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
    return safe_json(data)


def render(results: list[FileResult], fmt: str, suppressed: int, strict: bool) -> str:
    if fmt == "junit":
        return format_junit(results, suppressed, strict)
    formatter = {
        "text": format_text,
        "json": format_json,
        "github": format_github,
        "sarif": format_sarif,
    }[fmt]
    return formatter(results, suppressed)


# --- the command --------------------------------------------------------------------


def counts_as_failure(finding: Finding, strict: bool) -> bool:
    return finding.level == "error" or (strict and finding.level == "warning")


def fails(result: FileResult, strict: bool) -> bool:
    return any(counts_as_failure(f, strict) for f in result.findings)


def check_paths(
    paths: Iterable[Path], glob: str, timeout: float = DEFAULT_TIMEOUT
) -> list[FileResult]:
    """Check every input, in worker processes on all cores when there are several files."""
    from plancli.commands.batch import discover_inputs, hard_limit, run_in_workers, worker_count

    items = [
        (n, str(item.path), display_path(item.path), timeout)
        for n, item in enumerate(discover_inputs(paths, glob))
    ]
    workers = min(worker_count(0), len(items))
    if workers < 2 or len(items) < PARALLEL_FROM_FILES:
        return [check_item(item)[1] for item in items]
    done = sorted(run_in_workers(items, workers, check_item, worker_died, hard_limit(timeout)))
    return [result for _, result in done]


CheckItem = tuple[int, str, str, float]  # (position, path, display path, time limit)


def check_item(item: CheckItem) -> tuple[int, FileResult]:
    number, path, display, timeout = item
    return number, check_file(Path(path), display, timeout)


def worker_died(item: CheckItem, error: str) -> tuple[int, FileResult]:
    number, _, display, _ = item
    diagnostic = Diagnostic("error", "internal-error", None, error)
    return number, FileResult(display, fingerprinted(display, [diagnostic], []))


def append_step_summary(results: list[FileResult], suppressed: int) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(format_markdown_summary(results, suppressed))


def summary_line(results: list[FileResult], suppressed: int) -> str:
    count = totals(results, suppressed)
    return (
        f"plancli check: {count['files']} files, {count['errors']} errors, "
        f"{count['warnings']} warnings, {count['info']} info"
        + (f" ({suppressed} in the baseline)" if suppressed else "")
        + "\n"
    )


def run_check(
    paths: list[Path],
    *,
    fmt: str,
    strict: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    glob: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Check every input; return the process exit code (0 ok, 1 errors, 2 usage)."""
    from plancli.rules import check_all
    from plancli.stages.emit import refuse_overwriting_inputs

    refuse_overwriting_inputs(write_baseline, paths)
    check_all()  # a bad PLANCLI_RULES file is one error, not one per document
    try:
        if fmt not in FORMATS:
            raise CheckUsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        known = read_baseline(baseline) if baseline is not None else set()
        results = check_paths(paths, glob, timeout)
        if not results:
            raise CheckUsageError(f"no input files (--glob {glob})")
    except CheckUsageError as exc:
        print_error(exc)
        return 2
    if write_baseline is not None:
        from plancli.stages.emit import write_atomic

        write_atomic(write_baseline, baseline_text(results))
        known |= {f.fingerprint for f in all_findings(results)}
    suppressed = apply_baseline(results, known)
    sys.stdout.write(render(results, fmt, suppressed, strict))
    if fmt == "github":
        append_step_summary(results, suppressed)
    sys.stderr.write(summary_line(results, suppressed))
    return 1 if any(fails(r, strict) for r in results) else 0
