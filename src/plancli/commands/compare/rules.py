"""The compare rule set (rules/compare.yaml plus the bases of measures.yaml), compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from plancli import regexes, rules


@dataclass(frozen=True)
class CompareRules:
    bases: tuple[re.Pattern[str], ...]
    indicator_rewrites: tuple[tuple[re.Pattern[str], str], ...]
    indicator_fillers: re.Pattern[str]
    scope_words: tuple[str, ...]
    basis_family: dict[str, int]
    unit_equivalents: dict[str, str]
    extensive_units: frozenset[str]
    unit_level_prefix: re.Pattern[str]
    unit_level_not_prefixes: tuple[str, ...]
    unit_rewrites: tuple[tuple[re.Pattern[str], str], ...]


def _rewrites(entries: list[dict[str, str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((regexes.compile(entry["pattern"]), entry["replace"]) for entry in entries)


def _words(words: list[str]) -> re.Pattern[str]:
    from plancli.text import alternation

    return regexes.compile(alternation(words))


@cache
def compare_rules() -> CompareRules:
    data = rules.load("compare")
    families = data.get("basis_families", [])
    return CompareRules(
        bases=tuple(regexes.compile(base["pattern"]) for base in rules.load("measures")["bases"]),
        indicator_rewrites=_rewrites(data["indicator_rewrites"]),
        indicator_fillers=_words(data["indicator_fillers"]),
        scope_words=tuple(data["scope_words"]),
        basis_family={name: index for index, names in enumerate(families) for name in names},
        unit_equivalents=dict(data.get("unit_equivalents", {})),
        extensive_units=frozenset(data["extensive_units"]),
        unit_level_prefix=regexes.compile(f"^(?:{_words(data['unit_level_prefixes']).pattern})"),
        unit_level_not_prefixes=tuple(data.get("unit_level_not_prefixes", [])),
        unit_rewrites=_rewrites(data["unit_rewrites"]),
    )
