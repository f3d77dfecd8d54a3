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


def test_class_variables_and_subclasses_keep_their_fields_once() -> None:
    # without `from __future__ import annotations` the annotations are types, not text
    namespace: dict[str, object] = {}
    exec(
        "from typing import ClassVar\n"
        "from plancli.records import Model, field\n"
        "class Cell(Model):\n"
        "    LIMIT: ClassVar[int] = 3\n"
        "    text: str\n"
        "    score: float = 0\n"
        "    either: int | float = 0\n"
        "    notes: list = field(default_factory=list)\n"
        "class Marked(Cell):\n"
        "    score: float = 1.0\n"
        "    notes: list = None\n",
        namespace,
    )
    cell_type, marked_type = namespace["Cell"], namespace["Marked"]
    cell = cell_type(text="人均", either=2)  # type: ignore[operator]
    assert cell_type.LIMIT == 3 and field_names(cell_type) == ("text", "score", "either", "notes")  # type: ignore[attr-defined]
    assert (cell.score, type(cell.score), cell.either, type(cell.either)) == (0.0, float, 2, int)
    marked = marked_type(text="人均")  # type: ignore[operator]
    assert field_names(marked_type) == field_names(cell_type)
    assert (marked.score, marked.notes) == (1.0, None)
    assert list(as_data(marked)) == ["text", "score", "either", "notes"]


def test_a_mutable_default_is_refused_when_the_class_is_made() -> None:
    with pytest.raises(TypeError, match="default_factory"):
        exec(
            "from plancli.records import Model\nclass Row(Model):\n    cells: list = []\n",
            {},
        )


def test_json_dump_and_read_back_like_pydantic() -> None:
    built = Reference(title="关于加强社区服务的意见", line=4)
    text = built.model_dump_json()
    assert text == '{"title":"关于加强社区服务的意见","doc_number":null,"line":4}'
    assert Reference.model_validate_json(text) == built


def test_a_record_given_every_field_keeps_none_of_the_callers_mapping() -> None:
    values: dict[str, object] = {
        "title": "《关于加强社区服务的意见》",
        "doc_number": None,
        "line": 3,
    }
    built = Reference(**values)  # type: ignore[arg-type]
    values["title"] = "《另一份文件》"
    assert built.title == "《关于加强社区服务的意见》"
    assert built == Reference(title="《关于加强社区服务的意见》", doc_number=None, line=3)
    assert type(Baseline(value=3, year=2020, text="2020年").value) is float
