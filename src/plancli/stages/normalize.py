"""Stage 2, normalize: decoded text → clean simplified lines tied to original lines.

Small named passes, each a pure function, run in this order:

1. ``clean_characters``: CR/CRLF → LF, control and zero-width characters removed, odd spaces
   (NBSP, U+3000, U+2002 ...) and tabs → one ASCII space. Never changes the line count.
2. ``strip_glosses``: inline pinyin readings after a hanzi (``關(guān)``, ``會(huì )``) are removed
   when the parenthesised text is a real syllable (rules/pinyin.yaml), so ``(5G)``, ``(APP)``,
   ``(含)``, ``(一)`` stay. Where the reading decides the character (``乾(qián)`` stays 乾,
   ``著(zhe)`` becomes 着; rules/gloss_readings.yaml) the character is pinned.
3. ``detect_script``: simplified / traditional / mixed, decided before any conversion.
4. mojibake: ``plancli.stages.garbled.find_suspect_spans`` sees the lines before conversion (its
   byte arithmetic needs the characters as garbled), stripped and without blank lines.
5. ``convert_lines``: traditional and mixed text goes through OpenCC ``hk2s`` (it folds the
   Hong Kong and Taiwan variants that ``t2s`` leaves, e.g. 衞生), then the 著 rules
   (rules/zhe.yaml). Simplified text is not touched. Pinned characters are kept.
6. ``fold_punctuation`` then ``plancli.stages.boilerplate.strip_boilerplate`` on stripped,
   non-blank lines. Folding comes first so that chrome rules see one form of ``:`` and ``|``.
7. ``fix_spaces``: space runs collapsed; a space between two CJK characters is removed and
   recorded as a ``stray-space`` repair. Spaces between Latin words or numbers stay.
8. ``fold_look_alike_zero``: ``○`` (U+25CB WHITE CIRCLE) or ``〇``-like ``Ｏ``/``O`` used as
   zero inside a Chinese numeral (``二○三五年``) becomes ``〇`` (``zero`` repair).
9. ``join_broken_lines``: a short line that leaves 《 〈 “ open, followed by short lines that
   close it, becomes one line (``joined-line`` repair, first line number kept).

Punctuation convention: full-width ASCII forms U+FF01–FF5E (，：；（）！？％～ ０-９ Ａ-Ｚ ．)
fold to ASCII (``, : ; ( ) ! ? % ~`` digits, letters, ``.``), and so do the small, vertical
and half-width compatibility forms that Unicode maps to them (﹐ ︰ ﹙). Chinese-only marks
stay as they are: 。、“”‘’《》〈〉〔〕【】「」—…·. Folding is counted in one ``info``
diagnostic (code ``punctuation-folded``), not as per-character repairs.

Every Line keeps the 1-based line number it had in the original file. Passes 2, 3 and 5 live in
`plancli.stages.glosses` and `plancli.stages.script`; this module holds the others and runs
them all.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import cache

from plancli import regexes, rules
from plancli.core import Diagnostic, Line, NormalizationReport, Normalized, Repair, SuspectSpan
from plancli.stages.glosses import HAN_RANGES, GlossedLine, strip_glosses_in
from plancli.stages.script import (
    convert_lines,
    count_changed,
    detect_script,
    hk2s_converter,
    resolve_zhe,
)
from plancli.text import FULL_WIDTH, fold_line_ends

CJK_MARKS = frozenset("‘’“”—…·")  # and the ranges U+3001-303F, U+FF5F-FF64 (`stray_space`)
SPACES = regexes.compile(r" +")

STRAY_CONTEXT = 6


# --- pass 1: characters -------------------------------------------------------------------


def _cleanup_table() -> dict[int, str | None]:
    invisible = [0x7F, 0xAD, *range(0x200B, 0x2010), 0x2060, 0xFEFF, *range(0xE0000, 0xE0080)]
    table: dict[int, str | None] = dict.fromkeys(
        [*range(0x00, 0x09), *range(0x0E, 0x20), *invisible], None
    )
    spaces = [0x09, 0x0B, 0x0C, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029]
    table.update(dict.fromkeys([*spaces, 0x202F, 0x205F, 0x3000], " "))
    table.update(dict.fromkeys(range(0xD800, 0xE000), "\ufffd"))  # lone surrogates
    return table


CLEANUP = _cleanup_table()
CLEANUP_CHARS = regexes.compile(
    "[\U000e0000-\U000e007f\x00-\x08\x0b-\x1f\x7f\x85\xa0\xad\u1680\u2000-\u200f\u2028\u2029\u202f"
    "\u205f\u2060\u3000\ufeff\ud800-\udfff\t]+"
)


def clean_characters(text: str) -> list[Line]:
    """Split into numbered lines (LF, CRLF or CR) with invisible and odd characters cleaned."""
    lines = fold_line_ends(text).split("\n")
    return [Line(clean_line(raw), number) for number, raw in enumerate(lines, 1)]


def clean_line(text: str) -> str:
    """`CLEANUP` applied to one line. Every character it changes is unprintable, and
    `str.isprintable` clears a line four times faster than the search would."""
    if text.isprintable():
        return text
    return CLEANUP_CHARS.sub(lambda match: match.group().translate(CLEANUP), text)


# --- pass 1b: HTML left in scraped text ----------------------------------------------------


@cache
def _html_rules() -> tuple[re.Pattern[str], frozenset[str], re.Pattern[str]]:
    """(tag pattern, block tag names, entity pattern) from rules/normalize.yaml `html`."""
    settings = rules.load("normalize")["html"]
    block = frozenset(str(tag).lower() for tag in settings["block_tags"])
    names = sorted({*block, *(str(tag).lower() for tag in settings["inline_tags"])}, key=len)
    alternation = "|".join(re.escape(name) for name in reversed(names))
    tag = regexes.compile(rf"</?\s*(?P<name>{alternation})(?:\s[^<>]{{0,400}})?/?>", re.IGNORECASE)
    entity = regexes.compile(r"&(?:[a-zA-Z]{2,8}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
    return tag, block, entity


def strip_html(lines: list[Line]) -> tuple[list[Line], Diagnostic | None]:
    """Tags removed (a block tag such as <p> or <br> ends a line) and entities decoded.

    The pieces of a split line keep its original line number; one info diagnostic counts what
    was removed.
    """
    result: list[Line] = []
    count = 0
    first: int | None = None
    for line in lines:
        text = line.text
        if "<" not in text and "&" not in text:
            result.append(line)
            continue
        text, removed = strip_html_line(text)
        if removed and first is None:
            first = line.line
        count += removed
        result.extend(Line(piece, line.line) for piece in text.split("\n"))
    if not count:
        return result, None
    message = f"{count} HTML tags and entities removed (first on line {first})"
    return result, Diagnostic("info", "html-removed", first, message)


def strip_html_line(text: str) -> tuple[str, int]:
    """One line's tags (a block tag becomes a line break) and entities out; how many.
    The patterns compile on the first line that may hold HTML."""
    tag, block, entity = _html_rules()
    removed = len(tag.findall(text))
    text = tag.sub(lambda m: "\n" if m["name"].lower() in block else "", text)
    if "&" in text:
        removed += len(entity.findall(text))
        text = entity.sub(unescape_entity, text).translate(CLEANUP)
    return text, removed


def unescape_entity(match: re.Match[str]) -> str:
    import html

    return html.unescape(match.group())


# --- pass 6: punctuation ------------------------------------------------------------------


def _fold_table() -> dict[int, str]:
    """`text.FULL_WIDTH` (the ideographic space aside, which the space pass handles) plus
    the other compatibility forms of punctuation NFKC folds to one character."""
    table = {code: chr(ascii) for code, ascii in FULL_WIDTH.items() if code != 0x3000}
    compat = [*range(0xFE10, 0xFE1A), *range(0xFE30, 0xFE50), *range(0xFE50, 0xFE6C)]
    for code in [*compat, *range(0xFF5F, 0xFF65), *range(0xFFE0, 0xFFE7)]:
        folded = unicodedata.normalize("NFKC", chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


FOLD = _fold_table()
FOLDABLE = regexes.compile("[\ufe10-\ufe6b\uff01-\uff64\uffe0-\uffe6]")


def fold_punctuation(lines: list[Line]) -> tuple[list[Line], Diagnostic | None]:
    """Full-width ASCII forms → ASCII (house convention); one info diagnostic counts them."""
    if not may_hold_foldable([line.text for line in lines]):
        return lines, None
    folded: list[Line] = []
    total = 0
    first: int | None = None
    for line in lines:
        text = line.text.translate(FOLD) if FOLDABLE.search(line.text) else line.text
        if text != line.text:
            total += count_changed(line.text, text)
            first = line.line if first is None else first
            line = Line(text, line.line)
        folded.append(line)
    if not total:
        return folded, None
    message = f"{total} full-width characters folded to ASCII (first on line {first})"
    return folded, Diagnostic("info", "punctuation-folded", first, message)


def may_hold_foldable(texts: list[str]) -> bool:
    """Whether `texts` hold a character of U+FE00-FFFF, where every `FOLD` key lies: two byte
    searches in the high bytes of their UTF-16 form, a few times faster than `FOLDABLE`
    sought line by line (supplementary characters become surrogates, D800-DFFF)."""
    high = "\n".join(texts).encode("utf-16-be", "surrogatepass")[::2]
    return b"\xfe" in high or b"\xff" in high


def _run_on_min_chars() -> int:
    return int(rules.load("normalize")["run_on"]["min_chars"])


@cache
def _run_on_marker() -> re.Pattern[str]:
    """Compiled on the first long line only: most documents have none."""
    return regexes.compile(rules.load("normalize")["run_on"]["split_before"])


def split_run_on_lines(lines: list[Line]) -> tuple[list[Line], Diagnostic | None]:
    """A whole page on one line (a long line holding several headings) is cut before each
    heading marker that follows a sentence end; the pieces keep the line's number."""
    min_chars = _run_on_min_chars()
    result: list[Line] = []
    split: list[int] = []
    for line in lines:
        if len(line.text) < min_chars:
            result.append(line)
            continue
        cuts = [m.start() for m in _run_on_marker().finditer(line.text) if m.start() > 0]
        if not cuts:
            result.append(line)
            continue
        split.append(line.line)
        bounds = [0, *cuts, len(line.text)]
        result.extend(
            Line(line.text[a:b].strip(), line.line) for a, b in itertools.pairwise(bounds)
        )
    if not split:
        return lines, None
    message = f"{len(split)} long lines holding several headings split (first on line {split[0]})"
    return result, Diagnostic("info", "split-line", split[0], message)


