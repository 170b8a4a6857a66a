"""argparse in Chinese: its own words (``usage:``, ``positional arguments``, its error
messages) translated while the command line is built, parsed and its help printed.

argparse looks its words up through :func:`gettext.gettext`, bound in its module as
``argparse._`` (and ``argparse.ngettext``); :func:`speaking` binds them to a
translation for the duration of a ``with`` block and restores them after.  The
command line runs in one thread; nothing else should parse arguments meanwhile.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Final

#: argparse's messages (Python 3.11 to 3.13) and their Chinese
ZH: Final[dict[str, str]] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个取值",
    "expected at most one argument": "最多需要一个取值",
    "expected at least one argument": "至少需要一个取值",
    "expected %s argument": "需要 %s 个取值",
    "expected %s arguments": "需要 %s 个取值",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "invalid %(type)s value: %(value)r": "无效的取值：%(value)r（%(type)s）",
    "not allowed with argument %s": "不能与参数 %s 同用",
    "one of the arguments %s is required": "参数 %s 必须给出其中之一",
    "ignored explicit argument %r": "忽略了多余的取值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可选：%(choices)s）",
}


def language_of(argv: Sequence[str], default: str = "zh") -> str:
    """The language ``--lang`` asks for anywhere on the command line (``zh`` by default; a
    value that is no language is passed over, for the parser to refuse)."""
    for n, arg in enumerate(argv):
        value = argv[n + 1] if arg == "--lang" and n + 1 < len(argv) else None
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in ("zh", "en"):
            return value
    return default


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Within the block, argparse writes its own words in ``lang`` (Chinese, or as it is)."""
    if lang != "zh":
        yield
        return
    names = vars(argparse)
    saved: dict[str, Callable[..., str]] = {k: names[k] for k in ("_", "ngettext") if k in names}

    def gettext(message: str) -> str:
        return ZH.get(message, message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return gettext(singular if n == 1 else plural)

    names["_"] = gettext
    names["ngettext"] = ngettext
    try:
        yield
    finally:
        names.update(saved)


#: what a value on the command line is called, in Chinese
METAVARS: Final[dict[str, str]] = {
    "PACK": "规则包",
    "INPUT": "输入文件",
    "FILE": "文件",
    "FILE.xlsx": "文件.xlsx",
    "FILE.txt": "文件.txt",
    "DATE": "日期",
    "NAME": "名称",
    "ID": "编号",
    "TITLE": "标题",
    "COLUMN": "列名",
    "LOG": "日志文件",
    "A": "甲",
    "B": "乙",
    "PATH_OR_PACK": "路径或规则包",
    "SERIES": "系列编号",
    "COMMAND": "命令",
    "INTERPRETATION=VALUE": "口径编号=取值",
    "PACK=DISTRIBUTION": "规则包=发行包",
}


#: what an option's value is called, in Chinese, by the option's destination
VALUES: Final[dict[str, str]] = {
    "title": "标题",
    "title_en": "英文名称",
    "dir": "目录",
    "issuer": "发文单位",
    "doc_number": "文号",
    "year": "年度",
    "published": "日期",
}


def _side(text: str, lang: str) -> str:
    """One language of a ``中文 / English`` text (the whole text when it has one only)."""
    zh, sep, en = text.partition(" / ")
    if not sep:
        zh, sep, en = text.partition("\n")
    if not sep:
        return text
    return zh.strip() if lang == "zh" else en.strip()


def localize(parser: argparse.ArgumentParser, lang: str) -> None:
    """Keep one language of every bilingual help text of ``parser`` and its subcommands;
    in Chinese, name the values by their Chinese words."""
    if parser.description:
        parser.description = _side(parser.description, lang)
    for action in parser._actions:
        if action.help and action.help is not argparse.SUPPRESS:
            action.help = _side(action.help, lang)
        if lang == "zh" and isinstance(action.metavar, str):
            action.metavar = METAVARS.get(action.metavar, action.metavar)
        elif (
            lang == "zh" and action.metavar is None and action.option_strings and action.nargs != 0
        ):
            action.metavar = VALUES.get(action.dest, "取值")
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.help:
                    choice.help = _side(choice.help, lang)
            for sub in dict.fromkeys(action.choices.values()):
                localize(sub, lang)
