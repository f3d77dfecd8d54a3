"""Hostile shapes that took quadratic time in the target and unit readers (issue #8, item 5).

Each case is timed at n and 4n: linear code takes about 4× as long, quadratic code 16×. The
sizes are ones the old code needed seconds for; they now take milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from plancli.stages.targets import find_targets
from plancli.stages.units import intact_forms, parse_units, split_unit_clause

GROWTH = 4
LINEAR_BOUND = 8  # quadratic growth would be 16
SLACK = 0.05  # seconds, for timer noise on tiny runs


def seconds(run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def assert_linear(make: Callable[[int], str], read: Callable[[str], object], n: int) -> None:
    small, large = make(n), make(n * GROWTH)
    assert seconds(lambda: read(large)) < LINEAR_BOUND * seconds(lambda: read(small)) + SLACK


def targets_of(text: str) -> object:
    return find_targets(text, 1)


CASES = {
    "a run of digits": lambda n: "1" * n,  # was 1.7 s at 4000: the name patterns
    "digits after a comparator": lambda n: "达到" + "1" * n + "%",
    "repeated deadlines": lambda n: "到2025年" * n,  # every number checked every mask
    "figures joined by 、": lambda n: "、".join(["10个"] * n),  # slicing the rest each time
    "figures with a change": lambda n: "从" * n + "10个提高到20个",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_target_reading_grows_linearly(name: str) -> None:
    assert_linear(CASES[name], targets_of, 1000)


def test_long_run_of_digits_is_quick() -> None:
    assert seconds(lambda: targets_of("1" * 32000)) < 2  # was 54 s through the CLI


def test_many_figures_joined_by_commas_are_quick() -> None:
    assert seconds(lambda: targets_of("、".join(["10个"] * 4000))) < 2  # was 14 s


def test_evidence_of_a_figure_in_a_huge_clause_is_short() -> None:
    found, _ = find_targets("、".join(["10个"] * 2000), 1)
    assert len(found) == 2000
    assert max(len(target.text) for target in found) <= 300


def test_unit_list_grows_linearly() -> None:
    assert_linear(lambda n: "、".join(["市民政局"] * n) + "负责", parse_units, 200)
    assert_linear(lambda n: "(" + "、".join(["市民政局"] * n) + "负责)", split_unit_clause, 200)


def test_completing_truncated_names_grows_linearly() -> None:
    def names(n: int) -> set[str]:
        return {f"市{i}号工作领导小组办公室" for i in range(n)}

    small, large = names(1000), names(1000 * GROWTH)
    bound = LINEAR_BOUND * seconds(lambda: intact_forms(small)) + SLACK
    assert seconds(lambda: intact_forms(large)) < bound
