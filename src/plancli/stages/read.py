"""Stage 1, read: bytes → text, with the encoding detected and reported.

Detection order: a byte-order mark (UTF-8, UTF-16 LE/BE); BOM-less UTF-16 (NUL bytes
that sit at one parity and decode to plausible text); strict UTF-8; strict GB18030
and Big5 (HKSCS), and when both decode, the one whose characters are the more
common Chinese characters wins (Big5 bytes read as GBK give kana, symbols and
rare characters). Input that decodes nowhere cleanly is decoded with replacement
characters and a warning per damaged line.

Line ends are folded to LF (CRLF and lone CR) and NUL characters dropped, so
line numbers are the ones an editor shows. Everything else (zero-width
characters, odd spaces) is left to the normalize stage, which keeps line numbers.
"""

from __future__ import annotations

import codecs
from collections import Counter

from plancli.core import Decoded, Diagnostic


class NotText(ValueError):
    """The input is not a text document (binary, empty ...)."""


BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
LEGACY_CODECS = (("gb18030", "gb18030"), ("big5hkscs", "big5"))

BINARY_CONTROL_SHARE = 0.02  # share of control characters above which input is binary
BINARY_REPLACED_SHARE = 0.10  # share of undecodable characters above which input is binary
MOSTLY_UTF8_REPLACED_SHARE = 0.05  # fewer bad bytes than this: damaged UTF-8, not GBK/Big5
UTF32_NUL_SHARE = 0.4  # BOM-less UTF-32: at least this share of NUL bytes (CJK: 2 of 4)
UTF16_NUL_PARITY = 0.75  # share of NUL bytes that must sit at one parity for BOM-less UTF-16
PLAUSIBLE_SHARE = 0.5  # share of common characters a BOM-less UTF-16 reading needs
MAX_LINE_DIAGNOSTICS = 50

WHITESPACE_CONTROLS = frozenset("\t\n\r\f\v")
BINARY_CONTROLS = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])  # not \t \n \v \f \r
GB2312_COMMON = (0xB0, 0xD7)  # GB2312 level-1 hanzi: the 3755 most common simplified
BIG5_COMMON = (0xA440, 0xC67E)  # Big5 level-1 hanzi: the 5401 most common traditional


def decode(data: bytes) -> Decoded:
    """Decode raw bytes; never raises on bad bytes, only on input that is not text."""
    if not data:
        raise NotText("empty file")
    text, encoding, bom = decode_best(data)
    clean_utf8 = encoding == "utf-8" and not bom and "\ufffd" not in text
    reject_binary(text, data if clean_utf8 else None)
    text = fold_line_ends(text.replace("\x00", ""))
    if not text or text.isspace():
        raise NotText("empty file (no text)")
    return Decoded(text, encoding, bom=bom, diagnostics=undecodable_lines(text, encoding))


def decode_best(data: bytes) -> tuple[str, str, bool]:
    """Return (text, encoding name, had BOM) for the most likely encoding."""
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), name, True
    nuls = data.count(0)
    utf32 = decode_bomless_utf32(data, nuls)
    if utf32 is not None:
        return utf32, "utf-32", False
    utf16 = decode_bomless_utf16(data, nuls)
    if utf16 is not None:
        return utf16, "utf-16", False
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError:
        pass
    strict = [
        (decoded, name)
        for codec, name in LEGACY_CODECS
        if (decoded := strict_decode(data, codec)) is not None
    ]
    if strict:
        text, name = max(strict, key=lambda candidate: plausibility(candidate[0]))
        return text, name, False
    return decode_with_replacement(data)


def strict_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def decode_bomless_utf32(data: bytes, nuls: int) -> str | None:
    """UTF-32 without BOM (`nuls` NUL bytes): every 4-byte unit a valid code point, and
    plausible text."""
    if len(data) % 4 or nuls < UTF32_NUL_SHARE * len(data):
        return None
    readings = [
        text for codec in ("utf-32-le", "utf-32-be") if (text := strict_decode(data, codec))
    ]
    best = max(readings, key=plausibility, default=None)
    return best if best is not None and plausibility(best) >= PLAUSIBLE_SHARE else None


