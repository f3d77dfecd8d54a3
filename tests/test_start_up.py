"""A command-line process and every batch worker settle their start-up once: loaded stages
are left out of the cyclic collector, and a second call freezes nothing more."""

from __future__ import annotations

import gc
import subprocess
import sys

from plancli.pipeline import settle_start_up


def test_settle_start_up_loads_the_stages_and_freezes_once() -> None:
    was_frozen = gc.get_freeze_count()
    try:
        settle_start_up()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert "plancli.stages.extract" in sys.modules
        assert "plancli.models" in sys.modules
        settle_start_up()
        assert gc.get_freeze_count() == frozen
    finally:
        if not was_frozen:
            gc.unfreeze()


WORKER_STATE = """
import gc, sys
from concurrent.futures import ProcessPoolExecutor
from plancli.commands.batch import init_worker

def state(_):
    return gc.get_freeze_count() > 0, "plancli.stages.extract" in sys.modules

if __name__ == "__main__":
    with ProcessPoolExecutor(1, initializer=init_worker) as pool:
        print(*pool.submit(state, 0).result())
"""


def test_a_batch_worker_settles_its_start_up_before_its_first_document(tmp_path) -> None:
    script = tmp_path / "worker_state.py"
    script.write_text(WORKER_STATE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_a_document_is_read_with_the_collector_paused_and_resumed_after(monkeypatch) -> None:
    from plancli import pipeline
    from plancli.stages import segment as segment_stage

    seen: list[bool] = []
    real = segment_stage.segment

    def watching(normalized):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(normalized)

    monkeypatch.setattr(segment_stage, "segment", watching)
    assert gc.isenabled()
    document = pipeline.process_bytes(
        "一、总体要求\n坚持以人民为中心的发展思想,持续完善城乡社区服务体系,提升服务水平。\n".encode()
    )
    assert seen == [False] and gc.isenabled()
    assert [s.title for s in document.sections] == ["总体要求"]
    gc.disable()
    try:  # a caller that keeps the collector off finds it off
        pipeline.process_bytes(b"x")
        assert not gc.isenabled()
    finally:
        gc.enable()
