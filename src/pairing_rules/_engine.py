"""Running a pack: ``check``, ``audit`` and ``quota`` (``score`` is :mod:`pairing_rules._scoring`).

Each run resolves the interpretations once, binds the pack's rules to them
once (:mod:`pairing_rules._plan`), and then evaluates every record with the
interpreter (:mod:`pairing_rules._interpret`); results carry the pack's id,
version and content hash, who provided it and extended it, and the
interpretations they used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from ._audit import (
    AuditFinding,
    audit_conflict,
    audit_figure,
    audit_quota,
    audit_rubric,
    sort_findings,
)
from ._clock import report_date
from ._conditions import gate_open
from ._contract import CONTRACT_VERSION
from ._dataset import Dataset, Notice, Rejection
from ._errors import NothingToRunError
from ._explain import group_finding, requirement_finding
from ._fields import record_spec
from ._i18n import Text
from ._interpret import requirement_of
from ._interpret_groups import groups_of
from ._interpret_values import filter_of
from ._interpretations import Choices, InterpretationUse
from ._milestones import MilestoneStatus, Progress, milestone_status, progress
from ._models import Record, record_key, record_name
from ._numbers import json_number
from ._pack import Pack, provenance_of
from ._pack_origin import HookCall, Provenance
from ._period import Period, PeriodUse, keep_in_period
from ._quota import QuotaAuditRow, check_sums, compare_rows
from ._requirements import FAILING, Finding, Requirement, Status, summarize
from ._scoring import Input, as_dataset, check_overrides, check_pack

if TYPE_CHECKING:  # bound at run time by the series module (which imports this one)
    from ._series import Series, SeriesCheckReport


def _plugin_failure(call: HookCall, hook: str) -> Text:
    name = call.origin.render()
    return Text(
        zh=f"插件 {name} 的 {hook} 钩子出错：{call.error}",
        en=f"the {hook} hook of plugin {name} failed: {call.error}",
    )


# -------------------------------------------------------------------------------- check


class RequirementCheck:
    """A requirement bound to interpretation choices for one record type: its finding on a record.

    For a pack's own hook code that holds records to a requirement of its pack
    the way ``check`` does::

        rule = RequirementCheck(requirement, choices, Pair)
        finding = rule.evaluate(pair)
    """

    __slots__ = ("_run", "plan")

    def __init__(
        self, requirement: Requirement, choices: Choices, record_type: type[Record]
    ) -> None:
        self.plan = requirement.bind(choices, record_spec(record_type))
        self._run = requirement_of(self.plan)

    def evaluate(self, record: Any) -> Finding:
        """The finding of the requirement on ``record``."""
        return requirement_finding(self.plan, record, self._run(record))


class RecordCheck(BaseModel):
    """The findings of every requirement on one record.

    :param pack: the pack that checked it (``id@version``; in a series, the pack of its year).
    :param period: the pack's period, the record's year and where it stands.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    id: str
    collection: str
    passed: bool
    findings: list[Finding]
    #: what a person calls the record (its ``name``, else its core school …), when known
    name: str | None = None

    @property
    def applicable(self) -> bool:
        """Whether any requirement applies to the record (else it neither passes nor fails)."""
        return any(f.status is not Status.NOT_APPLICABLE for f in self.findings)

    pack: str | None = None
    period: PeriodUse | None = None


