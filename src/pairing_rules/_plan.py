"""Bound rules as plain data: what the fast per-record path and the columnar path compile from.

Binding a rubric or a requirement to interpretation choices resolves every
``when`` gate, every interpretation-dependent constant (partial credit,
fraction and floor modes, late points, bonus values, grade bands and basis)
and every ``applies_to`` filter once.  The result, a *plan*, holds only what
evaluation needs.  :mod:`pairing_rules._fast` turns a plan into one Python
function per rubric; :mod:`pairing_rules._columnar` turns the same plan into
Polars expressions.  Both compute exactly and round once, as
:class:`~pairing_rules.Rubric` says (``points_places``, ``points_rounding``),
so that they give the explained path's numbers.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Final, Literal

from pydantic import BaseModel

from ._conditions import Condition, FilterSpec, enum_of
from ._expr import Expr
from ._numbers import Exact, Rounding, round_exact

FieldKind = Literal["int", "decimal", "bool", "list", "date", "text", "enum", "other"]

ONE: Final = Decimal(1)


def field_kind(model: type[BaseModel], name: str) -> FieldKind:
    """What field ``name`` of ``model`` holds: ``int``, ``decimal``, ``bool``, ``list``, ``date``, ``enum``, ``text`` or ``other``."""
    import datetime as dt
    from enum import Enum

    info = model.model_fields.get(name)
    if info is None:
        return "other"
    found: set[Any] = set()
    pending: list[Any] = [info.annotation]
    while pending:
        current = pending.pop()
        origin = typing.get_origin(current)
        if origin in (typing.Union, types.UnionType, typing.Annotated):
            args = typing.get_args(current)
            pending.extend(args[:1] if origin is typing.Annotated else args)
        elif origin is list:
            found.add(list)
        elif current is not type(None):
            found.add(current)
    if len(found) != 1:
        return "other"
    (only,) = found
    if only is bool:
        return "bool"
    if only is int:
        return "int"
    if only is Decimal:
        return "decimal"
    if only is list:
        return "list"
    if only is dt.date:
        return "date"
    if only is str:
        return "text"
    if isinstance(only, type) and issubclass(only, Enum):
        return "enum"
    return "other"


@dataclass(frozen=True, slots=True)
class FilterPlan:
    """``applies_to`` resolved: each field must hold one of the allowed values (enum members)."""

    checks: tuple[tuple[str, frozenset[Any]], ...]

    def holds(self, record: Any) -> bool:
        """Whether ``record`` passes the filter."""
        return all(getattr(record, name) in values for name, values in self.checks)


def filter_plan(spec: FilterSpec | None, model: type[BaseModel]) -> FilterPlan | None:
    """The plan of an ``applies_to`` filter (``None`` when there is none)."""
    if not spec:
        return None
    checks: list[tuple[str, frozenset[Any]]] = []
    for name, allowed in spec.items():
        if name not in model.model_fields:
            raise ValueError(f"applies_to names unknown field {name!r} of {model.__name__}")
        enum = enum_of(model, name)
        checks.append((name, frozenset(enum(v) if enum is not None else v for v in allowed)))
    return FilterPlan(tuple(checks))


@dataclass(frozen=True, slots=True)
class ConditionPlan:
    """A condition: a flag (``field`` is ``equals``) or a value within bounds."""

    applies: FilterPlan | None
    field: str | None
    equals: bool | None
    expr: Expr | None
    #: the field of a bare-field expression (not reported means not met)
    bare: str | None
    at_least: Decimal | None
    at_most: Decimal | None


def condition_plan(condition: Condition, model: type[BaseModel]) -> ConditionPlan:
    """The plan of one condition."""
    expr = condition.expr
    return ConditionPlan(
        applies=filter_plan(condition.applies_to, model),
        field=condition.field,
        equals=condition.equals,
        expr=expr,
        bare=expr.name if expr is not None and expr.op == "field" else None,
        at_least=condition.at_least,
        at_most=condition.at_most,
    )


@dataclass(frozen=True, slots=True)
class ThresholdPlan:
    """Full points when every applying condition holds; partial credit when ``proportional``."""

    conditions: tuple[ConditionPlan, ...]
    full: Decimal
    proportional: bool


@dataclass(frozen=True, slots=True)
class AdjustmentPlan:
    """``base`` at ``pivot``, ± ``step`` per ``per``, within ``lowest`` .. ``top``."""

    expr: Expr
    read: tuple[str, ...]
    mode: str
    pivot: Decimal
    base: Decimal
    step: Decimal
    per: Decimal
    lowest: Decimal
    top: Decimal


@dataclass(frozen=True, slots=True)
class FlagPlan:
    """``top`` when ``field`` is yes, 0 when not reported, ``otherwise`` when no."""

    field: str
    top: Decimal
    otherwise: Decimal


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """One rubric item: its filter and what it computes."""

    id: str
    applies: FilterPlan | None
    bonus: bool
    body: ThresholdPlan | AdjustmentPlan | FlagPlan


@dataclass(frozen=True, slots=True)
class VetoPlan:
    """A veto: when any trigger applies and holds, the grade is at best grade ``cap``."""

    cap: int
    triggers: tuple[ConditionPlan, ...]


@dataclass(frozen=True, slots=True)
class RubricPlan:
    """A rubric bound to interpretation choices."""

    id: str
    model: type[BaseModel]
    items: tuple[ItemPlan, ...]
    declared_total: Decimal
    cap_at_declared: bool
    scaled: bool
    #: the lowest total of each grade but the last, best first
    bands: tuple[Decimal, ...]
    grades: tuple[str, ...]
    vetoes: tuple[VetoPlan, ...]
    places: int
    rounding: Rounding

    def round(self, value: Exact) -> Decimal:
        """``value`` rounded once by the rubric's rule."""
        return round_exact(value, self.rounding, self.places)


