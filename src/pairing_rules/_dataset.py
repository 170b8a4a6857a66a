"""Input records: validation with clear, bilingual errors; nothing dropped silently.

:func:`load_dataset` validates every record of every collection.  A record
that fails becomes a :class:`Rejection` naming its position, its id and each
field that is wrong, in Chinese and English; the valid records are kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ._errors import ErrorValue, InputError
from ._i18n import Lang, Text
from ._location import Location
from ._models import Record, field_label, field_phrase, record_key, value_phrase

#: top-level keys of an input object that are not collections
META_KEYS: Final = frozenset({"meta", "sample", "description", "note"})


#: the kinds of field whose blank text is no value (the readers leave a blank cell out alike)
NUMBER_KINDS: Final = frozenset({"int", "decimal"})


class FieldError(BaseModel):
    """One thing wrong with one field of one record.

    :param code: what is wrong, as a stable code (see the table of error codes).
    :param field: the field (``satisfaction``; a nested one ``members.0``), or ``None``
        for the record as a whole.
    :param column: the column (e.g. ``H``) in a workbook or CSV file, when known.
    :param message: what is wrong, in Chinese and English.
    :param value: the offending value (in JSON: a JSON scalar as it is, anything else as text).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    code: str = "invalid_value"
    field: str | None
    column: str | None = None
    message: Text
    value: ErrorValue = None


