"""plancli batch: one output per input, a resumable index, failures recorded, never lost work."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CHANGJI, JIANGXI, JIMSAR, wait_for_records
from plancli.commands import batch
from plancli.commands.batch import (
    WORKER_DIED,
    Index,
    Job,
    conversion,
    convert,
    discover_inputs,
    is_unchanged,
    output_name,
    run_jobs,
)
from plancli.core import InputError

PLANCLI = [sys.executable, "-m", "plancli"]
STAMP = ("9.9.9", "rules-digest")


def run(*args: str | Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PLANCLI, *map(str, args)], capture_output=True, text=True, timeout=timeout
    )


def read_index(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / "index.jsonl").read_text().splitlines()]


def fails_in_pipeline(path: Path) -> bool:
    from plancli.pipeline import process_file

    try:
        process_file(path)
    except InputError:
        return True
    return False


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Good samples (one nested twice deep), an empty, a binary and a dangling file."""
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    for sample in (CHANGJI, JIANGXI, JIMSAR):  # the quick ones: tests start many processes
        shutil.copy(sample, root / sample.name)
    shutil.copy(JIMSAR, root / "sub" / "deeper" / "jimsar.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "sub" / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    (root / "sub" / "gone.txt").symlink_to(root / "no-such-target.txt")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.txt").write_text("not an input", encoding="utf-8")
    (root / "notes.md").write_text("not matched by the glob", encoding="utf-8")
    return root


EXPECTED_RELS = [
    "changji-prefecture-community-services-2023.txt",
    "empty.txt",
    "jiangxi-province-community-services-2022.txt",
    "jimsar-county-community-services-2023.txt",
    "sub/binary.txt",
    "sub/deeper/jimsar.txt",
    "sub/gone.txt",
]


# --- end to end through the CLI ---------------------------------------------------------


