"""Lint: names that do not exist, and interpretations that are misspelt or unused.

- collections, fields (in filters, conditions, expressions, evidence, groups,
  progress, hook fields), operators, filter values (community types, scopes),
  tables, quotas and requirements a rule refers to;
- ``when:`` values and ``--set`` overrides that are not among an
  interpretation's alternatives (``sync_onyl`` → did you mean ``sync_only``?);
- interpretations no rule uses; alternatives the rule using them does not
  know (a ``partial:`` interpretation offering ``proportinal``); grade bands
  whose keys differ from their interpretation's alternatives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from ._expr import OPERATORS, Expr, ExprError, RawExpr, parse
from ._fields import enum_of, field_kind
from ._i18n import Text
from ._items import MISSING_MODES
from ._lint import LintContext, LintIssue, choices_hint, did_you_mean, model_walk
from ._lint_load import in_rules
from ._lint_messages import shown
from ._lint_sites import condition_sites
from ._models import Record
from ._numbers import Rounding
from ._yamlpos import Path

#: the values each kind of rule knows, by the key that names the interpretation
MODES: Final[dict[str, tuple[str, ...]]] = {
    "partial": ("all_or_nothing", "proportional"),
    "fraction": ("whole", "exact", "half_up", "floor"),
    "floor": ("zero", "none"),
    "late": ("zero", "half"),
    "basis": ("raw", "scaled"),
    "rounding_interpretation": tuple(r.value for r in Rounding),
    "month_due": ("end", "start"),
    # ``missing`` of an item: the readings of its kind (``missing.threshold`` …)
    **{f"missing.{kind}": modes for kind, modes in MISSING_MODES.items()},
}
#: keys naming an interpretation that must be of kind ``decimal``
DECIMAL_KEYS: Final = ("points_interpretation", "tolerance")


def run(ctx: LintContext, overrides: Mapping[str, str]) -> None:
    collections(ctx)
    fields(ctx)
    references(ctx)
    when_values(ctx)
    unused(ctx)
    modes(ctx)
    bands(ctx)
    check_overrides(ctx, overrides)


# --------------------------------------------------------------------------- collections


def _model(ctx: LintContext, collection: str) -> type[Record] | None:
    return ctx.record_types.get(collection)


def collections(ctx: LintContext) -> None:
    d = ctx.definition
    known = sorted(ctx.record_types)
    named: list[tuple[Path, str]] = [(("collections", n), c) for n, c in enumerate(d.collections)]
    for name in ("rubrics", "requirements", "group_requirements", "hook_fields"):
        for n, entry in enumerate(getattr(d, name)):
            named.append(((name, n, "collection"), entry.collection))
    if d.progress is not None:
        named.append((("progress", "collection"), d.progress.collection))
    for path, collection in named:
        if collection in ctx.record_types:
            continue
        ctx.add(
            "unknown-collection",
            path if ctx.written(path) else path[:-1],
            Text(
                zh=f"未知的数据集 {collection}（规则包自定义的记录类型须在包的 RECORD_TYPES 中给出）",
                en=f"unknown collection {collection} (a pack's own record types are its package's RECORD_TYPES)",
            ),
            hint=choices_hint(collection, known),
        )


# -------------------------------------------------------------------------------- fields


def _field(
    ctx: LintContext,
    collection: str,
    path: Path,
    name: str,
    *,
    key: bool = False,
) -> bool:
    """Whether ``name`` is a field of ``collection``'s record type (a problem if not)."""
    model = _model(ctx, collection)
    if model is None:
        return False  # reported once, as an unknown collection
    if name in model.model_fields:
        return True
    ctx.add(
        "unknown-field",
        path,
        Text(
            zh=f"记录类型 {model.__name__}（{collection}）没有字段 {name}",
            en=f"the record type {model.__name__} ({collection}) has no field {name}",
        ),
        hint=choices_hint(name, model.model_fields),
        key=key,
    )
    return False


def _expr(ctx: LintContext, collection: str, path: Path, raw: RawExpr | Expr) -> Expr | None:
    try:
        expr = parse(raw)
    except ExprError as exc:
        op = next(iter(raw)) if isinstance(raw, dict) and len(raw) == 1 else None
        ctx.add(
            "expression",
            path,
            Text(zh=f"表达式无效：{exc}", en=f"invalid expression: {exc}"),
            hint=did_you_mean(str(op), OPERATORS) if op is not None else None,
        )
        return None
    for name in sorted(expr.fields()):
        _field(ctx, collection, path, name)
    return expr