class CheckReport(BaseModel):
    """The result of ``check``: per-record findings, group findings, progress.

    Its JSON (``pairing-rules check --format json``) is ``model_dump(mode="json")``.

    :param contract: the version of the JSON contract.
    :param notices: problems with the input file as a whole (unknown columns …), when read
        from a file.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    pack: str
    pack_hash: str
    as_of: dt.date | None
    #: whether ``as_of`` was asked for (``False``: it is the UTC date of the run)
    as_of_given: bool = True
    interpretations: list[InterpretationUse]
    summary: dict[str, int] = Field(default_factory=dict)
    results: list[RecordCheck]
    groups: list[Finding]
    rejected: list[Rejection]
    progress: Progress | None
    milestones: list[MilestoneStatus]
    provenance: Provenance | None = None
    notices: list[Notice] = Field(default_factory=list)
    #: the period of the pack (each record's result also says where its year stands)
    period: Period | None = None

    @property
    def unmet(self) -> bool:
        """Whether any finding is unmet, needs evidence, or a plugin's check failed."""
        return any(not r.passed for r in self.results) or any(
            g.status in FAILING for g in self.groups
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules check``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


@overload
def check(
    pack: Pack,
    data: Input,
    *,
    as_of: dt.date | None = None,
    interpretations: Mapping[str, str] | None = None,
    progress_callback: Callable[[int], None] | None = None,
    outside_period: bool = False,
) -> CheckReport: ...


@overload
def check(
    pack: Series,
    data: Input,
    *,
    as_of: dt.date | None = None,
    interpretations: Mapping[str, str] | None = None,
    progress_callback: Callable[[int], None] | None = None,
    outside_period: bool = False,
) -> SeriesCheckReport: ...


def check(
    pack: Pack | Series,
    data: Input,
    *,
    as_of: dt.date | None = None,
    interpretations: Mapping[str, str] | None = None,
    progress_callback: Callable[[int], None] | None = None,
    outside_period: bool = False,
) -> CheckReport | SeriesCheckReport:
    """Evaluate every requirement of ``pack`` on ``data``.

    :param pack: the pack (see :func:`pairing_rules.get_pack`), or a series of packs
        (:func:`pairing_rules.get_series`): each record is checked against the pack in force in
        its year, one part per pack.
    :param data: an input object (its records dicts or record models), a :class:`Dataset`
        or a list of records.
    :param as_of: the date for milestones and progress (default: today's date in UTC).
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param progress_callback: called with 1 after each record (for a progress bar).
    :param outside_period: also check records whose year is outside the pack's period (by
        default they are rejected with the code ``outside_period`` and no rule counts them).
        For a series: check a record of a year no pack holds against the pack last in force
        before it.
    :raises ArgumentTypeError: (a :class:`TypeError`) for an argument of the wrong type.
    :raises InterpretationError: for an unknown interpretation or value.
    """
    from ._series import Series, check_series

    if isinstance(pack, Series):
        return check_series(
            pack,
            data,
            as_of=as_of,
            interpretations=interpretations,
            progress_callback=progress_callback,
            outside_period=outside_period,
        )
    check_pack(pack)
    check_overrides(interpretations)
    dated = report_date(as_of)
    as_of = dated.date
    choices = pack.choices(interpretations)
    dataset = keep_in_period(pack, as_dataset(pack, data), outside_period=outside_period)
    definition = pack.definition
    runners: dict[str, list[Any]] = {}
    ids: set[str] = set()
    for req in definition.requirements:
        if not gate_open(req.when, choices):
            continue
        plan = req.bind(choices, record_spec(pack.record_types[req.collection]))
        runners.setdefault(req.collection, []).append((plan, requirement_of(plan)))
        ids |= req.interpretation_ids()
    per_record: dict[tuple[str, str], list[Finding]] = {}
    names: dict[tuple[str, str], str | None] = {}
    for collection in pack.collections():
        for record in dataset.records(collection):
            names.setdefault((collection, record_key(record)), record_name(record))
    for collection, reqs in runners.items():
        for record in dataset.records(collection):
            if progress_callback is not None:
                progress_callback(1)
            per_record[(collection, record_key(record))] = [
                requirement_finding(plan, record, run(record)) for plan, run in reqs
            ]
    groups: list[Finding] = []
    for group in definition.group_requirements:
        ids |= group.interpretation_ids()
        group_plan = group.bind(
            choices, record_spec(pack.record_types[group.collection]), pack.quota_targets
        )
        if group_plan is None:
            continue
        for outcome in groups_of(group_plan, dataset.records(group.collection)):
            groups.append(group_finding(group_plan, outcome))
    context = {"as_of": as_of}
    for call in pack.call_hook(
        "pairing_rules_check", pack=pack, dataset=dataset, choices=choices, context=context
    ):
        if call.error is not None:
            groups.append(
                Finding(
                    requirement=f"plugin.{call.origin.plugin}",
                    label=Text(
                        zh=f"插件 {call.origin.render()} 的检查",
                        en=f"checks of plugin {call.origin.render()}",
                    ),
                    status=Status.ERROR,
                    group=call.origin.plugin,
                    source=None,
                    message=_plugin_failure(call, "pairing_rules_check"),
                )
            )
            continue
        for finding in call.result or ():
            target = _record_of(finding, per_record, dataset, pack)
            if target is None:
                groups.append(finding)
            else:
                per_record.setdefault(target, []).append(finding)
    ids |= definition.hook_interpretation_ids("check")
    results: list[RecordCheck] = []
    periods = _periods(pack, dataset, per_record)
    for (collection, rid), findings in per_record.items():
        bad = any(f.status in FAILING for f in findings)
        results.append(
            RecordCheck(
                id=rid,
                collection=collection,
                passed=not bad,
                findings=findings,
                name=names.get((collection, rid)),
                pack=pack.ref,
                period=periods.get((collection, rid)),
            )
        )
    prog = _progress(pack, dataset, per_record, as_of, choices)
    statuses = milestone_status(definition.milestones, as_of, choices)
    if any(m.month for m in definition.milestones):
        ids.add("milestones.month_due")
    summary = summarize([f for r in results for f in r.findings] + groups)
    summary["records"] = len(results)
    summary["passed"] = sum(1 for r in results if r.passed)
    summary["rejected"] = len(dataset.rejected)
    return CheckReport(
        pack=pack.ref,
        pack_hash=pack.content_hash,
        as_of=as_of,
        as_of_given=dated.given,
        results=results,
        groups=groups,
        rejected=list(dataset.rejected),
        progress=prog,
        milestones=statuses,
        interpretations=choices.uses(ids),
        summary=summary,
        provenance=provenance_of(pack),
        period=pack.period,
    )


def _periods(
    pack: Pack, dataset: Dataset, keys: Mapping[tuple[str, str], Any]
) -> dict[tuple[str, str], PeriodUse]:
    """The period of each checked record: the pack's, with the record's year against it."""
    out: dict[tuple[str, str], PeriodUse] = {}
    for collection, records in dataset.collections.items():
        model = pack.record_types.get(collection)
        if model is None:
            continue
        plan = pack.period.bind(record_spec(model))
        for record in records:
            key = (collection, record_key(record))
            if key in keys:
                out[key] = PeriodUse.of(plan, record)
    return out


def _record_of(
    finding: Finding,
    per_record: Mapping[tuple[str, str], Sequence[Finding]],
    dataset: Dataset,
    pack: Pack,
) -> tuple[str, str] | None:
    """The record a hook's finding belongs to: by ``collection`` and ``record``, or the only record with that id."""
    if finding.record is None:
        return None
    if finding.collection is not None:
        return (finding.collection, finding.record)
    matches = [key for key in per_record if key[1] == finding.record]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        # a record of a collection no requirement reads (e.g. only a hook checks it)
        owners = [
            name
            for name in pack.collections()
            if any(record_key(r) == finding.record for r in dataset.records(name))
        ]
        if len(owners) == 1:
            return (owners[0], finding.record)
    return None


def _progress(
    pack: Pack,
    dataset: Dataset,
    per_record: Mapping[tuple[str, str], Sequence[Finding]],
    as_of: dt.date,
    choices: Choices,
) -> Progress | None:
    spec = pack.definition.progress
    if spec is None:
        return None
    from ._conditions import bind_filter

    applies = filter_of(
        bind_filter(spec.applies_to, record_spec(pack.record_types[spec.collection]))
    )
    wanted = set(spec.requirements)
    done = total = 0
    for record in dataset.records(spec.collection):
        if applies is not None and not applies(record):
            continue
        total += 1
        findings = per_record.get((spec.collection, record_key(record)), [])
        met = all(f.status is Status.MET for f in findings if f.requirement in wanted)
        if met and spec.verified_field is not None:
            verified = getattr(record, spec.verified_field)
            if isinstance(verified, dt.date) and verified > as_of:
                met = False
        done += met
    return progress(pack.definition.milestones, as_of, done, total, choices)


# -------------------------------------------------------------------------------- audit


class AuditReport(BaseModel):
    """The inconsistencies of a pack's source document.

    Its JSON (``pairing-rules audit --format json``) is ``model_dump(mode="json")``.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    pack: str
    pack_hash: str
    interpretations: list[InterpretationUse]
    findings: list[AuditFinding]
    provenance: Provenance | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules audit``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def audit(pack: Pack, *, interpretations: Mapping[str, str] | None = None) -> AuditReport:
    """Every inconsistency the pack finds in its own source document.

    :param interpretations: overrides (e.g. the rounding rule of a formula table).
    """
    check_pack(pack)
    check_overrides(interpretations)
    choices = pack.choices(interpretations)
    definition = pack.definition
    findings: list[AuditFinding] = []
    ids: set[str] = set()
    for rubric in definition.rubrics:
        findings.extend(audit_rubric(rubric))
    for table in definition.quotas:
        findings.extend(audit_quota(table, choices))
        ids |= table.interpretation_ids()
    tables = {t.id: t for t in definition.tables}
    for figure in definition.figures:
        findings.extend(audit_figure(figure, tables))
    findings.extend(audit_conflict(c, choices) for c in definition.conflicts)
    for call in pack.call_hook("pairing_rules_audit", pack=pack, choices=choices):
        if call.error is not None:
            findings.append(
                AuditFinding(
                    code="plugin_error",
                    subject=call.origin.plugin,
                    message=_plugin_failure(call, "pairing_rules_audit"),
                    source=None,
                )
            )
        elif call.result:
            findings.extend(call.result)
    ids |= definition.hook_interpretation_ids("audit")
    return AuditReport(
        pack=pack.ref,
        pack_hash=pack.content_hash,
        findings=sort_findings(findings),
        interpretations=choices.uses(ids),
        provenance=provenance_of(pack),
    )


# -------------------------------------------------------------------------------- quota


class QuotaReport(BaseModel):
    """A quota table as published, with the formula's value per row when audited.

    Its JSON (``pairing-rules quota --format json``) is ``model_dump(mode="json")``: a
    row names its region and parent under the table's own keys (``county``, ``city``
    …: :attr:`region_key`, :attr:`parent_key`), has no parent key when it has no
    parent, and has ``exact``, ``computed`` and ``deviation`` only when audited.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    pack: str
    pack_hash: str
    table: str
    label: Text
    audited: bool
    interpretations: list[InterpretationUse]
    rows: list[QuotaAuditRow] = Field(
        json_schema_extra={
            "description": "One object per row: the region (and its parent, where it has one) "
            "under the table's region_key and parent_key, published, printed and, when audited, "
            "exact, computed and deviation."
        }
    )
    total_published: int
    sums: list[dict[str, Any]]
    region_key: str = "region"
    parent_key: str = "parent"
    region_label: Text = Field(default_factory=lambda: Text(zh="地区", en="region"))
    parent_label: Text | None = None
    provenance: Provenance | None = None

    @field_serializer("rows")
    def _rows_json(self, rows: list[QuotaAuditRow]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            item = row.as_json(self.region_key, self.parent_key)
            if row.parent is None:
                item.pop(self.parent_key)
            if not self.audited:
                for key in ("exact", "computed", "deviation"):
                    item.pop(key)
            out.append(item)
        return out

    @model_validator(mode="before")
    @classmethod
    def _rows_read(cls, data: Any) -> Any:
        """Rows as the JSON names them (``county``, ``city`` …) read back into rows."""
        if not isinstance(data, Mapping) or not isinstance(data.get("rows"), list):
            return data
        region, parent = data.get("region_key", "region"), data.get("parent_key", "parent")
        rows = []
        for item in data["rows"]:
            if isinstance(item, Mapping):
                item = {
                    "region": item.get(region),
                    "parent": item.get(parent),
                    "published": item.get("published"),
                    "printed": item.get("printed"),
                    "exact": item.get("exact"),
                    "computed": item.get("computed"),
                    "deviation": item.get("deviation", 0),
                }
            rows.append(item)
        return {**data, "rows": rows}

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules quota``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def quota(
    pack: Pack,
    *,
    table: str | None = None,
    audit_rows: bool = False,
    interpretations: Mapping[str, str] | None = None,
) -> QuotaReport:
    """A quota table of ``pack``, with the formula recomputed per row when ``audit_rows``.

    :param table: the quota table's id (default: the pack's first).
    :param audit_rows: recompute every row by the table's formula.
    :param interpretations: overrides, ``{interpretation id: value}``.
    :raises NothingToRunError: (a :class:`ValueError`) when the pack has no quota table.
    :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_quota_table``).
    """
    check_pack(pack)
    check_overrides(interpretations)
    if not pack.definition.quotas:
        raise NothingToRunError(pack.id, "quota_table")
    spec = pack.quota_table(table) if table else pack.definition.quotas[0]
    choices = pack.choices(interpretations)
    audited = audit_rows and spec.formula is not None
    if audited:
        rows = compare_rows(spec, choices)
    else:
        rows = [
            QuotaAuditRow(
                region=r.region,
                parent=r.parent,
                published=r.published,
                printed=r.printed,
                exact=None,
                computed=None,
                deviation=0,
            )
            for r in spec.rows
        ]
    sums = [
        {
            "parent": s.parent,
            "column": s.column,
            "printed": json_number(s.printed),
            "rows_sum": json_number(s.rows_sum),
            "matches": s.matches,
        }
        for s in check_sums(spec)
    ]
    return QuotaReport(
        pack=pack.ref,
        pack_hash=pack.content_hash,
        table=spec.id,
        label=spec.label,
        region_key=spec.region_key,
        parent_key=spec.parent_key,
        region_label=spec.region_label,
        parent_label=spec.parent_label,
        rows=rows,
        audited=audited,
        sums=sums,
        total_published=spec.total(),
        interpretations=choices.uses(spec.interpretation_ids() if audited else set()),
        provenance=provenance_of(pack),
    )
