"""Reading input files: the format is chosen by the file's extension (and checked against
its content).

Every reader is bounded before it parses: only a regular file is read, at most
``PAIRING_RULES_MAX_BYTES`` of it (for a workbook also of its uncompressed
content) and at most ``PAIRING_RULES_MAX_ROWS`` data rows per sheet or
collection.  :func:`open_records` streams the validated records one at a time;
:func:`read_dataset` collects them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from .._dataset import (
    META_KEYS,
    Dataset,
    Notice,
    RecordChecker,
    Rejection,
)
from .._i18n import Text
from .._location import Location
from .._models import Record
from ._errors import InputError
from ._tabular import (
    Entry,
    Table,
    TableReader,
    folder_error,
    max_rows,
    read_input_bytes,
    too_many_rows,
)

__all__ = [
    "INPUT_SUFFIXES",
    "Entry",
    "RecordStream",
    "open_records",
    "read_dataset",
    "read_json",
]

INPUT_SUFFIXES: Final = (".json", ".csv", ".xlsx", ".xlsm", ".xls", ".ods")
_WORKBOOKS: Final = (".xlsx", ".xlsm", ".xls", ".ods")


class RecordStream:
    """The records of an input file, validated one at a time as they are read.

    A context manager; iterating gives the valid records as :class:`Entry`, in file
    order.  :attr:`rejected` and :attr:`notices` grow during iteration and are
    complete once the stream is exhausted.  Memory does not grow with the number
    of records (only the ids seen are kept, to reject a repeated one).
    """

    def __init__(
        self,
        parts: Sequence[Callable[[list[Rejection], list[Notice]], Iterator[Entry]]],
        *,
        notices: Sequence[Notice] = (),
        close: Callable[[], None] | None = None,
    ) -> None:
        #: records that were not processed, and why
        self.rejected: list[Rejection] = []
        #: problems with the file as a whole (unknown columns, skipped empty rows …)
        self.notices: list[Notice] = list(notices)
        self._parts = parts
        self._close = close
        #: whether the records are being read (a stream is read once)
        self.started = False

    def __iter__(self) -> Iterator[Entry]:
        if self.started:
            raise RuntimeError("a RecordStream is read once")
        self.started = True
        try:
            for part in self._parts:
                yield from part(self.rejected, self.notices)
        finally:
            self.close()

    def close(self) -> None:
        """Release the file (done when the stream is exhausted or the ``with`` block ends)."""
        if self._close is not None:
            close, self._close = self._close, None
            close()

    def __enter__(self) -> RecordStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_records(
    path: str | Path,
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
) -> RecordStream:
    """Open an input file and check it as a whole; its records are validated as they are read.

    ``.json`` holds an input object (``{"communities": [...]}``); ``.xlsx``,
    ``.xls`` and ``.ods`` a workbook with one sheet per collection (as
    ``pairing-rules template`` makes it); ``.csv`` one collection (UTF-8 with or
    without BOM, or GBK/GB18030).

    :param record_types: the record type of each collection the reader accepts.
    :param wanted: the collections the caller reads (a CSV file is one of them).
    :raises InputError: when the file cannot be read at all: missing, not a regular
        file, too large, empty, damaged, without a header or a required column.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    where = Location(file=str(file))
    if suffix == ".json":
        return _json_stream(file, record_types, wanted)
    if suffix == ".csv":
        from ._csvrows import count_lines, csv_rows, decode_csv

        text = decode_csv(read_input_bytes(file))
        if isinstance(text, Text):
            raise InputError(text, where)
        if not text.strip():
            raise InputError(
                Text(zh="文件为空，没有任何数据", en="the file is empty: there is no data"),
                where,
                code="no_records",
            )
        table = Table(
            loc=Location(file=file.name),
            rows=csv_rows(text),
            height=count_lines(text),
            text_only=True,
            hashes="#" in text,
        )
        return _tables_stream([table], record_types, wanted, workbook=False, where=where)
    if suffix in _WORKBOOKS:
        from ._workbook import open_workbook

        book = open_workbook(file)
        try:
            return _tables_stream(
                book.tables, record_types, wanted, workbook=True, where=where, close=book.close
            )
        except BaseException:
            book.close()
            raise
    if suffix in (".et", ".wps", ".numbers"):
        raise InputError(
            Text(
                zh=f"不支持 {suffix} 格式：请在 WPS 或 Excel 中另存为 .xlsx",
                en=f"the {suffix} format is not supported: save the file as .xlsx",
            ),
            where,
            code="unsupported_file_type",
        )
    if file.is_dir():
        raise folder_error(where)
    raise InputError(
        Text(
            zh=f"不支持的文件类型 {suffix or '（无扩展名）'}；请使用 .json、.csv、.xlsx、.xls 或 .ods",
            en=f"unsupported file type {suffix or '(no extension)'}; use .json, .csv, .xlsx, .xls or .ods",
        ),
        where,
        code="unsupported_file_type",
    )


