"""GBK mojibake: detection and byte-level recovery on the real samples.

Every expected candidate below is justified twice: `decode_like_the_page` shows that the true
text, put through one byte-shifted GBK decode, gives exactly the garbled run found in the
sample; and the recovery proposes only characters that agree with that true text (□ where the
document does not decide).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIANGXI, JIMSAR, SHAOYANG
from plancli.core import Line, SuspectSpan
from plancli.stages.garbled import find_suspect_spans
from plancli.stages.garbled.character_model import Bigrams, Lexicon
from plancli.stages.garbled.detect import scan_line
from plancli.stages.garbled.gbk import (
    GBK_TABLE_FILE,
    WEIGHT_DIGITS,
    GbkTable,
    build_gbk_table,
    decode_pair,
    dump_gbk_table,
    fold,
    fold_text,
    forming_leads,
    gbk_table,
    load_gbk_table,
)
from plancli.stages.garbled.lattice import (
    Backward,
    backward_scores,
    dense_backward,
)
from plancli.stages.garbled.recovery import (
    Reading,
    layout_readings,
    make_slot,
    read_layout,
    read_reading,
    readings,
    search_layouts,
    supported,
    walk_layout,
)
from plancli.stages.garbled.run_context import Context, LineContext, run_context
from plancli.stages.garbled.tuning import BRACKET_PENALTY, MIN_CONFIDENCE, UNKNOWN

GLOSS = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6} ?\)")


@cache
def raw_lines(path: Path) -> tuple[Line, ...]:
    lines = enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    return tuple(Line(text.strip(), number) for number, text in lines if text.strip())


@cache
def spans(path: Path) -> tuple[SuspectSpan, ...]:
    return tuple(find_suspect_spans(list(raw_lines(path))))


def line_text(path: Path, number: int) -> str:
    return next(line.text for line in raw_lines(path) if line.line == number)


# --- the byte arithmetic behind the expectations ------------------------------------------


def gbk(text: str) -> bytes:
    return text.encode("gbk")


def page_pua(pair: bytes) -> str:
    """How shaoyang's decoder showed codes that are no character: private-use characters,
    FE50–FEA0 by the old all-PUA GBK table (U+E815 up, skipping FE7F), the rest as GB18030."""
    code = pair[0] << 8 | pair[1]
    if 0xFE50 <= code <= 0xFEA0:
        return chr(0xE815 + pair[1] - 0x50 - (pair[1] > 0x7F))
    return pair.decode("gb18030")


def decode_like_the_page(data: bytes, unmapped: Callable[[bytes], str] = lambda pair: "") -> str:
    """GBK decoding as the damaged pages were decoded: a lead byte followed by a byte that
    cannot follow it becomes "?" together with it; a pair that is no character becomes
    `unmapped(pair)` (chongqing's decoder dropped it)."""
    out, index = [], 0
    while index < len(data):
        if data[index] < 0x80:
            out.append(chr(data[index]))
            index += 1
            continue
        pair = data[index : index + 2]
        if len(pair) < 2 or pair[1] < 0x40 or pair[1] in (0x7F, 0xFF):
            out.append("?")
        else:
            try:
                out.append(pair.decode("gbk"))
            except UnicodeDecodeError:
                out.append(unmapped(pair))
        index += 2
    return "".join(fold(char) for char in "".join(out))


def test_the_true_text_shifted_by_one_byte_is_the_garbled_run() -> None:
    # lost lead byte, shown as "?"; undecodable pairs AECB, A8BF, F9B1 dropped
    assert "?" + decode_like_the_page(gbk("。“十四五”期間")[1:]) == "?!笆奈濉逼陂g"
    assert "?" + decode_like_the_page(gbk("省（縣）")[1:]) == "?。h)"
    assert "?" + decode_like_the_page(gbk("保基本")[1:] + b" ") == "?;?"
    # a pinyin gloss inserted after a lead byte: the lead and the gloss's "(" become "?"
    assert decode_like_the_page(b"\xc8(" + gbk("nèi)") + gbk("仍無")[1:]) == "?nèi)詿o"
    assert decode_like_the_page(b"\xb5(" + gbk("shù)") + gbk("地相關")[1:]) == "?shù)叵嚓P"
    assert decode_like_the_page(b"\x93(" + gbk("fù)") + gbk("換")[1:]) == "?fù)Q"
    charity = gbk("濟困、扶老、恤孤、助殘等慈善志愿服務")[1:] + b"(" + gbk("wù)")
    assert decode_like_the_page(b"\x9d(" + gbk("jié)") + charity, page_pua) == (
        "?jié)\ue30fА⒎隼稀⑿艄隆⒅鷼埖却壬浦驹阜\ue848?wù)"
    )
    utilities = gbk("氣、電力、供水、廣")[1:]
    assert decode_like_the_page(b"\x9a(" + gbk("xì)") + utilities, page_pua) == (
        "?xì)狻㈦娏Α⒐┧\ue178\ue574V"
    )


# --- the real samples -----------------------------------------------------------------------

# (line, garbled run as in the file, candidate, the text the bytes say it was)
CHONGQING_SPANS = [
    # 按照“?;?、兜底線: the doc has “福 six times and never “保, so no guess is shown
    (41, "?;?", None, "保基本"),
    (48, "?nèi)詿o", "□無", "仍無"),  # 經查詢?nèi)詿o法確定
    (48, "?shù)叵嚓P", "□相關", "地相關"),  # 享受當(dāng)?shù)叵嚓P(guān)福利政策
    (64, "?!笆奈濉逼陂g", "。“十四五”期間", "。“十四五”期間"),
    (65, "?!笆奈濉逼陂g", "。“十四五”期間", "。“十四五”期間"),
    (102, "?。h", None, "省(縣"),  # 第四輪?。h)界聯檢: 省/縣 left open by the bytes
    (102, "?。h", None, "省(縣"),  # 第五輪?。h)界聯檢
]
SHAOYANG_SPANS = [
    (60, "?fù)Q", None, "換"),  # 以場(chǎng)地?fù)Q服務(wù)
    (
        70,
        "?jié)\ue30fА⒎隼稀⑿艄隆⒅鷼埖却壬浦驹阜\ue848?wù)",
        "□困、扶老、恤孤、助殘等慈善志愿服務",
        "濟困、扶老、恤孤、助殘等慈善志愿服務",
    ),
    (116, "?xì)狻㈦娏Α⒐┧\ue178\ue574V", "□、電力、供水、廣", "氣、電力、供水、廣"),
]


@pytest.mark.parametrize(
    ("path", "expected"), [(CHONGQING, CHONGQING_SPANS), (SHAOYANG, SHAOYANG_SPANS)]
)
def test_garbled_runs_and_candidates(path: Path, expected: list[tuple]) -> None:
    found = [(span.line, span.text, span.candidate) for span in spans(path)]
    assert found == [(line, text, candidate) for line, text, candidate, _ in expected]
    for number, text, _, _ in expected:
        assert text in line_text(path, number)


def shown_pattern(candidate: str) -> re.Pattern[str]:
    return re.compile("".join(".+" if c == UNKNOWN else re.escape(c) for c in candidate))


@pytest.mark.parametrize("expected", CHONGQING_SPANS + SHAOYANG_SPANS, ids=lambda e: str(e[0]))
def test_every_shown_character_is_the_true_one(expected: tuple) -> None:
    _, _, candidate, truth = expected
    if candidate is not None:
        assert shown_pattern(candidate).fullmatch(truth)


def test_a_fully_recovered_run_is_confident_and_every_candidate_has_a_confidence() -> None:
    by_line = {(s.line, s.text): s for s in spans(CHONGQING) + spans(SHAOYANG)}
    assert by_line[(64, "?!笆奈濉逼陂g")].confidence >= 0.9
    assert by_line[(65, "?!笆奈濉逼陂g")].confidence >= 0.8
    for span in by_line.values():
        if span.candidate is None:
            assert span.confidence is None
        else:
            assert MIN_CONFIDENCE <= span.confidence <= 1


@pytest.mark.parametrize("path", [CHANGJI, JIMSAR, JIANGXI], ids=lambda p: p.stem.split("-")[0])
def test_no_suspect_spans_in_clean_samples(path: Path) -> None:
    assert spans(path) == ()


def test_glosses_stripped_or_not_give_the_same_spans() -> None:
    stripped = [Line(GLOSS.sub("", line.text), line.line) for line in raw_lines(CHONGQING)]
    assert find_suspect_spans(stripped) == list(spans(CHONGQING))


def test_full_width_punctuation_gives_the_same_recovery() -> None:
    lines = [
        Line(line.text.replace("?!笆", "?！笆"), line.line) if line.line == 65 else line
        for line in raw_lines(CHONGQING)
    ]
    found = {(s.line, s.candidate) for s in find_suspect_spans(lines)}
    assert (65, "。“十四五”期間") in found


def test_normalize_reports_the_spans_of_the_original_lines() -> None:
    import opencc

    from plancli.stages.normalize import normalize

    report = normalize(CHONGQING.read_text(encoding="utf-8")).report
    found = [(s.line, s.text, s.candidate) for s in report.suspect_spans]
    simplified = opencc.OpenCC("hk2s").convert  # candidates are simplified like the text
    assert found == [
        (line, text, candidate and simplified(candidate))
        for line, text, candidate, _ in CHONGQING_SPANS
    ]


# --- what is and is not a garbled run -----------------------------------------------------


def with_lines(path: Path, *texts: str) -> list[Line]:
    extra = [Line(text, 1000 + number) for number, text in enumerate(texts)]
    return [*raw_lines(path), *extra]


@pytest.mark.parametrize(
    "text",
    [
        "详见 http://www.gov.cn/zhengce/content.htm?id=3&t=2 网页。",
        "Why? Because it works.",
        "社区服务怎么办?",
        "是否达标?是的,已经达标。",
        "“为什么要这样做?”他问。",
        "为什么要补充维生素?因为缺乏维生素C,所以要补充。",
    ],
)
def test_an_ordinary_question_mark_is_not_a_garbled_run(text: str) -> None:
    found = find_suspect_spans(with_lines(JIMSAR, text))
    assert found == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("关于??工作的通知", "??"),
        ("社区服务锟斤拷锟斤拷体系", "锟斤拷锟斤拷"),
        ("社区服务\ufffd体系", "\ufffd"),
        ("社区\ue30f\ue848服务体系", "\ue30f\ue848"),
    ],
)
def test_lost_characters_are_reported_without_a_candidate(text: str, span: str) -> None:
    assert find_suspect_spans(with_lines(JIMSAR, text)) == [SuspectSpan(1000, span)]


