"""Inline pinyin readings after a hanzi (``關(guān)``, ``會(huì )``): which parenthesised text is a
reading (rules/pinyin.yaml), its removal, and the characters a reading decides (``乾(qián)``
stays 乾, ``著(zhe)`` becomes 着; rules/gloss_readings.yaml). Pass 2 of `normalize`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from typing import NamedTuple

from plancli import rules
from plancli.core import Line

# Character classes list a non-BMP range first: `re` then keeps them as ranges instead of
# filling a 65536-entry bitmap, which costs milliseconds of start-up per pattern.
HAN_CHAR = re.compile("[\U00020000-\U0003134f\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
GLOSS = re.compile(r"[(（] *([^\s()（）]{1,8}?) *[)）]")
# A GLOSS with the hanzi before it (HAN_CHAR). A match of GLOSS ends on a bracket, so the
# hanzi is never part of an earlier match: both patterns find the same glosses.
GLOSS_AFTER_HAN = re.compile(
    "([\U00020000-\U0003134f\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
    r"([(（] *([^\s()（）]{1,8}?) *[)）])"
)
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
    # split() yields: text, (hanzi, gloss with its brackets, gloss inside), text, ...
    pieces = GLOSS_AFTER_HAN.split(text)
    kept = [pieces[0]]
    pins: dict[int, str] = {}
    offset = len(pieces[0])
    removed = 0
    readings = _gloss_readings()
    for index in range(1, len(pieces), 4):
        char, bracketed, gloss, after = pieces[index : index + 4]
        reading = parse_reading(gloss)
        if reading is None:
            kept.append(char + bracketed)
            offset += len(char) + len(bracketed)
        else:
            kept.append(char)
            choice = decided_char(char, reading) if char in readings else None
            if choice is not None:
                pins[offset] = choice
            offset += len(char)
            removed += 1
        kept.append(after)
        offset += len(after)
    return GlossedLine("".join(kept), line.line, pins), removed


def is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or (len(char) == 1 and HAN_CHAR.match(char) is not None)
