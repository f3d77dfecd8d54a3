"""ruff is part of the test suite: the tree stays lint-clean."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_ruff_is_clean() -> None:
    # the ruff installed with the test extra, not whichever one is first on PATH
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "src", "tests", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_package_imports_without_side_effects() -> None:
    subprocess.run([sys.executable, "-c", "import plancli.cli"], check=True)
