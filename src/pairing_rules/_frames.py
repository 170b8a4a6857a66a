"""Tables of records: reading an Arrow table or a DataFrame into checked, typed columns.

The table path (:mod:`pairing_rules._columnar`) reads records as columns.
:func:`prepare` turns any table (Polars, Arrow, pandas) into one column per
field of the record type, typed as the rules read them (counts as ``Int64``,
decimals as ``Int64`` in millionths, yes/no as ``Boolean``, vocabulary as its
Chinese value, dates as ``Date``, lists as lists of text), by the field specs
compiled in :mod:`pairing_rules._compile_fields`.  A row the columns cannot
vouch for goes through the record model itself (the per-record validation):
it is then either rejected, with the same bilingual message as anywhere else,
or valid but outside what the columns hold exactly (more than 6 decimal
places, a count above 10¹²), and then it is scored by the interpreter.  A
record type whose validation the field specs do not cover (a validator of its
own) has every row validated by the model.  Nothing is dropped silently.

Polars, and for Arrow or pandas input PyArrow, come with the ``scale`` extra.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._compile_fields import PYTHON_WHITESPACE
from ._compile_ints import COLUMN_LIMIT, DECIMAL_LIMIT, DECIMAL_PLACES, DECIMAL_SCALE
from ._dataset import Notice, Rejection, duplicate_error, validate_records
from ._errors import ArgumentTypeError, ErrorInfo
from ._fields import record_spec
from ._i18n import Text
from ._lazy import LazyModule
from ._models import Record

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")

__all__ = ["COLUMN_LIMIT", "DECIMAL_LIMIT", "DECIMAL_PLACES", "DECIMAL_SCALE"]

ROW: Final = "__row"
#: the Polars engine of a table path's queries: their table is in memory already, and the
#: streaming engine (Polars' default since 2.0) takes about a fifth longer on them
ENGINE: Final = "in-memory"
_OK: Final = "__ok"
#: the prefix of a column holding a field's cells as read, beside its typed column
_RAW: Final = "__raw."
_DUPLICATE: Final = "__duplicate"


class MissingExtraError(ErrorInfo, ImportError):
    """A feature needs a library of an optional extra that is not installed.

    An :class:`ImportError`; its code is ``missing_extra``, its value the missing module.

    :param module: the module that cannot be imported (``polars``).
    :param extra: the extra of pairing-rules that brings it (``scale``).
    """

    code = "missing_extra"

    def __init__(self, module: str, extra: str = "scale") -> None:
        self.text = Text(
            zh=f"缺少 {module}：请安装 pairing-rules[{extra}]（pip install 'pairing-rules[{extra}]'）",
            en=f"{module} is missing: install the {extra!r} extra "
            f"(pip install 'pairing-rules[{extra}]')",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.module = module
        self.extra = extra
        self.value = module


def require(module: str, extra: str = "scale") -> Any:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(module.split(".")[0], extra) from exc


def to_polars(table: Any, argument: str = "table") -> pl.DataFrame:
    """A Polars DataFrame from a Polars DataFrame or LazyFrame, an Arrow table or batch, or pandas.

    :param argument: the parameter that gave ``table``, as an error names it.
    :raises ArgumentTypeError: (a :class:`TypeError`) when ``table`` is none of these.
    """
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
    raise ArgumentTypeError(
        argument,
        Text(
            zh="一张表（Polars DataFrame、Arrow 表或 pandas DataFrame）",
            en="a table (a Polars DataFrame, an Arrow table or a pandas DataFrame)",
        ),
        table,
    )


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
    spec = record_spec(model)
    missing = [n for n in spec.required() if n not in frame.columns]
    if missing:
        from ._errors import InputError

        raise InputError(
            Text(
                zh=f"缺少必填列：{'、'.join(missing)}",
                en=f"required columns missing: {', '.join(missing)}",
            ),
            location or collection,
        )
    schema = frame.schema
    spellings = tuple(
        (name, tuple(frame.get_column(name).cast(pl.Utf8).unique().sort(nulls_last=True)))
        for name, field_spec in spec.fields.items()
        if field_spec.kind == "enum" and name in schema
    )
    # a column of many spellings (mistakes, mostly) is read without keeping its expressions
    reading = _reading if sum(len(v) for _n, v in spellings) <= 1000 else _reading.__wrapped__
    columns, raws, ok = reading(model, tuple(schema.items()), spellings)
    raw_key = _raw_key(schema, model)
    # lazily, and in two steps: the typed columns, then the flags over them
    typed = (
        frame.lazy()
        .with_row_index(ROW)
        .select(pl.col(ROW), *columns, *raws)
        .select(pl.col(ROW), *(pl.col(n) for n in spec.fields), ok)
        .collect(engine=ENGINE)
    )
    clean = typed.get_column(_OK)
    prepared = Prepared(frame=typed.drop(_OK), clean=clean, notices=notices)
    suspects = (~clean).arg_true().to_list()
    if suspects:
        keys = frame.select(raw_key.alias("k")).to_series() if raw_key is not None else None
        _check_rows(prepared, frame, model, collection, suspects, keys)
    if raw_key is None and "name" in model.model_fields:
        _reject_repeated_keys(prepared, model, collection)
    return prepared


@functools.lru_cache(maxsize=32)
def _reading(
    model: type[Record], schema: tuple[tuple[str, Any], ...], spellings: tuple[Any, ...]
) -> tuple[tuple[pl.Expr, ...], tuple[pl.Expr, ...], pl.Expr]:
    """The expressions :func:`prepare` reads a table of ``schema`` with: the typed columns, the
    cells as read (for the flags) and the clean flag, named ``__ok``.

    They depend on the record type, the table's columns and types and the spellings found in
    its vocabulary columns only, so a table like the last one (the next partition of a Dask
    frame, the next batch of a stream) reuses them rather than building them again.
    """
    import polars as pl

    from ._compile_fields import empty_column, field_column, limits_broken

    types = dict(schema)
    found = dict(spellings)
    spec = record_spec(model)
    columns: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    for name, field_spec in spec.fields.items():
        if name in types:
            # the flag reads the typed column, computed before it (once per field)
            value, bad = field_column(field_spec, types[name], found.get(name, ()), raw=_RAW + name)
            columns.append(value)
            flags.append(bad)
        else:
            columns.append(empty_column(field_spec))
    if not spec.compilable:
        # validation the field specs do not cover: every row goes through the model
        flags = [pl.lit(True)]
    ok = (~pl.any_horizontal(*flags)) if flags else pl.lit(True)
    broken = limits_broken(spec)
    if broken is not None:
        ok = ok & ~broken
    # a second row with an id already seen is rejected (as validate_records does)
    known = set(model.model_fields)
    raws = [pl.col(n).alias(_RAW + n) for n in types if n in known]
    duplicate = _repeated_id(types, model)
    raw_key = _raw_key(types, model)
    if duplicate is None and raw_key is not None:
        raws.append((raw_key.is_not_null() & ~raw_key.is_first_distinct()).alias(_DUPLICATE))
        duplicate = pl.col(_DUPLICATE)
    if duplicate is not None:
        ok = ok & ~duplicate
    return tuple(columns), tuple(raws), ok.alias(_OK)


def _reject_repeated_keys(prepared: Prepared, model: type[Record], collection: str) -> None:
    """A valid record without an id whose key (a region's name and year) came before is
    rejected, as the per-record path rejects it."""
    import polars as pl

    keyed = prepared.frame.select(pl.col(ROW), key_expression(model).alias("k"))
    keys: dict[int, str] = {}
    for row, key, ok in zip(
        keyed.get_column(ROW).to_list(),
        keyed.get_column("k").to_list(),
        prepared.clean.to_list(),
        strict=True,
    ):
        if ok and key:
            keys[row] = key
    for row, record in prepared.records.items():
        if record.key:
            keys[row] = record.key
    first: dict[str, int] = {}
    repeated: list[int] = []
    for row in sorted(keys):
        if keys[row] in first:
            repeated.append(row)
        else:
            first[keys[row]] = row
    if not repeated:
        return
    clean = prepared.clean.to_list()
    for row in repeated:
        clean[row] = False
        prepared.records.pop(row, None)
        error = duplicate_error(model, keys[row], first[keys[row]])
        prepared.rejected.append(Rejection(collection=collection, index=row, errors=[error]))
    prepared.clean = pl.Series(prepared.clean.name, clean, dtype=pl.Boolean)


def _repeated_id(types: Mapping[str, Any], model: type[Record]) -> pl.Expr | None:
    """Rows whose id (:func:`_raw_key`) an earlier row has, over the typed id of
    :func:`prepare` when it is the raw key (``None`` otherwise); ``types``: the table's
    column types."""
    import polars as pl

    if "id" not in model.model_fields or "id" not in types:
        return None
    spec = record_spec(model).fields.get("id")
    dtype = types["id"]
    text = dtype in (pl.Utf8, pl.Categorical) or isinstance(dtype, pl.Enum)
    if spec is None or spec.kind != "text" or "_identifier" not in spec.coercions or not text:
        return None
    # the typed id is the raw key but for a blank id, which is no key
    typed = pl.col("id")
    return typed.is_not_null() & (typed != "") & ~typed.is_first_distinct()


def _raw_key(types: Mapping[str, Any], model: type[Record]) -> pl.Expr | None:
    """The id as the record model reads it, from the cells (null: none); ``types``: the
    table's column types."""
    import polars as pl

    if "id" not in model.model_fields or "id" not in types:
        return None
    col = pl.col("id")
    dtype = types["id"]
    if dtype.is_float():
        text = (
            pl.when(col == col.floor())
            .then(col.cast(pl.Int64).cast(pl.Utf8))
            .otherwise(col.cast(pl.Utf8))
        )
    else:
        text = col.cast(pl.Utf8)
    # stripped as the id's coercion strips it (Python's whitespace, \x1c-\x1f included)
    text = text.str.strip_chars(PYTHON_WHITESPACE)  # Rust's whitespace is a part of it
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
    # a null cell is a blank one: the field is absent, as the readers give it
    items = [
        {k: v for k, v in row.items() if k in model.model_fields and v is not None} for row in raw
    ]
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
            errors.append(duplicate_error(model, key, first[key]))
        if errors:
            rid = rejected[0].id if rejected else key
            prepared.rejected.append(
                Rejection(collection=collection, index=row, id=rid, errors=errors)
            )
        else:
            prepared.records[row] = records[0]


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
    spec = record_spec(model)
    for name in model.model_fields:
        kind = spec.kind(name)
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
    """The kind of every field (see :class:`pairing_rules._fields.FieldSpec`)."""
    spec = record_spec(model)
    return {n: spec.kind(n) for n in model.model_fields}
