"""The result of scoring one record: a score sheet with every item explained.

These models are the JSON contract of a score: ``model_dump(mode="json")`` of
a :class:`ScoreSheet` is what ``pairing-rules score`` writes for a record.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from ._i18n import Text
from ._interpretations import InterpretationUse
from ._numbers import json_number
from ._period import PeriodUse
from ._provenance import Source

#: points: exact decimals, written as JSON numbers
Points = Annotated[Decimal, PlainSerializer(json_number, return_type=int | float, when_used="json")]


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
    rubric is worth; ``period`` the period of the pack that scored it (``pack``,
    ``pack_hash``) and the record's year against it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    #: what a person calls the record (its ``name``, else its core school …), when known
    name: str | None = None
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
    #: the pack's period, the record's year and where it stands (``None``: not recorded)
    period: PeriodUse | None = None
