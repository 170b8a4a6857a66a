"""The compiler, for fields: a record type's field specs as Polars validation.

Each field's declaration (:mod:`pairing_rules._fields`: kind, bounds, length,
vocabulary, required) becomes a typed column and a flag for the rows the
column cannot vouch for; the record type's rules between fields
(:attr:`Record.LIMITS <pairing_rules.Record.LIMITS>`) become one more flag.
A flagged row is validated by the record model itself
(:mod:`pairing_rules._frames`), so a row is never taken as clean on less
evidence than the record model would ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._compile_ints import COLUMN_LIMIT, DECIMAL_LIMIT, DECIMAL_PLACES, DECIMAL_SCALE
from ._values import FALSE_SPELLINGS, TRUE_SPELLINGS

if TYPE_CHECKING:
    import polars as pl

    from ._fields import FieldSpec, RecordSpec


#: the characters Python's ``str.strip()`` removes (``str.isspace``); Rust's ``trim`` (pydantic's
#: ``str_strip_whitespace``, Polars' ``strip_chars``) removes these but ``\x1c``-``\x1f``
PYTHON_WHITESPACE: Final = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


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


def field_column(
    field: FieldSpec, dtype: Any, spellings: Iterable[Any] = (), *, raw: str | None = None
) -> tuple[pl.Expr, pl.Expr]:
    """The typed column of a field and a flag for rows it cannot vouch for.

    A row is flagged (and then validated by the record model itself) unless the
    column holds its value exactly and the field's declaration (kind, bounds,
    length, vocabulary, required) accepts it.

    :param spellings: for a vocabulary field, the distinct values of the column.
    :param raw: for a flag computed after the typed columns (Polars does not share text
        expressions between columns): the column holding the cells as read; the flag then
        reads the typed value from the field's column instead of computing it again.
    """
    import polars as pl

    spellings = list(spellings)
    value, bad = _typed_column(field, dtype, spellings, pl.col(field.name), None)
    if raw is not None:
        _v, bad = _typed_column(field, dtype, spellings, pl.col(raw), pl.col(field.name))
        value_read: pl.Expr = pl.col(field.name)
    else:
        value_read = value
    if field.required:  # a blank cell of a field every record must give
        bad = bad | value_read.is_null()
    return value, bad


def _typed_column(
    field: FieldSpec, dtype: Any, spellings: Iterable[Any], col: pl.Expr, typed: pl.Expr | None
) -> tuple[pl.Expr, pl.Expr]:
    """The typed column of a field (read from ``col``) and its flag; the flag reads the
    typed value from ``typed`` when given."""
    import polars as pl

    name = field.name
    kind = field.kind if field.kind != "list" else "list"
    low, high, min_length = field.low, field.high, field.min_length
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
            value = pl.when(blank).then(None).otherwise(value)
            # a blank cell is never flagged: the value there is null either way
            bad = ~blank & (~raw.str.contains(pattern) | _read(value, typed).is_null())
        elif dtype.is_integer():
            value = col.cast(pl.Int64, strict=False)
            value = value * scale if scale != 1 else value
            bad = col.is_not_null() & (_read(value, typed).is_null() | (col.abs() > limit))
        elif dtype.is_float():
            scaled = col * scale
            rounded = scaled.round(0)
            value = rounded.cast(pl.Int64, strict=False)
            exact = (rounded / scale) == col
            bad = col.is_not_null() & (
                ~col.is_finite() | (col.abs() > limit) | ~exact | _read(value, typed).is_null()
            )
        elif isinstance(dtype, pl.Decimal):
            scaled_dec = col * scale
            value = scaled_dec.cast(pl.Int64, strict=False)
            held = _read(value, typed)
            bad = held.is_null() | (col.abs() > limit)
            if dtype.scale is None or 10**dtype.scale > scale:
                # more places than the column holds: the value must be whole once scaled
                bad = bad | (held.cast(pl.Decimal(38, dtype.scale)) != scaled_dec)
            bad = col.is_not_null() & bad
        elif dtype == pl.Boolean:  # a yes/no is not a number: the record model says so
            value = col.cast(pl.Int64) * scale
            bad = col.is_not_null()
        else:
            return pl.lit(None, dtype=pl.Int64).alias(name), col.is_not_null()
        bad = bad.fill_null(True)
        held = _read(value, typed)
        if low is not None:
            bad = bad | (held < int(Decimal(low) * scale)).fill_null(False)
        if high is not None:
            bad = bad | (held > int(Decimal(high) * scale)).fill_null(False)
        if "_percent" in field.coercions:
            # strictly between 0 and 1: a fraction typed for a percentage, which the model asks about
            bad = bad | ((held > 0) & (held < scale)).fill_null(False)
        return value.alias(name), bad
    if kind == "bool":
        if dtype == pl.Boolean:
            return col.alias(name), pl.lit(False)
        if text:
            raw = col.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
            mapping = {
                **dict.fromkeys(TRUE_SPELLINGS, True),
                **dict.fromkeys(FALSE_SPELLINGS, False),
            }
            value = raw.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
            bad = raw.is_not_null() & (raw != "") & _read(value, typed).is_null()
            return value.alias(name), bad
        if dtype.is_integer():
            value = pl.when(col == 1).then(True).when(col == 0).then(False).otherwise(None)
            return value.alias(name), col.is_not_null() & _read(value, typed).is_null()
        return pl.lit(None, dtype=pl.Boolean).alias(name), col.is_not_null()
    if kind == "enum":
        enum = field.enum
        assert enum is not None
        raw = col if dtype == pl.Utf8 else col.cast(pl.Utf8)
        found = list(spellings)
        vocabulary = _enum_mapping(enum, found)
        if found and all(s is None or vocabulary.get(s) == s for s in found):
            # every value is already the Chinese value: the column is taken as it is
            # (a blank cell of a required field is flagged by field_column)
            return raw.alias(name), pl.lit(False)
        value = raw.replace_strict(vocabulary, default=None, return_dtype=pl.Utf8)
        bad = (raw.is_not_null() & _read(value, typed).is_null()) | (
            raw.is_null() if field.required else False
        )
        return value.alias(name), bad
    if kind == "text":
        if text:
            raw = col.cast(pl.Utf8)
            if "_identifier" in field.coercions:
                # the coercion strips as Python does (also \x1c-\x1f), then pydantic as Rust
                # does, which strips nothing more (Rust's whitespace is Python's but those four)
                value = raw.str.strip_chars(PYTHON_WHITESPACE)
            else:
                value = raw.str.strip_chars()
        elif dtype.is_integer() and "_identifier" in field.coercions:
            value = col.cast(pl.Utf8)  # an id typed as a number keeps its digits
        else:
            return col.cast(pl.Utf8, strict=False).alias(name), col.is_not_null()
        held = _read(value, typed)
        bad = held.is_null() if field.required else pl.lit(False)
        if min_length:
            bad = bad | (held.str.len_chars() < min_length)
        return value.alias(name), bad.fill_null(True) if field.required else bad.fill_null(False)
    if kind == "date":
        if dtype == pl.Date:
            return col.alias(name), pl.lit(False)
        if text:
            raw = col.cast(pl.Utf8).str.strip_chars()
            value = raw.str.to_date("%Y-%m-%d", strict=False)
            bad = raw.is_not_null() & (raw != "") & _read(value, typed).is_null()
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


def _read(value: pl.Expr, typed: pl.Expr | None) -> pl.Expr:
    """The typed value for a flag: the typed column when it is computed already."""
    return value if typed is None else typed


def empty_column(field: FieldSpec) -> pl.Expr:
    """A column of nulls of the type the field's column has (the field is not in the table)."""
    import polars as pl

    kind = field.kind
    dtype: Any = {
        "int": pl.Int64,
        "decimal": pl.Int64,
        "bool": pl.Boolean,
        "date": pl.Date,
        "list": pl.List(pl.Utf8),
    }.get(kind, pl.Utf8)
    return pl.lit(None, dtype=dtype).alias(field.name)


def limits_broken(spec: RecordSpec) -> pl.Expr | None:
    """Rows breaking a rule between fields (:attr:`Record.LIMITS`), over the typed columns."""
    import polars as pl

    tests = []
    for limit in spec.limits:
        if limit.of == "length":
            other = pl.col(limit.other).list.len()
            limit_value = pl.when(other > 0).then(other).otherwise(None)
        else:
            limit_value = pl.col(limit.other)
        field = pl.col(limit.field)
        scale = DECIMAL_SCALE if spec.kind(limit.field) == "decimal" else 1
        other_scale = DECIMAL_SCALE if spec.kind(limit.other) == "decimal" else 1
        over = field * other_scale > limit_value * scale
        tests.append((field.is_not_null() & limit_value.is_not_null() & over).fill_null(False))
    return pl.any_horizontal(*tests) if tests else None
