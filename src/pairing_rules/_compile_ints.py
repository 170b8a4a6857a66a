"""Exact integer columns: the arithmetic the compiler builds its expressions from.

A value on the table path is an integer Polars expression (or a Python
constant) with a bound on its magnitude (:class:`Ints`).  Products and sums
widen to 128 bits when the bound says they could leave 64; a bound beyond
128 bits raises :class:`ColumnarError`, so a column never overflows silently.
Division rounds once, in integers, by the rounding rule a rubric names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ._errors import ErrorInfo
from ._i18n import Text
from ._numbers import Rounding

if TYPE_CHECKING:
    import polars as pl

#: decimal fields are held exactly in units of 10⁻⁶
DECIMAL_PLACES: Final = 6
DECIMAL_SCALE: Final = 10**DECIMAL_PLACES
#: the largest count the columns hold (larger values go through the record path)
COLUMN_LIMIT: Final = 10**12
#: the largest decimal the columns hold
DECIMAL_LIMIT: Final = 10**9


WIDE: Final = 2**62
LIMIT: Final = 2**125
COUNT_BOUND: Final = 10**12


class ColumnarError(ErrorInfo, ValueError):
    """A rule the table path cannot compute exactly (e.g. a product too large for 128 bits).

    A :class:`ValueError`; its code is ``columnar_error``.

    :param message: what cannot be computed, in Chinese and English.
    :param value: the value concerned, when there is one.
    """

    code = "columnar_error"

    def __init__(self, message: Text, *, value: Any = None) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        self.value = value


@dataclass(frozen=True, slots=True)
class Ints:
    """An integer column (or constant) and a bound on its absolute value."""

    e: Any  # pl.Expr or int
    b: int


def const(value: int) -> Ints:
    return Ints(value, abs(value))


def is_const(x: Ints) -> bool:
    return isinstance(x.e, int)


def as_expr(x: Ints, wide: bool) -> pl.Expr:
    import polars as pl

    dtype = pl.Int128 if wide else pl.Int64
    if isinstance(x.e, int):
        return pl.lit(x.e, dtype=dtype)
    expr: pl.Expr = x.e
    return expr.cast(pl.Int128) if wide else expr


def checked(bound: int) -> int:
    if bound > LIMIT:
        raise ColumnarError(
            Text(
                zh="某个值可能超出 128 位整数的范围，整表计算无法精确计算",
                en="a value may exceed 128 bits; the table path cannot compute it exactly",
            )
        )
    return bound


def mul(x: Ints, y: Ints) -> Ints:
    if is_const(x) and is_const(y):
        return const(x.e * y.e)
    if is_const(x) and x.e == 1:
        return y
    if is_const(y) and y.e == 1:
        return x
    bound = checked(x.b * y.b)
    wide = bound > WIDE
    return Ints(as_expr(x, wide) * as_expr(y, wide), bound)


def add(x: Ints, y: Ints, sign: int = 1) -> Ints:
    if is_const(x) and is_const(y):
        return const(x.e + sign * y.e)
    bound = checked(x.b + y.b)
    wide = bound > WIDE
    left, right = as_expr(x, wide), as_expr(y, wide)
    return Ints(left + right if sign > 0 else left - right, bound)


def minus(e: pl.Expr) -> pl.Expr:
    """``-e`` (Polars has no negation for 128-bit integers)."""
    return 0 - e


def round_div(n: Ints, d: Ints, rule: Rounding) -> pl.Expr:
    """``n ÷ d`` (``d`` > 0) rounded to an integer by ``rule``."""
    import polars as pl

    wide = checked(2 * n.b + 2 * d.b) > WIDE
    num, den = as_expr(n, wide), as_expr(d, wide)
    if is_const(d) and d.e == 1:
        return num
    if rule is Rounding.FLOOR:
        out = num // den
    elif rule is Rounding.CEILING:
        out = minus(minus(num) // den)
    elif rule is Rounding.DOWN:
        out = pl.when(num >= 0).then(num // den).otherwise(minus(minus(num) // den))
    elif rule is Rounding.HALF_UP:
        out = (
            pl.when(num >= 0)
            .then((2 * num + den) // (2 * den))
            .otherwise(minus((den - 2 * num) // (2 * den)))
        )
    else:
        q = num // den
        twice = 2 * (num - q * den)
        out = pl.when(twice > den).then(q + 1).when(twice < den).then(q).otherwise(q + q % 2)
    return out.cast(pl.Int64)
