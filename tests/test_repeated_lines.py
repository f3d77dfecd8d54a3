"""A line repeated many thousand times (a broken page: 200,000 lines of `|`) stays cheap:
one repair record and one diagnostic instead of one record per line, and each distinct line
matched against the chrome rules once."""

from __future__ import annotations

import pytest

from plancli import pipeline
from plancli.core import Line, Repair
from plancli.pipeline import merge_repeated_repairs, process_bytes
from plancli.stages import boilerplate


def pipes(count: int) -> bytes:
    return ("|\n" * count).encode("utf-8")


def test_a_long_run_of_stray_pipes_is_one_repair_and_one_diagnostic() -> None:
    document = process_bytes(pipes(2000), "pipes.txt")
    assert [(r.line, r.kind, r.before, r.after) for r in document.normalization.repairs] == [
        (1, "stray-pipe", "|", "")
    ]
    merged = [d for d in document.diagnostics if d.code == "repairs-merged"]
    assert [(d.level, d.line, d.message) for d in merged] == [
        (
            "info",
            1,
            "1999 more stray-pipe repairs identical to the one on this line "
            "(lines 2-2000) are not listed",
        )
    ]


def test_a_short_run_of_stray_pipes_keeps_every_repair() -> None:
    count = pipeline.MAX_REPEATED_REPAIRS
    document = process_bytes(pipes(count), "pipes.txt")
    assert [r.line for r in document.normalization.repairs] == list(range(1, count + 1))
    assert not [d for d in document.diagnostics if d.code == "repairs-merged"]


def test_only_identical_repairs_on_consecutive_lines_are_merged() -> None:
    run = [Repair(line, "stray-pipe", "|", "") for line in range(10, 70)]
    others = [
        Repair(5, "stray-space", "民 政", "民政"),
        Repair(70, "stray-pipe", "|社区|", "|社区"),  # same kind, other text
        Repair(72, "stray-pipe", "|", ""),  # a gap of one line
    ]
    repairs = sorted([*run, *others], key=lambda repair: repair.line)
    kept, diagnostics = merge_repeated_repairs(repairs)
    assert [(r.line, r.before) for r in kept] == [
        (5, "民 政"),
        (10, "|"),
        (70, "|社区|"),
        (72, "|"),
    ]
    assert [(d.code, d.line) for d in diagnostics] == [("repairs-merged", 10)]
    assert "59 more stray-pipe repairs" in diagnostics[0].message


def test_each_distinct_line_meets_the_chrome_rules_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    real = boilerplate.first_rule

    def counting(text: str, zone: str, ruleset: boilerplate.Ruleset) -> boilerplate.Rule | None:
        calls.append((text, zone))
        return real(text, zone, ruleset)

    monkeypatch.setattr(boilerplate, "first_rule", counting)
    lines = [Line("一、总体要求", 1), *(Line("|", number) for number in range(2, 3002))]
    kept, removed = boilerplate.strip_boilerplate(lines)
    assert len(calls) == len(set(calls)) <= 4
    assert len(kept) + len(removed) == 3001
