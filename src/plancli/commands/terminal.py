"""What plancli writes for people: one-line errors and text made safe to print.

File names and document text come from the outside world. Before they reach a
terminal or a CI log, every control character (ESC sequences, newlines, carriage
returns, C1 controls, bidirectional overrides, line separators) is shown as a
visible escape, so a name or a line can neither move the cursor, restyle the
screen nor start a new log line. Lean on purpose: the fast start-up path uses it.
"""

from __future__ import annotations

import re
import sys

from plancli import regexes

PROG = "plancli"
UNPRINTABLE = regexes.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object) -> str:
    """`text` as one line with every control character shown as `\\xNN` / `\\uNNNN`."""
    return UNPRINTABLE.sub(escape_char, str(text))


def error_line(message: object, level: str = "error") -> str:
    """`plancli: error: message` (one line, escaped), the form of every error plancli prints."""
    return f"{PROG}: {level}: {printable(message)}\n"


def version_line() -> str:
    """What `plancli --version` prints."""
    from plancli import __version__

    return f"{PROG} {__version__}\n"


def print_error(message: object, level: str = "error") -> None:
    sys.stderr.write(error_line(message, level))
