"""Stage 3, segment: normalized lines → headings, items, 专栏 boxes, tables, notice wrapper.

How the body is read (the data lives in rules/segment.yaml):

* Wrapper. `meta.parse_wrapper` reads the 关于印发…的通知 wrapper and says where the
  plan body starts; only the lines from there on are segmented.
* Tables. A run of lines for which `tables.is_table_line` holds is one table,
  parsed by `tables.parse_table` with up to three lines before it as caption
  candidates. A line whose caption the table took is not also a paragraph.
* Markers. A line may open with a marker of one family (`第一章` `一、` `(一)`
  `1.` `(1)` `①` `专栏3` `附件2` …). A marker that lost a bracket or its numeral
  (`)因地制宜…`) is repaired from the numbering sequence when it fits it.
* Headings and items. Marker + short text without a sentence break (one
  trailing 。 allowed) is a heading; marker + lead phrase + 。 + body is an item.
  Several items run together on one line (`…制度。 2.优化…`) are split, each
  keeping the line number. A heading whose title runs on into a short next line
  is joined with it (Repair "joined-heading").
* Levels. Heading families nest in the order they appear in this document: a
  heading of a family already open closes it and everything inside it; a new
  family opens one level deeper. `专栏N` opens a box (kind "column") inside the
  current heading; `附件N` opens an annex (kind "annex") at the top.
* Boxes. A box holds the items and tables that follow it and ends at a stray
  `|` line, the next heading, the next box or annex, or, once it holds
  numbered items or a table, at the next unnumbered paragraph (unless that
  paragraph is a note such as `注:`).
* Lead-sentence items. An unnumbered paragraph is an item (marker None) when
  its lead phrase (text before the first 。) is at most `lead_max_chars` long,
  has no comma, semicolon, colon or dash, is followed by body text, and opens
  with an action verb from `lead_verbs`, optionally after one of
  `lead_adverbs`. That keeps tasks such as `巩固拓展脱贫攻坚兜底保障成果。持续…`
  and leaves out reviews (`基本民生保障更加有力。2016年以来…`), principles
  (`——坚持…。`) and long opening sentences (`坚持人民至上理念,顺应…。`).
* Numbering. Numbers are checked per family: continuing across headings and
  restarting under a new heading or inside a box are normal; a gap, a repeat,
  a restart under the same heading and a repaired marker are diagnostics.

`section_path` lists the titles of the enclosing headings and annexes, outermost
first; a box is not part of it (items in a box carry `column_id` instead).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from plancli import rules
from plancli.core import Diagnostic, Line, Normalized, Repair
from plancli.models import Diagnostic as ModelDiagnostic
from plancli.models import Item, Meta, Outline, Paragraph, Section, SuspectSpan, Table
from plancli.models import Repair as ModelRepair

Kind = Literal["heading", "column", "annex"]
COLUMN: Kind = "column"
ANNEX: Kind = "annex"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
HANZI_DIGITS = dict(
    zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True)
)
HANZI_UNITS = {"十": 10, "百": 100}
MAX_CONTEXT_LINES = 3


# --- rules --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SegmentRules:
    families: tuple[tuple[str, re.Pattern[str]], ...]
    damaged: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
    heading_max: int
    breaks: str
    continuation_max: int
    continuation_forbidden: str
    lead_max: int
    lead_forbidden: str
    lead_opening: re.Pattern[str]
    attachment_list: re.Pattern[str]
    attachment_entry_max: int
    box_notes: tuple[str, ...]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def load_rules() -> SegmentRules:
    """Compile rules/segment.yaml once."""
    data = rules.load("segment")
    opening = f"(?:{_alternation(data['lead_adverbs'])})?(?:{_alternation(data['lead_verbs'])})"
    return SegmentRules(
        families=tuple((name, re.compile(p)) for name, p in data["marker_families"].items()),
        damaged=tuple(
            (re.compile(d["pattern"]), tuple(d["families"])) for d in data["damaged_markers"]
        ),
        heading_max=int(data["heading_max_chars"]),
        breaks=data["sentence_breaks"],
        continuation_max=int(data["continuation_max_chars"]),
        continuation_forbidden=data["continuation_forbidden"],
        lead_max=int(data["lead_max_chars"]),
        lead_forbidden=data["lead_forbidden"],
        lead_opening=re.compile(opening),
        attachment_list=re.compile(data["attachment_list"]),
        attachment_entry_max=int(data["attachment_entry_max_chars"]),
        box_notes=tuple(data["box_note_prefixes"]),
    )


# --- markers ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marker:
    """A numbering marker at the start of a text: `(一)` in `(一)完善城乡社区服务格局`."""

    family: str
    number: int | None
    text: str  # the marker as normalized (or as repaired), e.g. "(一)", "1.", "专栏3"
    rest: str  # the text after the marker


def parse_number(numeral: str) -> int | None:
    """Arabic digits, Chinese numerals (一 … 九十九, 一百二十) or a circled digit → int."""
    if numeral.isdecimal():
        return int(numeral)
    if len(numeral) == 1 and numeral in CIRCLED:
        return CIRCLED.index(numeral) + 1
    total, current = 0, 0
    for char in numeral:
        if char in HANZI_DIGITS:
            current = HANZI_DIGITS[char]
        elif char in HANZI_UNITS:
            total += (current or 1) * HANZI_UNITS[char]
            current = 0
        else:
            return None
    return total + current if numeral else None


def hanzi_numeral(number: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 23 → 二十三 (for repaired markers)."""
    digits = "零一二三四五六七八九"
    if number >= 100:
        return str(number)
    if number < 10:
        return digits[number]
    tens, ones = divmod(number, 10)
    head = "" if tens == 1 else digits[tens % 10]
    return head + "十" + (digits[ones] if ones else "")