def test_the_input_lines_are_never_changed() -> None:
    lines = list(raw_lines(SHAOYANG))
    before = [line.text for line in lines]
    find_suspect_spans(lines)
    assert [line.text for line in lines] == before


garble_alphabet = "?？\ufffd\ue30f\ue848()!;。、“”笆奈濉逼陂的社区服务十四五期間gPhQo nèiwù锟斤拷"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.text(garble_alphabet, max_size=40) | st.text(max_size=40),
        min_size=1,
        max_size=6,
    )
)
def test_any_lines_give_spans_inside_their_line(texts: list[str]) -> None:
    lines = [Line(text, number) for number, text in enumerate(texts, start=1)]
    for span in find_suspect_spans(lines):
        assert span.text and span.text in texts[span.line - 1]
        if span.candidate is not None:
            assert span.confidence is not None and 0 <= span.confidence <= 1


context_alphabet = "?（）()“”《》【】社区a nèi)(jié"


@settings(max_examples=300, deadline=None)
@given(st.text(context_alphabet, max_size=30), st.data())
def test_line_context_equals_the_context_computed_from_scratch(
    text: str, data: st.DataObject
) -> None:
    markers = [index for index, char in enumerate(text) if char == "?"]
    if not markers:
        return
    start = data.draw(st.sampled_from(markers))
    end = data.draw(st.integers(start + 1, len(text)))
    assert LineContext(text).context(start, end) == run_context(text, start, end)


