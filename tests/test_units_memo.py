"""The unit readings remembered per vocabulary give what a fresh reading gives."""

from __future__ import annotations

from plancli.stages.units.clauses import parse_units
from plancli.stages.units.names import segment
from plancli.stages.units.rules import Memo, compiled


def test_segment_read_again_gives_the_same_tokens_and_keeps_its_memo_intact() -> None:
    compiled().memo.clear()
    tokens, junk = segment("州民政局住建局")
    tokens.append(tokens[0])  # a caller's change must not reach the memo
    again, junk_again = segment("州民政局住建局")
    assert [(t.raw, t.body, t.level) for t in again] == [
        ("州民政局", "民政局", "州"),
        ("住建局", "住建局", None),
    ]
    assert junk == junk_again == []
    assert "州民政局住建局" in compiled().memo_of("segment")


def test_a_clause_parsed_with_and_without_its_memo_reads_alike() -> None:
    compiled().memo.clear()
    first = parse_units("州民政局、县住建局按职责分工负责")
    second = parse_units("州民政局、县住建局按职责分工负责")
    assert first == second
    assert [ref.name for ref in second[0]] == ["州民政局", "县住建局"]


def test_memo_empties_itself_when_full() -> None:
    memo = Memo()
    for number in range(Memo.LIMIT):
        memo.remember(number, number)
    memo.remember("州民政局", 1)
    assert list(memo.items()) == [("州民政局", 1)]
