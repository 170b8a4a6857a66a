"""Argument parsing and dispatch for ``pairing-rules``.

Start-up imports nothing heavy: each command imports what it needs when it runs.
Exit codes: 0 success; 1 ``--fail-on-unmet`` and something is unmet; 2 a
user's mistake (unknown pack, unreadable input, bad option) or rejected records.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from ._shared import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USER,
    UsageError,
    error,
    silence_stdout,
)

if TYPE_CHECKING:
    from .._i18n import Lang

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


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--series",
        metavar="SERIES",
        help="按记录的年度选用系列中当年适用的规则包（代替 PACK） / pick, for each record, the "
        "pack of this series in force in its year (instead of PACK)",
    )
    parser.add_argument(
        "--outside-period",
        action="store_true",
        help="年度在规则包适用期以外的记录也处理（默认拒收） / also process records whose year is "
        "outside the pack's period (rejected by default)",
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
    p.add_argument("pack", metavar="PACK", nargs="?")
    p.add_argument("input", metavar="INPUT", help="输入文件 / input file (.xlsx, .csv, .json)")
    p.add_argument(
        "--rubric", metavar="NAME", help="指定考核细则 / use this rubric for every record"
    )
    p.add_argument(
        "--as-of", metavar="DATE", help="报告中时间节点的日期 / date of the milestones in a report"
    )
    _period_options(p)
    _out_option(p)
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("check", help="检查各项要求 / evaluate a pack's requirements")
    p.add_argument("pack", metavar="PACK", nargs="?")
    p.add_argument("input", metavar="INPUT", help="输入文件 / input file (.xlsx, .csv, .json)")
    p.add_argument("--as-of", metavar="DATE", help="评估日期 YYYY-MM-DD / date (default: today)")
    _period_options(p)
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
    from ._commands import COMMANDS

    handler = COMMANDS[args.command]
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
        error(exc.render(lang))
    except (UnknownPackError, InterpretationError, PackConflictError, PackError) as exc:
        error(exc.text.get(lang))
    except UsageError as exc:
        error(exc.text.get(lang))
    except KeyboardInterrupt:
        error("已中断，未写出任何文件" if lang == "zh" else "interrupted; no file was written")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_PIPE
    except OSError as exc:
        if args.debug:
            raise
        where = f"{exc.filename}：" if exc.filename else ""
        error(
            f"{where}无法读写文件（{exc.strerror or exc}）"
            if lang == "zh"
            else f"{where}cannot read or write the file ({exc.strerror or exc})"
        )
    except Exception as exc:
        if args.debug:
            raise
        error(
            f"内部错误：{type(exc).__name__}: {exc}。这不是您的输入的问题；加 --debug 可查看详情并报告此问题"
            if lang == "zh"
            else f"internal error: {type(exc).__name__}: {exc}. This is not a mistake in your "
            "input; run again with --debug to see the details and report it"
        )
        return EXIT_INTERNAL
    return EXIT_USER