def test_a_line_context_balances_brackets_on_both_sides() -> None:
    text = "（一）加强“社区?服务”(fú)”建设《规划》"
    start = text.index("?")
    context = LineContext(text).context(start, start + 1)
    assert context == Context("区", "服", {"”": BRACKET_PENALTY})


def test_a_400k_character_line_of_runs_takes_linear_time() -> None:
    import time

    def seconds(repeats: int) -> float:
        line = Line("社区?服务“建设”(jiàn)" * repeats, 1)
        began = time.perf_counter()
        find_suspect_spans([line])
        return time.perf_counter() - began

    small, large = seconds(2_500), seconds(25_000)  # 40k and 400k characters
    assert large < 12 * small + 1.0


def test_the_stored_gbk_table_is_what_the_codec_and_opencc_give() -> None:
    """If this fails, run tools/make_gbk_table.py (the codec or OpenCC changed)."""
    with open(GBK_TABLE_FILE, encoding="utf-8") as handle:
        stored = handle.read()
    assert stored == dump_gbk_table(build_gbk_table())
    table = load_gbk_table(stored)
    codes, priors = stored_codes(table), stored_priors(table)
    assert codes["县"] == "县".encode("gbk") == b"\xcf\xd8"
    assert (table.prior_of("县"), table.prior_of("縣"), table.prior_of("丂")) == (1.0, 1.0, 0.1)
    assert table.prior_of("a", 0.01) == 0.01
    assert (priors["县"], priors["縣"], priors["丂"]) == (1.0, 1.0, 0.1)
    assert all(table.prior_of(char) == prior for char, prior in priors.items())
    # B040–B0A0 are 96 GBK/3 characters before B0A1 啊
    assert table.with_lead(0xB0).index("啊") == 96
    assert table.with_lead(0xB0) == tuple(c for c, raw in codes.items() if raw[0] == 0xB0)
    assert table.with_trail(0xA1) == tuple(c for c, raw in codes.items() if raw[1] == 0xA1)


