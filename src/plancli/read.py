"""Stage 1, read: bytes → text, with the encoding detected and reported."""

from __future__ import annotations

import codecs

from plancli.core import Decoded, Diagnostic


class NotText(ValueError):
    """The input is not a text document (binary, empty ...)."""


BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)


def decode(data: bytes) -> Decoded:
    """Decode raw bytes; never raises on bad bytes, only on input that is not text."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return Decoded(data.decode(codec, errors="replace"), name, bom=True)
    for codec, name in (("utf-8", "utf-8"), ("gb18030", "gb18030")):
        try:
            return Decoded(data.decode(codec), name)
        except UnicodeDecodeError:
            continue
    text = data.decode("utf-8", errors="replace")
    warning = Diagnostic("warning", "undecodable-bytes", None, "bytes replaced with U+FFFD")
    return Decoded(text, "utf-8", diagnostics=(warning,))
