"""Check workbooks a county can print and file: each record's verdict by name, every finding
in words with its citation, group findings and milestones as of the report's date."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._dataset import Notice
from .._i18n import Lang
from .._provenance import Source
from .._words import Vocabulary, date_text, vocabulary
from ._check_words import finding_values, milestone_notes, milestone_rows, verdict
from ._report_xlsx import about_sheet, fill_about, rejections_sheet, report_book
from ._score_rows import ReportOptions
from ._xlsx import Workbook

if TYPE_CHECKING:
    from .._engine import CheckReport
    from .._pack import Pack
    from .._requirements import Finding


def _findings_sheet(
    book: Workbook,
    name: str,
    title: str,
    first: Sequence[str],
    rows: Iterable[tuple[Sequence[Any], Finding]],
    words: Vocabulary,
    lang: Lang,
) -> None:
    """One row per finding: who it is about, the requirement, status, values, message, citation."""
    zh = lang == "zh"
    header = [
        *first,
        *(
            ["要求", "结论", "实际", "要求值", "说明", "出处", "原文"]
            if zh
            else ["requirement", "status", "observed", "expected", "message", "section", "quote"]
        ),
    ]
    widths = (*[12] * len(first), 24, 8, 24, 16, 50, 14, 60)
    shift = len(first)
    sheet = book.add_sheet(
        name, header, widths, wrap=[shift, shift + 2, shift + 4, shift + 6], title=title, fit=True
    )
    for who, f in rows:
        observed, expected = finding_values(f, words, lang)
        source: Source | None = f.source
        sheet.append(
            [
                *who,
                f.label.get(lang),
                f.status.label.get(lang),
                observed,
                expected,
                f.message.get(lang),
                source.section if source is not None else None,
                source.quote if source is not None else None,
            ]
        )


def write_check_workbook(
    report: CheckReport,
    pack: Pack,
    path: str | Path,
    *,
    options: ReportOptions,
    notices: Sequence[Notice] = (),
) -> Path:
    """Write a check report: each record's verdict and statuses, the findings with citations,
    group findings, progress and milestones."""
    lang = options.lang
    zh = lang == "zh"
    words = vocabulary(pack)
    title = f"{pack.definition.label.get(lang)} · {'检查报告' if zh else 'Check report'}"
    book = report_book(path, pack, title, options)
    try:
        about = about_sheet(book, pack, title, lang)
        extra: list[tuple[str, Any]] = [
            ("检查记录数" if zh else "records checked", len(report.results)),
            ("未处理记录数" if zh else "records rejected", len(report.rejected)),
        ]
        if report.progress is not None:
            extra.append(("进度" if zh else "progress", report.progress.message.get(lang)))
        fill_about(about, pack, report.interpretations, options, extra)
        requirements = list(pack.definition.requirements)
        by_collection: dict[str, list[Any]] = {}
        for result in report.results:
            by_collection.setdefault(result.collection, []).append(result)
        for collection, results in by_collection.items():
            model = pack.record_types.get(collection)
            noun = model.NOUN.get(lang) if model is not None else collection
            reqs = [r for r in requirements if r.collection == collection]
            header = [
                "编号" if zh else "id",
                "名称" if zh else "name",
                *[r.label.get(lang) for r in reqs],
                "结论" if zh else "verdict",
            ]
            sheet = book.add_sheet(
                f"检查 {noun}" if zh else f"check {noun}",
                header,
                (10, 16, *[10] * len(reqs), 10),
                title=title,
                fit=True,
            )
            for result in results:
                status = {f.requirement: f.status.label.get(lang) for f in result.findings}
                sheet.append(
                    [
                        result.id,
                        result.name,
                        *[status.get(r.id) for r in reqs],
                        verdict(result, lang),
                    ]
                )
        _findings_sheet(
            book,
            "检查明细" if zh else "findings",
            title,
            ["编号" if zh else "id", "名称" if zh else "name"],
            [((result.id, result.name), f) for result in report.results for f in result.findings],
            words,
            lang,
        )
        if report.groups:
            _findings_sheet(
                book,
                "汇总检查" if zh else "groups",
                title,
                ["分组" if zh else "group"],
                [
                    ((words.value(f.group, lang) if f.group else f.record,), f)
                    for f in report.groups
                ],
                words,
                lang,
            )
        if report.milestones:
            header = (
                ["截止日期", "节点", "状态", "进度值", "出处"]
                if zh
                else ["due", "milestone", "state", "progress", "section"]
            )
            when = date_text(report.as_of, lang)
            sheet = book.add_sheet(
                "时间节点" if zh else "milestones",
                header,
                (14, 50, 10, 10, 20),
                wrap=[1],
                title=title,
                fit=True,
            )
            for m in milestone_rows(report.milestones, lang):
                sheet.append([m["due"], m["label"], m["state"], m["progress"], m["section"]])
            sheet.append([])
            sheet.append(
                [
                    None,
                    f"状态按报告日期 {when} 判断。"
                    if zh
                    else f"The state is as of the report date, {when}.",
                ]
            )
            for line in milestone_notes(report.milestones, lang):
                sheet.append([None, line])
        rejections_sheet(book, pack, report.rejected, notices, title, lang)
        return book.save()
    except BaseException:
        book.discard()
        raise
