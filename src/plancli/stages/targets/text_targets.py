"""Targets of running text: a sentence, paragraph or item read clause by clause."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from plancli.core import Diagnostic
from plancli.models import Baseline, Target
from plancli.stages.dates import written_year
from plancli.stages.targets.clauses import (
    Clause,
    Marks,
    clauses,
    is_formula,
    is_policy_parameter,
    opening_deadline,
)
from plancli.stages.targets.hits import Hit, figures_of, may_hold_figures, pair_baselines
from plancli.stages.targets.names import assign_indicators, clip, complete, forget_readings
from plancli.text import fold_width, sentences

MAX_EVIDENCE_CHARS = 300  # a clause longer than this is quoted only around its figure


def find_targets(
    text: str,
    line: int,
    *,
    year: int | None = None,
    section_path: list[str] | None = None,
    status: bool = False,
    plan_start: int | None = None,
) -> tuple[list[Target], list[Diagnostic]]:
    """All numeric targets of one sentence, paragraph or item.

    `year` is the umbrella deadline of the enclosing goal; a deadline the text opens with
    (`到2020年,…`) overrides it for the whole text, one written in a sentence before the number
    for that number. `status=True` marks every figure as achieved (`kind: status`), as in a
    review of the previous plan period; `plan_start` (the first year of the plan's own period)
    makes a figure after an earlier period's name (`“十三五”以来`) status too.
    """
    forget_readings()
    folded = fold_width(text)
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    if not may_hold_figures(folded):
        return targets, diagnostics
    where = _Where(folded, line, list(section_path or []), year, status, plan_start)
    for _, sentence in sentences(folded):
        if not may_hold_figures(sentence):
            continue
        found, problems = _sentence_targets(sentence, where)
        targets += found
        diagnostics += problems
    return targets, diagnostics


class _Where:
    """What holds for every figure of one text: its line, section, default year and kind."""

    def __init__(
        self,
        text: str,
        line: int,
        path: list[str],
        year: int | None,
        status: bool,
        plan_start: int | None,
    ) -> None:
        self.text, self.caller_year = text, year
        self.line, self.path, self.status, self.plan_start = line, path, status, plan_start

    @cached_property
    def year(self) -> int | None:
        """The deadline the text opens with, else the caller's: read on first use, as most
        texts with a number state no figure."""
        return opening_deadline(self.text) or self.caller_year


def _sentence_targets(sentence: str, where: _Where) -> tuple[list[Target], list[Diagnostic]]:
    """The targets of one sentence; a clause without a name of its own borrows the one before.

    Its deadlines and review markers are read once, when the first figure needs them."""
    targets: list[Target] = []
    diagnostics: list[Diagnostic] = []
    marks: Marks | None = None
    previous_indicator: str | None = None
    previous_clause = ""
    without_figures: list[str] = []  # clauses after the last one read, holding no figure
    for clause in clauses(sentence):
        if not may_hold_figures(clause.text):
            without_figures.append(clause.text)
            continue
        if _not_read(clause.text, where.status):
            continue
        hits, unread = figures_of(clause.text)
        diagnostics += [_unread_diagnostic(clause.text, at, where.line) for at in unread]
        if hits:
            pair_baselines(clause.text, hits)
            assign_indicators(clause.text, hits)
            previous_clause = _last_read(without_figures, where.status) or previous_clause
        without_figures.clear()
        for hit in hits:
            if hit.is_baseline:
                continue
            names = complete(hit.indicators, previous_indicator, previous_clause, clause.text)
            if marks is None:
                marks = Marks.of(sentence, where.plan_start)
            targets += [_target(hit, clip(name), clause, marks, where) for name in names]
            previous_indicator = names[-1]
        previous_clause = clause.text
    return targets, diagnostics


def _not_read(clause: str, status: bool) -> bool:
    """A formula's weights or a support policy's terms (outside a review) state no target."""
    return is_formula(clause) or (not status and is_policy_parameter(clause))


def _last_read(clauses: list[str], status: bool) -> str | None:
    """The last of `clauses` that would be read for figures: the clause a later one borrows
    its name from. Told only when a figure needs it, as most clauses hold none."""
    return next((clause for clause in reversed(clauses) if not _not_read(clause, status)), None)


def _baseline(hit: Hit, text: str) -> Baseline | None:
    """The figure a change starts from, with the year written before it (`由2020年的2.5万张`)."""
    if hit.baseline is None:
        return None
    before = text[hit.change_start or 0 : hit.baseline.number_start]
    return Baseline(value=hit.baseline.value, year=written_year(before))


def _target(hit: Hit, indicator: str, clause: Clause, marks: Marks, where: _Where) -> Target:
    position = clause.offset + hit.number_start
    deadline = marks.deadline(position)
    return hit_target(
        hit,
        indicator,
        year=deadline[1] if deadline else where.year,
        kind="status" if where.status or marks.status(position) else "target",
        baseline=_baseline(hit, clause.text),
        per=hit.per,
        text=evidence(clause.text, hit),
        source="text",
        line=where.line,
        section_path=where.path,
    )


def evidence(clause: str, hit: Hit) -> str:
    """The clause a figure was read in, or the part of a very long one around the figure."""
    if len(clause) <= MAX_EVIDENCE_CHARS:
        return clause.strip()
    end = min(len(clause), max(hit.end, hit.start + MAX_EVIDENCE_CHARS // 2))
    return clause[max(0, end - MAX_EVIDENCE_CHARS) : end].strip()


def hit_target(
    hit: Hit,
    indicator: str,
    *,
    year: int | None,
    kind: str,
    baseline: Baseline | None,
    per: str | None,
    **where: Any,
) -> Target:
    """A Target from a read figure; `where` says where it was read (text, source, line …)."""
    return Target(
        indicator=indicator,
        comparator=hit.comparator,
        value=hit.value,
        value_max=hit.value_max,
        unit=hit.unit,
        per=per,
        year=year,
        baseline=baseline,
        kind=kind,
        attribute=where.pop("attribute", None),  # every field given: the record's quick path
        **where,
    )


def _unread_diagnostic(clause: str, at: int, line: int) -> Diagnostic:
    excerpt = clause[max(0, at - 8) : at + 12].strip()
    return Diagnostic(
        "info", "target-unparsed", line, f"number after a comparator has no known unit: {excerpt}"
    )
