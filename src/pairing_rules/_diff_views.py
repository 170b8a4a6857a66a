"""Every rule of a pack as a flat view, so that two packs compare key by key.

A view maps a stable key (``points``, ``conditions[sync_lessons].at_least``,
``bands[90/80/60]``) to a plain JSON value.  Two views differ exactly where the
rules differ; labels and quotes are left out (a new year's wording is not a new
rule).  :func:`compare_views` lists the differences as details, each with its
key, a bilingual name and both values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, Final

from ._conditions import Condition
from ._expr import Expr, RawExpr, parse
from ._i18n import Text
from ._numbers import json_number
from ._rules import filter_json

View = dict[str, Any]
#: each interpretation id of a pack → the id without the pack's prefix (``cangnan2022.x`` → ``x``)
Names = Mapping[str, str]

#: names of the keys of a view, for people
NAMES: Final[dict[str, Text]] = {
    "kind": Text(zh="类别", en="kind"),
    "points": Text(zh="分值", en="points"),
    "applies_to": Text(zh="适用范围", en="applies to"),
    "when": Text(zh="适用口径", en="when"),
    "partial": Text(zh="部分得分口径", en="partial credit"),
    "at_least": Text(zh="下限", en="at least"),
    "at_most": Text(zh="上限", en="at most"),
    "equals": Text(zh="应为", en="equals"),
    "numerator": Text(zh="分子", en="numerator"),
    "denominator": Text(zh="分母", en="denominator"),
    "value": Text(zh="计量", en="measure"),
    "pivot": Text(zh="基准", en="pivot"),
    "base": Text(zh="基本分", en="base"),
    "step": Text(zh="每档分值", en="step"),
    "per": Text(zh="每档幅度", en="per"),
    "value_min": Text(zh="最小值", en="smallest value"),
    "fraction": Text(zh="不足一档的口径", en="fraction"),
    "floor": Text(zh="下限口径", en="floor"),
    "field": Text(zh="字段", en="field"),
    "late": Text(zh="逾期口径", en="late"),
    "points_interpretation": Text(zh="分值口径", en="points interpretation"),
    "declared_total": Text(zh="总分", en="declared total"),
    "collection": Text(zh="数据集", en="collection"),
    "cap_at_declared": Text(zh="总分封顶", en="capped at the total"),
    "points_places": Text(zh="得分小数位", en="decimal places"),
    "points_rounding": Text(zh="得分取整", en="rounding"),
    "items": Text(zh="项目", en="items"),
    "item_points": Text(zh="各项分值", en="item points"),
    "grades": Text(zh="等次", en="grades"),
    "interpretation": Text(zh="分数线口径", en="bands interpretation"),
    "basis": Text(zh="评定依据口径", en="grade basis"),
    "bands": Text(zh="等次分数线", en="grade bands"),
    "cap": Text(zh="最高等次", en="cap"),
    "triggers": Text(zh="触发条件", en="triggers"),
    "conditions": Text(zh="条件", en="condition"),
    "default": Text(zh="默认值", en="default"),
    "alternatives": Text(zh="可选值", en="alternatives"),
    "minimum": Text(zh="最小值", en="minimum"),
    "maximum": Text(zh="最大值", en="maximum"),
    "columns": Text(zh="列", en="columns"),
    "rows": Text(zh="行", en="rows"),
    "row_count": Text(zh="行数", en="row count"),
    "published": Text(zh="任务数", en="published"),
    "inputs": Text(zh="测算数", en="inputs"),
    "sums": Text(zh="合计", en="sums"),
    "expr": Text(zh="公式", en="formula"),
    "rounding": Text(zh="取整规则", en="rounding"),
    "rounding_interpretation": Text(zh="取整口径", en="rounding interpretation"),
    "no_task_below": Text(zh="不下达任务的界限", en="no task below"),
    "due": Text(zh="截止日期", en="due"),
    "due_text": Text(zh="原文期限", en="due as printed"),
    "progress": Text(zh="进度值", en="progress"),
    "target_share": Text(zh="目标比例", en="target share"),
    "group_by": Text(zh="分组字段", en="grouped by"),
    "groups": Text(zh="适用组", en="groups"),
    "exclude_groups": Text(zh="除外组", en="groups excluded"),
    "where": Text(zh="计入条件", en="where"),
    "distinct": Text(zh="去重字段", en="distinct"),
    "about": Text(zh="约为", en="about"),
    "tolerance": Text(zh="偏差口径", en="tolerance"),
    "quota": Text(zh="定额表", en="quota"),
    "stated": Text(zh="数值", en="stated"),
    "recount": Text(zh="复核方式", en="recount"),
}


def plain(value: Any) -> Any:
    """``value`` as plain JSON: numbers as numbers, enums as their values, models as dicts."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return plain(dump(mode="json"))
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


def expression(raw: RawExpr | Expr) -> str:
    """An expression as a person reads it (``online_research + offline_research``)."""
    try:
        return parse(raw).render()
    except ValueError:
        return str(raw)


