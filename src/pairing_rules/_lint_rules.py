"""Lint: rules that cannot work as the document means them.

- a condition (or an item) whose ``applies_to`` excludes every record its
  rule applies to, or whose ``when:`` contradicts its rule's;
- an item worth more than its rubric's declared total;
- an adjustment that cannot reach its maximum (or fall to its minimum) for any
  value the measured field can take (a percentage: 0–100);
- a rule that scores less with more of an activity (``at_most`` on a lesson
  count), unless its quote states the ceiling ("不超过 …").
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from ._expr import Expr, parse
from ._fields import enum_of, record_spec
from ._i18n import Text
from ._interpretations import Choices
from ._lint import LintContext
from ._lint_sites import ConditionSite, condition_sites
from ._models import Record
from ._numbers import format_number
from ._yamlpos import Path

#: how a quote states a ceiling ("不超过 2 次"): a cap on an activity is then the document's
#: (不少于 and 不低于 state a floor, not a ceiling)
CEILING: Final = re.compile(
    r"不超过|不得超过|不多于|不得多于|不高于|至多|最多|以内|以下|上限|封顶|不足|(?<!不)超过|(?<!不)少于|(?<!不)低于"
)

Interval = tuple[Fraction | None, Fraction | None]


def run(ctx: LintContext) -> None:
    never_applies(ctx)
    above_total(ctx)
    adjustments(ctx)
    activity(ctx)


# ------------------------------------------------------------------------ never applies


def _normalised(model: type[Record] | None, name: str, values: Iterable[Any]) -> set[Any] | None:
    """The allowed values of a filter as the engine compares them (``None`` if one is unknown)."""
    enum = enum_of(model, name) if model is not None else None
    out: set[Any] = set()
    for value in values:
        if enum is None:
            out.add(value)
            continue
        try:
            out.add(enum(value))
        except ValueError:
            return None  # reported as an unknown value
    return out


def _disjoint(
    ctx: LintContext,
    collection: str,
    filters: Sequence[tuple[Path, Mapping[str, Any]]],
) -> tuple[Path, str, str] | None:
    """The first field on which the filters leave no value: (path of the innermost, field, shown)."""
    model = ctx.record_types.get(collection)
    allowed: dict[str, set[Any]] = {}
    for path, spec in filters:
        for name, values in spec.items():
            if not isinstance(values, list):
                continue  # a range of numbers: not compared
            normalised = _normalised(model, name, values)
            if normalised is None:
                return None
            if name in allowed:
                allowed[name] &= normalised
                if not allowed[name]:
                    shown = "；".join(
                        f"{'、'.join(map(_text, s.get(name, [])))}"
                        for _p, s in filters
                        if name in s
                    )
                    return (*path, name), name, shown
            else:
                allowed[name] = set(normalised)
    return None


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _gates_disjoint(gates: Sequence[tuple[Path, dict[str, Any]]]) -> tuple[Path, str] | None:
    allowed: dict[str, set[str]] = {}
    for path, gate in gates:
        for interp_id, wanted in gate.items():
            values = {wanted} if isinstance(wanted, str) else set(wanted)
            if interp_id in allowed:
                allowed[interp_id] &= values
                if not allowed[interp_id]:
                    return (*path, interp_id), interp_id
            else:
                allowed[interp_id] = values
    return None


def never_applies(ctx: LintContext) -> None:
    d = ctx.definition
    for r, rubric in enumerate(d.rubrics):
        if not rubric.applies_to:
            continue
        outer = (("rubrics", r, "applies_to"), rubric.applies_to)
        for i, item in enumerate(rubric.items):
            if not item.applies_to:
                continue
            found = _disjoint(
                ctx,
                rubric.collection,
                [outer, (("rubrics", r, "items", i, "applies_to"), item.applies_to)],
            )
            if found is not None:
                path, name, shown = found
                ctx.add(
                    "never-applies",
                    path,
                    Text(
                        zh=f"项目 {item.id} 只适用于考核细则 {rubric.id} 排除的记录（{name}：{shown}），永远不会计分",
                        en=f"item {item.id} applies only to records its rubric {rubric.id} excludes ({name}: {shown}); it never scores",
                    ),
                    key=True,
                )
    for site in condition_sites(d):
        cond = site.condition
        filters = list(site.filters)
        if cond.applies_to:
            filters.append(((*site.path, "applies_to"), cond.applies_to))
        found = _disjoint(ctx, site.collection, filters)
        if found is not None:
            path, name, shown = found
            ctx.add(
                "never-applies",
                path,
                Text(
                    zh=f"条件“{cond.label.zh}”只适用于 {site.owner} 所排除的记录（{name}：{shown}），永远不会适用",
                    en=f"the condition '{cond.label.en}' applies only to records {site.owner} excludes ({name}: {shown}); it never applies",
                ),
                key=True,
            )
            continue
        gates = list(site.gates)
        if cond.when:
            gates.append(((*site.path, "when"), cond.when))
        contradiction = _gates_disjoint(gates)
        if contradiction is not None:
            path, interp_id = contradiction
            ctx.add(
                "never-applies",
                path,
                Text(
                    zh=f"条件“{cond.label.zh}”的 when 与 {site.owner} 的 when 对解释口径 {interp_id} 要求不同的取值，永远不会适用",
                    en=f"the condition '{cond.label.en}' and {site.owner} require different values of {interp_id}; it never applies",
                ),
                key=True,
            )


# --------------------------------------------------------------------------- above total


def above_total(ctx: LintContext) -> None:
    for r, rubric in enumerate(ctx.definition.rubrics):
        for i, item in enumerate(rubric.items):
            if item.points <= rubric.declared_total:
                continue
            ctx.add(
                "item-above-total",
                ("rubrics", r, "items", i, "points"),
                Text(
                    zh=f"项目 {item.id} 的分值 {format_number(item.points)} 超过考核细则 {rubric.id} 的总分 "
                    f"{format_number(rubric.declared_total)}：请核对分值与引文",
                    en=f"item {item.id} is worth {format_number(item.points)}, more than the declared total "
                    f"{format_number(rubric.declared_total)} of rubric {rubric.id}: check the points against the quote",
                ),
            )


# ---------------------------------------------------------------------------- adjustments


def _bound(constraint: Any, names: tuple[str, ...]) -> Fraction | None:
    for name in names:
        value = getattr(constraint, name, None)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return Fraction(Decimal(str(value)))
    return None


def field_range(model: type[Record] | None, name: str) -> Interval:
    """The values field ``name`` can take, from its type and constraints (``None``: unbounded).

    The constraints are read from the annotation itself, nested ones included
    (``Percent`` holds its 0–100 inside an optional).
    """
    if model is None or name not in model.model_fields:
        return (None, None)
    if record_spec(model).kind(name) == "bool":
        return (Fraction(0), Fraction(1))
    info = model.model_fields[name]
    low: Fraction | None = None
    high: Fraction | None = None
    pending: list[Any] = [info.annotation, *info.metadata]
    while pending:
        current = pending.pop()
        found_low = _bound(current, ("ge", "gt"))
        found_high = _bound(current, ("le", "lt"))
        low = found_low if found_low is not None else low
        high = found_high if found_high is not None else high
        pending.extend(getattr(current, "metadata", []) or [])
        pending.extend(typing.get_args(current))
    return (low, high)


def _add(a: Fraction | None, b: Fraction | None) -> Fraction | None:
    return None if a is None or b is None else a + b


def expr_range(expr: Expr, model: type[Record] | None) -> Interval:
    """The values ``expr`` can take (interval arithmetic; ``None`` where unbounded or unknown)."""
    op = expr.op
    if op == "const":
        value = Fraction(expr.value or 0)
        return (value, value)
    if op == "field":
        return field_range(model, expr.name)
    if op == "count":
        return (Fraction(0), None)
    parts = [expr_range(a, model) for a in expr.args]
    if op == "sum":
        low: Fraction | None = Fraction(0)
        high: Fraction | None = Fraction(0)
        for lo, hi in parts:
            low, high = _add(low, lo), _add(high, hi)
        return (low, high)
    if op == "sub":
        (alo, ahi), (blo, bhi) = parts
        return (
            _add(alo, -bhi if bhi is not None else None),
            _add(ahi, -blo if blo is not None else None),
        )
    if op in ("min", "max"):
        lows = [lo for lo, _hi in parts]
        highs = [hi for _lo, hi in parts]
        if op == "min":
            finite_high = [h for h in highs if h is not None]
            return (None if None in lows else min(lows), min(finite_high) if finite_high else None)  # type: ignore[type-var]
        finite_low = [lo for lo in lows if lo is not None]
        return (max(finite_low) if finite_low else None, None if None in highs else max(highs))  # type: ignore[type-var]
    if all(lo is not None and lo >= 0 for lo, _hi in parts):
        if op == "mul":
            low = Fraction(1)
            high = Fraction(1)
            for lo, hi in parts:
                low = low * lo  # type: ignore[operator]
                high = None if high is None or hi is None else high * hi
            return (low, high)
        (alo, ahi), (blo, bhi) = parts
        if blo is not None and blo > 0 and alo is not None:
            top = None if ahi is None else ahi / blo
            bottom = Fraction(0) if bhi is None else alo / bhi
            if op == "floordiv":
                bottom = Fraction(bottom.numerator // bottom.denominator)
                top = None if top is None else Fraction(top.numerator // top.denominator)
            return (bottom, top)
    return (None, None)


def adjustments(ctx: LintContext) -> None:
    for r, rubric in enumerate(ctx.definition.rubrics):
        model = ctx.record_types.get(rubric.collection)
        for i, item in enumerate(rubric.items):
            if item.kind != "adjustment":
                continue
            try:
                expr = parse(item.value)
            except ValueError:
                continue
            low, high = expr_range(expr, model)
            points_at = _points_at(ctx, item)
            ipath: Path = ("rubrics", r, "items", i)
            measured = expr.render()
            if high is not None:
                top = points_at(high, max)
                if top is not None and top < item.points:
                    ctx.add(
                        "adjustment-max-unreachable",
                        (*ipath, "points"),
                        Text(
                            zh=f"{measured} 最高为 {format_number(_decimal(high))}：以 {format_number(item.pivot)} 为基准得 "
                            f"{format_number(item.base)} 分、每 {format_number(item.per)} 加 {format_number(item.step)} 分，"
                            f"最多得 {format_number(top)} 分，达不到本项分值 {format_number(item.points)}；请核对 pivot、base、step 与引文",
                            en=f"{measured} is at most {format_number(_decimal(high))}: {format_number(item.base)} points at "
                            f"{format_number(item.pivot)}, +{format_number(item.step)} per {format_number(item.per)}, give at most "
                            f"{format_number(top)}, not the item's {format_number(item.points)}; check pivot, base and step against the quote",
                        ),
                    )
            start = low if low is not None else None
            if start is None:
                continue
            start = max(start, Fraction(item.value_min)) if item.value_min > 0 else start
            bottom = points_at(start, min)
            if bottom is not None and bottom > 0:
                ctx.add(
                    "adjustment-min-unreachable",
                    (*ipath, "base"),
                    Text(
                        zh=f"{measured} 最低为 {format_number(_decimal(start))}，此时仍得 {format_number(bottom)} 分：本项永远到不了 0 分；"
                        "请核对 pivot、base、step 与引文",
                        en=f"{measured} is at least {format_number(_decimal(start))}, which still gives {format_number(bottom)} points: "
                        "the item never falls to 0; check pivot, base and step against the quote",
                    ),
                )


def _points_at(ctx: LintContext, item: Any) -> Any:
    """A function giving the best (``max``) or worst (``min``) points of ``item`` at a value.

    Computed by the engine's own plan, under each alternative of the item's
    ``fraction`` interpretation (an alternative the engine does not know is skipped:
    it is reported as an unknown mode).
    """
    from ._interpret import adjust

    interpretations = ctx.definition.interpretations
    found = next((i for i in interpretations if i.id == item.fraction), None)
    readings = [{}] if found is None else [{found.id: v} for v in found.values]

    def at(value: Fraction, pick: Any) -> Decimal | None:
        points = []
        for overrides in readings:
            try:
                plan = item.plan(Choices(interpretations, overrides), Decimal(0))
            except ValueError:
                continue
            points.append(_decimal(Fraction(adjust(plan, value))))
        return pick(points) if points else None

    return at


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


# ------------------------------------------------------------------------------ activity


def direction(expr: Expr, name: str) -> int | None:
    """How ``expr`` moves when field ``name`` grows: 1 up, -1 down, 0 not at all, ``None`` either way."""
    op = expr.op
    if op in ("field", "count"):
        return 1 if expr.name == name else 0
    if op == "const":
        return 0
    signs = [direction(a, name) for a in expr.args]
    if op in ("sub", "div", "floordiv"):
        left, right = signs
        signs = [left, None if right is None else -right]
    if op == "mul" and any(a.op == "const" and (a.value or 0) < 0 for a in expr.args):
        signs = [None if s is None else -s for s in signs]
    if None in signs:
        return None
    moving = {s for s in signs if s}
    if not moving:
        return 0
    return moving.pop() if len(moving) == 1 else None


def _states_ceiling(quote: str) -> bool:
    return CEILING.search(quote) is not None


def _penalises(site: ConditionSite, activity: tuple[str, ...]) -> list[str]:
    """The activity fields of which more makes the condition score (or check) worse."""
    cond = site.condition
    worse: list[str] = []
    trigger = site.role == "veto"  # a trigger that holds makes the result worse
    if cond.field is not None:
        if cond.field in activity and cond.equals is trigger:
            worse.append(cond.field)
        return worse
    expr = cond.expr
    assert expr is not None
    for name in activity:
        moves = direction(expr, name)
        if not moves:
            continue
        bad_low = cond.at_least is not None and moves == (1 if trigger else -1)
        bad_high = cond.at_most is not None and moves == (-1 if trigger else 1)
        if bad_low or bad_high:
            worse.append(name)
    return worse


def activity(ctx: LintContext) -> None:
    """More of an activity never scores less (a cap the quote states is the document's)."""
    for site in condition_sites(ctx.definition):
        model = ctx.record_types.get(site.collection)
        fields: tuple[str, ...] = getattr(model, "ACTIVITY_FIELDS", ())
        worse = _penalises(site, fields)
        if not worse or _states_ceiling(site.condition.source.quote):
            continue
        key = (
            "at_most"
            if site.condition.at_most is not None
            else ("at_least" if site.condition.at_least is not None else "equals")
        )
        what = {
            "item": ("得分", "scores"),
            "veto": ("等次", "grade"),
            "requirement": ("检查结果", "finding"),
        }[site.role]
        ctx.add(
            "activity-penalised",
            (*site.path, key),
            Text(
                zh=f"{site.owner}：{'、'.join(worse)} 越多，{what[0]}反而越差（{key}）；若文件确实规定了上限，引文须写明（如“不超过”）",
                en=f"{site.owner}: more {', '.join(worse)} makes the {what[1]} worse ({key}); if the document sets a ceiling, quote the words that say so (e.g. 不超过)",
            ),
        )
    for r, rubric in enumerate(ctx.definition.rubrics):
        model = ctx.record_types.get(rubric.collection)
        fields = getattr(model, "ACTIVITY_FIELDS", ())
        for i, item in enumerate(rubric.items):
            measured: list[tuple[str, Any, int]] = []
            if item.kind == "adjustment":
                measured.append(("value", item.value, 1))
            elif item.kind == "ratio":
                measured.append(("numerator", {"div": [item.numerator, item.denominator]}, 1))
            for key, raw, wanted in measured:
                try:
                    expr = parse(raw)
                except ValueError:
                    continue
                worse = [f for f in fields if direction(expr, f) == -wanted]
                if worse and not _states_ceiling(item.source.quote):
                    ctx.add(
                        "activity-penalised",
                        ("rubrics", r, "items", i, key),
                        Text(
                            zh=f"rubric.{rubric.id}.{item.id}：{'、'.join(worse)} 越多，得分反而越低",
                            en=f"rubric.{rubric.id}.{item.id}: more {', '.join(worse)} scores less",
                        ),
                    )
