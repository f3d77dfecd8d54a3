"""The notice wrapper around a plan: title, 发文字号, issuer, date, recipients, references.

A published plan usually arrives wrapped in a notice::

    [page chrome]  [doc number]  关于印发《…》的通知  主送机关:  notice text
    issuer  date  PLAN TITLE  body …

Every part may be missing or damaged. `parse_wrapper` finds what is there
structurally (the notice title is the one nearest before the recipients line,
the signature is an organisation line followed by a date line, the plan title
is what follows the signature) and reports every change it makes as a Repair.
Word lists live in rules/meta.yaml.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from plancli import rules
from plancli.core import Diagnostic, Findings, Line, Removal, Repair
from plancli.models import Meta, Period, Reference
from plancli.stages.portal import PORTAL_RULE, is_repealed, portal_date, read_fields

HEAD_LIMIT = 60  # the wrapper never reaches further into a document than this
MAX_TITLE_LINES = 4
MAX_TITLE_CHARS = 90
MAX_ORG_CHARS = 40

CJK = r"\u3400-\u9fff"
STRAY_SPACE = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[章节部分])")
YEAR = r"(?:19|20)\d{2}"
OPEN_YEAR = r"[〔\[【(﹝]"
CLOSE_YEAR = r"[〕\]】)﹞]"
DOC_NUMBER = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,10}})\s*{OPEN_YEAR}\s*(?P<year>{YEAR})\s*{CLOSE_YEAR}"
    r"\s*第?(?P<num>\d{1,5})\s*号"
)
DAMAGED_DOC_NUMBER = re.compile(
    rf"(?P<prefix>[{CJK}]{{1,10}})\s*(?:{OPEN_YEAR}(?P<year>{YEAR})(?P<num>\d{{1,5}})"
    rf"|(?P<year2>{YEAR}){CLOSE_YEAR}(?P<num2>\d{{1,5}}))\s*号"
)
DATE_YMD = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
DATE_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)")
HAN_DIGITS = "〇○零O0一二三四五六七八九"
HAN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | dict.fromkeys("〇○O0", 0)
DATE_HAN = re.compile(
    rf"(?P<y>[{HAN_DIGITS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月"
    r"\s*(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
DAMAGED_DATE = re.compile(
    r"^(?P<y>\d{4})\s*年[\d\s年月日.\-/]*$|^(?:19|20)\d{4,6}$"
)  # 2023626: 年月日 lost
PERIOD_RANGE = re.compile(rf"(?P<a>{YEAR})\s*年?\s*[—–\-~至到]+\s*(?P<b>{YEAR})\s*年?")
PERIOD_LINE = re.compile(rf"^\(\s*{YEAR}\s*年?\s*[—–\-~至到]+\s*{YEAR}\s*年?\s*\)$")
BRACKET_PAIRS = ("《》", "〈〉", "()", "〔〕", "【】")  # quotes are too often damaged to count
BRACKETS = '《》〈〉“”"()〔〕【】 '
SENTENCE_END = re.compile(r"[。!?;]")
YEAR_MONTH = re.compile(
    r"^(\d{4}|[〇○零O0一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月$"
)
# A listing entry's tail after a title: (鲁政发〔2021〕5号)2021.04.27798 — number, date, count.
LISTING_TAIL = re.compile(
    r"\s*\(?[\u4e00-\u9fff]{1,10}〔\d{4}〕\d{1,5}号\)?\s*(\d{4}[-./]\d{1,2}[-./]\d{1,2}\d*)?$"
)
BRACKETED_NOTE = re.compile(r"^\(.*\)$")
TRAILING_NOTE = re.compile(r"\([^()]{1,12}\)$")  # 各镇(街道)人民政府(办事处)
PORTAL_DATE_KEYS = ("成文日期", "生效日期")  # 发布日期 is when the portal published the page


@dataclass
class Wrapper:
    meta: Meta
    body_start: int
    repairs: list[Repair] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class Span:
    """Consecutive lines [start, end) of `lines` joined into one text."""

    start: int
    end: int
    text: str


# --- text helpers -------------------------------------------------------------------


def fold_width(text: str) -> str:
    """Full-width ASCII forms to ASCII and the ideographic space to a space (house convention)."""
    return "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c
        for c in text
    )


def clean_text(text: str) -> str:
    """Text as the contract wants it: folded width, no stray spaces between Chinese characters."""
    return STRAY_SPACE.sub("", " ".join(fold_width(text).split()))


def bracket_key(text: str) -> str:
    """Comparison key that ignores brackets, quotes and spaces (〈〉 vs 《》, lost “)."""
    return "".join(c for c in text if c not in BRACKETS)


def is_balanced(text: str) -> bool:
    return all(text.count(pair[0]) == text.count(pair[1]) for pair in BRACKET_PAIRS)


def top_level_titles(text: str) -> list[tuple[int, int]]:
    """(start, end) of every outermost 《…》, end just past the closing 》."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char == "《":
            if depth == 0:
                start = i
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


