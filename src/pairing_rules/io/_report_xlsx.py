"""Results workbooks a county can file: scores or findings, with citations and rejected rows.

Written with :mod:`pairing_rules.io._xlsx`: every cell from input or pack text
is a text cell, every sheet prints on A4 landscape one page wide, and the
file appears only when it is complete.  Scores are written as records are
scored (:class:`ScoreWorkbook`), so a province's results need no more memory
than one record's explanation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._dataset import Notice, Rejection
from .._explain import item_parts
from .._i18n import Lang, Text
from .._interpret import NOT_SCORED, SKIPPED
from .._numbers import json_number
from .._plan import ThresholdPlan
from ._xlsx import Sheet, Workbook

if TYPE_CHECKING:
    from .._engine import CheckReport
    from .._pack import Pack
    from .._plan import RubricPlan
    from .._results import ScoreSheet
    from .._scoring import Explanation, ScoreReport

_YES: Final = Text(zh="是", en="yes")
_NO: Final = Text(zh="否", en="no")


def _plain(value: Any) -> Any:
    """A value as a workbook cell shows it (a yes/no in Chinese, a list or object as text)."""
    import json

    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _book(path: str | Path, pack: Pack, title: str, created: dt.date) -> Workbook:
    return Workbook(
        path,
        created=created,
        header_text=title,
        footer_text=f"{pack.ref} · {created.isoformat()}",
        title=title,
    )


def _about(
    book: Workbook, pack: Pack, uses: Sequence[Any], lang: Lang, extra: Sequence[tuple[str, Any]]
) -> None:
    zh = lang == "zh"
    sheet = book.add_sheet("说明" if zh else "about", [], (36, 70, 12, 60), wrap=[1, 3])
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
        else ["location", "collection", "index", "id", "field", "column", "reason"]
    )
    sheet = book.add_sheet(
        "未处理记录" if zh else "rejected", header, (36, 14, 8, 14, 28, 6, 80), wrap=[6]
    )
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


class ScoreWorkbook:
    """A score report written as records are scored.

    Sheets: 说明 (the pack, the interpretations, the number of records), one
    sheet of results per rubric, 失分说明 (every applicable item below its
    maximum, with its reason and section), 出处 (each item's quote) and
    未处理记录 (the rejected rows).  Call :meth:`add` for each scored record and
    :meth:`finish` at the end; :meth:`discard` leaves no file behind.
    """

    def __init__(
        self,
        pack: Pack,
        plans: Sequence[RubricPlan],
        path: str | Path,
        *,
        interpretations: Sequence[Any],
        lang: Lang = "zh",
        created: dt.date,
    ) -> None:
        zh = lang == "zh"
        self.pack = pack
        self.lang = lang
        self.interpretations = list(interpretations)
        title = f"{pack.definition.label.get(lang)} · {'评分报告' if zh else 'Score report'}"
        self.book = _book(path, pack, title, created)
        self.count = 0
        # the about sheet comes first; it is filled at the end, when the count is known
        self._about = self.book.add_sheet(
            "说明" if zh else "about", [], (36, 70, 12, 60), wrap=[1, 3]
        )
        self._sheets: dict[str, tuple[Sheet, list[str], str]] = {}
        for plan in plans:
            rubric = pack.rubric(plan.id)
            header = [
                "编号" if zh else "id",
                *[i.label.get(lang) for i in rubric.items],
                "得分" if zh else "total",
                "可得分" if zh else "reachable",
                "总分" if zh else "declared total",
                "等次" if zh else "grade",
                "是否合格" if zh else "pass",
                "一票否优" if zh else "veto",
            ]
            widths = (12, *[14] * len(rubric.items), 10, 10, 10, 10, 10, 20)
            sheet = self.book.add_sheet(
                f"评分 {plan.id}" if zh else f"scores {plan.id}", header, widths
            )
            self._sheets[plan.id] = (
                sheet,
                [i.id for i in rubric.items],
                rubric.grades.grades[-1].id,
            )
        header = (
            ["编号", "细则", "项目", "得分", "满分", "说明", "出处"]
            if zh
            else ["id", "rubric", "item", "points", "max", "reason", "section"]
        )
        self._lost = self.book.add_sheet(
            "失分说明" if zh else "points lost", header, (12, 14, 24, 8, 8, 60, 16), wrap=[5]
        )
        self._used: set[str] = set()
        self._reasons: dict[tuple[int, Any, Any], tuple[Any, str]] = {}

    def add(self, explained: Explanation) -> None:
        """Write one record's results and the points it lost."""
        lang = self.lang
        zh = lang == "zh"
        plan, outcome, record = explained.plan, explained.outcome, explained.record
        sheet, item_ids, worst = self._sheets[plan.id]
        self._used.add(plan.id)
        self.count += 1
        rid = record.key
        points = dict(zip((i.id for i in plan.items), outcome.items, strict=True))
        grade = plan.grades[outcome.grade]
        sheet.append(
            [
                rid,
                *[points.get(i) for i in item_ids],
                outcome.total,
                outcome.reach,
                plan.declared_total,
                grade.label.get(lang),
                (_NO if grade.id == worst else _YES).get(lang),
                "；".join(plan.vetoes[n].label.get(lang) for n in outcome.vetoes) or None,
            ]
        )
        lost = self._lost
        reasons = self._reasons
        for item, got, detail in zip(plan.items, outcome.items, explained.trace, strict=True):
            if detail is SKIPPED or detail is NOT_SCORED or item.bonus:
                continue
            body = item.body
            if got >= (body.full if isinstance(body, ThresholdPlan) else body.top):
                continue
            # the same item, points and values read give the same reason: made once
            key = (id(item), got, detail)
            known = reasons.get(key)
            if known is None:
                top, _low, reason_zh, reason_en, _c = item_parts(item, got, detail)
                known = (top, reason_zh if zh else reason_en)
                if len(reasons) < 100_000:
                    reasons[key] = known
            lost.append(
                [rid, plan.id, item.label.get(lang), got, known[0], known[1], item.source.section]
            )

    def add_sheet(self, result: ScoreSheet) -> None:
        """Write one record's results from its score sheet (the same rows as :meth:`add`)."""
        lang = self.lang
        sheet, item_ids, worst = self._sheets[result.rubric]
        self._used.add(result.rubric)
        self.count += 1
        points = {i.id: i.points for i in result.items}
        sheet.append(
            [
                result.id,
                *[_plain(points.get(i)) for i in item_ids],
                _plain(result.total),
                _plain(result.max),
                _plain(result.declared_total),
                result.grade if lang == "zh" else result.grade_en,
                (_NO if result.grade_id == worst else _YES).get(lang),
                "；".join(v.label.get(lang) for v in result.vetoes) or None,
            ]
        )
        for item in result.items:
            if not item.applicable or item.bonus or item.points >= item.max:
                continue
            self._lost.append(
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

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> Path:
        """Write the citations, the rejected rows and the summary; put the file in place."""
        lang = self.lang
        zh = lang == "zh"
        pack = self.pack
        about = self._about
        rows: list[tuple[str, Any]] = [
            ("规则包" if zh else "pack", pack.ref),
            ("内容哈希" if zh else "content hash", pack.content_hash),
            ("文件" if zh else "document", pack.document.title),
            ("发文单位" if zh else "issuer", pack.document.issuer),
            ("文号" if zh else "number", pack.document.doc_number or "—"),
            ("记录数" if zh else "records", self.count),
        ]
        for key, value in rows:
            about.append([key, value])
        about.append([])
        about.append(
            [
                "解释口径" if zh else "interpretation",
                "取值" if zh else "value",
                "是否默认" if zh else "default",
                "说明" if zh else "question",
            ]
        )
        for use in self.interpretations:
            about.append([use.id, use.value, "是" if use.default else "否", use.label.get(lang)])
        for rubric_id, (sheet, _ids, _worst) in self._sheets.items():
            if rubric_id not in self._used:
                self.book.drop(sheet)
        header = (
            ["细则", "项目", "项目编号", "满分", "出处", "原文"]
            if zh
            else ["rubric", "item", "item id", "points", "section", "quote"]
        )
        citations = self.book.add_sheet(
            "出处" if zh else "sources", header, (14, 24, 18, 8, 16, 90), wrap=[5]
        )
        for rubric in pack.definition.rubrics:
            if rubric.id not in self._used:
                continue
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
        _rejections(self.book, rejected, notices, lang)
        return self.book.save()

    def discard(self) -> None:
        """Leave no file behind (the target is untouched)."""
        self.book.discard()


def write_score_workbook(
    report: ScoreReport,
    pack: Pack,
    path: str | Path,
    *,
    lang: Lang = "zh",
    notices: Sequence[Notice] = (),
    created: dt.date | None = None,
) -> Path:
    """Write a score report: a sheet of results per rubric, the item details, rejected rows."""
    from .._fields import record_spec

    choices = pack.choices({u.id: u.value for u in report.interpretations})
    plans = [
        r.bind(choices, record_spec(pack.record_types[r.collection]))
        for r in pack.definition.rubrics
    ]
    book = ScoreWorkbook(
        pack,
        plans,
        path,
        interpretations=report.interpretations,
        lang=lang,
        created=created or dt.datetime.now(dt.UTC).date(),
    )
    try:
        for result in report.results:
            book.add_sheet(result)
        return book.finish(report.rejected, notices)
    except BaseException:
        book.discard()
        raise


def _findings_sheet(
    book: Workbook, title: str, first: str, rows: Iterable[tuple[str | None, Any]], lang: Lang
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
    sheet = book.add_sheet(title, header, (14, 24, 10, 24, 24, 60, 16, 80), wrap=[5, 7])
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
    zh = lang == "zh"
    created = report.as_of or dt.datetime.now(dt.UTC).date()
    title = f"{pack.definition.label.get(lang)} · {'检查报告' if zh else 'Check report'}"
    book = _book(path, pack, title, created)
    try:
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
            sheet = book.add_sheet(
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
                        (_YES if result.passed else _NO).get(lang),
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
                else ["due", "milestone", "state", "progress", "target share", "section"]
            )
            sheet = book.add_sheet(
                "时间节点" if zh else "milestones", header, (12, 50, 10, 10, 12, 20), wrap=[1]
            )
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
        return book.save()
    except BaseException:
        book.discard()
        raise
