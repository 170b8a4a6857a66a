"""One self-contained, printable HTML page per report, in Chinese (or English).

No network: the style is inline and the bar chart is inline SVG.  The page
prints on A4 (``@page``): tables take the page's width, short columns (numbers,
statuses, grades) never wrap, long ones (reasons, quotes) wrap between words.
Every record is shown by its id and name; the chart names the records and has
a legend; milestones are shown as of the report's date, which the page states
with where it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._dataset import Notice, Rejection
from .._i18n import Lang
from .._numbers import format_number
from .._provenance import render_source
from .._words import Vocabulary, date_text, vocabulary
from ._check_words import finding_values, milestone_notes, milestone_rows, verdict
from ._html_labels import LABELS
from ._score_rows import (
    ReportOptions,
    ScoreRow,
    ScoreSummary,
    ordered,
    ranks,
    rubric_name,
    unvetoed_grade,
    veto_lines,
)
from ._xlsx_cells import display_width

if TYPE_CHECKING:
    from .._engine import CheckReport
    from .._pack import Pack
    from .._plan import RubricPlan
    from .._scoring import ScoreReport

_GRADE_COLORS: Final = ("#1b7f3a", "#4472c4", "#c9a227", "#b00020", "#777777")
#: the chart's width in CSS pixels: it fits the printable width of A4 (186 mm ≈ 703 px)
CHART_WIDTH: Final = 680


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


def _chart(
    title: str,
    bars: Sequence[tuple[str, str, float, float, str, str]],
    legend: Sequence[tuple[str, str]],
) -> dict[str, Any]:
    """Horizontal bars: (key, label, value, maximum, colour, text), and a legend of colours."""
    widest = max((display_width(label) for _k, label, *_rest in bars), default=4)
    label_width = min(240, max(60, widest * 7 + 12))
    text_width = 90
    bar_area = CHART_WIDTH - label_width - text_width
    row = 20
    out = []
    for n, (key, label, value, maximum, color, text) in enumerate(bars):
        width = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * bar_area
        out.append(
            {
                "key": key,
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
        "width": CHART_WIDTH,
        "height": max(row, len(out) * row + 4),
        "label_width": label_width,
        "legend": [{"label": label, "color": color} for label, color in legend],
    }


def _rejected(
    rejected: Sequence[Rejection], notices: Sequence[Notice], lang: Lang
) -> list[dict[str, Any]]:
    out = [
        {"location": r.where(lang), "id": r.id or "—", "reason": r.reason.get(lang)}
        for r in rejected
    ]
    out += [
        {
            "location": n.loc.render(lang) if n.loc is not None else n.location,
            "id": "—",
            "reason": n.message.get(lang),
        }
        for n in notices
        if n.error
    ]
    return out


def _uses(uses: Sequence[Any], words: Vocabulary, lang: Lang) -> list[dict[str, str]]:
    t = LABELS[lang]
    return [
        {
            "question": words.question(u.id, lang),
            "value": words.answer(u.id, u.value, lang),
            "default": t["yes"] if u.default else t["no"],
        }
        for u in uses
    ]


def _head(pack: Pack, title: str, options: ReportOptions, milestones: list[Any]) -> dict[str, Any]:
    lang = options.lang
    return {
        "lang": lang,
        "t": LABELS[lang],
        "title": title,
        "pack": pack,
        "date": options.dated.render(options.lang),
        "milestones": milestone_rows(milestones, lang),
        "milestone_notes": milestone_notes(milestones, lang) if milestones else [],
        "milestone_date": date_text(options.as_of, lang) if options.as_of else "",
    }


def _name(row_id: str, name: str | None) -> str:
    return f"{row_id} {name}" if name else row_id


def rows_of_report(
    report: ScoreReport, plans: Sequence[RubricPlan], options: ReportOptions
) -> list[ScoreRow]:
    """The rows of a score report's sheets (for a report made without the records)."""
    by_id = {p.id: p for p in plans}
    out = []
    for n, sheet in enumerate(report.results):
        plan = by_id[sheet.rubric]
        grade = next(i for i, g in enumerate(plan.grades) if g.id == sheet.grade_id)
        vetoes = tuple(
            i for i, v in enumerate(plan.vetoes) if any(h.id == v.id for h in sheet.vetoes)
        )
        out.append(
            ScoreRow(
                id=sheet.id,
                name=sheet.name,
                plan=plan,
                total=sheet.total,
                reach=sheet.max,
                grade=grade,
                unvetoed=unvetoed_grade(plan, sheet.grade_basis),
                vetoes=vetoes,
                group=None,
                position=n,
            )
        )
    return out


