"""plancli check: document checks, stable fingerprints, baselines, and five parseable formats."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, ROOT
from plancli.commands.check import command
from plancli.commands.check.command import check_file, run_check
from plancli.commands.check.documents import (
    check_garbled,
    check_headings,
    check_task_units,
    check_title,
    check_traditional,
    merge_diagnostics,
)
from plancli.commands.check.findings import FileResult, Finding
from plancli.commands.check.fingerprints import fingerprinted
from plancli.commands.check.formats import format_junit, github_annotation
from plancli.core import Diagnostic, UsageError
from plancli.models import Document

PLANCLI = [sys.executable, "-m", "plancli"]
GITHUB_LINE = re.compile(r"^::(error|warning|notice) file=[^,]+,line=\d+(,[^:]*)?::.+$")
TEXT_LINE = re.compile(r"^[^\n]+:\d+: [a-z-]+ \[(error|warning|info)\] .+$")


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANCLI, "check", *map(str, args)], capture_output=True, text=True, timeout=180, env=env
    )


def document(**fields: Any) -> Document:
    data: dict[str, Any] = {
        "plancli_version": "test",
        "source": {"path": "x.txt", "sha256": "0", "bytes": 0, "encoding": "utf-8"},
        "meta": {"title": "测试规划"},
        "normalization": {},
        "sections": [{"id": "s1", "level": 1, "marker": "一、", "title": "总体要求", "line": 3}],
    }
    data.update(fields)
    return Document.model_validate(data)


def task(line: int, units: list[str], column: str | None = None) -> dict[str, Any]:
    return {
        "id": f"t{line}",
        "marker": "1.",
        "title": "健全党建引领机制",
        "text": "健全党建引领机制。加强社区党组织建设。",
        "line": line,
        "column": column,
        "units": [{"name": name, "raw": name, "role": "responsible"} for name in units],
    }


# --- document checks -----------------------------------------------------------------


def test_no_title_is_an_error_only_without_plan_and_notice_title() -> None:
    assert check_title(document(meta={})) == [
        Diagnostic("error", "no-title", None, "no plan title or notice title found")
    ]
    assert check_title(document()) == []
    assert check_title(document(meta={"notice_title": "关于印发…的通知"})) == []


def test_no_headings_is_a_warning_only_without_sections() -> None:
    assert [d.code for d in check_headings(document(sections=[]))] == ["no-headings"]
    assert check_headings(document()) == []


def test_boxes_alone_are_not_headings() -> None:
    box = {"id": "c1", "level": 1, "marker": "专栏1", "title": "指标", "line": 9, "kind": "column"}
    found = check_headings(document(sections=[box]))
    assert [(d.code, d.message) for d in found] == [
        ("no-headings", "no numbered headings found (only 1 专栏/附件 boxes)")
    ]


def test_chongqing_lost_its_headings() -> None:
    result = check_file(CHONGQING)
    assert "no-headings" in [f.code for f in result.findings]


def test_task_without_units_where_most_tasks_name_them() -> None:
    tasks = [task(10, ["州民政局"]), task(11, ["州住建局"]), task(12, ["州财政局"]), task(13, [])]
    tasks.append(task(20, [], column="专栏1"))  # items in a 专栏 box are not expected to name units
    found = check_task_units(document(tasks=tasks))
    assert [(d.level, d.code, d.line) for d in found] == [("warning", "task-without-units", 13)]
    assert "3 of 4 tasks under the same heading" in found[0].message
    assert "1.健全党建引领机制" in found[0].message


def test_task_units_are_compared_within_the_top_level_heading() -> None:
    def under(heading: str, line: int, units: list[str]) -> dict[str, Any]:
        return task(line, units) | {"section_path": [heading, "(一)小节"]}

    tasks = [under("重点任务", n, ["县民政局"]) for n in (10, 11, 12)]
    tasks += [under("重点任务", 13, []), under("保障措施", 20, []), under("保障措施", 21, [])]
    found = check_task_units(document(tasks=tasks))
    assert [d.line for d in found] == [13]


def test_safeguard_items_of_a_real_plan_are_not_flagged() -> None:
    from plancli.pipeline import process_file

    # Jimsar lines 26-29: 三、保障措施 items (一)-(三) name no unit, unlike the 重点任务 items.
    assert check_task_units(process_file(JIMSAR)) == []


def test_no_task_without_units_when_the_document_rarely_names_units() -> None:
    tasks = [task(10, ["州民政局"]), task(11, []), task(12, []), task(13, [])]
    assert check_task_units(document(tasks=tasks)) == []
    assert check_task_units(document(tasks=[task(10, []), task(11, [])])) == []


def test_suspect_spans_become_garbled_warnings_with_the_proposal() -> None:
    spans = [{"line": 41, "text": "鍏充簬", "candidate": "关于"}, {"line": 65, "text": "锟斤拷"}]
    found = check_garbled(document(normalization={"suspect_spans": spans}))
    assert [(d.code, d.line) for d in found] == [("suspect-garbled", 41), ("suspect-garbled", 65)]
    assert found[0].message == "garbled text “鍏充簬” (maybe “关于”)"
    assert found[1].message == "garbled text “锟斤拷”"


def test_traditional_left_names_each_line_and_its_characters() -> None:
    table = {
        "id": "t1",
        "header": ["序号", "工作任务"],
        "rows": [["1", "完善社区服务"], ["2", "關愛老人"]],
        "line": 19,
        "row_lines": [20, 21],
    }
    tasks = [task(7, ["州民政局"]) | {"text": "加強社區建設。"}]
    found = check_traditional(document(tasks=tasks, tables=[table]))
    assert [(d.code, d.line) for d in found] == [("traditional-left", 7), ("traditional-left", 21)]
    assert found[0].message == "traditional characters left: 強→强, 區→区, 設→设"
    assert found[1].message == "traditional characters left: 關→关, 愛→爱"


def test_traditional_left_ignores_removed_chrome_and_repairs() -> None:
    normalization = {
        "boilerplate_removed": [{"line": 1, "text": "首頁 > 政務公開", "rule": "breadcrumb"}],
        "repairs": [{"line": 2, "kind": "marker", "before": "關", "after": "关"}],
    }
    assert check_traditional(document(normalization=normalization)) == []


def test_samples_keep_no_traditional_characters(sample: Path) -> None:
    from plancli.pipeline import process_file

    assert check_traditional(process_file(sample)) == []


def test_a_check_repeats_nothing_a_stage_already_said_but_may_raise_its_level() -> None:
    stage = [
        Diagnostic("warning", "no-title", 3, "no plan title found"),
        Diagnostic("warning", "suspect-garbled", 41, "garbled"),
    ]
    checks = [
        Diagnostic("error", "no-title", None, "no plan title or notice title found"),
        Diagnostic("warning", "suspect-garbled", 41, "garbled text"),
        Diagnostic("warning", "suspect-garbled", 65, "garbled text"),
    ]
    merged = merge_diagnostics(stage, checks)
    assert [(d.level, d.code, d.line, d.message) for d in merged] == [
        ("error", "no-title", 3, "no plan title found"),
        ("warning", "suspect-garbled", 41, "garbled"),
        ("warning", "suspect-garbled", 65, "garbled text"),
    ]
    warning = [Diagnostic("warning", "suspect-garbled", 9, "y")]
    assert merge_diagnostics(warning, [Diagnostic("info", "suspect-garbled", 9, "x")]) == warning


# --- fingerprints ----------------------------------------------------------------------


def test_fingerprint_follows_the_line_text_not_its_number() -> None:
    lines = CHONGQING.read_text(encoding="utf-8").split("\n")
    moved = ["", "   ", "一行无关的文字", *lines]
    at_41 = Diagnostic("warning", "suspect-garbled", 41, "garbled text")
    at_44 = Diagnostic("warning", "suspect-garbled", 44, "garbled text, reworded")
    [before] = fingerprinted("corpus/cq.txt", [at_41], lines)
    [after] = fingerprinted("corpus/cq.txt", [at_44], moved)
    assert before.fingerprint == after.fingerprint
    other_code = Diagnostic("warning", "target-unparsed", 41, "garbled text")
    other_line = Diagnostic("warning", "suspect-garbled", 42, "garbled text")
    others = fingerprinted("corpus/cq.txt", [other_code, other_line], lines)
    others += fingerprinted("corpus/other.txt", [at_41], lines)
    assert len({before.fingerprint, *(f.fingerprint for f in others)}) == 4


def test_fingerprint_tells_apart_repeated_problems_on_equal_lines() -> None:
    lines = ["| 1 | a |", "| 1 | a |"]
    diagnostics = [Diagnostic("warning", "table-row-width", n, "3 cells") for n in (1, 2)]
    first, second = fingerprinted("t.txt", diagnostics, lines)
    assert first.fingerprint != second.fingerprint


def test_fingerprint_without_line_masks_numbers_in_the_message() -> None:
    [a] = fingerprinted("a.txt", [Diagnostic("warning", "x", None, "3 of 4 tasks")], [])
    [b] = fingerprinted("a.txt", [Diagnostic("warning", "x", None, "5 of 9 tasks")], [])
    [c] = fingerprinted("a.txt", [Diagnostic("warning", "x", None, "no tasks")], [])
    assert a.fingerprint == b.fingerprint != c.fingerprint


def fake_pipeline(path: str | Path) -> Document:
    """A stand-in for the stages: one warning on the line that carries 健全党建引领机制."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "健全党建引领机制" in text)
    warning = {"level": "warning", "code": "target-unparsed", "line": line, "message": "x"}
    return document(diagnostics=[warning])