def format_marker(family: str, number: int) -> str:
    """The canonical marker of a family for a number, used to repair damaged markers."""
    if family == "paren_hanzi":
        return f"({hanzi_numeral(number)})"
    if family == "paren_digit":
        return f"({number})"
    if family == "hanzi":
        return f"{hanzi_numeral(number)}、"
    return f"{number}."


def match_marker(text: str) -> Marker | None:
    """The marker a text opens with, or None."""
    for family, pattern in load_rules().families:
        found = pattern.match(text)
        if found:
            return Marker(
                family=family,
                number=parse_number(found.group("num")),
                text=found.group(0).strip(),
                rest=text[found.end() :].strip(),
            )
    return None


# --- small text tests ---------------------------------------------------------------


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


# --- the outline being built --------------------------------------------------------


@dataclass(slots=True)
class _Node:
    id: str
    level: int
    marker: str | None
    title: str
    line: int
    kind: Kind
    family: str | None
    end_line: int
    children: list[_Node] = field(default_factory=list)

    def to_section(self) -> Section:
        return Section(
            id=self.id,
            level=self.level,
            marker=self.marker,
            title=self.title,
            line=self.line,
            kind=self.kind,
            children=[child.to_section() for child in self.children],
            end_line=self.end_line,
        )


@dataclass(slots=True)
class _Numbering:
    """The last number seen per (scope, family) and the heading it was seen under."""

    last: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    order: list[tuple[str, str]] = field(default_factory=list)

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
        for key in reversed(self.order):
            if key[0] == scope and key[1] in families:
                return key[1]
        return None

    def check(
        self, scope: str, family: str, parent: str, number: int, marker: str, line: int
    ) -> Diagnostic | None:
        key = (scope, family)
        previous = self.last.get(key)
        self.last[key] = (number, parent)
        if key in self.order:
            self.order.remove(key)
        self.order.append(key)
        if previous is None:
            if number == 1:
                return None
            return _warning("numbering-gap", line, f"numbering starts at {marker}")
        last, last_parent = previous
        if number == last + 1 or (number == 1 and last_parent != parent):
            return None
        if number == 1:
            return _warning("numbering-restart", line, f"numbering restarts at {marker}")
        if number <= last:
            return _warning("numbering-repeat", line, f"{marker} comes after number {last}")
        return _warning("numbering-gap", line, f"{marker} follows number {last}")