def _filter(ctx: LintContext, collection: str, path: Path, spec: Mapping[str, Any] | None) -> None:
    """The keys of a filter are fields; its values are values those fields take."""
    model = _model(ctx, collection)
    for name, allowed in (spec or {}).items():
        if not _field(ctx, collection, (*path, name), name, key=True) or model is None:
            continue
        enum = enum_of(model, name)
        kind = field_kind(model, name)
        if not isinstance(allowed, list):
            if kind not in ("int", "decimal"):
                ctx.add(
                    "unknown-value",
                    (*path, name),
                    Text(
                        zh=f"范围筛选（at_least、at_most）只用于数字字段，{name} 不是数字",
                        en=f"a range (at_least, at_most) filters a number; {name} is not one",
                    ),
                )
            continue
        for n, value in enumerate(allowed):
            where = (*path, name, n)
            if enum is not None:
                try:
                    enum(value)
                except ValueError:
                    accepted = [m.value for m in enum]
                    ctx.add(
                        "unknown-value",
                        where,
                        Text(
                            zh=f"字段 {name} 的筛选取值为空；可选：{'、'.join(accepted)}"
                            if value is None
                            else f"字段 {name} 没有取值 {shown(value).zh}；可选：{'、'.join(accepted)}",
                            en=f"a value of the field {name} to filter on is empty; one of: {', '.join(accepted)}"
                            if value is None
                            else f"the field {name} does not take {shown(value).en}; one of: {', '.join(accepted)}",
                        ),
                        hint=did_you_mean(
                            str(value),
                            list(enum.accepted()) if hasattr(enum, "accepted") else accepted,
                        ),
                    )
            elif kind == "bool" and value not in (True, False, None):
                ctx.add(
                    "unknown-value",
                    where,
                    Text(
                        zh=f"是/否字段 {name} 的取值应为 true、false 或 null，实为 {shown(value).zh}",
                        en=f"the yes/no field {name} takes true, false or null, got {shown(value).en}",
                    ),
                )


def fields(ctx: LintContext) -> None:
    d = ctx.definition
    for r, rubric in enumerate(d.rubrics):
        coll = rubric.collection
        _filter(ctx, coll, ("rubrics", r, "applies_to"), rubric.applies_to)
        for i, item in enumerate(rubric.items):
            ipath: Path = ("rubrics", r, "items", i)
            _filter(ctx, coll, (*ipath, "applies_to"), item.applies_to)
            kind = item.kind
            if kind == "ratio":
                _expr(ctx, coll, (*ipath, "numerator"), item.numerator)
                _expr(ctx, coll, (*ipath, "denominator"), item.denominator)
            elif kind == "adjustment":
                _expr(ctx, coll, (*ipath, "value"), item.value)
            elif kind in ("timeliness", "bonus"):
                _field(ctx, coll, (*ipath, "field"), item.field)
    for site in condition_sites(d):
        cond = site.condition
        _filter(ctx, site.collection, (*site.path, "applies_to"), cond.applies_to)
        if cond.field is not None:
            _field(ctx, site.collection, (*site.path, "field"), cond.field)
        if cond.value is not None:
            _expr(ctx, site.collection, (*site.path, "value"), cond.value)
    for q, req in enumerate(d.requirements):
        _filter(ctx, req.collection, ("requirements", q, "applies_to"), req.applies_to)
        for e, ev in enumerate(req.evidence):
            _field(ctx, req.collection, ("requirements", q, "evidence", e, "field"), ev.field)
    for g, group in enumerate(d.group_requirements):
        gpath: Path = ("group_requirements", g)
        _filter(ctx, group.collection, (*gpath, "where"), group.where)
        _filter(ctx, group.collection, (*gpath, "base"), group.base)
        for n, name in enumerate(group.distinct or []):
            _field(ctx, group.collection, (*gpath, "distinct", n), name)
        if group.group_by is not None:
            _field(ctx, group.collection, (*gpath, "group_by"), group.group_by)
    progress = d.progress
    if progress is not None:
        _filter(ctx, progress.collection, ("progress", "applies_to"), progress.applies_to)
        if progress.verified_field is not None:
            _field(
                ctx, progress.collection, ("progress", "verified_field"), progress.verified_field
            )
    for h, hook in enumerate(d.hook_fields):
        for n, name in enumerate(hook.fields):
            _field(ctx, hook.collection, ("hook_fields", h, "fields", n), name)


# ---------------------------------------------------------------------------- references


def _reference(ctx: LintContext, path: Path, kind: Text, name: str, known: Iterable[str]) -> None:
    ctx.add(
        "unknown-reference",
        path,
        Text(zh=f"没有名为 {name} 的{kind.zh}", en=f"no {kind.en} named {name}"),
        hint=choices_hint(name, known),
    )


