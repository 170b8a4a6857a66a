"""The interpreter: a plan evaluated on one record, with or without its explanation.

Every rule of a pack reaches a record through this module (the table path
compiles the same plans, :mod:`pairing_rules._compile_polars`).  A plan is
turned once into nested Python closures, one per rule, so that scoring a list
of records pays no per-record set-up; no source code is generated.

A rubric's runner takes a record and a *trace*: ``None`` for the numbers only,
or a list into which it records, item by item, what it read and decided (the
values of the conditions, whether each was met, the value an adjustment
measured, the flag a timeliness or bonus item read).  The same code runs in
both cases; :mod:`pairing_rules._explain` renders a trace into text only when
a report asks for it.

Arithmetic is exact: counts stay integers, decimals stay decimals, a division
gives a fraction; a result is rounded once, by the rule the plan names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from ._interpret_values import condition_fraction, condition_of, filter_of, value_of
from ._numbers import Exact, Rounding, round_exact

if TYPE_CHECKING:
    from ._fields import RecordSpec
    from ._plan import (
        AdjustmentPlan,
        FlagPlan,
        ItemPlan,
        RequirementPlan,
        RubricPlan,
        ThresholdPlan,
    )

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)


class _Skipped:
    """The trace entry of an item that does not apply to the record."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "SKIPPED"

    def __reduce__(self) -> str:
        return "SKIPPED"


#: the trace entry of an item that does not apply to the record
SKIPPED: Final = _Skipped()


class _NotScored:
    """The trace entry of an item left unscored because the record does not report it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_SCORED"

    def __reduce__(self) -> str:
        return "NOT_SCORED"


#: the trace entry of an item not scored because the record does not report what it reads
#: (its ``missing`` reading is ``not_scored``): no points, out of the reachable maximum
NOT_SCORED: Final = _NotScored()


def unreported(value: Any) -> bool:
    """Whether a field's value is not reported: empty, or an empty list."""
    return value is None or (isinstance(value, list) and not value)


Trace = list[Any] | None


class Outcome(NamedTuple):
    """The numbers of one record on a rubric.

    :param items: each item's points, in the rubric's order.
    :param reach: the points reachable on the items that apply (bonus excluded).
    :param basis: what the grade bands compare (the total, or the scaled total).
    :param grade: the index of the grade (0 is the best).
    :param vetoes: the indices of the vetoes that hit.
    """

    items: tuple[Decimal, ...]
    total: Decimal
    reach: Decimal
    basis: Decimal
    grade: int
    vetoes: tuple[int, ...]


# ---------------------------------------------------------------------------- items

ItemRunner = Callable[[Any, Trace], tuple[Decimal, Decimal]]
"""An item on a record: (points, points reachable); records its detail in the trace."""


def _threshold(body: ThresholdPlan, spec: RecordSpec, q: Callable[[Exact], Decimal]) -> ItemRunner:
    conds = tuple(
        (filter_of(c.applies), condition_of(c, spec), n) for n, c in enumerate(body.conditions)
    )
    bounds = tuple((c.at_least, c.at_most) for c in body.conditions)
    full = body.full
    exact_full = Fraction(full)
    proportional = body.proportional
    skip = body.skip_unreported
    reads = tuple(tuple(attrgetter(f) for f in c.reads) for c in body.conditions)

    def run(r: Any, trace: Trace) -> tuple[Decimal, Decimal]:
        ok = True
        details = []
        for applies, cond, n in conds:
            if applies is not None and not applies(r):
                continue
            met, value = cond(r)
            details.append((n, value, met))
            if not met:
                ok = False
        if not details:
            if trace is not None:
                trace.append(SKIPPED)
            return ZERO, ZERO
        if skip and all(unreported(get(r)) for n, _v, _m in details for get in reads[n]):
            if trace is not None:
                trace.append(NOT_SCORED)
            return ZERO, ZERO
        if trace is not None:
            trace.append(tuple(details))
        if ok:
            return full, full
        if proportional:
            least = min(condition_fraction(value, met, *bounds[n]) for n, value, met in details)
            return q(exact_full * least), full
        return ZERO, full

    return run


