"""The work of a request, run in a worker thread: read the records, run the pack, write the result.

Nothing is kept: records come from the request's JSON or from the upload in the
request's own temporary folder, and every report is written into that folder
and read back; the folder is removed when the request ends.  What is shared is
the packs and, per pack and set of interpretations, its :class:`Scorer`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from .._clock import report_date
from .._dataset import Dataset, Notice, Rejection, load_dataset
from .._errors import InputError
from .._i18n import Lang, Text
from .._location import Location
from .._pack import Pack
from .._scoring import Scorer
from ..io._score_rows import ReportOptions
from ._failures import RequestError, too_many_records

#: the result formats, with their media types and file suffixes
FORMATS: Final = {
    "json": ("application/json", ".json"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "html": ("text/html; charset=utf-8", ".html"),
}


@dataclass
class Upload:
    """What a request asks for: its records (a JSON input object or a file) and its options.

    :param data: the input object of a JSON request.
    :param file: the uploaded file, in the request's temporary folder.
    :param name: the uploaded file's own name (as the user's rejections name it).
    """

    overrides: dict[str, str] = field(default_factory=dict)
    rubric: str | None = None
    as_of: dt.date | None = None
    #: also process records whose year is outside the pack's period (rejected by default)
    outside_period: bool = False
    data: Mapping[str, Any] | None = None
    file: Path | None = None
    name: str | None = None


@dataclass
class Result:
    """A result: its file in the request's folder (or its bytes), media type and suggested
    file name.  Read it before the request's folder is removed."""

    media_type: str
    filename: str
    path: Path | None = None
    data: bytes | None = None

    def body(self) -> bytes:
        """The result's bytes."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()


class Scorers:
    """The scorers of the packs, one per pack, rubric and set of interpretations (bounded).

    :param size: how many are kept; the least recently used goes first.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._cache: OrderedDict[tuple[Any, ...], Scorer] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self,
        pack: Pack,
        overrides: Mapping[str, str],
        rubric: str | None,
        outside_period: bool = False,
    ) -> Scorer:
        """The scorer of ``pack`` under ``overrides`` (made once, then reused)."""
        key = (pack.ref, pack.provenance, tuple(sorted(overrides.items())), rubric, outside_period)
        with self._lock:
            scorer = self._cache.get(key)
            if scorer is not None:
                self._cache.move_to_end(key)
                return scorer
        scorer = Scorer(
            pack, rubric=rubric, interpretations=overrides, outside_period=outside_period
        )
        with self._lock:
            self._cache[key] = scorer
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return scorer


def _named(exc: InputError, upload: Upload) -> InputError:
    """An input error that names the user's file, not the temporary copy."""
    loc = exc.loc
    if loc is None or upload.file is None or loc.file != str(upload.file):
        return exc
    named = InputError(
        exc.text,
        dataclasses.replace(loc, file=upload.name),
        code=exc.code,
        value=exc.value,
    )
    return named


def _count(entries: Iterator[Any], limit: int) -> Iterator[Any]:
    for n, entry in enumerate(entries, start=1):
        if n > limit:
            raise too_many_records(limit)
        yield entry


def _dataset_entries(
    dataset: Dataset, collections: list[str]
) -> Iterator[tuple[str, int, Location | None, Any]]:
    for name in collections:
        origins = dataset.origins.get(name)
        for n, record in enumerate(dataset.records(name)):
            index, loc = origins[n] if origins is not None else (n, None)
            yield name, index, loc, record


def check_size(data: Mapping[str, Any], limit: int) -> None:
    """Refuse an input object of more than ``limit`` records."""
    total = sum(len(v) for v in data.values() if isinstance(v, list))
    if total > limit:
        raise too_many_records(limit)


def read_records(pack: Pack, upload: Upload, limit: int) -> Dataset:
    """Every record of the request, validated (the rejected ones listed)."""
    if upload.data is not None:
        check_size(upload.data, limit)
        return load_dataset(upload.data, pack.record_types, wanted=pack.collections())
    assert upload.file is not None
    from ..io._readers import open_records

    dataset = Dataset()
    for name in pack.collections():
        dataset.collections[name] = []
        dataset.origins[name] = []
    try:
        with open_records(upload.file, pack.record_types, pack.collections()) as stream:
            for entry in _count(iter(stream), limit):
                dataset.collections.setdefault(entry.collection, []).append(entry.record)
                dataset.origins.setdefault(entry.collection, []).append(
                    (entry.index, entry.location)
                )
    except InputError as exc:
        raise _named(exc, upload) from None
    dataset.rejected = stream.rejected
    dataset.notices = stream.notices
    return dataset


