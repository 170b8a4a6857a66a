"""Points rubrics: a declared total, items, grade bands and vetoes.

Item kinds:

``threshold``
    full points when every condition holds ("at least 20 lessons in at least
    2 subjects"); below it, partial credit as a named interpretation says
    (``all_or_nothing`` or ``proportional``).
``ratio``
    a share at least ``p`` (e.g. teachers sent ÷ teachers of the core school ≥ 10%).
``adjustment``
    a base at a pivot, ± ``step`` points per ``per`` units, within the item's
    bounds ("90% gives 15 points, ±1 point per percentage point, at most 25").
``timeliness``
    full points when the tasks were done on time.
``bonus``
    extra points for a flag (加分项), beyond the items' maximum.

A veto (一票否优) caps the grade.  A rubric is bound to a set of
interpretation choices once (:meth:`Rubric.bind`), and the bound rubric scores
any number of records without further set-up.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_validator

from ._conditions import (
    CompiledCondition,
    Condition,
    ConditionResult,
    FilterSpec,
    WhenSpec,
    compile_filter,
    gate_open,
)
from ._expr import RawExpr, parse
from ._i18n import Text
from ._interpretations import Choices, InterpretationUse
from ._models import record_key
from ._numbers import Exact, Rounding, format_number, json_number, round_exact, round_to, to_display
from ._plan import (
    AdjustmentPlan,
    FlagPlan,
    ItemPlan,
    RubricPlan,
    ThresholdPlan,
    VetoPlan,
    adjustment_outcome,
    condition_plan,
    filter_plan,
)
from ._provenance import Source

Points = Annotated[Decimal, PlainSerializer(json_number, return_type=int | float, when_used="json")]
IDENT = r"^[a-z][a-z0-9_]*$"

PARTIAL_ALL_OR_NOTHING: Final = "all_or_nothing"
PARTIAL_PROPORTIONAL: Final = "proportional"
FRACTION_WHOLE: Final = "whole"
FRACTION_EXACT: Final = "exact"
FRACTION_HALF_UP: Final = "half_up"
FRACTION_FLOOR: Final = "floor"
FLOOR_ZERO: Final = "zero"
FLOOR_NONE: Final = "none"
LATE_ZERO: Final = "zero"
LATE_HALF: Final = "half"


class ItemBase(BaseModel):
    """What every rubric item has: an id, a label, its maximum points and its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    points: Decimal = Field(ge=0)
    source: Source
    applies_to: FilterSpec | None = None
    when: WhenSpec | None = None
    note: Text | None = None

    def interpretation_ids(self) -> set[str]:
        return set(self.when or {})


class ThresholdItem(ItemBase):
    """Full points when every applicable condition holds.

    :param partial: the interpretation that says what a record below a
        threshold earns (``all_or_nothing`` or ``proportional``); without it,
        nothing.
    """

    kind: Literal["threshold"] = "threshold"
    conditions: list[Condition] = Field(min_length=1)
    partial: str | None = None

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        for c in self.conditions:
            out |= set(c.when or {})
        if self.partial:
            out.add(self.partial)
        return out

    def all_conditions(self) -> list[Condition]:
        return list(self.conditions)


class RatioItem(ItemBase):
    """Full points when ``numerator ÷ denominator`` is at least ``at_least``."""

    kind: Literal["ratio"] = "ratio"
    numerator: RawExpr
    denominator: RawExpr
    at_least: Decimal = Field(gt=0)
    partial: str | None = None

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        if self.partial:
            out.add(self.partial)
        return out

    def all_conditions(self) -> list[Condition]:
        return [
            Condition(
                label=self.label,
                value={"div": [self.numerator, self.denominator]},
                at_least=self.at_least,
                source=self.source,
            )
        ]