def test_fingerprints_survive_lines_inserted_above(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plancli.pipeline

    monkeypatch.setattr(plancli.pipeline, "process_file", fake_pipeline)
    target = tmp_path / "jimsar.txt"
    target.write_bytes(JIMSAR.read_bytes())
    before = check_file(target, "corpus/jimsar.txt").findings
    target.write_bytes(b"\n\n\xe6\x97\xa0\xe5\x85\xb3\n" + JIMSAR.read_bytes())
    after = check_file(target, "corpus/jimsar.txt").findings
    assert [f.line for f in after] == [f.line + 3 for f in before]
    assert [f.fingerprint for f in after] == [f.fingerprint for f in before]


# --- the command -----------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(JIMSAR, root / "jimsar.txt")
    shutil.copy(JIANGXI, root / "jiangxi.txt")
    (root / "gone.txt").symlink_to(root / "missing-target.txt")
    return root


def test_every_format_parses_and_agrees_with_json(corpus: Path) -> None:
    report = run(corpus, "--format", "json")
    assert report.returncode == 1, report.stderr
    data = json.loads(report.stdout)
    files = {Path(f["path"]).name: f["diagnostics"] for f in data["files"]}
    assert sorted(files) == ["gone.txt", "jiangxi.txt", "jimsar.txt"]
    assert [d["code"] for d in files["gone.txt"]] == ["unreadable"]
    findings = [d for diagnostics in files.values() for d in diagnostics]
    assert data["summary"]["errors"] == sum(d["level"] == "error" for d in findings)
    assert data["summary"]["warnings"] == sum(d["level"] == "warning" for d in findings)

    text = run(corpus).stdout.splitlines()
    assert len(text) == len(findings)
    assert all(TEXT_LINE.match(line) for line in text), text

    sarif = json.loads(run(corpus, "--format", "sarif").stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert len(results) == len(findings)
    rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} == rules
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)

    junit = ET.fromstring(run(corpus, "--format", "junit").stdout)
    cases = junit.findall(".//testcase")
    assert len(cases) == 3
    failed = {Path(c.get("name", "")).name for c in cases if c.find("failure") is not None}
    assert failed == {name for name, ds in files.items() if any(d["level"] == "error" for d in ds)}
    logged = "".join(c.findtext("system-out") or "" for c in cases)
    assert logged.count("\n") == len(findings)

    github = run(corpus, "--format", "github").stdout.splitlines()
    annotations = [line for line in github if line.startswith("::")]
    assert all(GITHUB_LINE.match(line) for line in annotations), annotations
    assert len(github) == len(findings)
    assert any(line.startswith("::error file=") and "unreadable" in line for line in annotations)