@dataclass(frozen=True, slots=True)
class RequirementPlan:
    """A requirement bound to interpretation choices: filter, conditions, evidence fields."""

    id: str
    model: type[BaseModel]
    applies: FilterPlan | None
    conditions: tuple[ConditionPlan, ...]
    evidence: tuple[str, ...]


def adjust_exact(plan: AdjustmentPlan, value: Exact) -> Exact:
    """Points of an adjustment for ``value`` before rounding and bounds, exactly.

    With ``per`` = 1 and a decimal value the arithmetic stays in decimals (and
    is exact, as the numbers are short); otherwise it uses fractions.
    """
    if plan.per == ONE and not isinstance(value, Fraction):
        units = Decimal(value) - plan.pivot
        if plan.mode == "whole":
            units = units.to_integral_value(rounding=ROUND_DOWN)
        elif plan.mode == "floor":
            units = units.to_integral_value(rounding=ROUND_FLOOR)
        elif plan.mode == "half_up":
            units = units.quantize(ONE, rounding=ROUND_HALF_UP)
        return plan.base + units * plan.step
    share = (Fraction(value) - Fraction(plan.pivot)) / Fraction(plan.per)
    if plan.mode == "whole":
        share = Fraction(math.trunc(share))
    elif plan.mode == "floor":
        share = Fraction(math.floor(share))
    elif plan.mode == "half_up":
        whole = math.floor(abs(share) + Fraction(1, 2))
        share = Fraction(whole if share >= 0 else -whole)
    return Fraction(plan.base) + share * Fraction(plan.step)


def adjustment_outcome(
    plan: AdjustmentPlan, value: Exact, rounding: Rounding, places: int
) -> Decimal:
    """The points of an adjustment item for a reported ``value``: within bounds, rounded once."""
    raw = adjust_exact(plan, value)
    if isinstance(raw, Fraction):
        bounded: Exact = max(Fraction(plan.lowest), min(Fraction(plan.top), raw))
    else:
        bounded = max(plan.lowest, min(plan.top, raw))
    return round_exact(bounded, rounding, places)
