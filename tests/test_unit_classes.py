"""Unit clauses of kinds the samples do not show: State Council opinions, provincial and
city notices (issue #10). Each class has its own small example, written as such documents
write it."""

from __future__ import annotations

from plancli.models import Document, Table
from plancli.pipeline import process_bytes
from plancli.stages.extract.tasks import table_tasks
from plancli.stages.units import declares_lead_first, inner_unit_clauses, intact_forms, parse_units


def names(clause: str, **options: bool) -> list[tuple[str, str]]:
    refs, _ = parse_units(clause, **options)
    return [(ref.name, ref.role) for ref in refs]


def process(text: str) -> Document:
    return process_bytes(text.encode("utf-8"), "notice.txt")


def test_central_bodies_take_no_local_prefix() -> None:
    # 市场监管总局 is not 市 + 场监管总局, and lends no 市 to the ministries around it
    assert [
        n
        for n, _ in names(
            "农业农村部、发展改革委、财政部、自然资源部、市场监管总局等按职责分工负责"
        )
    ] == [
        "农业农村部",
        "发展改革委",
        "财政部",
        "自然资源部",
        "市场监管总局",
    ]


def test_central_bank_and_regulators_are_units() -> None:
    assert [n for n, _ in names("农业农村部、财政部、人民银行、税务总局、银保监会负责")] == [
        "农业农村部",
        "财政部",
        "人民银行",
        "税务总局",
        "银保监会",
    ]


def test_local_list_after_a_central_body_keeps_its_own_level() -> None:
    assert [n for n, _ in names("省发展改革委、财政厅、海关总署按职责分工负责")] == [
        "省发展改革委",
        "省财政厅",
        "海关总署",
    ]


def test_deng_he_between_units_separates_them() -> None:
    assert [n for n, _ in names("商务部、发展改革委、财政部等和各有关省级人民政府负责")] == [
        "商务部",
        "发展改革委",
        "财政部",
        "各有关省级人民政府",
    ]


def test_customs_office_is_named_by_its_city_not_by_a_level() -> None:
    assert names("省商务厅牵头,合肥海关配合") == [("省商务厅", "lead"), ("合肥海关", "support")]


def test_support_words_after_by_duty_phrase() -> None:
    assert names("合肥海关牵头,省贸促会、省商务厅按职责分工配合") == [
        ("合肥海关", "lead"),
        ("省贸促会", "support"),
        ("省商务厅", "support"),
    ]


def test_label_after_a_deadline_note() -> None:
    assert names("(6月底完成,牵头考核单位:市政府办公室、市公安局)") == [
        ("市政府办公室", "lead"),
        ("市公安局", "lead"),
    ]


def test_lead_first_convention_is_recognised_in_its_spellings() -> None:
    assert declares_lead_first("工业和信息化部、发展改革委等负责。列第一位者为牵头单位，下同")
    assert declares_lead_first("(税务总局、财政部、海关总署负责，排在第一位的部门为牵头部门，下同)")
    assert not declares_lead_first("(税务总局、财政部、海关总署负责)")


def test_lead_first_gives_lead_and_support_to_a_list_but_not_to_one_unit() -> None:
    assert names("市场监管总局、海关总署负责", lead_first=True) == [
        ("市场监管总局", "lead"),
        ("海关总署", "support"),
    ]
    assert names("海关总署负责", lead_first=True) == [("海关总署", "responsible")]


def test_lead_first_does_not_override_written_roles() -> None:
    assert names("省商务厅牵头,省外办配合", lead_first=True) == [
        ("省商务厅", "lead"),
        ("省外办", "support"),
    ]


def test_unit_clauses_inside_an_item() -> None:
    text = (
        "深化企业对RCEP重点国别关税减让的理解掌握。(合肥海关负责)巩固纺织、服装等传统产品"
        "出口优势。(省商务厅牵头,合肥海关配合)提高出口产品附加值"
    )
    assert inner_unit_clauses(text) == ["合肥海关负责", "省商务厅牵头,合肥海关配合"]


def test_bracketed_examples_in_running_text_are_no_clauses() -> None:
    assert inner_unit_clauses("支持重点企业(如省港航集团、省机场集团)拓展国际航线。") == []


def test_one_damaged_character_reads_as_the_known_name() -> None:
    refs, diagnostics = parse_units("县委组织部、统战都、县民政局等按职责分工负责")
    assert [ref.name for ref in refs] == ["县委组织部", "县委统战部", "县民政局"]
    assert [(d.level, d.code) for d in diagnostics] == [("info", "unit-repaired")]


def test_unit_that_lost_characters_takes_the_intact_name_of_the_document() -> None:
    found = intact_forms({"市游广电体育局", "市文化旅游广电体育局", "市民政局", "市机场集团"})
    assert found == {"市游广电体育局": "市文化旅游广电体育局"}


def test_short_tails_are_not_completed() -> None:
    assert intact_forms({"省机场集团", "省民航机场集团"}) == {}


def test_document_wide_lead_convention_applies_to_later_items() -> None:
    document = process(
        "国务院关于加快推进农业机械化的指导意见\n"
        "一、重点任务\n"
        "(一)完善创新体系。加快推进农机装备创新。"
        "(工业和信息化部、发展改革委等负责。列第一位者为牵头单位,下同)\n"
        "(二)推进标准建设。加强农机装备质量可靠性建设。(市场监管总局、农业农村部负责)\n"
        "(三)优化服务。支持农机合作社发展。(农业农村部负责)\n"
    )
    assert [[(u.name, u.role) for u in task.units] for task in document.tasks] == [
        [("工业和信息化部", "lead"), ("发展改革委", "support")],
        [("市场监管总局", "lead"), ("农业农村部", "support")],
        [("农业农村部", "responsible")],
    ]