def adjust(plan: AdjustmentPlan, value: Exact) -> Exact:
    """Points of an adjustment for ``value`` before rounding and bounds, exactly."""
    mode = plan.mode
    if plan.per == ONE and not isinstance(value, Fraction):
        units = Decimal(value) - plan.pivot
        if mode == "whole":
            units = units.to_integral_value(rounding=ROUND_DOWN)
        elif mode == "floor":
            units = units.to_integral_value(rounding=ROUND_FLOOR)
        elif mode == "half_up":
            units = units.quantize(ONE, rounding=ROUND_HALF_UP)
        return plan.base + units * plan.step
    share = (Fraction(value) - Fraction(plan.pivot)) / Fraction(plan.per)
    if mode == "whole":
        share = Fraction(math.trunc(share))
    elif mode == "floor":
        share = Fraction(math.floor(share))
    elif mode == "half_up":
        whole = math.floor(abs(share) + Fraction(1, 2))
        share = Fraction(whole if share >= 0 else -whole)
    return Fraction(plan.base) + share * Fraction(plan.step)


def adjustment_points(
    plan: AdjustmentPlan, value: Exact, rounding: Rounding, places: int
) -> Decimal:
    """The points of an adjustment item for a reported ``value``: within bounds, rounded once."""
    raw = adjust(plan, value)
    if isinstance(raw, Fraction):
        bounded: Exact = max(Fraction(plan.lowest), min(Fraction(plan.top), raw))
    else:
        bounded = max(plan.lowest, min(plan.top, raw))
    return round_exact(bounded, rounding, places)


def _adjustment(
    body: AdjustmentPlan, spec: RecordSpec, rounding: Rounding, places: int
) -> ItemRunner:
    getter, _shape = value_of(body.expr, spec)
    reads = tuple(attrgetter(f) for f in body.read)
    top = body.top
    # not reported: the lowest points (like any unreported count), 0, or not scored
    missing = {"lowest": body.lowest, "zero": ZERO}.get(body.unreported)

    def run(r: Any, trace: Trace) -> tuple[Decimal, Decimal]:
        value = getter(r)
        if value is None or all(get(r) is None for get in reads):
            if missing is None:
                if trace is not None:
                    trace.append(NOT_SCORED)
                return ZERO, ZERO
            if trace is not None:
                trace.append(None)
            return missing, top
        if trace is not None:
            trace.append(value)
        return adjustment_points(body, value, rounding, places), top

    return run


def _flag(body: FlagPlan, bonus: bool) -> ItemRunner:
    get = attrgetter(body.field)
    top, otherwise = body.top, body.otherwise
    reach = ZERO if bonus else top
    # not reported: no points, the points of a "no" (late), or not scored
    missing = {"zero": ZERO, "late": otherwise}.get(body.unreported)

    def run(r: Any, trace: Trace) -> tuple[Decimal, Decimal]:
        value = get(r)
        if value is None and missing is None:
            if trace is not None:
                trace.append(NOT_SCORED)
            return ZERO, ZERO
        if trace is not None:
            trace.append(value)
        if value is True:
            return top, reach
        if value is None:
            return missing or ZERO, reach
        return otherwise, reach

    return run


def item_of(item: ItemPlan, plan: RubricPlan) -> ItemRunner:
    """The runner of one item: its filter, then its body."""
    from ._plan import AdjustmentPlan, ThresholdPlan

    body = item.body
    run: ItemRunner
    if isinstance(body, ThresholdPlan):
        run = _threshold(body, plan.spec, plan.round)
    elif isinstance(body, AdjustmentPlan):
        run = _adjustment(body, plan.spec, plan.rounding, plan.places)
    else:
        run = _flag(body, item.bonus)
    applies = filter_of(item.applies)
    if applies is None:
        return run
    inner = run

    def gated(r: Any, trace: Trace) -> tuple[Decimal, Decimal]:
        if not applies(r):
            if trace is not None:
                trace.append(SKIPPED)
            return ZERO, ZERO
        return inner(r, trace)

    return gated


