"""The record base of the output contract: built whole by keyword, never assigned afterwards."""

from __future__ import annotations

import copy
import pickle

import pytest

from plancli.models import Baseline, Meta, Reference, Section, Target
from plancli.records import FrozenRecordError, as_data, field_names


def target(**changes: object) -> Target:
    values: dict[str, object] = {
        "indicator": "社区综合服务设施覆盖率",
        "comparator": ">=",
        "value": 100,
        "unit": "%",
        "text": "城市社区综合服务设施实现全覆盖",
        "line": 12,
    }
    return Target(**{**values, **changes})  # type: ignore[arg-type]


def test_a_record_is_built_by_keyword_with_its_defaults() -> None:
    built = target()
    assert (built.indicator, built.year, built.kind, built.source) == (
        "社区综合服务设施覆盖率",
        None,
        "target",
        "text",
    )
    assert field_names(Target)[:3] == ("indicator", "comparator", "value")  # type: ignore[index]


def test_a_whole_number_in_a_float_field_is_a_float() -> None:
    assert type(target().value) is float and target(value_max=120).value_max == 120.0
    assert type(Baseline(value=3).value) is float and Baseline().value is None
    assert type(target().model_copy(update={"value": 7}).value) is float


def test_missing_and_unknown_fields_are_named() -> None:
    with pytest.raises(TypeError, match="Target: missing line, text"):
        Target(indicator="x", comparator=">=", value=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown deadline"):
        target(deadline=2025)
    with pytest.raises(TypeError, match="unknown deadline"):
        target().model_copy(update={"deadline": 2025})


def test_fields_cannot_be_assigned_or_deleted() -> None:
    built = target()
    with pytest.raises(FrozenRecordError, match="value"):
        built.value = 5.0  # type: ignore[misc]
    with pytest.raises(FrozenRecordError):
        del built.unit  # type: ignore[misc]
    assert built.value == 100.0


def test_list_defaults_are_made_anew_for_each_record() -> None:
    first, second = Meta(), Meta()
    first.recipients.append("各县(市)人民政府")
    assert second.recipients == [] and Meta().portal == {}


def test_copies_share_or_copy_their_fields_and_compare_by_value() -> None:
    child = Section(id="s1.1", level=2, marker="(一)", title="健全机制", line=5)
    parent = Section(id="s1", level=1, marker="一、", title="总体要求", line=3, children=[child])
    shallow, deep = parent.model_copy(), parent.model_copy(deep=True)
    assert shallow == parent == deep and shallow is not parent
    assert shallow.children is parent.children and deep.children is not parent.children
    assert parent != parent.model_copy(update={"end_line": 9})
    assert parent != Reference(title="总体要求")


def test_records_survive_pickling_and_copying() -> None:
    built = target(baseline=Baseline(value=96.5, year=2020))
    assert pickle.loads(pickle.dumps(built)) == built
    assert copy.deepcopy(built) == built


def test_repr_and_data_follow_field_order() -> None:
    built = Reference(title="关于加强社区服务的意见", doc_number="国发〔2021〕10号", line=4)
    assert repr(built) == (
        "Reference(title='关于加强社区服务的意见', doc_number='国发〔2021〕10号', line=4)"
    )
    assert list(as_data(built)) == ["title", "doc_number", "line"]
