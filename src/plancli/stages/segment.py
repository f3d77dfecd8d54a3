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

This module walks the lines; the parts it uses live beside it: `markers` (marker
families, line shapes, run-on items), `numbering` (sequences and damaged markers)
`outline_tree` (open headings, boxes, levels, the finished `Section` tree) and
`blocks` (items and paragraphs placed in the open section).
"""

from __future__ import annotations

from plancli.core import Findings, Line, Normalized
from plancli.models import Outline, Table
from plancli.stages.blocks import Blocks
from plancli.stages.markers import (
    Marker,
    has_heading_shape,
    heading_title,
    load_rules,
    match_marker,
    snippet,
    split_run_on,
    strip_stray_pipe,
    unit_label_line,
)
from plancli.stages.meta import parse_wrapper
from plancli.stages.numbering import Numbering, warning
from plancli.stages.outline_tree import ANNEX, COLUMN, OutlineTree
from plancli.stages.tables import is_table_line, parse_table

MAX_CONTEXT_LINES = 3


class AttachmentList:
    """`附件:1.专项行动任务分工表` and the numbered lines after it: the annexes' titles."""

    __slots__ = ("open", "titles")

    def __init__(self) -> None:
        self.titles: dict[int, str] = {}  # annex number → title
        self.open = False

    def take(self, text: str) -> bool:
        """Note `text` when it opens or continues the list; False when it is not part of it."""
        rule = load_rules()
        opening = rule.attachment_list.match(text)
        if opening:
            self.open = True
            self.note(text[opening.end() :].strip())
        elif self.open and is_attachment_entry(text):
            self.note(text)
        else:
            self.open = False
            return False
        return True

    def note(self, entry: str) -> None:
        marker = match_marker(entry)
        if marker is not None and marker.family == "digit" and marker.number is not None:
            self.titles[marker.number] = heading_title(marker.rest)
        elif entry:
            self.titles.setdefault(1, heading_title(entry))


def is_attachment_entry(text: str) -> bool:
    marker = match_marker(text)
    return (
        marker is not None
        and marker.family == "digit"
        and len(text) <= load_rules().attachment_entry_max
        and "。" not in text
    )


