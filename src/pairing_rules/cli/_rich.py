"""The rich console and table of the text output, cleaning what they are given
(see :mod:`._terminal`) before they lay it out."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from ._terminal import clean


def _cleaned(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


class SafeConsole(Console):
    """A rich console that prints the texts it is given cleaned."""

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_cleaned(o) for o in objects), **kwargs)


class SafeTable(Table):
    """A rich table whose title, headers and cells are cleaned."""

    def __init__(self, *headers: Any, title: Any = None, **kwargs: Any) -> None:
        super().__init__(*(_cleaned(h) for h in headers), title=_cleaned(title), **kwargs)

    def add_column(self, header: Any = "", *args: Any, **kwargs: Any) -> None:
        super().add_column(_cleaned(header), *args, **kwargs)

    def add_row(self, *renderables: Any, **kwargs: Any) -> None:
        super().add_row(*(_cleaned(r) for r in renderables), **kwargs)
