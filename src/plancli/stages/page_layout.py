"""Lines a page's layout adds to a document: a table of contents near the top, and the lone
page numbers a PDF conversion leaves (rules: boilerplate.yaml `layout`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from plancli import regexes


class Layout(NamedTuple):
    """Table of contents and PDF page numbers (boilerplate.yaml `layout`)."""

    toc_label: re.Pattern[str]
    toc_page: re.Pattern[str]
    toc_max_lines: int
    toc_entry_chars: int
    lone_page: re.Pattern[str]
    page_min_run: int
    page_min_gap: int


def parse_layout(raw: dict[str, Any]) -> Layout:
    toc, pages = raw["toc"], raw["page_numbers"]
    return Layout(
        regexes.compile(toc["label"]),
        regexes.compile(toc["page"]),
        int(toc["max_lines"]),
        int(toc["entry_chars"]),
        regexes.compile(pages["lone"]),
        int(pages["min_run"]),
        int(pages["min_gap"]),
    )


def toc_lines(
    texts: Sequence[str], layout: Layout | None, is_sentence: Callable[[str], bool]
) -> list[int]:
    """A table of contents near the top: the 目录 label and its entries.

    Entries are the short non-sentences after the label; they end where the first entry comes
    again (the body's own first heading) or, without that, after the last entry that ends with
    a page number.
    """
    if layout is None:
        return []
    label = next(
        (i for i, t in enumerate(texts[: layout.toc_max_lines]) if layout.toc_label.match(t)), None
    )
    if label is None:
        return []
    run = label + 1
    while (
        run < len(texts)
        and len(texts[run]) <= layout.toc_entry_chars
        and not is_sentence(texts[run])
    ):
        run += 1
    if run == label + 1:
        return []
    key = entry_key(texts[label + 1], layout)
    again = next(
        (i for i in range(label + 2, len(texts)) if entry_key(texts[i], layout) == key), None
    )
    if again is not None and again <= run:
        return list(range(label, again))
    numbered = [i for i in range(label + 1, run) if layout.toc_page.search(texts[i])]
    if len(numbered) < 2:
        return []
    return list(range(label, numbered[-1] + 1))


def entry_key(text: str, layout: Layout) -> str:
    return re.sub(r"\s+", "", layout.toc_page.sub("", text))


def page_number_lines(texts: Sequence[str], layout: Layout | None) -> set[int]:
    """Lone numbers left by a PDF conversion: a rising run (n, n+1, …) spread over the text."""
    if layout is None:
        return set()
    found: set[int] = set()
    run: list[tuple[int, int]] = []  # (index, number)
    for index, text in enumerate(texts):
        match = layout.lone_page.match(text)
        if match is None:
            continue
        number = int(match.group("n"))
        if run and number == run[-1][1] + 1 and index - run[-1][0] >= layout.page_min_gap:
            run.append((index, number))
        else:
            if len(run) >= layout.page_min_run:
                found.update(i for i, _ in run)
            run = [(index, number)]
    if len(run) >= layout.page_min_run:
        found.update(i for i, _ in run)
    return found
