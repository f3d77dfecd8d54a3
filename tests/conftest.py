"""Shared fixtures: the bundled real documents under samples/."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

CHANGJI = SAMPLES / "changji-prefecture-community-services-2023.txt"
CHONGQING = SAMPLES / "chongqing-civil-affairs-plan-2021-2025.txt"
JIMSAR = SAMPLES / "jimsar-county-community-services-2023.txt"
SHAOYANG = SAMPLES / "shaoyang-community-services-2023.txt"
JIANGXI = SAMPLES / "jiangxi-province-community-services-2022.txt"
ALL_SAMPLES = [CHANGJI, CHONGQING, JIMSAR, SHAOYANG, JIANGXI]


@pytest.fixture(params=ALL_SAMPLES, ids=lambda p: p.stem.split("-")[0])
def sample(request: pytest.FixtureRequest) -> Path:
    return request.param


def slow_document() -> bytes:
    """Every sample forty times over (≈8 MB): seconds of work for any machine, never a hang."""
    return b"\n".join(sample.read_bytes() for sample in ALL_SAMPLES) * 40


def wait_for_records(out: Path, count: int, process: subprocess.Popen[bytes]) -> None:
    """Wait until a running `plancli batch` has written `count` index records."""
    index = out / "index.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if index.exists() and index.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.005)
    pytest.fail("the batch finished or stalled before the test could step in")