def write_score_html(
    report: ScoreReport,
    pack: Pack,
    path: str | Path,
    *,
    plans: Sequence[RubricPlan],
    options: ReportOptions,
    notices: Sequence[Notice] = (),
    rows: Sequence[ScoreRow] | None = None,
) -> Path:
    """Write a score report as one printable HTML page.

    :param plans: the rubrics as bound for the report (grades, bands, vetoes).
    :param options: language, order, grouping and the report's date.
    :param rows: the records' rows (:func:`~pairing_rules.io._score_rows.row_of`), in the
        order of ``report.results``; made from the score sheets when not given.
    """
    from .._milestones import milestone_status

    lang = options.lang
    t = LABELS[lang]
    as_of = options.dated.date
    choices = pack.choices({u.id: u.value for u in report.interpretations})
    statuses = milestone_status(pack.definition.milestones, as_of, choices)
    words = vocabulary(pack)
    rows = list(rows) if rows is not None else rows_of_report(report, plans, options)
    summary = ScoreSummary(plans)
    for row in rows:
        summary.add(row)
    shown = ordered(rows, options.order, plans)
    ranked = options.order == "total"
    places = ranks(shown) if ranked else []
    grade_labels: list[str] = []
    for plan in plans:
        for grade in plan.grades:
            if grade.label.get(lang) not in grade_labels:
                grade_labels.append(grade.label.get(lang))
    color = {g: _GRADE_COLORS[min(n, len(_GRADE_COLORS) - 1)] for n, g in enumerate(grade_labels)}
    bars = [
        (
            r.id,
            _name(r.id, r.name),
            float(r.total),
            float(r.plan.declared_total),
            color[r.grade_label(lang)],
            f"{format_number(r.total)}（{r.grade_label(lang)}）"
            if lang == "zh"
            else f"{format_number(r.total)} ({r.grade_label(lang)})",
        )
        for r in shown
    ]
    by_label = ""
    if options.by:
        from .._models import field_label

        model = pack.record_types[plans[0].collection] if plans else None
        by_label = field_label(model, options.by, lang) if model is not None else options.by
    table = {
        "ranked": ranked,
        "by": by_label,
        "rows": [
            {
                "rank": places[n] if ranked else "",
                "id": r.id,
                "name": r.name or "—",
                "group": r.group or "",
                "rubric": rubric_name(pack, r.plan.id, lang),
                "total": format_number(r.total),
                "reach": format_number(r.reach),
                "declared": format_number(r.plan.declared_total),
                "grade": r.grade_label(lang),
            }
            for n, r in enumerate(shown)
        ],
    }
    sheets = {sheet.id + "\x00" + sheet.rubric: sheet for sheet in report.results}
    records = []
    for r in shown:
        sheet = sheets[r.id + "\x00" + r.plan.id]
        cells = []
        for i in sheet.items:
            if not i.applicable:
                points, top = t["not_applicable"], ""
            elif i.bonus:
                points, top = f"+{format_number(i.points)}", t["bonus"]
            else:
                points, top = format_number(i.points), format_number(i.max)
            cells.append(
                [
                    {"text": i.label.get(lang)},
                    {"text": points, "css": "num"},
                    {"text": top, "css": "num"},
                    {"text": i.reason.get(lang), "css": "long"},
                    {"text": f"{i.source.section}「{i.source.quote}」", "css": "quote"},
                ]
            )
        cells.append(
            [
                {"text": t["points"]},
                {"text": format_number(r.total), "css": "num"},
                {"text": format_number(r.reach), "css": "num"},
                {
                    "text": f"{t['grade']}：{r.grade_label(lang)}"
                    if lang == "zh"
                    else f"{t['grade']}: {r.grade_label(lang)}"
                },
                {"text": ""},
            ]
        )
        records.append(
            {
                "anchor": r.id,
                "heading": _name(r.id, r.name),
                "sub": rubric_name(pack, r.plan.id, lang),
                "header": [t["item"], t["points"], t["max"], t["reason"], t["source"]],
                "widths": ["18%", "7%", "7%", "34%", "34%"],
                "rows": cells,
                "notes": veto_lines(r, lang),
            }
        )
    summaries = [
        {
            "title": t["summary_rubric"] if not groups else t["summary_group"].format(by=by_label),
            "group": by_label if groups else "",
            "grades": grade_labels,
            "rows": [
                {
                    "group": line.group or "",
                    "rubric": line.rubric,
                    "count": line.tally.count,
                    "mean": format_number(line.tally.mean),
                    "low": format_number(line.tally.low),
                    "high": format_number(line.tally.high),
                    "grades": [
                        dict(
                            zip(
                                (g.label.get(lang) for g in line.plan.grades),
                                line.tally.grades,
                                strict=True,
                            )
                        ).get(g, 0)
                        for g in grade_labels
                    ],
                }
                for line in summary.lines(pack, lang, groups=groups)
            ],
        }
        for groups in ((False, True) if options.by else (False,))
    ]
    context = {
        **_head(pack, f"{pack.definition.label.get(lang)} · {t['score_title']}", options, statuses),
        "facts": [(t["records"], len(rows)), (t["rejected_count"], len(report.rejected))],
        "summaries": summaries,
        "scores": table,
        "chart": _chart(t["chart_scores"], bars, [(g, color[g]) for g in grade_labels]),
        "progress": None,
        "groups": [],
        "records": records,
        "rejected": _rejected(report.rejected, notices, lang),
        "interpretations": _uses(report.interpretations, words, lang),
    }
    return _render(context, path)


