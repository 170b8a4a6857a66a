"""``pairing-rules score`` on a terminal: a table of names, points and grades, summaries,
and every item's points for a few records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from .._numbers import format_number
from .._words import vocabulary
from ..io._score_rows import (
    ReportOptions,
    ScoreRow,
    ScoreSummary,
    ordered,
    ranks,
    row_of,
    rubric_name,
    veto_lines,
)
from ._render import console, interpretation_lines, pack_line

if TYPE_CHECKING:
    from .._dataset import Rejection
    from .._scoring import Explanation, Scorer

#: beyond this many results the text output lists them without their items
DETAIL_LIMIT: Final = 50


def item_lines(explained: Explanation, lang: str) -> list[str]:
    """Each item of a record's score sheet: ``开展线上教学活动：30 / 30 分 — 全部达标``."""
    zh = lang == "zh"
    sheet = explained.sheet()
    out = []
    for item in sheet.items:
        label = item.label.get("zh" if zh else "en")
        reason = item.reason.get("zh" if zh else "en")
        if not item.applicable:
            shown = "不适用" if zh else "n/a"
        elif item.bonus:
            shown = (
                f"加分 {format_number(item.points)}"
                if zh
                else f"bonus {format_number(item.points)}"
            )
        else:
            shown = f"{format_number(item.points)} / {format_number(item.max)}"
        out.append(f"{label}：{shown} — {reason}" if zh else f"{label}: {shown} — {reason}")
    return out


