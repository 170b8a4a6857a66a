"""``pairing-rules score``: records read, scored and written out one at a time.

The command runs the same engine whatever the input's size: each record is
validated as it is read, scored with its explanation recorded, and handed to
the reports asked for (a workbook, a JSON file, the JSON on standard output),
which write it at once; only the HTML page and the text table on a terminal,
which summarise every record at the top, keep what they show.  A report file
appears only when it is complete.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .._dataset import Notice, Rejection
    from .._location import Location
    from .._pack import Pack
    from .._results import ScoreSheet
    from .._scoring import Explanation, Scorer
    from ..io._score_rows import ReportOptions, ScoreRow


class Sink(Protocol):
    """Something a scored record goes to as soon as it is scored (with its report row, made
    once for every sink that lists records: ``None`` when none does)."""

    def add(self, explained: Explanation, row: ScoreRow | None) -> None: ...

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None: ...

    def discard(self) -> None: ...


def _tail(scorer: Scorer, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> Any:
    """The keys of a score report after its results, as the model dumps them."""
    from .._pack import provenance_of

    return {
        "rejected": [r.model_dump(mode="json") for r in rejected],
        "provenance": provenance_of(scorer.pack).model_dump(mode="json"),
        "notices": [n.model_dump(mode="json") for n in notices],
    }


class _Decoded:
    """A text stream taking bytes (standard output replaced by a text buffer, as in tests)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        return int(self.stream.write(data.decode("utf-8")))

    def flush(self) -> None:
        self.stream.flush()


class _Escaped:
    """A byte stream of JSON for a terminal: the characters it would act on escaped."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, data: bytes) -> int:
        from ._terminal import json_safe

        self.stream.write(json_safe(data))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


def _binary(stream: Any) -> Any:
    """The byte stream under a text stream, or the text stream taking bytes."""
    buffer = getattr(stream, "buffer", None)
    return _Escaped(buffer if buffer is not None else _Decoded(stream))


class JsonSink:
    """The score report's JSON, to a file (atomically) or to standard output."""

    def __init__(self, scorer: Scorer, path: str | None) -> None:
        from ..io._atomic import AtomicFile
        from ..io._report_json import ScoreJson

        self.scorer = scorer
        self.file = AtomicFile(path) if path is not None else None
        out: Any = self.file.file if self.file is not None else _binary(sys.stdout)
        try:
            self.json = ScoreJson(
                out,
                pack=scorer.pack.ref,
                pack_hash=scorer.pack.content_hash,
                interpretations=scorer.interpretations,
                plans=scorer.plans,
                period=scorer.period.model_dump(mode="json"),
            )
        except BaseException:
            self.discard()
            raise

    rows_wanted = False

    def add(self, explained: Explanation, row: ScoreRow | None) -> None:
        self.json.add(explained)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        self.json.finish(_tail(self.scorer, rejected, notices))
        if self.file is not None:
            self.file.commit()

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()


class WorkbookSink:
    """The score report as a workbook, written as records come (kept for a ranking)."""

    def __init__(self, scorer: Scorer, path: str, options: ReportOptions) -> None:
        from ..io._report_xlsx import ScoreWorkbook

        self.book = ScoreWorkbook(
            scorer.pack,
            scorer.plans,
            path,
            interpretations=scorer.interpretations,
            options=options,
        )

    rows_wanted = True

    def add(self, explained: Explanation, row: ScoreRow | None) -> None:
        assert row is not None
        self.book.add(explained, row)

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        self.book.finish(rejected, notices)

    def discard(self) -> None:
        self.book.discard()


class HtmlSink:
    """Keeps every score sheet and row, for the page that summarises them all at the top."""

    rows_wanted = True

    def __init__(self, scorer: Scorer, path: str, options: ReportOptions) -> None:
        self.scorer = scorer
        self.path = path
        self.options = options
        self.sheets: list[ScoreSheet] = []
        self.rows: list[ScoreRow] = []

    def add(self, explained: Explanation, row: ScoreRow | None) -> None:
        assert row is not None
        self.rows.append(row)
        self.sheets.append(explained.sheet())

    def finish(self, rejected: Sequence[Rejection], notices: Sequence[Notice]) -> None:
        from .._pack import provenance_of
        from .._scoring import ScoreReport
        from ..io._report_html import write_score_html

        report = ScoreReport(
            pack=self.scorer.pack.ref,
            pack_hash=self.scorer.pack.content_hash,
            results=self.sheets,
            rejected=list(rejected),
            interpretations=self.scorer.interpretations,
            provenance=provenance_of(self.scorer.pack),
            notices=list(notices),
            period=self.scorer.period,
        )
        write_score_html(
            report,
            self.scorer.pack,
            self.path,
            notices=notices,
            options=self.options,
            rows=self.rows,
            plans=self.scorer.plans,
        )

    def discard(self) -> None:
        self.sheets.clear()
        self.rows.clear()


def score_command(
    pack: Pack,
    scorer: Scorer,
    entries: Iterator[tuple[str, int, Location | None, Any]],
    *,
    rejected_reading: Sequence[Rejection],
    notices: Sequence[Notice],
    out: str | None,
    fmt: str,
    options: ReportOptions,
    progress: Any,
) -> list[Rejection]:
    """Score ``entries`` into the reports asked for; return every rejected record.

    ``rejected_reading`` and ``notices`` are filled by the reader as it goes
    (complete once ``entries`` is exhausted).
    """
    from .._dataset import Rejection
    from ..io._score_rows import row_of
    from ._score_text import ScoreTextSink

    sinks: list[Any] = []
    no_rubric: list[Rejection] = []
    position = 0
    try:
        if out is not None:
            suffix = Path(out).suffix.lower()
            if suffix == ".xlsx":
                sinks.append(WorkbookSink(scorer, out, options))
            elif suffix in (".html", ".htm"):
                sinks.append(HtmlSink(scorer, out, options))
            else:
                sinks.append(JsonSink(scorer, out))
        if fmt == "json":
            sinks.append(JsonSink(scorer, None))
        else:
            sinks.append(ScoreTextSink(scorer, options, out))
        listing = any(getattr(sink, "rows_wanted", False) for sink in sinks)
        for item in scorer.iter_explained(entries):
            progress(1)
            if isinstance(item, Rejection):
                no_rubric.append(item)
                continue
            row = row_of(item, position, options) if listing else None
            position += 1
            for sink in sinks:
                sink.add(item, row)
        rejected = [*rejected_reading, *no_rubric]
        for sink in sinks:
            sink.finish(rejected, notices)
    except BaseException:
        for sink in sinks:
            sink.discard()
        raise
    return rejected
