"""The typer application: one small function per command, each delegating to its module.

Imported only when the fast paths in `commands.fast` cannot serve the arguments,
so typer, click and pydantic stay off the hot `extract FILE` / `normalize FILE`
path. No `from __future__ import annotations`: typer reads the annotations at
run time. Closed vocabularies are the Enums of `commands.choices`, so `--help`
lists every choice and typer refuses anything else.
"""

import sys
from pathlib import Path
from typing import Annotated

import typer

from plancli.commands.choices import (
    BatchFormat,
    CheckFormat,
    CompareFormat,
    CompareOrder,
    ExportFormat,
    ExtractFormat,
    ReportFormat,
    UnitsFormat,
)
from plancli.commands.terminal import PROG, version_line
from plancli.limits import DEFAULT_TIMEOUT

Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = all cores).")]
Glob = Annotated[str, typer.Option("--glob", help="Which files to take in folders.")]
Timeout = Annotated[
    float, typer.Option("--timeout", min=0, help="Seconds one file may take (0 = no limit).")
]


def show_version(
    version: Annotated[
        bool, typer.Option("--version", "-V", help="Show the version and exit.")
    ] = False,
) -> None:
    if version:
        sys.stdout.write(version_line())
        raise typer.Exit()


def extract(
    files: Annotated[list[Path], typer.Argument(help="Text files ('-' for stdin).")],
    fmt: Annotated[ExtractFormat, typer.Option("--format", "-f")] = ExtractFormat.yaml,
    output: Output = None,
) -> None:
    """Extract goals, tasks, units and numeric targets from a document."""
    from plancli.commands.fast import run_extract

    run_extract(files, fmt.value, output)


def normalize(
    file: Annotated[Path, typer.Argument(help="Text file ('-' for stdin).")],
    output: Output = None,
    report: Annotated[
        bool, typer.Option("--report", help="Print what was done, not the text.")
    ] = False,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="For --report.")
    ] = ReportFormat.table,
) -> None:
    """Print the cleaned, simplified text (or, with --report, what was changed)."""
    from plancli.commands.fast import run_normalize

    run_normalize(file, output, report, fmt.value)


def outline(file: Annotated[Path, typer.Argument(help="Text file.")]) -> None:
    """Show the heading tree with line numbers and item counts."""
    from plancli.commands.views import print_outline

    print_outline(file)


def tables(
    file: Annotated[Path, typer.Argument(help="Text file.")],
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write each table as CSV into DIR.")
    ] = None,
) -> None:
    """Show the repaired pipe tables, or export them as CSV."""
    from plancli.commands.views import print_tables

    print_tables(file, csv)


def units(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    fmt: Annotated[UnitsFormat, typer.Option("--format", "-f")] = UnitsFormat.table,
) -> None:
    """Show the responsibility matrix: each unit × the tasks it leads, owns or supports."""
    from plancli.commands.views import print_units

    raise typer.Exit(print_units(paths, fmt.value))


def schema() -> None:
    """Print the JSON Schema of the output, generated from the models."""
    from plancli.commands.output import json_text
    from plancli.models import Document

    sys.stdout.write(json_text(Document.model_json_schema()))


def batch(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    outdir: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")],
    fmt: Annotated[BatchFormat, typer.Option("--format", "-f")] = BatchFormat.yaml,
    jobs: Jobs = 0,
    glob: Glob = "*.txt",
    force: Annotated[bool, typer.Option("--force", help="Redo files that are unchanged.")] = False,
    timeout: Timeout = DEFAULT_TIMEOUT,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Convert on a Dask cluster: tcp://HOST:PORT, local or local:N workers "
            "(pip install 'plancli[dask]'). The inputs and OUTDIR must be on a "
            "filesystem the workers share, at the same paths.",
        ),
    ] = None,
) -> None:
    """Convert many documents: one output per input plus OUTDIR/index.jsonl."""
    from plancli.commands.batch import run_batch

    code = run_batch(
        paths,
        outdir,
        fmt=fmt.value,
        jobs=jobs,
        glob=glob,
        force=force,
        timeout=timeout,
        scheduler=scheduler,
    )
    raise typer.Exit(code)


def check(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f")] = CheckFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Ignore problems listed here.")
    ] = None,
    write_baseline: Annotated[
        Path | None,
        typer.Option("--write-baseline", help="Record today's problems as the baseline."),
    ] = None,
    glob: Glob = "*.txt",
    timeout: Timeout = DEFAULT_TIMEOUT,
) -> None:
    """Prove that documents parse cleanly (for CI and pre-commit)."""
    from plancli.commands.check.command import run_check

    raise typer.Exit(
        run_check(
            paths,
            fmt=fmt.value,
            strict=strict,
            baseline=baseline,
            write_baseline=write_baseline,
            glob=glob,
            timeout=timeout,
        )
    )


def export(
    paths: Annotated[
        list[Path], typer.Argument(help="Documents, folders, or `plancli batch` output folders.")
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="corpus.xlsx, corpus.duckdb or a folder.")
    ],
    fmt: Annotated[
        ExportFormat | None, typer.Option("--format", "-f", help="Default: OUT's suffix.")
    ] = None,
    jobs: Jobs = 0,
    glob: Glob = "*.txt",
) -> None:
    """Write a corpus as tables (xlsx, duckdb, parquet or csv) for spreadsheets and SQL."""
    from plancli.commands.export import run_export

    raise typer.Exit(run_export(paths, output, fmt=fmt and fmt.value, jobs=jobs, glob=glob))


def report(
    file: Annotated[Path, typer.Argument(help="Text file ('-' for stdin).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (FILE.html), not stdout.")
    ] = None,
) -> None:
    """Write the HTML review page: the text with targets, units and headings highlighted."""
    from plancli.commands.html_report import report_file
    from plancli.commands.output import emit_text
    from plancli.stages.emit import refuse_overwriting_inputs

    refuse_overwriting_inputs(output, [file])
    emit_text(report_file(file), output)


def compare(
    files: Annotated[list[Path], typer.Argument(help="Higher level first (or --by date).")],
    by: Annotated[CompareOrder, typer.Option("--by")] = CompareOrder.order,
    fmt: Annotated[CompareFormat, typer.Option("--format", "-f")] = CompareFormat.table,
    output: Output = None,
) -> None:
    """Align targets and tasks down a chain of plans: adopted, stricter, looser, dropped …"""
    from plancli.commands.compare.command import run_compare

    run_compare(files, by=by.value, fmt=fmt.value, output=output)


COMMANDS = (
    extract,
    normalize,
    outline,
    tables,
    units,
    schema,
    batch,
    check,
    export,
    report,
    compare,
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name=PROG,
        help="Turn Chinese government policy documents into structured data.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    app.callback()(show_version)
    for command in COMMANDS:
        app.command()(command)
    return app