def _sheets_not_read(
    tables: Sequence[Table],
    read: Sequence[Table],
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
) -> list[Notice]:
    """A notice for each sheet with rows that is not read (its title names no collection);
    the template's instructions sheet and empty sheets go without one."""
    from ._template import INSTRUCTIONS

    nouns = "、".join(record_types[w].NOUN.zh for w in wanted)
    out = []
    for table in tables:
        if table in read or table.loc.sheet == INSTRUCTIONS or table.height == 0:
            continue
        out.append(
            Notice.at(
                table.loc,
                Text(
                    zh=f"未读取此工作表：名称不是数据集合（应为 {nouns}）",
                    en=f"this sheet was not read: its name is no collection ({', '.join(wanted)})",
                ),
                error=False,
            )
        )
    return out


def read_dataset(
    path: str | Path,
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
) -> Dataset:
    """Read and validate an input file: every record of :func:`open_records`, collected.

    :raises InputError: when the file cannot be read at all.
    """
    dataset = Dataset()
    for name in wanted:
        dataset.collections[name] = []
        dataset.origins[name] = []
    with open_records(path, record_types, wanted) as stream:
        for entry in stream:
            dataset.collections.setdefault(entry.collection, []).append(entry.record)
            dataset.origins.setdefault(entry.collection, []).append((entry.index, entry.location))
    dataset.rejected = stream.rejected
    dataset.notices = stream.notices
    return dataset


def read_json(path: Path) -> Any:
    """Parse a JSON file (UTF-8, a BOM allowed; bounded), with a clear error on bad JSON.

    :raises InputError: when the file cannot be read, is too large, or is not valid JSON,
        or an object in it gives a key twice.
    """
    from ._jsonread import parse_json

    where = Location(file=str(path))
    raw, duplicated = parse_json(read_input_bytes(Path(path)), where)
    if duplicated:
        from ._jsonread import record_problems

        problems = record_problems(raw)
        if problems:
            raise InputError(problems[0].message, where)
    return raw


# --------------------------------------------------------------------------------- JSON


def _json_stream(
    file: Path, record_types: Mapping[str, type[Record]], wanted: Sequence[str]
) -> RecordStream:
    from ._jsonread import parse_json, record_problems, top_level_duplicates

    where = Location(file=str(file))
    raw, duplicated = parse_json(read_input_bytes(file), where)
    if not isinstance(raw, Mapping):
        raise InputError(
            Text(
                zh='输入应为一个 JSON 对象，例如 {"communities": [...]}',
                en='the input must be a JSON object, e.g. {"communities": [...]}',
            ),
            where,
            code="not_an_object",
        )
    top_level_duplicates(raw, where)
    known = dict(record_types)
    collections: list[tuple[str, list[Any]]] = []
    limit = max_rows()
    for key, value in raw.items():
        if key.startswith("_") or key in META_KEYS:
            continue
        if key not in known:
            raise InputError(
                Text(
                    zh=f"未知的数据集合 {key!r}；可用的集合：{'、'.join(known)}",
                    en=f"unknown collection {key!r}; known collections: {', '.join(known)}",
                ),
                where,
                code="unknown_collection",
            )
        if not isinstance(value, list):
            raise InputError(
                Text(zh=f"{key} 应为一个数组（列表）", en=f"{key} must be an array (list)"),
                where,
                code="not_a_list",
            )
        if len(value) > limit:
            raise too_many_rows(where, limit)
        collections.append((key, value))
    if not any(items for _key, items in collections):
        raise InputError(
            Text(zh="输入中没有任何记录", en="the input holds no record"), where, code="no_records"
        )
    record_loc = Location(file=file.name)

    def part(
        name: str, items: list[Any]
    ) -> Callable[[list[Rejection], list[Notice]], Iterator[Entry]]:
        def entries(rejected: list[Rejection], notices: list[Notice]) -> Iterator[Entry]:
            checker = RecordChecker(known[name], name)
            for index, item in enumerate(items):
                extra = record_problems(item, known[name]) if duplicated else ()
                result = checker.check(index, item, loc=record_loc, errors=extra)
                if isinstance(result, Rejection):
                    rejected.append(result)
                else:
                    yield Entry(name, index, record_loc, result)

        return entries

    return RecordStream([part(name, items) for name, items in collections])


