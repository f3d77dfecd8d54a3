"""Numeric targets (stages/targets) on the real samples, checked against a hand reading of the text.

Each expected row is (line, indicator, comparator, value, unit, per, year, kind). The text
stage is called the way extract calls it for an item or paragraph with no umbrella year, so a
year comes only from a deadline written in the same sentence; tables are built from the sample
lines the way segment hands them over (header flattened, rowspan cells inherited).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli import rules
from plancli.models import Table, Target
from plancli.pipeline import normalize_file
from plancli.stages import targets
from plancli.stages.targets import find_targets, parse_number, table_targets

CHONGQING_REVIEW = (5, 6, 7)  # the 十三五 review after line 4 (“十三五”期间…)


@cache
def sample_lines(path: Path) -> dict[int, str]:
    """Normalized text by original line number."""
    return {line.line: line.text for line in normalize_file(path)[2].lines}


def rows(found: list[Target]) -> list[tuple]:
    return [
        (t.line, t.indicator, t.comparator, t.value, t.unit, t.per, t.year, t.kind) for t in found
    ]


def text_targets(path: Path, line: int, **options) -> list[Target]:
    found, _ = find_targets(sample_lines(path)[line], line, **options)
    return found


def all_text_targets(path: Path) -> list[Target]:
    """Every line that is not a pipe table, read as one paragraph or item."""
    found: list[Target] = []
    for number, text in sample_lines(path).items():
        if text.count("|") > 1:
            continue
        status = path == CHONGQING and number in CHONGQING_REVIEW
        found += find_targets(text, number, status=status)[0]
    return found


# --- whole samples: nothing missed, nothing invented -------------------------------------

GOAL_LINE_CHANGJI = [  # line 12: 9 `;` clauses with a figure after the qualitative ones
    (12, "城乡社区综合服务设施覆盖率", ">=", 100, "%", None, 2025, "target"),
    (12, "新建社区商业和综合服务设施面积占社区总建筑面积比例", ">=", 10, "%", None, 2025, "target"),
    (12, "社区综合服务设施面积", ">=", 30, "平方米", "每百户", 2025, "target"),
    (12, "居民活动区域面积占社区综合服务设施总建筑面积比例", ">=", 60, "%", None, 2025, "target"),
    (12, "城市社区政务通用自助服务覆盖率", ">=", 100, "%", None, 2025, "target"),
    (12, "每万城镇常住人口拥有社区工作者", ">=", 25, "人", "每万城镇常住人口", 2025, "target"),
    (12, "社会工作专业人才总数", ">=", 600, "人", None, 2025, "target"),
    (12, "城乡社区工作者素质提升培训覆盖率", "=", 100, "%", None, 2025, "target"),
    (12, "城市社区日间照料机构覆盖率", ">=", 90, "%", None, 2025, "target"),
]

CHANGJI_TEXT = [
    *GOAL_LINE_CHANGJI,
    # 22: 人均用地不少于0.1平方米的养老服务、不小于300平方米的婴幼儿照护服务设施配建要求
    (22, "新建城区和新建住宅区人均用地的养老服务", ">=", 0.1, "平方米", "人均", None, "target"),
    (22, "婴幼儿照护服务设施配建要求", ">=", 300, "平方米", None, None, "target"),
    # 23: 不少于每天8小时 (24小时线上服务 is a name)
    (23, "社区服务设施开放和服务时间", ">=", 8, "小时", "每天", None, "target"),
    # 28: 到2025年末实现…大于25人
    (28, "每万名城镇常住人口拥有社区工作者", ">", 25, "人", "每万城镇常住人口", 2025, "target"),
]

JIMSAR_TEXT = [  # mirrors Changji; 社会工作专业人才总数达70人 (line 8)
    *[(8, *row[1:]) for row in GOAL_LINE_CHANGJI[:6]],
    (8, "社会工作专业人才总数", ">=", 70, "人", None, 2025, "target"),
    *[(8, *row[1:]) for row in GOAL_LINE_CHANGJI[7:]],
    (18, "新建城区和新建住宅区人均用地的养老服务", ">=", 0.1, "平方米", "人均", None, "target"),
    (18, "婴幼儿照护服务设施配建要求", ">=", 300, "平方米", None, None, "target"),
    (19, "社区服务设施开放和服务时间", ">=", 8, "小时", "每天", None, "target"),
    (24, "每万名城镇常住人口拥有社区工作者", ">", 25, "人", "每万城镇常住人口", 2025, "target"),
]

JIANGXI_TEXT = [
    (20, "社区日间照料中心覆盖城市社区", ">=", 90, "%", None, None, "target"),
    (20, "村建设符合“四助五有”标准的农村互助养老服务设施", ">=", 85, "%", None, None, "target"),
    (21, "城市社区建成普惠托育中心", "=", 50, "%", None, None, "target"),  # 争取在50%的
    (26, "每百户居民拥有社区综合服务设施面积", ">=", 30, "平方米", "每百户", None, "target"),
    (27, "居民活动区域面积占社区综合服务设施总建筑面积比例", ">=", 60, "%", None, None, "target"),
    # 35: 五年内…轮训一遍 and 不低于…平均工资水平 state no figure
    (35, "每万城镇常住人口配备社区工作者", ">=", 18, "人", "每万城镇常住人口", None, "target"),
    # 41: “十四五”期间,力争全省50%以上城市社区达到“三星”以上标准 (三星 is a name)
    (41, "全省城市社区达到“三星”以上标准", ">=", 50, "%", None, 2025, "target"),
]

SHAOYANG_TEXT = [
    # 52: the goal paragraph opens with 到2025年底, so every figure in it is due 2025
    (52, "城市社区及农村社区综合服务设施覆盖率", ">=", 100, "%", None, 2025, "target"),
    (
        52,
        "新建社区商业和综合服务设施面积占社区总建筑面积的比例",
        ">=",
        10,
        "%",
        None,
        2025,
        "target",
    ),
    (52, "每百户居民拥有社区综合服务设施面积", ">=", 43, "平方米", "每百户", 2025, "target"),
    (52, "居民活动区域面积占社区综合服务设施总建筑面积比例", ">=", 60, "%", None, 2025, "target"),
    (52, "城市政务通用自助服务覆盖率", ">=", 100, "%", None, 2025, "target"),
    # `…社区工作者18人志愿服务站点…` lost its separator: two targets all the same
    (52, "每万名城镇常住人口拥有社区工作者", "=", 18, "人", "每万城镇常住人口", 2025, "target"),
    (52, "志愿服务站点在社区综合服务设施中的覆盖率", ">=", 80, "%", None, 2025, "target"),
    (66, "依托村社区综合服务设施建立志愿服务站点覆盖率", ">=", 80, "%", None, None, "target"),
    (68, "建设村(社区)社会工作室", "=", 150, "个", None, None, "target"),  # `150 个`
    (76, "居民活动区域占村社区综合服务设施总建筑面积", ">=", 60, "%", None, None, "target"),
    (76, "人均用地", ">=", 0.1, "平方米", "人均", None, "target"),
    (84, "每万城镇常住人口拥有社区工作者", ">=", 18, "人", "每万城镇常住人口", None, "target"),
    (106, "行政村通5G", ">=", 80, "%", None, 2025, "target"),  # 全80%行政村通5G: 5G is a name
    (128, "特殊困难老年人月探访率", ">=", 100, "%", None, None, "target"),
    (134, "社区试点开展康复辅具社区租赁服务", "=", 50, "个", None, None, "target"),
    (140, "建设社区教育实验区", "~", 3, "个", None, None, "target"),
    (140, "优质老年大学", "~", 5, "所", None, None, "target"),
    (142, "每年为每个农村乡镇配送戏曲演出", "=", 4, "场", "每年", None, "target"),
    (154, "全所有村社区均设置灾害信息员", "=", 1, "名", None, None, "target"),
    (164, "社区服务设施开放和服务时间", ">=", 8, "小时", "每天", None, "target"),
]

CHONGQING_TEXT = [
    # 5-7: the 十三五 review, all status
    (5, "城乡低保标准", ">=", 620, "元", "每人每月", None, "status"),
    (5, "城乡低保标准", ">=", 496, "元", "每人每月", None, "status"),
    (5, "城乡低保标准增长", "=", 34.78, "%", None, None, "status"),
    (5, "城乡低保标准增长", "=", 65.33, "%", None, None, "status"),
    (5, "特困人员供养标准", ">=", 806, "元", "每人每月", None, "status"),
    (5, "特困人员供养标准增长", "=", 34.33, "%", None, None, "status"),
    (5, "全市累计支出各类救助资金", "=", 300.55, "亿元", None, None, "status"),
    (5, "集中供养、散居孤儿基本生活保障标准", ">=", 1456, "元", "每月", None, "status"),
    (5, "集中供养、散居孤儿基本生活保障标准", ">=", 1256, "元", "每月", None, "status"),
    (5, "集中供养、散居孤儿基本生活保障标准增长", "=", 45.6, "%", None, None, "status"),
    (5, "集中供养、散居孤儿基本生活保障标准增长", "=", 109.3, "%", None, None, "status"),
    (5, "累计发放残疾人“两项补贴”", "=", 15.9, "亿元", None, None, "status"),
    (5, "救助生活无着的流浪乞讨人员", ">", 139000, "人次", None, None, "status"),
    (6, "城乡社区综合服务设施覆盖率", ">=", 100, "%", None, None, "status"),
    (6, "全市登记社会组织", ">=", 18000, "家", None, None, "status"),
    (6, "创造就业岗位", ">", 200000, "个", None, None, "status"),
    (6, "全市社会工作服务机构", ">=", 378, "家", None, None, "status"),
    (6, "社会工作专业人才", "=", 6.3, "万人", None, None, "status"),
    (6, "持证社会工作专业人才", "=", 1.7, "万人", None, None, "status"),
    (6, "全市福利彩票销售", "=", 233.1, "亿元", None, None, "status"),
    (6, "筹集公益金", "=", 69.6, "亿元", None, None, "status"),
    (6, "接受慈善捐助", "=", 75.8, "亿元", None, None, "status"),
    (6, "惠及困难群众", ">", 800, "万人次", None, None, "status"),
    (7, "投入建设", "=", 40.6, "亿元", None, None, "status"),
    (7, "建设殡仪馆", "=", 10, "个", None, None, "status"),
    (7, "殡仪服务站", "=", 30, "个", None, None, "status"),
    (7, "农村公益性公墓等殡葬服务设施", "=", 34, "个", None, None, "status"),
    (7, "免除困难群众基本丧葬费", "=", 7041, "万元", None, None, "status"),
    (7, "乡镇(街道)养老服务中心", ">=", 589, "个", None, None, "status"),
    (7, "社区养老服务站", ">=", 2900, "个", None, None, "status"),
    (7, "新增养老产业园区", "=", 5, "个", None, None, "status"),
    (7, "改造提升乡镇敬老院", "=", 398, "所", None, None, "status"),
    (7, "全市养老机构", ">=", 1451, "所", None, None, "status"),
    (7, "养老服务床位", "~", 230000, "张", None, None, "status"),
    (7, "社会办养老机构", ">=", 545, "所", None, None, "status"),
    (7, "政府运营床位", "<=", 50, "%", None, None, "status"),
    # 42: …集中供养率和…签订率均达到100% → one target each
    (42, "有意愿的失能特困人员集中供养率", ">=", 100, "%", None, 2025, "target"),
    (42, "分散供养失能特困人员委托照料服务协议签订率", ">=", 100, "%", None, 2025, "target"),
    (48, "全市滞留流浪乞讨人员落户安置率", ">=", 100, "%", None, 2025, "target"),
    (52, "孤儿和事实无人抚养儿童基本生活保障率", "=", 100, "%", None, 2025, "target"),  # 保持
    (54, "全市儿童福利机构达到定点康复机构标准", "=", 5, "家", None, 2025, "target"),
    # 57: 专栏3 box text (2万平方米 is not a 万-unit: 20000 平方米)
    (57, "市儿童福利院医疗康复大楼建设", "=", 20000, "平方米", None, None, "target"),
    (57, "市儿童福利院等儿童福利机构优化提质", "=", 8, "家", None, None, "target"),
    (57, "培育发展市级儿童福利机构高质量发展示范单位", "=", 2, "家", None, None, "target"),
    (59, "区县广泛开展精神障碍社区康复服务", ">=", 80, "%", None, 2025, "target"),
    (59, "居家患者接受社区康复服务", ">=", 60, "%", None, 2025, "target"),
    # 64: the 500 驿站 come before 到2025年年底; 160亿元 and 65's 48亿元 follow the garbled
    # `?!笆奈濉逼陂g` (“十四五”期间): read raw, as here, they have no deadline; extract reads
    # them through the normalizer's recovery and gets 2025 (test_extract.py)
    (
        64,
        "建设集公益宣传、便民服务、彩票销售功能于一体的“福彩公益驿站”",
        "=",
        500,
        "个",
        None,
        None,
        "target",
    ),
    (64, "销售网点", ">=", 10000, "家", None, 2025, "target"),
    (64, "福利彩票销售", "=", 160, "亿元", None, None, "target"),
    (65, "筹集彩票公益金", "=", 48, "亿元", None, None, "target"),
    (79, "每百户居民拥有综合服务设施面积", ">=", 30, "平方米", "每百户", 2025, "target"),
    (80, "城乡社区智慧服务平台覆盖率", ">=", 100, "%", None, 2025, "target"),
    (89, "社会工作专业人才", ">=", 8, "万人", None, 2025, "target"),
    (89, "持证社会工作专业人才", ">=", 3, "万人", None, 2025, "target"),
    (91, "全市慈善组织总数", "=", 2, "倍", None, 2025, "target"),  # 翻一番
    (91, "慈善捐赠接收金额较“十三五”增长", "=", 20, "%", None, 2025, "target"),
    (91, "慈善捐赠接收金额", ">=", 90, "亿元", None, 2025, "target"),
    (96, "社会工作专业人才", ">=", 8, "万人", None, 2025, "target"),
    (96, "持证社会工作专业人才", ">=", 3, "万人", None, 2025, "target"),
    (98, "志愿服务参与率", ">=", 30, "%", None, 2025, "target"),
    (98, "全市实名认证志愿者占常住人口比例", ">=", 22, "%", None, 2025, "target"),
    (98, "志愿服务组织", ">=", 300, "家", None, 2025, "target"),
    # 102: 完成N个 is a target, `=`, no year stated
    (102, "省级界线", "=", 5, "条", None, None, "target"),
    (102, "省级界线界桩", "=", 68, "个", None, None, "target"),
    (102, "县级界线", "=", 83, "条", None, None, "target"),
    (102, "县级界线界桩联检", "=", 208, "个", None, None, "target"),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (CHANGJI, CHANGJI_TEXT),
        (JIMSAR, JIMSAR_TEXT),
        (JIANGXI, JIANGXI_TEXT),
        (SHAOYANG, SHAOYANG_TEXT),
        (CHONGQING, CHONGQING_TEXT),
    ],
    ids=["changji", "jimsar", "jiangxi", "shaoyang", "chongqing"],
)
def test_every_text_target_of_a_sample(path: Path, expected: list[tuple]) -> None:
    assert rows(all_text_targets(path)) == expected


def test_changji_goal_paragraph_has_nine_figures() -> None:
    assert rows(text_targets(CHANGJI, 12)) == GOAL_LINE_CHANGJI


# --- year, kind, baseline, ranges -------------------------------------------------


def test_umbrella_year_applies_when_the_sentence_has_no_deadline() -> None:
    found = text_targets(SHAOYANG, 52, year=2025)
    assert [t.year for t in found] == [2025] * 7


def test_own_deadline_overrides_the_umbrella_year() -> None:
    assert {t.year for t in text_targets(CHANGJI, 12, year=2030)} == {2025}  # 到2025年末


def test_deadline_after_a_figure_does_not_reach_back() -> None:
    # Changji 60 (annex 1): 光纤覆盖率达98%, …, 到2025年, 实现…5G网络基本覆盖
    found, _ = find_targets(
        "全州行政村光纤覆盖率达98%,到2025年,实现5G网络基本覆盖。", 60, year=2024
    )
    assert rows(found) == [(60, "全州行政村光纤覆盖率", ">=", 98, "%", None, 2024, "target")]


def test_status_flag_marks_every_figure_as_status() -> None:
    assert {t.kind for t in text_targets(CHONGQING, 6, status=True)} == {"status"}
    assert {t.kind for t in text_targets(CHONGQING, 6)} == {"target"}


def test_review_markers_make_status_without_the_flag() -> None:
    # Chongqing 5: `2016年以来,城乡低保标准…` is a review on its own; `全市累计支出…300.55亿元`
    # is not (累计 also opens cumulative commitments: 累计建设5G基站4600个): the review flag of
    # its paragraph makes it status in a document. `集中供养…提高到1456元/月` has no marker.
    kinds = [t.kind for t in text_targets(CHONGQING, 5)]
    assert kinds[:6] == ["status"] * 6
    assert kinds[6:11] == ["target"] * 5


def test_cumulative_figure_is_a_commitment() -> None:
    found, _ = find_targets("新增5G基站1000座,累计建设5G基站4600个。", 109)
    assert [(t.indicator, t.value, t.unit, t.kind) for t in found] == [
        ("新增5G基站", 1000, "座", "target"),
        ("累计建设5G基站", 4600, "个", "target"),
    ]


def test_already_reached_is_status() -> None:
    found, _ = find_targets("每年分级进行轮训,已达100%", 77)
    assert [(t.kind, t.value) for t in found] == [("status", 100)]


def test_a_deadline_after_a_review_marker_starts_the_commitments() -> None:
    found, _ = find_targets("截至2022年底,全市示范社区50个;到2025年,示范社区达到100个。", 1)
    assert [(t.value, t.kind, t.year) for t in found] == [
        (50, "status", 2022),  # the year a status figure refers to
        (100, "target", 2025),
    ]


def test_baselines_pair_in_order_after_from() -> None:
    found = text_targets(CHONGQING, 5, status=True)
    pairs = [(t.value, t.baseline.value) for t in found if t.baseline is not None]
    assert pairs == [(620, 460), (496, 300), (806, 600), (1456, 1000), (1256, 600)]


def test_baseline_numbers_are_not_targets_themselves() -> None:
    found, _ = find_targets("特困人员供养标准从每人每月600元提高到806元", 1)
    assert [(t.value, t.comparator, t.per, t.baseline.value) for t in found] == [
        (806, ">=", "每人每月", 600)
    ]


def test_a_baseline_takes_the_year_written_before_it() -> None:
    found, _ = find_targets("养老床位总数由2020年的2.5万张增加到3.5万张", 1)
    assert [(t.value, t.unit, t.baseline.value, t.baseline.year) for t in found] == [
        (35000.0, "张", 25000.0, 2020)
    ]
    found, _ = find_targets("特困人员供养标准从每人每月600元提高到806元", 1)
    assert found[0].baseline.year is None


def test_range_gives_value_and_value_max() -> None:
    found, _ = find_targets("偏远地区比例控制在5~6%", 1)
    assert [(t.comparator, t.value, t.value_max, t.unit) for t in found] == [("<=", 5, 6, "%")]


def test_text_and_source_of_a_text_target() -> None:
    target = text_targets(CHONGQING, 98)[1]
    assert (target.text, target.source, target.line) == (
        "全市实名认证志愿者占常住人口比例达到22%",
        "text",
        98,
    )


def test_text_keeps_the_unit_as_written() -> None:
    target = text_targets(CHANGJI, 12)[2]  # 达到每百户30平米以上
    assert (target.unit, target.text) == ("平方米", "社区综合服务设施面积达到每百户30平米以上")


def test_section_path_is_copied() -> None:
    found, _ = find_targets("覆盖率达到100%", 3, section_path=["二、主要任务", "(一)完善"])
    assert found[0].section_path == ["二、主要任务", "(一)完善"]


# --- comparators, units, names ----------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "comparator"),
    [
        ("覆盖率达100%", ">="),
        ("覆盖率达到100%", ">="),
        ("标准提高到620元", ">="),
        ("覆盖率实现100%", ">="),
        ("比例不低于10%", ">="),
        ("人员不少于18人", ">="),
        ("面积不小于300平方米", ">="),
        ("覆盖率达80%以上", ">="),
        ("组织300家以上", ">="),
        ("面积≥30平方米", ">="),
        ("面积≧30平方米", ">="),
        ("社区工作者大于25人", ">"),
        ("捐赠超过800万元", ">"),
        ("比例高于60%", ">"),
        ("比例不高于20%", "<="),
        ("时间不超过30分钟", "<="),
        ("床位降低到50%以下", "<="),
        ("误差控制在5%以内", "<="),
        ("比例低于5%", "<"),
        ("人数少于10人", "<"),
        ("建设3个左右实验区", "~"),
        ("床位约23万张", "~"),
        ("力争完成5所左右", "~"),
        ("保障率保持100%", "="),
        ("培训覆盖率100%", "="),
        ("完成5条界线", "="),
    ],
)
def test_comparator_words(phrase: str, comparator: str) -> None:
    found, _ = find_targets(phrase, 1)
    assert [t.comparator for t in found] == [comparator]


@pytest.mark.parametrize(
    ("phrase", "value", "unit"),
    [
        ("社会工作专业人才达到8万人", 8, "万人"),  # the unit is 万人
        ("销售网点达到1万家以上", 10000, "家"),  # 万 is a multiplier
        ("全市登记社会组织达1.8万家", 18000, "家"),
        ("筹集彩票公益金48亿元", 48, "亿元"),
        ("面积达到每百户30平米以上", 30, "平方米"),
        ("面积不低于30㎡", 30, "平方米"),
        ("面积不低于３０平方米", 30, "平方米"),  # full-width digits
        ("工作者不少于十八人", 18, "人"),  # Chinese numerals next to a comparator
        ("覆盖率达到百分之八十", 80, "%"),
        ("建设村(社区)社会工作室150 个", 150, "个"),  # Shaoyang 68, stray space
        ("新建村级公益性公墓,设计墓穴1000穴", 1000, "穴"),  # burial plots are counted in 穴
    ],
)
def test_values_and_units(phrase: str, value: float, unit: str) -> None:
    found, _ = find_targets(phrase, 1)
    assert [(t.value, t.unit) for t in found] == [(value, unit)]


@pytest.mark.parametrize(
    "phrase",
    [
        "打造城市社区15分钟生活圈",
        "打造城市社区一刻钟便民生活圈",
        "实现社区15分钟健身圈全覆盖",
        "农村社区“30分钟生活服务圈”",
        "推行“365天服务不打烊”",
        "群众关切项目应开展24小时线上服务",
        "“十四五”城乡社区服务体系建设规划",
        "实现重点行政村5G网络基本覆盖",
        "依法选优配强村(社区)“两委”班子成员",
        "建立“三项清单”工作制度",
        "完善党组织四级联动体系",
        "自治州第十六届人民政府第17次常务会议",
        "规划期为2021—2025年,展望至2035年",
        "2023年5月6日",
        "(新政办发〔2022〕34号)",
        "邵市政办发〔202315号",
        "1.健全党建引领机制",
        "深入开展“八五”普法",
        "力争全省城市社区达到“三星”以上标准",
        "将特困供养的未成年人年龄从16周岁延长至18周岁",
        "建立服务需求、服务资源、服务项目三张清单",
        "打通服务群众的最后一公里",
        "残疾人关爱服务达到一个新水平",
        "给予6个月渐退期",
    ],
)
def test_names_dates_and_ordinals_are_not_targets(phrase: str) -> None:
    assert find_targets(phrase, 1)[0] == []


def test_an_age_a_plan_raises_is_a_target_and_an_age_limit_is_not() -> None:
    found = find_targets("到2025年,人均预期寿命达到79岁,60周岁以上老年人健康管理率达到70%", 3)[0]
    assert [(t.indicator, t.comparator, t.value, t.unit, t.per) for t in found] == [
        ("人均预期寿命", ">=", 79.0, "岁", "人均"),
        ("60周岁以上老年人健康管理率", ">=", 70.0, "%", None),
    ]
    assert find_targets("人均预期寿命提高到78.5岁", 3)[0][0].value == 78.5


def test_environment_energy_and_harvest_measures_are_units() -> None:
    text = (
        "用水总量控制在30亿立方米以内,细颗粒物(PM2.5)平均浓度控制在35微克/立方米以下,"
        "粮食产量稳定在600亿斤以上,能源消费总量控制在1.5亿吨标准煤以内"
    )
    found, diagnostics = find_targets(text, 5)
    assert [(t.indicator, t.comparator, t.value, t.unit) for t in found] == [
        ("用水总量", "<=", 30.0, "亿立方米"),
        ("细颗粒物(PM2.5)平均浓度", "<=", 35.0, "微克/立方米"),
        ("粮食产量", ">=", 600.0, "亿斤"),
        ("能源消费总量", "<=", 1.5, "亿吨标准煤"),
    ]
    assert diagnostics == []


def test_chongqing_table_row_is_not_read_as_text_twice() -> None:
    # find_targets is for running text; a clause without a unit yields nothing, not a guess
    assert find_targets("特困人员基本生活标准按照不低于城市低保标准的1.3倍进行调整", 44)[0] == []


def test_unknown_unit_after_a_comparator_is_reported() -> None:
    found, diagnostics = find_targets("人均收入达到3.5倍", 9)
    assert found == []
    assert [(d.code, d.level, d.line) for d in diagnostics] == [("target-unparsed", "info", 9)]


def test_each_of_several_indicators_gets_the_figure() -> None:
    found = text_targets(CHONGQING, 42)
    assert [(t.indicator, t.value) for t in found] == [
        ("有意愿的失能特困人员集中供养率", 100),
        ("分散供养失能特困人员委托照料服务协议签订率", 100),
    ]


# --- parse_number -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.8万", 18000),
        ("20多万", 200000),
        ("3亿", 300000000),
        ("８５", 85),
        ("0.1", 0.1),
        ("1,000", 1000),
        ("二十", 20),
        ("十八", 18),
        ("一百五十", 150),
        ("一百零五", 105),
        ("一百五", 150),
        ("两千三百", 2300),
        ("一万二", 12000),
        ("一万零十", 10010),
        ("三千零五十", 3050),
        ("一亿二千万", 120000000),
        ("三点五", 3.5),
        ("二〇三五", 2035),
        ("百分之八十", 80),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text", ["", "abc", "十百", "万人", "1.2.3", "9" * 400, "一零十", "三点十"]
)
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


# --- tables ------------------------------------------------------------------------


def table_from_sample(
    path: Path, header: list[str], first: int, last: int, table_id: str = "t1"
) -> Table:
    """Rows as segment delivers them: split on |, a missing leading group cell inherited.

    Only the leading columns matter to table_targets here; the three 年度分解目标 cells of
    Changji's annex 2 are not read, so their colspan repair is not imitated.
    """
    lines = sample_lines(path)
    body: list[list[str]] = []
    for number in range(first, last + 1):
        cells = [cell.strip() for cell in lines[number].split("|")]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) == len(header) - 1 and body:
            cells = [body[-1][0], *cells]
        body.append((cells + [""] * len(header))[: len(header)])
    return Table(
        id=table_id,
        header=header,
        rows=body,
        line=first,
        row_lines=list(range(first, last + 1)),
        section_path=["专栏1"],
    )


CHONGQING_HEADER = ["序号", "主要指标", "单位", "2020年", "2025年", "指标属性"]
CHONGQING_TABLE = [  # lines 24-39; (line, indicator, comparator, value, unit, per, baseline)
    (25, "农村低保标准占城市低保标准比例", ">=", 85, "%", None, (80, 2020), "预期性"),
    (26, "困难残疾人生活补贴覆盖率", "=", 100, "%", None, (100, 2020), "约束性"),
    (27, "重度残疾人护理补贴覆盖率", "=", 100, "%", None, (100, 2020), "约束性"),
    (28, "福利彩票销售网点数", ">=", 10000, "个", None, (5000, 2020), "预期性"),
    (29, "每百户居民拥有的城乡社区综合服务设施面积", ">=", 30, "平方米", "每百户", None, "预期性"),
    (30, "社会工作专业人才数", ">=", 8, "万人", None, (6.3, 2020), "预期性"),
    (31, "慈善组织接受社会捐赠总额", ">=", 90, "亿元", None, (75.8, 2020), "预期性"),
    (32, "志愿服务站点在社区综合服务设施中的覆盖率", ">=", 80, "%", None, (40, 2020), "预期性"),
    (33, "婚姻登记“跨省通办”实施率", "=", 100, "%", None, None, "约束性"),
    (34, "乡镇(街道)未成年人保护工作站覆盖率", "=", 100, "%", None, None, "预期性"),
    (35, "查明身份信息流浪乞讨受助人员接送返回率", "=", 100, "%", None, None, "约束性"),
    (36, "区县级城乡公益性安葬(放)设施覆盖率", "=", 100, "%", None, (41, 2020), "预期性"),
    (37, "养老机构护理型床位占比", ">=", 60, "%", None, (32.3, 2020), "约束性"),
    (38, "养老机构服务基本质量达标率", "=", 100, "%", None, (65, 2020), "预期性"),
    (39, "乡镇(街道)具备综合功能的养老服务机构覆盖率", ">=", 90, "%", None, (58, 2020), "预期性"),
]


def table_rows(found: list[Target]) -> list[tuple]:
    return [
        (
            t.line,
            t.indicator,
            t.comparator,
            t.value,
            t.unit,
            t.per,
            (t.baseline.value, t.baseline.year) if t.baseline else None,
            t.attribute,
        )
        for t in found
    ]


def test_chongqing_indicator_table() -> None:
    table = table_from_sample(CHONGQING, CHONGQING_HEADER, 24, 39)
    found, diagnostics = table_targets(table)
    assert table_rows(found) == CHONGQING_TABLE
    assert {(t.kind, t.year, t.source) for t in found} == {("target", 2025, "table")}
    assert found[0].text == "2 | 农村低保标准占城市低保标准比例 | % | 80 | ≥85 | 预期性"
    assert found[0].section_path == ["专栏1"]
    # row 1 (line 24): 不低于上年度城镇居民人均消费支出增速 states no figure
    assert [(d.code, d.level, d.line) for d in diagnostics] == [("target-unparsed", "warning", 24)]


CHANGJI_HEADER = [
    "指标名称",
    "自治区2025年目标值",
    "属性",
    "昌吉州 指标现状",
    "年度分解目标/2023年",
    "年度分解目标/2024年",
    "年度分解目标/2025年",
    "责任单位",
    "备注",
]
CHANGJI_TABLE_TARGETS = [  # lines 70-79, target column `自治区2025年目标值`, baseline 现状
    (70, "城乡社区综合服务设施覆盖率", "=", 100, "%", None, (100, None), "预期性"),
    (
        71,
        "新建社区商业和综合服务设施面积占社区总建筑面积比",
        ">=",
        10,
        "%",
        None,
        (None, None),
        "预期性",
    ),
    (72, "每百户居民拥有社区综合服务设施面积", ">=", 30, "平方米", "每百户", (149, None), "预期性"),
    (
        73,
        "居民活动区域面积占社区综合服务设施总建筑面积比例",
        ">=",
        60,
        "%",
        None,
        (65, None),
        "预期性",
    ),
    (74, "城市社区政务通用自助服务覆盖率", "=", 100, "%", None, (1, None), "预期性"),
    (75, "每万城镇常住人口拥有社区工作者", ">", 25, "人", "每万城镇常住人口", (37, None), "预期性"),
    (76, "社会工作专业人才总数", "=", 600, "人", None, (419, None), "预期性"),
    (77, "城乡社区工作者素质提升培训覆盖率", "=", 100, "%", None, (100, None), "预期性"),
    (78, "城市社区日间照料机构覆盖率", ">=", 90, "%", None, (85, None), "预期性"),
    # 79: one cell states two figures, each named in the cell; 现状 cell has none
    (79, "养老服务人均用地", ">=", 0.1, "平方米", "人均", None, "预期性"),
    (79, "婴幼儿照护服务设施", ">=", 300, "平方米", None, None, "预期性"),
]
CHANGJI_TABLE_STATUS = [  # the 现状 column
    (70, 100, None, "%"),
    (71, 5, 6, "%"),  # 偏远5~6%
    (71, 7, 8, "%"),  # 繁华7~8%
    (72, 149, None, "平方米"),
    (73, 65, None, "%"),
    (74, 1, None, "%"),
    (75, 37, None, "人"),
    (76, 419, None, "人"),
    (77, 100, None, "%"),
    (78, 85, None, "%"),
]


def test_changji_indicator_table() -> None:
    found, diagnostics = table_targets(table_from_sample(CHANGJI, CHANGJI_HEADER, 70, 79))
    goals = [t for t in found if t.kind == "target"]
    status = [t for t in found if t.kind == "status"]
    assert table_rows(goals) == CHANGJI_TABLE_TARGETS
    assert {t.year for t in goals} == {2025}
    assert [(t.line, t.value, t.value_max, t.unit) for t in status] == CHANGJI_TABLE_STATUS
    assert {(t.year, t.attribute) for t in status} == {(None, None)}
    assert goals[1].baseline.text == "偏远5~6%繁华7~8%"  # two levels: kept as text
    assert diagnostics == []


def test_changji_task_table_cells_are_read_as_text() -> None:
    header = ["重点项目", "序号", "工作任务", "工作要求", "责任单位"]
    found, _ = table_targets(table_from_sample(CHANGJI, header, 40, 65))
    assert [
        (t.line, t.indicator, t.comparator, t.value, t.unit, t.per, t.source) for t in found
    ] == [
        (44, "人均用地的社区养老服务", ">=", 0.1, "平方米", "人均", "table"),
        (44, "婴幼儿照护服务设施配套标准", ">=", 300, "平方米", None, "table"),
        (44, "特殊困难老年人月探访率", ">=", 100, "%", None, "table"),
        (60, "全州行政村光纤覆盖率", ">=", 98, "%", None, "table"),
    ]


def test_a_unit_in_brackets_after_the_indicator_stands_for_a_unit_column() -> None:
    table = Table(
        id="t",
        header=["类别", "指标名称", "2020年基数", "2025年目标", "指标属性"],
        rows=[
            ["社会救助", "城乡低保标准年均增长(%)", "—", "5", "预期性"],
            ["养老服务", "养老机构护理型床位占比（%）", "45", "≥55", "约束性"],
            ["", "每千名老年人拥有养老床位数(张)", "30", "35", "预期性"],
            ["儿童福利", "孤儿基本生活保障标准(元/人·月)", "1200", "1500", "预期性"],
            ["", "社区覆盖率(含农村)", "80", "90", "预期性"],  # no unit in the bracket
        ],
        line=3,
    )
    found, diagnostics = table_targets(table)
    rows = [
        (t.indicator, t.comparator, t.value, t.unit, t.year) for t in found if t.kind == "target"
    ]
    assert rows == [
        ("城乡低保标准年均增长", "=", 5.0, "%", 2025),
        ("养老机构护理型床位占比", ">=", 55.0, "%", 2025),
        ("每千名老年人拥有养老床位数", "=", 35.0, "张", 2025),
        ("孤儿基本生活保障标准", "=", 1500.0, "元", 2025),
    ]
    assert [(d.code, d.message.split("'")[1]) for d in diagnostics] == [
        ("target-unparsed", "社区覆盖率(含农村)")
    ]


def test_table_without_target_column_yields_nothing() -> None:
    table = Table(id="t", header=["指标名称", "责任单位"], rows=[["覆盖率", "民政局"]], line=1)
    assert table_targets(table) == ([], [])


# --- rules are data -----------------------------------------------------------------


def test_an_analyst_can_add_a_unit_without_code(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "measures.yaml").write_text("units: [棵]\n", encoding="utf-8")
    monkeypatch.setenv(rules.ENV_VAR, str(tmp_path))
    rules.load.cache_clear()
    targets.compiled.cache_clear()
    try:
        found, _ = find_targets("植树不少于500棵", 1)
        assert [(t.value, t.unit, t.comparator) for t in found] == [(500, "棵", ">=")]
    finally:
        monkeypatch.delenv(rules.ENV_VAR)
        rules.load.cache_clear()
        targets.compiled.cache_clear()
    assert find_targets("植树不少于500棵", 1)[0] == []


# --- never crash ----------------------------------------------------------------------

PLAN_ALPHABET = st.sampled_from(
    list("0123456789.%~-—,;:、。“”()|!? 万亿千百十一二两三五八零")
    + list("达到不低于少以上下左右约每百户人均天年")
    + list("元人个家所平方米㎡小时分钟从提高至均和及全第届号〔〕月日G多余")
    + [
        "十四五",
        "十三五期间",
        "到2025年底",
        "笆奈濉逼陂g",
        "每万名城镇常住人口",
        "翻一番",
        "百分之",
    ]
)
PLAN_TEXT = st.lists(PLAN_ALPHABET, max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=80), PLAN_TEXT), year=st.none() | st.integers(1900, 2100))
def test_find_targets_never_raises(text: str, year: int | None) -> None:
    found, diagnostics = find_targets(text, 7, year=year, status=False)
    for target in found:
        assert math.isfinite(target.value)
        assert target.line == 7
        assert target.indicator
    assert all(d.line == 7 for d in diagnostics)


@settings(max_examples=150, deadline=None)
@given(
    header=st.lists(
        st.one_of(
            st.sampled_from(
                ["指标名称", "2020年", "2025年", "单位", "现状", "目标值", "属性", "工作要求"]
            ),
            st.text(max_size=6),
        ),
        max_size=6,
    ),
    cells=st.lists(st.lists(st.one_of(PLAN_TEXT, st.text(max_size=10)), max_size=7), max_size=4),
)
def test_table_targets_never_raises(header: list[str], cells: list[list[str]]) -> None:
    table = Table(id="t", header=header, rows=cells, line=3)
    found, diagnostics = table_targets(table)
    assert all(t.source == "table" and math.isfinite(t.value) for t in found)
    assert all(d.code == "target-unparsed" for d in diagnostics)


@settings(max_examples=150, deadline=None)
@given(text=st.one_of(st.text(max_size=20), PLAN_TEXT))
def test_parse_number_returns_a_finite_number_or_none(text: str) -> None:
    value = parse_number(text)
    assert value is None or math.isfinite(value)
