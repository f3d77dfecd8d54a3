"""Align the numeric targets of several documents by what they measure, and name each change.

A document often states one measure several times (the goals paragraph, a task, the indicator
table); those mentions are first merged into one `Measure`. Measures of two documents are then
paired, one to one, by three rules of falling confidence:

- `same`/`folded`: the indicators are equal, or equal once spelling is folded (the basis moved
  to `per`, fillers such as 拥有/配备 dropped, 比例 → 比, 城市及农村 → 城乡);
- `similar`: folded indicators share most character bigrams, end in the same character and
  name the same scope words (城乡 / 城市 / 村级 …), with the same unit and basis;
- `basis relaxed`: equal but for a basis of the same family (每万城镇常住人口 / 每万常住人口),
  taken only when neither side has another candidate.

Anything else stays unpaired and is reported `dropped` or `new`: two measures are never
paired because they share words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from plancli import regexes
from plancli.commands.compare.model import MeasureCell, MeasureChange, MeasureRow, MeasureStep
from plancli.commands.compare.rules import compare_rules
from plancli.commands.compare.similarity import containment, dice
from plancli.models import Document, Target
from plancli.text import fold_width

SIMILAR_MIN = 0.75  # bigram Dice of two folded indicators in different documents
MERGE_MIN = 0.75  # character containment of two mentions in one document (same figure)
PUNCTUATION = regexes.compile(r"[\s“”\"‘’'《》〈〉()\[\],、;:。.!?]")
DIRECTION = {">=": 1, ">": 1, "<=": -1, "<": -1}
# Within a direction, how hard a comparator is at the same value: > 25 asks more than ≥ 25.
HARDNESS = {">": 1, "<": 1, ">=": 0, "<=": 0, "=": 0, "~": -1}


@dataclass
class Measure:
    """One document's measure: its mentions merged, the representative one as a cell."""

    keys: frozenset[str]  # every mention's folded indicator
    indicators: frozenset[str]  # every mention's indicator as written
    unit: str | None
    per: str | None
    cell: MeasureCell


@dataclass(frozen=True)
class Pairing:
    confidence: float
    how: str
    relaxed: bool = False


def measure_key(indicator: str) -> str:
    """The indicator folded for comparison: no basis, punctuation or filler words.

    >>> measure_key("每万名城镇常住人口拥有社区工作者")
    '社区工作者'
    >>> measure_key("城市社区及农村社区综合服务设施覆盖率")
    '城乡社区综合服务设施覆盖率'
    >>> measure_key("新建社区商业和综合服务设施面积占社区总建筑面积的比例")
    '新建社区商业和综合服务设施面积占社区总建筑面积比'
    """
    rules = compare_rules()
    text = PUNCTUATION.sub("", fold_width(indicator))
    for pattern in rules.bases:
        text = pattern.sub("", text)
    text = rules.indicator_fillers.sub("", text)
    for pattern, replace in rules.indicator_rewrites:
        text = pattern.sub(replace, text)
    return text


def fold_unit(unit: str | None) -> str | None:
    return compare_rules().unit_equivalents.get(unit, unit) if unit else unit


def scope_conflict(left: str, right: str) -> bool:
    """True when one key names a scope word (城乡, 村级 …) that the other does not."""
    return any((word in left) != (word in right) for word in compare_rules().scope_words)


def cell_of(target: Target, mentions: Sequence[Target]) -> MeasureCell:
    return MeasureCell(
        indicator=target.indicator,
        comparator=target.comparator,
        value=target.value,
        value_max=target.value_max,
        unit=target.unit,
        per=target.per,
        year=target.year,
        line=target.line,
        lines=sorted({mention.line for mention in mentions}),
        text=target.text,
    )


def same_mention(group: list[Target], target: Target) -> bool:
    """Does `target` restate the measure of `group` (mentions already merged, one document)?

    Equal folded indicators always do. Differently worded ones do when they state the same
    figure on another line and one's characters are nearly all in the other; mentions on one
    line are listed side by side by their author, so they are different measures.
    """
    key = measure_key(target.indicator)
    for member in group:
        if (fold_unit(member.unit), member.per) != (fold_unit(target.unit), target.per):
            continue
        other = measure_key(member.indicator)
        if other == key:
            return True
        if (
            member.value == target.value
            and all(m.line != target.line for m in group)
            and containment(other, key) >= MERGE_MIN
            and not scope_conflict(other, key)
        ):
            return True
    return False


