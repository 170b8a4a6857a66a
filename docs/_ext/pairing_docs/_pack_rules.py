"""The rules of a pack on its reference page: rubrics, requirements, quotas, time and lists.

Each function renders one part of :func:`._packs.render_pack` from the pack's
definition (and, for conditions, from :meth:`pairing_rules.Pack.provisions`,
which renders their expressions).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pairing_rules as pr
from pairing_rules import Pack, PackDefinition, Provision

from ._md import (
    BR,
    NONE,
    SOURCE,
    bi,
    bi_inline,
    cite,
    code,
    esc,
    fields,
    filter_text,
    heading,
    source_cell,
    table,
    value,
    when_text,
)

# ------------------------------------------------------------------------------ rubrics


def condition_rule(data: Mapping[str, Any]) -> str:
    """A condition as :meth:`Pack.provisions` records it, e.g. ``sync_lessons ≥ 20``."""
    if "field" in data:
        text = f"{code(data['field'])} = {'是 / *yes*' if data.get('equals') else '否 / *no*'}"
    else:
        bounds = []
        if data.get("at_least") is not None:
            bounds.append(f"≥ {esc(data['at_least'])}")
        if data.get("at_most") is not None:
            bounds.append(f"≤ {esc(data['at_most'])}")
        text = f"{code(data['value'])} {' 且 '.join(bounds)}"
    if data.get("applies_to"):
        text += f"（适用 / *applies to*：{filter_text(data['applies_to'])}）"
    if data.get("when"):
        text += f"（口径 / *when*：{when_text(data['when'])}）"
    return text


def _conditions(labels: Sequence[pr.Text], values: Sequence[Mapping[str, Any]]) -> str:
    return BR.join(
        f"{bi_inline(label)}：{condition_rule(data)}"
        for label, data in zip(labels, values, strict=True)
    )


def _item_rule(rubric_id: str, item: Any, provisions: Mapping[str, Provision]) -> str:
    base = f"rubric.{rubric_id}.{item.id}"
    lines: list[str] = []
    if item.kind in ("threshold", "ratio"):
        conds = item.all_conditions()
        values = [provisions[f"{base}.condition{n}"].value for n in range(1, len(conds) + 1)]
        lines.append(_conditions([c.label for c in conds], values))
        if item.partial:
            lines.append(f"未达标时 / *below the threshold*：{code(item.partial)}")
    elif item.kind == "adjustment":
        shown = item.value if isinstance(item.value, str) else esc(item.value)
        lines.append(
            f"{code(shown)} = {esc(item.pivot)} → {esc(item.base)}；"
            f"每 / *per* ±{esc(item.per)} → ±{esc(item.step)}；"
            f"最高 / *at most* {esc(item.points)}"
        )
        if item.fraction:
            lines.append(f"非整数 / *fractions*：{code(item.fraction)}")
        if item.floor:
            lines.append(f"下限 / *floor*：{code(item.floor)}")
    elif item.kind == "timeliness":
        lines.append(f"{code(item.field)} = 是 / *yes* → {esc(item.points)}")
        if item.late:
            lines.append(f"未按时 / *late*：{code(item.late)}")
    elif item.kind == "bonus":
        lines.append(f"{code(item.field)} = 是 / *yes* → +{esc(item.points)}（加分项 / *bonus*）")
        if item.points_interpretation:
            lines.append(f"分值 / *points*：{code(item.points_interpretation)}")
    if item.applies_to:
        lines.append(f"适用 / *applies to*：{filter_text(item.applies_to)}")
    if item.when:
        lines.append(f"口径 / *when*：{when_text(item.when)}")
    return BR.join(lines)


def rubrics(pack: Pack, provisions: Mapping[str, Provision]) -> str:
    d = pack.definition
    if not d.rubrics:
        return ""
    interps = {i.id: i for i in d.interpretations}
    out = [heading(f"pack-{pack.id}-rubrics", 2, f"考核细则 / Rubrics（{len(d.rubrics)}）")]
    for rubric in d.rubrics:
        out += [
            f"### {esc(rubric.label.zh)} · {code(rubric.id)}",
            "",
            fields(
                [
                    ("细则 / *rubric*", bi(rubric.label)),
                    ("数据集 / *collection*", code(rubric.collection)),
                    ("适用 / *applies to*", filter_text(rubric.applies_to)),
                    ("文件所列总分 / *declared total*", esc(rubric.declared_total)),
                    ("各项分值之和 / *items add up to*", esc(rubric.items_maximum())),
                    (
                        "得分取舍 / *points rounding*",
                        f"{rubric.points_places} 位小数 / *places*，{code(rubric.points_rounding.value)}",
                    ),
                    ("总分以文件总分封顶 / *capped at the total*", value(rubric.cap_at_declared)),
                    ("出处 / *source*", cite(rubric.source)),
                ]
            ),
            "",
            "#### 考核项目 / Items",
            "",
            table(
                ["项目 / *item*", "分值 / *points*", "规则 / *rule*", SOURCE],
                [
                    [
                        f"{bi(item.label)}{BR}{code(item.id)}（{code(item.kind)}）",
                        esc(item.points),
                        _item_rule(rubric.id, item, provisions),
                        source_cell(item.source),
                    ]
                    for item in rubric.items
                ],
            ),
            "",
            "#### 等次 / Grades",
            "",
        ]
        grades = rubric.grades
        default_key = interps[grades.interpretation].default if grades.interpretation else None
        header = ["分数线 / *bands*"]
        header += [f"{bi_inline(g.label)} ≥" for g in grades.grades[:-1]]
        header.append(bi_inline(grades.grades[-1].label))
        rows = []
        for key, minimums in grades.bands.items():
            shown = code(key) + ("（默认 / *default*）" if key == default_key else "")
            rows.append([shown, *(esc(m) for m in minimums), f"< {esc(minimums[-1])}"])
        out.append(table(header, rows))
        notes = [f"出处 / *source*：{cite(grades.source)}"]
        if grades.interpretation:
            notes.append(f"分数线口径 / *bands chosen by*：{code(grades.interpretation)}")
        if grades.basis:
            notes.append(f"比较的分数 / *basis chosen by*：{code(grades.basis)}")
        out += ["", *(f"- {n}" for n in notes), ""]
        if rubric.vetoes:
            grade_labels = {g.id: g.label for g in grades.grades}
            out += ["#### 否决 / Vetoes", ""]
            rows = []
            for veto in rubric.vetoes:
                data = provisions[f"rubric.{rubric.id}.veto.{veto.id}"].value
                triggers = _conditions([t.label for t in veto.triggers], data["triggers"])
                rows.append(
                    [
                        code(veto.id),
                        bi(veto.label),
                        f"{bi_inline(grade_labels[veto.cap])}",
                        triggers,
                        when_text(veto.when),
                        source_cell(veto.source),
                    ]
                )
            out.append(
                table(
                    [
                        "编号 / *id*",
                        "否决 / *veto*",
                        "最高等次 / *at best*",
                        "触发条件 / *triggers*",
                        "口径 / *when*",
                        SOURCE,
                    ],
                    rows,
                )
            )
            out.append("")
    return "\n".join(out).rstrip()


# -------------------------------------------------------------------------- requirements


def requirements(pack: Pack, provisions: Mapping[str, Provision]) -> str:
    d = pack.definition
    if not d.requirements:
        return ""
    out = [
        heading(f"pack-{pack.id}-requirements", 2, f"要求 / Requirements（{len(d.requirements)}）")
    ]
    out.append(
        "`pairing-rules check` 对每条适用的记录逐条检查：达标、未达标、不适用，"
        "或数量达标但缺少佐证（需补充佐证）。"
        " / *`check` holds every applicable record to each requirement: met, unmet, not "
        "applicable, or needs evidence (the numbers are met, the proof is missing).*"
    )
    for req in d.requirements:
        base = f"requirement.{req.id}"
        out += [
            "",
            f"### {esc(req.label.zh)} · {code(req.id)}",
            "",
            fields(
                [
                    ("要求 / *requirement*", bi(req.label)),
                    ("数据集 / *collection*", code(req.collection)),
                    ("适用 / *applies to*", filter_text(req.applies_to)),
                    ("口径 / *when*", when_text(req.when)),
                    ("出处 / *source*", cite(req.source)),
                ]
            ),
            "",
            table(
                ["条件 / *condition*", "规则 / *rule*", SOURCE],
                [
                    [
                        bi(cond.label),
                        condition_rule(provisions[f"{base}.condition{n}"].value),
                        source_cell(cond.source),
                    ]
                    for n, cond in enumerate(req.conditions, start=1)
                ],
            ),
        ]
        if req.evidence:
            out += [
                "",
                "佐证 / *Evidence*:",
                "",
                table(
                    ["字段 / *field*", "佐证 / *evidence*", SOURCE],
                    [[code(ev.field), bi(ev.label), source_cell(ev.source)] for ev in req.evidence],
                ),
            ]
    return "\n".join(out)


def _group_rule(group: pr.GroupRequirement) -> str:
    lines = [f"数据集 / *collection*：{code(group.collection)}"]
    if group.group_by:
        lines.append(f"分组 / *grouped by*：{code(group.group_by)}")
    if group.groups is not None:
        lines.append(f"只含 / *only*：{'、'.join(esc(g) for g in group.groups)}")
    if group.exclude_groups is not None:
        lines.append(f"不含 / *except*：{'、'.join(esc(g) for g in group.exclude_groups)}")
    if group.where:
        lines.append(f"计数 / *counting*：{filter_text(group.where)}")
    if group.base:
        lines.append(f"基数 / *out of*：{filter_text(group.base)}")
    if group.distinct:
        lines.append(f"不重复 / *distinct*：{'、'.join(code(f) for f in group.distinct)}")
    if group.at_least is not None:
        lines.append(f"≥ {esc(group.at_least)}")
    if group.at_most is not None:
        lines.append(f"≤ {esc(group.at_most)}")
    if group.about is not None:
        lines.append(f"≈ {esc(group.about)} ± {code(group.tolerance)}")
    if group.quota:
        lines.append(f"≥ 定额表 / *quota table* {code(group.quota)}")
    if group.when:
        lines.append(f"口径 / *when*：{when_text(group.when)}")
    return BR.join(lines)


def groups(d: PackDefinition) -> str:
    if not d.group_requirements:
        return ""
    rows = [
        [code(g.id), code(g.kind), bi(g.label), _group_rule(g), source_cell(g.source)]
        for g in d.group_requirements
    ]
    return "\n".join(
        [
            heading(f"pack-{d.id}-groups", 2, f"组要求 / Group requirements（{len(rows)}）"),
            "对一组记录（如一个市的结对、一个县的教共体）的要求：占比（share）、不重复学校数"
            "（count_distinct）或只报告的比率（rate）。"
            " / *Rules on groups of records: a share, a count of distinct schools, or a rate "
            "reported without a target.*",
            "",
            table(
                [
                    "编号 / *id*",
                    "类型 / *kind*",
                    "要求 / *requirement*",
                    "规则 / *rule*",
                    SOURCE,
                ],
                rows,
            ),
        ]
    )


# -------------------------------------------------------------------------------- quotas


def quotas(pack: Pack, provisions: Mapping[str, Provision]) -> str:
    d = pack.definition
    if not d.quotas:
        return ""
    out = [heading(f"pack-{pack.id}-quotas", 2, f"定额表 / Quota tables（{len(d.quotas)}）")]
    for spec in d.quotas:
        report = pr.quota(pack, table=spec.id)
        rows_meta = [
            ("定额表 / *table*", bi(spec.label)),
            ("单位 / *unit*", bi(spec.unit)),
            ("行数 / *rows*", str(len(spec.rows))),
            ("各行合计 / *rows add up to*", str(spec.total())),
            ("出处 / *source*", cite(spec.source)),
        ]
        if spec.when:
            rows_meta.append(("口径 / *when*", when_text(spec.when)))
        out += ["", f"### {esc(spec.label.zh)} · {code(spec.id)}", "", fields(rows_meta)]
        formula = spec.formula
        if formula is not None:
            expr = provisions[f"quota.{spec.id}.formula"].value["expr"]
            rule = (
                code(formula.rounding.value)
                if formula.rounding is not None
                else f"口径 / *interpretation* {code(formula.rounding_interpretation)}"
            )
            out += [
                "",
                "#### 公式 / Formula",
                "",
                fields(
                    [
                        ("公式 / *formula*", bi(formula.label)),
                        ("计算式 / *expression*", code(expr)),
                        ("取整 / *rounding*", rule),
                        ("低于此值为无任务 / *no task below*", esc(formula.no_task_below)),
                        ("出处 / *source*", cite(formula.source)),
                    ]
                ),
                "",
                f"逐行核算见 `pairing-rules quota {pack.id} --table {spec.id} --audit`，"
                "不一致之处列在下面的审计结果中。"
                f" / *Row by row: `pairing-rules quota {pack.id} --table {spec.id} --audit`; "
                "the rows that depart from the formula are among the audit findings below.*",
            ]
        out += ["", "#### 各行 / Rows", "", _quota_rows(spec)]
        if report.sums:
            sums = [
                [
                    esc(s["parent"] or "合计 / total"),
                    code(s["column"]),
                    esc(s["printed"]),
                    esc(s["rows_sum"]),
                    "✓" if s["matches"] else "✗",
                    source_cell(printed.source),
                ]
                for s, printed in zip(report.sums, spec.sums, strict=True)
            ]
            out += [
                "",
                "#### 印刷的合计 / Printed sums",
                "",
                table(
                    [
                        "组 / *group*",
                        "列 / *column*",
                        "印刷值 / *printed*",
                        "各行之和 / *rows add up to*",
                        "一致 / *matches*",
                        SOURCE,
                    ],
                    sums,
                ),
            ]
    return "\n".join(out)


def _quota_rows(spec: pr.QuotaTable) -> str:
    inputs: list[str] = []
    for row in spec.rows:
        inputs += [k for k in row.inputs if k not in inputs]
    has_parent = any(row.parent for row in spec.rows)
    has_source = any(row.source for row in spec.rows)
    header = []
    if has_parent:
        header.append(bi_inline(spec.parent_label) if spec.parent_label else "上级 / *parent*")
    header += [bi_inline(spec.region_label), "任务数 / *published*", *(code(k) for k in inputs)]
    if has_source:
        header.append(SOURCE)
    rows = []
    for row in spec.rows:
        published = row.printed if row.published is None and row.printed else row.published
        cells = [esc(row.parent or NONE)] if has_parent else []
        cells += [esc(row.region), value(published)]
        cells += [value(str(row.inputs[k])) if k in row.inputs else NONE for k in inputs]
        if has_source:
            cells.append(source_cell(row.source))
        rows.append(cells)
    return table(header, rows)


# ------------------------------------------------------------------------ time and lists


def progress(d: PackDefinition) -> str:
    spec = d.progress
    if spec is None:
        return ""
    return "\n".join(
        [
            heading(f"pack-{d.id}-progress", 2, "进度 / Progress"),
            fields(
                [
                    ("进度 / *progress*", bi(spec.label)),
                    ("数据集 / *collection*", code(spec.collection)),
                    (
                        "完成的标准 / *done when met*",
                        "、".join(code(r) for r in spec.requirements),
                    ),
                    ("计入的记录 / *counted records*", filter_text(spec.applies_to)),
                    ("核验日期字段 / *verified on*", code(spec.verified_field or NONE)),
                    ("出处 / *source*", cite(spec.source)),
                ]
            ),
        ]
    )


def milestones(pack: Pack) -> str:
    d = pack.definition
    if not d.milestones:
        return ""
    choices = pack.choices()
    # the optional columns only where some milestone has a value
    optional: list[tuple[str, Callable[[pr.Milestone], object]]] = [
        ("进度值 / *progress*", lambda m: m.progress),
        ("目标占比 / *target share*", lambda m: m.target_share),
        ("责任 / *responsible*", lambda m: m.responsible),
    ]
    shown = [
        (title, get) for title, get in optional if any(get(m) is not None for m in d.milestones)
    ]
    rows = []
    for m in d.milestones:
        due = m.due_date(choices).isoformat()
        if m.due is None:
            due += f"（{esc(m.month)}）"
        cells = [f"{bi(m.label)}{BR}{code(m.id)}", due, value(m.due_text)]
        cells += [value(None if get(m) is None else str(get(m))) for _title, get in shown]
        cells.append(source_cell(m.source))
        rows.append(cells)
    header = ["节点 / *milestone*", "截止 / *due*", "原文时间 / *as printed*"]
    header += [title for title, _get in shown]
    header.append(SOURCE)
    return "\n".join(
        [
            heading(f"pack-{pack.id}-milestones", 2, f"时间节点 / Milestones（{len(rows)}）"),
            "只写月份的节点按口径 `milestones.month_due` 的默认值取日期。"
            " / *A milestone given as a month is dated by the default of "
            "`milestones.month_due`.*",
            "",
            table(header, rows),
        ]
    )


def tables(d: PackDefinition) -> str:
    if not d.tables:
        return ""
    out = [heading(f"pack-{d.id}-tables", 2, f"参考表 / Reference tables（{len(d.tables)}）")]
    for ref in d.tables:
        out += ["", f"### {esc(ref.label.zh)} · {code(ref.id)}", ""]
        out.append(f"{bi_inline(ref.label)}。出处 / *source*：{cite(ref.source)}")
        out += [f"- {bi_inline(note)}" for note in ref.notes]
        out += [
            "",
            table(
                [bi_inline(c.label) for c in ref.columns],
                [[value(row.get(c.name)) for c in ref.columns] for row in ref.rows],
            ),
        ]
    return "\n".join(out)


def _recount_text(recount: pr.Recount) -> str:
    text = f"{code(recount.table)}"
    if recount.where:
        text += f"，{filter_text(recount.where)}"
    if recount.distinct:
        text += f"，不重复 / *distinct* {'、'.join(code(c) for c in recount.distinct)}"
    elif recount.sum:
        text += f"，求和 / *sum of* {code(recount.sum)}"
    elif recount.union:
        parts = [
            f"{'、'.join(code(c) for c in part.columns)}（{filter_text(part.where)}）"
            for part in recount.union
        ]
        text += f"，合并不重复 / *distinct across* {' ∪ '.join(parts)}"
    else:
        text += "，行数 / *rows*"
    return text


def figures(d: PackDefinition) -> str:
    if not d.figures:
        return ""
    rows = [
        [
            code(f.id),
            bi(f.label),
            esc(f.stated),
            _recount_text(f.recount),
            bi(f.note) if f.note else NONE,
            source_cell(f.source),
        ]
        for f in d.figures
    ]
    return "\n".join(
        [
            heading(f"pack-{d.id}-figures", 2, f"文件表述的数字 / Stated figures（{len(rows)}）"),
            "文件对自身名单表述的数字，以及按参考表复核的方法；不一致时列入审计结果。"
            " / *Numbers the text states about its own lists and how they are recounted; a "
            "difference is an audit finding.*",
            "",
            table(
                [
                    "编号 / *id*",
                    "表述 / *figure*",
                    "文件数字 / *stated*",
                    "复核 / *recount*",
                    "说明 / *note*",
                    SOURCE,
                ],
                rows,
            ),
        ]
    )


def conflicts(d: PackDefinition) -> str:
    if not d.conflicts:
        return ""
    rows = [
        [
            code(c.id),
            bi(c.label),
            bi(c.message),
            f"{value(c.a.value)}{BR}{cite(c.a.source)}",
            f"{value(c.b.value)}{BR}{cite(c.b.source)}",
            code(c.interpretation) if c.interpretation else NONE,
        ]
        for c in d.conflicts
    ]
    return "\n".join(
        [
            heading(
                f"pack-{d.id}-conflicts", 2, f"条款冲突 / Conflicting provisions（{len(rows)}）"
            ),
            table(
                [
                    "编号 / *id*",
                    "冲突 / *conflict*",
                    "说明 / *message*",
                    "甲方表述 / *one passage*",
                    "乙方表述 / *the other*",
                    "口径 / *interpretation*",
                ],
                rows,
            ),
        ]
    )
