"""Results workbooks a county can file: scores or findings, with citations and rejected rows.

The workbooks are streamed (openpyxl's write-only mode): a province's results write fast.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._dataset import Notice, Rejection
from .._i18n import Lang
from .._numbers import json_number

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from .._engine import CheckReport
    from .._pack import Pack
    from .._scoring import ScoreReport


def _plain(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _sheet(book: Workbook, title: str, header: Sequence[str], widths: Sequence[int]) -> Worksheet:
    """A streamed sheet with a bold, shaded header row, widths set and the header frozen."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet(title[:31])
    for n, width in enumerate(widths):
        sheet.column_dimensions[_letter(n)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _letter(n: int) -> str:
    from ._tabular import column_letter

    return column_letter(n)


def _about(
    book: Workbook, pack: Pack, uses: Sequence[Any], lang: Lang, extra: Sequence[tuple[str, Any]]
) -> None:
    zh = lang == "zh"
    sheet = book.create_sheet("说明" if zh else "about")
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["D"].width = 60
    rows: list[tuple[str, Any]] = [
        ("规则包" if zh else "pack", pack.ref),
        ("内容哈希" if zh else "content hash", pack.content_hash),
        ("文件" if zh else "document", pack.document.title),
        ("发文单位" if zh else "issuer", pack.document.issuer),
        ("文号" if zh else "number", pack.document.doc_number or "—"),
        *extra,
    ]
    for key, value in rows:
        sheet.append([key, value])
    sheet.append([])
    sheet.append(
        [
            "解释口径" if zh else "interpretation",
            "取值" if zh else "value",
            "是否默认" if zh else "default",
            "说明" if zh else "question",
        ]
    )
    for use in uses:
        sheet.append([use.id, use.value, "是" if use.default else "否", use.label.get(lang)])


def _rejections(
    book: Workbook, rejected: Sequence[Rejection], notices: Sequence[Notice], lang: Lang
) -> None:
    zh = lang == "zh"
    header = (
        ["位置", "集合", "序号", "编号", "字段", "列", "原因"]
        if zh
        else [
            "location",
            "collection",
            "index",
            "id",
            "field",
            "column",
            "reason",
        ]
    )
    sheet = _sheet(book, "未处理记录" if zh else "rejected", header, (36, 14, 8, 14, 28, 6, 80))
    for r in rejected:
        for e in r.errors:
            sheet.append(
                [
                    r.location or r.where(lang),
                    r.collection,
                    r.index,
                    r.id,
                    e.field,
                    e.column,
                    e.message.get(lang),
                ]
            )
    for n in notices:
        if n.error:
            sheet.append([n.location, None, None, None, None, None, n.message.get(lang)])


def write_score_workbook(
    report: ScoreReport,
    pack: Pack,
    path: str | Path,
    *,
    lang: Lang = "zh",
    notices: Sequence[Notice] = (),
) -> Path:
    """Write a score report: a sheet of results per rubric, the item details, rejected rows."""
    from openpyxl import Workbook

    zh = lang == "zh"
    book = Workbook(write_only=True)
    _about(
        book,
        pack,
        report.interpretations,
        lang,
        [("记录数" if zh else "records", len(report.results))],
    )
    rubrics = [r for r in pack.definition.rubrics if any(s.rubric == r.id for s in report.results)]
    worst = {r.id: r.grades.grades[-1].id for r in pack.definition.rubrics}
    for rubric in rubrics:
        labels = [i.label.get(lang) for i in rubric.items]
        header = [
            "编号" if zh else "id",
            *labels,
            "得分" if zh else "total",
            "可得分" if zh else "reachable",
            "总分" if zh else "declared total",
            "等次" if zh else "grade",
            "是否合格" if zh else "pass",
            "一票否优" if zh else "veto",
        ]
        title = f"评分 {rubric.id}" if zh else f"scores {rubric.id}"
        sheet = _sheet(book, title, header, (12, *[14] * len(labels), 10, 10, 10, 10, 10, 20))
        for result in report.results:
            if result.rubric != rubric.id:
                continue
            points = {i.id: i.points for i in result.items}
            sheet.append(
                [
                    result.id,
                    *[_plain(points.get(i.id)) for i in rubric.items],
                    _plain(result.total),
                    _plain(result.max),
                    _plain(result.declared_total),
                    result.grade if zh else result.grade_en,
                    ("否" if zh else "no")
                    if result.grade_id == worst[rubric.id]
                    else ("是" if zh else "yes"),
                    "；".join(v.label.get(lang) for v in result.vetoes) or None,
                ]
            )
    # what cost points: every applicable item below its maximum, with the reason and the section
    header = (
        ["编号", "细则", "项目", "得分", "满分", "说明", "出处"]
        if zh
        else [
            "id",
            "rubric",
            "item",
            "points",
            "max",
            "reason",
            "section",
        ]
    )
    details = _sheet(book, "失分说明" if zh else "points lost", header, (12, 14, 24, 8, 8, 60, 16))
    for result in report.results:
        for item in result.items:
            if not item.applicable or item.bonus or item.points >= item.max:
                continue
            details.append(
                [
                    result.id,
                    result.rubric,
                    item.label.get(lang),
                    _plain(item.points),
                    _plain(item.max),
                    item.reason.get(lang),
                    item.source.section,
                ]
            )
    # each item's citation once (the details name the section; the quote is here)
    header = (
        ["细则", "项目", "项目编号", "满分", "出处", "原文"]
        if zh
        else [
            "rubric",
            "item",
            "item id",
            "points",
            "section",
            "quote",
        ]
    )
    citations = _sheet(book, "出处" if zh else "sources", header, (14, 24, 18, 8, 16, 90))
    for rubric in rubrics:
        for spec in rubric.items:
            citations.append(
                [
                    rubric.id,
                    spec.label.get(lang),
                    spec.id,
                    _plain(spec.points),
                    spec.source.section,
                    spec.source.quote,
                ]
            )
    _rejections(book, report.rejected, notices, lang)
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    book.save(file)
    return file


def _findings_sheet(
    book: Workbook, title: str, first: str, rows: Sequence[tuple[str | None, Any]], lang: Lang
) -> None:
    """One row per finding: who it is about, the requirement, status, values, message and citation."""
    zh = lang == "zh"
    header = [
        first,
        *(
            ["要求", "结论", "实际", "要求值", "说明", "出处", "原文"]
            if zh
            else ["requirement", "status", "observed", "expected", "message", "section", "quote"]
        ),
    ]
    sheet = _sheet(book, title, header, (14, 24, 10, 24, 24, 60, 16, 80))
    for who, f in rows:
        sheet.append(
            [
                who,
                f.label.get(lang),
                f.status.label.get(lang),
                _plain(f.observed),
                _plain(f.expected),
                f.message.get(lang),
                f.source.section if f.source is not None else None,
                f.source.quote if f.source is not None else None,
            ]
        )


def write_check_workbook(
    report: CheckReport,
    pack: Pack,
    path: str | Path,
    *,
    lang: Lang = "zh",
    notices: Sequence[Notice] = (),
) -> Path:
    """Write a check report: statuses per record, findings with citations, groups, progress."""
    from openpyxl import Workbook

    zh = lang == "zh"
    book = Workbook(write_only=True)
    extra: list[tuple[str, Any]] = [
        ("评估日期" if zh else "as of", report.as_of.isoformat() if report.as_of else None)
    ]
    if report.progress is not None:
        extra.append(("进度" if zh else "progress", report.progress.message.get(lang)))
    _about(book, pack, report.interpretations, lang, extra)
    requirements = list(pack.definition.requirements)
    by_collection: dict[str, list[Any]] = {}
    for result in report.results:
        by_collection.setdefault(result.collection, []).append(result)
    for collection, results in by_collection.items():
        reqs = [r for r in requirements if r.collection == collection]
        header = [
            "编号" if zh else "id",
            *[r.label.get(lang) for r in reqs],
            "是否通过" if zh else "passed",
        ]
        sheet = _sheet(
            book,
            f"检查 {collection}" if zh else f"check {collection}",
            header,
            (12, *[16] * len(reqs), 10),
        )
        for result in results:
            status = {f.requirement: f.status.label.get(lang) for f in result.findings}
            sheet.append(
                [
                    result.id,
                    *[status.get(r.id) for r in reqs],
                    ("是" if zh else "yes") if result.passed else ("否" if zh else "no"),
                ]
            )
    _findings_sheet(
        book,
        "检查明细" if zh else "findings",
        ("编号" if zh else "id"),
        [(result.id, f) for result in report.results for f in result.findings],
        lang,
    )
    if report.groups:
        _findings_sheet(
            book,
            "汇总检查" if zh else "groups",
            ("分组" if zh else "group"),
            [(f.group or f.record, f) for f in report.groups],
            lang,
        )
    if report.milestones:
        header = (
            ["截止日期", "节点", "状态", "进度值", "应完成比例", "出处"]
            if zh
            else [
                "due",
                "milestone",
                "state",
                "progress",
                "target share",
                "section",
            ]
        )
        sheet = _sheet(book, "时间节点" if zh else "milestones", header, (12, 50, 10, 10, 12, 20))
        for m in report.milestones:
            sheet.append(
                [
                    m.due.isoformat(),
                    m.label.get(lang),
                    m.state.label.get(lang),
                    _plain(m.progress),
                    _plain(m.target_share),
                    m.source.section,
                ]
            )
    _rejections(book, report.rejected, notices, lang)
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    book.save(file)
    return file
