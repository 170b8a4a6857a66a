"""The document audit: where a source document disagrees with itself.

The audit never changes a document's numbers; it reports, with the source of
each side, every rubric whose items do not add up to its declared total,
every printed subtotal or total the rows do not reproduce, every row of a
table that departs from the document's own formula, and every stated figure
that its list does not bear out.  Packs add findings of their own through the
``pairing_rules_audit`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._i18n import Lang, Text
from ._interpretations import Choices
from ._numbers import format_number, json_number
from ._provenance import Source
from ._quota import QuotaTable, check_sums, compare_rows
from ._rubric import Rubric
from ._rules import Cited
from ._tables import StatedFigure, Table


class AuditFinding(BaseModel):
    """One inconsistency in a source document.

    :param code: what kind of inconsistency (``rubric_total``, ``printed_sum``,
        ``formula_deviation``, ``stated_figure`` or a pack's own code).
    :param subject: the id of what is inconsistent (a rubric, a table row …).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    subject: str
    message: Text
    observed: Any = None
    expected: Any = None
    #: the passage the finding rests on (``None`` only for a plugin's failed audit)
    source: Source | None
    related: list[Source] = []

    def render(self, lang: Lang = "zh") -> str:
        return f"[{self.code}] {self.subject}: {self.message.get(lang)}"


class ConflictSide(BaseModel):
    """One side of a conflict: what a passage says, and the passage."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: Any
    source: Source


class Conflict(Cited, BaseModel):
    """Two passages of the document that say different things about the same rule.

    Declared by the pack author (a text cannot be compared with another by
    arithmetic); reported by the audit as ``conflicting_provisions``.  Name the
    interpretation that chooses between them, if there is one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    label: Text
    message: Text
    a: ConflictSide
    b: ConflictSide
    interpretation: str | None = None

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield f"{owner}.a", self.a.source
        yield f"{owner}.b", self.b.source

    def interpretation_ids(self) -> set[str]:
        return {self.interpretation} if self.interpretation else set()


def audit_conflict(conflict: Conflict, choices: Choices | None = None) -> AuditFinding:
    """The finding of a declared conflict (naming the interpretation that decides it)."""
    suffix_zh = suffix_en = ""
    if conflict.interpretation:
        if choices is not None and conflict.interpretation in choices:
            note = choices.note(conflict.interpretation)
            suffix_zh, suffix_en = f"（{note.zh}）", f" ({note.en})"
        else:
            suffix_zh = f"（解释口径 {conflict.interpretation}）"
            suffix_en = f" (interpretation {conflict.interpretation})"
    return AuditFinding(
        code="conflicting_provisions",
        subject=conflict.id,
        message=Text(
            zh=f"{conflict.label.zh}：{conflict.message.zh}{suffix_zh}",
            en=f"{conflict.label.en}: {conflict.message.en}{suffix_en}",
        ),
        observed=conflict.b.value,
        expected=conflict.a.value,
        source=conflict.a.source,
        related=[conflict.b.source],
    )


def _num(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return json_number(value)


def audit_rubric(rubric: Rubric) -> list[AuditFinding]:
    """A finding when the items' points do not add up to the declared total."""
    items_sum = rubric.items_maximum()
    if items_sum == rubric.declared_total:
        return []
    points = [format_number(i.points) for i in rubric.items if i.kind != "bonus"]
    total = format_number(items_sum)
    declared = format_number(rubric.declared_total)
    # a sum of one item ("18 = 18") or of none says nothing: name what there is instead
    if not points:
        zh, en = "没有计分项目（加分项不计入总分）", "no item is scored (bonuses do not count)"
    elif len(points) == 1:
        zh, en = f"只有一个计分项目，分值 {total}", f"its only scored item is worth {total}"
    else:
        parts = " + ".join(points)
        zh, en = f"各项分值之和 {parts} = {total}", f"the items add up to {parts} = {total}"
    return [
        AuditFinding(
            code="rubric_total",
            subject=rubric.id,
            message=Text(
                zh=f"{rubric.label.zh}：{zh}，与文件所列总分 {declared} 不符",
                en=f"{rubric.label.en}: {en}, not the declared {declared}",
            ),
            observed=_num(items_sum),
            expected=_num(rubric.declared_total),
            source=rubric.source,
            related=[i.source for i in rubric.items],
        )
    ]


def audit_quota(table: QuotaTable, choices: Choices) -> list[AuditFinding]:
    """Printed sums the rows do not reproduce, and rows that depart from the formula."""
    out: list[AuditFinding] = []
    for check in check_sums(table):
        if check.matches:
            continue
        where = check.parent or "合计"
        where_en = check.parent or "total"
        out.append(
            AuditFinding(
                code="printed_sum",
                subject=f"{table.id}:{where}:{check.column}",
                message=Text(
                    zh=(
                        f"{table.label.zh}「{where}」{check.column} 列印为 {format_number(check.printed)}，"
                        f"各行相加为 {format_number(check.rows_sum)}"
                    ),
                    en=(
                        f"{table.label.en} '{where_en}' column {check.column} prints "
                        f"{format_number(check.printed)}, its rows add up to {format_number(check.rows_sum)}"
                    ),
                ),
                observed=_num(check.rows_sum),
                expected=_num(check.printed),
                source=check.source,
            )
        )
    if table.formula is None:
        return out
    rule = table.formula.rule(choices)
    for row in compare_rows(table, choices):
        if row.deviation == 0:
            continue
        shown_pub = row.printed or ("—" if row.published is None else str(row.published))
        shown_cmp = "无任务" if row.computed is None else str(row.computed)
        shown_cmp_en = "no task" if row.computed is None else str(row.computed)
        exact = format_number(row.exact) if row.exact is not None else "—"
        out.append(
            AuditFinding(
                code="formula_deviation",
                subject=f"{table.id}:{row.parent or ''}:{row.region}",
                message=Text(
                    zh=(
                        f"{row.parent or ''}{row.region}：表列 {shown_pub}，按公式计算 {exact}，"
                        f"{rule.label.zh}后为 {shown_cmp}，相差 {row.deviation:+d}"
                    ),
                    en=(
                        f"{row.parent or ''} {row.region}: the table prints {shown_pub}, the formula gives "
                        f"{exact}, {rule.label.en} {shown_cmp_en}, deviation {row.deviation:+d}"
                    ),
                ),
                observed=row.published,
                expected=row.computed,
                source=table.formula.source,
                related=[table.source],
            )
        )
    return out


def audit_figure(figure: StatedFigure, tables: dict[str, Table]) -> list[AuditFinding]:
    """A finding when a stated figure differs from its recount."""
    table = tables.get(figure.recount.table)
    if table is None:
        raise ValueError(f"figure {figure.id}: unknown table {figure.recount.table!r}")
    observed = figure.recount.evaluate(table)
    if observed == figure.stated:
        return []
    return [
        AuditFinding(
            code="stated_figure",
            subject=figure.id,
            message=Text(
                zh=(
                    f"{figure.label.zh}：文件表述为 {format_number(figure.stated)}，"
                    f"按{table.label.zh}统计为 {format_number(observed)}"
                ),
                en=(
                    f"{figure.label.en}: the text states {format_number(figure.stated)}, "
                    f"{table.label.en} gives {format_number(observed)}"
                ),
            ),
            observed=_num(observed),
            expected=_num(figure.stated),
            source=figure.source,
            related=[table.source],
        )
    ]


def sort_findings(findings: Iterable[AuditFinding]) -> list[AuditFinding]:
    """Findings in a stable order: by code, then subject."""
    return sorted(findings, key=lambda f: (f.code, f.subject))
