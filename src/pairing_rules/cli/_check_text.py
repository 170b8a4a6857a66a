"""``pairing-rules check`` on a terminal: each record by name with its verdict and findings,
the group findings, progress and milestones as of the report's date."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._requirements import Status
from .._words import date_text, vocabulary
from ..io._check_words import milestone_notes, milestone_rows, verdict
from ._render import console, interpretation_lines, pack_line

if TYPE_CHECKING:
    from .._engine import CheckReport
    from .._pack import Pack
    from ..io._score_rows import ReportOptions


def check_text(report: CheckReport, pack: Pack, options: ReportOptions) -> None:
    """Print a check report for a person."""
    lang = options.lang
    zh = lang == "zh"
    colon = "：" if zh else ": "
    out = console()
    out.print(f"{pack.definition.label.get(lang)} · {'检查结果' if zh else 'check'}", style="bold")
    out.print(pack_line(pack, lang), style="dim")
    out.print(
        ("报告日期：" if zh else "Report date: ") + options.dated.render(options.lang), style="dim"
    )
    for r in report.results:
        name = f" {r.name}" if r.name else ""
        out.print(f"{r.id}{name}{colon}{verdict(r, lang)}", style="bold")
        skipped = []
        for f in r.findings:
            if f.status is Status.NOT_APPLICABLE:
                skipped.append(f.label.get(lang))
                continue
            out.print(f"  {f.render(lang)}")
        if skipped:
            joined = ("、" if zh else "; ").join(skipped)
            out.print(f"  {'不适用' if zh else 'not applicable'}{colon}{joined}", style="dim")
    if report.groups:
        out.print("汇总检查" if zh else "Group findings", style="bold")
        words = vocabulary(pack)
        for f in report.groups:
            where = words.value(f.group, lang) if f.group else f.record
            out.print(f"  {where + colon if where else ''}{f.render(lang)}")
    if report.progress is not None:
        out.print(("进度：" if zh else "Progress: ") + report.progress.message.get(lang))
    if report.milestones:
        when = date_text(report.as_of, lang)
        out.print(
            f"时间节点（状态按 {when} 判断）" if zh else f"Milestones (state as of {when})",
            style="bold",
        )
        for m in milestone_rows(report.milestones, lang):
            progress = f"  {m['progress']}" if m["progress"] else ""
            out.print(f"  {m['due']} {m['label']} [{m['state']}]{progress}")
        for line in milestone_notes(report.milestones, lang):
            out.print(f"  {line}", style="dim")
    for line in interpretation_lines(report.interpretations, vocabulary(pack), lang):
        out.print(line, style="dim")