def test_the_gbk_table_answers_for_many_characters_as_for_each() -> None:
    table = gbk_table()
    assert table.priors(["县", "縣", "丂"]) == [1.0, 1.0, 0.1]
    lead_b0 = table.with_lead(0xB0)
    assert table.byte_prior(0, 0xB0) == sum(map(table.prior_of, lead_b0))
    # 94 of level 1 and 96 of GBK/3 (0.1, unless lifted as the traditional form of a common one)
    assert table.byte_prior(0, 0xB0) == pytest.approx(117.7)
    assert table.lead_bytes(["县", "啊"]) == b"\xcf\xb0"
    assert table.trail_bytes(["县", "啊"]) == b"\xd8\xa1"
    assert table.gbk_chars(["县", "a", "。"]) == ["县", "。"]
    assert table.gbk_chars(["县", "\U00020000"]) == ["县"]  # beyond the planes: one by one
    assert table.trail_map(("县", "啊")) == {"县": 0xD8, "啊": 0xA1}
    assert table.trail_map(("县", "a")) == {"县": 0xD8, "a": None}
    folded = "民政局（县）"
    assert fold_text(folded) == "民政局(县)"
    assert fold_text("民政局") == "民政局"


def stored_codes(table: GbkTable) -> dict[str, bytes]:
    """Every character's two bytes, read straight from the stored strings."""
    return dict(zip(table.chars, re.findall(b"..", table.codes, re.DOTALL), strict=True))


def stored_priors(table: GbkTable) -> dict[str, float]:
    return dict(zip(table.chars, map(WEIGHT_DIGITS.__getitem__, table.weights), strict=True))


def test_code_point_planes_answer_as_the_table_of_codes() -> None:
    table = gbk_table()
    codes = stored_codes(table)
    assert all(table.pair_of(char) == tuple(raw) for char, raw in codes.items())
    assert all(table.trail_of(char) == raw[1] for char, raw in codes.items())
    for other in ("a", "1", " ", "\x00", "😀", "ab", "\u3400"):  # OTHER is "\x00"
        assert (table.pair_of(other), table.trail_of(other), table.is_gbk(other)) == (
            None,
            None,
            False,
        )
    assert table.trail_of(None) is None


def test_forming_leads_are_the_lead_bytes_that_decode_with_a_byte() -> None:
    assert decode_pair(0xB0, 0xA1) == "啊"
    # A2B0 is unassigned; AAB0–AFB0 and F8B0–FEB0 lie in the user-defined areas
    missing = sorted(set(range(0x81, 0xFF)) - forming_leads(0xB0))
    assert missing == [0xA2, *range(0xAA, 0xB0), *range(0xF8, 0xFF)]
    for byte in (0x40, 0x7E, 0x80, 0xA1, 0xA2, 0xB0, 0xFE):
        expected = {lead for lead in range(0x81, 0xFF) if decode_pair(lead, byte) is not None}
        assert forming_leads(byte) == expected
    # one object per pattern: work keyed by it is shared between bytes
    assert forming_leads(0xAB) is forming_leads(0xB0)