# ----------------------------------------------------------------------------- tables


def _tables_stream(
    tables: Sequence[Table],
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
    *,
    workbook: bool,
    where: Location,
    close: Callable[[], None] | None = None,
) -> RecordStream:
    """Every table read as the collection its sheet title (or its header) names."""
    from ._tabular import sheet_collection

    assigned: list[tuple[Table, str]] = []
    for table in tables:
        name = sheet_collection(table.loc.sheet or "", record_types) if workbook else None
        if name is not None:
            assigned.append((table, name))
    notices: list[Notice] = []
    readers: list[TableReader] = []
    checkers: dict[str, RecordChecker] = {}
    if not assigned:
        if workbook and len(tables) != 1:
            sheets = "、".join(record_types[w].NOUN.zh for w in wanted)
            raise InputError(
                Text(
                    zh=f"找不到数据工作表：工作表应命名为 {sheets}（使用 pairing-rules template 生成的模板）",
                    en=f"no data sheet found: name the sheets {', '.join(wanted)} "
                    "(use a template made by pairing-rules template)",
                ),
                where,
                code="no_data_sheet",
            )
        table = tables[0]
        name = _best_collection(table, record_types, wanted)
        checker = checkers[name] = RecordChecker(record_types[name], name)
        readers.append(TableReader(table, record_types[name], name, checker))
    else:
        for table, name in assigned:
            checker = checkers.setdefault(name, RecordChecker(record_types[name], name))
            readers.append(TableReader(table, record_types[name], name, checker))
        notices.extend(_sheets_not_read(tables, [t for t, _n in assigned], record_types, wanted))
    for reader in readers:
        if reader.empty and workbook:
            notices.append(
                Notice.at(
                    reader.table.loc, Text(zh="工作表为空", en="the sheet is empty"), error=False
                )
            )
        notices.extend(reader.notices)
    if all(reader.empty for reader in readers):
        raise InputError(
            Text(
                zh="没有任何数据行（文件或工作表为空，或只有表头）",
                en="there is no data row (the file or sheet is empty, or holds only a header)",
            ),
            where,
            code="no_records",
        )

    # a reader's own generator is handed out as it is: one generator less per record
    return RecordStream(
        [reader.entries for reader in readers if not reader.empty], notices=notices, close=close
    )


def _best_collection(
    table: Table, record_types: Mapping[str, type[Record]], wanted: Sequence[str]
) -> str:
    """The wanted collection whose columns the table's header names best."""
    if len(wanted) == 1:
        return wanted[0]
    from itertools import islice

    from ._tabular import header_of

    head = list(islice(table.rows, 2))
    table.rows = _chain(head, table.rows)
    cells = {r: c for r, c in head if isinstance(c, list)}
    best, best_score = wanted[0], -1.0
    for name in wanted:
        try:
            keys, _start, _unknown = header_of(
                cells.get(0, []), cells.get(1, []), record_types[name], table.loc
            )
        except InputError:
            continue
        score = sum(1 for k in keys if k) / max(1, len(keys))
        if score > best_score:
            best, best_score = name, score
    return best


def _chain(
    head: list[tuple[int, Any]], rest: Iterator[tuple[int, Any]]
) -> Iterator[tuple[int, Any]]:
    yield from head
    yield from rest
