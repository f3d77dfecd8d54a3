"""Sentences and clauses, and what holds across a sentence: the deadlines written in it
(`到2025年年底`, `“十四五”期间`), its review markers (`截至`, `累计`), and the clauses that
state no targets (formulas, the terms of a support policy)."""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from plancli import regexes
from plancli.stages.literal_check import spans_of
from plancli.stages.targets.rules import compiled
from plancli.text import sentences

CLAUSE_BREAK = regexes.compile(r"[;:]|,(?!\d{3}(?!\d))|\|")


class Clause(NamedTuple):
    """A part of a sentence between clause breaks (`;`, `:`, a comma not in `1,000`, `|`)."""

    text: str
    offset: int  # in its sentence


def clauses(sentence: str) -> list[Clause]:
    """The non-blank clauses of a sentence, without their breaks."""
    found = []
    start = 0
    for text in CLAUSE_BREAK.split(sentence):
        if text.strip():
            found.append(Clause(text, start))
        start += len(text) + 1  # every break is one character
    return found


class Marks(NamedTuple):
    """The deadlines and review markers of one sentence, found once for all its numbers."""

    deadline_ends: list[int]
    latest: list[tuple[int, int]]  # (start, year) of the latest deadline ending by each end
    status_ends: list[int]

    @classmethod
    def of(cls, sentence: str, plan_start: int | None = None) -> Marks:
        rules_ = compiled()
        names_a_plan = rules_.plan_names.search(sentence) is not None
        deadline_ends, latest = _deadlines(sentence, names_a_plan)
        status = [end for _, end in spans_of(rules_.status, rules_.status_starts, sentence)]
        if plan_start is not None and names_a_plan:
            status += [
                match.end()
                for pattern, end in rules_.reviews
                if end < plan_start
                for match in pattern.finditer(sentence)
            ]
        return cls(deadline_ends, latest, sorted(status))

    def deadline(self, position: int) -> tuple[int, int] | None:
        """(offset, year) of the last deadline written before `position`."""
        k = bisect_right(self.deadline_ends, position)
        return self.latest[k - 1] if k else None

    def status(self, position: int) -> bool:
        """A review marker before `position` and after any deadline (截至2022年底 …)."""
        k = bisect_right(self.status_ends, position)
        if not k:
            return False
        deadline = self.deadline(position)
        return deadline is None or self.status_ends[k - 1] >= deadline[0]


def _deadlines(sentence: str, names_a_plan: bool) -> tuple[list[int], list[tuple[int, int]]]:
    """The ends of the sentence's deadlines, in order, and for each end the (start, year) of
    the latest deadline ending by it (see `Marks`)."""
    rules_ = compiled()
    found = [
        (match.end(), match.start(), int(match.group(1)))
        for pattern in rules_.deadlines
        for match in pattern.finditer(sentence)
    ]
    found += [
        (match.end(), match.start(), year)
        for pattern, year in (rules_.periods if names_a_plan else ())
        for match in pattern.finditer(sentence)
    ]
    found.sort()
    latest: list[tuple[int, int]] = []
    for _, start, year in found:
        latest.append(max(latest[-1], (start, year)) if latest else (start, year))
    return [end for end, _, _ in found], latest


def last_deadline(sentence: str, position: int) -> tuple[int, int] | None:
    """(offset, year) of the last deadline before `position` (`到2025年年底` → 2025)."""
    names_a_plan = compiled().plan_names.search(sentence) is not None
    ends, latest = _deadlines(sentence, names_a_plan)
    k = bisect_right(ends, position)
    return latest[k - 1] if k else None


OPENING_CHARS = 12  # `到2025年,` opens a paragraph within this many characters


def opening_deadline(text: str) -> int | None:
    """The deadline a paragraph opens with (`到2020年,…`): every figure after it is due then."""
    first = sentences(text[: OPENING_CHARS * 4])
    head = text[:OPENING_CHARS] if not first else first[0][1]
    found = last_deadline(head, OPENING_CHARS)
    if found is None and len(first) > 1 and len(head) <= OPENING_CHARS:
        found = last_deadline(first[1][1], OPENING_CHARS)  # a lead phrase: `发展目标。到2025年,…`
    return found[1] if found and found[0] < OPENING_CHARS else None


def is_policy_parameter(clause: str) -> bool:
    """`省级给予一次性奖补100万元`, `最高500万元`: the terms of a support policy, not targets."""
    return compiled().policy_parameters.search(clause) is not None


def is_formula(clause: str) -> bool:
    """`半年考评分值=日常监测(60%)+实地调研(20%)`: weights in a formula are no targets."""
    rules_ = compiled()
    return rules_.equals.search(clause) is not None and rules_.operators.search(clause) is not None
