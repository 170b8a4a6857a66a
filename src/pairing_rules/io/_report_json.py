"""JSON reports written as records are scored.

A score report is one JSON object (``pack``, ``pack_hash``, ``interpretations``,
``results``, ``rejected``, ``provenance`` and, from the command line,
``notices``); its ``results`` are written one record at a time, each the
``model_dump(mode="json")`` of its :class:`~pairing_rules.ScoreSheet`
(:class:`~pairing_rules._explain.SheetJSON` makes it without building the
models).  The layout suits files of any size: each top-level key on a line of
its own, and each result on a line of its own.  A report written to a file goes
to a temporary file beside it and is renamed into place when complete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any

import orjson

from .._explain import SheetJSON
from .._plan import RubricPlan


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON (UTF-8, keys in order)."""
    try:
        return orjson.dumps(value)
    except TypeError:  # an integer beyond 64 bits, a lone surrogate: the slower, general way
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8", "backslashreplace")


class JsonReport:
    """A JSON object written key by key; one key's list is written item by item.

    :param head: the keys written first, in order.
    :param streamed: the key whose items :meth:`add` writes, one per line.
    """

    def __init__(self, out: IO[bytes], head: Mapping[str, Any], streamed: str) -> None:
        self.out = out
        self.count = 0
        parts = [b"{"]
        for key, value in head.items():
            parts.append(dumps(key) + b": " + dumps(value) + b",\n ")
        parts.append(dumps(streamed) + b": [")
        out.write(b"".join(parts))

    def add(self, item: Any) -> None:
        """One more item of the streamed list."""
        self.out.write((b"\n  " if self.count == 0 else b",\n  ") + dumps(item))
        self.count += 1

    def finish(self, tail: Mapping[str, Any]) -> None:
        """Close the list and write the remaining keys."""
        parts = [b"\n ]" if self.count else b"]"]
        for key, value in tail.items():
            parts.append(b",\n " + dumps(key) + b": " + dumps(value))
        parts.append(b"}\n")
        self.out.write(b"".join(parts))
        self.out.flush()


class ScoreJson:
    """A score report's JSON, written as records are scored (see the module's description)."""

    def __init__(
        self,
        out: IO[bytes],
        *,
        pack: str,
        pack_hash: str,
        interpretations: Sequence[Any],
        plans: Sequence[RubricPlan],
    ) -> None:
        self._renderers = {plan.id: SheetJSON(plan) for plan in plans}
        self.report = JsonReport(
            out,
            {
                "pack": pack,
                "pack_hash": pack_hash,
                "interpretations": [u.model_dump(mode="json") for u in interpretations],
            },
            "results",
        )

    def add(self, explained: Any) -> None:
        """Write one scored record (an :class:`~pairing_rules.Explanation`)."""
        render: Callable[..., Any] = self._renderers[explained.plan.id].dump
        self.report.add(render(explained.record, explained.outcome, explained.trace))

    def finish(self, tail: Mapping[str, Any]) -> None:
        """Write ``rejected`` and the other closing keys."""
        self.report.finish(tail)
