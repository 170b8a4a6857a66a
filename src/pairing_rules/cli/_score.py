"""``pairing-rules score``: records read, scored and written out one at a time.

The command runs the same engine whatever the input's size: each record is
validated as it is read, scored with its explanation recorded, and handed to
the reports asked for (a workbook, a JSON file, the JSON on standard output),
which write it at once; only the HTML page and the text table on a terminal,
which summarise every record at the top, keep what they show.  A report file
appears only when it is complete.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .._dataset import Notice, Rejection
    from .._i18n import Lang
    from .._location import Location
    from .._pack import Pack
    from .._results import ScoreSheet
    from .._scoring import Explanation, Scorer


class Sink(Protocol):
    """Something a scored record goes to as soon as it is scored."""

    def add(self, explained: Explanation) -> None: ...

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None: ...

    def discard(self) -> None: ...


def _tail(scorer: Scorer, rejected: Sequence[Rejection], notices: Sequence[Notice] | None) -> Any:
    from .._pack import provenance_of

    tail: dict[str, Any] = {
        "rejected": [r.as_json() for r in rejected],
        "provenance": provenance_of(scorer.pack).model_dump(mode="json"),
    }
    if notices is not None:
        tail["notices"] = [n.model_dump(mode="json") for n in notices]
    return tail


class _Decoded:
    """A text stream taking bytes (standard output replaced by a text buffer, as in tests)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        return int(self.stream.write(data.decode("utf-8")))

    def flush(self) -> None:
        self.stream.flush()


def _binary(stream: Any) -> Any:
    """The byte stream under a text stream, or the text stream taking bytes."""
    buffer = getattr(stream, "buffer", None)
    return buffer if buffer is not None else _Decoded(stream)


class JsonSink:
    """The score report's JSON, to a file (atomically) or to standard output."""

    def __init__(self, scorer: Scorer, path: str | None, *, notices: bool) -> None:
        from ..io._atomic import AtomicFile
        from ..io._report_json import ScoreJson

        self.scorer = scorer
        self.file = AtomicFile(path) if path is not None else None
        out: Any = self.file.file if self.file is not None else _binary(sys.stdout)
        self.with_notices = notices
        self.json = ScoreJson(
            out,
            pack=scorer.pack.ref,
            pack_hash=scorer.pack.content_hash,
            interpretations=scorer.interpretations,
            plans=scorer.plans,
            period=scorer.period.as_json(),
        )

    def add(self, explained: Explanation) -> None:
        self.json.add(explained)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        self.json.finish(_tail(self.scorer, rejected, notices if self.with_notices else None))
        if self.file is not None:
            self.file.commit()

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


class WorkbookSink:
    """The score report as a workbook, written as records come."""

    def __init__(self, scorer: Scorer, path: str, lang: Lang, created: dt.date) -> None:
        from ..io._report_xlsx import ScoreWorkbook

        self.book = ScoreWorkbook(
            scorer.pack,
            scorer.plans,
            path,
            interpretations=scorer.interpretations,
            lang=lang,
            created=created,
        )

    def add(self, explained: Explanation) -> None:
        self.book.add(explained)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        self.book.finish(rejected, notices)

    def discard(self) -> None:
        self.book.discard()


class SheetsSink:
    """Keeps every score sheet, for the reports that summarise them all at the top."""

    def __init__(self, scorer: Scorer, write: Any) -> None:
        self.scorer = scorer
        self.sheets: list[ScoreSheet] = []
        self.write = write

    def add(self, explained: Explanation) -> None:
        self.sheets.append(explained.sheet())

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        from .._pack import provenance_of
        from .._scoring import ScoreReport

        report = ScoreReport(
            pack=self.scorer.pack.ref,
            pack_hash=self.scorer.pack.content_hash,
            results=self.sheets,
            rejected=list(rejected),
            interpretations=self.scorer.interpretations,
            provenance=provenance_of(self.scorer.pack),
            period=self.scorer.period,
        )
        self.write(report, notices)

    def discard(self) -> None:
        self.sheets.clear()


def score_command(
    pack: Pack,
    scorer: Scorer,
    entries: Iterator[tuple[str, int, Location | None, Any]],
    *,
    rejected_reading: Sequence[Rejection],
    notices: Sequence[Notice],
    out: str | None,
    fmt: str,
    lang: Lang,
    as_of: dt.date | None,
    progress: Any,
) -> list[Rejection]:
    """Score ``entries`` into the reports asked for; return every rejected record.

    ``rejected_reading`` and ``notices`` are filled by the reader as it goes
    (complete once ``entries`` is exhausted).
    """
    from . import _render

    created = as_of or dt.datetime.now(dt.UTC).date()
    sinks: list[Any] = []
    if out is not None:
        suffix = Path(out).suffix.lower()
        if suffix == ".xlsx":
            sinks.append(WorkbookSink(scorer, out, lang, created))
        elif suffix in (".html", ".htm"):
            from ..io._report_html import write_score_html

            def html(report: Any, notes: Sequence[Notice]) -> None:
                write_score_html(report, pack, out, lang=lang, notices=notes, as_of=as_of)

            sinks.append(SheetsSink(scorer, html))
        else:
            sinks.append(JsonSink(scorer, out, notices=False))
    if fmt == "json":
        sinks.append(JsonSink(scorer, None, notices=True))
    else:
        sinks.append(_render.ScoreTextSink(scorer, lang, out))
    no_rubric: list[Rejection] = []
    try:
        for item in scorer.iter_explained(entries):
            progress(1)
            if not hasattr(item, "outcome"):
                no_rubric.append(item)
                continue
            for sink in sinks:
                sink.add(item)
        rejected = [*rejected_reading, *no_rubric]
        for sink in sinks:
            sink.finish(rejected, notices)
    except BaseException:
        for sink in sinks:
            sink.discard()
        raise
    return rejected
