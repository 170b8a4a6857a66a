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
    WIDE,
    ColumnarError,
    Ints,
    add,
    as_expr,
    const,
    is_const,
    mul,
    round_div,
)
from ._compile_values import ExprCompiler, fraction_of
from ._i18n import Text
from ._numbers import Rounding
from ._plan import (
    AdjustmentPlan,
    FlagPlan,
    RequirementPlan,
    RubricPlan,
    ThresholdPlan,
)

if TYPE_CHECKING:
    import polars as pl


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
    #: per item, every value its points can take (in units) when they are few and known
    domains: list[tuple[int, ...] | None]


def _units(value: Decimal, places: int) -> int:
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ColumnarError(
            Text(
                zh=f"{value} 的小数超过 {places} 位，整表计算无法精确表示",
                en=f"{value} has more than {places} decimal places",
            ),
            value=str(value),
        )
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
    domains: list[tuple[int, ...] | None] = []
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
            silent: list[pl.Expr] = []  # per condition: it does not apply, or is not reported
            for n_cond, cond in enumerate(body.conditions):
                name = f"{prefix}_{n_item}_{n_cond}"
                raw_applies = cond_applies = c.filter(cond.applies)
                if cond_applies is not None:
                    cond_applies = column(f"{name}_applies", cond_applies)
                met_expr, _f, value = c.condition(cond)
                met = column(f"{name}_met", met_expr)
                hit = hit | (cond_applies if cond_applies is not None else pl.lit(True))
                ok.append(met if cond_applies is None else (~cond_applies | met))
                if body.skip_unreported:
                    # read in the stage that adds the condition columns: from the fields themselves
                    missing = c.unreported(cond.reads)
                    silent.append(missing if raw_applies is None else (~raw_applies | missing))
                if body.proportional:
                    num, den = c.fraction(cond, met_expr, value)
                    num = Ints(column(f"{name}_num", as_expr(num, num.b > WIDE)), num.b)
                    if not is_const(den):
                        den = Ints(column(f"{name}_den", as_expr(den, den.b > WIDE)), den.b)
                    shares.append((num, den, cond_applies))
            all_ok = pl.all_horizontal(*ok) if ok else pl.lit(True)
            live = hit if applies is None else (applies & hit)
            if silent:
                # not scored when none of the applying conditions is reported
                live = live & ~column(f"{prefix}_{n_item}_silent", pl.all_horizontal(*silent))
            domain: tuple[int, ...] | None = (0, full)
            if body.proportional and shares:
                partial = rounded(*_least_share(shares, body.full, plan.places))
                domain = None
            else:
                partial = pl.lit(0, dtype=pl.Int64)
            points = pl.when(~live).then(0).when(all_ok).then(full).otherwise(partial)
            reach_parts.append(pl.when(live).then(full).otherwise(0))
        elif isinstance(body, AdjustmentPlan):
            points, missing = _adjustment(c, body, plan, places, rounded)
            domain = None
            reach = _reach(_units(body.top, places), applies, body.unreported, missing)
            reach_parts.append(reach)
            if applies is not None:
                points = pl.when(applies).then(points).otherwise(0)
        else:
            points = _flag(body, places)
            domain = (_units(body.top, places), _units(body.otherwise, places), 0)
            if not item.bonus:
                missing = pl.col(body.field).is_null()
                top = _units(body.top, places)
                reach_parts.append(_reach(top, applies, body.unreported, missing))
            if applies is not None:
                points = pl.when(applies).then(points).otherwise(0)
        items.append((item.id, points.cast(pl.Int64)))
        domains.append(domain)
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
        domains=domains,
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
    full_n, full_d = fraction_of(full)
    return mul(best_n, const(full_n * 10**places)), mul(best_d, const(full_d))


def _reach(top: int, applies: pl.Expr | None, unreported: str, missing: pl.Expr) -> pl.Expr:
    """The points an item can reach on a row: ``top`` where it applies (and, when a value not
    reported is not scored, where it is reported)."""
    import polars as pl

    counted = applies
    if unreported == "not_scored":
        counted = ~missing if counted is None else (counted & ~missing)
    return pl.lit(top) if counted is None else pl.when(counted).then(top).otherwise(0)


def _adjustment(
    c: ExprCompiler,
    body: AdjustmentPlan,
    plan: RubricPlan,
    places: int,
    rounded: Callable[[Ints, Ints], pl.Expr],
) -> tuple[pl.Expr, pl.Expr]:
    """The points of an adjustment item, and whether its value is not reported."""
    import polars as pl

    v = c.value(body.expr)
    pn, pd = fraction_of(body.pivot)
    qn, qd = fraction_of(body.per)
    # units = (v - pivot) / per = ((n·pd − pn·d)·qd) / (d·pd·qn)
    un = mul(add(mul(v.num, const(pd)), mul(v.den, const(pn)), -1), const(qd))
    ud = mul(v.den, const(pd * qn))
    if body.mode == "whole":
        un, ud = Ints(round_div(un, ud, Rounding.DOWN), un.b), const(1)
    elif body.mode == "floor":
        un, ud = Ints(round_div(un, ud, Rounding.FLOOR), un.b), const(1)
    elif body.mode == "half_up":
        un, ud = Ints(round_div(un, ud, Rounding.HALF_UP), un.b), const(1)
    bn, bd = fraction_of(body.base)
    sn, sd = fraction_of(body.step)
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
    missing = lowest if body.unreported == "lowest" else 0  # zero, or not scored
    return pl.when(unreported).then(missing).otherwise(points), unreported


def _flag(body: FlagPlan, places: int) -> pl.Expr:
    import polars as pl

    col = pl.col(body.field)
    otherwise = _units(body.otherwise, places)
    missing = otherwise if body.unreported == "late" else 0  # zero, or not scored
    return (
        pl.when(col.fill_null(False))
        .then(_units(body.top, places))
        .when(col.is_null())
        .then(missing)
        .otherwise(otherwise)
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


def decimal_column(units: pl.Expr, places: int, domain: Sequence[int] | None = None) -> pl.Expr:
    """``units`` (integers in 10^-places) as exact decimals.

    With ``domain``, every value the units can take, the decimals are chosen among
    constants: about ten times faster than casting an integer column to decimals.
    """
    import polars as pl

    if domain is not None:
        values = list(dict.fromkeys(domain))
        dtype = pl.Decimal(38, places)
        *known, last = [pl.lit(Decimal(v).scaleb(-places), dtype=dtype) for v in values]
        if not known:
            return last
        chain: Any = pl
        for value, literal in zip(values, known, strict=False):
            chain = chain.when(units == value).then(literal)
        chosen: pl.Expr = chain.otherwise(last)
        return chosen

    whole = units.cast(pl.Decimal(38, 0))
    if places == 0:
        return whole
    # exact: a product of decimals has the sum of their places (a division costs three times more)
    unit = pl.lit(Decimal(1).scaleb(-places), dtype=pl.Decimal(38, places))
    scaled: pl.Expr = whole * unit
    return scaled
