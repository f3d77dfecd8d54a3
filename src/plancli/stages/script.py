"""Script detection and conversion (passes 3 and 4 of `normalize`): simplified, traditional
or mixed, decided before any conversion; traditional and mixed text through OpenCC ``hk2s``
with the characters a pinyin gloss decided kept, then the 著 rules (rules/zhe.yaml).

Detection looks for the traditional-only forms (`plancli.stages.traditional`).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import cache
from typing import Literal

from plancli import regexes, rules
from plancli.core import Line
from plancli.stages.glosses import HAN_RANGES, GlossedLine
from plancli.stages.traditional import hk2s_converter, traditional_forms

NOT_HAN = regexes.compile(f"[^{HAN_RANGES}]+")  # deleting it leaves a line's hanzi as one string

Script = Literal["simplified", "traditional", "mixed"]
ZHU = "著"


def detect_script(texts: list[str]) -> Script:
    """Vote line by line, weighted by hanzi count (thresholds in rules/normalize.yaml)."""
    settings = rules.load("normalize")["script"]
    traditional = traditional_forms()
    if not traditional.found_in("\n".join(texts)):
        return "simplified"
    marked = [(text, traditional.found_in(text)) for text in texts]
    minimum = settings["min_han_per_line"]
    simplified = sum(
        count for text, found in marked if not found and (count := hanzi_count(text)) >= minimum
    )
    below, above = settings["simplified_below"], settings["traditional_above"]
    share = traditional_share(marked, simplified, max(below, above))
    if share < below:
        return "simplified"
    return "traditional" if share >= above else "mixed"


def traditional_share(marked: list[tuple[str, bool]], simplified: int, enough: float) -> float:
    """The share of the voting hanzi that stand in lines marked traditional, or a smaller
    share that is already `enough` (more lines only make it grow). Without any simplified
    vote it is 1.0 whatever their number (a marked line holds a hanzi), so the marked lines
    are only counted when there is one."""
    if not simplified:
        return 1.0
    traditional = 0
    for text, found in marked:
        if found:
            traditional += hanzi_count(text)
            if traditional / (traditional + simplified) >= enough:
                break
    return traditional / (traditional + simplified)


def hanzi_count(text: str) -> int:
    return len(NOT_HAN.sub("", text))


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
    """(default, ((word, replacement for its 著), ...) longest first, keep before change).
    A word holding a line break could match no line: it is left out."""
    data = rules.load("zhe")
    words = [(str(w), ZHU) for w in data.get("keep", []) if "\n" not in str(w)]
    words += [
        (str(w), "着") for w in data.get("change", []) if ZHU in str(w) and "\n" not in str(w)
    ]
    words.sort(key=lambda item: (-len(item[0]), item[1] != ZHU))
    return str(data.get("default", "着")), tuple(words)


def resolve_zhe(text: str, pinned: Iterable[int] = ()) -> str:
    """Decide every 著 not pinned by a gloss: 显著 stays, 沿著/著力/制约著 → 着 (zhe.yaml)."""
    if ZHU not in text:
        return text
    default, words = _zhe_words()
    fixed = set(pinned)
    pieces: list[str] = []
    start = 0
    index = text.find(ZHU)
    while index != -1:
        if index not in fixed:
            pieces += [text[start:index], zhe_choice(text, index, words, default)]
            start = index + 1
        index = text.find(ZHU, index + 1)
    pieces.append(text[start:])
    return "".join(pieces)


def zhe_choice(text: str, index: int, words: tuple[tuple[str, str], ...], default: str) -> str:
    for word, choice in words:
        offset = word.find(ZHU)
        while offset != -1:
            if index >= offset and text.startswith(word, index - offset):
                return choice
            offset = word.find(ZHU, offset + 1)
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
    the strings' code units are XORed as one integer, each unit's bytes ORed into its lowest
    byte, and the non-zero lowest bytes counted. Units are UTF-16 when neither string needs a
    surrogate pair (half the bytes), else UTF-32 (a code point needs its three low bytes)."""
    narrow = utf16(before), utf16(after)
    if len(narrow[0]) == len(narrow[1]) == 2 * len(before):
        return differing_units(*narrow, 2)
    return differing_units(utf32(before), utf32(after), 4)


def differing_units(before: bytes, after: bytes, width: int) -> int:
    """How many `width`-byte units of two equal-length byte strings differ."""
    xor = int.from_bytes(before, "little") ^ int.from_bytes(after, "little")
    folded = xor
    for shift in range(8, 8 * width, 8):
        folded |= xor >> shift
    lowest = folded.to_bytes(len(before), "little")[::width]
    return len(lowest) - lowest.count(0)


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def utf32(text: str) -> bytes:
    return text.encode("utf-32-le", "surrogatepass")


def convert_lines(lines: list[GlossedLine], script: Script) -> tuple[list[Line], int]:
    """Traditional/mixed → simplified (hk2s + 著 rules); returns lines and chars changed."""
    convert = script != "simplified"
    plain = convert_unpinned(lines) if convert else {}
    texts: list[str] = []
    for index, line in enumerate(lines):
        if index in plain:
            texts.append(plain[index])
        else:
            done = apply_pins(line, convert)
            texts.append(resolve_zhe(done.text, done.pins) if convert else done.text)
    changed = count_changed_lines([line.text for line in lines], texts)
    return [Line(text, line.line) for text, line in zip(texts, lines, strict=True)], changed


def count_changed_lines(before: list[str], after: list[str]) -> int:
    """`count_changed` summed over pairs of lines; in one comparison of the whole texts when
    every line kept its length (conversion rarely changes one)."""
    if before == after:
        return 0
    if list(map(len, before)) == list(map(len, after)):
        return differing_positions("\n".join(before), "\n".join(after))
    return sum(map(count_changed, before, after))


def convert_unpinned(lines: list[GlossedLine]) -> dict[int, str]:
    """Convert every line without pins in one OpenCC call, and its 著 (index → converted
    text). No word of the 著 rules holds a line break, so the lines joined resolve as apart."""
    indexes = [index for index, line in enumerate(lines) if not line.pins]
    joined = "\n".join(lines[i].text for i in indexes)
    converted = resolve_zhe(hk2s_converter().convert(joined)).split("\n")
    return dict(zip(indexes, converted, strict=True)) if len(converted) == len(indexes) else {}