class AdjustmentItem(ItemBase):
    """``base`` points at ``pivot``, ``± step`` per ``per`` units, within bounds.

    :param value: what is measured (e.g. ``satisfaction``).
    :param fraction: interpretation for values between whole units:
        ``whole`` (only whole units count, truncated towards the pivot), ``floor``
        (whole units rounded down: any shortfall below the pivot costs a full step),
        ``exact`` (linear) or ``half_up``.
    :param floor: interpretation for the lower bound: ``zero`` (the item never
        goes below 0) or ``none`` (the deduction may go below zero).
    :param value_min: the smallest possible value (for the bound without a floor).
    """

    kind: Literal["adjustment"] = "adjustment"
    value: RawExpr
    pivot: Decimal
    base: Decimal = Field(ge=0)
    step: Decimal = Field(gt=0)
    per: Decimal = Field(default=Decimal(1), gt=0)
    fraction: str | None = None
    floor: str | None = None
    value_min: Decimal = Decimal(0)

    @model_validator(mode="after")
    def _base_within(self) -> AdjustmentItem:
        if self.base > self.points:
            raise ValueError(f"item {self.id}: base {self.base} exceeds maximum {self.points}")
        parse(self.value)
        return self

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        out |= {i for i in (self.fraction, self.floor) if i}
        return out

    def all_conditions(self) -> list[Condition]:
        return []


class TimelinessItem(ItemBase):
    """Full points when ``field`` (default ``on_time``) is yes.

    :param late: interpretation for a record that was late: ``zero`` or ``half``.
    """

    kind: Literal["timeliness"] = "timeliness"
    field: str = "on_time"
    late: str | None = None

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        if self.late:
            out.add(self.late)
        return out

    def all_conditions(self) -> list[Condition]:
        return []


class BonusItem(ItemBase):
    """Extra points (加分项) when ``field`` is yes; not part of the items' maximum.

    :param points_interpretation: a ``decimal`` interpretation giving the points
        where the document names a bonus without a value (then ``points`` is
        the largest value it may take).
    """

    kind: Literal["bonus"] = "bonus"
    field: str
    points_interpretation: str | None = None

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        if self.points_interpretation:
            out.add(self.points_interpretation)
        return out

    def all_conditions(self) -> list[Condition]:
        return []


Item = Annotated[
    ThresholdItem | RatioItem | AdjustmentItem | TimelinessItem | BonusItem,
    Field(discriminator="kind"),
]


class Grade(BaseModel):
    """A grade a rubric gives (优秀, 良好 …)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text


class GradeScheme(BaseModel):
    """Grades from best to worst and the lowest total of each but the last.

    :param bands: minimum totals, best grade first, keyed by the value of
        ``interpretation`` (or by ``document`` where the document defines them).
    :param interpretation: the interpretation choosing the bands.
    :param basis: an interpretation choosing what the bands compare:
        ``raw`` (the points) or ``scaled`` (points × declared total ÷ reachable maximum).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    grades: list[Grade] = Field(min_length=2)
    bands: dict[str, list[Decimal]]
    interpretation: str | None = None
    basis: str | None = None
    source: Source

    @model_validator(mode="after")
    def _bands_fit(self) -> GradeScheme:
        for key, mins in self.bands.items():
            if len(mins) != len(self.grades) - 1:
                raise ValueError(f"grade bands {key!r}: need {len(self.grades) - 1} minimums")
            if any(a <= b for a, b in itertools.pairwise(mins)):
                raise ValueError(f"grade bands {key!r}: minimums must fall strictly")
        if self.interpretation is None and set(self.bands) != {"document"}:
            raise ValueError("grade bands without an interpretation are keyed 'document'")
        return self

    def interpretation_ids(self) -> set[str]:
        return {i for i in (self.interpretation, self.basis) if i}

    def grade_index(self, value: Decimal, choices: Choices) -> int:
        key = choices[self.interpretation] if self.interpretation else "document"
        for index, minimum in enumerate(self.bands[key]):
            if value >= minimum:
                return index
        return len(self.grades) - 1


class Veto(BaseModel):
    """一票否优 and the like: when any trigger holds, the grade is at best ``cap``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    triggers: list[Condition] = Field(min_length=1)
    cap: str
    when: WhenSpec | None = None
    source: Source


class ItemResult(BaseModel):
    """One item scored on one record, with its explanation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: Text
    kind: str
    points: Points
    max: Points
    min: Points = Decimal(0)
    applicable: bool = True
    bonus: bool = False
    reason: Text
    inputs: dict[str, Any] = Field(default_factory=dict)
    conditions: list[dict[str, Any]] = Field(default_factory=list)
    source: Source


