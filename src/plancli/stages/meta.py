"""The notice wrapper around a plan: title, 发文字号, issuer, date, recipients, references.

A published plan usually arrives wrapped in a notice::

    [page chrome]  [doc number]  关于印发《…》的通知  主送机关:  notice text
    issuer  date  PLAN TITLE  body …

Every part may be missing or damaged. `parse_wrapper` finds what is there
structurally (the notice title is the one nearest before the recipients line,
the signature is an organisation line followed by a date line, the plan title
is what follows the signature) and reports every change it makes as a Repair.
Word lists live in rules/meta.yaml.

This module assembles the parts; each is read in its own module: `titles` (recipients, notice
title, plan title), `signature` (issuer and date), `dates`, `references` (发文字号, period,
cited documents) and `meta_text` (the text helpers they share).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from plancli import regexes
from plancli.core import Diagnostic, Findings, Line, Removal, Repair
from plancli.models import Meta
from plancli.stages.dates import parse_date, year_month
from plancli.stages.meta_text import (
    HEADING,
    MAX_ORG_CHARS,
    SENTENCE_END,
    Span,
    WrapperTexts,
    bracket_key,
    is_org,
    is_publication_note,
    meta_rules,
)
from plancli.stages.portal import PORTAL_RULE, is_repealed, portal_date, read_fields
from plancli.stages.references import (
    find_doc_number,
    find_period,
    merge_references,
    portal_doc_number,
    references_in,
    references_with_doc_number,
    restore_lost_quote,
)
from plancli.stages.signature import (
    Signature,
    find_end_signature,
    find_signature,
    reconcile_issuer,
    signature_at,
    stand_in_date,
)
from plancli.stages.titles import (
    direct_issuer,
    find_direct_title,
    find_notice,
    find_recipients,
    find_title,
    head_limit,
    looks_like_title,
    name_stands_alone,
    notice_issuer,
    plan_name,
    reprinted_name,
    split_recipients,
)

BRACKETED_NOTE = regexes.compile(r"^\(.*\)$")
PORTAL_DATE_KEYS = ("成文日期", "生效日期")  # 发布日期 is when the portal published the page


class Wrapper(NamedTuple):
    meta: Meta
    body_start: int
    repairs: list[Repair]
    diagnostics: list[Diagnostic]


MAX_NOTICE_LINES = 30  # a notice's own points with their signature, before its first annex
ANNEX_START = regexes.compile(r"附件\s*\d{1,2}")  # an annex begins: `附件1` alone on its line
ANNEX_LABEL = regexes.compile(r"附件\s*\d{0,2}\s*:?")  # `附件` or `附件1` above the plan it holds


class Parts:
    """What the structural search found, as indexes into `lines`; filled in part by part."""

    __slots__ = ("limit", "notice", "recipients", "signature", "title", "wrapper_end")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.recipients: int | None = None
        self.notice: Span | None = None
        self.signature: Signature | None = None
        self.title: Span | None = None
        self.wrapper_end = 0


def locate_parts(texts: Sequence[str]) -> Parts:
    parts = Parts(limit=head_limit(texts))
    parts.recipients = find_recipients(texts, parts.limit)
    stop = parts.recipients if parts.recipients is not None else parts.limit
    parts.notice = find_notice(texts, stop)
    if parts.recipients is not None:
        parts.signature = find_signature(
            texts, parts.recipients + 1, parts.limit
        ) or signature_before_annex(texts, parts.recipients + 1)
    elif parts.notice is not None:
        parts.signature = find_signature(texts, parts.notice.end, parts.limit)
    parts.wrapper_end = wrapper_end(texts, parts)
    return parts


def signature_before_annex(texts: Sequence[str], floor: int) -> Signature | None:
    """A notice with numbered points of its own signs after them, right above `附件1`.

    Only a short notice qualifies: when a plan title stands between the recipients and
    that signature, or the points run long, the signature closes the plan, not the notice.
    """
    stop = min(len(texts), floor + MAX_NOTICE_LINES)
    annex = next((i for i in range(floor, stop) if ANNEX_START.fullmatch(texts[i])), None)
    if annex is None:
        return None
    index = annex - 1
    while index > floor and is_publication_note(texts[index]):
        index -= 1
    first_point = next((i for i in range(floor, index) if HEADING.match(texts[i])), index)
    if index <= floor or any(looks_like_title(text) for text in texts[floor:first_point]):
        return None
    return signature_at(texts, index, floor)


def skip_notes(texts: Sequence[str], index: int) -> int:
    """Past the publication notes (`(此件公开发布)`) that follow a signature."""
    while index < len(texts) and is_publication_note(texts[index]):
        index += 1
    return index


def wrapper_end(texts: Sequence[str], parts: Parts) -> int:
    if parts.signature is not None:
        end = skip_notes(texts, parts.signature.date_index + 1)
        if end < len(texts) and ANNEX_LABEL.fullmatch(texts[end]):
            end += 1  # the plan is the notice's annex: its title follows the label
        return end
    if parts.recipients is None:
        return parts.notice.end if parts.notice else 0
    end = parts.recipients + 1
    while end < parts.limit and not looks_like_title(texts[end]):
        end += 1
    return end


def notice_text_range(parts: Parts) -> tuple[int, int]:
    """Indexes [start, stop) of the notice's own sentences (between recipients and signature)."""
    start = parts.recipients + 1 if parts.recipients is not None else parts.wrapper_end
    if parts.signature is None:
        return start, parts.wrapper_end
    issuer = parts.signature.issuer_index
    return start, issuer if issuer is not None else parts.signature.date_index


