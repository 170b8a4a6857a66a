"""Tables of records: reading an Arrow table or a DataFrame into checked, typed columns.

The table path (:mod:`pairing_rules._columnar`) reads records as columns.
:func:`prepare` turns any table (Polars, Arrow, pandas) into one column per
field of the record type, typed as the rules read them: counts as ``Int64``,
decimals as ``Int64`` in millionths (exact), yes/no as ``Boolean``,
vocabulary as its Chinese value, dates as ``Date`` and lists as lists of
text.  A row the vectorised checks cannot vouch for goes through the record
model itself (the per-record validation): it is then either rejected, with
the same bilingual message as anywhere else, or valid but outside what the
columns hold exactly (more than 6 decimal places, a count above 10¹²), and
then it is scored on the per-record path.  Nothing is dropped silently.

Polars, and for Arrow or pandas input PyArrow, come with the ``scale`` extra.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._dataset import FieldError, Notice, Rejection, validate_records
from ._i18n import Text
from ._models import _FALSE, _TRUE, Record
from ._plan import field_kind

if TYPE_CHECKING:
    import polars as pl

#: decimal fields are held exactly in units of 10⁻⁶
DECIMAL_PLACES: Final = 6
DECIMAL_SCALE: Final = 10**DECIMAL_PLACES
#: the largest count the columns hold (larger values go through the record path)
COLUMN_LIMIT: Final = 10**12
#: the largest decimal the columns hold
DECIMAL_LIMIT: Final = 10**9
ROW: Final = "__row"
_OK: Final = "__ok"


class MissingExtraError(ImportError):
    """A feature needs a library of an optional extra that is not installed."""

    def __init__(self, module: str, extra: str = "scale") -> None:
        super().__init__(
            f"缺少 {module}：请安装 pairing-rules[{extra}]（pip install 'pairing-rules[{extra}]'） / "
            f"{module} is missing: install the {extra!r} extra (pip install 'pairing-rules[{extra}]')"
        )
        self.module = module
        self.extra = extra


def require(module: str, extra: str = "scale") -> Any:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module.split(".")[0], extra) from exc


def to_polars(table: Any) -> pl.DataFrame:
    """A Polars DataFrame from a Polars DataFrame or LazyFrame, an Arrow table or batch, or pandas."""
    require("polars")
    import polars as pl

    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pl.LazyFrame):
        collected: pl.DataFrame = table.collect()
        return collected
    module = type(table).__module__.split(".")[0]
    if module == "pyarrow":
        require("pyarrow")
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        return frame
    if module == "pandas":
        require("pyarrow")
        return pl.from_pandas(table)
    raise TypeError(
        f"not a table: {type(table).__name__} (use a Polars DataFrame, an Arrow table or pandas)"
    )


def field_bounds(model: type[Record], name: str) -> tuple[Any, Any, int | None]:
    """The ``ge`` and ``le`` bounds and the ``min_length`` of a field, from its annotation."""
    import annotated_types
    from pydantic.fields import FieldInfo

    info = model.model_fields[name]
    low = high = None
    min_length = None
    pending: list[Any] = [info.annotation, *info.metadata]
    while pending:
        current = pending.pop()
        if isinstance(current, FieldInfo):
            pending.extend(current.metadata)
        elif isinstance(current, annotated_types.Ge):
            low = current.ge
        elif isinstance(current, annotated_types.Le):
            high = current.le
        elif isinstance(current, annotated_types.MinLen):
            min_length = current.min_length
        else:
            origin = typing.get_origin(current)
            if origin is not None:
                pending.extend(typing.get_args(current))
            elif hasattr(current, "__metadata__"):
                pending.extend(current.__metadata__)
    return low, high, min_length


def _enum_mapping(enum: Any, spellings: Iterable[Any]) -> dict[str, str]:
    """Each spelling found in a column → the Chinese value, read by the enum itself."""
    out: dict[str, str] = {}
    for spelling in spellings:
        if not isinstance(spelling, str):
            continue
        try:
            out[spelling] = str(enum(spelling.strip()).value)
        except ValueError:
            continue
    return out


def _column(
    model: type[Record], name: str, dtype: Any, spellings: Iterable[Any] = ()
) -> tuple[pl.Expr, pl.Expr]:
    """The typed column for field ``name`` and a flag for rows it cannot vouch for.

    :param spellings: for a vocabulary field, the distinct values of the column.
    """
    import polars as pl

    kind = field_kind(model, name)
    col = pl.col(name)
    low, high, min_length = field_bounds(model, name)
    text = dtype in (pl.Utf8, pl.Categorical) or isinstance(dtype, pl.Enum)
    if dtype == pl.Null:
        target: Any = {
            "int": pl.Int64,
            "decimal": pl.Int64,
            "bool": pl.Boolean,
            "date": pl.Date,
            "list": pl.List(pl.Utf8),
        }.get(kind, pl.Utf8)
        return pl.lit(None, dtype=target).alias(name), pl.lit(False)
    if kind in ("int", "decimal"):
        scale = DECIMAL_SCALE if kind == "decimal" else 1
        limit = DECIMAL_LIMIT if kind == "decimal" else COLUMN_LIMIT
        if text:
            raw = col.cast(pl.Utf8).str.strip_chars()
            blank = raw.is_null() | (raw == "")
            parsed = raw.str.to_decimal(scale=DECIMAL_PLACES) if kind == "decimal" else None
            if kind == "int":
                value = raw.str.to_integer(strict=False)
                pattern = r"^[+-]?\d{1,12}$"
            else:
                assert parsed is not None
                value = (parsed * scale).cast(pl.Int64, strict=False)
                pattern = r"^[+-]?\d{1,9}(\.\d{0,6})?$"
            bad = ~blank & (~raw.str.contains(pattern) | value.is_null())
            value = pl.when(blank).then(None).otherwise(value)
        elif dtype.is_integer():
            value = col.cast(pl.Int64, strict=False) * scale
            bad = col.is_not_null() & (value.is_null() | (col.abs() > limit))
        elif dtype.is_float():
            scaled = col * scale
            rounded = scaled.round(0)
            value = rounded.cast(pl.Int64, strict=False)
            exact = (rounded / scale) == col
            bad = col.is_not_null() & (
                ~col.is_finite() | (col.abs() > limit) | ~exact | value.is_null()
            )
        elif isinstance(dtype, pl.Decimal):
            scaled_dec = col * scale
            value = scaled_dec.cast(pl.Int64, strict=False)
            whole = value.cast(pl.Decimal(38, dtype.scale)) == scaled_dec
            bad = col.is_not_null() & (value.is_null() | ~whole | (col.abs() > limit))
        elif dtype == pl.Boolean and kind == "int":
            value = col.cast(pl.Int64)
            bad = pl.lit(False)
        else:
            return pl.lit(None, dtype=pl.Int64).alias(name), col.is_not_null()
        bad = bad.fill_null(True)
        if low is not None:
            bad = bad | (value < int(Decimal(low) * scale)).fill_null(False)
        if high is not None:
            bad = bad | (value > int(Decimal(high) * scale)).fill_null(False)
        return value.alias(name), bad
    if kind == "bool":
        if dtype == pl.Boolean:
            return col.alias(name), pl.lit(False)
        if text:
            raw = col.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
            mapping = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
            value = raw.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
            bad = raw.is_not_null() & (raw != "") & value.is_null()
            return value.alias(name), bad
        if dtype.is_integer():
            value = pl.when(col == 1).then(True).when(col == 0).then(False).otherwise(None)
            return value.alias(name), col.is_not_null() & value.is_null()
        return pl.lit(None, dtype=pl.Boolean).alias(name), col.is_not_null()
    if kind == "enum":
        from ._conditions import enum_of

        enum = enum_of(model, name)
        assert enum is not None
        raw = col if dtype == pl.Utf8 else col.cast(pl.Utf8)
        value = raw.replace_strict(
            _enum_mapping(enum, spellings), default=None, return_dtype=pl.Utf8
        )
        required = model.model_fields[name].is_required()
        bad = (raw.is_not_null() & value.is_null()) | (raw.is_null() if required else False)
        return value.alias(name), bad
    if kind == "text":
        if text:
            value = col.cast(pl.Utf8).str.strip_chars()
        elif dtype.is_integer():
            value = col.cast(pl.Utf8)
        else:
            return col.cast(pl.Utf8, strict=False).alias(name), col.is_not_null()
        required = model.model_fields[name].is_required()
        bad = value.is_null() if required else pl.lit(False)
        if min_length:
            bad = bad | (value.str.len_chars() < min_length)
        return value.alias(name), bad.fill_null(True) if required else bad.fill_null(False)
    if kind == "date":
        if dtype == pl.Date:
            return col.alias(name), pl.lit(False)
        if text:
            raw = col.cast(pl.Utf8).str.strip_chars()
            value = raw.str.to_date("%Y-%m-%d", strict=False)
            bad = raw.is_not_null() & (raw != "") & value.is_null()
            return value.alias(name), bad
        return pl.lit(None, dtype=pl.Date).alias(name), col.is_not_null()
    if kind == "list":
        if isinstance(dtype, pl.List):
            return col.cast(pl.List(pl.Utf8)).alias(name), pl.lit(False)
        if text:
            value = col.cast(pl.Utf8).str.extract_all(r"[^、,，;；/|\s]+")
            return value.alias(name), pl.lit(False)
        return pl.lit(None, dtype=pl.List(pl.Utf8)).alias(name), col.is_not_null()
    # nested or unknown kinds are not read by rules on the table path
    return pl.lit(None, dtype=pl.Utf8).alias(name), col.is_not_null()


def _empty_column(model: type[Record], name: str) -> pl.Expr:
    import polars as pl

    kind = field_kind(model, name)
    dtype: Any = {
        "int": pl.Int64,
        "decimal": pl.Int64,
        "bool": pl.Boolean,
        "date": pl.Date,
        "list": pl.List(pl.Utf8),
    }.get(kind, pl.Utf8)
    return pl.lit(None, dtype=dtype).alias(name)


#: cross-field rules of the core record types, as (field, other): field ≤ other
_CROSS_FIELD: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    "CommunityYear": (
        ("teachers_sent", "core_teachers", "value"),
        ("members_with_backbone_teacher", "members", "length"),
    ),
}


@dataclass
class Prepared:
    """A table read for the table path.

    :param frame: ``__row`` (the input row, from 0), then one typed column per field.
    :param clean: for each row, whether the columns hold it exactly and it is valid.
    :param records: rows that went through the record model and are valid, by row.
    :param rejected: the rows rejected, with their errors.
    """

    frame: pl.DataFrame
    clean: pl.Series
    records: dict[int, Record] = field(default_factory=dict)
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def key_expression(model: type[Record]) -> pl.Expr:
    """The record key as a column: ``id``, or a region's name and year."""
    import polars as pl

    if "id" in model.model_fields:
        return pl.col("id")
    if "name" in model.model_fields and "year" in model.model_fields:
        return (
            pl.when(pl.col("year").is_null())
            .then(pl.col("name"))
            .otherwise(pl.format("{} {}", pl.col("name"), pl.col("year")))
        )
    return pl.lit(None, dtype=pl.Utf8)


