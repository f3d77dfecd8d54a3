"""How the commands write their results: stdout or a file, JSON and CSV made one way.

Every command that prints JSON or CSV text gets it here, so the choices that
matter to an analyst are made once: JSON keeps Chinese as it is (not as
``\\uXXXX``), CSV rows end in ``\\n`` unless a caller writes for Excel. Lean on
purpose: the fast start-up path writes through `emit_text`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from plancli import regexes

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path


def emit_text(text: str, output: str | Path | None) -> None:
    """Write `text` to stdout, or atomically to the file `output`."""
    if output is None:
        sys.stdout.write(text)
        return
    from plancli.stages.emit import write_atomic

    write_atomic(output, text)


def json_text(data: Any) -> str:
    """Indented JSON with Chinese kept readable, ending in a newline.

    >>> print(json_text({"单位": "民政局"}), end="")
    {
      "单位": "民政局"
    }
    """
    import json

    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def json_line(data: Any) -> str:
    """JSON on one line with Chinese kept readable (a spreadsheet cell, a JSON Lines row).

    >>> json_line({"索引号": "001"})
    '{"索引号": "001"}'
    """
    import json

    return json.dumps(data, ensure_ascii=False)


JSON_UNSAFE = regexes.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe_json(data: Any) -> str:
    """`json_text` whose strings carry no raw control character (json escapes only C0).

    >>> print(safe_json(["a\\u202eb"]), end="")
    [
      "a\\u202eb"
    ]
    """
    return JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text(data))


def csv_text(rows: Iterable[Iterable[object]], line_end: str = "\n") -> str:
    """CSV text of `rows` (the header is the first row).

    >>> csv_text([["unit", "t1"], ["民政局", "L"]])
    'unit,t1\\n民政局,L\\n'
    """
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def display_path(path: Path) -> str:
    """The path relative to the working folder when it is inside it, with / separators."""
    from pathlib import Path

    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()