def _warning(code: str, line: int, message: str) -> Diagnostic:
    return Diagnostic("warning", code, line, message)


class _Segmenter:
    """Walks the body lines once, keeping the open headings, the open box and the numbering."""

    def __init__(self, lines: list[Line]) -> None:
        self.rule = load_rules()
        self.lines = lines
        self.roots: list[_Node] = []
        self.stack: list[_Node] = []
        self.box: _Node | None = None
        self.box_has_content = False
        self.heading_families: set[str] = set()
        self.numbered_ids: set[str] = set()
        self.numbering = _Numbering()
        self.attachments: dict[int, str] = {}
        self.in_attachment_list = False
        self.items: list[Item] = []
        self.paragraphs: list[Paragraph] = []
        self.tables: list[Table] = []
        self.repairs: list[Repair] = []
        self.diagnostics: list[Diagnostic] = []
        self.heading_counts: dict[str | None, int] = {}  # parent id → headings under it

    # --- walking ------------------------------------------------------------------

    def run(self) -> None:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            text, border = strip_stray_pipe(line.text)
            if border:
                self.repairs.append(Repair(line.line, "stray-pipe", line.text[-12:], text[-10:]))
            if text and self.is_table_line(text):
                index = self.take_table(index)
                continue
            if text:
                index += self.take_line(Line(text, line.line), index)
            if border:
                self.close_box()
            index += 1

    @staticmethod
    def is_table_line(text: str) -> bool:
        from plancli.stages.tables import is_table_line

        return is_table_line(text)

    def next_line(self, index: int) -> Line | None:
        return self.lines[index + 1] if index + 1 < len(self.lines) else None

    def take_line(self, line: Line, index: int) -> int:
        """Handle one line; return how many following lines it consumed."""
        if self.take_attachment_entry(line):
            return 0
        marker = self.marker_of(line)
        if marker is None:
            self.add_unnumbered(line)
            return 0
        self.in_attachment_list = False
        if marker.family == COLUMN:
            return self.open_box(marker, line, index)
        if marker.family == ANNEX:
            return self.open_annex(marker, line, index)
        if self.is_heading(marker):
            return self.open_heading(marker, line, index)
        self.add_items(marker, line)
        return 0

    # --- tables -------------------------------------------------------------------

    def take_table(self, start: int) -> int:
        from plancli.stages.tables import parse_table

        end = start
        while end < len(self.lines) and self.is_table_line(
            strip_stray_pipe(self.lines[end].text)[0]
        ):
            end += 1
        context = self.context_before(start)
        table, repairs, diagnostics = parse_table(
            self.lines[start:end], context, f"t{len(self.tables) + 1}"
        )
        if not table.section_path:
            table = table.model_copy(update={"section_path": self.section_path()})
        self.tables.append(table)
        self.repairs.extend(repairs)
        self.diagnostics.extend(diagnostics)
        self.drop_caption_paragraph(table, context)
        if self.box is not None:
            self.box_has_content = True
        self.touch(self.lines[end - 1].line)
        return end

    def context_before(self, start: int) -> list[Line]:
        context: list[Line] = []
        for line in reversed(self.lines[max(0, start - MAX_CONTEXT_LINES) : start]):
            text, _ = strip_stray_pipe(line.text)
            if self.is_table_line(text):
                break
            context.insert(0, Line(text, line.line))
        return context

    def drop_caption_paragraph(self, table: Table, context: list[Line]) -> None:
        lines = {line.line for line in context}
        self.paragraphs = [
            p for p in self.paragraphs if not (p.line in lines and p.text == table.caption)
        ]

    # --- markers ------------------------------------------------------------------

    def scope(self) -> str:
        return self.box.id if self.box is not None else ""

    def parent_id(self) -> str:
        return self.stack[-1].id if self.stack else ""

    def marker_of(self, line: Line) -> Marker | None:
        return match_marker(line.text) or self.repaired_marker(line)

    def repaired_marker(self, line: Line) -> Marker | None:
        """A damaged marker that fits the numbering, repaired and reported."""
        for pattern, families in self.rule.damaged:
            found = pattern.match(line.text)
            if not found:
                continue
            candidate = self.repair_candidate(found, families)
            if candidate is None:
                continue
            family, number = candidate
            marker = format_marker(family, number)
            rest = line.text[found.end() :].strip()
            self.repairs.append(
                Repair(line.line, "marker", snippet(line.text), snippet(marker + rest))
            )
            self.diagnostics.append(
                _warning("damaged-marker", line.line, f"damaged marker repaired to {marker}")
            )
            return Marker(family, number, marker, rest)
        return None

    def repair_candidate(
        self, found: re.Match[str], families: tuple[str, ...]
    ) -> tuple[str, int] | None:
        """The (family, number) a damaged marker stands for, if the sequence says so."""
        scope, parent = self.scope(), self.parent_id()
        numeral = found.groupdict().get("num")
        if numeral is None:
            family = self.numbering.most_recent(scope, families)
            if family is None:
                return None
            return family, self.numbering.expected(scope, family, parent)
        number = parse_number(numeral)
        for family in families:
            if number is not None and self.numbering.fits(scope, family, parent, number):
                return family, number
        return None

    def check_number(self, marker: Marker, line: int) -> None:
        if marker.number is None:
            return
        problem = self.numbering.check(
            self.scope(), marker.family, self.parent_id(), marker.number, marker.text, line
        )
        if problem is not None:
            self.diagnostics.append(problem)

    # --- headings, boxes, annexes -------------------------------------------------

    def is_heading(self, marker: Marker) -> bool:
        if not has_heading_shape(marker.rest):
            return False
        return self.box is None or marker.family in self.heading_families

    def continuation(self, title: str, index: int) -> Line | None:
        """The next line when it carries on a heading title broken over lines.

        A bare marker (`(一)` alone) takes any short title line; a started title
        takes only a short fragment without punctuation (a trailing 。 may end it).
        """
        following = self.next_line(index)
        if following is None or title.endswith("。"):
            return None
        text = following.text
        after = self.next_line(index + 1)
        limit = self.rule.continuation_max if title else self.rule.heading_max
        if (
            len(text) > limit
            or len(title) + len(text) > self.rule.heading_max
            or any(char in self.rule.continuation_forbidden for char in text.removesuffix("。"))
            or match_marker(text) is not None
            or (after is not None and self.is_table_line(after.text))
        ):
            return None
        return following

    def joined_title(self, marker: Marker, line: Line, index: int) -> tuple[str, int]:
        """The heading title, joined with the lines it runs on into; how many were taken."""
        parts = [marker.rest]
        while (following := self.continuation("".join(parts), index + len(parts) - 1)) is not None:
            parts.append(following.text)
        title = heading_title("".join(parts))
        if len(parts) > 1:
            before = "\n".join([line.text, *parts[1:]])
            self.repairs.append(Repair(line.line, "joined-heading", before, marker.text + title))
        return title, len(parts) - 1

    def open_heading(self, marker: Marker, line: Line, index: int) -> int:
        self.close_box()
        self.pop_to_parent_of(marker.family)
        self.check_number(marker, line.line)
        title, consumed = self.joined_title(marker, line, index)
        parent = self.stack[-1] if self.stack else None
        node = self.new_node(parent, marker, title, line.line, "heading")
        self.stack.append(node)
        self.heading_families.add(marker.family)
        self.touch(line.line)
        return consumed

    def open_box(self, marker: Marker, line: Line, index: int) -> int:
        self.close_box()
        title, consumed = self.joined_title(marker, line, index)
        parent = self.stack[-1] if self.stack else None
        box_id = self.unique_id("c", marker.number)
        level = parent.level + 1 if parent else 1
        node = _Node(
            box_id, level, marker.text.replace(" ", ""), title, line.line, COLUMN, COLUMN, line.line
        )
        (parent.children if parent else self.roots).append(node)
        self.box, self.box_has_content = node, False
        self.touch(line.line)
        return consumed

    def unique_id(self, prefix: str, number: int | None) -> str:
        """`c3` for 专栏3, `a2` for 附件2; a repeated number gets a suffix (`c3-2`)."""
        base = f"{prefix}{number if number is not None else len(self.numbered_ids) + 1}"
        candidate, suffix = base, 1
        while candidate in self.numbered_ids:
            suffix += 1
            candidate = f"{base}-{suffix}"
        self.numbered_ids.add(candidate)
        return candidate

    def open_annex(self, marker: Marker, line: Line, index: int) -> int:
        """`附件N` opens a top-level annex; its title comes from the line itself,
        the attachment list (`附件:1.…`) or a short next line."""
        self.close_box()
        self.stack.clear()
        title, consumed = heading_title(marker.rest), 0
        following = self.next_line(index)
        listed = self.attachments.get(marker.number or 0, "")
        if not title and listed:
            title = listed
            consumed = int(following is not None and following.text == listed)
        elif not title and following is not None and self.is_title_line(following.text):
            title, consumed = following.text, 1
        self.check_number(marker, line.line)
        node = _Node(
            self.unique_id("a", marker.number),
            1,
            marker.text.replace(" ", ""),
            title,
            line.line,
            ANNEX,
            ANNEX,
            line.line,
        )
        self.roots.append(node)
        self.stack.append(node)
        return consumed

    def is_title_line(self, text: str) -> bool:
        return (
            len(text) <= self.rule.heading_max
            and "。" not in text
            and match_marker(text) is None
            and not self.is_table_line(text)
        )

    def close_box(self) -> None:
        self.box, self.box_has_content = None, False

    def pop_to_parent_of(self, family: str) -> None:
        """Close the open heading of `family` (if any) and everything inside it."""
        families = [node.family for node in self.stack]
        if family in families:
            del self.stack[families.index(family) :]

    def new_node(
        self, parent: _Node | None, marker: Marker, title: str, line: int, kind: Kind
    ) -> _Node:
        siblings = parent.children if parent else self.roots
        parent_id = parent.id if parent else None
        count = self.heading_counts.get(parent_id, 0) + (kind == "heading")
        self.heading_counts[parent_id] = count
        count += kind != "heading"
        node_id = f"{parent.id}.{count}" if parent else f"s{count}"
        level = parent.level + 1 if parent else 1
        node = _Node(node_id, level, marker.text, title, line, kind, marker.family, line)
        siblings.append(node)
        return node

    def touch(self, line: int) -> None:
        for node in [*self.stack, *([self.box] if self.box else [])]:
            node.end_line = max(node.end_line, line)

    # --- items and paragraphs -----------------------------------------------------

    def section_path(self) -> list[str]:
        return [node.title for node in self.stack]

    def add_items(self, marker: Marker, line: Line) -> None:
        if marker.family in (node.family for node in self.stack):
            self.close_box()
            self.pop_to_parent_of(marker.family)
        pieces = list(split_run_on(marker))
        if len(pieces) > 1:
            self.diagnostics.append(
                Diagnostic(
                    "info",
                    "items-on-one-line",
                    line.line,
                    f"{len(pieces)} items on one line were split",
                )
            )
        for piece in pieces:
            self.check_number(piece, line.line)
            self.add_item(piece.text, piece.rest, line.line)
        if self.box is not None:
            self.box_has_content = True

    def add_item(self, marker: str | None, text: str, line: int) -> None:
        self.items.append(
            Item(
                id=f"i{len(self.items) + 1}",
                marker=marker,
                title=lead_phrase(text),
                text=text,
                line=line,
                section_path=self.section_path(),
                section_id=self.stack[-1].id if self.stack else None,
                column_id=self.box.id if self.box else None,
            )
        )
        self.touch(line)

    def add_unnumbered(self, line: Line) -> None:
        if self.box is not None and self.box_has_content and not self.is_box_note(line.text):
            self.close_box()
        if is_lead_sentence(line.text):
            self.add_item(None, line.text, line.line)
            return
        self.add_paragraph(line)

    def is_box_note(self, text: str) -> bool:
        return text.startswith(self.rule.box_notes)

    def add_paragraph(self, line: Line) -> None:
        self.paragraphs.append(
            Paragraph(
                text=line.text,
                line=line.line,
                section_path=self.section_path(),
                section_id=self.stack[-1].id if self.stack else None,
                column_id=self.box.id if self.box else None,
            )
        )
        self.touch(line.line)

    def take_attachment_entry(self, line: Line) -> bool:
        """`附件:1.专项行动任务分工表` and the numbered lines after it list the annexes."""
        opening = self.rule.attachment_list.match(line.text)
        if opening:
            self.in_attachment_list = True
            self.note_attachment(line.text[opening.end() :].strip())
        elif self.in_attachment_list and self.is_attachment_entry(line.text):
            self.note_attachment(line.text)
        else:
            self.in_attachment_list = False
            return False
        self.add_paragraph(line)
        return True

    def is_attachment_entry(self, text: str) -> bool:
        marker = match_marker(text)
        return (
            marker is not None
            and marker.family == "digit"
            and len(text) <= self.rule.attachment_entry_max
            and "。" not in text
        )

    def note_attachment(self, entry: str) -> None:
        marker = match_marker(entry)
        if marker is not None and marker.family == "digit" and marker.number is not None:
            self.attachments[marker.number] = heading_title(marker.rest)
        elif entry:
            self.attachments.setdefault(1, heading_title(entry))

    # --- result -------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return [node.to_section() for node in self.roots]


