"""Columns of a record type as a workbook or CSV file holds them.

A :class:`ColumnSpec` says what a column holds (its field key, its Chinese and
English header, the kind of value, the choices of an enumeration) and which
rules of a pack read it.  Nested models (a pair's ``agreement``) become dotted
keys (``agreement.liaison``).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Literal

from annotated_types import Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .._i18n import Text
from .._models import Record, field_text
from .._provenance import Source

Kind = Literal["text", "integer", "decimal", "percent", "yesno", "choice", "list", "date"]

#: fields that identify or describe a record: always in a template
DESCRIPTIVE: Final = frozenset(
    {
        "id",
        "type",
        "scope",
        "core",
        "members",
        "year",
        "city",
        "county",
        "supporter",
        "supported",
        "name",
        "parent",
        "note",
    }
)


@dataclass(frozen=True)
class ColumnSpec:
    """One column: field key, headers, kind of value, and the rules that read it."""

    key: str
    label: Text
    kind: Kind
    required: bool = False
    choices: tuple[str, ...] = ()
    rules: tuple[tuple[str, Text, Source], ...] = field(default=())
    #: the choices as an English template offers them (read back as the Chinese values)
    choices_en: tuple[str, ...] = ()

    def options(self, lang: Literal["zh", "en"] = "zh") -> tuple[str, ...]:
        """The choices a template offers in ``lang``."""
        return self.choices_en if lang == "en" and self.choices_en else self.choices

    def header(self, lang: Literal["zh", "en"] = "zh") -> str:
        mark = "*" if self.required else ""
        return f"{self.label.get(lang)}{mark}"


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """The core type of an annotation, its metadata, and whether it is a list."""
    metadata: list[Any] = []
    is_list = False
    current = annotation
    for _ in range(10):
        origin = typing.get_origin(current)
        if origin is typing.Annotated:
            args = typing.get_args(current)
            current = args[0]
            metadata.extend(args[1:])
            continue
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(current) if a is not type(None)]
            current = members[0] if len(members) == 1 else str
            continue
        if origin is list:
            is_list = True
            current = typing.get_args(current)[0]
            continue
        break
    return current, metadata, is_list


def english_choices(info: FieldInfo) -> tuple[str, ...]:
    """The English spellings of a field's choices (an enumeration's labels, yes / no)."""
    core, _metadata, _is_list = _unwrap(info.annotation)
    if core is bool:
        return ("yes", "no")
    if isinstance(core, type) and issubclass(core, Enum):
        return tuple(str(getattr(getattr(m, "label", None), "en", m.value)) for m in core)
    return ()


def _kind(info: FieldInfo) -> tuple[Kind, tuple[str, ...], type[BaseModel] | None]:
    core, metadata, is_list = _unwrap(info.annotation)
    metadata = [*metadata, *info.metadata]
    if isinstance(core, type) and issubclass(core, Enum):
        choices = tuple(str(m.value) for m in core)
        return ("list" if is_list else "choice"), choices, None
    if is_list:
        return "list", (), None
    if isinstance(core, type) and issubclass(core, BaseModel):
        return "text", (), core
    if core is bool:
        return "yesno", ("是", "否"), None
    if core is int:
        return "integer", (), None
    if core is Decimal:
        percent = any(isinstance(m, Le) and m.le == 100 for m in metadata)
        for m in metadata:
            for inner in getattr(m, "metadata", []):
                if isinstance(inner, Le) and inner.le == 100:
                    percent = True
        return ("percent" if percent else "decimal"), (), None
    if core is dt.date:
        return "date", (), None
    return "text", (), None


def model_columns(
    model: type[BaseModel], prefix: str = "", parent: Text | None = None
) -> list[ColumnSpec]:
    """Every column of ``model`` (nested models expanded, their headers after their parent's
    label: ``结对协议内容·结对目标``), in field order."""
    out: list[ColumnSpec] = []
    for name, info in model.model_fields.items():
        kind, choices, nested = _kind(info)
        key = f"{prefix}{name}"
        if nested is not None:
            out.extend(model_columns(nested, prefix=f"{key}.", parent=field_text(model, name)))
            continue
        label = field_text(model, name)
        if prefix:
            up = parent or Text(zh=prefix.rstrip("."), en=prefix.rstrip("."))
            label = Text(zh=f"{up.zh}·{label.zh}", en=f"{up.en}: {label.en}")
        out.append(
            ColumnSpec(
                key=key,
                label=label,
                kind=kind,
                required=info.is_required() and not prefix,
                choices=choices,
                choices_en=english_choices(info) if choices else (),
            )
        )
    return out


def template_columns(
    model: type[Record], read: dict[str, list[tuple[str, Text, Source]]]
) -> list[ColumnSpec]:
    """The columns a pack's template holds: descriptive and required fields and the fields it reads.

    A collection no declared rule reads (only a pack's hook does) gets every column.
    """
    columns = []
    for spec in model_columns(model):
        top = spec.key.split(".", 1)[0]
        if not read or spec.required or top in DESCRIPTIVE or top in read:
            rules = tuple(read.get(top, ()))
            columns.append(
                ColumnSpec(
                    key=spec.key,
                    label=spec.label,
                    kind=spec.kind,
                    required=spec.required,
                    choices=spec.choices,
                    rules=rules,
                    choices_en=spec.choices_en,
                )
            )
    return columns
