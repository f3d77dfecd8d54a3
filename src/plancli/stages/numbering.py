"""The numbering of markers: what number comes next per family, and what a break in it means.

Numbers are kept per (scope, family), where the scope is the open 专栏 box (or the body), each
with the heading it was seen under: continuing across headings and restarting under a new
heading are normal; a gap, a repeat and a restart under the same heading are diagnostics. A
marker that lost a bracket or its numeral (`)因地制宜…`) is repaired only when it fits.
"""

from __future__ import annotations

import re

from plancli.core import Diagnostic
from plancli.stages.markers import Marker, format_marker, load_rules, parse_number


class Numbering:
    """The last number seen per (scope, family) and the heading it was seen under."""

    __slots__ = ("last", "recent")

    def __init__(self) -> None:
        self.last: dict[tuple[str, str], tuple[int, str]] = {}
        self.recent: dict[str, dict[str, None]] = {}  # scope → families, last checked last

    def expected(self, scope: str, family: str, parent: str) -> int:
        previous = self.last.get((scope, family))
        if previous is None or previous[1] != parent:
            return 1
        return previous[0] + 1

    def fits(self, scope: str, family: str, parent: str, number: int) -> bool:
        previous = self.last.get((scope, family))
        if previous is None:
            return number == 1
        return number == previous[0] + 1 or (number == 1 and previous[1] != parent)

    def most_recent(self, scope: str, families: tuple[str, ...]) -> str | None:
        """Of `families`, the one whose number was checked last in `scope`."""
        for family in reversed(self.recent.get(scope, {})):
            if family in families:
                return family
        return None

    def check(
        self, scope: str, family: str, parent: str, number: int, marker: str, line: int
    ) -> Diagnostic | None:
        """Record `number` and say what is wrong with it, if anything."""
        previous = self.last.get((scope, family))
        self.last[scope, family] = (number, parent)
        order = self.recent.setdefault(scope, {})
        order.pop(family, None)
        order[family] = None
        if previous is None:
            if number == 1:
                return None
            return warning("numbering-gap", line, f"numbering starts at {marker}")
        last, last_parent = previous
        if number == last + 1 or (number == 1 and last_parent != parent):
            return None
        if number == 1:
            return warning("numbering-restart", line, f"numbering restarts at {marker}")
        if number <= last:
            return warning("numbering-repeat", line, f"{marker} comes after number {last}")
        return warning("numbering-gap", line, f"{marker} follows number {last}")

    def repaired_marker(self, text: str, scope: str, parent: str) -> Marker | None:
        """A damaged marker at the start of `text` that fits the numbering, repaired."""
        for pattern, families in load_rules().damaged:
            found = pattern.match(text)
            if not found:
                continue
            candidate = self.repair_candidate(found, families, scope, parent)
            if candidate is not None:
                family, number = candidate
                rest = text[found.end() :].strip()
                return Marker(family, number, format_marker(family, number), rest)
        return None

    def repair_candidate(
        self, found: re.Match[str], families: tuple[str, ...], scope: str, parent: str
    ) -> tuple[str, int] | None:
        """The (family, number) a damaged marker stands for, if the sequence says so."""
        numeral = found.groupdict().get("num")
        if numeral is None:
            family = self.most_recent(scope, families)
            if family is None:
                return None
            return family, self.expected(scope, family, parent)
        number = parse_number(numeral)
        for family in families:
            if number is not None and self.fits(scope, family, parent, number):
                return family, number
        return None


def warning(code: str, line: int, message: str) -> Diagnostic:
    return Diagnostic("warning", code, line, message)
