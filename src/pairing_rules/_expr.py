"""A small expression language for the values rules read from a record.

A pack writes what a rule measures as data, so that it reads next to the
document::

    sync_lessons                              # a field
    {sum: [online_research, offline_research]}
    {div: [teachers_sent, core_teachers]}     # a share; no value when dividing by 0
    {min: [mentors, {floordiv: [mentees, 3]}]}  # complete 1:3 mentor groups
    {count: members}                          # length of a list field

A field that is not reported (``None``) counts as zero; ``True`` counts as 1.
Arithmetic is exact: counts stay integers, decimals stay
:class:`~decimal.Decimal`, and a division gives a :class:`~fractions.Fraction`,
so that a result is rounded once, where a rule says how.  An expression is
parsed once, when the pack is read (:data:`Expression` is the field type rules
use); :mod:`pairing_rules._interpret` evaluates it and
:mod:`pairing_rules._compile_polars` compiles it for tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Annotated, Any, Final, TypeAlias

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from ._numbers import Exact, Number, to_decimal

RawExpr: TypeAlias = str | int | float | dict[str, Any]

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


def parse(raw: RawExpr | Expr) -> Expr:
    """Parse a raw expression (a field name, a number, or ``{op: [args]}``)."""
    if isinstance(raw, Expr):
        return raw
    if isinstance(raw, bool):
        raise ExprError(f"a yes/no value is not an expression: {_written(raw)}")
    if isinstance(raw, int | float):
        return Expr("const", value=to_decimal(raw))
    if isinstance(raw, str):
        key = raw.strip()
        if _NUMBER.match(key):
            return Expr("const", value=Decimal(key))
        if _IDENT.match(key):
            return Expr("field", name=key)
        raise ExprError(f"not a field name or a number: {_written(raw)}")
    if isinstance(raw, dict) and len(raw) == 1:
        ((op, args),) = raw.items()
        if op == "count":
            if not isinstance(args, str) or not _IDENT.match(args):
                raise ExprError(f"count takes a field name, got {_written(args)}")
            return Expr("count", name=args)
        if op not in OPERATORS:
            raise ExprError(f"unknown operator {op!r}; known: {', '.join(OPERATORS)}")
        if not isinstance(args, list) or not args:
            raise ExprError(f"{op} takes a list of expressions")
        parsed = tuple(parse(a) for a in args)
        if op in _BINARY and len(parsed) != 2:
            raise ExprError(f"{op} takes exactly two expressions")
        return Expr(op, args=parsed)
    if raw is None:
        raise ExprError("an empty value is not an expression")
    raise ExprError(f"not an expression: {_written(raw)}")


def _written(value: object) -> str:
    """``value`` as a pack file writes it (``[a, b]``, ``true``, ``null``), not as Python's repr."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    text = text.removesuffix("\n").removesuffix("\n...").strip()
    return text if len(text) <= 60 else text[:59] + "…"


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
    if not isinstance(a, Fraction) and not isinstance(b, Fraction):
        try:
            return Decimal(a) // Decimal(b)  # exact: truncated toward zero
        except InvalidOperation:  # a quotient beyond the decimal precision
            pass
    quotient = Fraction(a) / Fraction(b)
    whole = quotient.numerator // quotient.denominator
    if whole < 0 and whole * quotient.denominator != quotient.numerator:
        whole += 1
    return Decimal(whole)


def _as_expr(raw: Any) -> Expr:
    if isinstance(raw, Expr):
        return raw
    return parse(raw)


#: the JSON Schema of an expression in a pack file
EXPRESSION_SCHEMA: Final[dict[str, Any]] = {
    "description": "A field name, a number, or {operator: [expressions]} "
    f"with operator one of {', '.join(OPERATORS)} (count takes a field name).",
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "object", "minProperties": 1, "maxProperties": 1},
    ],
}

#: the field type of an expression in a rule: parsed once when the pack is read,
#: written back in its raw form (so a pack's JSON and its hash are unchanged)
Expression = Annotated[
    Expr,
    PlainValidator(_as_expr),
    PlainSerializer(dump, return_type=Any),
    WithJsonSchema(EXPRESSION_SCHEMA),
]
