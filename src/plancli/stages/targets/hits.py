"""Figures of a clause: each number with its unit, the comparator written around it, the basis
it is measured per, and the starting level of a `从…提高到` change."""

from __future__ import annotations

import re

from plancli.stages.targets.numbers import (
    NUMBER,
    Masks,
    inside_number,
    read_measure,
)
from plancli.stages.targets.rules import compiled

LIST_MARK = "、"


class Hit:
    """One number of a clause with what qualifies it; positions are offsets in the clause.

    Read step by step (baseline, indicators …), so a mutable record."""

    __slots__ = (
        "baseline",
        "change_start",
        "comparator",
        "comparator_written",
        "end",
        "indicators",
        "is_baseline",
        "number_start",
        "per",
        "prefix_written",
        "start",
        "unit",
        "value",
        "value_max",
    )

    def __init__(
        self,
        start: int,  # first character of the basis / comparator / number
        end: int,  # after the unit and a suffix comparator
        number_start: int,
        value: float,
        unit: str,
        *,
        comparator: str = "=",
        value_max: float | None = None,
        prefix_written: bool = False,  # a comparator word stands right before the number
        comparator_written: bool = False,  # before or after the number
        per: str | None = None,
    ) -> None:
        self.start, self.end, self.number_start = start, end, number_start
        self.value, self.unit, self.comparator, self.value_max = value, unit, comparator, value_max
        self.prefix_written, self.comparator_written = prefix_written, comparator_written
        self.per = per
        self.baseline: Hit | None = None
        self.change_start: int | None = None  # where `从…提高到` begins, for a number it leads to
        self.is_baseline = False
        self.indicators: list[str] = []


def read_suffix(text: str, position: int, table: dict[str, str]) -> tuple[str, int] | None:
    """The meaning of the longest word of `table` written at `position`, and where it ends."""
    if not text.startswith(tuple(table), position):  # mostly none: one C-level look
        return None
    words = [word for word in table if text.startswith(word, position)]
    if not words:
        return None
    word = max(words, key=len)
    return table[word], position + len(word)


def read_prefix(text: str, number_start: int) -> tuple[str | None, int, str | None]:
    """Comparator word ending right before the number (a basis or 全 may sit between).

    Returns (comparator, start of the hit, basis written inside the hit).
    """
    position = number_start
    while position and text[position - 1] == " ":
        position -= 1
    per, position = _basis_ending_at(text, position)
    if position and text[position - 1] == "全":
        position -= 1
    before = compiled().prefix_by_last.get(text[position - 1], ()) if position else ()
    words = [word for word in before if text.endswith(word, 0, position)]
    if not words:
        return None, (position if per else number_start), per
    word = max(words, key=len)
    longer = (other for other in compiled().not_prefix if len(other) > len(word))
    if any(text.endswith(other, 0, position) for other in longer):
        return None, number_start, per
    start = position - len(word)
    outer_per, outer_start = _basis_ending_at(text, start)
    return compiled().prefix[word], outer_start, per or outer_per


def _basis_ending_at(text: str, position: int) -> tuple[str | None, int]:
    start = max(0, position - 12)
    if compiled().any_basis.search(text, start, position) is None:
        return None, position  # no basis at all nearby: skip trying them one by one
    for pattern, name in compiled().bases:
        for match in pattern.finditer(text, start, position):
            if match.end() == position:
                return name, match.start()
    return None, position


def read_hit(text: str, match: re.Match[str], masks: Masks, in_list: bool = False) -> Hit | None:
    """Turn one number match into a Hit when a unit follows it and it is not masked.

    `in_list`: the number opens an item of a list whose first figure has a comparator
    (`达到万兆到旗县区、千兆到苏木乡镇`), so a Chinese numeral counts as qualified."""
    if inside_number(text, match.start()):
        return None
    measure = read_measure(text, match, masks)
    if measure is None or masks.overlap(match.start(), match.end()):
        return None
    position = measure.end
    per_suffix = read_suffix(text, position, compiled().per_suffixes)
    if per_suffix:
        position = per_suffix[1]
    comparator, start, per = read_prefix(text, match.start())
    suffix = read_suffix(text, position, compiled().suffix)
    if suffix:
        position = suffix[1]
    qualified = bool(comparator or suffix) or in_list
    if is_chinese_name(match.group(), qualified=qualified, value=measure.value):
        return None
    written = (suffix[0] if suffix else None) or comparator
    return Hit(
        start,
        position,
        match.start(),
        measure.value,
        measure.unit,
        comparator=written or (">" if measure.more_than else "="),
        value_max=measure.value_max,
        prefix_written=comparator is not None,
        comparator_written=comparator is not None or suffix is not None or measure.more_than,
        per=per or (per_suffix[0] if per_suffix else None),
    )