def restored(text: str, line: int, repairs: list[Repair]) -> str:
    fixed = restore_lost_quote(text)
    if fixed != text:
        repairs.append(Repair(line, "quote", text, fixed))
    return fixed


def joined(lines: list[Line], texts: Sequence[str], span: Span, repairs: list[Repair]) -> str:
    if span.end - span.start > 1:
        before = "\n".join(texts[span.start : span.end])
        repairs.append(Repair(lines[span.start].line, "joined-line", before, span.text))
    return restored(span.text, lines[span.start].line, repairs)


def fill_titles(
    meta: dict[str, Any],
    lines: list[Line],
    texts: Sequence[str],
    parts: Parts,
    name: str | None,
    out: Findings,
) -> None:
    if parts.notice is not None:
        meta["notice_title"] = joined(lines, texts, parts.notice, out.repairs)
        meta["notice_line"] = lines[parts.notice.start].line
    if parts.title is not None:
        meta["title"] = joined(lines, texts, parts.title, out.repairs)
        meta["title_line"] = lines[parts.title.start].line
        return
    at = lines[parts.wrapper_end].line if parts.wrapper_end < len(lines) else None
    if name and name_stands_alone(texts, name):
        meta["title"] = restore_lost_quote(name)
        out.warn("no-title", at, "no plan title after the notice; the name it cites stands in")
    elif meta.get("notice_title"):
        meta["title"] = meta.get("notice_title")
        out.warn("no-title", at, "no plan title after the notice; the notice title stands in")
    else:
        out.warn("no-title", at, "no plan title found")


def fill_signature(
    meta: dict[str, Any],
    lines: list[Line],
    texts: Sequence[str],
    parts: Parts,
    removed: list[Removal],
    out: Findings,
    direct: bool = False,
) -> None:
    signature, letterhead = parts.signature, notice_issuer(parts.notice)
    if signature is None:
        meta["issuer"] = letterhead if meta_rules().get("issuer_from_title", False) else None
        # a directly issued text signs at its end: `fill_direct_signature` looks there
        if parts.notice is not None or (parts.recipients is not None and not direct):
            out.info("no-signature", None, "the notice has no issuer/date signature block")
        return
    meta["issuer"] = reconcile_issuer(signature, letterhead, lines, out)
    meta["co_issuers"] = signature.co_issuers
    if signature.damaged_index is not None:
        line = lines[signature.damaged_index]
        out.warn("damaged-signature", line.line, f"signer line {line.text!r} is damaged")
    date = parse_date(signature.date_text)
    if date is None:
        date = stand_in_date(signature, lines, texts[: parts.wrapper_end], removed, out)
    meta["date"] = date.isoformat() if date else None


