"""Tables that lost their pipes are rebuilt when the column count is decidable."""

from __future__ import annotations

from plancli.stages.normalize import normalize

HEADER = ["序号", "指标", "单位", "2020年", "2025年", "属性"]
ROW1 = ["1", "城乡社区综合服务设施覆盖率", "%", "90", "100", "约束性"]
ROW2 = ["2", "每百户居民拥有社区服务设施面积", "平方米", "25", "30", "预期性"]


def test_indexed_table_is_rebuilt_with_its_line_numbers() -> None:
    text = "\n".join(["表1 主要指标", *HEADER, *ROW1, *ROW2, "二、重点任务"])
    result = normalize(text)
    assert [(line.text, line.line) for line in result.lines] == [
        ("表1 主要指标", 1),
        ("序号 | 指标 | 单位 | 2020年 | 2025年 | 属性 |", 2),
        ("1 | 城乡社区综合服务设施覆盖率 | % | 90 | 100 | 约束性 |", 8),
        ("2 | 每百户居民拥有社区服务设施面积 | 平方米 | 25 | 30 | 预期性 |", 14),
        ("二、重点任务", 20),
    ]
    assert [r.kind for r in result.report.repairs] == ["table-rebuilt"]


def test_a_row_with_a_lost_cell_leaves_the_table_as_it_is_with_a_warning() -> None:
    damaged = ["1", "城乡社区综合服务设施覆盖率", "%", "100", "约束性"]  # 2020年 cell lost
    text = "\n".join([*HEADER, *damaged, *ROW2, "二、重点任务"])
    result = normalize(text)
    assert [line.text for line in result.lines] == [*HEADER, *damaged, *ROW2, "二、重点任务"]
    assert [(d.code, d.line) for d in result.diagnostics] == [("table-unrebuilt", 1)]


def test_table_without_index_column_needs_whole_rows() -> None:
    header = ["指标", "单位", "目标值"]
    cells = ["养老机构护理型床位占比", "%", "55", "社区工作者持证率", "%", "60"]
    result = normalize("\n".join([*header, *cells, "一、总体要求"]))
    assert [line.text for line in result.lines][:3] == [
        "指标 | 单位 | 目标值 |",
        "养老机构护理型床位占比 | % | 55 |",
        "社区工作者持证率 | % | 60 |",
    ]
