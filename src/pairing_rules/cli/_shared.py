"""What every command shares: exit codes, the one-line error, JSON output, option parsing."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from .._i18n import Text

EXIT_OK: Final = 0
EXIT_UNMET: Final = 1
EXIT_USER: Final = 2
#: something went wrong inside pairing-rules (not the user's input)
EXIT_INTERNAL: Final = 70
#: interrupted with Ctrl-C
EXIT_INTERRUPTED: Final = 130
#: standard output was closed before everything was written (``… | head``)
EXIT_PIPE: Final = 141


def silence_stdout() -> None:
    """After a closed pipe: send what is left to /dev/null, so that exiting does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class UsageError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        from .._i18n import Text

        super().__init__(en)
        self.text = Text(zh=zh, en=en)


def error(message: str) -> None:
    """One message on standard error (control characters from an input shown as symbols)."""
    from ._terminal import clean

    print(clean(f"pairing-rules: {message}"), file=sys.stderr)


def say(message: str) -> None:
    """One message on standard output (control characters from an input shown as symbols)."""
    from ._terminal import clean

    print(clean(message))


def print_json(data: Any) -> None:
    """``data`` as JSON on standard output (characters a terminal acts on escaped)."""
    from ._terminal import json_safe

    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    sys.stdout.write(json_safe(text.encode("utf-8", "backslashreplace")).decode("utf-8"))


def pack_files(pack: Any) -> list[Path]:
    """The files a pack was read from (its pack file and its document's text), if known."""
    file: Path | None = getattr(pack, "file", None)
    if file is None:
        return []
    return [file, file.parent / pack.definition.document.text]


def overrides_of(args: argparse.Namespace) -> dict[str, str]:
    from .._interpretations import parse_assignments

    return parse_assignments(args.assignments)


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    """The date an option gives (``None`` when the option is not given).

    :param value: the option's value, ``YYYY-MM-DD``.
    :param option: the option's name, for the message.
    :raises UsageError: for anything but a date in that form.
    """
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"{option} 应为日期 YYYY-MM-DD，收到 {value!r}",
            f"{option} takes a date YYYY-MM-DD, got {value!r}",
        ) from None


def installed_pack_only(name: str, unknown: Text, installed: Iterable[str]) -> Text:
    """Why a command that takes an installed pack's id found none named ``name``.

    Every command that reads an installed pack (``show``, ``audit``, ``score`` …) says the
    same: where ``name`` is a pack folder or file, that it is installed with ``pip install -e``
    and then named by its id, or checked as it stands with ``pairing-rules lint``.

    :param unknown: the message of the unknown pack, kept where ``name`` is no such path.
    :param installed: the ids of the installed packs.
    """
    from .._i18n import Text

    path = Path(name)
    if not name.strip() or not path.exists():
        return unknown
    from .._lint_target import LintTargetError, pack_file_in

    try:
        file = pack_file_in(path)
    except LintTargetError:
        return Text(
            zh=f"{unknown.zh}（{name} 是一个路径，但其中没有 pack.yaml）",
            en=f"{unknown.en} ({name} is a path, but holds no pack.yaml)",
        )
    what = ("规则包文件", "a pack file") if path.is_file() else ("规则包文件夹", "a pack folder")
    zh = [f"{name} 是{what[0]}，不是已安装规则包的编号：此命令只读取已安装的规则包"]
    en = [
        f"{name} is {what[1]}, not an installed pack's id: this command reads installed packs only"
    ]
    pack_id = _pack_id(file)
    dist = next(
        (d for d in (file.parent, *file.parents)[:4] if (d / "pyproject.toml").is_file()), None
    )
    if pack_id is not None and pack_id in set(installed):
        zh.append(f"已安装的规则包中有 {pack_id}，请改用编号 {pack_id}")
        en.append(f"a pack {pack_id} is installed: name it by its id, {pack_id}")
        if dist is not None:
            zh.append(f"要使用此文件夹中的版本，请先运行 pip install -e {dist}")
            en.append(f"to use this folder's version, run pip install -e {dist} first")
    elif dist is not None:
        named = (f"，再用编号 {pack_id} 调用", f", then name it by its id, {pack_id}")
        zh.append(f"请先安装它：pip install -e {dist}{named[0] if pack_id else ''}")
        en.append(f"install it first: pip install -e {dist}{named[1] if pack_id else ''}")
    zh.append(f"只想检查它，请运行 pairing-rules lint {name}")
    en.append(f"to check it, run pairing-rules lint {name}")
    return Text(zh="；".join(zh), en="; ".join(en))


def _pack_id(file: Path) -> str | None:
    """The ``id:`` a pack file declares, if it can be read."""
    import yaml

    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    pack_id = data.get("id") if isinstance(data, dict) else None
    return pack_id if isinstance(pack_id, str) else None
