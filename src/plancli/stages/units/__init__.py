"""Responsible units: find the unit clause at the end of an item and read it.

A clause such as `(州党委组织部,州民政局、住建局,…等按职责分工负责)` becomes
UnitRefs with a canonical name (shared level prefix restored, aliases folded),
the name as written and a role. All vocabulary lives in `rules/units.yaml`,
whose header explains the reading steps; this module only applies it.

The modules: `rules` (the compiled vocabulary), `names` (unit tokens and canonical names),
`clauses` (reading a clause, finding it in an item) and `columns` (task-assignment tables).
"""

from __future__ import annotations

from plancli.stages.units.clauses import (
    clause_deadline,
    declares_lead_first,
    inner_unit_clauses,
    parse_units,
    split_unit_clause,
)
from plancli.stages.units.columns import TableColumns, table_columns
from plancli.stages.units.names import canonical_unit, intact_forms
from plancli.stages.units.rules import compiled

__all__ = [
    "TableColumns",
    "canonical_unit",
    "clause_deadline",
    "compiled",
    "declares_lead_first",
    "inner_unit_clauses",
    "intact_forms",
    "parse_units",
    "split_unit_clause",
    "table_columns",
]