def test_github_annotates_ten_per_level_and_summarises_all(tmp_path: Path) -> None:
    missing = [tmp_path / f"missing{n:02}.txt" for n in range(12)]
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary), "PATH": "/usr/bin:/bin"}
    result = run(*missing, "--format", "github", env=env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.startswith("::error ") for line in lines] == [True] * 10 + [False] * 2
    assert lines[10].endswith("missing10.txt: no such file")
    rows = summary.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "## plancli check"
    assert sum("| error | `unreadable` |" in row for row in rows) == 12


def test_baseline_round_trip(corpus: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    written = run(corpus, "--write-baseline", baseline)
    assert written.returncode == 0, written.stderr
    known = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert any(f["code"] == "unreadable" for f in known)

    clean = run(corpus, "--baseline", baseline)
    assert (clean.returncode, clean.stdout) == (0, "")
    assert f"({len(known)} in the baseline)" in clean.stderr

    moved = corpus / "jimsar.txt"
    moved.write_bytes(b"\n\n" + moved.read_bytes())
    assert run(corpus, "--baseline", baseline).returncode == 0

    (corpus / "new.txt").symlink_to(corpus / "another-missing-target.txt")
    fresh = run(corpus, "--baseline", baseline)
    assert fresh.returncode == 1
    [line] = fresh.stdout.splitlines()
    assert "new.txt:1: unreadable [error]" in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "'xml' is not one of 'text'"),
        (["--baseline", "no/such/baseline.json"], "no such file"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(JIMSAR, *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_a_baseline_that_is_not_one_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"something": "else"}', encoding="utf-8")
    with pytest.raises(UsageError, match=r"^baseline .*bad\.json: not a plancli baseline$"):
        run_check(
            [JIMSAR], fmt="text", strict=False, baseline=bad, write_baseline=None, glob="*.txt"
        )


def results_with(*levels: str) -> list[FileResult]:
    findings = [
        Finding("a.txt", level, "code", 1, "message", str(n))  # type: ignore[arg-type]
        for n, level in enumerate(levels)
    ]
    return [FileResult("a.txt", findings)]


@pytest.mark.parametrize(
    ("levels", "strict", "code"),
    [
        ((), False, 0),
        (("warning", "info"), False, 0),
        (("warning", "info"), True, 1),
        (("info",), True, 0),
        (("error",), False, 1),
    ],
)
def test_exit_code(
    levels: tuple[str, ...],
    strict: bool,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(
        command, "check_paths", lambda paths, glob, timeout=None: results_with(*levels)
    )
    assert (
        run_check(
            [Path("a.txt")],
            fmt="text",
            strict=strict,
            baseline=None,
            write_baseline=None,
            glob="*.txt",
        )
        == code
    )
    assert capsys.readouterr().out.count("\n") == len(levels)


# --- properties ------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    st.text(min_size=1),
    st.from_regex(r"[a-z]+(-[a-z]+)*", fullmatch=True),
    st.text(),
    st.sampled_from(["error", "warning", "info"]),
    st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_github_annotation_is_always_one_valid_line(
    path: str, code: str, message: str, level: str, line: int | None
) -> None:
    annotation = github_annotation(Finding(path, level, code, line, message))  # type: ignore[arg-type]
    assert GITHUB_LINE.fullmatch(annotation)
    assert "\n" not in annotation and "\r" not in annotation


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1), st.text()), min_size=1, max_size=5))
def test_junit_parses_whatever_the_messages_hold(items: list[tuple[str, str]]) -> None:
    results = [
        FileResult(path, [Finding(path, "error", "code", 1, message)]) for path, message in items
    ]
    root = ET.fromstring(format_junit(results, 0))
    assert len(root.findall(".//testcase")) == len(items)
    assert len(root.findall(".//failure")) == len(items)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_check_file_never_raises(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(data)
        result = check_file(path, "doc.txt")
    assert all(f.level in ("error", "warning", "info") for f in result.findings)
    fingerprints = [f.fingerprint for f in result.findings]
    assert len(set(fingerprints)) == len(fingerprints)


def test_pre_commit_hook_runs_check_on_text_documents() -> None:
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"]) == ("plancli-check", "plancli check")
    assert hook["types"] == ["text"]
    assert re.search(hook["files"], "corpus/2023/plan.txt")
    assert not re.search(hook["files"], "corpus/plan.txt.bak")


def test_workers_give_the_same_report_in_the_same_order(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plancli.commands.batch import worker_count

    if worker_count(0) < 2:
        pytest.skip("one core: check runs in-process")
    shutil.copy(CHANGJI, corpus / "changji.txt")
    parallel = command.check_paths([corpus], "*.txt")
    monkeypatch.setattr(command, "PARALLEL_FROM_FILES", 10**6)
    serial = command.check_paths([corpus], "*.txt")
    assert [Path(r.path).name for r in parallel] == [
        "changji.txt",
        "gone.txt",
        "jiangxi.txt",
        "jimsar.txt",
    ]
    assert parallel == serial
