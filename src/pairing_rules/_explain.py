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
from ._interpret import SKIPPED, GroupOutcome, Outcome, RequirementOutcome
from ._models import record_key
from ._numbers import format_number, format_percent, json_number, to_display
from ._plan import (
    AdjustmentPlan,
    FlagPlan,
    GroupPlan,
    ItemPlan,
    RequirementPlan,
    RubricPlan,
    ThresholdPlan,
)
from ._requirements import Finding, Status
from ._results import ItemResult, ScoreSheet, VetoHit

ZERO: Final = Decimal(0)
NOT_APPLICABLE: Final = Text(zh="不适用于此类记录", en="does not apply to this record")
_ALL_MET: Final = Text(zh="全部达标", en="every condition met")
_YES: Final = Text(zh="是", en="yes")
_NOT_REPORTED_NO_POINTS: Final = Text(zh="未填报，不得分", en="not reported, no points")


def plain(value: Any) -> Any:
    """A record's value as an explanation lists it among an item's inputs."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, list):
        return [str(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def item_result(item: ItemPlan, points: Decimal, detail: Any, record: Any) -> ItemResult:
    """One item of a score sheet, from the points and the detail the interpreter recorded."""
    inputs = {f: plain(getattr(record, f)) for f in item.reads}
    body = item.body
    if detail is SKIPPED:
        return ItemResult.model_construct(
            id=item.id,
            label=item.label,
            kind=item.kind,
            points=ZERO,
            max=ZERO,
            min=ZERO,
            applicable=False,
            bonus=item.bonus,
            reason=NOT_APPLICABLE,
            inputs=inputs,
            conditions=[],
            source=item.source,
        )
    low = ZERO
    conditions: list[dict[str, Any]] = []
    if isinstance(body, ThresholdPlan):
        top = body.full
        results = condition_results(body.conditions, detail)
        conditions = [r.as_json() for r in results]
        unmet = [r for r in results if not r.met]
        if not unmet:
            reason = _ALL_MET
        else:
            parts_zh = "；".join(r.describe("zh") for r in unmet)
            parts_en = "; ".join(r.describe("en") for r in unmet)
            if body.proportional:
                shown = format_number(points)
                reason = Text(
                    zh=f"未达标（按比例计分 {shown} 分）：{parts_zh}",
                    en=f"not met (proportional credit {shown}): {parts_en}",
                )
            else:
                reason = Text(zh=f"未达标：{parts_zh}", en=f"not met: {parts_en}")
    elif isinstance(body, AdjustmentPlan):
        top, low = body.top, body.lowest
        reason = _adjustment_reason(body, points, detail)
    else:
        top = body.top
        reason = _flag_reason(body, points, detail)
    return ItemResult.model_construct(
        id=item.id,
        label=item.label,
        kind=item.kind,
        points=points,
        max=top,
        min=low,
        applicable=True,
        bonus=item.bonus,
        reason=reason,
        inputs=inputs,
        conditions=conditions,
        source=item.source,
    )


def _adjustment_reason(body: AdjustmentPlan, points: Decimal, value: Any) -> Text:
    if value is None:
        lowest = format_number(body.lowest)
        return Text(
            zh=f"未填报，按最低分 {lowest} 分计", en=f"not reported, the lowest points ({lowest})"
        )
    observed = format_number(to_display(value))
    pivot, base = format_number(body.pivot), format_number(body.base)
    per, step, got = format_number(body.per), format_number(body.step), format_number(points)
    return Text(
        zh=f"{observed}：以 {pivot} 为基准得 {base} 分，每 {per} 加减 {step} 分，得 {got} 分",
        en=f"{observed}: {base} points at {pivot}, ±{step} per {per}, giving {got}",
    )


def _flag_reason(body: FlagPlan, points: Decimal, value: Any) -> Text:
    if value is True:
        return _YES
    if value is None:
        return _NOT_REPORTED_NO_POINTS
    shown = format_number(points)
    return Text(zh=f"否，得 {shown} 分", en=f"no, {shown} points")


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
        zh="；".join(
            f"{r.label.zh} {describe_observed(r.observed)}（要求 {r.expected}）" for r in results
        ),
        en="; ".join(
            f"{r.label.en} {describe_observed(r.observed, 'en')} (required {r.expected_en})"
            for r in results
        ),
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
    if plan.kind == "count_distinct":
        if outcome.target is None:
            message = Text(zh="该组在定额表中没有任务数", en="no quota for this group")
            return _finding(plan, Status.NOT_APPLICABLE, None, outcome.counted, None, message, key)
        target = format_number(outcome.target)
        message = Text(
            zh=f"不重复学校 {outcome.counted} 所，要求不少于 {target} 所",
            en=f"{outcome.counted} distinct schools, required at least {target}",
        )
        return _finding(
            plan, Status(outcome.status), None, outcome.counted, f"≥ {target}", message, key
        )
    if outcome.share is None:
        message = Text(zh="该组没有可计算的记录", en="no records in this group")
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
