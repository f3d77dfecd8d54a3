"""The shared text toolkit: numerals, folding, sentences and alternations."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plancli.text import (
    alternation,
    chinese_integer,
    fold_line_ends,
    fold_width,
    hanzi_numeral,
    sentences,
)


@given(st.integers(min_value=0, max_value=99_999))
def test_a_written_numeral_reads_back_as_its_number(number: int) -> None:
    assert chinese_integer(hanzi_numeral(number)) == number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇三五", 2035),
        ("二○二一", 2021),
        ("两千", 2000),
        ("一亿二千万", 120_000_000),
        ("十万", 100_000),
        ("一千零五", 1005),
    ],
)
def test_numerals_as_documents_write_them(text: str, value: int) -> None:
    assert chinese_integer(text) == value


@pytest.mark.parametrize("text", ["", "十十", "十百", "二三十", "十四五", "5", "万万"])
def test_what_is_not_one_numeral_is_none(text: str) -> None:
    assert chinese_integer(text) is None


@given(st.text(max_size=60))
def test_width_folding_keeps_every_offset(text: str) -> None:
    assert len(fold_width(text)) == len(text)


@given(st.text(alphabet="一、。!?\n(1)达到%", max_size=80))
def test_sentences_cover_the_text_in_order(text: str) -> None:
    found = sentences(text)
    assert all(text[offset : offset + len(part)] == part for offset, part in found)
    assert (
        "".join(part for _, part in found).strip()
        == "".join(part for part in re.split(r"(?<=[。!?\n])", text) if part.strip()).strip()
    )


def test_sentence_ends_are_characters_not_a_pattern() -> None:
    assert sentences("第一条]第二条-第三条^", ends="]-^") == [
        (0, "第一条]"),
        (4, "第二条-"),
        (8, "第三条^"),
    ]
    assert sentences("没有句末", ends="") == [(0, "没有句末")]


def test_line_ends_fold_to_lf_only() -> None:
    assert fold_line_ends("a\r\nb\rc\n") == "a\nb\nc\n"


def test_an_alternation_prefers_the_longer_word() -> None:
    assert re.match(alternation(["达", "达到"]), "达到100%").group() == "达到"
    with pytest.raises(ValueError, match="empty vocabulary"):
        alternation([""])