LOST_INDENT = regexes.compile(r"^\?{1,4}(?=[^\s?])|^\?+$")


def strip_lost_indent(lines: list[Line]) -> tuple[list[Line], Diagnostic | None]:
    """`??上海市静安区人民政府办公室`: an indent of spaces the page's encoding could not hold,
    turned into question marks at the start of a line, is removed. Only when at least
    `min_lines` lines start that way (one `?` at a line start may be real)."""
    settings = rules.load("normalize")["lost_indent"]
    marked = [line.line for line in lines if line.text.startswith("?")]
    if len(marked) < settings["min_lines"]:
        return lines, None
    fixed = [Line(LOST_INDENT.sub("", line.text), line.line) for line in lines]
    changed = sum(1 for a, b in zip(lines, fixed, strict=True) if a.text != b.text)
    if not changed:
        return lines, None
    message = f"question marks left for a lost indent removed on {changed} lines"
    return fixed, Diagnostic("info", "lost-indent", marked[0], message)


def drop_blank(lines: list[Line]) -> list[Line]:
    """The lines that hold more than spaces, stripped (a line that needs no strip is kept)."""
    return [
        line if len(text) == len(line.text) else Line(text, line.line)
        for line in lines
        if (text := line.text.strip())
    ]


# --- pass 7: spaces -----------------------------------------------------------------------