def references(ctx: LintContext) -> None:
    d = ctx.definition
    tables = {t.id: t for t in d.tables}
    for f, figure in enumerate(d.figures):
        recount = figure.recount
        rpath: Path = ("figures", f, "recount")
        table = tables.get(recount.table)
        if table is None:
            _reference(ctx, (*rpath, "table"), Text(zh="参考表", en="table"), recount.table, tables)
            continue
        columns = {c.name for c in table.columns}
        named: list[tuple[Path, str]] = []
        named += [((*rpath, "where", k), k) for k in recount.where or {}]
        named += [((*rpath, "distinct", n), c) for n, c in enumerate(recount.distinct or [])]
        if recount.sum is not None:
            named.append(((*rpath, "sum"), recount.sum))
        for u, part in enumerate(recount.union or []):
            named += [((*rpath, "union", u, "where", k), k) for k in part.where or {}]
            named += [((*rpath, "union", u, "columns", n), c) for n, c in enumerate(part.columns)]
        for path, column in named:
            if column not in columns:
                label = Text(zh=f"表 {table.id} 的列", en=f"column of table {table.id}")
                _reference(ctx, path, label, column, columns)
    quotas = {q.id for q in d.quotas}
    for g, group in enumerate(d.group_requirements):
        if group.quota is not None and group.quota not in quotas:
            _reference(
                ctx,
                ("group_requirements", g, "quota"),
                Text(zh="定额表", en="quota table"),
                group.quota,
                quotas,
            )
    if d.progress is not None:
        known = {r.id for r in d.requirements}
        for n, name in enumerate(d.progress.requirements):
            if name not in known:
                _reference(
                    ctx,
                    ("progress", "requirements", n),
                    Text(zh="要求", en="requirement"),
                    name,
                    known,
                )


# ------------------------------------------------------------------------ interpretations


def _by_id(ctx: LintContext) -> dict[str, tuple[int, Any]]:
    return {i.id: (n, i) for n, i in enumerate(ctx.definition.interpretations)}


#: keys written like ``when``: ``{interpretation: value or [values]}``
GATES: Final = frozenset({"when", "cap_at_declared", "include_absent"})


def when_values(ctx: LintContext) -> None:
    """Every ``when:`` value (and every gate written like it) is one of its interpretation's
    alternatives."""
    known = _by_id(ctx)
    for path, value in model_walk(ctx.definition):
        if not path or path[-1] not in GATES or not isinstance(value, dict) or not in_rules(path):
            continue
        for interp_id, wanted in value.items():
            found = known.get(interp_id)
            if found is None:
                continue  # undeclared: the definition does not validate
            _index, interp = found
            listed = [wanted] if isinstance(wanted, str) else list(wanted)
            for n, one in enumerate(listed):
                if one in interp.values:
                    continue
                where: Path = (
                    (*path, interp_id) if isinstance(wanted, str) else (*path, interp_id, n)
                )
                ctx.add(
                    "unknown-alternative",
                    where,
                    Text(
                        zh=f"when 的取值 {shown(one).zh} 不是解释口径 {interp_id} 的可选值（{'、'.join(interp.values)}）：这条规则在任何口径下都不会生效",
                        en=f"{shown(one).en} is not an alternative of {interp_id} ({', '.join(interp.values)}): the rule never holds",
                    ),
                    hint=did_you_mean(str(one), interp.values),
                )


def unused(ctx: LintContext) -> None:
    used = ctx.definition.interpretation_ids()
    for n, interp in enumerate(ctx.definition.interpretations):
        if interp.id in used:
            continue
        ctx.add(
            "unused-interpretation",
            ("interpretations", n, "id"),
            Text(
                zh=f"没有任何规则使用解释口径 {interp.id}：在规则中引用它（when、partial 等），或删去它",
                en=f"no rule uses the interpretation {interp.id}: name it in a rule (when, partial …) or remove it",
            ),
        )


def _at(obj: Any, path: Path) -> Any:
    """The part of a validated definition at ``path``."""
    for part in path:
        obj = obj[part] if isinstance(part, int) else getattr(obj, part)
    return obj


def _uses(ctx: LintContext) -> list[tuple[str, str]]:
    """(key, interpretation id) for every rule naming an interpretation by a mode key."""
    out: list[tuple[str, str]] = []
    for path, value in ctx.walk():
        if not path or not isinstance(value, str) or not isinstance(path[-1], str):
            continue
        if not in_rules(path):
            continue
        key = path[-1]
        if key == "missing" and len(path) >= 2:
            key = f"missing.{getattr(_at(ctx.definition, path[:-1]), 'kind', '')}"
        if key in MODES or key in DECIMAL_KEYS:
            if key == "floor" and "items" not in path:
                continue
            if key == "basis" and "grades" not in path:
                continue
            out.append((key, value))
    if any(m.month for m in ctx.definition.milestones):
        out.append(("month_due", "milestones.month_due"))
    return out


