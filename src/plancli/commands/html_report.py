"""The HTML review page (plancli report): the normalized text beside what was read from it.

One self-contained file (no network: inline CSS and script, pinned by a
Content-Security-Policy; system fonts only) that shows every normalized line
with its original line number; every target, unit clause and heading
highlighted where it was read, its values on hover; the outline as navigation;
the targets and tasks tables, whose rows jump to their line; diagnostics in
the margin. Every piece of document text is HTML-escaped: scraped input is
hostile.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from plancli.core import Line
    from plancli.models import Diagnostic, Document, Section, Target, Task

__all__ = ["render_report", "report_file"]

ROLE_NAMES = {"lead": "牵头", "responsible": "负责", "support": "配合"}
DIAGNOSTIC_MARKS = {"error": "✖", "warning": "▲", "info": "●"}
TASK_TITLE_CHARS = 30
KIND_ORDER = ("unit", "target", "clause")


class Span(NamedTuple):
    """A highlighted stretch of one line: [start, end) in the line's text."""

    start: int
    end: int
    kind: str  # target, clause, unit
    key: str  # target number, task id …
    tip: str


# --- building the page from a file --------------------------------------------------------


def report_file(path: str | Path) -> str:
    """Run the pipeline on one file and render its review page."""
    from plancli.pipeline import build_document, decode_input, read_input
    from plancli.stages.extract import extract
    from plancli.stages.normalize import normalize
    from plancli.stages.segment import segment

    data = read_input(path)
    decoded = decode_input(data, path)
    normalized = normalize(decoded.text)
    outline = segment(normalized)
    document = build_document(data, path, decoded, normalized, outline, extract(outline))
    return render_report(document, normalized.lines)


# --- where things were read ------------------------------------------------------------------


def number(value: float) -> str:
    return f"{value:g}"


def target_value(target: Target) -> str:
    """`≥ 100%`, `5~6%`: the comparator, value(s) and unit as a reader writes them.

    >>> from plancli.models import Target
    >>> target = Target(indicator="覆盖率", comparator=">=", value=100, unit="%", text="", line=8)
    >>> target_value(target)
    '≥ 100%'
    """
    comparator = {">=": "≥", "<=": "≤"}.get(target.comparator, target.comparator)
    value = number(target.value)
    if target.value_max is not None:
        value += f"~{number(target.value_max)}"
    return f"{comparator} {value}{target.unit or ''}"


def target_tip(index: int, target: Target) -> str:
    parts = [f"目标 #{index}: {target.indicator} {target_value(target)}"]
    if target.per:
        parts.append(f"基数 {target.per}")
    if target.year:
        parts.append(f"{target.year}年")
    if target.baseline and target.baseline.value is not None:
        parts.append(f"基期值 {number(target.baseline.value)}")
    if target.attribute:
        parts.append(target.attribute)
    parts.append(f"{target.kind} · {target.source}")
    return " · ".join(parts)


def target_span(index: int, target: Target, text: str) -> Span:
    """Where a target sits in its line: its sentence, else its indicator, else the whole line."""
    tip = target_tip(index, target)
    for needle in (target.text, target.indicator):
        start = text.find(needle) if needle else -1
        if start >= 0:
            return Span(start, start + len(needle), "target", str(index), tip)
    return Span(0, len(text), "target", str(index), tip)


def unit_spans(task: Task, text: str) -> list[Span]:
    """The task's unit names where they stand in its line, and the clause around them.

    The names are looked for after the task's own text (the clause follows it),
    in order; the clause reaches out to the brackets around the names, if any.
    """
    body = text.find(task.text) if task.text else -1
    region = body + len(task.text) if body >= 0 else 0
    cursor, spans = region, []
    for unit in task.units:
        start = text.find(unit.raw, cursor) if unit.raw else -1
        if start < 0:
            continue
        cursor = start + len(unit.raw)
        tip = f"{unit.name} · {ROLE_NAMES[unit.role]} ({unit.role}) · 任务 {task.id}"
        spans.append(Span(start, cursor, "unit", task.id, tip))
    if not spans:
        return []
    first, last = spans[0].start, spans[-1].end
    opening = text.rfind("(", region, first)
    closing = text.find(")", last)
    if opening >= 0:
        first = opening
    if closing >= 0 and not any(mark in text[last:closing] for mark in "(。"):
        last = closing + 1
    names = "、".join(f"{u.name}({ROLE_NAMES[u.role]})" for u in task.units)
    return [Span(first, last, "clause", task.id, f"任务 {task.id} 责任单位: {names}"), *spans]


