"""Records: the immutable, keyword-built value types of the output contract.

A record class lists its fields as annotations, with defaults (`= None`, `= "text"`) or
`= field(default_factory=list)`; `Model` gives it a keyword `__init__` that checks the names,
equality, a repr, pydantic's method names (`model_dump`, `model_copy`, `model_validate`,
`model_json_schema`), and refuses assignment: a record is built whole, or copied with
changes. Fields declared `float` hold floats even when built from an int, as the output
writes them.

Why not `dataclasses`: building twenty dataclasses (and importing `dataclasses`, which imports
`inspect`) costs more than a third of the bare OpenCC pass at every start of the command line,
and these records need none of the generated code's speed. pydantic is the edge
(`plancli.validation`): it checks outside data and writes the JSON Schema, from the same
annotations.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - only type checkers read it

    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda kind: kind


Self = TypeVar("Self", bound="Model")


class FrozenRecordError(AttributeError):
    """A field of a record was assigned or deleted after the record was built."""


class Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """A field whose default is made anew for each record (a list, a dict)."""
    return Factory(default_factory)


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Model:
    """The base of every record: see the module docstring."""

    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _factories: ClassVar[tuple[tuple[str, Callable[[], Any]], ...]] = ()
    _required: ClassVar[frozenset[str]] = frozenset()
    _known: ClassVar[frozenset[str]] = frozenset()
    _floats: ClassVar[tuple[str, ...]] = ()
    # read by pydantic when it validates a record: unknown keys are an error
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        annotations = cls.__annotations__  # its own only (Python >= 3.10)
        own = [name for name, kind in annotations.items() if not is_class_variable(kind)]
        defaults, factories = dict(cls._defaults), dict(cls._factories)
        for name in own:
            default = cls.__dict__.get(name, MISSING)
            if default is MISSING:
                continue
            if isinstance(default, (list, dict, set)):
                raise TypeError(f"{cls.__name__}.{name}: use field(default_factory=...)")
            if isinstance(default, Factory):
                factories[name] = default.make
                defaults.pop(name, None)
            else:
                defaults[name] = default
                factories.pop(name, None)
            delattr(cls, name)
        cls._fields = (*cls._fields, *(name for name in own if name not in cls._fields))
        cls._defaults, cls._factories = defaults, tuple(factories.items())
        cls._known = frozenset(cls._fields)
        cls._required = cls._known - defaults.keys() - factories.keys()
        floats = (name for name in own if holds_float(annotations[name]))
        cls._floats = (*cls._floats, *(name for name in floats if name not in cls._floats))

    def __init__(self, **values: Any) -> None:
        kind = type(self)
        if values.keys() == kind._known:
            data = values  # every field given (most records): the keywords, a dict of our own
        elif kind._required <= values.keys() <= kind._known:
            data = {**kind._defaults, **values}
            for name, make in kind._factories:
                if name not in values:
                    data[name] = make()
        else:
            raise TypeError(wrong_fields(kind, values))
        if kind._floats:
            settle(kind, data)
        set_fields(self, "__dict__", data)

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenRecordError(f"cannot assign to field {name!r}: copy the record instead")

    def __delattr__(self, name: str) -> None:
        raise FrozenRecordError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # fields hold lists

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"

    # --- pydantic's names -----------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from plancli.validation import record_schema

        return record_schema(cls, handler)

    @classmethod
    def model_validate(cls: type[Self], data: Any) -> Self:
        """`data` (a mapping, e.g. parsed JSON, or a record) checked against the contract."""
        from plancli.validation import validate

        return validate(cls, data)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        from plancli.validation import json_schema

        return json_schema(cls)

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        include: set[str] | None = None,
        exclude: set[str] | None = None,
    ) -> dict[str, Any]:
        """The record as plain data (both modes give JSON-ready values: nothing needs more);
        only the fields asked for are converted."""
        return {
            name: as_data(getattr(self, name))
            for name in self._fields
            if (include is None or name in include) and (exclude is None or name not in exclude)
        }

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """JSON as pydantic writes it (compact unless `indent`, non-ASCII kept)."""
        import json

        separators = (",", ":") if indent is None else None
        return json.dumps(as_data(self), ensure_ascii=False, indent=indent, separators=separators)

    @classmethod
    def model_validate_json(cls: type[Self], text: str | bytes) -> Self:
        import json

        return cls.model_validate(json.loads(text))

    def model_copy(self: Self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Self:
        """A new record with the fields in `update` replaced, the others shared (or copied
        too, with `deep`)."""
        kind = type(self)
        if update and not update.keys() <= kind._known:
            raise TypeError(wrong_fields(kind, {**self.__dict__, **update}))
        data = {**self.__dict__, **(update or {})}
        if deep:
            import copy

            data = copy.deepcopy(data)
        if kind._floats:
            settle(kind, data)
        copied = object.__new__(kind)
        set_fields(copied, "__dict__", data)
        return copied


MISSING = object()
set_fields = object.__setattr__  # past the record's own __setattr__, which refuses
FLOAT_ANNOTATIONS = {"float", "float|None", "None|float", "Optional[float]"}


def is_class_variable(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or getattr(annotation, "__origin__", None) is ClassVar


def holds_float(annotation: Any) -> bool:
    """A field declared `float` or `float | None` (not `int | float`: that keeps ints)."""
    if isinstance(annotation, str):
        return annotation.replace(" ", "") in FLOAT_ANNOTATIONS
    return annotation is float or set(getattr(annotation, "__args__", ())) == {float, type(None)}


def settle(kind: type[Model], data: dict[str, Any]) -> None:
    """A whole number given for a float field becomes a float, as the contract writes it."""
    for name in kind._floats:
        if type(data[name]) is int:
            data[name] = float(data[name])


def wrong_fields(kind: type[Model], values: dict[str, Any]) -> str:
    missing = sorted(kind._required - values.keys())
    unknown = sorted(values.keys() - kind._known)
    problems = [f"missing {', '.join(missing)}"] * bool(missing)
    problems += [f"unknown {', '.join(unknown)}"] * bool(unknown)
    return f"{kind.__name__}: {'; '.join(problems)}"


def field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a record type (a `Model` or a NamedTuple), else None."""
    try:
        return RECORD_FIELDS[kind]
    except KeyError:
        pass
    is_record = issubclass(kind, Model) or (issubclass(kind, tuple) and hasattr(kind, "_fields"))
    names: tuple[str, ...] | None = kind._fields if is_record else None  # type: ignore[attr-defined]
    RECORD_FIELDS[kind] = names
    return names


RECORD_FIELDS: dict[type, tuple[str, ...] | None] = dict.fromkeys(
    (str, int, float, bool, type(None), list, dict)
)


def as_data(value: Any) -> Any:
    """`value` as JSON-ready data: records become mappings in field order, tuples lists."""
    names = field_names(type(value))
    if names is not None:
        return {name: as_data(getattr(value, name)) for name in names}
    if isinstance(value, (list, tuple)):
        return [as_data(item) for item in value]
    if isinstance(value, dict):
        return {key: as_data(item) for key, item in value.items()}
    return value
