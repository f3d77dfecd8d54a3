"""pydantic at the edge: outside data checked against the contract records, and their schema.

Imported only when a record is validated (`Model.model_validate`) or described
(`Model.model_json_schema`, `plancli schema`); converting a document never needs it.
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple, TypeVar, get_type_hints

from pydantic import TypeAdapter
from pydantic_core import core_schema

Record = TypeVar("Record")


@cache
def adapter(kind: type) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def validate(kind: type[Record], data: Any) -> Record:
    """`data` as a `kind` record, or a `pydantic.ValidationError` saying what does not fit."""
    validated: Record = adapter(kind).validate_python(data)
    return validated


def json_schema(kind: type) -> dict[str, Any]:
    return adapter(kind).json_schema()


def record_schema(kind: type[NamedTuple], handler: Any) -> core_schema.CoreSchema:
    """A NamedTuple record validated from a mapping of its fields (or taken as it is) and
    described as an object, the way the output writes it."""
    hints = get_type_hints(kind)
    fields = {
        name: core_schema.typed_dict_field(
            handler.generate_schema(hints[name]), required=name not in kind._field_defaults
        )
        for name in kind._fields
    }
    from_mapping = core_schema.no_info_after_validator_function(
        lambda data: kind(**data),
        core_schema.typed_dict_schema(fields, extra_behavior="forbid", cls=None),
    )
    return core_schema.json_or_python_schema(
        json_schema=from_mapping,
        python_schema=core_schema.union_schema(
            [core_schema.is_instance_schema(kind), from_mapping]
        ),
        serialization=core_schema.plain_serializer_function_ser_schema(lambda r: r._asdict()),
        ref=kind.__name__,
    )
