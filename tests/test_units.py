"""Responsible units: the clause at the end of an item, its units, roles and canonical names.

Expected values were read off the samples by hand; each case cites the original
line number of the sample (1-based, as in the contract's `line`).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli import rules
from plancli.stages import units
from plancli.stages.normalize import normalize
from plancli.stages.read import decode
from plancli.stages.units import canonical_unit, parse_units, split_unit_clause


@cache
def sample_lines(path: Path) -> dict[int, str]:
    normalized = normalize(decode(path.read_bytes()).text)
    return {line.line: line.text for line in normalized.lines}


def clause_of(path: Path, line: int) -> str:
    clause = split_unit_clause(sample_lines(path)[line])[1]
    assert clause is not None, f"{path.name}:{line} has no unit clause"
    return clause


def read(clause: str) -> list[tuple[str, str]]:
    refs, diagnostics = parse_units(clause)
    assert [d for d in diagnostics if d.code != "unit-repaired"] == [], clause
    return [(ref.name, ref.role) for ref in refs]


def resp(*names: str) -> list[tuple[str, str]]:
    return [(name, "responsible") for name in names]


def lead(name: str, *support: str) -> list[tuple[str, str]]:
    return [(name, "lead"), *((s, "support") for s in support)]


# --- Changji: items 1-11 (lines 15-29) and annex-1 cells ------------------------------

CHANGJI_ITEMS = {
    15: resp("州党委组织部", "州民政局", "州住建局", "州团委", "州妇联", "各县市人民政府"),
    16: resp(
        "州党委组织部",
        "州党委宣传部",
        "州民政局",
        "州住建局",
        "州发展改革委",
        "州财政局",
        "州文旅局",
        "州团委",
        "州妇联",
        "各县市人民政府",
    ),
    18: resp(
        "州民政局",
        "州发展改革委",
        "州卫健委",
        "州人社局",
        "州教育局",
        "州财政局",
        "州农业农村局",
        "州文旅局",
        "州科技局",
        "州退役军人事务局",
        "州科协",
        "州供销社",
        "州残联",
        "州妇联",
        "各县市人民政府",
    ),
    19: resp(
        "州发展改革委",
        "州住建局",
        "州民政局",
        "州农业农村局",
        "州商务局",
        "州供销社",
        "州邮政管理局",
        "各县市人民政府",
    ),
    20: resp(
        "州党委政法委",
        "州党委统战部",
        "州公安局",
        "州民政局",
        "州司法局",
        "州信访局",
        "州应急管理局",
        "州文旅局",
        "州卫健委",
        "州生态环境局",
        "州消防救援支队",
        "州团委",
        "州妇联",
        "各县市人民政府",
    ),
    22: resp(
        "州党委组织部",
        "州住建局",
        "州自然资源局",
        "州民政局",
        "州发展改革委",
        "州财政局",
        "州卫健委",
        "州邮政管理局",
        "州残联",
        "各县市人民政府",
    ),
    23: resp("州党委组织部", "州民政局", "州财政局", "州政资局", "各县市人民政府"),
    25: resp(
        "州党委网信办",
        "州公安局",
        "州民政局",
        "州自然资源局",
        "州住建局",
        "州工信局",
        "州政资局",
        "州残联",
        "各县市人民政府",
    ),
    26: resp(
        "州党委网信办",
        "州公安局",
        "州民政局",
        "州自然资源局",
        "州工信局",
        "州政资局",
        "州邮政管理局",
        "各县市人民政府",
    ),
    28: resp(
        "州党委组织部",
        "州民政局",
        "州文旅局",
        "州人社局",
        "州科技局",
        "州退役军人事务局",
        "州团委",
        "州妇联",
        "各县市人民政府",
    ),
    29: resp(
        "州党委组织部",
        "州党委统战部",
        "州民政局",
        "州人社局",
        "州农业农村局",
        "州科技局",
        "州退役军人事务局",
        "州团委",
        "州妇联",
        "各县市人民政府",
    ),
}


@pytest.mark.parametrize("line", sorted(CHANGJI_ITEMS))
def test_changji_item_units(line: int) -> None:
    assert read(clause_of(CHANGJI, line)) == CHANGJI_ITEMS[line]


def test_changji_first_clause_is_cut_exactly() -> None:
    text = sample_lines(CHANGJI)[15]
    rest, clause, offset = split_unit_clause(text)
    assert clause == "州党委组织部,州民政局、住建局,州团委、妇联,各县市人民政府等按职责分工负责"
    assert offset is not None and text[offset] == "("
    assert rest == text[:offset]
    assert rest.endswith("积极组织引导社会组织参与社区服务工作。")


def test_changji_shared_prefix_restored_and_raw_kept() -> None:
    refs = parse_units(clause_of(CHANGJI, 16))[0]
    assert [(r.raw, r.name) for r in refs[:4]] == [
        ("州党委组织部", "州党委组织部"),
        ("宣传部", "州党委宣传部"),  # party department: party prefix 州党委
        ("州民政局", "州民政局"),
        ("住建局", "州住建局"),  # government body: plain level 州
    ]


# Annex 1 (lines 40-65): the 责任单位 column holds a clause without brackets.
CHANGJI_CELLS = {
    40: ("州民政局,各县市人民政府等按职责分工负责", resp("州民政局", "各县市人民政府")),
    41: (
        "州党委宣传部,州民政局,各县市人民政府等按职责分工负责",
        resp("州党委宣传部", "州民政局", "各县市人民政府"),
    ),
    45: (
        "州民政局、卫健委,州团委、妇联,各县市人民政府等按职责分工负责",
        resp("州民政局", "州卫健委", "州团委", "州妇联", "各县市人民政府"),
    ),
    50: (
        "州党委宣传部、州文广局,各县市人民政府等按职责分工负责",
        resp("州党委宣传部", "州文广局", "各县市人民政府"),
    ),
    58: (
        "州民政局、州党委组织部、州乡村振兴局、农业农村局、住建局、应急管理局,"
        "各县市人民政府等按职责分工负责",
        resp(
            "州民政局",
            "州党委组织部",
            "州乡村振兴局",
            "州农业农村局",
            "州住建局",
            "州应急管理局",
            "各县市人民政府",
        ),
    ),
    61: (
        "州民政局、州党委组织部、党委网信办、州政资局、住建局、州邮政管理局,"
        "各县市人民政府等按职责分工负责",
        resp(
            "州民政局",
            "州党委组织部",
            "州党委网信办",
            "州政资局",
            "州住建局",
            "州邮政管理局",
            "各县市人民政府",
        ),
    ),
    64: (
        "州民政局,州党委宣传部,各县市人民政府等按职责分工负责",
        resp("州民政局", "州党委宣传部", "各县市人民政府"),
    ),
}


@pytest.mark.parametrize("line", sorted(CHANGJI_CELLS))
def test_changji_annex_cells(line: int) -> None:
    cells = [cell.strip() for cell in sample_lines(CHANGJI)[line].split("|")]
    cell, expected = CHANGJI_CELLS[line]
    assert cell in cells
    assert read(cell) == expected


def test_annex2_cell_without_prefix_takes_the_callers_prefix() -> None:
    # line 70: the 责任单位 column of annex 2 says just 民政局
    assert "民政局" in [c.strip() for c in sample_lines(CHANGJI)[70].split("|")]
    assert read("民政局") == resp("民政局")
    assert canonical_unit("民政局", "州") == "州民政局"


def test_changji_in_text_lead_sentence_is_not_a_clause() -> None:
    # line 34 ends with 由州民政局、发展改革委牵头,会同有关部门…报告。 — a sentence, not a clause
    text = sample_lines(CHANGJI)[34]
    assert "牵头" in text
    assert split_unit_clause(text) == (text, None, None)


# --- Jimsar: items 1-11 ------------------------------------------------------------------

JIMSAR_ITEMS = {
    11: resp("县委组织部", "县民政局", "县住建局", "县团委", "县妇联", "各乡镇人民政府"),
    12: resp(
        "县委组织部",
        "县委宣传部",
        "县民政局",
        "县住建局",
        "县发展改革委",
        "县财政局",
        "县文旅局",
        "县团委",
        "县妇联",
        "各乡镇人民政府",
    ),
    14: resp(
        "县民政局",
        "县发展改革委",
        "县卫健委",
        "县人社局",
        "县教育局",
        "县财政局",
        "县农业农村局",
        "县文旅局",
        "县退役军人事务局",
        "县科协",
        "县供销社",
        "县残联",
        "县妇联",
        "各乡镇人民政府",
    ),
    15: resp(
        "县发展改革委",
        "县住建局",
        "县民政局",
        "县农业农村局",
        "县商务局",
        "县供销社",
        "县邮政管理局",
        "各乡镇人民政府",
    ),
    16: resp(
        "县委政法委",
        "县委统战部",
        "县公安局",
        "县民政局",
        "县司法局",
        "县信访局",
        "县应急管理局",
        "县文旅局",
        "县卫健委",
        "县生态环境局",
        "县消防救援大队",
        "县团委",
        "县妇联",
        "各乡镇人民政府",
    ),
    18: resp(
        "县委组织部",
        "县住建局",
        "县自然资源局",
        "县民政局",
        "县发展改革委",
        "县财政局",
        "县卫健委",
        "县邮政管理局",
        "县残联",
        "各乡镇人民政府",
    ),
    19: resp("县委组织部", "县民政局", "县财政局", "县政资局", "各乡镇人民政府"),
    21: resp(
        "县委网信办",
        "县公安局",
        "县民政局",
        "县自然资源局",
        "县住建局",
        "县工信局",
        "县政资局",
        "县残联",
        "各乡镇人民政府",
    ),
    22: resp(
        "县委网信办",
        "县公安局",
        "县民政局",
        "县自然资源局",
        "县工信局",
        "县政资局",
        "县邮政管理局",
        "各乡镇人民政府",
    ),
    24: resp(
        "县委组织部",
        "县民政局",
        "县文旅局",
        "县人社局",
        "县科技局",
        "县退役军人事务局",
        "县团委",
        "县妇联",
        "各乡镇人民政府",
    ),
    25: resp(
        "县委组织部",
        "县委统战部",
        "县民政局",
        "县人社局",
        "县农业农村局",
        "县科技局",
        "县退役军人事务局",
        "县团委",
        "县妇联",
        "各乡镇人民政府",
    ),
}


@pytest.mark.parametrize("line", sorted(JIMSAR_ITEMS))
def test_jimsar_item_units(line: int) -> None:
    assert read(clause_of(JIMSAR, line)) == JIMSAR_ITEMS[line]


def test_jimsar_variants_fold_but_raw_is_as_written() -> None:
    raws = {r.name: r.raw for r in parse_units(clause_of(JIMSAR, 12))[0]}
    assert raws["县发展改革委"] == "发展和改革委员会"  # line 12 spells it out
    raws = {r.name: r.raw for r in parse_units(clause_of(JIMSAR, 25))[0]}
    assert raws["县委统战部"] == "统战都"  # line 25 typo: one character off a known name
    raws = {r.name: r.raw for r in parse_units(clause_of(JIMSAR, 16))[0]}
    assert raws["县委政法委"] == "县政法委"  # party body: 县 becomes the party prefix 县委


def test_jimsar_stray_space_inside_clause() -> None:
    # the raw line 15 has `县发展改革委、 住建局` (normalize may or may not fold the space)
    clause = "(县发展改革委、 住建局、民政局、农业农村局、商务局、供销社,县邮政管理局"
    assert clause in JIMSAR.read_text(encoding="utf-8").split("\n")[14]
    refs = parse_units(clause + "、各乡镇人民政府等按职责分工负责)")[0]
    assert [(r.name, r.raw) for r in refs[:2]] == [
        ("县发展改革委", "县发展改革委"),
        ("县住建局", "住建局"),
    ]


# --- Jiangxi: items 1-18 -----------------------------------------------------------------

JIANGXI_ITEMS = {
    15: resp("省委组织部", "省民政厅", "省住房城乡建设厅", "省农业农村厅"),
    16: resp("省民政厅"),
    17: resp("省委组织部", "省委政法委", "省民政厅"),
    18: resp("省民政厅", "省住房城乡建设厅", "省农业农村厅"),
    20: resp("省发展改革委", "省民政厅", "省住房城乡建设厅", "省卫生健康委", "省残联"),
    21: resp(
        "省发展改革委",
        "省教育厅",
        "省民政厅",
        "省住房城乡建设厅",
        "省文化和旅游厅",
        "省卫生健康委",
        "省体育局",
        "省乡村振兴局",
    ),
    22: resp("省发展改革委", "省教育厅", "省民政厅", "省商务厅", "省供销联社"),
    23: resp(
        "省委政法委",
        "省公安厅",
        "省司法厅",
        "省住房城乡建设厅",
        "省卫生健康委",
        "省应急厅",
    ),
    24: resp("省委组织部", "省民政厅", "省住房城乡建设厅"),
    26: resp(
        "省发展改革委",
        "省民政厅",
        "省自然资源厅",
        "省住房城乡建设厅",
        "省农业农村厅",
        "省乡村振兴局",
    ),
    27: resp("省委组织部", "省民政厅", "省自然资源厅"),
    28: resp("省委政法委", "省政务服务办", "省发展改革委", "省民政厅", "省住房城乡建设厅"),
    30: resp("省委组织部", "省政务服务办", "省民政厅"),
    31: resp("省政务服务办", "省民政厅"),
    32: resp("省委宣传部", "省民政厅"),
    33: resp("省民政厅", "省财政厅"),
    35: resp(
        "省委组织部",
        "省委宣传部",
        "省教育厅",
        "省民政厅",
        "省财政厅",
        "省人力资源社会保障厅",
    ),
    36: resp("省委组织部", "省委宣传部", "省委政法委", "省民政厅", "省司法厅", "省卫生健康委"),
}


@pytest.mark.parametrize("line", sorted(JIANGXI_ITEMS))
def test_jiangxi_item_units(line: int) -> None:
    assert read(clause_of(JIANGXI, line)) == JIANGXI_ITEMS[line]


def test_jiangxi_note_after_the_full_stop_is_not_units() -> None:
    clause = clause_of(JIANGXI, 15)
    assert clause.startswith("责任单位:省委组织部")
    assert clause.endswith("各市、县〔区〕人民政府落实,下同")
    names = [r.name for r in parse_units(clause)[0]]
    assert not any(word in name for name in names for word in ("排序", "下同", "人民政府"))


# --- Shaoyang: every clause, lines 58-168 ----------------------------------------------

SHAOYANG_CLAUSES = {
    58: lead("市委组织部", "市民政局", "市住建局", "市农业农村局", "市总工会", "市团委", "市妇联"),
    60: lead(
        "市民政局",
        "市委组织部",
        "市委宣传部",
        "市发展改革委",
        "市商务局",
        "市国资委",
        "市总工会",
        "市团委",
        "市妇联",
    ),
    64: resp("市民政局"),
    66: resp("市委宣传部", "市民政局"),
    68: resp("市民政局"),
    70: resp("市民政局"),
    74: lead(
        "市住建局",
        "市民政局",
        "市委组织部",
        "市发展改革委",
        "市国资委",
        "市机关事务管理局",
        "市商务局",
        "市乡村振兴局",
    ),
    76: lead(
        "市民政局",
        "市委组织部",
        "市自然资源和规划局",
        "市卫健委",
        "市残联",
        "市城管执法局",
        "市商务局",
    ),
    80: resp("市民政局", "市住建局"),
    84: lead(
        "市民政局",
        "市委组织部",
        "市住建局",
        "市妇联",
        "市委政法委",
        "市总工会",
        "市司法局",
        "市人社局",
    ),
    86: lead("市委组织部", "市民政局", "市人社局"),
    88: lead("市委组织部", "市民政局", "市财政局", "市民宗局", "市人社局"),
    92: resp("市委组织部", "市民政局"),
    94: resp("市委宣传部", "市民政局"),
    96: resp("市民政局"),
    100: lead(
        "市行政审批服务局",
        "市委组织部",
        "市民政局",
        "市委网信办",
        "市发展改革委",
        "市工信局",
        "市委政法委",
    ),
    102: lead(
        "市民政局",
        "市委网信办",
        "市发展改革委",
        "市工信局",
        "市卫健委",
        "市公安局",
        "市商务局",
        "市住建局",
    ),
    106: resp("市行政审批服务局", "市委政法委", "市工信局", "市通信发展管理办公室"),
    108: resp(
        "市民政局",
        "市委政法委",
        "市委网信办",
        "市发展改革委",
        "市工信局",
        "市公安局",
        "市财政局",
        "市住建局",
    ),
    110: resp("市发展改革委", "市商务局"),
    114: lead(
        "市民政局",
        "市行政审批服务局",
        "市发展改革委",
        "市卫健委",
        "市国资委",
        "市人社局",
        "市教育局",
        "市文化旅游广电体育局",
        "市科技局",
        "市科协",
    ),
    116: lead("市商务局", "市发展改革委", "市住建局", "市民政局", "市供销合作总社"),
    118: lead(
        "市委政法委",
        "市公安局",
        "市民政局",
        "市司法局",
        "市中级人民法院",
        "市人民检察院",
        "市信访局",
        "市妇联",
        "市残联",
        "市民宗局",
        "市卫健委",
        "市人社局",
    ),
    120: lead(
        "市应急管理局",
        "市民政局",
        "市公安局",
        "市交通运输局",
        "市水利局",
        "市林业局",
        "市商务局",
    ),
    124: resp("市委组织部", "市直机关工委", "市教育局", "市卫健委", "市国资委"),
    126: resp("市委宣传部"),
    128: resp("市民政局"),
    130: resp("市卫健委"),
    132: resp("市民政局", "市教育局", "市妇联"),
    134: resp("市残联", "市卫健委"),
    136: resp("市人社局"),
    138: resp("市卫健委"),
    140: resp("市教育局"),
    142: resp("市游广电体育局"),  # lost 文化旅; extract completes it from line 114
    144: resp("市游广电体育局"),
    146: resp("市科技局", "市科协"),
    148: resp("市委政法委", "市公安局"),
    150: resp("市住建局", "市城管执法局"),
    152: resp("市司法局"),
    154: resp("市应急管理局"),
    156: resp("市民政局", "市委组织部"),
    158: resp("市委宣传部", "市农业农村局", "市民政局"),
    160: resp("市委政法委", "市司法局", "市民政局", "市公安局", "市卫健委"),
    164: lead("市民政局", "市委组织部", "市行政审批服务局"),
    166: lead("市财政局", "市民政局", "市农业农村局"),
    168: lead("市行政审批服务局", "市民政局", "市委组织部"),
}


@pytest.mark.parametrize("line", sorted(SHAOYANG_CLAUSES))
def test_shaoyang_clause_units(line: int) -> None:
    assert read(clause_of(SHAOYANG, line)) == SHAOYANG_CLAUSES[line]


@pytest.mark.parametrize(
    ("line", "clause", "rest_end"),
    [
        (64, "市民政负责", "引导社区社会组织广泛参与社区服务。"),  # closing bracket lost
        (80, "市民政住建按职责分工负责", "提升服务设施综合利用和服务水平。"),
        (92, "委组织部、市民政局按职责分工负责", "分层分类对村社区工作者开展全员轮训。"),  # no (
        (
            116,
            "商务局牵头市发改委市住建局、市民政局市供销合作总社等相关单位按职责分工负责",
            "等服务供给。",
        ),  # no ( and no comma after 牵头
        (138, "市卫健委负责", "失能老年人长期照护模式"),  # no 。 before the clause
        (158, "市委宣传部、农业农村民政职责分工负责", "大操大办等陈规陋习"),  # 按 lost
    ],
)
def test_shaoyang_damaged_clauses_are_cut(line: int, clause: str, rest_end: str) -> None:
    text = sample_lines(SHAOYANG)[line]
    rest, found, offset = split_unit_clause(text)
    assert found == clause
    assert offset is not None and rest == text[:offset].rstrip()
    assert rest.endswith(rest_end)


def test_shaoyang_raw_names_keep_the_damage() -> None:
    raws = [(r.raw, r.name) for r in parse_units(clause_of(SHAOYANG, 108))[0]]
    assert raws[:2] == [("市民政", "市民政局"), ("委政法委", "市委政法委")]
    assert raws[-3:] == [("公安", "市公安局"), ("财政", "市财政局"), ("住建", "市住建局")]
    raws = [(r.raw, r.name) for r in parse_units(clause_of(SHAOYANG, 60))[0]]
    assert ("商务", "市商务局") in raws and ("国资委", "市国资委") in raws
    raws = [(r.raw, r.name) for r in parse_units(clause_of(SHAOYANG, 58))[0]]
    assert ("团市委", "市团委") in raws


# --- which lines hold a clause at all ------------------------------------------------------

CLAUSE_LINES = {
    CHANGJI: sorted(CHANGJI_ITEMS),
    JIMSAR: sorted(JIMSAR_ITEMS),
    JIANGXI: sorted(JIANGXI_ITEMS),
    SHAOYANG: sorted(SHAOYANG_CLAUSES),
    CHONGQING: [],  # task paragraphs in the Chongqing plan name no units
}


@pytest.mark.parametrize("path", list(CLAUSE_LINES), ids=lambda p: p.stem.split("-")[0])
def test_clauses_found_exactly_on_item_lines(path: Path) -> None:
    found = [n for n, text in sample_lines(path).items() if split_unit_clause(text)[1] is not None]
    assert sorted(found) == CLAUSE_LINES[path]


# --- rules that the samples do not exercise -----------------------------------------------


def test_roles_from_closing_words_and_labels() -> None:
    assert read("市民政局牵头,市财政局配合") == lead("市民政局", "市财政局")
    assert read("州民政局负责,州财政局参与") == [
        ("州民政局", "responsible"),
        ("州财政局", "support"),
    ]
    assert read("牵头单位:市民政局;配合单位:市财政局、教育局") == lead(
        "市民政局", "市财政局", "市教育局"
    )
    assert read("民政局") == resp("民政局")
    assert [r.role for r in parse_units("民政局", "lead")[0]] == ["lead"]


def test_name_that_starts_like_a_level_keeps_the_inherited_prefix() -> None:
    # 市场监管 is a stem, not 市 + 场监管: it inherits 州 like any other unit
    assert read("州民政局、市场监管负责") == resp("州民政局", "州市场监管局")
    assert read("州民政局、市场监管局、住建局负责") == resp("州民政局", "州市场监管局", "州住建局")


def test_he_and_ji_split_only_between_units() -> None:
    assert read("市民政局和市财政局负责") == resp("市民政局", "市财政局")
    assert read("省文化和旅游厅、省自然资源厅负责") == resp("省文化和旅游厅", "省自然资源厅")


def test_full_width_punctuation_is_accepted() -> None:
    rest, clause, offset = split_unit_clause("加强建设。（州民政局，州财政局等按职责分工负责）")
    assert (rest, clause, offset) == ("加强建设。", "州民政局，州财政局等按职责分工负责", 5)
    assert read(clause) == resp("州民政局", "州财政局")
    assert read("（州民政局、住建局负责）") == resp("州民政局", "州住建局")


def test_brackets_that_are_not_clauses_are_left_alone() -> None:
    for text in ("重庆市民政事业发展“十四五”规划(2021—2025年)", "设立社会工作点(室)", "村(居委会)"):
        assert split_unit_clause(text) == (text, None, None)


def test_garbled_text_is_reported_never_invented() -> None:
    refs, diagnostics = parse_units("市民政局、xyz按职责分工负责")
    assert [r.name for r in refs] == ["市民政局"]
    assert [(d.level, d.code, d.line) for d in diagnostics] == [("warning", "unit-unparsed", None)]
    assert "xyz" in diagnostics[0].message
    refs, diagnostics = parse_units("加强党委领导")
    assert refs == [] and len(diagnostics) == 1


@pytest.mark.parametrize(
    ("raw", "prefix", "name"),
    [
        ("住建局", "州", "州住建局"),
        ("宣传部", "州党委", "州党委宣传部"),
        ("宣传部", "县", "县委宣传部"),
        ("县政法委", None, "县委政法委"),
        ("发改委", "市", "市发展改革委"),
        ("发展和改革委员会", None, "发展改革委"),
        ("妇联等单位", "州", "州妇联"),
        ("各县市人民政府", "州", "各县市人民政府"),
        ("州消防救援支队", "县", "州消防救援支队"),
        ("团市委", None, "市团委"),
    ],
)
def test_canonical_unit(raw: str, prefix: str | None, name: str) -> None:
    assert canonical_unit(raw, prefix) == name


def test_rules_extension_adds_an_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "units.yaml").write_text("aliases:\n  卫健委: [卫生健康委]\n", encoding="utf-8")
    assert read("省卫生健康委负责") == resp("省卫生健康委")
    monkeypatch.setenv(rules.ENV_VAR, str(tmp_path))
    rules.load.cache_clear()
    units.compiled.cache_clear()
    try:
        assert read("省卫生健康委负责") == resp("省卫健委")
    finally:
        monkeypatch.delenv(rules.ENV_VAR)
        rules.load.cache_clear()
        units.compiled.cache_clear()


# --- properties -----------------------------------------------------------------------------

CLAUSE_CHARACTERS = (
    "市州县省委党局民政住建部组织宣传(),、。;:负责牵头配合参与和及等单位责任xy 　（）"
)
VOCABULARY_TEXT = st.text(alphabet=st.sampled_from(list(CLAUSE_CHARACTERS)), max_size=60)
PREFIXES = st.one_of(
    st.none(), st.sampled_from(["州", "县委", "州党委", "市"]), st.text(max_size=4)
)
ANY_TEXT = st.one_of(st.text(max_size=80), VOCABULARY_TEXT)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_split_never_raises_and_cuts_at_the_offset(text: str) -> None:
    rest, clause, offset = split_unit_clause(text)
    if clause is None:
        assert (rest, offset) == (text, None)
    else:
        assert offset is not None and rest == text[:offset].rstrip()
        assert clause in text[offset:]


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT)
def test_parse_never_raises_and_never_invents(text: str) -> None:
    refs, diagnostics = parse_units(text)
    written = re.sub(r"\s", "", text.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}))
    for ref in refs:
        assert ref.raw and ref.raw in written
        assert ref.role in ("lead", "responsible", "support")
    assert all(d.code in ("unit-unparsed", "unit-repaired") and d.line is None for d in diagnostics)


@settings(max_examples=150, deadline=None)
@given(ANY_TEXT, PREFIXES)
def test_canonical_never_raises(raw: str, prefix: str | None) -> None:
    assert isinstance(canonical_unit(raw, prefix), str)


def test_labelled_parts_cut_by_a_semicolon_are_one_clause() -> None:
    text = "加强人才队伍建设。培育社区工作者队伍。牵头单位:市民政局;配合单位:市财政局、市人社局"
    rest, clause, offset = split_unit_clause(text)
    assert (rest, clause) == (
        "加强人才队伍建设。培育社区工作者队伍。",
        "牵头单位:市民政局;配合单位:市财政局、市人社局",
    )
    assert offset == len(rest)
    assert [(u.name, u.role) for u in parse_units(clause)[0]] == [
        ("市民政局", "lead"),
        ("市财政局", "support"),
        ("市人社局", "support"),
    ]


@pytest.mark.parametrize("brackets", ["〔〕", "【】", "()", "（）"])
def test_a_unit_clause_may_be_set_in_any_bracket(brackets: str) -> None:
    opening, closing = brackets
    text = f"健全志愿服务机制。发展社区志愿服务。{opening}责任单位:团市委、市文明办{closing}"
    rest, clause, _ = split_unit_clause(text)
    assert (rest, clause) == ("健全志愿服务机制。发展社区志愿服务。", "责任单位:团市委、市文明办")


def test_a_sentence_before_a_label_stays_in_the_text() -> None:
    rest, clause, _ = split_unit_clause("落实好相关政策;完善保障机制。责任单位:市财政局")
    assert (rest, clause) == ("落实好相关政策;完善保障机制。", "责任单位:市财政局")


@pytest.mark.parametrize(
    ("clause", "deadline", "units"),
    [
        ("持续推进，牵头考核单位：市委网信办", "持续推进", [("市委网信办", "lead")]),
        ("2023年底前完成;责任单位:市财政局", "2023年底前完成", [("市财政局", "responsible")]),
        ("市民政局负责,2024年6月底前完成", "2024年6月底前完成", [("市民政局", "responsible")]),
        (
            "责任单位:市民政局、市财政局",
            None,
            [("市民政局", "responsible"), ("市财政局", "responsible")],
        ),
    ],
)
def test_a_clause_part_that_says_by_when_is_its_deadline_and_no_unit(
    clause: str, deadline: str | None, units: list[tuple[str, str]]
) -> None:
    from plancli.stages.units import clause_deadline

    assert clause_deadline(clause) == deadline
    refs, diagnostics = parse_units(clause)
    assert [(u.name, u.role) for u in refs] == units
    assert diagnostics == []
