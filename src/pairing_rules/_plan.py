"""Plans: a pack's rules bound to interpretation choices, as plain data.

Binding resolves every ``when`` gate, every interpretation-dependent constant
(partial credit, fraction and floor modes, late points, bonus values, grade
bands and basis, tolerances, quotas) and every ``applies_to`` filter once.
The result, a *plan*, holds only what evaluation needs, together with the
labels and citations an explanation shows.  Plans are frozen data: they
describe rules and do nothing.

Two things read plans, and nothing else computes a rule:

- :mod:`pairing_rules._interpret`, the interpreter, evaluates a plan on one
  record (numbers only, or recording the explanation as it goes);
- :mod:`pairing_rules._compile_polars`, the compiler, turns the same plan into
  Polars expressions for whole tables.

Both compute exactly and round once, as the plan says (``places``,
``rounding``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from ._numbers import Exact, Rounding, round_exact

if TYPE_CHECKING:
    from ._expr import Expr
    from ._fields import RecordSpec
    from ._i18n import Text
    from ._interpretations import InterpretationUse
    from ._provenance import Source

#: how an adjustment counts a value between whole units (see :class:`AdjustmentPlan`)
FractionMode = Literal["whole", "floor", "exact", "half_up"]
FRACTION_MODES: Final[tuple[str, ...]] = ("whole", "floor", "exact", "half_up")


@dataclass(frozen=True, slots=True)
class PeriodPlan:
    """A pack's period bound to a record type: the years whose records its rules hold.

    A year is within when it shares a day with the period (``first`` to ``last``, either
    open); a record without a year, or of a type without the field, has no year to check.

    :param field: the record type's year field (``None``: the type has none).
    """

    first: int | None
    last: int | None
    field: str | None
    effective_from: dt.date | None
    effective_until: dt.date | None


@dataclass(frozen=True, slots=True)
class RangePlan:
    """A range of numbers a filter allows: ``low`` to ``high`` (inclusive, either may be open).

    :param blank: a record without a value passes too.
    """

    low: Decimal | None
    high: Decimal | None
    blank: bool


@dataclass(frozen=True, slots=True)
class FilterPlan:
    """``applies_to`` resolved: each field must hold one of the allowed values (enum members),
    or a number within a :class:`RangePlan`."""

    checks: tuple[tuple[str, frozenset[Any] | RangePlan], ...]

    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _values in self.checks)


@dataclass(frozen=True, slots=True)
class ConditionPlan:
    """A condition: a flag (``field`` is ``equals``) or a value within bounds.

    :param key: how findings name what the condition reads (the field, or the expression).
    :param bare: the field of a bare-field expression: not reported means not met.
    :param reads: the fields its value (or flag) reads: the condition is not reported when
        none of them is.
    """

    label: Text
    source: Source
    applies: FilterPlan | None
    field: str | None
    equals: bool | None
    expr: Expr | None
    bare: str | None
    at_least: Decimal | None
    at_most: Decimal | None
    key: str
    expected_zh: str
    expected_en: str
    reads: tuple[str, ...] = ()


#: how an item scores a record that does not report what it reads (``missing:`` of an item):
#: ``zero`` (a count as 0, a flag as not done), ``lowest`` (an adjustment's lowest points),
#: ``late`` (a timeliness item as late), ``not_scored`` (no points, left out of the reachable
#: maximum)
MissingMode = Literal["zero", "lowest", "late", "not_scored"]


@dataclass(frozen=True, slots=True)
class ThresholdPlan:
    """Full points when every applying condition holds; partial credit when ``proportional``.

    :param skip_unreported: the item is not scored (no points, out of the reachable maximum)
        when none of its applying conditions is reported.
    """

    conditions: tuple[ConditionPlan, ...]
    full: Decimal
    proportional: bool
    skip_unreported: bool = False


@dataclass(frozen=True, slots=True)
class AdjustmentPlan:
    """``base`` at ``pivot``, ± ``step`` per ``per``, within ``lowest`` .. ``top``.

    ``mode`` says how a value between whole units counts: ``whole`` truncates
    towards the pivot, ``floor`` rounds down (any shortfall below the pivot costs
    a whole step), ``half_up`` rounds half away from zero, ``exact`` is linear.
    ``unreported`` says what a value not reported scores: ``lowest`` (the item's
    lowest points), ``zero``, or ``not_scored``.
    """

    expr: Expr
    read: tuple[str, ...]
    mode: str
    pivot: Decimal
    base: Decimal
    step: Decimal
    per: Decimal
    lowest: Decimal
    top: Decimal
    unreported: MissingMode = "lowest"


@dataclass(frozen=True, slots=True)
class FlagPlan:
    """``top`` when ``field`` is yes, ``otherwise`` when no; when not reported, as ``unreported``
    says: 0 (``zero``), ``otherwise`` (``late``) or not scored (``not_scored``)."""

    field: str
    top: Decimal
    otherwise: Decimal
    unreported: MissingMode = "zero"


ItemBody = ThresholdPlan | AdjustmentPlan | FlagPlan


@dataclass(frozen=True, slots=True)
class ItemPlan:
    """One rubric item: what it is, its filter and what it computes.

    :param reads: the fields an explanation lists as the item's inputs.
    """

    id: str
    kind: str
    label: Text
    source: Source
    applies: FilterPlan | None
    bonus: bool
    body: ItemBody
    reads: tuple[str, ...]
    #: why a bonus answered yes earns no points (its value is an interpretation's 0)
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class GradePlan:
    """A grade: its id and its label."""

    id: str
    label: Text


@dataclass(frozen=True, slots=True)
class VetoPlan:
    """A veto: when any trigger applies and holds, the grade is at best grade ``cap``."""

    id: str
    label: Text
    source: Source
    cap: int
    triggers: tuple[ConditionPlan, ...]


@dataclass(frozen=True, slots=True)
class RubricPlan:
    """A rubric bound to interpretation choices.

    :param applies: the filter choosing the rubric for a record (``None``: every record).
    :param bands: the lowest grade basis of each grade but the last, best first.
    :param scaled: grades compare ``total × declared_total ÷ reachable`` instead of the total.
    """

    id: str
    label: Text
    collection: str
    spec: RecordSpec
    applies: FilterPlan | None
    items: tuple[ItemPlan, ...]
    declared_total: Decimal
    cap_at_declared: bool
    scaled: bool
    bands: tuple[Decimal, ...]
    grades: tuple[GradePlan, ...]
    vetoes: tuple[VetoPlan, ...]
    places: int
    rounding: Rounding
    pack_ref: str
    pack_hash: str
    interpretations: tuple[InterpretationUse, ...]
    #: the pack's period for the rubric's records (``None``: none declared)
    period: PeriodPlan | None = None

    def round(self, value: Exact) -> Decimal:
        """``value`` rounded once by the rubric's rule."""
        return round_exact(value, self.rounding, self.places)


