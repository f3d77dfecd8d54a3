"""Segment: headings, items, 专栏 boxes and lead-sentence paragraphs on the real samples.

Every expected value below was read off the sample text; line numbers are the
original 1-based lines of the sample file.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.core import Line, NormalizationReport, Normalized
from plancli.models import Outline, Section, iter_sections
from plancli.pipeline import outline_file
from plancli.stages.markers import (
    is_lead_sentence,
    lead_phrase,
    match_marker,
    parse_number,
    split_run_on,
    strip_stray_pipe,
)
from plancli.stages.segment import segment, segment_body
from plancli.stages.tables import is_table_line


@cache
def outline(path: Path) -> Outline:
    return outline_file(path)[1]


def flat(sections: list[Section]) -> list[tuple[str, int, str | None, str, int, str]]:
    return [(s.id, s.level, s.marker, s.title, s.line, s.kind) for s in iter_sections(sections)]


def body(*texts: str) -> Outline:
    """Segment hand-made body lines numbered from 1."""
    return segment_body([Line(text, number) for number, text in enumerate(texts, start=1)])


def codes(result: Outline) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in result.diagnostics]


# --- Changji: 一、/ (一) headings, items 1-11, (一)-(四) items, two annexes --------------


def test_changji_heading_tree() -> None:
    assert flat(outline(CHANGJI).sections) == [
        ("s1", 1, "一、", "工作目标", 11, "heading"),
        ("s2", 1, "二、", "重点任务", 13, "heading"),
        ("s2.1", 2, "(一)", "完善城乡社区服务格局", 14, "heading"),
        ("s2.2", 2, "(二)", "增加城乡社区服务供给", 17, "heading"),
        ("s2.3", 2, "(三)", "提升城乡社区服务效能", 21, "heading"),
        ("s2.4", 2, "(四)", "加快城乡社区服务数字化建设", 24, "heading"),
        ("s2.5", 2, "(五)", "加强城乡社区服务人才队伍建设", 27, "heading"),
        ("s3", 1, "三、", "保障措施", 30, "heading"),
        # annex titles come from the attachment list on lines 35-36
        ("a1", 1, "附件1", "专项行动任务分工表", 37, "annex"),
        ("a2", 1, "附件2", "昌吉州“十四五”城乡社区服务体系指标任务分解表", 66, "annex"),
    ]


def test_changji_items_numbered_and_lead_items_under_safeguards() -> None:
    items = outline(CHANGJI).items
    assert [(i.marker, i.line, i.section_id) for i in items] == [
        ("1.", 15, "s2.1"), ("2.", 16, "s2.1"),
        ("3.", 18, "s2.2"), ("4.", 19, "s2.2"), ("5.", 20, "s2.2"),
        ("6.", 22, "s2.3"), ("7.", 23, "s2.3"),
        ("8.", 25, "s2.4"), ("9.", 26, "s2.4"),
        ("10.", 28, "s2.5"), ("11.", 29, "s2.5"),
        ("(一)", 31, "s3"), ("(二)", 32, "s3"), ("(三)", 33, "s3"), ("(四)", 34, "s3"),
    ]  # fmt: skip
    assert [i.title for i in items[-4:]] == [
        "强化组织领导",
        "强化政策支持",
        "强化制度支撑",
        "强化监督考核",
    ]
    assert items[-4].section_path == ["保障措施"]


def test_changji_item_keeps_lead_and_unit_clause() -> None:
    first = outline(CHANGJI).items[0]  # line 15
    assert first.title == "健全党建引领机制"
    assert first.section_path == ["重点任务", "完善城乡社区服务格局"]
    assert first.text.startswith("健全党建引领机制。完善州、县(市)")
    assert first.text.endswith(
        "(州党委组织部,州民政局、住建局,州团委、妇联,各县市人民政府等按职责分工负责)"
    )


def test_changji_attachment_list_is_not_items() -> None:
    result = outline(CHANGJI)
    assert not [i for i in result.items if i.line in (35, 36)]
    listed = [p.text for p in result.paragraphs if p.line in (35, 36)]
    assert listed == ["附件:1.专项行动任务分工表", "2.昌吉州“十四五”城乡社区服务体系指标任务分解表"]


def test_changji_tables_sit_in_their_annexes() -> None:
    tables = outline(CHANGJI).tables
    assert [(t.line, t.section_path) for t in tables] == [
        (39, ["专项行动任务分工表"]),
        (67, ["昌吉州“十四五”城乡社区服务体系指标任务分解表"]),
    ]
    annexes = [s for s in outline(CHANGJI).sections if s.kind == "annex"]
    assert [(a.line, a.end_line) for a in annexes] == [(37, 65), (66, 79)]


# --- Jimsar: same shape, no notice title ------------------------------------------


def test_jimsar_same_shape_as_changji() -> None:
    result = outline(JIMSAR)
    assert flat(result.sections) == [
        ("s1", 1, "一、", "工作目标", 7, "heading"),
        ("s2", 1, "二、", "重点任务", 9, "heading"),
        ("s2.1", 2, "(一)", "完善城乡社区服务格局", 10, "heading"),
        ("s2.2", 2, "(二)", "增加城乡社区服务供给", 13, "heading"),
        ("s2.3", 2, "(三)", "提升城乡社区服务效能", 17, "heading"),
        ("s2.4", 2, "(四)", "加快城乡社区服务数字化建设", 20, "heading"),
        ("s2.5", 2, "(五)", "加强城乡社区服务人才队伍建设", 23, "heading"),
        ("s3", 1, "三、", "保障措施", 26, "heading"),
    ]
    numbered = [(i.marker, i.line) for i in result.items if i.marker and i.marker[0].isdigit()]
    assert numbered == [
        ("1.", 11), ("2.", 12), ("3.", 14), ("4.", 15), ("5.", 16), ("6.", 18),
        ("7.", 19), ("8.", 21), ("9.", 22), ("10.", 24), ("11.", 25),
    ]  # fmt: skip
    assert [(i.marker, i.line) for i in result.items[11:]] == [
        ("(一)", 27), ("(二)", 28), ("(三)", 29), ("(四)", 30),
    ]  # fmt: skip
    assert result.diagnostics == []


# --- Shaoyang: 专栏 boxes, numbering across boxes, a damaged marker --------------------


def test_shaoyang_heading_tree_with_boxes() -> None:
    assert flat(outline(SHAOYANG).sections) == [
        ("s1", 1, "一、", "指导思想", 34, "heading"),
        ("s2", 1, "二、", "基本原则", 38, "heading"),
        ("s3", 1, "三、", "发展目标", 50, "heading"),
        ("s4", 1, "四、", "重点任务及分工", 54, "heading"),
        ("s4.1", 2, "(一)", "积极构建党建引领的城乡社区服务格局", 56, "heading"),
        ("c1", 3, "专栏1", "社会力量参与社区服务行动", 62, "column"),
        ("s4.2", 2, "(二)", "持续推动城乡社区服务设施优化升级", 72, "heading"),
        ("c2", 3, "专栏2", "城乡社区服务设施补短板工程", 78, "column"),
        ("s4.3", 2, "(三)", "不断加强城乡社区服务人才队伍建设", 82, "heading"),
        ("c3", 3, "专栏3", "社区人才队伍建设行动", 90, "column"),
        ("s4.4", 2, "(四)", "加快推进城乡社区服务信息化建设", 98, "heading"),
        ("c4", 3, "专栏4", "社区服务数字化建设试点行动", 104, "column"),
        ("s4.5", 2, "(五)", "着力增强城乡社区服务效能", 112, "heading"),
        ("c5", 3, "专栏5", "新时代新社区新生活服务质量提升行动", 122, "column"),
        ("s4.6", 2, "(六)", "探索完善城乡社区服务机制", 162, "heading"),
        ("s5", 1, "五、", "工作要求", 170, "heading"),
    ]


def test_shaoyang_box_item_counts() -> None:
    items = outline(SHAOYANG).items
    counts = {box: sum(i.column_id == box for i in items) for box in ("c1", "c2", "c3", "c4", "c5")}
    assert counts == {"c1": 4, "c2": 0, "c3": 3, "c4": 3, "c5": 19}
    box5 = [i for i in items if i.column_id == "c5"]
    assert (box5[0].line, box5[0].title) == (124, "社区固本强基行动")
    assert (box5[-1].line, box5[-1].marker, box5[-1].title) == (160, "19.", "重点人群管理行动")


def test_shaoyang_box2_holds_only_an_unnumbered_paragraph() -> None:
    in_box = [p for p in outline(SHAOYANG).paragraphs if p.column_id == "c2"]
    assert [(p.line, p.section_id) for p in in_box] == [(80, "s4.2")]
    assert in_box[0].text.startswith("结合基层治理创新实验")


def test_shaoyang_numbering_continues_across_headings_and_boxes() -> None:
    items = outline(SHAOYANG).items
    in_tasks = [i for i in items if (i.section_id or "").startswith("s4.")]
    outside = [(i.marker, i.line) for i in in_tasks if i.column_id is None]
    assert outside == [
        ("1.", 58), ("2.", 60), ("3.", 74), ("4.", 76), ("5.", 84), ("6.", 86), ("7.", 88),
        ("8.", 100), ("9.", 102), ("10.", 114), ("11.", 116), ("12.", 118), ("13.", 120),
        ("14.", 164), ("15.", 166), ("16.", 168),
    ]  # fmt: skip
    segment_codes = [c for c, _ in codes(outline(SHAOYANG)) if c.startswith("numbering")]
    assert segment_codes == []


def test_shaoyang_damaged_marker_repaired_from_sequence() -> None:
    result = outline(SHAOYANG)
    principles = [(i.marker, i.title, i.line) for i in result.items if i.section_id == "s2"]
    assert principles == [
        ("(一)", "党建引领,全面领导", 40),
        ("(二)", "以人为本,服务居民", 42),
        ("(三)", "政府主导,多元参与", 44),
        ("(四)", "统筹城乡,整合资源", 46),
        ("(五)", "因地制宜,跨越发展", 48),
    ]
    repairs = [(r.line, r.kind, r.before, r.after) for r in result.repairs if r.kind == "marker"]
    assert repairs == [(48, "marker", ")因地制宜,跨越发展。", "(五)因地制宜,跨越发展。")]
    assert ("damaged-marker", 48) in codes(result)


def test_shaoyang_safeguards_are_items_with_comma_titles() -> None:
    tail = [(i.marker, i.title, i.line) for i in outline(SHAOYANG).items if i.section_id == "s5"]
    assert tail == [
        ("(一)", "加强组织领导,形成工作合力", 172),
        ("(二)", "压实工作责任,抓好督促调度", 174),
        ("(三)", "强化要素保障,加大资金投入", 176),
    ]


# --- Jiangxi: headings ending with 。, items 1-18 -------------------------------------


def test_jiangxi_outline() -> None:
    result = outline(JIANGXI)
    assert flat(result.sections) == [
        ("s1", 1, "一、", "总体要求", 10, "heading"),
        ("s2", 1, "二、", "主要任务", 13, "heading"),
        ("s2.1", 2, "(一)", "完善城乡社区服务格局", 14, "heading"),
        ("s2.2", 2, "(二)", "增加城乡社区服务供给", 19, "heading"),
        ("s2.3", 2, "(三)", "提升城乡社区服务效能", 25, "heading"),
        ("s2.4", 2, "(四)", "创新城乡社区服务机制", 29, "heading"),
        ("s2.5", 2, "(五)", "加强城乡社区服务人才队伍建设", 34, "heading"),
        ("s3", 1, "三、", "实施保障", 37, "heading"),
    ]
    numbered = [i for i in result.items if i.section_id and i.section_id.startswith("s2.")]
    assert [i.marker for i in numbered] == [f"{n}." for n in range(1, 19)]
    assert [i.line for i in numbered] == [*range(15, 19), *range(20, 25), *range(26, 29),
                                          *range(30, 34), 35, 36]  # fmt: skip
    assert numbered[1].title == "增强村(居)委会治理能力"
    assert [(i.marker, i.line) for i in result.items if i.section_id == "s3"] == [
        ("(一)", 38), ("(二)", 39), ("(三)", 40), ("(四)", 41),
    ]  # fmt: skip


# --- Chongqing: headings lost, lead-sentence tasks, boxes ---------------------------

CHONGQING_LEAD_LINES = [
    *range(42, 49),  # 巩固拓展脱贫攻坚兜底保障成果 … 强化流浪乞讨人员救助帮扶
    *range(52, 56),  # 健全孤儿和事实无人抚养儿童保障制度 … 强化儿童收养登记管理
    *range(58, 61),  # 提高残疾人“两项补贴”制度可及性 … 推动现代康复辅助器具产业发展
    *range(63, 68),  # 健全福利彩票运行机制 … 推动重点任务落实落地
    *range(69, 78),  # 深化党领导的基层群众自治制度 … 推动农村社区治理与乡村振兴有效衔接
    *range(82, 94),  # 加强党对社会组织的领导 … 加强慈善组织培育监管
    *range(98, 104),  # 不断扩大志愿服务参与主体 … 提升行政区划和界线管理工作智能化水平
]


def test_chongqing_boxes_are_the_only_sections() -> None:
    assert flat(outline(CHONGQING).sections) == [
        ("c1", 1, "专栏1", "“十四五”重庆民政事业主要发展指标", 22, "column"),
        ("c2", 1, "专栏2", "社会救助能力提升工程", 49, "column"),
        ("c3", 1, "专栏3", "儿童福利保障提升工程", 56, "column"),
        ("c4", 1, "专栏4", "民政精神卫生福利设施提升工程", 61, "column"),
        ("c5", 1, "专栏5", "城乡社区服务提升工程", 78, "column"),
        ("c6", 1, "专栏6", "社会组织、社会工作和慈善事业发展工程", 94, "column"),
    ]


def test_chongqing_lead_sentence_tasks() -> None:
    leads = [i for i in outline(CHONGQING).items if i.marker is None]
    assert len(leads) == 46
    assert [i.line for i in leads] == CHONGQING_LEAD_LINES
    assert all(i.column_id is None and i.section_path == [] for i in leads)
    by_line = {i.line: i.title for i in leads}
    assert by_line[42] == "巩固拓展脱贫攻坚兜底保障成果"
    assert by_line[58] == "提高残疾人“两项补贴”制度可及性"
    assert by_line[98] == "不断扩大志愿服务参与主体"
    assert by_line[102] == "扎实有序开展界线管理工作"


def test_chongqing_reviews_principles_and_goals_are_paragraphs() -> None:
    paragraph_lines = {p.line for p in outline(CHONGQING).paragraphs}
    review, principles, goals = {5, 6, 7}, set(range(12, 17)), set(range(18, 22))
    assert review | principles | goals | {40, 41, 68} <= paragraph_lines
    assert not {i.line for i in outline(CHONGQING).items} & (review | principles | goals)


def test_chongqing_box_contents_and_split_lines() -> None:
    result = outline(CHONGQING)
    boxed = [(i.column_id, i.marker, i.line) for i in result.items if i.column_id]
    assert boxed == [
        ("c2", "1.", 50), ("c2", "2.", 51),
        ("c3", "1.", 57), ("c3", "2.", 57), ("c3", "3.", 57),
        ("c4", "1.", 62), ("c4", "2.", 62),
        ("c5", "1.", 79), ("c5", "2.", 80), ("c5", "3.", 81),
        ("c6", "1.", 95), ("c6", "2.", 96), ("c6", "3.", 97),
    ]  # fmt: skip
    split = [i for i in result.items if i.line == 57]
    assert [i.title for i in split] == ["加强困境儿童保障工程", "优化儿童福利机构改造工程",
                                        "儿童福利服务能力提升工程"]  # fmt: skip
    assert split[0].text.endswith("提供法律服务和法律援助。")
    assert split[2].text.endswith("培育孵化儿童福利类社会组织。")  # stray " |" dropped
    assert ("items-on-one-line", 57) in codes(result)
    assert ("items-on-one-line", 62) in codes(result)


def test_chongqing_indicator_table_is_box1() -> None:
    result = outline(CHONGQING)
    box1 = result.sections[0]
    assert [t.line for t in result.tables] == [23]
    assert (box1.line, box1.end_line) == (22, 39)
    assert [i for i in result.items if i.column_id == "c1"] == []


def test_chongqing_box_ends_at_first_lead_paragraph() -> None:
    by_line = {i.line: i for i in outline(CHONGQING).items}
    assert by_line[51].column_id == "c2"
    assert by_line[52].column_id is None
    assert by_line[82].column_id is None


# --- rules on hand-made lines --------------------------------------------------------


def test_levels_follow_order_of_appearance() -> None:
    result = body("第一章 总则", "一、目标", "(一)总体目标", "第二章 任务", "一、服务")
    assert [(s.marker, s.level, s.id) for s in iter_sections(result.sections)] == [
        ("第一章", 1, "s1"), ("一、", 2, "s1.1"), ("(一)", 3, "s1.1.1"),
        ("第二章", 1, "s2"), ("一、", 2, "s2.1"),
    ]  # fmt: skip


def test_parts_of_a_plan_head_its_chapters() -> None:
    # 纲要 open with 第一篇, many 方案 with 第一部分; both stand above 第一章 and 一、
    result = body(
        "第一篇 奠定坚实基础,开启全面建设社会主义现代化国家新征程",
        "第一章 发展基础",
        "第二篇 坚持创新驱动发展",
        "第二章 提升创新能力",
    )
    assert [(s.marker, s.level, s.id, s.title) for s in iter_sections(result.sections)] == [
        ("第一篇", 1, "s1", "奠定坚实基础,开启全面建设社会主义现代化国家新征程"),
        ("第一章", 2, "s1.1", "发展基础"),
        ("第二篇", 1, "s2", "坚持创新驱动发展"),
        ("第二章", 2, "s2.1", "提升创新能力"),
    ]
    result = body("第一部分 总体要求", "一、指导思想", "第二部分 重点任务", "一、完善设施")
    assert [(s.marker, s.level) for s in iter_sections(result.sections)] == [
        ("第一部分", 1), ("一、", 2), ("第二部分", 1), ("一、", 2),
    ]  # fmt: skip


def test_articles_are_provisions_and_an_enumeration_stays_a_list() -> None:
    result = body(
        "第一章 总则",
        "第一条 为规范社区服务资金管理,提高资金使用效益,制定本办法。",
        "第二条 资金主要用于以下方面:",
        "(一)社区综合服务设施建设;",
        "(二)社区工作者培训。",
        "第二章 附则",
    )
    assert [(s.marker, s.level) for s in iter_sections(result.sections)] == [
        ("第一章", 1),
        ("第二章", 1),
    ]
    assert [(item.marker, item.line) for item in result.items] == [
        ("第一条", 2),
        ("第二条", 3),
        ("(一)", 4),
        ("(二)", 5),
    ]


def test_document_may_start_at_paren_level() -> None:
    result = body("(一)总体目标", "1.健全机制。完善体系。", "(二)主要任务")
    assert [(s.marker, s.level) for s in result.sections] == [("(一)", 1), ("(二)", 1)]
    assert result.items[0].section_path == ["总体目标"]


def test_broken_heading_is_joined_and_reported() -> None:
    result = body("(一)积极构建党建引领的城乡", "社区服务格局", "1.强化党建引领。加强领导。")
    assert [(s.title, s.line) for s in result.sections] == [
        ("积极构建党建引领的城乡社区服务格局", 1)
    ]
    assert [(r.line, r.kind) for r in result.repairs] == [(1, "joined-heading")]
    assert result.paragraphs == []


def test_heading_broken_over_three_lines_and_bare_marker() -> None:
    result = body("(一)持续推动城乡", "社区服务设施", "优化升级。", "(二)", "不断加强人才队伍建设")
    assert [(s.title, s.line) for s in result.sections] == [
        ("持续推动城乡社区服务设施优化升级", 1),
        ("不断加强人才队伍建设", 4),
    ]
    assert [(r.line, r.before) for r in result.repairs] == [
        (1, "(一)持续推动城乡\n社区服务设施\n优化升级。"),
        (4, "(二)\n不断加强人才队伍建设"),
    ]
    assert result.paragraphs == [] and result.diagnostics == []


def test_heading_followed_by_caption_is_not_joined() -> None:
    result = body("一、主要指标", "发展指标表", "指标 | 2025年 |", "覆盖率 | 100% |")
    assert result.sections[0].title == "主要指标"
    assert not [r for r in result.repairs if r.kind == "joined-heading"]


def test_numbering_gap_repeat_and_restart_are_reported() -> None:
    result = body("一、任务", "1.甲。正文。", "3.乙。正文。", "3.丙。正文。", "1.丁。正文。")
    assert codes(result) == [
        ("numbering-gap", 3), ("numbering-repeat", 4), ("numbering-restart", 5),
    ]  # fmt: skip


def test_restart_under_new_heading_and_inside_box_is_normal() -> None:
    result = body(
        "一、任务", "1.甲。正文。", "2.乙。正文。",
        "专栏1 行动", "1.子。正文。", "2.丑。正文。",
        "二、保障", "1.丙。正文。", "2.丁。正文。",
    )  # fmt: skip
    assert result.diagnostics == []
    assert [i.column_id for i in result.items] == [None, None, "c1", "c1", None, None]


def test_stray_pipe_line_ends_box() -> None:
    result = body("一、任务", "专栏1 工程", "1.甲工程。正文。", "|", "这是正文的延续段落。")
    assert [(i.line, i.column_id) for i in result.items] == [(3, "c1")]
    assert [(p.line, p.column_id) for p in result.paragraphs] == [(5, None)]


def test_note_after_box_items_stays_in_box() -> None:
    result = body("专栏2 工程", "1.甲工程。正文。", "注:以上为示例。", "推进乙项工作。正文。")
    assert [(p.line, p.column_id) for p in result.paragraphs] == [(3, "c2")]
    assert [(i.line, i.marker, i.column_id) for i in result.items] == [
        (2, "1.", "c2"), (4, None, None),
    ]  # fmt: skip


def test_heading_inside_box_ends_box() -> None:
    result = body("一、任务", "(一)甲", "专栏1 工程", "1.子工程。正文。", "(二)乙", "1.丑。正文。")
    assert [(i.line, i.column_id, i.section_path) for i in result.items] == [
        (4, "c1", ["任务", "甲"]), (6, None, ["任务", "乙"]),
    ]  # fmt: skip


def test_damaged_marker_without_sequence_is_left_alone() -> None:
    result = body(")无序号的段落。正文。")
    assert result.repairs == []
    assert [p.line for p in result.paragraphs] == [1]


def test_annex_opens_top_level_section() -> None:
    result = body("一、任务", "(一)甲", "附件2", "分工表", "任务 | 单位 |", "甲 | 乙 |")
    assert [(s.id, s.kind, s.marker, s.title, s.level) for s in result.sections] == [
        ("s1", "heading", "一、", "任务", 1), ("a2", "annex", "附件2", "分工表", 1),
    ]  # fmt: skip


# --- helpers -------------------------------------------------------------------------


def test_parse_number() -> None:
    assert [parse_number(n) for n in ["12", "一", "十", "十五", "二十三", "一百二十", "⑦"]] == [
        12, 1, 10, 15, 23, 120, 7,
    ]  # fmt: skip
    assert parse_number("甲") is None


def test_match_marker_families() -> None:
    texts = ["第三章 总则", "四、任务", "(十二)甲", "(3)乙", "③丙", "12.丁", "7、戊"]
    texts += ["专栏 5 工程", "附件 2"]
    seen = {t: (m.family, m.number, m.text) for t in texts if (m := match_marker(t))}
    assert seen == {
        "第三章 总则": ("chapter", 3, "第三章"),
        "四、任务": ("hanzi", 4, "四、"),
        "(十二)甲": ("paren_hanzi", 12, "(十二)"),
        "(3)乙": ("paren_digit", 3, "(3)"),
        "③丙": ("circled", 3, "③"),
        "12.丁": ("digit", 12, "12."),
        "7、戊": ("digit", 7, "7、"),
        "专栏 5 工程": ("column", 5, "专栏 5"),
        "附件 2": ("annex", 2, "附件 2"),
    }
    not_markers = ["2025年底", "1.8万人", "十四五时期", "附件:1.表", "(2021—2025年)"]
    assert [match_marker(t) for t in not_markers] == [None] * 5


def test_split_run_on_only_at_next_number_after_a_sentence_break() -> None:
    marker = match_marker("1.甲工程。达到8.5%。 2.乙工程。含3.5万元。3.丙工程。正文")
    assert marker is not None
    assert [(m.text, m.rest) for m in split_run_on(marker)] == [
        ("1.", "甲工程。达到8.5%。"), ("2.", "乙工程。含3.5万元。"), ("3.", "丙工程。正文"),
    ]  # fmt: skip
    skipping = match_marker("1.甲。见5.乙。")
    assert skipping is not None and len(list(split_run_on(skipping))) == 1


def test_lead_sentence_rule() -> None:
    assert is_lead_sentence("巩固拓展脱贫攻坚兜底保障成果。持续健全社会救助兜底保障体系。")
    assert is_lead_sentence("不断扩大志愿服务参与主体。大力支持发展志愿服务组织。")
    assert not is_lead_sentence("基本民生保障更加有力。2016年以来,城乡低保标准提高。")  # review
    assert not is_lead_sentence("——坚持党的全面领导。贯彻党把方向的要求。")  # principle
    assert not is_lead_sentence("夯实国家治理基础,健全基层治理体系。强化服务。")  # comma in lead
    assert not is_lead_sentence("加强组织领导。")  # no body
    assert lead_phrase("强化组织领导。坚持…") == "强化组织领导"
    assert lead_phrase("甲" * 31 + "。正文") is None
    assert lead_phrase("没有句号的文字") is None


def test_strip_stray_pipe() -> None:
    assert strip_stray_pipe("…社会组织。 |") == ("…社会组织。", True)
    assert strip_stray_pipe("|") == ("", True)
    assert strip_stray_pipe("甲 | 乙 |") == ("甲 | 乙 |", False)
    assert strip_stray_pipe("普通段落") == ("普通段落", False)


# --- properties ----------------------------------------------------------------------

FRAGMENTS = st.sampled_from(
    ["一、", "(一)", "(五)", ")", "五)", "(三", "1.", "2、", "(1)", "①", "第一章", "第二节",
     "第一条", "专栏1", "专栏", "附件2", "附件:", "|", " | ", "。", ",", "巩固", "推进", "——",
     "工作目标", "注:", "2025年", "8.5%", "十", "\u3000", " "]
)  # fmt: skip
LINE_TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=8).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE_TEXT, max_size=25))
def test_segment_never_raises_and_keeps_reading_order(texts: list[str]) -> None:
    lines = [Line(text.strip(), number) for number, text in enumerate(texts, 1) if text.strip()]
    result = segment(Normalized(lines, NormalizationReport()))
    numbers = {line.line for line in lines}
    for kind in (result.items, result.paragraphs, result.tables):
        assert [x.line for x in kind] == sorted(x.line for x in kind)
        assert {x.line for x in kind} <= numbers
    for section in iter_sections(result.sections):
        assert section.line in numbers
        assert all(child.level == section.level + 1 for child in section.children)


@settings(max_examples=150, deadline=None)
@given(st.lists(LINE_TEXT, max_size=25))
def test_no_text_line_is_silently_lost(texts: list[str]) -> None:
    """Each line is a section, item, paragraph or table row, or a heading continuation
    (the lines a joined heading took, or an annex title), a caption (up to three lines
    before a table) or a bare box border."""
    lines = [Line(text.strip(), n) for n, text in enumerate(texts, 1) if text.strip()]
    result = segment_body(lines)
    sections = {s.line for s in iter_sections(result.sections)}
    placed = sections | {i.line for i in result.items} | {p.line for p in result.paragraphs}
    tables = {line.line for line in lines if is_table_line(strip_stray_pipe(line.text)[0])}
    numbers = [line.line for line in lines]
    starts = [numbers.index(t.line) for t in result.tables]
    captions = {n for start in starts for n in numbers[max(0, start - 3) : start]}
    borders = {line.line for line in lines if not strip_stray_pipe(line.text)[0]}
    joined = {r.line: r.before.count("\n") for r in result.repairs if r.kind == "joined-heading"}
    continuations = {
        n for start in sections for n in numbers[numbers.index(start) + 1 :][: joined.get(start, 1)]
    }
    assert {line.line for line in lines} - placed <= tables | captions | borders | continuations


# --- linear time on hostile runs (issue 8.5) -------------------------------------------------
# Each shape is segmented at n and 4n lines: linear code takes about 4× as long, quadratic
# code 16×. Timing ratios, not wall-clock bounds, so a slow machine does not fail them.

GROWTH = 4
LINEAR_BOUND = 8
SLACK = 0.05  # seconds, for timer noise on small runs


def best_seconds(run: Callable[[], object]) -> float:
    """The best of three runs, without the garbage collector (whose passes grow with the heap
    the rest of the test session left behind, not with the input)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best


