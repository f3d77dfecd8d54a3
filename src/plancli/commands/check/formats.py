"""The five report formats of `plancli check`, and the GitHub job summary.

`text` is one `path:line: code [level] message` line per finding; `json` the
findings per file with totals; `github` workflow commands (annotations) for the
most important findings and text lines for the rest; `junit` one testcase per
file; `sarif` SARIF 2.1.0 for code-scanning dashboards. Every field that comes
from a document is escaped for its format.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

from plancli import regexes
from plancli.commands.check.findings import (
    CODES,
    LEVEL_RANK,
    FileResult,
    Finding,
    all_findings,
    counts_as_failure,
    fails,
    totals,
)
from plancli.commands.choices import CheckFormat, values
from plancli.commands.output import safe_json
from plancli.commands.terminal import printable
from plancli.text import plural

FORMATS = values(CheckFormat)
GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
GITHUB_ANNOTATIONS_PER_LEVEL = 10
SUMMARY_ROWS = 1000  # GitHub truncates a job summary beyond 1 MiB


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


XML_UNSAFE = regexes.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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