def document_measures(document: Document) -> list[Measure]:
    """The document's target measures (status figures left out), mentions merged, by line."""
    groups: list[list[Target]] = []
    targets = [t for t in document.targets if t.kind == "target" and measure_key(t.indicator)]
    for target in sorted(targets, key=lambda t: t.line):
        group = next((g for g in groups if same_mention(g, target)), None)
        if group is None:
            groups.append([target])
        else:
            group.append(target)
    return [measure_of(group) for group in groups]


def measure_of(group: list[Target]) -> Measure:
    """The latest-year mention represents the group (the end-of-period figure), first by line."""
    chosen = max(group, key=lambda t: (t.year or 0, -t.line))
    return Measure(
        keys=frozenset(measure_key(t.indicator) for t in group),
        indicators=frozenset(t.indicator for t in group),
        unit=fold_unit(chosen.unit),
        per=chosen.per,
        cell=cell_of(chosen, group),
    )


def pairing(left: Measure, right: Measure) -> Pairing | None:
    """How (and how surely) two measures of different documents are the same, or None."""
    if left.unit != right.unit:
        return None
    relaxed = left.per != right.per
    if relaxed and not same_basis_family(left.per, right.per):
        return None
    if left.indicators & right.indicators:
        found = Pairing(1.0, "same")
    elif left.keys & right.keys:
        found = Pairing(0.95, "folded")
    else:
        similarity = max(
            (dice(a, b) for a in left.keys for b in right.keys if similar_keys(a, b)), default=0
        )
        if similarity < SIMILAR_MIN:
            return None
        found = Pairing(round(0.9 * similarity, 2), "similar")
    if relaxed:
        return Pairing(round(found.confidence * 0.6, 2), "basis relaxed", relaxed=True)
    return found


def similar_keys(left: str, right: str) -> bool:
    """Worth scoring at all: the same last character (覆盖率 / 比 / 面积 …) and scope words."""
    return left[-1] == right[-1] and not scope_conflict(left, right)


def same_basis_family(left: str | None, right: str | None) -> bool:
    families = compare_rules().basis_family
    return left in families and right in families and families[left] == families[right]


def extensive(cell: MeasureCell) -> bool:
    """A count or sum of the issuer's whole area (no basis): its size scales with the area."""
    return cell.per is None and cell.unit in compare_rules().extensive_units


def classify(
    before: MeasureCell, after: MeasureCell, same_issuer: bool = False
) -> list[MeasureChange]:
    """What happened to a measure from one document to the next.

    Direction comes from the comparator (≥: higher is stricter, ≤: lower is stricter); a
    fixed level (`=`) borrows the other side's direction and, with neither, a new value is
    just `changed`. A count without a basis at another level is `rescaled`.

    >>> def cell(comparator, value, year=2025):
    ...     return MeasureCell(indicator="x", comparator=comparator, value=value, unit="%",
    ...                        year=year, line=1, text="x")
    >>> classify(cell(">=", 90), cell(">=", 95)), classify(cell("<=", 5), cell("<=", 8))
    (['stricter'], ['looser'])
    >>> classify(cell(">=", 100), cell("=", 100)), classify(cell(">=", 25), cell(">", 25))
    (['adopted'], ['stricter'])
    >>> classify(cell(">=", 90, 2025), cell(">=", 90, 2024))
    ['moved in time']
    """
    changes: list[MeasureChange] = []
    if before.value != after.value:
        changes.append(value_change(before, after, same_issuer))
    elif hardness_change := comparator_change(before, after):
        changes.append(hardness_change)
    if before.year and after.year and before.year != after.year:
        changes.append("moved in time")
    return changes or ["adopted"]


def direction(before: MeasureCell, after: MeasureCell) -> int | None:
    """+1 when more is stricter (≥, >), -1 when less is (≤, <), None when unknown or when
    a floor turned into a ceiling (the two sides disagree)."""
    directions = {DIRECTION[c] for c in (before.comparator, after.comparator) if c in DIRECTION}
    return directions.pop() if len(directions) == 1 else None


