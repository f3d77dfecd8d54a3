"""Where the parts of a notice wrapper are: the recipients line, the notice title
(关于印发《…》的通知), a directly issued title (国务院关于…的意见), the plan's own title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from plancli import regexes
from plancli.core import Removal
from plancli.stages.dates import YEAR, find_dates, parse_date, year_month
from plancli.stages.meta_text import (
    HEADING,
    SENTENCE_END,
    Span,
    bracket_key,
    clean_text,
    is_balanced,
    is_org,
    is_publication_note,
    meta_rules,
    org_suffix,
    top_level_titles,
)
from plancli.stages.references import DOC_NUMBER
from plancli.text import alternation

HEAD_LIMIT = 60  # the wrapper never reaches further into a document than this
MAX_TITLE_LINES = 4
MAX_TITLE_CHARS = 90
MAX_RECIPIENTS_CHARS = 400  # a joint notice may name a dozen departments
PERIOD_LINE = regexes.compile(rf"^\(\s*{YEAR}\s*年?\s*[—–\-~至到]+\s*{YEAR}\s*年?\s*\)$")
TRAILING_NOTE = regexes.compile(r"\([^()]{1,12}\)$")  # 各镇(街道)人民政府(办事处)


@cache
def listing_tail() -> re.Pattern[str]:
    """A listing entry's tail after a title: (鲁政发〔2021〕5号)2021.04.27798 — number, date,
    count. Compiled on first use: few documents need it, and its CJK class is slow to compile."""
    return regexes.compile(
        r"\s*\(?[\u4e00-\u9fff]{1,10}〔\d{4}〕\d{1,5}号\)?\s*(\d{4}[-./]\d{1,2}[-./]\d{1,2}\d*)?$"
    )


def head_limit(texts: Sequence[str]) -> int:
    """Index of the first top-level heading (the wrapper ends before it), capped."""
    limit = min(len(texts), HEAD_LIMIT)
    return next((i for i in range(limit) if HEADING.match(texts[i])), limit)


def split_recipients(text: str) -> list[str]:
    """`各市、县(区)人民政府,省政府各部门:` → 2 recipients; 、 splits only organisations."""
    names: list[str] = []
    for piece in re.split(r"[,;]", text.rstrip(":").strip()):
        piece = piece.strip()
        parts = [p.strip() for p in piece.split("、")]
        names.extend(parts if len(parts) > 1 and all(map(is_org, parts)) else [piece])
    return [name for name in names if name]


def is_recipients_line(text: str) -> bool:
    if not text.endswith(":") or "。" in text or len(text) > MAX_RECIPIENTS_CHARS:
        return False
    pieces = [TRAILING_NOTE.sub("", p.strip()) for p in re.split(r"[,;]", text[:-1])]
    return all(p and org_suffix().search(p) for p in pieces)


def find_recipients(texts: Sequence[str], limit: int) -> int | None:
    return next((i for i in range(limit) if is_recipients_line(texts[i])), None)


@cache
def _notice_start() -> re.Pattern[str]:
    verbs = alternation(meta_rules()["notice_verbs"])
    return regexes.compile(rf"^(?P<org>[^《》〈〉“”〔〕\[\]]{{0,30}}?)关于(?:{verbs})")


def ends_notice(text: str) -> bool:
    return text.rstrip("》").endswith(tuple(meta_rules()["notice_endings"])) and is_balanced(text)


def notice_at(texts: Sequence[str], start: int, stop: int) -> Span | None:
    """The notice title starting at `start` (joined over broken lines), if one starts there;
    a page that set the whole title in 《》 has it without them."""
    text = texts[start]
    wrapped = text.startswith("《")
    if not _notice_start().match(text[1:] if wrapped else text):
        return None
    for end in range(start + 1, min(stop, start + MAX_TITLE_LINES) + 1):
        if wrapped:
            if top_level_titles(text) == [(0, len(text))] and ends_notice(text[1:-1]):
                return Span(start, end, text[1:-1])
        elif ends_notice(text):
            return Span(start, end, text)
        elif ends_notice(core := listing_tail().sub("", text)):
            return Span(start, end, core)
        if end < stop:
            text += texts[end]
    return None


def find_notice(texts: Sequence[str], stop: int) -> Span | None:
    """The notice title nearest before `stop` (the recipients line), letterhead issuer included."""
    candidates = [s for i in range(stop) if (s := notice_at(texts, i, stop)) is not None]
    if not candidates:
        return None
    notice = candidates[-1]
    match = _notice_start().match(notice.text)
    bare = match is not None and not match["org"]  # starts right at 关于
    if bare and notice.start > 0 and is_org(texts[notice.start - 1]):
        return Span(notice.start - 1, notice.end, texts[notice.start - 1] + notice.text)
    return notice


@cache
def _direct_start() -> re.Pattern[str]:
    return regexes.compile(r"^(?P<org>[^《》〈〉“”〔〕\[\]。,:]{0,30}?)关于")


def ends_direct(text: str) -> bool:
    return text.rstrip("》").endswith(tuple(meta_rules()["direct_endings"])) and is_balanced(text)


def find_direct_title(texts: Sequence[str], stop: int) -> Span | None:
    """A document that is itself the issued text (`国务院关于…的指导意见` over one or more lines,
    then its 发文字号): its title starts the page, before `stop` (recipients or first heading)."""
    for start in range(min(stop, MAX_TITLE_LINES + 2)):
        if not _direct_start().match(texts[start]) or _notice_start().match(texts[start]):
            continue
        text = texts[start]
        for end in range(start + 1, min(stop, start + MAX_TITLE_LINES) + 1):
            if not looks_like_title(texts[end - 1]):
                break
            if ends_direct(text):
                return Span(start, end, text)
            if end < stop:
                text += texts[end]
    return None


def direct_issuer(title: str) -> str | None:
    match = _direct_start().match(title)
    org = match["org"].strip() if match else ""
    return org if org and is_org(org) else None


def notice_issuer(notice: Span | None) -> str | None:
    if notice is None:
        return None
    match = _notice_start().match(notice.text)
    org = match["org"].strip() if match else ""
    return org if is_org(org) else None


def plan_name(notice: Span | None, texts: Sequence[str], start: int, stop: int) -> str | None:
    """The plan named in the notice title (or the first 《…》 in the notice text)."""
    sources = [notice.text] if notice else []
    sources += texts[start:stop]
    for text in sources:
        spans = top_level_titles(text)
        if spans:
            begin, end = spans[0]
            return text[begin + 1 : end - 1]
    return None


def find_title(texts: Sequence[str], start: int, name: str | None) -> Span | None:
    """The plan's own title at `start`, joined while brackets are open or the name goes on."""
    if start >= len(texts) or not looks_like_title(texts[start]):
        return None
    text, end = texts[start], start + 1
    while (
        end < len(texts)
        and end - start < MAX_TITLE_LINES
        and continues_title(text, texts[end], name)
    ):
        text, end = text + texts[end], end + 1
    return Span(start, end, text)


