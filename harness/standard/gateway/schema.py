"""A tiny schema language for Gateway's JSON (its TypeBox schemas, as data).

`validate(payload, schema)` returns one line per problem, naming the field, so a check can
say exactly which field of which route is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


class Kind:
    NUMBER = "number"
    INTEGER = "integer"
    STRING = "string"
    BOOLEAN = "boolean"
    OBJECT = "object"
    ARRAY = "array"
    NUMBER_MAP = "number map"  # Type.Record(Type.String(), Type.Number())
    ANY = "any"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    enum: tuple[Any, ...] = ()
    schema: Schema | None = None  # of an object, or of each array item

    def optional(self) -> Field:
        return Field(self.name, self.kind, False, self.nullable, self.enum, self.schema)


@dataclass(frozen=True)
class Schema:
    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)

    def extend(self, name: str, *fields: Field) -> Schema:
        """This schema with `fields` added (or replaced, by name)."""
        names = {f.name for f in fields}
        return Schema(name, tuple(f for f in self.fields if f.name not in names) + fields)

    def without(self, name: str, *names: str) -> Schema:
        return Schema(name, tuple(f for f in self.fields if f.name not in names))


def num(name: str, **kw: Any) -> Field:
    return Field(name, Kind.NUMBER, **kw)


def text(name: str, **kw: Any) -> Field:
    return Field(name, Kind.STRING, **kw)


def _kind_ok(value: Any, kind: str) -> bool:
    if kind == Kind.ANY:
        return True
    if kind in (Kind.NUMBER, Kind.INTEGER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return kind == Kind.NUMBER or float(value).is_integer()
    if kind == Kind.STRING:
        return isinstance(value, str)
    if kind == Kind.BOOLEAN:
        return isinstance(value, bool)
    if kind in (Kind.OBJECT, Kind.NUMBER_MAP):
        return isinstance(value, dict)
    return isinstance(value, list)


def validate(payload: Any, schema: Schema, where: str = "") -> list[str]:
    """Problems of `payload` against `schema`, one line each (empty: it conforms)."""
    if not isinstance(payload, Mapping):
        return [f"{where or schema.name}: expected an object, got {type(payload).__name__}"]
    problems: list[str] = []
    for spec in schema.fields:
        path = f"{where}.{spec.name}" if where else spec.name
        if spec.name not in payload:
            if spec.required:
                problems.append(f"{path}: missing (required by {schema.name})")
            continue
        value = payload[spec.name]
        if value is None:
            if not spec.nullable:
                problems.append(f"{path}: null, expected {spec.kind}")
            continue
        if not _kind_ok(value, spec.kind):
            problems.append(f"{path}: {value!r} is not a {spec.kind}")
            continue
        if spec.enum and value not in spec.enum:
            problems.append(f"{path}: {value!r} is not one of {', '.join(map(str, spec.enum))}")
        if spec.kind == Kind.NUMBER_MAP:
            problems += [f"{path}.{key}: {item!r} is not a number"
                         for key, item in value.items() if not _kind_ok(item, Kind.NUMBER)]
        elif spec.schema is not None and spec.kind == Kind.OBJECT:
            problems += validate(value, spec.schema, path)
        elif spec.schema is not None and spec.kind == Kind.ARRAY:
            for index, item in enumerate(value):
                problems += validate(item, spec.schema, f"{path}[{index}]")
    return problems


def jsonable(value: Any) -> Any:
    """Decimals as JSON numbers (Gateway's schemas use Type.Number), recursively."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 2**53:
            return int(value)
        return float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
