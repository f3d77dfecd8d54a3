"""Command-line interface. Heavy modules are imported inside commands, never at import time.

No `from __future__ import annotations` here: typer evaluates the command
annotations at run time, and typer itself is imported lazily inside build_app.
"""

import os
import sys

from plancli import __version__

PROG = "plancli"


def fail(message: str, code: int = 1) -> None:
    """Print a one-line error to stderr and exit."""
    from plancli.terminal import print_error

    print_error(message)
    raise SystemExit(code)


def build_app() -> "typer.Typer":  # noqa: F821 - typer is imported here, lazily
    from pathlib import Path
    from typing import Annotated

    import typer

    from plancli.fastpath import UsageError, run_extract, run_normalize

    app = typer.Typer(
        name=PROG,
        help="Turn Chinese government policy documents into structured data.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback()
    def root(
        version: Annotated[
            bool, typer.Option("--version", "-V", help="Show the version and exit.")
        ] = False,
    ) -> None:
        if version:
            print(f"{PROG} {__version__}")
            raise typer.Exit()

    @app.command()
    def extract(
        files: Annotated[list[Path], typer.Argument(help="Text files ('-' for stdin).")],
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="yaml, json, jsonl or md.")
        ] = "yaml",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
        ] = None,
    ) -> None:
        """Extract goals, tasks, units and numeric targets from a document."""
        run_extract(files, fmt, output)

    @app.command()
    def normalize(
        file: Annotated[Path, typer.Argument(help="Text file ('-' for stdin).")],
        output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
        report: Annotated[
            bool, typer.Option("--report", help="Print what was done, not the text.")
        ] = False,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="For --report: table or json.")
        ] = "table",
    ) -> None:
        """Print the cleaned, simplified text (or, with --report, what was changed)."""
        run_normalize(file, output, report, fmt)

    @app.command()
    def outline(file: Annotated[Path, typer.Argument(help="Text file.")]) -> None:
        """Show the heading tree with line numbers and item counts."""
        from plancli.views import print_outline

        print_outline(file)

    @app.command()
    def tables(
        file: Annotated[Path, typer.Argument(help="Text file.")],
        csv: Annotated[
            Path | None, typer.Option("--csv", help="Write each table as CSV into DIR.")
        ] = None,
    ) -> None:
        """Show the repaired pipe tables, or export them as CSV."""
        from plancli.views import print_tables

        print_tables(file, csv)

    @app.command()
    def units(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="table or csv.")] = "table",
    ) -> None:
        """Show the responsibility matrix: each unit × the tasks it leads, owns or supports."""
        from plancli.views import print_units

        if fmt not in ("table", "csv"):
            raise UsageError(f"unknown format {fmt!r}; choose table or csv")
        raise typer.Exit(print_units(paths, fmt))

    @app.command()
    def schema() -> None:
        """Print the JSON Schema of the output, generated from the models."""
        import json

        from plancli.models import Document

        print(json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2))

    @app.command()
    def batch(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
        outdir: Annotated[Path, typer.Option("--output", "-o", help="Output folder.")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="yaml or json.")] = "yaml",
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", help="Worker processes (0 = all cores).")
        ] = 0,
        glob: Annotated[
            str, typer.Option("--glob", help="Which files to take in folders.")
        ] = "*.txt",
        force: Annotated[
            bool, typer.Option("--force", help="Redo files that are unchanged.")
        ] = False,
        timeout: Annotated[
            float,
            typer.Option("--timeout", min=0, help="Seconds one file may take (0 = no limit)."),
        ] = 60.0,
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
        from plancli.batch import run_batch

        if fmt not in ("yaml", "json"):
            raise UsageError(f"unknown format {fmt!r}; choose yaml or json")
        raise typer.Exit(
            run_batch(
                paths,
                outdir,
                fmt=fmt,
                jobs=jobs,
                glob=glob,
                force=force,
                timeout=timeout,
                scheduler=scheduler,
            )
        )

    @app.command()
    def check(
        paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursive).")],
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="text, json, github, junit or sarif.")
        ] = "text",
        strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
        baseline: Annotated[
            Path | None, typer.Option("--baseline", help="Ignore problems listed here.")
        ] = None,
        write_baseline: Annotated[
            Path | None,
            typer.Option("--write-baseline", help="Record today's problems as the baseline."),
        ] = None,
        glob: Annotated[str, typer.Option("--glob")] = "*.txt",
        timeout: Annotated[
            float,
            typer.Option("--timeout", min=0, help="Seconds one file may take (0 = no limit)."),
        ] = 60.0,
    ) -> None:
        """Prove that documents parse cleanly (for CI and pre-commit)."""
        from plancli.check import run_check

        raise typer.Exit(
            run_check(
                paths,
                fmt=fmt,
                strict=strict,
                baseline=baseline,
                write_baseline=write_baseline,
                glob=glob,
                timeout=timeout,
            )
        )

    @app.command("export")
    def export_corpus(
        paths: Annotated[
            list[Path],
            typer.Argument(help="Documents, folders, or `plancli batch` output folders."),
        ],
        output: Annotated[
            Path, typer.Option("--output", "-o", help="corpus.xlsx, corpus.duckdb or a folder.")
        ],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="xlsx, duckdb, parquet or csv (default: OUT's suffix)."
            ),
        ] = None,
        jobs: Annotated[
            int, typer.Option("--jobs", "-j", help="Worker processes (0 = all cores).")
        ] = 0,
        glob: Annotated[
            str, typer.Option("--glob", help="Which files to take in folders.")
        ] = "*.txt",
    ) -> None:
        """Write a corpus as tables (xlsx, duckdb, parquet or csv) for spreadsheets and SQL."""
        from plancli.export import ExportError, run_export

        try:
            raise typer.Exit(run_export(paths, output, fmt=fmt, jobs=jobs, glob=glob))
        except ExportError as exc:
            fail(str(exc))

    @app.command()
    def report(
        file: Annotated[Path, typer.Argument(help="Text file ('-' for stdin).")],
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here (FILE.html), not stdout.")
        ] = None,
    ) -> None:
        """Write the HTML review page: the text with targets, units and headings highlighted."""
        from plancli.fastpath import emit_text
        from plancli.html_report import refuse_overwriting_input, report_file

        refuse_overwriting_input(file, output)
        emit_text(report_file(file), output)

    @app.command()
    def compare(
        files: Annotated[list[Path], typer.Argument(help="Higher level first (or --by date).")],
        by: Annotated[str, typer.Option("--by", help="order (as given) or date.")] = "order",
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="table, json, csv or md.")
        ] = "table",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")
        ] = None,
    ) -> None:
        """Align targets and tasks down a chain of plans: adopted, stricter, looser, dropped …"""
        from plancli.compare.command import run_compare

        run_compare(files, by=by, fmt=fmt, output=output)

    return app


