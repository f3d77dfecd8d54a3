"""The record JSON writer writes exactly what `json.dumps(..., indent=2)` writes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from plancli.models import Baseline, Target
from plancli.pipeline import process_file
from plancli.records import as_data
from plancli.stages.emit_json import indented_json


def stdlib(value: Any) -> str:
    return json.dumps(as_data(value), ensure_ascii=False, indent=2)


def test_every_sample_document_is_written_as_json_dumps_writes_it(sample: Path) -> None:
    document = process_file(sample)
    assert indented_json(document) == stdlib(document)


def test_records_nested_in_records_and_special_floats() -> None:
    target = Target(
        indicator="城市社区综合服务设施覆盖率",
        comparator=">=",
        value=float("nan"),
        value_max=float("inf"),
        baseline=Baseline(value=-0.0, year=2020, text='"基数"\n\t\\'),
        text="达到100%\u2028",
        line=3,
        section_path=[],
    )
    assert indented_json(target) == stdlib(target)
    assert '"value": NaN,' in indented_json(target)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(json_values)
def test_any_json_data_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert indented_json(value) == stdlib(value)
