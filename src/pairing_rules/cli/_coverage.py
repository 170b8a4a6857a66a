"""``pairing-rules coverage``: is every number of a pack's document encoded or accounted for?"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._coverage import CoverageReport
    from .._i18n import Lang
    from .._pack import Pack

FORMATS: Final = ("text", "json", "html")
_SUFFIXES: Final = {".html": "html", ".htm": "html", ".json": "json"}
#: what ``--out`` may be called (a name without a suffix is a text file)
_OUT_SUFFIXES: Final = (".html", ".htm", ".json", ".txt", ".md", "")
#: control characters (C0 but tab and newline, DEL, C1): never written to a terminal
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    """Add the ``coverage`` subcommand to the parser of ``pairing-rules``."""
    p = sub.add_parser(
        "coverage",
        help="文件中的每个数字是否已引用或说明 / is every number of the document encoded or accounted for",
    )
    p.add_argument(
        "pack",
        metavar="PACK",
        help="规则包编号，或 pack.yaml 的路径 / an installed pack, or the path of a pack.yaml",
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="输出格式；html 为原文对照页 / output format; html is the pack beside its text "
        "(default: text, or from the suffix of --out)",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="把报告写入文件 / write the report to FILE (.html, .json or .txt)",
    )
    p.add_argument(
        "--fail-on-uncovered",
        action="store_true",
        help="有未覆盖的数字或过时的说明时退出码为 1 / exit 1 when a number is uncovered "
        "or a not_rules entry is stale",
    )
    p.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=argparse.SUPPRESS,
        help="消息语言 / language of messages (default: zh)",
    )


def load(name: str) -> Pack:
    """An installed pack by id, or a pack file (or a folder holding one) by path."""
    from .._pack import load_pack
    from .._registry import get_pack

    path = Path(name)
    if not ("/" in name or "\\" in name or name.endswith((".yaml", ".yml"))):
        return get_pack(name)
    if path.is_dir():
        found = sorted(path.glob("pack.yaml")) or sorted(path.glob("src/*/pack.yaml"))
        path = found[0] if found else path / "pack.yaml"
    if not path.is_file():
        from ._shared import UsageError

        raise UsageError(f"找不到规则包文件 {path}", f"no pack file {path}")
    return load_pack(path)


def run(args: argparse.Namespace, lang: Lang) -> int:
    """Run ``coverage``; 1 with ``--fail-on-uncovered`` when the coverage is incomplete."""
    from .._coverage import coverage
    from ._shared import say
    from ._terminal import clean, json_safe

    fmt = args.format
    if fmt is None:
        fmt = _SUFFIXES.get(Path(args.out).suffix.lower(), "text") if args.out else "text"
    pack = load(args.pack)
    if args.out:
        _check_out(args.out, pack)
    report = coverage(pack)
    if fmt == "json":
        output = json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "html":
        from ..io._literate import render_literate

        output = render_literate(report)
    else:
        output = report_text(report, lang)
    if args.out:
        from ..io._literate import write_text_file

        written = write_text_file(output, args.out)
        say(summary_line(report, lang))
        say(f"已写出：{written}" if lang == "zh" else f"written: {written}")
    elif fmt == "json":
        sys.stdout.write(json_safe(output.encode("utf-8")).decode("utf-8"))
    else:
        sys.stdout.write(clean(output) if fmt == "html" else _CONTROL.sub("", output))
    if args.fail_on_uncovered and not report.complete:
        return 1
    return 0


def _check_out(out: str, pack: Pack) -> None:
    from ..io._output import check_target
    from ._shared import pack_files

    check_target(out, reads=pack_files(pack), suffixes=_OUT_SUFFIXES)


def summary_line(report: CoverageReport, lang: Lang) -> str:
    """One line: the percentage and the counts behind it."""
    c = report.count
    if lang == "zh":
        line = (
            f"{report.pack_ref} 文件覆盖率 {report.percent}%："
            f"计入 {report.counted} 个数字，已引用 {c('cited')}，表格 {c('table')}，"
            f"已说明 {c('justified')}，未覆盖 {c('uncovered')}（另有结构编号 {c('structural')} 个，不计）"
        )
        if report.stale:
            line += f"；过时的说明 {len(report.stale)} 条"
    else:
        line = (
            f"{report.pack_ref} document coverage {report.percent}%: "
            f"{report.counted} numbers counted, {c('cited')} cited, {c('table')} in tables, "
            f"{c('justified')} justified, {c('uncovered')} uncovered "
            f"({c('structural')} structural not counted)"
        )
        if report.stale:
            line += f"; {len(report.stale)} stale not_rules entries"
    return line


def report_text(report: CoverageReport, lang: Lang) -> str:
    """The report for a terminal: summary, uncovered numbers, stale entries, then every number."""
    zh = lang == "zh"
    out = [summary_line(report, lang), ""]
    uncovered = report.uncovered
    out.append(
        f"未覆盖的数字（{len(uncovered)}）：" if zh else f"Uncovered numbers ({len(uncovered)}):"
    )
    for n in uncovered:
        out.append(f"  {_where(n.line, n.section, zh)}  {n.context()}")
        if n.suggestion:
            out.append(
                f"      建议的上下文：{n.suggestion}"
                if zh
                else f"      suggested context: {n.suggestion}"
            )
    stale = report.stale
    out += [
        "",
        f"过时的说明（{len(stale)}）：" if zh else f"Stale not_rules entries ({len(stale)}):",
    ]
    for e in stale:
        what = e.entry.text or e.entry.table
        problem = e.problem.get(lang) if e.problem else ""
        out.append(f"  #{e.index} {what}「{e.entry.context}」：{problem}")
    out += ["", "每个数字：" if zh else "Every number:"]
    for n in report.numbers:
        if n.status == "uncovered":
            why = "未覆盖" if zh else "uncovered"
        elif n.status == "cited":
            owners = "、".join(dict.fromkeys(report.citations[i].owner for i in n.cited_by))
            why = f"已引用：{owners}" if zh else f"cited by {owners}"
        elif n.status == "structural":
            why = "结构编号（不计）" if zh else "structural (not counted)"
        else:
            entry = report.entries[n.entry].entry if n.entry is not None else None
            if entry is None:
                why = n.status
            elif n.status == "table":
                why = (
                    f"表格 {entry.table}（not_rules #{n.entry}）"
                    if zh
                    else f"table {entry.table} (not_rules #{n.entry})"
                )
            else:
                why = f"{entry.kind.label.get(lang)}（not_rules #{n.entry}）：{entry.reason.get(lang)}"
        out.append(f"  {_where(n.line, n.section, zh)}  {n.token.text}  — {why}")
    return "\n".join(out) + "\n"


def _where(line: int, section: str, zh: bool) -> str:
    where = f"第 {line} 行" if zh else f"line {line}"
    return f"{where} {section}" if section else where
