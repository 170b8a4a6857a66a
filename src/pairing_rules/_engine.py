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

from pydantic import BaseModel, ConfigDict, Field

from ._audit import (
    AuditFinding,
    audit_conflict,
    audit_figure,
    audit_quota,
    audit_rubric,
    sort_findings,
)
from ._conditions import gate_open
from ._dataset import Dataset, Rejection
from ._explain import group_finding, requirement_finding
from ._fields import record_spec
from ._i18n import Text
from ._interpret import requirement_of
from ._interpret_groups import groups_of
from ._interpret_values import filter_of
from ._interpretations import Choices, InterpretationUse
from ._milestones import MilestoneStatus, Progress, milestone_status, progress
from ._models import Record, record_key
from ._numbers import json_number
from ._pack import HookCall, Pack, Provenance, provenance_of
from ._period import Period, PeriodUse, keep_in_period
from ._quota import QuotaAuditRow, check_sums, compare_rows
from ._requirements import FAILING, Finding, Requirement, Status, summarize
from ._scoring import Input, as_dataset

if TYPE_CHECKING:
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

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    collection: str
    passed: bool
    findings: list[Finding]
    pack: str | None = None
    period: PeriodUse | None = None


class CheckReport(BaseModel):
    """The result of ``check``: per-record findings, group findings, progress."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    pack_hash: str
    as_of: dt.date | None
    results: list[RecordCheck]
    groups: list[Finding]
    rejected: list[Rejection]
    progress: Progress | None
    milestones: list[MilestoneStatus]
    interpretations: list[InterpretationUse]
    summary: dict[str, int] = Field(default_factory=dict)
    provenance: Provenance | None = None
    #: the period of the pack (each record's result also says where its year stands)
    period: Period | None = None

    @property
    def unmet(self) -> bool:
        """Whether any finding is unmet, needs evidence, or a plugin's check failed."""
        return any(not r.passed for r in self.results) or any(
            g.status in FAILING for g in self.groups
        )

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules check``."""
        return {
            "pack": self.pack,
            "pack_hash": self.pack_hash,
            "period": self.period.as_json() if self.period is not None else None,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "interpretations": [u.model_dump(mode="json") for u in self.interpretations],
            "summary": self.summary,
            "results": [
                {
                    "id": r.id,
                    "collection": r.collection,
                    "passed": r.passed,
                    "findings": [_finding_json(f) for f in r.findings],
                    "pack": r.pack,
                    "period": r.period.as_json() if r.period is not None else None,
                }
                for r in self.results
            ],
            "groups": [_finding_json(f) for f in self.groups],
            "rejected": [r.as_json() for r in self.rejected],
            "progress": self.progress.as_json() if self.progress else None,
            "milestones": [m.as_json() for m in self.milestones],
            "provenance": self.provenance.model_dump(mode="json") if self.provenance else None,
        }


def _finding_json(f: Finding) -> dict[str, Any]:
    out = f.model_dump(mode="json", exclude={"label"})
    out["label"] = f.label.model_dump()
    out["status"] = f.status.value
    return out


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

    :param pack: the pack, or a series of packs (:func:`pairing_rules.get_series`): each
        record is checked against the pack in force in its year, one part per pack.
    :param as_of: the date for milestones and progress (default: today).
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param progress_callback: called with 1 after each record (for a progress bar).
    :param outside_period: also check records whose year is outside the pack's period (by
        default they are rejected with the code ``outside_period`` and no rule counts them).
        For a series: check a record of a year no pack holds against the pack last in force
        before it.
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
    as_of = as_of or dt.date.today()
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
    """The inconsistencies of a pack's source document."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    pack_hash: str
    findings: list[AuditFinding]
    interpretations: list[InterpretationUse]
    provenance: Provenance | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules audit``."""
        return {
            "pack": self.pack,
            "pack_hash": self.pack_hash,
            "interpretations": [u.model_dump(mode="json") for u in self.interpretations],
            "findings": [
                {
                    "code": f.code,
                    "subject": f.subject,
                    "message": f.message.model_dump(),
                    "observed": f.observed,
                    "expected": f.expected,
                    "source": f.source.model_dump() if f.source is not None else None,
                    "related": [s.model_dump() for s in f.related],
                }
                for f in self.findings
            ],
            "provenance": self.provenance.model_dump(mode="json") if self.provenance else None,
        }


def audit(pack: Pack, *, interpretations: Mapping[str, str] | None = None) -> AuditReport:
    """Every inconsistency the pack finds in its own source document.

    :param interpretations: overrides (e.g. the rounding rule of a formula table).
    """
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
    findings.extend(audit_conflict(c) for c in definition.conflicts)
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
    """A quota table as published, with the formula's value per row when audited."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    pack_hash: str
    table: str
    label: Text
    region_key: str
    parent_key: str
    region_label: Text
    parent_label: Text | None
    rows: list[QuotaAuditRow]
    audited: bool
    sums: list[dict[str, Any]]
    total_published: int
    interpretations: list[InterpretationUse]

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules quota``."""
        rows = []
        for row in self.rows:
            item = row.as_json(self.region_key, self.parent_key)
            if row.parent is None:
                item.pop(self.parent_key)
            if not self.audited:
                for key in ("exact", "computed", "deviation"):
                    item.pop(key)
            rows.append(item)
        return {
            "pack": self.pack,
            "pack_hash": self.pack_hash,
            "table": self.table,
            "label": self.label.model_dump(),
            "audited": self.audited,
            "interpretations": [u.model_dump(mode="json") for u in self.interpretations],
            "rows": rows,
            "total_published": self.total_published,
            "sums": self.sums,
        }


def quota(
    pack: Pack,
    *,
    table: str | None = None,
    audit_rows: bool = False,
    interpretations: Mapping[str, str] | None = None,
) -> QuotaReport:
    """A quota table of ``pack``, with the formula recomputed per row when ``audit_rows``."""
    if not pack.definition.quotas:
        raise ValueError(f"pack {pack.id} has no quota table")
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
    )