class VetoHit(BaseModel):
    """A veto that applied to a record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: Text
    cap: Text
    source: Source


class ScoreSheet(BaseModel):
    """A record scored on a rubric: items, totals, grade and what produced them.

    ``total`` is the raw points; ``max`` the points reachable on the items that
    apply (bonus excluded); ``declared_total`` what the document says the
    rubric is worth.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    pack: str
    pack_hash: str
    rubric: str
    rubric_label: Text
    total: Points
    max: Points
    declared_total: Points
    grade_basis: Points
    grade: str
    grade_en: str
    grade_id: str
    vetoes: list[VetoHit] = Field(default_factory=list)
    items: list[ItemResult]
    interpretations: list[InterpretationUse]


class Rubric(BaseModel):
    """A points rubric as a document declares it.

    :param declared_total: the total the document states (e.g. 100), with its source.
    :param applies_to: which records the rubric is chosen for by default.
    :param collection: the record collection it scores (``communities``).
    :param points_rounding: decimal places and rule for item points.
    :param cap_at_declared: whether the total (with bonus) is capped at the declared total.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    collection: str = "communities"
    declared_total: Decimal = Field(gt=0)
    source: Source
    applies_to: FilterSpec | None = None
    items: list[Item] = Field(min_length=1)
    grades: GradeScheme
    vetoes: list[Veto] = Field(default_factory=list)
    points_places: int = Field(default=2, ge=0, le=6)
    points_rounding: Rounding = Rounding.HALF_UP
    cap_at_declared: bool = True

    @model_validator(mode="after")
    def _unique_items(self) -> Rubric:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(f"rubric {self.id}: duplicate item ids")
        grade_ids = {g.id for g in self.grades.grades}
        for veto in self.vetoes:
            if veto.cap not in grade_ids:
                raise ValueError(
                    f"rubric {self.id}: veto {veto.id} caps at unknown grade {veto.cap}"
                )
        return self

    def interpretation_ids(self) -> set[str]:
        """Every interpretation the rubric's result can depend on."""
        out = self.grades.interpretation_ids()
        for item in self.items:
            out |= item.interpretation_ids()
        for veto in self.vetoes:
            out |= set(veto.when or {})
            for c in veto.triggers:
                out |= set(c.when or {})
        return out

    def items_maximum(self) -> Decimal:
        """The sum of the non-bonus items' points (to compare with ``declared_total``)."""
        return sum((i.points for i in self.items if i.kind != "bonus"), Decimal(0))

    def bind(
        self,
        choices: Choices,
        model: type[BaseModel],
        *,
        pack_ref: str,
        pack_hash: str,
    ) -> BoundRubric:
        """Resolve every interpretation once; the result scores records fast."""
        return BoundRubric(self, choices, model, pack_ref=pack_ref, pack_hash=pack_hash)


# --------------------------------------------------------------------------------------
# Binding: a rubric with its interpretations resolved, compiled to functions.

_Outcome = tuple[Decimal, Decimal, Decimal, bool, Text, list[ConditionResult]]
# (points, max, min, applicable, reason, condition results)


class _BoundItem:
    __slots__ = ("applies", "evaluate", "fields", "is_bonus", "plan", "spec")

    def __init__(
        self,
        spec: ItemBase,
        evaluate: Callable[[Any], _Outcome],
        applies: Callable[[Any], bool] | None,
        fields: Iterable[str],
        plan: ItemPlan,
    ) -> None:
        self.spec = spec
        self.evaluate = evaluate
        self.applies = applies
        self.fields = tuple(sorted(fields))
        self.is_bonus = spec.kind == "bonus"  # type: ignore[attr-defined]
        self.plan = plan


_NA_REASON: Final = Text(zh="不适用于此类记录", en="does not apply to this record")


