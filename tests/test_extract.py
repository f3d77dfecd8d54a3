"""Extraction on the real samples: which blocks become tasks and goals, and their units.

Expected values were verified by reading the samples (line numbers are the
original file's). The detailed unit and target parsing is tested in
test_units.py and test_targets.py; here we test how extract puts them together.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.core import Line, NormalizationReport, Normalized
from plancli.models import Document, Task
from plancli.pipeline import process_bytes, process_file
from plancli.stages.extract import extract
from plancli.stages.segment import segment


@cache
def doc(path: object) -> Document:
    return process_file(path)  # type: ignore[arg-type]


def task_at(document: Document, line: int, marker: str | None = None) -> Task:
    found = [t for t in document.tasks if t.line == line and (marker is None or t.marker == marker)]
    assert len(found) == 1, [t.marker for t in document.tasks if t.line == line]
    return found[0]


def units_of(task: Task) -> list[tuple[str, str]]:
    return [(unit.name, unit.role) for unit in task.units]


# --- Changji ----------------------------------------------------------------------


def test_changji_tasks_are_items_plus_assignment_table_rows() -> None:
    document = doc(CHANGJI)
    text_tasks = [t for t in document.tasks if t.source == "text"]
    table_tasks = [t for t in document.tasks if t.source == "table"]
    # 11 numbered items (lines 15-29) and the four 保障措施 items (lines 31-34)
    assert [t.line for t in text_tasks] == [
        15,
        16,
        18,
        19,
        20,
        22,
        23,
        25,
        26,
        28,
        29,
        31,
        32,
        33,
        34,
    ]
    # 附件1 专项行动任务分工表: 26 rows on lines 40-65; the indicator table is not a task list
    assert [t.line for t in table_tasks] == list(range(40, 66))


def test_changji_first_item_units_restore_the_shared_prefix() -> None:
    task = task_at(doc(CHANGJI), 15)
    assert units_of(task) == [
        ("州党委组织部", "responsible"),
        ("州民政局", "responsible"),
        ("州住建局", "responsible"),
        ("州团委", "responsible"),
        ("州妇联", "responsible"),
        ("各县市人民政府", "responsible"),
    ]
    assert task.title == "健全党建引领机制"
    assert task.text.endswith("积极组织引导社会组织参与社区服务工作。")
    assert "按职责分工负责" not in task.text


def test_changji_inline_lead_sentence_gives_lead_units() -> None:
    # line 34: 由州民政局、发展改革委牵头,会同有关部门建立健全规划实施监测机制
    task = task_at(doc(CHANGJI), 34)
    assert units_of(task) == [("州民政局", "lead"), ("州发展改革委", "lead")]


def test_changji_table_row_task_keeps_group_and_caption() -> None:
    task = task_at(doc(CHANGJI), 41)  # row 2 lost its 重点项目 cell (rowspan)
    assert task.marker == "2"
    assert task.title == "城乡社区志愿服务行动"
    assert task.section_path[-2:] == ["专项行动任务分工表", "一、社会力量参与城乡社区服务行动"]
    assert units_of(task) == [
        ("州党委宣传部", "responsible"),
        ("州民政局", "responsible"),
        ("各县市人民政府", "responsible"),
    ]


def test_changji_table_task_owns_the_targets_of_its_row() -> None:
    # line 44 (row 5): 人均用地不少于0.1平方米 / 不小于300平方米 / 月探访率达到100%
    task = task_at(doc(CHANGJI), 44)
    assert [(t.comparator, t.value, t.unit) for t in task.targets] == [
        (">=", 0.1, "平方米"),
        (">=", 300.0, "平方米"),
        (">=", 100.0, "%"),
    ]


def test_changji_unit_counts_match_the_text() -> None:
    units = {unit.name: unit for unit in doc(CHANGJI).units}
    # every clause and table row names 各县市人民政府 (37 = 11 items + 26 rows);
    # 民政局 appears on 26 of lines 15-65 (grep), each time as 州民政局
    assert units["各县市人民政府"].tasks == 37
    assert units["州民政局"].tasks == 26
    assert units["州民政局"].lead == 1


def test_changji_goal_is_the_work_target_paragraph() -> None:
    goals = doc(CHANGJI).goals
    assert [g.line for g in goals] == [12]
    assert goals[0].year == 2025
    assert len(goals[0].targets) == 9
    assert {t.year for t in goals[0].targets} == {2025}


# --- Shaoyang ---------------------------------------------------------------------


def test_shaoyang_principles_are_not_tasks() -> None:
    lines = {t.line for t in doc(SHAOYANG).tasks}
    assert not lines & {40, 42, 44, 46, 48}  # 二、基本原则 (一)-(五)


def test_shaoyang_box_paragraph_with_unit_clause_is_a_task() -> None:
    task = task_at(doc(SHAOYANG), 80)  # 专栏2: `…(市民政住建按职责分工负责`
    assert task.marker is None
    assert task.column == "c2"
    assert units_of(task) == [("市民政局", "responsible"), ("市住建局", "responsible")]


def test_shaoyang_columns_hold_their_items() -> None:
    columns = doc(SHAOYANG).columns
    assert [(c.marker, len(c.items)) for c in columns] == [
        ("专栏1", 4),
        ("专栏2", 1),
        ("专栏3", 3),
        ("专栏4", 3),
        ("专栏5", 19),
    ]


def test_shaoyang_lead_and_support_roles() -> None:
    # line 166: (市财政局牵头,市民政局、市农业农村局等单位按职责分工负责)
    task = task_at(doc(SHAOYANG), 166)
    assert units_of(task) == [
        ("市财政局", "lead"),
        ("市民政局", "support"),
        ("市农业农村局", "support"),
    ]


# --- Chongqing --------------------------------------------------------------------


def test_chongqing_goals_without_headings() -> None:
    # 17: the overall goal (到2025年年底…), 18-21: ——…获得新进展 goals, 40: 到2035年 vision;
    # line 3 (规划期为2021—2025年,展望至2035年) is not a goal
    assert [g.line for g in doc(CHONGQING).goals] == [17, 18, 19, 20, 21, 40]


def test_chongqing_review_figures_are_status_only() -> None:
    targets = doc(CHONGQING).targets
    review = [t for t in targets if 4 <= t.line <= 9]
    assert {t.line for t in review} >= {5, 6, 7}
    assert {t.kind for t in review} == {"status"}


def test_chongqing_columns_hold_lead_items_split_from_one_line() -> None:
    columns = doc(CHONGQING).columns
    assert [(c.marker, len(c.items)) for c in columns] == [
        ("专栏1", 0),
        ("专栏2", 2),
        ("专栏3", 3),
        ("专栏4", 2),
        ("专栏5", 3),
        ("专栏6", 3),
    ]
    assert [t.line for t in columns[2].items] == [57, 57, 57]


# --- Jiangxi and Jimsar -----------------------------------------------------------


def test_jiangxi_note_after_units_is_not_a_unit() -> None:
    document = doc(JIANGXI)
    assert units_of(task_at(document, 15)) == [
        ("省委组织部", "responsible"),
        ("省民政厅", "responsible"),
        ("省住房城乡建设厅", "responsible"),
        ("省农业农村厅", "responsible"),
    ]
    names = {unit.name for unit in document.units}
    assert not any(word in name for name in names for word in ("下同", "责任单位", "各市"))


def test_jiangxi_unit_counts_match_the_text() -> None:
    document = doc(JIANGXI)
    assert len(document.tasks) == 22  # items 1-18 and 实施保障 (一)-(四)
    units = {unit.name: unit for unit in document.units}
    assert units["省民政厅"].tasks == 17  # every 责任单位 clause but item 8's (line 23)


def test_jimsar_alias_folds_to_one_unit() -> None:
    document = doc(JIMSAR)
    # line 12 writes 发展和改革委员会, lines 14, 15, 18 write 发展改革委
    lines = sorted(t.line for t in document.tasks if any(u.name == "县发展改革委" for u in t.units))
    assert lines == [12, 14, 15, 18, 30]
    assert units_of(task_at(document, 30)) == [("县民政局", "lead"), ("县发展改革委", "lead")]


# --- properties -------------------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(
        list("一二三、()1.。,;:负责牵头由州县市民政局委到2025年达%以上专栏|—“”\n")
    ),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_extract_never_raises_on_arbitrary_outlines(text: str) -> None:
    lines = [Line(raw, number) for number, raw in enumerate(text.splitlines(), 1) if raw.strip()]
    result = extract(segment(Normalized(lines, NormalizationReport())))
    for task in result.tasks:
        assert task.line in {line.line for line in lines}


@pytest.mark.parametrize("path", [CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG])
def test_every_task_and_target_points_at_a_real_line(path: object) -> None:
    document = doc(path)
    total = len(path.read_bytes().decode("utf-8").splitlines())  # type: ignore[attr-defined]
    for item in [*document.tasks, *document.targets, *document.goals]:
        assert 1 <= item.line <= total


def test_targets_are_read_through_a_confident_mojibake_recovery() -> None:
    # Chongqing 65: `…规范高效?!笆奈濉逼陂g,力争筹集彩票公益金48亿元` — the garbled run is
    # `。“十四五”期间` (recovered by the normalizer at confidence 0.88), the deadline 2025
    from plancli.pipeline import outline_file

    _, outline = outline_file(CHONGQING)
    with_recovery = [t for t in extract(outline).targets if t.line == 65]
    assert [(t.indicator, t.value, t.unit, t.year) for t in with_recovery] == [
        ("筹集彩票公益金", 48.0, "亿元", 2025)
    ]
    blind = extract(outline.model_copy(update={"suspect_spans": []}))
    assert [t.year for t in blind.targets if t.line == 65] == [None]
    assert "?!笆奈濉逼陂g" in next(t for t in doc(CHONGQING).tasks if t.line == 65).text


# --- records are built whole ----------------------------------------------------------


@pytest.mark.parametrize("path", [CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG])
def test_a_record_cannot_be_assigned_after_it_is_built(path: object) -> None:
    """Goals and tasks get their targets when they are built or copied, never by assignment:
    every record of the contract is frozen, and so is each one extract returns."""
    from plancli.models import Model
    from plancli.pipeline import outline_file
    from plancli.records import FrozenRecordError

    _, outline = outline_file(path)  # type: ignore[arg-type]
    extracted = extract(outline)
    task = next(task for task in extracted.tasks if task.targets)
    with pytest.raises(FrozenRecordError):
        task.targets = []  # type: ignore[misc]
    records = [extracted, *extracted.tasks, *extracted.goals, *extracted.targets, *extracted.units]
    assert all(isinstance(record, Model) for record in records)


ANNUAL_DUTY_LIST = (
    "某县2025年政府重要工作事项责任分工\n"
    "一、2025年主要预期目标\n"
    "1.地区生产总值增长6%。(牵头单位:县发展和改革局)\n"
    "2.一般公共预算收入增长3.5%左右。(牵头单位:县财政局)\n"
    "3.城镇新增就业保持稳定。\n"
    "二、聚力强产业\n"
    "4.修编经济开发区整体规划。(牵头单位:县园区发展服务中心;责任单位:县工业和信息化局)\n"
)


def test_a_goal_that_names_its_unit_is_also_a_task() -> None:
    document = process_bytes(ANNUAL_DUTY_LIST.encode())
    tasks = [(t.marker, [(u.name, u.role) for u in t.units]) for t in document.tasks]
    assert tasks == [
        ("1.", [("县发展和改革局", "lead")]),
        ("2.", [("县财政局", "lead")]),
        ("4.", [("县园区发展服务中心", "lead"), ("县工业和信息化局", "support")]),
    ]
    assert {3, 4} <= {goal.line for goal in document.goals}
    first = document.tasks[0]
    assert [(t.indicator, t.value, t.unit, t.year) for t in first.targets] == [
        ("地区生产总值增长", 6, "%", 2025)  # the one year its goals heading names
    ]


def test_goals_take_the_deadline_their_heading_states() -> None:
    text = (
        "二、到2027年主要目标\n"
        "城乡社区服务体系更加完善,城乡社区综合服务设施覆盖率达到100%。\n"
        "三、重点任务\n"
    )
    document = process_bytes(text.encode())
    assert [(goal.line, goal.year) for goal in document.goals] == [(2, 2027)]
    assert [(t.indicator, t.year) for t in document.targets] == [
        ("城乡社区综合服务设施覆盖率", 2027)
    ]


DUTY_LINES_BELOW_ITEMS = (
    "一、经济社会发展的主要预期目标\n"
    "1.努力实现地区生产总值增长6.2%左右。\n"
    "牵头单位:区发改局\n"
    "责任单位:立山经济开发区,全区经济运行各专班\n"
    "2.规模上工业增加值增长5%左右。\n"
    "牵头单位:区工信局\n"
    "二、重点工作任务\n"
    "3.推进老旧小区改造。完成改造小区20个。\n"
    "责任单位:区住建局\n"
)


def test_unit_label_lines_below_a_numbered_line_are_its_clause() -> None:
    document = process_bytes(DUTY_LINES_BELOW_ITEMS.encode())
    tasks = [(t.line, t.marker, [(u.name, u.role) for u in t.units]) for t in document.tasks]
    assert tasks == [
        (
            2,
            "1.",
            [
                ("区发改局", "lead"),
                ("立山经济开发区", "support"),
                ("全区经济运行各专班", "support"),
            ],
        ),
        (5, "2.", [("区工信局", "lead")]),
        (8, "3.", [("区住建局", "responsible")]),
    ]
    assert [s.title for s in document.sections] == ["经济社会发展的主要预期目标", "重点工作任务"]
    assert [(t.line, t.value) for t in document.targets if t.kind == "target"] == [
        (2, 6.2),
        (5, 5),
        (8, 20),
    ]


def test_label_lines_under_a_heading_leave_it_a_heading() -> None:
    text = (
        "一、优化营商环境\n牵头单位:区发改局\n1.推进审批改革。压缩办理时间。\n"
        "二、加强社会保障\n牵头单位:区民政局\n2.完善救助体系。提高保障标准。\n"
    )
    document = process_bytes(text.encode())
    assert [s.title for s in document.sections] == ["优化营商环境", "加强社会保障"]
    assert [t.section_path for t in document.tasks if t.marker] == [
        ["优化营商环境"],
        ["加强社会保障"],
    ]


def test_a_long_line_after_a_label_is_body_not_a_clause() -> None:
    text = (
        "二、重点任务\n1.推进老旧小区改造。完成改造小区20个。\n"
        "责任单位:区住建局。各街道新建社区养老服务站30个,到2025年底覆盖率达到90%。\n"
    )
    targets = process_bytes(text.encode()).targets
    assert [(t.line, t.value, t.year) for t in targets if t.line == 3] == [
        (3, 30, 2025),
        (3, 90, 2025),
    ]


def test_goals_split_from_one_line_keep_their_own_figures_and_ids() -> None:
    text = (
        "一、2025年主要预期目标\n"
        "1.地区生产总值增长6%左右(县发改局负责)。 2.城镇新增就业3000人(县人社局负责)。\n"
    )
    document = process_bytes(text.encode())
    assert [goal.id for goal in document.goals] == ["g2", "g2-2"]
    assert [[t.indicator for t in task.targets] for task in document.tasks] == [
        ["地区生产总值增长"],
        ["城镇新增就业"],
    ]


def test_a_base_year_in_a_goals_heading_is_no_deadline() -> None:
    text = "一、主要目标(以2020年为基期)\n城乡社区综合服务设施覆盖率达到100%,社区服务更加便捷。\n"
    assert [t.year for t in process_bytes(text.encode()).targets] == [None]


DEADLINE_TABLE = """某某市2023年社区服务重点任务分工方案
附件
重点任务分工表
| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时限 |
| 1 | 建设社区综合服务设施100个 | 市民政局 | 市财政局、市住建局 | 2023年12月底 |
| 2 | 培育社区社会组织 | 市民政局 | 各区县人民政府 | 持续推进 |
"""


def test_a_task_table_row_keeps_its_deadline_and_dates_its_figures() -> None:
    from plancli.pipeline import process_bytes

    document = process_bytes(DEADLINE_TABLE.encode())
    rows = [(t.marker, t.title, t.text, t.deadline) for t in document.tasks]
    assert rows == [
        ("1", "建设社区综合服务设施100个", "建设社区综合服务设施100个", "2023年12月底"),
        ("2", "培育社区社会组织", "培育社区社会组织", "持续推进"),
    ]
    assert [(u.name, u.role) for u in document.tasks[0].units] == [
        ("市民政局", "lead"),
        ("市财政局", "support"),
        ("市住建局", "support"),
    ]
    (target,) = document.targets
    assert (target.indicator, target.value, target.unit, target.year) == (
        "建设社区综合服务设施",
        100.0,
        "个",
        2023,
    )
    assert document.tasks[0].targets == [target]


def test_sections_tell_each_blocks_place_once_per_section() -> None:
    from plancli.models import Section
    from plancli.stages.extract.blocks import Sections

    def heading(sid: str, title: str) -> Section:
        return Section(id=sid, level=sid.count(".") + 1, marker=None, title=title, line=1)

    sections = Sections(
        [
            heading("s1", "总体要求"),
            heading("s1.1", "基本原则"),
            heading("s1.2", "到2025年主要目标"),
            heading("s1.2.1", "2023年主要预期目标"),
            heading("s2", "重点任务"),
        ]
    )
    assert sections.ancestry("s1.2.1") == ["s1.2.1", "s1.2", "s1"]
    assert sections.ancestry("s9") == [] and sections.ancestry(None) == []
    assert sections.in_goal_part("s1.2.1") and not sections.in_goal_part("s2")
    assert sections.under_principles("s1.1") and not sections.under_principles("s1.2")
    assert sections.deadline("s1.2.1") == 2023  # the nearest heading's one year
    assert sections.deadline("s1.2") == 2025
    assert sections.deadline("s2") is None
    assert sections.deadline("s1.2.1") == 2023  # read again from what was kept


def test_a_task_keeps_the_deadline_its_unit_clause_states() -> None:
    from plancli.pipeline import process_bytes

    text = (
        "一、重点任务\n"
        "(一)加强人才队伍建设。培育社区工作者队伍,提升专业化水平。(市民政局负责,2024年6月底前完成)\n"
        "(二)推进智慧社区建设。建设社区综合信息平台,推动数据共享。(持续推进,牵头考核单位:市大数据局)\n"
    )
    tasks = process_bytes(text.encode()).tasks
    assert [(t.deadline, [(u.name, u.role) for u in t.units]) for t in tasks] == [
        ("2024年6月底前完成", [("市民政局", "responsible")]),
        ("持续推进", [("市大数据局", "lead")]),
    ]
