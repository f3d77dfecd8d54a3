"""The CLI's contract with its users: exit codes, one-line errors, lean start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import JIMSAR

PLANCLI = [sys.executable, "-m", "plancli"]


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*PLANCLI, *args], capture_output=True, input=stdin, timeout=120)


def test_version_fast_path_loads_no_heavy_module() -> None:
    code = (
        "import sys; from plancli.cli import main; main(['--version']); "
        "heavy = {'typer', 'opencc', 'pydantic', 'yaml', 'rich'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version_line, heavy_line = out.stdout.splitlines()
    assert version_line.startswith("plancli ")
    assert heavy_line == "[]"


def test_help_loads_no_pipeline_module() -> None:
    code = (
        "import sys; from plancli.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted({'opencc', 'pydantic', 'yaml'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"


def test_missing_file_is_one_line_error_exit_1() -> None:
    result = run("extract", "no/such/file.txt")
    assert result.returncode == 1
    assert result.stderr.decode() == "plancli: error: no/such/file.txt: no such file\n"


def test_directory_given_to_extract_is_one_line_error(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1
    assert "is a directory" in result.stderr.decode()


def test_unknown_format_is_usage_error_exit_2() -> None:
    result = run("extract", str(JIMSAR), "--format", "xml")
    assert result.returncode == 2
    assert "unknown format 'xml'" in result.stderr.decode()


def test_extract_json_carries_source_provenance() -> None:
    result = run("extract", str(JIMSAR), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema_version"] == "1"
    assert document["source"]["bytes"] == JIMSAR.stat().st_size
    assert document["source"]["encoding"] == "utf-8"


def test_extract_reads_stdin() -> None:
    result = run("extract", "-", "--format", "json", stdin=JIMSAR.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"]["path"] == "-"


def test_output_file_is_written_whole(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out.json"
    result = run("extract", str(JIMSAR), "--format", "json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    assert json.loads(out.read_text(encoding="utf-8"))["source"]["sha256"]
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]  # no temp file left


def test_schema_is_json_schema_of_document() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Document"
    for field in ("schema_version", "source", "meta", "tasks", "targets", "units"):
        assert field in schema["properties"]
    # the records the text stages build are described as the objects the output writes
    diagnostic = schema["$defs"]["Diagnostic"]
    assert diagnostic["type"] == "object"
    assert list(diagnostic["properties"]) == ["level", "code", "line", "message"]
    assert schema["$defs"]["Repair"]["additionalProperties"] is False
