"""Field specs: what each field of a record type holds, declared once.

:func:`record_spec` reads a record type's annotations once and says, for every
field, what kind of value it holds (count, decimal, yes/no, text, vocabulary,
date, list), whether it is required, its bounds, its vocabulary and its
label; and, for the record type, the rules between fields (:attr:`Record.LIMITS
<pairing_rules.Record.LIMITS>`) and whether the table path can enforce all of its
validation from this declaration.  Everything that needs to know what a field
is (the rules, the table path, templates, reports) asks here.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.functional_validators import (
    AfterValidator,
    BeforeValidator,
    PlainValidator,
    WrapValidator,
)

from ._i18n import Text
from ._models import Limit, Record, field_text
from ._values import COERCIONS

FieldKind = Literal["int", "decimal", "bool", "text", "enum", "date", "list", "model", "other"]

#: the validator Pydantic adds for every record type (rules between fields, from data)
_RECORD_VALIDATORS: Final = frozenset({"_within_limits"})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a record type.

    :param kind: what it holds: ``int`` (a count), ``decimal``, ``bool`` (yes/no),
        ``text``, ``enum`` (a vocabulary), ``date``, ``list`` (of ``item``), ``model``
        (a nested object) or ``other``.
    :param low: the smallest value allowed (``ge``), if any.
    :param high: the largest value allowed (``le``), if any.
    :param enum: the vocabulary of an ``enum`` field or of a list's items.
    :param item: the kind of a list's items.
    :param coercions: the core's input coercions the field applies (their function names,
        e.g. ``_percent``: a number strictly between 0 and 1 is asked about).
    :param custom: validators whose meaning only the record model knows.
    """

    name: str
    kind: FieldKind
    required: bool
    label: Text
    low: Decimal | None = None
    high: Decimal | None = None
    min_length: int | None = None
    enum: type[Enum] | None = None
    item: FieldKind | None = None
    coercions: tuple[str, ...] = ()
    custom: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordSpec:
    """Every field of a record type, its rules between fields, and how the table path reads it.

    :param compilable: whether the table path can enforce the whole validation of
        the record type from the field specs; when not (a validator of its own,
        see ``reasons``), every row of a table is validated by the record model.
    """

    model: type[Record]
    fields: Mapping[str, FieldSpec]
    limits: tuple[Limit, ...]
    compilable: bool
    reasons: tuple[str, ...]

    def kind(self, name: str) -> FieldKind:
        """The kind of field ``name`` (``other`` when the record type has no such field)."""
        spec = self.fields.get(name)
        return spec.kind if spec is not None else "other"

    def required(self) -> list[str]:
        """The fields every record must give."""
        return [f.name for f in self.fields.values() if f.required]


def _validator_function(meta: Any) -> Any:
    if isinstance(meta, BeforeValidator | AfterValidator | PlainValidator | WrapValidator):
        return meta.func
    return None


def _field_spec(model: type[BaseModel], name: str, info: FieldInfo) -> FieldSpec:
    metadata: list[Any] = list(info.metadata)
    found: list[Any] = []
    is_list = False
    pending: list[Any] = [info.annotation]
    while pending:
        current = pending.pop()
        origin = typing.get_origin(current)
        if origin is typing.Annotated:
            args = typing.get_args(current)
            pending.append(args[0])
            metadata.extend(args[1:])
        elif origin in (typing.Union, types.UnionType):
            pending.extend(a for a in typing.get_args(current) if a is not type(None))
        elif origin is list:
            is_list = True
            pending.extend(typing.get_args(current))
        elif current is not type(None):
            found.append(current)
    low = high = None
    min_length = None
    custom: list[str] = []
    known: list[str] = []
    index = 0
    while index < len(metadata):  # a nested FieldInfo adds its own metadata as it is met
        meta = metadata[index]
        index += 1
        if isinstance(meta, FieldInfo):
            metadata.extend(meta.metadata)
        elif isinstance(meta, annotated_types.Ge):
            low = Decimal(str(meta.ge))
        elif isinstance(meta, annotated_types.Le):
            high = Decimal(str(meta.le))
        elif isinstance(meta, annotated_types.MinLen):
            min_length = meta.min_length
        else:
            fn = _validator_function(meta)
            if fn is not None:
                label = getattr(fn, "__qualname__", repr(fn))
                (known if fn in COERCIONS else custom).append(label)
    kind = _kind(found)
    enum = next((t for t in found if isinstance(t, type) and issubclass(t, Enum)), None)
    if is_list:
        return FieldSpec(
            name=name,
            kind="list",
            required=info.is_required(),
            label=field_text(model, name),
            min_length=min_length,
            enum=enum,
            item=kind,
            coercions=tuple(known),
            custom=tuple(custom),
        )
    return FieldSpec(
        name=name,
        kind=kind,
        required=info.is_required(),
        label=field_text(model, name),
        low=low,
        high=high,
        min_length=min_length,
        enum=enum,
        coercions=tuple(known),
        custom=tuple(custom),
    )


def _kind(found: list[Any]) -> FieldKind:
    if len(found) != 1:
        return "other"
    (only,) = found
    if only is bool:
        return "bool"
    if only is int:
        return "int"
    if only is Decimal:
        return "decimal"
    if only is dt.date:
        return "date"
    if only is str:
        return "text"
    if isinstance(only, type) and issubclass(only, Enum):
        return "enum"
    if isinstance(only, type) and issubclass(only, BaseModel):
        return "model"
    return "other"


@functools.cache
def record_spec(model: type[Record]) -> RecordSpec:
    """The field specs of ``model`` (computed once per record type)."""
    fields = {name: _field_spec(model, name, info) for name, info in model.model_fields.items()}
    reasons: list[str] = []
    decorators = model.__pydantic_decorators__
    for name in decorators.model_validators:
        if name not in _RECORD_VALIDATORS:
            reasons.append(f"model validator {name}")
    for name in decorators.field_validators:
        reasons.append(f"field validator {name}")
    for spec in fields.values():
        reasons.extend(f"{spec.name}: validator {fn}" for fn in spec.custom)
    limits = tuple(getattr(model, "LIMITS", ()))
    for limit in limits:
        if limit.field not in fields or limit.other not in fields:
            raise ValueError(f"{model.__name__}: a limit names an unknown field: {limit}")
    return RecordSpec(
        model=model,
        fields=fields,
        limits=limits,
        compilable=not reasons,
        reasons=tuple(reasons),
    )


def field_kind(model: type[Record], name: str) -> FieldKind:
    """The kind of field ``name`` of ``model`` (see :class:`FieldSpec`)."""
    return record_spec(model).kind(name)


def enum_of(model: type[Record], name: str) -> type[Enum] | None:
    """The vocabulary of field ``name`` of ``model`` (``None`` when it has none)."""
    spec = record_spec(model).fields.get(name)
    return spec.enum if spec is not None else None