@cache
def _rules() -> dict[str, Any]:
    return rules.load("meta")


@cache
def _suffix_pattern() -> re.Pattern[str]:
    words = sorted(_rules()["org_suffixes"], key=len, reverse=True)
    return re.compile(f"(?:{'|'.join(map(re.escape, words))})$")


def is_org(text: str) -> bool:
    """A short name ending like an organisation (人民政府, 办公室, 管委会 …)."""
    return (
        1 < len(text) <= MAX_ORG_CHARS
        and not re.search(r"[,。;:!?《》]", text)
        and bool(_suffix_pattern().search(text))
    )


# --- dates --------------------------------------------------------------------------


def han_number(text: str) -> int | None:
    """Chinese numerals up to 99 (五, 十, 十三, 二十五) as used for months and days."""
    if not text or any(c not in HAN_VALUES and c != "十" for c in text) or text.count("十") > 1:
        return None
    if "十" not in text:
        return HAN_VALUES[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (HAN_VALUES[tens] if tens else 1) * 10 + (HAN_VALUES[ones] if ones else 0)


def han_year(text: str) -> int | None:
    """`二〇二三` (also written with ○, 零 or O) → 2023."""
    digits = "".join(str(HAN_VALUES.get(c, 0)) for c in text)
    return int(digits) if len(text) == 4 else None


def make_date(year: int | None, month: int | None, day: int | None) -> datetime.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[tuple[int, int, datetime.date]]:
    """Every valid date in `text` with its (start, end) span, in order of appearance."""
    found: list[tuple[int, int, datetime.date]] = []
    for pattern in (DATE_YMD, DATE_ISO):
        for m in pattern.finditer(text):
            date = make_date(int(m["y"]), int(m["m"]), int(m["d"]))
            if date:
                found.append((m.start(), m.end(), date))
    for m in DATE_HAN.finditer(text):
        date = make_date(han_year(m["y"]), han_number(m["m"]), han_number(m["d"]))
        if date:
            found.append((m.start(), m.end(), date))
    return sorted(found, key=lambda item: item[0])


def parse_date(text: str) -> datetime.date | None:
    """The date when `text` is nothing but a date (`2023年5月6日`, `2023-07-25`, 二〇二三年…)."""
    text = text.strip()
    dates = find_dates(text)
    if len(dates) == 1 and dates[0][0] == 0 and dates[0][1] == len(text):
        return dates[0][2]
    return None


def is_damaged_date(text: str) -> bool:
    return bool(DAMAGED_DATE.match(text)) and parse_date(text) is None


def is_subsequence(short: str, long: str) -> bool:
    remaining = iter(long)
    return all(char in remaining for char in short)


def date_fits_damage(date: datetime.date, damaged: str) -> bool:
    """`2023-07-25` can stand in for `2023年725`: same year, the damaged digits in order."""
    digits = re.sub(r"\D", "", damaged)
    return digits[:4] == str(date.year) and is_subsequence(digits, date.strftime("%Y%m%d"))


# --- the parts of the wrapper -------------------------------------------------------


def head_limit(texts: list[str]) -> int:
    """Index of the first top-level heading (the wrapper ends before it), capped."""
    for i, text in enumerate(texts[:HEAD_LIMIT]):
        if HEADING.match(text):
            return i
    return min(len(texts), HEAD_LIMIT)


def split_recipients(text: str) -> list[str]:
    """`各市、县(区)人民政府,省政府各部门:` → 2 recipients; 、 splits only organisations."""
    names: list[str] = []
    for piece in re.split(r"[,;]", text.rstrip(":").strip()):
        piece = piece.strip()
        parts = [p.strip() for p in piece.split("、")]
        names.extend(parts if len(parts) > 1 and all(map(is_org, parts)) else [piece])
    return [name for name in names if name]


def is_recipients_line(text: str) -> bool:
    if not text.endswith(":") or "。" in text or len(text) > 160:
        return False
    pieces = [TRAILING_NOTE.sub("", p.strip()) for p in re.split(r"[,;]", text[:-1])]
    return all(p and _suffix_pattern().search(p) for p in pieces)


def find_recipients(texts: list[str], limit: int) -> int | None:
    return next((i for i in range(limit) if is_recipients_line(texts[i])), None)


@cache
def _notice_start() -> re.Pattern[str]:
    verbs = "|".join(map(re.escape, _rules()["notice_verbs"]))
    return re.compile(rf"^(?P<org>[^《》〈〉“”〔〕\[\]]{{0,30}}?)关于(?:{verbs})")


def ends_notice(text: str) -> bool:
    return text.rstrip("》").endswith(tuple(_rules()["notice_endings"])) and is_balanced(text)


def notice_at(texts: list[str], start: int, stop: int) -> Span | None:
    """The notice title starting at `start` (joined over broken lines), if one starts there."""
    if not _notice_start().match(texts[start]):
        return None
    text = texts[start]
    for end in range(start + 1, min(stop, start + MAX_TITLE_LINES) + 1):
        if ends_notice(text):
            return Span(start, end, text)
        if ends_notice(core := LISTING_TAIL.sub("", text)):
            return Span(start, end, core)
        if end < stop:
            text += texts[end]
    return None


def find_notice(texts: list[str], stop: int) -> Span | None:
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
    return re.compile(r"^(?P<org>[^《》〈〉“”〔〕\[\]。,:]{0,30}?)关于")


def ends_direct(text: str) -> bool:
    return text.rstrip("》").endswith(tuple(_rules()["direct_endings"])) and is_balanced(text)


def find_direct_title(texts: list[str], stop: int) -> Span | None:
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


def find_end_signature(texts: list[str], floor: int) -> Signature | None:
    """The issuer/date signature closing the document (publication notes after it skipped)."""
    index = len(texts) - 1
    while index > floor and is_publication_note(texts[index]):
        index -= 1
    if index <= floor:
        return None
    return signature_at(texts, index, floor)


def notice_issuer(notice: Span | None) -> str | None:
    if notice is None:
        return None
    match = _notice_start().match(notice.text)
    org = match["org"].strip() if match else ""
    return org if is_org(org) else None


def plan_name(notice: Span | None, texts: list[str], start: int, stop: int) -> str | None:
    """The plan named in the notice title (or the first 《…》 in the notice text)."""
    sources = [notice.text] if notice else []
    sources += texts[start:stop]
    for text in sources:
        spans = top_level_titles(text)
        if spans:
            begin, end = spans[0]
            return text[begin + 1 : end - 1]
    return None


@dataclass
class Signature:
    issuer: str | None
    issuer_index: int | None
    date_text: str
    date_index: int
    co_issuers: list[str] = field(default_factory=list)


def split_joint(text: str) -> list[str]:
    """Joint signers run together on one line (`南陵县民政局南陵县发展和改革委员会`): split where
    both sides are offices and the second repeats the first's place name (or drops its 中共)."""
    for cut in range(4, len(text) - 3):
        left, right = text[:cut], text[cut:]
        place = left[2:4] if left.startswith("中共") else left[:2]
        if right.startswith(place) and is_org(left) and is_org(right):
            return [left, *split_joint(right)]
    return [text]


def signature_block(texts: list[str], last: int, floor: int) -> tuple[list[str], int] | None:
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


def signature_at(texts: list[str], i: int, floor: int) -> Signature | None:
    """Issuer line + date line ending at line `i`, or both on line `i`."""
    text = texts[i]
    if parse_date(text) or is_damaged_date(text):
        block = signature_block(texts, i - 1, floor)
        if block is None:
            return Signature(None, None, text, i)
        names, first = block
        return Signature(names[0], first, text, i, names[1:])
    dates = find_dates(text)
    if dates and dates[-1][1] == len(text) and is_org(text[: dates[-1][0]].strip()):
        return Signature(text[: dates[-1][0]].strip(), i, text[dates[-1][0] :], i)
    return None


def find_signature(texts: list[str], start: int, limit: int) -> Signature | None:
    for i in range(start, limit):
        found = signature_at(texts, i, start)
        if found:
            return found
    return None


def find_title(texts: list[str], start: int, name: str | None) -> Span | None:
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
        and not text.endswith((":", ","))
        and not HEADING.match(text)
        and parse_date(text) is None
        and not DOC_NUMBER.fullmatch(text)
        and not is_publication_note(text)
        and text not in _rules()["not_titles"]
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
        not text.endswith(tuple(_rules()["direct_endings"]))
        and not is_org(following)
        and not find_dates(following)
        and not YEAR_MONTH.search(following)
        and not is_publication_note(following)
        and match_kind_word(following)
    )


