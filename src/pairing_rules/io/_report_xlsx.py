"""Score workbooks a county can print and file: names, points, grades, summaries, citations.

Written with :mod:`pairing_rules.io._xlsx`: every cell from input or pack text
is a text cell, every sheet prints on A4 landscape one page wide with a title
row, its header repeated and the pack and date in the footer, and the file
appears only when it is complete.  Scores are written as records are scored
(:class:`ScoreWorkbook`), so a province's results need no more memory than one
record's explanation (a ranking, ``--sort total``, keeps each record's row).
Nothing in a Chinese workbook is an identifier: rubrics, grades, fields and
interpretations are named by their labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .._dataset import Notice, Rejection
from .._explain import item_parts
from .._i18n import Lang, Text
from .._interpret import NOT_SCORED, SKIPPED
from .._numbers import json_number
from .._plan import ThresholdPlan
from .._words import date_text, vocabulary
from ._score_rows import (
    ReportOptions,
    ScoreRow,
    ScoreSummary,
    ordered,
    ranks,
    row_of,
    rubric_name,
    veto_lines,
)
from ._xlsx import Sheet, Tail, Workbook

if TYPE_CHECKING:
    from .._pack import Pack
    from .._plan import RubricPlan
    from .._scoring import Explanation

_YES: Final = Text(zh="是", en="yes")
_NO: Final = Text(zh="否", en="no")
#: how many ready-made ends of rows (the cells after a record's id and name) are kept, of each
#: sheet's rows
_KEPT: Final = 100_000


def plain(value: Any) -> Any:
    """A value as a workbook cell shows it (a number as a number, a yes/no in words)."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def report_book(path: str | Path, pack: Pack, title: str, options: ReportOptions) -> Workbook:
    """A report workbook: ``title`` in the printed header, the pack and the date in the footer."""
    created = options.dated.date
    zh = options.lang == "zh"
    footer = (
        f"规则包 {pack.ref} · 报告日期 {date_text(created, 'zh')}"
        if zh
        else f"pack {pack.ref} · report date {created.isoformat()}"
    )
    return Workbook(path, created=created, header_text=title, footer_text=footer, title=title)


def about_sheet(book: Workbook, pack: Pack, title: str, lang: Lang) -> Sheet:
    """The first sheet (说明): filled by :func:`fill_about` when the report is complete."""
    zh = lang == "zh"
    return book.add_sheet("说明" if zh else "about", [], (22, 70, 12, 60), wrap=[1, 3], title=title)


def fill_about(
    sheet: Sheet,
    pack: Pack,
    uses: Sequence[Any],
    options: ReportOptions,
    extra: Sequence[tuple[str, Any]],
) -> None:
    """The pack, the document, the date and the interpretations used."""
    lang = options.lang
    zh = lang == "zh"
    rows: list[tuple[str, Any]] = [
        ("文件" if zh else "document", pack.document.title),
        ("发文单位" if zh else "issuer", pack.document.issuer),
        ("文号" if zh else "number", pack.document.doc_number or "—"),
        ("规则包版本" if zh else "pack", pack.ref),
        ("内容哈希" if zh else "content hash", pack.content_hash),
        ("报告日期" if zh else "report date", options.dated.render(options.lang)),
        *extra,
    ]
    for key, value in rows:
        sheet.append([key, value])
    if not uses:
        return
    words = vocabulary(pack)
    sheet.append([])
    sheet.append(
        [
            "所用解释口径" if zh else "interpretation",
            "所取口径" if zh else "reading taken",
            "是否默认" if zh else "default",
        ]
    )
    for use in uses:
        sheet.append(
            [
                words.question(use.id, lang),
                words.answer(use.id, use.value, lang),
                (_YES if use.default else _NO).get(lang),
            ]
        )


