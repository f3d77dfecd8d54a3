"""Targets of kinds the samples do not show: State Council opinions, assessment schemes,
provincial opinions (issue #10). Each class has its own small example."""

from __future__ import annotations

from plancli.pipeline import process_bytes
from plancli.stages.targets import find_targets


def read(text: str) -> list[tuple[str, str, float, str, int | None]]:
    found, _ = find_targets(text, 1)
    return [
        (t.indicator, t.comparator, t.value, t.unit, t.year) for t in found if t.kind == "target"
    ]


def test_magnitude_units_are_kept_as_written() -> None:
    assert read("到2020年,全国农机总动力超过10亿千瓦,其中灌排机械动力达到1.2亿千瓦。") == [
        ("全国农机总动力", ">", 10, "亿千瓦", 2020),
        ("灌排机械动力", ">=", 1.2, "亿千瓦", 2020),
    ]
    assert read("体育竞赛表演产业总规模达到2万亿元。") == [
        ("体育竞赛表演产业总规模", ">=", 2, "万亿元", None)
    ]


def test_each_gives_every_quantity_the_same_figure() -> None:
    assert [(n, c, v) for n, c, v, _, _ in read("马铃薯种植、收获机械化率均达到45%。")] == [
        ("马铃薯种植机械化率", ">=", 45),
        ("马铃薯收获机械化率", ">=", 45),
    ]


def test_respectively_pairs_quantities_and_figures_in_order() -> None:
    assert read("花生种植、收获机械化率分别达到65%和55%。") == [
        ("花生种植机械化率", ">=", 65, "%", None),
        ("花生收获机械化率", ">=", 55, "%", None),
    ]


def test_respectively_with_the_shared_measure_after_it() -> None:
    assert [
        (n, c, v)
        for n, c, v, _, _ in read(
            "到2024年,全省与其他RCEP国家货物贸易、对外投资和实际利用外资分别占比达30%、20%和10%。"
        )
    ] == [
        ("全省与其他RCEP国家货物贸易占比", ">=", 30),
        ("对外投资占比", ">=", 20),
        ("实际利用外资占比", ">=", 10),
    ]


def test_a_paragraph_opening_with_a_deadline_dates_all_its_sentences() -> None:
    text = (
        "(三)发展目标。到2025年,体育竞赛表演产业总规模达到2万亿元,基本形成产业体系。"
        "推出100项具有较大知名度的体育精品赛事,打造100个体育竞赛表演品牌。"
    )
    assert [(v, u, y) for _, _, v, u, y in read(text)] == [
        (2, "万亿元", 2025),
        (100, "项", 2025),
        (100, "个", 2025),
    ]


def test_a_deadline_later_in_a_paragraph_does_not_date_what_comes_before() -> None:
    text = "完善公共服务体系,建成社区服务站50个。到2025年,社区服务站覆盖率达到100%。"
    assert [(v, y) for _, _, v, _, y in read(text)] == [(50, None), (100, 2025)]


def test_weights_in_a_formula_are_not_targets() -> None:
    assert read("半年考评分值=日常监测(60%)+实地调研(20%)+民意调查(10%)+第三方评估(10%)") == []


def test_round_the_clock_hours_are_not_targets() -> None:
    assert read("保障“7×24小时”全天候服务模式。") == []


def test_network_grades_are_not_targets() -> None:
    assert read("推进条件较好旗县区,分批次实现千兆升级。") == []


def test_existing_counts_are_not_targets() -> None:
    found, _ = find_targets("在现有新生入学、教师资格认定等62项便民服务的基础上,持续拓展。", 1)
    assert [(t.value, t.kind) for t in found] == [(62, "status")]


# --- deadlines and plan periods in a whole document ---------------------------------


def document_targets(text: str) -> list[tuple[int, float, int | None, str]]:
    document = process_bytes(text.encode("utf-8"), "plan.txt")
    return [(t.line, t.value, t.year, t.kind) for t in document.targets]


def test_a_fifteenth_plan_reviews_the_fourteenth() -> None:
    text = (
        "某市民政事业发展“十五五”规划\n"
        "一、发展基础\n"
        "“十四五”期间,全市养老机构床位达到12000张。\n"
        "二、发展目标\n"
        "到2030年,全市养老机构床位达到15000张。\n"
    )
    # the review figure is dated to the end of the period it reports on
    assert document_targets(text) == [(3, 12000, 2025, "status"), (5, 15000, 2030, "target")]