def click_exceptions() -> "ModuleType":  # noqa: F821 - only a type name
    """The click exceptions module typer uses (vendored in recent typer releases)."""
    try:
        from typer._click import exceptions
    except ImportError:
        from click import exceptions
    return exceptions


def run_app(args: list[str]) -> None:
    """Run the typer CLI; a usage mistake becomes one `plancli: error:` line and exit 2."""
    import typer

    errors = click_exceptions()
    try:
        code = build_app()(args=args, prog_name=PROG, standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except errors.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else PROG
        fail(f"{exc.format_message()} (see {command} --help)", code=2)
    except errors.ClickException as exc:
        fail(exc.format_message(), code=exc.exit_code)
    except typer.Abort:
        fail("interrupted", code=130)
    if isinstance(code, int) and code:
        raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):  # the cheapest path of all: no other import
        sys.stdout.write(f"{PROG} {__version__}\n")
        return
    from plancli.core import InputError
    from plancli.fastpath import UsageError, try_fast_path

    try:
        if not try_fast_path(args):
            run_app(args)
    except InputError as exc:
        fail(str(exc))
    except UsageError as exc:
        fail(str(exc), code=2)
    except KeyboardInterrupt:
        fail("interrupted", code=130)
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None
    except Exception as exc:  # last resort: one line, never a traceback
        if os.environ.get("PLANCLI_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set PLANCLI_DEBUG=1 for details)")


if __name__ == "__main__":
    main()
