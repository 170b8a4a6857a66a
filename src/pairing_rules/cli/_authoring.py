"""The policy author's commands: ``lint`` (check a pack file) and ``schema`` (the JSON Schema)."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._i18n import Lang
    from .._lint_target import LintReport

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` without control characters (a quote or a value may hold any)."""
    return _CONTROL.sub("", text)


def add_parsers(sub: Any, common: Any, interpretation_options: Any) -> None:
    """Add ``lint`` and ``schema`` to the subcommands of ``pairing-rules``."""
    p = sub.add_parser(
        "lint",
        help="检查规则包文件（不必安装） / check a pack file without installing it",
    )
    p.add_argument(
        "target",
        metavar="PATH_OR_PACK",
        help="规则包目录、pack.yaml 或已安装规则包的编号 / a pack folder, a pack.yaml, or an installed pack's id",
    )
    interpretation_options(p)
    common(p)

    p = sub.add_parser("schema", help="输出规则包文件的 JSON 结构定义 / print a JSON Schema")
    p.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        default="pack",
        help="pack：pack.yaml 的结构（默认）；score、check、audit、quota、diff、packs、pack-list、"
        "show、error、series-score、series-check：结果的 JSON；input:规则包编号：该规则包的输入 / pack: the structure of "
        "pack.yaml (default); score, check, audit, quota, diff, packs, pack-list, show, error, "
        "series-score, series-check: "
        "a result's JSON; input:ID: the input of pack ID",
    )
    p.add_argument("--out", metavar="FILE", help="写入文件 / write to a file (.json)")
    common(p, fmt=False)


def cmd_lint(args: argparse.Namespace, lang: Lang, usage_error: Any) -> int:
    from .._interpretations import parse_assignments
    from .._lint_target import LintTargetError, lint

    overrides = parse_assignments(args.assignments)
    try:
        report = lint(args.target, overrides=overrides)
    except LintTargetError as exc:
        raise usage_error(exc.text.zh, exc.text.en) from None
    if args.format == "json":
        from ._shared import print_json

        print_json(report.as_json())
    else:
        lint_text(report, lang)
    return 0 if report.ok else 1


def lint_text(report: LintReport, lang: Lang) -> None:
    """The problems one a line (a hint below), then a count by code."""
    from ._shared import say

    zh = lang == "zh"
    for issue in report.issues:
        say(clean(issue.render(lang)))
    if report.ok:
        say(f"未发现问题：{report.file}" if zh else f"no problems found: {report.file}")
        return
    counts: dict[str, int] = {}
    for issue in report.issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    shown = ("，" if zh else ", ").join(f"{code} {n}" for code, n in sorted(counts.items()))
    say(
        f"{report.file}：发现 {len(report.issues)} 个问题（{shown}）"
        if zh
        else f"{report.file}: {len(report.issues)} problem(s) ({shown})"
    )


def load_pack_arg(name: str, usage_error: Any) -> Any:
    """The pack a command line names: an installed pack's id, or a pack folder or file.

    A pack file that does not load is reported as ``lint`` reports it: every problem,
    with its line.
    """
    from .._pack import PackError, load_pack
    from .._registry import get_pack

    if not Path(name).exists():
        return get_pack(name)
    from .._lint_target import LintTargetError, lint, resolve_target

    try:
        file = resolve_target(name)
    except LintTargetError as exc:
        raise usage_error(exc.text.zh, exc.text.en) from None
    try:
        return load_pack(file)
    except PackError as exc:
        issues = lint(file).issues
        if not issues:
            raise
        zh = "\n".join(clean(i.render("zh")) for i in issues)
        en = "\n".join(clean(i.render("en")) for i in issues)
        raise usage_error(
            f"规则包 {name} 无法加载：\n{zh}", f"pack {name} does not load:\n{en}"
        ) from exc


def cmd_schema(args: argparse.Namespace, lang: Lang, usage_error: Any) -> int:
    from .._result_schema import RESULT_NAMES, schema_by_name
    from .._schema import SCHEMAS

    make = SCHEMAS.get(args.name) or schema_by_name(args.name)
    if make is None:
        names = [*SCHEMAS, *RESULT_NAMES, "input:ID"]
        raise usage_error(
            f"没有名为 {args.name} 的 schema；可选：{'、'.join(names)}",
            f"no schema named {args.name}; one of: {', '.join(names)}",
        )
    if args.out is None:
        from ._shared import print_json

        print_json(make())
        return 0
    from ..io._atomic import write_text
    from ..io._output import check_target
    from ._shared import say

    out = check_target(args.out, suffixes=(".json",))
    write_text(json.dumps(make(), ensure_ascii=False, indent=2) + "\n", out)
    say(f"已写出：{out}" if lang == "zh" else f"written: {out}")
    return 0