def split_run_on(marker: Marker) -> Iterator[Marker]:
    """Split `1.…制度。 2.优化…。 3.…` into one marker per item.

    A cut is made only after a sentence break and only before the next number of
    the same family, so numbers inside the text (`达到8.5%`) are left alone.
    """
    breaks = load_rules().breaks
    text = marker.rest
    current, start = marker, 0
    for position, char in enumerate(text):
        if char not in breaks or current.number is None or position < start:
            continue
        following = match_marker(text[position + 1 :].lstrip())
        if (
            following is not None
            and following.family == marker.family
            and following.number == current.number + 1
        ):
            body = text[start : position + 1].strip()
            yield Marker(current.family, current.number, current.text, body)
            current, start = following, len(text) - len(following.rest)
    yield Marker(current.family, current.number, current.text, text[start:].strip())


def segment_body(lines: list[Line]) -> Outline:
    """Segment the plan body alone (no notice wrapper): sections, items, paragraphs, tables."""
    walker = _Segmenter(lines)
    walker.run()
    return Outline.model_validate(
        {
            "sections": walker.sections(),
            "items": sorted(walker.items, key=lambda item: item.line),
            "paragraphs": sorted(walker.paragraphs, key=lambda p: p.line),
            "tables": sorted(walker.tables, key=lambda table: table.line),
            "repairs": walker.repairs,
            "diagnostics": walker.diagnostics,
        }
    )


def segment(normalized: Normalized) -> Outline:
    """Normalized lines → the document's outline (see the module docstring)."""
    from plancli.stages.meta import parse_wrapper

    wrapper = parse_wrapper(normalized.lines, normalized.report.boilerplate_removed)
    body = segment_body(normalized.lines[wrapper.body_start :])
    body.meta = Meta.model_validate(wrapper.meta)
    body.repairs = [*(ModelRepair.model_validate(r) for r in wrapper.repairs), *body.repairs]
    body.diagnostics = [
        *(ModelDiagnostic.model_validate(d) for d in wrapper.diagnostics),
        *body.diagnostics,
    ]
    body.suspect_spans = [SuspectSpan.model_validate(s) for s in normalized.report.suspect_spans]
    return body