class ScoreTextSink:
    """Scores for a person, gathered as records are scored and printed at the end.

    A table of every record (its name, rubric, points and grade; ranked with
    ``--sort total``), the summary per rubric (and per group with ``--by``), and
    every item for up to :data:`DETAIL_LIMIT` records.  With ``--out`` only the
    summaries: the report file holds the rest.
    """

    def __init__(self, scorer: Scorer, options: ReportOptions, out: str | None) -> None:
        self.scorer = scorer
        self.options = options
        self.out = out
        self.count = 0
        self.summary = ScoreSummary(scorer.plans)
        self.rows: list[ScoreRow] = []
        self.details: dict[int, Explanation] = {}
        #: records scored although their year is outside the pack's period (``--outside-period``)
        self.outside = 0

    rows_wanted = True

    def add(self, explained: Explanation, row: ScoreRow | None = None) -> None:
        if row is None:
            row = row_of(explained, self.count, self.options)
        self.count += 1
        self.summary.add(row)
        plan = explained.plan
        if plan.period is not None and self.scorer.outside_period:
            from .._interpret_values import period_of

            self.outside += period_of(plan.period)(explained.record) == "outside"
        if self.out is not None:
            return
        self.rows.append(row)
        if len(self.details) <= DETAIL_LIMIT:
            self.details[row.position] = explained

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Any]) -> None:
        from ._rich import SafeTable as Table

        options = self.options
        lang = options.lang
        zh = lang == "zh"
        pack = self.scorer.pack
        out = console()
        out.print(
            f"{pack.definition.label.get(lang)} · {'评分结果' if zh else 'scores'}", style="bold"
        )
        out.print(pack_line(pack, lang), style="dim")
        if self.out is None:
            rows = ordered(self.rows, options.order, self.scorer.plans)
            ranked = options.order == "total"
            table = Table(title="评分结果" if zh else "Scores")
            heads = [
                *((("名次", "rank"),) if ranked else ()),
                ("编号", "id"),
                ("名称", "name"),
                *(((_by_label(self, lang), _by_label(self, lang)),) if options.by else ()),
                ("考核细则", "rubric"),
                ("得分", "total"),
                ("可得分", "reachable"),
                ("满分", "full marks"),
                ("等次", "grade"),
            ]
            for zh_head, en_head in heads:
                justify = "right" if zh_head in ("名次", "得分", "可得分", "满分") else "left"
                table.add_column(zh_head if zh else en_head, justify=justify)
            places = ranks(rows) if ranked else []
            for n, row in enumerate(rows):
                cells = [
                    *((str(places[n]),) if ranked else ()),
                    row.id,
                    row.name or "—",
                    *((row.group or "",) if options.by else ()),
                    rubric_name(pack, row.plan.id, lang),
                    format_number(row.total),
                    format_number(row.reach),
                    format_number(row.plan.declared_total),
                    row.grade_label(lang),
                ]
                table.add_row(*cells)
            out.print(table)
        self._summaries(out)
        if self.out is None:
            if self.count <= DETAIL_LIMIT:
                for row in ordered(self.rows, options.order, self.scorer.plans):
                    explained = self.details[row.position]
                    name = f" {row.name}" if row.name else ""
                    out.print(
                        f"{row.id}{name} · {rubric_name(pack, row.plan.id, lang)}："
                        f"{format_number(row.total)} / {format_number(row.reach)} 分（{row.grade_label(lang)}）"
                        if zh
                        else f"{row.id}{name} · {rubric_name(pack, row.plan.id, lang)}: "
                        f"{format_number(row.total)} of {format_number(row.reach)} ({row.grade_label(lang)})",
                        style="bold",
                    )
                    for line in item_lines(explained, lang):
                        out.print(f"  {line}")
                    for line in veto_lines(row, lang):
                        out.print(f"  {line}")
            else:
                out.print(
                    f"共 {self.count} 条；逐项得分请用 --out 报告.xlsx 或 --out 报告.html 查看"
                    if zh
                    else f"{self.count} records: see every item with --out report.xlsx or --out report.html"
                )
        if self.outside:
            period = self.scorer.period
            out.print(
                f"其中 {self.outside} 条记录的年度在适用期（{period.render('zh', written=True)}）以外，"
                "按 --outside-period 评分"
                if zh
                else f"{self.outside} of them are of a year outside the period "
                f"({period.render('en')}), scored as --outside-period asks"
            )
        for line in interpretation_lines(self.scorer.interpretations, vocabulary(pack), lang):
            out.print(line, style="dim")
        if self.out is not None:
            out.print(f"报告已写入：{self.out}" if zh else f"report written: {self.out}")
        if rejected:
            where = (
                (
                    "，每条的原因见报告的“未处理记录”工作表"
                    if self.out.endswith(".xlsx")
                    else "，每条的原因见报告"
                )
                if self.out
                else "，每条的原因列在下方"
            )
            where_en = (
                (
                    "; the reason for each is on the report's “rejected” sheet"
                    if self.out.endswith(".xlsx")
                    else "; the reason for each is in the report"
                )
                if self.out
                else "; the reason for each is listed below"
            )
            out.print(
                f"另有 {len(rejected)} 条记录未能评分{where}"
                if zh
                else f"{len(rejected)} records could not be scored{where_en}"
            )

    def _summaries(self, out: Any) -> None:
        from ._rich import SafeTable as Table

        lang = self.options.lang
        zh = lang == "zh"
        pack = self.scorer.pack
        for groups in (False, True) if self.options.by else (False,):
            lines = self.summary.lines(pack, lang, groups=groups)
            if not lines:
                continue
            title = (
                ("各考核细则汇总" if zh else "Summary by rubric")
                if not groups
                else (
                    f"按{_by_label(self, lang)}汇总"
                    if zh
                    else f"Summary by {_by_label(self, lang)}"
                )
            )
            table = Table(title=title)
            heads = [
                *(((_by_label(self, lang), _by_label(self, lang)),) if groups else ()),
                ("考核细则", "rubric"),
                ("记录数", "records"),
                ("平均分", "mean"),
                ("最低分", "lowest"),
                ("最高分", "highest"),
                ("等次分布", "grades"),
            ]
            for zh_head, en_head in heads:
                right = zh_head in ("记录数", "平均分", "最低分", "最高分")
                table.add_column(zh_head if zh else en_head, justify="right" if right else "left")
            for line in lines:
                tally = line.tally
                table.add_row(
                    *((line.group or "",) if groups else ()),
                    line.rubric,
                    str(tally.count),
                    format_number(tally.mean),
                    format_number(tally.low),
                    format_number(tally.high),
                    line.grades,
                )
            out.print(table)

    def discard(self) -> None:
        self.rows.clear()
        self.details.clear()


def _by_label(sink: ScoreTextSink, lang: str) -> str:
    from .._models import field_label

    by = sink.options.by or ""
    for name in sink.scorer.collections:
        model = sink.scorer.pack.record_types[name]
        if by in model.model_fields:
            return field_label(model, by, "zh" if lang == "zh" else "en")
    return by
