"""Explanations: what the interpreter recorded, rendered as text and results.

The interpreter (:mod:`pairing_rules._interpret`) records, while it computes,
what it read and decided; nothing here computes a rule.  This module turns a
record's trace into a :class:`~pairing_rules.ScoreSheet` (every item with its
points, reason, inputs, conditions and citation), a requirement's outcome into
a :class:`~pairing_rules.Finding`, and a group rule's outcome into a group
finding.  Text is made only here, and only when a result is asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Final

from ._conditions import condition_results, describe_observed
from ._i18n import Text
from ._interpret import NOT_SCORED, SKIPPED, Outcome, RequirementOutcome
from ._interpret_groups import GroupOutcome
from ._models import record_key, record_name
from ._numbers import format_number, format_percent, json_number, to_display
from ._period import PeriodUse
from ._plan import (
    AdjustmentPlan,
    ConditionPlan,
    FlagPlan,
    GroupPlan,
    ItemPlan,
    RequirementPlan,
    RubricPlan,
    ThresholdPlan,
)
from ._requirements import Finding, Status
from ._results import ItemResult, ScoreSheet, VetoHit
from ._words import is_share, share_text

ZERO: Final = Decimal(0)
NOT_APPLICABLE: Final = Text(zh="不适用于此类记录", en="does not apply to this record")
_ALL_MET: Final = Text(zh="全部达标", en="every condition met")
_YES: Final = Text(zh="是", en="yes")
_NOT_REPORTED_NO_POINTS: Final = Text(zh="未填报，不得分", en="not reported, no points")
NOT_SCORED_REASON: Final = Text(
    zh="未填报，本项不计分（不计入可得分）",
    en="not reported: the item is not scored (left out of the reachable points)",
)


def plain(value: Any) -> Any:
    """A record's value as an explanation lists it among an item's inputs."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _observed(plan: ConditionPlan, value: Any) -> Any:
    """What a condition's explanation shows as observed: a flag as is, a number for display."""
    if plan.field is not None or value is None:
        return value
    return to_display(value)


def _describe(plan: ConditionPlan, observed: Any, lang: str) -> str:
    """``节数 19，要求 ≥ 20`` / ``lessons 19, required ≥ 20`` (as :class:`ConditionResult`)."""
    if lang == "en":
        return f"{plan.label.en} {observed_text(plan, observed, 'en')}, required {plan.expected_en}"
    return f"{plan.label.zh} {observed_text(plan, observed)}，要求 {plan.expected_zh}"


def observed_text(plan: ConditionPlan, observed: Any, lang: str = "zh") -> str:
    """What a condition observed, for a person: a share as a percentage (``5.8%``), a number,
    是/否 or 未填报."""
    if (
        is_share(plan.expr)
        and isinstance(observed, int | Decimal)
        and not isinstance(observed, bool)
    ):
        return share_text(observed, plan.at_least, plan.at_most)
    return describe_observed(observed, "en" if lang == "en" else "zh")


#: an item explained: (maximum, minimum, reason zh, reason en, conditions as (plan, observed, met))
ItemParts = tuple[Decimal, Decimal, str, str, list[tuple[ConditionPlan, Any, bool]]]


def item_parts(item: ItemPlan, points: Decimal, detail: Any) -> ItemParts:
    """The explanation of an item that applies, from the points and the recorded detail."""
    body = item.body
    if isinstance(body, ThresholdPlan):
        conditions = [
            (body.conditions[n], _observed(body.conditions[n], value), met)
            for n, value, met in detail
        ]
        unmet = [(c, o) for c, o, met in conditions if not met]
        if not unmet:
            return body.full, ZERO, _ALL_MET.zh, _ALL_MET.en, conditions
        parts_zh = "；".join(_describe(c, o, "zh") for c, o in unmet)
        parts_en = "; ".join(_describe(c, o, "en") for c, o in unmet)
        if body.proportional:
            shown = format_number(points)
            return (
                body.full,
                ZERO,
                f"未达标（按比例计分 {shown} 分）：{parts_zh}",
                f"not met (proportional credit {shown}): {parts_en}",
                conditions,
            )
        return body.full, ZERO, f"未达标：{parts_zh}", f"not met: {parts_en}", conditions
    if isinstance(body, AdjustmentPlan):
        zh, en = _adjustment_reason(body, points, detail)
        return body.top, body.lowest, zh, en, []
    zh, en = _flag_reason(body, points, detail)
    if detail is True and item.note is not None and points == 0:
        zh, en = f"{zh}；{item.note.zh}", f"{en}; {item.note.en}"
    return body.top, ZERO, zh, en, []


