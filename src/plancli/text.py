"""The text toolkit every stage shares: width folding, Chinese numerals, sentences, alternations.

One place to change how a Chinese numeral is read or where a sentence ends. Everything here
is a pure function of its arguments, imports nothing heavier than `re`, and keeps offsets
where it says so (folding is one character for one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from plancli import regexes

__all__ = [
    "FULL_WIDTH",
    "alternation",
    "chinese_integer",
    "fold_line_ends",
    "fold_width",
    "hanzi_numeral",
    "plural",
    "sentences",
]

FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Most text reaches the later stages folded already; a scan for a wide form is far cheaper
# than `translate` with a mapping, which looks up every character.
ANY_FULL_WIDTH = regexes.compile("[\uff01-\uff5e\u3000]")
DIGITS = {"零": 0, "〇": 0, "○": 0, "O": 0, "0": 0} | {
    char: value for value, char in enumerate("一二三四五六七八九", start=1)
}
DIGITS["两"] = 2
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"亿": 100_000_000, "万": 10_000}


def fold_width(text: str) -> str:
    """Full-width ASCII forms to ASCII and the ideographic space to a space.

    One character for one, so offsets into the folded text hold for the original.

    >>> fold_width("到２０２５年，覆盖率达到１００％")
    '到2025年,覆盖率达到100%'
    >>> fold_width("（一）完善\u3000格局") == "(一)完善 格局"
    True
    """
    return text.translate(FULL_WIDTH) if ANY_FULL_WIDTH.search(text) else text


def fold_line_ends(text: str) -> str:
    """CRLF and lone CR become LF, so line numbers match an editor's.

    >>> fold_line_ends("一、总体要求\\r\\n(一)指导思想\\r二、主要任务")
    '一、总体要求\\n(一)指导思想\\n二、主要任务'
    """
    if "\r" not in text:  # one scan instead of two for the usual LF text
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def chinese_integer(
    text: str, *, abbreviated: bool = False, digit_by_digit: bool = True
) -> int | None:
    """A Chinese numeral as an integer, or None when `text` is not one.

    Reads place-value numerals (十三, 二百零五, 一亿二千万) and digit-by-digit years
    (二〇二五, also with ○ or O for the zero). Arabic digits are not numerals here.
    `abbreviated` also reads the spoken forms that drop the last unit (一万二, 一百五).
    With `digit_by_digit=False` a run of two or more bare digits is not a numeral
    (a month or a day is never written 一二).

    >>> [chinese_integer(t) for t in ("十", "二十三", "一百二十", "二〇二五", "三千五百万")]
    [10, 23, 120, 2025, 35000000]
    >>> chinese_integer("十四五") is None, chinese_integer("") is None
    (True, True)
    >>> chinese_integer("一万零十"), chinese_integer("一零十") is None
    (10010, True)
    >>> [chinese_integer(t, abbreviated=True) for t in ("一万二", "一百五", "一万零二", "十五")]
    [12000, 150, 10002, 15]
    >>> [chinese_integer(t, digit_by_digit=False) for t in ("三一", "三十一", "五")]
    [None, 31, 5]
    """
    if not text or not all(
        char in DIGITS or char in SMALL_UNITS or char in BIG_UNITS for char in text
    ):
        return None
    if all(char in DIGITS for char in text):
        if len(text) == 1:
            return DIGITS[text]
        return int("".join(str(DIGITS[c]) for c in text)) if digit_by_digit else None
    return _with_big_units(text, abbreviated)


def _with_big_units(text: str, abbreviated: bool = False) -> int | None:
    """一亿二千万 → 120000000: split at 亿, then 万, then read the part below ten thousand."""
    for char, multiplier in BIG_UNITS.items():
        if char in text:
            high_text, _, low_text = text.partition(char)
            high = _with_big_units(high_text, abbreviated) if high_text else 1
            if abbreviated and len(low_text) == 1 and DIGITS.get(low_text):
                low: int | None = DIGITS[low_text] * multiplier // 10  # 一万二
            else:
                low = _with_big_units(low_text, abbreviated) if low_text else 0
            if high is None or low is None or low >= multiplier:
                return None
            return high * multiplier + low
    return _below_ten_thousand(text, abbreviated)


def _below_ten_thousand(text: str, abbreviated: bool = False) -> int | None:
    """二千零五 → 2005, 十五 → 15; None when units repeat or run backwards (十十, 十百)."""
    total, digit, last_unit = 0, None, 10_000
    for char in text:
        if char in DIGITS:
            if digit:
                return None  # two digits without a unit between them (二三十, 五零)
            digit = DIGITS[char] or None  # a zero only holds a place (二千零五, 一万零十)
        else:
            unit = SMALL_UNITS[char]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if abbreviated and digit and 100 <= last_unit < 10_000 and text[-2] in SMALL_UNITS:
        return total + digit * last_unit // 10  # 一百五
    return total + (digit or 0)


def hanzi_numeral(number: int) -> str:
    """The place-value Chinese numeral of 0 ≤ number < 100000 (for repaired markers).

    >>> [hanzi_numeral(n) for n in (1, 10, 15, 23, 105, 2000)]
    ['一', '十', '十五', '二十三', '一百零五', '二千']
    """
    if not 0 <= number < 100_000:
        raise ValueError(f"{number} is outside 0 … 99999")
    names = "零一二三四五六七八九"
    if number < 10:
        return names[number]
    parts, pending_zero = [], False
    for unit, name in ((10_000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(("" if unit == 10 and number < 20 else names[digit]) + name)
    return "".join(parts)


def sentences(text: str, ends: str = "。!?\n") -> list[tuple[int, str]]:
    """(offset, sentence) pairs, each sentence keeping its end mark; blank ones dropped.

    >>> sentences("到2025年,覆盖率达到100%。新建站点50个!")
    [(0, '到2025年,覆盖率达到100%。'), (17, '新建站点50个!')]
    >>> sentences("第一句;第二句", ends=";")
    [(0, '第一句;'), (4, '第二句')]
    """
    found, start = [], 0
    for end_mark in _any_of_characters(ends).finditer(text):
        found.append((start, text[start : end_mark.end()]))
        start = end_mark.end()
    if start < len(text):
        found.append((start, text[start:]))
    return [(offset, sentence) for offset, sentence in found if sentence.strip()]


_CHARACTER_CLASSES: dict[str, re.Pattern[str]] = {}


def _any_of_characters(characters: str) -> re.Pattern[str]:
    """A pattern matching any one of `characters` (nothing when empty), compiled once."""
    pattern = _CHARACTER_CLASSES.get(characters)
    if pattern is None:
        source = f"[{re.escape(characters)}]" if characters else "(?!)"
        pattern = _CHARACTER_CLASSES[characters] = regexes.compile(source)
    return pattern


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so a longer word wins.

    An empty vocabulary is refused: an empty group would match everywhere.

    >>> alternation(["达到", "达", "不低于"])
    '不低于|达到|达'
    >>> alternation([])
    Traceback (most recent call last):
    ...
    ValueError: empty vocabulary: an alternation of no words would match the empty string
    """
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    if not unique or "" in unique:
        raise ValueError(
            "empty vocabulary: an alternation of no words would match the empty string"
        )
    return "|".join(re.escape(word) for word in unique)


def plural(count: int, noun: str) -> str:
    """`3 files`, `1 file`: the count and the noun, with an s unless the count is one.

    >>> plural(1, "error"), plural(2, "error")
    ('1 error', '2 errors')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