class Notice(BaseModel):
    """A problem with an input file as a whole (an unknown column, merged cells …).

    :param location: where, in Chinese (kept for compatibility; :attr:`loc` is the structured place).
    :param error: an error makes the run end with exit code 2; otherwise it is information
        (e.g. an empty row that was skipped).
    :param loc: where, as a :class:`Location` (file, sheet, row, column), when known.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    location: str
    message: Text
    error: bool = True
    loc: Location | None = None

    @classmethod
    def at(cls, loc: Location, message: Text, *, error: bool = True) -> Notice:
        """A notice about the place ``loc`` (its Chinese rendering fills :attr:`location`)."""
        return cls(location=loc.render("zh"), message=message, error=error, loc=loc)

    def render(self, lang: Lang = "zh") -> str:
        where = self.loc.render(lang) if self.loc is not None else self.location
        return f"{where}{_colon(lang)}{self.message.get(lang)}"


def _colon(lang: Lang) -> str:
    return "：" if lang == "zh" else ": "


class Rejection(BaseModel):
    """A record that was not processed, and why.

    :param index: the record's position in its collection, from 0 (rejected records counted).
    :param location: where a person finds it (file, sheet, row), in Chinese, when known.
    :param loc: where a person finds it, as a :class:`Location`, when known: rendered in the
        language of the message.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    collection: str
    index: int
    id: str | None = None
    location: str | None = None
    loc: Location | None = None
    #: every error of the record in one line (made from ``errors``)
    reason: Text = Field(default_factory=lambda: Text(zh="", en=""))
    errors: list[FieldError] = Field(min_length=1)

    @classmethod
    def of_record(
        cls,
        collection: str,
        index: int,
        record: Any,
        error: FieldError,
        location: Location | None = None,
    ) -> Rejection:
        """The rejection of a valid ``record`` (its id and place named) for one ``error``."""
        return cls(
            collection=collection,
            index=index,
            id=record_key(record) or None,
            location=location.render("zh") if location is not None else None,
            loc=location,
            errors=[error],
        )

    @model_validator(mode="before")
    @classmethod
    def _reason_of_errors(cls, data: Any) -> Any:
        """``reason`` is always the errors' messages joined, whatever was given."""
        if not isinstance(data, Mapping):
            return data
        errors = data.get("errors")
        if not isinstance(errors, list):
            return data
        try:
            messages = [
                e.message if isinstance(e, FieldError) else Text.model_validate(e["message"])
                for e in errors
            ]
        except (KeyError, TypeError, ValueError):
            return data  # the errors themselves fail validation, with their own message
        reason = Text(zh="；".join(m.zh for m in messages), en="; ".join(m.en for m in messages))
        return {**data, "reason": reason}

    def where(self, lang: Lang = "zh") -> str:
        """``in.csv 第 4 行（编号 CN-03）`` / ``in.csv, row 4 (id CN-03)``; without a row,
        ``communities 第 3 条`` / ``communities record 3``."""
        loc = self.loc
        if loc is not None and (loc.row is not None or loc.sheet is not None):
            place = loc.render(lang)
        elif loc is None and self.location:
            place = self.location
        else:
            number = (
                f"{self.collection} record {self.index + 1}"
                if lang == "en"
                else f"{self.collection} 第 {self.index + 1} 条"
            )
            file = loc.render(lang) if loc is not None else ""
            place = f"{file}{', ' if lang == 'en' else ' '}{number}" if file else number
        if self.id:
            place += f"（编号 {self.id}）" if lang == "zh" else f" (id {self.id})"
        return place

    def render(self, lang: Lang = "zh") -> str:
        return f"{self.where(lang)}{_colon(lang)}{self.reason.get(lang)}"

    def as_json(self) -> dict[str, Any]:
        """The JSON of the rejection: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")

    @property
    def codes(self) -> list[str]:
        """The codes of its errors (``outside_period`` …)."""
        return [e.code for e in self.errors]


@dataclass
class Dataset:
    """Validated records by collection, and the records that were rejected."""

    collections: dict[str, list[Record]] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: per collection, for each valid record: its index in the collection (rejected records
    #: counted) and where it is in the file, when read from a file
    origins: dict[str, list[tuple[int, Location | None]]] = field(default_factory=dict)

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
        label_en = field_label(model, name, "en") if name else "record"
        if err["type"] == "enum":
            ctx = {**ctx, "options": _options(model, loc)}
        zh, en = _explain(err["type"], ctx, err.get("input"), err.get("msg", ""), model)
        out.append(
            FieldError(
                code=_CODES.get(err["type"], "invalid_value"),
                field=path,
                message=Text(
                    zh=f"{field_phrase(model, path)}{zh}" if name else zh,
                    en=f"field {path} ({label_en}) {en}" if name else en,
                ),
                value=None if err["type"] == "missing" else _short(err.get("input")),
            )
        )
    return out


_SHORT: Final = 200

#: the error code of each kind of pydantic error (any other kind: ``invalid_value``)
_CODES: Final = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "greater_than_equal": "value_too_small",
    "greater_than": "value_too_small",
    "less_than_equal": "value_too_large",
    "less_than": "value_too_large",
    "int_parsing": "not_an_integer",
    "int_from_float": "not_an_integer",
    "int_type": "not_an_integer",
    "decimal_parsing": "not_a_number",
    "decimal_type": "not_a_number",
    "float_parsing": "not_a_number",
    "float_type": "not_a_number",
    "finite_number": "not_a_number",
    "bool_parsing": "not_yes_no",
    "bool_type": "not_yes_no",
    "enum": "not_an_option",
    "literal_error": "not_an_option",
    "string_too_short": "empty",
    "too_short": "empty",
    "string_type": "not_text",
    "str_type": "not_text",
    "date_parsing": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
    "date_type": "not_a_date",
    "date_from_datetime_inexact": "not_a_date",
    "list_type": "wrong_shape",
    "model_type": "wrong_shape",
    "dict_type": "wrong_shape",
    "model_attributes_type": "wrong_shape",
    "field_exceeds": "exceeds_field",
    "percent_fraction": "percent_fraction",
    "bool_number": "yes_no_as_number",
    "spreadsheet_error": "spreadsheet_error",
}


def _options(model: type[BaseModel], loc: Sequence[str]) -> str | None:
    """The choices of the field at ``loc`` in Chinese (``融合型、共建型、协作型``), if it is a
    vocabulary field; pydantic's own list is English (``'融合型', '共建型' or '协作型'``)."""
    from ._models import path_owners
    from ._words import _enums_in

    annotation: Any = None
    for part, owner in path_owners(model, loc):
        if owner is not None:
            annotation = owner.model_fields[part].annotation
        elif not part.isdigit():
            return None
    enums = _enums_in(annotation) if annotation is not None else []
    if len(enums) != 1:
        return None
    return "、".join(str(member.value) for member in enums[0])


