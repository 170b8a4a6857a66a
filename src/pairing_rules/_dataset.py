"""Input records: validation with clear, bilingual errors; nothing dropped silently.

:func:`load_dataset` validates every record of every collection.  A record
that fails becomes a :class:`Rejection` naming its position, its id and each
field that is wrong, in Chinese and English; the valid records are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._errors import InputError
from ._i18n import Lang, Text
from ._models import Record, field_label

#: top-level keys of an input object that are not collections
META_KEYS: Final = frozenset({"meta", "sample", "description", "note"})


class FieldError(BaseModel):
    """One thing wrong with one field of one record.

    :param column: the column (e.g. ``H``) in a workbook or CSV file, when known.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str | None
    message: Text
    value: Any = None
    column: str | None = None


class Notice(BaseModel):
    """A problem with an input file as a whole (an unknown column, merged cells …).

    :param error: an error makes the run end with exit code 2; otherwise it is information
        (e.g. an empty row that was skipped).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    location: str
    message: Text
    error: bool = True

    def render(self, lang: Lang = "zh") -> str:
        return f"{self.location}：{self.message.get(lang)}"


class Rejection(BaseModel):
    """A record that was not processed, and why.

    :param index: the record's position in its collection, from 0.
    :param location: where a person finds it (file, sheet, row), when known.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str
    index: int
    id: str | None = None
    location: str | None = None
    errors: list[FieldError] = Field(min_length=1)

    @property
    def reason(self) -> Text:
        """Every error of the record in one line."""
        return Text(
            zh="；".join(e.message.zh for e in self.errors),
            en="; ".join(e.message.en for e in self.errors),
        )

    def where(self, lang: Lang = "zh") -> str:
        """``第 3 条（编号 CN-03）`` / ``record 3 (id CN-03)``, or the location."""
        if self.location:
            place = self.location
        elif lang == "en":
            place = f"{self.collection} record {self.index + 1}"
        else:
            place = f"{self.collection} 第 {self.index + 1} 条"
        if self.id:
            place += f"（编号 {self.id}）" if lang == "zh" else f" (id {self.id})"
        return place

    def render(self, lang: Lang = "zh") -> str:
        return f"{self.where(lang)}：{self.reason.get(lang)}"

    def as_json(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "index": self.index,
            "id": self.id,
            "location": self.location,
            "reason": self.reason.model_dump(),
            "errors": [
                {
                    "field": e.field,
                    "column": e.column,
                    "message": e.message.model_dump(),
                    "value": _safe(e.value),
                }
                for e in self.errors
            ],
        }


def _safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@dataclass
class Dataset:
    """Validated records by collection, and the records that were rejected."""

    collections: dict[str, list[Record]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def records(self, collection: str) -> list[Record]:
        return self.collections.get(collection, [])

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.collections.values())


def translate_errors(exc: ValidationError, model: type[BaseModel]) -> list[FieldError]:
    """Turn pydantic's errors into bilingual messages that name the field."""
    out = []
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"]]
        ctx = err.get("ctx") or {}
        name = loc[0] if loc else ctx.get("field")
        if not loc and isinstance(ctx.get("field"), str):
            name = ctx["field"]
        path = ".".join(loc) if loc else name
        label_zh = field_label(model, name, "zh") if name else "记录"
        label_en = field_label(model, name, "en") if name else "record"
        zh, en = _explain(err["type"], ctx, err.get("input"), err.get("msg", ""), model)
        out.append(
            FieldError(
                field=path,
                message=Text(
                    zh=f"字段 {path}（{label_zh}）{zh}" if name else zh,
                    en=f"field {path} ({label_en}) {en}" if name else en,
                ),
                value=None if err["type"] == "missing" else err.get("input"),
            )
        )
    return out


def _explain(
    kind: str, ctx: Mapping[str, Any], value: Any, msg: str, model: type[BaseModel]
) -> tuple[str, str]:
    shown = repr(value) if isinstance(value, str) else str(value)
    if kind == "missing":
        return "缺失（必填）", "is missing (required)"
    if kind == "extra_forbidden":
        return "不是已知字段（请检查拼写）", "is not a known field (check the spelling)"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"不能小于 {bound}，实际为 {shown}", f"must be at least {bound}, got {shown}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"不能大于 {bound}，实际为 {shown}", f"must be at most {bound}, got {shown}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"应为整数，实际为 {shown}", f"must be a whole number, got {shown}"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return f"应为数字，实际为 {shown}", f"must be a number, got {shown}"
    if kind in ("bool_parsing", "bool_type"):
        return f"应为“是”或“否”，实际为 {shown}", f"must be yes or no, got {shown}"
    if kind == "enum":
        expected = ctx.get("expected", "")
        return f"取值 {shown} 无效，可选：{expected}", f"{shown} is not one of: {expected}"
    if kind in ("string_too_short", "too_short"):
        return "不能为空", "must not be empty"
    if kind in ("string_type", "str_type"):
        return f"应为文字，实际为 {shown}", f"must be text, got {shown}"
    if kind in (
        "date_parsing",
        "date_from_datetime_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return (
            f"应为日期（如 2022-06-30），实际为 {shown}",
            f"must be a date (e.g. 2022-06-30), got {shown}",
        )
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        return f"格式不正确，实际为 {shown}", f"has the wrong shape, got {shown}"
    if kind == "field_exceeds":
        other = str(ctx.get("other", ""))
        return (
            f"不能大于 {other}（{field_label(model, other, 'zh')}）",
            f"must not exceed {other} ({field_label(model, other, 'en')})",
        )
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        return text, text
    return msg, msg


