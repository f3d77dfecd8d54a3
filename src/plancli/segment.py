"""Stage 3, segment: normalized lines → headings, items, 专栏 boxes, tables, notice wrapper."""

from __future__ import annotations

from plancli.core import Normalized
from plancli.models import Outline


def segment(normalized: Normalized) -> Outline:
    return Outline()