def write_check_html(
    report: CheckReport,
    pack: Pack,
    path: str | Path,
    *,
    options: ReportOptions,
    notices: Sequence[Notice] = (),
) -> Path:
    """Write a check report as one printable HTML page."""
    from .._requirements import Status

    lang = options.lang
    t = LABELS[lang]
    words = vocabulary(pack)
    verdicts = [t["passed"], t["failed"], t["no_applicable"]]
    color = dict(zip(verdicts, (_GRADE_COLORS[0], _GRADE_COLORS[3], _GRADE_COLORS[4]), strict=True))
    bars = []
    for r in report.results:
        applicable = [f for f in r.findings if f.status is not Status.NOT_APPLICABLE]
        met = sum(1 for f in applicable if f.status is Status.MET)
        bars.append(
            (
                r.id,
                _name(r.id, r.name),
                float(met),
                float(max(1, len(applicable))),
                color[verdict(r, lang)],
                f"{met}/{len(applicable)}",
            )
        )
    counts = dict.fromkeys(verdicts, 0)
    for r in report.results:
        counts[verdict(r, lang)] += 1
    statuses = [
        (Status(s).label.get(lang), n)
        for s, n in report.summary.items()
        if s in ("met", "unmet", "needs_evidence", "not_applicable")
    ]
    records = []
    for r in report.results:
        rows = []
        for f in r.findings:
            rows.append(
                [
                    {"text": f.label.get(lang)},
                    {
                        "text": f.status.label.get(lang),
                        "css": "status good"
                        if f.status is Status.MET
                        else (
                            "status bad"
                            if f.status in (Status.UNMET, Status.NEEDS_EVIDENCE)
                            else "status"
                        ),
                    },
                    {"text": f.message.get(lang), "css": "long"},
                    {"text": render_source(f.source), "css": "quote"},
                ]
            )
        records.append(
            {
                "anchor": r.id,
                "heading": _name(r.id, r.name),
                "sub": verdict(r, lang),
                "header": [t["requirement"], t["status"], t["message"], t["source"]],
                "widths": ["22%", "9%", "35%", "34%"],
                "rows": rows,
                "notes": [],
            }
        )
    groups = []
    for g in report.groups:
        observed, expected = finding_values(g, words, lang)
        groups.append(
            {
                "group": words.value(g.group, lang) if g.group else (g.record or "—"),
                "label": g.label.get(lang),
                "observed": observed or "",
                "expected": expected or "",
                "status": g.status.label.get(lang),
                "css": "good"
                if g.status is Status.MET
                else ("bad" if g.status in (Status.UNMET, Status.NEEDS_EVIDENCE) else ""),
                "message": g.message.get(lang),
                "source": render_source(g.source),
            }
        )
    context = {
        **_head(
            pack,
            f"{pack.definition.label.get(lang)} · {t['check_title']}",
            options,
            list(report.milestones),
        ),
        "facts": [
            (t["records"], len(report.results)),
            *[(v, n) for v, n in counts.items()],
            (t["rejected_count"], len(report.rejected)),
            *[
                (f"{t['findings']}：{s}" if lang == "zh" else f"{t['findings']}: {s}", n)
                for s, n in statuses
            ],
        ],
        "summaries": [],
        "scores": None,
        "chart": _chart(t["chart_check"], bars, [(v, color[v]) for v in verdicts]),
        "progress": report.progress.message.get(lang) if report.progress else None,
        "groups": groups,
        "records": records,
        "rejected": _rejected(report.rejected, notices, lang),
        "interpretations": _uses(report.interpretations, words, lang),
    }
    return _render(context, path)