def _short(value: Any) -> Any:
    """A value to keep in an error: long texts and nested values cut short."""
    if not isinstance(value, str | list | dict | tuple | set):
        return value
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _SHORT:
        return text[:_SHORT] + "…"
    return value if isinstance(value, str) else text


def _explain(
    kind: str, ctx: Mapping[str, Any], value: Any, msg: str, model: type[BaseModel]
) -> tuple[str, str]:
    shown = repr(value) if isinstance(value, str) else str(value)
    if len(shown) > 80:
        shown = shown[:80] + "…"
    # in Chinese a text is quoted as Chinese quotes it (“三节”), not as Python does ('三节')
    said, amid = value_phrase(value), value_phrase(value, between=True)
    if kind == "missing":
        return "缺失（必填）", "is missing (required)"
    if kind == "extra_forbidden":
        return "不是已知字段（请检查拼写）", "is not a known field (check the spelling)"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"不能小于 {bound}，实际为{said}", f"must be at least {bound}, got {shown}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"不能大于 {bound}，实际为{said}", f"must be at most {bound}, got {shown}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return f"应为整数，实际为{said}", f"must be a whole number, got {shown}"
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type", "finite_number"):
        return f"应为数字，实际为{said}", f"must be a number, got {shown}"
    if kind in ("bool_parsing", "bool_type"):
        return f"应为“是”或“否”，实际为{said}", f"must be yes or no, got {shown}"
    if kind == "enum":
        expected = ctx.get("expected", "")
        options = ctx.get("options") or expected
        return f"取值{amid}无效，可选：{options}", f"{shown} is not one of: {expected}"
    if kind in ("string_too_short", "too_short"):
        return "不能为空", "must not be empty"
    if kind in ("string_type", "str_type"):
        return f"应为文字，实际为{said}", f"must be text, got {shown}"
    if kind in (
        "date_parsing",
        "date_from_datetime_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return (
            f"应为日期（如 2022-06-30），实际为{said}",
            f"must be a date (e.g. 2022-06-30), got {shown}",
        )
    if kind in ("list_type", "model_type", "dict_type", "model_attributes_type"):
        return f"格式不正确，实际为{said}", f"has the wrong shape, got {shown}"
    if kind == "field_exceeds":
        other = str(ctx.get("other", ""))
        return (
            f"不能大于{field_phrase(model, other)}",
            f"must not exceed {other} ({field_label(model, other, 'en')})",
        )
    if kind == "percent_fraction":
        number, suggested = ctx.get("value", shown), ctx.get("suggested", "")
        return (
            f"为 {number}，是否应为 {suggested}%？若确为 {number}%，请填写“{number}%”",
            f"is {number}: did you mean {suggested}%? If {number}% is meant, write '{number}%'",
        )
    if kind == "bool_number":
        # as the cell shows it in Excel or WPS (TRUE/FALSE), not as Python writes it (True)
        return (
            f"应为数字，实际为逻辑值 {str(value).upper()}（是/否不能当作数量）",
            f"must be a number, got the yes/no value {shown}",
        )
    if kind == "spreadsheet_error":
        code = ctx.get("code", shown)
        return (
            f"是电子表格错误值 {code}（公式出错），请更正后再试",
            f"holds the spreadsheet error {code} (a formula failed); correct it",
        )
    if kind == "value_error":
        text = msg.removeprefix("Value error, ")
        return text, text
    return msg, msg


def record_id(item: Any) -> str | None:
    """The id a raw record gives, if any, as text."""
    if type(item) is dict or isinstance(item, Mapping):
        value = item.get("id")
        if type(value) is str:
            return value.strip() or None
        if value is None or isinstance(value, bool):
            return None
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        return text or None
    return None