class BoundRubric:
    """A :class:`Rubric` bound to interpretation choices; scores records."""

    def __init__(
        self,
        rubric: Rubric,
        choices: Choices,
        model: type[BaseModel],
        *,
        pack_ref: str,
        pack_hash: str,
    ) -> None:
        self.rubric = rubric
        self.choices = choices
        self.pack_ref = pack_ref
        self.pack_hash = pack_hash
        self.interpretations = choices.uses(rubric.interpretation_ids())
        self.items: list[_BoundItem] = []
        for item in rubric.items:
            if not gate_open(item.when, choices):
                continue
            self.items.append(self._bind_item(item, model))
        self.vetoes = [
            (v, [c.compile(model) for c in v.triggers if gate_open(c.when, choices)])
            for v in rubric.vetoes
            if gate_open(v.when, choices)
        ]
        grades = rubric.grades.grades
        self._grade_pos = {g.id: n for n, g in enumerate(grades)}
        self._scaled = bool(rubric.grades.basis) and choices[rubric.grades.basis or ""] == "scaled"
        band_key = (
            choices[rubric.grades.interpretation] if rubric.grades.interpretation else "document"
        )
        #: the rubric as plain data, for the fast and the columnar paths
        self.plan = RubricPlan(
            id=rubric.id,
            model=model,
            items=tuple(b.plan for b in self.items),
            declared_total=rubric.declared_total,
            cap_at_declared=rubric.cap_at_declared,
            scaled=self._scaled,
            bands=tuple(rubric.grades.bands[band_key]),
            grades=tuple(g.id for g in grades),
            vetoes=tuple(
                VetoPlan(
                    cap=self._grade_pos[v.cap],
                    triggers=tuple(
                        condition_plan(c, model) for c in v.triggers if gate_open(c.when, choices)
                    ),
                )
                for v, _t in self.vetoes
            ),
            places=rubric.points_places,
            rounding=rubric.points_rounding,
        )
        self._fast: Callable[[Any], tuple[tuple[Decimal, ...], Decimal, Decimal, str]] | None = None

    # -- item compilers --------------------------------------------------------------

    def _q(self, value: Exact) -> Decimal:
        return round_exact(value, self.rubric.points_rounding, self.rubric.points_places)

    def _bind_item(self, item: ItemBase, model: type[BaseModel]) -> _BoundItem:
        applies = compile_filter(item.applies_to, model)
        if isinstance(item, ThresholdItem | RatioItem):
            return self._bind_threshold(item, model, applies)
        if isinstance(item, AdjustmentItem):
            return self._bind_adjustment(item, model, applies)
        if isinstance(item, TimelinessItem):
            return self._bind_flag(item, model, applies, item.field, bonus=False)
        if isinstance(item, BonusItem):
            return self._bind_flag(item, model, applies, item.field, bonus=True)
        raise TypeError(f"unknown item kind: {item!r}")

    def _bind_threshold(
        self,
        item: ThresholdItem | RatioItem,
        model: type[BaseModel],
        applies: Callable[[Any], bool] | None,
    ) -> _BoundItem:
        active = [c for c in item.all_conditions() if gate_open(c.when, self.choices)]
        compiled: list[CompiledCondition] = [c.compile(model) for c in active]
        proportional = (
            bool(item.partial) and self.choices[item.partial or ""] == PARTIAL_PROPORTIONAL
        )
        full = item.points
        exact_full = Fraction(full)
        q = self._q
        fields: set[str] = set()
        for c in compiled:
            fields |= c.spec.fields()
        plan = ThresholdPlan(
            conditions=tuple(condition_plan(c, model) for c in active),
            full=full,
            proportional=proportional,
        )

        def evaluate(record: Any) -> _Outcome:
            results = [
                c.evaluate(record) for c in compiled if c.applies is None or c.applies(record)
            ]
            if not results:
                return (Decimal(0), Decimal(0), Decimal(0), False, _NA_REASON, [])
            unmet = [r for r in results if not r.met]
            if not unmet:
                reason = Text(zh="全部达标", en="every condition met")
                return (full, full, Decimal(0), True, reason, results)
            parts_zh = "；".join(r.describe("zh") for r in unmet)
            parts_en = "; ".join(r.describe("en") for r in unmet)
            if proportional:
                fraction = min(_exact_fraction(r) for r in results)
                points = q(exact_full * fraction)
                reason = Text(
                    zh=f"未达标（按比例计分 {format_number(points)} 分）：{parts_zh}",
                    en=f"not met (proportional credit {format_number(points)}): {parts_en}",
                )
            else:
                points = Decimal(0)
                reason = Text(zh=f"未达标：{parts_zh}", en=f"not met: {parts_en}")
            return (points, full, Decimal(0), True, reason, results)

        return _BoundItem(item, evaluate, applies, fields, self._item_plan(item, model, plan))

    def _item_plan(
        self,
        item: ItemBase,
        model: type[BaseModel],
        body: ThresholdPlan | AdjustmentPlan | FlagPlan,
    ) -> ItemPlan:
        return ItemPlan(
            id=item.id,
            applies=filter_plan(item.applies_to, model),
            bonus=item.kind == "bonus",  # type: ignore[attr-defined]
            body=body,
        )

    def _bind_adjustment(
        self, item: AdjustmentItem, model: type[BaseModel], applies: Callable[[Any], bool] | None
    ) -> _BoundItem:
        expr = parse(item.value)
        unknown = expr.fields() - set(model.model_fields)
        if unknown:
            raise ValueError(f"item {item.id} reads unknown fields {sorted(unknown)}")
        getter = expr.compile_exact()
        read = sorted(expr.fields())
        mode = self.choices[item.fraction] if item.fraction else FRACTION_EXACT
        lowest, top = item_bounds(item, self.choices)
        plan = AdjustmentPlan(
            expr=expr,
            read=tuple(read),
            mode=mode,
            pivot=item.pivot,
            base=item.base,
            step=item.step,
            per=item.per,
            lowest=lowest,
            top=top,
        )
        rounding, places = self.rubric.points_rounding, self.rubric.points_places

        def evaluate(record: Any) -> _Outcome:
            exact = getter(record)
            if exact is None or all(getattr(record, f) is None for f in read):
                # not reported counts as the lowest value, like any unreported count
                reason = Text(
                    zh=f"未填报，按最低分 {format_number(lowest)} 分计",
                    en=f"not reported, the lowest points ({format_number(lowest)})",
                )
                return (lowest, top, lowest, True, reason, [])
            observed = to_display(exact)
            points = adjustment_outcome(plan, exact, rounding, places)
            reason = Text(
                zh=(
                    f"{format_number(observed)}：以 {format_number(item.pivot)} 为基准得"
                    f" {format_number(item.base)} 分，每 {format_number(item.per)} 加减"
                    f" {format_number(item.step)} 分，得 {format_number(points)} 分"
                ),
                en=(
                    f"{format_number(observed)}: {format_number(item.base)} points at"
                    f" {format_number(item.pivot)}, ±{format_number(item.step)} per"
                    f" {format_number(item.per)}, giving {format_number(points)}"
                ),
            )
            return (points, top, lowest, True, reason, [])

        return _BoundItem(
            item, evaluate, applies, expr.fields(), self._item_plan(item, model, plan)
        )

    def _bind_flag(
        self,
        item: TimelinessItem | BonusItem,
        model: type[BaseModel],
        applies: Callable[[Any], bool] | None,
        field: str,
        *,
        bonus: bool,
    ) -> _BoundItem:
        if field not in model.model_fields:
            raise ValueError(f"item {item.id} reads unknown field {field!r}")
        full = item.points
        if isinstance(item, BonusItem) and item.points_interpretation:
            full = min(full, self.choices.decimal(item.points_interpretation))
        late_points = Decimal(0)
        if isinstance(item, TimelinessItem) and item.late and self.choices[item.late] == LATE_HALF:
            late_points = self._q(full / 2)
        top = full

        def evaluate(record: Any) -> _Outcome:
            value = getattr(record, field)
            if value is True:
                return (top, top, Decimal(0), True, Text(zh="是", en="yes"), [])
            if value is None:
                reason = Text(zh="未填报，不得分", en="not reported, no points")
                return (Decimal(0), top, Decimal(0), True, reason, [])
            points = Decimal(0) if bonus else late_points
            reason = Text(
                zh=f"否，得 {format_number(points)} 分", en=f"no, {format_number(points)} points"
            )
            return (points, top, Decimal(0), True, reason, [])

        plan = FlagPlan(field=field, top=top, otherwise=Decimal(0) if bonus else late_points)
        return _BoundItem(item, evaluate, applies, [field], self._item_plan(item, model, plan))

    # -- scoring ----------------------------------------------------------------------

    def _outcomes(self, record: Any) -> list[tuple[_BoundItem, _Outcome]]:
        out = []
        for bound in self.items:
            if bound.applies is not None and not bound.applies(record):
                outcome: _Outcome = (Decimal(0), Decimal(0), Decimal(0), False, _NA_REASON, [])
            else:
                outcome = bound.evaluate(record)
            out.append((bound, outcome))
        return out

    def _totals(
        self, record: Any, outcomes: Sequence[tuple[_BoundItem, _Outcome]]
    ) -> tuple[Decimal, Decimal, Decimal, int, list[Veto]]:
        total = Decimal(0)
        reachable = Decimal(0)
        for bound, (points, top, _low, applicable, _r, _c) in outcomes:
            total += points
            if applicable and not bound.is_bonus:
                reachable += top
        if self.rubric.cap_at_declared:
            total = min(total, self.rubric.declared_total)
        basis = total
        if self._scaled and reachable > 0:
            basis = self._q(
                Fraction(total) * Fraction(self.rubric.declared_total) / Fraction(reachable)
            )
        index = self.rubric.grades.grade_index(basis, self.choices)
        hits: list[Veto] = []
        for veto, triggers in self.vetoes:
            if any(t.holds_for(record, self.choices) and t.evaluate(record).met for t in triggers):
                hits.append(veto)
                index = max(index, self._grade_pos[veto.cap])
        return total, reachable, basis, index, hits

    def points(self, record: Any) -> tuple[tuple[Decimal, ...], Decimal, Decimal, str]:
        """The fast path: item points, total, reachable maximum and grade id.

        The same numbers as :meth:`score`, without explanations: the rubric is
        compiled once (on first use) into one function of a record.
        """
        fast = self._fast
        if fast is None:
            fast = self._fast = self.fast()
        return fast(record)

    def fast(self) -> Callable[[Any], tuple[tuple[Decimal, ...], Decimal, Decimal, str]]:
        """The compiled fast path (see :meth:`points`): call it directly in a loop."""
        from ._fast import compile_rubric

        return compile_rubric(self.plan)

    def score(self, record: Any) -> ScoreSheet:
        """Score one record with a full explanation."""
        outcomes = self._outcomes(record)
        total, reachable, basis, index, hits = self._totals(record, outcomes)
        grade = self.rubric.grades.grades[index]
        items = []
        for bound, (points, top, low, applicable, reason, conds) in outcomes:
            spec = bound.spec
            items.append(
                ItemResult.model_construct(
                    id=spec.id,
                    label=spec.label,
                    kind=spec.kind,  # type: ignore[attr-defined]
                    points=points,
                    max=top,
                    min=low,
                    applicable=applicable,
                    bonus=bound.is_bonus,
                    reason=reason,
                    inputs={f: _plain(getattr(record, f)) for f in bound.fields},
                    conditions=[c.as_json() for c in conds],
                    source=spec.source,
                )
            )
        grade_labels = {g.id: g.label for g in self.rubric.grades.grades}
        return ScoreSheet.model_construct(
            id=record_key(record),
            pack=self.pack_ref,
            pack_hash=self.pack_hash,
            rubric=self.rubric.id,
            rubric_label=self.rubric.label,
            total=total,
            max=reachable,
            declared_total=self.rubric.declared_total,
            grade_basis=basis,
            grade=grade.label.zh,
            grade_en=grade.label.en,
            grade_id=grade.id,
            vetoes=[
                VetoHit.model_construct(
                    id=v.id, label=v.label, cap=grade_labels[v.cap], source=v.source
                )
                for v in hits
            ],
            items=items,
            interpretations=self.interpretations,
        )


