"""Inline pinyin readings after a hanzi (``關(guān)``, ``會(huì )``): which parenthesised text is a
reading (rules/pinyin.yaml), its removal, and the characters a reading decides (``乾(qián)``
stays 乾, ``著(zhe)`` becomes 着; rules/gloss_readings.yaml). Pass 2 of `normalize`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import cache, lru_cache
from itertools import accumulate
from typing import NamedTuple

from plancli import regexes, rules
from plancli.core import Line

# The hanzi, as character-class ranges: CJK unified ideographs (with extension A and the
# supplementary planes' B-G), compatibility ideographs and 〇. A pattern pays about 1 ms to
# compile each class holding them (once per machine, see `plancli.regexes`).
HAN_RANGES = "\U00020000-\U0003134f\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


def gloss_split(opening: str) -> re.Pattern[str]:
    """A bracketed gloss right after a hanzi, opened by one of `opening`; split() gives text,
    gloss, text ... The lookbehind follows the bracket so that the engine still scans for the
    bracket alone. A gloss right after another follows its bracket, no hanzi. The inside holds
    no space nor bracket, so it ends where the spaces or the closing bracket start: greedy
    and lazy find the same glosses."""
    bracket = f"[{opening}]"
    return regexes.compile(rf"({bracket}(?<=[{HAN_RANGES}]{bracket}) *[^\s()（）]{{1,8}} *[)）])")


GLOSS_SPLIT = gloss_split("(（")
# The same glosses in a text without a full-width bracket: a pattern that starts with one
# literal character is scanned for about twice as fast as one that starts with a class.
ASCII_GLOSS_SPLIT = gloss_split("(")
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
        char = pieces[index - 1][-1]  # the hanzi the gloss follows
        reading = parse_reading(gloss_inside(bracketed))
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
    hanzi, so the lines joined split as they do apart. A line whose gloss may pin its
    character is read again on its own (readings are rarely listed)."""
    text = "\n".join(line.text for line in lines)
    if "(" not in text and "（" not in text:
        return [GlossedLine(line.text, line.line, {}) for line in lines], 0
    split = GLOSS_SPLIT if "（" in text else ASCII_GLOSS_SPLIT
    pieces = split.split(text)  # text, gloss, text, gloss ... text
    replacement = {  # a few hundred distinct glosses among thousands
        gloss: "" if parse_reading(gloss_inside(gloss)) is not None else gloss
        for gloss in set(pieces[1::2])
    }
    pieces[1::2] = map(replacement.__getitem__, pieces[1::2])
    stripped = "".join(pieces).split("\n")
    glossed = [GlossedLine(new, line.line, {}) for new, line in zip(stripped, lines, strict=True)]
    if "" in replacement.values():
        for index in lines_with_pinning_glosses(lines, text):
            glossed[index] = strip_glosses(lines[index])[0]
    return glossed, pieces[1::2].count("")


def lines_with_pinning_glosses(lines: list[Line], text: str) -> set[int]:
    """Indexes of the lines where a bracket follows a character a gloss's reading may decide
    (rules/gloss_readings.yaml), found in `text`, the lines joined by line breaks. Such
    characters are rare and a one-character search is fast: each is found, then its next
    character read."""
    starts: list[int] = []
    found: set[int] = set()
    for char in _gloss_readings():
        at = text.find(char)
        while at != -1:
            if text[at + 1 : at + 2] in ("(", "（"):
                starts = starts or list(accumulate(len(line.text) + 1 for line in lines))
                found.add(bisect_right(starts, at))
            at = text.find(char, at + 1)
    return found