def sample_runs() -> list[tuple]:
    """(run, lexicon, alphabet, context) for every framed run of the damaged samples."""
    found = []
    for path in (CHONGQING, SHAOYANG):
        lines = list(raw_lines(path))
        document = Lexicon.from_texts(line.text for line in lines)
        for line in lines:
            for start, end, run in scan_line(line.text):
                if run is not None and run.framed:
                    context = LineContext(line.text).context(start, end)
                    found.append(
                        (run, document.for_line([line.text]), document.alphabet(), context)
                    )
    return found


def test_layout_masses_from_prefix_and_suffix_equal_a_full_walk() -> None:
    runs = sample_runs()
    assert len(runs) == 10
    for run, lexicon, alphabet, context in runs:
        for reading in readings(run, lexicon, alphabet, context):
            walked = read_layout(reading.layout, reading.slots, lexicon, context)[0]
            assert reading.log_mass == pytest.approx(walked, rel=1e-9, abs=1e-9)


def test_a_clamped_slot_mass_from_forward_and_backward_equals_a_clamped_walk() -> None:
    for run, lexicon, alphabet, context in sample_runs():
        found, _, unsplit = layout_readings(run, lexicon, alphabet, context)
        for reading in found:
            _, path, lattice = walk_layout(reading.layout, reading.slots, lexicon, context)
            if path is None:
                continue
            layout, history = reading.layout, lattice.history
            backward = backward_scores(
                reading.slots, layout.split, history, lexicon, context, unsplit
            )
            for index, slot in enumerate(reading.slots):
                if not slot.open:
                    continue
                char = path[index]
                clamped = read_layout(layout, reading.slots, lexicon, context, {index: char})[0]
                combined = layout.log_prior + history[index][char] + backward[index](char)
                assert combined == pytest.approx(clamped, rel=1e-9, abs=1e-9)


def walked_shown_text(
    reading: Reading, lexicon: Lexicon, context: Context
) -> tuple[str, float] | None:
    """The shown text and its mass by full walks: every open slot clamped alone, then all
    the slots the model is sure of clamped together."""
    layout, slots = reading.layout, reading.slots
    mass, path = read_layout(layout, slots, lexicon, context)
    if path is None:
        return None
    chars, clamp = list(path), {}
    for index, slot in enumerate(slots):
        if not slot.open:
            continue
        clamped = read_layout(layout, slots, lexicon, context, {index: path[index]})[0]
        sure = clamped - mass >= math.log(0.8)
        if sure and supported(path, slots, index, lexicon, context):
            clamp[index] = path[index]
        else:
            chars[index] = UNKNOWN
    if clamp:
        mass = read_layout(layout, slots, lexicon, context, clamp)[0]
    return re.sub(f"{UNKNOWN}+", UNKNOWN, "".join(chars)), mass


def test_every_layout_reads_as_a_full_walk_of_it_would() -> None:
    checked = 0
    for run, lexicon, alphabet, context in sample_runs():
        search = search_layouts(run, lexicon, alphabet, context)
        assert search is not None
        for reading in search.readings:
            if reading.log_mass == -math.inf:
                continue
            shown = read_reading(reading, search, lexicon, context)
            walked = walked_shown_text(reading, lexicon, context)
            assert (shown is None) == (walked is None)
            if shown is not None and walked is not None:
                assert shown[0] == walked[0]
                assert shown[1] == pytest.approx(walked[1], rel=1e-12, abs=1e-9)
                checked += 1
    assert checked == 58


