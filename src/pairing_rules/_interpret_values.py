"""Values, filters and conditions of a record: the leaves every rule of the interpreter reads.

:mod:`pairing_rules._interpret` builds rubric, item and requirement runners
from these; the table path compiles the same plans
(:mod:`pairing_rules._compile_polars`).  Arithmetic is exact: counts stay
integers, decimals stay decimals, a division gives a fraction.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

from ._expr import Expr, exact_add, exact_div, exact_floordiv, exact_mul, exact_sub
from ._numbers import Exact, Number, to_decimal
from ._plan import RangePlan

if TYPE_CHECKING:
    from ._fields import RecordSpec
    from ._period import YearStatus
    from ._plan import ConditionPlan, FilterPlan, PeriodPlan

_FRACTION_ONE: Final = Fraction(1)
_FRACTION_ZERO: Final = Fraction(0)

Getter = Callable[[Any], Any]
#: a condition evaluated: (met, the exact value it read; ``None`` when not reported)
CondOutcome = tuple[bool, Any]

# ------------------------------------------------------------------------------ values

#: an expression's shape: what Python type its value has, and whether it can be missing
#: (``int``; ``dec`` a decimal or an int; ``frac`` possibly a fraction)
Shape = tuple[str, bool]


def number(value: Any) -> Number:
    """A field's value inside arithmetic: not reported and no are 0, yes is 1."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return to_decimal(value)
    raise TypeError(f"not a number: {value!r}")


def _field_getter(name: str, spec: RecordSpec | None) -> tuple[Getter, str]:
    get = attrgetter(name)
    kind = spec.kind(name) if spec is not None else "other"
    if kind == "bool":
        return (lambda r: 1 if get(r) is True else 0), "int"
    if kind in ("int", "decimal"):

        def counted(r: Any) -> Any:
            v = get(r)
            return 0 if v is None else v

        return counted, "int" if kind == "int" else "dec"
    return (lambda r: number(get(r))), "dec"


def value_of(expr: Expr, spec: RecordSpec | None = None) -> tuple[Getter, Shape]:
    """A function of a record giving ``expr``'s exact value (``None``: no value, e.g. ÷ 0)."""
    op = expr.op
    if op == "const":
        const = expr.value
        return (lambda _r: const), ("dec", False)
    if op == "field":
        getter, kind = _field_getter(expr.name, spec)
        return getter, (kind, False)
    if op == "count":
        get = attrgetter(expr.name)

        def count(r: Any) -> int:
            items = get(r)
            return len(items) if items else 0

        return count, ("int", False)
    parts = [value_of(a, spec) for a in expr.args]
    fns = [p[0] for p in parts]
    nullable = any(p[1][1] for p in parts)
    kinds = {p[1][0] for p in parts}
    plain = "frac" not in kinds and not nullable
    kind = "frac" if "frac" in kinds else ("int" if kinds == {"int"} else "dec")
    if op == "sum" and all(a.op == "field" for a in expr.args) and spec is not None:
        names = [a.name for a in expr.args]
        if all(spec.kind(n) in ("int", "decimal") for n in names) and len(names) > 1:
            get_all = attrgetter(*names)

            def field_sum(r: Any) -> Any:
                total: Any = 0
                for v in get_all(r):
                    if v is not None:
                        total = total + v
                return total

            return field_sum, (kind, False)
    if op in ("sum", "mul", "sub"):
        if plain and len(fns) == 2:
            a, b = fns
            if op == "sum":
                return (lambda r: a(r) + b(r)), (kind, False)
            if op == "sub":
                return (lambda r: a(r) - b(r)), (kind, False)
            return (lambda r: a(r) * b(r)), (kind, False)
        combine = {"sum": exact_add, "mul": exact_mul, "sub": exact_sub}[op]
        first, rest = fns[0], fns[1:]
        start: Exact | None = 0 if op == "sum" else 1 if op == "mul" else None

        def fold(r: Any) -> Any:
            out = first(r)
            if out is None:
                return None
            if start is not None:
                out = combine(start, out)
            for fn in rest:
                v = fn(r)
                if v is None:
                    return None
                out = combine(out, v)
            return out

        return fold, (kind, nullable)
    if op in ("min", "max"):
        pick = min if op == "min" else max
        if plain:
            if len(fns) == 2:
                a, b = fns
                return (lambda r: pick(a(r), b(r))), (kind, False)
            return (lambda r: pick(fn(r) for fn in fns)), (kind, False)

        if len(fns) == 2:
            first_fn, second_fn = fns
            lowest = op == "min"

            def extreme2(r: Any) -> Any:
                a = first_fn(r)
                if a is None:
                    return None
                b = second_fn(r)
                if b is None:
                    return None
                if lowest:
                    return b if b < a else a
                return b if b > a else a

            return extreme2, (kind, nullable)

        def extreme(r: Any) -> Any:
            values = [fn(r) for fn in fns]
            if any(v is None for v in values):
                return None
            return pick(values)

        return extreme, (kind, nullable)
    left, right = fns
    if op == "div":

        def div(r: Any) -> Any:
            a = left(r)
            if a is None:
                return None
            b = right(r)
            return None if b is None else exact_div(a, b)

        return div, ("frac", True)

    def floordiv(r: Any) -> Any:
        a = left(r)
        if a is None:
            return None
        b = right(r)
        return None if b is None else exact_floordiv(a, b)

    return floordiv, (kind, True)