def parse_wrapper(lines: list[Line], removed: list[Removal]) -> Wrapper:
    """Read the notice wrapper and the plan title; never raises, reports damage instead.

    The fields are gathered in a plain mapping and validated into `Meta` once, at the end.
    """
    texts = WrapperTexts([line.text for line in lines])
    parts = locate_parts(texts)
    out = Findings()
    meta: dict[str, Any] = {}
    text_start, text_stop = notice_text_range(parts)
    name = plan_name(parts.notice, texts, text_start, text_stop)
    direct = None
    if parts.notice is None:
        direct = find_direct_title(texts, parts.recipients or parts.limit)
    parts.title = direct or find_title(texts, parts.wrapper_end, name)
    fill_titles(meta, lines, texts, parts, name, out)
    if meta.get("title") is None:
        meta["title"] = reprinted_name(removed)
    fill_signature(meta, lines, texts, parts, removed, out, direct is not None)
    if direct is not None and parts.signature is None:  # a short text signs in the wrapper
        fill_direct_signature(meta, texts, direct, out)
    meta["doc_number"] = find_doc_number(
        lines, texts, max(parts.wrapper_end, direct_end(direct)), out
    )
    if parts.recipients is not None:
        meta["recipients"] = split_recipients(texts[parts.recipients])
    body_start = parts.title.end if parts.title else parts.wrapper_end
    if direct is not None:
        body_start = parts.recipients + 1 if parts.recipients is not None else direct_end(direct)
    meta["body_line"] = lines[body_start].line if body_start < len(lines) else None
    meta["period"] = find_period(
        [t for t in (meta.get("title"), meta.get("notice_title")) if t]
        + texts[body_start : body_start + 1]
    )
    preamble = [*range(text_start, text_stop), *range(body_start, min(body_start + 1, len(texts)))]
    own = {bracket_key(t) for t in (meta.get("title"), name) if t}
    refs = references_in(lines, texts, preamble) + references_with_doc_number(lines, texts)
    meta["references"] = [
        ref.model_copy(update={"title": restored(ref.title, ref.line or 0, out.repairs)})
        for ref in merge_references(refs, own)
    ]
    if parts.notice is None and parts.signature is None and parts.title is not None:
        fill_cover_signature(meta, texts, parts.title.end)
    fill_from_portal(meta, removed, out)
    return Wrapper(Meta(**meta), body_start, out.repairs, out.diagnostics)


def fill_cover_signature(meta: dict[str, Any], texts: Sequence[str], after: int) -> None:
    """A cover page: the title, then the office and the month (`庐江县人民政府`, `2021 年 5 月`)."""
    while after < len(texts) and BRACKETED_NOTE.match(texts[after]):
        after += 1  # (2021年1月3日在…人民代表大会…通过)
    if meta.get("issuer") is not None or after + 1 >= len(texts):
        return
    office, when = texts[after], texts[after + 1]
    if not is_org(office) or len(office) > MAX_ORG_CHARS:
        return
    date = parse_date(when)
    if date is None and not year_month().search(when):
        return
    meta["issuer"] = office
    if date is not None and meta.get("date") is None:
        meta["date"] = date.isoformat()


def direct_end(direct: Span | None) -> int:
    """Index after a directly issued title and the 发文字号 line under it."""
    return 0 if direct is None else direct.end + 1


def fill_direct_signature(
    meta: dict[str, Any], texts: Sequence[str], direct: Span, out: Findings
) -> None:
    """Issuer and date of a directly issued document: its closing signature, else the title's
    own issuer (`国务院关于…`)."""
    signature = find_end_signature(texts, direct.end)
    if signature is not None:
        meta["issuer"] = signature.issuer or meta.get("issuer")
        meta["co_issuers"] = signature.co_issuers
        date = parse_date(signature.date_text)
        meta["date"] = date.isoformat() if date else meta.get("date")
    if meta.get("issuer") is None and meta_rules().get("issuer_from_title", False):
        meta["issuer"] = direct_issuer(direct.text)
    if signature is None:
        out.info("no-signature", None, "the document has no issuer/date signature at its end")


def fill_from_portal(meta: dict[str, Any], removed: list[Removal], out: Findings) -> None:
    """Read the page's info box into `portal`; it fills what the document does not say."""
    box = [removal for removal in removed if removal.rule == PORTAL_RULE]
    portal = meta["portal"] = read_fields([removal.text for removal in box])
    if not portal:
        return
    first = box[0].line
    if meta.get("doc_number") is None and (number := portal_doc_number(portal)):
        meta["doc_number"] = number
        out.info("meta-from-portal", first, f"document number {number} read from the info box")
    issuer = portal.get("发文机关")
    if meta.get("issuer") is None and issuer and is_org(issuer) and not SENTENCE_END.search(issuer):
        meta["issuer"] = issuer
        out.info("meta-from-portal", first, f"issuer {issuer} read from the info box")
    if meta.get("date") is None and (date := portal_date(portal, PORTAL_DATE_KEYS)):
        meta["date"] = date.isoformat()
        out.info("meta-from-portal", first, f"date {meta['date']} read from the info box")
    if is_repealed(portal):
        out.warn("repealed", first, f"the info box marks the document {portal['有效性']!r}")
