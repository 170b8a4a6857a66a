"""Exact decimals and written-down rounding rules.

Quotas, shares and points are :class:`~decimal.Decimal`.  Rounding is always
by a named :class:`Rounding` rule, never by Python's ``round()`` (which rounds
half to even).
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Final

from ._i18n import Text

Number = int | Decimal

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)
HUNDRED: Final = Decimal(100)


class Rounding(StrEnum):
    """A rounding rule, with its Chinese name."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    CEILING = "ceiling"
    FLOOR = "floor"
    DOWN = "down"

    @property
    def label(self) -> Text:
        return _ROUNDING_LABELS[self]

    @property
    def decimal_mode(self) -> str:
        return _DECIMAL_MODES[self]


_ROUNDING_LABELS: Final = {
    Rounding.HALF_UP: Text(zh="四舍五入", en="round half up"),
    Rounding.HALF_EVEN: Text(zh="四舍六入五成双", en="round half to even"),
    Rounding.CEILING: Text(zh="向上取整", en="round up (ceiling)"),
    Rounding.FLOOR: Text(zh="向下取整", en="round down (floor)"),
    Rounding.DOWN: Text(zh="截尾（向零取整）", en="truncate toward zero"),
}
_DECIMAL_MODES: Final = {
    Rounding.HALF_UP: decimal.ROUND_HALF_UP,
    Rounding.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    Rounding.CEILING: decimal.ROUND_CEILING,
    Rounding.FLOOR: decimal.ROUND_FLOOR,
    Rounding.DOWN: decimal.ROUND_DOWN,
}


def to_decimal(value: Number | float | str) -> Decimal:
    """Convert to :class:`Decimal` exactly (a float goes through its shortest repr).

    >>> to_decimal(0.1)
    Decimal('0.1')
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_to(value: Number, rule: Rounding, places: int = 0) -> Decimal:
    """Round ``value`` to ``places`` decimal places by ``rule``.

    >>> round_to(Decimal("2.5"), Rounding.HALF_UP)
    Decimal('3')
    >>> round_to(Decimal("2.5"), Rounding.HALF_EVEN)
    Decimal('2')
    """
    exponent = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(exponent, rounding=rule.decimal_mode)


def tidy(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and without an exponent: ``87.00`` → ``87``, ``12.50`` → ``12.5``.

    >>> tidy(Decimal("87.00")), tidy(Decimal("100")), tidy(Decimal("12.50"))
    (Decimal('87'), Decimal('100'), Decimal('12.5'))
    """
    if value == value.to_integral_value():
        return value.quantize(ONE)
    return value.normalize()


def json_number(value: Number) -> int | float:
    """A JSON number for ``value``: an integer where it is whole.

    Points and shares carry at most a few decimal places, so the float's
    shortest repr is the decimal itself (``12.5`` stays ``12.5``).
    """
    if isinstance(value, int):
        return value
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def format_number(value: Number | None) -> str:
    """A number for a person: no exponent, no trailing zeros."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return str(int(normalized))
    return format(normalized, "f")


def format_percent(value: Number | None, places: int = 1) -> str:
    """A share (0..1) as a percentage for a person: ``0.305`` gives ``30.5%``."""
    if value is None:
        return "—"
    pct = round_to(to_decimal(value) * HUNDRED, Rounding.HALF_UP, places)
    return f"{format_number(pct)}%"


# ---------------------------------------------------------------------------------------
# Exact arithmetic: a value is computed exactly (an ``int``, a ``Decimal`` or, once a
# division is involved, a ``Fraction``) and rounded once, by a named rule.

Exact = int | Decimal | Fraction


def as_fraction(value: Exact) -> Fraction:
    """``value`` as a :class:`~fractions.Fraction`, exactly."""
    return value if isinstance(value, Fraction) else Fraction(value)


def divide_rounded(numerator: int, denominator: int, rule: Rounding) -> int:
    """``numerator ÷ denominator`` rounded to an integer by ``rule`` (exact integer arithmetic).

    >>> divide_rounded(5, 2, Rounding.HALF_UP), divide_rounded(-5, 2, Rounding.HALF_UP)
    (3, -3)
    >>> divide_rounded(5, 2, Rounding.HALF_EVEN), divide_rounded(7, 2, Rounding.HALF_EVEN)
    (2, 4)
    """
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    floor, rest = divmod(numerator, denominator)
    if rest == 0:
        return floor
    if rule is Rounding.FLOOR:
        return floor
    if rule is Rounding.CEILING:
        return floor + 1
    if rule is Rounding.DOWN:
        return floor if numerator >= 0 else floor + 1
    twice = 2 * rest
    if twice > denominator:
        return floor + 1
    if twice < denominator:
        return floor
    if rule is Rounding.HALF_UP:
        return floor + 1 if numerator >= 0 else floor
    return floor + (floor & 1)


def round_exact(value: Exact, rule: Rounding, places: int) -> Decimal:
    """``value`` rounded once to ``places`` decimal places by ``rule``, without trailing zeros.

    Unlike a chain of :class:`~decimal.Decimal` operations (each rounded to 28
    significant digits), the value is rounded exactly once: 6 × 1/48 = 0.125
    gives 0.13 half up.

    >>> round_exact(Fraction(6, 48), Rounding.HALF_UP, 2)
    Decimal('0.13')
    >>> round_exact(Decimal("87.00"), Rounding.HALF_UP, 2)
    Decimal('87')
    """
    if isinstance(value, Fraction):
        scaled = value * 10**places
        units = divide_rounded(scaled.numerator, scaled.denominator, rule)
        return tidy(Decimal(units).scaleb(-places))
    exponent = Decimal(1).scaleb(-places)
    return tidy(Decimal(value).quantize(exponent, rounding=rule.decimal_mode))


def to_display(value: Exact) -> Number:
    """A number for explanations: a fraction becomes a decimal (28 significant digits)."""
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return value
