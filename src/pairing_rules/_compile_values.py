"""Values, filters and conditions compiled to exact Polars expressions (the leaves of the compiler).

:class:`ExprCompiler` turns a plan's expressions, ``applies_to`` filters and
conditions into expressions over the typed columns of
:mod:`pairing_rules._frames`: every value is a fraction of two integer
columns (a count over 1, a decimal over 10⁶, a ratio over its denominator),
and comparisons cross-multiply, so the results are the interpreter's
(:mod:`pairing_rules._interpret_values`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ._compile_ints import (
    COUNT_BOUND,
    DECIMAL_LIMIT,
    DECIMAL_SCALE,
    WIDE,
    ColumnarError,
    Ints,
    add,
    as_expr,
    checked,
    const,
    is_const,
    minus,
    mul,
)
from ._expr import Expr
from ._i18n import Text
from ._plan import ConditionPlan, FilterPlan, PeriodPlan, RangePlan

if TYPE_CHECKING:
    import polars as pl

    from ._fields import RecordSpec

# ----------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class _Val:
    """An exact value: ``num ÷ den`` (``den`` > 0); ``pyint`` says whether Python holds an int."""

    num: Ints
    den: Ints
    nullable: bool
    pyint: Any  # bool or pl.Expr


def fraction_of(value: Decimal | Fraction | int) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def _and(a: Any, b: Any) -> Any:
    if isinstance(a, bool) and isinstance(b, bool):
        return a and b
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return a & b


def _common(a: _Val, b: _Val) -> tuple[Ints, Ints, Ints]:
    """Numerators over a common denominator, and the denominator."""
    if is_const(a.den) and is_const(b.den):
        lcm = math.lcm(a.den.e, b.den.e)
        return (
            mul(a.num, const(lcm // a.den.e)),
            mul(b.num, const(lcm // b.den.e)),
            const(lcm),
        )
    return mul(a.num, b.den), mul(b.num, a.den), mul(a.den, b.den)


class ExprCompiler:
    """Compiles plans for one record type to expressions over prepared columns."""

    def __init__(self, spec: RecordSpec) -> None:
        self.spec = spec

    def bound(self, name: str, default: int) -> int:
        """The largest absolute value of field ``name``: its ``ge``/``le`` bounds, or ``default``."""
        field = self.spec.fields[name]
        if field.low is not None and field.high is not None:
            return max(abs(math.ceil(field.low)), abs(math.ceil(field.high)))
        return default

    def value(self, e: Any) -> _Val:
        import polars as pl

        if e.op == "const":
            n, d = fraction_of(e.value)
            return _Val(const(n), const(d), False, False)
        if e.op == "count":
            length = pl.col(e.name).list.len().fill_null(0).cast(pl.Int64)
            return _Val(Ints(length, COUNT_BOUND), const(1), False, True)
        if e.op == "field":
            kind = self.spec.kind(e.name)
            col = pl.col(e.name)
            if kind == "int":
                return _Val(
                    Ints(col.fill_null(0), self.bound(e.name, COUNT_BOUND)), const(1), False, True
                )
            if kind == "decimal":
                return _Val(
                    Ints(col.fill_null(0), self.bound(e.name, DECIMAL_LIMIT) * DECIMAL_SCALE),
                    const(DECIMAL_SCALE),
                    False,
                    False,
                )
            if kind == "bool":
                return _Val(Ints(col.fill_null(False).cast(pl.Int64), 1), const(1), False, True)
            raise ColumnarError(
                Text(
                    zh=f"字段 {e.name} 不是数值，整表计算无法用它计算",
                    en=f"field {e.name!r} is not a number",
                ),
                value=e.name,
            )
        parts = [self.value(a) for a in e.args]
        nullable = any(p.nullable for p in parts)
        if e.op in ("sum", "sub", "mul"):
            out = parts[0]
            for p in parts[1:]:
                if e.op == "mul":
                    out = _Val(
                        mul(out.num, p.num),
                        mul(out.den, p.den),
                        nullable,
                        _and(out.pyint, p.pyint),
                    )
                else:
                    a, b, den = _common(out, p)
                    out = _Val(
                        add(a, b, -1 if e.op == "sub" else 1),
                        den,
                        nullable,
                        _and(out.pyint, p.pyint),
                    )
            return out
        if e.op in ("min", "max"):
            out = parts[0]
            for p in parts[1:]:
                a, b, den = _common(out, p)
                wide = max(a.b, b.b) > WIDE
                left, right = as_expr(a, wide), as_expr(b, wide)
                better = right < left if e.op == "min" else right > left
                num = Ints(pl.when(better).then(right).otherwise(left), max(a.b, b.b))
                pyint = out.pyint
                if not (isinstance(out.pyint, bool) and out.pyint == p.pyint):
                    pyint = pl.when(better).then(pl.lit(p.pyint)).otherwise(pl.lit(out.pyint))
                out = _Val(num, den, nullable, pyint)
            if nullable:
                missing = pl.any_horizontal(*[p.num.e.is_null() for p in parts if p.nullable])
                wide = out.num.b > WIDE
                out = _Val(
                    Ints(pl.when(missing).then(None).otherwise(as_expr(out.num, wide)), out.num.b),
                    out.den,
                    True,
                    out.pyint,
                )
            return out
        x, y = parts
        if e.op == "div":
            qn = mul(x.num, y.den)
            qd = mul(x.den, y.num)
            wide = max(qn.b, qd.b) > WIDE
            ne, de = as_expr(qn, wide), as_expr(qd, wide)
            zero = de == 0
            num_e = pl.when(zero).then(None).when(de < 0).then(minus(ne)).otherwise(ne)
            den_e = pl.when(zero).then(None).otherwise(de.abs())
            return _Val(Ints(num_e, qn.b), Ints(den_e, qd.b), True, False)
        # floordiv
        qn = mul(x.num, y.den)
        qd = mul(x.den, y.num)
        wide = checked(2 * max(qn.b, qd.b)) > WIDE
        ne, de = as_expr(qn, wide), as_expr(qd, wide)
        sn = pl.when(de < 0).then(minus(ne)).otherwise(ne)
        sd = de.abs()
        floor = sn // sd
        trunc = pl.when(sn >= 0).then(sn // sd).otherwise(minus(minus(sn) // sd))
        pyint = _and(x.pyint, y.pyint)
        quotient: pl.Expr
        if pyint is True:
            quotient = floor
        elif pyint is False:
            quotient = trunc
        else:
            quotient = pl.when(pyint).then(floor).otherwise(trunc)
        quotient = pl.when(de == 0).then(None).otherwise(quotient)
        return _Val(Ints(quotient, qn.b), const(1), True, pyint)

    # -- filters and conditions -------------------------------------------------------

    def filter(self, spec: FilterPlan | None) -> pl.Expr | None:
        import polars as pl

        if spec is None:
            return None
        tests = []
        for name, values in spec.checks:
            if isinstance(values, RangePlan):
                tests.append(self.within(name, values))
                continue
            plain = [v.value if hasattr(v, "value") else v for v in values]
            wanted = [v for v in plain if v is not None]
            col = pl.col(name)
            test = col.is_in(wanted) if wanted else pl.lit(False)
            if len(wanted) != len(plain):
                test = test | col.is_null()
            tests.append(test.fill_null(False))
        return pl.all_horizontal(*tests)

    def unreported(self, names: tuple[str, ...]) -> pl.Expr:
        """Whether none of the fields ``names`` is reported (an empty list is not reported)."""
        import polars as pl

        tests = []
        for name in names:
            col = pl.col(name)
            if self.spec.kind(name) == "list":
                tests.append(col.is_null() | (col.list.len() == 0).fill_null(True))
            else:
                tests.append(col.is_null())
        return pl.all_horizontal(*tests) if tests else pl.lit(True)

    def period(self, plan: PeriodPlan) -> pl.Expr:
        """A row's year against a period: ``within``, ``outside`` or ``no_year`` (never null)."""
        import polars as pl

        if plan.field is None:
            return pl.lit("no_year")
        year = pl.col(plan.field)
        outside = pl.lit(False)
        if plan.first is not None:
            outside = outside | (year < plan.first)
        if plan.last is not None:
            outside = outside | (year > plan.last)
        return (
            pl.when(year.is_null())
            .then(pl.lit("no_year"))
            .when(outside)
            .then(pl.lit("outside"))
            .otherwise(pl.lit("within"))
        )

    def within(self, name: str, spec: RangePlan) -> pl.Expr:
        """Whether the number of field ``name`` is within ``spec`` (never null)."""
        import polars as pl

        value = self.value(Expr("field", name=name))
        tests = [pl.col(name).is_not_null()]
        if spec.low is not None:
            tests.append(self.compare(value, spec.low, ">="))
        if spec.high is not None:
            tests.append(self.compare(value, spec.high, "<="))
        test = pl.all_horizontal(*tests)
        if spec.blank:
            test = test | pl.col(name).is_null()
        return test.fill_null(False)

    def condition(self, c: ConditionPlan) -> tuple[pl.Expr, tuple[Ints, Ints] | None, _Val | None]:
        """Whether ``c`` is met (never null), and the value it reads (``None`` for a flag)."""
        import polars as pl

        if c.field is not None:
            return pl.col(c.field).eq(c.equals).fill_null(False), None, None
        assert c.expr is not None
        value = self.value(c.expr)
        present = pl.lit(True)
        if c.bare is not None:
            present = pl.col(c.bare).is_not_null()
        elif value.nullable:
            present = value.num.e.is_not_null()
        tests = [present]
        if c.at_least is not None:
            tests.append(self.compare(value, c.at_least, ">="))
        if c.at_most is not None:
            tests.append(self.compare(value, c.at_most, "<="))
        return pl.all_horizontal(*tests).fill_null(False), None, value

    def compare(self, v: _Val, bound: Decimal, op: str) -> pl.Expr:
        p, q = fraction_of(bound)
        if is_const(v.den):
            # n/d >= p/q  ⟺  n >= ceil(p·d/q)  (n is an integer)
            scaled = Fraction(p * v.den.e, q)
            limit = math.ceil(scaled) if op == ">=" else math.floor(scaled)
            wide = max(v.num.b, abs(limit)) > WIDE
            left, right = as_expr(v.num, wide), as_expr(const(limit), wide)
        else:
            a, b = mul(v.num, const(q)), mul(v.den, const(p))
            wide = max(a.b, b.b) > WIDE
            left, right = as_expr(a, wide), as_expr(b, wide)
        return left >= right if op == ">=" else left <= right

    def fraction(self, c: ConditionPlan, met: pl.Expr, value: _Val | None) -> tuple[Ints, Ints]:
        """How far towards ``c`` a row is, in 0..1, as (numerator, denominator)."""
        import polars as pl

        low, high = c.at_least, c.at_most
        if value is None or low is None or low <= 0:
            return Ints(pl.when(met).then(1).otherwise(0).cast(pl.Int64), 1), const(1)
        p, q = fraction_of(low)
        num = mul(value.num, const(q))
        den = mul(value.den, const(p))
        wide = max(num.b, den.b) > WIDE
        ne, de = as_expr(num, wide), as_expr(den, wide)
        if not is_const(den):
            de = de.fill_null(1)
        within = value.num.e.is_not_null() if value.nullable else pl.lit(True)
        if c.bare is not None:
            within = pl.col(c.bare).is_not_null()
        if high is not None:
            within = within & self.compare(value, high, "<=")
        share = (
            pl.when(met)
            .then(de)
            .when(within.fill_null(False) & (ne > 0).fill_null(False))
            .then(pl.min_horizontal(ne, de))
            .otherwise(0)
        )
        bound = max(num.b, den.b)
        return Ints(share, bound), (den if is_const(den) else Ints(de, den.b))
