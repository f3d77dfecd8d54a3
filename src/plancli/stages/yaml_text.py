"""YAML for contract records without PyYAML, when every scalar is one it writes simply.

`plancli extract FILE` writes YAML by default, and importing PyYAML costs about as much as
the OpenCC floor. The records are block mappings and sequences of short scalars, which PyYAML
(`allow_unicode=True`, `sort_keys=False`, `width=1000`, block style) writes in one of three
ways: plain, single-quoted, or with an indicator (`[]`, `{}`). `records_text` writes those
the same way, deciding plain or quoted by PyYAML's own rules (`Emitter.analyze_scalar`,
`Emitter.choose_scalar_style` and the YAML 1.1 implicit types of `Resolver`), and gives up
(`NotSimple`) on anything else: double-quoted strings (control characters, line breaks),
keys PyYAML would not write as simple keys, and strings long enough to be folded. The
caller then uses PyYAML. Tests compare the two on every sample and on arbitrary data.
"""

from __future__ import annotations

import re
from typing import Any

from plancli.records import field_names

WIDTH = 1000  # the `width` the output is dumped with
FOLD_SAFE = WIDTH - 200  # no line this long can reach WIDTH, whatever its indentation
BREAKS = "\n\x85\u2028\u2029"
WHITESPACE = "\0 \t\r" + BREAKS
LEADING_INDICATORS = "#,[]{}&*!|>'\"%@`"

# PyYAML's implicit scalar types (yaml/resolver.py): a string matching one is quoted
IMPLICIT = [
    re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+
        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
        re.X,
    ),
    re.compile(r"^(?:<<)$"),
    re.compile(r"^(?: ~ |null|Null|NULL | )$", re.X),
    re.compile(
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
         (?:[Tt]|[ \t]+)[0-9][0-9]?
         :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
         (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        re.X,
    ),
    re.compile(r"^(?:=)$"),
    re.compile(r"^(?:!|&|\*)$"),
]
IMPLICIT_STARTS = set("yYnNtTfFoO-+0123456789.<~=!&*")


class NotSimple(Exception):
    """A scalar or key PyYAML writes in a way this module does not: use PyYAML."""


def records_text(record: Any) -> str:
    """The YAML `yaml.dump(as_data(record), ...)` writes (see the module docstring)."""
    out: list[str] = []
    value_lines(record, 0, "", out)
    return "".join(out)


def value_lines(value: Any, indent: int, prefix: str, out: list[str]) -> None:
    """A top-level or sequence-item value: `prefix` is what its first line starts with."""
    pairs = mapping_pairs(value)
    if pairs:
        mapping_lines(pairs, indent, prefix, out)
    elif isinstance(value, (list, tuple)) and value:
        sequence_lines(value, indent, prefix, out)
    else:
        out.append(f"{prefix}{scalar_text(value, indent)}\n")


def mapping_pairs(value: Any) -> list[tuple[Any, Any]] | None:
    names = field_names(type(value))
    if names is not None:
        return [(name, getattr(value, name)) for name in names]
    if isinstance(value, dict):
        return list(value.items()) or None
    return None


def mapping_lines(pairs: list[tuple[Any, Any]], indent: int, prefix: str, out: list[str]) -> None:
    for key, item in pairs:
        head = f"{prefix}{key_text(key)}:"
        prefix = " " * indent
        nested = mapping_pairs(item)
        if nested:
            out.append(head + "\n")
            mapping_lines(nested, indent + 2, " " * (indent + 2), out)
        elif isinstance(item, (list, tuple)) and item:
            out.append(head + "\n")
            sequence_lines(item, indent, " " * indent, out)  # PyYAML does not indent these
        else:
            out.append(f"{head} {scalar_text(item, indent + 2)}\n")


def sequence_lines(
    items: list[Any] | tuple[Any, ...], indent: int, prefix: str, out: list[str]
) -> None:
    for item in items:
        value_lines(item, indent + 2, f"{prefix}- ", out)
        prefix = " " * indent


def key_text(key: Any) -> str:
    if not isinstance(key, str) or not key or len(key.encode("utf-8")) > 100:
        raise NotSimple(repr(key))
    if "\n" in key:
        raise NotSimple("a key on several lines")
    return string_text(key, 0)


def scalar_text(value: Any, indent: int) -> str:
    """A scalar; `indent`: where a quoted string's continuation lines start."""
    if isinstance(value, str):
        if len(value) > FOLD_SAFE and " " in value:
            raise NotSimple("may be folded")
        return string_text(value, indent)
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float_text(value)
    if value == [] or value == () or value == {}:
        return "[]" if not isinstance(value, dict) else "{}"
    raise NotSimple(kind.__name__)


def float_text(value: float) -> str:
    """A float as `SafeRepresenter.represent_float` writes it."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    if "." not in text and "e" in text:
        text = text.replace("e", ".0e", 1)
    return text


def string_text(text: str, indent: int) -> str:
    """Plain when PyYAML writes it plain, single-quoted when it quotes it that way."""
    plain, single = allowed_styles(text)
    if plain and not is_implicit(text):
        return text
    if not single:
        raise NotSimple("double-quoted")
    quoted = text.replace("'", "''")
    if "\n" in quoted:  # a run of n breaks is written as n + 1, then the indentation
        quoted = LINE_BREAKS.sub(lambda run: "\n" + run.group() + " " * indent, quoted)
    return f"'{quoted}'"


LINE_BREAKS = re.compile("\n+")


def is_implicit(text: str) -> bool:
    """The string would be read back as another type (a number, a date, true, null …)."""
    if text and text[0] not in IMPLICIT_STARTS:
        return False
    return any(pattern.match(text) for pattern in IMPLICIT)


def allowed_styles(text: str) -> tuple[bool, bool]:
    """(block plain allowed, single quotes allowed), as `Emitter.analyze_scalar` decides; a
    string with a special character, or with a break other than \\n, is not simple."""
    if not text:
        return True, True
    if not printable(text.replace("\n", "")) or "\u2028" in text or "\u2029" in text:
        raise NotSimple("special character or a break other than \\n")
    if "\n" in text:  # never plain; quoted unless a space touches a break
        return False, not (" \n" in text or "\n " in text)
    indicators = text.startswith(("---", "..."))
    first, rest = text[0], text[1:]
    followed = len(text) == 1 or text[1] in WHITESPACE
    if first in LEADING_INDICATORS or (first in "?:-" and followed):
        indicators = True
    if ": " in rest or rest.endswith(":") or " #" in text:
        indicators = True
    spaced = text[0] == " " or text[-1] == " "
    return not (indicators or spaced), True


def printable(text: str) -> bool:
    """Every character is one both emitters write as it is with allow_unicode."""
    return not NOT_PRINTABLE.search(text)


# libyaml's printable set (it double-quotes characters beyond the BMP, PyYAML's Python
# emitter does not: such a string is left to the emitter)
NOT_PRINTABLE = re.compile("[^\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