def match_kind_word(text: str) -> bool:
    """The line goes on to (or ends with) a word naming a kind of document (规划, 纲要 …)."""
    return any(word in text for word in _rules()["direct_endings"])


# --- doc number, period, references ---------------------------------------------------


def find_doc_number(lines: list[Line], texts: list[str], stop: int, out: Findings) -> str | None:
    """The first 发文字号 in the wrapper, brackets normalized to 〔〕, a lost bracket restored."""
    for line, text in zip(lines[:stop], texts[:stop], strict=False):
        found = doc_number_in(text)
        if found is None:
            continue
        written, value, damaged = found
        if written != value:
            out.repair(line.line, "doc-number", written, value)
        if damaged:
            out.warn(
                "damaged-doc-number", line.line, f"{written!r} lost a bracket; read as {value}"
            )
        return value
    return None


def doc_number_in(text: str) -> tuple[str, str, bool] | None:
    """(as written, normalized, damaged) for the first doc number in `text` not in a citation."""
    for match in DOC_NUMBER.finditer(text):
        if not cited(text, match.start()):
            return match.group(0), f"{match['prefix']}〔{match['year']}〕{match['num']}号", False
    for match in DAMAGED_DOC_NUMBER.finditer(text):
        if not cited(text, match.start()):
            year, num = match["year"] or match["year2"], match["num"] or match["num2"]
            return match.group(0), f"{match['prefix']}〔{year}〕{num}号", True
    return None