def _condition_json(plan: ConditionPlan, observed: Any, met: bool) -> dict[str, Any]:
    if isinstance(observed, int | Decimal) and not isinstance(observed, bool):
        observed = json_number(observed)
    return {
        "label": plan.label.model_dump(),
        "observed": observed,
        "expected": plan.expected_zh,
        "met": met,
        "source": plan.source.model_dump(),
    }


def item_result(item: ItemPlan, points: Decimal, detail: Any, record: Any) -> ItemResult:
    """One item of a score sheet, from the points and the detail the interpreter recorded."""
    inputs = {f: plain(getattr(record, f)) for f in item.reads}
    if detail is SKIPPED or detail is NOT_SCORED:
        return ItemResult.model_construct(
            id=item.id,
            label=item.label,
            kind=item.kind,
            points=ZERO,
            max=ZERO,
            min=ZERO,
            applicable=detail is NOT_SCORED,
            bonus=item.bonus,
            reason=NOT_APPLICABLE if detail is SKIPPED else NOT_SCORED_REASON,
            inputs=inputs,
            conditions=[],
            source=item.source,
        )
    top, low, zh, en, conditions = item_parts(item, points, detail)
    return ItemResult.model_construct(
        id=item.id,
        label=item.label,
        kind=item.kind,
        points=points,
        max=top,
        min=low,
        applicable=True,
        bonus=item.bonus,
        reason=Text.model_construct(zh=zh, en=en),
        inputs=inputs,
        conditions=[_condition_json(c, o, met) for c, o, met in conditions],
        source=item.source,
    )


def _adjustment_reason(body: AdjustmentPlan, points: Decimal, value: Any) -> tuple[str, str]:
    if value is None:
        if body.unreported == "zero":
            return "未填报，得 0 分", "not reported, 0 points"
        lowest = format_number(body.lowest)
        return f"未填报，按最低分 {lowest} 分计", f"not reported, the lowest points ({lowest})"
    observed = format_number(to_display(value))
    pivot, base = format_number(body.pivot), format_number(body.base)
    per, step, got = format_number(body.per), format_number(body.step), format_number(points)
    return (
        f"{observed}：以 {pivot} 为基准得 {base} 分，每 {per} 加减 {step} 分，得 {got} 分",
        f"{observed}: {base} points at {pivot}, ±{step} per {per}, giving {got}",
    )


def _flag_reason(body: FlagPlan, points: Decimal, value: Any) -> tuple[str, str]:
    if value is True:
        return _YES.zh, _YES.en
    if value is None and body.unreported != "late":
        return _NOT_REPORTED_NO_POINTS.zh, _NOT_REPORTED_NO_POINTS.en
    shown = format_number(points)
    if value is None:
        return (
            f"未填报，按未按时完成计，得 {shown} 分",
            f"not reported, counted as late: {shown} points",
        )
    return f"否，得 {shown} 分", f"no, {shown} points"


def score_sheet(
    plan: RubricPlan, record: Any, outcome: Outcome, trace: Sequence[Any]
) -> ScoreSheet:
    """The explained score sheet of ``record`` from its outcome and trace."""
    grade = plan.grades[outcome.grade]
    items = [
        item_result(item, points, detail, record)
        for item, points, detail in zip(plan.items, outcome.items, trace, strict=True)
    ]
    vetoes = [
        VetoHit.model_construct(
            id=veto.id, label=veto.label, cap=plan.grades[veto.cap].label, source=veto.source
        )
        for veto in (plan.vetoes[n] for n in outcome.vetoes)
    ]
    return ScoreSheet.model_construct(
        id=record_key(record),
        name=record_name(record),
        pack=plan.pack_ref,
        pack_hash=plan.pack_hash,
        rubric=plan.id,
        rubric_label=plan.label,
        total=outcome.total,
        max=outcome.reach,
        declared_total=plan.declared_total,
        grade_basis=outcome.basis,
        grade=grade.label.zh,
        grade_en=grade.label.en,
        grade_id=grade.id,
        vetoes=vetoes,
        items=items,
        interpretations=list(plan.interpretations),
        period=PeriodUse.of(plan.period, record) if plan.period is not None else None,
    )


# ---------------------------------------------------------------------------- findings


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    return value


