"""Requirements and their findings.

A :class:`Requirement` holds each record of a collection to conditions (and,
where the document asks for proof, to evidence): the finding is ``met``,
``unmet``, ``not_applicable`` or ``needs_evidence`` (the numbers are there,
the proof is not).  A :class:`GroupRequirement` holds a group of records (a
city's pairs, a county's communities) to a share or a count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._conditions import Condition, FilterSpec, WhenSpec, bind_filter, gate_open
from ._fields import RecordSpec
from ._i18n import Lang, Text
from ._interpretations import Choices
from ._plan import EvidencePlan, GroupPlan, RequirementPlan
from ._provenance import Source
from ._rules import Provision, Reading, filter_json

IDENT = r"^[a-z][a-z0-9_.]*$"


class Status(StrEnum):
    """The outcome of a requirement on a record or a group."""

    MET = "met"
    UNMET = "unmet"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_EVIDENCE = "needs_evidence"
    INFO = "info"
    #: a plugin's check failed: the finding names the plugin and the error
    ERROR = "error"

    @property
    def label(self) -> Text:
        return _STATUS_LABELS[self]


_STATUS_LABELS: Final = {
    Status.MET: Text(zh="达标", en="met"),
    Status.UNMET: Text(zh="未达标", en="unmet"),
    Status.NOT_APPLICABLE: Text(zh="不适用", en="not applicable"),
    Status.NEEDS_EVIDENCE: Text(zh="需补充佐证", en="needs evidence"),
    Status.INFO: Text(zh="情况", en="information"),
    Status.ERROR: Text(zh="检查出错", en="check failed"),
}
#: the statuses that fail a record or a check
FAILING: Final = frozenset({Status.UNMET, Status.NEEDS_EVIDENCE, Status.ERROR})


class Finding(BaseModel):
    """The outcome of one requirement on one record or group, with its source.

    A finding a pack's ``pairing_rules_check`` hook returns with ``record`` (and,
    where ids repeat across collections, ``collection``) is filed under that
    record and counts towards its ``passed``; other hook findings are group findings.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    requirement: str
    status: Status
    record: str | None = None
    collection: str | None = None
    group: str | None = None
    observed: Any = None
    expected: Any = None
    #: the passage the finding rests on (``None`` only for a plugin's failed check)
    source: Source | None
    message: Text
    label: Text

    def render(self, lang: Lang = "zh") -> str:
        colon = "：" if lang == "zh" else ": "
        return (
            f"[{self.status.label.get(lang)}] {self.label.get(lang)}{colon}{self.message.get(lang)}"
        )


class Evidence(BaseModel):
    """A piece of proof a requirement asks for, as a yes/no field of the record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    label: Text
    source: Source


class Requirement(BaseModel):
    """A rule every applicable record of ``collection`` must meet.

    :param conditions: all must hold for ``met``.
    :param evidence: yes/no fields that must be yes for ``met``; when the
        conditions hold and evidence is missing the finding is ``needs_evidence``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    collection: str = "communities"
    applies_to: FilterSpec | None = None
    when: WhenSpec | None = None
    conditions: list[Condition] = Field(min_length=1)
    evidence: list[Evidence] = Field(default_factory=list)
    source: Source

    def interpretation_ids(self) -> set[str]:
        out = set(self.when or {})
        for c in self.conditions:
            out |= c.interpretation_ids()
        return out

    def bind(self, choices: Choices, record: RecordSpec) -> RequirementPlan:
        """The requirement under ``choices`` for records of one type."""
        for ev in self.evidence:
            if ev.field not in record.fields:
                raise ValueError(f"requirement {self.id}: unknown evidence field {ev.field!r}")
        return RequirementPlan(
            id=self.id,
            label=self.label,
            source=self.source,
            collection=self.collection,
            spec=record,
            applies=bind_filter(self.applies_to, record),
            conditions=tuple(c.bind(record) for c in self.conditions if gate_open(c.when, choices)),
            evidence=tuple(EvidencePlan(e.field, e.label, e.source) for e in self.evidence),
        )

    # -- the rule protocol ---------------------------------------------------------------

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source
        for n, c in enumerate(self.conditions, start=1):
            yield from c.citations(f"{owner}.condition{n}")
        for ev in self.evidence:
            yield f"{owner}.evidence.{ev.field}", ev.source

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="requirement",
            label=self.label,
            value={
                "collection": self.collection,
                "applies_to": filter_json(self.applies_to),
                "conditions": [c.rule_value() for c in self.conditions],
                "evidence": [e.field for e in self.evidence],
            },
            source=self.source,
        )
        for n, c in enumerate(self.conditions, start=1):
            yield from c.provisions(f"{owner}.condition{n}")
        for ev in self.evidence:
            yield Provision(
                id=f"{owner}.evidence.{ev.field}",
                kind="evidence",
                label=ev.label,
                value=ev.field,
                source=ev.source,
            )

    def readings(self, owner: str) -> Iterator[Reading]:
        names: set[str] = set(self.applies_to or {})
        for c in self.conditions:
            names |= c.fields()
        names |= {e.field for e in self.evidence}
        yield Reading(self.collection, owner, self.label, self.source, frozenset(names))