def prepare(
    table: Any, model: type[Record], collection: str, *, location: str | None = None
) -> Prepared:
    """Read ``table`` as records of ``model`` into typed columns (see the module's description)."""
    require("polars")
    import polars as pl

    frame = to_polars(table)
    known = set(model.model_fields)
    unknown = [c for c in frame.columns if c not in known]
    notices: list[Notice] = []
    if unknown:
        notices.append(
            Notice(
                location=location or collection,
                message=Text(
                    zh=f"未知的列（未读取）：{'、'.join(unknown)}",
                    en=f"unknown columns (not read): {', '.join(unknown)}",
                ),
            )
        )
    missing = [
        n for n, info in model.model_fields.items() if info.is_required() and n not in frame.columns
    ]
    if missing:
        from .io._errors import InputError

        raise InputError(
            Text(
                zh=f"缺少必填列：{'、'.join(missing)}",
                en=f"required columns missing: {', '.join(missing)}",
            ),
            location or collection,
        )
    schema = frame.schema
    columns: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    for name in model.model_fields:
        if name in schema:
            spellings: list[Any] = []
            if field_kind(model, name) == "enum":
                spellings = frame.get_column(name).cast(pl.Utf8).unique().to_list()
            value, bad = _column(model, name, schema[name], spellings)
            columns.append(value)
            flags.append(bad)
        else:
            columns.append(_empty_column(model, name))
    typed = frame.with_row_index(ROW).select(
        pl.col(ROW), *columns, (~pl.any_horizontal(*flags)).alias(_OK) if flags else pl.lit(True)
    )
    for name, other, how in _CROSS_FIELD.get(model.__name__, ()):
        limit = pl.col(other) if how == "value" else pl.col(other).list.len()
        over = pl.col(name).is_not_null() & limit.is_not_null() & (pl.col(name) > limit)
        if how == "length":
            over = over & (pl.col(other).list.len() > 0)
        typed = typed.with_columns((pl.col(_OK) & ~over.fill_null(False)).alias(_OK))
    # a second row with an id already seen is rejected (as validate_records does)
    raw_key = _raw_key(frame, model)
    duplicate = pl.Series(ROW, [False] * frame.height, dtype=pl.Boolean)
    if raw_key is not None:
        keys = frame.select(raw_key.alias("k")).to_series()
        duplicate = keys.is_not_null() & ~keys.is_first_distinct()
    clean = typed.get_column(_OK) & ~duplicate
    prepared = Prepared(frame=typed.drop(_OK), clean=clean, notices=notices)
    suspects = (~clean).arg_true().to_list()
    if suspects:
        _check_rows(
            prepared, frame, model, collection, suspects, keys if raw_key is not None else None
        )
    return prepared