def test_batch_converts_good_files_and_records_each_failure(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", corpus, "-o", out, "--jobs", "2")
    assert result.returncode == 1, result.stderr  # gone.txt cannot be read
    records = {r["rel"]: r for r in read_index(out)}
    assert sorted(records) == EXPECTED_RELS
    for rel, record in records.items():
        source = corpus / rel
        should_fail = rel == "sub/gone.txt" or fails_in_pipeline(source)
        assert record["status"] == ("failed" if should_fail else "ok"), rel
        if should_fail:
            assert record["error"] and record["output"] is None
            assert not (out / output_name(rel, "yaml")).exists()
        else:
            document = yaml.safe_load((out / record["output"]).read_text(encoding="utf-8"))
            assert document["source"]["sha256"] == record["sha256"]
            assert record["bytes"] == source.stat().st_size
            assert record["diagnostics"] == len(document["diagnostics"])
            assert record["tasks"] == len(document["tasks"])
    assert records["sub/gone.txt"]["error"].endswith("no such file")
    assert (out / "sub" / "deeper" / "jimsar.yaml").is_file()
    assert "failed: sub/gone.txt" in result.stderr
    progress = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(progress) == 7  # not a terminal: one plain line per file
    assert all(re.match(r"\[\d/7\] (ok|failed) +\S", line) for line in progress), progress


def test_standard_input_is_refused_not_read(tmp_path: Path) -> None:
    result = subprocess.run(
        [*PLANCLI, "batch", "-", "-o", str(tmp_path / "out")],
        input="一、总体要求",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    [record] = read_index(tmp_path / "out")
    assert record["error"].startswith("-: standard input cannot be batch-converted")


def test_second_run_skips_everything_and_force_redoes_it(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("batch", corpus, "-o", out, "--format", "json", "--jobs", "1")
    first = {r["rel"]: r for r in read_index(out) if r["rel"] != "sub/gone.txt"}
    output = out / "sub" / "deeper" / "jimsar.json"
    written = output.stat().st_mtime_ns

    again = run("batch", corpus, "-o", out, "--format", "json", "--jobs", "1")
    assert again.returncode == 1, "an unchanged failure still fails the run"
    second = {r["rel"]: r for r in read_index(out)}
    unreadable = second.pop("sub/gone.txt")
    assert unreadable["status"] == "failed", "no bytes to compare, so it is tried again"
    assert {r["status"] for r in second.values()} == {"skipped"}
    assert {rel: r["result"] for rel, r in second.items()} == {
        rel: r["result"] for rel, r in first.items()
    }
    assert output.stat().st_mtime_ns == written

    forced = run("batch", corpus, "-o", out, "--format", "json", "--force", "--jobs", "1")
    statuses = {r["rel"]: r["status"] for r in read_index(out)}
    assert "skipped" not in statuses.values()
    assert statuses["sub/deeper/jimsar.txt"] == "ok"
    assert forced.returncode == 1


def test_only_changed_inputs_missing_outputs_or_a_new_format_are_redone(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run("batch", corpus, "-o", out, "--jobs", "1")
    (corpus / "sub" / "deeper" / "jimsar.txt").write_bytes(JIMSAR.read_bytes() + "\n附\n".encode())
    (out / "jimsar-county-community-services-2023.yaml").unlink()
    run("batch", corpus, "-o", out, "--jobs", "1")
    statuses = {r["rel"]: r["status"] for r in read_index(out)}
    assert statuses["sub/deeper/jimsar.txt"] == "ok"
    assert statuses["jimsar-county-community-services-2023.txt"] == "ok"
    assert statuses["changji-prefecture-community-services-2023.txt"] == "skipped"

    run("batch", corpus, "-o", out, "--format", "json", "--jobs", "1")
    records = read_index(out)
    assert {r["format"] for r in records} == {"json"}
    assert "skipped" not in {r["status"] for r in records}
    assert (out / "sub" / "deeper" / "jimsar.json").is_file()


def test_no_input_is_a_usage_error(tmp_path: Path) -> None:
    result = run("batch", tmp_path, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert "no input files" in result.stderr


def many_copies(tmp_path: Path, count: int) -> Path:
    root = tmp_path / "many"
    root.mkdir()
    data = JIMSAR.read_bytes()
    for number in range(count):
        (root / f"doc{number:03}.txt").write_bytes(data + f"\n{number}\n".encode())
    return root


def start_batch(root: Path, out: Path, jobs: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*PLANCLI, "batch", str(root), "-o", str(out), "--jobs", str(jobs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def assert_resumes(root: Path, out: Path, total: int) -> None:
    finished = Index(out / "index.jsonl").load()
    for record in finished.values():
        if record["result"] == "ok":
            yaml.safe_load((out / record["output"]).read_text(encoding="utf-8"))
    resumed = run("batch", root, "-o", out)
    assert resumed.returncode == 0, resumed.stderr
    records = read_index(out)
    assert len(records) == total
    assert all(r["result"] == "ok" for r in records)
    skipped = {r["rel"] for r in records if r["status"] == "skipped"}
    assert skipped == {rel for rel, r in finished.items() if r["result"] == "ok"}
    assert len(skipped) >= 3


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill", "ctrl-c"])
def test_interrupted_run_keeps_its_work_and_resumes(tmp_path: Path, sig: signal.Signals) -> None:
    # enough documents that the signal always lands mid-run, however fast the machine
    root, out = many_copies(tmp_path, 120), tmp_path / "out"
    process = start_batch(root, out, jobs=1)
    wait_for_records(out, 3, process)
    if sig == signal.SIGKILL:
        os.killpg(process.pid, sig)  # the parent and its workers, all at once
    else:
        os.kill(process.pid, sig)  # the parent only, as a supervisor would
    _, stderr = process.communicate(timeout=60)
    lines = (out / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(line)["rel"] for line in lines)  # one write per record: none torn
    if sig == signal.SIGINT:
        assert process.returncode == 130
        assert b"batch interrupted" in stderr
        assert len({json.loads(line)["rel"] for line in lines}) == len(lines)  # compacted
    assert_resumes(root, out, 120)


def worker_pids(parent: int) -> list[int]:
    children = Path(f"/proc/{parent}/task/{parent}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_killed_worker_costs_no_file(tmp_path: Path) -> None:
    root, out = many_copies(tmp_path, 40), tmp_path / "out"
    process = start_batch(root, out, jobs=2)
    wait_for_records(out, 2, process)
    victims = worker_pids(process.pid)
    assert victims, "no worker process found"
    os.kill(victims[0], signal.SIGKILL)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    records = read_index(out)
    assert len(records) == 40
    assert all(r["status"] == "ok" for r in records)


# --- functions --------------------------------------------------------------------------


def test_discover_mirrors_one_folder_and_skips_hidden_and_output(corpus: Path) -> None:
    (corpus / "out").mkdir()
    (corpus / "out" / "old.txt").write_text("an earlier output", encoding="utf-8")
    found = discover_inputs([corpus], "*.txt", exclude=corpus / "out")
    assert [item.rel for item in found] == EXPECTED_RELS


def test_discover_prefixes_each_folder_when_several_are_given(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "plan.txt").write_text("x", encoding="utf-8")
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    (tmp_path / "plan.md").write_text("x", encoding="utf-8")
    found = discover_inputs(
        [tmp_path / "a", tmp_path / "b", tmp_path / "plan.txt", tmp_path / "plan.md"], "*.txt"
    )
    assert [item.rel for item in found] == ["a/plan.txt", "b/plan.txt", "plan.txt", "plan~2.md"]
    assert len({output_name(item.rel, "yaml") for item in found}) == 4


def test_the_same_file_named_twice_is_converted_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    found = discover_inputs([tmp_path / "a.txt", tmp_path, tmp_path / "a.txt"], "*.txt")
    assert [item.path for item in found] == [tmp_path / "a.txt"]


def test_output_name_mirrors_the_input() -> None:
    assert output_name("sub/a.txt", "yaml") == "sub/a.yaml"
    assert output_name("b", "json") == "b.json"


def test_index_load_repairs_a_torn_last_line_and_keeps_the_last_record(tmp_path: Path) -> None:
    index = Index(tmp_path / "index.jsonl")
    index.merge([{"rel": "a.txt", "status": "failed"}, {"rel": "b.txt", "status": "ok"}])
    index.append({"rel": "a.txt", "status": "ok"})
    with (tmp_path / "index.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"rel": "c.txt", "sta')
    assert Index(tmp_path / "index.jsonl").load() == {
        "a.txt": {"rel": "a.txt", "status": "ok"},
        "b.txt": {"rel": "b.txt", "status": "ok"},
    }


def make_job(tmp_path: Path, source: Path, stamp: tuple[str, str] = STAMP) -> Job:
    return Job(
        str(source), source.name, output_name(source.name, "json"), str(tmp_path), "json", stamp
    )


def test_convert_writes_the_output_and_counts(tmp_path: Path) -> None:
    record = convert(make_job(tmp_path, JIMSAR))
    assert record["status"] == "ok"
    written = json.loads((tmp_path / record["output"]).read_text(encoding="utf-8"))
    assert written["source"]["path"] == str(JIMSAR)
    assert record["sha256"] == written["source"]["sha256"]
    assert record["plancli_version"] == "9.9.9"


def test_convert_removes_a_stale_output_when_the_input_now_fails(tmp_path: Path) -> None:
    gone = tmp_path / "gone.txt"
    stale = tmp_path / "gone.json"
    stale.write_text("{}", encoding="utf-8")
    record = convert(make_job(tmp_path, gone))
    assert record["status"] == "failed"
    assert record["error"] == f"{gone}: no such file"
    assert not stale.exists()


def test_unchanged_needs_same_bytes_stamp_and_output(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(JIMSAR.read_bytes())
    job = make_job(tmp_path, source)
    previous = convert(job)
    assert is_unchanged(previous, job)
    assert not is_unchanged(previous, make_job(tmp_path, source, ("9.9.10", STAMP[1])))
    assert not is_unchanged(previous, make_job(tmp_path, source, (STAMP[0], "other-rules")))
    assert not is_unchanged(None, job)
    (tmp_path / "a.json").unlink()
    assert not is_unchanged(previous, job)
    previous = convert(job)
    source.write_bytes(JIMSAR.read_bytes() + b"\n")
    assert not is_unchanged(previous, job)


def dying_convert(job: Job) -> dict:
    if job.rel.startswith("die"):
        os.kill(os.getpid(), signal.SIGKILL)
    return {**job.record(), "status": "ok", "result": "ok"}


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the patched worker needs fork"
)
def test_only_the_file_that_kills_its_worker_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(conversion, "convert", dying_convert)  # run_jobs looks it up there
    names = [f"ok{n}.txt" for n in range(6)]
    names.insert(3, "die.txt")
    jobs = [make_job(tmp_path, tmp_path / name) for name in names]
    records = {r["rel"]: r for r in run_jobs(jobs, 2)}
    assert sorted(records) == sorted(names)
    assert records["die.txt"]["status"] == "failed"
    assert records["die.txt"]["error"] == WORKER_DIED
    assert all(records[name]["status"] == "ok" for name in names if name != "die.txt")


NOT_JSON = st.text(max_size=40).filter(lambda s: "{" not in s and "\n" not in s)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_convert_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "input.txt"
        source.write_bytes(data)
        record = convert(make_job(Path(folder), source))
        assert record["status"] in ("ok", "failed")
        assert (Path(folder) / "input.json").exists() == (record["status"] == "ok")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(NOT_JSON, st.builds(lambda r: {"rel": r, "x": 1}, st.text()))))
def test_index_load_accepts_any_content(lines: list) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "index.jsonl"
        text = "".join((json.dumps(x) if isinstance(x, dict) else x) + "\n" for x in lines)
        path.write_text(text, encoding="utf-8")
        loaded = Index(path).load()
        expected = {x["rel"]: x for x in lines if isinstance(x, dict)}
        for rel, record in expected.items():
            assert loaded[rel] == record


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_progress_bar_with_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with batch.make_progress(2) as progress:
        assert isinstance(progress, batch.RichProgress)
        for rel in ("a.txt", "sub/b.txt"):
            progress.advance({"rel": rel, "status": "ok", "error": None, "seconds": 0.1})
    shown = screen.getvalue()
    assert "2/2" in shown and "ETA" in shown and "sub/b.txt" in shown
    assert not shown.startswith("[")  # not the plain per-file lines


def test_a_record_appended_after_a_torn_line_is_kept(tmp_path: Path) -> None:
    from plancli.commands.batch import Index

    path = tmp_path / "index.jsonl"
    path.write_text('{"rel": "a.txt", "status": "ok"}\n{"rel": "b.txt", "res', encoding="utf-8")
    index = Index(path)
    index.append({"rel": "c.txt", "status": "ok"})
    assert sorted(index.load()) == ["a.txt", "c.txt"]
