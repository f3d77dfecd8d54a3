"""plancli batch --scheduler: the same conversion on a Dask cluster (issue 15).

One LocalCluster of two worker processes serves the module; each run goes
through the CLI against its address, as a user's run against a remote scheduler.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from conftest import ALL_SAMPLES, CHANGJI, JIMSAR, slow_document, wait_for_records
from plancli.commands import batch, cluster
from plancli.commands.batch import WORKER_DIED, Job, convert, output_name
from plancli.commands.cluster import (
    Child,
    ClusterError,
    check_workers,
    parse_scheduler,
    worker_view,
)

distributed = pytest.importorskip("distributed")

PLANCLI = [sys.executable, "-m", "plancli"]
STAMP = ("9.9.9", "rules-digest")


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=50,
        ) as local,
        distributed.Client(local) as client,
    ):
        yield client


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PLANCLI, *map(str, args)], capture_output=True, text=True, timeout=300)


def start(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*PLANCLI, *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def read_index(outdir: Path) -> list[dict]:
    return [json.loads(line) for line in (outdir / "index.jsonl").read_text().splitlines()]


def copies(folder: Path, count: int, source: Path = JIMSAR) -> Path:
    """`count` documents, each the source with its own last line (so its own sha256)."""
    folder.mkdir(parents=True)
    data = source.read_bytes()
    for number in range(count):
        (folder / f"doc{number:03}.txt").write_bytes(data + f"\n{number}\n".encode())
    return folder


def without_timing(records: list[dict]) -> list[dict]:
    """The records in input order without their times (the index is in completion order)."""
    timeless = [{k: v for k, v in record.items() if k != "seconds"} for record in records]
    return sorted(timeless, key=lambda record: record["rel"])


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith("index.jsonl")
    }


# --- end to end, through the CLI ------------------------------------------------------


def test_cluster_outputs_and_index_equal_the_local_pools(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "generated").mkdir(parents=True)
    for sample in ALL_SAMPLES:
        shutil.copy(sample, corpus / sample.name)
    for number, sample in enumerate(ALL_SAMPLES * 2):
        extra = f"\n附件{number}：相关单位名单\n".encode()
        (corpus / "generated" / f"{number:02}.txt").write_bytes(sample.read_bytes() + extra)
    local = run("batch", corpus, "-o", tmp_path / "local", "--jobs", "2")
    remote = run("batch", corpus, "-o", tmp_path / "cluster", "--scheduler", "local:2")
    assert (local.returncode, remote.returncode) == (0, 0), remote.stderr
    assert "Traceback" not in remote.stderr
    outputs = tree(tmp_path / "cluster")
    assert len(outputs) == 15
    assert outputs == tree(tmp_path / "local")  # byte for byte
    assert without_timing(read_index(tmp_path / "cluster")) == without_timing(
        read_index(tmp_path / "local")
    )
    rerun = run("batch", corpus, "-o", tmp_path / "cluster", "--scheduler", "local:2")
    assert rerun.returncode == 0, rerun.stderr
    assert {r["status"] for r in read_index(tmp_path / "cluster")} == {"skipped"}


def test_a_raising_and_a_hanging_document_fail_alone(dask_client: Any, tmp_path: Path) -> None:
    corpus = copies(tmp_path / "in", 4)
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    (corpus / "slow.txt").write_bytes(slow_document())
    out = tmp_path / "out"
    result = run(
        "batch",
        corpus,
        "-o",
        out,
        "--timeout",
        "2",
        "--scheduler",
        dask_client.scheduler_info()["address"],
    )
    records = {r["rel"]: r for r in read_index(out)}
    assert result.returncode == 1, result.stderr
    assert records["slow.txt"]["error"] == "took longer than 2 s (the --timeout limit)"
    assert records["binary.txt"]["error"].endswith("binary file (NUL bytes / control characters)")
    assert [r["status"] for rel, r in sorted(records.items()) if rel.startswith("doc")] == [
        "ok"
    ] * 4
    assert sorted(path.name for path in out.glob("*.yaml")) == [f"doc{n:03}.yaml" for n in range(4)]


def busy_workers(client: Any) -> list[str]:
    """The workers with a task assigned (between two tasks a worker may briefly have none)."""
    for _ in range(100):
        if busy := [address for address, keys in client.processing().items() if keys]:
            return busy
        time.sleep(0.02)
    pytest.fail("no worker was converting")


def test_a_killed_worker_loses_no_document(dask_client: Any, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"\n".join(sample.read_bytes() for sample in ALL_SAMPLES))
    corpus, out = copies(tmp_path / "in", 16, big), tmp_path / "out"
    process = start(
        "batch", corpus, "-o", out, "--scheduler", dask_client.scheduler_info()["address"]
    )
    wait_for_records(out, 2, process)
    busy = busy_workers(dask_client)
    os.kill(dask_client.run(os.getpid)[busy[0]], signal.SIGKILL)  # mid-task; a nanny restarts it
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    records = read_index(out)
    assert len(records) == 16
    assert {r["status"] for r in records} == {"ok"}
    dask_client.wait_for_workers(2, timeout=60)


@pytest.mark.parametrize("where", ["running cluster", "local:2"])
def test_ctrl_c_cancels_the_cluster_tasks_and_a_rerun_resumes(
    dask_client: Any, tmp_path: Path, where: str
) -> None:
    corpus, out = copies(tmp_path / "in", 40, CHANGJI), tmp_path / "out"
    address = dask_client.scheduler_info()["address"] if where != "local:2" else where
    process = start("batch", corpus, "-o", out, "--scheduler", address)
    wait_for_records(out, 3, process)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to every process of the run
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr.decode()
    assert b"batch interrupted" in stderr
    assert b"Traceback" not in stderr  # the local cluster's workers leave Ctrl-C to plancli
    deadline = time.monotonic() + 30
    while any(dask_client.processing().values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(dask_client.processing().values())  # nothing left running for nobody
    done = {r["rel"] for r in read_index(out) if r["status"] == "ok"}
    assert 3 <= len(done) < 40
    resumed = run("batch", corpus, "-o", out, "--scheduler", address)
    assert resumed.returncode == 0, resumed.stderr
    records = read_index(out)
    assert len(records) == 40
    assert {r["rel"] for r in records if r["status"] == "skipped"} == done


def test_without_distributed_the_option_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now raises ImportError
    code = batch.run_batch(
        [JIMSAR], tmp_path / "out", fmt="yaml", jobs=1, glob="*.txt", force=False, scheduler="local"
    )
    assert code == 2
    assert capsys.readouterr().err == (
        "plancli: error: --scheduler needs Dask's distributed: pip install 'plancli[dask]'\n"
    )
    assert not (tmp_path / "out").exists()


# --- the parts ------------------------------------------------------------------------


def test_scheduler_specs() -> None:
    assert parse_scheduler("local") == cluster.SchedulerSpec(None, 0)
    assert parse_scheduler("local:3") == cluster.SchedulerSpec(None, 3)
    assert parse_scheduler("tls://scheduler.example:8786").address == "tls://scheduler.example:8786"
    with pytest.raises(ClusterError, match="local:N must be a whole number"):
        parse_scheduler("local:zero")


class StubClient:
    def __init__(self, views: dict[str, dict]) -> None:
        self.views = views

    def scheduler_info(self) -> dict:
        return {"workers": dict.fromkeys(self.views)}

    def run(self, function: Any, *args: Any) -> dict[str, dict]:
        if not self.views:
            raise ModuleNotFoundError("No module named 'plancli'")
        return self.views

    def wait_for_workers(self, count: int, timeout: str) -> None:
        if not self.views:
            raise TimeoutError


def test_a_worker_that_cannot_see_an_input_stops_the_run(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    here = worker_view([str(JIMSAR), "corpus"], "out", str(tmp_path))
    assert here["missing"] == ["corpus"]
    views = {"tcp://10.0.0.7:40123": here, "tcp://10.0.0.5:40001": {**here, "missing": []}}
    with pytest.raises(ClusterError) as caught:
        check_workers(StubClient(views), [str(JIMSAR), "corpus"], "out", str(tmp_path))
    assert str(caught.value) == (
        "worker tcp://10.0.0.7:40123 cannot see corpus: inputs and the output folder must be "
        "on a filesystem the workers share, at the same paths"
    )


def test_a_worker_with_other_rules_stops_the_run(tmp_path: Path) -> None:
    view = {"missing": [], "stamp": ["0.0.1", "0123456789abcdef"]}
    with pytest.raises(ClusterError, match=r"runs plancli 0\.0\.1 with rules 0123456789ab,"):
        check_workers(StubClient({"tcp://10.0.0.7:1": view}), [], "out", str(tmp_path))


def test_a_cluster_without_workers_or_without_plancli_stops_the_run(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match=r"^the Dask scheduler has no workers \(20s\)$"):
        check_workers(StubClient({}), [], "out", str(tmp_path))

    class NoPlancli(StubClient):
        def scheduler_info(self) -> dict:
            return {"workers": {"tcp://10.0.0.7:1": {}}}

    with pytest.raises(ClusterError) as caught:
        check_workers(NoPlancli({}), [], "out", str(tmp_path))
    assert str(caught.value) == (
        "a worker cannot run plancli (ModuleNotFoundError: No module named 'plancli'); "
        "install the same plancli on every worker"
    )


def make_job(tmp_path: Path, source: Path) -> Job:
    return Job(
        str(source), source.name, output_name(source.name, "json"), str(tmp_path), "json", STAMP
    )


def test_the_child_process_converts_exactly_as_in_process(tmp_path: Path) -> None:
    job = make_job(tmp_path / "a", JIMSAR)
    child = Child()
    try:
        record = child.convert(job, os.getcwd())
        again = child.convert(replace(job, outdir=str(tmp_path / "b")), os.getcwd())
    finally:
        child.stop()
    local = convert(replace(job, outdir=str(tmp_path / "c")))
    assert without_timing([record, again]) == without_timing([local, local])
    assert record["status"] == "ok" and record["tasks"] > 0
    written = (tmp_path / "a" / "jimsar-county-community-services-2023.json").read_bytes()
    assert written == (tmp_path / "c" / "jimsar-county-community-services-2023.json").read_bytes()


@pytest.mark.parametrize(
    "script",
    ["import sys, time; sys.stdin.readline(); time.sleep(60)", "import sys; sys.stdin.readline()"],
    ids=["stuck", "crashed"],
)
def test_a_child_stuck_past_the_hard_limit_or_crashed_fails_its_job(
    tmp_path: Path, script: str
) -> None:
    child = Child([sys.executable, "-c", script], limit=1.0)
    started = time.monotonic()
    record = child.convert(make_job(tmp_path, JIMSAR), os.getcwd())
    assert time.monotonic() - started < 10
    assert (record["status"], record["error"]) == ("failed", WORKER_DIED)
    assert child.process is None  # the next job gets a new child


def test_the_window_keeps_tasks_per_worker_thread_bounded() -> None:
    class Threads:
        def nthreads(self) -> dict[str, int]:
            return {"tcp://a:1": 4, "tcp://b:1": 1}

    assert cluster.task_window(Threads()) == 10


class Outcome:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def result(self) -> dict:
        raise self.error


def test_a_task_the_cluster_gave_up_on_fails_but_a_lost_scheduler_stops_the_run(
    tmp_path: Path,
) -> None:
    job = make_job(tmp_path, JIMSAR)
    last = SimpleNamespace(address="tcp://10.0.0.7:1")
    killed = distributed.KilledWorker("convert_in_child-1", last, 3)
    record, other = cluster.task_records(Outcome(killed), [job, job])
    assert record == other and record["status"] == "failed"
    assert record["error"].startswith(
        "KilledWorker: Attempted to run task 'convert_in_child-1' on 4 different workers, "
        "but all those workers died while running it."
    )
    lost = distributed.client.FutureCancelledError(
        "convert_in_child-2", "scheduler-connection-lost"
    )
    with pytest.raises(ClusterError, match=r"^the Dask cluster dropped the run \(.*resume$"):
        cluster.task_records(Outcome(lost), [job])


def test_help_says_the_workers_need_the_files() -> None:
    result = run("batch", "--help")
    text = " ".join(result.stdout.split())
    assert "--scheduler" in text
    assert (
        "The inputs and OUTDIR must be on a filesystem the workers share, at the same paths" in text
    )


def test_a_task_converts_a_few_documents_while_every_thread_keeps_work() -> None:
    assert cluster.jobs_per_task(120, 2) == 4  # up to MAX_JOBS_PER_TASK
    assert cluster.jobs_per_task(24, 2) == 3  # 8 tasks: 4 for each of the 2 threads
    assert cluster.jobs_per_task(5, 2) == 1
    assert cluster.jobs_per_task(0, 0) == 1
