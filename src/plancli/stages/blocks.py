"""The items and paragraphs of a plan's body, each placed in the section and box open at it.

An unnumbered paragraph is an item (marker None) when it is a lead sentence (`巩固拓展…成果。
持续…`); inside a 专栏 box that already holds numbered items or a table, an unnumbered
paragraph that is not a note (`注:`) ends the box.
"""

from __future__ import annotations

from plancli.core import Line
from plancli.models import Item, Paragraph, Table
from plancli.stages.markers import is_lead_sentence, lead_phrase, load_rules
from plancli.stages.outline_tree import OutlineTree


class Blocks:
    """Items and paragraphs in reading order, placed by the outline tree."""

    __slots__ = ("items", "paragraphs", "tree")

    def __init__(self, tree: OutlineTree) -> None:
        self.tree = tree
        self.items: list[Item] = []
        self.paragraphs: list[Paragraph] = []

    def add_item(self, marker: str | None, text: str, line: int) -> None:
        self.items.append(
            Item(
                id=f"i{len(self.items) + 1}",
                marker=marker,
                title=lead_phrase(text),
                text=text,
                line=line,
                section_path=self.tree.section_path(),
                section_id=self.tree.section_id(),
                column_id=self.tree.column_id(),
            )
        )
        self.tree.touch(line)

    def add_unnumbered(self, line: Line) -> None:
        """A line without a marker: a lead-sentence item or a paragraph (it may end a box)."""
        tree = self.tree
        if tree.box is not None and tree.box_has_content and not self.is_box_note(line.text):
            tree.close_box()
        if is_lead_sentence(line.text):
            self.add_item(None, line.text, line.line)
            return
        self.add_paragraph(line)

    def is_box_note(self, text: str) -> bool:
        return text.startswith(load_rules().box_notes)

    def add_paragraph(self, line: Line) -> None:
        self.paragraphs.append(
            Paragraph(
                text=line.text,
                line=line.line,
                section_path=self.tree.section_path(),
                section_id=self.tree.section_id(),
                column_id=self.tree.column_id(),
            )
        )
        self.tree.touch(line.line)

    def drop_caption(self, table: Table, context: list[Line]) -> None:
        """The line a table took its caption from is not also a paragraph.

        Only the last paragraphs can come from the context lines just before the table.
        """
        if not context:
            return
        lines = {line.line for line in context}
        first = min(lines)
        tail = len(self.paragraphs)
        while tail and self.paragraphs[tail - 1].line >= first:
            tail -= 1
        self.paragraphs[tail:] = [
            p for p in self.paragraphs[tail:] if not (p.line in lines and p.text == table.caption)
        ]