class _Segmenter:
    """Walks the body lines once: tables, headings, boxes, items and paragraphs, in order."""

    def __init__(self, lines: list[Line]) -> None:
        self.rule = load_rules()
        self.lines = lines
        self.tree = OutlineTree()
        self.numbering = Numbering()
        self.attachments = AttachmentList()
        self.blocks = Blocks(self.tree)
        # (parent section id, family, number) of the last item when it was a short statement
        # itself: the list of such statements a next line may continue
        self.last_item: tuple[str, str, int | None] | None = None
        self.tables: list[Table] = []
        self.out = Findings()

    # --- walking ------------------------------------------------------------------

    def run(self) -> None:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            text, border = strip_stray_pipe(line.text)
            if border:
                self.out.repair(line.line, "stray-pipe", line.text[-12:], text[-10:])
            if text and is_table_line(text):
                index = self.take_table(index)
                continue
            if text:
                index += self.take_line(Line(text, line.line), index)
            if border:
                self.tree.close_box()
            index += 1

    def next_line(self, index: int) -> Line | None:
        return self.lines[index + 1] if index + 1 < len(self.lines) else None

    def take_line(self, line: Line, index: int) -> int:
        """Handle one line; return how many following lines it consumed."""
        if self.attachments.take(line.text):
            self.blocks.add_paragraph(line)
            return 0
        marker = self.marker_of(line)
        if marker is None:
            self.blocks.add_unnumbered(line)
            return 0
        self.attachments.open = False
        if marker.family == COLUMN:
            return self.open_box(marker, line, index)
        if marker.family == ANNEX:
            return self.open_annex(marker, line, index)
        if self.may_own_labels(marker) and (labels := self.unit_labels_after(index)):
            self.add_items(with_unit_labels(marker, labels), line)
            self.last_item = self.short_item(marker)  # judged without its unit lines
            return len(labels)
        if self.is_heading(marker):
            return self.open_heading(marker, line, index)
        self.add_items(marker, line)
        return 0

    def may_own_labels(self, marker: Marker) -> bool:
        """A numbered line can own the label lines below it when it reads as an item: a
        statement ending in 。 (`1.努力实现地区生产总值增长6.2%左右。`), of a family that
        is not already this document's headings. A heading's labels stay paragraphs."""
        return (
            marker.family not in self.tree.heading_families and marker.rest.rstrip().endswith("。")
        ) or not has_heading_shape(marker.rest)

    def unit_labels_after(self, index: int) -> list[str]:
        """The `牵头单位:X` / `责任单位:Y` lines right below a numbered line: they make it
        an item (however short), and they are its responsibility clause."""
        labels: list[str] = []
        pattern = unit_label_line()
        for line in self.lines[index + 1 :]:
            text = line.text.strip()
            if not pattern.match(text):
                break
            labels.append(text.rstrip("。;"))
        return labels

    # --- tables -------------------------------------------------------------------

    def take_table(self, start: int) -> int:
        end = start
        while end < len(self.lines) and is_table_line(strip_stray_pipe(self.lines[end].text)[0]):
            end += 1
        context = self.context_before(start)
        table, repairs, diagnostics = parse_table(
            self.lines[start:end], context, f"t{len(self.tables) + 1}"
        )
        if not table.section_path:
            table = table.model_copy(update={"section_path": self.tree.section_path()})
        self.tables.append(table)
        self.out.repairs.extend(repairs)
        self.out.diagnostics.extend(diagnostics)
        self.blocks.drop_caption(table, context)
        if self.tree.box is not None:
            self.tree.box_has_content = True
        self.tree.touch(self.lines[end - 1].line)
        return end

    def context_before(self, start: int) -> list[Line]:
        context: list[Line] = []
        for line in reversed(self.lines[max(0, start - MAX_CONTEXT_LINES) : start]):
            text, _ = strip_stray_pipe(line.text)
            if is_table_line(text):
                break
            context.insert(0, Line(text, line.line))
        return context

    # --- markers ------------------------------------------------------------------

    def marker_of(self, line: Line) -> Marker | None:
        """The marker a line opens with: an intact one, else a damaged one that fits."""
        marker = match_marker(line.text)
        if marker is not None:
            return marker
        repaired = self.numbering.repaired_marker(
            line.text, self.tree.scope(), self.tree.parent_id()
        )
        if repaired is not None:
            after = snippet(repaired.text + repaired.rest)
            self.out.repair(line.line, "marker", snippet(line.text), after)
            self.out.diagnostics.append(
                warning("damaged-marker", line.line, f"damaged marker repaired to {repaired.text}")
            )
        return repaired

    def check_number(self, marker: Marker, line: int) -> None:
        if marker.number is None:
            return
        problem = self.numbering.check(
            self.tree.scope(),
            marker.family,
            self.tree.parent_id(),
            marker.number,
            marker.text,
            line,
        )
        if problem is not None:
            self.out.diagnostics.append(problem)

    # --- headings, boxes, annexes -------------------------------------------------

    def is_heading(self, marker: Marker) -> bool:
        if marker.family in self.rule.item_families:  # 第N条: a provision, never a heading
            return False
        if not has_heading_shape(marker.rest) or self.continues_items(marker):
            return False
        return self.tree.box is None or marker.family in self.tree.heading_families

    def short_item(self, marker: Marker) -> tuple[str, str, int | None] | None:
        """Where an item stands in its list, when it is a short statement or an entry of an
        enumeration (ending in ; before the next entry) (see `last_item`)."""
        if not has_heading_shape(marker.rest) and not marker.rest.rstrip().endswith(";"):
            return None
        return self.tree.parent_id(), marker.family, marker.number

    def continues_items(self, marker: Marker) -> bool:
        """A short statement (ending in 。) numbered right after an item of its family that was
        a short statement too, under the same heading, is that list's next item: siblings are
        of one kind (`6.居民收入增长与经济增长基本同步。` with its unit lines, then
        `7.其他主要经济指标不低于全市平均水平。`). After an item that runs on into its text
        (`（一）指导思想。以…`), a short `（二）发展目标。` is still a heading."""
        return (
            marker.number is not None
            and self.last_item == (self.tree.parent_id(), marker.family, marker.number - 1)
            and marker.rest.rstrip().endswith("。")
        )

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
            or (after is not None and is_table_line(after.text))
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
            self.out.repair(line.line, "joined-heading", before, marker.text + title)
        return title, len(parts) - 1

    def open_heading(self, marker: Marker, line: Line, index: int) -> int:
        self.tree.close_box()
        self.tree.pop_to_parent_of(marker.family)
        self.check_number(marker, line.line)
        title, consumed = self.joined_title(marker, line, index)
        self.tree.open_heading(marker, title, line.line)
        return consumed

    def open_box(self, marker: Marker, line: Line, index: int) -> int:
        self.tree.close_box()
        title, consumed = self.joined_title(marker, line, index)
        self.tree.open_box(marker, title, line.line)
        return consumed

    def open_annex(self, marker: Marker, line: Line, index: int) -> int:
        """`附件N` opens a top-level annex; its title comes from the line itself,
        the attachment list (`附件:1.…`) or a short next line."""
        self.tree.close_box()
        self.tree.stack.clear()
        title, consumed = heading_title(marker.rest), 0
        following = self.next_line(index)
        listed = self.attachments.titles.get(marker.number or 0, "")
        if not title and listed:
            title = listed
            consumed = int(following is not None and following.text == listed)
        elif not title and following is not None and self.is_title_line(following.text):
            title, consumed = following.text, 1
        self.check_number(marker, line.line)
        self.tree.open_annex(marker, title, line.line)
        return consumed

    def is_title_line(self, text: str) -> bool:
        return (
            len(text) <= self.rule.heading_max
            and "。" not in text
            and match_marker(text) is None
            and not is_table_line(text)
        )

    # --- items and paragraphs -----------------------------------------------------

    def add_items(self, marker: Marker, line: Line) -> None:
        if self.tree.is_open(marker.family):
            self.tree.close_box()
            self.tree.pop_to_parent_of(marker.family)
        pieces = list(split_run_on(marker))
        if len(pieces) > 1:
            self.out.info(
                "items-on-one-line", line.line, f"{len(pieces)} items on one line were split"
            )
        for piece in pieces:
            self.check_number(piece, line.line)
            self.blocks.add_item(piece.text, piece.rest, line.line)
            self.last_item = self.short_item(piece)
        if self.tree.box is not None:
            self.tree.box_has_content = True

    # --- result -------------------------------------------------------------------

    def outline_fields(self) -> dict[str, object]:
        """What the walk found, in reading order, as the fields of an `Outline`."""
        return {
            "sections": self.tree.sections(),
            "items": sorted(self.blocks.items, key=lambda item: item.line),
            "paragraphs": sorted(self.blocks.paragraphs, key=lambda p: p.line),
            "tables": sorted(self.tables, key=lambda table: table.line),
            "repairs": self.out.repairs,
            "diagnostics": self.out.diagnostics,
        }


def with_unit_labels(marker: Marker, labels: list[str]) -> Marker:
    """The marker's text with the label lines below it as its closing clause."""
    rest = marker.rest.rstrip()
    if not rest.endswith("。"):
        rest += "。"
    return marker._replace(rest=f"{rest}({';'.join(labels)})")


def walk_body(lines: list[Line]) -> dict[str, object]:
    walker = _Segmenter(lines)
    walker.run()
    return walker.outline_fields()


def segment_body(lines: list[Line]) -> Outline:
    """Segment the plan body alone (no notice wrapper): sections, items, paragraphs, tables."""
    return Outline(**walk_body(lines))


def segment(normalized: Normalized) -> Outline:
    """Normalized lines → the document's outline (see the module docstring)."""
    wrapper = parse_wrapper(normalized.lines, normalized.report.boilerplate_removed)
    body = walk_body(normalized.lines[wrapper.body_start :])
    return Outline(
        **{
            **body,
            "meta": wrapper.meta,
            "repairs": [*wrapper.repairs, *body["repairs"]],
            "diagnostics": [*wrapper.diagnostics, *body["diagnostics"]],
            "suspect_spans": normalized.report.suspect_spans,
        }
    )