def _raw_key(frame: pl.DataFrame, model: type[Record]) -> pl.Expr | None:
    import polars as pl

    if "id" not in model.model_fields or "id" not in frame.columns:
        return None
    col = pl.col("id")
    dtype = frame.schema["id"]
    if dtype.is_float():
        text = (
            pl.when(col == col.floor())
            .then(col.cast(pl.Int64).cast(pl.Utf8))
            .otherwise(col.cast(pl.Utf8))
        )
    else:
        text = col.cast(pl.Utf8)
    text = text.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _check_rows(
    prepared: Prepared,
    frame: pl.DataFrame,
    model: type[Record],
    collection: str,
    rows: Sequence[int],
    keys: pl.Series | None,
) -> None:
    """Validate the rows the columns could not vouch for with the record model itself."""
    raw = frame[list(rows)].to_dicts()
    items = [{k: _plain(v) for k, v in row.items() if k in model.model_fields} for row in raw]
    first: dict[str, int] = {}
    if keys is not None:
        wanted = {keys[r] for r in rows}
        for index, key in enumerate(keys):
            if key in wanted and key not in first:
                first[key] = index
    for row, item in zip(rows, items, strict=True):
        records, rejected = validate_records([item], model, collection)
        errors = list(rejected[0].errors) if rejected else []
        key = keys[row] if keys is not None else None
        if key is not None and first.get(key, row) != row:
            errors.append(
                FieldError(
                    field="id",
                    message=Text(
                        zh=f"字段 id（编号）{key} 重复，与第 {first[key] + 1} 条相同",
                        en=f"field id {key} is a duplicate of record {first[key] + 1}",
                    ),
                    value=key,
                )
            )
        if errors:
            rid = rejected[0].id if rejected else key
            prepared.rejected.append(
                Rejection(collection=collection, index=row, id=rid, errors=errors)
            )
        else:
            prepared.records[row] = records[0]


