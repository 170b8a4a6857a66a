"""What every command shares: exit codes, the one-line error, JSON output, option parsing."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, Final

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