def is_chinese_name(raw: str, *, qualified: bool, value: float) -> bool:
    """一肩挑, 三张清单, 达到一个新水平: Chinese numerals count only when qualified, and not 一."""
    chinese = not raw[0].isdigit() and not raw.startswith("百分之")
    return chinese and (not qualified or value == 1)


def may_hold_figures(text: str) -> bool:
    """Whether `text` has a number or an idiom at all: without one, no part of it yields a hit
    or an unread number, so its clauses need not be read."""
    return compiled().any_figure.search(text) is not None


def clause_hits(text: str) -> tuple[list[Hit], list[int]]:
    """Every measured number of a clause, and the offsets of numbers left unread."""
    if not may_hold_figures(text):
        return [], []
    return figures_of(text)


def figures_of(text: str) -> tuple[list[Hit], list[int]]:
    """`clause_hits` of a clause known to hold a numeral or an idiom (`may_hold_figures`)."""
    hits: list[Hit] = []
    unread: list[int] = []
    numbers = list(NUMBER.finditer(text))
    masks = Masks(text)
    leads: dict[int, Hit] = {}
    covered = 0
    for match in numbers:
        if match.start() < covered:
            continue
        lead = _list_lead(text, match.start(), hits, leads)
        hit = read_hit(text, match, masks, in_list=lead is not None)
        if hit is not None:
            if lead is not None:
                leads[id(hit)] = lead
                if not hit.comparator_written:
                    hit.comparator = lead.comparator  # 达到万兆到旗县区、千兆到苏木乡镇: both ≥
            hits.append(hit)
            covered = hit.end
        elif _qualified_but_unread(text, match, masks):
            unread.append(match.start())
    hits += idiom_hits(text, hits)
    hits.sort(key=lambda hit: hit.start)
    return hits, unread


def _list_lead(text: str, start: int, hits: list[Hit], leads: dict[int, Hit]) -> Hit | None:
    """The first figure of a list when the number at `start` opens a later item of it: it
    follows a 、, one 、 after the previous figure, which led the list (with a comparator
    word) or was an item of it (`leads`, by id)."""
    if start == 0 or text[start - 1] != LIST_MARK or not hits:
        return None
    previous = hits[-1]
    if text.count(LIST_MARK, previous.end, start) != 1:
        return None
    return leads.get(id(previous)) or (previous if previous.prefix_written else None)


def _qualified_but_unread(text: str, match: re.Match[str], masks: Masks) -> bool:
    """A digit number right after a comparator word whose unit is not known."""
    if not match.group()[0].isdigit():
        return False
    comparator, _, _ = read_prefix(text, match.start())
    return comparator is not None and not masks.overlap(match.start(), match.end())


def idiom_hits(text: str, hits: list[Hit]) -> list[Hit]:
    """`总数翻一番`: a figure written as a word (see `idioms` in measures.yaml)."""
    found = []
    for match in compiled().idiom.finditer(text):
        if not any(hit.start <= match.start() < hit.end for hit in hits):
            meaning = compiled().idioms[match.group()]
            value, unit = float(meaning["value"]), str(meaning["unit"])
            found.append(Hit(match.start(), match.end(), match.start(), value, unit))
    return found


def pair_baselines(text: str, hits: list[Hit]) -> None:
    """Mark the numbers between 从 and 提高到 as baselines of the numbers after it."""
    for change in compiled().change.finditer(text):
        inside = [hit for hit in hits if change.start("from") <= hit.number_start < change.end()]
        if not inside:
            continue
        for hit in inside:
            hit.is_baseline = True
        following = [hit for hit in hits if hit.number_start >= change.end()]
        following = [hit for hit in following if not hit.is_baseline][: len(inside)]
        for index, hit in enumerate(following):
            hit.baseline = inside[index] if len(inside) == len(following) else inside[0]
            hit.change_start = change.start()
            hit.per = hit.per or next((h.per for h in inside if h.per), None)
