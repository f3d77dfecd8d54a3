"""Pipe tables on the real samples: caption, header, merged-cell repair, irregular rows.

Expected values were read off the sample files by hand (line numbers as an
editor shows them). `prepared` (from test_meta) is the text as the minimal
normalizer delivers it; the tables must come out the same once normalize also
folds punctuation and removes stray spaces.
"""

from __future__ import annotations

import gc
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING
from plancli.core import Line
from plancli.models import Table
from plancli.stages.meta_text import clean_text
from plancli.stages.tables import is_table_line, parse_table, split_row
from test_meta import prepared


def sample_tables(lines: list[Line]) -> list[tuple[Table, list, list]]:
    """Every run of table lines, with up to three non-table lines before it as context."""
    found, i = [], 0
    while i < len(lines):
        if not is_table_line(lines[i].text):
            i += 1
            continue
        end = i
        while end < len(lines) and is_table_line(lines[end].text):
            end += 1
        context = [line for line in lines[max(0, i - 3) : i] if not is_table_line(line.text)]
        found.append(parse_table(lines[i:end], context, f"t{len(found) + 1}"))
        i = end
    return found


def changji(improved: bool = False) -> list[tuple[Table, list, list]]:
    lines = list(prepared(CHANGJI))
    if improved:
        lines = [Line(clean_text(line.text), line.line) for line in lines]
    return sample_tables(lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("重点项目 | 序号 | 工作任务 | 工作要求 | 责任单位 |", True),
        ("2023年 | 2024年 | 2025年 | ||||||", True),
        ("昌吉州“十四五”城乡社区服务体系指标任务分解表 | ||||||||", True),
        ("a ｜ b ｜", True),
        ("| a | b", True),
        ("1.加强困境儿童保障工程。…培育孵化儿童福利类社会组织。 |", False),  # Chongqing line 57
        ("xxxx欧美一区二区,xxxx日本免费|XXXX日本少妇做受_xxxx日本熟妇", False),  # Shaoyang line 1
        ("|", False),
        ("没有竖线的正文。", False),
    ],
)
def test_is_table_line(text: str, expected: bool) -> None:
    assert is_table_line(text) is expected


def test_split_row_keeps_the_extra_empty_cell_but_not_the_closing_pipe() -> None:
    assert split_row("2 | 城乡社区志愿服务行动 | 要求 | 州民政局 | |") == [
        "2",
        "城乡社区志愿服务行动",
        "要求",
        "州民政局",
        "",
    ]
    assert split_row("3 | 城乡社区社会 工作服务行动 |") == ["3", "城乡社区社会工作服务行动"]
    assert split_row("a ｜ (1) ｜") == ["a", "(1)"]


def test_samples_have_the_tables_they_print() -> None:
    assert [(t.line, len(t.rows)) for t, _, _ in changji()] == [(39, 26), (67, 10)]
    chongqing = sample_tables(list(prepared(CHONGQING)))
    assert [(t.line, len(t.rows)) for t, _, _ in chongqing] == [(23, 16)]


def test_changji_task_table_inherits_the_group_cell() -> None:
    table, repairs, diagnostics = changji()[0]
    assert table.caption == "专项行动任务分工表"  # line 38, after the annex label 附件1 (37)
    assert table.header == ["重点项目", "序号", "工作任务", "工作要求", "责任单位"]
    assert table.row_lines == list(range(40, 66))
    assert all(len(row) == 5 for row in table.rows)
    # Rows that print their own group cell: 40, 43, 46, 55, 58, 60, 62, 63.
    inherited = [r.line for r in repairs if r.kind == "table-rowspan"]
    assert inherited == [41, 42, 44, 45, 47, 48, 49, 50, 51, 52, 53, 54, 56, 57, 59, 61, 64, 65]
    assert len(repairs) == len(inherited)
    assert diagnostics == []
    row_41 = table.rows[1]
    assert row_41[:3] == ["一、社会力量参与城乡社区服务行动", "2", "城乡社区志愿服务行动"]
    assert row_41[4] == "州党委宣传部,州民政局,各县市人民政府等按职责分工负责"
    # Line 65 lost its group cell without leaving an extra empty cell behind.
    assert table.rows[-1][:2] == ["五、城乡社区人才队伍建设行动", "26"]
    assert table.rows[-1][4] == "州民政局,各县市人民政府等按职责分工负责"
    groups = [row[0] for row in table.rows]
    assert groups.count("二、新时代新社区新生活服务质量提升行动") == 15  # items 4-18
    assert groups.count("四、城乡社区服务数字化建设试点行动") == 3  # items 21-23