@dataclass(frozen=True, slots=True)
class EvidencePlan:
    """A yes/no field that proves a requirement, with its label and citation."""

    field: str
    label: Text
    source: Source


@dataclass(frozen=True, slots=True)
class RequirementPlan:
    """A requirement bound to interpretation choices: filter, conditions, evidence."""

    id: str
    label: Text
    source: Source
    collection: str
    spec: RecordSpec
    applies: FilterPlan | None
    conditions: tuple[ConditionPlan, ...]
    evidence: tuple[EvidencePlan, ...]


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """A rule on groups of records, bound: filters resolved, tolerance and quotas looked up.

    :param kind: ``share``, ``count_distinct`` or ``rate``.
    :param distinct: the fields whose distinct values are counted (for a share or a
        rate: its numerator counts them instead of records).
    :param base_distinct: a share's or rate's base counts these fields' distinct values.
    :param include_absent: the listed groups with no record are evaluated too.
    :param quota: each group's row of a quota table: a count's target, or a share's base.
    """

    id: str
    label: Text
    source: Source
    kind: str
    collection: str
    group_by: str | None
    groups: frozenset[str] | None
    exclude_groups: frozenset[str]
    where: FilterPlan | None
    base: FilterPlan | None
    distinct: tuple[str, ...] | None
    base_distinct: tuple[str, ...] | None
    include_absent: bool
    at_least: Decimal | None
    at_most: Decimal | None
    about: Decimal | None
    tolerance: Decimal | None
    quota: dict[str, Decimal | None] | None
