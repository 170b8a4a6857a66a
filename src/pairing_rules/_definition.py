"""The schema of a pack file: everything a pack encodes, each number with its source.

:class:`PackDefinition` validates ``pack.yaml``.  Its parts are rules
(:class:`~pairing_rules._rules.Rule`); :meth:`PackDefinition.rules` lists them
with the id under which they cite, show and read, so that a pack's citations,
provisions and the fields it reads are all asked of the rules themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._audit import Conflict
from ._conditions import FilterSpec
from ._i18n import Text
from ._interpretations import Interpretation
from ._milestones import MONTH_DUE, Milestone
from ._not_rules import NotRule
from ._provenance import Source
from ._quota import QuotaTable
from ._requirements import GroupRequirement, Requirement
from ._rubric import Rubric
from ._rules import Cited, Provision, Reading, Rule, jsonable
from ._tables import StatedFigure, Table
from ._words import PackLabels

PACK_ID: Final = r"^[a-z][a-z0-9_]{1,39}$"
SERIES_ID: Final = r"^[a-z][a-z0-9_]{1,39}$"
VERSION: Final = r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.]+)?$"
MODULE: Final = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"


class Fact(Cited, BaseModel):
    """A provision stated as a value: a target, a period, a duty, a figure …

    :param kind: a short English word for what it is (``target``, ``period``,
        ``deadline``, ``measure``, ``duty``, ``figure``, ``definition`` …).
    :param value: the value as JSON (a number, a date, a text, a list), or
        ``null`` for a qualitative measure listed for completeness.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    kind: str = Field(pattern=r"^[a-z][a-z_]*$")
    label: Text
    value: Any = None
    unit: Text | None = None
    source: Source
    note: Text | None = None

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind=self.kind,
            label=self.label,
            value=jsonable(self.value),
            source=self.source,
        )


