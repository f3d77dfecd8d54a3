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
    kind = type(value)
    if kind is str:
        out.append(quoted(value))
    elif kind in SCALARS:
        out.append(scalar_text(value))
    elif kind is list or kind is tuple:
        write_items(value, out, indent)
    elif kind is dict:
        write_pairs([quoted(key) + ": " for key in value], list(value.values()), out, indent)
    elif (record := record_writer(kind)) is not None:
        keys, fields = record
        write_pairs(keys, fields(value), out, indent)
    else:
        out.append(scalar_text(value))


def write_pairs(keys: Sequence[str], values: Sequence[Any], out: list[str], indent: str) -> None:
    """An object; `keys` are quoted and end in `: `."""
    if not keys:
        out.append("{}")
        return
    inner = indent + INDENT
    separator = "{" + inner
    for key, item in zip(keys, values, strict=True):
        kind = type(item)
        if kind is str:
            out.append(separator + key + quoted(item))
        elif item is None:
            out.append(separator + key + "null")
        elif kind in SCALARS:
            out.append(separator + key + scalar_text(item))
        else:
            out.append(separator + key)
            write(item, out, inner)
        separator = "," + inner
    out.append(indent + "}")


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
    """The quoted keys of a record type and the reader of its fields in that order; None for
    a type that is no record."""
    try:
        return RECORD_WRITERS[kind]
    except KeyError:
        pass
    names = field_names(kind)
    writer = None if names is None else (tuple(quoted(n) + ": " for n in names), fields_of(kind))
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
