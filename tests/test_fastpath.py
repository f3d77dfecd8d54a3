"""The fast path and the typer CLI must behave identically on the forms they share."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CHONGQING, JIANGXI, JIMSAR
from plancli.commands.fast import EXTRACT_FORMATS, parse_extract, parse_normalize, path_text

TYPER_ONLY = (
    "import sys; from plancli.commands.app import build_app; "
    "build_app()(args=sys.argv[1:], prog_name='plancli')"
)


def run_fast(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "plancli", *args], capture_output=True)


def run_typer(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", TYPER_ONLY, *args], capture_output=True)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["normalize", str(JIMSAR)],
            "吉木萨尔县落实《自治区“十四五”城乡社区服务体系建设规划》实施方案",
        ),
        (["normalize", "--report", "--format", "json", str(JIANGXI)], '"encoding": "utf-8"'),
        (["normalize", str(JIANGXI), "--report", "-f", "json"], '"script": "'),
        (["extract", str(JIMSAR)], "schema_version: '1'"),
        (["extract", str(CHONGQING), "-f", "json"], '"candidate": "。“十四五”期间"'),
        (["extract", "--format=md", str(JIANGXI)], "# "),
        (["extract", "-f", "jsonl", str(JIMSAR)], '{"schema_version":"1"'),
    ],
)
def test_fast_path_output_equals_typer_output(args: list[str], expected: str) -> None:
    fast, slow = run_fast(*args), run_typer(*args)
    assert fast.returncode == slow.returncode == 0
    assert fast.stdout == slow.stdout
    assert expected in fast.stdout.decode()


def test_fast_path_writes_output_file_like_typer(tmp_path: Path) -> None:
    fast_out, slow_out = tmp_path / "fast.txt", tmp_path / "slow.txt"
    assert run_fast("normalize", str(JIMSAR), "--output", str(fast_out)).returncode == 0
    assert run_typer("normalize", str(JIMSAR), "-o", str(slow_out)).returncode == 0
    assert fast_out.read_bytes() == slow_out.read_bytes()


def modules_loaded_by(args: list[str], names: set[str]) -> list[str]:
    """Which of `names` a fresh process has imported after running `plancli ARGS`."""
    code = (
        "import sys, io; from plancli.cli import main; sys.stdout = io.StringIO(); "
        f"main({args!r}); sys.stdout = sys.__stdout__; "
        f"print(sorted({names!r} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_fast_path_does_not_import_typer_or_pydantic() -> None:
    assert modules_loaded_by(["normalize", str(JIMSAR)], {"typer", "pydantic", "rich"}) == []


def test_extract_builds_and_writes_a_document_without_pydantic() -> None:
    loaded = modules_loaded_by(
        ["extract", str(JIMSAR), "-f", "json"], {"typer", "pydantic", "rich"}
    )
    assert loaded == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["a.txt"], {"file": "a.txt", "output": None, "report": False, "fmt": "table"}),
        (["-", "--report"], {"file": "-", "output": None, "report": True, "fmt": "table"}),
        (
            ["--output=o.txt", "a.txt"],
            {"file": "a.txt", "output": "o.txt", "report": False, "fmt": "table"},
        ),
        (
            ["a.txt", "-f", "json"],
            {"file": "a.txt", "output": None, "report": False, "fmt": "json"},
        ),
    ],
)
def test_parse_normalize_accepts_plain_forms(args: list[str], expected: dict) -> None:
    assert parse_normalize(args) == expected


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["a.txt", "b.txt"], ["a.txt", "--bogus"], ["a.txt", "-o"]]
)
def test_parse_normalize_leaves_everything_else_to_typer(args: list[str]) -> None:
    assert parse_normalize(args) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["a.txt"], {"file": "a.txt", "output": None, "fmt": "yaml"}),
        (["-", "-f", "json"], {"file": "-", "output": None, "fmt": "json"}),
        (["--output=o.yaml", "a.txt"], {"file": "a.txt", "output": "o.yaml", "fmt": "yaml"}),
    ],
)
def test_parse_extract_accepts_plain_forms(args: list[str], expected: dict) -> None:
    assert parse_extract(args) == expected


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["a.txt", "b.txt"], ["a.txt", "--report"], ["a.txt", "-f"]]
)
def test_parse_extract_leaves_everything_else_to_typer(args: list[str]) -> None:
    assert parse_extract(args) is None


def test_fast_extract_formats_are_the_emitter_formats() -> None:
    from plancli.stages.emit import FORMATS

    assert EXTRACT_FORMATS == FORMATS


def test_fast_extract_writes_output_file_like_typer(tmp_path: Path) -> None:
    fast_out, slow_out = tmp_path / "fast.json", tmp_path / "slow.json"
    assert run_fast("extract", str(JIMSAR), "-f", "json", "-o", str(fast_out)).returncode == 0
    assert (
        run_typer("extract", str(JIMSAR), "--format", "json", "-o", str(slow_out)).returncode == 0
    )
    assert fast_out.read_bytes() == slow_out.read_bytes()


def test_fast_extract_json_imports_no_cli_framework_yaml_or_rich() -> None:
    args = ["extract", str(JIMSAR), "-f", "json"]
    assert modules_loaded_by(args, {"typer", "click", "rich", "yaml"}) == []


def test_fast_extract_unknown_format_is_one_line_usage_error() -> None:
    result = run_fast("extract", str(JIMSAR), "-f", "xml")
    assert result.returncode == 2
    assert result.stderr == (
        b"plancli: error: unknown format 'xml'; choose one of yaml, json, jsonl, md\n"
    )


@pytest.mark.skipif(os.name != "posix", reason="pathlib itself names paths elsewhere")
@given(st.text(alphabet="/.a", max_size=12))
def test_path_text_is_how_pathlib_writes_the_path(path: str) -> None:
    from pathlib import PurePosixPath

    assert path_text(path) == str(PurePosixPath(path))
