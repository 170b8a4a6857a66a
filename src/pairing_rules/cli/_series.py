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
    from .._pack import Pack
    from .._series import Series


def target(args: argparse.Namespace) -> None:
    """Exactly one of PACK and ``--series``."""
    if args.pack is not None and args.series is not None:
        raise UsageError(
            f"请只给出规则包（{args.pack}）或 --series（{args.series}）之一",
            f"give either a pack ({args.pack}) or --series ({args.series}), not both",
        )
    if args.pack is None and args.series is None:
        # one word was given, and it was read as the input: the pack or the input is missing
        raise UsageError(
            "缺少必填参数：需要规则包编号和输入文件（或 --series 系列编号和输入文件）",
            "the following arguments are required: PACK and INPUT (or --series SERIES and INPUT)",
        )


def series_of(series_id: str) -> Series:
    """The installed series ``series_id`` (a user's mistake as a :class:`UsageError`)."""
    from .._series import SeriesError, UnknownSeriesError, get_series

    try:
        return get_series(series_id)
    except (SeriesError, UnknownSeriesError) as exc:
        raise UsageError(exc.text.zh, exc.text.en) from None


def _json_out(args: argparse.Namespace) -> None:
    """Refuse ``--out`` before any work unless it can take the series' JSON."""
    out = args.out
    if out is None:
        return
    from pathlib import Path

    from ..io._output import check_target

    if Path(out).suffix.lower() != ".json":
        raise UsageError(
            f"按系列处理时 --out 只支持 .json，收到 {out!r}",
            f"with --series, --out writes .json only, got {out!r}",
        )
    check_target(out, reads=[args.input], force=args.force, suffixes=(".json",))


def _pack_of(series: Series, ref: str) -> Pack:
    """The pack of ``series`` whose reference (``id@version``) a part names."""
    return next(p for p in series.packs if p.ref == ref)


def _write(report: Any, out: str | None) -> None:
    if out is not None:
        from ..io._atomic import write_text

        write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), out)


def _period_line(part: Any, pack: Pack, lang: Lang) -> str:
    period = part.period.render(lang, written=True) if part.period is not None else ""
    label = pack.definition.label.get(lang)
    return (
        f"{label}（{part.pack}）  适用期：{period}"
        if lang == "zh"
        else f"{label} ({part.pack})  period: {period}"
    )


def score(args: argparse.Namespace, lang: Lang) -> int:
    """``pairing-rules score --series ID INPUT``."""
    from .._numbers import format_number
    from ..io._readers import read_dataset
    from . import _render
    from ._rich import SafeTable as Table

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
    _json_out(args)
    from .._scoring import score as score_records

    dataset = read_dataset(args.input, series.record_types, series.collections())
    report = score_records(
        series,
        dataset,
        rubric=args.rubric,
        interpretations=overrides_of(args),
        outside_period=args.outside_period,
    )
    report = report.model_copy(update={"notices": list(dataset.notices)})
    _write(report, args.out)
    if args.format == "json":
        print_json(report.model_dump(mode="json"))
    else:
        console = _render._console()
        zh = lang == "zh"
        console.print(f"{'系列' if zh else 'series'} {series.id}", style="bold")
        for part in report.parts:
            table = Table(title=_period_line(part, _pack_of(series, part.pack), lang))
            heads = (("编号", "id"), ("名称", "name"), ("年度", "year"), ("考核细则", "rubric"))
            for head in (*heads, ("得分", "total"), ("等次", "grade")):
                table.add_column(head[0] if zh else head[1])
            for sheet in part.results:
                year = sheet.period.year if sheet.period is not None else None
                table.add_row(
                    sheet.id,
                    sheet.name or "",
                    "" if year is None else str(year),
                    sheet.rubric_label.get(lang),
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
    _json_out(args)
    dataset = read_dataset(args.input, series.record_types, series.collections())
    report = check_records(
        series,
        dataset,
        as_of=as_of,
        interpretations=overrides_of(args),
        outside_period=args.outside_period,
    )
    report = report.model_copy(update={"notices": list(dataset.notices)})
    _write(report, args.out)
    if args.format == "json":
        print_json(report.model_dump(mode="json"))
    else:
        console = _render._console()
        console.print(f"{'系列' if lang == 'zh' else 'series'} {series.id}", style="bold")
        from ._check_text import check_text
        from ._commands import report_options

        for part in report.parts:
            pack = _pack_of(series, part.pack)
            console.print(_period_line(part, pack, lang))
            check_text(part, pack, report_options(args, lang, pack, pack.collections()))
    _render.notices_to_stderr(dataset.notices, lang)
    _render.rejections_to_stderr(report.rejected, lang, report=args.out)
    if report.rejected or any(n.error for n in dataset.notices):
        return EXIT_USER
    if args.fail_on_unmet and report.unmet:
        return EXIT_UNMET
    return EXIT_OK