def fix_spaces(lines: list[Line]) -> tuple[list[Line], list[Repair]]:
    """Collapse space runs; remove (and record) spaces between two CJK characters."""
    fixed: list[Line] = []
    repairs: list[Repair] = []
    for line in lines:
        text = line.text
        if " " in text:
            collapsed = SPACES.sub(" ", text) if "  " in text else text
            text = drop_stray_spaces(collapsed)
            if text != collapsed:
                before, after = changed_span(collapsed, text)
                repairs.append(Repair(line.line, "stray-space", before, after))
            line = Line(text, line.line)
        fixed.append(line)
    return fixed, repairs


def drop_stray_spaces(text: str) -> str:
    """Remove each single space that stands between two CJK characters (`stray_space`)."""
    return stray_space().sub("", text)


@cache
def stray_space() -> re.Pattern[str]:
    """A space between a hanzi or Chinese mark and another (compiled on the first line with a
    space). The space comes first in the pattern, so the engine looks for it alone."""
    cjk = f"{HAN_RANGES}{''.join(sorted(CJK_MARKS))}\u3001-\u303f\uff5f-\uff64"
    return regexes.compile(f" (?<=[{cjk}] )(?=[{cjk}])")


CHINESE_DIGITS = "〇零一二三四五六七八九十"


