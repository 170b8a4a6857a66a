"""The items of a points rubric, as a pack file writes them.

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

Each item binds to interpretation choices into an
:class:`~pairing_rules._plan.ItemPlan`; the interpreter and the table
compiler evaluate the plan.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._conditions import Condition, FilterSpec, WhenSpec, bind_filter, gate_open
from ._expr import Expr, Expression
from ._fields import RecordSpec
from ._i18n import Text
from ._interpretations import Choices
from ._numbers import Rounding, round_exact
from ._plan import (
    FRACTION_MODES,
    AdjustmentPlan,
    FlagPlan,
    ItemBody,
    ItemPlan,
    MissingMode,
    ThresholdPlan,
)
from ._provenance import Source
from ._rules import Provision, jsonable

IDENT: Final = r"^[a-z][a-z0-9_]*$"

PARTIAL_ALL_OR_NOTHING: Final = "all_or_nothing"
PARTIAL_PROPORTIONAL: Final = "proportional"
FRACTION_WHOLE: Final = "whole"
FRACTION_FLOOR: Final = "floor"
FRACTION_EXACT: Final = "exact"
FRACTION_HALF_UP: Final = "half_up"
FLOOR_ZERO: Final = "zero"
FLOOR_NONE: Final = "none"
LATE_ZERO: Final = "zero"
LATE_HALF: Final = "half"
#: how each kind of item may score what a record does not report (``missing:``), the
#: reading without an interpretation first
MISSING_MODES: Final[dict[str, tuple[MissingMode, ...]]] = {
    "threshold": ("zero", "not_scored"),
    "ratio": ("zero", "not_scored"),
    "adjustment": ("lowest", "zero", "not_scored"),
    "timeliness": ("zero", "late", "not_scored"),
}


class ItemBase(BaseModel):
    """What every rubric item has: an id, a label, its maximum points and its source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    points: Decimal = Field(ge=0)
    source: Source
    applies_to: FilterSpec | None = None
    when: WhenSpec | None = None
    missing: str | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _missing_known(self) -> ItemBase:
        if self.missing is not None and self.kind_name not in MISSING_MODES:
            raise ValueError(f"item {self.id}: a {self.kind_name} item takes no `missing`")
        return self

    @property
    def kind_name(self) -> str:
        kind: str = getattr(self, "kind")  # noqa: B009 (every concrete item has one)
        return kind

    def interpretation_ids(self) -> set[str]:
        out = set(self.when or {})
        if self.missing:
            out.add(self.missing)
        return out

    def missing_mode(self, choices: Choices) -> MissingMode:
        """How the item scores what a record does not report, under ``choices``.

        :raises ValueError: when the interpretation's value is not a mode of the item's kind.
        """
        modes = MISSING_MODES.get(self.kind_name, ("zero",))
        if self.missing is None:
            return modes[0]
        value = choices[self.missing]
        for mode in modes:
            if mode == value:
                return mode
        raise ValueError(
            f"item {self.id}: {self.missing} = {value!r} is not how a {self.kind_name} item "
            f"scores a value not reported ({', '.join(modes)})"
        )

    def all_conditions(self) -> list[Condition]:
        """The item's conditions (a ratio's share is one)."""
        return []

    def fields(self) -> set[str]:
        """Every field the item reads, under any interpretation (filters included)."""
        names: set[str] = set(self.applies_to or {})
        for condition in self.all_conditions():
            names |= condition.fields()
        return names

    def bounds(
        self, choices: Choices, rounding: Rounding = Rounding.HALF_UP, places: int = 2
    ) -> tuple[Decimal, Decimal]:
        """The smallest and largest points the item can give under ``choices``."""
        return Decimal(0), self.points

    @abstractmethod
    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        """What the item computes under ``choices``, and the fields an explanation lists
        (every kind of item defines it)."""

    def bind(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> ItemPlan:
        """The plan of the item under ``choices`` for records of one type."""
        body, reads = self.body(choices, record, rounding, places)
        return ItemPlan(
            id=self.id,
            kind=self.kind_name,
            label=self.label,
            source=self.source,
            applies=bind_filter(self.applies_to, record),
            bonus=self.kind_name == "bonus",
            body=body,
            reads=reads,
            note=self.explanation_note(choices),
        )

    def explanation_note(self, choices: Choices) -> Text | None:
        """What an explanation adds to the item's reason under ``choices`` (nothing by default)."""
        return None

    # -- the rule protocol ---------------------------------------------------------------

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source
        for n, condition in enumerate(self.all_conditions(), start=1):
            yield from condition.citations(f"{owner}.condition{n}")

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind=f"rubric_item.{self.kind_name}",
            label=self.label,
            value=jsonable(self.points),
            source=self.source,
        )
        for n, condition in enumerate(self.all_conditions(), start=1):
            yield from condition.provisions(f"{owner}.condition{n}")


def _check_fields(item: ItemBase, names: set[str], record: RecordSpec) -> None:
    unknown = names - set(record.fields)
    if unknown:
        raise ValueError(f"item {item.id} reads unknown fields {sorted(unknown)}")


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
            out |= c.interpretation_ids()
        if self.partial:
            out.add(self.partial)
        return out

    def all_conditions(self) -> list[Condition]:
        return list(self.conditions)

    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        return _threshold_body(self, self.partial, choices, record)