def cited(text: str, position: int) -> bool:
    """A doc number in parentheses right after a 《…》 belongs to a cited document."""
    return text[:position].rstrip().endswith("》(")


def find_period(texts: list[str]) -> Period | None:
    for text in texts:
        for match in PERIOD_RANGE.finditer(text):
            start, end = int(match["a"]), int(match["b"])
            if start < end <= start + 15:
                return Period(start=start, end=end)
    for text in texts:
        for name, (start, end) in _rules()["five_year_plans"].items():
            if name in text:
                return Period(start=start, end=end)
    return None


def restore_lost_quote(text: str) -> str:
    """`湖南省十四五”城乡` → `湖南省“十四五”城乡`: a five-year-plan name lost its opening quote."""
    for name in _rules()["five_year_plans"]:
        text = re.sub(rf"(?<!“){name}”", f"“{name}”", text)
    return text


def references_in(lines: list[Line], texts: list[str], indexes: list[int]) -> list[Reference]:
    """Cited basis documents: 《…》 after a trigger word in these sentences."""
    found: list[Reference] = []
    for i in indexes:
        for sentence, offset in sentences(texts[i]):
            for begin, end in cited_after_trigger(sentence):
                found.append(reference(lines[i].line, texts[i], offset + begin, offset + end))
    return found


