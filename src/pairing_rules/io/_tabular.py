"""Reading records from tables: a worksheet or a CSV file, one row at a time.

A sheet holds one collection.  Its header is either a row of field keys
(``id``, ``type``, ``sync_lessons`` …), or a row of Chinese (or English)
headers, or both: the templates have the Chinese headers in row 1 and the keys
in a hidden row 2, so a file reads back unambiguously.  Every problem names the
file, the sheet, the row and the column.

A converter is chosen once per column from the kind of its field; the value
rules themselves (a percentage written ``95%``, full-width digits, a yes/no
value that is not a count …) are the record types' validators, the same for
JSON, CSV and workbooks.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, NamedTuple, cast

from .._dataset import FieldError, Notice, RecordChecker, Rejection
from .._i18n import Text
from .._location import Location
from .._models import Record, field_phrase
from .._values import SPREADSHEET_ERRORS
from ._columns import ColumnSpec, model_columns
from ._errors import InputError

#: the largest input file read, in bytes (``PAIRING_RULES_MAX_BYTES`` overrides); for a
#: workbook also the most its parts may hold once uncompressed
MAX_BYTES: Final = 50 * 1024 * 1024
#: the most data rows read from one sheet or file (``PAIRING_RULES_MAX_ROWS`` overrides)
MAX_ROWS: Final = 200_000


def max_bytes() -> int:
    """The size limit in force."""
    return _limit("PAIRING_RULES_MAX_BYTES", MAX_BYTES)


def max_rows() -> int:
    """The row limit in force."""
    return _limit("PAIRING_RULES_MAX_ROWS", MAX_ROWS)


def _limit(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


def read_input_bytes(path: Path) -> bytes:
    """The bytes of a regular file, at most :func:`max_bytes` of them.

    A FIFO, a device (or a link to one) or a folder is refused before anything is
    read from it: opening does not block and reading stops at the limit.

    :raises InputError: when the file is missing, not a regular file, unreadable or too large.
    """
    where = Location(file=str(path))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(
            Text(zh="文件不存在", en="no such file"), where, code="file_not_found"
        ) from None
    except IsADirectoryError:
        raise folder_error(where) from None
    except OSError as exc:
        raise InputError(
            Text(zh=f"无法读取文件：{exc.strerror}", en=f"cannot read the file: {exc.strerror}"),
            where,
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise folder_error(where)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                Text(
                    zh="不是普通文件（管道、设备或其他特殊文件），无法读取",
                    en="not a regular file (a pipe, a device or another special file); it is not read",
                ),
                where,
            )
        limit = max_bytes()
        if info.st_size > limit:
            raise too_large(where, info.st_size, limit)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise too_large(where, len(data), limit)
        return data
    except OSError as exc:
        raise InputError(
            Text(zh=f"无法读取文件：{exc.strerror}", en=f"cannot read the file: {exc.strerror}"),
            where,
        ) from None
    finally:
        os.close(fd)


def folder_error(where: Location) -> InputError:
    """The error for a folder given where a file is read."""
    return InputError(Text(zh="这是一个文件夹，不是文件", en="this is a folder, not a file"), where)


def too_large(where: Location, size: int, limit: int, *, unpacked: bool = False) -> InputError:
    """The error for a file (or a workbook's unpacked content) over the size limit."""
    what_zh, what_en = (
        ("解压后的内容", "its uncompressed content") if unpacked else ("文件", "the file")
    )
    return InputError(
        Text(
            zh=f"{what_zh}过大（{size} 字节，上限 {limit} 字节）；请分批处理，或设置 PAIRING_RULES_MAX_BYTES",
            en=f"{what_en} is too large ({size} bytes, limit {limit} bytes); split it or set PAIRING_RULES_MAX_BYTES",
        ),
        where,
        code="file_too_large",
    )


def too_many_rows(where: Location, limit: int, *, reach: int | None = None) -> InputError:
    """The error for a sheet or file with more data rows than the limit.

    :param reach: the last row of a sheet's used range, when that is what was counted
        (a stray value far down makes a sheet of a few rows reach row 1,048,576).
    """
    far_zh = (
        f"：工作表的使用范围延伸到第 {reach} 行，如果远处只是误填的单元格，请删除后另存；否则"
        if reach
        else "，"
    )
    far_en = (
        f": the sheet's used range reaches row {reach}; if far-away cells hold a stray value, delete them and save; otherwise"
        if reach
        else ";"
    )
    return InputError(
        Text(
            zh=f"数据行超过上限 {limit} 行{far_zh}请分批处理（或设置 PAIRING_RULES_MAX_ROWS）",
            en=f"more than {limit} data rows{far_en} split the file (or set PAIRING_RULES_MAX_ROWS)",
        ),
        where,
        code="too_many_rows",
    )


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


#: a row of cells, or the reason a row could not be read
Row = list[Any] | Text


@dataclass
class Table:
    """The rows of one sheet or CSV file, with where they came from.

    :param rows: ``(row index from 0, cells)`` in file order; cells may be a message for a
        row that could not be read.
    :param percent: cells shown as percentages (their value is a fraction: 0.93 for 93 %).
    :param formulas: cells holding a formula without a cached value.
    :param errors: cells holding a spreadsheet error (``#DIV/0!`` …).
    :param merged: merged ranges as (first row, last row, first col, last col, text), 0-based.
    :param height: the rows the table holds, when known before reading them.
    """

    loc: Location
    rows: Iterator[tuple[int, Row]]
    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    height: int | None = None
    #: every cell is text or ``None`` (a CSV file)
    text_only: bool = False
    #: whether any text cell may start with ``#`` (a spreadsheet error value)
    hashes: bool = True

    @property
    def name(self) -> str:
        """``book.xlsx「教共体」`` or ``in.csv``."""
        return self.loc.render("zh")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _key_map(model: type[Record]) -> tuple[dict[str, ColumnSpec], dict[str, str]]:
    specs = {s.key: s for s in model_columns(model)}
    labels: dict[str, str] = {}
    for spec in specs.values():
        for text in (spec.label.zh, spec.label.en, spec.header("zh"), spec.header("en")):
            labels.setdefault(text.strip(), spec.key)
    return specs, labels


def header_of(
    first: Sequence[Any], second: Sequence[Any], model: type[Record], where: Location
) -> tuple[list[str | None], int, list[str]]:
    """Field key per column, the index of the first data row, and unknown headers."""
    specs, labels = _key_map(model)

    def keys_of(row: Sequence[Any]) -> list[str | None]:
        return [str(c).strip() if c is not None and str(c).strip() in specs else None for c in row]

    def share(row: Sequence[Any], known: list[str | None]) -> float:
        filled = [c for c in row if c is not None and str(c).strip()]
        return sum(1 for k in known if k) / len(filled) if filled else 0.0

    if second and share(second, keys_of(second)) >= 0.5:
        keys, start, header = keys_of(second), 2, second
    elif first and share(first, keys_of(first)) >= 0.5:
        keys, start, header = keys_of(first), 1, first
    else:
        mapped = [
            labels.get(str(c).strip()) if c is not None and str(c).strip() else None for c in first
        ]
        filled = [c for c in first if c is not None and str(c).strip()]
        if not filled or sum(1 for k in mapped if k) / len(filled) < 0.5:
            raise InputError(
                Text(
                    zh="找不到表头：第 1 行应为中文列名（或字段名，如 id、type），请使用 pairing-rules template 生成的模板",
                    en="no header found: row 1 must hold the column names (or field keys such as id, type); "
                    "use a template made by pairing-rules template",
                ),
                where,
            )
        keys, start, header = mapped, 1, first
    unknown = [
        f"{column_letter(n)}「{str(c).strip()}」"
        for n, (c, k) in enumerate(zip(header, keys, strict=False))
        if k is None and c is not None and str(c).strip()
    ]
    return keys, start, unknown


# ----------------------------------------------------------------------------- converters

Converter = Callable[[Any], Any]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def _integer(value: Any) -> Any:
    if type(value) is str:
        return int(value) if value.isascii() and value.isdigit() else value
    if type(value) is float and value.is_integer():
        return int(value)
    return _plain(value)


def _decimal(value: Any) -> Any:
    if type(value) is float:
        return Decimal(repr(value))
    return _plain(value)


def _text(value: Any) -> Any:
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if type(value) is int:
        return str(value)
    return _plain(value)


def _date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _percent_cell(value: Any) -> Any:
    """A cell formatted as a percentage holds the fraction: 0.93 is 93 %."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return f"{(number * 100).normalize():f}%"
    return value


_CONVERTERS: Final[dict[str, Converter]] = {
    "integer": _integer,
    "decimal": _decimal,
    "percent": _decimal,
    "text": _text,
    "choice": _text,
    "list": _text,
    "yesno": _plain,
    "date": _date,
}


class Entry(NamedTuple):
    """One valid record as it is read, with where it came from."""

    #: the collection (sheet) the record belongs to
    collection: str
    #: its position in its collection, from 0 (rejected rows counted too), as :attr:`Rejection.index`
    index: int  # type: ignore[assignment]  # shadows tuple.index, as Rejection.index reads
    #: where a person finds it (file, sheet, row)
    location: Location | None
    #: the validated record
    record: Record


class TableReader:
    """The records of one table, validated one row at a time.

    Constructing it reads the header: a table without one, or without a required
    column, is an :class:`InputError` before any row is read.
    """

    def __init__(
        self, table: Table, model: type[Record], collection: str, checker: RecordChecker
    ) -> None:
        self.table = table
        self.model = model
        self.collection = collection
        self.checker = checker
        self.notices: list[Notice] = []
        where = table.loc
        self.limit = max_rows()
        self.plan: list[tuple[int, str, Converter, str, bool]] = []
        self.start = 0
        self.merged_rows: dict[int, str] = {}
        self.columns: dict[str, str] = {}
        self._rows = table.rows
        head: list[tuple[int, Row]] = []
        for item in table.rows:
            head.append(item)
            if item[0] >= 1:
                break
        cells = {r: c for r, c in head if isinstance(c, list)}
        first, second = cells.get(0, []), cells.get(1, [])
        self._rest: Iterator[tuple[int, Row]] = iter(head)
        if not any(not _is_blank(v) for v in (*first, *second)):
            # nothing in the header rows: an empty table, or data without a header
            for item in table.rows:
                head.append(item)
                if not isinstance(item[1], list) or not all(map(_is_blank, item[1])):
                    break
            else:
                #: whether the table holds no data row at all
                self.empty = True
                return
        keys, start, unknown = header_of(first, second, model, where)
        specs, _labels = _key_map(model)
        present = {k for k in keys if k}
        missing = [s for s in specs.values() if s.required and s.key not in present]
        if missing:
            names = "、".join(f"{s.key}（{s.label.zh}）" for s in missing)
            raise InputError(
                Text(
                    zh=f"缺少必填列：{names}",
                    en=f"required columns missing: {', '.join(f'{s.key} ({s.label.en})' for s in missing)}",
                ),
                where,
            )
        duplicated = sorted({k for k in present if keys.count(k) > 1})
        if duplicated:
            raise InputError(
                Text(
                    zh=f"列重复：{'、'.join(duplicated)}",
                    en=f"duplicated columns: {', '.join(duplicated)}",
                ),
                where,
            )
        limit = self.limit
        if table.height is not None and table.height - start > limit:
            raise too_many_rows(where, limit)
        if unknown:
            self.notices.append(
                Notice.at(
                    where,
                    Text(
                        zh=f"未知的列（未读取）：{'、'.join(unknown)}",
                        en="unknown columns (not read): "
                        + ", ".join(u.replace("「", " '").replace("」", "'") for u in unknown),
                    ),
                )
            )
        self.columns = {k: column_letter(n) for n, k in enumerate(keys) if k}
        #: (column index, key, converter, letter), in column order
        self.plan = [
            (
                n,
                k,
                _CONVERTERS.get(specs[k].kind, _plain),
                column_letter(n),
                specs[k].kind == "percent",
            )
            for n, k in enumerate(keys)
            if k
        ]
        self.start = start
        self.plain = table.text_only and not any("." in k for k in self.columns)
        self.hashes = table.hashes
        for first_row, last, col0, col1, text in table.merged:
            if last >= start and any(keys[c] for c in range(col0, min(col1, len(keys) - 1) + 1)):
                for r in range(max(first_row, start), last + 1):
                    self.merged_rows[r] = text
                self.notices.append(
                    Notice.at(
                        where,
                        Text(
                            zh=f"合并单元格 {text} 跨越数据行，相关行未处理；请取消合并并逐行填写",
                            en=f"merged cells {text} span data rows, which were not processed; "
                            "unmerge them and fill every row",
                        ),
                    )
                )
        # look ahead to the first data row: a table with a header and nothing else is empty
        for item in table.rows:
            head.append(item)
            if item[0] >= start and (
                not isinstance(item[1], list) or not all(map(_is_blank, item[1]))
            ):
                break
        self.empty = not any(
            r >= start and (not isinstance(c, list) or not all(map(_is_blank, c))) for r, c in head
        )
        self._rest = iter(head)

    def entries(self, rejected: list[Rejection], notices: list[Notice]) -> Iterator[Entry]:
        """The valid records in row order; rejections and notices are appended as found."""
        table = self.table
        where = table.loc
        file, sheet = where.file, where.sheet
        checker = self.checker
        checker.columns = self.columns
        check = checker.check
        collection = self.collection
        start, limit = self.start, self.limit
        index = checker.next_index
        plain = self.plain
        keys: list[str | None] = [None] * (max((c for c, *_rest in self.plan), default=-1) + 1)
        for c, key, *_rest in self.plan:
            keys[c] = key
        every_column_known = None not in keys
        known_keys = cast(list[str], keys)
        hashes, merged_rows = self.hashes, self.merged_rows
        for source in (self._rest, self._rows):
            for r, cells in source:
                if r < start:
                    continue
                if r - start >= limit:
                    raise too_many_rows(where, limit)
                loc = Location(file, sheet, r + 1)
                if type(cells) is not list:
                    rejected.append(
                        Rejection(
                            collection=collection,
                            index=index,
                            location=loc.render("zh"),
                            loc=loc,
                            errors=[FieldError(code="invalid_value", field=None, message=cells)],
                        )
                    )
                    index += 1
                    checker.next_index = index
                    continue
                found: list[FieldError] | None
                if plain:
                    # text cells (a CSV file): one comprehension; the types' validators read the text
                    item: dict[str, Any] = (
                        {
                            k: v
                            for k, v in zip(known_keys, cells, strict=False)
                            if v and not v.isspace()
                        }
                        if every_column_known
                        else {
                            k: v
                            for k, v in zip(keys, cells, strict=False)
                            if k is not None and v and not v.isspace()
                        }
                    )
                    found = self._error_values(item) if hashes else None
                else:
                    item, found = self._item(r, cells)
                if not item and found is None and all(_is_blank(v) for v in cells):
                    notices.append(
                        Notice.at(
                            loc, Text(zh="空行，已跳过", en="empty row, skipped"), error=False
                        )
                    )
                    continue
                if merged_rows and r in merged_rows:
                    found = [*(found or []), _merged(merged_rows[r])]
                result = check(index, item, loc=loc, errors=found or ())
                if type(result) is Rejection:
                    rejected.append(result)
                else:
                    yield Entry(collection, index, loc, result)  # type: ignore[arg-type]
                index += 1
                checker.next_index = index

    def _error_values(self, item: dict[str, Any]) -> list[FieldError] | None:
        """Spreadsheet error values (``#DIV/0!`` …) among text cells: each named, and left out."""
        found = None
        for key, value in list(item.items()):
            if isinstance(value, str) and value.strip().upper() in SPREADSHEET_ERRORS:
                del item[key]
                found = [
                    *(found or []),
                    _error_cell(self.model, key, self.columns[key], value.strip()),
                ]
        return found

    def _item(self, r: int, cells: list[Any]) -> tuple[dict[str, Any], list[FieldError] | None]:
        """The raw record of a row of typed cells (a worksheet)."""
        table = self.table
        marked = bool(table.percent or table.formulas or table.errors)
        item: dict[str, Any] = {}
        found: list[FieldError] | None = None
        width = len(cells)
        for c, key, convert, letter, is_percent in self.plan:
            if c >= width:
                break
            value = cells[c]
            if marked:
                problem = _marked(self.model, table, r, c, key, letter)
                if problem is not None:
                    found = [*(found or []), problem]
                    continue
            if value is None:
                continue
            if type(value) is str:
                value = value.strip()
                if not value:
                    continue
                if value[0] == "#" and value.upper() in SPREADSHEET_ERRORS:
                    found = [*(found or []), _error_cell(self.model, key, letter, value)]
                    continue
            elif is_percent and (r, c) in table.percent:
                value = _percent_cell(value)
            value = convert(value)
            if "." in key:
                head_key, rest = key.split(".", 1)
                nested = item.setdefault(head_key, {})
                if isinstance(nested, dict):
                    nested[rest] = value
            else:
                item[key] = value
        return item, found

    empty: bool = False
    #: whether every cell is text (a CSV file) and no field is nested: the fast path
    plain: bool = False
    #: whether a text cell may hold a spreadsheet error value (it holds a ``#``)
    hashes: bool = True


def _merged(text: str) -> FieldError:
    return FieldError(
        code="merged_cells",
        field=None,
        message=Text(
            zh=f"本行位于合并单元格 {text} 中",
            en=f"the row is inside merged cells {text}",
        ),
    )


def _marked(
    model: type[Record], table: Table, r: int, c: int, key: str, letter: str
) -> FieldError | None:
    code = table.errors.get((r, c))
    if code is not None:
        return _error_cell(model, key, letter, code)
    if (r, c) in table.formulas:
        return FieldError(
            code="formula_without_value",
            field=key,
            column=letter,
            message=Text(
                zh=f"{field_phrase(model, key)}是公式且没有缓存的计算结果（第 {letter} 列）；"
                "请在 Excel 或 WPS 中打开并保存后再试，或改填数值",
                en=f"field {key} is a formula without a cached value (column {letter}); "
                "open and save the file in Excel or WPS, or enter the value",
            ),
        )
    return None


def _error_cell(model: type[Record], key: str, letter: str, code: str) -> FieldError:
    return FieldError(
        code="spreadsheet_error",
        field=key,
        column=letter,
        value=code,
        message=Text(
            zh=f"{field_phrase(model, key)}是电子表格错误值 {code}（公式出错）（第 {letter} 列）；请更正后再试",
            en=f"field {key} holds the spreadsheet error {code} (a formula failed) (column {letter}); correct it",
        ),
    )


def sheet_collection(title: str, record_types: Mapping[str, type[Record]]) -> str | None:
    """The collection a sheet title names (``教共体``, ``communities`` …)."""
    bare = title.strip()
    for name, model in record_types.items():
        if bare in (name, model.NOUN.zh, model.NOUN.en, f"{model.NOUN.zh}记录"):
            return name
    return None
