"""Metamorphic tests: damage a clean simplified text the way web pages do, normalize it back.

The clean texts are the normalized output of real samples. Each is turned traditional
(OpenCC s2t, s2hk, s2tw), glossed with pinyin, given full-width punctuation and CRLF line
ends, and encoded as GB18030 or UTF-16. read + normalize must give back exactly the same text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, CHONGQING, JIMSAR
from plancli.stages.normalize import normalize
from plancli.stages.read import decode

# Glosses as the samples write them (Jiangxi puts a space before the close).
GLOSSES = {"關": "關(guān)", "會": "會(huì )", "劃": "劃(huà)", "務": "務(wù)", "區": "區(qū)"}
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in ",:;()!?%"})


@cache
def clean(path: Path) -> str:
    return normalize(decode(path.read_bytes()).text).text


@cache
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def damage(text: str, config: str, gloss: bool = True) -> str:
    traditional = converter(config).convert(text)
    if gloss:
        traditional = "".join(GLOSSES.get(char, char) for char in traditional)
    return traditional.translate(FULL_WIDTH).replace("\n", "\r\n")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
@pytest.mark.parametrize("config", ["s2t", "s2hk", "s2tw"])
@pytest.mark.parametrize("path", [JIMSAR, CHANGJI], ids=["jimsar", "changji"])
def test_damaged_text_normalizes_back(path: Path, config: str, encoding: str) -> None:
    original = clean(path)
    damaged = damage(original, config)
    assert "關（guān）" in damaged and "會（huì ）" in damaged and "\r\n" in damaged
    decoded = decode(damaged.encode(encoding))
    assert decoded.encoding == encoding
    result = normalize(decoded.text)
    assert result.text == original
    assert result.report.script == "traditional"
    glossed = converter(config).convert(original)
    assert result.report.annotations_removed == sum(map(glossed.count, GLOSSES))
    assert result.report.repairs == []  # nothing left to join or un-space


@pytest.mark.parametrize("config", ["s2t", "s2hk", "s2tw"])
def test_zhe_survives_the_round_trip(config: str) -> None:
    # Chongqing holds both kinds: 制约着 / 沿着 / 着眼 / 着力 and 显著.
    original = clean(CHONGQING)
    assert "制约着" in original and "显著" in original
    result = normalize(decode(damage(original, config).encode("utf-8")).text)
    assert result.text == original


def test_big5_traditional_round_trip() -> None:
    original = clean(JIMSAR)
    damaged = damage(original, "s2tw", gloss=False)  # Big5 has no tone-marked letters
    decoded = decode(damaged.encode("big5"))
    assert decoded.encoding == "big5"
    assert normalize(decoded.text).text == original


LINES = st.lists(
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.sampled_from(list("()（）|《》〈〉“”,:;%.- 0123456789abcAPP5G")),
        ),
        max_size=60,
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(LINES)
def test_normalize_never_raises_on_cjk_like_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = normalize(text)
    assert all(1 <= item.line <= len(lines) for item in result.lines)
    assert [item.line for item in result.lines] == sorted({item.line for item in result.lines})


@settings(max_examples=150, deadline=None)
@given(LINES)
def test_full_width_punctuation_and_crlf_change_nothing(lines: list[str]) -> None:
    text = "\n".join(lines)
    plain = normalize(text)
    damaged = normalize(text.translate(FULL_WIDTH).replace("\n", "\r\n"))
    assert damaged.text == plain.text
    assert [item.line for item in damaged.lines] == [item.line for item in plain.lines]


def test_why_hk2s_and_the_zhe_rules() -> None:
    # The configuration choice, measured: t2s leaves the Hong Kong 衞, tw2s turns 原著 into
    # 原着, hk2s keeps 制约著. hk2s + rules/zhe.yaml gets all three right.
    text = "原著與顯著,制約著,衞生"
    assert converter("t2s").convert(text) == "原著与显著,制约著,衞生"
    assert converter("tw2s").convert(text) == "原着与显著,制约着,衞生"
    assert converter("hk2s").convert(text) == "原著与显著,制约著,卫生"
    assert normalize(text).text == "原著与显著,制约着,卫生"
    hk_damaged = damage(clean(JIMSAR), "s2hk", gloss=False).replace("\r\n", "\n")
    assert "衞" in converter("t2s").convert(hk_damaged)  # t2s alone fails on a real sample
    assert normalize(hk_damaged).text == clean(JIMSAR)
