"""Numbering markers and the shape of a line, as the segment stage reads them.

The marker families (`第一章` `一、` `(一)` `1.` `(1)` `①` `专栏3` `附件2` …) are an ordered list
of named patterns in rules/segment.yaml, tried in order at the start of a text. This module
also holds the small tests on a line's text that decide between heading, item and paragraph
(heading shape, lead phrase, lead sentence) and the splitting of items run together on a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from plancli import regexes, rules
from plancli.stages.literal_check import match_starts
from plancli.text import alternation, chinese_integer, hanzi_numeral

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


class SegmentRules(NamedTuple):
    families: tuple[tuple[str, re.Pattern[str]], ...]
    family_patterns: dict[str, re.Pattern[str]]
    breaks_before: dict[str, re.Pattern[str]]  # see `breaks_before`, filled on first use
    marker_starts: re.Pattern[str] | None  # a character every marker starts with (None: any)
    damaged: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
    heading_max: int
    breaks: str
    break_at: re.Pattern[str]  # any one of `breaks`
    continuation_max: int
    continuation_forbidden: str
    lead_max: int
    lead_forbidden: str
    lead_opening: re.Pattern[str]
    attachment_list: re.Pattern[str]
    attachment_entry_max: int
    box_notes: tuple[str, ...]
    item_families: frozenset[str]  # families whose lines are items, never headings


def _any_start(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One class of the characters a match of any of `patterns` can start with."""
    starts = [match_starts(pattern) for pattern in patterns]
    if not starts or any(start is None for start in starts):
        return None
    return regexes.compile("|".join(start.pattern for start in starts if start is not None))


@cache
def load_rules() -> SegmentRules:
    """Compile rules/segment.yaml once."""
    data = rules.load("segment")
    adverbs = f"(?:{alternation(data['lead_adverbs'])})?" if data["lead_adverbs"] else ""
    families = tuple((name, regexes.compile(p)) for name, p in data["marker_families"].items())
    return SegmentRules(
        families=families,
        family_patterns=dict(families),
        breaks_before={},
        marker_starts=_any_start([pattern for _, pattern in families]),
        damaged=tuple(
            (regexes.compile(d["pattern"]), tuple(d["families"])) for d in data["damaged_markers"]
        ),
        heading_max=int(data["heading_max_chars"]),
        breaks=data["sentence_breaks"],
        break_at=regexes.compile(f"[{re.escape(data['sentence_breaks'])}]"),
        continuation_max=int(data["continuation_max_chars"]),
        continuation_forbidden=data["continuation_forbidden"],
        lead_max=int(data["lead_max_chars"]),
        lead_forbidden=data["lead_forbidden"],
        lead_opening=regexes.compile(f"{adverbs}(?:{alternation(data['lead_verbs'])})"),
        attachment_list=regexes.compile(data["attachment_list"]),
        attachment_entry_max=int(data["attachment_entry_max_chars"]),
        box_notes=tuple(data["box_note_prefixes"]),
        item_families=frozenset(data.get("item_families", ())),
    )


MAX_LABEL_LINE_CHARS = 80  # a label line names units; a longer one, or one with a 。, is body


@cache
def unit_label_line() -> re.Pattern[str]:
    """A line that only names who answers for the item above it: `牵头单位:区发改局`.

    The labels are the unit vocabulary's (`labels` in rules/units.yaml), so a label an
    analyst adds there is recognised here too.
    """
    labels = alternation(rules.load("units")["labels"])
    return regexes.compile(rf"^(?:{labels})\s*:\s*[^。]{{1,{MAX_LABEL_LINE_CHARS}}}。?$")


# --- markers ------------------------------------------------------------------------


class Marker(NamedTuple):
    """A numbering marker at the start of a text: `(一)` in `(一)完善城乡社区服务格局`."""

    family: str
    number: int | None
    text: str  # the marker as normalized (or as repaired), e.g. "(一)", "1.", "专栏3"
    rest: str  # the text after the marker


def parse_number(numeral: str) -> int | None:
    """Arabic digits, a Chinese numeral (一 … 九十九, 一百二十) or a circled digit → int.

    Bare Chinese digits run together (`一一`) are not a number.
    """
    if numeral.isdecimal():
        return int(numeral)
    if len(numeral) == 1 and numeral in CIRCLED:
        return CIRCLED.index(numeral) + 1
    return chinese_integer(numeral, digit_by_digit=False)


def format_marker(family: str, number: int) -> str:
    """The canonical marker of a family for a number, used to repair damaged markers."""
    if family == "paren_hanzi":
        return f"({hanzi_numeral(number)})"
    if family == "paren_digit":
        return f"({number})"
    if family == "hanzi":
        return f"{hanzi_numeral(number)}、"
    return f"{number}."


