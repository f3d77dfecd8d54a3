"""Text helpers of the notice-wrapper reader: cleaned lines, brackets and 《…》 titles,
organisation names, publication notes and the word lists of rules/meta.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple, overload

from plancli import regexes, rules
from plancli.text import alternation, fold_width

MAX_ORG_CHARS = 40
CJK = r"\u3400-\u9fff"
HEADING = regexes.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分])")
BRACKET_PAIRS = ("《》", "〈〉", "()", "〔〕", "【】")  # quotes are too often damaged to count
BRACKETS = '《》〈〉“”"()〔〕【】 '
SENTENCE_ENDS = "。!?;"
SENTENCE_END = regexes.compile(f"[{SENTENCE_ENDS}]")


class Span(NamedTuple):
    """Consecutive lines [start, end) of `lines` joined into one text."""

    start: int
    end: int
    text: str


LOST_TAIL = regexes.compile(r"(?:\?{2,}|\ufffd+)$")


def wrapper_text(text: str) -> str:
    """`clean_text`, without the run of lost characters a re-encoding left at the end of a
    padded line (a signature's no-break spaces read back as ``??????``).

    >>> wrapper_text("2017年7月31日??????"), wrapper_text("是否可行?")
    ('2017年7月31日', '是否可行?')
    """
    cleaned = clean_text(text)
    return LOST_TAIL.sub("", cleaned) if cleaned.endswith(("?", "\ufffd")) else cleaned


class WrapperTexts(Sequence[str]):
    """The `wrapper_text` of each line, cleaned when first read: the wrapper reader looks at
    the head and the tail of a document and at its lines that cite a 《…》, seldom at more."""

    __slots__ = ("_cleaned", "_raw")

    def __init__(self, raw: list[str]) -> None:
        self._raw = raw
        self._cleaned: list[str | None] = [None] * len(raw)

    def __len__(self) -> int:
        return len(self._raw)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._raw)))]
        text = self._cleaned[index]
        if text is None:
            text = self._cleaned[index] = wrapper_text(self._raw[index])
        return text


def clean_text(text: str) -> str:
    """Text as the contract wants it: folded width, no stray spaces between Chinese characters.

    >>> clean_text("关于 印发《方案》的 通知　2022年 3 月")
    '关于印发《方案》的通知 2022年 3 月'
    """
    words = fold_width(text).split()
    if len(words) < 2:
        return words[0] if words else ""
    cleaned = [words[0]]
    for word in words[1:]:
        if not (_is_cjk(cleaned[-1][-1]) and _is_cjk(word[0])):
            cleaned.append(" ")
        cleaned.append(word)
    return "".join(cleaned)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def bracket_key(text: str) -> str:
    """Comparison key that ignores brackets, quotes and spaces (〈〉 vs 《》, lost “)."""
    return "".join(c for c in text if c not in BRACKETS)


def is_balanced(text: str) -> bool:
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in BRACKET_PAIRS)


TITLE_MARK = regexes.compile("[《》]")


def top_level_titles(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost 《…》, end just past the closing 》."""
    spans: list[tuple[int, int]] = []
    if "《" not in text:
        return spans
    depth, start = 0, 0
    for mark in TITLE_MARK.finditer(text):
        i, char = mark.start(), mark.group()
        if char == "《":
            if depth == 0:
                start = i
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def is_subsequence(short: str, long: str) -> bool:
    remaining = iter(long)
    return all(char in remaining for char in short)


@cache
def meta_rules() -> dict[str, Any]:
    return rules.load("meta")


@cache
def org_suffix() -> re.Pattern[str]:
    return regexes.compile(f"(?:{alternation(meta_rules()['org_suffixes'])})$")


def is_org(text: str) -> bool:
    """A short name ending like an organisation (人民政府, 办公室, 管委会 …)."""
    return (
        1 < len(text) <= MAX_ORG_CHARS
        and not re.search(r"[,。;:!?《》]", text)
        and bool(org_suffix().search(text))
    )


@cache
def _publication_note() -> re.Pattern[str]:
    return regexes.compile("|".join(f"(?:{p})" for p in meta_rules()["publication_notes"]))


def is_publication_note(text: str) -> bool:
    return _publication_note().search(text) is not None
