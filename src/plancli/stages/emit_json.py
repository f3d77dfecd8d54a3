"""Indented JSON for contract records, written in one walk.

`json.dumps(..., indent=2)` takes the pure-Python encoder (the C one does no indenting) over
a copy of the record as dicts and lists. This walks the records themselves, quotes strings
with the C quoting function `json` uses, and writes exactly the same text (a test compares
the two on every sample). Most values are strings and other scalars: the loops over a
record's fields and a list's items write those themselves, each with its separator and key in
one piece, and each record type's quoted keys and field reader are made once per process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from json.encoder import encode_basestring as quoted
from operator import attrgetter
from typing import Any

from plancli.records import field_names

INDENT = "  "
SPECIAL_FLOATS = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}  # as json writes them
SCALARS = frozenset((type(None), bool, int, float))

Fields = Callable[[Any], Sequence[Any]]


def indented_json(record: Any) -> str:
    """`json.dumps(as_data(record), ensure_ascii=False, indent=2)`."""
    out: list[str] = []
    write(record, out, "\n")
    return "".join(out)


def write(value: Any, out: list[str], indent: str) -> None:
    """Write `value` whose lines (after the first) begin with `indent`, a line break and
    the spaces of its level."""
    kind = type(value)  # the loops below write scalars themselves: lists and records first
    if kind is list or kind is tuple:
        write_items(value, out, indent)
    elif (record := record_writer(kind)) is not None:
        names, fields = record
        lines = KEY_LINES.get((kind, indent))
        if lines is None:
            lines = KEY_LINES[kind, indent] = key_lines(names, indent)
        write_pairs(lines, fields(value), out, indent)
    elif kind is str:
        out.append(quoted(value))
    elif kind is dict:
        write_pairs(key_lines(list(value), indent), list(value.values()), out, indent)
    else:
        out.append(scalar_text(value))


def write_pairs(lines: Sequence[str], values: Sequence[Any], out: list[str], indent: str) -> None:
    """An object; `lines` (see `key_lines`) open its members."""
    if not lines:
        out.append("{}")
        return
    inner = indent + INDENT
    for line, item in zip(lines, values, strict=True):
        kind = type(item)
        if kind is str:
            out.append(line + quoted(item))
        elif item is None:
            out.append(line + "null")
        elif kind in SCALARS:
            out.append(line + scalar_text(item))
        else:
            out.append(line)
            write(item, out, inner)
    out.append(indent + "}")


KEY_LINES: dict[tuple[type, str], tuple[str, ...]] = {}  # (record type, indent) → key_lines


def key_lines(keys: Sequence[str], indent: str) -> tuple[str, ...]:
    """What opens each member of an object at `indent`: `{` or `,`, the member's line break
    and indent, its quoted key and `: `."""
    inner = indent + INDENT
    return tuple(("," if k else "{") + inner + quoted(key) + ": " for k, key in enumerate(keys))


def write_items(items: Sequence[Any], out: list[str], indent: str) -> None:
    if not items:
        out.append("[]")
        return
    inner = indent + INDENT
    separator = "[" + inner
    for item in items:
        kind = type(item)
        if kind is str:
            out.append(separator + quoted(item))
        elif kind in SCALARS:
            out.append(separator + scalar_text(item))
        else:
            out.append(separator)
            write(item, out, inner)
        separator = "," + inner
    out.append(indent + "]")


RECORD_WRITERS: dict[type, tuple[tuple[str, ...], Fields] | None] = {}


def record_writer(kind: type) -> tuple[tuple[str, ...], Fields] | None:
    """The field names of a record type and the reader of its fields in that order; None
    for a type that is no record."""
    try:
        return RECORD_WRITERS[kind]
    except KeyError:
        pass
    names = field_names(kind)
    writer = None if names is None else (names, fields_of(kind))
    RECORD_WRITERS[kind] = writer
    return writer


def fields_of(kind: type) -> Fields:
    names = field_names(kind) or ()
    if issubclass(kind, tuple):
        return tuple  # a NamedTuple holds its fields in order
    if len(names) == 1:
        return lambda record: (getattr(record, names[0]),)
    return attrgetter(*names)


def scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        text = float.__repr__(value)
        return SPECIAL_FLOATS.get(text, text)
    raise TypeError(f"Object of type {kind.__name__} is not JSON serializable")
