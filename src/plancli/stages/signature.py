"""The issuer/date signature of a notice: office line(s) then a date, joint signers split,
a signature that lost characters of the letterhead name repaired, a damaged date stood in for.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from plancli.core import Findings, Line, Removal
from plancli.stages.dates import (
    date_fits_damage,
    find_dates,
    is_damaged_date,
    parse_date,
    spaced_date,
)
from plancli.stages.meta_text import (
    MAX_ORG_CHARS,
    SENTENCE_END,
    clean_text,
    is_org,
    is_publication_note,
    is_subsequence,
)


class Signature(NamedTuple):
    issuer: str | None
    issuer_index: int | None
    date_text: str
    date_index: int
    co_issuers: list[str]
    damaged_index: int | None = None  # a damaged signer line above: the signers are unknown


def split_joint(text: str) -> list[str]:
    """Joint signers run together on one line (`南陵县民政局南陵县发展和改革委员会`): split where
    both sides are offices and the second repeats the first's place name (or drops its 中共)."""
    for cut in range(4, len(text) - 3):
        left, right = text[:cut], text[cut:]
        place = left[2:4] if left.startswith("中共") else left[:2]
        if right.startswith(place) and is_org(left) and is_org(right):
            return [left, *split_joint(right)]
    return [text]


def starts_with_org(text: str) -> bool:
    """A short line that begins with an office name and runs on into no name (a joint signer
    line whose second name was damaged): part of the signature block, but unreadable. A name
    holds no number, so an attachment list entry (`3.2025年县政府…分解`) is none."""
    if SENTENCE_END.search(text) or ":" in text or len(text) > MAX_ORG_CHARS * 2:
        return False
    return any(
        is_org(name) and not any(char.isdigit() or char == "." for char in name)
        for name in (text[:cut] for cut in range(4, min(len(text), MAX_ORG_CHARS) + 1))
    )


def signature_block(texts: Sequence[str], last: int, floor: int) -> tuple[list[str], int] | None:
    """The office line(s) ending at `last`: one per line or run together; (names, first index)."""
    if last < floor or not is_org(texts[last]) or len(texts[last]) > MAX_ORG_CHARS * 2:
        return None
    first = last
    while (
        first - 1 >= floor and is_org(texts[first - 1]) and len(texts[first - 1]) <= MAX_ORG_CHARS
    ):
        first -= 1
    names = [name for text in texts[first : last + 1] for name in split_joint(text)]
    return names, first


def signature_at(texts: Sequence[str], i: int, floor: int) -> Signature | None:
    """Issuer line + date line ending at line `i`, or both on line `i`."""
    text = texts[i]
    if parse_date(text) or is_damaged_date(text):
        above = i - 1
        while above > floor and is_publication_note(texts[above]):  # 此件公开发布 above the date
            above -= 1
        block = signature_block(texts, above, floor)
        if block is None:
            return Signature(None, None, text, i, [])
        names, first = block
        if first > floor and starts_with_org(texts[first - 1]):
            return Signature(None, None, text, i, [], first - 1)
        return Signature(names[0], first, text, i, names[1:])
    dates = find_dates(text)
    if dates and dates[-1][1] == len(text) and is_org(text[: dates[-1][0]].strip()):
        return Signature(text[: dates[-1][0]].strip(), i, text[dates[-1][0] :], i, [])
    return None


def find_signature(texts: Sequence[str], start: int, limit: int) -> Signature | None:
    for i in range(start, limit):
        found = signature_at(texts, i, start)
        if found:
            return found
    return None


def find_end_signature(texts: Sequence[str], floor: int) -> Signature | None:
    """The issuer/date signature closing the document (publication notes after it skipped)."""
    index = len(texts) - 1
    while index > floor and is_publication_note(texts[index]):
        index -= 1
    if index <= floor:
        return None
    return signature_at(texts, index, floor)


def reconcile_issuer(
    signature: Signature, letterhead: str | None, lines: list[Line], out: Findings
) -> str | None:
    """The signing office; a signature that lost characters of the letterhead name is repaired."""
    signed, index = signature.issuer, signature.issuer_index
    if signed is None or index is None or letterhead is None or signed == letterhead:
        return signed or letterhead
    line = lines[index].line
    if is_subsequence(signed, letterhead):
        out.repair(line, "issuer", signed, letterhead)
        out.warn("damaged-issuer", line, f"signature {signed!r} completed from {letterhead!r}")
        return letterhead
    out.warn("issuer-mismatch", line, f"signature {signed!r} differs from notice {letterhead!r}")
    return signed


def stand_in_date(
    signature: Signature,
    lines: list[Line],
    head: list[str],
    removed: list[Removal],
    out: Findings,
) -> datetime.date | None:
    """A damaged signature date: read as it stands when only its 年月日 were lost as spaces
    (`2017 6 23`), else replaced by a matching page date (`2023年725`), if one exists."""
    line = lines[signature.date_index].line
    spaced = spaced_date(signature.date_text)
    if spaced is not None:
        out.repair(line, "date", signature.date_text, spaced.isoformat())
        out.warn("damaged-date", line, f"signature date {signature.date_text!r} read as {spaced}")
        return spaced
    candidates = [(r.line, clean_text(r.text)) for r in removed]
    candidates += [(lines[i].line, t) for i, t in enumerate(head) if i != signature.date_index]
    for source, text in candidates:
        for _, _, date in find_dates(text):
            if date_fits_damage(date, signature.date_text):
                iso = date.isoformat()
                out.repair(line, "date-stand-in", signature.date_text, iso)
                out.warn(
                    "damaged-date",
                    line,
                    f"signature date {signature.date_text!r} is damaged; "
                    f"{date.isoformat()} from line {source} stands in",
                )
                return date
    out.warn("damaged-date", line, f"signature date {signature.date_text!r} is damaged")
    return None