def interpretation_names(pack: Any) -> dict[str, str]:
    """Each interpretation id of ``pack`` without the pack's own prefix.

    Interpretation ids conventionally start with the pack id (``cangnan2022.partial_credit``),
    so next year's pack names the same question ``cangnan2023.partial_credit``: the two are
    matched by the rest of the id.
    """
    prefix = f"{pack.id}."
    return {i.id: i.id.removeprefix(prefix) for i in pack.definition.interpretations}


def normalized(value: Any, names: Names | None) -> Any:
    """``value`` with every interpretation id of ``names`` (a string, or a mapping's key) unprefixed."""
    if not names:
        return value
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, Mapping):
        return {names.get(str(k), str(k)): normalized(v, names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalized(v, names) for v in value]
    return value


def _when(when: Mapping[str, Any] | None, names: Names | None = None) -> str:
    if not when:
        return ""
    parts = []
    for key, wanted in sorted(normalized(dict(when), names).items()):
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        parts.append(f"{key}={'|'.join(values)}")
    return " @" + ",".join(parts)


def condition_key(cond: Condition, names: Names | None = None) -> str:
    """What a condition measures (and under which reading): how conditions are matched.

    The reading names each interpretation without the pack's prefix (see
    :func:`interpretation_names`), so that the same condition matches across two years.
    """
    measure = cond.field if cond.field is not None else expression(cond.value or "")
    return f"{measure}{_when(cond.when, names)}"


def conditions_view(
    prefix: str, conditions: Iterable[Condition], names: Names | None = None
) -> tuple[View, dict[str, Text]]:
    """The conditions of a rule, keyed by what they measure; and a label per key."""
    view: View = {}
    labels: dict[str, Text] = {}
    seen: dict[str, int] = {}
    for cond in conditions:
        key = condition_key(cond, names)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key} #{seen[key]}"
        base = f"{prefix}[{key}]"
        labels[base] = cond.label
        if cond.field is not None:
            view[f"{base}.equals"] = cond.equals
        for name in ("at_least", "at_most"):
            bound = getattr(cond, name)
            if bound is not None:
                view[f"{base}.{name}"] = plain(bound)
        view[f"{base}.applies_to"] = filter_json(cond.applies_to)
        view[f"{base}.when"] = plain(cond.when)
    return view, labels


#: a key of a condition in a view: ``conditions[<measure>[ @<reading>][ #n]].<part>``
_CONDITION_KEY: Final = re.compile(r"^((conditions|triggers)\[(.+)\])\.([a-z_]+)$")


def _measure(inner: str) -> str:
    return inner.split(" @", 1)[0].split(" #", 1)[0]


def measure_of(key: str) -> str | None:
    """What the condition of ``key`` measures, as rendered (``None`` for a rule's own key)."""
    found = _CONDITION_KEY.match(key)
    return _measure(found[3]) if found else None


def head_of(key: str, labels: Mapping[str, Text]) -> Text | None:
    """The label of the condition ``key`` is a part of (``None`` for a rule's own key)."""
    found = _CONDITION_KEY.match(key)
    return labels.get(found[1]) if found else None


def align_conditions(a: View, b: View) -> View:
    """``b`` with each condition that ``a`` states under another reading renamed to ``a``'s key.

    A condition is keyed by what it measures and under which reading (its ``when``), so
    dropping its ``when`` gives it another key.  A condition of ``b`` whose key ``a``
    lacks, measuring what a condition of ``a`` (whose key ``b`` lacks) measures, is the
    same condition: it takes ``a``'s key (in order, when several measure the same), and
    the difference shows as its ``when``.
    """

    def bases(view: View) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for key in view:
            found = _CONDITION_KEY.match(key)
            if found:
                out.setdefault(found[1], (found[2], _measure(found[3])))
        return out

    bases_a, bases_b = bases(a), bases(b)
    left = [base for base in bases_a if base not in bases_b]
    renamed: dict[str, str] = {}
    for base, measured in bases_b.items():
        if base in bases_a:
            continue
        pair = next((x for x in left if bases_a[x] == measured), None)
        if pair is not None:
            left.remove(pair)
            renamed[base] = pair
    if not renamed:
        return b
    out: View = {}
    for key, value in b.items():
        found = _CONDITION_KEY.match(key)
        if found and found[1] in renamed:
            key = f"{renamed[found[1]]}.{found[4]}"
        out[key] = value
    return out


def item_view(item: Any, names: Names | None = None) -> tuple[View, dict[str, Text]]:
    view: View = {
        "kind": item.kind,
        "points": plain(item.points),
        "applies_to": filter_json(item.applies_to),
        "when": plain(item.when),
    }
    labels: dict[str, Text] = {}
    kind = item.kind
    if kind == "threshold":
        view["partial"] = item.partial
        more, labels = conditions_view("conditions", item.conditions, names)
        view.update(more)
    elif kind == "ratio":
        view.update(
            numerator=expression(item.numerator),
            denominator=expression(item.denominator),
            at_least=plain(item.at_least),
            partial=item.partial,
        )
    elif kind == "adjustment":
        view.update(
            value=expression(item.value),
            pivot=plain(item.pivot),
            base=plain(item.base),
            step=plain(item.step),
            per=plain(item.per),
            value_min=plain(item.value_min),
            fraction=item.fraction,
            floor=item.floor,
        )
    elif kind == "timeliness":
        view.update(field=item.field, late=item.late)
    elif kind == "bonus":
        view.update(field=item.field, points_interpretation=item.points_interpretation)
    return view, labels


