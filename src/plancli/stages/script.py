"""Script detection and conversion (passes 3 and 4 of `normalize`): simplified, traditional
or mixed, decided before any conversion; traditional and mixed text through OpenCC ``hk2s``
with the characters a pinyin gloss decided kept, then the 著 rules (rules/zhe.yaml).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Literal

from plancli import regexes, rules
from plancli.core import Line
from plancli.stages.glosses import HAN_RANGES, GlossedLine

NOT_HAN = regexes.compile(f"[^{HAN_RANGES}]+")  # deleting it leaves a line's hanzi as one string

if TYPE_CHECKING:
    from opencc import OpenCC

Script = Literal["simplified", "traditional", "mixed"]
ZHU = "著"


@cache
def hk2s_converter() -> OpenCC:
    import opencc

    return opencc.OpenCC("hk2s")


def traditional_chars(chars: Iterable[str]) -> frozenset[str]:
    """The characters OpenCC hk2s changes on their own (traditional-only forms)."""
    ordered = sorted(set(chars))
    if not ordered:
        return frozenset()
    converted = hk2s_converter().convert("\n".join(ordered)).split("\n")
    if len(converted) != len(ordered):
        converted = [hk2s_converter().convert(char) for char in ordered]
    return frozenset(char for char, new in zip(ordered, converted, strict=True) if char != new)


def detect_script(texts: list[str]) -> Script:
    """Vote line by line, weighted by hanzi count (thresholds in rules/normalize.yaml)."""
    settings = rules.load("normalize")["script"]
    traditional = traditional_chars(hanzi_in(texts))
    traditional -= frozenset(str(settings.get("also_simplified", "")))
    if not traditional:
        return "simplified"
    han_per_line = [NOT_HAN.sub("", text) for text in texts]
    votes = {"traditional": 0, "simplified": 0}
    for chars in han_per_line:
        if not traditional.isdisjoint(chars):
            votes["traditional"] += len(chars)
        elif len(chars) >= settings["min_han_per_line"]:
            votes["simplified"] += len(chars)
    share = votes["traditional"] / (votes["traditional"] + votes["simplified"])
    if share < settings["simplified_below"]:
        return "simplified"
    return "traditional" if share >= settings["traditional_above"] else "mixed"


def hanzi_in(texts: list[str]) -> set[str]:
    """The distinct hanzi of the texts (the distinct characters first: far fewer)."""
    return set(NOT_HAN.sub("", "".join(set("".join(texts)))))


def apply_pins(line: GlossedLine, convert: bool) -> GlossedLine:
    """Convert a line (or only apply its pins); pinned characters bypass OpenCC."""
    if not line.pins and not convert:
        return line
    converter = hk2s_converter() if convert else None
    parts: list[str] = []
    pins: dict[int, str] = {}
    start = 0
    for offset in sorted(line.pins):
        chunk = line.text[start:offset]
        parts.append(converter.convert(chunk) if converter else chunk)
        pins[sum(map(len, parts))] = line.pins[offset]
        parts.append(line.pins[offset])
        start = offset + 1
    rest = line.text[start:]
    parts.append(converter.convert(rest) if converter else rest)
    return GlossedLine("".join(parts), line.line, pins)


@cache
def _zhe_words() -> tuple[str, tuple[tuple[str, str], ...]]:
    """(default, ((word, replacement for its 著), ...) longest first, keep before change)."""
    data = rules.load("zhe")
    words = [(str(w), ZHU) for w in data.get("keep", [])]
    words += [(str(w), "着") for w in data.get("change", []) if ZHU in str(w)]
    words.sort(key=lambda item: (-len(item[0]), item[1] != ZHU))
    return str(data.get("default", "着")), tuple(words)


def resolve_zhe(text: str, pinned: Iterable[int] = ()) -> str:
    """Decide every 著 not pinned by a gloss: 显著 stays, 沿著/著力/制约著 → 着 (zhe.yaml)."""
    if ZHU not in text:
        return text
    default, words = _zhe_words()
    chars = list(text)
    fixed = set(pinned)
    for index, char in enumerate(text):
        if char == ZHU and index not in fixed:
            chars[index] = zhe_choice(text, index, words, default)
    return "".join(chars)


def zhe_choice(text: str, index: int, words: tuple[tuple[str, str], ...], default: str) -> str:
    for word, choice in words:
        for k, char in enumerate(word):
            if char == ZHU and index >= k and text[index - k : index - k + len(word)] == word:
                return choice
    return default


def count_changed(before: str, after: str) -> int:
    """Positions that differ, plus the difference in length."""
    if before == after:
        return 0
    if len(before) == len(after) >= WHOLE_LINE_COMPARE:
        return differing_positions(before, after)
    return sum(map(operator.ne, before, after)) + abs(len(before) - len(after))


WHOLE_LINE_COMPARE = 48  # from this length differing_positions beats a per-character loop


def differing_positions(before: str, after: str) -> int:
    """How many positions of two equal-length strings hold different characters, at C speed:
    the strings' UTF-32 code units are XORed as one integer, each unit's three low bytes
    (a code point needs 21 bits) ORed into its lowest byte, and the non-zero bytes counted."""
    size = 4 * len(before)
    xor = int.from_bytes(utf32(before), "little") ^ int.from_bytes(utf32(after), "little")
    lowest = (xor | xor >> 8 | xor >> 16) & int.from_bytes(b"\xff\0\0\0" * len(before), "little")
    return size - lowest.to_bytes(size, "little").count(0)


def utf32(text: str) -> bytes:
    return text.encode("utf-32-le", "surrogatepass")


def convert_lines(lines: list[GlossedLine], script: Script) -> tuple[list[Line], int]:
    """Traditional/mixed → simplified (hk2s + 著 rules); returns lines and chars changed."""
    convert = script != "simplified"
    plain = convert_unpinned(lines) if convert else {}
    converted: list[Line] = []
    changed = 0
    for index, line in enumerate(lines):
        if index in plain:
            text = resolve_zhe(plain[index])
        else:
            done = apply_pins(line, convert)
            text = resolve_zhe(done.text, done.pins) if convert else done.text
        changed += count_changed(line.text, text)
        converted.append(Line(text, line.line))
    return converted, changed


def convert_unpinned(lines: list[GlossedLine]) -> dict[int, str]:
    """Convert every line without pins in one OpenCC call (index → converted text)."""
    indexes = [index for index, line in enumerate(lines) if not line.pins]
    converted = hk2s_converter().convert("\n".join(lines[i].text for i in indexes)).split("\n")
    return dict(zip(indexes, converted, strict=True)) if len(converted) == len(indexes) else {}