def rejections_sheet(
    book: Workbook,
    pack: Pack,
    rejected: Sequence[Rejection],
    notices: Sequence[Notice],
    title: str,
    lang: Lang,
) -> None:
    """未处理记录: where each rejected row is, what is wrong and why (every field by its label)."""
    zh = lang == "zh"
    words = vocabulary(pack)
    header = (
        ["位置", "类别", "序号", "编号", "字段", "列", "原因"]
        if zh
        else ["location", "kind", "number", "id", "field", "column", "reason"]
    )
    sheet = book.add_sheet(
        "未处理记录" if zh else "rejected",
        header,
        (30, 10, 6, 12, 20, 6, 80),
        wrap=[6],
        title=title,
        fit=True,
    )
    for r in rejected:
        model = pack.record_types.get(r.collection)
        noun = model.NOUN.get(lang) if model is not None else r.collection
        for e in r.errors:
            sheet.append(
                [
                    r.where(lang),
                    noun,
                    r.index + 1,
                    r.id,
                    words.field(e.field, lang) if e.field else None,
                    e.column,
                    e.message.get(lang),
                ]
            )
    for n in notices:
        if n.error:
            where = n.loc.render(lang) if n.loc is not None else n.location
            sheet.append([where, None, None, None, None, None, n.message.get(lang)])


@dataclass(frozen=True, slots=True)
class _PlanLayout:
    """A rubric's results sheet, its items' columns, grades and the items that lose points."""

    sheet: Sheet
    #: the points of each item column from the points of the plan's items (``None`` for an
    #: item gated out)
    pick: Callable[[Sequence[Decimal]], Sequence[Decimal | None]]
    #: each grade's label and whether it passes
    grades: tuple[tuple[str, str], ...]
    #: (position, item, maximum, label, section) of each item that is not a bonus
    items: tuple[tuple[int, Any, Decimal, str, str], ...]
    rubric: str
    #: the cells of a results row after the id and name (and group), by their values: few
    #: records have results of their own
    ends: dict[tuple[Any, ...], Tail]


def _picker(positions: Sequence[int | None]) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """The values at ``positions`` of a sequence (``None`` for a position ``None``)."""
    if len(positions) > 1 and None not in positions:
        return itemgetter(*positions)

    def pick(values: Sequence[Any]) -> Sequence[Any]:
        return [None if n is None else values[n] for n in positions]

    return pick