def record_id(item: Any) -> str | None:
    """The id a raw record gives, if any, as text."""
    if isinstance(item, Mapping):
        value = item.get("id")
        if value is None or isinstance(value, bool):
            return None
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return text or None
    return None


def validate_records(
    items: Sequence[Any],
    model: type[Record],
    collection: str,
    *,
    locations: Sequence[str | None] | None = None,
    extra_errors: Mapping[int, Sequence[FieldError]] | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[list[Record], list[Rejection]]:
    """Validate ``items``; return the records and the rejections, in input order.

    A second record with an id already seen is rejected (ids are unique within
    a collection).  ``extra_errors`` adds errors found before validation (e.g.
    a formula cell without a cached value).
    """
    records: list[Record] = []
    rejected: list[Rejection] = []
    seen: dict[str, int] = {}
    validate = model.model_validate
    for index, item in enumerate(items):
        location = locations[index] if locations is not None else None
        errors: list[FieldError] = list((extra_errors or {}).get(index, ()))
        rid = record_id(item)
        record: Record | None = None
        if not isinstance(item, Mapping):
            errors.append(
                FieldError(
                    field=None,
                    message=Text(zh="记录应为一个对象（键值对）", en="a record must be an object"),
                    value=item,
                )
            )
        else:
            try:
                record = validate(item)
            except ValidationError as exc:
                errors.extend(translate_errors(exc, model))
        if rid is not None and "id" in model.model_fields:
            if rid in seen:
                errors.append(
                    FieldError(
                        field="id",
                        message=Text(
                            zh=f"字段 id（编号）{rid} 重复，与第 {seen[rid] + 1} 条相同",
                            en=f"field id {rid} is a duplicate of record {seen[rid] + 1}",
                        ),
                        value=rid,
                    )
                )
            else:
                seen[rid] = index
        if errors and columns:
            errors = [_with_column(e, columns) for e in errors]
        if errors:
            rejected.append(
                Rejection(
                    collection=collection, index=index, id=rid, location=location, errors=errors
                )
            )
        elif record is not None:
            records.append(record)
    return records, rejected


def _with_column(error: FieldError, columns: Mapping[str, str]) -> FieldError:
    if error.column is not None or error.field is None:
        return error
    column = columns.get(error.field) or columns.get(error.field.split(".", 1)[0])
    if column is None:
        return error
    return FieldError(
        field=error.field,
        column=column,
        value=error.value,
        message=Text(
            zh=f"{error.message.zh}（第 {column} 列）", en=f"{error.message.en} (column {column})"
        ),
    )


def load_dataset(
    raw: Any,
    record_types: Mapping[str, type[Record]],
    *,
    wanted: Iterable[str] | None = None,
) -> Dataset:
    """Validate an input object ``{"communities": [...], "pairs": [...], ...}``.

    Keys starting with ``_`` and the keys ``meta``, ``sample``, ``description``
    and ``note`` are ignored; any other unknown key is an error, so that a
    misspelt collection is not silently skipped.

    :param wanted: the collections the caller reads; others present are validated too.
    :raises InputError: when ``raw`` is not an object or a collection is not a list.
    """
    if not isinstance(raw, Mapping):
        raise InputError(
            Text(
                zh='输入应为一个 JSON 对象，例如 {"communities": [...]}',
                en='the input must be a JSON object, e.g. {"communities": [...]}',
            )
        )
    dataset = Dataset()
    known = dict(record_types)
    for key, value in raw.items():
        if key.startswith("_") or key in META_KEYS:
            continue
        model = known.get(key)
        if model is None:
            names = "、".join(known)
            raise InputError(
                Text(
                    zh=f"未知的数据集合 {key!r}；可用的集合：{names}",
                    en=f"unknown collection {key!r}; known collections: {', '.join(known)}",
                )
            )
        if not isinstance(value, list):
            raise InputError(
                Text(zh=f"{key} 应为一个数组（列表）", en=f"{key} must be an array (list)")
            )
        records, rejected = validate_records(value, model, key)
        dataset.collections[key] = records
        dataset.rejected.extend(rejected)
    for name in wanted or ():
        dataset.collections.setdefault(name, [])
    return dataset
