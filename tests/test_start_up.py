"""A command-line process settles its start-up once: loaded stages are left out of the
cyclic collector, and a second call freezes nothing more."""

from __future__ import annotations

import gc
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
