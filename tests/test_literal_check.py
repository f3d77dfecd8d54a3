"""The literal pre-check of rule patterns: a text it rules out is one the pattern cannot match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plancli.stages import literal_check
from plancli.stages.literal_check import (
    first_match,
    match_starts,
    matches_of,
    may_match,
    required_words,
    spans_of,
)
from plancli.stages.targets.rules import compiled as target_rules
from plancli.stages.units.rules import compiled as unit_rules


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(?:按照?)?(?:各自)?(?:职责)?(?:分工?)?(?:分别)?(?:负责)+(?:落实)?", ("负责",)),
        (r"(?P<label>责任单位|牵头单位)\s*:|(?P<lead>牵头(?!单位|部门))", ("责任单位", "牵头")),
        ("(?:列|排)?在?第一位(?:的|者)?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)", ("第一位",)),
        ("(?:给予|奖补)|^对.{0,80}的$", ("给予", "奖补", "对")),
        ("(?:人行|人民银行)[一-龥]{2,6}?支行", ("支行",)),
        ("(?>原则)上", ("原则",)),
        ("[一二三]+级", ("级",)),
    ],
)
def test_the_required_words_are_read_from_the_pattern(pattern: str, words: tuple[str, ...]) -> None:
    assert required_words(pattern) == words


@pytest.mark.parametrize(
    "pattern", ["[一二三]+", "(?:达到)?", "牵头|", "(?i)abc", "(?i:ab)c?", r"\d+", "a*b?"]
)
def test_no_words_when_a_match_may_hold_none(pattern: str) -> None:
    assert required_words(pattern) is None


def test_without_words_every_text_may_match() -> None:
    assert may_match(None, "")
    assert not may_match(("负责",), "区民政局牵头")


def _rule_patterns() -> list[re.Pattern[str]]:
    units, targets = unit_rules(), target_rules()
    found = [units.markers, targets.policy_parameters, targets.names, *units.complete]
    return found + ([units.lead_first] if units.lead_first else [])


ALPHABET = (
    "负责牵头单位部门配合参与协助指导第一位为是者的列排在按照职责分工各自给予奖补对最高:() 0123"
)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=24))
def test_a_text_ruled_out_is_never_matched(text: str) -> None:
    for pattern in _rule_patterns():
        if pattern.search(text):
            assert may_match(required_words(pattern.pattern), text), (pattern.pattern, text)


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"(?<!\d)\d+\s*分钟|一刻钟|“[^“”]{1,16}”", r"[\d一“]"),
        (r"(?:第)?[一二]+(?:级|方)", "[第一二]"),
        (r"\(\s*\d+分\)|[千万]兆", r"[\(千万]"),
    ],
)
def test_the_characters_a_match_starts_with(pattern: str, starts: str) -> None:
    found = match_starts(re.compile(pattern))
    assert found is not None
    assert found.pattern == starts


@pytest.mark.parametrize("pattern", [r"\d*", "[^0-9]+", ".年", "(?i)a", "年?级?"])
def test_no_start_characters_when_any_may_start_a_match(pattern: str) -> None:
    assert match_starts(re.compile(pattern)) is None


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="0123456789一二两十第千万兆分钟圈“”天年月日号岁级方社(), 5GKab", max_size=30)
)
def test_trying_only_at_start_characters_finds_what_finditer_finds(text: str) -> None:
    names = target_rules().names
    expected = [match.span() for match in names.finditer(text)]
    assert spans_of(names, match_starts(names), text) == expected


def _scanned_patterns() -> list[re.Pattern[str]]:
    units, targets = unit_rules(), target_rules()
    found = [units.markers, targets.status, targets.names]
    return found + [p for p in (units.notes, units.lead_first) if p is not None]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET + "截至累计已经下同排名不分先后", max_size=30))
def test_rule_patterns_tried_at_start_characters_match_as_the_regex_engine_does(
    text: str,
) -> None:
    for pattern in _scanned_patterns():
        starts = match_starts(pattern)
        expected = [(m.span(), m.lastgroup) for m in pattern.finditer(text)]
        assert [(m.span(), m.lastgroup) for m in matches_of(pattern, starts, text)] == expected
        first = first_match(pattern, starts, text)
        assert (first and first.span()) == (expected[0][0] if expected else None)


def test_a_role_word_is_found_where_its_optional_lead_in_starts() -> None:
    markers = unit_rules().markers
    starts = match_starts(markers)
    assert starts is not None
    text = "州民政局、住建局等按职责分工负责"
    found = [(m.group(), m.lastgroup) for m in matches_of(markers, starts, text)]
    assert found == [("按职责分工负责", "responsible")]
    assert first_match(markers, starts, "州民政局、住建局") is None


def test_what_is_read_from_a_pattern_is_kept_on_disk_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANCLI_CACHE", str(tmp_path))
    monkeypatch.setattr(literal_check, "FACTS", {})
    monkeypatch.setattr(literal_check, "NEW_FACTS", {})
    assert required_words("(?:按照?)?(?:职责)?(?:负责)+") == ("负责",)
    starts = match_starts(re.compile(r"(?:第)?[一二]+(?:级|方)"))
    assert starts is not None
    literal_check.write_facts()
    kept = literal_check.read_facts()
    assert kept[("words", "(?:按照?)?(?:职责)?(?:负责)+", 0)] == ("负责",)
    assert kept[("starts", r"(?:第)?[一二]+(?:级|方)", int(re.UNICODE))] == "[第一二]"


def test_a_kept_fact_is_not_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(literal_check, "FACTS", {("words", "负责", 0): ("已知",)})
    assert required_words("负责") == ("已知",)


def test_a_damaged_facts_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANCLI_CACHE", str(tmp_path))
    path = Path(literal_check.facts_path())
    path.write_bytes(b"\x00 not marshal")
    path.chmod(0o600)
    assert literal_check.read_facts() == {}


def test_words_are_looked_for_in_the_unfolded_text_only_when_folding_keeps_them() -> None:
    from plancli.stages.literal_check import folding_keeps, may_match_folded

    assert folding_keeps(("第一位", "牵头"))
    assert not folding_keeps(("5G",)) and not folding_keeps(("（",))
    assert may_match_folded(("第一位",), "列第一位者为牵头单位，下同")
    assert not may_match_folded(("第一位",), "由州民政局牵头")
    assert may_match_folded(("5G",), "推进５Ｇ网络建设")  # found once folded
    assert may_match_folded(None, "任何文本")


@given(st.text(alphabet="(（)）a民", max_size=12))
def test_the_bracket_closing_a_clause_is_found_as_by_a_forward_count(body: str) -> None:
    from plancli.stages.units.clauses import _matching_open

    depth, expected = 0, None
    for k in reversed(range(len(body))):
        if body[k] == ")":
            depth += 1
        elif body[k] == "(":
            depth -= 1
            if depth == 0:
                expected = k
                break
    assert _matching_open(body) == expected
