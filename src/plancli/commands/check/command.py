"""`plancli check`: run the pipeline over files and folders, then report and exit.

Each file runs under a time limit; several files run in worker processes. A
file that cannot be read, times out or crashes a stage is a finding, never the
end of the run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from plancli.commands.check.documents import document_checks, merge_diagnostics
from plancli.commands.check.findings import FileResult, all_findings, fails, totals
from plancli.commands.check.fingerprints import (
    apply_baseline,
    baseline_text,
    fingerprinted,
    read_baseline,
    source_lines,
)
from plancli.commands.check.formats import FORMATS, format_markdown_summary, render
from plancli.commands.output import display_path
from plancli.core import Diagnostic, InputError, UsageError
from plancli.limits import DEFAULT_TIMEOUT, DocumentTimeout, time_limit

PARALLEL_FROM_FILES = 4  # fewer files (a pre-commit run) are not worth starting workers

CheckItem = tuple[int, str, str, float]  # (position, path, display path, time limit)


def check_file(
    path: Path, display: str | None = None, timeout: float | None = DEFAULT_TIMEOUT
) -> FileResult:
    """Run the pipeline on one file and return every finding, fingerprinted."""
    name = display or display_path(path)
    try:
        from plancli.pipeline import process_file

        with time_limit(timeout):
            document = process_file(path)
            checks = document_checks(document)
    except InputError as exc:
        diagnostics = [Diagnostic("error", "unreadable", None, str(exc))]
    except DocumentTimeout as exc:
        diagnostics = [Diagnostic("error", "timeout", None, str(exc))]
    except Exception as exc:  # a crashing stage must not stop the corpus check
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        diagnostics = [Diagnostic("error", "internal-error", None, message)]
    else:
        stage = [Diagnostic(d.level, d.code, d.line, d.message) for d in document.diagnostics]
        diagnostics = merge_diagnostics(stage, checks)
    return FileResult(name, fingerprinted(name, diagnostics, source_lines(path)))


def check_paths(
    paths: Iterable[Path], glob: str, timeout: float = DEFAULT_TIMEOUT
) -> list[FileResult]:
    """Check every input, in worker processes on all cores when there are several files."""
    from plancli.commands.batch import discover_inputs, hard_limit, run_in_workers, worker_count

    items = [
        (n, str(item.path), display_path(item.path), timeout)
        for n, item in enumerate(discover_inputs(paths, glob))
    ]
    workers = min(worker_count(0), len(items))
    if workers < 2 or len(items) < PARALLEL_FROM_FILES:
        return [check_item(item)[1] for item in items]
    done = sorted(run_in_workers(items, workers, check_item, worker_died, hard_limit(timeout)))
    return [result for _, result in done]


def check_item(item: CheckItem) -> tuple[int, FileResult]:
    number, path, display, timeout = item
    return number, check_file(Path(path), display, timeout)


def worker_died(item: CheckItem, error: str) -> tuple[int, FileResult]:
    number, _, display, _ = item
    diagnostic = Diagnostic("error", "internal-error", None, error)
    return number, FileResult(display, fingerprinted(display, [diagnostic], []))


def append_step_summary(results: list[FileResult], suppressed: int) -> None:
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(format_markdown_summary(results, suppressed))


def summary_line(results: list[FileResult], suppressed: int) -> str:
    count = totals(results, suppressed)
    return (
        f"plancli check: {count['files']} files, {count['errors']} errors, "
        f"{count['warnings']} warnings, {count['info']} info"
        + (f" ({suppressed} in the baseline)" if suppressed else "")
        + "\n"
    )


def run_check(
    paths: list[Path],
    *,
    fmt: str,
    strict: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    glob: str,
    timeout: float = DEFAULT_TIMEOUT,
) -> int:
    """Check every input, report, and return the exit code (0 clean, 1 a finding fails).

    Arguments that cannot work (an unknown format, a missing or foreign baseline,
    no input file) raise UsageError, which the command line turns into exit 2.
    """
    from plancli.rules import check_all
    from plancli.stages.emit import refuse_overwriting_inputs

    refuse_overwriting_inputs(write_baseline, paths)
    check_all()  # a bad PLANCLI_RULES file is one error, not one per document
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    known = read_baseline(baseline) if baseline is not None else set()
    results = check_paths(paths, glob, timeout)
    if not results:
        raise UsageError(f"no input files (--glob {glob})")
    if write_baseline is not None:
        from plancli.stages.emit import write_atomic

        write_atomic(write_baseline, baseline_text(results))
        known |= {f.fingerprint for f in all_findings(results)}
    suppressed = apply_baseline(results, known)
    report(results, fmt, suppressed, strict)
    return 1 if any(fails(r, strict) for r in results) else 0


def report(results: list[FileResult], fmt: str, suppressed: int, strict: bool) -> None:
    """The findings on stdout (and the GitHub job summary), the totals on stderr."""
    sys.stdout.write(render(results, fmt, suppressed, strict))
    if fmt == "github":
        append_step_summary(results, suppressed)
    sys.stderr.write(summary_line(results, suppressed))
