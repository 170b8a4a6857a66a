"""Argument parsing and dispatch for ``pairing-rules``.

Start-up imports nothing heavy: each command imports what it needs when it runs.
Exit codes: 0 success; 1 ``--fail-on-unmet`` and something is unmet; 2 a
user's mistake (unknown pack, unreadable input, bad option) or rejected records.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._i18n import Lang

EXIT_OK: Final = 0
EXIT_UNMET: Final = 1
EXIT_USER: Final = 2
#: something went wrong inside pairing-rules (not the user's input)
EXIT_INTERNAL: Final = 70
#: interrupted with Ctrl-C
EXIT_INTERRUPTED: Final = 130
#: standard output was closed before everything was written (``… | head``)
EXIT_PIPE: Final = 141

DESCRIPTION: Final = (
    "pairing-rules：把结对帮扶、城乡义务教育共同体政策文件编码为可引用、可测试的规则包。\n"
    "School-pairing policy documents as cited, testable rule packs."
)


def _common(parser: argparse.ArgumentParser, *, fmt: bool = True) -> None:
    if fmt:
        parser.add_argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="输出格式 / output format (default: text)",
        )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help="消息语言 / language of messages (default: zh)",
    )


def _interpretation_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="INTERPRETATION=VALUE",
        help="覆盖解释口径 / override an interpretation (repeatable)",
    )


def _out_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="写出报告 / write a report: .xlsx (workbook), .html (printable page) or .json",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pairing-rules`` (also used to document the CLI)."""
    parser = argparse.ArgumentParser(
        prog="pairing-rules",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="store_true", help="显示版本 / show the version")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="出现内部错误时显示完整的错误信息 / show the full details of an internal error",
    )
    parser.add_argument(
        "--pack-dist",
        action="append",
        default=[],
        metavar="PACK=DISTRIBUTION",
        help="一个规则包编号由多个发行包提供时采用哪一个 / which distribution provides a pack "
        "id that several installed distributions offer (repeatable)",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="消息语言 / language (default: zh)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("packs", help="列出已安装的规则包 / list installed packs")
    _common(p)

    p = sub.add_parser("show", help="显示规则包的全部条款及出处 / show a pack's provisions")
    p.add_argument("pack", metavar="PACK")
    _common(p)

    p = sub.add_parser("audit", help="文件自身不一致之处 / inconsistencies in the document")
    p.add_argument("pack", metavar="PACK")
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("score", help="按考核细则评分 / score records on a pack's rubrics")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("input", metavar="INPUT", help="输入文件 / input file (.xlsx, .csv, .json)")
    p.add_argument(
        "--rubric", metavar="NAME", help="指定考核细则 / use this rubric for every record"
    )
    p.add_argument(
        "--as-of", metavar="DATE", help="报告中时间节点的日期 / date of the milestones in a report"
    )
    _out_option(p)
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("check", help="检查各项要求 / evaluate a pack's requirements")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("input", metavar="INPUT", help="输入文件 / input file (.xlsx, .csv, .json)")
    p.add_argument("--as-of", metavar="DATE", help="评估日期 YYYY-MM-DD / date (default: today)")
    _out_option(p)
    p.add_argument(
        "--fail-on-unmet",
        action="store_true",
        help="有未达标项时退出码为 1 / exit 1 when something is unmet",
    )
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("template", help="生成填报用的 Excel 模板 / write an input workbook")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("--out", metavar="FILE.xlsx", required=True, help="输出文件 / output workbook")
    _common(p, fmt=False)

    p = sub.add_parser(
        "diff", help="比较两个规则包的条款 / compare two packs provision by provision"
    )
    p.add_argument(
        "a",
        metavar="A",
        help="前一个规则包（编号，或规则包目录、pack.yaml） / the earlier pack (an id, or a pack folder or file)",
    )
    p.add_argument(
        "b",
        metavar="B",
        help="后一个规则包（编号，或规则包目录、pack.yaml） / the later pack (an id, or a pack folder or file)",
    )
    p.add_argument(
        "--input",
        metavar="FILE",
        help="用同一批记录在两个规则包下检查并评分 / check and score these records under both",
    )
    _common(p)

    from . import _authoring

    _authoring.add_parsers(sub, _common, _interpretation_options)

    p = sub.add_parser("new-pack", help="新建规则包骨架 / scaffold a new pack")
    p.add_argument(
        "id", metavar="ID", help="规则包编号，如 cangnan2023 / pack id, e.g. cangnan2023"
    )
    p.add_argument("--title", required=True, help="文件标题 / the document's title")
    p.add_argument(
        "--title-en", help="规则包的英文名称 / the pack's English label (default: Rule pack ID)"
    )
    p.add_argument(
        "--source", required=True, metavar="FILE.txt", help="文件全文 / the document's text"
    )
    p.add_argument(
        "--dir", default="packs", help="放置规则包的目录 / where packs live (default: packs)"
    )
    p.add_argument("--issuer", help="发文单位 / issuing body")
    p.add_argument("--doc-number", help="文号 / document number")
    p.add_argument("--published", metavar="DATE", help="发布日期 YYYY-MM-DD / publication date")
    p.add_argument("--year", type=int, help="文件所属年度 / the year it is about")
    _common(p, fmt=False)

    from . import _coverage

    _coverage.add_parser(sub)

    p = sub.add_parser(
        "aggregate",
        help="把活动日志汇总为教共体年度记录 / count an activity log into community-year records",
    )
    p.add_argument("log", metavar="LOG", help="活动日志 / activity log (.parquet, .csv)")
    p.add_argument(
        "--communities",
        required=True,
        metavar="FILE",
        help="教共体名单（类型、范围、成员校、满意度等） / community table (.parquet, .csv, .json)",
    )
    p.add_argument("--year", type=int, help="统计年度 / the year to count (default: the log's)")
    p.add_argument(
        "--out", required=True, metavar="FILE", help="输出记录 / records out (.parquet or .json)"
    )
    _common(p)

    p = sub.add_parser("quota", help="任务分解表及公式核算 / quota table and formula audit")
    p.add_argument("pack", metavar="PACK")
    p.add_argument("--table", metavar="ID", help="定额表编号 / quota table id")
    p.add_argument("--audit", action="store_true", help="按公式逐行核算 / recompute every row")
    _interpretation_options(p)
    _common(p)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Every mistake of a user's ends in one line in Chinese (or English) and exit
    code 2; Ctrl-C in one line and 130; a closed pipe (``… | head``) quietly in
    141; anything unexpected in a short message saying how to see the details
    (``--debug``), and exit code 70.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    lang: Lang = args.lang
    if args.version:
        from .. import __version__

        print(f"pairing-rules {__version__}")
        return EXIT_OK
    if not args.command:
        parser.print_help()
        return EXIT_USER
    handler = _COMMANDS[args.command]
    if args.pack_dist:
        from .._registry import Registry, parse_choices, use_registry

        use_registry(Registry(choose=parse_choices(",".join(args.pack_dist))))
    from .._interpretations import InterpretationError
    from .._pack import PackError
    from .._registry import PackConflictError, UnknownPackError
    from ..io._errors import InputError

    try:
        return handler(args, lang)
    except InputError as exc:
        _error(exc.render(lang))
    except (UnknownPackError, InterpretationError, PackConflictError, PackError) as exc:
        _error(exc.text.get(lang))
    except _UsageError as exc:
        _error(exc.text.get(lang))
    except KeyboardInterrupt:
        _error("已中断，未写出任何文件" if lang == "zh" else "interrupted; no file was written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}：" if exc.filename else ""
        _error(
            f"{where}无法读写文件（{exc.strerror or exc}）"
            if lang == "zh"
            else f"{where}cannot read or write the file ({exc.strerror or exc})"
        )
    except Exception as exc:
        if args.debug:
            raise
        _error(
            f"内部错误：{type(exc).__name__}: {exc}。这不是您的输入的问题；加 --debug 可查看详情并报告此问题"
            if lang == "zh"
            else f"internal error: {type(exc).__name__}: {exc}. This is not a mistake in your "
            "input; run again with --debug to see the details and report it"
        )
        return EXIT_INTERNAL
    return EXIT_USER


def _silence_stdout() -> None:
    """After a closed pipe: send what is left to /dev/null, so that exiting does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _UsageError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        from .._i18n import Text

        super().__init__(en)
        self.text = Text(zh=zh, en=en)


def _error(message: str) -> None:
    print(f"pairing-rules: {message}", file=sys.stderr)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    from .._interpretations import parse_assignments

    return parse_assignments(args.assignments)


# ---------------------------------------------------------------------------- commands


def _cmd_packs(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import default_registry
    from . import _render

    registry = default_registry()
    packs = registry.list_packs()
    if args.format == "json":
        _print_json([_render.pack_summary(p) for p in packs])
    else:
        _render.packs_table(packs, lang)
    for err in registry.errors:
        who = err.plugin
        if err.distribution is not None:
            who = f"{err.plugin} [{err.distribution} {err.version or ''}]".replace(" ]", "]")
        _error(
            f"已跳过插件 {who}（{err.stage}）：{err.message}"
            if lang == "zh"
            else f"skipped plugin {who} ({err.stage}): {err.message}"
        )
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    if args.format == "json":
        _print_json(_render.pack_detail(pack))
    else:
        _render.show_text(pack, lang)
    return EXIT_OK


def _cmd_audit(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import audit
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    report = audit(pack, interpretations=_overrides(args))
    if args.format == "json":
        _print_json(report.as_json())
    else:
        _render.audit_text(report, lang)
    return EXIT_OK


def _cmd_score(args: argparse.Namespace, lang: Lang) -> int:
    from .._registry import get_pack
    from .._scoring import Scorer
    from . import _render
    from ._progress import ProgressBar
    from ._score import score_command

    pack = get_pack(args.pack)
    if not pack.definition.rubrics:
        raise _UsageError(
            f"规则包 {pack.id} 没有考核细则，无法评分", f"pack {pack.id} has no rubric"
        )
    if args.rubric is not None and args.rubric not in {r.id for r in pack.definition.rubrics}:
        known = ", ".join(r.id for r in pack.definition.rubrics)
        raise _UsageError(
            f"规则包 {pack.id} 没有考核细则 {args.rubric}；可选：{known}",
            f"pack {pack.id} has no rubric {args.rubric}; choose one of: {known}",
        )
    as_of = _parse_date(args.as_of) if args.as_of else None
    _check_out(args.out)
    scorer = Scorer(pack, rubric=args.rubric, interpretations=_overrides(args))
    from ..io._readers import open_records

    with (
        open_records(args.input, pack.record_types, pack.collections()) as stream,
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
            lang=lang,
            as_of=as_of,
            progress=bar,
        )
    _render.notices_to_stderr(stream.notices, lang)
    _render.rejections_to_stderr(rejected, lang, report=args.out)
    bad_notices = any(n.error for n in stream.notices)
    return EXIT_USER if rejected or bad_notices else EXIT_OK


def _check_out(out: str | None) -> None:
    if out is None:
        return
    from pathlib import Path

    suffix = Path(out).suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm", ".json"):
        raise _UsageError(
            f"--out 只支持 .xlsx、.html 或 .json，收到 {out!r}",
            f"--out writes .xlsx, .html or .json, got {out!r}",
        )


def _cmd_check(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import check
    from .._registry import get_pack
    from ..io._readers import read_dataset
    from . import _render
    from ._progress import ProgressBar

    pack = get_pack(args.pack)
    as_of = _parse_date(args.as_of) if args.as_of else None
    _check_out(args.out)
    overrides = _overrides(args)
    pack.choices(overrides)
    dataset = read_dataset(args.input, pack.record_types, pack.collections())
    with ProgressBar(dataset.size, "检查" if lang == "zh" else "checking") as bar:
        report = check(pack, dataset, as_of=as_of, interpretations=overrides, progress_callback=bar)
    if args.out:
        from pathlib import Path

        suffix = Path(args.out).suffix.lower()
        if suffix == ".xlsx":
            from ..io._report_xlsx import write_check_workbook

            write_check_workbook(report, pack, args.out, lang=lang, notices=dataset.notices)
        elif suffix in (".html", ".htm"):
            from ..io._report_html import write_check_html

            write_check_html(report, pack, args.out, lang=lang, notices=dataset.notices)
        else:
            from ..io._atomic import write_text

            write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), args.out)
    if args.format == "json":
        _print_json(
            {**report.as_json(), "notices": [n.model_dump(mode="json") for n in dataset.notices]}
        )
    else:
        _render.check_text(report, lang)
    _render.notices_to_stderr(dataset.notices, lang)
    _render.rejections_to_stderr(report.rejected, lang)
    if report.rejected or any(n.error for n in dataset.notices):
        return EXIT_USER
    if args.fail_on_unmet and report.unmet:
        return EXIT_UNMET
    return EXIT_OK


def _cmd_template(args: argparse.Namespace, lang: Lang) -> int:
    from pathlib import Path

    from .._registry import get_pack
    from ..io._template import write_template

    pack = get_pack(args.pack)
    if Path(args.out).suffix.lower() != ".xlsx":
        raise _UsageError(
            f"模板只能写成 .xlsx 文件，收到 {args.out!r}",
            f"a template is an .xlsx file, got {args.out!r}",
        )
    if not pack.collections():
        raise _UsageError(f"规则包 {pack.id} 不读取任何记录", f"pack {pack.id} reads no records")
    path = write_template(pack, args.out, lang=lang)
    print(f"已生成模板：{path}" if lang == "zh" else f"template written: {path}")
    return EXIT_OK


def _cmd_quota(args: argparse.Namespace, lang: Lang) -> int:
    from .._engine import quota
    from .._registry import get_pack
    from . import _render

    pack = get_pack(args.pack)
    if not pack.definition.quotas:
        raise _UsageError(f"规则包 {pack.id} 没有定额表", f"pack {pack.id} has no quota table")
    known = [q.id for q in pack.definition.quotas]
    if args.table is not None and args.table not in known:
        raise _UsageError(
            f"规则包 {pack.id} 没有定额表 {args.table}；可选：{'、'.join(known)}",
            f"pack {pack.id} has no quota table {args.table}; choose one of: {', '.join(known)}",
        )
    report = quota(pack, table=args.table, audit_rows=args.audit, interpretations=_overrides(args))
    if args.format == "json":
        _print_json(report.as_json())
    else:
        _render.quota_text(report, lang)
    return EXIT_OK


def _cmd_diff(args: argparse.Namespace, lang: Lang) -> int:
    from .._diff import diff
    from ..io._readers import read_dataset
    from . import _authoring, _render

    a = _authoring.load_pack_arg(args.a, _UsageError)
    b = _authoring.load_pack_arg(args.b, _UsageError)
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
        _print_json(report.as_json())
    else:
        _render.diff_text(report, lang)
    _render.notices_to_stderr(notices, lang)
    _render.rejections_to_stderr(rejected, lang)
    return EXIT_USER if rejected or any(n.error for n in notices) else EXIT_OK


def _cmd_new_pack(args: argparse.Namespace, lang: Lang) -> int:
    from .._scaffold import ScaffoldError, new_pack

    published = _parse_date(args.published) if args.published else None
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
        raise _UsageError(exc.text.zh, exc.text.en) from None
    if lang == "zh":
        print(f"已创建规则包 {args.id}：{path}")
        print(f"下一步：pip install -e {path}，然后 pairing-rules show {args.id}")
    else:
        print(f"pack {args.id} created: {path}")
        print(f"next: pip install -e {path}, then pairing-rules show {args.id}")
    return EXIT_OK


def _cmd_lint(args: argparse.Namespace, lang: Lang) -> int:
    from . import _authoring

    return _authoring.cmd_lint(args, lang, _UsageError)


def _cmd_schema(args: argparse.Namespace, lang: Lang) -> int:
    from . import _authoring

    return _authoring.cmd_schema(args, lang, _UsageError)


def _cmd_aggregate(args: argparse.Namespace, lang: Lang) -> int:
    from pathlib import Path

    out = Path(args.out)
    if out.suffix.lower() not in (".parquet", ".json"):
        raise _UsageError(
            f"--out 只支持 .parquet 或 .json，收到 {args.out!r}",
            f"--out writes .parquet or .json, got {args.out!r}",
        )
    from .._frames import MissingExtraError

    try:
        from .._aggregate import aggregate_log, read_table

        result = aggregate_log(read_table(args.log), read_table(args.communities), year=args.year)
    except MissingExtraError as exc:
        raise _UsageError(str(exc), str(exc)) from None
    from ..io._atomic import AtomicFile, write_text

    if out.suffix.lower() == ".parquet":
        target = AtomicFile(out)
        try:
            result.frame.write_parquet(target.file)
            target.commit()
        except BaseException:
            target.discard()
            raise
    else:
        write_text(json.dumps(result.as_json(), ensure_ascii=False, indent=2), out)
    summary = {
        "year": result.year,
        "log_rows": result.log_rows,
        "log_rows_rejected": sum(1 for r in result.rejected if r.collection == "log"),
        "communities": result.frame.height,
        "communities_rejected": sum(1 for r in result.rejected if r.collection != "log"),
        "out": str(out),
    }
    if args.format == "json":
        _print_json(
            {
                **summary,
                "rejected": [r.as_json() for r in result.rejected],
                "notices": [n.model_dump(mode="json") for n in result.notices],
            }
        )
    elif lang == "zh":
        print(
            f"{summary['year']} 年度：日志 {summary['log_rows']} 行（拒收 {summary['log_rows_rejected']} 行），"
            f"教共体 {summary['communities']} 个（拒收 {summary['communities_rejected']} 个），已写出 {out}"
        )
    else:
        print(
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


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _UsageError(
            f"--as-of 应为日期 YYYY-MM-DD，收到 {value!r}",
            f"--as-of takes a date YYYY-MM-DD, got {value!r}",
        ) from None


_COMMANDS: Final[dict[str, Callable[[argparse.Namespace, Lang], int]]] = {
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
}
