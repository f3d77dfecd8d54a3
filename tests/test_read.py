"""The read stage: encodings, line ends, binary input and damaged bytes (stages.read.decode)."""

from __future__ import annotations

import codecs
import random

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, JIMSAR
from plancli.stages.read import NotText, count_controls, decode

JIMSAR_TEXT = JIMSAR.read_text(encoding="utf-8")
# A traditional version of a real document, as a Taiwan (Big5) or Hong Kong site would serve it.
JIMSAR_TW = opencc.OpenCC("s2tw").convert(JIMSAR_TEXT)
# s2hk writes 脱 説 税, which Big5-HKSCS lacks; HK sites encoding Big5 use 脫 說 稅.
JIMSAR_HK = opencc.OpenCC("s2hk").convert(JIMSAR_TEXT).translate(str.maketrans("脱説税", "脫說稅"))
PNG_HEADER = bytes.fromhex("89504e470d0a1a0a0000000d49484452000001000000010008060000005c72a866")


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (JIMSAR_TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + JIMSAR_TEXT.encode("utf-8"), "utf-8", True),
        (codecs.BOM_UTF16_LE + JIMSAR_TEXT.encode("utf-16-le"), "utf-16", True),
        (codecs.BOM_UTF16_BE + JIMSAR_TEXT.encode("utf-16-be"), "utf-16", True),
        (JIMSAR_TEXT.encode("utf-16-le"), "utf-16", False),
        (JIMSAR_TEXT.encode("utf-16-be"), "utf-16", False),
        (JIMSAR_TEXT.encode("gb18030"), "gb18030", False),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "gb18030"],
)
def test_each_encoding_of_a_real_sample_decodes_to_the_same_text(
    data: bytes, encoding: str, bom: bool
) -> None:
    decoded = decode(data)
    assert (decoded.encoding, decoded.bom) == (encoding, bom)
    assert decoded.text == JIMSAR_TEXT
    assert decoded.diagnostics == ()


def test_big5_traditional_text_is_not_mistaken_for_gbk() -> None:
    # Big5 byte pairs are nearly all valid GBK too: the decoder must weigh the characters.
    data = JIMSAR_TW.encode("big5")
    assert data.decode("gb18030")  # both decodings succeed, so the choice is real
    decoded = decode(data)
    assert decoded.encoding == "big5"
    assert decoded.text == JIMSAR_TW


def test_big5_hkscs_variants_decode() -> None:
    assert "衞" in JIMSAR_HK  # a Hong Kong form outside plain Big5
    decoded = decode(JIMSAR_HK.encode("big5hkscs"))
    assert (decoded.encoding, decoded.text) == ("big5", JIMSAR_HK)


def test_traditional_text_in_gb18030_stays_gb18030() -> None:
    traditional = CHANGJI.read_text(encoding="utf-8")
    decoded = decode(traditional.encode("gb18030"))
    assert (decoded.encoding, decoded.text) == ("gb18030", traditional)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_line_ends_fold_to_lf_and_keep_line_numbers(newline: str) -> None:
    decoded = decode(JIMSAR_TEXT.replace("\n", newline).encode("utf-8"))
    assert decoded.text == JIMSAR_TEXT
    assert decoded.text.split("\n")[2] == "吉木萨尔 县人民政府办公室"  # sample line 3


def test_nul_bytes_inside_text_are_removed() -> None:
    data = JIMSAR_TEXT.encode("utf-8").replace("办公室".encode(), "办公\x00室".encode())
    decoded = decode(data)
    assert decoded.text == JIMSAR_TEXT
    assert decoded.encoding == "utf-8"


@pytest.mark.parametrize(
    "data",
    [PNG_HEADER, PNG_HEADER + random.Random(1).randbytes(2000)],
    ids=["png-header", "png-with-data"],
)
def test_png_is_not_text(data: bytes) -> None:
    with pytest.raises(NotText, match="binary file"):
        decode(data)


def test_random_bytes_are_not_text() -> None:
    data = random.Random(7).randbytes(4096)
    with pytest.raises(NotText, match=r"binary file \(NUL bytes / control characters\)"):
        decode(data)


