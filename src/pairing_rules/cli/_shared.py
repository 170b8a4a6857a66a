"""What every command shares: exit codes, the one-line error, JSON output, option parsing."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
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
    print(f"pairing-rules: {message}", file=sys.stderr)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    sys.stdout.write("\n")


def overrides_of(args: argparse.Namespace) -> dict[str, str]:
    from .._interpretations import parse_assignments

    return parse_assignments(args.assignments)


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"--as-of 应为日期，如 2022-06-30，收到 {value!r}",
            f"--as-of takes a date YYYY-MM-DD, got {value!r}",
        ) from None
