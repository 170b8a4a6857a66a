"""Argument parsing and dispatch for ``pairing-rules``.

Start-up imports nothing heavy: each command imports what it needs when it runs.
Exit codes: 0 success; 1 ``--fail-on-unmet`` and something is unmet; 2 a
user's mistake (unknown pack, unreadable input, bad option) or rejected records.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, NoReturn

from ._shared import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USER,
    UsageError,
    error,
    installed_pack_only,
    silence_stdout,
)

if TYPE_CHECKING:
    from .._i18n import Lang

DESCRIPTION: Final = (
    "pairing-rules：把结对帮扶、城乡义务教育共同体政策文件编码为可引用、可测试的规则包。\n"
    "School-pairing policy documents as cited, testable rule packs."
)


#: argparse's Chinese messages (from _argparse_zh) as a sentence of their own
_ARGPARSE_ZH: Final = (
    (re.compile(r"参数 命令：无效的选择：(.*?)（可选：(.*)）"), "没有命令 {0}；可选：{1}"),
    (re.compile(r"参数 (.*?)：无效的选择：(.*?)（可选：(.*)）"), "{0} 不接受取值 {1}；可选：{2}"),
    (re.compile(r"参数 (.*?)：无效的取值：(.*)（int）"), "{0} 应为整数，收到 {1}"),
    (re.compile(r"参数 (.*?)：无效的取值：(.*)（.*?）"), "{0} 的取值 {1} 无效"),
    (re.compile(r"参数 (.*?)：需要一个取值"), "{0} 后面应有一个取值"),
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes end in one line, in the language asked for."""

    #: the language of the messages (set from the command line before it is parsed)
    lang: Lang = "zh"

    def error(self, message: str) -> NoReturn:
        from ._terminal import clean_line

        if _Parser.lang == "en":
            text = f"{self.prog}: {message} (see {self.prog} --help)"
        else:
            # argparse speaks Chinese here (see _argparse_zh); a few of its sentences read
            # better turned round, and any English left gets a Chinese lead
            for pattern, zh in _ARGPARSE_ZH:
                found = pattern.fullmatch(message)
                if found:
                    message = zh.format(*found.groups())
                    break
            else:
                if message.isascii():
                    message = f"参数有误：{message}"
            text = f"{self.prog}：{message}（用法见 {self.prog} --help）"
        self.exit(2, clean_line(text) + "\n")


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


def _pack_argument(parser: argparse.ArgumentParser, *, optional: bool = False) -> None:
    """The pack's id; ``optional`` where ``--series`` may name the packs instead."""
    parser.add_argument(
        "pack",
        metavar="PACK",
        nargs="?" if optional else None,
        help="规则包编号（pairing-rules packs 列出全部） / the pack's id (pairing-rules packs lists them)",
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


def _report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sort",
        choices=("input", "total", "name", "id"),
        default="input",
        help="排列顺序：input 按输入顺序（默认），total 按得分排名，name 按名称，id 按编号 / "
        "order: input (default), total (a ranking within each rubric), name or id",
    )
    parser.add_argument(
        "--by",
        metavar="COLUMN",
        help="按此列分组汇总，如 乡镇/街道、学段 / a breakdown by this column, e.g. town or stage",
    )
    parser.add_argument(
        "--members",
        action="store_true",
        help="名称后列出成员校 / show each community's member schools with its name",
    )


def _period_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--series",
        metavar="SERIES",
        help="按记录的年度选用系列中当年适用的规则包（代替规则包编号） / pick, for each record, the "
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
        help="写出报告（替换此前写出的报告，从不覆盖输入文件） / write a report: .xlsx "
        "(workbook), .html (printable page) or .json; replaces an earlier report, never an input",
    )
    force_option(
        parser,
        "也覆盖不是 pairing-rules 报告的工作簿（如填好的模板） / also replace a workbook that is "
        "not a pairing-rules report (such as a filled template)",
    )


