"""Detect garbled runs (GBK mojibake) and propose recoveries; never alters text."""

from __future__ import annotations

from plancli.core import Line, SuspectSpan


def find_suspect_spans(lines: list[Line]) -> list[SuspectSpan]:
    return []
