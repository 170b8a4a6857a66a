"""Text and JSON renderings of packs and reports for the command line."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

from .._numbers import format_number
from .._provenance import render_source

if TYPE_CHECKING:
    from rich.console import Console

    from .._dataset import Rejection
    from .._engine import AuditReport, CheckReport, QuotaReport
    from .._i18n import Lang, Text
    from .._pack import Pack
    from .._scoring import Explanation, Scorer


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 120
    return Console(file=stream, width=width, highlight=False, soft_wrap=False, markup=False)


def _t(text: Text, lang: Lang) -> str:
    return text.get(lang)


def pack_summary(pack: Pack) -> dict[str, Any]:
    """The ``packs --format json`` object of one pack."""
    doc = pack.document
    return {
        "id": pack.id,
        "version": pack.version,
        "title": doc.title,
        "issuer": doc.issuer,
        "doc_number": doc.doc_number,
        "published": doc.published.isoformat() if doc.published else None,
        "year": doc.year,
        "label": pack.definition.label.model_dump(),
        "content_hash": pack.content_hash,
        "collections": pack.collections(),
        "rubrics": [r.id for r in pack.definition.rubrics],
        "origin": pack.origin.model_dump(mode="json") if pack.origin is not None else None,
        "extensions": [e.model_dump(mode="json") for e in pack.extensions],
    }


def pack_detail(pack: Pack) -> dict[str, Any]:
    """The ``show --format json`` object."""
    d = pack.definition
    return {
        "id": pack.id,
        "version": pack.version,
        "content_hash": pack.content_hash,
        "label": d.label.model_dump(),
        "document": pack.document.metadata(),
        "collections": pack.collections(),
        "provisions": [p.model_dump(mode="json") for p in pack.provisions()],
        "interpretations": [i.model_dump(mode="json") for i in d.interpretations],
        "rubrics": [
            {
                "id": r.id,
                "label": r.label.model_dump(),
                "declared_total": format_number(r.declared_total),
                "items": [
                    {
                        "id": i.id,
                        "kind": i.kind,
                        "label": i.label.model_dump(),
                        "points": format_number(i.points),
                    }
                    for i in r.items
                ],
            }
            for r in d.rubrics
        ],
    }


def packs_table(packs: Sequence[Pack], lang: Lang) -> None:
    from rich.table import Table

    zh = lang == "zh"
    table = Table(title="已安装的规则包" if zh else "Installed packs")
    for head in (
        ("编号", "id"),
        ("版本", "version"),
        ("文件", "document"),
        ("发文单位", "issuer"),
        ("文号", "number"),
        ("日期", "published"),
        ("发行包", "distribution"),
        ("扩展", "extensions"),
    ):
        table.add_column(head[0] if zh else head[1])
    for p in packs:
        doc = p.document
        table.add_row(
            p.id,
            p.version,
            doc.title,
            doc.issuer,
            doc.doc_number or "—",
            doc.published.isoformat() if doc.published else "—",
            p.origin.render() if p.origin is not None else "—",
            "、".join(e.render() for e in p.extensions) or "—",
        )
    _console().print(table)
    if not packs:
        _console().print("没有已安装的规则包。" if zh else "No packs are installed.")


def show_text(pack: Pack, lang: Lang) -> None:
    from rich.table import Table

    zh = lang == "zh"
    console = _console()
    doc = pack.document
    console.print(f"{pack.ref}  {pack.content_hash}", style="bold")
    console.print(f"{doc.title}")
    console.print(
        f"{'发文单位' if zh else 'Issuer'}: {doc.issuer}   "
        f"{'文号' if zh else 'Number'}: {doc.doc_number or '—'}   "
        f"{'日期' if zh else 'Published'}: {doc.published or '—'}"
    )
    for note in doc.notes:
        console.print(f"  · {_t(note, lang)}")
    table = Table(title="条款" if zh else "Provisions", show_lines=False)
    for head in (
        ("编号", "id"),
        ("类别", "kind"),
        ("内容", "label"),
        ("取值", "value"),
        ("出处", "source"),
    ):
        table.add_column(head[0] if zh else head[1], overflow="fold")
    for prov in pack.provisions():
        table.add_row(
            prov.id,
            prov.kind,
            _t(prov.label, lang),
            _short(prov.value),
            prov.source.render(),
        )
    console.print(table)
    if pack.definition.interpretations:
        itable = Table(title="解释口径" if zh else "Interpretations")
        for head in (
            ("编号", "id"),
            ("问题", "question"),
            ("默认", "default"),
            ("可选", "alternatives"),
        ):
            itable.add_column(head[0] if zh else head[1], overflow="fold")
        for interp in pack.definition.interpretations:
            itable.add_row(
                interp.id,
                _t(interp.label, lang),
                interp.default,
                "；".join(f"{a.value}：{_t(a.label, lang)}" for a in interp.alternatives),
            )
        console.print(itable)


def _short(value: Any, limit: int = 80) -> str:
    import json

    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def audit_text(report: AuditReport, lang: Lang) -> None:
    zh = lang == "zh"
    console = _console()
    console.print(f"{report.pack}  {report.pack_hash}", style="bold")
    if not report.findings:
        console.print(
            "未发现文件自身的不一致。" if zh else "No inconsistencies found in the document."
        )
        return
    console.print(
        f"发现 {len(report.findings)} 处不一致："
        if zh
        else f"{len(report.findings)} inconsistencies:"
    )
    for n, f in enumerate(report.findings, start=1):
        console.print(f"{n}. [{f.code}] {_t(f.message, lang)}")
        console.print(f"   {'出处' if zh else 'source'}: {render_source(f.source)}", style="dim")
    _interpretations_line(console, report.interpretations, lang)


def _interpretations_line(console: Console, uses: Sequence[Any], lang: Lang) -> None:
    if not uses:
        return
    zh = lang == "zh"
    parts = [
        f"{u.id}={u.value}{'' if u.default else ('（非默认）' if zh else ' (overridden)')}"
        for u in uses
    ]
    console.print(("解释口径：" if zh else "Interpretations: ") + ", ".join(parts), style="dim")


#: beyond this many results the text output lists them without their items
DETAIL_LIMIT: Final = 50


class ScoreTextSink:
    """Scores for a person, gathered as records are scored and printed at the end.

    Every item for a few records, a table for many, a summary with ``--out``.
    """

    def __init__(self, scorer: Scorer, lang: Lang, out: str | None) -> None:
        self.scorer = scorer
        self.lang = lang
        self.out = out
        self.count = 0
        self.grades: dict[tuple[str, int], tuple[str, int]] = {}
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.details: list[Explanation] = []
        #: records scored although their year is outside the pack's period (``--outside-period``)
        self.outside = 0

    def add(self, explained: Explanation) -> None:
        plan, outcome = explained.plan, explained.outcome
        grade = plan.grades[outcome.grade].label.get(self.lang)
        self.count += 1
        key = (plan.id, outcome.grade)
        shown, seen = self.grades.get(key, (grade, 0))
        self.grades[key] = (shown, seen + 1)
        if plan.period is not None and self.scorer.outside_period:
            from .._interpret_values import period_of

            self.outside += period_of(plan.period)(explained.record) == "outside"
        if self.out is not None:
            return
        self.rows.append(
            (
                explained.record.key,
                plan.id,
                format_number(outcome.total),
                format_number(outcome.reach),
                format_number(plan.declared_total),
                grade,
            )
        )
        if len(self.details) <= DETAIL_LIMIT:
            self.details.append(explained)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Any]) -> None:
        from rich.table import Table

        lang = self.lang
        zh = lang == "zh"
        console = _console()
        pack = self.scorer.pack
        console.print(f"{pack.ref}  {pack.content_hash}", style="bold")
        if self.out is not None:
            counts: dict[str, int] = {}
            for (_rubric, _index), (shown, seen) in sorted(self.grades.items()):
                counts[shown] = counts.get(shown, 0) + seen
            listed = ("，" if zh else ", ").join(f"{k} {v}" for k, v in counts.items())
            console.print(
                f"已评分 {self.count} 条（{listed}）；未处理 {len(rejected)} 条"
                if zh
                else f"{self.count} scored ({listed}); {len(rejected)} rejected"
            )
            self._outside_line(console)
            _interpretations_line(console, self.scorer.interpretations, lang)
            console.print(f"报告已写入：{self.out}" if zh else f"report written: {self.out}")
            return
        table = Table(title="评分结果" if zh else "Scores")
        for head in (
            ("编号", "id"),
            ("细则", "rubric"),
            ("得分", "total"),
            ("可得", "max"),
            ("总分", "declared"),
            ("等次", "grade"),
        ):
            table.add_column(head[0] if zh else head[1])
        for row in self.rows:
            table.add_row(*row)
        console.print(table)
        if self.count <= DETAIL_LIMIT:
            for explained in self.details:
                r = explained.sheet()
                console.print(
                    f"{r.id} {_t(r.rubric_label, lang)}：{format_number(r.total)} / "
                    f"{format_number(r.max)}（{r.grade if zh else r.grade_en}）",
                    style="bold",
                )
                for item in r.items:
                    mark = "" if item.applicable else (" 不适用" if zh else " n/a")
                    console.print(
                        f"  {_t(item.label, lang)}{mark}: {format_number(item.points)}/{format_number(item.max)}"
                        f" — {_t(item.reason, lang)}"
                    )
                for veto in r.vetoes:
                    console.print(
                        f"  {'一票否优' if zh else 'veto'}: {_t(veto.label, lang)} → {_t(veto.cap, lang)}"
                    )
        else:
            console.print(
                f"共 {self.count} 条，逐项得分请用 --out 报告.xlsx 或 --format json 查看"
                if zh
                else f"{self.count} records: see every item with --out report.xlsx or --format json"
            )
        self._outside_line(console)
        _interpretations_line(console, self.scorer.interpretations, lang)
        if rejected:
            console.print(
                f"{len(rejected)} 条记录未处理（见标准错误输出）"
                if zh
                else f"{len(rejected)} records rejected (see stderr)"
            )

    def _outside_line(self, console: Console) -> None:
        if not self.outside:
            return
        period = self.scorer.period
        console.print(
            f"其中 {self.outside} 条记录的年度在适用期（{period.render('zh')}）以外，"
            "按 --outside-period 评分"
            if self.lang == "zh"
            else f"{self.outside} of them are of a year outside the period "
            f"({period.render('en')}), scored as --outside-period asks"
        )

    def discard(self) -> None:
        self.rows.clear()
        self.details.clear()


def check_text(report: CheckReport, lang: Lang) -> None:
    zh = lang == "zh"
    console = _console()
    console.print(f"{report.pack}  {report.pack_hash}", style="bold")
    for r in report.results:
        verdict = ("通过" if zh else "passed") if r.passed else ("未通过" if zh else "not passed")
        console.print(f"{r.id}: {verdict}", style="bold")
        for f in r.findings:
            console.print(f"  {f.render(lang)}")
    if report.groups:
        console.print("汇总检查" if zh else "Group findings", style="bold")
        for f in report.groups:
            where = f.group or f.record
            console.print(f"  {where + ': ' if where else ''}{f.render(lang)}")
    if report.progress is not None:
        console.print(("进度：" if zh else "Progress: ") + _t(report.progress.message, lang))
    if report.milestones:
        console.print("时间节点" if zh else "Milestones", style="bold")
        for m in report.milestones:
            console.print(f"  {m.due.isoformat()} {_t(m.label, lang)} [{_t(m.state.label, lang)}]")
    _interpretations_line(console, report.interpretations, lang)


def quota_text(report: QuotaReport, lang: Lang) -> None:
    from rich.table import Table

    zh = lang == "zh"
    console = _console()
    table = Table(title=_t(report.label, lang))
    has_parent = any(r.parent for r in report.rows)
    if has_parent:
        table.add_column(
            _t(report.parent_label, lang) if report.parent_label else report.parent_key
        )
    table.add_column(_t(report.region_label, lang))
    table.add_column("公布" if zh else "published", justify="right")
    if report.audited:
        table.add_column("公式" if zh else "formula", justify="right")
        table.add_column("取整后" if zh else "computed", justify="right")
        table.add_column("偏差" if zh else "deviation", justify="right")
    for row in report.rows:
        cells = [row.parent or ""] if has_parent else []
        cells.append(row.region)
        cells.append(row.printed or ("—" if row.published is None else str(row.published)))
        if report.audited:
            cells.append(format_number(row.exact) if row.exact is not None else "—")
            cells.append("—" if row.computed is None else str(row.computed))
            cells.append(f"{row.deviation:+d}" if row.deviation else "0")
        table.add_row(*cells)
    console.print(table)
    console.print(("公布合计：" if zh else "Published total: ") + str(report.total_published))
    for s in report.sums:
        where = s["parent"] or ("合计" if zh else "total")
        mark = "✓" if s["matches"] else "✗"
        console.print(f"  {mark} {where} {s['column']}: {s['printed']} / {s['rows_sum']}")
    if report.audited:
        off = sum(1 for r in report.rows if r.deviation)
        console.print(
            f"与公式不符的行：{off} / {len(report.rows)}"
            if zh
            else f"rows departing from the formula: {off} of {len(report.rows)}"
        )
    _interpretations_line(console, report.interpretations, lang)


def diff_text(report: Any, lang: Lang) -> None:
    """What changed: every added, removed or changed topic with its details, then the replays."""
    zh = lang == "zh"
    console = _console()
    console.print(f"{report.a} → {report.b}", style="bold")
    marks = {"added": "+", "removed": "-", "changed": "~", "same": "="}
    names = {
        "added": ("新增", "added"),
        "removed": ("删除", "removed"),
        "changed": ("变化", "changed"),
        "same": ("相同", "same"),
    }
    same = 0
    for change in report.changes:
        kind = change.change.value
        if kind == "same":
            same += 1
            continue
        console.print(
            f"{marks[kind]} [{names[kind][0 if zh else 1]}] {_t(change.label, lang)}：{_t(change.summary, lang)}"
        )
        for detail in change.details:
            label = detail["label"]["zh" if zh else "en"]
            console.print(
                f"    {label}: {_shown(detail['a'])} → {_shown(detail['b'])}", style="dim"
            )
        if change.details:
            continue
        for side, entries in (("A", change.a), ("B", change.b)):
            for entry in entries or []:
                shown = entry.get("condition", entry.get("value"))
                src = entry.get("source") or {}
                quote = f"  {src['section']}「{src['quote']}」" if src else ""
                console.print(f"    {side}: {shown}{quote}", style="dim")
    console.print(
        f"相同：{same} 项" if zh else f"the same: {same} topic(s)",
        style="dim",
    )
    if report.replay is not None:
        console.print(
            ("检查结果不同的记录：" if zh else "Records whose check outcome differs: ")
            + str(len(report.replay)),
            style="bold",
        )
        for row in report.replay:
            a, b = row["a"], row["b"]
            console.print(
                f"  {row['id']}: A {'通过' if a['passed'] else '未通过'} {a.get('unmet', '')} / "
                f"B {'通过' if b['passed'] else '未通过'} {b.get('unmet', '')}"
                if zh
                else f"  {row['id']}: A {'passed' if a['passed'] else 'failed'} {a.get('unmet', '')} / "
                f"B {'passed' if b['passed'] else 'failed'} {b.get('unmet', '')}"
            )
    if report.scores is not None:
        console.print(
            ("得分或等次不同的记录：" if zh else "Records whose total or grade differs: ")
            + str(len(report.scores)),
            style="bold",
        )
        for row in report.scores:
            console.print(f"  {row['id']}: {_score(row['a'], zh)} → {_score(row['b'], zh)}")
            for item in row["items"]:
                label = item["label"]["zh" if zh else "en"]
                console.print(
                    f"    {label}: {_shown(item['a'])} → {_shown(item['b'])}", style="dim"
                )


def _score(side: dict[str, Any] | None, zh: bool) -> str:
    if side is None:
        return "未评分" if zh else "not scored"
    grade = side["grade"] if zh else side["grade_en"]
    return (
        f"{side['rubric']} {_shown(side['total'])}（{grade}）"
        if zh
        else f"{side['rubric']} {_shown(side['total'])} ({grade})"
    )


def _shown(value: Any) -> str:
    import json

    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def notices_to_stderr(notices: Sequence[Any], lang: Lang) -> None:
    """One line per notice about the input file on standard error."""
    for n in notices:
        print(f"pairing-rules: {n.render(lang)}", file=sys.stderr)


#: at most this many rejected records are listed on standard error (every one is in the report)
REJECTIONS_SHOWN: Final = 200


def rejections_to_stderr(
    rejected: Sequence[Rejection], lang: Lang, *, report: str | None = None
) -> None:
    """One line per rejected record on standard error (the first :data:`REJECTIONS_SHOWN`)."""
    prefix = "未处理 " if lang == "zh" else "rejected "
    lines = [f"pairing-rules: {prefix}{r.render(lang)}" for r in rejected[:REJECTIONS_SHOWN]]
    more = len(rejected) - REJECTIONS_SHOWN
    if more > 0:
        where_zh = (
            f"完整列表见 {report}" if report else "完整列表请用 --out 报告或 --format json 查看"
        )
        where_en = f"see {report} for all" if report else "see all with --out or --format json"
        lines.append(
            f"pairing-rules: 另有 {more} 条未处理的记录未在此列出；{where_zh}"
            if lang == "zh"
            else f"pairing-rules: {more} more rejected records are not listed here; {where_en}"
        )
    if lines:
        print("\n".join(lines), file=sys.stderr)
