"""The human views: outline tree, table export, responsibility matrix, Markdown report."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.commands.theme import STYLES
from plancli.commands.views import counts_by_section, outline_tree, unit_matrix
from plancli.pipeline import process_file
from plancli.stages.markdown import to_markdown


def plancli(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "plancli", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_outline_counts_tasks_under_each_heading() -> None:
    document = process_file(JIMSAR)
    counts = counts_by_section(document)
    by_title = {s.title: counts[s.id] for s in document.sections}
    # 二、重点任务 holds items 1-11; 三、保障措施 holds (一)-(四)
    assert by_title["重点任务"][0] == 11
    assert by_title["保障措施"][0] == 4


def test_outline_command_shows_headings_with_lines() -> None:
    out = plancli("outline", str(JIANGXI))
    # 二、主要任务 (line 13) holds items 1-18; (五) (line 34) holds items 17-18
    assert "├── 二、 主要任务  L13 · 18 tasks" in out
    assert "(五) 加强城乡社区服务人才队伍建设  L34 · 2 tasks" in out


def test_outline_counts_boxed_tasks_under_their_box() -> None:
    out = plancli("outline", str(SHAOYANG))
    assert "专栏5 新时代新社区新生活服务质量提升行动  L122 · 19 tasks" in out


def test_tables_csv_export_writes_one_file_per_table(tmp_path: Path) -> None:
    plancli("tables", str(CHANGJI), "--csv", str(tmp_path))
    files = sorted(tmp_path.glob("*.csv"))
    assert len(files) == 2
    rows = list(csv.reader(files[0].open(encoding="utf-8")))
    assert rows[0] == ["重点项目", "序号", "工作任务", "工作要求", "责任单位"]
    assert len(rows) == 1 + 26
    assert all(len(row) == 5 for row in rows)


def test_unit_matrix_marks_roles_per_task() -> None:
    document = process_file(CHANGJI)
    matrix = unit_matrix([document])
    lead_task = next(t for t in document.tasks if t.line == 34)
    assert matrix["州民政局"][lead_task.id] == "L"
    first = next(t for t in document.tasks if t.line == 15)
    assert matrix["州团委"][first.id] == "R"


def test_units_csv_has_one_column_per_task() -> None:
    out = plancli("units", str(JIMSAR), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    document = process_file(JIMSAR)
    assert rows[0] == ["unit", *(t.id for t in document.tasks)]
    names = [row[0] for row in rows[1:]]
    assert "县民政局" in names and len(names) == len(set(names))


def test_markdown_report_lists_targets_and_tasks() -> None:
    document = process_file(CHONGQING)
    report = to_markdown(document)
    assert report.startswith("# 重庆市民政事业发展“十四五”规划(2021—2025年)\n")
    targets = [t for t in document.targets if t.kind == "target"]
    assert f"## 指标 Targets ({len(targets)})" in report
    assert (
        "| 农村低保标准占城市低保标准比例 | >= 85% |  | 2025 | 80 (2020) | 预期性 | table | 25 |"
        in report
    )
    assert f"## 任务分工 Tasks ({len(document.tasks)})" in report


def test_markdown_escapes_pipes_in_cells() -> None:
    document = process_file(JIMSAR)
    first = document.tasks[0].model_copy(update={"title": "a|b"})
    report = to_markdown(document.model_copy(update={"tasks": [first]}))
    assert "a\\|b" in report


def test_units_over_a_folder_skips_a_bad_file_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(JIMSAR.read_bytes())
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = subprocess.run(
        [sys.executable, "-m", "plancli", "units", str(tmp_path), "--format", "csv"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "binary.txt: binary file" in result.stderr and "(skipped)" in result.stderr
    assert "县民政局" in result.stdout


def test_units_with_no_input_files_is_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plancli", "units", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr == "plancli: error: no input files (*.txt)\n"


def test_outline_styles_by_meaning_and_keeps_brackets_as_text() -> None:
    document = process_file(JIANGXI)
    first = document.sections[0].model_copy(update={"title": "[bold]总体要求[/bold]"})
    tree = outline_tree(document.model_copy(update={"sections": [first]}))
    label = tree.children[0].label
    assert label.plain.startswith(f"{first.marker} [bold]总体要求[/bold]  L{first.line}")
    styles = {span.style for node in (tree, tree.children[0]) for span in node.label.spans}
    assert styles == {"title", "note", "marker"}
    assert styles <= set(STYLES)