class DocumentSpec(BaseModel):
    """The document's metadata in the pack file; ``text`` names the text file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    issuer: str
    doc_number: str | None = None
    published: Any = None
    year: int | None = None
    effective_from: Any = None
    effective_until: Any = None
    notes: list[Text] = Field(default_factory=list)
    text: str = "document.txt"


class PythonSpec(BaseModel):
    """The Python part of a pack: the module with its hooks, and its own record types.

    :param module: the importable module (beside ``pack.yaml``) that implements the
        pack's ``pairing_rules_audit`` and ``pairing_rules_check`` hooks.
    :param record_types: collection → the name of a :class:`~pairing_rules.Record`
        subclass in that module (e.g. ``pairs: ZhejiangPair``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    module: str = Field(pattern=MODULE)
    record_types: dict[str, str] = Field(default_factory=dict)


#: the hooks of a pack's own code that may read interpretations (``pairing_rules_<hook>``)
HOOKS: Final = ("audit", "check")


class HookInterpretations(BaseModel):
    """The interpretations each hook of a pack's own code reads, so that results list exactly them.

    :param audit: read by the pack's ``pairing_rules_audit`` hook (listed by ``audit``).
    :param check: read by the pack's ``pairing_rules_check`` hook (listed by ``check``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    audit: list[str] = Field(default_factory=list)
    check: list[str] = Field(default_factory=list)

    def of(self, hook: Literal["audit", "check"]) -> list[str]:
        """The interpretations read by ``hook``."""
        return self.audit if hook == "audit" else self.check


class HookFields(Cited, BaseModel):
    """Fields a pack's own hook code reads, declared so templates and documents show them.

    :param fields: field keys of ``collection`` (``agreement`` for the whole agreement).
    :param label: what the hook checks with them, with its ``source``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str
    fields: list[str] = Field(min_length=1)
    label: Text
    source: Source

    def readings(self, owner: str) -> Iterator[Reading]:
        yield Reading(self.collection, owner, self.label, self.source, frozenset(self.fields))


class ProgressSpec(Cited, BaseModel):
    """How ``check`` measures progress against milestones with a target share.

    :param requirements: a record counts as done when every one of these
        requirements is met for it (and, if ``verified_field`` is set and the
        record gives a date there, that date is on or before the as-of date).
    :param applies_to: which records are counted at all.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    collection: str = "communities"
    requirements: list[str] = Field(min_length=1)
    applies_to: FilterSpec | None = None
    verified_field: str | None = None
    label: Text
    source: Source

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="progress",
            label=self.label,
            value={"requirements": self.requirements},
            source=self.source,
        )

    def readings(self, owner: str) -> Iterator[Reading]:
        names = set(self.applies_to or {})
        if self.verified_field:
            names.add(self.verified_field)
        yield Reading(self.collection, owner, self.label, self.source, frozenset(names))


class PackDefinition(BaseModel):
    """The schema of a pack file.

    Everything a pack encodes is here, each number with its :class:`Source`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=PACK_ID)
    version: str = Field(pattern=VERSION)
    #: the series of yearly packs this one belongs to (a county's 2022 and 2023 plans)
    series: str | None = Field(default=None, pattern=SERIES_ID)
    label: Text
    document: DocumentSpec
    python: PythonSpec | None = None
    collections: list[str] = Field(default_factory=list)
    provisions: list[Fact] = Field(default_factory=list)
    interpretations: list[Interpretation] = Field(default_factory=list)
    rubrics: list[Rubric] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)
    group_requirements: list[GroupRequirement] = Field(default_factory=list)
    quotas: list[QuotaTable] = Field(default_factory=list)
    progress: ProgressSpec | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    figures: list[StatedFigure] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    #: interpretations read by the pack's own hook code, per hook (so results list them); a
    #: plain list is read by both hooks
    hook_interpretations: HookInterpretations | list[str] = Field(default_factory=list)
    #: fields read by the pack's own hook code (so templates hold them)
    hook_fields: list[HookFields] = Field(default_factory=list)
    #: numbers of the document that are not rules, each with its reason (see ``coverage``)
    not_rules: list[NotRule] = Field(default_factory=list)
    #: what the pack's own kinds, finding codes and identifier values are called in reports
    labels: PackLabels = Field(default_factory=PackLabels)

    @model_validator(mode="after")
    def _unique_ids(self) -> PackDefinition:
        for name in (
            "provisions",
            "interpretations",
            "rubrics",
            "requirements",
            "group_requirements",
            "quotas",
            "milestones",
            "tables",
            "figures",
            "conflicts",
        ):
            ids = [getattr(x, "id") for x in getattr(self, name)]  # noqa: B009
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"{name}: duplicate ids {dupes}")
        known = {i.id for i in self.interpretations}
        missing = self.interpretation_ids() - known
        if missing:
            raise ValueError(f"rules name undeclared interpretations {sorted(missing)}")
        return self

    def rules(self) -> Iterator[tuple[str, Rule]]:
        """Every rule of the pack with its id, in the order ``show`` lists them."""
        for fact in self.provisions:
            yield fact.id, fact
        for rubric in self.rubrics:
            yield f"rubric.{rubric.id}", rubric
        for req in self.requirements:
            yield f"requirement.{req.id}", req
        for group in self.group_requirements:
            yield f"group.{group.id}", group
        for table in self.quotas:
            yield f"quota.{table.id}", table
        if self.progress is not None:
            yield "progress", self.progress
        for milestone in self.milestones:
            yield f"milestone.{milestone.id}", milestone
        for ref in self.tables:
            yield f"table.{ref.id}", ref
        for figure in self.figures:
            yield f"figure.{figure.id}", figure
        for interp in self.interpretations:
            yield f"interpretation.{interp.id}", interp
        for conflict in self.conflicts:
            yield f"conflict.{conflict.id}", conflict
        for n, hook in enumerate(self.hook_fields, start=1):
            yield f"hook{n}", hook

    def hook_interpretation_ids(self, hook: Literal["audit", "check"] | None = None) -> set[str]:
        """The interpretations the pack's own ``hook`` reads (``None``: any hook).

        A plain list (``hook_interpretations: [a, b]``) is read by both hooks.
        """
        declared = self.hook_interpretations
        if isinstance(declared, list):
            return set(declared)
        if hook is None:
            return set(declared.audit) | set(declared.check)
        return set(declared.of(hook))

    def interpretation_ids(self) -> set[str]:
        """Every interpretation a rule of the pack names."""
        out: set[str] = self.hook_interpretation_ids()
        for _owner, rule in self.rules():
            out |= rule.interpretation_ids()
        if any(m.month for m in self.milestones):
            out.add(MONTH_DUE)
        return out

    def citations(self) -> Iterator[tuple[str, Source]]:
        """Every passage the pack cites, with the id of what cites it."""
        for owner, rule in self.rules():
            yield from rule.citations(owner)

    def all_provisions(self) -> Iterator[Provision]:
        """Every encoded provision, flattened, each with its source."""
        for owner, rule in self.rules():
            yield from rule.provisions(owner)

    def readings(self) -> Iterator[Reading]:
        """The fields each rule reads, per collection."""
        for owner, rule in self.rules():
            yield from rule.readings(owner)
