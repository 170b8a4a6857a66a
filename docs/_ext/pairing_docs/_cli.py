"""The command-line reference, written from ``pairing_rules.cli._main.build_parser()``.

Every subcommand the parser knows gets a section with its usage and a table
of its arguments, in the parser's order, so a command added to the parser is
documented by the next build.  argparse keeps its structure in attributes
that are not public (``_actions``, ``_choices_actions``); they have been
stable for many Python versions and are read here only.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Final

from ._md import NONE, code, esc, table

#: the width usage lines are wrapped at, whatever the terminal of the build
USAGE_WIDTH: Final = 88


def subcommands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """``(name, help, parser)`` for every subcommand, in the order they were added."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def usage(parser: argparse.ArgumentParser) -> str:
    """The usage line of ``parser``, wrapped at :data:`USAGE_WIDTH`."""
    formatter = argparse.HelpFormatter(parser.prog, width=USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _argument(action: argparse.Action) -> str:
    if action.option_strings:
        return "、".join(code(o) for o in action.option_strings)
    return code(action.metavar or action.dest)


def _takes(action: argparse.Action) -> str:
    if action.nargs == 0:
        return "开关 / *flag*"
    if action.choices is not None:
        return " \\| ".join(code(c) for c in action.choices)
    if not action.option_strings:
        return "位置参数 / *positional*"
    metavar = action.metavar or (action.dest.upper() if action.option_strings else None)
    shown = code(metavar) if isinstance(metavar, str) else NONE
    if isinstance(action, argparse._AppendAction):
        shown += "（可重复 / *repeatable*）"
    return shown


def _default(action: argparse.Action) -> str:
    if action.required:
        return "必填 / *required*"
    if action.default in (None, argparse.SUPPRESS, False) or action.default == []:
        return NONE
    return code(action.default)


def arguments_table(parser: argparse.ArgumentParser) -> str:
    """The arguments of ``parser`` (``--help`` left out) as a table."""
    rows = [
        [_argument(a), _takes(a), _default(a), esc(a.help or "")]
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]
    return table(
        ["参数 / *argument*", "取值 / *takes*", "默认 / *default*", "说明 / *description*"], rows
    )


def render_cli(parser: argparse.ArgumentParser) -> str:
    """The whole reference in MyST Markdown, from second-level headings down."""
    prog = parser.prog
    out = [
        f"(cli-{prog})=",
        f"## {prog}",
        "",
        "```text",
        usage(parser),
        "```",
        "",
        *(esc(line) + "  " for line in (parser.description or "").splitlines()),
        "",
        arguments_table(parser),
    ]
    for name, help_text, sub in subcommands(parser):
        out += [
            "",
            f"(cli-{name})=",
            f"## {prog} {name}",
            "",
            esc(help_text) if help_text else "",
            "",
            "```text",
            usage(sub),
            "```",
            "",
            arguments_table(sub),
        ]
    return "\n".join(out) + "\n"
