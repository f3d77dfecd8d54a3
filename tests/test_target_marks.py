"""Deadlines and review markers of a sentence, with and without a five-year plan's name."""

from __future__ import annotations

from plancli.stages.targets.clauses import Marks


def test_a_plan_period_is_a_deadline_at_the_period_end() -> None:
    marks = Marks.of("“十四五”期间,新增养老床位500张", 2021)
    assert (marks.deadline_ends, marks.latest, marks.status_ends) == ([7], [(1, 2025)], [])


def test_an_earlier_plan_since_which_figures_count_is_a_review() -> None:
    marks = Marks.of("“十三五”以来,累计建成社区服务站120个", 2021)
    assert (marks.deadline_ends, marks.status_ends) == ([], [7])
    assert marks.status(12)


def test_a_sentence_naming_no_plan_still_reads_its_year_deadline() -> None:
    marks = Marks.of("到2025年,社区服务站覆盖率达到100%", 2021)
    assert (marks.deadline_ends, marks.latest, marks.status_ends) == ([6], [(0, 2025)], [])


def test_the_deadline_a_text_opens_with_after_a_lead_phrase_or_none() -> None:
    from plancli.stages.targets.clauses import last_deadline, opening_deadline

    assert opening_deadline("发展目标。到2025年,社区服务站覆盖率达到100%。") == 2025
    assert opening_deadline("“十四五”期间,新增养老床位500张") == 2025
    assert opening_deadline("主要目标。全面提升服务能力。到2025年实现") is None
    assert opening_deadline("社区服务站覆盖率到2030年达到100%") is None  # not at the opening
    assert last_deadline("社区服务站覆盖率到2030年达到100%", 40) == (8, 2030)
    assert last_deadline("目标。", 40) is None
