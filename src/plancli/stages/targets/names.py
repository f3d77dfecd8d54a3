"""Indicator names: what each figure of a clause measures, read from the text around it."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache
from itertools import pairwise

from plancli.stages.targets.hits import Hit
from plancli.stages.targets.rules import compiled

MAX_INDICATOR_CHARS = 300  # a longer indicator keeps only its end, next to the figure


def strip_framing(text: str) -> str:
    """Remove deadline phrases and words like 力争/实现 at the edges of an indicator."""
    compiled_rules = compiled()
    previous = None
    while previous != text:
        previous = text
        text = compiled_rules.strip_leading.sub("", text, count=1)
        text = compiled_rules.strip_trailing.sub("", text, count=1)
    return text.strip()


def assign_indicators(text: str, hits: list[Hit]) -> None:
    """Name what each number measures, from the text around it (rule: the package docstring)."""
    targets = [hit for hit in hits if not hit.is_baseline]
    lefts, rights = _surroundings(text, hits, targets)
    for index, hit in enumerate(targets):
        left, right = lefts[index], rights[index]
        if hit.per is None:
            hit.per = first_basis(left)
        enumerated = index > 0 and _enumerated(text, targets[index - 1], hit)
        if enumerated and not hit.comparator_written:
            hit.comparator = targets[index - 1].comparator
            hit.per = hit.per or targets[index - 1].per
        named = strip_framing(left)
        after = strip_framing(right)
        if hit.prefix_written and named:
            if right.startswith("的") and 0 < len(after) <= 10:
                named += right
        elif named and after:
            named += after
        else:
            named = named or after
        if named:
            hit.indicators = _each(named, left)
        elif enumerated:
            hit.indicators = targets[index - 1].indicators[-1:]
    _distribute(text, targets, lefts)


def _distribute(text: str, targets: list[Hit], lefts: list[str]) -> None:
    """`A、B分别达到65%和55%`: the run of enumerated figures takes the quantities in order."""
    start = 0
    while start < len(targets):
        end = start + 1
        while end < len(targets) and _enumerated(text, targets[end - 1], targets[end]):
            end += 1
        run = targets[start:end]
        names = _respective_names(lefts[start], end - start)
        if names and all(hit.change_start is None for hit in run):  # not `分别从A、B提高到…`
            for hit, name in zip(run, names, strict=True):
                hit.indicators = [name]
        start = end


def _respective_names(left: str, count: int) -> list[str] | None:
    """The `count` quantities named before `分别` (with the measure they share), or None."""
    word = next((w for w in compiled().respectively if w in left), None)
    if count < 2 or word is None:
        return None
    before, _, after = left.rpartition(word)
    shared = strip_framing(after)
    joiners = compiled().respectively_joiners
    parts = [strip_framing(part) for part in joiners.split(strip_framing(before))]
    parts = [part for part in parts if part]
    if len(parts) != count:
        return None
    return _share(parts, shared)


def _share(parts: list[str], shared: str = "") -> list[str]:
    """Give each listed quantity the measure written once after the last (`种植、收获机械化率`
    → 种植机械化率, 收获机械化率) and the subject written once before the first
    (`花生种植、收获` → 花生种植, 花生收获) when the other items are all as long as each other."""
    parts = list(parts)
    if not shared:
        shared = next((m for m in compiled().shared_measures if parts[-1].endswith(m)), "")
        parts[-1] = parts[-1][: len(parts[-1]) - len(shared)] or parts[-1]
    lengths = {len(part) for part in parts[1:]}
    if len(lengths) == 1 and shared and len(parts[0]) > (size := lengths.pop()):
        head = parts[0][:-size]
        parts = [parts[0], *(head + part for part in parts[1:])]
    return [part + shared for part in parts]


def first_basis(text: str) -> str | None:
    if compiled().any_basis.search(text) is None:
        return None  # no basis at all: skip trying them one by one
    found = [(m.start(), name) for p, name in compiled().bases for m in p.finditer(text)]
    return min(found)[1] if found else None


ENUMERATION = frozenset({"、", "和", "及", "与"})


def _enumerated(text: str, previous: Hit, hit: Hit) -> bool:
    """`提高到620元、496元`, `分别达到65%和55%`: only 、 or 和 between two numbers."""
    return text[previous.end : hit.start].strip() in ENUMERATION


def _surroundings(text: str, hits: list[Hit], targets: list[Hit]) -> tuple[list[str], list[str]]:
    """The text on each side of each target, up to its neighbours.

    Text between two numbers is split at a 、; otherwise it belongs to the second number when
    that one has its own comparator word (`…18人志愿服务站点…覆盖率达到80%`), else to both.
    """
    ends = sorted(other.end for other in hits)
    starts = [other.start for other in hits]  # hits are sorted by start
    lefts = [_left_of(text, ends, hit) for hit in targets]
    rights = []
    for hit in targets:
        k = bisect_left(starts, hit.end)
        rights.append(text[hit.end : starts[k] if k < len(starts) else len(text)])
    order = {id(hit): index for index, hit in enumerate(hits)}
    for index, (hit, next_hit) in enumerate(pairwise(targets)):
        if order[id(next_hit)] != order[id(hit)] + 1:
            continue
        between = rights[index]
        if "、" in between:
            cut = between.rindex("、")
            rights[index] = between[:cut]
            if next_hit.change_start is None:
                lefts[index + 1] = between[cut + 1 :]
        elif next_hit.prefix_written:
            rights[index] = ""
    return lefts, rights


def _left_of(text: str, ends: list[int], hit: Hit) -> str:
    """Text before a number back to the previous number (or before its 从…提高到);
    `ends` are the ends of the clause's hits, sorted."""
    end = hit.start if hit.change_start is None else hit.change_start
    k = bisect_right(ends, end)
    return text[ends[k - 1] if k else 0 : end]


def _each(named: str, raw_left: str) -> list[str]:
    """`A和B均达到100%` names two quantities; anything else names one."""
    stripped = raw_left.rstrip()
    if not stripped.endswith(compiled().each_markers):
        return [named]
    parts = [strip_framing(part) for part in compiled().each_joiners.split(named)]
    parts = [part for part in parts if part]
    return _share(parts) if len(parts) > 1 else [named]


def clip(indicator: str) -> str:
    """An indicator of at most MAX_INDICATOR_CHARS characters."""
    return indicator if len(indicator) <= MAX_INDICATOR_CHARS else indicator[-MAX_INDICATOR_CHARS:]


def complete(
    names: list[str], previous: str | None, previous_clause: str, clause: str
) -> list[str]:
    """Fill an empty or generic indicator from the clause before it."""
    if not names:
        if previous:
            return [_without_comparison(previous) or previous]
        return [_framed(previous_clause) or _framed(clause) or clause.strip()]
    if names[0] in compiled().generic:
        context = previous or _framed(previous_clause)
        context = _without_comparison(context) if previous else context
        return [f"{context}{names[0]}" if context else names[0]]
    return names


def forget_readings() -> None:
    """Empty the caches below; `find_targets` starts each text with them empty."""
    _framed.cache_clear()
    _without_comparison.cache_clear()


# A clause with many figures and no names lends itself, or the indicator before, to each of
# them: read each text once per call, not once per figure.
@lru_cache(maxsize=64)
def _framed(text: str) -> str:
    return strip_framing(text)


@lru_cache(maxsize=64)
def _without_comparison(indicator: str) -> str:
    return compiled().comparison_tail.sub("", indicator)
