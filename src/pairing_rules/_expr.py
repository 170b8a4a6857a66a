"""A small expression language for the values rules read from a record.

A pack writes what a rule measures as data, so that it reads next to the
document and compiles once into a fast function::

    sync_lessons                              # a field
    {sum: [online_research, offline_research]}
    {div: [teachers_sent, core_teachers]}     # a share; no value when dividing by 0
    {min: [mentors, {floordiv: [mentees, 3]}]}  # complete 1:3 mentor groups
    {count: members}                          # length of a list field

A field that is not reported (``None``) counts as zero; ``True`` counts as 1.
Arithmetic is exact: counts stay integers, decimals stay
:class:`~decimal.Decimal`, and a division gives a :class:`~fractions.Fraction`
(:meth:`Expr.compile_exact`), so that a result is rounded once, where a rule
says how.  :meth:`Expr.compile` gives the same values as decimals, for display.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeAlias

from ._numbers import Exact, Number, to_decimal, to_display

RawExpr: TypeAlias = str | int | float | dict[str, Any]
Getter: TypeAlias = Callable[[Any], Number | None]
ExactGetter: TypeAlias = Callable[[Any], Exact | None]

_NUMBER: Final = re.compile(r"^-?\d+(\.\d+)?$")
_IDENT: Final = re.compile(r"^[a-z_][a-z0-9_]*$")
_NARY: Final = ("sum", "mul", "min", "max")
_BINARY: Final = ("sub", "div", "floordiv")
OPERATORS: Final = (*_NARY, *_BINARY, "count")


class ExprError(ValueError):
    """An expression that does not parse."""


@dataclass(frozen=True, slots=True)
class Expr:
    """A parsed expression: ``op`` is ``field``, ``const`` or an operator."""

    op: str
    args: tuple[Expr, ...] = ()
    name: str = ""
    value: Decimal | None = None

    def fields(self) -> set[str]:
        """The record fields the expression reads."""
        if self.op in ("field", "count"):
            return {self.name}
        out: set[str] = set()
        for arg in self.args:
            out |= arg.fields()
        return out

    def render(self) -> str:
        """A short human-readable form, e.g. ``online_research + offline_research``."""
        if self.op == "field":
            return self.name
        if self.op == "const":
            return format(self.value, "f")
        if self.op == "count":
            return f"count({self.name})"
        symbol = {"sum": " + ", "mul": " × ", "sub": " − ", "div": " ÷ ", "floordiv": " // "}
        if self.op in symbol:
            inner = symbol[self.op].join(a.render() for a in self.args)
            return f"({inner})" if len(self.args) > 1 else inner
        return f"{self.op}({', '.join(a.render() for a in self.args)})"

    def compile(self) -> Getter:
        """A function of a record (anything with attributes) giving the value as a decimal."""
        exact = _compile(self)

        def getter(record: Any) -> Number | None:
            value = exact(record)
            return None if value is None else to_display(value)

        return getter

    def compile_exact(self) -> ExactGetter:
        """A function of a record giving the exact value (a division gives a fraction)."""
        return _compile(self)


def parse(raw: RawExpr) -> Expr:
    """Parse a raw expression (a field name, a number, or ``{op: [args]}``)."""
    if isinstance(raw, bool):
        raise ExprError(f"a yes/no value is not an expression: {raw!r}")
    if isinstance(raw, int | float):
        return Expr("const", value=to_decimal(raw))
    if isinstance(raw, str):
        key = raw.strip()
        if _NUMBER.match(key):
            return Expr("const", value=Decimal(key))
        if _IDENT.match(key):
            return Expr("field", name=key)
        raise ExprError(f"not a field name or a number: {raw!r}")
    if isinstance(raw, dict) and len(raw) == 1:
        ((op, args),) = raw.items()
        if op == "count":
            if not isinstance(args, str) or not _IDENT.match(args):
                raise ExprError(f"count takes a field name, got {args!r}")
            return Expr("count", name=args)
        if op not in OPERATORS:
            raise ExprError(f"unknown operator {op!r}; known: {', '.join(OPERATORS)}")
        if not isinstance(args, list) or not args:
            raise ExprError(f"{op} takes a list of expressions")
        parsed = tuple(parse(a) for a in args)
        if op in _BINARY and len(parsed) != 2:
            raise ExprError(f"{op} takes exactly two expressions")
        return Expr(op, args=parsed)
    raise ExprError(f"not an expression: {raw!r}")


def dump(expr: Expr) -> RawExpr:
    """The raw form of ``expr`` (inverse of :func:`parse`)."""
    if expr.op == "field":
        return expr.name
    if expr.op == "const":
        assert expr.value is not None
        return format(expr.value, "f")
    if expr.op == "count":
        return {"count": expr.name}
    return {expr.op: [dump(a) for a in expr.args]}


def _number(value: Any) -> Number:
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return to_decimal(value)
    raise TypeError(f"not a number: {value!r}")


def _compile(expr: Expr) -> ExactGetter:
    op = expr.op
    if op == "const":
        const = expr.value
        return lambda _r: const
    if op == "field":
        name = expr.name

        def field(record: Any) -> Number:
            return _number(getattr(record, name))

        return field
    if op == "count":
        name = expr.name

        def count(record: Any) -> Number:
            items = getattr(record, name)
            return len(items) if items else 0

        return count
    parts = [_compile(a) for a in expr.args]
    if op in ("sum", "mul"):
        combine = exact_add if op == "sum" else exact_mul
        start: Exact = 0 if op == "sum" else 1

        def fold(record: Any) -> Exact | None:
            out = start
            for p in parts:
                v = p(record)
                if v is None:
                    return None
                out = combine(out, v)
            return out

        return fold
    if op in ("min", "max"):
        pick = min if op == "min" else max

        def extreme(record: Any) -> Exact | None:
            values = [p(record) for p in parts]
            if any(v is None for v in values):
                return None
            return pick(v for v in values if v is not None)

        return extreme
    left, right = parts
    fn = {"sub": exact_sub, "div": exact_div, "floordiv": exact_floordiv}[op]

    def binary(record: Any) -> Exact | None:
        a = left(record)
        if a is None:
            return None
        b = right(record)
        if b is None:
            return None
        return fn(a, b)

    return binary


def exact_add(a: Exact, b: Exact) -> Exact:
    """``a + b``, exactly (a fraction when either is one)."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(a) + Fraction(b)
    return a + b


def exact_sub(a: Exact, b: Exact) -> Exact:
    """``a − b``, exactly."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(a) - Fraction(b)
    return a - b


def exact_mul(a: Exact, b: Exact) -> Exact:
    """``a × b``, exactly."""
    if isinstance(a, Fraction) or isinstance(b, Fraction):
        return Fraction(a) * Fraction(b)
    return a * b


def exact_div(a: Exact, b: Exact) -> Fraction | None:
    """``a ÷ b`` as a fraction; no value when ``b`` is 0."""
    if b == 0:
        return None
    if type(a) is int and type(b) is int:
        return Fraction(a, b)
    return Fraction(a) / Fraction(b)


def exact_floordiv(a: Exact, b: Exact) -> Number | None:
    """The integer quotient of ``a`` by ``b``; no value when ``b`` is 0.

    As Python computes it: two integers give the floor; a decimal on either
    side gives a decimal truncated toward zero.
    """
    if b == 0:
        return None
    if type(a) is int and type(b) is int:
        return a // b
    quotient = Fraction(a) / Fraction(b)
    whole = quotient.numerator // quotient.denominator
    if whole < 0 and whole * quotient.denominator != quotient.numerator:
        whole += 1
    return Decimal(whole)