def line_texts(lines: Iterable[Line]) -> dict[int, str]:
    """The text of each original line number (the first normalized line that carries it)."""
    texts: dict[int, str] = {}
    for line in lines:
        texts.setdefault(line.line, line.text)
    return texts


def spans_by_line(document: Document, texts: dict[int, str]) -> dict[int, list[Span]]:
    spans: dict[int, list[Span]] = defaultdict(list)
    for index, target in enumerate(document.targets, 1):
        line = nearest_line(target.line, texts)
        spans[line].append(target_span(index, target, texts.get(line, "")))
    for task in document.tasks:
        if task.units and task.line in texts:
            spans[task.line].extend(unit_spans(task, texts[task.line]))
    return spans


def nearest_line(line: int, texts: dict[int, str]) -> int:
    """The line itself, or the closest shown line before it (its own line was removed)."""
    if line in texts or not texts:
        return line
    before = [n for n in texts if n <= line]
    return max(before) if before else min(texts)


# --- rendering ---------------------------------------------------------------------------------


def attr(value: object) -> str:
    return escape(str(value), quote=True)


def highlighted(text: str, spans: list[Span]) -> str:
    """The escaped line, cut at every span edge; each piece carries every span that covers it."""
    edges = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    pieces = []
    for start, end in pairwise(edges):
        piece = escape(text[start:end])
        covering = [s for s in spans if s.start <= start and end <= s.end]
        if not covering:
            pieces.append(piece)
            continue
        kinds = sorted({s.kind for s in covering})
        data = []
        targets = " ".join(s.key for s in covering if s.kind == "target")
        if targets:
            data.append(f' data-t="{attr(targets)}"')
        tasks = " ".join(sorted({s.key for s in covering if s.kind != "target"}))
        if tasks:
            data.append(f' data-task="{attr(tasks)}"')
        covering.sort(key=lambda s: KIND_ORDER.index(s.kind))  # the closest reading first
        tip = "\n".join(dict.fromkeys(s.tip for s in covering))
        pieces.append(
            f'<span class="hl {" ".join(kinds)}"{"".join(data)} title="{attr(tip)}">{piece}</span>'
        )
    return "".join(pieces)


def heading_lines(document: Document) -> dict[int, Section]:
    from plancli.models import iter_sections

    return {section.line: section for section in iter_sections(document.sections)}


def diagnostic_mark(diagnostic: Diagnostic) -> str:
    tip = f"{diagnostic.level} {diagnostic.code}: {diagnostic.message}"
    return (
        f'<span class="diag {attr(diagnostic.level)}" title="{attr(tip)}">'
        f"{DIAGNOSTIC_MARKS.get(diagnostic.level, '●')}</span>"
    )


def text_lines(document: Document, lines: list[Line]) -> str:
    texts = line_texts(lines)
    spans = spans_by_line(document, texts)
    headings = heading_lines(document)
    margin: dict[int, list[str]] = defaultdict(list)
    for diagnostic in document.diagnostics:
        if diagnostic.line is not None and texts:
            margin[nearest_line(diagnostic.line, texts)].append(diagnostic_mark(diagnostic))
    rows, seen = [], set()
    for line in lines:
        number_, first = line.line, line.line not in seen
        seen.add(number_)
        anchor = f' id="L{number_}"' if first else ""
        section = headings.get(number_) if first else None
        content = highlighted(line.text, spans.get(number_, []) if first else [])
        classes = "ln"
        if section is not None:
            classes += f" heading h{min(section.level, 4)}"
            tip = f"{section.marker or ''} {section.title} · {section.kind} · level {section.level}"
            content = f'<span class="hl heading" title="{attr(tip.strip())}">{content}</span>'
        rows.append(
            f'<div class="{classes}"{anchor}><a class="no" href="#L{number_}">{number_}</a>'
            f'<span class="tx">{content}</span>'
            f'<span class="mg">{"".join(margin.pop(number_, []) if first else [])}</span></div>'
        )
    return "\n".join(rows)


