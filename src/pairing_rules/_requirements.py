"""Requirements and their findings.

A :class:`Requirement` holds each record of a collection to conditions (and,
where the document asks for proof, to evidence): the finding is ``met``,
``unmet``, ``not_applicable`` or ``needs_evidence`` (the numbers are there,
the proof is not).  A :class:`GroupRequirement` holds a group of records (a
city's pairs, a county's communities) to a share or a count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._conditions import (
    CompiledCondition,
    Condition,
    FilterSpec,
    WhenSpec,
    compile_filter,
    describe_observed,
    gate_open,
)
from ._i18n import Lang, Text
from ._interpretations import Choices
from ._models import record_key
from ._numbers import format_number, format_percent, json_number
from ._plan import RequirementPlan, condition_plan, filter_plan
from ._provenance import Source

IDENT = r"^[a-z][a-z0-9_.]*$"


class Status(StrEnum):
    """The outcome of a requirement on a record or a group."""

    MET = "met"
    UNMET = "unmet"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_EVIDENCE = "needs_evidence"
    INFO = "info"

    @property
    def label(self) -> Text:
        return _STATUS_LABELS[self]


_STATUS_LABELS: Final = {
    Status.MET: Text(zh="达标", en="met"),
    Status.UNMET: Text(zh="未达标", en="unmet"),
    Status.NOT_APPLICABLE: Text(zh="不适用", en="not applicable"),
    Status.NEEDS_EVIDENCE: Text(zh="需补充佐证", en="needs evidence"),
    Status.INFO: Text(zh="情况", en="information"),
}


class Finding(BaseModel):
    """The outcome of one requirement on one record or group, with its source.

    A finding a pack's ``pairing_rules_check`` hook returns with ``record`` (and,
    where ids repeat across collections, ``collection``) is filed under that
    record and counts towards its ``passed``; other hook findings are group findings.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    requirement: str
    label: Text
    status: Status
    record: str | None = None
    collection: str | None = None
    group: str | None = None
    observed: Any = None
    expected: Any = None
    source: Source
    message: Text

    def render(self, lang: Lang = "zh") -> str:
        return f"[{self.status.label.get(lang)}] {self.label.get(lang)}：{self.message.get(lang)}"


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
            out |= set(c.when or {})
        return out

    def bind(self, choices: Choices, model: type[BaseModel]) -> BoundRequirement:
        return BoundRequirement(self, choices, model)


class BoundRequirement:
    """A requirement compiled for one record type under fixed choices."""

    __slots__ = ("applies", "conditions", "evidence", "plan", "spec")

    def __init__(self, spec: Requirement, choices: Choices, model: type[BaseModel]) -> None:
        self.spec = spec
        self.applies = compile_filter(spec.applies_to, model)
        active = [c for c in spec.conditions if gate_open(c.when, choices)]
        self.conditions: list[CompiledCondition] = [c.compile(model) for c in active]
        for ev in spec.evidence:
            if ev.field not in model.model_fields:
                raise ValueError(f"requirement {spec.id}: unknown evidence field {ev.field!r}")
        self.evidence = spec.evidence
        #: the requirement as plain data, for the columnar path
        self.plan = RequirementPlan(
            id=spec.id,
            model=model,
            applies=filter_plan(spec.applies_to, model),
            conditions=tuple(condition_plan(c, model) for c in active),
            evidence=tuple(ev.field for ev in spec.evidence),
        )

    def evaluate(self, record: Any) -> Finding:
        spec = self.spec
        record_id = record_key(record) or None
        if self.applies is not None and not self.applies(record):
            return _finding(spec, Status.NOT_APPLICABLE, record_id, None, None, _NA_MESSAGE)
        results = [
            c.evaluate(record) for c in self.conditions if c.applies is None or c.applies(record)
        ]
        if not results:
            return _finding(spec, Status.NOT_APPLICABLE, record_id, None, None, _NA_MESSAGE)
        observed = {
            _key(c.spec): _json(r.observed)
            for c, r in zip(self._applying(record), results, strict=True)
        }
        expected = {
            _key(c.spec): r.expected for c, r in zip(self._applying(record), results, strict=True)
        }
        unmet = [r for r in results if not r.met]
        if unmet:
            message = Text(
                zh="；".join(r.describe("zh") for r in unmet),
                en="; ".join(r.describe("en") for r in unmet),
            )
            return _finding(spec, Status.UNMET, record_id, observed, expected, message)
        missing = [ev for ev in self.evidence if getattr(record, ev.field) is not True]
        if missing:
            message = Text(
                zh="数量达标，缺少佐证：" + "、".join(ev.label.zh for ev in missing),
                en="numbers met, evidence missing: " + ", ".join(ev.label.en for ev in missing),
            )
            for ev in missing:
                observed[ev.field] = getattr(record, ev.field)
                expected[ev.field] = "= 是"
            return _finding(spec, Status.NEEDS_EVIDENCE, record_id, observed, expected, message)
        message = Text(
            zh="；".join(
                f"{r.label.zh} {describe_observed(r.observed)}（要求 {r.expected}）"
                for r in results
            ),
            en="; ".join(
                f"{r.label.en} {describe_observed(r.observed, 'en')} (required {r.expected_en})"
                for r in results
            ),
        )
        return _finding(spec, Status.MET, record_id, observed, expected, message)

    def _applying(self, record: Any) -> list[CompiledCondition]:
        return [c for c in self.conditions if c.applies is None or c.applies(record)]


_NA_MESSAGE: Final = Text(zh="不适用于此类记录", en="does not apply to this record")


def _key(condition: Condition) -> str:
    if condition.field is not None:
        return condition.field
    expr = condition.expr
    assert expr is not None
    return expr.render()


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    return value


