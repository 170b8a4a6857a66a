"""Running a pack: ``score``, ``check``, ``audit`` and ``quota`` over input records.

Each run resolves the interpretations once, binds the pack's rules to them
once, and then evaluates every record; results carry the pack's id, version
and content hash and the interpretations they used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from ._audit import (
    AuditFinding,
    audit_conflict,
    audit_figure,
    audit_quota,
    audit_rubric,
    sort_findings,
)
from ._conditions import compile_filter, gate_open
from ._dataset import Dataset, FieldError, Rejection, load_dataset, validate_records
from ._i18n import Text
from ._interpretations import Choices, InterpretationUse
from ._milestones import MilestoneStatus, Progress, milestone_status, progress
from ._models import Record, record_key
from ._numbers import json_number
from ._pack import Pack
from ._quota import QuotaAuditRow, check_sums, compare_rows
from ._requirements import BoundRequirement, Finding, Status, summarize
from ._rubric import BoundRubric, ScoreSheet

Input = Dataset | Mapping[str, Any] | Sequence[Any]


def as_dataset(pack: Pack, data: Input, collection: str | None = None) -> Dataset:
    """Turn ``data`` into a validated :class:`Dataset` for ``pack``.

    ``data`` is a :class:`Dataset`, an input object (``{"communities": [...]}``),
    or a sequence of records (models or dicts) of ``collection`` (default: the
    pack's first collection).
    """
    if isinstance(data, Dataset):
        return data
    wanted = pack.collections()
    if isinstance(data, Mapping):
        return load_dataset(data, pack.record_types, wanted=wanted)
    name = collection or (wanted[0] if wanted else "communities")
    model = pack.record_types[name]
    ready = [r for r in data if isinstance(r, model)]
    if len(ready) == len(data):
        return Dataset(collections={name: list(ready)})
    raw = [r.model_dump() if isinstance(r, Record) else r for r in data]
    records, rejected = validate_records(raw, model, name)
    return Dataset(collections={name: records}, rejected=rejected)


# -------------------------------------------------------------------------------- score


class ScoreReport(BaseModel):
    """The result of scoring: one sheet per scored record, and the rejected records."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pack: str
    pack_hash: str
    results: list[ScoreSheet]
    rejected: list[Rejection]
    interpretations: list[InterpretationUse]

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules score``."""
        return {
            "pack": self.pack,
            "pack_hash": self.pack_hash,
            "interpretations": [u.model_dump(mode="json") for u in self.interpretations],
            "results": [r.model_dump(mode="json") for r in self.results],
            "rejected": [r.as_json() for r in self.rejected],
        }


class RecordPoints(NamedTuple):
    """The numbers of one record scored on a rubric, without explanations (:meth:`Scorer.points`)."""

    #: the rubric's id
    rubric: str
    #: the points of each item of the rubric (under the choices), in the rubric's order
    items: tuple[Decimal, ...]
    #: the total points (capped at the declared total where the rubric says so)
    total: Decimal
    #: the points reachable on the items that apply (bonus excluded)
    max: Decimal
    #: the grade's id (``excellent`` …)
    grade: str


class Scorer:
    """A pack's rubrics bound to one set of interpretation choices.

    Build it once and call :meth:`score_record` (explained) or :meth:`points`
    (numbers only, fast) for as many records as needed: nothing is set up per
    record.
    """

    def __init__(
        self,
        pack: Pack,
        *,
        rubric: str | None = None,
        interpretations: Mapping[str, str] | None = None,
    ) -> None:
        self.pack = pack
        self.choices = pack.choices(interpretations)
        rubrics = pack.definition.rubrics
        if rubric is not None:
            rubrics = [pack.rubric(rubric)]
        self.forced = rubric is not None
        self.bound: list[tuple[BoundRubric, Callable[[Any], bool] | None]] = []
        for r in rubrics:
            model = pack.record_types[r.collection]
            bound = r.bind(self.choices, model, pack_ref=pack.ref, pack_hash=pack.content_hash)
            self.bound.append((bound, None if self.forced else compile_filter(r.applies_to, model)))
        self.collections = list(dict.fromkeys(r.collection for r in rubrics))
        ids: set[str] = set()
        for r in rubrics:
            ids |= r.interpretation_ids()
        self.interpretations = self.choices.uses(ids)
        self._fast: (
            list[
                tuple[
                    Callable[[Any], bool] | None,
                    Callable[[Any], tuple[tuple[Decimal, ...], Decimal, Decimal, str]],
                    str,
                ]
            ]
            | None
        ) = None

    def select(self, record: Any) -> BoundRubric | None:
        """The rubric for ``record``: the forced one, or the first whose ``applies_to`` matches."""
        for bound, applies in self.bound:
            if applies is None or applies(record):
                return bound
        return None

    def score_record(self, record: Any) -> ScoreSheet | None:
        """Score one validated record (``None`` when no rubric applies)."""
        bound = self.select(record)
        return bound.score(record) if bound is not None else None

    def points(self, record: Any) -> RecordPoints | None:
        """The numbers of one validated record, without explanations (``None`` when no rubric applies).

        The same numbers as :meth:`score_record` (item points, total, reachable
        maximum, grade), from rules compiled once into one function per rubric:
        the per-record call for bulk scoring.
        """
        fast = self._fast
        if fast is None:
            fast = self._fast = [
                (applies, bound.fast(), bound.rubric.id) for bound, applies in self.bound
            ]
        for applies, compiled, rubric_id in fast:
            if applies is None or applies(record):
                items, total, reachable, grade = compiled(record)
                return RecordPoints(rubric_id, items, total, reachable, grade)
        return None

    def run(
        self, dataset: Dataset, *, progress: Callable[[int], None] | None = None
    ) -> ScoreReport:
        """Score every record of ``dataset``.

        :param progress: called with 1 after each record (for a progress bar).
        """
        results: list[ScoreSheet] = []
        rejected = list(dataset.rejected)
        for name in self.collections:
            for index, record in enumerate(dataset.records(name)):
                if progress is not None:
                    progress(1)
                sheet = self.score_record(record)
                if sheet is None:
                    rejected.append(_no_rubric(self.pack, name, index, record))
                else:
                    results.append(sheet)
        return ScoreReport(
            pack=self.pack.ref,
            pack_hash=self.pack.content_hash,
            results=results,
            rejected=rejected,
            interpretations=self.interpretations,
        )


def _no_rubric(pack: Pack, collection: str, index: int, record: Any) -> Rejection:
    scope = getattr(record, "scope", None)
    shown = scope.value if scope is not None else "未填写"
    shown_en = scope.value if scope is not None else "empty"
    rubrics = "、".join(r.id for r in pack.definition.rubrics)
    return Rejection(
        collection=collection,
        index=index,
        id=record_key(record) or None,
        errors=[
            FieldError(
                field="scope",
                message=Text(
                    zh=f"字段 scope（结对范围）为 {shown}，{pack.id} 没有适用的考核细则（{rubrics}）；"
                    "请填写结对范围或用 --rubric 指定",
                    en=f"field scope is {shown_en}: no rubric of {pack.id} applies "
                    f"({', '.join(r.id for r in pack.definition.rubrics)}); "
                    "fill in the scope or choose one with --rubric",
                ),
                value=scope.value if scope is not None else None,
            )
        ],
    )


def score(
    pack: Pack,
    data: Input,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
) -> ScoreReport:
    """Score every record of ``data`` on ``pack``'s rubrics.

    :param pack: the pack (see :func:`pairing_rules.get_pack`).
    :param data: an input object, a :class:`Dataset` or a list of records.
    :param rubric: score every record on this rubric instead of choosing by ``applies_to``.
    :param interpretations: overrides, ``{interpretation id: value}``.
    """
    if not pack.definition.rubrics:
        raise ValueError(f"pack {pack.id} has no rubric to score with")
    scorer = Scorer(pack, rubric=rubric, interpretations=interpretations)
    return scorer.run(as_dataset(pack, data, scorer.collections[0]))


# -------------------------------------------------------------------------------- check


class RecordCheck(BaseModel):
    """The findings of every requirement on one record."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    collection: str
    passed: bool
    findings: list[Finding]


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

    @property
    def unmet(self) -> bool:
        """Whether any finding is unmet or needs evidence."""
        bad = (Status.UNMET, Status.NEEDS_EVIDENCE)
        return any(not r.passed for r in self.results) or any(g.status in bad for g in self.groups)

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules check``."""
        return {
            "pack": self.pack,
            "pack_hash": self.pack_hash,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "interpretations": [u.model_dump(mode="json") for u in self.interpretations],
            "summary": self.summary,
            "results": [
                {
                    "id": r.id,
                    "collection": r.collection,
                    "passed": r.passed,
                    "findings": [_finding_json(f) for f in r.findings],
                }
                for r in self.results
            ],
            "groups": [_finding_json(f) for f in self.groups],
            "rejected": [r.as_json() for r in self.rejected],
            "progress": self.progress.as_json() if self.progress else None,
            "milestones": [m.as_json() for m in self.milestones],
        }


def _finding_json(f: Finding) -> dict[str, Any]:
    out = f.model_dump(mode="json", exclude={"label"})
    out["label"] = f.label.model_dump()
    out["status"] = f.status.value
    return out


def check(
    pack: Pack,
    data: Input,
    *,
    as_of: dt.date | None = None,
    interpretations: Mapping[str, str] | None = None,
    progress_callback: Callable[[int], None] | None = None,
) -> CheckReport:
    """Evaluate every requirement of ``pack`` on ``data``.

    :param as_of: the date for milestones and progress (default: today).
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param progress_callback: called with 1 after each record (for a progress bar).
    """
    as_of = as_of or dt.date.today()
    choices = pack.choices(interpretations)
    dataset = as_dataset(pack, data)
    definition = pack.definition
    bound: dict[str, list[BoundRequirement]] = {}
    ids: set[str] = set()
    for req in definition.requirements:
        if not gate_open(req.when, choices):
            continue
        bound.setdefault(req.collection, []).append(
            req.bind(choices, pack.record_types[req.collection])
        )
        ids |= req.interpretation_ids()
    per_record: dict[tuple[str, str], list[Finding]] = {}
    for collection, reqs in bound.items():
        for record in dataset.records(collection):
            if progress_callback is not None:
                progress_callback(1)
            per_record[(collection, record_key(record))] = [r.evaluate(record) for r in reqs]
    groups: list[Finding] = []
    lookup = _quota_lookup(pack)
    for group in definition.group_requirements:
        ids |= group.interpretation_ids()
        groups.extend(
            group.evaluate(
                dataset.records(group.collection),
                pack.record_types[group.collection],
                choices,
                lookup,
            )
        )
    hook = pack._hook
    if hook is not None:
        context = {"as_of": as_of}
        for extra in hook.pairing_rules_check(
            pack=pack, dataset=dataset, choices=choices, context=context
        ):
            for finding in extra or ():
                target = _record_of(finding, per_record, dataset, pack)
                if target is None:
                    groups.append(finding)
                else:
                    per_record.setdefault(target, []).append(finding)
    ids |= set(definition.hook_interpretations)
    results: list[RecordCheck] = []
    for (collection, rid), findings in per_record.items():
        bad = any(f.status in (Status.UNMET, Status.NEEDS_EVIDENCE) for f in findings)
        results.append(
            RecordCheck(id=rid, collection=collection, passed=not bad, findings=findings)
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
    )


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


def _quota_lookup(pack: Pack) -> Callable[[str, str], Decimal | None]:
    def lookup(table_id: str, region: str) -> Decimal | None:
        value = pack.quota_table(table_id).value(region)
        return Decimal(value) if value is not None else None

    return lookup


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
    model = pack.record_types[spec.collection]
    applies = compile_filter(spec.applies_to, model)
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
                    "source": f.source.model_dump(),
                    "related": [s.model_dump() for s in f.related],
                }
                for f in self.findings
            ],
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
    hook = pack._hook
    if hook is not None:
        for extra in hook.pairing_rules_audit(pack=pack, choices=choices):
            if extra:
                findings.extend(extra)
    ids |= set(definition.hook_interpretations)
    return AuditReport(
        pack=pack.ref,
        pack_hash=pack.content_hash,
        findings=sort_findings(findings),
        interpretations=choices.uses(ids),
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
