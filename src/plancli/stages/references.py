"""What a notice cites: its 发文字号, the period it covers, and the 《…》 basis documents it
names (with their own document numbers where given).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from plancli import regexes
from plancli.core import Findings, Line
from plancli.models import Period, Reference
from plancli.stages.dates import YEAR
from plancli.stages.meta_text import CJK, SENTENCE_ENDS, bracket_key, meta_rules, top_level_titles
from plancli.text import sentences

OPEN_YEAR = r"[〔\[【(﹝]"
CLOSE_YEAR = r"[〕\]】)﹞]"
DOC_NUMBER = regexes.compile(
    rf"(?P<prefix>[{CJK}]{{1,10}})\s*{OPEN_YEAR}\s*(?P<year>{YEAR})\s*{CLOSE_YEAR}"
    r"\s*第?(?P<num>\d{1,5})\s*号"
)
PERIOD_RANGE = regexes.compile(rf"(?P<a>{YEAR})\s*年?\s*[—–\-~至到]+\s*(?P<b>{YEAR})\s*年?")


def find_doc_number(
    lines: list[Line], texts: Sequence[str], stop: int, out: Findings
) -> str | None:
    """The first 发文字号 in the wrapper, brackets normalized to 〔〕, a lost bracket restored."""
    for line, text in zip(lines[:stop], texts[:stop], strict=False):
        found = doc_number_in(text)
        if found is None:
            continue
        written, value, damaged = found
        if written != value:
            out.repair(line.line, "doc-number", written, value)
        if damaged:
            out.warn(
                "damaged-doc-number", line.line, f"{written!r} lost a bracket; read as {value}"
            )
        return value
    return None


def doc_number_in(text: str) -> tuple[str, str, bool] | None:
    """(as written, normalized, damaged) for the first doc number in `text` not in a citation."""
    if "号" not in text:
        return line_without_close(text)  # any other doc number ends in 号
    for match in DOC_NUMBER.finditer(text):
        if not cited(text, match.start()):
            return match.group(0), f"{match['prefix']}〔{match['year']}〕{match['num']}号", False
    for match in damaged_doc_number().finditer(text):
        if not cited(text, match.start()):
            year, num = match["year"] or match["year2"], match["num"] or match["num2"]
            return match.group(0), f"{match['prefix']}〔{year}〕{num}号", True
    return None


@cache
def damaged_doc_number() -> re.Pattern[str]:
    """A doc number that lost one bracket (`新政办发〔202234号`); compiled on first use, as most
    documents never need it and its CJK class is slow to compile."""
    return regexes.compile(
        rf"(?P<prefix>[{CJK}]{{1,10}})\s*(?:{OPEN_YEAR}(?P<year>{YEAR})(?P<num>\d{{1,5}})"
        rf"|(?P<year2>{YEAR}){CLOSE_YEAR}(?P<num2>\d{{1,5}}))\s*号"
    )


def line_without_close(text: str) -> tuple[str, str, bool] | None:
    """A line that is nothing but a doc number that lost its closing bracket and its 号
    (`牟政办发〔201746`): the year's four digits end where the number starts."""
    match = bare_doc_number().fullmatch(text.strip())
    if match is None:
        return None
    return match.group(0), f"{match['prefix']}〔{match['year']}〕{match['num']}号", True


@cache
def bare_doc_number() -> re.Pattern[str]:
    return regexes.compile(
        rf"(?P<prefix>[{CJK}]{{1,10}})\s*{OPEN_YEAR}(?P<year>{YEAR})(?P<num>\d{{1,5}})"
    )


def cited(text: str, position: int) -> bool:
    """A doc number in parentheses right after a 《…》 belongs to a cited document."""
    return text[:position].rstrip().endswith("》(")


def portal_doc_number(portal: dict[str, str]) -> str | None:
    found = doc_number_in(portal.get("发文字号", ""))
    return found[1] if found else None


def find_period(texts: list[str]) -> Period | None:
    for text in texts:
        for match in PERIOD_RANGE.finditer(text):
            start, end = int(match["a"]), int(match["b"])
            if start < end <= start + 15:
                return Period(start=start, end=end)
    for text in texts:
        for name, (start, end) in meta_rules()["five_year_plans"].items():
            if name in text:
                return Period(start=start, end=end)
    return None


def restore_lost_quote(text: str) -> str:
    """`湖南省十四五”城乡` → `湖南省“十四五”城乡`: a five-year-plan name lost its opening quote."""
    for name in meta_rules()["five_year_plans"]:
        if name + "”" in text:  # the names are plain words: only then can one lack its “
            text = re.sub(rf"(?<!“){name}”", f"“{name}”", text)
    return text


def references_in(lines: list[Line], texts: Sequence[str], indexes: list[int]) -> list[Reference]:
    """Cited basis documents: 《…》 after a trigger word in these sentences."""
    found: list[Reference] = []
    for i in indexes:
        for offset, sentence in sentences(texts[i], ends=SENTENCE_ENDS):
            for begin, end in cited_after_trigger(sentence):
                found.append(reference(lines[i].line, texts[i], offset + begin, offset + end))
    return found


def cited_after_trigger(sentence: str) -> list[tuple[int, int]]:
    spans = top_level_titles(sentence)
    masked = list(sentence)
    for begin, end in spans:
        masked[begin:end] = "#" * (end - begin)
    outside = "".join(masked)
    hits = [outside.find(word) for word in meta_rules()["reference_triggers"] if word in outside]
    if not hits:
        return []
    first = min(hits)
    return [(begin, end) for begin, end in spans if begin > first]


def reference(line: int, text: str, begin: int, end: int) -> Reference:
    after = DOC_NUMBER.match(text, end + 1) if text[end : end + 1] == "(" else None
    doc = f"{after['prefix']}〔{after['year']}〕{after['num']}号" if after else None
    return Reference(title=text[begin + 1 : end - 1], doc_number=doc, line=line)


def references_with_doc_number(lines: list[Line], texts: Sequence[str]) -> list[Reference]:
    """Any 《…》 followed by `(新政办发〔2022〕34号)`, anywhere in the document."""
    found = []
    for index, line in enumerate(lines):
        if "《" not in line.text:  # cleaning keeps every 《
            continue
        text = texts[index]
        for begin, end in top_level_titles(text):
            ref = reference(line.line, text, begin, end)
            if ref.doc_number:
                found.append(ref)
    return found


def merge_references(refs: list[Reference], own: set[str]) -> list[Reference]:
    """One entry per cited title (earliest line wins, a doc number found later is kept)."""
    merged: dict[str, Reference] = {}
    for ref in sorted(refs, key=lambda r: r.line or 0):
        key = bracket_key(ref.title)
        if key in own or not key:
            continue
        if key not in merged:
            merged[key] = ref
        elif merged[key].doc_number is None and ref.doc_number:
            merged[key] = merged[key].model_copy(update={"doc_number": ref.doc_number})
    return list(merged.values())
