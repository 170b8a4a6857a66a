"""Points rubrics: a declared total, items, grade bands and vetoes.

A :class:`Rubric` is what a pack file writes (its items are in
:mod:`pairing_rules._items`).  :meth:`Rubric.bind` resolves every
interpretation once into a :class:`~pairing_rules._plan.RubricPlan`, which
the interpreter runs on records and the table compiler turns into
expressions.  A veto (一票否优) caps the grade.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._conditions import Condition, FilterSpec, WhenSpec, bind_filter, gate_open
from ._fields import RecordSpec
from ._i18n import Text
from ._interpretations import Choices
from ._items import (
    IDENT,
    AdjustmentItem,
    BonusItem,
    Item,
    ItemBase,
    RatioItem,
    ThresholdItem,
    TimelinessItem,
)
from ._numbers import Rounding
from ._plan import GradePlan, PeriodPlan, RubricPlan, VetoPlan
from ._provenance import Source
from ._rules import Provision, Reading, jsonable

__all__ = [
    "AdjustmentItem",
    "BonusItem",
    "Grade",
    "GradeScheme",
    "Item",
    "RatioItem",
    "Rubric",
    "ThresholdItem",
    "TimelinessItem",
    "Veto",
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

    def bands_for(self, choices: Choices) -> list[Decimal]:
        """The bands in force under ``choices``."""
        return self.bands[choices[self.interpretation] if self.interpretation else "document"]


class Veto(BaseModel):
    """一票否优 and the like: when any trigger holds, the grade is at best ``cap``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    triggers: list[Condition] = Field(min_length=1)
    cap: str
    when: WhenSpec | None = None
    source: Source

    def interpretation_ids(self) -> set[str]:
        out = set(self.when or {})
        for c in self.triggers:
            out |= c.interpretation_ids()
        return out

    def fields(self) -> set[str]:
        names: set[str] = set()
        for c in self.triggers:
            names |= c.fields()
        return names


class Rubric(BaseModel):
    """A points rubric as a document declares it.

    :param short_label: a short name for tables and sheet names (default: ``label``).
    :param declared_total: the total the document states (e.g. 100), with its source.
    :param applies_to: which records the rubric is chosen for by default.
    :param collection: the record collection it scores (``communities``).
    :param points_rounding: decimal places and rule for item points.
    :param cap_at_declared: whether the total (with bonus) is capped at the declared total:
        ``true``, ``false``, or under interpretation values written like ``when``
        (``{cangnan2022.total_cap: capped}``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    #: a short name for tables and sheet names (``县域内考核细则``); the label when not given
    short_label: Text | None = None
    collection: str = "communities"
    declared_total: Decimal = Field(gt=0)
    source: Source
    applies_to: FilterSpec | None = None
    items: list[Item] = Field(min_length=1)
    grades: GradeScheme
    vetoes: list[Veto] = Field(default_factory=list)
    points_places: int = Field(default=2, ge=0, le=6)
    points_rounding: Rounding = Rounding.HALF_UP
    cap_at_declared: bool | WhenSpec = True

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
        if isinstance(self.cap_at_declared, dict):
            out |= set(self.cap_at_declared)
        for item in self.items:
            out |= item.interpretation_ids()
        for veto in self.vetoes:
            out |= veto.interpretation_ids()
        return out

    def capped(self, choices: Choices) -> bool:
        """Whether the total is capped at the declared total under ``choices``."""
        if isinstance(self.cap_at_declared, bool):
            return self.cap_at_declared
        return gate_open(self.cap_at_declared, choices)

    def items_maximum(self) -> Decimal:
        """The sum of the non-bonus items' points (to compare with ``declared_total``)."""
        return sum((i.points for i in self.items if i.kind != "bonus"), Decimal(0))

    def item(self, item_id: str) -> ItemBase:
        """The item ``item_id``."""
        return next(i for i in self.items if i.id == item_id)

    def bind(
        self,
        choices: Choices,
        record: RecordSpec,
        *,
        pack_ref: str = "",
        pack_hash: str = "",
        period: PeriodPlan | None = None,
    ) -> RubricPlan:
        """The rubric under ``choices``, for records of one type: plain data the engine runs.

        :param period: the pack's period for the records (results say which applied).
        """
        rounding, places = self.points_rounding, self.points_places
        position = {g.id: n for n, g in enumerate(self.grades.grades)}
        return RubricPlan(
            id=self.id,
            label=self.label,
            collection=self.collection,
            spec=record,
            applies=bind_filter(self.applies_to, record),
            items=tuple(
                item.bind(choices, record, rounding, places)
                for item in self.items
                if gate_open(item.when, choices)
            ),
            declared_total=self.declared_total,
            cap_at_declared=self.capped(choices),
            scaled=bool(self.grades.basis) and choices[self.grades.basis or ""] == "scaled",
            bands=tuple(self.grades.bands_for(choices)),
            grades=tuple(GradePlan(g.id, g.label) for g in self.grades.grades),
            vetoes=tuple(
                VetoPlan(
                    id=v.id,
                    label=v.label,
                    source=v.source,
                    cap=position[v.cap],
                    triggers=tuple(
                        c.bind(record) for c in v.triggers if gate_open(c.when, choices)
                    ),
                )
                for v in self.vetoes
                if gate_open(v.when, choices)
            ),
            places=places,
            rounding=rounding,
            pack_ref=pack_ref,
            pack_hash=pack_hash,
            interpretations=tuple(choices.uses(self.interpretation_ids())),
            period=period,
        )

    # -- the rule protocol ---------------------------------------------------------------

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source
        for item in self.items:
            yield from item.citations(f"{owner}.{item.id}")
        yield f"{owner}.grades", self.grades.source
        for veto in self.vetoes:
            yield f"{owner}.veto.{veto.id}", veto.source
            for c in veto.triggers:
                yield f"{owner}.veto.{veto.id}.trigger", c.source

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="rubric_total",
            label=self.label,
            value=jsonable(self.declared_total),
            source=self.source,
        )
        for item in self.items:
            yield from item.provisions(f"{owner}.{item.id}")
        yield Provision(
            id=f"{owner}.grades",
            kind="grades",
            label=Text(zh=f"{self.label.zh} 等次", en=f"{self.label.en}: grades"),
            value={
                "grades": [g.label.zh for g in self.grades.grades],
                "bands": {k: [jsonable(x) for x in v] for k, v in self.grades.bands.items()},
            },
            source=self.grades.source,
        )
        for veto in self.vetoes:
            yield Provision(
                id=f"{owner}.veto.{veto.id}",
                kind="veto",
                label=veto.label,
                value={"cap": veto.cap, "triggers": [c.rule_value() for c in veto.triggers]},
                source=veto.source,
            )

    def readings(self, owner: str) -> Iterator[Reading]:
        collection = self.collection
        yield Reading(collection, owner, self.label, self.source, frozenset(self.applies_to or {}))
        for item in self.items:
            yield Reading(
                collection, f"{owner}.{item.id}", item.label, item.source, frozenset(item.fields())
            )
        for veto in self.vetoes:
            yield Reading(
                collection,
                f"{owner}.veto.{veto.id}",
                veto.label,
                veto.source,
                frozenset(veto.fields()),
            )