def sentences(text: str) -> list[tuple[str, int]]:
    result, start = [], 0
    for match in SENTENCE_END.finditer(text):
        result.append((text[start : match.end()], start))
        start = match.end()
    if start < len(text):
        result.append((text[start:], start))
    return result


def cited_after_trigger(sentence: str) -> list[tuple[int, int]]:
    spans = top_level_titles(sentence)
    masked = list(sentence)
    for begin, end in spans:
        masked[begin:end] = "#" * (end - begin)
    outside = "".join(masked)
    hits = [outside.find(word) for word in _rules()["reference_triggers"] if word in outside]
    if not hits:
        return []
    first = min(hits)
    return [(begin, end) for begin, end in spans if begin > first]


def reference(line: int, text: str, begin: int, end: int) -> Reference:
    after = DOC_NUMBER.match(text, end + 1) if text[end : end + 1] == "(" else None
    doc = f"{after['prefix']}〔{after['year']}〕{after['num']}号" if after else None
    return Reference(title=text[begin + 1 : end - 1], doc_number=doc, line=line)


def references_with_doc_number(lines: list[Line], texts: list[str]) -> list[Reference]:
    """Any 《…》 followed by `(新政办发〔2022〕34号)`, anywhere in the document."""
    found = []
    for line, text in zip(lines, texts, strict=False):
        for begin, end in top_level_titles(text):
            ref = reference(line.line, text, begin, end)
            if ref.doc_number:
                found.append(ref)
    return found


def merge_references(refs: list[Reference], own: set[str]) -> list[Reference]:
    """One entry per cited title (earliest line wins, a doc number found later is kept)."""
    merged: dict[str, Reference] = {}
    for ref in sorted(refs, key=lambda r: r.line or 0):
        key = bracket_key(ref.title)
        if key in own or not key:
            continue
        if key not in merged:
            merged[key] = ref
        elif merged[key].doc_number is None and ref.doc_number:
            merged[key].doc_number = ref.doc_number
    return list(merged.values())


# --- assembling ---------------------------------------------------------------------


@dataclass
class Parts:
    """What the structural search found, as indexes into `lines`."""

    limit: int
    recipients: int | None = None
    notice: Span | None = None
    signature: Signature | None = None
    title: Span | None = None
    wrapper_end: int = 0


def locate_parts(texts: list[str]) -> Parts:
    parts = Parts(limit=head_limit(texts))
    parts.recipients = find_recipients(texts, parts.limit)
    stop = parts.recipients if parts.recipients is not None else parts.limit
    parts.notice = find_notice(texts, stop)
    if parts.recipients is not None:
        parts.signature = find_signature(texts, parts.recipients + 1, parts.limit)
    elif parts.notice is not None:
        parts.signature = find_signature(texts, parts.notice.end, parts.limit)
    parts.wrapper_end = wrapper_end(texts, parts)
    return parts


def skip_notes(texts: list[str], index: int) -> int:
    """Past the publication notes (`(此件公开发布)`) that follow a signature."""
    while index < len(texts) and is_publication_note(texts[index]):
        index += 1
    return index