def report_options(upload: Upload, lang: Lang) -> ReportOptions:
    """A report's options for a request: its language and date, the records in input order."""
    from ..io._score_rows import ReportOptions

    dated = report_date(upload.as_of)
    return ReportOptions(lang=lang, as_of=dated.date, as_of_given=dated.given)


def score_result(
    pack: Pack,
    scorer: Scorer,
    upload: Upload,
    *,
    kind: str,
    lang: Lang,
    folder: Path,
    limit: int,
) -> Result:
    """Score the request's records into the result ``kind`` (json, xlsx or html).

    The JSON is the bytes ``pairing-rules score --format json`` writes for the same input.
    """
    from ..cli._score import HtmlSink, JsonSink, WorkbookSink
    from ..io._score_rows import row_of

    rejected: list[Rejection] = []
    notices: list[Notice] = []
    out = folder / f"report{FORMATS[kind][1]}"
    if upload.data is not None:
        check_size(upload.data, limit)
        dataset = load_dataset(upload.data, pack.record_types, wanted=pack.collections())
        entries: Iterator[Any] = _dataset_entries(dataset, scorer.collections)
        rejected.extend(dataset.rejected)
        stream = None
    else:
        from ..io._readers import open_records

        assert upload.file is not None
        try:
            stream = open_records(upload.file, pack.record_types, pack.collections())
        except InputError as exc:
            raise _named(exc, upload) from None
        entries = _count(iter(stream), limit)
    options = report_options(upload, lang)
    sink: Any
    if kind == "json":
        sink = JsonSink(scorer, str(out))
    elif kind == "xlsx":
        sink = WorkbookSink(scorer, str(out), options)
    else:
        sink = HtmlSink(scorer, str(out), options)
    try:
        no_rubric: list[Rejection] = []
        position = 0
        try:
            for item in scorer.iter_explained(entries):
                if isinstance(item, Rejection):
                    no_rubric.append(item)
                    continue
                row = row_of(item, position, options) if sink.rows_wanted else None
                position += 1
                sink.add(item, row)
        except InputError as exc:
            raise _named(exc, upload) from None
        if stream is not None:
            rejected.extend(stream.rejected)
            notices.extend(stream.notices)
        sink.finish([*rejected, *no_rubric], notices)
    except BaseException:
        sink.discard()
        raise
    finally:
        if stream is not None:
            stream.close()
    return Result(FORMATS[kind][0], _filename(pack, "score", kind, lang), path=out)


def check_result(
    pack: Pack,
    upload: Upload,
    *,
    kind: str,
    lang: Lang,
    folder: Path,
    limit: int,
) -> Result:
    """Check the request's records; the result ``kind`` (json, xlsx or html)."""
    from .._engine import check

    dataset = read_records(pack, upload, limit)
    report = check(
        pack,
        dataset,
        as_of=upload.as_of,
        interpretations=upload.overrides,
        outside_period=upload.outside_period,
    )
    report = report.model_copy(update={"notices": list(dataset.notices)})
    out = folder / f"report{FORMATS[kind][1]}"
    if kind == "json":
        return Result(
            FORMATS["json"][0],
            _filename(pack, "check", kind, lang),
            data=orjson.dumps(report.model_dump(mode="json")),
        )
    options = report_options(upload, lang)
    if kind == "xlsx":
        from ..io._check_xlsx import write_check_workbook

        write_check_workbook(report, pack, out, options=options, notices=dataset.notices)
    else:
        from ..io._report_html import write_check_html

        write_check_html(report, pack, out, options=options, notices=dataset.notices)
    return Result(FORMATS[kind][0], _filename(pack, "check", kind, lang), path=out)


def template_result(pack: Pack, *, lang: Lang, folder: Path) -> Result:
    """The pack's input workbook to fill in."""
    from ..io._template import write_template

    if not pack.collections():
        raise RequestError(
            "nothing_to_run",
            Text(zh=f"规则包 {pack.id} 不读取任何记录", en=f"pack {pack.id} reads no records"),
            field="pack",
            value=pack.id,
        )
    out = write_template(pack, folder / "template.xlsx", lang=lang)
    name = f"{pack.id}-填报模板.xlsx" if lang == "zh" else f"{pack.id}-template.xlsx"
    return Result(FORMATS["xlsx"][0], name, path=out)


def _filename(pack: Pack, what: str, kind: str, lang: Lang) -> str:
    if lang == "zh":
        title = "评分报告" if what == "score" else "检查报告"
        return f"{pack.id}-{title}{FORMATS[kind][1]}"
    return f"{pack.id}-{what}-report{FORMATS[kind][1]}"
