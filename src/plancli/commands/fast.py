"""Hot, simple invocations served before the CLI framework loads.

Typer (which loads pydantic to convert parameters) costs more start-up time than
the whole normalize stage. `plancli --version` and the plain forms of
`plancli normalize FILE` and `plancli extract FILE` are parsed here by a small
table of the same options; any other argument (``--help``, an unknown option, a
second file) returns None and the full typer CLI takes over, so the two paths
cannot disagree on behaviour: both call `run_normalize` / `run_extract`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from plancli.commands.choices import ExtractFormat, ReportFormat, values
from plancli.commands.output import emit_text
from plancli.core import UsageError

if TYPE_CHECKING:
    from pathlib import Path

VALUE_OPTIONS = {"-o": "output", "--output": "output", "-f": "fmt", "--format": "fmt"}
NORMALIZE_FLAGS = {"--report": "report"}
REPORT_FORMATS = values(ReportFormat)
EXTRACT_FORMATS = values(ExtractFormat)


def parse_plain(args: list[str], defaults: dict, flags: dict[str, str]) -> dict | None:
    """Parse one FILE plus -o/-f (and `flags`), or return None when the form is not plain."""
    options: dict = {"file": None, "output": None, **defaults}
    tokens = iter(args)
    for token in tokens:
        name, _, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in VALUE_OPTIONS:
            value = inline or next(tokens, None)
            if value is None:
                return None
            options[VALUE_OPTIONS[name]] = value
        elif token in flags:
            options[flags[token]] = True
        elif (token == "-" or not token.startswith("-")) and options["file"] is None:
            options["file"] = token
        else:
            return None
    return options if options["file"] is not None else None


def parse_normalize(args: list[str]) -> dict | None:
    """Parse `normalize` arguments, or return None when they are not a plain invocation."""
    return parse_plain(args, {"report": False, "fmt": "table"}, NORMALIZE_FLAGS)


def parse_extract(args: list[str]) -> dict | None:
    """Parse `extract` arguments (one file), or return None when they are not plain."""
    return parse_plain(args, {"fmt": "yaml"}, {})


def run_normalize(file: str | Path, output: str | Path | None, report: bool, fmt: str) -> None:
    """The `plancli normalize` command (shared by the fast path and typer)."""
    from plancli.pipeline import normalize_file

    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; choose table or json")
    if output is not None:
        from plancli.stages.emit import refuse_overwriting_inputs

        refuse_overwriting_inputs(output, [file])
    _, decoded, normalized = normalize_file(file, find_garbled=report)
    if not report:
        emit_text(normalized.text + "\n", output)
        return
    from plancli.commands.views import print_report, report_json

    if fmt == "json" or output is not None or not sys.stdout.isatty():
        emit_text(report_json(decoded, normalized), output)
    else:
        print_report(decoded, normalized)


def run_extract(files: list[str | Path], fmt: str, output: str | Path | None) -> None:
    """The `plancli extract` command (shared by the fast path and typer)."""
    from plancli.pipeline import process_file, settle_start_up

    if fmt not in EXTRACT_FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(EXTRACT_FORMATS)}")
    if len(files) > 1 and fmt != "jsonl":
        raise UsageError("several files need --format jsonl (or use `plancli batch`)")
    from plancli.stages.emit import refuse_overwriting_inputs

    refuse_overwriting_inputs(output, files)
    settle_start_up()
    documents = [process_file(path_text(path)) for path in files]
    if fmt == "jsonl":
        from plancli.stages.emit import to_jsonl

        text = to_jsonl(documents)
    else:
        from plancli.stages.emit import render

        text = render(documents[0], fmt)
    emit_text(text, output)


def path_text(path: str | Path) -> str:
    """`str(Path(path))`, the path as the output names it, without importing pathlib (with its
    URL and IP-address modules) for a plain name on POSIX."""
    if os.name != "posix" or not isinstance(path, str):
        from pathlib import Path

        return str(Path(path))
    root = "/" if path.startswith("/") else ""
    if path.startswith("//") and not path.startswith("///"):
        root = "//"  # POSIX leaves the meaning of exactly two leading slashes open
    return root + "/".join(part for part in path.split("/") if part not in ("", ".")) or "."


def try_fast_path(args: list[str]) -> bool:
    """Run `args` if they are a fast-path invocation; False means typer must handle them."""
    if args in (["--version"], ["-V"]):
        from plancli.commands.terminal import version_line

        sys.stdout.write(version_line())
        return True
    if args[:1] == ["normalize"] and (options := parse_normalize(args[1:])) is not None:
        run_normalize(options["file"], options["output"], options["report"], options["fmt"])
        return True
    if args[:1] == ["extract"] and (options := parse_extract(args[1:])) is not None:
        run_extract([options["file"]], options["fmt"], options["output"])
        return True
    return False