def rubric_view(rubric: Any) -> View:
    return {
        "declared_total": plain(rubric.declared_total),
        "collection": rubric.collection,
        "applies_to": filter_json(rubric.applies_to),
        "items": [i.id for i in rubric.items],
        "item_points": [[i.id, plain(i.points)] for i in rubric.items],
        "cap_at_declared": rubric.cap_at_declared,
        "points_places": rubric.points_places,
        "points_rounding": plain(rubric.points_rounding),
    }


def grades_view(grades: Any) -> View:
    view: View = {
        "grades": [g.id for g in grades.grades],
        "interpretation": grades.interpretation,
        "basis": grades.basis,
    }
    for key, minimums in grades.bands.items():
        view[f"bands[{key}]"] = plain(minimums)
    return view


def veto_view(veto: Any, names: Names | None = None) -> tuple[View, dict[str, Text]]:
    view: View = {"cap": veto.cap, "when": plain(veto.when)}
    more, labels = conditions_view("triggers", veto.triggers, names)
    view.update(more)
    return view, labels


def interpretation_view(interp: Any) -> View:
    return {
        "kind": interp.kind,
        "default": interp.default,
        "alternatives": interp.values,
        "minimum": plain(interp.minimum),
        "maximum": plain(interp.maximum),
    }


def table_view(table: Any) -> View:
    view: View = {"columns": [c.name for c in table.columns], "row_count": len(table.rows)}
    for n, row in enumerate(table.rows):
        view[f"rows[{n + 1}]"] = plain(row)
    return view


def quota_view(table: Any) -> View:
    view: View = {"when": plain(table.when)}
    for row in table.rows:
        key = f"{row.parent}/{row.region}" if row.parent else row.region
        view[f"rows[{key}].published"] = row.published if row.printed is None else row.printed
        if row.inputs:
            view[f"rows[{key}].inputs"] = plain(row.inputs)
    for printed in table.sums:
        view[f"sums[{printed.parent or '合计'}.{printed.column}]"] = plain(printed.value)
    formula = table.formula
    if formula is not None:
        view.update(
            expr=expression(formula.expr),
            rounding=plain(formula.rounding),
            rounding_interpretation=formula.rounding_interpretation,
            no_task_below=plain(formula.no_task_below),
        )
    return view


def milestone_view(milestone: Any) -> View:
    return {
        "due": milestone.due.isoformat() if milestone.due is not None else milestone.month,
        "due_text": milestone.due_text,
        "progress": plain(milestone.progress),
        "target_share": plain(milestone.target_share),
    }


def group_view(group: Any) -> View:
    keys = (
        "kind",
        "collection",
        "group_by",
        "groups",
        "exclude_groups",
        "where",
        "base",
        "distinct",
        "at_least",
        "at_most",
        "about",
        "tolerance",
        "quota",
        "when",
    )
    return {key: plain(getattr(group, key)) for key in keys}


def figure_view(figure: Any) -> View:
    return {"stated": plain(figure.stated), "recount": plain(figure.recount)}


def name_of(key: str, labels: Mapping[str, Text]) -> Text:
    """A key of a view for a person: ``同步课堂节数 下限`` for ``conditions[sync_lessons].at_least``."""
    if key in labels:
        return labels[key]
    head, dot, leaf = key.rpartition(".") if "]." in key else ("", "", key)
    if dot and head in labels:
        name = NAMES.get(leaf, Text(zh=leaf, en=leaf))
        return Text(zh=f"{labels[head].zh} {name.zh}", en=f"{labels[head].en}: {name.en}")
    bare = key.split("[", 1)[0]
    name = NAMES.get(bare, Text(zh=bare, en=bare))
    if "[" in key:
        inner = key[len(bare) :]
        return Text(zh=f"{name.zh}{inner}", en=f"{name.en}{inner}")
    return name


def compare_views(
    a: View,
    b: View,
    labels: Mapping[str, Text] | None = None,
    names: tuple[Names, Names] | None = None,
) -> list[dict[str, Any]]:
    """The keys whose values differ (a key one view lacks is ``None`` there), in order.

    :param names: the interpretation ids of each pack without its prefix
        (:func:`interpretation_names`): values naming the same interpretation are equal.
    """
    labels = labels or {}
    names_a, names_b = names or ({}, {})
    b = align_conditions(a, b)
    out = []
    for key in dict.fromkeys([*a, *b]):
        old, new = a.get(key), b.get(key)
        if normalized(old, names_a) == normalized(new, names_b):
            continue
        out.append({"field": key, "label": name_of(key, labels).model_dump(), "a": old, "b": new})
    return out
