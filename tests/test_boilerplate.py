"""Position-aware chrome removal on the real samples (line numbers cite the sample files)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ALL_SAMPLES, CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli import rules
from plancli.core import Line
from plancli.stages.boilerplate import load_ruleset, parse_rule, strip_boilerplate

GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6} ?\)")
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


@cache
def prepared(path: Path) -> tuple[Line, ...]:
    """Lines as strip_boilerplate receives them: glosses gone, simplified, folded, stripped,
    blanks dropped, original line numbers kept. Built here so these tests do not depend on
    the state of normalize.py."""
    import opencc

    converter = opencc.OpenCC("hk2s")
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = converter.convert(GLOSS.sub("", raw)).translate(FULL_WIDTH).strip()
        if text:
            lines.append(Line(text, number))
    return tuple(lines)


def removed_rules(path: Path) -> dict[int, str]:
    return {removal.line: removal.rule for removal in strip_boilerplate(list(prepared(path)))[1]}


def kept_numbers(lines: list[Line]) -> list[int]:
    return [line.line for line in strip_boilerplate(lines)[0]]


EXPECTED = {
    # shaoyang 1 spam title, 3 breadcrumb, 4 the page's headline (the notice title again, in
    # full on lines 15-17), 5 page meta, 9 page index code; 181-189 share + footer
    SHAOYANG: {
        1: "spam",
        3: "breadcrumb",
        4: "page-title",
        5: "page-meta",
        9: "index-code",
        181: "share-qr",
        182: "share-qr",
        184: "site-footer",
        185: "site-footer",
        186: "site-footer",
        187: "site-footer",
        188: "site-footer",
        189: "site-footer",
    },
    # chongqing 104 扫一扫获取 / 105 最新情报资讯 / 106 扫一扫免费 / 107 阅读最新报告
    CHONGQING: {104: "share-qr", 105: "tail-residue", 106: "share-qr", 107: "tail-residue"},
    # jiangxi 1 listing entry 赣府厅字〔2022〕77号《…的通知》 (line 2 is the notice title itself);
    # 43 扫描二维码 关注我们 / 44 本文链接 / 45 本文关键词
    JIANGXI: {1: "page-title", 43: "share-qr", 44: "page-link", 45: "page-keywords"},
    CHANGJI: {},
    JIMSAR: {},
}


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_exactly_the_chrome_lines_are_removed(path: Path) -> None:
    assert removed_rules(path) == EXPECTED[path]


@pytest.mark.parametrize(
    ("path", "number", "start"),
    [
        (SHAOYANG, 11, "邵市政办发〔202315号"),  # doc number, after the index code
        (SHAOYANG, 13, "邵阳市人民政府办公室"),
        (SHAOYANG, 176, "(三)强化要素保障,加大资金投入。"),  # last paragraph before the QR line
        (JIANGXI, 2, "江西省人民政府办公厅关于印发江西省贯彻落实"),  # the copy of line 1 kept
        (JIANGXI, 41, "(四)强化实施指导。"),
        (CHONGQING, 103, "提升行政区划和界线管理工作智能化水平。"),
    ],
)
def test_body_lines_next_to_chrome_survive(path: Path, number: int, start: str) -> None:
    kept = {line.line: line.text for line in strip_boilerplate(list(prepared(path)))[0]}
    assert kept[number].startswith(start)


def test_removal_keeps_the_full_text_with_the_publication_time() -> None:
    removals = {r.line: r for r in strip_boilerplate(list(prepared(SHAOYANG)))[1]}
    assert removals[5].text == "时间: 2023-07-25 11:22 来源:邵阳市人民政府门户网站 【字体:"
    assert removals[185].text.startswith("政务服务热线:12345 E_MAIL:")


def test_chrome_words_inside_the_body_stay() -> None:
    lines = list(prepared(SHAOYANG))
    middle = next(i for i, line in enumerate(lines) if line.line == 100)
    inserted = [
        Line("主办单位:市民政局", 1001),
        Line("来源:市统计局", 1002),
        Line("分享到各社区", 1003),
        Line("扫一扫", 1004),
        Line("网站地图", 1005),
        Line("(三)主办单位要做好保障,数据来源于市统计局,经验分享到各社区。", 1006),
    ]
    kept, removed = strip_boilerplate(lines[:middle] + inserted + lines[middle:])
    assert {line.line for line in inserted} <= {line.line for line in kept}
    assert {r.line: r.rule for r in removed} == EXPECTED[SHAOYANG]


def synthetic(*texts: str) -> list[Line]:
    return [Line(text, number) for number, text in enumerate(texts, start=1)]


def test_signature_block_before_tail_chrome_is_kept() -> None:
    lines = synthetic(
        "各区县人民政府,市政府各部门:",
        "现将《方案》印发给你们,请认真贯彻执行。",
        "某某市人民政府办公室",
        "2023年7月25日",
        "扫一扫在手机打开当前页",
        "最新资讯",
    )
    kept, removed = strip_boilerplate(lines)
    assert [line.line for line in kept] == [1, 2, 3, 4]
    assert [(r.line, r.rule) for r in removed] == [(5, "share-qr"), (6, "tail-residue")]


def test_a_signing_date_after_an_attachment_link_is_kept() -> None:
    lines = synthetic(
        "各乡镇人民政府,区政府各部门:",
        "现将《纲要》印发给你们,请结合实际,认真贯彻执行。",
        "某某区国民经济和社会发展第十四个五年规划纲要.docx",
        "2021年9月23日",
        "(此件公开发布)",
        "扫一扫在手机打开当前页",
    )
    kept, removed = strip_boilerplate(lines)
    assert [line.line for line in kept] == [1, 2, 4, 5]
    assert [(r.line, r.rule) for r in removed] == [(3, "document-sharing"), (6, "share-qr")]


def test_a_page_of_titles_keeps_them_and_loses_its_chrome() -> None:
    # no body anchor (no heading, no sentence): the lines above the tail are all head zone,
    # and three short lines in a row are more than the residue of a share widget
    lines = synthetic(
        "当前位置: 首页 > 政务公开 > 政策文件",
        "时间: 2024-01-02 11:22 来源:某市人民政府门户网站",
        "某某市民政事业“十四五”规划",
        "(征求意见稿)",
        "某某市民政局",
        "扫一扫在手机打开当前页",
        "分享到:",
        "网站标识码:4305270003",
    )
    kept, removed = strip_boilerplate(lines)
    assert [line.text for line in kept] == [
        "某某市民政事业“十四五”规划",
        "(征求意见稿)",
        "某某市民政局",
    ]
    assert [r.rule for r in removed] == [
        "breadcrumb",
        "page-meta",
        "share-qr",
        "share-qr",
        "site-footer",
    ]


def test_a_portal_article_tail_goes_and_the_signature_stays() -> None:
    lines = synthetic(
        "各县市区民政局:",
        "现将《实施方案》印发给你们,请认真贯彻执行。",
        "某某市民政局",
        "2023年5月6日",
        "附件下载:",
        "某某市社区服务体系建设实施方案.doc",
        "【责任编辑:张三】",
        "【我要纠错】【打印本页】【关闭窗口】",
        "上一篇:某某市关于做好养老服务工作的通知",
        "下一篇:某某市民政局2023年工作要点",
        "相关文章",
        "视力保护色:",
    )
    kept, removed = strip_boilerplate(lines)
    assert [line.line for line in kept] == [1, 2, 3, 4]
    assert [r.rule for r in removed] == [
        "page-link",
        "document-sharing",
        "editor",
        "page-controls",
        "page-navigation",
        "page-navigation",
        "page-navigation",
        "page-controls",
    ]


def test_tail_words_inside_the_document_stay() -> None:
    lines = synthetic(
        "各县市区民政局:",
        "编辑:各地要把好审核关。",  # a sentence
        "相关文章",  # not at the tail
        "现将《实施方案》印发给你们,请认真贯彻执行。",
    )
    assert kept_numbers(lines) == [1, 2, 3, 4]


def test_short_closing_lines_stay_without_tail_chrome() -> None:
    lines = synthetic(
        "各区县人民政府:", "请认真贯彻执行。", "某某市人民政府办公室", "2023年7月25日"
    )
    assert kept_numbers(lines) == [1, 2, 3, 4]


def test_head_rules_do_not_fire_after_the_document_starts() -> None:
    lines = synthetic(
        "当前位置: 首页 > 政策",
        "各区县人民政府:",
        "当前位置: 首页 > 政策",
        "时间: 2023-07-25 来源:某某网",
        "请认真贯彻执行。",
    )
    assert kept_numbers(lines) == [2, 3, 4, 5]


def test_a_sentence_is_never_tail_chrome() -> None:
    lines = synthetic(
        "各区县人民政府:",
        "请认真贯彻执行。",
        "本方案由主办单位负责解释,版权所有单位另行通知。",
        "网站地图",
    )
    assert kept_numbers(lines) == [1, 2, 3]


def test_spam_needs_many_signals_and_no_real_line_reaches_it() -> None:
    spam = next(rule for rule in load_ruleset().rules if rule.name == "spam").spam
    assert spam is not None
    assert spam.score(prepared(SHAOYANG)[0].text) >= 3 * spam.threshold  # shaoyang line 1
    body = [line for path in ALL_SAMPLES for line in prepared(path) if line.line != 1]
    assert max(spam.score(line.text) for line in body) < spam.threshold
    assert not spam.matches("提供免费体检,学习日本、韩国、欧美经验。")


def test_a_line_without_any_spam_term_is_never_scored() -> None:
    spam = next(rule for rule in load_ruleset().rules if rule.name == "spam").spam
    assert spam is not None
    features_only = "xxx_yyy|zzz"  # a bar, an underscore between words, xxx: weight 4 < 6
    assert not spam.may_reach_threshold(features_only)
    assert spam.score(features_only) == 4.0
    assert spam.may_reach_threshold("在线观看" + features_only)


@pytest.fixture
def extra_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "boilerplate.yaml").write_text(
        "rules:\n  - name: tech-support\n    zone: tail\n    pattern: '^技术支撑'\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(rules.ENV_VAR, str(tmp_path))
    rules.load.cache_clear()
    load_ruleset.cache_clear()
    yield tmp_path
    monkeypatch.delenv(rules.ENV_VAR)
    rules.load.cache_clear()
    load_ruleset.cache_clear()


def test_an_analyst_can_add_a_rule_without_code(extra_rules: Path) -> None:
    lines = synthetic("各区县人民政府:", "请认真贯彻执行。", "网站地图", "技术支撑:某某公司")
    removed = strip_boilerplate(lines)[1]
    assert [(r.line, r.rule) for r in removed] == [(3, "site-footer"), (4, "tech-support")]


def test_a_rule_with_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="zone"):
        parse_rule({"name": "x", "zone": "middle", "pattern": "x"})
    with pytest.raises(ValueError, match="pattern or a score"):
        parse_rule({"name": "x", "zone": "tail"})


def test_normalize_reports_the_same_removals() -> None:
    from plancli.stages.normalize import normalize

    report = normalize(SHAOYANG.read_text(encoding="utf-8")).report
    assert {r.line: r.rule for r in report.boilerplate_removed} == EXPECTED[SHAOYANG]


lines_strategy = st.lists(
    st.text(
        alphabet=st.sampled_from("各县:。扫一分享主办单位来源时间2023-07 |_xX,首页>备案号"),
        max_size=30,
    )
    | st.text(max_size=30),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_any_lines_are_split_into_kept_and_removed(texts: list[str]) -> None:
    lines = synthetic(*texts)
    kept, removed = strip_boilerplate(lines)
    assert sorted([line.line for line in kept] + [r.line for r in removed]) == list(
        range(1, len(lines) + 1)
    )
    assert kept == [line for line in lines if line.line not in {r.line for r in removed}]
    assert all(r.text == lines[r.line - 1].text for r in removed)
