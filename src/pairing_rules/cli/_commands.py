"""The commands of ``pairing-rules``: each imports what it needs when it runs."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from ._shared import (
    EXIT_OK,
    EXIT_UNMET,
    EXIT_USER,
    UsageError,
    error,
    overrides_of,
    pack_files,
    parse_date,
    print_json,
    say,
)

if TYPE_CHECKING:
    from .._i18n import Lang


def _cmd_packs(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import default_registry
    from . import _render

    registry = default_registry()
    packs = registry.list_packs()
    if args.format == "json":
        print_json([_render.pack_summary(p) for p in packs])
    else:
        _render.packs_table(packs, lang)
    for err in registry.errors:
        who = err.plugin
        if err.distribution is not None:
            who = f"{err.plugin} [{err.distribution} {err.version or ''}]".replace(" ]", "]")
        # the Chinese reason names the stage itself (导入插件时出错…), not by its English code
        error(
            f"已跳过插件 {who}：{err.reason('zh')}"
            if lang == "zh"
            else f"skipped plugin {who} ({err.stage}): {err.reason('en')}"
        )
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    if args.format == "json":
        print_json(_render.pack_detail(pack))
    else:
        _render.show_text(pack, lang)
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import audit
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    report = audit(pack, interpretations=overrides_of(args))
    if args.format == "json":
        print_json(report.as_json())
    else:
        _render.audit_text(report, pack, lang)
    return EXIT_OK


def _cmd_score(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import get_pack
    from .._scoring import Scorer
    from . import _render, _series
    from ._progress import ProgressBar
    from ._score import score_command

    _series.target(args)
    if args.series is not None:
        return _series.score(args, lang)
    pack = get_pack(args.pack)
    if not pack.definition.rubrics:
        raise UsageError(
            f"规则包 {pack.id} 没有考核细则，无法评分", f"pack {pack.id} has no rubric"
        )
    if args.rubric is not None and args.rubric not in {r.id for r in pack.definition.rubrics}:
        known = ", ".join(r.id for r in pack.definition.rubrics)
        raise UsageError(
            f"规则包 {pack.id} 没有考核细则 {args.rubric}；可选：{known}",
            f"pack {pack.id} has no rubric {args.rubric}; choose one of: {known}",
        )
    _check_out(args.out, args)
    scorer = Scorer(
        pack,
        rubric=args.rubric,
        interpretations=overrides_of(args),
        outside_period=args.outside_period,
    )
    options = report_options(args, lang, pack, scorer.collections)
    from ..io._read_ahead import read_ahead
    from ..io._readers import open_records

    stream = open_records(args.input, pack.record_types, pack.collections())
    # a large input is read in a second process while this one scores (same records, in order)
    stream = read_ahead(stream, pack.record_types, size=os.stat(args.input).st_size)
    with (
        stream,
        ProgressBar(None, "评分" if lang == "zh" else "scoring") as bar,
    ):
        rejected = score_command(
            pack,
            scorer,
            iter(stream),
            rejected_reading=stream.rejected,
            notices=stream.notices,
            out=args.out,
            fmt=args.format,
            options=options,
            progress=bar,
        )
    _render.notices_to_stderr(stream.notices, lang)
    _render.rejections_to_stderr(rejected, lang, report=args.out)
    bad_notices = any(n.error for n in stream.notices)
    return EXIT_USER if rejected or bad_notices else EXIT_OK


def report_options(args: argparse.Namespace, lang: Lang, pack: Any, collections: list[str]) -> Any:
    """The options of a report (order, grouping, members, date) from the command line."""
    from .._clock import report_date
    from ..io._score_rows import ReportOptions

    dated = report_date(parse_date(getattr(args, "as_of", None)))
    return ReportOptions(
        lang=lang,
        order=getattr(args, "sort", None) or "input",
        by=grouping_field(pack, collections, getattr(args, "by", None)),
        members=bool(getattr(args, "members", False)),
        as_of=dated.date,
        as_of_given=dated.given,
    )


def grouping_field(pack: Any, collections: list[str], by: str | None) -> str | None:
    """The field ``--by`` names, by its key or its label (``town``, ``乡镇/街道``)."""
    if by is None:
        return None
    from .._models import field_label

    wanted = by.strip()
    choices: list[tuple[str, str]] = []
    for name in collections:
        model = pack.record_types[name]
        for key in model.model_fields:
            labels = {key, field_label(model, key, "zh"), field_label(model, key, "en")}
            if wanted in labels:
                return str(key)
            choices.append((field_label(model, key, "zh"), key))
    listed_zh = "、".join(zh for zh, _key in choices)
    listed_en = ", ".join(key for _zh, key in choices)
    raise UsageError(
        f"--by 应为输入中的一列，如 乡镇/街道 或 学段；收到 {by!r}；可选：{listed_zh}",
        f"--by takes a column of the input, such as town or stage; got {by!r}; choose one of: {listed_en}",
    )


def _check_out(out: str | None, args: argparse.Namespace) -> None:
    """Refuse a report's place before any work: a wrong type, an input, a folder, a workbook
    that is not a report (without ``--force``)."""
    if out is None:
        return
    from ..io._output import check_target

    check_target(
        out, reads=[args.input], force=args.force, suffixes=(".xlsx", ".html", ".htm", ".json")
    )


def _cmd_check(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import check
    from .._registry import get_pack
    from ..io._readers import read_dataset
    from . import _render, _series
    from ._progress import ProgressBar

    _series.target(args)
    if args.series is not None:
        return _series.check(args, lang)
    pack = get_pack(args.pack)
    _check_out(args.out, args)
    options = report_options(args, lang, pack, pack.collections())
    overrides = overrides_of(args)
    pack.choices(overrides)
    dataset = read_dataset(args.input, pack.record_types, pack.collections())
    with ProgressBar(dataset.size, "检查" if lang == "zh" else "checking") as bar:
        report = check(
            pack,
            dataset,
            as_of=options.as_of,
            interpretations=overrides,
            progress_callback=bar,
            outside_period=args.outside_period,
        )
    report = report.model_copy(update={"notices": list(dataset.notices)})
    if args.out:
        from pathlib import Path

        suffix = Path(args.out).suffix.lower()
        if suffix == ".xlsx":
            from ..io._check_xlsx import write_check_workbook

            write_check_workbook(report, pack, args.out, options=options, notices=dataset.notices)
        elif suffix in (".html", ".htm"):
            from ..io._report_html import write_check_html

            write_check_html(report, pack, args.out, options=options, notices=dataset.notices)
        else:
            from ..io._atomic import write_text

            write_text(
                json.dumps(report.as_json(), ensure_ascii=False, indent=2),
                args.out,
                errors="backslashreplace",
            )
    if args.format == "json":
        print_json(report.model_dump(mode="json"))
    else:
        from ._check_text import check_text

        check_text(report, pack, options)
    _render.notices_to_stderr(dataset.notices, lang)
    _render.rejections_to_stderr(report.rejected, lang)
    if report.rejected or any(n.error for n in dataset.notices):
        return EXIT_USER
    if args.fail_on_unmet and report.unmet:
        return EXIT_UNMET
    return EXIT_OK


def _cmd_template(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import get_pack
    from ..io._output import check_target
    from ..io._template import write_template

    pack = get_pack(args.pack)
    if not pack.collections():
        raise UsageError(f"规则包 {pack.id} 不读取任何记录", f"pack {pack.id} reads no records")
    check_target(
        args.out, reads=pack_files(pack), force=args.force, policy="new", suffixes=(".xlsx",)
    )
    path = write_template(pack, args.out, lang=lang)
    say(f"已生成模板：{path}" if lang == "zh" else f"template written: {path}")
    return EXIT_OK


def _cmd_quota(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import quota
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    if not pack.definition.quotas:
        raise UsageError(f"规则包 {pack.id} 没有定额表", f"pack {pack.id} has no quota table")
    known = [q.id for q in pack.definition.quotas]
    if args.table is not None and args.table not in known:
        raise UsageError(
            f"规则包 {pack.id} 没有定额表 {args.table}；可选：{'、'.join(known)}",
            f"pack {pack.id} has no quota table {args.table}; choose one of: {', '.join(known)}",
        )
    report = quota(
        pack, table=args.table, audit_rows=args.audit, interpretations=overrides_of(args)
    )
    if args.format == "json":
        print_json(report.as_json())
    else:
        _render.quota_text(report, pack, lang)
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, lang: Lang) -> int:
    from .._diff import diff
    from ..io._readers import read_dataset
    from . import _authoring, _render

    a = _authoring.load_pack_arg(args.a, UsageError)
    b = _authoring.load_pack_arg(args.b, UsageError)
    data = None
    notices: list[Any] = []
    rejected: list[Any] = []
    if args.input:
        types = {**a.record_types, **b.record_types}
        wanted = list(dict.fromkeys([*a.collections(), *b.collections()]))
        data = read_dataset(args.input, types, wanted)
        notices, rejected = data.notices, data.rejected
    report = diff(a, b, data=data)
    if args.format == "json":
        print_json(report.as_json())
    else:
        _render.diff_text(report, a, b, lang)
    _render.notices_to_stderr(notices, lang)
    _render.rejections_to_stderr(rejected, lang)
    return EXIT_USER if rejected or any(n.error for n in notices) else EXIT_OK


def _cmd_new_pack(args: argparse.Namespace, lang: Lang) -> int:
    from .._scaffold import ScaffoldError, new_pack

    published = parse_date(args.published, "--published")
    try:
        path = new_pack(
            args.id,
            title=args.title,
            source=args.source,
            directory=args.dir,
            issuer=args.issuer,
            doc_number=args.doc_number,
            published=published,
            year=args.year,
            title_en=args.title_en,
        )
    except ScaffoldError as exc:
        raise UsageError(exc.text.zh, exc.text.en) from None
    if lang == "zh":
        say(f"已创建规则包 {args.id}：{path}")
        say(f"下一步：pip install -e {path}，然后 pairing-rules show {args.id}")
    else:
        say(f"pack {args.id} created: {path}")
        say(f"next: pip install -e {path}, then pairing-rules show {args.id}")
    return EXIT_OK


def _cmd_lint(args: argparse.Namespace, lang: Lang) -> int:
    from . import _authoring

    return _authoring.cmd_lint(args, lang, UsageError)


def _cmd_schema(args: argparse.Namespace, lang: Lang) -> int:
    from . import _authoring

    return _authoring.cmd_schema(args, lang, UsageError)


def _cmd_aggregate(args: argparse.Namespace, lang: Lang) -> int:

    from ..io._output import check_target

    out = check_target(args.out, reads=[args.log, args.communities], suffixes=(".parquet", ".json"))
    from .._frames import MissingExtraError

    try:
        from .._aggregate import aggregate_log
        from ..io._table_files import read_table

        result = aggregate_log(read_table(args.log), read_table(args.communities), year=args.year)
    except MissingExtraError as exc:
        raise UsageError(exc.text.zh, exc.text.en) from None
    from ..io._atomic import AtomicFile, write_text

    if out.suffix.lower() == ".parquet":
        import io

        packed = io.BytesIO()  # Polars writes it whole; the file gets it whole or not at all
        result.frame.write_parquet(packed)
        with AtomicFile(out) as file:
            file.write(packed.getvalue())
    else:
        write_text(
            json.dumps(result.as_json(), ensure_ascii=False, indent=2),
            out,
            errors="backslashreplace",
        )
    summary = {
        "year": result.year,
        "log_rows": result.log_rows,
        "log_rows_rejected": sum(1 for r in result.rejected if r.collection == "log"),
        "communities": result.frame.height,
        "communities_rejected": sum(1 for r in result.rejected if r.collection != "log"),
        "out": str(out),
    }
    if args.format == "json":
        print_json(
            {
                **summary,
                "rejected": [r.as_json() for r in result.rejected],
                "notices": [n.model_dump(mode="json") for n in result.notices],
            }
        )
    elif lang == "zh":
        say(
            f"{summary['year']} 年度：日志 {summary['log_rows']} 行（拒收 {summary['log_rows_rejected']} 行），"
            f"教共体 {summary['communities']} 个（拒收 {summary['communities_rejected']} 个），已写出 {out}"
        )
    else:
        say(
            f"{summary['year']}: {summary['log_rows']} log rows ({summary['log_rows_rejected']} rejected), "
            f"{summary['communities']} communities ({summary['communities_rejected']} rejected), written to {out}"
        )
    from . import _render

    _render.notices_to_stderr(result.notices, lang)
    _render.rejections_to_stderr(result.rejected, lang)
    bad = result.rejected or any(n.error for n in result.notices)
    return EXIT_USER if bad else EXIT_OK


def _cmd_coverage(args: argparse.Namespace, lang: Lang) -> int:
    from . import _coverage

    return _coverage.run(args, lang)


def _cmd_serve(args: argparse.Namespace, lang: Lang) -> int:
    from . import _serve

    return _serve.run(args, lang, UsageError)


COMMANDS: Final[dict[str, Callable[[argparse.Namespace, Lang], int]]] = {
    "packs": _cmd_packs,
    "show": _cmd_show,
    "audit": _cmd_audit,
    "score": _cmd_score,
    "check": _cmd_check,
    "quota": _cmd_quota,
    "template": _cmd_template,
    "diff": _cmd_diff,
    "aggregate": _cmd_aggregate,
    "new-pack": _cmd_new_pack,
    "lint": _cmd_lint,
    "schema": _cmd_schema,
    "coverage": _cmd_coverage,
    "serve": _cmd_serve,
}