def force_option(parser: argparse.ArgumentParser, text: str) -> None:
    """``--force``: replace an existing file the command would otherwise keep."""
    parser.add_argument("--force", action="store_true", help=text)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pairing-rules`` (also used to document the CLI)."""
    parser = _Parser(
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
    _pack_argument(p)
    _common(p)

    p = sub.add_parser("audit", help="文件自身不一致之处 / inconsistencies in the document")
    _pack_argument(p)
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("score", help="按考核细则评分 / score records on a pack's rubrics")
    _pack_argument(p, optional=True)
    p.add_argument(
        "input",
        metavar="INPUT",
        help="填好的表格或数据文件（.xlsx、.xls、.ods、.csv、.json） / the filled workbook or "
        "data file (.xlsx, .xls, .ods, .csv, .json)",
    )
    p.add_argument(
        "--rubric", metavar="NAME", help="指定考核细则 / use this rubric for every record"
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="报告日期，如 2022-06-30；时间节点按此日期判断（默认：当天） / the report's date "
        "YYYY-MM-DD, for the milestones (default: today)",
    )
    _period_options(p)
    _out_option(p)
    _report_options(p)
    _interpretation_options(p)
    _common(p)

    p = sub.add_parser("check", help="检查各项要求 / evaluate a pack's requirements")
    _pack_argument(p, optional=True)
    p.add_argument(
        "input",
        metavar="INPUT",
        help="填好的表格或数据文件（.xlsx、.xls、.ods、.csv、.json） / the filled workbook or "
        "data file (.xlsx, .xls, .ods, .csv, .json)",
    )
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help="报告日期，如 2022-06-30；进度和时间节点按此日期判断（默认：当天） / the report's date "
        "YYYY-MM-DD, for progress and milestones (default: today)",
    )
    p.add_argument(
        "--members",
        action="store_true",
        help="名称后列出成员校 / show each community's member schools with its name",
    )
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
    _pack_argument(p)
    p.add_argument(
        "--out",
        metavar="FILE.xlsx",
        required=True,
        help="输出文件（已存在时不覆盖） / output workbook (an existing file is kept)",
    )
    force_option(p, "覆盖已存在的文件 / replace an existing file")
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
    p.add_argument(
        "--published", metavar="DATE", help="发布日期，如 2022-06-30 / publication date YYYY-MM-DD"
    )
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

    from . import _serve

    _serve.add_parser(sub, _common)

    p = sub.add_parser("quota", help="任务分解表及公式核算 / quota table and formula audit")
    _pack_argument(p)
    p.add_argument("--table", metavar="ID", help="定额表编号 / quota table id")
    p.add_argument("--audit", action="store_true", help="按公式逐行核算 / recompute every row")
    _interpretation_options(p)
    _common(p)
    return parser


def _use_pack_dist(values: Sequence[str]) -> None:
    from .._registry import Registry, parse_choices, use_registry

    for value in values:
        key, sep, dist = value.partition("=")
        if not (sep and key.strip() and dist.strip()):
            raise UsageError(
                f"--pack-dist 应为 编号=发行包名，收到 {value!r}",
                f"--pack-dist takes PACK=DISTRIBUTION, got {value!r}",
            )
    use_registry(Registry(choose=parse_choices(",".join(values))))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Every mistake of a user's ends in one line in Chinese (or English) and exit
    code 2; Ctrl-C in one line and 130; a closed pipe (``… | head``) quietly in
    141; anything unexpected in a short message saying how to see the details
    (``--debug``), and exit code 70.
    """
    from ._argparse_zh import language_of, localize, speaking

    words = sys.argv[1:] if argv is None else list(argv)
    spoken = language_of(words)
    _Parser.lang = "en" if spoken == "en" else "zh"
    with speaking(spoken):
        parser = build_parser()
        localize(parser, spoken)
        try:
            args = parser.parse_args(words)
        except SystemExit as exc:  # a mistake in the command line (told), or --help (shown)
            return exc.code if isinstance(exc.code, int) else EXIT_USER
        if not args.command and not args.version:
            parser.print_help()
            return EXIT_USER
    lang: Lang = args.lang
    if args.version:
        from .. import __version__

        print(f"pairing-rules {__version__}")
        return EXIT_OK
    from ._commands import COMMANDS

    handler = COMMANDS[args.command]
    from .._errors import ErrorInfo, OutputError
    from ..io._errors import InputError

    try:
        if args.pack_dist:
            _use_pack_dist(args.pack_dist)
        return handler(args, lang)
    except (InputError, OutputError) as exc:
        error(exc.render(lang))
    except ErrorInfo as exc:  # an unknown pack, interpretation, rubric; a pinned version …
        from .._registry import UnknownPackError

        text = exc.text
        if isinstance(exc, UnknownPackError):  # a pack folder where an installed id is wanted
            text = installed_pack_only(exc.pack_id, text, exc.known)
        error(text.get(lang))
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
