"""Numeric targets in goal paragraphs, task items and indicator tables (contract: targets).

A target is a number with a unit of measure (`100%`, `30平方米`, `8万人`) in a clause, with
the comparator written next to it (`不低于`, `以上`, `左右`, none → `=`), the basis it is
measured per (`每百户`, `人均`, `每天`), the deadline in force (`到2025年年底`, the caller's
umbrella year otherwise) and, when the text gives it, the starting level
(`从600元提高到806元`). Words, units, bases and name patterns are data in
`rules/comparators.yaml` and `rules/measures.yaml`.

Indicator rule (documented choice): the indicator is the clause without the number, its
comparator and its framing words (`到2025年年底`, `力争`, `实现` …). When the clause reads
`X 达到 N` it is X; when the number comes first (`80%以上区县广泛开展…`) it is the text after
it (`区县广泛开展精神障碍社区康复服务`). A clause that names no quantity of its own borrows the
one before it (`较“十三五”增长20%,达到90亿元`).

Kind: `status` when the caller says the text reviews the past (`status=True`), or when a review
marker (`2016年以来`, `累计`, `已达`, `截至`) stands before the figure in its sentence with no
deadline after it; a status figure's year is the date it is given for (`截至2022年底` → 2022).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from plancli import rules
from plancli.core import Diagnostic
from plancli.models import Baseline, Table, Target

__all__ = ["find_targets", "parse_number", "plan_periods", "review_openings", "table_targets"]

FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_BIG_UNITS = {"亿": 100_000_000, "万": 10_000}
MULTIPLIERS = {"千": 1_000, "万": 10_000, "亿": 100_000_000}

ARABIC = r"\d+(?:\.\d+)?"
CHINESE = r"[零〇○一二两三四五六七八九十百千万亿]+(?:点[零〇○一二三四五六七八九]+)?"
NUMBER = re.compile(rf"百分之(?:{ARABIC}|{CHINESE})|{ARABIC}|{CHINESE}")
ARABIC_NUMBER = re.compile(rf"^\s*({ARABIC})\s*([多余])?\s*([千万亿])?\s*%?\s*$")
RANGE_TAIL = re.compile(rf"\s*%?\s*[~\-—–]\s*({ARABIC})")
LIST_MARK = "、"
SENTENCE_END = re.compile(r"[。!?\n]")
CLAUSE_BREAK = re.compile(r"[;:]|,(?!\d{3}(?!\d))|\|")


# --- rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The YAML rule sets compiled once."""

    prefix: dict[str, str]  # word → comparator
    suffix: dict[str, str]
    not_prefix: tuple[str, ...]
    more_than: str
    change: re.Pattern[str]
    each_markers: tuple[str, ...]
    each_joiners: re.Pattern[str]
    deadlines: tuple[re.Pattern[str], ...]
    periods: tuple[tuple[re.Pattern[str], int], ...]  # `“十四五”期间` → 2025
    reviews: tuple[tuple[re.Pattern[str], int], ...]  # `“十三五”以来`, with the period's end
    review_openings: tuple[str, ...]
    plan_periods: dict[str, tuple[int, int]]  # 十四五 → (2021, 2025)
    status: re.Pattern[str]
    units: tuple[tuple[str, str], ...]  # (spelling, canonical unit), longest spelling first
    not_units: tuple[str, ...]
    per_suffixes: dict[str, str]
    bases: tuple[tuple[re.Pattern[str], str], ...]
    any_basis: re.Pattern[str]
    names: re.Pattern[str]
    idioms: dict[str, dict[str, Any]]
    idiom: re.Pattern[str]
    strip_leading: re.Pattern[str]
    strip_trailing: re.Pattern[str]
    generic: frozenset[str]
    comparison_tail: re.Pattern[str]
    multiplier_tail: re.Pattern[str]
    columns: dict[str, re.Pattern[str]]
    text_columns: re.Pattern[str]
    equals: tuple[str, ...]
    policy_parameters: re.Pattern[str]
    operators: tuple[str, ...]
    respectively: tuple[str, ...]
    respectively_joiners: re.Pattern[str]
    shared_measures: tuple[str, ...]  # longest first