def duplicate_error(model: type[Record], key: str, first: int) -> FieldError:
    """The error of a record whose key (``id``, or a region's name and year) came before.

    :param first: the index of the record that has it, from 0.
    """
    if "id" in model.model_fields:
        return FieldError(
            code="duplicate_id",
            field="id",
            message=Text(
                zh=f"{field_phrase(model, 'id')}为 {key}，与第 {first + 1} 条重复",
                en=f"field id {key} is a duplicate of record {first + 1}",
            ),
            value=key,
        )
    noun = model.NOUN
    return FieldError(
        code="duplicate_id",
        field=next(iter(model.model_fields), None),
        message=Text(
            zh=f"{noun.zh}“{key}”重复，与第 {first + 1} 条相同",
            en=f"{noun.en} {key} is a duplicate of record {first + 1}",
        ),
        value=key,
    )


class RecordChecker:
    """Validates the records of one collection one at a time, in input order.

    Only the ids seen are kept (a second record with an id already seen is
    rejected: ids are unique within a collection), never the records.

    :param columns: the column letter of each field, when the records come from a table.
    """

    def __init__(
        self,
        model: type[Record],
        collection: str,
        *,
        columns: Mapping[str, str] | None = None,
    ) -> None:
        self.model = model
        self.collection = collection
        self.columns = columns
        # the model's validator itself: model_validate adds a Python call per record
        self._validate = model.__pydantic_validator__.validate_python
        self._has_id = "id" in model.model_fields
        from ._fields import record_spec

        #: the number fields: a blank text there is no value, as a blank cell of a file is
        self._numbers = tuple(
            name for name, spec in record_spec(model).fields.items() if spec.kind in NUMBER_KINDS
        )
        self._seen: dict[str, int] = {}
        #: the index the next record of the collection gets (when read from several tables)
        self.next_index = 0

    def check(
        self,
        index: int,
        item: Any,
        *,
        loc: Location | None = None,
        location: str | None = None,
        errors: Sequence[FieldError] = (),
    ) -> Record | Rejection:
        """The record ``item`` validated, or its :class:`Rejection`.

        :param index: its position in the collection, from 0 (rejected records counted).
        :param errors: errors found before validation (e.g. a formula without a cached value).
        """
        record: Record | None = None
        found: list[FieldError] = list(errors)
        if type(item) is not dict and isinstance(item, BaseModel) and not found:
            # a record model instance: as it is when of the collection's type, or as its fields
            item = item if isinstance(item, self.model) else item.model_dump()
            if isinstance(item, self.model):
                return self._known(index, item, loc=loc, location=location)
        if type(item) is dict or isinstance(item, Mapping):
            blank = [
                k for k in self._numbers if type(v := item.get(k)) is str and (not v or v.isspace())
            ]
            if blank:
                item = {k: v for k, v in item.items() if k not in blank}
            try:
                record = self._validate(item)
            except ValidationError as exc:
                found.extend(translate_errors(exc, self.model))
            else:
                rid = item.get("id")
                if not found and type(rid) is str and self._has_id:
                    # the usual case: a valid record with a text id not seen before
                    key = rid.strip()
                    if key and key not in self._seen:
                        self._seen[key] = index
                        return record
        else:
            found.append(
                FieldError(
                    code="not_a_record",
                    field=None,
                    message=Text(zh="记录应为一个对象（键值对）", en="a record must be an object"),
                    value=_short(item) if isinstance(item, str) else item,
                )
            )
        if record is not None and not found and not self._has_id:
            # a record without an id (a region) is known by its key: its name and year
            key = record.key
            first = self._seen.get(key) if key else None
            if first is None:
                if key:
                    self._seen[key] = index
                return record
            found.append(duplicate_error(self.model, key, first))
            record = None
        rid = record_id(item)
        if rid is not None and self._has_id:
            first = self._seen.get(rid)
            if first is not None:
                found.append(duplicate_error(self.model, rid, first))
            else:
                self._seen[rid] = index
        if not found and record is not None:
            return record
        return self._rejection(index, rid, found, loc, location)

    def _rejection(
        self,
        index: int,
        rid: str | None,
        found: list[FieldError],
        loc: Location | None,
        location: str | None,
    ) -> Rejection:
        if self.columns:
            found = [_with_column(e, self.columns) for e in found]
        if location is None and loc is not None and (loc.row is not None or loc.sheet is not None):
            location = loc.render("zh")
        return Rejection(
            collection=self.collection,
            index=index,
            id=rid,
            location=location,
            errors=found,
            loc=loc,
        )

    def _known(
        self, index: int, record: Record, *, loc: Location | None, location: str | None
    ) -> Record | Rejection:
        """A record given as a model instance of the collection's type: only its key is checked."""
        key = record.key
        first = self._seen.get(key) if key else None
        if first is None:
            if key:
                self._seen[key] = index
            return record
        rid = key if self._has_id else None
        return self._rejection(index, rid, [duplicate_error(self.model, key, first)], loc, location)


