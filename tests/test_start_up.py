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
