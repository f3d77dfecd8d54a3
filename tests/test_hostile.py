"""Careless and hostile input (issue 8): nothing lost, nothing hangs, nothing injected."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CHANGJI, JIMSAR, slow_document
from plancli import pipeline
from plancli.cli import main
from plancli.commands.batch import Index, run_batch
from plancli.commands.check.command import check_file
from plancli.core import InputError
from plancli.limits import DocumentTimeout, time_limit
from plancli.stages import emit
from plancli.stages.emit import OutputError, write_atomic

PLANCLI = [sys.executable, "-m", "plancli"]


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run plancli in this process: (exit code, stdout, stderr)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the Jimsar notice as `in.txt` in the working folder."""
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "in.txt"
    target.write_bytes(JIMSAR.read_bytes())
    return target


# --- 1. -o naming an input ---------------------------------------------------------


def spelling(notice: Path, how: str) -> str:
    if how == "symlink":
        os.symlink(notice.name, "link.txt")
        return "link.txt"
    if how == "hardlink":
        os.link(notice, "hard.txt")
        return "hard.txt"
    return {"same": "in.txt", "dot": "./in.txt", "absolute": str(notice)}[how]


@pytest.mark.parametrize("how", ["same", "dot", "absolute", "symlink", "hardlink"])
@pytest.mark.parametrize(
    "command",
    [["extract", "in.txt"], ["normalize", "in.txt"], ["normalize", "in.txt", "--report"]],
)
def test_output_naming_the_input_is_refused_and_the_input_kept(
    notice: Path, capsys: pytest.CaptureFixture[str], how: str, command: list[str]
) -> None:
    before = notice.read_bytes()
    output = spelling(notice, how)
    code, _, err = invoke(capsys, *command, "-o", output)
    assert code == 2
    assert err == f"plancli: error: {output}: is the input in.txt; refusing to overwrite it\n"
    assert notice.read_bytes() == before


def test_tables_csv_does_not_overwrite_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "changji.txt"
    source.write_bytes(CHANGJI.read_bytes())
    (tmp_path / "csv").mkdir()
    os.symlink(source, tmp_path / "csv" / "changji-t1.csv")
    code, _, err = invoke(capsys, "tables", "changji.txt", "--csv", "csv")
    assert code == 2
    assert "is the input changji.txt; refusing to overwrite it" in err
    assert source.read_bytes() == CHANGJI.read_bytes()


