"""YAML for contract records: PyYAML's nodes, built straight from the records.

`yaml.dump` spends most of its time in PyYAML's general-purpose representer (a lookup per
value, alias bookkeeping) and resolver (regular expressions per scalar), all in Python. The
records hold only mappings, lists, strings, numbers, booleans and None, never one object twice,
so the nodes are built here in one walk, and each distinct scalar is resolved once per
document. The nodes, and so the bytes, are the ones `yaml.dump(as_data(record))` writes
(tests/test_emit_yaml.py compares them on every sample).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from plancli.models import field_names
from plancli.stages.yaml_text import float_text

STR, INT, FLOAT, BOOL, NULL = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null")
)
MAP, SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class RecordDumper(DUMPER):  # type: ignore[misc,valid-type]
    """libyaml's emitter (when installed) fed with nodes built by `node_of`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plain_tags: dict[str, str] = {}

    def represent(self, data: Any) -> None:
        self.serialize(node_of(data))

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """The tag a scalar written plain would be read back as (regular expressions, once
        per distinct scalar); anything else as PyYAML resolves it."""
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return STR
        tag = self.plain_tags.get(value)
        if tag is None:
            tag = self.plain_tags[value] = super().resolve(kind, value, implicit)
        return tag


def node_of(value: Any) -> Any:
    """The node `yaml.SafeDumper` (with default_flow_style=False) represents `value` by."""
    kind = type(value)
    if kind is str:
        return ScalarNode(STR, value)
    names = field_names(kind)
    if names is not None:
        return mapping_node([(name, getattr(value, name)) for name in names])
    if kind is dict:
        return mapping_node(list(value.items()))
    if kind is list or kind is tuple:
        return SequenceNode(SEQ, [node_of(item) for item in value], flow_style=False)
    if value is None:
        return ScalarNode(NULL, "null")
    if kind is bool:
        return ScalarNode(BOOL, "true" if value else "false")
    if kind is int:
        return ScalarNode(INT, str(value))
    if kind is float:
        return ScalarNode(FLOAT, float_text(value))
    raise TypeError(f"cannot write {kind.__name__} as YAML")


def mapping_node(items: list[tuple[str, Any]]) -> MappingNode:
    pairs = [(ScalarNode(STR, key), node_of(item)) for key, item in items]
    return MappingNode(MAP, pairs, flow_style=False)


def records_yaml(record: Any) -> str:
    text: str = yaml.dump(
        record, Dumper=RecordDumper, allow_unicode=True, sort_keys=False, width=1000
    )
    return text