def test_changji_indicator_table_two_row_header_and_colspans() -> None:
    table, repairs, _ = changji()[1]
    assert table.caption == "昌吉州“十四五”城乡社区服务体系指标任务分解表"  # title row, line 67
    assert table.header == [
        "指标名称",
        "自治区2025年目标值",
        "属性",
        "昌吉州指标现状",
        "年度分解目标/2023年",
        "年度分解目标/2024年",
        "年度分解目标/2025年",
        "责任单位",
        "备注",
    ]
    assert table.row_lines == list(range(70, 80))
    assert all(len(row) == 9 for row in table.rows)
    spread = [r.line for r in repairs if r.kind == "table-colspan"]
    assert spread == [70, 71, 72, 73, 75, 77]  # 74, 76, 78 print all three year cells
    assert table.rows[0] == [
        "城乡社区综合服务设施覆盖率",
        "100%",
        "预期性",
        "100%",
        "持续巩固提升",
        "持续巩固提升",
        "持续巩固提升",
        "民政局",
        "基层政权建设数据库数据",
    ]
    row_74 = table.rows[4]
    assert row_74[3:8] == [
        "1%",
        "每县市完成社区总数的33%",
        "每县市完成社区总数的33%",
        "每县市完成社区总数的34%",
        "各县市",
    ]
    assert table.rows[8][6] == "2024年达到100%,持续巩固提升"  # line 78, 2025 column


def test_changji_line_79_is_short_without_a_colspan_mark() -> None:
    """Line 79 has 6 cells and no trailing empties, so neither merge rule applies.

    Its last two cells are the 责任单位 (自然资源局, as in line 71) and the 备注,
    which says the 现状 was not surveyed; the remaining cell next to them is the
    target for the year columns (like line 71's 新建的严格按10%执行). It is placed
    that way, 现状 left empty, and reported.
    """
    table, repairs, diagnostics = changji()[1]
    assert table.rows[9] == [
        "新建城区、住宅区养老服务用地、婴幼儿照护服务设施",
        "养老服务人均用地不少于0.1㎡,婴幼儿照护服务设施不小于300㎡",
        "预期性",
        "",
        "新建的严格按标准执行",
        "新建的严格按标准执行",
        "新建的严格按标准执行",
        "自然资源局",
        "现状未做相关统计",
    ]
    assert [(d.code, d.line, d.level) for d in diagnostics] == [("table-row-width", 79, "warning")]
    assert [r.kind for r in repairs if r.line == 79] == ["table-realign"]


def test_chongqing_box_table_needs_no_repair() -> None:
    table, repairs, diagnostics = sample_tables(list(prepared(CHONGQING)))[0]
    assert table.caption == "专栏1“十四五”重庆民政事业主要发展指标"
    assert table.header == ["序号", "主要指标", "单位", "2020年", "2025年", "指标属性"]
    assert table.rows[0] == [
        "1",
        "城乡低保标准年度增速",
        "%",
        "—",
        "不低于上年度城镇居民人均消费支出增速",
        "预期性",
    ]
    assert table.rows[15] == [
        "16",
        "乡镇(街道)具备综合功能的养老服务机构覆盖率",
        "%",
        "58",
        "≥90",
        "预期性",
    ]
    assert (repairs, diagnostics) == ([], [])


def test_tables_are_the_same_after_normalize_cleans_the_text() -> None:
    before = [table for table, _, _ in changji()]
    after = [table for table, _, _ in changji(improved=True)]
    assert [t.model_dump() for t in before] == [t.model_dump() for t in after]


@pytest.mark.parametrize(
    ("context", "caption"),
    [
        (["附件1", "专项行动任务分工表"], "专项行动任务分工表"),
        (["附件1 专项行动任务分工表"], "专项行动任务分工表"),
        (["附件 2"], None),
        (["附件:1.专项行动任务分工表", "2.指标任务分解表"], None),
        (["专栏1“十四五”重庆民政事业主要发展指标"], "专栏1“十四五”重庆民政事业主要发展指标"),
        (["主要指标见下表。"], None),
        ([], None),
    ],
)
def test_caption_from_context(context: list[str], caption: str | None) -> None:
    lines = [Line(text, n) for n, text in enumerate(context, start=1)]
    rows = [Line("a | b |", 10), Line("1 | 2 |", 11)]
    assert parse_table(rows, lines, "t1")[0].caption == caption