# --- task-assignment tables ---------------------------------------------------------


def table_units(header: list[str], rows: list[list[str]]) -> list[list[tuple[str, str]]]:
    table = Table(
        id="tb1", header=header, rows=rows, line=10, row_lines=[11 + k for k in range(len(rows))]
    )
    tasks = table_tasks([table], start=1, diagnostics=[])
    return [[(u.name, u.role) for u in task.units] for task in tasks]


def test_lead_assessment_column_gives_lead_units() -> None:
    header = ["序号", "考评事项", "牵头考核单位"]
    rows = [
        ["1", "完善政务服务平台", "市审批服务局"],
        ["2", "升级便民热线", "市政府办公室、市公安局"],
    ]
    assert table_units(header, rows) == [
        [("市审批服务局", "lead")],
        [("市政府办公室", "lead"), ("市公安局", "lead")],
    ]


def test_lead_and_support_columns_combine() -> None:
    header = ["序号", "重点任务", "牵头单位", "配合单位"]
    rows = [["1", "推进数据共享", "市大数据局", "市发展改革委、市财政局"]]
    assert table_units(header, rows) == [
        [("市大数据局", "lead"), ("市发展改革委", "support"), ("市财政局", "support")]
    ]


def test_unit_cell_merged_downward_is_taken_from_above() -> None:
    header = ["序号", "工作措施", "推进单位"]
    rows = [
        ["1", "建设政务云平台", "市工信局"],
        ["2", "推进系统迁移上云", ""],
        ["3", "开展安全评估", "市委网信办"],
    ]
    assert table_units(header, rows) == [
        [("市工信局", "responsible")],
        [("市工信局", "responsible")],
        [("市委网信办", "responsible")],
    ]


def test_indicator_tables_are_no_task_lists() -> None:
    assert table_units(["指标名称", "目标值", "责任单位"], [["覆盖率", "100%", "市民政局"]]) == []


def test_role_word_in_brackets_after_its_unit() -> None:
    assert names("责任单位：省商务厅（牵头），省财政厅、省发展改革委") == [
        ("省商务厅", "lead"),
        ("省财政厅", "support"),
        ("省发展改革委", "support"),
    ]


def test_labelled_lead_and_support_groups() -> None:
    assert names("(牵头单位:省商务厅;配合单位:省财政厅、合肥海关)") == [
        ("省商务厅", "lead"),
        ("省财政厅", "support"),
        ("合肥海关", "support"),
    ]


def test_deng_before_generic_departments_closes_the_list() -> None:
    refs, diagnostics = parse_units("人力资源社会保障部、财政部、教育部等有关部门和单位负责")
    assert [ref.name for ref in refs] == ["人力资源社会保障部", "财政部", "教育部"]
    assert diagnostics == []


def test_branches_named_by_their_region_take_no_level() -> None:
    assert [n for n, _ in names("责任单位:省地方金融监管局、人行合肥中心支行、安徽银保监局")] == [
        "省地方金融监管局",
        "人行合肥中心支行",
        "安徽银保监局",
    ]


def test_a_coordinating_group_is_one_unit() -> None:
    assert names(
        "省十大新兴产业推进组工作专班牵头单位牵头,省十大新兴产业推进组工作专班成员单位按职责分工配合"
    ) == [
        ("省十大新兴产业推进组工作专班牵头单位", "lead"),
        ("省十大新兴产业推进组工作专班成员单位", "support"),
    ]


def test_every_body_of_a_kind_is_a_unit() -> None:
    assert [n for n, _ in names("责任单位:省通信管理局、各基础电信企业,各市人民政府")] == [
        "省通信管理局",
        "各基础电信企业",
        "各市人民政府",
    ]


def test_table_note_declares_the_lead_unit_of_each_row() -> None:
    table = Table(
        id="tb1",
        header=["序号", "重点任务", "责任单位"],
        rows=[["1", "推进数据共享", "市大数据局、市发展改革委"]],
        line=10,
        row_lines=[11],
    )
    tasks = table_tasks([table], start=1, diagnostics=[], lead_first=True)
    assert [(u.name, u.role) for u in tasks[0].units] == [
        ("市大数据局", "lead"),
        ("市发展改革委", "support"),
    ]


def test_departments_of_a_level_before_another_unit() -> None:
    assert [n for n, _ in names("市政府办公室牵头,市级各有关部门及各县市区政府负责")] == [
        "市政府办公室",
        "市级各有关部门",
        "各县市区政府",
    ]


def test_industrial_parks_are_units() -> None:
    assert names("牵头单位:县政府园区发展服务中心;责任单位:新材料产业园、商贸物流园等") == [
        ("县政府园区发展服务中心", "lead"),
        ("新材料产业园", "support"),  # listed after the lead group
        ("商贸物流园", "support"),
    ]


def test_departments_directly_under_a_level() -> None:
    assert [n for n, _ in names("责任单位:立山经济开发区、各街道、区直各部门")] == [
        "立山经济开发区",
        "各街道",
        "区直各部门",
    ]