# ---------------------------------------------------------------------------- rubrics

RubricRunner = Callable[[Any, Trace], Outcome]


def rubric_of(plan: RubricPlan) -> RubricRunner:
    """The runner of a rubric: item points, total, reachable maximum, grade basis, grade, vetoes.

    With a trace (a list), it appends one entry per item: :data:`SKIPPED` when the
    item does not apply; else, for a threshold, a tuple of (condition index,
    value, met) for the conditions that apply; for an adjustment, the value
    measured (``None``: not reported); for a flag, the field's value.
    """
    items = tuple(item_of(i, plan) for i in plan.items)
    declared = plan.declared_total
    cap = plan.cap_at_declared
    scaled = plan.scaled
    exact_declared = Fraction(declared)
    bands = tuple(enumerate(plan.bands))
    last = len(plan.grades) - 1
    round_points = plan.round
    vetoes = tuple(
        (
            n,
            veto.cap,
            tuple((filter_of(t.applies), condition_of(t, plan.spec)) for t in veto.triggers),
        )
        for n, veto in enumerate(plan.vetoes)
        if veto.triggers
    )

    def run(r: Any, trace: Trace = None) -> Outcome:
        points = []
        total = ZERO
        reach = ZERO
        for item in items:
            p, top = item(r, trace)
            points.append(p)
            total += p
            reach += top
        if cap and total > declared:
            total = declared
        basis = total
        if scaled and reach > 0:
            basis = round_points(Fraction(total) * exact_declared / Fraction(reach))
        grade = last
        for index, minimum in bands:
            if basis >= minimum:
                grade = index
                break
        hits: tuple[int, ...] = ()
        for n, cap_index, triggers in vetoes:
            for applies, cond in triggers:
                if (applies is None or applies(r)) and cond(r)[0]:
                    hits = (*hits, n)
                    if grade < cap_index:
                        grade = cap_index
                    break
        return Outcome(tuple(points), total, reach, basis, grade, hits)

    return run


def chooser_of(
    plans: Sequence[RubricPlan], forced: bool
) -> Callable[[Any], tuple[RubricPlan, RubricRunner] | None]:
    """A function choosing the rubric for a record: the forced one, or the first that applies."""
    entries = tuple((None if forced else filter_of(p.applies), p, rubric_of(p)) for p in plans)

    def choose(r: Any) -> tuple[RubricPlan, RubricRunner] | None:
        for applies, plan, runner in entries:
            if applies is None or applies(r):
                return plan, runner
        return None

    return choose


# ---------------------------------------------------------------------------- requirements

#: a requirement on a record: its status id, the applying conditions as (index, value, met),
#: and the evidence fields that are missing
RequirementOutcome = tuple[str, tuple[tuple[int, Any, bool], ...], tuple[int, ...]]


def requirement_of(plan: RequirementPlan) -> Callable[[Any], RequirementOutcome]:
    """A function of a record: ``met``, ``unmet``, ``not_applicable`` or ``needs_evidence``."""
    applies = filter_of(plan.applies)
    conds = tuple(
        (filter_of(c.applies), condition_of(c, plan.spec), n) for n, c in enumerate(plan.conditions)
    )
    evidence = tuple((attrgetter(e.field), n) for n, e in enumerate(plan.evidence))

    def run(r: Any) -> RequirementOutcome:
        if applies is not None and not applies(r):
            return "not_applicable", (), ()
        details = []
        ok = True
        for cond_applies, cond, n in conds:
            if cond_applies is not None and not cond_applies(r):
                continue
            met, value = cond(r)
            details.append((n, value, met))
            ok = ok and met
        if not details:
            return "not_applicable", (), ()
        if not ok:
            return "unmet", tuple(details), ()
        missing = tuple(n for get, n in evidence if get(r) is not True)
        if missing:
            return "needs_evidence", tuple(details), missing
        return "met", tuple(details), ()

    return run
