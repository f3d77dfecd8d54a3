"""The normalize stage on the five real samples and on each pass alone.

Expected values were read off the samples (line numbers are the files' own) and the gloss
counts cross-checked with `grep -oP '\\p{Han}\\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+ ?\\)'`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ALL_SAMPLES, CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.core import Line, Normalized
from plancli.kept import read_kept, write_kept
from plancli.stages import traditional
from plancli.stages.glosses import (
    ASCII_GLOSS_SPLIT,
    GLOSS_SPLIT,
    HAN_RANGES,
    Reading,
    parse_reading,
    strip_glosses,
    strip_glosses_in,
)
from plancli.stages.normalize import (
    CLEANUP_CHARS,
    clean_characters,
    drop_stray_spaces,
    fix_spaces,
    fold_punctuation,
    join_broken_lines,
    normalize,
)
from plancli.stages.read import decode
from plancli.stages.script import (
    count_changed,
    count_changed_lines,
    detect_script,
    resolve_zhe,
)
from plancli.stages.traditional import traditional_classes, traditional_forms

GLOSS_LEFT = re.compile(r"[\u4e00-\u9fff][(（] *[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+[1-5]? *[)）]")


@cache
def normalized(path: Path) -> Normalized:
    return normalize(decode(path.read_bytes()).text)


def line(path: Path, number: int) -> str:
    """The normalized text of original line `number` (fails if it was dropped or merged)."""
    matches = [item.text for item in normalized(path).lines if item.line == number]
    assert matches, f"line {number} is not in the output"
    return matches[0]


# --- the samples --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "count"),
    [(CHANGJI, 2068), (CHONGQING, 2052), (JIANGXI, 658), (JIMSAR, 0), (SHAOYANG, 2416)],
    ids=["changji", "chongqing", "jiangxi", "jimsar", "shaoyang"],
)
def test_gloss_count_per_sample(path: Path, count: int) -> None:
    assert normalized(path).report.annotations_removed == count


@pytest.mark.parametrize(
    ("path", "script"),
    [
        (CHANGJI, "traditional"),
        (CHONGQING, "traditional"),
        (JIANGXI, "traditional"),
        (JIMSAR, "simplified"),
        (SHAOYANG, "traditional"),  # a simplified spam title (line 1) does not make it mixed
    ],
    ids=["changji", "chongqing", "jiangxi", "jimsar", "shaoyang"],
)
def test_script_per_sample(path: Path, script: str) -> None:
    report = normalized(path).report
    assert report.script == script
    assert (report.converted_chars > 2000) == (script == "traditional")


def test_no_gloss_and_no_traditional_character_is_left(sample: Path) -> None:
    text = normalized(sample).text
    assert GLOSS_LEFT.search(text) is None
    for config in ("t2s", "hk2s"):
        assert opencc.OpenCC(config).convert(text) == text, config


def test_lines_keep_original_numbers_in_order(sample: Path) -> None:
    result = normalized(sample)
    numbers = [item.line for item in result.lines]
    total = len(decode(sample.read_bytes()).text.split("\n"))
    assert numbers == sorted(set(numbers))
    assert numbers[0] >= 1 and numbers[-1] <= total
    assert all(item.text and item.text == item.text.strip() for item in result.lines)


def test_glossed_lines_lose_exactly_their_glosses() -> None:
    # Jiangxi line 11 has the `會(huì )` form, with the space inside the parenthesis.
    assert line(JIANGXI, 11).startswith("以习近平新时代中国特色社会主义思想为指导")
    assert line(CHANGJI, 11) == "一、工作目标"  # 一、工作目標(biāo)
    assert line(CHANGJI, 13) == "二、重点任务"  # 二、重點(diǎn)任務(wù)
    assert line(CHANGJI, 7) == "2023年5月6日"


def test_non_pinyin_parentheses_survive() -> None:
    assert "移动通信(5G)、物联网" in line(CHANGJI, 26)  # 移動(dòng)通信(5G)、物聯(lián)網(wǎng)
    assert line(CHANGJI, 14) == "(一)完善城乡社区服务格局"
    assert "村(社区)" in line(CHANGJI, 12)  # 村(社區(qū)): the gloss goes, the bracket stays
    assert "移动通信(5G)" in line(JIMSAR, 22)


def test_changji_title_broken_over_three_lines_is_joined() -> None:
    assert line(CHANGJI, 1) == (
        "关于印发《昌吉州落实〈自治区“十四五”城乡社区服务体系建设规划〉实施方案》的通知"
    )
    assert line(CHANGJI, 8) == "昌吉州落实《自治区“十四五”城乡社区服务体系建设规划》实施方案"
    numbers = {item.line for item in normalized(CHANGJI).lines}
    assert {2, 3, 9}.isdisjoint(numbers)
    joins = [r for r in normalized(CHANGJI).report.repairs if r.kind == "joined-line"]
    assert [(r.line, r.before.count("\n") + 1) for r in joins] == [(1, 3), (8, 2)]
    assert joins[0].before.split("\n")[1] == "城乡社区服务体系建设规划〉"


def test_shaoyang_titles_joined_across_blank_lines() -> None:
    # Line 15 has lost the opening “ of 十四五: the stray ” must not confuse the join.
    assert line(SHAOYANG, 15) == (
        "关于印发《邵阳市贯彻落实〈湖南省十四五”城乡社区服务体系建设规划〉实施方案》的通知"
    )
    assert line(SHAOYANG, 28) == "邵阳市贯彻落实《湖南省“十四五”城乡社区服务体系建设规划》实施方案"
    numbers = {item.line for item in normalized(SHAOYANG).lines}
    assert {17, 30}.isdisjoint(numbers)


def test_body_paragraphs_are_never_joined(sample: Path) -> None:
    for repair in normalized(sample).report.repairs:
        if repair.kind == "joined-line":
            assert all(len(part) <= 40 for part in repair.before.split("\n"))
    # Shaoyang line 21 ends a 》 it never opened; Chongqing 1-2 is a title + period line.
    assert line(SHAOYANG, 21).startswith("邵阳市贯彻落实湖南省十四五”")
    assert line(CHONGQING, 1) == "重庆市民政事业发展“十四五”规划"
    assert line(CHONGQING, 2) == "(2021—2025年)"


def test_jimsar_stray_spaces_between_hanzi_are_removed_and_recorded() -> None:
    repairs = [r for r in normalized(JIMSAR).report.repairs if r.kind == "stray-space"]
    assert [r.line for r in repairs] == [3, 12, 15, 18, 21, 22, 24]
    assert (repairs[0].before, repairs[0].after) == (
        "吉木萨尔 县人民政府办",
        "吉木萨尔县人民政府办",
    )
    assert line(JIMSAR, 3) == "吉木萨尔县人民政府办公室"
    assert "“巾帼心向党奋进新征程”" in line(JIMSAR, 12)
    assert "发展改革委、住建局" in line(JIMSAR, 15)  # `、 住建局`


def test_changji_stray_spaces_in_table_cells() -> None:
    spaces = {r.line: r for r in normalized(CHANGJI).report.repairs if r.kind == "stray-space"}
    assert set(spaces) == {42, 68}
    assert "| 城乡社区社会工作服务行动 |" in line(CHANGJI, 42)  # 社會(huì) 工作
    assert "| 昌吉州指标现状 |" in line(CHANGJI, 68)
    assert spaces[42].before == "城乡社区社会 工作服务行动"


def test_spaces_between_latin_words_and_numbers_stay() -> None:
    assert "(2021—2025年)" in line(CHONGQING, 2)
    assert line(CHANGJI, 66) == "附件 2"  # hanzi + digit: not a stray space
    assert "社会工作室150 个" in line(SHAOYANG, 68)  # en space folded, digit + hanzi kept


def test_zhe_rules_on_the_samples() -> None:
    assert "生活无着的流浪" in line(CHONGQING, 5)
    assert "上制约着我市民" in line(CHONGQING, 9)
    assert "始终沿着正确" in line(CHONGQING, 12)
    assert "问题着眼" in line(CHONGQING, 17) and "安全感显著增强" in line(CHONGQING, 17)
    assert line(CHONGQING, 43).startswith("着力助推乡村振兴。")
    assert "水平显著提升" in line(JIANGXI, 12)  # 顯著(zhù): the gloss pins 著
    assert "水平显著提升" in line(SHAOYANG, 52)
    assert line(SHAOYANG, 112) == "(五)着力增强城乡社区服务效能"
    assert "生活无着乞讨" in line(SHAOYANG, 160)


def test_simplified_sample_is_left_to_whitespace_fixes_only() -> None:
    raw = JIMSAR.read_text(encoding="utf-8").split("\n")
    result = normalized(JIMSAR)
    assert result.report.converted_chars == 0
    repaired = {r.line for r in result.report.repairs}
    for item in result.lines:
        if item.line not in repaired:
            assert item.text == raw[item.line - 1].strip()


def test_traditional_regional_variants_fold() -> None:
    # t2s leaves 衞 (Hong Kong form); hk2s folds it, and Taiwan forms too.
    result = normalize("加強村衞生室和社區衛生服務中心建設,完善醫療衞生體系。\n裏面的綫路")
    assert result.text == "加强村卫生室和社区卫生服务中心建设,完善医疗卫生体系。\n里面的线路"
    assert result.report.script == "traditional"


# --- pass 1: characters -------------------------------------------------------------------


def test_clean_characters_keeps_line_numbers() -> None:
    lines = clean_characters("甲\r\n乙\r丙\n\u2028丁\u200b戊\u00a0己\u3000庚\t辛\x00\ufeff")
    assert [(item.line, item.text) for item in lines] == [
        (1, "甲"),
        (2, "乙"),
        (3, "丙"),
        (4, " 丁戊 己 庚 辛"),
    ]


def test_every_character_cleaned_is_unprintable() -> None:
    """`clean_line` passes printable lines untouched, unsearched."""
    cleaned = [code for code in range(0x110000) if CLEANUP_CHARS.fullmatch(chr(code))]
    assert len(cleaned) == 2235  # with the 2048 lone surrogates and the 128 tag characters
    assert not any(chr(code).isprintable() for code in cleaned)


# --- pass 2: glosses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gloss", "reading"),
    [
        ("guān", Reading("guan", 1)),
        ("guan1", Reading("guan", 1)),
        ("zh\u00e8", Reading("zhe", 4)),
        ("zhe\u0300", Reading("zhe", 4)),  # decomposed tone mark
        ("zhe", Reading("zhe", 0)),
        ("lǜ", Reading("lü", 4)),
        ("lv4", Reading("lü", 4)),
        ("nu:3", Reading("nü", 3)),
        ("ā", Reading("a", 1)),
    ],
)
def test_valid_readings(gloss: str, reading: Reading) -> None:
    assert parse_reading(gloss) == reading


@pytest.mark.parametrize(
    "gloss", ["5G", "APP", "Guān", "含", "一", "a", "e", "gǔān", "guān1", "xyz", "guan6", "q"]
)
def test_not_readings(gloss: str) -> None:
    assert parse_reading(gloss) is None


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("關(guān)于印發(fā)", "關于印發", 2),
        ("社會(huì )主義", "社會主義", 1),  # Jiangxi form: space before the close
        ("社會（huì）主義", "社會主義", 1),  # full-width parentheses
        ("創( chuàng )新", "創新", 1),
        ("移動(dòng)通信(5G)", "移動通信(5G)", 1),
        ("(一)完善", "(一)完善", 0),
        ("方案(試行)", "方案(試行)", 0),
        ("應用(APP)", "應用(APP)", 0),
        ("名單(a)", "名單(a)", 0),  # a toneless one-letter list label is no gloss
        ("APP(guān)", "APP(guān)", 0),  # only after a hanzi
        ("工作(gōngzuò)", "工作(gōngzuò)", 0),  # two syllables: not a single gloss
    ],
)
def test_strip_glosses(text: str, expected: str, count: int) -> None:
    result, removed = strip_glosses(Line(text, 9))
    assert (result.text, removed, result.line) == (expected, count, 9)


def test_glosses_stripped_over_a_document_as_line_by_line() -> None:
    texts = [
        "(guān)于印發(fā)",  # a gloss at a line start follows no hanzi
        "關(guān)(yú)于",  # nor does a gloss right after a removed one
        "",
        "乾(qián)隆年間與乾(gān)燥",  # readings that decide the character pin it
        "移動(dòng)通信(5G)(一)",
        "於(一)對於(yú)",  # a bracket after 於 that is no gloss
    ]
    lines = [Line(text, number) for number, text in enumerate(texts, 3)]
    glossed, removed = strip_glosses_in(lines)
    assert [(item.text, item.line, item.pins) for item in glossed] == [
        ("(guān)于印發", 3, {}),
        ("關(yú)于", 4, {}),
        ("", 5, {}),
        ("乾隆年間與乾燥", 6, {0: "乾", 5: "干"}),
        ("移動通信(5G)(一)", 7, {}),
        ("於(一)對於", 8, {5: "于"}),
    ]
    assert removed == 6
    assert glossed == [strip_glosses(line)[0] for line in lines]


def test_full_width_glosses_stripped_over_a_document() -> None:
    texts = ["關（guān）于印發(fā)（試行）", "(guān)于", "乾（gān）燥"]
    lines = [Line(text, number) for number, text in enumerate(texts, 1)]
    glossed, removed = strip_glosses_in(lines)
    assert [(item.text, item.pins) for item in glossed] == [
        ("關于印發（試行）", {}),
        ("(guān)于", {}),
        ("乾燥", {0: "干"}),
    ]
    assert removed == 3


@pytest.mark.parametrize(
    "text",
    [
        "關(guān)于印發(fā)(試行)",
        "(guān)于\n於(一)對於 (yú )",
        "工作(gōngzuò)𠀀(a)",
        "移動(dòng)通信(5G)(一)",
    ],
)
def test_ascii_gloss_split_as_the_general_one(text: str) -> None:
    assert ASCII_GLOSS_SPLIT.split(text) == GLOSS_SPLIT.split(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("乾(qián)隆年間", "乾隆年间"),  # converting before stripping would give 干隆
        ("乾(qián)", "乾"),
        ("乾(gān)燥", "干燥"),
        ("顯著(zhù)提高", "显著提高"),
        ("沿著(zhù)", "沿著"),  # the gloss wins over the 著 rules
        ("意味著(zhe)", "意味着"),
        ("著(zhuó)力推進", "着力推进"),
        ("瞭(liào)望", "瞭望"),
        ("瞭(liǎo)解", "了解"),
        ("關(guān)于乾(qián)隆年間", "关于乾隆年间"),  # pin offset after an earlier gloss
    ],
)
def test_gloss_reading_decides_the_character(text: str, expected: str) -> None:
    assert normalize(text + "\n與國際關係").lines[0].text == expected


# --- passes 3-4: script and conversion ----------------------------------------------------


def test_detect_script() -> None:
    simplified = ["中华人民共和国国务院办公厅关于印发实施方案的通知"] * 5
    traditional = ["中華人民共和國國務院辦公廳關於印發實施方案的通知"] * 5
    assert detect_script(simplified) == "simplified"
    assert detect_script(traditional) == "traditional"
    assert detect_script(simplified + traditional) == "mixed"
    assert detect_script(["12345", "abc"]) == "simplified"
    # 乾隆 is a traditional-only form on its own, but one line of it stays a simplified text.
    assert detect_script([*simplified * 20, "乾隆年间的事"]) == "simplified"


def test_traditional_share_stops_once_it_is_enough() -> None:
    from plancli.stages.script import traditional_share

    marked = [("國務院辦公廳", True), ("关于印发实施方案的通知", False), ("關於印發", True)]
    assert traditional_share(marked, 10, 1.0) == 10 / 20  # 6 + 4 traditional hanzi
    assert traditional_share(marked, 10, 0.3) == 6 / 16  # the first line is enough
    # a traditional text with a few simplified lines is decided as with every line counted
    lines = ["中華人民共和國國務院辦公廳關於印發實施方案的通知"] * 60
    assert detect_script([*lines, "中华人民共和国国务院办公厅关于印发"]) == "traditional"
    assert detect_script([*lines[:8], *["中华人民共和国国务院办公厅关于印发"] * 2]) == "mixed"


def test_traditional_forms_on_every_plane() -> None:
    forms = traditional_forms()
    found = [forms.found_in(text) for text in ["關于", "关于", "5G 𠁞", "𠀾", "乾隆", ""]]
    # 𠁞 (U+2005E) is what hk2s changes to 𠀾; 乾 is listed in `also_simplified`
    assert found == [True, False, True, False, False, False]


@cache
def sample_hanzi() -> set[str]:
    han = re.compile(f"[{HAN_RANGES}]")
    return {char for path in ALL_SAMPLES for char in han.findall(normalized(path).text)}


def test_traditional_forms_are_what_hk2s_changes_one_by_one() -> None:
    converter = opencc.OpenCC("hk2s")
    also_simplified = "乾於夥徵"  # rules/normalize.yaml
    chars = sample_hanzi() | set("著關开𠁞𠀾" + also_simplified)
    changed = {char for char in chars if converter.convert(char) != char}
    assert {char for char in chars if traditional_forms().found_in(char)} == changed - set(
        also_simplified
    )
    assert {"關", "乾", "𠁞"} <= changed and not {"开", "𠀾"} & changed


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("PLANCLI_CACHE", str(tmp_path))
    yield tmp_path


def kept_classes(folder: Path) -> list[str]:
    (kept,) = folder.glob("hk2s-traditional-forms-*.marshal")
    return list(read_kept(str(kept), traditional.KEPT_FORMS_TAG))


def test_traditional_forms_are_worked_out_once_and_kept(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    classes = traditional_classes()
    assert kept_classes(cache_folder) == list(classes)
    assert "關" in classes[0] and "𠁞" in classes[1] and "乾" not in classes[0]
    monkeypatch.setattr(traditional, "traditional_chars", lambda chars: pytest.fail("worked out"))
    assert traditional_classes() == classes


def test_a_damaged_kept_list_is_worked_out_again(cache_folder: Path) -> None:
    classes = traditional_classes()
    (kept,) = cache_folder.glob("hk2s-traditional-forms-*.marshal")
    data = kept.read_bytes()
    kept.write_bytes(data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])  # one flipped bit
    assert traditional_classes() == classes
    assert kept_classes(cache_folder) == list(classes)


def test_a_kept_list_that_is_no_class_of_hanzi_or_others_may_write_is_not_read(
    cache_folder: Path,
) -> None:
    # its text goes into a pattern: with a valid checksum it must still be hanzi ranges only
    import os

    classes = traditional_classes()
    (kept,) = cache_folder.glob("hk2s-traditional-forms-*.marshal")
    write_kept(str(kept), traditional.KEPT_FORMS_TAG, ("a]|(x+)+y", ""))
    assert traditional.read_kept_forms(str(kept)) is None
    assert traditional_classes() == classes
    os.chmod(kept, 0o666)
    assert traditional.read_kept_forms(str(kept)) is None


def test_an_unwritable_cache_folder_only_means_working_the_forms_out_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("PLANCLI_CACHE", str(blocker / "cache"))
    basic, supplementary = traditional_classes()
    assert "關" in basic and "𠁞" in supplementary


def test_simplified_text_is_not_touched_by_opencc() -> None:
    text = "乾隆年间,著名的原著。沿著河边走"  # legitimate or odd forms stay in simplified text
    result = normalize(text)
    assert result.report.script == "simplified"
    assert result.text == text and result.report.converted_chars == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("制约著", "制约着"),
        ("沿著正确方向", "沿着正确方向"),
        ("著力推进", "着力推进"),
        ("从问题著眼", "从问题着眼"),
        ("生活无著", "生活无着"),
        ("存在著风险", "存在着风险"),
        ("成效显著", "成效显著"),
        ("著名作家", "著名作家"),
        ("原著", "原著"),
        ("著作权", "著作权"),
        ("名著", "名著"),
        ("功勋卓著", "功勋卓著"),
        ("臭名昭著", "臭名昭著"),
        ("讨论著作", "讨论着作"),  # 讨论著 (change) is longer than 论著 (keep)
        ("具有著名的", "具有著名的"),  # 有著 ties with 著名: keep wins
    ],
)
def test_zhe_rules_both_ways(text: str, expected: str) -> None:
    assert resolve_zhe(text) == expected


def test_zhe_rules_skip_pinned_positions() -> None:
    assert resolve_zhe("沿著沿著", pinned=[1]) == "沿著沿着"


def test_traditional_zhe_conversion_counts_changed_characters() -> None:
    result = normalize("經濟發展制約著我們。顯著提升")
    assert result.text == "经济发展制约着我们。显著提升"
    assert result.report.converted_chars == 7  # 經 濟 發 約 著 們 顯
    assert result.report.script == "traditional"


def test_count_changed_on_a_long_converted_line() -> None:
    before = "經濟發展" * 15 + "𠀀"  # 61 characters: counted in one comparison of the whole line
    assert count_changed(before, "经济发展" * 15 + "𠀁") == 46  # 經 濟 發 per word, and 𠀀
    assert count_changed(before, before) == 0
    assert count_changed("經濟", "经济发展") == 4  # 2 changed + 2 added
    assert count_changed(before[:-1], "经济发展" * 15) == 45  # no surrogate pair: UTF-16


COMPARED = "經经濟济a\x00\ud800\udc00\U00020000\U00020001\U0010ffff"  # lone surrogates too


@given(st.lists(st.sampled_from(COMPARED), max_size=120))
@settings(max_examples=200, deadline=None)
def test_count_changed_counts_every_differing_position(chars: list[str]) -> None:
    before = "".join(chars)
    after = "".join(reversed(chars))
    assert count_changed(before, after) == sum(a != b for a, b in zip(before, after, strict=True))


def test_count_changed_lines_sums_the_lines() -> None:
    before = ["關於印發", "經濟", "", "ab"]
    assert count_changed_lines(before, ["关于印发", "经济", "", "ab"]) == 5
    assert count_changed_lines(before, ["关于印发", "经济发展", "x", "ab"]) == 8
    assert count_changed_lines(before, list(before)) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("社区 服务 中心", "社区服务中心"),
        ("“十四五” 时期, 2025 年", "“十四五”时期, 2025 年"),  # a comma is ASCII after folding
        ("𠀀 丁 Wi-Fi 覆盖", "𠀀丁 Wi-Fi 覆盖"),
        (" 社区 ", " 社区 "),  # no character on one side: kept
        ("社区  服务", "社区  服务"),  # a run of spaces is collapsed before, by `fix_spaces`
        ("《规划》 〔2021〕 〇 ・ ｢通知｣ … 一", "《规划》〔2021〕〇 ・ ｢通知｣…一"),
    ],
)
def test_drop_stray_spaces(text: str, expected: str) -> None:
    assert drop_stray_spaces(text) == expected


def is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"
        or "\u3400" <= char <= "\u4dbf"
        or "\uf900" <= char <= "\ufaff"
        or "\U00020000" <= char <= "\U0003134f"
        or char in "‘’“”—…·"
        or "\u3001" <= char <= "\u303f"
        or "\uff5f" <= char <= "\uff64"
    )


@given(st.lists(st.sampled_from([" ", " ", "a", "1", "社", "𠀀", "〇", "“", "・", "｢", "。", "—"])))
@settings(max_examples=300, deadline=None)
def test_drop_stray_spaces_drops_exactly_the_spaces_between_two_cjk_characters(
    parts: list[str],
) -> None:
    text = "".join(parts)
    kept = [
        char
        for index, char in enumerate(text)
        if not (
            char == " "
            and 0 < index < len(text) - 1
            and is_cjk(text[index - 1])
            and is_cjk(text[index + 1])
        )
    ]
    assert drop_stray_spaces(text) == "".join(kept)


# --- passes 6-8 ---------------------------------------------------------------------------


def test_fold_punctuation_counts_in_one_info_diagnostic() -> None:
    lines = [Line("甲，乙：丙（一）１０．５％", 4), Line("无", 5), Line("Ａ～Ｚ；！？", 7)]
    folded, diagnostic = fold_punctuation(lines)
    assert [item.text for item in folded] == ["甲,乙:丙(一)10.5%", "无", "A~Z;!?"]
    assert diagnostic is not None
    assert (diagnostic.level, diagnostic.code, diagnostic.line) == ("info", "punctuation-folded", 4)
    assert diagnostic.message.startswith("15 ")


def test_chinese_marks_are_not_folded() -> None:
    text = "。、“”‘’《》〈〉〔〕【】「」—…·"
    folded, diagnostic = fold_punctuation([Line(text, 1)])
    assert folded[0].text == text and diagnostic is None


def test_fix_spaces() -> None:
    lines = [
        Line("吉木萨尔 县人民政府办公室", 3),
        Line("Hello  world 2023 年", 4),
        Line("5G 网络 | 社会  工作", 5),
        Line("“十四五” 规划", 6),
    ]
    fixed, repairs = fix_spaces(lines)
    assert [item.text for item in fixed] == [
        "吉木萨尔县人民政府办公室",
        "Hello world 2023 年",
        "5G 网络 | 社会工作",
        "“十四五”规划",
    ]
    assert [(r.line, r.kind) for r in repairs] == [
        (3, "stray-space"),
        (5, "stray-space"),
        (6, "stray-space"),
    ]


@pytest.mark.parametrize(
    "parts",
    [
        ["关于印发《实施方案", "的通知"],  # never closes
        ["关于印发《实施方案》的通知", "各县市人民政府:"],  # nothing open
        [
            "这是一段正文,引用《关于印发某某规划的通知》的精神,并且继续讨论《另一个文件的名称",
            "》。",
        ],
        ["标题《一", "| 表格 | 行》 |"],
        ["说明如下《规划》。", "后文》"],
    ],
)
def test_join_is_conservative(parts: list[str]) -> None:
    lines = [Line(text, number) for number, text in enumerate(parts, 1)]
    joined, repairs = join_broken_lines(lines)
    assert joined == lines and repairs == []


def test_join_keeps_first_line_number_and_records_parts() -> None:
    lines = [Line("前言", 1), Line("关于《某某", 3), Line("规划》的通知", 6), Line("正文", 7)]
    joined, repairs = join_broken_lines(lines)
    assert joined == [Line("前言", 1), Line("关于《某某规划》的通知", 3), Line("正文", 7)]
    assert [(r.line, r.kind, r.before, r.after) for r in repairs] == [
        (3, "joined-line", "关于《某某\n规划》的通知", "关于《某某规划》的通知")
    ]


# --- robustness and the lean path ---------------------------------------------------------

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(list("()（）|《》〈〉“”著乾關會 \n\r\t\u3000\u00a0\u200b\x00guānhuì5G,:")),
        st.characters(),
    ),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_normalize_never_raises_and_keeps_line_numbers(text: str) -> None:
    result = normalize(text)
    total = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    numbers = [item.line for item in result.lines]
    assert numbers == sorted(set(numbers))
    assert all(1 <= n <= total for n in numbers)
    assert all(item.text and "\n" not in item.text for item in result.lines)
    assert result.report.annotations_removed >= 0 and result.report.converted_chars >= 0


def test_normalize_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from plancli.stages.normalize import normalize; normalize('關(guān)于衞生'); "
        "print(sorted({'pydantic', 'rich', 'typer', 'regex'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plain_text_loads_no_html_or_date_module() -> None:
    code = (
        "import sys; from plancli.stages.normalize import normalize; "
        "normalize('关于印发《社区服务规划》的通知\\n索引号: 11650000/2023-00012\\n各乡镇:'); "
        "print(sorted({'html', 'datetime'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_normalize_is_idempotent_on_its_output(path: Path) -> None:
    text = normalized(path).text
    again = normalize(text)
    assert again.text == text
    assert again.report.repairs == [] and again.report.annotations_removed == 0


def test_join_puts_a_space_only_between_latin_letters_or_digits() -> None:
    lines = [Line("《Plan", 1), Line("B》实施", 2), Line("《十四五", 3), Line("规划》", 4)]
    joined, _ = join_broken_lines(lines)
    assert [item.text for item in joined] == ["《Plan B》实施", "《十四五规划》"]


# --- garbled-run analysis is report-only -------------------------------------------


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.stem.split("-")[0])
def test_skipping_garbled_analysis_leaves_the_text_identical(path: Path) -> None:
    text = decode(path.read_bytes()).text
    full, lean = normalize(text), normalize(text, find_garbled=False)
    assert lean.text == full.text
    assert lean.report.repairs == full.report.repairs
    assert lean.report.suspect_spans == []


def test_recovered_candidates_are_simplified_like_the_text() -> None:
    spans = normalize(decode(CHONGQING.read_bytes()).text).report.suspect_spans
    by_line = {span.line: span for span in spans if span.candidate}
    assert by_line[65].candidate == "。“十四五”期间"  # raw recovery reads 期間
    assert by_line[65].text == "?!笆奈濉逼陂g"  # the garbled run itself is kept as found


# --- look-alike zero -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("二○三五年远景目标", "二〇三五年远景目标"),  # U+25CB WHITE CIRCLE
        ("二O二二年", "二〇二二年"),  # Latin capital O
        ("一二三○", "一二三〇"),
        ("第O一", "第O一"),  # not inside a numeral of two or more digits
        ("他说○", "他说○"),
        ("2O23", "2O23"),
    ],
)
def test_fold_look_alike_zero(before: str, after: str) -> None:
    from plancli.stages.normalize import fold_look_alike_zero

    fixed, repairs = fold_look_alike_zero([Line(before, 7)])
    assert fixed[0].text == after
    assert [(r.line, r.kind) for r in repairs] == ([(7, "zero")] if before != after else [])


def test_chongqing_reference_reads_with_a_real_zero() -> None:
    from plancli.pipeline import process_file

    document = process_file(CHONGQING)
    titles = [reference.title for reference in document.meta.references]
    assert "重庆市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要" in titles
    assert [(r.line, r.kind) for r in document.normalization.repairs if r.kind == "zero"] == [
        (3, "zero")
    ]


def test_html_paragraphs_split_tags_dropped_entities_decoded() -> None:
    from plancli.stages.normalize import normalize

    text = (
        "<p>各市、县人民政府:</p><p>&nbsp;现将《实施方案》印发给你们,请认真贯彻执行。</p>\n"
        "<p>一、<strong>总体要求</strong>&ldquo;人民至上&rdquo;</p>\n"
        "县<政府工作报告>任务分解"
    )
    result = normalize(text)
    assert [(line.text, line.line) for line in result.lines] == [
        ("各市、县人民政府:", 1),
        ("现将《实施方案》印发给你们,请认真贯彻执行。", 1),
        ("一、总体要求“人民至上”", 2),
        ("县<政府工作报告>任务分解", 3),
    ]
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "html-removed"] == [
        ("html-removed", 1)
    ]


def test_question_marks_of_a_lost_indent_are_removed() -> None:
    from plancli.stages.normalize import normalize

    text = "\n".join(
        [
            "区政府各委、办、局,各街道办事处:",
            "??区发展改革委《静安区促进养老托育服务高质量发展实施方案》已经区政府审核通过,现转发给你们。",
            "??上海市静安区人民政府办公室",
            "??2023年4月23日",
            "??",
            "一、为什么要做?怎么做?",
        ]
    )
    result = normalize(text)
    assert [line.text for line in result.lines][2:] == [
        "上海市静安区人民政府办公室",
        "2023年4月23日",
        "一、为什么要做?怎么做?",
    ]
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "lost-indent"] == [
        ("lost-indent", 2)
    ]


def test_one_question_mark_at_a_line_start_stays() -> None:
    from plancli.stages.normalize import normalize

    assert normalize("?怎么办\n一、总体要求").lines[0].text == "?怎么办"


def test_a_whole_page_on_one_line_is_split_before_its_headings() -> None:
    from plancli.stages.normalize import normalize

    goal = "到2025年,城乡社区综合服务设施覆盖率达到100%,社区服务体系更加健全。" * 9
    page = (
        "各县市人民政府:现将《实施方案》印发给你们,请认真抓好落实。"
        f"一、工作目标{goal}二、重点任务(一)完善城乡社区服务格局1.健全党建引领机制。"
        "坚持党的领导。第十一条按照规定执行,第三条(一)项除外。十一、保障措施"
    )
    assert len(page) >= 400
    result = normalize(page)
    assert [line.text[:8] for line in result.lines] == [
        "各县市人民政府:",
        "一、工作目标到2",
        "二、重点任务",
        "(一)完善城乡社",
        "第十一条按照规定",
        "十一、保障措施",
    ]
    assert {line.line for line in result.lines} == {1}
    assert [d.code for d in result.diagnostics if d.code == "split-line"] == ["split-line"]


# The run-on cut points as lookarounds around each position: the rules' pattern, which starts
# with a marker's first character so that the engine scans for it, must start where this does.
RUN_ON_BY_LOOKAROUNDS = (
    r"(?<![一二三四五六七八九十百〇零第条款项、(\d])(?=(?:[一二三四五六七八九十]{1,3}、"
    r"|\([一二三四五六七八九十]{1,3}\)|第[一二三四五六七八九十百]{1,4}[章节]))"
    r"|(?<=[。;!?])(?=第[一二三四五六七八九十百]{1,4}条)"
)


def test_run_on_cut_points_are_those_of_the_lookarounds() -> None:
    import random

    from plancli.stages.normalize import _run_on_marker

    reference = re.compile(RUN_ON_BY_LOOKAROUNDS)
    alphabet = "一二三四五六七八九十百〇零第条款项、()0123456789。;!?章节规划 "
    pick = random.Random(11)
    texts = ["".join(pick.choices(alphabet, k=pick.randint(1, 40))) for _ in range(20000)]
    texts.append("总体要求。一、工作目标十一、(一)(十二)第三条(一)项。第十一条第一章第二节")
    for text in texts:
        expected = [match.start() for match in reference.finditer(text)]
        assert [match.start() for match in _run_on_marker().finditer(text)] == expected, text


def test_a_short_line_with_markers_is_never_cut() -> None:
    from plancli.stages.normalize import normalize

    assert len(normalize("一、总体要求(一)指导思想").lines) == 1


def test_every_foldable_character_is_seen_by_the_byte_search() -> None:
    from plancli.stages.normalize import FOLD, may_hold_foldable

    assert all(may_hold_foldable(["总体要求", chr(code) + "一"]) for code in FOLD)
    assert not may_hold_foldable(["总体要求,到2025年", "𠀀〇“规划”—…", ""])