def requirement_finding(plan: RequirementPlan, record: Any, outcome: RequirementOutcome) -> Finding:
    """The finding of a requirement on ``record``, from what the interpreter decided."""
    status, details, missing = outcome
    record_id = record_key(record) or None
    if status == "not_applicable":
        return _finding(plan, Status.NOT_APPLICABLE, record_id, None, None, NOT_APPLICABLE)
    results = condition_results(plan.conditions, details)
    keys = [plan.conditions[n].key for n, _v, _m in details]
    observed = {k: _json(r.observed) for k, r in zip(keys, results, strict=True)}
    expected = {k: r.expected for k, r in zip(keys, results, strict=True)}
    if status == "unmet":
        unmet = [r for r in results if not r.met]
        message = Text(
            zh="；".join(r.describe("zh") for r in unmet),
            en="; ".join(r.describe("en") for r in unmet),
        )
        return _finding(plan, Status.UNMET, record_id, observed, expected, message)
    if status == "needs_evidence":
        evidence = [plan.evidence[n] for n in missing]
        message = Text(
            zh="数量达标，缺少佐证：" + "、".join(e.label.zh for e in evidence),
            en="numbers met, evidence missing: " + ", ".join(e.label.en for e in evidence),
        )
        for e in evidence:
            observed[e.field] = getattr(record, e.field)
            expected[e.field] = "= 是"
        return _finding(plan, Status.NEEDS_EVIDENCE, record_id, observed, expected, message)
    message = Text(
        zh="；".join(f"{r.label.zh} {r.shown()}（要求 {r.expected}）" for r in results),
        en="; ".join(f"{r.label.en} {r.shown('en')} (required {r.expected_en})" for r in results),
    )
    return _finding(plan, Status.MET, record_id, observed, expected, message)


def _finding(
    plan: RequirementPlan | GroupPlan,
    status: Status,
    record: str | None,
    observed: Any,
    expected: Any,
    message: Text,
    group: str | None = None,
) -> Finding:
    return Finding.model_construct(
        requirement=plan.id,
        label=plan.label,
        status=status,
        record=record,
        collection=plan.collection if record is not None else None,
        group=group,
        observed=observed,
        expected=expected,
        source=plan.source,
        message=message,
    )


def group_finding(plan: GroupPlan, outcome: GroupOutcome) -> Finding:
    """The finding of a group rule on one group."""
    key = outcome.group
    no_quota = Text(zh="该组在定额表中没有任务数", en="no quota for this group")
    if plan.kind == "count_distinct":
        if outcome.target is None:
            return _finding(plan, Status.NOT_APPLICABLE, None, outcome.counted, None, no_quota, key)
        target = format_number(outcome.target)
        empty_zh, empty_en = (
            ("输入中没有该组的记录；", "no record of this group in the input; ")
            if outcome.empty
            else ("", "")
        )
        message = Text(
            zh=f"{empty_zh}不重复学校 {outcome.counted} 所，要求不少于 {target} 所",
            en=f"{empty_en}{outcome.counted} distinct schools, required at least {target}",
        )
        return _finding(
            plan, Status(outcome.status), None, outcome.counted, f"≥ {target}", message, key
        )
    if outcome.share is None:
        message = (
            no_quota
            if plan.quota is not None and plan.kind == "share" and plan.quota.get(key) is None
            else Text(zh="该组没有可计算的记录", en="no records in this group")
        )
        return _finding(plan, Status.NOT_APPLICABLE, None, None, None, message, key)
    share = outcome.share
    observed = {
        "count": outcome.counted,
        "base": outcome.base,
        "share": json_number(share.quantize(Decimal("0.0001"))),
    }
    shown = f"{outcome.counted}/{outcome.base} = {format_percent(share)}"
    if plan.kind == "rate":
        message = Text(zh=f"比率 {shown}", en=f"rate {shown}")
        return _finding(plan, Status.INFO, None, observed, None, message, key)
    parts: list[str] = []
    if plan.about is not None:
        parts.append(f"{format_percent(plan.about)} ± {format_percent(plan.tolerance or ZERO)}")
    if plan.at_least is not None:
        parts.append(f"≥ {format_percent(plan.at_least)}")
    if plan.at_most is not None:
        parts.append(f"≤ {format_percent(plan.at_most)}")
    expected = "，".join(parts)
    message = Text(zh=f"占比 {shown}，要求 {expected}", en=f"share {shown}, required {expected}")
    return _finding(plan, Status(outcome.status), None, observed, expected, message, key)


# ---------------------------------------------------------------------------- JSON


