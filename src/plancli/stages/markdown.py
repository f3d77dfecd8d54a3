"""A Markdown report of one document: the tables an analyst pastes into a memo."""

from __future__ import annotations

from plancli.models import Document, Target, Task


def markdown_cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened."""
    return str(text if text is not None else "").replace("|", "\\|").replace("\n", " ")


def markdown_row(cells: list[object]) -> str:
    return "| " + " | ".join(markdown_cell(value) for value in cells) + " |"


def markdown_table(header: list[str], rows: list[list[object]]) -> list[str]:
    return [markdown_row(header), "|" + "---|" * len(header), *map(markdown_row, rows)]


def format_value(target: Target) -> str:
    def number(value: float) -> str:
        return f"{value:g}"

    value = number(target.value)
    if target.value_max is not None:
        value += f"~{number(target.value_max)}"
    return f"{target.comparator} {value}{target.unit or ''}"


def target_row(target: Target) -> list[object]:
    baseline = ""
    if target.baseline and target.baseline.value is not None:
        baseline = f"{target.baseline.value:g}"
        baseline += f" ({target.baseline.year})" if target.baseline.year else ""
    return [
        target.indicator,
        format_value(target),
        target.per or "",
        target.year or "",
        baseline,
        target.attribute or "",
        target.source,
        target.line,
    ]


def task_row(task: Task) -> list[object]:
    roles = {"lead": "牵头", "responsible": "负责", "support": "配合"}
    units = "、".join(f"{unit.name}({roles[unit.role]})" for unit in task.units)
    return [task.marker or "", task.title or task.text[:30], units, task.line]


def meta_facts(document: Document) -> list[tuple[str, str]]:
    """The notice's facts a reader looks for first, labelled in Chinese; absent ones left out."""
    meta = document.meta
    facts = [
        ("发文字号", meta.doc_number),
        ("发文机关", meta.issuer),
        ("成文日期", meta.date),
        ("规划期", f"{meta.period.start}—{meta.period.end}" if meta.period else None),
        ("来源", document.source.path),
    ]
    return [(name, value) for name, value in facts if value]


def meta_lines(document: Document) -> list[str]:
    return [f"- **{name}**: {value}" for name, value in meta_facts(document)]


def to_markdown(document: Document) -> str:
    title = document.meta.title or document.source.path
    lines = [f"# {title}", ""]
    if document.meta.notice_title:
        lines += [f"_{document.meta.notice_title}_", ""]
    lines += [*meta_lines(document), ""]
    targets = [t for t in document.targets if t.kind == "target"]
    lines += [f"## 指标 Targets ({len(targets)})", ""]
    lines += markdown_table(
        ["指标", "目标值", "基数", "年份", "基期值", "属性", "来源", "行"],
        [target_row(t) for t in targets],
    )
    lines += ["", f"## 任务分工 Tasks ({len(document.tasks)})", ""]
    lines += markdown_table(
        ["序号", "任务", "责任单位", "行"], [task_row(t) for t in document.tasks]
    )
    lines += ["", f"## 责任单位 Units ({len(document.units)})", ""]
    lines += markdown_table(
        ["单位", "任务数", "牵头", "负责", "配合"],
        [[u.name, u.tasks, u.lead, u.responsible, u.support] for u in document.units],
    )
    if document.diagnostics:
        lines += ["", f"## 诊断 Diagnostics ({len(document.diagnostics)})", ""]
        lines += [
            f"- L{d.line or '-'} `{d.code}` ({d.level}): {d.message}" for d in document.diagnostics
        ]
    return "\n".join(lines) + "\n"
