"""Generated hostile documents through every stage, each within a time and memory budget.

The documents are made of the shapes that break text pipelines: long runs of
digits, markers, pipes and separators, nested brackets, unit lists, control
characters, full-width forms, and the whole encoded in one of the encodings
plancli reads. Sizes stay small so the suite stays fast; bench/hostile_scaling.py
measures the same shapes at large sizes.
"""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plancli.commands.check.documents import document_checks
from plancli.commands.check.findings import FileResult
from plancli.commands.check.fingerprints import fingerprinted
from plancli.commands.check.formats import render as render_report
from plancli.commands.terminal import UNPRINTABLE
from plancli.core import Diagnostic, InputError
from plancli.limits import time_limit
from plancli.pipeline import process_bytes
from plancli.stages.emit import render

SECONDS_PER_DOCUMENT = 20.0
PEAK_BYTES = 96 * 2**20
MAX_CHARS = 3000

PIECES = [
    "1",
    "一、",
    "(一)",
    "1.",
    "(1)",
    "①",
    "第一章",
    "专栏1",
    "附件1",
    "|",
    "|---|",
    "、",
    ",",
    "。",
    ";",
    "(",
    ")",
    "《",
    "》",
    "“",
    "”",
    "达到",
    "%",
    "到2025年",
    "不低于",
    "个百分点",
    "市民政局",
    "牵头",
    "负责",
    "配合",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\u3000",
    "\t",
    "\x1b[31m",
    "\u200b",
    "\ufeff",
    "\x85",
    "\u2028",
    "发展",
    "關(guān)于",
    "[bold]",
    "::error::",
    "%0A",
    "１２３",
    "（一）",
    "ａ",
    "\ufffd",
    "锟斤拷",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "gb18030", "big5"]

documents = st.lists(
    st.tuples(st.sampled_from(PIECES), st.integers(min_value=1, max_value=300)),
    min_size=1,
    max_size=12,
).map(lambda runs: "".join(piece * count for piece, count in runs)[:MAX_CHARS])
mixed = st.one_of(documents, st.text(max_size=400))


def within_budget(data: bytes) -> object:
    """Run the whole pipeline and every output on `data`, failing past the budget."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with time_limit(SECONDS_PER_DOCUMENT):
            try:
                document = process_bytes(data, "fuzz.txt")
            except InputError:
                return None
            for fmt in ("yaml", "json", "jsonl", "md"):
                render(document, fmt)
            document_checks(document)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < SECONDS_PER_DOCUMENT
    assert peak < PEAK_BYTES
    return document


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mixed, st.sampled_from(ENCODINGS))
def test_every_stage_survives_hostile_documents(text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="ignore")
    within_budget(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.text(max_size=40))
def test_views_and_check_formats_print_no_control_characters(text: str, name: str) -> None:
    from rich.console import Console

    from plancli.commands.views import outline_tree

    document = within_budget(text.encode("utf-8"))
    if document is None:
        return
    source = document.source.model_copy(update={"path": name or "fuzz.txt"})
    document = document.model_copy(update={"source": source})
    buffer = io.StringIO()
    Console(file=buffer, width=100, color_system=None).print(outline_tree(document))
    diagnostics = [Diagnostic(d.level, d.code, d.line, d.message) for d in document.diagnostics]
    findings = fingerprinted(name, diagnostics, [])
    results = [FileResult(name, findings)]
    printed = buffer.getvalue() + "".join(
        render_report(results, fmt, 0, False) for fmt in ("text", "github", "json", "sarif")
    )
    assert not UNPRINTABLE.search(printed.replace("\n", ""))


SCALING_SHAPES = {
    "pipe-table": lambda n: "|指标|2025年|\n|---|---|\n" + "|人口|1%|\n" * n,
    "long-hanzi-line": lambda n: "发展" * (8 * n) + "\n",
    "nested-brackets": lambda n: "(" * (4 * n) + ")" * (4 * n) + "\n",
    "separators": lambda n: "、,;。" * (2 * n) + "\n",
}


@pytest.mark.parametrize("shape", sorted(SCALING_SHAPES))
def test_time_grows_linearly_with_size(shape: str) -> None:
    """Four times the input may take at most eight times as long (generous for noise)."""
    make = SCALING_SHAPES[shape]
    process_bytes(make(50).encode("utf-8"))  # warm the caches and the rules

    def seconds(n: int) -> float:
        data = make(n).encode("utf-8")
        best = float("inf")
        for _ in range(2):
            started = time.perf_counter()
            process_bytes(data)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = seconds(500), seconds(2000)
    assert large < 8 * small + 0.05
