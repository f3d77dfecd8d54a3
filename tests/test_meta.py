"""The notice wrapper on the real samples, read the way normalize delivers them.

Two deliveries are tested: `prepared` is the text as the minimal normalizer
leaves it (glosses stripped, simplified, original line numbers, broken lines and
web chrome still there); `improved` is what the finished normalizer will hand
over (broken titles joined on their first line number, full-width folded, stray
spaces removed, chrome moved to `removed`). Expected values were read off the
sample files by hand; line numbers are those an editor shows.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ALL_SAMPLES, CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.core import Line, Removal
from plancli.stages.dates import parse_date
from plancli.stages.meta import parse_wrapper
from plancli.stages.meta_text import WrapperTexts, clean_text, top_level_titles
from plancli.stages.references import find_period, restore_lost_quote
from plancli.stages.titles import split_recipients

GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6} ?\) ?")


def lines_of(texts: list[str]) -> list[Line]:
    """Hand-made lines numbered from 1."""
    return [Line(text, number) for number, text in enumerate(texts, 1)]


@cache
def prepared(path: Path) -> tuple[Line, ...]:
    """Glosses stripped and OpenCC hk2s applied line by line; blank lines dropped."""
    import opencc

    converter = opencc.OpenCC("hk2s")
    numbered = enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
    texts = ((n, converter.convert(GLOSS.sub("", raw)).strip()) for n, raw in numbered)
    return tuple(Line(text, n) for n, text in texts if text)


# Lines the finished normalizer joins (broken titles) and removes (web chrome).
JOINS = {CHANGJI: [(1, 2, 3), (8, 9)], SHAOYANG: [(15, 17), (28, 30)]}
CHROME = {
    SHAOYANG: {1, 3, 5, 9, *range(181, 190)},
    JIANGXI: {43, 44, 45},
    CHONGQING: {104, 105, 106, 107},
}


def improved(path: Path) -> tuple[list[Line], list[Removal]]:
    by_number = {line.line: clean_text(line.text) for line in prepared(path)}
    for group in JOINS.get(path, []):
        by_number[group[0]] = "".join(by_number.pop(n) for n in group)
    chrome = CHROME.get(path, set())
    removed = [Removal(n, by_number.pop(n), "chrome") for n in sorted(chrome & set(by_number))]
    return [Line(text, n) for n, text in sorted(by_number.items())], removed


def deliveries(path: Path) -> list[tuple[list[Line], list[Removal]]]:
    return [(list(prepared(path)), []), improved(path)]


EXPECTED = {
    CHANGJI: {
        "title": "昌吉州落实《自治区“十四五”城乡社区服务体系建设规划》实施方案",
        "notice_title": (
            "关于印发《昌吉州落实〈自治区“十四五”城乡社区服务体系建设规划〉实施方案》的通知"
        ),
        "doc_number": None,
        "issuer": "昌吉回族自治州人民政府办公室",
        "date": "2023-05-06",
        "recipients": ["各县市人民政府", "州人民政府各工作部门", "各直属机构"],
        "period": {"start": 2021, "end": 2025},
        "references": [
            {
                "title": "关于印发新疆维吾尔自治区“十四五”城乡社区服务体系建设规划的通知",
                "doc_number": "新政办发〔2022〕34号",
                "line": 10,
            }
        ],
        "title_line": 8,
        "notice_line": 1,
        "body_line": 10,
    },
    CHONGQING: {
        "title": "重庆市民政事业发展“十四五”规划(2021—2025年)",
        "notice_title": None,
        "doc_number": None,
        "issuer": None,
        "date": None,
        "recipients": [],
        "period": {"start": 2021, "end": 2025},
        "references": [
            {"title": "“十四五”民政事业发展规划", "doc_number": None, "line": 3},
            {
                "title": "重庆市国民经济和社会发展第十四个五年规划和二○三五年远景目标纲要",
                "doc_number": None,
                "line": 3,
            },
        ],
        "title_line": 1,
        "notice_line": None,
        "body_line": 3,
    },
    JIMSAR: {
        "title": "吉木萨尔县落实《自治区“十四五”城乡社区服务体系建设规划》实施方案",
        "notice_title": None,
        "doc_number": None,
        "issuer": "吉木萨尔县人民政府办公室",
        "date": "2023-09-25",
        "recipients": ["北庭工业园区管委会", "各乡镇人民政府", "县政府有关部门", "县直有关单位"],
        "period": {"start": 2021, "end": 2025},
        "references": [
            {
                "title": "关于印发新疆维吾尔自治区“十四五”城乡社区服务体系建设规划的通知",
                "doc_number": "新政办发〔2022〕34号",
                "line": 6,
            },
            {
                "title": "昌吉州落实〈自治区“十四五”城乡社区服务体系建设规划〉的通知",
                "doc_number": "昌州政办发〔2023〕18号",
                "line": 6,
            },
        ],
        "title_line": 5,
        "notice_line": None,
        "body_line": 6,
    },
    SHAOYANG: {
        "title": "邵阳市贯彻落实《湖南省“十四五”城乡社区服务体系建设规划》实施方案",
        "notice_title": (
            "邵阳市人民政府办公室关于印发《邵阳市贯彻落实〈湖南省“十四五”"
            "城乡社区服务体系建设规划〉实施方案》的通知"
        ),
        "doc_number": "邵市政办发〔2023〕15号",
        "issuer": "邵阳市人民政府办公室",
        "date": "2023-07-25",
        "recipients": ["各县市区人民政府", "邵阳经济技术开发区管委会", "市直有关单位"],
        "period": {"start": 2021, "end": 2025},
        "references": [
            {
                "title": "湖南省人民政府办公厅关于印发湖南省“十四五”城乡社区服务体系建设规划的通知",
                "doc_number": "湘政办发〔2022〕52号",
                "line": 32,
            }
        ],
        "title_line": 28,
        "notice_line": 13,
        "body_line": 32,
    },
    JIANGXI: {
        "title": "江西省贯彻落实“十四五”城乡社区服务体系建设规划实施方案",
        "notice_title": (
            "江西省人民政府办公厅关于印发江西省贯彻落实“十四五”城乡社区服务体系建设规划实施方案的通知"
        ),
        "doc_number": "赣府厅字〔2022〕77号",
        "issuer": "江西省人民政府办公厅",
        "date": "2022-08-13",
        "recipients": ["各市、县(区)人民政府", "省政府各部门"],
        "period": {"start": 2021, "end": 2025},
        "references": [
            {
                "title": "国务院办公厅关于印发“十四五”城乡社区服务体系建设规划的通知",
                "doc_number": "国办发〔2021〕56号",
                "line": 9,
            }
        ],
        "title_line": 8,
        "notice_line": 2,
        "body_line": 9,
    },
}
for expected in EXPECTED.values():
    expected["portal"] = {}  # no sample page has a portal info box
    expected["co_issuers"] = []


@pytest.mark.parametrize("state", ["prepared", "improved"])
def test_meta_of_each_sample_is_exact(sample: Path, state: str) -> None:
    lines, removed = deliveries(sample)[state == "improved"]
    wrapper = parse_wrapper(lines, removed)
    assert wrapper.meta.model_dump() == EXPECTED[sample]
    assert lines[wrapper.body_start].line == EXPECTED[sample]["body_line"]


def test_body_start_points_after_the_title() -> None:
    # Chongqing has no wrapper: title on lines 1-2, so the body is the third line (index 2).
    assert parse_wrapper(list(prepared(CHONGQING)), []).body_start == 2
    # Jimsar: recipients, notice, issuer, date, title are lines 1-5; the body is index 5.
    assert parse_wrapper(list(prepared(JIMSAR)), []).body_start == 5


def test_titles_broken_over_lines_are_joined_and_recorded() -> None:
    joined = [r for r in parse_wrapper(list(prepared(CHANGJI)), []).repairs]
    assert [(r.line, r.kind) for r in joined] == [(1, "joined-line"), (8, "joined-line")]
    assert joined[1].before == "昌吉州落实《自治区“十四五”城乡社区服务\n体系建设规划》实施方案"
    # Once normalize has joined them there is nothing left for meta to repair.
    assert parse_wrapper(*improved(CHANGJI)).repairs == []


def test_shaoyang_damage_is_repaired_and_reported() -> None:
    wrapper = parse_wrapper(list(prepared(SHAOYANG)), [])
    repairs = {(r.line, r.kind): (r.before, r.after) for r in wrapper.repairs}
    assert repairs[(11, "doc-number")] == ("邵市政办发〔202315号", "邵市政办发〔2023〕15号")
    assert repairs[(25, "date-stand-in")] == ("2023年725", "2023-07-25")
    assert repairs[(23, "issuer")] == ("邵阳人民政府办公室", "邵阳市人民政府办公室")
    assert (32, "quote") in repairs  # 湖南省十四五” → 湖南省“十四五” in the cited title
    codes = {(d.code, d.line, d.level) for d in wrapper.diagnostics}
    assert codes == {
        ("damaged-doc-number", 11, "warning"),
        ("damaged-date", 25, "warning"),
        ("damaged-issuer", 23, "warning"),
    }


def test_stand_in_date_comes_from_removed_page_meta() -> None:
    lines, removed = improved(SHAOYANG)
    assert [r.line for r in removed][:4] == [1, 3, 5, 9]
    wrapper = parse_wrapper(lines, removed)
    message = next(d.message for d in wrapper.diagnostics if d.code == "damaged-date")
    assert "from line 5" in message
    without_page_meta = parse_wrapper(lines, [r for r in removed if r.line != 5])
    assert without_page_meta.meta.date is None
    assert "damaged-date" in {d.code for d in without_page_meta.diagnostics}


def test_a_page_date_that_contradicts_the_damage_is_not_used() -> None:
    lines = [
        Line("关于印发《某市养老服务实施方案》的通知", 1),
        Line("各区县人民政府:", 2),
        Line("现印发给你们,请认真贯彻执行。", 3),
        Line("某市人民政府办公室", 4),
        Line("2023年725", 5),
        Line("某市养老服务实施方案", 6),
    ]
    removed = [Removal(0, "时间: 2023-08-01 10:00", "page-meta")]
    assert parse_wrapper(lines, removed).meta.date is None
    removed = [Removal(0, "发布日期:2023年7月25日", "page-meta")]
    assert parse_wrapper(lines, removed).meta.date == "2023-07-25"


def test_issuer_that_is_not_a_damaged_letterhead_is_kept_with_a_warning() -> None:
    lines = [
        Line("甲市人民政府关于印发《甲市方案》的通知", 1),
        Line("各县人民政府:", 2),
        Line("现印发给你们。", 3),
        Line("乙市人民政府办公室", 4),
        Line("2024年1月2日", 5),
        Line("甲市方案", 6),
        Line("一、总体要求", 7),
    ]
    wrapper = parse_wrapper(lines, [])
    assert wrapper.meta.issuer == "乙市人民政府办公室"
    assert [d.code for d in wrapper.diagnostics] == ["issuer-mismatch"]
    assert wrapper.meta.date == "2024-01-02"
    assert wrapper.meta.title == "甲市方案"
    assert wrapper.body_start == 6


def test_signature_on_one_line_and_a_missing_signature() -> None:
    notice = [
        Line("某县人民政府办公室关于印发《某县养老服务方案》的通知", 1),
        Line("各乡镇人民政府:", 2),
        Line("现印发给你们,请认真贯彻执行。", 3),
    ]
    one_line = [*notice, Line("某县人民政府办公室 2023年6月1日", 4), Line("某县养老服务方案", 5)]
    meta = parse_wrapper(one_line, []).meta
    assert (meta.issuer, meta.date, meta.title_line) == ("某县人民政府办公室", "2023-06-01", 5)
    unsigned = parse_wrapper([*notice, Line("某县养老服务方案", 4)], [])
    # the issuer is the signing office: the letterhead does not stand in (issuer_from_title)
    assert (unsigned.meta.issuer, unsigned.meta.date) == (None, None)
    assert unsigned.meta.title_line == 4
    assert [(d.code, d.level) for d in unsigned.diagnostics] == [("no-signature", "info")]


def test_doc_number_brackets_are_normalized() -> None:
    for bracketed in ("[2022]", "【2022】", "(2022)", "〔2022〕"):
        written = f"赣府厅字{bracketed}77号"
        lines = [Line(written, 1), Line("各市人民政府:", 2), Line("江西省实施方案", 3)]
        wrapper = parse_wrapper(lines, [])
        assert wrapper.meta.doc_number == "赣府厅字〔2022〕77号", written
        assert [r.kind for r in wrapper.repairs] == ([] if "〔" in written else ["doc-number"])


def test_a_doc_number_cited_in_the_preamble_is_not_the_documents_own() -> None:
    lines = list(prepared(CHANGJI))
    assert "(新政办发〔2022〕34号)" in lines[9].text  # line 10, the preamble
    assert parse_wrapper(lines, []).meta.doc_number is None


def test_no_title_is_reported_and_the_notice_title_stands_in() -> None:
    lines = [
        Line("关于印发《某县社区服务实施方案》的通知", 1),
        Line("各乡镇人民政府:", 2),
        Line("《某县社区服务实施方案》已经县政府同意,现印发给你们。", 3),
        Line("某县人民政府办公室", 4),
        Line("2023年3月1日", 5),
        Line("为加快社区服务体系建设,制定本方案。", 6),
    ]
    wrapper = parse_wrapper(lines, [])
    # The benchmark's convention: without a title line of its own the document is the notice.
    assert wrapper.meta.title == "关于印发《某县社区服务实施方案》的通知"
    assert wrapper.meta.title_line is None
    assert wrapper.body_start == 5
    assert [d.code for d in wrapper.diagnostics] == ["no-title"]
    # The plan named in its own notice is not a cited reference.
    assert wrapper.meta.references == []


def test_not_every_book_title_mark_is_a_reference() -> None:
    refs = parse_wrapper(list(prepared(CHONGQING)), []).meta.references
    line_69 = next(line.text for line in prepared(CHONGQING) if line.line == 69)
    assert "推动制定《重庆市居民委员会选举条例》" in line_69
    assert "重庆市居民委员会选举条例" not in {r.title for r in refs}
    assert len(refs) == 2


def test_a_book_title_with_doc_number_anywhere_is_a_reference() -> None:
    lines = [
        Line("某市养老服务规划", 1),
        Line("为推动养老服务发展,制定本规划。", 2),
        Line("一、总体要求", 3),
        Line("认真执行《某省养老条例》,做好衔接。", 4),
        Line("严格落实《关于加强养老服务的意见》(某政发〔2021〕9号)有关要求。", 5),
    ]
    refs = parse_wrapper(lines, []).meta.references
    assert [(r.title, r.doc_number, r.line) for r in refs] == [
        ("关于加强养老服务的意见", "某政发〔2021〕9号", 5)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年5月6日", "2023-05-06"),
        ("2023 年 9 月 25 日", "2023-09-25"),
        ("2023-07-25", "2023-07-25"),
        ("2023.7.5", "2023-07-05"),
        ("二〇二三年五月六日", "2023-05-06"),
        ("二○二三年十二月三十一日", "2023-12-31"),
        ("二〇二二年十月二十日", "2022-10-20"),
        ("2023年2月30日", None),
        ("2023年725", None),
        ("发布于2023年5月6日", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    date = parse_date(text)
    assert (date.isoformat() if date else None) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("各市、县(区)人民政府,省政府各部门:", ["各市、县(区)人民政府", "省政府各部门"]),
        (
            "各县市区人民政府、邵阳经济技术开发区管委会,市直有关单位:",
            ["各县市区人民政府", "邵阳经济技术开发区管委会", "市直有关单位"],
        ),
        ("各县、市人民政府:", ["各县、市人民政府"]),
        ("州党委各部门;州人民政府各部门:", ["州党委各部门", "州人民政府各部门"]),
    ],
)
def test_split_recipients(text: str, expected: list[str]) -> None:
    assert split_recipients(text) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("重庆市民政事业发展规划(2021—2025年)", (2021, 2025)),
        ("某市“十三五”养老规划", (2016, 2020)),
        ("某市“十五五”养老规划", (2026, 2030)),
        ("某市2021-2035年国土空间规划", (2021, 2035)),
        ("某市养老服务实施方案", None),
        ("2025—2021年", None),
    ],
)
def test_period(title: str, expected: tuple[int, int] | None) -> None:
    period = find_period([title])
    assert ((period.start, period.end) if period else None) == expected


def test_lost_opening_quote_is_restored_only_when_lost() -> None:
    assert restore_lost_quote("湖南省十四五”城乡") == "湖南省“十四五”城乡"
    assert restore_lost_quote("湖南省“十四五”城乡") == "湖南省“十四五”城乡"
    assert restore_lost_quote("十四五时期") == "十四五时期"


def test_through_the_pipeline_normalizer(sample: Path) -> None:
    """Whatever stage normalize is at, the wrapper values stay the same."""
    from plancli.pipeline import normalize_file

    normalized = normalize_file(sample)[2]
    meta = parse_wrapper(normalized.lines, normalized.report.boilerplate_removed).meta
    expected = EXPECTED[sample]
    for name in ("title", "notice_title", "doc_number", "issuer", "date", "recipients"):
        assert getattr(meta, name) == expected[name], name


SPECIAL = (
    "关于印发转发《》〈〉“”()〔〕[]【】|:,。;、的通知方案规划"
    "人民政府办公室局年月日号〇一二五十0123456789-— \t"
)
texts = st.text(alphabet=st.sampled_from(SPECIAL), max_size=40) | st.text(max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, max_size=25), st.lists(texts, max_size=3))
def test_parse_wrapper_never_raises(body: list[str], chrome: list[str]) -> None:
    lines = [Line(text, n) for n, text in enumerate(body, start=1) if text.strip()]
    wrapper = parse_wrapper(lines, [Removal(0, text, "x") for text in chrome])
    assert 0 <= wrapper.body_start <= len(lines)
    numbers = {line.line for line in lines}
    assert all(r.line in numbers for r in wrapper.repairs)
    assert wrapper.meta.title_line is None or wrapper.meta.title_line in numbers
    if wrapper.meta.date is not None:
        assert parse_date(wrapper.meta.date) is not None


def test_a_lost_notice_title_leaves_the_rest_of_the_wrapper_readable() -> None:
    lines = [line for line in prepared(CHANGJI) if line.line > 3]
    meta = parse_wrapper(lines, []).meta
    assert meta.notice_title is None
    assert (meta.title_line, meta.date) == (8, "2023-05-06")
    assert meta.issuer == "昌吉回族自治州人民政府办公室"


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_cut_and_truncated_samples_never_raise(path: Path) -> None:
    lines = list(prepared(path))
    for cut in range(0, 40, 3):
        truncated = [Line(line.text[: cut + 1], line.line) for line in lines[:40]]
        assert parse_wrapper(truncated, []).body_start <= len(truncated)
        rest = lines[cut:]
        assert parse_wrapper(rest, []).body_start <= len(rest)


def test_publication_note_after_the_signature_is_never_the_title() -> None:
    texts = [
        "各镇人民政府,县政府各部门:",
        "现将《绛县促进专业镇高质量发展实施方案》印发给你们,请认真贯彻落实。",
        "绛县人民政府办公室",
        "2023年5月10日",
        "(此件公开发布)",
        "绛县促进专业镇高质量发展实施方案",
        "一、总体要求",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert (meta.title, meta.title_line, meta.issuer) == (
        "绛县促进专业镇高质量发展实施方案",
        6,
        "绛县人民政府办公室",
    )


def test_a_deletion_note_is_not_a_title() -> None:
    texts = ["国务院关于加快发展养老服务业的若干意见", "(本文有删减)", "一、总体要求"]
    lines = lines_of(texts)
    assert parse_wrapper(lines, []).meta.title != "(本文有删减)"


STATE_COUNCIL_OPINION = [
    "国务院关于加快推进农业机械化和",
    "农机装备产业转型升级的指导意见",
    "国发〔2018〕42号",
    "各省、自治区、直辖市人民政府,国务院各部委、各直属机构:",
    "农业机械化和农机装备是转变农业发展方式、提高农村生产力的重要基础。",
    "一、总体要求",
    "(一)指导思想。以习近平新时代中国特色社会主义思想为指导,全面贯彻党的十九大精神。",
    "(二)强化地方政府责任。各省级人民政府要认真研究实施乡村振兴战略。",
    "国务院",
    "2018年12月21日",
    "(此件公开发布)",
]


def test_directly_issued_opinion_title_over_two_lines_and_closing_signature() -> None:
    lines = lines_of(STATE_COUNCIL_OPINION)
    wrapper = parse_wrapper(lines, [])
    meta = wrapper.meta
    assert (meta.title, meta.title_line, meta.doc_number) == (
        "国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见",
        1,
        "国发〔2018〕42号",
    )
    assert (meta.issuer, meta.date, meta.notice_title) == ("国务院", "2018-12-21", None)
    assert lines[wrapper.body_start].line == 5


def test_directly_issued_excerpt_without_signature_leaves_the_issuer_unknown() -> None:
    texts = STATE_COUNCIL_OPINION[:7]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert meta.title == "国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见"
    assert (meta.issuer, meta.date) == (None, None)


def test_a_short_reply_signed_right_after_its_text_keeps_its_own_title() -> None:
    # a 批复 issued directly: title, recipients, a few sentences, the signature; no notice
    texts = [
        "某某市人民政府关于某某市“十四五”林草发展规划的批复",
        "市规划和自然资源局:",
        "你单位《关于呈请批复<某某市“十四五”林草发展规划>的请示》收悉,现批复如下:",
        "原则同意《某某市“十四五”林草发展规划》。",
        "某某市人民政府",
        "2022年3月24日",
        "(此件公开发布)",
    ]
    lines = lines_of(texts)
    wrapper = parse_wrapper(lines, [])
    meta = wrapper.meta
    assert (meta.title, meta.title_line, meta.notice_title) == (texts[0], 1, None)
    assert (meta.issuer, meta.date, meta.recipients) == (
        "某某市人民政府",
        "2022-03-24",
        ["市规划和自然资源局"],
    )
    assert lines[wrapper.body_start].line == 3
    assert wrapper.diagnostics == []


def test_a_notice_title_a_page_set_in_book_title_marks_is_read_without_them() -> None:
    texts = [
        "《某某市人民政府办公厅关于印发〈某某市2016年政务公开工作要点〉的通知》",
        "某政办发〔2016〕26号",
        "各区人民政府,市政府各委、办、局:",
        "《某某市2016年政务公开工作要点》已经市政府同意,现印发给你们,请认真贯彻落实。",
        "某某市人民政府办公厅",
        "2016年5月28日",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    notice = "某某市人民政府办公厅关于印发〈某某市2016年政务公开工作要点〉的通知"
    assert (meta.notice_title, meta.notice_line, meta.doc_number) == (
        notice,
        1,
        "某政办发〔2016〕26号",
    )
    assert (meta.issuer, meta.date) == ("某某市人民政府办公厅", "2016-05-28")


JOINT_NOTICE = [
    "关于印发《某某省城乡社区服务体系建设规划(2017-2020年)》的通知",
    "某民发〔2017〕60号",
    "各市民政局、党委组织部、综治办、发展改革委、工业和信息化主管部门、教育局、公安局、司法局、"
    "财政局、人力资源和社会保障局、住房城乡建设局、农委、文化局、卫生计生委、体育局、残联:",
    "现将《某某省城乡社区服务体系建设规划(2017-2020年)》印发给你们,请认真贯彻落实。",
    "某某省民政厅某某省教育厅??????????",
    "某某省财政厅某某省体育局??????????",
    "2017年7月31日??????",
    "某某省城乡社区服务体系建设规划(2017-2020年)",
    "为推进全省城乡社区服务体系建设,制定本规划。",
]


def test_a_joint_notice_padded_with_lost_characters_keeps_its_signature_and_recipients() -> None:
    lines = lines_of(JOINT_NOTICE)
    wrapper = parse_wrapper(lines, [])
    meta = wrapper.meta
    assert (meta.doc_number, meta.date) == ("某民发〔2017〕60号", "2017-07-31")
    assert (meta.issuer, meta.co_issuers) == (
        "某某省民政厅",
        ["某某省教育厅", "某某省财政厅", "某某省体育局"],
    )
    assert len(meta.recipients) == 16
    assert meta.recipients[0] == "各市民政局" and meta.recipients[-1] == "残联"
    assert wrapper.diagnostics == []


def test_a_damaged_signer_line_leaves_the_issuer_unknown_with_a_warning() -> None:
    texts = [*JOINT_NOTICE]
    texts[4] = "某某省民政厅中共某某365体育投注??????????"  # spam replaced 省委组织部
    lines = lines_of(texts)
    wrapper = parse_wrapper(lines, [])
    assert (wrapper.meta.issuer, wrapper.meta.co_issuers) == (None, [])
    assert wrapper.meta.date == "2017-07-31"
    assert [(d.code, d.line) for d in wrapper.diagnostics] == [("damaged-signature", 5)]


def test_a_signature_with_a_note_above_a_date_that_lost_its_characters() -> None:
    # the doc number lost 〕 and 号, 此件公开发布 sits between office and date, and the
    # date's 年月日 were lost as spaces behind a stray mark
    texts = [
        "某某县人民政府办公室关于印发某某县突发环境事件应急预案(试行)的通知",
        "某政办发〔201746",
        "各乡镇人民政府,县级有关部门:",
        "经县人民政府同意,现将《某某县突发环境事件应急预案(试行)》印发给你们,请认真贯彻执行。",
        "某某县人民政府办公室",
        "(此件公开发布)",
        "{ 2017 6 23",
        "某某县突发环境事件应急预案(试行)",
    ]
    lines = lines_of(texts)
    wrapper = parse_wrapper(lines, [])
    meta = wrapper.meta
    assert (meta.doc_number, meta.issuer, meta.date, meta.title_line) == (
        "某政办发〔2017〕46号",
        "某某县人民政府办公室",
        "2017-06-23",
        8,
    )
    assert sorted((d.code, d.line) for d in wrapper.diagnostics) == [
        ("damaged-date", 7),
        ("damaged-doc-number", 2),
    ]
    assert ("date", "{ 2017 6 23", "2017-06-23") in [
        (r.kind, r.before, r.after) for r in wrapper.repairs
    ]


def test_an_annex_label_between_the_signature_and_the_plan_title_is_passed() -> None:
    texts = [
        "某某市人民政府办公室关于印发某某市养老服务体系建设实施方案的通知",
        "各区县人民政府,市政府各部门:",
        "《某某市养老服务体系建设实施方案》已经市政府同意,现印发给你们,请认真组织实施。",
        "某某市人民政府办公室",
        "2023年5月6日",
        "(此件公开发布)",
        "附件",
        "某某市养老服务体系建设实施方案",
        "为加快推进养老服务体系建设,结合我市实际,制定本方案。",
    ]
    lines = lines_of(texts)
    wrapper = parse_wrapper(lines, [])
    assert (wrapper.meta.title, wrapper.meta.title_line) == ("某某市养老服务体系建设实施方案", 8)
    assert lines[wrapper.body_start].line == 9
    assert wrapper.diagnostics == []


def test_cover_page_title_over_three_lines_with_office_and_month() -> None:
    texts = [
        "克孜勒苏柯尔克孜自治州",
        "国民经济和社会发展第十四个五年规划和",
        "2035年远景目标纲要",
        "(2021年1月3日在克州第十四届人民代表大会第五次会议通过)",
        "克孜勒苏柯尔克孜自治州人民政府",
        "二○二一年九月",
        "目 录",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert (
        meta.title == "克孜勒苏柯尔克孜自治州国民经济和社会发展第十四个五年规划和2035年远景目标纲要"
    )
    assert (meta.issuer, meta.date) == ("克孜勒苏柯尔克孜自治州人民政府", None)


def test_a_title_that_names_its_kind_is_not_joined_with_the_next_line() -> None:
    texts = ["滁州市“十四五”民政事业发展规划", "滁州市民政局", "2022年1月", "一、发展基础"]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert (meta.title, meta.issuer) == ("滁州市“十四五”民政事业发展规划", "滁州市民政局")


def test_recipients_with_parenthesised_notes_start_the_notice_text() -> None:
    texts = [
        "各镇(街道)人民政府(办事处),临港经济开发区管委会,区政府各部门、直属机构:",
        "现将《<政府工作报告>任务分解表》印发给你们。",
        "盘锦市大洼区人民政府办公室",
        "2021年1月25日",
        "(此件公开发布)",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert (meta.issuer, meta.date) == ("盘锦市大洼区人民政府办公室", "2021-01-25")


def test_listing_entry_tail_after_the_notice_title_and_school_recipients() -> None:
    texts = [
        "山东省人民政府关于印发山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要的通知"
        "(鲁政发〔2021〕5号)2021.04.27798",
        "各市人民政府,省政府各部门、各直属机构,各大企业,各高等院校:",
        "《山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要》已经省人民代表大会审查批准。",
        "山东省人民政府",
        "2021年4月6日",
        "(此件公开发布)",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert meta.notice_title == (
        "山东省人民政府关于印发山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要的通知"
    )
    assert (meta.doc_number, meta.issuer, meta.date) == (
        "鲁政发〔2021〕5号",
        "山东省人民政府",
        "2021-04-06",
    )


def test_joint_signers_on_two_lines_and_run_together_on_one() -> None:
    head = [
        "雄县、容城、安新县委和人民政府,新区各部门:",
        "现将《实施方案》印发给你们,请认真贯彻落实。",
    ]
    two_lines = [*head, "中共河北雄安新区工作委员会", "河北雄安新区管理委员会", "2021年3月15日"]
    one_line = [*head, "南陵县民政局南陵县发展和改革委员会", "2023年12月21日"]
    for texts, issuer, others in [
        (two_lines, "中共河北雄安新区工作委员会", ["河北雄安新区管理委员会"]),
        (one_line, "南陵县民政局", ["南陵县发展和改革委员会"]),
    ]:
        lines = lines_of(texts)
        meta = parse_wrapper(lines, []).meta
        assert (meta.issuer, meta.co_issuers) == (issuer, others)


def test_damaged_signature_date_and_distribution_line_are_not_titles() -> None:
    texts = [
        "各乡(镇)人民政府、街道办事处,县级机关各单位:",
        "《常山县提升助老三件事服务能力的实施办法》已经县政府同意,现印发给你们。",
        "常山县人民政府办公室",
        "2023626",
        "抄送:县委办公室",
        "常山县提升助老三件事服务能力的实施办法",
        "一、总体要求",
    ]
    lines = lines_of(texts)
    meta = parse_wrapper(lines, []).meta
    assert (meta.title, meta.issuer) == (
        "常山县提升助老三件事服务能力的实施办法",
        "常山县人民政府办公室",
    )


@pytest.mark.parametrize(
    "first_line",
    [
        "序号 | 项目名称 | 承办科室 | 决策依据 | 计划安排 | |",
        "经市领导同意,现将《社区嵌入式服务设施建设工程实施方案》印发给你们,请认真贯彻落实.",
    ],
)
def test_a_table_row_or_a_sentence_is_never_the_title(first_line: str) -> None:
    from plancli.pipeline import process_bytes

    text = f"{first_line}\n一、总体要求\n(一)指导思想。坚持以人民为中心。\n"
    assert process_bytes(text.encode()).meta.title is None


def test_a_notice_with_points_of_its_own_signs_above_its_first_annex() -> None:
    from plancli.pipeline import process_bytes

    text = (
        "县示范区管委会,各乡、镇人民政府,县直各有关单位:\n"
        "经县政府同意,现将《2025年县政府重点工作任务分解》印发给你们,请认真抓好落实。\n"
        "一、责任到人,闭环管理。各牵头单位要细化措施。\n"
        "二、节点管控,动态调度。各单位要紧盯目标任务。\n"
        "附件:1.2025年县政府重点工作任务分解\n"
        "沁县人民政府办公室\n"
        "2025年5月18日\n"
        "(此件公开发布)\n"
        "附件1\n"
        "2025年县政府重点工作任务分解\n"
        "一、县示范区管委会牵头工作\n"
        "1.建设3个劳动密集型产业园。\n"
    )
    meta = process_bytes(text.encode()).meta
    assert (meta.issuer, meta.date) == ("沁县人民政府办公室", "2025-05-18")


def test_a_plan_signed_above_its_annex_is_not_taken_for_the_notice() -> None:
    from plancli.pipeline import process_bytes

    text = (
        "各县市区人民政府,州直各部门:\n"
        "现将《某州社区服务实施方案》印发给你们,请认真贯彻执行。\n"
        "某州社区服务实施方案\n"
        "一、总体要求\n"
        "(一)指导思想。坚持以人民为中心。\n"
        "二、重点任务\n"
        "1.健全机制。完善体系。(州民政局负责)\n"
        "某州人民政府办公室\n"
        "2023年5月1日\n"
        "附件1\n"
        "任务分工表\n"
    )
    document = process_bytes(text.encode())
    assert [s.title for s in document.sections][:2] == ["总体要求", "重点任务"]
    assert [t.line for t in document.tasks] == [5, 7]


def test_wrapper_texts_are_cleaned_when_read_and_only_then() -> None:
    raw = ["关于 印发《方案》的 通知", "2017年7月31日??????", "一、总体要求"]
    texts = WrapperTexts(raw)
    assert texts[1] == "2017年7月31日"
    assert texts._cleaned == [None, "2017年7月31日", None]
    assert texts[-1] == "一、总体要求"
    assert texts[:2] == ["关于印发《方案》的通知", "2017年7月31日"]
    assert list(texts) == ["关于印发《方案》的通知", "2017年7月31日", "一、总体要求"]
    assert len(texts) == 3


def test_top_level_titles_skip_nested_and_unopened_marks() -> None:
    text = "》根据《关于印发《方案》的通知》和《意见》要求"
    assert top_level_titles(text) == [(3, 16), (17, 21)]
    assert [text[a:b] for a, b in top_level_titles(text)] == [
        "《关于印发《方案》的通知》",
        "《意见》",
    ]