class ScoreWorkbook:
    """A score report written as records are scored.

    Sheets: 说明 (the document, the pack, the date, the interpretations), 汇总 (per
    rubric: records, mean, lowest, highest, grades in grade order; per group with
    ``--by``), one sheet of results per rubric (id, name, every item, total, grade,
    what a veto did), 失分说明 (every applicable item below its maximum, with its
    reason and section), 出处 (each item's quote) and 未处理记录 (the rejected rows).
    Call :meth:`add` for each scored record and :meth:`finish` at the end;
    :meth:`discard` leaves no file behind.
    """

    def __init__(
        self,
        pack: Pack,
        plans: Sequence[RubricPlan],
        path: str | Path,
        *,
        interpretations: Sequence[Any],
        options: ReportOptions,
    ) -> None:
        lang = options.lang
        zh = lang == "zh"
        self.pack = pack
        self.plans = list(plans)
        self.options = options
        self.lang = lang
        self.interpretations = list(interpretations)
        self.title = f"{pack.definition.label.get(lang)} · {'评分报告' if zh else 'Score report'}"
        self.book = report_book(path, pack, self.title, options)
        self.count = 0
        self.summary = ScoreSummary(self.plans)
        self._held: list[tuple[ScoreRow, list[Any]]] = []
        # the first sheets are filled at the end, when the summaries are known
        self._about = about_sheet(self.book, pack, self.title, lang)
        self._summary = self.book.add_sheet(
            "汇总" if zh else "summary",
            self._summary_header(groups=False),
            (24, 8, 8, 8, 8, *[8] * self._grade_width()),
            title=self.title,
            fit=True,
        )
        self._by_group = (
            self.book.add_sheet(
                f"按{self._by_label()}汇总" if zh else f"by {self._by_label()}",
                self._summary_header(groups=True),
                (16, 24, 8, 8, 8, 8, *[8] * self._grade_width()),
                title=self.title,
                fit=True,
            )
            if options.by
            else None
        )
        self._sheets: dict[str, tuple[Sheet, list[str], str]] = {}
        ranked = options.order == "total"
        for plan in self.plans:
            rubric = pack.rubric(plan.id)
            header = [
                *(["名次" if zh else "rank"] if ranked else []),
                "编号" if zh else "id",
                "名称" if zh else "name",
                *([self._by_label()] if options.by else []),
                *[i.label.get(lang) for i in rubric.items],
                "得分" if zh else "total",
                "可得分" if zh else "reachable",
                "满分" if zh else "full marks",
                "等次" if zh else "grade",
                "是否合格" if zh else "pass",
                "一票否优" if zh else "veto",
            ]
            fixed = (*([6] if ranked else []), 10, 16, *([10] if options.by else []))
            widths = (*fixed, *[10] * len(rubric.items), 8, 8, 8, 8, 8, 40)
            name = rubric_name(pack, plan.id, lang)
            sheet = self.book.add_sheet(
                name,
                header,
                widths,
                wrap=[len(header) - 1],
                title=f"{rubric.label.get(lang)} · {'评分结果' if zh else 'scores'}",
                fit=True,
            )
            self._sheets[plan.id] = (
                sheet,
                [i.id for i in rubric.items],
                rubric.grades.grades[-1].id,
            )
        header = (
            ["编号", "名称", "考核细则", "项目", "得分", "满分", "说明", "出处"]
            if zh
            else ["id", "name", "rubric", "item", "points", "max", "reason", "section"]
        )
        self._lost = self.book.add_sheet(
            "失分说明" if zh else "points lost",
            header,
            (10, 16, 14, 20, 6, 6, 60, 14),
            wrap=[6],
            title=self.title,
            fit=True,
        )
        self._used: set[str] = set()
        #: the cells of a points-lost row after the id and name, by item, points and values read
        self._tails: dict[tuple[int, int, Any, Any], Tail] = {}
        self._layouts: dict[str, _PlanLayout] = {}

    def _by_label(self) -> str:
        from .._models import field_label

        by = self.options.by or ""
        for plan in self.plans:
            model = self.pack.record_types[plan.collection]
            if by in model.model_fields:
                return field_label(model, by, self.lang)
        return by

    def _grade_labels(self) -> list[str]:
        labels: list[str] = []
        for plan in self.plans:
            for grade in plan.grades:
                label = grade.label.get(self.lang)
                if label not in labels:
                    labels.append(label)
        return labels

    def _grade_width(self) -> int:
        return len(self._grade_labels())

    def _summary_header(self, *, groups: bool) -> list[str]:
        zh = self.lang == "zh"
        return [
            *([self._by_label()] if groups else []),
            "考核细则" if zh else "rubric",
            "记录数" if zh else "records",
            "平均分" if zh else "mean",
            "最低分" if zh else "lowest",
            "最高分" if zh else "highest",
            *self._grade_labels(),
        ]

    def _layout(self, plan: RubricPlan) -> _PlanLayout:
        """What ``add`` writes for every record of ``plan`` alike, made once per rubric."""
        layout = self._layouts.get(plan.id)
        if layout is None:
            lang = self.lang
            sheet, item_ids, worst = self._sheets[plan.id]
            position = {item.id: n for n, item in enumerate(plan.items)}
            grades = tuple(
                (g.label.get(lang), (_NO if g.id == worst else _YES).get(lang)) for g in plan.grades
            )
            items = tuple(
                (
                    n,
                    item,
                    item.body.full if isinstance(item.body, ThresholdPlan) else item.body.top,
                    item.label.get(lang),
                    item.source.section,
                )
                for n, item in enumerate(plan.items)
                if not item.bonus
            )
            columns = tuple(position.get(i) for i in item_ids)
            layout = _PlanLayout(
                sheet,
                _picker(columns),
                grades,
                items,
                rubric_name(self.pack, plan.id, lang),
                {},
            )
            self._layouts[plan.id] = layout
            self._used.add(plan.id)
        return layout

    def add(self, explained: Explanation, row: ScoreRow | None = None) -> None:
        """Write one record's results and the points it lost.

        :param row: the record's report row, when already made (made here otherwise).
        """
        lang = self.lang
        plan, outcome = explained.plan, explained.outcome
        if row is None:
            row = row_of(explained, self.count, self.options)
        self.count += 1
        self.summary.add(row)
        layout = self._layouts.get(plan.id) or self._layout(plan)
        points = outcome.items
        grade, passed = layout.grades[outcome.grade]
        head = (row.id, row.name, row.group) if self.options.by else (row.id, row.name)
        results = (
            *layout.pick(points),
            outcome.total,
            outcome.reach,
            plan.declared_total,
            grade,
            passed,
            "；".join(veto_lines(row, lang)) if row.vetoes else None,
        )
        if self.options.order == "input":
            made = layout.ends
            end = made.get(results)
            if end is None:
                end = layout.sheet.tail(results, len(head))
                if len(made) < _KEPT:
                    made[results] = end
            layout.sheet.append_tails(head, (end,))
        else:
            self._held.append((row, [*head, *results]))
        lost = self._lost
        tails = self._tails
        trace = explained.trace
        ends: list[Tail] = []
        for n, item, top, label, section in layout.items:
            got = points[n]
            detail = trace[n]
            if detail is SKIPPED or detail is NOT_SCORED or got >= top:
                continue
            # the same item, points and values read give the same reason, and the same cells
            # after the record's id and name: made once
            key = (n, id(item), got, detail)
            tail = tails.get(key)
            if tail is None:
                _top, _low, reason_zh, reason_en, _c = item_parts(item, got, detail)
                reason = reason_zh if lang == "zh" else reason_en
                tail = lost.tail((layout.rubric, label, got, top, reason, section), 2)
                if len(tails) < _KEPT:
                    tails[key] = tail
            ends.append(tail)
        if ends:
            lost.append_tails((row.id, row.name), ends)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> Path:
        """Write the held rows, the summaries, the citations and the rejected rows; put the
        file in place."""
        lang = self.lang
        zh = lang == "zh"
        pack = self.pack
        if self._held:
            rows = ordered([r for r, _c in self._held], self.options.order, self.plans)
            cells = {r.position: c for r, c in self._held}
            places = ranks(rows) if self.options.order == "total" else []
            for n, row in enumerate(rows):
                sheet = self._sheets[row.plan.id][0]
                sheet.append([*([places[n]] if places else []), *cells[row.position]])
            self._held.clear()
        fill_about(
            self._about,
            pack,
            self.interpretations,
            self.options,
            [
                ("评分记录数" if zh else "records scored", self.count),
                ("未处理记录数" if zh else "records rejected", len(rejected)),
            ],
        )
        grade_columns = self._grade_labels()
        summaries: list[tuple[bool, Sheet | None]] = [
            (False, self._summary),
            (True, self._by_group),
        ]
        for groups, target in summaries:
            if target is None:
                continue
            for line in self.summary.lines(pack, lang, groups=groups):
                tally = line.tally
                counts = {
                    g.label.get(lang): n
                    for g, n in zip(line.plan.grades, tally.grades, strict=True)
                }
                target.append(
                    [
                        *([line.group] if groups else []),
                        line.rubric,
                        tally.count,
                        plain(tally.mean),
                        plain(tally.low),
                        plain(tally.high),
                        *[counts.get(label, 0) for label in grade_columns],
                    ]
                )
        for rubric_id, (sheet, _ids, _worst) in self._sheets.items():
            if rubric_id not in self._used:
                self.book.drop(sheet)
        header = (
            ["考核细则", "项目", "满分", "出处", "原文"]
            if zh
            else ["rubric", "item", "points", "section", "quote"]
        )
        citations = self.book.add_sheet(
            "出处" if zh else "sources",
            header,
            (14, 20, 6, 14, 90),
            wrap=[4],
            title=self.title,
            fit=True,
        )
        for rubric in pack.definition.rubrics:
            if rubric.id not in self._used:
                continue
            name = rubric_name(pack, rubric.id, lang)
            for spec in rubric.items:
                citations.append(
                    [
                        name,
                        spec.label.get(lang),
                        plain(spec.points),
                        spec.source.section,
                        spec.source.quote,
                    ]
                )
        rejections_sheet(self.book, pack, rejected, notices, self.title, lang)
        return self.book.save()

    def discard(self) -> None:
        """Leave no file behind (the target is untouched)."""
        self.book.discard()
