"""Portal information boxes: the 索引号/发布机构/成文日期 … block a portal prints above a document.

`find_box` marks the lines of a box in the head of a page (they leave the body, logged as
``portal-info``); `read_fields` turns those lines into a mapping with normalised keys
(rules/portal.yaml), which the notice reader puts in ``meta.portal`` and uses to fill the
document number, issuer and date the document itself does not give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import datetime

from plancli import regexes, rules

PORTAL_RULE = "portal-info"  # the rule name of removed box lines
IGNORED = ""  # the key of labels that are recognised but not kept
DATE = regexes.compile(r"(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})")


class PortalRules(NamedTuple):
    label_starts: frozenset[str]  # first characters of the labels
    keys: dict[str, str]  # label without spaces → normalised key ("" for ignored labels)
    shapes: dict[str, re.Pattern[str]]
    bullets: str
    max_value_chars: int
    max_head_lines: int
    min_run: int
    repealed_words: tuple[str, ...]


class Field(NamedTuple):
    key: str
    value: str


@cache
def load_rules() -> PortalRules:
    data: dict[str, Any] = rules.load("portal")
    keys = {str(label): str(key) for key, labels in data["fields"].items() for label in labels}
    keys.update(dict.fromkeys((str(label) for label in data.get("ignored", [])), IGNORED))
    return PortalRules(
        label_starts=frozenset(label[:1] for label in keys),
        keys=keys,
        shapes={str(k): regexes.compile(v) for k, v in data.get("value_shapes", {}).items()},
        bullets=str(data.get("bullets", "")),
        max_value_chars=int(data.get("max_value_chars", 120)),
        max_head_lines=int(data.get("max_head_lines", 60)),
        min_run=int(data.get("min_run", 3)),
        repealed_words=tuple(str(w) for w in data.get("repealed_words", [])),
    )


@cache
def label_pattern() -> re.Pattern[str]:
    """Any label, spaces allowed between its characters, then a separator. Compiled when a
    line first starts like a label: the alternation costs a millisecond."""
    spelled = sorted(load_rules().keys, key=len, reverse=True)
    alternation = "|".join(r"\s*".join(map(re.escape, label)) for label in spelled)
    return regexes.compile(rf"(?<![^|\s])(?P<label>{alternation})\s*(?:[:|]|(?=\s)|$)")


# A legal database's header sets each label in brackets: `【发文字号】京经信发〔2022〕87号`.
BRACKETED_LABEL = regexes.compile(r"^【\s*([^【】\s]{1,10})\s*】\s*")


def box_fields(text: str) -> list[Field] | None:
    """The fields of one box line (`索 引 号: | X | 主题分类: | Y |`), or None if it is not one."""
    portal = load_rules()
    body = text.strip().lstrip(portal.bullets).strip()
    if body.startswith("【"):
        body = BRACKETED_LABEL.sub(r"\1: ", body)
    if not body or "。" in body or not starts_like_label(body, portal):
        return None
    matches = list(label_pattern().finditer(body))
    if not matches or matches[0].start() != 0:
        return None
    fields: list[Field] = []
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following is not None else len(body)
        value = body[match.end() : end].strip(" |:")
        if len(value) > portal.max_value_chars:
            return None
        label = re.sub(r"\s+", "", match.group("label"))
        fields.append(Field(portal.keys[label], value))
    return fields


def starts_like_label(body: str, portal: PortalRules) -> bool:
    """Could a label match at the start (a box line starts with one)?"""
    return body[0] in portal.label_starts or "" in portal.label_starts


def fits_shape(key: str, text: str) -> bool:
    portal = load_rules()
    shape = portal.shapes.get(key)
    if len(text) > portal.max_value_chars or "。" in text:
        return False
    return shape is None or shape.search(text) is not None


def box_runs(texts: Sequence[str]) -> list[tuple[list[int], int]]:
    """Runs of consecutive box lines: (indexes, how many of them carry labels)."""
    runs: list[tuple[list[int], int]] = []
    current: list[int] = []
    labelled = 0
    pending: str | None = None  # key of a label that ended the previous box line empty
    for index, text in enumerate(texts):
        fields = box_fields(text)
        if fields is not None:
            current.append(index)
            labelled += 1
            pending = fields[-1].key if not fields[-1].value else None
            continue
        if pending and fits_shape(pending, text.strip()):
            current.append(index)
        elif current:
            runs.append((current, labelled))
            current, labelled = [], 0
        pending = None
    if current:
        runs.append((current, labelled))
    return runs


def find_box(texts: Sequence[str], stop: int) -> list[int]:
    """Indexes of the lines that belong to a portal info box.

    A run of box lines that starts above `stop` (the first body anchor) is a box; further down
    (still within `max_head_lines`) only a run of at least `min_run` labelled lines is.
    """
    portal = load_rules()
    found: list[int] = []
    for indexes, labelled in box_runs(texts[: portal.max_head_lines]):
        if indexes[0] < stop or labelled >= portal.min_run:
            found.extend(indexes)
    return found


def read_fields(texts: Sequence[str]) -> dict[str, str]:
    """Box lines (as `find_box` chose them, in order) → normalised key → first non-empty value."""
    portal: dict[str, str] = {}
    pending: str | None = None
    for text in texts:
        fields = box_fields(text)
        if fields is None:
            if pending and fits_shape(pending, text.strip()):
                portal.setdefault(pending, text.strip())
            pending = None
            continue
        for field in fields:
            if field.key != IGNORED and field.value:
                portal.setdefault(field.key, field.value)
        pending = fields[-1].key if not fields[-1].value else None
    portal.pop(IGNORED, None)
    return portal


def portal_date(portal: dict[str, str], keys: Sequence[str]) -> datetime.date | None:
    """The first of `keys` whose value reads as a date (`2018年03月27` with its 日 lost counts)."""
    import datetime  # only the notice reader asks; normalize, which finds boxes, does not

    for key in keys:
        match = DATE.search(portal.get(key, ""))
        if match is None:
            continue
        try:
            return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue
    return None


def is_repealed(portal: dict[str, str]) -> bool:
    validity = portal.get("有效性", "")
    return any(word in validity for word in load_rules().repealed_words)