def _plain(value: Any) -> Any:
    """A cell as the record model reads it (an Arrow/Polars scalar is already plain)."""
    if isinstance(value, float) and value.is_integer():
        return int(value) if abs(value) < 2**53 else value
    return value


def records_frame(records: Iterable[Record], model: type[Record]) -> pl.DataFrame:
    """Validated records as a table with one typed column per field (the inverse of reading one).

    Vocabulary becomes its Chinese value, decimals stay decimals, lists stay lists.
    """
    require("polars")
    import polars as pl

    rows = [r.model_dump() for r in records]
    data: dict[str, list[Any]] = {name: [] for name in model.model_fields}
    for row in rows:
        for name in data:
            value: Any = row.get(name)
            data[name].append(value.value if hasattr(value, "value") else value)
    schema: dict[str, Any] = {}
    for name in model.model_fields:
        kind = field_kind(model, name)
        if kind == "int":
            schema[name] = pl.Int64
        elif kind == "decimal":
            schema[name] = pl.Decimal(38, _places(data[name]))
        elif kind == "bool":
            schema[name] = pl.Boolean
        elif kind == "date":
            schema[name] = pl.Date
        elif kind == "list":
            schema[name] = pl.List(pl.Utf8)
            data[name] = [
                [str(v.value if hasattr(v, "value") else v) for v in (x or [])] for x in data[name]
            ]
        elif kind in ("text", "enum"):
            schema[name] = pl.Utf8
        else:
            data.pop(name)
    frame: pl.DataFrame = pl.DataFrame(data, schema=schema)
    return frame


def _places(values: Sequence[Any]) -> int:
    places = 0
    for value in values:
        if isinstance(value, Decimal):
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, -exponent)
    return min(places, 30)


def rows_as_dicts(frame: pl.DataFrame, rows: Sequence[int]) -> list[dict[str, Any]]:
    """The raw cells of some rows, for the record model."""
    return [dict(r) for r in frame[list(rows)].to_dicts()]


def required_columns(model: type[Record]) -> list[str]:
    """The fields a table must have as columns."""
    return [n for n, info in model.model_fields.items() if info.is_required()]


def column_kinds(model: type[Record]) -> Mapping[str, str]:
    """The kind of every field (see :func:`pairing_rules._plan.field_kind`)."""
    return {n: field_kind(model, n) for n in model.model_fields}