@cache
def _publication_note() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in _rules()["publication_notes"]))


def is_publication_note(text: str) -> bool:
    return _publication_note().search(text) is not None


def wrapper_end(texts: list[str], parts: Parts) -> int:
    if parts.signature is not None:
        return skip_notes(texts, parts.signature.date_index + 1)
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


def joined(lines: list[Line], texts: list[str], span: Span, repairs: list[Repair]) -> str:
    if span.end - span.start > 1:
        before = "\n".join(texts[span.start : span.end])
        repairs.append(Repair(lines[span.start].line, "joined-line", before, span.text))
    return restored(span.text, lines[span.start].line, repairs)


def fill_titles(
    meta: Meta, lines: list[Line], texts: list[str], parts: Parts, name: str | None, out: Findings
) -> None:
    if parts.notice is not None:
        meta.notice_title = joined(lines, texts, parts.notice, out.repairs)
        meta.notice_line = lines[parts.notice.start].line
    if parts.title is not None:
        meta.title = joined(lines, texts, parts.title, out.repairs)
        meta.title_line = lines[parts.title.start].line
        return
    at = lines[parts.wrapper_end].line if parts.wrapper_end < len(lines) else None
    if name and name_stands_alone(texts, name):
        meta.title = restore_lost_quote(name)
        out.warn("no-title", at, "no plan title after the notice; the name it cites stands in")
    elif meta.notice_title:
        meta.title = meta.notice_title
        out.warn("no-title", at, "no plan title after the notice; the notice title stands in")
    else:
        out.warn("no-title", at, "no plan title found")


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


def name_stands_alone(texts: list[str], name: str) -> bool:
    """Does the plan's name stand on a line (or two adjacent lines) of its own somewhere?"""
    key = bracket_key(name)
    return any(
        bracket_key(text) == key or bracket_key(text + following) == key
        for text, following in zip(texts, [*texts[1:], ""], strict=True)
    )


def fill_signature(
    meta: Meta,
    lines: list[Line],
    texts: list[str],
    parts: Parts,
    removed: list[Removal],
    out: Findings,
) -> None:
    signature, letterhead = parts.signature, notice_issuer(parts.notice)
    if signature is None:
        meta.issuer = letterhead
        if parts.recipients is not None or parts.notice is not None:
            out.info("no-signature", None, "the notice has no issuer/date signature block")
        return
    meta.issuer = reconcile_issuer(signature, letterhead, lines, out)
    meta.co_issuers = signature.co_issuers
    date = parse_date(signature.date_text)
    if date is None:
        date = stand_in_date(signature, lines, texts[: parts.wrapper_end], removed, out)
    meta.date = date.isoformat() if date else None


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
    """A damaged signature date (`2023年725`) replaced by a matching page date, if one exists."""
    line = lines[signature.date_index].line
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


def parse_wrapper(lines: list[Line], removed: list[Removal]) -> Wrapper:
    """Read the notice wrapper and the plan title; never raises, reports damage instead."""
    texts = [clean_text(line.text) for line in lines]
    parts = locate_parts(texts)
    out = Findings()
    meta = Meta()
    text_start, text_stop = notice_text_range(parts)
    name = plan_name(parts.notice, texts, text_start, text_stop)
    direct = None
    if parts.notice is None and parts.signature is None:
        direct = find_direct_title(texts, parts.recipients or parts.limit)
    parts.title = direct or find_title(texts, parts.wrapper_end, name)
    fill_titles(meta, lines, texts, parts, name, out)
    if meta.title is None:
        meta.title = reprinted_name(removed)
    fill_signature(meta, lines, texts, parts, removed, out)
    if direct is not None:
        fill_direct_signature(meta, texts, direct, out)
    meta.doc_number = find_doc_number(lines, texts, max(parts.wrapper_end, direct_end(direct)), out)
    if parts.recipients is not None:
        meta.recipients = split_recipients(texts[parts.recipients])
    body_start = parts.title.end if parts.title else parts.wrapper_end
    if direct is not None:
        body_start = parts.recipients + 1 if parts.recipients is not None else direct_end(direct)
    meta.body_line = lines[body_start].line if body_start < len(lines) else None
    meta.period = find_period(
        [t for t in (meta.title, meta.notice_title) if t] + texts[body_start : body_start + 1]
    )
    preamble = [*range(text_start, text_stop), *range(body_start, min(body_start + 1, len(texts)))]
    own = {bracket_key(t) for t in (meta.title, name) if t}
    refs = references_in(lines, texts, preamble) + references_with_doc_number(lines, texts)
    meta.references = merge_references(refs, own)
    for ref in meta.references:
        ref.title = restored(ref.title, ref.line or 0, out.repairs)
    if parts.notice is None and parts.signature is None and parts.title is not None:
        fill_cover_signature(meta, texts, parts.title.end)
    fill_from_portal(meta, removed, out)
    return Wrapper(meta, body_start, out.repairs, out.diagnostics)


