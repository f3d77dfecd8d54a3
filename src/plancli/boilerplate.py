"""Position-aware removal of web page chrome (rules in rules/boilerplate.yaml)."""

from __future__ import annotations

from plancli.core import Line, Removal


def strip_boilerplate(lines: list[Line]) -> tuple[list[Line], list[Removal]]:
    """Return the lines that belong to the document and the chrome that was removed."""
    return lines, []