def value_change(before: MeasureCell, after: MeasureCell, same_issuer: bool) -> MeasureChange:
    if not same_issuer and extensive(before) and extensive(after):
        return "rescaled"
    sense = direction(before, after)
    if sense is None:
        return "changed"
    return "stricter" if (after.value - before.value) * sense > 0 else "looser"


def comparator_change(before: MeasureCell, after: MeasureCell) -> MeasureChange | None:
    both_directed = before.comparator in DIRECTION and after.comparator in DIRECTION
    if both_directed and direction(before, after) is None:
        return "changed"  # ≥ became ≤ at the same value
    harder = HARDNESS[after.comparator] - HARDNESS[before.comparator]
    if harder == 0:
        return None
    return "stricter" if harder > 0 else "looser"


def align(columns: list[list[Measure]]) -> list[tuple[list[Measure | None], list[Pairing | None]]]:
    """Rows of measures across documents (one column per document) and each step's pairing.

    A new column is paired against each row's latest measure: strict pairings greedily by
    confidence, then basis-relaxed ones where both sides have exactly one candidate left.
    """
    width = len(columns)
    rows: list[tuple[list[Measure | None], list[Pairing | None]]] = [
        ([measure, *[None] * (width - 1)], [None] * (width - 1)) for measure in columns[0]
    ]
    for index in range(1, width):
        latest = [next(m for m in reversed(cells[:index]) if m) for cells, _ in rows]
        matched = match(latest, columns[index])
        taken = set()
        for row_index, (column_index, found) in matched.items():
            cells, steps = rows[row_index]
            cells[index] = columns[index][column_index]
            if cells[index - 1] is not None:
                steps[index - 1] = found
            taken.add(column_index)
        for column_index, measure in enumerate(columns[index]):
            if column_index not in taken:
                cells = [None] * width
                cells[index] = measure
                rows.append((cells, [None] * (width - 1)))
    return rows


def match(old: list[Measure], new: list[Measure]) -> dict[int, tuple[int, Pairing]]:
    """One-to-one pairs {old index: (new index, pairing)}."""
    candidates = [
        (found, i, j)
        for i, left in enumerate(old)
        for j, right in enumerate(new)
        if (found := pairing(left, right)) is not None
    ]
    strict = sorted((c for c in candidates if not c[0].relaxed), key=lambda c: -c[0].confidence)
    result: dict[int, tuple[int, Pairing]] = {}
    used: set[int] = set()
    for found, i, j in strict:
        if i not in result and j not in used:
            result[i] = (j, found)
            used.add(j)
    relaxed = [(f, i, j) for f, i, j in candidates if f.relaxed]
    free = [(f, i, j) for f, i, j in relaxed if i not in result and j not in used]
    for found, i, j in free:
        if sum(1 for _, a, _ in free if a == i) == 1 and sum(1 for *_, b in free if b == j) == 1:
            result[i] = (j, found)
            used.add(j)
    return result


def measure_rows(documents: list[Document]) -> list[MeasureRow]:
    """Align the documents' measures and name the change at every step of the chain."""
    aligned = align([document_measures(document) for document in documents])
    return [
        MeasureRow(
            cells=[m.cell if m else None for m in cells],
            steps=[
                step(cells[i], cells[i + 1], pairings[i], same_issuer(documents[i : i + 2]))
                for i in range(len(documents) - 1)
            ],
        )
        for cells, pairings in aligned
    ]


def same_issuer(pair: list[Document]) -> bool:
    issuers = {document.meta.issuer for document in pair}
    return len(issuers) == 1 and None not in issuers


def step(
    before: Measure | None, after: Measure | None, found: Pairing | None, same: bool
) -> MeasureStep:
    if before is None and after is None:
        return MeasureStep(changes=[])
    if after is None:
        return MeasureStep(changes=["dropped"])
    if before is None or found is None:
        return MeasureStep(changes=["new"])
    return MeasureStep(
        changes=classify(before.cell, after.cell, same),
        confidence=found.confidence,
        how=found.how,
    )
