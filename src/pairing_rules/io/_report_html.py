"""One self-contained, printable HTML page per report, in Chinese (or English).

No network: the style is inline and the bar chart is inline SVG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._clock import ReportDate, report_date
from .._dataset import Notice, Rejection
from .._i18n import Lang
from .._numbers import Rounding, format_number, round_to
from .._provenance import render_source

if TYPE_CHECKING:
    from .._engine import CheckReport
    from .._milestones import MilestoneStatus
    from .._pack import Pack
    from .._scoring import ScoreReport

_LABELS: Final = {
    "zh": {
        "document": "文件",
        "pack": "规则包",
        "hash": "内容哈希",
        "as_of": "评估日期",
        "summary": "概况",
        "progress": "进度",
        "milestones": "时间节点",
        "due": "截止日期",
        "milestone": "节点",
        "state": "状态",
        "progress_value": "进度值",
        "source": "出处",
        "groups": "汇总检查",
        "group": "分组",
        "requirement": "要求",
        "status": "结论",
        "message": "说明",
        "details": "逐条明细",
        "rejected": "未处理的记录",
        "location": "位置",
        "id": "编号",
        "reason": "原因",
        "interpretations": "所用解释口径",
        "interpretation": "口径",
        "question": "问题",
        "value": "取值",
        "default": "默认",
        "footer": "本报告由 pairing-rules 生成；每一分、每一项结论均注明文件出处，规则包版本与内容哈希可用于复核。",
        "score_title": "评分报告",
        "check_title": "检查报告",
        "chart_scores": "各教共体得分",
        "chart_check": "各记录达标项数",
        "item": "项目",
        "points": "得分",
        "max": "满分",
        "records": "记录数",
        "rejected_count": "未处理记录数",
        "average": "平均得分",
        "grade": "等次",
        "passed": "通过",
        "yes": "是",
        "no": "否",
        "veto": "一票否优",
        "observed": "实际",
        "expected": "要求值",
    },
    "en": {
        "document": "Document",
        "pack": "Pack",
        "hash": "content hash",
        "as_of": "as of",
        "summary": "Summary",
        "progress": "Progress",
        "milestones": "Milestones",
        "due": "due",
        "milestone": "milestone",
        "state": "state",
        "progress_value": "progress",
        "source": "source",
        "groups": "Group findings",
        "group": "group",
        "requirement": "requirement",
        "status": "status",
        "message": "message",
        "details": "Details",
        "rejected": "Rejected records",
        "location": "location",
        "id": "id",
        "reason": "reason",
        "interpretations": "Interpretations used",
        "interpretation": "interpretation",
        "question": "question",
        "value": "value",
        "default": "default",
        "footer": "Made by pairing-rules; every point and finding cites its source; the pack version and "
        "content hash let anyone reproduce it.",
        "score_title": "Score report",
        "check_title": "Check report",
        "chart_scores": "Totals",
        "chart_check": "Requirements met per record",
        "item": "item",
        "points": "points",
        "max": "max",
        "records": "records",
        "rejected_count": "rejected records",
        "average": "average total",
        "grade": "grade",
        "passed": "passed",
        "yes": "yes",
        "no": "no",
        "veto": "veto",
        "observed": "observed",
        "expected": "expected",
    },
}
_GRADE_COLORS: Final = ("#1b7f3a", "#4472c4", "#c9a227", "#b00020")


def _render(context: dict[str, Any], path: str | Path) -> Path:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    html = env.get_template("report.html.j2").render(**context)
    from ._atomic import write_text

    return write_text(html, path, errors="xmlcharrefreplace")


def _chart(title: str, bars: Sequence[tuple[str, float, float, str, str]]) -> dict[str, Any]:
    """Horizontal bars: (label, value, maximum, colour, text)."""
    label_width, bar_area, row = 110, 420, 22
    out = []
    for n, (label, value, maximum, color, text) in enumerate(bars):
        width = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * bar_area
        out.append(
            {
                "label": label,
                "value": value,
                "y": n * row,
                "width": round(width, 1),
                "color": color,
                "text": text,
            }
        )
    return {
        "title": title,
        "bars": out,
        "width": label_width + bar_area + 80,
        "height": max(row, len(out) * row + 4),
        "label_width": label_width,
    }


def _rejected(
    rejected: Sequence[Rejection], notices: Sequence[Notice], lang: Lang
) -> list[dict[str, Any]]:
    out = [
        {"location": r.location or r.where(lang), "id": r.id or "—", "reason": r.reason.get(lang)}
        for r in rejected
    ]
    out += [
        {"location": n.location, "id": "—", "reason": n.message.get(lang)}
        for n in notices
        if n.error
    ]
    return out


def _uses(uses: Sequence[Any], lang: Lang) -> list[dict[str, str]]:
    t = _LABELS[lang]
    return [
        {
            "id": u.id,
            "label": u.label.get(lang),
            "value": u.value,
            "default": t["yes"] if u.default else t["no"],
        }
        for u in uses
    ]


def _milestones(statuses: Sequence[MilestoneStatus], lang: Lang) -> list[dict[str, str]]:
    return [
        {
            "due": m.due.isoformat(),
            "label": m.label.get(lang),
            "state": m.state.label.get(lang),
            "progress": (format_number(m.progress) + "%")
            if m.progress is not None
            else (format_number(m.target_share * 100) + "%" if m.target_share is not None else ""),
            "source": f"{m.source.section}「{m.source.quote}」",
        }
        for m in statuses
    ]


def write_score_html(
    report: ScoreReport,
    pack: Pack,
    path: str | Path,
    *,
    lang: Lang = "zh",
    notices: Sequence[Notice] = (),
    as_of: dt.date | ReportDate | None = None,
) -> Path:
    """Write a score report as one printable HTML page.

    :param as_of: the date the pack's milestones are shown as of (default: today's date
        in UTC); the page states which.
    """
    from .._milestones import milestone_status

    t = _LABELS[lang]
    dated = as_of if isinstance(as_of, ReportDate) else report_date(as_of)
    choices = pack.choices({u.id: u.value for u in report.interpretations})
    statuses = milestone_status(pack.definition.milestones, dated.date, choices)
    grade_order: dict[str, int] = {}
    for rubric in pack.definition.rubrics:
        for n, grade in enumerate(rubric.grades.grades):
            grade_order.setdefault(grade.id, n)
    bars = [
        (
            r.id,
            float(r.total),
            float(r.declared_total),
            _GRADE_COLORS[min(grade_order.get(r.grade_id, 0), len(_GRADE_COLORS) - 1)],
            f"{format_number(r.total)}（{r.grade if lang == 'zh' else r.grade_en}）",
        )
        for r in report.results
    ]
    counts: dict[str, int] = {}
    for r in sorted(report.results, key=lambda r: grade_order.get(r.grade_id, 0)):
        key = r.grade if lang == "zh" else r.grade_en
        counts[key] = counts.get(key, 0) + 1
    average = "—"
    if report.results:
        mean = sum((r.total for r in report.results), Decimal(0)) / len(report.results)
        average = format_number(round_to(mean, Rounding.HALF_UP, 2))
    summary: list[tuple[str, Any]] = [
        (t["records"], len(report.results)),
        (t["rejected_count"], len(report.rejected)),
        (t["average"], average),
        *[(f"{t['grade']}：{k}", v) for k, v in counts.items()],
    ]
    records = []
    for r in report.results:
        rows = [
            [
                {"text": i.label.get(lang)},
                {"text": format_number(i.points), "css": "num"},
                {"text": format_number(i.max), "css": "num"},
                {"text": i.reason.get(lang)},
                {"text": f"{i.source.section}「{i.source.quote}」", "css": "quote"},
            ]
            for i in r.items
        ]
        rows.append(
            [
                {"text": t["points"]},
                {"text": format_number(r.total), "css": "num"},
                {"text": format_number(r.max), "css": "num"},
                {"text": f"{t['grade']}：{r.grade if lang == 'zh' else r.grade_en}"},
                {"text": ""},
            ]
        )
        note = "；".join(f"{t['veto']}：{v.label.get(lang)} → {v.cap.get(lang)}" for v in r.vetoes)
        records.append(
            {
                "id": r.id,
                "heading": r.rubric_label.get(lang),
                "header": [t["item"], t["points"], t["max"], t["reason"], t["source"]],
                "rows": rows,
                "note": note,
            }
        )
    context = {
        "lang": lang,
        "t": t,
        "title": f"{pack.definition.label.get(lang)} · {t['score_title']}",
        "pack": pack,
        "as_of": dated.render(lang) if statuses else None,
        "summary": summary,
        "chart": _chart(t["chart_scores"], bars),
        "progress": None,
        "milestones": _milestones(statuses, lang),
        "groups": [],
        "records": records,
        "rejected": _rejected(report.rejected, notices, lang),
        "interpretations": _uses(report.interpretations, lang),
    }
    return _render(context, path)


def write_check_html(
    report: CheckReport,
    pack: Pack,
    path: str | Path,
    *,
    lang: Lang = "zh",
    notices: Sequence[Notice] = (),
) -> Path:
    """Write a check report as one printable HTML page."""
    from .._requirements import Status

    t = _LABELS[lang]
    bars = []
    for r in report.results:
        applicable = [f for f in r.findings if f.status is not Status.NOT_APPLICABLE]
        met = sum(1 for f in applicable if f.status is Status.MET)
        bars.append(
            (
                r.id,
                float(met),
                float(max(1, len(applicable))),
                _GRADE_COLORS[0 if r.passed else 3],
                f"{met}/{len(applicable)}",
            )
        )
    summary: list[tuple[str, Any]] = [
        (t["records"], len(report.results)),
        (t["passed"], sum(1 for r in report.results if r.passed)),
        (t["rejected_count"], len(report.rejected)),
        *[
            (s, n)
            for s, n in report.summary.items()
            if s in ("met", "unmet", "needs_evidence", "not_applicable")
        ],
    ]
    records = []
    for r in report.results:
        rows = [
            [
                {"text": f.label.get(lang)},
                {
                    "text": f.status.label.get(lang),
                    "css": "good"
                    if f.status is Status.MET
                    else ("bad" if f.status in (Status.UNMET, Status.NEEDS_EVIDENCE) else ""),
                },
                {"text": f.message.get(lang)},
                {"text": render_source(f.source), "css": "quote"},
            ]
            for f in r.findings
        ]
        records.append(
            {
                "id": r.id,
                "heading": t["passed"] + "：" + (t["yes"] if r.passed else t["no"]),
                "header": [t["requirement"], t["status"], t["message"], t["source"]],
                "rows": rows,
                "note": "",
            }
        )
    groups = [
        {
            "group": g.group or g.record or "—",
            "label": g.label.get(lang),
            "status": g.status.label.get(lang),
            "css": "good"
            if g.status is Status.MET
            else ("bad" if g.status in (Status.UNMET, Status.NEEDS_EVIDENCE) else ""),
            "message": g.message.get(lang),
            "source": render_source(g.source),
        }
        for g in report.groups
    ]
    milestones = _milestones(report.milestones, lang)
    context = {
        "lang": lang,
        "t": t,
        "title": f"{pack.definition.label.get(lang)} · {t['check_title']}",
        "pack": pack,
        "as_of": ReportDate(report.as_of, report.as_of_given).render(lang)
        if report.as_of
        else None,
        "summary": summary,
        "chart": _chart(t["chart_check"], bars),
        "progress": report.progress.message.get(lang) if report.progress else None,
        "milestones": milestones,
        "groups": groups,
        "records": records,
        "rejected": _rejected(report.rejected, notices, lang),
        "interpretations": _uses(report.interpretations, lang),
    }
    return _render(context, path)