def evaluate(expr: Expr, obj: Any) -> Exact | None:
    """``expr`` on any object with the fields as attributes (e.g. a quota table's row inputs)."""
    value: Exact | None = value_of(expr)[0](obj)
    return value


# ---------------------------------------------------------------------------- filters


def filter_of(plan: FilterPlan | None) -> Callable[[Any], bool] | None:
    """A predicate for an ``applies_to`` plan; ``None`` when there is no filter."""
    if plan is None:
        return None
    tests = tuple(_check_of(name, allowed) for name, allowed in plan.checks)
    if len(tests) == 1:
        return tests[0]
    return lambda r: all(test(r) for test in tests)


def _check_of(name: str, allowed: frozenset[Any] | RangePlan) -> Callable[[Any], bool]:
    """A predicate for one field of a filter: one of the allowed values, or within a range."""
    get = attrgetter(name)
    if not isinstance(allowed, RangePlan):
        return lambda r: get(r) in allowed
    low, high, blank = allowed.low, allowed.high, allowed.blank

    def within(r: Any) -> bool:
        value = get(r)
        if value is None:
            return blank
        return (low is None or value >= low) and (high is None or value <= high)

    return within


# ---------------------------------------------------------------------------- conditions


def _bound(value: Decimal | None, kind: str) -> Any:
    if value is None:
        return None
    if kind == "int" and value == value.to_integral_value():
        return int(value)
    if kind == "frac":
        return Fraction(value)
    return value


def condition_of(c: ConditionPlan, spec: RecordSpec | None) -> Callable[[Any], CondOutcome]:
    """A function of a record: (met, the value read).  The filter is not applied here."""
    if c.field is not None:
        get = attrgetter(c.field)
        wanted = c.equals

        def flag(r: Any) -> CondOutcome:
            value = get(r)
            return value is wanted, value

        return flag
    assert c.expr is not None
    getter, (kind, _nullable) = value_of(c.expr, spec)
    low, high = _bound(c.at_least, kind), _bound(c.at_most, kind)
    if c.bare is not None:
        raw = attrgetter(c.bare)
        if (
            high is None
            and low is not None
            and spec is not None
            and spec.kind(c.bare) in ("int", "decimal")
        ):

            def at_least(r: Any) -> CondOutcome:
                value = raw(r)
                if value is None:
                    return False, None
                return value >= low, value

            return at_least

        def bare(r: Any) -> CondOutcome:
            if raw(r) is None:
                return False, None
            value = getter(r)
            if value is None:
                return False, None
            return (low is None or value >= low) and (high is None or value <= high), value

        return bare

    def numeric(r: Any) -> CondOutcome:
        value = getter(r)
        if value is None:
            return False, None
        return (low is None or value >= low) and (high is None or value <= high), value

    return numeric


def condition_fraction(
    value: Any, met: bool, low: Decimal | None, high: Decimal | None
) -> Fraction:
    """How far ``value`` is towards a condition, in 0..1, exactly.

    1 when met; ``value ÷ at_least`` (within 0..1) when below a positive
    ``at_least`` and not above ``at_most``; otherwise 0 (a value not reported too).
    """
    if met:
        return _FRACTION_ONE
    if value is None or isinstance(value, bool):
        return _FRACTION_ZERO
    if low is not None and low > 0 and (high is None or value <= high):
        share = Fraction(value) / Fraction(low)
        return max(_FRACTION_ZERO, min(_FRACTION_ONE, share))
    return _FRACTION_ZERO


# ---------------------------------------------------------------------------- periods


def year_status(plan: PeriodPlan, year: int | None) -> YearStatus:
    """A year against a period: ``within`` it (it shares a day), ``outside`` it, or ``no_year``."""
    if year is None:
        return "no_year"
    if (plan.first is not None and year < plan.first) or (
        plan.last is not None and year > plan.last
    ):
        return "outside"
    return "within"


def period_of(plan: PeriodPlan) -> Callable[[Any], YearStatus]:
    """A function of a record: its year ``within`` the period, ``outside`` it, or ``no_year``."""
    if plan.field is None:
        return lambda _r: "no_year"
    get = attrgetter(plan.field)
    return lambda r: year_status(plan, get(r))