def _exact_fraction(result: ConditionResult) -> Fraction:
    exact = result.exact_fraction
    return exact if exact is not None else Fraction(result.fraction)


def adjustment_points(item: AdjustmentItem, value: Decimal, mode: str) -> Decimal:
    """Points of an adjustment item for ``value`` before bounds, by fraction ``mode``."""
    units = (value - item.pivot) / item.per
    if mode == FRACTION_WHOLE:
        units = units.to_integral_value(rounding="ROUND_DOWN")
    elif mode == FRACTION_FLOOR:
        units = units.to_integral_value(rounding="ROUND_FLOOR")
    elif mode == FRACTION_HALF_UP:
        units = round_to(units, Rounding.HALF_UP)
    return item.base + units * item.step


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def item_bounds(item: ItemBase, choices: Choices) -> tuple[Decimal, Decimal]:
    """The smallest and largest points ``item`` can give under ``choices``."""
    if isinstance(item, AdjustmentItem):
        mode = choices[item.fraction] if item.fraction else FRACTION_EXACT
        no_floor = bool(item.floor) and choices[item.floor or ""] == FLOOR_NONE
        low = (
            min(adjustment_points(item, item.value_min, mode), Decimal(0))
            if no_floor
            else Decimal(0)
        )
        return low, item.points
    if isinstance(item, BonusItem) and item.points_interpretation:
        return Decimal(0), min(item.points, choices.decimal(item.points_interpretation))
    return Decimal(0), item.points


def expr_text(raw: RawExpr) -> str:
    """A readable form of a raw expression."""
    return parse(raw).render()