def _threshold_body(
    item: ItemBase, partial: str | None, choices: Choices, record: RecordSpec
) -> tuple[ItemBody, tuple[str, ...]]:
    """Full points when the conditions that hold under ``choices`` are all met."""
    active = [c for c in item.all_conditions() if gate_open(c.when, choices)]
    reads: set[str] = set()
    for c in active:
        reads |= c.fields()
    body = ThresholdPlan(
        conditions=tuple(c.bind(record) for c in active),
        full=item.points,
        proportional=bool(partial) and choices[partial or ""] == PARTIAL_PROPORTIONAL,
        skip_unreported=item.missing_mode(choices) == "not_scored",
    )
    return body, tuple(sorted(reads))


class RatioItem(ItemBase):
    """Full points when ``numerator ÷ denominator`` is at least ``at_least``."""

    kind: Literal["ratio"] = "ratio"
    numerator: Expression
    denominator: Expression
    at_least: Decimal = Field(gt=0)
    partial: str | None = None

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        if self.partial:
            out.add(self.partial)
        return out

    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        return _threshold_body(self, self.partial, choices, record)

    def all_conditions(self) -> list[Condition]:
        return [
            Condition(
                label=self.label,
                value=Expr("div", args=(self.numerator, self.denominator)),
                at_least=self.at_least,
                source=self.source,
            )
        ]


class AdjustmentItem(ItemBase):
    """``base`` points at ``pivot``, ``± step`` per ``per`` units, within bounds.

    :param value: what is measured (e.g. ``satisfaction``).
    :param fraction: interpretation for values between whole units:
        ``whole`` (only whole units count), ``floor`` (a shortfall below the pivot
        costs a whole step), ``exact`` (linear) or ``half_up``.
    :param floor: interpretation for the lower bound: ``zero`` (the item never
        goes below 0) or ``none`` (the deduction may go below zero).
    :param value_min: the smallest possible value (for the bound without a floor).
    """

    kind: Literal["adjustment"] = "adjustment"
    value: Expression
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
        return self

    def interpretation_ids(self) -> set[str]:
        out = super().interpretation_ids()
        out |= {i for i in (self.fraction, self.floor) if i}
        return out

    def fields(self) -> set[str]:
        return super().fields() | self.value.fields()

    def mode(self, choices: Choices) -> str:
        """How a value between whole units counts under ``choices``."""
        mode = choices[self.fraction] if self.fraction else FRACTION_EXACT
        if mode not in FRACTION_MODES:
            raise ValueError(
                f"item {self.id}: {self.fraction} = {mode!r} is not a fraction mode "
                f"({', '.join(FRACTION_MODES)})"
            )
        return mode

    def plan(self, choices: Choices, lowest: Decimal) -> AdjustmentPlan:
        return AdjustmentPlan(
            expr=self.value,
            read=tuple(sorted(self.value.fields())),
            mode=self.mode(choices),
            pivot=self.pivot,
            base=self.base,
            step=self.step,
            per=self.per,
            lowest=lowest,
            top=self.points,
            unreported=self.missing_mode(choices),
        )

    def bounds(
        self, choices: Choices, rounding: Rounding = Rounding.HALF_UP, places: int = 2
    ) -> tuple[Decimal, Decimal]:
        from ._interpret import adjust

        if not (self.floor and choices[self.floor] == FLOOR_NONE):
            return Decimal(0), self.points
        lowest = adjust(self.plan(choices, Decimal(0)), self.value_min)
        return min(round_exact(lowest, rounding, places), Decimal(0)), self.points

    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        _check_fields(self, self.value.fields(), record)
        lowest, _top = self.bounds(choices, rounding, places)
        plan = self.plan(choices, lowest)
        return plan, plan.read


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

    def fields(self) -> set[str]:
        return super().fields() | {self.field}

    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        _check_fields(self, {self.field}, record)
        late_points = Decimal(0)
        if self.late and choices[self.late] == LATE_HALF:
            late_points = round_exact(self.points / 2, rounding, places)
        plan = FlagPlan(
            field=self.field,
            top=self.points,
            otherwise=late_points,
            unreported=self.missing_mode(choices),
        )
        return plan, (self.field,)


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

    def fields(self) -> set[str]:
        return super().fields() | {self.field}

    def bounds(
        self, choices: Choices, rounding: Rounding = Rounding.HALF_UP, places: int = 2
    ) -> tuple[Decimal, Decimal]:
        if self.points_interpretation:
            return Decimal(0), min(self.points, choices.decimal(self.points_interpretation))
        return Decimal(0), self.points

    def body(
        self, choices: Choices, record: RecordSpec, rounding: Rounding, places: int
    ) -> tuple[ItemBody, tuple[str, ...]]:
        _check_fields(self, {self.field}, record)
        _low, top = self.bounds(choices, rounding, places)
        return FlagPlan(field=self.field, top=top, otherwise=Decimal(0)), (self.field,)

    def explanation_note(self, choices: Choices) -> Text | None:
        """Why a yes earns nothing: the interpretation giving the bonus's points chose 0."""
        if not self.points_interpretation or choices.decimal(self.points_interpretation) != 0:
            return None
        note = choices.note(self.points_interpretation)
        return Text(zh=f"本项不加分（{note.zh}）", en=f"no points ({note.en})")


Item = Annotated[
    ThresholdItem | RatioItem | AdjustmentItem | TimelinessItem | BonusItem,
    Field(discriminator="kind"),
]
