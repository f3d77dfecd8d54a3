"""Stage 4, extract: outline → goals, tasks with units, numeric targets, unit list."""

from __future__ import annotations

from plancli.models import Extraction, Outline


def extract(outline: Outline) -> Extraction:
    return Extraction()