def _unit_spellings(units: list[str], aliases: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    spellings = {unit: unit for unit in units}
    spellings |= {alias: unit for unit, forms in aliases.items() for alias in forms}
    return tuple(sorted(spellings.items(), key=lambda pair: len(pair[0]), reverse=True))


def _period_patterns(
    plans: dict[str, tuple[int, int]], words: str
) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple((re.compile(re.escape(name) + words), end) for name, (_, end) in plans.items())


def plan_periods() -> dict[str, tuple[int, int]]:
    """Five-year-plan names and the years they cover (十四五 → 2021, 2025), from the rules."""
    return dict(compiled().plan_periods)


def review_openings() -> tuple[str, ...]:
    """Paragraph openings that start a review of the past (`过去五年`), from the rules."""
    return compiled().review_openings


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


MAX_CHANGE_CHARS = 200  # `从…提高到`: the baselines sit within a clause, never further away


@cache
def compiled() -> Rules:
    comparators = rules.load("comparators")
    measures = rules.load("measures")
    word_maps = {
        kind: {
            word: comparator for comparator, words in comparators[kind].items() for word in words
        }
        for kind in ("prefix", "suffix")
    }
    bases = tuple((re.compile(base["pattern"]), base["name"]) for base in measures["bases"])
    plans = {
        name: (int(years[0]), int(years[1]))
        for name, years in rules.load("meta")["five_year_plans"].items()
    }
    return Rules(
        prefix=word_maps["prefix"],
        suffix=word_maps["suffix"],
        not_prefix=tuple(comparators.get("not_prefix", [])),
        more_than="".join(comparators["more_than"]),
        change=re.compile(
            rf"(?:从|由)(?P<from>.{{0,{MAX_CHANGE_CHARS}}}?)"
            rf"(?:{_alternation(comparators['change_verbs'])})(?:到|至)"
        ),
        each_markers=tuple(comparators["each_markers"]),
        each_joiners=re.compile(_alternation(comparators["each_joiners"])),
        deadlines=tuple(re.compile(pattern) for pattern in comparators["deadlines"]),
        periods=_period_patterns(plans, comparators["period_deadline"]),
        reviews=_period_patterns(plans, comparators["period_review"]),
        plan_periods=plans,
        review_openings=tuple(comparators["review_openings"]),
        status=re.compile("|".join(comparators["status_markers"])),
        units=_unit_spellings(measures["units"], measures["unit_aliases"]),
        not_units=tuple(measures["not_units"]),
        per_suffixes=dict(measures["per_suffixes"]),
        bases=bases,
        any_basis=re.compile("|".join(pattern.pattern for pattern, _ in bases)),
        names=re.compile("|".join(f"(?:{p})" for p in measures["names_not_measures"])),
        idioms=dict(measures["idioms"]),
        idiom=re.compile(_alternation(list(measures["idioms"])) or "(?!)"),
        strip_leading=re.compile(
            "^(?:" + "|".join(f"(?:{p})" for p in measures["indicator_strip_leading"]) + ")"
        ),
        strip_trailing=re.compile(
            "(?:" + "|".join(f"(?:{p})" for p in measures["indicator_strip_trailing"]) + ")$"
        ),
        generic=frozenset(measures["generic_indicators"]),
        comparison_tail=re.compile(measures["comparison_tail"]),
        multiplier_tail=re.compile(rf"\s*[{''.join(comparators['more_than'])}]?\s*([千万亿])?"),
        columns={key: re.compile(p) for key, p in measures["table_columns"].items()},
        text_columns=re.compile(measures["table_text_columns"]),
        equals=tuple(measures["formula_signs"]["equals"]),
        policy_parameters=re.compile(
            "|".join(f"(?:{p})" for p in measures["policy_parameters"]) or "(?!)"
        ),
        operators=tuple(measures["formula_signs"]["operators"]),
        respectively=tuple(measures["respectively"]["words"]),
        respectively_joiners=re.compile(_alternation(measures["respectively"]["joiners"])),
        shared_measures=tuple(sorted(measures["shared_measures"], key=len, reverse=True)),
    )


# --- numbers ----------------------------------------------------------------------


def fold(text: str) -> str:
    """Full-width ASCII forms to ASCII (same length, so offsets hold)."""
    return text.translate(FULL_WIDTH)


def parse_number(text: str) -> float | None:
    """`1.8万` → 18000, `二十` → 20, `８５` → 85, `百分之八十` → 80; None when not a number."""
    text = text.translate(FULL_WIDTH).strip().replace(",", "")
    if text.startswith("百分之"):
        text = text[3:]
    match = ARABIC_NUMBER.match(text)
    if match:
        value = float(match.group(1)) * MULTIPLIERS.get(match.group(3) or "", 1)
    elif text and re.fullmatch(CHINESE, text):
        value = _chinese_number(text)
    else:
        return None
    return value if value is not None and math.isfinite(value) else None


def _chinese_number(text: str) -> float | None:
    integer, _, fraction = text.partition("点")
    whole = _chinese_integer(integer)
    if whole is None:
        return None
    if not fraction:
        return float(whole)
    digits = "".join(str(CHINESE_DIGITS.get(char, "")) for char in fraction)
    return float(f"{whole}.{digits}") if len(digits) == len(fraction) else None


def _chinese_integer(text: str) -> int | None:
    if text and all(char in CHINESE_DIGITS for char in text):
        return int("".join(str(CHINESE_DIGITS[char]) for char in text))  # 二〇三五
    return _chinese_with_units(text) if text else None


def _chinese_with_units(text: str) -> int | None:
    """一亿二千万 → 120000000: split at 亿, then 万, then read the part below ten thousand."""
    for char, multiplier in CHINESE_BIG_UNITS.items():
        if char in text:
            high_text, _, low_text = text.partition(char)
            high = _chinese_with_units(high_text) if high_text else 1
            low = _below_big_unit(low_text, multiplier)
            return None if high is None or low is None else high * multiplier + low
    return _below_ten_thousand(text)


def _below_big_unit(text: str, multiplier: int) -> int | None:
    if len(text) == 1 and CHINESE_DIGITS.get(text):
        return CHINESE_DIGITS[text] * multiplier // 10  # 一万二 → 12000
    text = text.lstrip("零〇○")
    return _chinese_with_units(text) if text else 0


def _below_ten_thousand(text: str) -> int | None:
    section, digit, last_unit = 0, None, None
    for char in text:
        if char in CHINESE_DIGITS:
            if digit:
                return None  # 二三 without a unit between: not a number
            digit = CHINESE_DIGITS[char]
        elif char in CHINESE_SMALL_UNITS:
            unit = CHINESE_SMALL_UNITS[char]
            if last_unit is not None and unit >= last_unit:
                return None
            section += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit and last_unit and last_unit >= 100 and text[-2] in CHINESE_SMALL_UNITS:
        return section + digit * last_unit // 10  # 一百五 → 150
    return section + (digit or 0)


# --- finding numbers in a clause --------------------------------------------------


@dataclass(slots=True)
class Hit:
    """One number of a clause with what qualifies it; positions are offsets in the clause."""

    start: int  # first character of the basis / comparator / number
    end: int  # after the unit and a suffix comparator
    number_start: int
    value: float
    unit: str
    comparator: str = "="
    value_max: float | None = None
    prefix_written: bool = False  # a comparator word stands right before the number
    comparator_written: bool = False  # before or after the number
    per: str | None = None
    baseline: Hit | None = None
    change_start: int | None = None  # where `从…提高到` begins, for a number it leads to
    is_baseline: bool = False
    indicators: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Clause:
    text: str
    offset: int  # in its sentence


def masked_spans(text: str) -> list[tuple[int, int]]:
    """Spans that are names, dates, ordinals or bases, where no number is a measure.

    Sorted and merged, so that `overlaps` can bisect them."""
    found = [match.span() for match in compiled().names.finditer(text)]
    found += [match.span() for match in compiled().any_basis.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) meets one of `spans` (sorted and disjoint: see `masked_spans`)."""
    k = bisect_left(spans, (end,))  # spans[:k] start before `end`; the last one ends latest
    return k > 0 and spans[k - 1][1] > start


def read_unit(text: str, position: int) -> tuple[str, int] | None:
    """The unit starting at `position` (after spaces), and where it ends."""
    while position < len(text) and text[position] == " ":
        position += 1
    if any(text.startswith(word, position) for word in compiled().not_units):
        return None
    for spelling, unit in compiled().units:
        if text.startswith(spelling, position):
            return unit, position + len(spelling)
    return None


def read_suffix(text: str, position: int, table: dict[str, str]) -> tuple[str, int] | None:
    for word in sorted(table, key=len, reverse=True):
        if text.startswith(word, position):
            return table[word], position + len(word)
    return None


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
    words = [word for word in compiled().prefix if text.endswith(word, 0, position)]
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
    for pattern, name in compiled().bases:
        for match in pattern.finditer(text, max(0, position - 12), position):
            if match.end() == position:
                return name, match.start()
    return None, position


@dataclass(frozen=True, slots=True)
class Measure:
    """A number read with its unit: `1.8万家` → 18000 家, `5~6%` → 5..6 %."""

    value: float
    value_max: float | None
    unit: str
    end: int
    more_than: bool  # 20多万个, 13.9万余人次


def read_hit(
    text: str, match: re.Match[str], masks: list[tuple[int, int]], in_list: bool = False
) -> Hit | None:
    """Turn one number match into a Hit when a unit follows it.

    `in_list`: the number opens an item of a list whose first figure has a comparator
    (`达到万兆到旗县区、千兆到苏木乡镇`), so a Chinese numeral counts as qualified."""
    if overlaps(match.start(), match.end(), masks) or _inside_number(text, match.start()):
        return None
    measure = read_measure(text, match, masks)
    if measure is None:
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
    hit = Hit(start, position, match.start(), measure.value, measure.unit)
    hit.value_max = measure.value_max
    hit.prefix_written = comparator is not None
    hit.comparator_written = comparator is not None or suffix is not None or measure.more_than
    written = (suffix[0] if suffix else None) or comparator
    hit.comparator = written or (">" if measure.more_than else "=")
    hit.per = per or (per_suffix[0] if per_suffix else None)
    return hit


def is_chinese_name(raw: str, *, qualified: bool, value: float) -> bool:
    """一肩挑, 三张清单, 达到一个新水平: Chinese numerals count only when qualified, and not 一."""
    chinese = not raw[0].isdigit() and not raw.startswith("百分之")
    return chinese and (not qualified or value == 1)


def _inside_number(text: str, start: int) -> bool:
    return start > 0 and (text[start - 1].isdigit() or text[start - 1] == ".")


def read_measure(text: str, match: re.Match[str], masks: list[tuple[int, int]]) -> Measure | None:
    raw = match.group()
    value, position, multiplier = _number_with_multiplier(text, raw, match.end())
    if value is None:
        return None
    value_max = None
    range_tail = RANGE_TAIL.match(text, position)
    if range_tail and not overlaps(range_tail.start(), range_tail.end(), masks):
        value_max = float(range_tail.group(1)) * multiplier
        position = range_tail.end()
    unit, position = _unit_after(text, raw, position)
    if unit is None:
        return None
    more_than = any(char in compiled().more_than for char in text[match.end() : position])
    return Measure(value, value_max, unit, position, more_than)


def _number_with_multiplier(text: str, raw: str, end: int) -> tuple[float | None, int, float]:
    """The number's value and where it ends, folding `1.8万`/`20多万` into one value."""
    if raw.startswith("百分之"):
        return parse_number(raw[3:]), end, 1
    if not raw[0].isdigit():
        return parse_number(raw), end, 1
    tail = compiled().multiplier_tail.match(text, end)
    if tail is None or tail.group(1) is None:
        return float(raw), end, 1
    multiplier = MULTIPLIERS.get(tail.group(1) or "", 1)
    if multiplier != 1 and _unit_starts(text, tail.start(1)):
        return float(raw), end, 1  # 8万人: the unit is 万人
    return float(raw) * multiplier, tail.end(), multiplier


def _unit_starts(text: str, position: int) -> bool:
    """A unit spelled from `position` on (`万人` in `8万人`): 万 is then no multiplier."""
    return read_unit(text, position) is not None


def _unit_after(text: str, raw: str, position: int) -> tuple[str | None, int]:
    if raw.startswith("百分之"):
        return "%", position
    more = position < len(text) and text[position] in compiled().more_than
    found = read_unit(text, position + (1 if more else 0))
    return found if found else (None, position)


def clause_hits(text: str) -> tuple[list[Hit], list[int]]:
    """Every measured number of a clause, and the offsets of numbers left unread."""
    numbers = list(NUMBER.finditer(text))
    hits: list[Hit] = []
    unread: list[int] = []
    masks = masked_spans(text) if numbers else []
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


def _qualified_but_unread(text: str, match: re.Match[str], masks: list[tuple[int, int]]) -> bool:
    """A digit number right after a comparator word whose unit is not known."""
    if not match.group()[0].isdigit() or overlaps(match.start(), match.end(), masks):
        return False
    comparator, _, _ = read_prefix(text, match.start())
    return comparator is not None


def idiom_hits(text: str, hits: list[Hit]) -> list[Hit]:
    """`总数翻一番`: a figure written as a word (see `idioms` in measures.yaml)."""
    found = []
    for match in compiled().idiom.finditer(text):
        if not any(hit.start <= match.start() < hit.end for hit in hits):
            meaning = compiled().idioms[match.group()]
            value, unit = float(meaning["value"]), str(meaning["unit"])
            found.append(Hit(match.start(), match.end(), match.start(), value, unit))
    return found


# --- baselines: 从600元提高到806元 ------------------------------------------------


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


# --- indicators -------------------------------------------------------------------


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
    """Name what each number measures, from the text around it (see the module docstring)."""
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


# --- sentences and clauses ----------------------------------------------------------


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at 。 ! ? or a line break."""
    found = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        found.append((start, text[start : match.end()]))
        start = match.end()
    if start < len(text):
        found.append((start, text[start:]))
    return [(offset, sentence) for offset, sentence in found if sentence.strip()]


def clauses(sentence: str) -> list[Clause]:
    found = []
    start = 0
    for match in CLAUSE_BREAK.finditer(sentence):
        found.append(Clause(sentence[start : match.start()], start))
        start = match.end()
    found.append(Clause(sentence[start:], start))
    return [clause for clause in found if clause.text.strip()]


@dataclass(frozen=True, slots=True)
class Marks:
    """The deadlines and review markers of one sentence, found once for all its numbers."""

    deadline_ends: list[int]
    latest: list[tuple[int, int]]  # (start, year) of the latest deadline ending by each end
    status_ends: list[int]

    @classmethod
    def of(cls, sentence: str, plan_start: int | None = None) -> Marks:
        rules_ = compiled()
        found = [
            (match.end(), match.start(), int(match.group(1)))
            for pattern in rules_.deadlines
            for match in pattern.finditer(sentence)
        ]
        found += [
            (match.end(), match.start(), year)
            for pattern, year in rules_.periods
            for match in pattern.finditer(sentence)
        ]
        found.sort()
        latest: list[tuple[int, int]] = []
        for _, start, year in found:
            latest.append(max(latest[-1], (start, year)) if latest else (start, year))
        status = [match.end() for match in rules_.status.finditer(sentence)]
        if plan_start is not None:
            status += [
                match.end()
                for pattern, end in rules_.reviews
                if end < plan_start
                for match in pattern.finditer(sentence)
            ]
        return cls([end for end, _, _ in found], latest, sorted(status))

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


def last_deadline(sentence: str, position: int) -> tuple[int, int] | None:
    """(offset, year) of the last deadline before `position` (`到2025年年底` → 2025)."""
    return Marks.of(sentence).deadline(position)


OPENING_CHARS = 12  # `到2025年,` opens a paragraph within this many characters


def opening_deadline(text: str) -> int | None:
    """The deadline a paragraph opens with (`到2020年,…`): every figure after it is due then."""
    first = sentences(text[: OPENING_CHARS * 4])
    head = text[:OPENING_CHARS] if not first else first[0][1]
    if len(first) > 1 and len(head) <= OPENING_CHARS and not last_deadline(head, OPENING_CHARS):
        head = first[1][1]  # a lead phrase first: `发展目标。到2025年,…`
    found = last_deadline(head, OPENING_CHARS)
    return found[1] if found and found[0] < OPENING_CHARS else None


def is_policy_parameter(clause: str) -> bool:
    """`省级给予一次性奖补100万元`, `最高500万元`: the terms of a support policy, not targets."""
    return compiled().policy_parameters.search(clause) is not None


def is_formula(clause: str) -> bool:
    """`半年考评分值=日常监测(60%)+实地调研(20%)`: weights in a formula are no targets."""
    rules_ = compiled()
    return any(sign in clause for sign in rules_.equals) and any(
        sign in clause for sign in rules_.operators
    )


def deadline_before(sentence: str, position: int) -> int | None:
    found = last_deadline(sentence, position)
    return found[1] if found else None


def status_before(sentence: str, position: int, plan_start: int | None = None) -> bool:
    """A review marker (`2016年以来`, `已达`, a plan period that ended before `plan_start`)
    before the number and after any deadline."""
    return Marks.of(sentence, plan_start).status(position)


# --- public API ---------------------------------------------------------------------


def find_targets(
    text: str,
    line: int,
    *,
    year: int | None = None,
    section_path: list[str] | None = None,
    status: bool = False,
    plan_start: int | None = None,
) -> tuple[list[Target], list[Diagnostic]]:
    """All numeric targets of one sentence, paragraph or item.

    `year` is the umbrella deadline of the enclosing goal; a deadline the text opens with
    (`到2020年,…`) overrides it for the whole text, one written in a sentence before the number
    for that number. `status=True` marks every figure as achieved (`kind: status`), as in a
    review of the previous plan period; `plan_start` (the first year of the plan's own period)
    makes a figure after an earlier period's name (`“十三五”以来`) status too.
    """
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    path = list(section_path or [])
    _framed.cache_clear()
    _without_comparison.cache_clear()
    folded = fold(text)
    year = opening_deadline(folded) or year
    for _, sentence in sentences(folded):
        marks = Marks.of(sentence, plan_start)
        previous_indicator: str | None = None
        previous_clause = ""
        for clause in clauses(sentence):
            if is_formula(clause.text) or (not status and is_policy_parameter(clause.text)):
                continue
            hits, unread = clause_hits(clause.text)
            diagnostics += [_unread_diagnostic(clause.text, at, line) for at in unread]
            if not hits:
                previous_clause = clause.text
                continue
            pair_baselines(clause.text, hits)
            assign_indicators(clause.text, hits)
            for hit in hits:
                if hit.is_baseline:
                    continue
                names = _complete(hit.indicators, previous_indicator, previous_clause, clause.text)
                position = clause.offset + hit.number_start
                kind = "status" if status or marks.status(position) else "target"
                deadline = marks.deadline(position)
                for name in names:
                    targets.append(
                        _target(
                            hit,
                            _clip(name),
                            evidence(clause.text, hit),
                            line,
                            path,
                            deadline[1] if deadline else year,
                            kind,
                        )
                    )
                previous_indicator = names[-1]
            previous_clause = clause.text
    return targets, diagnostics


MAX_EVIDENCE_CHARS = 300  # a clause longer than this is quoted only around its figure


def evidence(clause: str, hit: Hit) -> str:
    """The clause a figure was read in, or the part of a very long one around the figure."""
    if len(clause) <= MAX_EVIDENCE_CHARS:
        return clause.strip()
    end = min(len(clause), max(hit.end, hit.start + MAX_EVIDENCE_CHARS // 2))
    return clause[max(0, end - MAX_EVIDENCE_CHARS) : end].strip()


def _clip(indicator: str) -> str:
    return indicator if len(indicator) <= MAX_EVIDENCE_CHARS else indicator[-MAX_EVIDENCE_CHARS:]


def _complete(
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


# A clause with many figures and no names lends itself, or the indicator before, to each of
# them: read each text once per call, not once per figure (find_targets clears these).
@lru_cache(maxsize=64)
def _framed(text: str) -> str:
    return strip_framing(text)


@lru_cache(maxsize=64)
def _without_comparison(indicator: str) -> str:
    return compiled().comparison_tail.sub("", indicator)


def hit_target(
    hit: Hit,
    indicator: str,
    *,
    year: int | None,
    kind: str,
    baseline: Baseline | None,
    per: str | None,
    **where: Any,
) -> Target:
    """A Target from a read figure; `where` says where it was read (text, source, line …)."""
    return Target(
        indicator=indicator,
        comparator=hit.comparator,
        value=hit.value,
        value_max=hit.value_max,
        unit=hit.unit,
        per=per,
        year=year,
        baseline=baseline,
        kind=kind,
        **where,
    )


def _target(
    hit: Hit, indicator: str, text: str, line: int, path: list[str], year: int | None, kind: str
) -> Target:
    baseline = Baseline(value=hit.baseline.value) if hit.baseline else None
    return hit_target(
        hit,
        indicator,
        year=year,
        kind=kind,
        baseline=baseline,
        per=hit.per,
        text=text,
        source="text",
        line=line,
        section_path=path,
    )


def _unread_diagnostic(clause: str, at: int, line: int) -> Diagnostic:
    excerpt = clause[max(0, at - 8) : at + 12].strip()
    return Diagnostic(
        "info", "target-unparsed", line, f"number after a comparator has no known unit: {excerpt}"
    )


# --- indicator tables ---------------------------------------------------------------

EMPTY_CELL = re.compile(r"^[\s—\-–/无]*$")
YEAR_IN_HEADER = re.compile(r"(\d{4})\s*年")


@dataclass(slots=True)
class Columns:
    """Which column of an indicator table holds what (indexes into the header)."""

    indicator: int | None = None
    target: int | None = None
    target_year: int | None = None
    baseline: int | None = None
    baseline_year: int | None = None
    status: int | None = None
    unit: int | None = None
    attribute: int | None = None
    text: list[int] = field(default_factory=list)


def classify_columns(header: list[str]) -> Columns:
    patterns = compiled().columns
    columns = Columns()
    years: list[tuple[int, int]] = []
    for index, raw in enumerate(header):
        name = re.sub(r"\s+", "", raw)
        if patterns["skip"].search(name):
            continue
        if compiled().text_columns.search(name):
            columns.text.append(index)
        for key in ("indicator", "unit", "attribute", "status", "target"):
            if getattr(columns, key) is None and patterns[key].search(name):
                setattr(columns, key, index)
                break
        else:
            year = patterns["year"].match(name)
            if year:
                years.append((int(year.group(1)), index))
    if columns.target is None and years:
        columns.target = max(years)[1]
        if len(years) > 1:
            columns.baseline_year, columns.baseline = min(years)
    if columns.target is not None:
        columns.target_year = _header_year(header[columns.target])
    if columns.baseline is None and columns.status is not None:
        columns.baseline = columns.status
        columns.baseline_year = _header_year(header[columns.status])
    return columns


def _header_year(name: str) -> int | None:
    match = YEAR_IN_HEADER.search(name)
    return int(match.group(1)) if match else None


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return fold(row[index]).strip()


def simple_cell(text: str, default_unit: str | None) -> Hit | None:
    """A cell that is just a figure: `≥85`, `100`, `≧30平方米`, `>25人`, `5~6%`."""
    match = re.fullmatch(rf"(\D*?)\s*({ARABIC})(?:\s*%?\s*[~\-—–]\s*({ARABIC}))?\s*(.*)", text)
    if not match:
        return None
    prefix, number, maximum, rest = match.groups()
    if prefix and prefix not in compiled().prefix:
        return None
    unit = read_unit(rest, 0)
    rest = rest[unit[1] :] if unit else rest
    suffix = read_suffix(rest.strip(), 0, compiled().suffix)
    if rest.strip() and not (suffix and suffix[1] == len(rest.strip())):
        return None
    if unit is None and default_unit is None:
        return None
    hit = Hit(0, len(text), match.start(2), float(number), unit[0] if unit else str(default_unit))
    hit.value_max = float(maximum) if maximum else None
    hit.comparator = (suffix[0] if suffix else None) or compiled().prefix.get(prefix, "=")
    return hit


def cell_hits(text: str, default_unit: str | None) -> list[Hit]:
    """The figures a cell states: one simple figure, or several in running text."""
    if EMPTY_CELL.match(text):
        return []
    simple = simple_cell(text, default_unit)
    if simple is not None:
        return [simple]
    found: list[Hit] = []
    for _, sentence in sentences(text):
        for clause in clauses(sentence):
            hits, _ = clause_hits(clause.text)
            pair_baselines(clause.text, hits)
            assign_indicators(clause.text, hits)
            found += [hit for hit in hits if not hit.is_baseline]
    return found


def default_unit(row: list[str], columns: Columns) -> str | None:
    unit = cell(row, columns.unit)
    if not unit or EMPTY_CELL.match(unit):
        return None
    known = read_unit(unit, 0)
    return known[0] if known else unit


def row_baseline(row: list[str], columns: Columns, unit: str | None) -> Baseline | None:
    text = cell(row, columns.baseline)
    if not text or EMPTY_CELL.match(text):
        return None
    simple = simple_cell(text, unit or "")
    if simple is not None and simple.value_max is None:
        return Baseline(value=simple.value, year=columns.baseline_year)
    if not re.search(r"\d", text):
        return None  # 新建的严格按标准执行: no starting level given
    return Baseline(value=None, year=columns.baseline_year, text=text)


def row_line(table: Table, index: int) -> int:
    return table.row_lines[index] if index < len(table.row_lines) else table.line


def table_targets(table: Table) -> tuple[list[Target], list[Diagnostic]]:
    """Targets of an indicator table, one per row (more when a cell states several).

    The indicator column names the quantity; the target column (`…目标值`, or the latest year
    column) gives comparator and value; the unit column, the baseline (`2020年` or `现状`
    column) and `属性` fill the rest. A 现状 column also yields `status` entries. A table with
    no indicator column is a task list: its task/requirement cells are read as running text.
    """
    columns = classify_columns(table.header)
    if columns.indicator is None:
        return task_table_targets(table, columns)
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    if columns.target is None:
        return targets, diagnostics
    for index, row in enumerate(table.rows):
        indicator = cell(row, columns.indicator)
        if indicator:
            found, problems = row_targets(table, index, row, columns, indicator)
            targets += found
            diagnostics += problems
    return targets, diagnostics


def row_targets(
    table: Table, index: int, row: list[str], columns: Columns, indicator: str
) -> tuple[list[Target], list[Diagnostic]]:
    line = row_line(table, index)
    unit = default_unit(row, columns)
    attribute = cell(row, columns.attribute)
    common: dict[str, Any] = {
        "text": " | ".join(cell.strip() for cell in row),
        "source": "table",
        "line": line,
        "section_path": list(table.section_path),
        "attribute": attribute if attribute in ("预期性", "约束性") else None,
    }
    target_cell = cell(row, columns.target)
    hits = cell_hits(target_cell, unit)
    diagnostics = []
    if not hits and not EMPTY_CELL.match(target_cell):
        diagnostics.append(
            Diagnostic(
                "warning",
                "target-unparsed",
                line,
                f"indicator {indicator!r} has no figure in its target cell: {target_cell}",
            )
        )
    baseline = row_baseline(row, columns, unit)
    targets = [
        _table_target(
            hit,
            hit.indicators[-1] if hit.indicators else indicator,
            common,
            year=columns.target_year,
            baseline=baseline,
            kind="target",
        )
        for hit in hits
    ]
    if columns.status is not None:
        common["attribute"] = None
        targets += [
            _table_target(hit, indicator, common, year=None, baseline=None, kind="status")
            for hit in cell_hits(cell(row, columns.status), unit)
        ]
    return targets, diagnostics


def _table_target(
    hit: Hit,
    indicator: str,
    common: dict[str, Any],
    *,
    year: int | None,
    baseline: Baseline | None,
    kind: str,
) -> Target:
    per = hit.per or first_basis(indicator)
    return hit_target(hit, indicator, year=year, kind=kind, baseline=baseline, per=per, **common)


def task_table_targets(table: Table, columns: Columns) -> tuple[list[Target], list[Diagnostic]]:
    """Figures written in the task / requirement cells of a task list table."""
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    for index, row in enumerate(table.rows):
        for column in columns.text:
            text = cell(row, column)
            if not text or (index and text == cell(table.rows[index - 1], column)):
                continue  # empty, or a merged cell repeated from the row above
            found, problems = find_targets(
                text, row_line(table, index), section_path=list(table.section_path)
            )
            targets += [target.model_copy(update={"source": "table"}) for target in found]
            diagnostics += problems
    return targets, diagnostics
