"""Stage 2, normalize: decoded text → clean simplified lines tied to original lines."""

from __future__ import annotations

import re
from functools import cache

from plancli.core import Line, NormalizationReport, Normalized

GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\((?:[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6})\s?\)\s?")


@cache
def _converter():
    import opencc

    return opencc.OpenCC("hk2s")


def normalize(text: str) -> Normalized:
    report = NormalizationReport()
    text, report.annotations_removed = GLOSS.subn("", text)
    converted = _converter().convert(text)
    report.converted_chars = sum(a != b for a, b in zip(text, converted, strict=False))
    report.script = "traditional" if report.converted_chars else "simplified"
    lines = [
        Line(raw.strip(), number)
        for number, raw in enumerate(converted.splitlines(), start=1)
        if raw.strip()
    ]
    return Normalized(lines, report)
