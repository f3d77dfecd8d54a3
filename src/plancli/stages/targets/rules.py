"""The comparator and measure vocabularies of `rules/comparators.yaml` and `rules/measures.yaml`,
compiled once into patterns and lookup tables for the other modules of this package."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NamedTuple, TypeVar

from plancli import regexes, rules
from plancli.stages.literal_check import match_starts
from plancli.text import alternation

_Item = TypeVar("_Item")


class Rules(NamedTuple):
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
    plan_names: re.Pattern[str]  # any plan name: `periods` and `reviews` all start with one
    status: re.Pattern[str]
    status_starts: re.Pattern[str] | None  # what a `status` match can start with
    units: tuple[tuple[str, str], ...]  # (spelling, canonical unit), longest spelling first
    not_units: tuple[str, ...]
    units_by_first: dict[str, tuple[tuple[str, str], ...]]  # `units` by first character
    not_units_by_first: dict[str, tuple[str, ...]]
    prefix_by_last: dict[str, tuple[str, ...]]  # the words of `prefix` by last character
    per_suffixes: dict[str, str]
    bases: tuple[tuple[re.Pattern[str], str], ...]
    any_basis: re.Pattern[str]
    names: re.Pattern[str]
    names_starts: re.Pattern[str] | None  # what a `names` match can start with
    idioms: dict[str, dict[str, Any]]
    idiom: re.Pattern[str]
    any_figure: re.Pattern[str]  # a numeral, or an idiom without one: what may state a figure
    strip_leading: re.Pattern[str]
    strip_trailing: re.Pattern[str]
    generic: frozenset[str]
    comparison_tail: re.Pattern[str]
    multiplier_tail: re.Pattern[str]
    columns: dict[str, re.Pattern[str]]
    text_columns: re.Pattern[str]
    equals: re.Pattern[str]  # any equals sign of a formula
    policy_parameters: re.Pattern[str]
    operators: re.Pattern[str]  # any operator sign of a formula
    respectively: tuple[str, ...]
    respectively_joiners: re.Pattern[str]
    shared_measures: tuple[str, ...]  # longest first


def _unit_spellings(units: list[str], aliases: dict[str, list[str]]) -> tuple[tuple[str, str], ...]:
    spellings = {unit: unit for unit in units}
    spellings |= {alias: unit for unit, forms in aliases.items() for alias in forms}
    return tuple(sorted(spellings.items(), key=lambda pair: len(pair[0]), reverse=True))


def _by_character(
    items: Iterable[_Item], key: Callable[[_Item], str]
) -> dict[str, tuple[_Item, ...]]:
    """`items` grouped by one character of their word (`key`), each group in rule order."""
    groups: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return {char: tuple(group) for char, group in groups.items()}


def _period_patterns(
    plans: dict[str, tuple[int, int]], words: str
) -> tuple[tuple[re.Pattern[str], int], ...]:
    return tuple(
        (regexes.compile(re.escape(name) + words), end) for name, (_, end) in plans.items()
    )


def plan_periods() -> dict[str, tuple[int, int]]:
    """Five-year-plan names and the years they cover (十四五 → 2021, 2025), from the rules."""
    return dict(compiled().plan_periods)


def review_openings() -> tuple[str, ...]:
    """Paragraph openings that start a review of the past (`过去五年`), from the rules."""
    return compiled().review_openings


NUMERALS = "零〇○一二两三四五六七八九十百千万亿"
# Any digit or numeral is a number of `numbers.NUMBER` on its own (百 of 百分之 too): this
# one-character class tells whether a text holds a number several times faster.
ANY_NUMERAL = regexes.compile(rf"[\d{NUMERALS}]")


def _figure_finder(idioms: Iterable[str]) -> re.Pattern[str]:
    """Finds a numeral or one of the idioms that hold none (a text without a numeral can
    state a figure only with those): one search where two would be needed."""
    free = [word for word in idioms if ANY_NUMERAL.search(word) is None]
    numeral = ANY_NUMERAL.pattern
    return regexes.compile(f"{numeral}|{alternation(free)}" if free else numeral)


MAX_CHANGE_CHARS = 200  # `从…提高到`: the baselines sit within a clause, never further away


@cache
def compiled() -> Rules:
    """The rule sets, read and compiled on first use (clear the cache after changing them)."""
    comparators = rules.load("comparators")
    measures = rules.load("measures")
    word_maps = {
        kind: {
            word: comparator for comparator, words in comparators[kind].items() for word in words
        }
        for kind in ("prefix", "suffix")
    }
    bases = tuple((regexes.compile(base["pattern"]), base["name"]) for base in measures["bases"])
    names = regexes.compile("|".join(f"(?:{p})" for p in measures["names_not_measures"]))
    plans = {
        name: (int(years[0]), int(years[1]))
        for name, years in rules.load("meta")["five_year_plans"].items()
    }
    units = _unit_spellings(measures["units"], measures["unit_aliases"])
    not_units = tuple(measures["not_units"])
    status = regexes.compile("|".join(comparators["status_markers"]))
    return Rules(
        prefix=word_maps["prefix"],
        suffix=word_maps["suffix"],
        not_prefix=tuple(comparators.get("not_prefix", [])),
        more_than="".join(comparators["more_than"]),
        change=regexes.compile(
            rf"(?:从|由)(?P<from>.{{0,{MAX_CHANGE_CHARS}}}?)"
            rf"(?:{alternation(comparators['change_verbs'])})(?:到|至)"
        ),
        each_markers=tuple(comparators["each_markers"]),
        each_joiners=regexes.compile(alternation(comparators["each_joiners"])),
        deadlines=tuple(regexes.compile(pattern) for pattern in comparators["deadlines"]),
        periods=_period_patterns(plans, comparators["period_deadline"]),
        reviews=_period_patterns(plans, comparators["period_review"]),
        plan_periods=plans,
        plan_names=regexes.compile(alternation(plans) if plans else "(?!)"),
        review_openings=tuple(comparators["review_openings"]),
        status=status,
        status_starts=match_starts(status),
        units=units,
        not_units=not_units,
        units_by_first=_by_character(units, lambda pair: pair[0][:1]),
        not_units_by_first=_by_character(not_units, lambda word: word[:1]),
        prefix_by_last=_by_character(word_maps["prefix"], lambda word: word[-1:]),
        per_suffixes=dict(measures["per_suffixes"]),
        bases=bases,
        any_basis=regexes.compile("|".join(pattern.pattern for pattern, _ in bases)),
        names=names,
        names_starts=match_starts(names),
        idioms=dict(measures["idioms"]),
        idiom=regexes.compile(alternation(measures["idioms"]) if measures["idioms"] else "(?!)"),
        any_figure=_figure_finder(measures["idioms"]),
        strip_leading=regexes.compile(
            "^(?:" + "|".join(f"(?:{p})" for p in measures["indicator_strip_leading"]) + ")"
        ),
        strip_trailing=regexes.compile(
            "(?:" + "|".join(f"(?:{p})" for p in measures["indicator_strip_trailing"]) + ")$"
        ),
        generic=frozenset(measures["generic_indicators"]),
        comparison_tail=regexes.compile(measures["comparison_tail"]),
        multiplier_tail=regexes.compile(
            rf"\s*[{''.join(comparators['more_than'])}]?\s*([千万亿])?"
        ),
        columns={key: regexes.compile(p) for key, p in measures["table_columns"].items()},
        text_columns=regexes.compile(measures["table_text_columns"]),
        equals=regexes.compile(alternation(measures["formula_signs"]["equals"])),
        policy_parameters=regexes.compile(
            "|".join(f"(?:{p})" for p in measures["policy_parameters"]) or "(?!)"
        ),
        operators=regexes.compile(alternation(measures["formula_signs"]["operators"])),
        respectively=tuple(measures["respectively"]["words"]),
        respectively_joiners=regexes.compile(alternation(measures["respectively"]["joiners"])),
        shared_measures=tuple(sorted(measures["shared_measures"], key=len, reverse=True)),
    )
