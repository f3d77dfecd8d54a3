"""A garbled run as detection finds it and recovery reads it, and the gloss patterns around it."""

from __future__ import annotations

from typing import NamedTuple

from plancli import regexes
from plancli.core import Line
from plancli.stages.garbled.gbk import is_pua

PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüêńňǹḿ"
GLOSS_REMNANT = regexes.compile(rf"[{PINYIN}]{{1,7}} ?\)")
GLOSS = regexes.compile(rf"\([{PINYIN}]{{1,7}} ?\)")
# Punctuation right after "?" that a real question mark is never followed by.
SHIFT_PUNCTUATION = frozenset("。、;；!！")


class Run(NamedTuple):
    """A marker and the out-of-frame text after it, up to the point where the frame resyncs."""

    start: int
    end: int
    marker: str
    remnant: bool  # a pinyin gloss remnant (``jié)``) right after the marker
    body: str = ""
    tail: str | None = None  # "letter", "marker", "gloss" (marker + gloss remnant), None
    letter: str = ""  # the ASCII trail byte that ended the run, for tail "letter"

    @property
    def framed(self) -> bool:
        return self.tail is not None

    @property
    def structural(self) -> bool:
        """Evidence that needs no language model: no ordinary "?" looks like this."""
        return (
            self.marker != "?"
            or self.remnant
            or self.body[:1] in SHIFT_PUNCTUATION
            or any(is_pua(char) for char in self.body)
        )


Stretch = tuple[Line, int, int, Run | None]


def outside_stretches(line: Line, stretches: list[Stretch]) -> list[str]:
    pieces, position = [], 0
    for _, start, end, _ in stretches:
        pieces.append(line.text[position:start])
        position = end
    pieces.append(line.text[position:])
    return pieces
