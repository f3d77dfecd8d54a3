"""The traditional-only forms: the hanzi OpenCC ``hk2s`` changes on their own, less the
rules' ``also_simplified`` (rules/normalize.yaml `script`), which `plancli.stages.script`
looks for to tell a traditional line from a simplified one.

Which hanzi hk2s changes on its own is a fact about the installed OpenCC, not about a
document: every hanzi is converted once, a line each, and the result kept in the cache folder
of `plancli.rules` (`traditional_classes`); a document is then searched for them at C speed.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from plancli import regexes, rules
from plancli.kept import read_kept, write_kept
from plancli.stages.glosses import HAN_RANGES

if TYPE_CHECKING:
    from opencc import OpenCC


@cache
def hk2s_converter() -> OpenCC:
    import opencc

    return opencc.OpenCC("hk2s")


def traditional_chars(chars: list[str]) -> frozenset[str]:
    """Which of the (distinct) characters OpenCC hk2s changes on their own: one conversion
    of them all, a line each (a line break ends every phrase)."""
    if not chars:
        return frozenset()
    converted = hk2s_converter().convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):
        converted = [hk2s_converter().convert(char) for char in chars]
    return frozenset(char for char, new in zip(chars, converted, strict=True) if char != new)


class TraditionalForms(NamedTuple):
    """The traditional-only forms as two character classes. The regex engine tests a class
    of BMP characters against one bitmap but tries a class with others range by range, for
    every character: the supplementary-plane forms are sought only where there are some."""

    basic: re.Pattern[str]
    supplementary: re.Pattern[str]

    def found_in(self, text: str) -> bool:
        return bool(
            self.basic.search(text)
            or (SUPPLEMENTARY.search(text) and self.supplementary.search(text))
        )


SUPPLEMENTARY = regexes.compile("[\U00010000-\U0010ffff]")
KEPT_FORMS_TAG = "plancli hk2s forms 2"


@cache
def traditional_forms() -> TraditionalForms:
    """Every hanzi OpenCC hk2s changes on its own, less the rules' `also_simplified`."""
    basic, supplementary = traditional_classes()
    return TraditionalForms(class_pattern(basic), class_pattern(supplementary))


def class_pattern(inside: str) -> re.Pattern[str]:
    return regexes.compile(f"[{inside}]" if inside else "(?!)")


def traditional_classes() -> tuple[str, str]:
    """The insides of the two classes of `TraditionalForms`.

    A fact about the installed OpenCC and the rules, not about a document: worked out once
    (about 0.1 s) and kept in the cache folder of `plancli.rules`, named by OpenCC's version
    and place and by `also_simplified`; a missing or damaged file is worked out again.
    """
    also_simplified = str(rules.load("normalize")["script"].get("also_simplified", ""))
    path = kept_forms_path(also_simplified)
    kept = read_kept_forms(path)
    if kept is not None:
        return kept
    chars = traditional_chars(every_hanzi()) - set(also_simplified)
    basic = {char for char in chars if char <= "\uffff"}
    classes = char_ranges(basic), char_ranges(chars - basic)
    write_kept(path, KEPT_FORMS_TAG, classes)
    return classes


def read_kept_forms(path: str) -> tuple[str, str] | None:
    """The kept classes, or None if the file is missing, damaged, not the user's own or not
    made of hanzi ranges (its text goes into a pattern)."""
    kept = read_kept(path, KEPT_FORMS_TAG)
    if not (isinstance(kept, tuple) and len(kept) == 2 and all(isinstance(k, str) for k in kept)):
        return None
    if not regexes.compile(f"[{HAN_RANGES}-]*").fullmatch("".join(kept)):
        return None
    return kept


def kept_forms_path(also_simplified: str) -> str:
    import opencc

    origin = f"{opencc.__version__}\n{opencc.__file__}\n{HAN_RANGES}\n{also_simplified}"
    name = f"hk2s-traditional-forms-{zlib.crc32(origin.encode()):08x}.marshal"
    return os.path.join(rules.cache_dir(), name)


def every_hanzi() -> list[str]:
    """Every code point of `HAN_RANGES`."""
    return [
        chr(code)
        for first, last in re.findall("(.)(?:-(.))?", HAN_RANGES)
        for code in range(ord(first), ord(last or first) + 1)
    ]


def char_ranges(chars: Iterable[str]) -> str:
    """The inside of a character class holding `chars` (hanzi: nothing to escape), runs of
    consecutive code points written as ranges.

    >>> char_ranges("關开關闊闋")
    '开闊-闋關'
    """
    codes = sorted({ord(char) for char in chars})
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in runs)