def table_of(*texts: str) -> tuple[Table, list, list]:
    return parse_table([Line(t, n) for n, t in enumerate(texts, start=1)], [], "t1")


def test_two_row_header_without_a_group_word_is_flagged() -> None:
    table, _, diagnostics = table_of("名称 | 数量 | 备注 | |", "甲 | 乙 | ||", "x | 1 | 2 | r |")
    assert table.header == ["名称", "数量", "备注/甲", "备注/乙"]
    assert [d.code for d in diagnostics] == ["table-header-ambiguous"]


def test_a_legitimately_empty_last_cell_is_not_a_lost_rowspan() -> None:
    table, repairs, _ = table_of("序号 | 名称 | 备注 |", "1 | 甲 | 说明 |", "2 | 乙 | |")
    assert table.rows == [["1", "甲", "说明"], ["2", "乙", ""]]
    assert repairs == []


def test_irregular_rows_are_padded_or_merged_and_reported() -> None:
    table, repairs, diagnostics = table_of("a | b | c |", "1 |x", "1 | 2 | 3 | 4 | 5 |")
    assert table.rows == [["1", "x", ""], ["1", "2", "3 | 4 | 5"]]
    assert [(d.code, d.line) for d in diagnostics] == [
        ("table-row-width", 2),
        ("table-row-width", 3),
    ]
    assert [r.kind for r in repairs] == ["table-realign", "table-realign"]


def test_extra_trailing_pipes_are_not_irregular() -> None:
    table, repairs, diagnostics = table_of("a | b |", "1 | 2 | | |")
    assert table.rows == [["1", "2"]]
    assert (repairs, diagnostics) == ([], [])


def test_no_rows_gives_an_empty_table_and_a_diagnostic() -> None:
    table, _, diagnostics = parse_table([], [Line("附件1", 7)], "t9")
    assert (table.header, table.rows, table.line) == ([], [], 7)
    assert [d.code for d in diagnostics] == ["table-empty"]


CELLS = st.text(alphabet=st.sampled_from("|||  一、1年2%甲乙(一)"), max_size=30) | st.text(
    max_size=30
)


@settings(max_examples=150, deadline=None)
@given(st.lists(CELLS, max_size=12), st.lists(st.text(max_size=20), max_size=3))
def test_parse_table_never_raises_and_rows_fit_the_header(
    rows: list[str], context: list[str]
) -> None:
    table, repairs, _ = parse_table(
        [Line(text, n) for n, text in enumerate(rows, start=10)],
        [Line(text, n) for n, text in enumerate(context, start=1)],
        "t1",
    )
    assert all(len(row) == len(table.header) for row in table.rows)
    assert len(table.rows) == len(table.row_lines)
    assert all(10 <= r.line < 10 + len(rows) for r in repairs)


def test_a_caption_is_the_first_of_several_title_rows() -> None:
    rows = [Line("城乡社区服务主要指标 | |", 1), Line("单位:% | |", 2), Line("指标 | 目标 |", 3)]
    rows.append(Line("覆盖率 | 100 |", 4))
    table, _, _ = parse_table(rows, [], "t1")
    assert (table.caption, table.header, table.rows) == (
        "城乡社区服务主要指标",
        ["指标", "目标"],
        [["覆盖率", "100"]],
    )


def test_title_rows_are_skipped_in_linear_time() -> None:
    """Each title row used to copy the rest of the table (quadratic in a run of them)."""

    def seconds(count: int) -> float:
        rows = [Line("标题 | |", i) for i in range(1, count + 1)]
        best = float("inf")
        gc.collect()
        gc.disable()  # its passes grow with the session's heap, not with the table
        try:
            for _ in range(3):
                start = time.perf_counter()
                parse_table(rows, [], "t1")
                best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
        return best

    assert seconds(32000) < 8 * seconds(8000) + 0.05


def test_a_row_of_full_width_pipes_is_a_table_line_and_a_line_without_pipes_is_not() -> None:
    assert is_table_line("指标｜2020年｜2025年｜")
    assert is_table_line("| 指标 | 目标值 |")
    assert not is_table_line("免费｜XXXX")
    assert not is_table_line("完善社区服务设施,提升服务能力。")