def validate_records(
    items: Sequence[Any],
    model: type[Record],
    collection: str,
    *,
    locations: Sequence[str | None] | None = None,
    extra_errors: Mapping[int, Sequence[FieldError]] | None = None,
    columns: Mapping[str, str] | None = None,
    locs: Sequence[Location | None] | None = None,
) -> tuple[list[Record], list[Rejection]]:
    """Validate ``items``; return the records and the rejections, in input order.

    A second record with an id already seen is rejected (ids are unique within
    a collection).  ``extra_errors`` adds errors found before validation (e.g.
    a formula cell without a cached value).

    :param locs: where each item is in its file, as a :class:`Location`.
    """
    records: list[Record] = []
    rejected: list[Rejection] = []
    checker = RecordChecker(model, collection, columns=columns)
    for index, item in enumerate(items):
        result = checker.check(
            index,
            item,
            loc=locs[index] if locs is not None else None,
            location=locations[index] if locations is not None else None,
            errors=(extra_errors or {}).get(index, ()),
        )
        if isinstance(result, Rejection):
            rejected.append(result)
        else:
            records.append(result)
    return records, rejected


def _with_column(error: FieldError, columns: Mapping[str, str]) -> FieldError:
    if error.column is not None or error.field is None:
        return error
    column = columns.get(error.field) or columns.get(error.field.split(".", 1)[0])
    if column is None:
        return error
    return FieldError(
        code=error.code,
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
    file: str | None = None,
) -> Dataset:
    """Validate an input object ``{"communities": [...], "pairs": [...], ...}``.

    Keys starting with ``_`` and the keys ``meta``, ``sample``, ``description``
    and ``note`` are ignored; any other unknown key is an error, so that a
    misspelt collection is not silently skipped.

    :param wanted: the collections the caller reads; others present are validated too.
    :param file: the name of the file the object was read from (it names every rejection).
    :raises InputError: when ``raw`` is not an object or a collection is not a list.
    """
    if not isinstance(raw, Mapping):
        raise InputError(
            Text(
                zh='输入应为一个 JSON 对象，例如 {"communities": [...]}',
                en='the input must be a JSON object, e.g. {"communities": [...]}',
            ),
            code="not_an_object",
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
                ),
                code="unknown_collection",
                value=key,
            )
        if not isinstance(value, list):
            raise InputError(
                Text(zh=f"{key} 应为一个数组（列表）", en=f"{key} must be an array (list)"),
                code="not_a_list",
                value=key,
            )
        checker = RecordChecker(model, key)
        loc = Location(file=file) if file is not None else None
        records: list[Record] = []
        origins: list[tuple[int, Location | None]] = []
        for index, item in enumerate(value):
            result = checker.check(index, item, loc=loc)
            if isinstance(result, Rejection):
                dataset.rejected.append(result)
            else:
                records.append(result)
                origins.append((index, loc))
        dataset.collections[key] = records
        dataset.origins[key] = origins
    for name in wanted or ():
        dataset.collections.setdefault(name, [])
        dataset.origins.setdefault(name, [])
    return dataset