def test_the_fourteenth_period_is_a_deadline_in_a_fourteenth_plan() -> None:
    found, _ = find_targets("“十四五”期间,新增养老床位5000张。", 1, plan_start=2021)
    assert [(t.value, t.year, t.kind) for t in found] == [(5000, 2025, "target")]


def test_an_earlier_period_marks_status_only_relative_to_the_plan() -> None:
    text = "“十三五”以来,全市建成社区服务站300个。"
    assert [t.kind for t in find_targets(text, 1, plan_start=2021)[0]] == ["status"]
    assert [t.kind for t in find_targets(text, 1, plan_start=2011)[0]] == ["target"]


def test_an_annual_plan_dates_its_figures_to_its_year() -> None:
    text = (
        "包头市2022年数字政府建设考评办法\n"
        "一、政务服务\n"
        "1.提升大厅服务。各级大厅综合一窗率达90%以上。(6月底完成,牵头考核单位:市审批服务局)\n"
    )
    assert document_targets(text) == [(3, 90, 2022, "target")]


def test_a_heading_deadline_dates_the_items_under_it() -> None:
    text = (
        "某省促进就业实施方案\n"
        "一、到2025年主要任务\n"
        "(一)扩大就业。城镇新增就业50万人以上。(省人力资源社会保障厅负责)\n"
    )
    assert document_targets(text) == [(3, 50, 2025, "target")]


def test_within_a_time_is_at_most() -> None:
    text = "对符合正常放行条件的货物48小时内放行,其中空运物品实行6小时内放行。"
    assert [(c, v, u) for _, c, v, u, _ in read(text)] == [("<=", 48, "小时"), ("<=", 6, "小时")]


def test_terms_of_a_support_policy_are_not_targets() -> None:
    text = (
        "对新认定的国家级工业互联网平台,省级给予一次性奖补100万元,最高500万元。"
        "省级按该款产品首轮流片合同金额的30%,单个企业最高300万元。"
    )
    assert read(text) == []


def test_an_eligibility_condition_is_not_a_target() -> None:
    assert read("对其上一年度实施产业化项目并实际完成投资1000万元及以上的,按规定支持。") == []


def test_commitments_beside_a_policy_are_still_read() -> None:
    assert [(v, u) for _, _, v, u, _ in read("新增“皖企登云”企业2万家,省级给予奖补50万元。")] == [
        (20000, "家")
    ]


def test_goal_paragraph_that_assigns_units_is_read_once() -> None:
    text = (
        "国务院办公厅关于印发“无废城市”建设试点工作方案的通知\n"
        "一、主要任务\n"
        "到2020年,秸秆综合利用率达到85%以上。(国家发展改革委、农业农村部指导)\n"
    )
    assert document_targets(text) == [(3, 85, 2020, "target")]


def test_aspects_counted_in_a_method_are_not_targets() -> None:
    assert read("计算各旗县区及各部门7个方面分值的平均分值,形成最终分值。") == []


def test_a_list_of_figures_after_one_comparator() -> None:
    text = "达到万兆到旗县区、千兆到苏木乡镇(街道)、百兆到嘎查村(社区)、20兆进牧户的带宽要求。"
    assert [(c, v, u) for _, c, v, u, _ in read(text)] == [
        (">=", 10000, "兆"),
        (">=", 1000, "兆"),
        (">=", 100, "兆"),
        (">=", 20, "兆"),
    ]


def test_chinese_numerals_in_a_list_without_a_comparator_stay_names() -> None:
    assert read("落实三项清单、五社联动机制。") == []


def test_figures_in_short_headings_are_read() -> None:
    text = (
        "立山区2023年重点工作分工方案\n"
        "一、经济社会发展的主要预期目标\n"
        "1.努力实现地区生产总值增长6.2%左右。\n"
        "牵头单位:区发改局\n"
        "2.规模上工业增加值增长5%左右。\n"
        "牵头单位:区工信局\n"
    )
    document = process_bytes(text.encode("utf-8"), "plan.txt")
    assert [(t.line, t.comparator, t.value, t.unit, t.year) for t in document.targets] == [
        (3, "~", 6.2, "%", 2023),
        (5, "~", 5, "%", 2023),
    ]


def test_a_task_written_as_a_heading_states_its_figure() -> None:
    text = (
        "某县2025年重点工作任务清单\n一、农业\n1.投资3000万元建设南美白对虾工厂化循环水养殖基地。\n"
    )
    assert document_targets(text) == [(3, 3000, 2025, "target")]