def looks_like_title(text: str) -> bool:
    return (
        2 <= len(text) <= MAX_TITLE_CHARS
        and not SENTENCE_END.search(text)
        and not text.endswith((":", ",", "."))
        and "|" not in text  # a table row (a portal box or a header that lost its table)
        and not HEADING.match(text)
        and parse_date(text) is None
        and not DOC_NUMBER.fullmatch(text)
        and not is_publication_note(text)
        and text not in meta_rules()["not_titles"]
    )


def continues_title(text: str, following: str, name: str | None) -> bool:
    if PERIOD_LINE.match(following):
        return True
    if not looks_like_title(following):
        return False
    if not is_balanced(text):
        return True
    if breaks_cover_title(text, following):
        return True
    if name is None:
        return False
    whole, joined = bracket_key(name), bracket_key(text + following)
    return bracket_key(text) != whole and whole.startswith(joined)


def breaks_cover_title(text: str, following: str) -> bool:
    """A cover title set over lines (`松阳县国民经济和社会发展` / `第十三个五年规划纲要`):
    the text so far names no kind of document yet, and the next line is neither an office nor
    a date."""
    return (
        not text.endswith(tuple(meta_rules()["direct_endings"]))
        and not is_org(following)
        and not find_dates(following)
        and not year_month().search(following)
        and not is_publication_note(following)
        and match_kind_word(following)
    )


def match_kind_word(text: str) -> bool:
    """The line goes on to (or ends with) a word naming a kind of document (规划, 纲要 …)."""
    return any(word in text for word in meta_rules()["direct_endings"])


def reprinted_name(removed: list[Removal]) -> str | None:
    """The document a news page's lead-in announces (`…发布《山西省乡村振兴责任制实施细则》`)."""
    for removal in removed:
        if removal.rule != "reprint-lead":
            continue
        spans = top_level_titles(clean_text(removal.text))
        if spans:
            begin, end = spans[0]
            return clean_text(removal.text)[begin + 1 : end - 1]
    return None


def name_stands_alone(texts: Sequence[str], name: str) -> bool:
    """Does the plan's name stand on a line (or two adjacent lines) of its own somewhere?"""
    key = bracket_key(name)
    return any(
        bracket_key(text) == key or bracket_key(text + following) == key
        for text, following in zip(texts, [*texts[1:], ""], strict=True)
    )
