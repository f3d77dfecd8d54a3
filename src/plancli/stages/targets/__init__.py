"""Numeric targets in goal paragraphs, task items and indicator tables (contract: targets).

A target is a number with a unit of measure (`100%`, `30平方米`, `8万人`) in a clause, with
the comparator written next to it (`不低于`, `以上`, `左右`, none → `=`), the basis it is
measured per (`每百户`, `人均`, `每天`), the deadline in force (`到2025年年底`, the caller's
umbrella year otherwise) and, when the text gives it, the starting level
(`从600元提高到806元`). Words, units, bases and name patterns are data in
`rules/comparators.yaml` and `rules/measures.yaml`.

Indicator rule (documented choice): the indicator is the clause without the number, its
comparator and its framing words (`到2025年年底`, `力争`, `实现` …). When the clause reads
`X 达到 N` it is X; when the number comes first (`80%以上区县广泛开展…`) it is the text after
it (`区县广泛开展精神障碍社区康复服务`). A clause that names no quantity of its own borrows the
one before it (`较“十三五”增长20%,达到90亿元`).

Kind: `status` when the caller says the text reviews the past (`status=True`), or when a review
marker (`2016年以来`, `累计`, `已达`, `截至`) stands before the figure in its sentence with no
deadline after it; a status figure's year is the date it is given for (`截至2022年底` → 2022).

The modules, in reading order: `rules` (the compiled vocabularies), `numbers` (numbers,
magnitudes, units), `hits` (a clause's figures with comparator, basis and baseline), `names`
(indicator names), `clauses` (sentences, clauses, deadlines, review markers), `text_targets`
(running text) and `tables` (indicator tables).
"""

from __future__ import annotations

from plancli.stages.targets.numbers import parse_number
from plancli.stages.targets.rules import compiled, plan_periods, review_openings
from plancli.stages.targets.tables import table_targets
from plancli.stages.targets.text_targets import find_targets

__all__ = [
    "compiled",
    "find_targets",
    "parse_number",
    "plan_periods",
    "review_openings",
    "table_targets",
]