def decode_bomless_utf16(data: bytes, nuls: int) -> str | None:
    """UTF-16 without BOM: `nuls` NUL bytes (mostly the high half of ASCII) at one parity.

    Only a share is required because hanzi such as 一 (U+4E00) put NULs at the other
    parity; the decoded text must also read as plausible Chinese or ASCII.
    """
    if nuls < 2 or len(data) % 2:
        return None
    odd = data[1::2].count(0)
    readings = [
        text
        for codec, share in (("utf-16-le", odd / nuls), ("utf-16-be", 1 - odd / nuls))
        if share >= UTF16_NUL_PARITY and (text := strict_decode(data, codec)) is not None
    ]
    best = max(readings, key=plausibility, default=None)
    return best if best is not None and plausibility(best) >= PLAUSIBLE_SHARE else None


def decode_with_replacement(data: bytes) -> tuple[str, str, bool]:
    """Damaged input: mostly-valid UTF-8 stays UTF-8, else the legacy codec with fewer errors."""
    utf8 = data.decode("utf-8", errors="replace")
    if utf8.count("\ufffd") <= MOSTLY_UTF8_REPLACED_SHARE * len(data):
        return utf8, "utf-8", False
    candidates = [(data.decode(codec, errors="replace"), name) for codec, name in LEGACY_CODECS]
    text, name = min(
        candidates,
        key=lambda candidate: (candidate[0].count("\ufffd"), -plausibility(candidate[0])),
    )
    return text, name, False


def plausibility(text: str) -> float:
    """Share of non-ASCII characters that are common Chinese characters or punctuation."""
    counts = Counter(char for char in text if ord(char) > 0x7F)
    total = sum(counts.values())
    if not total:
        printable = sum(1 for char in text if char.isprintable() or char in WHITESPACE_CONTROLS)
        return printable / len(text) if text else 0.0
    common = sum(count for char, count in counts.items() if is_common_char(char))
    return common / total


def is_common_char(char: str) -> bool:
    code = ord(char)
    if 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E or char in "“”‘’—…·":
        return True
    return in_common_range(char, "gb2312", GB2312_COMMON, 1) or in_common_range(
        char, "big5", BIG5_COMMON, 2
    )


def in_common_range(char: str, codec: str, bounds: tuple[int, int], width: int) -> bool:
    try:
        encoded = char.encode(codec)
    except UnicodeEncodeError:
        return False
    if len(encoded) != 2:
        return False
    value = encoded[0] if width == 1 else int.from_bytes(encoded, "big")
    return bounds[0] <= value <= bounds[1]


def reject_binary(text: str, utf8: bytes | None = None) -> None:
    """Raise NotText when the decoded text is mostly control or undecodable characters.
    `utf8` is the text's UTF-8 form when the caller has it (the input, read as clean UTF-8)."""
    controls = count_controls(text, utf8)
    if controls > BINARY_CONTROL_SHARE * len(text):
        raise NotText("binary file (NUL bytes / control characters)")
    if text.count("\ufffd") > BINARY_REPLACED_SHARE * len(text):
        raise NotText("binary file (undecodable bytes)")


def count_controls(text: str, utf8: bytes | None = None) -> int:
    """How many characters of `text` are `BINARY_CONTROLS`, counted as bytes of its UTF-8 form
    (the bytes of a multi-byte sequence are all 0x80 or above; `utf8` when already known):
    about twice as fast as a regex search over the text."""
    encoded = text.encode("utf-8", "surrogatepass") if utf8 is None else utf8
    return len(encoded) - len(encoded.translate(None, BINARY_CONTROLS))


def fold_line_ends(text: str) -> str:
    """CRLF and lone CR become LF, so line numbers match an editor's."""
    if "\r" not in text:  # one scan instead of two for the usual LF text
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def undecodable_lines(text: str, encoding: str) -> tuple[Diagnostic, ...]:
    """One warning per line that holds replacement characters (capped)."""
    if "\ufffd" not in text:
        return ()
    damaged = [
        (number, line.count("\ufffd"))
        for number, line in enumerate(text.split("\n"), start=1)
        if "\ufffd" in line
    ]
    diagnostics = [
        Diagnostic(
            "warning",
            "undecodable-bytes",
            number,
            f"{count} undecodable byte sequence(s) replaced with U+FFFD (decoded as {encoding})",
        )
        for number, count in damaged[:MAX_LINE_DIAGNOSTICS]
    ]
    if len(damaged) > MAX_LINE_DIAGNOSTICS:
        diagnostics.append(
            Diagnostic(
                "warning",
                "undecodable-bytes",
                None,
                f"{len(damaged) - MAX_LINE_DIAGNOSTICS} more lines with undecodable bytes",
            )
        )
    return tuple(diagnostics)
