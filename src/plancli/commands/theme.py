"""The terminal's look: named styles by meaning, and document text as plain rich `Text`.

Views and compare style what a thing is (a target, a unit, a removed line),
never a colour, so the palette is chosen here once. Document text never goes
through rich markup: a plan may well contain `[` … `]`, and a scraped line may
hold control characters, which are shown escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plancli.commands.terminal import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

STYLES = {
    "title": "bold",
    "value": "bold",
    "marker": "cyan",
    "note": "dim",
    "target": "yellow",
    "unit": "blue",
    "removed": "red",
    "repaired": "green",
    "suspect": "magenta",
    "added": "green",
    "changed": "yellow",
}


def console(stderr: bool = False, **options: Any) -> Console:
    """A rich Console with the theme, no markup guessing and no highlighting of numbers."""
    from rich.console import Console
    from rich.theme import Theme

    return Console(stderr=stderr, highlight=False, theme=Theme(STYLES), **options)


def plain(*parts: str | tuple[str, str]) -> Text:
    """A rich Text from document text, never parsed as markup; `(text, style)` parts are styled.

    Control characters are escaped first, so a name or a line cannot reach the
    terminal as an escape sequence.

    >>> plain("第[一]条", ("L12", "note")).spans
    [Span(5, 8, 'note')]
    """
    from rich.text import Text

    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            text.append(printable(part[0]), style=part[1])
        else:
            text.append(printable(part))
    return text


def plain_lines(text: str, style: str = "", **options: Any) -> Text:
    """`plain` for a text of several lines: the line breaks stay, other controls are escaped.

    >>> plain_lines("新建社区\\n民政局\\x1b[2J").plain
    '新建社区\\n民政局\\\\x1b[2J'
    """
    from rich.text import Text

    return Text("\n".join(printable(line) for line in text.split("\n")), style=style, **options)