def modes(ctx: LintContext) -> None:
    known = _by_id(ctx)
    reported: set[tuple[str, str]] = set()
    for key, interp_id in _uses(ctx):
        found = known.get(interp_id)
        if found is None:
            continue
        index, interp = found
        if key in DECIMAL_KEYS:
            if interp.kind != "decimal" and (interp_id, "kind") not in reported:
                reported.add((interp_id, "kind"))
                ctx.add(
                    "interpretation-kind",
                    ("interpretations", index, "kind")
                    if ctx.written(("interpretations", index, "kind"))
                    else ("interpretations", index, "id"),
                    Text(
                        zh=f"{key} 需要数值型解释口径（kind: decimal），而 {interp_id} 是 {interp.kind}",
                        en=f"{key} needs a decimal interpretation (kind: decimal); {interp_id} is a {interp.kind}",
                    ),
                )
            continue
        allowed = MODES[key]
        for a, alt in enumerate(interp.alternatives):
            if alt.value in allowed or (interp_id, alt.value) in reported:
                continue
            reported.add((interp_id, alt.value))
            ctx.add(
                "unknown-mode",
                ("interpretations", index, "alternatives", a, "value"),
                Text(
                    zh=f"解释口径 {interp_id} 用于 {key}，其可选值 {shown(alt.value).zh} 不是 {key} 能识别的取值（{'、'.join(allowed)}），选它时规则会按其他取值处理",
                    en=f"{interp_id} is used as `{key}`, which does not know {shown(alt.value).en} (only {', '.join(allowed)}); choosing it would silently mean something else",
                ),
                hint=did_you_mean(alt.value, allowed),
            )


def bands(ctx: LintContext) -> None:
    known = _by_id(ctx)
    for r, rubric in enumerate(ctx.definition.rubrics):
        grades = rubric.grades
        path: Path = ("rubrics", r, "grades", "bands")
        if grades.interpretation is None:
            continue
        found = known.get(grades.interpretation)
        if found is None:
            continue
        values = found[1].values
        for value in values:
            if value not in grades.bands:
                ctx.add(
                    "band-keys",
                    path,
                    Text(
                        zh=f"解释口径 {grades.interpretation} 的可选值 {shown(value).zh} 没有对应的等次分数线：选它时评分会出错",
                        en=f"no grade bands for the alternative {shown(value).en} of {grades.interpretation}: scoring under it fails",
                    ),
                )
        for key in grades.bands:
            if key not in values:
                ctx.add(
                    "band-keys",
                    (*path, key),
                    Text(
                        zh=f"等次分数线的键 {shown(key).zh} 不是解释口径 {grades.interpretation} 的可选值，永远不会被用到",
                        en=f"the bands key {shown(key).en} is not an alternative of {grades.interpretation}; it is never used",
                    ),
                    hint=did_you_mean(key, values),
                    key=True,
                )


def check_overrides(ctx: LintContext, overrides: Mapping[str, str]) -> None:
    """``--set ID=VALUE``: the id is declared, the value is an alternative (or a number in range)."""
    known = _by_id(ctx)
    for interp_id, value in overrides.items():
        found = known.get(interp_id)
        if found is None:
            ctx.issues.append(
                LintIssue(
                    code="unknown-override",
                    message=Text(
                        zh=f"--set {interp_id}={value}：没有名为 {interp_id} 的解释口径",
                        en=f"--set {interp_id}={value}: no interpretation named {interp_id}",
                    ),
                    hint=choices_hint(interp_id, known),
                )
            )
            continue
        interp = found[1]
        if interp.kind == "decimal" and _in_range(value, interp.minimum, interp.maximum):
            continue
        if value in interp.values:
            continue
        ctx.issues.append(
            LintIssue(
                code="unknown-alternative",
                message=Text(
                    zh=f"--set {interp_id}={value}：{shown(value).zh} 不是可选值（{'、'.join(interp.values)}）",
                    en=f"--set {interp_id}={value}: {shown(value).en} is not an alternative ({', '.join(interp.values)})",
                ),
                hint=did_you_mean(value, interp.values),
            )
        )


def _in_range(value: str, low: Decimal | None, high: Decimal | None) -> bool:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    if not number.is_finite():
        return False
    return (low is None or number >= low) and (high is None or number <= high)
