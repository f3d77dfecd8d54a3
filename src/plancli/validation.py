"""pydantic at the edge: outside data checked against the contract records, and their schema.

Imported only when a record is validated (`Model.model_validate`) or described
(`Model.model_json_schema`, `plancli schema`); converting a document never needs it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, get_type_hints

from pydantic import TypeAdapter
from pydantic_core import core_schema

from plancli.records import Model, as_data

Record = TypeVar("Record")


@cache
def adapter(kind: type) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def validate(kind: type[Record], data: Any) -> Record:
    """`data` as a `kind` record, or a `pydantic.ValidationError` saying what does not fit."""
    validated: Record = adapter(kind).validate_python(data)
    return validated


def json_schema(kind: type) -> dict[str, Any]:
    """The JSON Schema of `kind`, each record titled with its name."""
    schema: dict[str, Any] = adapter(kind).json_schema()
    for name, definition in schema.get("$defs", {}).items():
        definition.setdefault("title", name)
    return {"title": kind.__name__, **schema}


def record_schema(kind: type, handler: Any) -> core_schema.CoreSchema:
    """A record (a `Model` or one of core's NamedTuples) validated from a mapping of its fields
    (or taken as it is) and described as an object, the way the output writes it."""
    ref = f"{kind.__module__}.{kind.__qualname__}"
    if kind in BUILDING:  # a record nested in itself (a section's children)
        return core_schema.definition_reference_schema(ref)
    BUILDING.add(kind)
    try:
        fields = field_schemas(kind, handler)
    finally:
        BUILDING.discard(kind)
    from_mapping = core_schema.no_info_after_validator_function(
        lambda data: kind(**data),
        core_schema.typed_dict_schema(fields, extra_behavior="forbid"),
    )
    return core_schema.json_or_python_schema(
        json_schema=from_mapping,
        python_schema=core_schema.union_schema(
            [core_schema.is_instance_schema(kind), from_mapping]
        ),
        serialization=core_schema.plain_serializer_function_ser_schema(as_data),
        ref=ref,
    )


BUILDING: set[type] = set()


def field_schemas(kind: type, handler: Any) -> dict[str, core_schema.TypedDictField]:
    hints = get_type_hints(kind)
    required = required_fields(kind)
    return {
        name: core_schema.typed_dict_field(
            handler.generate_schema(hints[name]), required=name in required
        )
        for name in kind._fields  # type: ignore[attr-defined]
    }


def required_fields(kind: type) -> frozenset[str]:
    if issubclass(kind, Model):
        return kind._required
    return frozenset(kind._fields) - kind._field_defaults.keys()  # type: ignore[attr-defined]
