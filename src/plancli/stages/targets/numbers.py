"""Reading numbers and their magnitudes: `1.8万`, `二十`, `百分之八十`, `5~6%`, and the unit of
measure written after them (`8万人`, `30平方米`)."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from typing import NamedTuple

from plancli import regexes
from plancli.stages.literal_check import spans_of
from plancli.stages.targets.rules import NUMERALS, compiled
from plancli.text import chinese_integer, fold_width

MULTIPLIERS = {"千": 1_000, "万": 10_000, "亿": 100_000_000}

ARABIC = r"\d+(?:\.\d+)?"
CHINESE = rf"[{NUMERALS}]+(?:点[零〇○一二三四五六七八九]+)?"
NUMBER = regexes.compile(rf"百分之(?:{ARABIC}|{CHINESE})|{ARABIC}|{CHINESE}")
CHINESE_NUMBER = regexes.compile(CHINESE)
ARABIC_NUMBER = regexes.compile(rf"^\s*({ARABIC})\s*([多余])?\s*([千万亿])?\s*%?\s*$")
RANGE_TAIL = regexes.compile(rf"\s*%?\s*[~\-—–]\s*({ARABIC})")


def parse_number(text: str) -> float | None:
    """`1.8万` → 18000, `二十` → 20, `８５` → 85, `百分之八十` → 80; None when not a number."""
    text = fold_width(text).strip().replace(",", "")
    if text.startswith("百分之"):
        text = text[3:]
    match = ARABIC_NUMBER.match(text)
    if match:
        value = float(match.group(1)) * MULTIPLIERS.get(match.group(3) or "", 1)
    elif text and CHINESE_NUMBER.fullmatch(text):
        value = _chinese_number(text)
    else:
        return None
    return value if value is not None and math.isfinite(value) else None


def _chinese_number(text: str) -> float | None:
    """二十 → 20.0, 三点五 → 3.5, 一百五 → 150.0."""
    integer, _, fraction = text.partition("点")
    whole = chinese_integer(integer, abbreviated=True)
    if whole is None:
        return None
    if not fraction:
        return float(whole)
    digits = [chinese_integer(char) for char in fraction]
    if any(digit is None or digit > 9 for digit in digits):
        return None
    return float(f"{whole}.{''.join(str(digit) for digit in digits)}")


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are names, dates, ordinals or bases, where no number is a measure.

    Sorted and merged, so that `overlaps` can bisect them."""
    found = spans_of(compiled().names, compiled().names_starts, text)
    found += [match.span() for match in compiled().any_basis.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) meets one of `spans` (sorted and disjoint: see `masked_spans`)."""
    k = bisect_left(spans, (end,))  # spans[:k] start before `end`; the last one ends latest
    return k > 0 and spans[k - 1][1] > start


class Masks:
    """The masked spans of one clause (see `masked_spans`), found when a number first needs
    them: most numbers of a clause are followed by no unit, and need none."""

    __slots__ = ("_spans", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: list[tuple[int, int]] | None = None

    def overlap(self, start: int, end: int) -> bool:
        """Whether [start, end) meets a masked span."""
        spans = self._spans
        if spans is None:
            spans = self._spans = masked_spans(self._text)
        return overlaps(start, end, spans)


def read_unit(text: str, position: int) -> tuple[str, int] | None:
    """The unit starting at `position` (after spaces), and where it ends."""
    while position < len(text) and text[position] == " ":
        position += 1
    first, rules_ = text[position : position + 1], compiled()
    if any(text.startswith(word, position) for word in rules_.not_units_by_first.get(first, ())):
        return None
    for spelling, unit in rules_.units_by_first.get(first, ()):
        if text.startswith(spelling, position):
            return unit, position + len(spelling)
    return None


class Measure(NamedTuple):
    """A number read with its unit: `1.8万家` → 18000 家, `5~6%` → 5..6 %."""

    value: float
    value_max: float | None
    unit: str
    end: int
    more_than: bool  # 20多万个, 13.9万余人次


def inside_number(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isdigit() or text[start - 1] == ".")


def read_measure(text: str, match: re.Match[str], masks: Masks) -> Measure | None:
    raw = match.group()
    value, position, multiplier = _number_with_multiplier(text, raw, match.end())
    if value is None:
        return None
    value_max = None
    range_tail = RANGE_TAIL.match(text, position)
    if range_tail and not masks.overlap(range_tail.start(), range_tail.end()):
        value_max = float(range_tail.group(1)) * multiplier
        position = range_tail.end()
    unit, position = _unit_after(text, raw, position)
    if unit is None:
        return None
    more_than = any(char in compiled().more_than for char in text[match.end() : position])
    return Measure(value, value_max, unit, position, more_than)


def _number_with_multiplier(text: str, raw: str, end: int) -> tuple[float | None, int, float]:
    """The number's value and where it ends, folding `1.8万`/`20多万` into one value."""
    if raw.startswith("百分之"):
        return parse_number(raw[3:]), end, 1
    if not raw[0].isdigit():
        return parse_number(raw), end, 1
    tail = compiled().multiplier_tail.match(text, end)
    if tail is None or tail.group(1) is None:
        return float(raw), end, 1
    multiplier = MULTIPLIERS.get(tail.group(1) or "", 1)
    if multiplier != 1 and _unit_starts(text, tail.start(1)):
        return float(raw), end, 1  # 8万人: the unit is 万人
    return float(raw) * multiplier, tail.end(), multiplier


def _unit_starts(text: str, position: int) -> bool:
    """A unit spelled from `position` on (`万人` in `8万人`): 万 is then no multiplier."""
    return read_unit(text, position) is not None


def _unit_after(text: str, raw: str, position: int) -> tuple[str | None, int]:
    if raw.startswith("百分之"):
        return "%", position
    more = position < len(text) and text[position] in compiled().more_than
    found = read_unit(text, position + (1 if more else 0))
    return found if found else (None, position)
