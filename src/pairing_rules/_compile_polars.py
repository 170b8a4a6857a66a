"""The compiler: a pack's plans turned into exact Polars expressions, for whole tables.

Each bound rubric and requirement (:mod:`pairing_rules._plan`, the data the
interpreter runs on single records) becomes Polars expressions over typed
columns (:mod:`pairing_rules._frames`).  The arithmetic is exact: every value is a
fraction of two integer columns (a count over 1, a decimal over 10⁶, a ratio
over its denominator), comparisons cross-multiply, and points are rounded
once, in integers, by the rubric's rule, so the numbers are the per-record
path's.  Where a product could leave 64 bits the columns widen to 128 bits;
where it could leave those, compiling fails instead of overflowing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
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
    round_div,
)
from ._numbers import Rounding
from ._plan import (
    AdjustmentPlan,
    ConditionPlan,
    FilterPlan,
    FlagPlan,
    RequirementPlan,
    RubricPlan,
    ThresholdPlan,
)

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


def _fraction(value: Decimal | Fraction | int) -> tuple[int, int]:
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
            n, d = _fraction(e.value)
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
            raise ColumnarError(f"field {e.name!r} is not a number")
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
            plain = [v.value if hasattr(v, "value") else v for v in values]
            wanted = [v for v in plain if v is not None]
            col = pl.col(name)
            test = col.is_in(wanted) if wanted else pl.lit(False)
            if len(wanted) != len(plain):
                test = test | col.is_null()
            tests.append(test.fill_null(False))
        return pl.all_horizontal(*tests)

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
        p, q = _fraction(bound)
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
        p, q = _fraction(low)
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


@dataclass
class _RubricColumns:
    #: columns to add, stage by stage (each stage reads the previous ones)
    stages: list[list[pl.Expr]]
    items: list[tuple[str, pl.Expr]]
    total: pl.Expr
    reach: pl.Expr
    basis: pl.Expr
    grade: pl.Expr
    places: int


def _units(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ColumnarError(f"{value} has more than {places} decimal places")
    return int(scaled)


def _representation(plan: RubricPlan) -> int:
    """The decimal places that hold every point value of ``plan`` exactly."""
    values: list[Decimal] = [plan.declared_total]
    for item in plan.items:
        body = item.body
        if isinstance(body, ThresholdPlan):
            values.append(body.full)
        elif isinstance(body, AdjustmentPlan):
            values += [body.lowest, body.top]
        else:
            values += [body.top, body.otherwise]
    places = plan.places
    for v in values:
        exponent = v.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            places = max(places, -exponent)
    return places


def compile_rubric_columns(plan: RubricPlan, prefix: str = "__r") -> _RubricColumns:
    """Expressions for the item points, total, reachable maximum, grade basis and grade index.

    Points are integers in units of 10^-places (``places`` in the result).
    Intermediate values (conditions, fractions) are columns named ``prefix…``,
    added in ``stages`` before the final expressions read them.
    """
    import polars as pl

    c = ExprCompiler(plan.spec)
    places = _representation(plan)
    shift = 10 ** (places - plan.places)
    conditions: list[pl.Expr] = []

    def rounded(n: Ints, d: Ints) -> pl.Expr:
        # round n/d (a value in units of 10^-plan.places) and express it in 10^-places
        out: pl.Expr = round_div(n, d, plan.rounding) * shift
        return out

    def column(name: str, expr: pl.Expr) -> pl.Expr:
        conditions.append(expr.alias(name))
        return pl.col(name)

    items: list[tuple[str, pl.Expr]] = []
    reach_parts: list[pl.Expr] = []
    for n_item, item in enumerate(plan.items):
        applies = c.filter(item.applies)
        if applies is not None:
            applies = column(f"{prefix}_{n_item}_applies", applies)
        body = item.body
        if isinstance(body, ThresholdPlan):
            full = _units(body.full, places)
            hit: pl.Expr = pl.lit(False)
            ok: list[pl.Expr] = []
            shares: list[tuple[Ints, Ints, pl.Expr | None]] = []
            for n_cond, cond in enumerate(body.conditions):
                name = f"{prefix}_{n_item}_{n_cond}"
                cond_applies = c.filter(cond.applies)
                if cond_applies is not None:
                    cond_applies = column(f"{name}_applies", cond_applies)
                met_expr, _f, value = c.condition(cond)
                met = column(f"{name}_met", met_expr)
                hit = hit | (cond_applies if cond_applies is not None else pl.lit(True))
                ok.append(met if cond_applies is None else (~cond_applies | met))
                if body.proportional:
                    num, den = c.fraction(cond, met_expr, value)
                    num = Ints(column(f"{name}_num", as_expr(num, num.b > WIDE)), num.b)
                    if not is_const(den):
                        den = Ints(column(f"{name}_den", as_expr(den, den.b > WIDE)), den.b)
                    shares.append((num, den, cond_applies))
            all_ok = pl.all_horizontal(*ok) if ok else pl.lit(True)
            live = hit if applies is None else (applies & hit)
            if body.proportional and shares:
                partial = rounded(*_least_share(shares, body.full, plan.places))
            else:
                partial = pl.lit(0, dtype=pl.Int64)
            points = pl.when(~live).then(0).when(all_ok).then(full).otherwise(partial)
            reach_parts.append(pl.when(live).then(full).otherwise(0))
        elif isinstance(body, AdjustmentPlan):
            points = _adjustment(c, body, plan, places, rounded)
            top = _units(body.top, places)
            reach_parts.append(
                pl.lit(top) if applies is None else pl.when(applies).then(top).otherwise(0)
            )
            if applies is not None:
                points = pl.when(applies).then(points).otherwise(0)
        else:
            points = _flag(body, places)
            if not item.bonus:
                top = _units(body.top, places)
                reach_parts.append(
                    pl.lit(top) if applies is None else pl.when(applies).then(top).otherwise(0)
                )
            if applies is not None:
                points = pl.when(applies).then(points).otherwise(0)
        items.append((item.id, points.cast(pl.Int64)))
    item_columns = [e.alias(f"{prefix}_{n}_points") for n, (_id, e) in enumerate(items)]
    reach_column = (pl.sum_horizontal(*reach_parts) if reach_parts else pl.lit(0)).cast(pl.Int64)
    stages = [conditions, [*item_columns, reach_column.alias(f"{prefix}_reach")]]
    item_refs = [(item_id, pl.col(f"{prefix}_{n}_points")) for n, (item_id, _e) in enumerate(items)]
    total = pl.sum_horizontal(*[e for _i, e in item_refs]) if item_refs else pl.lit(0)
    if plan.cap_at_declared:
        declared = _units(plan.declared_total, places)
        total = pl.min_horizontal(total, pl.lit(declared))
    reach = pl.col(f"{prefix}_reach")
    basis = total
    if plan.scaled:
        declared_units = _units(plan.declared_total, plan.places)
        t = Ints(total.cast(pl.Int64), 10**15)
        r = Ints(reach, 10**15)
        basis = pl.when(reach > 0).then(rounded(mul(t, const(declared_units)), r)).otherwise(total)
    stages.append(
        [
            total.cast(pl.Int64).alias(f"{prefix}_total"),
            basis.cast(pl.Int64).alias(f"{prefix}_basis"),
        ]
    )
    basis = pl.col(f"{prefix}_basis")
    last = len(plan.grades) - 1
    grade: Any = pl.lit(last)
    for index, minimum in reversed(list(enumerate(plan.bands))):
        threshold = math.ceil(Fraction(minimum) * 10**places)
        grade = pl.when(basis >= threshold).then(pl.lit(index)).otherwise(grade)
    vetoes: list[pl.Expr] = []
    for n_veto, veto in enumerate(plan.vetoes):
        hits = []
        for trigger in veto.triggers:
            met, _f, _v = c.condition(trigger)
            applies = c.filter(trigger.applies)
            hits.append(met if applies is None else (applies & met))
        if hits:
            name = f"{prefix}_veto{n_veto}"
            vetoes.append(pl.any_horizontal(*hits).alias(name))
            grade = (
                pl.when(pl.col(name) & (grade < veto.cap)).then(pl.lit(veto.cap)).otherwise(grade)
            )
    stages[0].extend(vetoes)
    return _RubricColumns(
        stages=stages,
        items=item_refs,
        total=pl.col(f"{prefix}_total"),
        reach=reach,
        basis=basis,
        grade=grade.cast(pl.Int32),
        places=places,
    )


def _least_share(
    shares: Sequence[tuple[Ints, Ints, pl.Expr | None]], full: Decimal, places: int
) -> tuple[Ints, Ints]:
    """The least fraction of the applying conditions times ``full`` in 10^-places, as n/d."""
    import polars as pl

    best_n: Ints | None = None
    best_d: Ints | None = None
    for num, den, cond_applies in shares:
        if cond_applies is not None:
            wide = max(num.b, den.b) > WIDE
            num = Ints(
                pl.when(cond_applies).then(as_expr(num, wide)).otherwise(as_expr(den, wide)),
                max(num.b, den.b),
            )
        if best_n is None or best_d is None:
            best_n, best_d = num, den
            continue
        left, right = mul(num, best_d), mul(best_n, den)
        wide = max(left.b, right.b) > WIDE
        smaller = as_expr(left, wide) < as_expr(right, wide)
        wn = max(num.b, best_n.b) > WIDE
        best_n = Ints(
            pl.when(smaller).then(as_expr(num, wn)).otherwise(as_expr(best_n, wn)),
            max(num.b, best_n.b),
        )
        if not (is_const(den) and is_const(best_d) and den.e == best_d.e):
            wd = max(den.b, best_d.b) > WIDE
            best_d = Ints(
                pl.when(smaller).then(as_expr(den, wd)).otherwise(as_expr(best_d, wd)),
                max(den.b, best_d.b),
            )
    assert best_n is not None
    assert best_d is not None
    full_n, full_d = _fraction(full)
    return mul(best_n, const(full_n * 10**places)), mul(best_d, const(full_d))


def _adjustment(
    c: ExprCompiler,
    body: AdjustmentPlan,
    plan: RubricPlan,
    places: int,
    rounded: Callable[[Ints, Ints], pl.Expr],
) -> pl.Expr:
    import polars as pl

    v = c.value(body.expr)
    pn, pd = _fraction(body.pivot)
    qn, qd = _fraction(body.per)
    # units = (v - pivot) / per = ((n·pd − pn·d)·qd) / (d·pd·qn)
    un = mul(add(mul(v.num, const(pd)), mul(v.den, const(pn)), -1), const(qd))
    ud = mul(v.den, const(pd * qn))
    if body.mode == "whole":
        un, ud = Ints(round_div(un, ud, Rounding.DOWN), un.b), const(1)
    elif body.mode == "floor":
        un, ud = Ints(round_div(un, ud, Rounding.FLOOR), un.b), const(1)
    elif body.mode == "half_up":
        un, ud = Ints(round_div(un, ud, Rounding.HALF_UP), un.b), const(1)
    bn, bd = _fraction(body.base)
    sn, sd = _fraction(body.step)
    # raw = base + units·step = (bn·sd·ud + un·sn·bd) / (bd·sd·ud)
    raw_n = add(mul(const(bn * sd), ud), mul(un, const(sn * bd)))
    raw_d = mul(ud, const(bd * sd))
    scale = 10**plan.places
    points = rounded(mul(raw_n, const(scale)), raw_d)
    lowest, top = _units(body.lowest, places), _units(body.top, places)
    points = pl.min_horizontal(pl.max_horizontal(points, pl.lit(lowest)), pl.lit(top))
    unreported: pl.Expr = pl.all_horizontal(*[pl.col(f).is_null() for f in body.read])
    if not body.read:
        unreported = pl.lit(True)
    if v.nullable:
        unreported = unreported | v.num.e.is_null()
    return pl.when(unreported).then(lowest).otherwise(points)


def _flag(body: FlagPlan, places: int) -> pl.Expr:
    import polars as pl

    col = pl.col(body.field)
    return (
        pl.when(col.fill_null(False))
        .then(_units(body.top, places))
        .when(col.is_null())
        .then(0)
        .otherwise(_units(body.otherwise, places))
    )


def compile_requirement_status(plan: RequirementPlan) -> pl.Expr:
    """The status of ``plan`` per row: ``met``, ``unmet``, ``not_applicable`` or ``needs_evidence``."""
    import polars as pl

    c = ExprCompiler(plan.spec)
    applies = c.filter(plan.applies)
    hit: pl.Expr = pl.lit(False)
    ok: list[pl.Expr] = []
    for cond in plan.conditions:
        cond_applies = c.filter(cond.applies)
        met, _f, _v = c.condition(cond)
        hit = hit | (cond_applies if cond_applies is not None else pl.lit(True))
        ok.append(met if cond_applies is None else (~cond_applies | met))
    live = hit if applies is None else (applies & hit)
    evidence = [pl.col(e.field).fill_null(False) for e in plan.evidence]
    status: Any = pl.when(~live).then(pl.lit("not_applicable"))
    if ok:
        status = status.when(~pl.all_horizontal(*ok)).then(pl.lit("unmet"))
    if evidence:
        status = status.when(~pl.all_horizontal(*evidence)).then(pl.lit("needs_evidence"))
    result: pl.Expr = status.otherwise(pl.lit("met"))
    return result


# ----------------------------------------------------------------------------- runners


def decimal_column(units: pl.Expr, places: int) -> pl.Expr:
    import polars as pl

    whole = units.cast(pl.Decimal(38, 0))
    if places == 0:
        return whole
    # exact: a product of decimals has the sum of their places (a division costs three times more)
    unit = pl.lit(Decimal(1).scaleb(-places), dtype=pl.Decimal(38, places))
    scaled: pl.Expr = whole * unit
    return scaled