def fill_cover_signature(meta: Meta, texts: list[str], after: int) -> None:
    """A cover page: the title, then the office and the month (`庐江县人民政府`, `2021 年 5 月`)."""
    while after < len(texts) and BRACKETED_NOTE.match(texts[after]):
        after += 1  # (2021年1月3日在…人民代表大会…通过)
    if meta.issuer is not None or after + 1 >= len(texts):
        return
    office, when = texts[after], texts[after + 1]
    if not is_org(office) or len(office) > MAX_ORG_CHARS:
        return
    date = parse_date(when)
    if date is None and not YEAR_MONTH.search(when):
        return
    meta.issuer = office
    if date is not None and meta.date is None:
        meta.date = date.isoformat()


def direct_end(direct: Span | None) -> int:
    """Index after a directly issued title and the 发文字号 line under it."""
    return 0 if direct is None else direct.end + 1


def fill_direct_signature(meta: Meta, texts: list[str], direct: Span, out: Findings) -> None:
    """Issuer and date of a directly issued document: its closing signature, else the title's
    own issuer (`国务院关于…`)."""
    signature = find_end_signature(texts, direct.end)
    if signature is not None:
        meta.issuer = signature.issuer or meta.issuer
        meta.co_issuers = signature.co_issuers
        date = parse_date(signature.date_text)
        meta.date = date.isoformat() if date else meta.date
    if meta.issuer is None and _rules().get("issuer_from_title", False):
        meta.issuer = direct_issuer(direct.text)
    if signature is None:
        out.info("no-signature", None, "the document has no issuer/date signature at its end")


def fill_from_portal(meta: Meta, removed: list[Removal], out: Findings) -> None:
    """Read the page's info box into `meta.portal`; it fills what the document does not say."""
    box = [removal for removal in removed if removal.rule == PORTAL_RULE]
    meta.portal = read_fields([removal.text for removal in box])
    if not meta.portal:
        return
    first = box[0].line
    if meta.doc_number is None and (number := portal_doc_number(meta.portal)):
        meta.doc_number = number
        out.info("meta-from-portal", first, f"document number {number} read from the info box")
    issuer = meta.portal.get("发文机关")
    if meta.issuer is None and issuer and is_org(issuer) and SENTENCE_END.search(issuer) is None:
        meta.issuer = issuer
        out.info("meta-from-portal", first, f"issuer {issuer} read from the info box")
    if meta.date is None and (date := portal_date(meta.portal, PORTAL_DATE_KEYS)):
        meta.date = date.isoformat()
        out.info("meta-from-portal", first, f"date {meta.date} read from the info box")
    if is_repealed(meta.portal):
        out.warn("repealed", first, f"the info box marks the document {meta.portal['有效性']!r}")


def portal_doc_number(portal: dict[str, str]) -> str | None:
    found = doc_number_in(portal.get("发文字号", ""))
    return found[1] if found else None
