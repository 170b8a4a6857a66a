"""The ``pairing-rules`` command."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    from ._main import run

    return run(argv)