class GroupRequirement(BaseModel):
    """A rule on groups of records: a share, a count of distinct schools, a rate.

    :param kind: ``share`` (records matching ``where`` ÷ records matching
        ``base``, compared with ``at_least``/``at_most``/``about``),
        ``count_distinct`` (distinct values of the ``distinct`` fields, at least
        ``at_least`` or the group's row of quota table ``quota``), ``rate`` (a
        share reported without a target).
    :param group_by: the field that groups records (``None``: all records form one group).
    :param groups: only these groups are held to the rule.
    :param exclude_groups: these groups are not.
    :param include_absent: a listed group (``groups``) with no record is evaluated as an
        empty group (a count of 0; a share without a base is not applicable): ``true``
        always, or under the interpretation values of a ``when`` mapping.
    :param distinct: of a ``count_distinct``: the fields whose distinct values are
        counted; of a ``share`` or ``rate``: the numerator counts the distinct values of
        these fields (e.g. schools) instead of records.
    :param base_distinct: of a ``share`` or ``rate``: the base counts the distinct
        values of these fields instead of records.
    :param quota: of a ``count_distinct``: the target; of a ``share``: the base is
        the group's row of this quota table (e.g. a task total) instead of records.
    :param tolerance: a ``decimal`` interpretation giving the width of ``about`` (左右).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    kind: Literal["share", "count_distinct", "rate"]
    collection: str = "pairs"
    group_by: str | None = None
    groups: list[str] | None = None
    exclude_groups: list[str] | None = None
    where: FilterSpec | None = None
    base: FilterSpec | None = None
    distinct: list[str] | None = None
    base_distinct: list[str] | None = None
    include_absent: bool | WhenSpec = False
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    about: Decimal | None = None
    tolerance: str | None = None
    quota: str | None = None
    when: WhenSpec | None = None
    source: Source

    @model_validator(mode="after")
    def _shape(self) -> GroupRequirement:
        if self.kind == "count_distinct":
            if not self.distinct:
                raise ValueError(f"{self.id}: count_distinct needs `distinct` fields")
            if self.at_least is None and self.quota is None:
                raise ValueError(f"{self.id}: count_distinct needs `at_least` or `quota`")
        if self.kind == "share":
            if self.where is None:
                raise ValueError(f"{self.id}: a share needs `where`")
            if self.at_least is None and self.at_most is None and self.about is None:
                raise ValueError(f"{self.id}: a share needs `at_least`, `at_most` or `about`")
            if self.about is not None and self.tolerance is None:
                raise ValueError(f"{self.id}: `about` needs a `tolerance` interpretation")
        if self.kind == "rate" and self.where is None:
            raise ValueError(f"{self.id}: a rate needs `where`")
        if self.kind == "count_distinct" and self.base_distinct:
            raise ValueError(f"{self.id}: `base_distinct` is for a share or a rate")
        if self.kind == "rate" and self.quota is not None:
            raise ValueError(f"{self.id}: a rate has no quota")
        if self.kind == "share" and self.quota is not None and (self.base or self.base_distinct):
            raise ValueError(f"{self.id}: a share's base is `quota` or `base`, not both")
        if self.include_absent and not self.groups:
            raise ValueError(f"{self.id}: `include_absent` needs the listed `groups`")
        return self

    def interpretation_ids(self) -> set[str]:
        out = set(self.when or {})
        if self.tolerance:
            out.add(self.tolerance)
        if isinstance(self.include_absent, dict):
            out |= set(self.include_absent)
        return out

    def fields(self) -> set[str]:
        names = set(self.where or {}) | set(self.base or {}) | set(self.distinct or [])
        names |= set(self.base_distinct or [])
        if self.group_by:
            names.add(self.group_by)
        return names

    def bind(
        self,
        choices: Choices,
        record: RecordSpec,
        quota: Callable[[str], dict[str, Decimal | None]] | None = None,
    ) -> GroupPlan | None:
        """The rule under ``choices`` (``None`` when its ``when`` gate is closed).

        :param quota: the targets of a quota table by region, for ``count_distinct``.
        """
        if not gate_open(self.when, choices):
            return None
        unknown = self.fields() - set(record.fields)
        if unknown:
            raise ValueError(f"{self.id}: unknown fields {sorted(unknown)}")
        return GroupPlan(
            id=self.id,
            label=self.label,
            source=self.source,
            kind=self.kind,
            collection=self.collection,
            group_by=self.group_by,
            groups=frozenset(self.groups) if self.groups is not None else None,
            exclude_groups=frozenset(self.exclude_groups or ()),
            where=bind_filter(self.where, record),
            base=bind_filter(self.base, record),
            distinct=tuple(self.distinct) if self.distinct else None,
            base_distinct=tuple(self.base_distinct) if self.base_distinct else None,
            include_absent=self.include_absent is True
            or (isinstance(self.include_absent, dict) and gate_open(self.include_absent, choices)),
            at_least=self.at_least,
            at_most=self.at_most,
            about=self.about,
            tolerance=choices.decimal(self.tolerance) if self.tolerance else None,
            quota=quota(self.quota) if self.quota is not None and quota is not None else None,
        )

    # -- the rule protocol ---------------------------------------------------------------

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind=f"group_{self.kind}",
            label=self.label,
            value=self.model_dump(
                mode="json", exclude={"id", "label", "source"}, exclude_none=True
            ),
            source=self.source,
        )

    def readings(self, owner: str) -> Iterator[Reading]:
        yield Reading(self.collection, owner, self.label, self.source, frozenset(self.fields()))


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings by status (every status present, zeros included)."""
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts
