"""A progress bar on standard error for runs that take more than a second.

Silent when standard error is not a terminal (a pipe, a file, CI).
"""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import Any, Final

DELAY: Final = 1.0


class ProgressBar:
    """Counts work; shows a bar once the work has taken longer than :data:`DELAY` seconds."""

    def __init__(self, total: int | None, label: str, *, enabled: bool | None = None) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._start = time.monotonic()
        self._next = self._start + DELAY
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, step: int = 1) -> None:
        self.done += step
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self._next:
            return
        self._next = now + 0.1
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(file=sys.stderr), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total, completed=self.done)
        self._bar.update(self._task, completed=self.done)

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