def recognise(text: str, start: int = 0) -> tuple[str, re.Match[str]] | None:
    """The first marker family whose pattern matches at `start`, with its match."""
    rules_ = load_rules()
    if rules_.marker_starts is not None and rules_.marker_starts.match(text, start) is None:
        return None
    for family, pattern in rules_.families:
        found = pattern.match(text, start)
        if found:
            return family, found
    return None


def match_marker(text: str) -> Marker | None:
    """The marker a text opens with, or None."""
    recognised = recognise(text)
    if recognised is None:
        return None
    family, found = recognised
    return Marker(
        family=family,
        number=parse_number(found.group("num")),
        text=found.group(0).strip(),
        rest=text[found.end() :].strip(),
    )


def split_run_on(marker: Marker) -> Iterator[Marker]:
    """Split `1.…制度。 2.优化…。 3.…` into one marker per item.

    A cut is made only after a sentence break and only before the next number of
    the same family, so numbers inside the text (`达到8.5%`) are left alone.
    """
    text = marker.rest
    current, start = marker, 0
    rules_ = load_rules()
    own_pattern = rules_.family_patterns.get(marker.family)
    break_at = rules_.break_at if own_pattern is None else breaks_before(marker.family)
    breaks = break_at.finditer(text) if marker.number is not None else ()
    for sentence_break in breaks:
        position = sentence_break.start()
        if position < start:
            continue
        after = skip_spaces(text, position + 1)
        if own_pattern is None or not own_pattern.match(text, after):
            continue  # cheap test first: recognise() would find no marker of this family
        recognised = recognise(text, after)
        if recognised is None or recognised[0] != marker.family:
            continue
        found = recognised[1]
        number = parse_number(found.group("num"))
        if number == current.number + 1:
            body = text[start : position + 1].strip()
            yield Marker(current.family, current.number, current.text, body)
            current = Marker(marker.family, number, found.group(0).strip(), "")
            start = skip_spaces(text, found.end())
    yield Marker(current.family, current.number, current.text, text[start:].strip())


def breaks_before(family: str) -> re.Pattern[str]:
    """A sentence break followed by a marker of `family`: the only breaks a run-on item of
    that family is cut at, found in one scan of a long item."""
    rules_ = load_rules()
    found = rules_.breaks_before.get(family)
    if found is None:
        own = rules_.family_patterns[family].pattern
        found = regexes.compile(f"[{re.escape(rules_.breaks)}](?=\\s*(?:{own}))")
        rules_.breaks_before[family] = found
    return found


def skip_spaces(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


# --- the shape of a line ------------------------------------------------------------


def lead_phrase(text: str) -> str | None:
    """The lead phrase before the first 。 when it is short enough to be a title."""
    lead, sep, _ = text.partition("。")
    lead = lead.strip()
    if sep and 0 < len(lead) <= load_rules().lead_max:
        return lead
    return None


def is_lead_sentence(text: str) -> bool:
    """True for an unnumbered task paragraph such as `巩固拓展脱贫攻坚兜底保障成果。持续…`."""
    lead, sep, body = text.partition("。")
    rule = load_rules()
    if not sep or not body.strip() or not 2 <= len(lead) <= rule.lead_max:
        return False
    if any(char in rule.lead_forbidden for char in lead):
        return False
    return rule.lead_opening.match(lead) is not None


def strip_stray_pipe(text: str) -> tuple[str, bool]:
    """Drop a lone `|` left by a box border (Chongqing line 57 `…服务。 |`).

    Returns the text and whether a border was found (the box ends there).
    """
    if text.count("|") != 1:
        return text, False
    stripped = text.strip()
    if stripped.endswith("|"):
        return stripped[:-1].rstrip(), True
    if stripped.startswith("|"):
        return stripped[1:].lstrip(), True
    return text, False


def heading_title(rest: str) -> str:
    """The title after a marker, without one trailing 。."""
    title = rest.strip()
    return title[:-1].rstrip() if title.endswith("。") else title


def has_heading_shape(rest: str) -> bool:
    """Short text without a sentence break (one trailing 。 allowed)."""
    rule = load_rules()
    title = heading_title(rest)
    return len(title) <= rule.heading_max and not any(c in rule.breaks for c in title)


def snippet(text: str, limit: int = 40) -> str:
    """The first sentence of a text, or its first `limit` characters."""
    end = text.find("。")
    return text[: end + 1] if 0 <= end < limit else text[:limit]
