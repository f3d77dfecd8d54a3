"""The C YAML emitter must write exactly what the pure-Python one writes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plancli.pipeline import process_file
from plancli.stages.emit import to_yaml


@pytest.mark.skipif(not hasattr(yaml, "CSafeDumper"), reason="PyYAML built without libyaml")
def test_c_emitter_output_is_byte_identical_to_pure_python(sample: Path) -> None:
    document = process_file(sample)
    fast, pure = to_yaml(document), to_yaml(document, pure=True)
    assert fast.encode("utf-8") == pure.encode("utf-8")
    assert fast.startswith("schema_version: '1'\nplancli_version: ")


def test_yaml_keeps_chinese_unescaped_and_long_lines_whole(sample: Path) -> None:
    text = to_yaml(process_file(sample))
    assert "\\u" not in text
    assert yaml.safe_load(text)["source"]["path"] == str(sample)