HOSTILE_BODIES: dict[str, Callable[[int], list[Line]]] = {
    # `print('一、\n' * 40000)`: every heading counted its siblings (28 s)
    "bare hanzi headings": lambda n: [Line("一、", i) for i in range(1, n + 1)],
    # the same 专栏 number again and again: each id searched its suffix from 1
    "repeated box numbers": lambda n: [Line("专栏1", i) for i in range(1, n + 1)],
    # a table's caption line was looked for among all the paragraphs so far
    "tables between paragraphs": lambda n: [
        Line("|指标|目标|" if i % 2 else "说明文字", i) for i in range(1, n + 1)
    ],
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_segment_grows_linearly(name: str) -> None:
    make = HOSTILE_BODIES[name]
    small, large = make(3000), make(3000 * GROWTH)
    bound = LINEAR_BOUND * best_seconds(lambda: segment_body(small)) + SLACK
    assert best_seconds(lambda: segment_body(large)) < bound


def test_run_on_items_on_one_long_line_grow_linearly() -> None:
    """Every sentence break sliced the rest of the line to look for the next marker."""

    def line(n: int) -> list[Line]:
        return [Line("1.完善机制。" + "推进落实。" * n, 1)]

    small, large = line(20000), line(20000 * GROWTH)
    bound = LINEAR_BOUND * best_seconds(lambda: segment_body(small)) + SLACK
    assert best_seconds(lambda: segment_body(large)) < bound


def test_repeated_box_numbers_get_distinct_ids() -> None:
    result = body("专栏1", "专栏1", "专栏2", "专栏1")
    assert [section.id for section in result.sections] == ["c1", "c1-2", "c2", "c1-3"]


def test_a_short_statement_after_a_list_of_short_statements_is_their_next_item() -> None:
    result = body(
        "一、经济社会发展的主要预期目标",
        "5.一般公共预算收入增长3%。",
        "牵头单位:区财政局",
        "6.居民收入增长与经济增长基本同步。",
        "牵头单位:区发改局",
        "7.其他主要经济指标不低于全市平均水平。",
    )
    assert [(s.marker, s.title) for s in iter_sections(result.sections)] == [
        ("一、", "经济社会发展的主要预期目标")
    ]
    assert [item.marker for item in result.items] == ["5.", "6.", "7."]


def test_a_short_heading_after_an_item_that_runs_on_stays_a_heading() -> None:
    result = body(
        "一、总体要求",
        "(一)指导思想。以习近平新时代中国特色社会主义思想为指导,全面贯彻党的十九大精神。",
        "(二)发展目标。",
        "到2025年,农机装备产业科技创新能力持续提升。",
    )
    assert [s.marker for s in iter_sections(result.sections)] == ["一、", "(二)"]
    assert [item.marker for item in result.items] == ["(一)"]
