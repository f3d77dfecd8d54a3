"""pydantic at the edge: outside data checked against the contract records, and their schema.

Imported only when a record is validated (`Model.model_validate`) or described
(`Model.model_json_schema`, `plancli schema`); converting a document never needs it.
Each record is described to pydantic as the mapping the output writes (its fields, with
their defaults, no others) that becomes the record once it validates; a record given as
it is is checked field by field like its mapping.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any, TypeVar, get_type_hints

from pydantic import TypeAdapter
from pydantic_core import PydanticUndefined, core_schema

Record = TypeVar("Record")

# Schemas are built one at a time: a record nested in itself is told apart by BUILDING.
SCHEMA_LOCK = threading.RLock()
BUILDING: set[type] = set()
DESCRIBED: dict[str, type] = {}  # each record in a schema by name, for its description


@cache
def adapter(kind: type) -> TypeAdapter[Any]:
    with SCHEMA_LOCK:
        return TypeAdapter(kind, config={"title": kind.__name__})


def validate(kind: type[Record], data: Any) -> Record:
    """`data` as a `kind` record, or a `pydantic.ValidationError` saying what does not fit."""
    validated: Record = adapter(kind).validate_python(data)
    return validated


def json_schema(kind: type) -> dict[str, Any]:
    """The JSON Schema of `kind`, each record titled with its name and described by its
    docstring."""
    schema: dict[str, Any] = adapter(kind).json_schema()
    for name, definition in schema.get("$defs", {}).items():
        definition.setdefault("title", name)
        described = DESCRIBED.get(name)
        if described is not None and described.__doc__ and "description" not in definition:
            import inspect

            definition["description"] = inspect.cleandoc(described.__doc__)
    return {"title": kind.__name__, **schema}


def record_schema(kind: type, handler: Any) -> core_schema.CoreSchema:
    """A record (a `Model` or one of core's NamedTuples) validated from a mapping of its
    fields, or from a record of its own type, and described as the object the output writes."""
    ref = f"{kind.__module__}.{kind.__qualname__}"
    if kind in BUILDING:  # a record nested in itself (a section's children)
        return core_schema.definition_reference_schema(ref)
    BUILDING.add(kind)
    try:
        fields = field_schemas(kind, handler)
    finally:
        BUILDING.discard(kind)
    DESCRIBED[kind.__name__] = kind
    from_mapping = core_schema.no_info_after_validator_function(
        RecordBuilder(kind), core_schema.typed_dict_schema(fields, extra_behavior="forbid")
    )
    return core_schema.json_or_python_schema(
        json_schema=from_mapping,
        python_schema=core_schema.no_info_before_validator_function(
            RecordFields(kind), from_mapping
        ),
        serialization=core_schema.plain_serializer_function_ser_schema(record_data),
        ref=ref,
    )


class RecordBuilder:
    """The record from its validated fields (named, for pydantic's error locations)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __call__(self, data: dict[str, Any]) -> Any:
        return self.kind(**data)


class RecordFields:
    """A record of `kind` as the mapping of its fields (anything else as it is)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __call__(self, value: Any) -> Any:
        if isinstance(value, self.kind):
            return {name: getattr(value, name) for name in self.kind._fields}  # type: ignore[attr-defined]
        return value


def field_schemas(kind: type, handler: Any) -> dict[str, core_schema.TypedDictField]:
    hints = get_type_hints(kind)
    defaults = field_defaults(kind)
    fields = {}
    for name in kind._fields:  # type: ignore[attr-defined]
        schema = handler.generate_schema(hints[name])
        default = defaults.get(name, PydanticUndefined)
        if callable(default):
            schema = core_schema.with_default_schema(schema, default_factory=default)
        elif default is not PydanticUndefined:
            schema = core_schema.with_default_schema(schema, default=default)
        fields[name] = core_schema.typed_dict_field(schema, required=default is PydanticUndefined)
    return fields


def record_data(record: Any) -> Any:
    """A record as the mapping the output writes (a NamedTuple record holds only scalars)."""
    return record.model_dump() if hasattr(record, "model_dump") else record._asdict()


def field_defaults(kind: type) -> dict[str, Any]:
    """Each field's default value (or, when it is made anew each time, its factory). A
    NamedTuple's field that may be None defaults to None, as the output contract says
    (core's `Diagnostic.line`), although its constructor asks for it."""
    if hasattr(kind, "_factories"):  # a `plancli.records.Model`
        return {**kind._defaults, **dict(kind._factories)}
    hints = get_type_hints(kind)
    optional = {name: None for name in kind._fields if accepts_none(hints[name])}  # type: ignore[attr-defined]
    return {**optional, **kind._field_defaults}  # type: ignore[attr-defined]


def accepts_none(annotation: Any) -> bool:
    return type(None) in getattr(annotation, "__args__", ())