def test_stretches_with_nothing_to_recover_build_no_character_model() -> None:
    code = (
        "import sys; from plancli.core import Line; "
        "from plancli.stages.garbled import find_suspect_spans; "
        "find_suspect_spans([Line('加强社区服务锟斤拷锟斤拷', 1), Line('养老\ue30f设施', 2)]); "
        "print('plancli.stages.garbled.recovery' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    lines = [Line("加强社区服务锟斤拷锟斤拷体系建设", 1), Line("完善养老\ue30f\ue848设施", 2)]
    assert find_suspect_spans(lines) == [
        SuspectSpan(1, "锟斤拷锟斤拷"),
        SuspectSpan(2, "\ue30f\ue848"),
    ]


def test_dense_backward_scores_each_state_as_the_sum_over_the_characters_it_allows() -> None:
    lexicon = Lexicon.from_texts(line.text for line in raw_lines(CHONGQING))
    slot = make_slot((None, None), lexicon, lexicon.alphabet())  # every character
    states = dict.fromkeys("的發服關體", 0.25)
    context = Context(None, None, {})
    backward = dense_backward(slot, Backward(1.0, {}, 0.0), states, lexicon, context)
    trail_of, terms = gbk_table().trail_of, lexicon.slot_terms(slot)

    def summed(state: str, bigrams: bool) -> float:
        trail, total = trail_of(state), 0.25 * slot.other
        for (char, unigram, _, _), forming in zip(terms, slot.formings, strict=True):
            if trail not in forming:
                total += 0.25 * unigram
                total += lexicon.bigram_share(state, char) if bigrams else 0.0
        return math.log(total)

    for state in states:
        assert backward(state) == pytest.approx(summed(state, True), rel=1e-12)
    # 的 is B5C4: C4 makes a character with every lead byte, so none of its bigrams counts
    # after a dropped pair; 發 B06C, 服 B7FE, 關 EA50 and 體 F377 end in bytes that do not
    assert backward("的") == pytest.approx(summed("的", False), rel=1e-12)
    assert all(backward(state) > summed(state, False) for state in "發服關體")
    assert backward("局") == -math.inf  # not a state
    # all of the slot's characters as states: asked together, they are made from the
    # characters' side, with the same floats
    every = dict.fromkeys(slot.chars, 0.0)
    together = dense_backward(slot, Backward(1.0, {}, 0.0), every, lexicon, context)
    one_by_one = dense_backward(slot, Backward(1.0, {}, 0.0), every, lexicon, context)
    assert together.scores(slot.chars) == [one_by_one(char) for char in slot.chars]


def test_lexicon_counts_no_bigram_across_its_texts() -> None:
    lexicon = Lexicon.from_texts(["民政", "局长"])
    predecessors = {char: lexicon.bigrams.predecessors(char) for char in "民政局长"}
    assert predecessors == {"民": {}, "政": {"民": 1}, "局": {}, "长": {"局": 1}}
    successors = {char: lexicon.bigrams.successors(char) for char in "民政局长"}
    assert successors == {"民": {"政": 0}, "政": {}, "局": {"长": 3}, "长": {}}
    assert (dict(lexicon.unigrams), lexicon.total) == ({"民": 1, "政": 1, "局": 1, "长": 1}, 4)


def test_unigrams_from_the_bigrams_are_the_characters_counts_in_first_occurrence_order() -> None:
    texts = [line.text for line in raw_lines(SHAOYANG)]
    joined = "\n".join(texts)
    expected = Counter(joined)
    del expected["\n"]
    unigrams = Bigrams(joined).unigrams
    assert list(unigrams.items()) == list(expected.items())
    assert Lexicon.from_texts(["", "民政", "政"]).unigrams == {"民": 1, "政": 2}


def test_predecessors_are_counted_within_lines_in_first_occurrence_order() -> None:
    # 区 follows 社 twice and 小 once, 社 first; 社 begins two lines and 服 one, and a
    # line break is nobody's predecessor or successor
    bigrams = Bigrams("\n社区服务\n小区社区\n服务")
    assert bigrams.predecessors("区") == {"社": 2, "小": 1}
    assert list(bigrams.predecessors("区")) == ["社", "小"]
    assert bigrams.predecessors("社") == {"区": 1}
    assert bigrams.predecessors("服") == {"区": 1}
    assert bigrams.predecessors("小") == {}
    assert bigrams.predecessors("\n") == {}
    assert bigrams.successors("务") == {}
    assert dict(bigrams.unigrams) == {"社": 2, "区": 3, "服": 2, "务": 2, "小": 1}
    assert list(bigrams.unigrams) == ["社", "区", "服", "务", "小"]


def test_attested_predecessors_are_the_same_from_either_side() -> None:
    lexicon = Lexicon.from_texts(["社区服务", "社区治理", "服务社区"])
    expected = {
        "服": [("区", 0.25, math.log(0.25))],  # 区 three times, once before 服
        "治": [("区", 0.25, math.log(0.25))],
        "社": [("务", 0.375, math.log(0.375))],  # 务 twice, once before 社
    }
    few_states = {"区": 0.0, "务": -1.0}  # fewer states than characters: from the states
    assert lexicon.attested_among(few_states, ("服", "治", "社")) == expected
    many_states = {**few_states, "理": -2.0, "民": -3.0}  # from the characters
    assert lexicon.attested_among(many_states, ("服", "治", "社")) == expected
