"""JSON reports written as records are scored.

A score report is one JSON object (``contract``, ``pack``, ``pack_hash``,
``period``, ``interpretations``, ``results``, ``rejected``, ``provenance``, ``notices``): the
``model_dump(mode="json")`` of a :class:`~pairing_rules.ScoreReport`, byte for byte
as :func:`score_report_bytes` lays the model's dump out.  Its ``results`` are
written one record at a time, each the ``model_dump(mode="json")`` of its
:class:`~pairing_rules.ScoreSheet` (:class:`~pairing_rules._explain.SheetJSON`
makes it without building the models).  The layout suits files of any size:
each top-level key on a line of its own, and each result on a line of its own.
A report written to a file goes to a temporary file beside it and is renamed
into place when complete.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import IO, Any

import orjson

from .._contract import CONTRACT_VERSION
from .._explain import SheetJSON
from .._models import record_key, record_name
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
        self.add_bytes(dumps(item))

    def add_bytes(self, blob: bytes) -> None:
        """One more item of the streamed list, already JSON."""
        self.out.write((b"\n  " if self.count == 0 else b",\n  ") + blob)
        self.count += 1

    def finish(self, tail: Mapping[str, Any]) -> None:
        """Close the list and write the remaining keys."""
        parts = [b"\n ]" if self.count else b"]"]
        for key, value in tail.items():
            parts.append(b",\n " + dumps(key) + b": " + dumps(value))
        parts.append(b"}\n")
        self.out.write(b"".join(parts))
        self.out.flush()


class SheetBytes:
    """A record's score sheet as JSON bytes, with the items made once for the same values.

    The same item with the same points, values read and inputs gives the same
    JSON: it is serialised once and reused (bounded), so that a province's
    report is written at the speed of the scoring.  Parsed, the bytes are
    :meth:`SheetJSON.dump`'s object.
    """

    __slots__ = ("_cache", "_head", "_interpretations", "_periods", "_reads", "_totals", "json")

    def __init__(self, plan: RubricPlan) -> None:
        self.json = SheetJSON(plan)
        head = dumps(self.json.head)
        self._head = b"," + head[1:-1] + b","  # the keys as the middle of an object
        self._interpretations = b',"interpretations":' + dumps(self.json.interpretations)
        self._periods: dict[Any, bytes] = {}
        self._totals: dict[Any, bytes] = {}
        self._reads = [attrgetter(*i.reads) if i.reads else None for i in plan.items]
        self._cache: dict[Any, bytes] = {}

    def dump(self, record: Any, outcome: Any, trace: Sequence[Any]) -> bytes:
        cache = self._cache
        parts = []
        for n, (points, detail) in enumerate(zip(outcome.items, trace, strict=True)):
            reads = self._reads[n]
            key: Any = (n, points, detail, reads(record) if reads is not None else None)
            try:
                blob = cache.get(key)
            except TypeError:  # a list among the inputs: not kept
                blob, key = None, None
            if blob is None:
                blob = dumps(self.json.item(n, points, detail, record))
                if key is not None and len(cache) < 200_000:
                    cache[key] = blob
            parts.append(blob)
        # the totals depend on the points and the grade only: made once for the same ones
        key = (outcome.total, outcome.reach, outcome.basis, outcome.grade, outcome.vetoes)
        totals = self._totals.get(key)
        if totals is None:
            totals = dumps(self.json.totals(outcome))[1:-1]
            if len(self._totals) < 10_000:
                self._totals[key] = totals
        # the period depends on the record's year only: made once per year
        field = self.json.plan.period.field if self.json.plan.period is not None else None
        year = getattr(record, field) if field is not None else None
        period = self._periods.get(year)
        if period is None:
            period = b',"period":' + dumps(self.json.period(record)) + b"}"
            if len(self._periods) < 10_000:
                self._periods[year] = period
        return b"".join(
            (
                b'{"id":',
                dumps(record_key(record)),
                b',"name":',
                dumps(record_name(record)),
                self._head,
                totals,
                b',"items":[',
                b",".join(parts),
                b"]",
                self._interpretations,
                period,
            )
        )


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
        period: Mapping[str, Any] | None = None,
    ) -> None:
        self._renderers = {plan.id: SheetBytes(plan) for plan in plans}
        self.report = JsonReport(
            out,
            {
                "contract": CONTRACT_VERSION,
                "pack": pack,
                "pack_hash": pack_hash,
                "period": period,
                "interpretations": [u.model_dump(mode="json") for u in interpretations],
            },
            "results",
        )

    def add(self, explained: Any) -> None:
        """Write one scored record (an :class:`~pairing_rules.Explanation`)."""
        render: Callable[..., bytes] = self._renderers[explained.plan.id].dump
        self.report.add_bytes(render(explained.record, explained.outcome, explained.trace))

    def finish(self, tail: Mapping[str, Any]) -> None:
        """Write ``rejected`` and the other closing keys."""
        self.report.finish(tail)


def streamed_bytes(dumped: Mapping[str, Any], streamed: str) -> bytes:
    """A report's JSON (its ``model_dump(mode="json")``) in the streamed layout.

    The keys before ``streamed`` head it, ``streamed``'s items follow one a line, the
    keys after it close it: the bytes :class:`JsonReport` writes for the same report.
    """
    import io

    keys = list(dumped)
    at = keys.index(streamed)
    out = io.BytesIO()
    report = JsonReport(out, {k: dumped[k] for k in keys[:at]}, streamed)
    for item in dumped[streamed]:
        report.add(item)
    report.finish({k: dumped[k] for k in keys[at + 1 :]})
    return out.getvalue()


def score_report_bytes(report: Any) -> bytes:
    """A :class:`~pairing_rules.ScoreReport` as ``pairing-rules score --format json`` writes it.

    The bytes are those of ``report.model_dump(mode="json")``, laid out a result a line.
    """
    return streamed_bytes(report.model_dump(mode="json"), "results")