def outline_nav(sections: list[Section]) -> str:
    if not sections:
        return ""
    items = []
    for section in sections:
        label = f"{section.marker or ''} {section.title}".strip()
        items.append(
            f'<li><a href="#L{section.line}" class="{attr(section.kind)}">{escape(label)}</a>'
            f"{outline_nav(section.children)}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def table_html(caption: str, header: list[str], rows: list[tuple[int, str, list[str]]]) -> str:
    """A table whose rows jump to a line: rows are (line, data attributes, escaped cells)."""
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join(
        f'<tr data-line="{line}"{data}>'
        + "".join(f"<td>{cell}</td>" for cell in cells[:-1])
        + f'<td><a href="#L{line}">{cells[-1]}</a></td></tr>'
        for line, data, cells in rows
    )
    return f"<table><caption>{escape(caption)}</caption><tr>{head}</tr>{body}</table>"


def targets_table(document: Document) -> str:
    rows = []
    for index, target in enumerate(document.targets, 1):
        cells = [
            str(index),
            escape(target.indicator),
            escape(target_value(target)),
            escape(str(target.year or "")),
            escape(target.attribute or ""),
            escape(target.kind),
            str(target.line),
        ]
        rows.append((target.line, f' data-target="{index}"', cells))
    header = ["#", "指标", "目标值", "年份", "属性", "类型", "行"]
    return table_html(f"指标 Targets ({len(document.targets)})", header, rows)


def tasks_table(document: Document) -> str:
    rows = []
    for task in document.tasks:
        units = "、".join(f"{u.name}({ROLE_NAMES[u.role]})" for u in task.units)
        title = task.title or task.text[:TASK_TITLE_CHARS]
        cells = [escape(task.id), escape(title), escape(units), str(task.line)]
        rows.append((task.line, f' data-task="{attr(task.id)}"', cells))
    header = ["任务", "标题", "责任单位", "行"]
    return table_html(f"任务 Tasks ({len(document.tasks)})", header, rows)


def unplaced_diagnostics(document: Document, lines: list[Line]) -> str:
    """Diagnostics of the whole document, which have no line in the margin."""
    shown = {line.line for line in lines}
    items = [
        f"<li>{diagnostic_mark(d)} {escape(d.code)}: {escape(d.message)}</li>"
        for d in document.diagnostics
        if d.line is None or not shown
    ]
    return f'<ul class="doc-diags">{"".join(items)}</ul>' if items else ""


def meta_summary(document: Document) -> str:
    from plancli.stages.markdown import meta_facts

    return " · ".join(f"{name} {escape(value)}" for name, value in meta_facts(document))


STYLE = """
:root { --target: #ffe08a; --unit: #bfe3ff; --clause: #e8f4ff; --heading: #e9e2ff; }
* { box-sizing: border-box; }
html, body { height: 100%; }
body { display: flex; flex-direction: column; overflow: hidden; margin: 0; color: #1d1d1f;
  background: #fff; font: 15px/1.7 "Noto Sans CJK SC",
  "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
  "WenQuanYi Micro Hei", "Noto Sans SC", sans-serif; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 18px; margin: 0; }
header p { margin: 2px 0; color: #555; font-size: 13px; }
.layout { display: grid; grid-template-columns: 17% 1fr 34%; flex: 1; min-height: 0; }
nav, main, aside { overflow: auto; padding: 8px 12px; }
nav { border-right: 1px solid #eee; font-size: 13px; }
nav ul { padding-left: 12px; margin: 0; list-style: none; }
nav a { color: #333; text-decoration: none; display: block; padding: 1px 0; }
nav a:hover { background: #f0f0f0; }
nav a.column { color: #7a4; } nav a.annex { color: #a74; }
aside { border-left: 1px solid #eee; font-size: 13px; }
.ln { display: grid; grid-template-columns: 3.2em 1fr 1.6em; gap: 6px; padding: 1px 0; }
.ln .no { color: #999; text-align: right; text-decoration: none; }
.ln .tx { white-space: pre-wrap; word-break: break-all; }
.ln .mg { text-align: center; }
.ln:target, .ln.flash { background: #fff6cf; outline: 2px solid #f0c000; }
.heading .tx { font-weight: bold; }
.hl.heading { background: var(--heading); }
.hl.clause { background: var(--clause); }
.hl.unit { background: var(--unit); border-bottom: 2px solid #4a9be0; }
.hl.target { background: var(--target); border-bottom: 2px solid #e0a800; }
.hl.flash { outline: 2px solid #d33; }
.hl { cursor: help; border-radius: 2px; }
.diag { cursor: help; } .diag.error { color: #c00; } .diag.warning { color: #d80; }
.diag.info { color: #38c; }
table { border-collapse: collapse; width: 100%; margin-bottom: 16px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border-bottom: 1px solid #eee; padding: 2px 4px; text-align: left; vertical-align: top; }
th { position: sticky; top: -8px; background: #fafafa; }
tr[data-line] { cursor: pointer; } tr[data-line]:hover { background: #f5f9ff; }
tr.flash { background: #fff6cf; }
td:nth-child(3), td:nth-child(5) { white-space: nowrap; }
.doc-diags { padding-left: 16px; }
.legend span { padding: 0 4px; margin-right: 6px; }
"""

SCRIPT = """
(function () {
  function flash(elements) {
    document.querySelectorAll('.flash').forEach(function (e) { e.classList.remove('flash'); });
    elements.forEach(function (e) { if (e) { e.classList.add('flash'); } });
  }
  document.querySelectorAll('tr[data-line]').forEach(function (row) {
    row.addEventListener('click', function (event) {
      event.preventDefault();
      var line = document.getElementById('L' + row.dataset.line);
      if (!line) { return; }
      line.scrollIntoView({block: 'center'});
      var marks = [];
      if (row.dataset.target) {
        marks = document.querySelectorAll('[data-t~="' + row.dataset.target + '"]');
      } else if (row.dataset.task) {
        marks = document.querySelectorAll('[data-task~="' + row.dataset.task + '"]');
      }
      flash([line, row].concat(Array.prototype.slice.call(marks)));
    });
  });
})();
"""


def csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"


def render_report(document: Document, lines: list[Line]) -> str:
    """The review page of one document, given the normalized lines it was read from."""
    title = document.meta.title or document.meta.notice_title or document.source.path
    policy = (
        f"default-src 'none'; style-src {csp_hash(STYLE)}; script-src {csp_hash(SCRIPT)}; "
        "img-src data:"
    )
    counts = (
        f"{len(document.targets)} targets · {len(document.tasks)} tasks · "
        f"{len(document.units)} units · {len(document.diagnostics)} diagnostics"
    )
    legend = (
        '<span class="hl target">目标 target</span><span class="hl unit">责任单位 unit</span>'
        '<span class="hl clause">单位条款 clause</span><span class="hl heading">标题 heading</span>'
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{attr(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · plancli</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p>{meta_summary(document)}</p>
<p class="legend">{counts} · {legend}</p>
</header>
<div class="layout">
<nav aria-label="outline">{outline_nav(document.sections)}</nav>
<main>
{unplaced_diagnostics(document, lines)}
{text_lines(document, lines)}
</main>
<aside>
{targets_table(document)}
{tasks_table(document)}
</aside>
</div>
<script>{SCRIPT}</script>
</body>
</html>
"""
