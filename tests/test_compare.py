"""`plancli compare` on the sample chain; expected alignments were checked by reading the texts.

Changji (the prefecture) and Jimsar (one of its counties) both implement the Xinjiang region's
城乡社区服务体系 plan: the county copies the prefecture's goals paragraph (Changji line 12,
Jimsar line 8) and its eleven numbered tasks and four safeguards, with 州 units turned into 县
units, but leaves out the prefecture's indicator table and its 26 专栏 projects.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, JIANGXI, JIMSAR, SHAOYANG
from plancli.commands.compare import compare_documents, in_date_order
from plancli.commands.compare.measures import (
    Measure,
    classify,
    match,
    measure_key,
    measure_of,
    pairing,
)
from plancli.commands.compare.model import (
    Comparison,
    DocumentRef,
    MeasureCell,
    MeasureRow,
    TaskCell,
    TaskRow,
    TaskStep,
)
from plancli.commands.compare.render import measure_styles, render, task_styles
from plancli.commands.compare.tasks import unit_kind
from plancli.commands.theme import STYLES
from plancli.models import Document, Target
from plancli.pipeline import process_bytes, process_file
from plancli.stages.normalize import normalize
from plancli.stages.read import decode


@cache
def document(path: Path) -> Document:
    return process_file(path)


@cache
def changji_jimsar() -> Comparison:
    return compare_documents([document(CHANGJI), document(JIMSAR)])


def row_of(comparison: Comparison, indicator: str) -> MeasureRow:
    return next(
        r for r in comparison.measures if any(c and c.indicator == indicator for c in r.cells)
    )


def measure(indicator: str, value: float, unit: str = "%", per: str | None = None) -> Measure:
    target = Target(
        indicator=indicator,
        comparator=">=",
        value=value,
        unit=unit,
        per=per,
        year=2025,
        text=indicator,
        line=1,
    )
    return measure_of([target])


def cell(comparator: str, value: float, unit: str = "%", year: int | None = 2025) -> MeasureCell:
    return MeasureCell(
        indicator="城市低保对象认定差错率",
        comparator=comparator,
        value=value,
        unit=unit,
        year=year,
        line=1,
        text="x",
    )


# --- targets: Changji → Jimsar ------------------------------------------------------------


def test_social_worker_density_is_aligned_and_adopted() -> None:
    row = row_of(changji_jimsar(), "每万城镇常住人口拥有社区工作者")
    changji, jimsar = row.cells
    assert (changji.comparator, changji.value, changji.unit, changji.per, changji.year) == (
        ">=",
        25.0,
        "人",
        "每万城镇常住人口",
        2025,
    )
    # Changji states it in the goals (12), task 10 (28, 每万名… 大于25人) and the table (75).
    assert changji.lines == [12, 28, 75]
    assert jimsar.lines == [8, 24]
    assert (row.steps[0].changes, row.steps[0].confidence, row.steps[0].how) == (
        ["adopted"],
        1.0,
        "same",
    )


def test_facility_coverage_is_aligned_and_adopted() -> None:
    row = row_of(changji_jimsar(), "城乡社区综合服务设施覆盖率")
    assert [c.line for c in row.cells] == [12, 8]
    assert row.steps[0].changes == ["adopted"]


def test_a_county_count_is_rescaled_not_looser() -> None:
    # Changji: 社会工作专业人才总数达600人; Jimsar: 社会工作专业人才总数达70人.
    row = row_of(changji_jimsar(), "社会工作专业人才总数")
    assert [c.value for c in row.cells] == [600.0, 70.0]
    assert row.steps[0].changes == ["rescaled"]


def test_measures_only_in_the_prefecture_are_dropped_not_forced() -> None:
    comparison = changji_jimsar()
    dropped = sorted(
        r.cells[0].indicator for r in comparison.measures if r.steps[0].changes == ["dropped"]
    )
    assert dropped == ["全州行政村光纤覆盖率", "特殊困难老年人月探访率"]
    assert not [r for r in comparison.measures if r.steps[0].changes == ["new"]]
    assert all(r.cells[1] is None for r in comparison.measures if "dropped" in r.steps[0].changes)


def test_every_jimsar_target_is_aligned_with_changji() -> None:
    comparison = changji_jimsar()
    aligned = [r for r in comparison.measures if all(r.cells)]
    assert len(aligned) == 12
    assert {change for r in aligned for change in r.steps[0].changes} == {"adopted", "rescaled"}


def test_reworded_mentions_are_merged_before_aligning() -> None:
    # Changji 婴幼儿照护服务设施配建要求 (22), …配套标准 (44) and the table's
    # 婴幼儿照护服务设施 (79) all say 300 square metres; Jimsar keeps only the 配建要求
    # sentence (18).
    row = row_of(changji_jimsar(), "婴幼儿照护服务设施配建要求")
    assert row.cells[0].lines == [22, 44, 79]
    assert row.cells[1].line == 18
    assert row.steps[0].changes == ["adopted"]


# --- targets: Jiangxi and Shaoyang (peers implementing their provinces' plans) ---------------


def test_spelling_variants_of_one_measure_align_folded() -> None:
    comparison = compare_documents([document(JIANGXI), document(SHAOYANG)])
    row = row_of(comparison, "每万城镇常住人口配备社区工作者")
    # Jiangxi: 每万城镇常住人口配备社区工作者不低于18人; Shaoyang: 每万名…拥有社区工作者18人.
    assert row.cells[1].indicator == "每万名城镇常住人口拥有社区工作者"
    assert (row.steps[0].changes, row.steps[0].confidence, row.steps[0].how) == (
        ["adopted"],
        0.95,
        "folded",
    )
    area = row_of(comparison, "每百户居民拥有社区综合服务设施面积")
    assert [c.value for c in area.cells] == [30.0, 43.0]
    assert area.steps[0].changes == ["stricter"]


# --- pairing rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "key"),
    [
        ("每万名城镇常住人口拥有社区工作者", "社区工作者"),
        ("每万城镇常住人口配备社区工作者", "社区工作者"),
        ("全州行政村光纤覆盖率", "行政村光纤覆盖率"),
        ("我县城乡社区综合服务设施覆盖率", "城乡社区综合服务设施覆盖率"),
        ("城市社区和农村社区综合服务设施覆盖率", "城乡社区综合服务设施覆盖率"),
        ("社会工作专业人才总数", "社会工作专业人才"),
        ("“十四五”时期社区工作者", "十四五时期社区工作者"),
    ],
)
def test_measure_keys_fold_spelling(indicator: str, key: str) -> None:
    assert measure_key(indicator) == key


def test_measures_sharing_words_are_not_paired() -> None:
    assert (
        pairing(measure("城乡社区综合服务设施覆盖率", 100), measure("村级综合服务设施覆盖率", 100))
        is None
    )
    assert (
        pairing(
            measure("城市社区日间照料机构覆盖率", 90), measure("城市社区政务通用自助服务覆盖率", 90)
        )
        is None
    )
    assert pairing(measure("社区工作者", 25, "人"), measure("社区工作者", 25, "%")) is None


def test_city_and_countryside_spelled_out_is_urban_rural() -> None:
    found = pairing(
        measure("城乡社区综合服务设施覆盖率", 100),
        measure("城市社区及农村社区综合服务设施覆盖率", 100),
    )
    assert (found.confidence, found.how) == (0.95, "folded")


def test_a_near_identical_wording_is_similar_with_less_confidence() -> None:
    found = pairing(
        measure("城市社区政务通用自助服务覆盖率", 100), measure("城市政务通用自助服务覆盖率", 100)
    )
    assert found.how == "similar"
    assert 0.7 < found.confidence < 0.95


def test_a_related_basis_pairs_only_when_unambiguous() -> None:
    old = [measure("每万城镇常住人口拥有社区工作者", 18, "人", "每万城镇常住人口")]
    one = [measure("每万常住人口拥有社区工作者", 20, "人", "每万常住人口")]
    assert match(old, one)[0][1].how == "basis relaxed"
    two = [*one, measure("每万人拥有社区工作者", 20, "人", "每万人")]
    assert match(old, two) == {}


# --- change classification ----------------------------------------------------------------


def test_a_lower_ceiling_is_stricter() -> None:
    assert classify(cell("<=", 5), cell("<=", 3)) == ["stricter"]
    assert classify(cell("<=", 3), cell("<=", 5)) == ["looser"]
    assert classify(cell("<=", 5), cell("<", 5)) == ["stricter"]


def test_a_higher_floor_is_stricter_and_a_later_year_moves_in_time() -> None:
    assert classify(cell(">=", 90, year=2025), cell(">=", 95, year=2024)) == [
        "stricter",
        "moved in time",
    ]
    assert classify(cell(">=", 90), cell("~", 90)) == ["looser"]
    assert classify(cell(">=", 90), cell("<=", 90)) == ["changed"]
    assert classify(cell(">=", 90), cell("<=", 80)) == ["changed"]
    assert classify(cell("=", 100), cell(">=", 95)) == ["looser"]
    assert classify(cell("=", 50), cell("=", 60)) == ["changed"]
    assert classify(cell(">=", 90, year=None), cell(">=", 90)) == ["adopted"]


def test_counts_of_one_issuer_are_compared_not_rescaled() -> None:
    before = cell(">=", 600, unit="人")
    after = cell(">=", 700, unit="人")
    assert classify(before, after) == ["rescaled"]
    assert classify(before, after, same_issuer=True) == ["stricter"]


# --- tasks --------------------------------------------------------------------------------


def test_numbered_tasks_are_carried_and_projects_are_not() -> None:
    tasks = changji_jimsar().tasks
    carried = [r for r in tasks if r.steps[0].change == "carried"]
    assert [(r.cells[0].id, r.cells[1].id) for r in carried] == [
        (f"t{i}", f"t{i}") for i in range(1, 16)
    ]
    dropped = [r.cells[0].summary for r in tasks if r.steps[0].change == "not carried down"]
    assert len(dropped) == 26
    assert dropped[0] == "培育发展城乡社区社会组织专项行动"
    assert dropped[-1] == "社会工作专业人才队伍建设"
    assert not [r for r in tasks if r.steps[0].change == "new"]


def test_units_are_followed_down_by_kind() -> None:
    tasks = changji_jimsar().tasks
    # Task 3: Changji lists 州科技局, Jimsar has no 县科技局 (otherwise the same fourteen kinds).
    step = tasks[2].steps[0]
    assert (step.units_not_carried, step.units_added, step.flags) == (["州科技局"], [], [])
    # Task 5: 州消防救援支队 becomes 县消防救援大队, the same kind of unit one level down.
    assert "州消防救援支队" in tasks[4].cells[0].units
    assert "县消防救援大队" in tasks[4].cells[1].units
    assert tasks[4].steps[0].units_not_carried == []
    assert not [r for r in tasks if r.steps and r.steps[0].flags]


def test_unit_kinds_ignore_the_level() -> None:
    assert unit_kind("自治区民政厅") == unit_kind("州民政局") == unit_kind("县民政局") == "民政局"
    assert unit_kind("省住房城乡建设厅") == unit_kind("市住建局") == "住建局"
    assert unit_kind("州党委宣传部") == unit_kind("县委宣传部")
    assert unit_kind("市场监管局") == "市场监管局"  # 市 here is not a level
    assert unit_kind("州教育局") != unit_kind("县科技局")


def test_a_task_that_loses_its_units_is_flagged() -> None:
    higher, lower = document(CHANGJI), document(JIMSAR)
    first = lower.tasks[0].model_copy(update={"units": []})
    stripped = lower.model_copy(update={"tasks": [first, *lower.tasks[1:]]})
    comparison = compare_documents([higher, stripped])
    assert comparison.tasks[0].steps[0].flags == ["lost units"]
    assert comparison.tasks[0].steps[0].units_not_carried == comparison.tasks[0].cells[0].units


# --- properties and metamorphic variants ----------------------------------------------------


def assert_aligns_completely(comparison: Comparison) -> None:
    for row in comparison.measures:
        assert all(row.cells), row
        assert [s.changes for s in row.steps] == [["adopted"]] * len(row.steps)
    for task in comparison.tasks:
        assert all(task.cells), task
        assert [s.change for s in task.steps] == ["carried"] * len(task.steps)
        assert not any(s.units_not_carried or s.units_added or s.flags for s in task.steps)


def test_a_document_compared_with_itself_changes_nothing(sample: Path) -> None:
    comparison = compare_documents([document(sample), document(sample)])
    assert_aligns_completely(comparison)
    assert {s.confidence for r in comparison.measures for s in r.steps} <= {1.0}
    assert {s.similarity for r in comparison.tasks for s in r.steps} <= {1.0}
    assert len(comparison.measures) >= 1 and len(comparison.tasks) >= 1


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_deleting_measures_and_tasks_reports_exactly_those_dropped(data: st.DataObject) -> None:
    full = document(CHANGJI)
    keys = sorted({measure_key(t.indicator) for t in full.targets})
    kept_keys = set(data.draw(st.lists(st.sampled_from(keys), unique=True)))
    kept_ids = set(data.draw(st.lists(st.sampled_from([t.id for t in full.tasks]), unique=True)))
    part = full.model_copy(
        update={
            "targets": [t for t in full.targets if measure_key(t.indicator) in kept_keys],
            "tasks": [t for t in full.tasks if t.id in kept_ids],
        }
    )
    comparison = compare_documents([full, part])
    for row in comparison.tasks:
        expected = "carried" if row.cells[0].id in kept_ids else "not carried down"
        assert row.steps[0].change == expected
    for row in comparison.measures:
        assert row.cells[0] is not None  # nothing new appears
        if row.cells[1] is None:
            assert row.steps[0].changes == ["dropped"]
        else:
            assert row.steps[0].changes == ["adopted"]
            assert measure_key(row.cells[1].indicator) in kept_keys


@pytest.mark.parametrize("config", ["s2t", "s2hk"])
def test_traditional_variant_aligns_completely(config: str) -> None:
    simplified = JIMSAR.read_bytes()
    traditional = opencc.OpenCC(config).convert(simplified.decode("utf-8")).encode("utf-8")
    assert traditional != simplified
    variant = process_bytes(traditional, "jimsar-traditional.txt")
    comparison = compare_documents([document(JIMSAR), variant])
    assert_aligns_completely(comparison)
    assert len(comparison.measures) == 12 and len(comparison.tasks) == 15


def test_simplified_and_traditional_changji_align_completely() -> None:
    # The Changji sample itself is traditional with pinyin glosses; compare it with its
    # cleaned simplified text and with that text turned traditional again.
    simplified = normalize(decode(CHANGJI.read_bytes()).text).text
    for text in (simplified, opencc.OpenCC("s2t").convert(simplified)):
        variant = process_bytes(text.encode("utf-8"), "changji-variant.txt")
        comparison = compare_documents([document(CHANGJI), variant])
        assert_aligns_completely(comparison)
        assert len(comparison.measures) == 14 and len(comparison.tasks) == 41


def test_a_chain_of_three_reports_each_step() -> None:
    comparison = compare_documents([document(CHANGJI), document(JIMSAR), document(JIMSAR)])
    row = row_of(comparison, "社会工作专业人才总数")
    assert [s.changes for s in row.steps] == [["rescaled"], ["adopted"]]
    dropped = row_of(comparison, "全州行政村光纤覆盖率")
    assert dropped.cells[1:] == [None, None]
    assert [s.changes for s in dropped.steps] == [["dropped"], []]
    project = next(r for r in comparison.tasks if r.cells[0].summary == "智慧社区试点建设")
    assert project.cells[1:] == [None, None]
    assert [s and s.change for s in project.steps] == ["not carried down", None]
    carried = comparison.tasks[0]
    assert [s.change for s in carried.steps] == ["carried", "carried"]
    assert [s.similarity for s in carried.steps] == [0.97, 1.0]


def test_date_order_puts_the_earlier_plan_first() -> None:
    ordered = in_date_order([document(JIMSAR), document(CHANGJI)])
    assert [d.meta.date for d in ordered] == ["2023-05-06", "2023-09-25"]


# --- output ---------------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plancli", "compare", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_json_output_is_the_comparison_model() -> None:
    result = run(str(CHANGJI), str(JIMSAR), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert Comparison.model_validate(data) == changji_jimsar()


def test_csv_output_has_one_line_per_row() -> None:
    result = run(str(JIMSAR), str(CHANGJI), "--by", "date", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    comparison = changji_jimsar()
    assert len(rows) == len(comparison.measures) + len(comparison.tasks)
    social = next(r for r in rows if r["label"] == "社会工作专业人才总数")
    assert (social["text_1"], social["text_2"], social["change_1_2"]) == (
        "≥600人 (2025) L12",
        "≥70人 (2025) L8",
        "rescaled",
    )


def test_markdown_and_table_show_the_same_rows() -> None:
    markdown = render(changji_jimsar(), "md")
    assert "| 社会工作专业人才总数 | ≥600人 (2025) L12 | ≥70人 (2025) L8 | rescaled |" in markdown
    table = render(changji_jimsar(), "table", width=200)
    assert "社会工作专业人才总数" in table and "rescaled" in table and "− 州科技局" in table


def test_every_format_renders_a_chain_of_three() -> None:
    comparison = compare_documents([document(CHANGJI), document(JIMSAR), document(JIMSAR)])
    rows = list(csv.DictReader(io.StringIO(render(comparison, "csv"))))
    project = next(r for r in rows if r["label"] == "智慧社区试点建设")
    assert (project["change_1_2"], project["change_2_3"], project["confidence_2_3"]) == (
        "not carried down",
        "",
        "",
    )
    assert "| ① | ② | ③ | ①→② | ②→③ |" in render(comparison, "md")
    assert "②→③" in render(comparison, "table", width=240)


def test_document_text_is_never_read_as_markup() -> None:
    comparison = Comparison(
        documents=[DocumentRef(path="a[/b].txt"), DocumentRef(path="[bold]b.txt")],
        tasks=[
            TaskRow(
                cells=[
                    TaskCell(id="t1", summary="[red]加强[/red]组织领导", line=3),
                    None,
                ],
                steps=[TaskStep(change="not carried down")],
            )
        ],
    )
    table = render(comparison, "table", width=120)
    assert "[red]加强[/red]组织领导" in table and "[bold]b.txt" in table


def test_control_characters_in_document_text_are_shown_escaped() -> None:
    comparison = Comparison(
        documents=[DocumentRef(path="a\x1b[2J.txt"), DocumentRef(path="b.txt")],
        tasks=[
            TaskRow(
                cells=[TaskCell(id="t1", summary="加强\x07组织领导", line=3), None],
                steps=[TaskStep(change="not carried down")],
            )
        ],
    )
    table = render(comparison, "table", width=120)
    assert "\x1b" not in table and "\x07" not in table
    assert "a\\x1b[2J.txt" in table and "加强\\x07组织领导" in table


def test_table_cells_are_styled_by_what_changed() -> None:
    comparison = changji_jimsar()
    dropped = comparison.measures.index(row_of(comparison, "全州行政村光纤覆盖率"))
    rescaled = comparison.measures.index(row_of(comparison, "社会工作专业人才总数"))
    styles = measure_styles(comparison)
    assert styles[dropped] == ["", "target", "", "removed"]
    assert styles[rescaled] == ["", "target", "target", "changed"]
    project = next(r for r in comparison.tasks if r.cells[0].summary == "智慧社区试点建设")
    assert task_styles(comparison)[comparison.tasks.index(project)] == ["", "", "removed"]


def test_every_style_compare_uses_is_in_the_theme() -> None:
    comparison = changji_jimsar()
    used = {style for row in measure_styles(comparison) + task_styles(comparison) for style in row}
    assert used - {""} <= set(STYLES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([str(JIMSAR)], "at least two documents"),
        ([str(JIMSAR), str(CHANGJI), "--format", "yaml"], "'yaml' is not one of 'table'"),
        ([str(JIMSAR), str(CHANGJI), "--by", "size"], "'size' is not one of 'order'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
