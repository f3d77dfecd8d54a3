"""The section tree as the segment stage builds it: open headings, the open 专栏 box, levels.

Heading families nest in the order they appear in a document: a heading of a family already
open closes it and everything inside it; a new family opens one level deeper. `专栏N` opens a
box (kind "column") inside the current heading; `附件N` opens an annex (kind "annex") at the
top. Each section is a `Section` made once when it opens; its children and its end line (the
last line inside it) are kept aside and joined in by `sections()` at the end.
"""

from __future__ import annotations

from typing import Literal

from plancli.models import Section
from plancli.stages.markers import Marker

Kind = Literal["heading", "column", "annex"]
COLUMN: Kind = "column"
ANNEX: Kind = "annex"


class OutlineTree:
    """Sections opened so far, the path of open headings and the open box."""

    __slots__ = (
        "box",
        "box_has_content",
        "children",
        "end_lines",
        "families",
        "heading_counts",
        "heading_families",
        "id_suffixes",
        "numbered_ids",
        "stack",
    )

    def __init__(self) -> None:
        self.stack: list[Section] = []  # the open headings and annex, outermost first
        self.box: Section | None = None
        self.box_has_content = False
        self.children: dict[str | None, list[Section]] = {}  # parent id → sections opened in it
        self.end_lines: dict[str, int] = {}
        self.families: dict[str, str] = {}  # section id → marker family
        self.heading_families: set[str] = set()
        self.heading_counts: dict[str | None, int] = {}  # parent id → headings under it
        self.numbered_ids: set[str] = set()
        self.id_suffixes: dict[str, int] = {}  # `c3` → the last suffix given to a repeat

    # --- where we are -------------------------------------------------------------

    def scope(self) -> str:
        """The numbering scope: the open box, or the body."""
        return self.box.id if self.box is not None else ""

    def parent_id(self) -> str:
        return self.stack[-1].id if self.stack else ""

    def section_id(self) -> str | None:
        return self.stack[-1].id if self.stack else None

    def column_id(self) -> str | None:
        return self.box.id if self.box is not None else None

    def section_path(self) -> list[str]:
        return [section.title for section in self.stack]

    def is_open(self, family: str) -> bool:
        return any(self.families[section.id] == family for section in self.stack)

    # --- opening and closing ------------------------------------------------------

    def close_box(self) -> None:
        self.box, self.box_has_content = None, False

    def pop_to_parent_of(self, family: str) -> None:
        """Close the open heading of `family` (if any) and everything inside it."""
        families = [self.families[section.id] for section in self.stack]
        if family in families:
            del self.stack[families.index(family) :]

    def open_heading(self, marker: Marker, title: str, line: int) -> None:
        parent = self.stack[-1] if self.stack else None
        parent_id = parent.id if parent else None
        count = self.heading_counts.get(parent_id, 0) + 1
        self.heading_counts[parent_id] = count
        section_id = f"{parent.id}.{count}" if parent else f"s{count}"
        level = parent.level + 1 if parent else 1
        section = self.add(parent, section_id, level, marker, title, line, "heading")
        self.stack.append(section)
        self.heading_families.add(marker.family)
        self.touch(line)

    def open_box(self, marker: Marker, title: str, line: int) -> None:
        parent = self.stack[-1] if self.stack else None
        level = parent.level + 1 if parent else 1
        box_id = self.unique_id("c", marker.number)
        self.box = self.add(parent, box_id, level, bare(marker), title, line, COLUMN)
        self.box_has_content = False
        self.touch(line)

    def open_annex(self, marker: Marker, title: str, line: int) -> None:
        annex_id = self.unique_id("a", marker.number)
        self.stack.append(self.add(None, annex_id, 1, bare(marker), title, line, ANNEX))

    def add(
        self,
        parent: Section | None,
        section_id: str,
        level: int,
        marker: Marker,
        title: str,
        line: int,
        kind: Kind,
    ) -> Section:
        section = Section(
            id=section_id, level=level, marker=marker.text, title=title, line=line, kind=kind
        )
        self.children.setdefault(parent.id if parent else None, []).append(section)
        self.families[section_id] = marker.family
        self.end_lines[section_id] = line
        return section

    def unique_id(self, prefix: str, number: int | None) -> str:
        """`c3` for 专栏3, `a2` for 附件2; a repeated number gets a suffix (`c3-2`)."""
        base = f"{prefix}{number if number is not None else len(self.numbered_ids) + 1}"
        candidate, suffix = base, self.id_suffixes.get(base, 1)
        while candidate in self.numbered_ids:
            suffix += 1
            candidate = f"{base}-{suffix}"
        self.id_suffixes[base] = suffix
        self.numbered_ids.add(candidate)
        return candidate

    def touch(self, line: int) -> None:
        """`line` belongs to every open section: their spans reach at least that far."""
        for section in [*self.stack, *([self.box] if self.box else [])]:
            self.end_lines[section.id] = max(self.end_lines[section.id], line)

    # --- result -------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return [self.finished(section) for section in self.children.get(None, ())]

    def finished(self, section: Section) -> Section:
        """The section as opened, with its children and its end line joined in."""
        children = [self.finished(child) for child in self.children.get(section.id, ())]
        end_line = self.end_lines[section.id]
        return section.model_copy(update={"children": children, "end_line": end_line})


def bare(marker: Marker) -> Marker:
    """The marker with its inner spaces dropped (`专栏 3` → `专栏3`)."""
    return Marker(marker.family, marker.number, marker.text.replace(" ", ""), marker.rest)