def test_check_write_baseline_does_not_overwrite_its_input(
    notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = invoke(capsys, "check", "in.txt", "--write-baseline", "./in.txt")
    assert (code, err) == (
        2,
        "plancli: error: in.txt: is the input in.txt; refusing to overwrite it\n",
    )
    assert notice.read_bytes() == JIMSAR.read_bytes()


def test_batch_output_that_is_its_input_fails_that_file_only(tmp_path: Path) -> None:
    source = tmp_path / "in" / "a.txt"
    source.parent.mkdir()
    source.write_bytes(JIMSAR.read_bytes())
    (tmp_path / "out").mkdir()
    os.symlink(source, tmp_path / "out" / "a.yaml")
    code = run_batch(
        [source.parent], tmp_path / "out", fmt="yaml", jobs=1, glob="*.txt", force=False
    )
    assert code == 1
    assert source.read_bytes() == JIMSAR.read_bytes()
    record = Index(tmp_path / "out" / "index.jsonl").load()["a.txt"]
    assert record["status"] == "failed"
    assert "refusing to overwrite it" in record["error"]


# --- 4. write_atomic: modes and symlinks --------------------------------------------


def test_new_output_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.yaml", "a: 1\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644


def test_existing_output_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "new\n"


def test_output_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    write_atomic(link, "new\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new\n"
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["link.yaml", "real.yaml"]


def test_failed_write_names_the_output_not_a_temp_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as raised:
        write_atomic(blocker / "out.yaml", "a\n")
    assert str(raised.value) == f"{blocker / 'out.yaml'}: {blocker} is not a directory"
    assert ".tmp" not in str(raised.value)


# --- 3. index.jsonl -----------------------------------------------------------------


def test_index_keeps_the_records_of_earlier_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(JIMSAR.read_bytes())
    second.write_bytes(JIMSAR.read_bytes())
    out = tmp_path / "out"
    run_batch([first], out, fmt="json", jobs=1, glob="*.txt", force=False)
    run_batch([second], out, fmt="json", jobs=1, glob="*.txt", force=False)
    assert sorted(Index(out / "index.jsonl").load()) == ["a.txt", "b.txt"]
    assert sorted(p.name for p in out.glob("*.json")) == ["a.json", "b.json"]


def test_concurrent_runs_into_one_folder_record_every_output(tmp_path: Path) -> None:
    halves = [tmp_path / "left", tmp_path / "right"]
    for number, half in enumerate(halves):
        half.mkdir()
        for n in range(4):
            (half / f"{number}-{n}.txt").write_text(
                f"一、总体要求\n{n}.完善机制。\n", encoding="utf-8"
            )
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [*PLANCLI, "batch", str(half), "-o", str(out), "-j", "2"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for half in halves
    ]
    assert [run.wait(timeout=120) for run in runs] == [0, 0]
    lines = (out / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(json.loads(line)["rel"] for line in lines) == sorted(
        f"{number}-{n}.txt" for number in range(2) for n in range(4)
    )
    assert len(list(out.glob("*.yaml"))) == 8


# --- 10. escaping ------------------------------------------------------------------


def test_github_format_never_starts_a_workflow_command_from_a_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "inj"
    folder.mkdir()
    for n in range(12):
        name = f"f{n}\n::error file=evil.txt::pwned{n}.txt"
        (folder / name).write_text("一、测试\n(一)测试\n(三)测试\n", encoding="utf-8")
    _, out, _ = invoke(capsys, "check", "inj", "-f", "github")
    lines = out.splitlines()
    assert len(lines) > 20  # 12 files, two findings each, one line per finding
    assert all(
        line.startswith(("::error file=inj/f", "::warning file=inj/f", "inj/f")) for line in lines
    )
    assert not [line for line in lines if line.startswith("::error file=evil")]
    assert all(line.count("::") <= 2 for line in lines)


def test_text_and_json_formats_escape_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a\x1b[2Jb\x9bc.txt").write_text("一、测试\n", encoding="utf-8")
    _, text, _ = invoke(capsys, "check", ".", "-f", "text")
    _, data, _ = invoke(capsys, "check", ".", "-f", "json")
    assert text.startswith("a\\x1b[2Jb\\x9bc.txt:1: ")
    assert "\x1b" not in text + data
    assert "\x9b" not in text + data
    assert json.loads(data)["files"][0]["path"] == "a\x1b[2Jb\x9bc.txt"


def test_outline_shows_markup_and_escape_sequences_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "a\x1b[31mb.txt"  # no title: the tree's root is the file name
    source.write_text(
        "一、总体[red]要求[/]\n" + "(一)完善城乡社区服务体系。\n" * 5, encoding="utf-8"
    )
    code, out, _ = invoke(capsys, "outline", str(source))
    assert code == 0
    assert "\x1b" not in out
    assert "a\\x1b[31mb.txt" in out
    assert "总体[red]要求[/]" in out


# --- 11. honest errors -----------------------------------------------------------------


def test_output_directory_is_a_one_line_error(
    notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("folder").mkdir()
    assert invoke(capsys, "extract", "in.txt", "-o", "folder") == (
        1,
        "",
        "plancli: error: folder: is a directory\n",
    )


def test_tables_csv_onto_a_file_is_a_one_line_error(
    notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("exists.csv").write_text("x\n", encoding="utf-8")
    code, _, err = invoke(capsys, "tables", "in.txt", "--csv", "exists.csv")
    assert code == 1
    assert err == (
        "plancli: error: exists.csv: not a directory (--csv names the folder for the CSV files)\n"
    )


def test_batch_into_its_own_input_folder_says_so(
    notice: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("corpus").mkdir()
    notice.rename("corpus/in.txt")
    code, _, err = invoke(capsys, "batch", "corpus", "-o", "corpus")
    assert code == 2
    assert err == (
        "plancli: error: the output folder corpus holds every input; "
        "choose an output folder outside the inputs\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract"], "Missing argument 'files'. (see plancli extract --help)"),
        (["extract", "a.txt", "--bogus"], "No such option: --bogus (see plancli extract --help)"),
        (["batch", "a.txt"], "Missing option '--output' / '-o'. (see plancli batch --help)"),
    ],
)
def test_usage_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert invoke(capsys, *args) == (2, "", f"plancli: error: {message}\n")


# --- 6. memory ---------------------------------------------------------------------


def test_stdin_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_BYTES", 1000)
    monkeypatch.setattr(pipeline, "READ_CHUNK", 64)
    stdin = io.TextIOWrapper(io.BytesIO("一、二、三\n".encode() * 1000))
    monkeypatch.setattr(sys, "stdin", stdin)
    with pytest.raises(InputError, match=r"^-: larger than 0 MiB$"):
        pipeline.read_input("-")
    assert stdin.buffer.tell() <= 1000 + 64


def test_a_device_gets_the_same_limit_as_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_BYTES", 4096)
    with pytest.raises(InputError, match=r"^/dev/zero: larger than"):
        pipeline.read_input("/dev/zero")


# --- 7/8. time limit and worker lifetime -------------------------------------------------


def test_time_limit_interrupts_a_catastrophic_regex() -> None:
    import re

    started = time.perf_counter()
    with pytest.raises(DocumentTimeout, match=r"took longer than 0.3 s"), time_limit(0.3):
        re.match(r"(a+)+$", "a" * 40 + "!")
    assert time.perf_counter() - started < 2


def test_a_slow_document_is_a_timeout_finding_and_the_others_go_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = pipeline.process_file

    def slow_for_jimsar(path: Path):  # type: ignore[no-untyped-def]
        if Path(path).name == JIMSAR.name:
            time.sleep(5)
        return real(path)

    monkeypatch.setattr(pipeline, "process_file", slow_for_jimsar)
    slow = check_file(JIMSAR, "jimsar.txt", timeout=0.3)
    fine = check_file(CHANGJI, "changji.txt", timeout=30)
    assert [(f.level, f.code, f.message) for f in slow.findings] == [
        ("error", "timeout", "took longer than 0.3 s (the --timeout limit)")
    ]
    assert "timeout" not in {f.code for f in fine.findings}


def test_batch_timeout_fails_the_slow_file_only(tmp_path: Path) -> None:
    slow = tmp_path / "in" / "slow.txt"
    slow.parent.mkdir()
    slow.write_bytes(slow_document())
    (tmp_path / "in" / "fine.txt").write_bytes(JIMSAR.read_bytes())
    result = subprocess.run(
        [*PLANCLI, "batch", str(slow.parent), "-o", str(tmp_path / "out"), "--timeout", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    records = Index(tmp_path / "out" / "index.jsonl").load()
    assert result.returncode == 1
    assert records["slow.txt"]["error"] == "took longer than 2 s (the --timeout limit)"
    assert records["fine.txt"]["status"] == "ok"


WORKER_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from plancli.commands.batch import init_worker

def report_pid(_):
    return os.getpid()

with ProcessPoolExecutor(1, initializer=init_worker) as pool:
    print(pool.submit(report_pid, 0).result(), flush=True)
    time.sleep(60)
"""


def test_workers_die_when_the_parent_is_killed() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT], stdout=subprocess.PIPE, text=True
    )
    worker = int(parent.stdout.readline())  # type: ignore[union-attr]
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process_alive(worker):
        time.sleep(0.05)
    assert not process_alive(worker)


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# --- 11. UTF-32 -------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_is_decoded(codec: str) -> None:
    from plancli.stages.read import decode

    decoded = decode("一、总体要求\n(一)完善机制\n".encode(codec))
    assert (decoded.text, decoded.encoding) == ("一、总体要求\n(一)完善机制\n", "utf-32")
    assert decoded.bom == (codec == "utf-32")


def test_emit_module_does_not_load_pydantic_for_a_plain_write() -> None:
    code = "import sys; import plancli.stages.emit; print('pydantic' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "False\n"
    assert emit.same_file(__file__, Path(__file__).resolve())


def test_a_worker_stuck_past_the_hard_limit_is_killed_and_the_item_failed() -> None:
    from plancli.commands.batch import WORKER_DIED, run_in_workers

    started = time.monotonic()
    results = list(
        run_in_workers([30.0, 0.0], 1, time.sleep, lambda item, error: (item, error), 0.5)
    )
    assert sorted(results, key=str) == sorted([None, (30.0, WORKER_DIED)], key=str)
    assert time.monotonic() - started < 20


def test_read_only_output_folder_is_a_one_line_error(
    notice: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(target: str, folder: str, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", f"{folder}/.out.yaml.1.tmp")

    monkeypatch.setattr(emit, "write_replacing", refused)
    assert invoke(capsys, "extract", "in.txt", "-o", "out.yaml") == (
        1,
        "",
        "plancli: error: out.yaml: cannot write it (Permission denied)\n",
    )
