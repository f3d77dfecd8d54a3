"""The YAML writer writes exactly what PyYAML writes, or leaves the document to PyYAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from plancli.pipeline import process_file
from plancli.records import as_data
from plancli.stages.emit import to_yaml
from plancli.stages.yaml_text import NotSimple, records_text

DUMPERS = [yaml.SafeDumper, *([yaml.CSafeDumper] if hasattr(yaml, "CSafeDumper") else [])]


def pyyaml(value: Any, dumper: type) -> str:
    text: str = yaml.dump(
        as_data(value), Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return text


@pytest.mark.parametrize("dumper", DUMPERS, ids=lambda d: d.__name__)
def test_every_sample_is_written_without_pyyaml_and_as_pyyaml_writes_it(
    sample: Path, dumper: type
) -> None:
    document = process_file(sample)
    assert records_text(document) == pyyaml(document, dumper)


def test_a_string_pyyaml_double_quotes_leaves_the_document_to_pyyaml() -> None:
    data = {"title": "关于印发\t通知", "line": 3}
    with pytest.raises(NotSimple):
        records_text(data)
    assert to_yaml(data) == pyyaml(data, DUMPERS[-1])  # type: ignore[arg-type]


def test_quoting_follows_pyyaml() -> None:
    data = {
        "marker": "1.",
        "year": "2025",
        "date": "2025-01-02",
        "yes": "on",
        "empty": "",
        "colon": "牵头单位: 市民政局",
        "hash": "见 #3",
        "dash": "- 一",
        "quote": "'十四五'",
        "lines": "甲\n乙\n\n丙",
        "ends": "\n前后\n",
        "nested": [["p\nq", "1"], []],
        "none": None,
        "float": 1e17,
    }
    for dumper in DUMPERS:
        assert records_text(data) == pyyaml(data, dumper)


texts = st.text(
    alphabet=st.sampled_from(list("甲乙 :#-?'\"\n,[]{}&*!|>%@`.0123456789eEyYnNoO~+_<=xt\u3000")),
    max_size=12,
)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(texts, values, min_size=1, max_size=4))
def test_any_data_is_written_as_pyyaml_writes_it_or_left_to_it(data: dict[str, Any]) -> None:
    try:
        mine = records_text(data)
    except NotSimple:
        return
    for dumper in DUMPERS:
        assert mine == pyyaml(data, dumper)