@cache
def look_alike_zero() -> re.Pattern[str]:
    """Compiled on the first line holding a circle or an O (its classes cost 0.4 ms)."""
    digit = f"[{CHINESE_DIGITS}]"
    return regexes.compile(f"(?<={digit})[○OＯ](?=[{CHINESE_DIGITS}○OＯ])|(?<={digit}{{2}})[○OＯ]")


def fold_look_alike_zero(lines: list[Line]) -> tuple[list[Line], list[Repair]]:
    """`二○三五` (a white circle, or a letter O, for 〇) → `二〇三五`, recorded per line."""
    fixed: list[Line] = []
    repairs: list[Repair] = []
    for line in lines:
        text = line.text
        if "○" in text or "O" in text or "Ｏ" in text:
            text = look_alike_zero().sub("〇", text)
        if text != line.text:
            before, after = changed_span(line.text, text)
            repairs.append(Repair(line.line, "zero", before, after))
            line = Line(text, line.line)
        fixed.append(line)
    return fixed, repairs


def changed_span(before: str, after: str) -> tuple[str, str]:
    """The part of a line that changed, with a few characters of context on each side."""
    prefix = common_prefix_length(before, after)
    suffix = common_prefix_length(before[prefix:][::-1], after[prefix:][::-1])
    start = max(0, prefix - STRAY_CONTEXT)
    return (
        before[start : len(before) - max(0, suffix - STRAY_CONTEXT)],
        after[start : len(after) - max(0, suffix - STRAY_CONTEXT)],
    )


def common_prefix_length(a: str, b: str) -> int:
    """Length of the longest common prefix, by bisection on slice comparisons (C speed).

    >>> common_prefix_length("社区 服务", "社区服务")
    2
    """
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


# --- pass 8: broken lines -----------------------------------------------------------------


def open_brackets(text: str, pairs: dict[str, str], stack: list[str] | None = None) -> list[str]:
    """The openers still unclosed after `text` (a closer without its opener is ignored)."""
    stack = list(stack or [])
    closers = {close: open_ for open_, close in pairs.items()}
    for char in text:
        if char in pairs and not (pairs[char] == char and stack and stack[-1] == char):
            stack.append(char)
        elif char in closers and closers[char] in stack:
            while stack and stack.pop() != closers[char]:
                pass
    return stack


def join_broken_lines(lines: list[Line]) -> tuple[list[Line], list[Repair]]:
    """Re-join short lines that break a bracketed title (rules/normalize.yaml `join`)."""
    settings = rules.load("normalize")["join"]
    pairs = {str(k): str(v) for k, v in settings["pairs"].items()}
    joined: list[Line] = []
    repairs: list[Repair] = []
    done = 0  # lines before this index are in `joined` or about to be
    for index in run_starts(lines, pairs, settings["max_line_chars"]):
        count = joinable_run(lines, index, pairs, settings) if index >= done else 1
        if count > 1:
            joined.extend(lines[done:index])
            parts = [line.text for line in lines[index : index + count]]
            text = join_texts(parts)
            joined.append(Line(text, lines[index].line))
            repairs.append(Repair(lines[index].line, "joined-line", "\n".join(parts), text))
            done = index + count
    joined.extend(lines[done:])
    return joined, repairs