def _finding(
    spec: Requirement | GroupRequirement,
    status: Status,
    record: str | None,
    observed: Any,
    expected: Any,
    message: Text,
    group: str | None = None,
) -> Finding:
    return Finding.model_construct(
        requirement=spec.id,
        label=spec.label,
        status=status,
        record=record,
        collection=spec.collection if record is not None else None,
        group=group,
        observed=observed,
        expected=expected,
        source=spec.source,
        message=message,
    )


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
    :param distinct: of a ``share`` or ``rate``: the numerator counts the distinct
        values of these fields (e.g. schools) instead of records.
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

    def evaluate(
        self,
        records: Sequence[Any],
        model: type[BaseModel],
        choices: Choices,
        quota_lookup: Callable[[str, str], Decimal | None],
    ) -> list[Finding]:
        """Findings for every group of ``records`` (sorted by group name)."""
        if not gate_open(self.when, choices):
            return []
        unknown = {*(self.distinct or []), *(self.base_distinct or [])} - set(model.model_fields)
        if unknown:
            raise ValueError(f"{self.id}: unknown fields {sorted(unknown)} of {model.__name__}")
        numerator = compile_filter(self.where, model)
        denominator = compile_filter(self.base, model)
        grouped: dict[str, list[Any]] = defaultdict(list)
        for record in records:
            key = "全部" if self.group_by is None else str(getattr(record, self.group_by) or "")
            grouped[key].append(record)
        absent = self.include_absent
        if absent is True or (isinstance(absent, dict) and gate_open(absent, choices)):
            for listed in self.groups or []:
                grouped.setdefault(listed, [])
        out = []
        for key in sorted(grouped):
            if self.groups is not None and key not in self.groups:
                continue
            if self.exclude_groups is not None and key in self.exclude_groups:
                continue
            members = grouped[key]
            if self.kind == "count_distinct":
                out.append(self._count(key, members, quota_lookup))
                continue
            base = [r for r in members if denominator is None or denominator(r)]
            hits = [r for r in base if numerator is None or numerator(r)]
            top = len(base) if self.base_distinct is None else _distinct(base, self.base_distinct)
            if self.kind == "share" and self.quota is not None:
                target = quota_lookup(self.quota, key)
                if target is None:
                    message = Text(zh="该组在定额表中没有任务数", en="no quota for this group")
                    out.append(
                        _finding(self, Status.NOT_APPLICABLE, None, None, None, message, key)
                    )
                    continue
                top = int(target)
            count = len(hits) if self.distinct is None else _distinct(hits, self.distinct)
            out.append(self._share(key, count, top, choices))
        return out

    def _share(self, group: str, hits: int, base: int, choices: Choices) -> Finding:
        if base == 0:
            message = Text(zh="该组没有可计算的记录", en="no records in this group")
            return _finding(self, Status.NOT_APPLICABLE, None, None, None, message, group)
        share = Decimal(hits) / Decimal(base)
        observed = {
            "count": hits,
            "base": base,
            "share": json_number(share.quantize(Decimal("0.0001"))),
        }
        shown = f"{hits}/{base} = {format_percent(share)}"
        if self.kind == "rate":
            message = Text(zh=f"比率 {shown}", en=f"rate {shown}")
            return _finding(self, Status.INFO, None, observed, None, message, group)
        met = True
        expected_parts: list[str] = []
        if self.about is not None:
            tol = choices.decimal(self.tolerance or "")
            met = abs(share - self.about) <= tol
            expected_parts.append(f"{format_percent(self.about)} ± {format_percent(tol)}")
        if self.at_least is not None:
            met = met and share >= self.at_least
            expected_parts.append(f"≥ {format_percent(self.at_least)}")
        if self.at_most is not None:
            met = met and share <= self.at_most
            expected_parts.append(f"≤ {format_percent(self.at_most)}")
        expected = "，".join(expected_parts)
        message = Text(
            zh=f"占比 {shown}，要求 {expected}", en=f"share {shown}, required {expected}"
        )
        return _finding(
            self, Status.MET if met else Status.UNMET, None, observed, expected, message, group
        )

    def _count(
        self, group: str, members: Sequence[Any], quota_lookup: Callable[[str, str], Decimal | None]
    ) -> Finding:
        count = _distinct(members, self.distinct or [])
        target = self.at_least
        if self.quota is not None:
            target = quota_lookup(self.quota, group)
            if target is None:
                message = Text(zh="该组在定额表中没有任务数", en="no quota for this group")
                return _finding(self, Status.NOT_APPLICABLE, None, count, None, message, group)
        assert target is not None
        met = count >= target
        empty_zh, empty_en = ("输入中没有该组的记录；", "no record of this group in the input; ")
        message = Text(
            zh=f"{'' if members else empty_zh}不重复学校 {count} 所，要求不少于 {format_number(target)} 所",
            en=f"{'' if members else empty_en}{count} distinct schools, "
            f"required at least {format_number(target)}",
        )
        expected = f"≥ {format_number(target)}"
        return _finding(
            self, Status.MET if met else Status.UNMET, None, count, expected, message, group
        )


def _distinct(records: Iterable[Any], fields: Sequence[str]) -> int:
    """How many distinct non-empty values the ``fields`` of ``records`` hold (lists pooled)."""
    names: set[str] = set()
    for record in records:
        for name in fields:
            value = getattr(record, name)
            if isinstance(value, list):
                names.update(str(v) for v in value if v)
            elif value:
                names.add(str(value))
    return len(names)


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings by status (every status present, zeros included)."""
    counts = {s.value: 0 for s in Status}
    for f in findings:
        counts[f.status.value] += 1
    return counts
