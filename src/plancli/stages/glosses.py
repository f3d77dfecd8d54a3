"""Inline pinyin readings after a hanzi (``關(guān)``, ``會(huì )``): which parenthesised text is a
reading (rules/pinyin.yaml), its removal, and the characters a reading decides (``乾(qián)``
stays 乾, ``著(zhe)`` becomes 着; rules/gloss_readings.yaml). Pass 2 of `normalize`.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

from plancli import regexes, rules
from plancli.core import Line

# The hanzi, as character-class ranges: CJK unified ideographs (with extension A and the
# supplementary planes' B-G), compatibility ideographs and 〇. Code tests them with `is_han`;
# a pattern pays about 1 ms to compile each class holding them, so few patterns do.
HAN_RANGES = "\U00020000-\U0003134f\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The inside holds no space nor bracket, so it ends where the spaces or the closing bracket
# start: greedy and lazy find the same glosses, greedy with less backtracking.
GLOSS = regexes.compile(r"[(（] *([^\s()（）]{1,8}) *[)）]")
GLOSS_SPLIT = regexes.compile(r"([(（] *[^\s()（）]{1,8} *[)）])")  # split(): text, gloss, text ...
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030c": 3, "\u0300": 4}
TONE_DIGITS = frozenset("012345")


class Reading(NamedTuple):
    syllable: str
    tone: int  # 1-4, 5 for a neutral tone written as a digit, 0 when not given


class GlossedLine(NamedTuple):
    """A line after gloss removal: pins are offsets whose character the gloss decided."""

    text: str
    line: int
    pins: dict[int, str]


@cache
def _pinyin() -> tuple[frozenset[str], tuple[str, ...], int]:
    data = rules.load("pinyin")
    syllables = frozenset(str(s) for group in data["syllables"].values() for s in group)
    return syllables, tuple(data.get("umlaut_spellings", ())), int(data["min_toneless_length"])


@cache
def _gloss_readings() -> dict[str, dict[str, str]]:
    return {
        str(char): {str(k): str(v) for k, v in readings.items()}
        for char, readings in rules.load("gloss_readings").items()
    }


@lru_cache(maxsize=4096)
def parse_reading(gloss: str) -> Reading | None:
    """The pinyin syllable a gloss spells (tone marks or a tone digit), or None."""
    text = unicodedata.normalize("NFD", gloss)
    tone = 0
    if text[-1:] in TONE_DIGITS:
        tone, text = int(text[-1]), text[:-1]
    marks = [TONE_MARKS[c] for c in text if c in TONE_MARKS]
    if len(marks) > 1 or (marks and tone):
        return None
    tone = marks[0] if marks else tone
    base = unicodedata.normalize("NFC", "".join(c for c in text if c not in TONE_MARKS))
    syllables, umlauts, min_toneless = _pinyin()
    for spelling in umlauts:
        base = base.replace(spelling, "ü")
    if not tone and len(base) < min_toneless:
        return None
    return Reading(base, tone) if base in syllables else None


def decided_char(char: str, reading: Reading) -> str | None:
    """The character a gloss's reading selects (rules/gloss_readings.yaml), if listed."""
    choices = _gloss_readings().get(char)
    if not choices:
        return None
    return choices.get(f"{reading.syllable}{reading.tone}") or choices.get(reading.syllable)


def strip_glosses(line: Line) -> tuple[GlossedLine, int]:
    """Remove pinyin glosses that follow a hanzi; return the line and the number removed."""
    text = line.text
    if "(" not in text and "（" not in text:
        return GlossedLine(text, line.line, {}), 0
    pieces = GLOSS_SPLIT.split(text)
    kept = [pieces[0]]
    pins: dict[int, str] = {}
    offset = len(pieces[0])  # length of the kept text so far
    removed = 0
    readings = _gloss_readings()
    for index in range(1, len(pieces), 2):
        bracketed, after = pieces[index : index + 2]
        # the character before a gloss ends the text piece before it; when that piece is
        # empty it is the bracket of the previous gloss (or the line start): not a hanzi
        char = pieces[index - 1][-1:]
        reading = parse_reading(gloss_inside(bracketed)) if is_han(char) else None
        if reading is None:
            kept.append(bracketed)
            offset += len(bracketed)
        else:
            choice = decided_char(char, reading) if char in readings else None
            if choice is not None:
                pins[offset - 1] = choice
            removed += 1
        kept.append(after)
        offset += len(after)
    return GlossedLine("".join(kept), line.line, pins), removed


def gloss_inside(bracketed: str) -> str:
    """`(guān)` → `guān`: the brackets are one character each, the inside holds no space."""
    return bracketed[1:-1].strip(" ")


def strip_glosses_in(lines: list[Line]) -> tuple[list[GlossedLine], int]:
    """`strip_glosses` on every line, the document split once and each distinct gloss read
    once. A gloss never spans a line break and one at a line start follows the break, no
    hanzi, so the lines joined decide as they do apart. A line whose gloss may pin its
    character is read again on its own (readings are rarely listed)."""
    text = "\n".join(line.text for line in lines)
    if "(" not in text and "（" not in text:
        return [GlossedLine(line.text, line.line, {}) for line in lines], 0
    pieces = GLOSS_SPLIT.split(text)  # text, gloss, text, gloss ... text
    readings = {gloss: parse_reading(gloss_inside(gloss)) for gloss in set(pieces[1::2])}
    han = {char for char in {piece[-1:] for piece in pieces[::2]} if is_han(char)}
    kept = [
        "" if before[-1:] in han and readings[gloss] is not None else gloss
        for before, gloss in zip(pieces[::2], pieces[1::2], strict=False)
    ]
    pieces[1::2] = kept
    stripped = "".join(pieces).split("\n")
    glossed = [GlossedLine(new, line.line, {}) for new, line in zip(stripped, lines, strict=True)]
    if not han.isdisjoint(_gloss_readings()):
        for index in lines_with_pinning_glosses(pieces):
            glossed[index] = strip_glosses(lines[index])[0]
    return glossed, kept.count("")


def lines_with_pinning_glosses(pieces: list[str]) -> set[int]:
    """Indexes of the lines where a removed gloss (an empty odd piece) follows a character
    its reading may decide."""
    readings = _gloss_readings()
    texts = pieces[::2]
    breaks = list(accumulate(piece.count("\n") for piece in texts))
    return {
        breaks[index]
        for index, gloss in enumerate(pieces[1::2])
        if not gloss and texts[index][-1:] in readings
    }


def is_han(char: str) -> bool:
    """A hanzi (`HAN_RANGES`), tested without a regular expression."""
    return "\u4e00" <= char <= "\u9fff" or (
        len(char) == 1
        and (
            "\u3400" <= char <= "\u4dbf"
            or "\uf900" <= char <= "\ufaff"
            or char == "\u3007"
            or "\U00020000" <= char <= "\U0003134f"
        )
    )