class SheetJSON:
    """The JSON of score sheets on one rubric, made straight from what the interpreter recorded.

    It gives exactly ``score_sheet(...).model_dump(mode="json")`` without building
    the models: what does not depend on the record (labels, citations, the
    interpretations) is dumped once per rubric.  Reports of many records use it.
    """

    __slots__ = ("_conditions", "_grades", "_head", "_interpretations", "_items", "_vetoes", "plan")

    def __init__(self, plan: RubricPlan) -> None:
        self.plan = plan
        self._head = {
            "pack": plan.pack_ref,
            "pack_hash": plan.pack_hash,
            "rubric": plan.id,
            "rubric_label": plan.label.model_dump(),
        }
        self._items = [
            (item, item.label.model_dump(), item.source.model_dump()) for item in plan.items
        ]
        self._conditions = {
            id(c): (c.label.model_dump(), c.source.model_dump())
            for item in plan.items
            if isinstance(item.body, ThresholdPlan)
            for c in item.body.conditions
        }
        self._grades = [(g.label.zh, g.label.en, g.id) for g in plan.grades]
        self._vetoes = [
            {
                "id": v.id,
                "label": v.label.model_dump(),
                "cap": plan.grades[v.cap].label.model_dump(),
                "source": v.source.model_dump(),
            }
            for v in plan.vetoes
        ]
        self._interpretations = [u.model_dump(mode="json") for u in plan.interpretations]

    def item(self, n: int, points: Decimal, detail: Any, record: Any) -> dict[str, Any]:
        """The JSON object of item ``n`` of the rubric on ``record``."""
        item, label, source = self._items[n]
        inputs = {f: plain(getattr(record, f)) for f in item.reads}
        if detail is SKIPPED or detail is NOT_SCORED:
            return {
                "id": item.id,
                "label": label,
                "kind": item.kind,
                "points": 0,
                "max": 0,
                "min": 0,
                "applicable": detail is NOT_SCORED,
                "bonus": item.bonus,
                "reason": _NOT_APPLICABLE_JSON if detail is SKIPPED else _NOT_SCORED_JSON,
                "inputs": inputs,
                "conditions": [],
                "source": source,
            }
        top, low, reason_zh, reason_en, conditions = item_parts(item, points, detail)
        statics = self._conditions
        dumped = []
        for c, observed, met in conditions:
            if isinstance(observed, int | Decimal) and not isinstance(observed, bool):
                observed = json_number(observed)
            c_label, c_source = statics[id(c)]
            dumped.append(
                {
                    "label": c_label,
                    "observed": observed,
                    "expected": c.expected_zh,
                    "met": met,
                    "source": c_source,
                }
            )
        return {
            "id": item.id,
            "label": label,
            "kind": item.kind,
            "points": json_number(points),
            "max": json_number(top),
            "min": json_number(low),
            "applicable": True,
            "bonus": item.bonus,
            "reason": {"zh": reason_zh, "en": reason_en},
            "inputs": inputs,
            "conditions": dumped,
            "source": source,
        }

    def totals(self, outcome: Outcome) -> dict[str, Any]:
        """The keys between ``rubric_label`` and ``items``: totals, grade and vetoes."""
        zh, en, grade_id = self._grades[outcome.grade]
        return {
            "total": json_number(outcome.total),
            "max": json_number(outcome.reach),
            "declared_total": json_number(self.plan.declared_total),
            "grade_basis": json_number(outcome.basis),
            "grade": zh,
            "grade_en": en,
            "grade_id": grade_id,
            "vetoes": [self._vetoes[n] for n in outcome.vetoes],
        }

    @property
    def head(self) -> dict[str, Any]:
        """The keys after ``id`` that do not depend on the record."""
        return self._head

    @property
    def interpretations(self) -> list[dict[str, Any]]:
        return self._interpretations

    def period(self, record: Any) -> dict[str, Any] | None:
        """The JSON of the record's period (the pack's period, its year and where it stands)."""
        plan = self.plan.period
        return PeriodUse.of(plan, record).as_json() if plan is not None else None

    def dump(self, record: Any, outcome: Outcome, trace: Sequence[Any]) -> dict[str, Any]:
        """The JSON object of one record's score sheet."""
        return {
            "id": record_key(record),
            "name": record_name(record),
            **self._head,
            **self.totals(outcome),
            "items": [
                self.item(n, points, detail, record)
                for n, (points, detail) in enumerate(zip(outcome.items, trace, strict=True))
            ],
            "interpretations": self._interpretations,
            "period": self.period(record),
        }


_NOT_APPLICABLE_JSON: Final = NOT_APPLICABLE.model_dump()
_NOT_SCORED_JSON: Final = NOT_SCORED_REASON.model_dump()
