"""What surrounds a garbled run on its line: the characters on either side and the
bracket-balance factors that disfavour a recovered bracket which would unbalance the line.
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import NamedTuple

from plancli import regexes
from plancli.stages.garbled.gbk import fold, fold_text
from plancli.stages.garbled.runs import GLOSS
from plancli.stages.garbled.tuning import BRACKET_PENALTY

BRACKETS = ("()", "“”", "‘’", "《》", "〈〉", "〔〕", "【】")


class Context(NamedTuple):
    """What surrounds a run: the characters on either side and bracket-balance factors."""

    left: str | None
    right: str | None
    bias: dict[str, float]


def unmatched(text: str, opening: str, closing: str) -> tuple[int, int]:
    """(closings without an opening, openings left open) in `text`."""
    depth = orphans = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            if depth:
                depth -= 1
            else:
                orphans += 1
    return orphans, depth


def bracket_bias(before: str, after: str) -> dict[str, float]:
    """Disfavour a bracket that would leave the line less balanced than an opposite one."""
    bias: dict[str, float] = {}
    for opening, closing in BRACKETS:
        still_open = unmatched(before, opening, closing)[1]
        orphans = unmatched(after, opening, closing)[0]
        if orphans > still_open:
            bias[closing] = BRACKET_PENALTY
        elif still_open > orphans:
            bias[opening] = BRACKET_PENALTY
    return bias


def run_context(text: str, start: int, end: int) -> Context:
    """The context of one run, computed from scratch (`LineContext` gives the same, faster)."""
    before = "".join(fold(char) for char in GLOSS.sub("", text[:start]))
    after = "".join(fold(char) for char in GLOSS.sub("", text[end:]))
    return Context(
        before[-1] if before else None,
        after[0] if after else None,
        bracket_bias(before, after),
    )


class BracketBalance:
    """Prefix sums of (closings - openings) of one bracket pair over a text, so that the
    brackets left open before any point and the orphans after it cost O(log n)."""

    def __init__(self, text: str, opening: str, closing: str, positions: list[int]) -> None:
        self.positions = positions
        self.sums = [0, *itertools.accumulate(1 if text[i] == closing else -1 for i in positions)]
        self.prefix_max = list(itertools.accumulate(self.sums, max))
        self.suffix_max = list(itertools.accumulate(reversed(self.sums), max))[::-1]

    def still_open(self, end: int) -> int:
        """unmatched(text[:end])[1]."""
        index = bisect.bisect_left(self.positions, end)
        return self.prefix_max[index] - self.sums[index]

    def orphans(self, start: int) -> int:
        """unmatched(text[start:])[0]."""
        index = bisect.bisect_left(self.positions, start)
        return self.suffix_max[index] - self.sums[index]


BRACKET_CHARS = regexes.compile("[{}]".format(re.escape("".join(BRACKETS))))


class LineContext:
    """`run_context` for many runs of one line in O(n + runs · log n): the line without its
    glosses, folded, is built once. A gloss cannot contain a marker, so none crosses the start
    of a run; one may cross its end, and then its tail stays in the text after the run."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [match.span() for match in GLOSS.finditer(text)]
        self.gloss_starts = [start for start, _ in spans]
        self.gloss_ends = [end for _, end in spans]
        self.removed = [0, *itertools.accumulate(end - start for start, end in spans)]
        kept = [
            text[a:b]
            for a, b in zip([0, *self.gloss_ends], [*self.gloss_starts, len(text)], strict=True)
        ]
        self.clean = fold_text("".join(kept))
        positions: dict[str, list[int]] = {char: [] for char in "".join(BRACKETS)}
        for match in BRACKET_CHARS.finditer(self.clean):
            positions[match.group()].append(match.start())
        self.balances = [
            (
                opening,
                closing,
                BracketBalance(self.clean, opening, closing, merged(positions, opening, closing)),
            )
            for opening, closing in BRACKETS
        ]

    def clean_index(self, index: int) -> int:
        """Where `index` (not inside a gloss) lands in the clean text."""
        return index - self.removed[bisect.bisect_right(self.gloss_ends, index)]

    def context(self, start: int, end: int) -> Context:
        before_end = self.clean_index(start)
        crossing = bisect.bisect_right(self.gloss_ends, end)
        tail = ""
        if crossing < len(self.gloss_starts) and self.gloss_starts[crossing] < end:
            tail = fold_text(self.text[end : self.gloss_ends[crossing]])
            after_start = self.clean_index(self.gloss_ends[crossing])
        else:
            after_start = self.clean_index(end)
        right = tail[:1] or self.clean[after_start : after_start + 1]
        bias: dict[str, float] = {}
        for opening, closing, balance in self.balances:
            still_open = balance.still_open(before_end)
            tail_orphans, tail_depth = unmatched(tail, opening, closing)
            orphans = tail_orphans + max(0, balance.orphans(after_start) - tail_depth)
            if orphans > still_open:
                bias[closing] = BRACKET_PENALTY
            elif still_open > orphans:
                bias[opening] = BRACKET_PENALTY
        left = self.clean[before_end - 1] if before_end else None
        return Context(left, right or None, bias)


def merged(positions: dict[str, list[int]], opening: str, closing: str) -> list[int]:
    return sorted(positions[opening] + positions[closing])