def run_starts(lines: list[Line], pairs: dict[str, str], max_chars: int) -> list[int]:
    """Indexes of the lines that may start a broken title: short ones holding an opener
    (`joinable_run` finds no run elsewhere)."""
    return [
        index
        for index, line in enumerate(lines)
        if len(line.text) <= max_chars and any(opener in line.text for opener in pairs)
    ]


def joinable_run(lines: list[Line], index: int, pairs: dict[str, str], settings: dict) -> int:
    """How many lines from `index` form one broken title (1 when nothing should be joined)."""
    first = lines[index].text
    if not is_short_part(first, settings) or first[-1] in settings["sentence_ends"]:
        return 1
    stack = open_brackets(first, pairs)
    if not stack:
        return 1
    for count in range(2, settings["max_parts"] + 1):
        if index + count > len(lines) or not is_short_part(lines[index + count - 1].text, settings):
            return 1
        stack = open_brackets(lines[index + count - 1].text, pairs, stack)
        if not stack:
            return count
    return 1


def is_short_part(text: str, settings: dict) -> bool:
    return bool(text) and len(text) <= settings["max_line_chars"] and "|" not in text


def join_texts(parts: list[str]) -> str:
    """Concatenate; only two Latin letters or digits meeting at the seam get a space."""
    text = parts[0]
    for part in parts[1:]:
        seam = text[-1:] + part[:1]
        text += (" " if seam.isascii() and seam.isalnum() and len(seam) == 2 else "") + part
    return text


# --- the stage ----------------------------------------------------------------------------


def garbled_spans(glossed: list[GlossedLine]) -> list[SuspectSpan]:
    """Garbled runs, seen before conversion; recovered candidates simplified like the text.

    A recovery decodes bytes afresh, so it may read traditional characters even in
    a simplified document: candidates are always converted.
    """
    from plancli.stages.garbled import find_suspect_spans

    spans = find_suspect_spans(drop_blank([Line(g.text, g.line) for g in glossed]))
    return [
        span._replace(candidate=resolve_zhe(hk2s_converter().convert(span.candidate)))
        if span.candidate
        else span
        for span in spans
    ]


def normalize(text: str, *, find_garbled: bool = True) -> Normalized:
    """Run every pass; see the module docstring for the order and the conventions.

    Garbled-run analysis never changes the text, only the report; callers that
    print just the text pass ``find_garbled=False`` and skip its cost.
    """
    from plancli.stages.boilerplate import removal_diagnostics, strip_boilerplate
    from plancli.stages.pipeless import rebuild_tables

    report = NormalizationReport()
    diagnostics: list[Diagnostic] = []
    cleaned, html = strip_html(clean_characters(text))
    if html is not None:
        diagnostics.append(html)
    glossed, report.annotations_removed = strip_glosses_in(cleaned)
    report.script = detect_script([line.text for line in glossed])
    if find_garbled:
        report.suspect_spans = garbled_spans(glossed)
    converted, report.converted_chars = convert_lines(glossed, report.script)
    lines, folded = fold_punctuation(drop_blank(converted))
    lines, indent = strip_lost_indent(lines)
    lines, run_on = split_run_on_lines(lines)
    lines = drop_blank(lines)
    if run_on is not None:
        diagnostics.append(run_on)
    if indent is not None:
        diagnostics.append(indent)
    if folded is not None:
        diagnostics.append(folded)
    lines, report.boilerplate_removed = strip_boilerplate(lines)
    diagnostics.extend(removal_diagnostics(report.boilerplate_removed))
    lines, space_repairs = fix_spaces(lines)
    lines, zero_repairs = fold_look_alike_zero(lines)
    lines, table_repairs, table_diagnostics = rebuild_tables(lines)
    diagnostics.extend(table_diagnostics)
    lines, join_repairs = join_broken_lines(lines)
    report.repairs = sorted(
        [*space_repairs, *zero_repairs, *table_repairs, *join_repairs],
        key=lambda repair: repair.line,
    )
    return Normalized(lines, report, diagnostics)
