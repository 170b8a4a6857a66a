"""``pairing-rules score --series`` and ``check --series``: each record on the pack of its year.

A series is scored or checked as a whole (its records are split by year before
any pack runs), so its reports are written when every record is done: the JSON
(``--format json``, ``--out FILE.json``) has one part per pack, each the report
of that pack; the text names each pack with its period.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ._shared import (
    EXIT_OK,
    EXIT_UNMET,
    EXIT_USER,
    UsageError,
    overrides_of,
    parse_date,
    print_json,
)

if TYPE_CHECKING:
    from .._i18n import Lang
    from .._series import Series


def target(args: argparse.Namespace) -> None:
    """Exactly one of PACK and ``--series``."""
    if args.pack is not None and args.series is not None:
        raise UsageError(
            f"请只给出规则包（{args.pack}）或 --series（{args.series}）之一",
            f"give either a pack ({args.pack}) or --series ({args.series}), not both",
        )
    if args.pack is None and args.series is None:
        raise UsageError(
            "请给出规则包编号，或用 --series 给出系列编号",
            "give a pack id, or a series id with --series",
        )


def series_of(series_id: str) -> Series:
    """The installed series ``series_id`` (a user's mistake as a :class:`UsageError`)."""
    from .._series import SeriesError, UnknownSeriesError, get_series

    try:
        return get_series(series_id)
    except (SeriesError, UnknownSeriesError) as exc:
        raise UsageError(exc.text.zh, exc.text.en) from None


def _json_out(out: str | None) -> None:
    if out is None:
        return
    from pathlib import Path

    if Path(out).suffix.lower() != ".json":
        raise UsageError(
            f"按系列处理时 --out 只支持 .json，收到 {out!r}",
            f"with --series, --out writes .json only, got {out!r}",
        )


def _write(report: Any, out: str | None) -> None:
    if out is not None:
        from ..io._atomic import write_text

        write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), out)


def _period_line(part: Any, lang: Lang) -> str:
    period = part.period.render(lang) if part.period is not None else ""
    return (
        f"{part.pack}  {part.pack_hash}  适用期：{period}"
        if lang == "zh"
        else (f"{part.pack}  {part.pack_hash}  period: {period}")
    )


def score(args: argparse.Namespace, lang: Lang) -> int:
    """``pairing-rules score --series ID INPUT``."""
    from rich.table import Table

    from .._numbers import format_number
    from ..io._readers import read_dataset
    from . import _render

    series = series_of(args.series)
    known = {r.id for p in series.packs for r in p.definition.rubrics}
    if args.rubric is not None and args.rubric not in known:
        raise UsageError(
            f"系列 {series.id} 没有考核细则 {args.rubric}；可选：{', '.join(sorted(known))}",
            f"the series {series.id} has no rubric {args.rubric}; choose one of: "
            f"{', '.join(sorted(known))}",
        )
    if args.as_of:
        parse_date(args.as_of)
    _json_out(args.out)
    from .._scoring import score as score_records

    dataset = read_dataset(args.input, series.record_types, series.collections())
    report = score_records(
        series,
        dataset,
        rubric=args.rubric,
        interpretations=overrides_of(args),
        outside_period=args.outside_period,
    )
    _write(report, args.out)
    if args.format == "json":
        print_json(
            {**report.as_json(), "notices": [n.model_dump(mode="json") for n in dataset.notices]}
        )
    else:
        console = _render._console()
        zh = lang == "zh"
        console.print(f"{'系列' if zh else 'series'} {series.id}", style="bold")
        for part in report.parts:
            table = Table(title=_period_line(part, lang))
            for head in (("编号", "id"), ("年度", "year"), ("细则", "rubric"), ("得分", "total")):
                table.add_column(head[0] if zh else head[1])
            table.add_column("等次" if zh else "grade")
            for sheet in part.results:
                year = sheet.period.year if sheet.period is not None else None
                table.add_row(
                    sheet.id,
                    "" if year is None else str(year),
                    sheet.rubric,
                    format_number(sheet.total),
                    sheet.grade if zh else sheet.grade_en,
                )
            console.print(table)
    _render.notices_to_stderr(dataset.notices, lang)
    _render.rejections_to_stderr(report.rejected, lang, report=args.out)
    return EXIT_USER if report.rejected or any(n.error for n in dataset.notices) else EXIT_OK


def check(args: argparse.Namespace, lang: Lang) -> int:
    """``pairing-rules check --series ID INPUT``."""
    from .._engine import check as check_records
    from ..io._readers import read_dataset
    from . import _render

    series = series_of(args.series)
    as_of = parse_date(args.as_of) if args.as_of else None
    _json_out(args.out)
    dataset = read_dataset(args.input, series.record_types, series.collections())
    report = check_records(
        series,
        dataset,
        as_of=as_of,
        interpretations=overrides_of(args),
        outside_period=args.outside_period,
    )
    _write(report, args.out)
    if args.format == "json":
        print_json(
            {**report.as_json(), "notices": [n.model_dump(mode="json") for n in dataset.notices]}
        )
    else:
        console = _render._console()
        console.print(f"{'系列' if lang == 'zh' else 'series'} {series.id}", style="bold")
        for part in report.parts:
            console.print(_period_line(part, lang))
            _render.check_text(part, lang)
    _render.notices_to_stderr(dataset.notices, lang)
    _render.rejections_to_stderr(report.rejected, lang, report=args.out)
    if report.rejected or any(n.error for n in dataset.notices):
        return EXIT_USER
    if args.fail_on_unmet and report.unmet:
        return EXIT_UNMET
    return EXIT_OK