def test_controls_are_counted_but_not_line_ends_tabs_or_hanzi() -> None:
    text = "\x00关于\x07印发\t通知\r\n\x0b\x0c\x1b\x7f\x80\u3000\ud800𠀀\x1f"
    assert count_controls(text) == 5  # NUL, BEL, ESC, DEL and U+001F


def test_a_text_with_a_few_controls_per_hundred_characters_is_binary() -> None:
    line = "关于印发实施方案的通知" * 9 + "\x01"  # 1 control in 100 characters: text
    assert decode(line.encode()).text == line
    with pytest.raises(NotText, match="control characters"):
        decode((line + "\x02\x03").encode())  # 3 in 102: more than 2 %


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (codecs.BOM_UTF8, "empty file"), (b" \r\n\n\t", "empty file")],
    ids=["zero-bytes", "bom-only", "whitespace-only"],
)
def test_empty_input_is_not_text(data: bytes, reason: str) -> None:
    with pytest.raises(NotText, match=reason):
        decode(data)


def test_bad_utf8_bytes_warn_with_the_line_number() -> None:
    # Cut the last byte of 县 (sample line 3): one broken sequence on line 3 only.
    broken = "吉木萨尔 县".encode()[:-1]
    data = JIMSAR_TEXT.encode("utf-8").replace("吉木萨尔 县".encode(), broken)
    decoded = decode(data)
    assert decoded.encoding == "utf-8"
    assert [(d.level, d.code, d.line) for d in decoded.diagnostics] == [
        ("warning", "undecodable-bytes", 3)
    ]
    assert "\ufffd" in decoded.text.split("\n")[2]
    assert decoded.text.split("\n")[4] == JIMSAR_TEXT.split("\n")[4]


def test_bad_gb18030_byte_warns_on_its_line() -> None:
    lines = JIMSAR_TEXT.split("\n")
    data = bytearray(JIMSAR_TEXT.encode("gb18030"))
    data[len("\n".join(lines[:4]).encode("gb18030")) + 1] = 0xFF  # lead byte of 吉, line 5
    decoded = decode(bytes(data))
    assert decoded.encoding == "gb18030"
    assert {d.line for d in decoded.diagnostics} == {5}
    assert decoded.text.split("\n")[5:] == JIMSAR_TEXT.split("\n")[5:]


def test_damaged_lines_are_listed_one_warning_each() -> None:
    lines = JIMSAR_TEXT.split("\n")
    data = "\n".join(lines).encode("utf-8")
    for needle in ("一、工作目标", "二、重点任务"):  # sample lines 7 and 9
        data = data.replace(needle.encode(), needle.encode()[:-1] + b"\xff")
    decoded = decode(data)
    assert [d.line for d in decoded.diagnostics] == [7, 9]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_decode_or_raise_not_text(data: bytes) -> None:
    try:
        decoded = decode(data)
    except NotText:
        return
    assert decoded.encoding in {"utf-8", "utf-16", "gb18030", "big5"}
    assert "\r" not in decoded.text and "\x00" not in decoded.text
    assert decoded.text.strip()


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=300).filter(str.strip))
def test_any_utf8_text_round_trips(text: str) -> None:
    try:
        decoded = decode(text.encode("utf-8"))
    except NotText:
        return  # mostly control characters
    expected = text.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    assert decoded.text == expected


def test_stray_nuls_at_one_parity_do_not_make_utf8_look_like_utf16() -> None:
    data = JIMSAR_TEXT.encode("utf-8")
    starts = [i + 1 for i, byte in enumerate(data) if byte == 0x0A]
    first = next(p for p in starts if p % 2)
    second = next(p for p in starts if p > first and not p % 2)  # odd once `first` is in
    data = data[:first] + b"\x00" + data[first:second] + b"\x00" + data[second:]
    assert [i for i, byte in enumerate(data) if byte == 0] == [first, second + 1]
    assert first % 2 and (second + 1) % 2  # both at the parity UTF-16 LE would use
    decoded = decode(data)
    assert (decoded.encoding, decoded.text) == ("utf-8", JIMSAR_TEXT)
