"""Reading records from workbooks (.xlsx) and CSV files.

A sheet holds one collection.  Its header is either a row of field keys
(``id``, ``type``, ``sync_lessons`` …), or a row of Chinese (or English)
headers, or both: the templates have the Chinese headers in row 1 and the keys
in a hidden row 2, so a file reads back unambiguously.  Every problem names the
file, the sheet, the row and the column.

Workbooks are parsed without evaluating anything: formulas are read from their
cached values (a formula without one is an error for its row), and XML entity
expansion is disabled (openpyxl uses ``defusedxml``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final

from .._dataset import Dataset, FieldError, Notice, validate_records
from .._i18n import Text
from .._models import Record
from ._columns import ColumnSpec, model_columns
from ._errors import InputError

#: the largest workbook or CSV file read, in bytes (``PAIRING_RULES_MAX_BYTES`` overrides)
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


_BOM_UTF8: Final = b"\xef\xbb\xbf"


@dataclass
class Table:
    """Cells of one sheet or CSV file, with where they came from."""

    name: str
    rows: list[list[Any]]
    #: per cell (row index, column index): the number format, for percent cells
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    #: cells holding a formula without a cached value
    formulas: set[tuple[int, int]] = field(default_factory=set)
    #: merged ranges as (first row, last row, first col, last col, text), 0-based
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _key_map(model: type[Record]) -> tuple[dict[str, ColumnSpec], dict[str, str]]:
    specs = {s.key: s for s in model_columns(model)}
    labels: dict[str, str] = {}
    for spec in specs.values():
        for text in (spec.label.zh, spec.label.en, spec.header("zh"), spec.header("en")):
            labels.setdefault(text.strip(), spec.key)
    return specs, labels


def _header(table: Table, model: type[Record]) -> tuple[list[str | None], int, list[str]]:
    """Field key per column, the index of the first data row, and unknown headers."""
    specs, labels = _key_map(model)

    def keys_of(row: Sequence[Any]) -> list[str | None]:
        return [str(c).strip() if c is not None and str(c).strip() in specs else None for c in row]

    def share(row: Sequence[Any], known: list[str | None]) -> float:
        filled = [c for c in row if c is not None and str(c).strip()]
        return sum(1 for k in known if k) / len(filled) if filled else 0.0

    rows = table.rows
    first = rows[0] if rows else []
    second = rows[1] if len(rows) > 1 else []
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
                table.name,
            )
        keys, start, header = mapped, 1, first
    unknown = [
        f"{column_letter(n)}「{str(c).strip()}」"
        for n, (c, k) in enumerate(zip(header, keys, strict=False))
        if k is None and c is not None and str(c).strip()
    ]
    return keys, start, unknown


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value: Any, spec: ColumnSpec, number_format: str | None) -> Any:
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, dt.datetime):
        return value.date() if spec.kind == "date" else value.date().isoformat()
    if spec.kind == "percent" and isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number_format and "%" in number_format:
            number *= 100
        return number
    if spec.kind in ("decimal", "percent") and isinstance(value, float):
        return Decimal(repr(value))
    if spec.kind == "text" and isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if spec.kind in ("integer", "decimal", "percent") and isinstance(value, str):
        try:
            Decimal(value.replace(",", ""))
            return value.replace(",", "")
        except InvalidOperation:
            return value
    return value


def records_from_table(
    table: Table, model: type[Record], collection: str
) -> tuple[list[Record], list[Any], list[Notice]]:
    """Validate the rows of ``table`` as records of ``model``.

    Returns the records, the rejections and the notices about the file.
    """
    if not table.rows:
        return (
            [],
            [],
            [
                Notice(
                    location=table.name,
                    message=Text(zh="工作表为空", en="the sheet is empty"),
                    error=False,
                )
            ],
        )
    keys, start, unknown = _header(table, model)
    notices: list[Notice] = []
    if unknown:
        notices.append(
            Notice(
                location=table.name,
                message=Text(
                    zh=f"未知的列（未读取）：{'、'.join(unknown)}",
                    en=f"unknown columns (not read): {', '.join(unknown)}",
                ),
            )
        )
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
            table.name,
        )
    duplicated = sorted({k for k in present if keys.count(k) > 1})
    if duplicated:
        raise InputError(
            Text(
                zh=f"列重复：{'、'.join(duplicated)}",
                en=f"duplicated columns: {', '.join(duplicated)}",
            ),
            table.name,
        )
    columns = {k: column_letter(n) for n, k in enumerate(keys) if k}
    raw: list[dict[str, Any]] = []
    locations: list[str | None] = []
    extra: dict[int, list[FieldError]] = {}
    merged_rows: dict[int, str] = {}
    for first, last, col0, col1, text in table.merged:
        if last >= start and any(keys[c] for c in range(col0, min(col1, len(keys) - 1) + 1)):
            for r in range(max(first, start), last + 1):
                merged_rows[r] = text
            notices.append(
                Notice(
                    location=table.name,
                    message=Text(
                        zh=f"合并单元格 {text} 跨越数据行，相关行未处理；请取消合并并逐行填写",
                        en=f"merged cells {text} span data rows, which were not processed; "
                        "unmerge them and fill every row",
                    ),
                )
            )
    limit = max_rows()
    if len(table.rows) - start > limit:
        raise InputError(
            Text(
                zh=f"数据行超过上限 {limit} 行，请分批处理",
                en=f"more than {limit} data rows; split the file",
            ),
            table.name,
        )
    for r in range(start, len(table.rows)):
        row = table.rows[r]
        if all(_is_blank(v) for v in row):
            notices.append(
                Notice(
                    location=_row_location(table.name, r),
                    message=Text(zh="空行，已跳过", en="empty row, skipped"),
                    error=False,
                )
            )
            continue
        item: dict[str, Any] = {}
        errors: list[FieldError] = []
        for c, key in enumerate(keys):
            if key is None or c >= len(row):
                continue
            if (r, c) in table.formulas:
                errors.append(
                    FieldError(
                        field=key,
                        column=column_letter(c),
                        message=Text(
                            zh=f"字段 {key} 是公式且没有缓存的计算结果（第 {column_letter(c)} 列）；"
                            "请在 Excel 或 WPS 中打开并保存后再试，或改填数值",
                            en=f"field {key} is a formula without a cached value (column {column_letter(c)}); "
                            "open and save the file in Excel or WPS, or enter the value",
                        ),
                    )
                )
                continue
            value = row[c]
            if _is_blank(value):
                continue
            value = _cell(value, specs[key], table.formats.get((r, c)))
            _put(item, key, value)
        if r in merged_rows:
            errors.append(
                FieldError(
                    field=None,
                    message=Text(
                        zh=f"本行位于合并单元格 {merged_rows[r]} 中",
                        en=f"the row is inside merged cells {merged_rows[r]}",
                    ),
                )
            )
        if errors:
            extra[len(raw)] = errors
        raw.append(item)
        locations.append(_row_location(table.name, r))
    records, rejected = validate_records(
        raw, model, collection, locations=locations, extra_errors=extra, columns=columns
    )
    return records, rejected, notices


def _row_location(name: str, index: int) -> str:
    """``book.xlsx「教共体」第 4 行`` or ``in.csv 第 4 行`` (rows counted from 1)."""
    separator = "" if name.endswith("」") else " "
    return f"{name}{separator}第 {index + 1} 行"


def _put(item: dict[str, Any], key: str, value: Any) -> None:
    if "." not in key:
        item[key] = value
        return
    head, rest = key.split(".", 1)
    nested = item.setdefault(head, {})
    if isinstance(nested, dict):
        nested[rest] = value


# ------------------------------------------------------------------------------------- CSV


def decode_csv(data: bytes, name: str) -> str:
    """Decode a CSV file: UTF-8 (with or without BOM), else GB18030 (GBK's superset)."""
    if data.startswith(_BOM_UTF8):
        data = data[len(_BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            Text(
                zh=f"无法识别 CSV 文件的编码（第 {exc.start} 字节）：请另存为 UTF-8 或 GBK 编码",
                en=f"cannot decode the CSV file (byte {exc.start}): save it as UTF-8 or GBK",
            ),
            name,
        ) from exc


def read_csv_table(path: Path) -> Table:
    data = _read_bytes(path)
    text = decode_csv(data, str(path))
    rows = [list(r) for r in csv.reader(io.StringIO(text))]
    values: list[list[Any]] = [[c if c.strip() else None for c in r] for r in rows]
    return Table(name=path.name, rows=values)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(Text(zh="文件不存在", en="no such file"), str(path)) from None
    limit = max_bytes()
    if size > limit:
        raise InputError(
            Text(
                zh=f"文件过大（{size} 字节，上限 {limit} 字节）",
                en=f"the file is too large ({size} bytes, limit {limit} bytes)",
            ),
            str(path),
        )
    return path.read_bytes()


# ------------------------------------------------------------------------------------ XLSX


def read_workbook_tables(path: Path) -> list[Table]:
    """Every sheet of an .xlsx workbook as a :class:`Table` (values from the cached results).

    Cached values are read by calamine (fast); a sheet with formulas, or a workbook
    with percentage formats, is read by openpyxl's read-only mode, which tells a
    formula without a cached value and a percentage cell apart.  Merged ranges
    come from the sheet's XML.
    """
    _read_bytes(path)
    if not zipfile.is_zipfile(path):
        raise InputError(
            Text(
                zh="不是有效的 .xlsx 工作簿（旧版 .xls 或其他文件请用 Excel/WPS 另存为 .xlsx）",
                en="not a valid .xlsx workbook (save an old .xls or another file as .xlsx in Excel or WPS)",
            ),
            str(path),
        )
    values_book = _open_workbook(path, data_only=True)
    percent_styles = _has_percent_styles(values_book)
    formula_book: Any = None
    fast = None if percent_styles else _calamine(path)
    tables = []
    with zipfile.ZipFile(path) as archive:
        for sheet in values_book.worksheets:
            xml = archive.read(sheet._worksheet_path)
            formulas: set[tuple[int, int]] = set()
            has_formulas = bool(_FORMULA.search(xml))
            if has_formulas:
                if formula_book is None:
                    formula_book = _open_workbook(path, data_only=False)
                formulas = _formulas_without_values(sheet, formula_book[sheet.title])
            formats: dict[tuple[int, int], str] = {}
            if fast is not None and not has_formulas:
                rows = _calamine_rows(fast, sheet.title, path)
            else:
                rows, formats = _sheet_rows(sheet, path, percent_styles=percent_styles)
            tables.append(
                Table(
                    name=f"{path.name}「{sheet.title}」",
                    rows=rows,
                    formats=formats,
                    formulas=formulas,
                    merged=_merged_ranges(xml),
                )
            )
    values_book.close()
    if formula_book is not None:
        formula_book.close()
    return tables


def _open_workbook(path: Path, *, data_only: bool) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:
        if _refused_xml(exc):
            raise _unsafe(path) from exc
        if isinstance(
            exc, InvalidFileException | KeyError | zipfile.BadZipFile | OSError | ValueError
        ):
            raise InputError(
                Text(zh=f"无法读取工作簿：{exc}", en=f"cannot read the workbook: {exc}"), str(path)
            ) from exc
        raise


def _calamine(path: Path) -> Any:
    """The workbook opened by calamine (a fast reader of cached values), or ``None``."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; openpyxl reads the file instead
        return None
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception:
        return None  # openpyxl gives the error a person can read


def _calamine_rows(book: Any, title: str, path: Path) -> list[list[Any]]:
    """The cells of sheet ``title`` as calamine reads them (blank cells ``None``)."""
    limit = max_rows() + 2
    raw = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
    if len(raw) > limit:
        raise _too_many_rows(title, path)
    rows = [[_calamine_cell(v) for v in row] for row in raw]
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def _calamine_cell(value: Any) -> Any:
    """A cell as openpyxl gives it: blank is ``None``, a whole number an ``int``."""
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _has_percent_styles(book: Any) -> bool:
    """Whether any cell style of the workbook shows a percentage (``0%``, ``0.0%`` …)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    try:
        custom = list(book._number_formats)
        for style in book._cell_styles:
            fid = int(style.numFmtId)
            shown = (
                BUILTIN_FORMATS.get(fid)
                if fid < 164
                else (custom[fid - 164] if fid - 164 < len(custom) else None)
            )
            if shown and "%" in str(shown):
                return True
    except (AttributeError, TypeError, ValueError, IndexError):
        return True  # cannot tell: look at every cell
    return False


def _sheet_rows(
    sheet: Any, path: Path, *, percent_styles: bool = True
) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    limit = max_rows() + 2
    rows: list[list[Any]] = []
    formats: dict[tuple[int, int], str] = {}
    try:
        if percent_styles:  # cell objects: a percentage cell shows 0.93 for 93%
            for r, row in enumerate(sheet.iter_rows()):
                if r >= limit:
                    raise _too_many_rows(sheet.title, path)
                values = []
                for c, cell in enumerate(row):
                    values.append(cell.value)
                    number_format = getattr(cell, "number_format", None)
                    if number_format and "%" in str(number_format):
                        formats[(r, c)] = str(number_format)
                rows.append(values)
        else:  # values only: faster
            for r, plain in enumerate(sheet.iter_rows(values_only=True)):
                if r >= limit:
                    raise _too_many_rows(sheet.title, path)
                rows.append(list(plain))
    except InputError:
        raise
    except Exception as exc:
        if _refused_xml(exc):
            raise _unsafe(path) from exc
        raise
    while rows and all(_is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows, formats


def _too_many_rows(title: str, path: Path) -> InputError:
    return InputError(
        Text(
            zh=f"工作表「{title}」超过 {max_rows()} 行，请分批处理",
            en=f"sheet '{title}' has more than {max_rows()} rows; split the file",
        ),
        str(path),
    )


_FORMULA: Final = re.compile(rb"<f[\s>/]")


def _formulas_without_values(values: Any, formulas: Any) -> set[tuple[int, int]]:
    """Cells holding a formula whose cached value is missing."""
    out: set[tuple[int, int]] = set()
    for r, (row, frow) in enumerate(zip(values.iter_rows(), formulas.iter_rows(), strict=False)):
        for c, (cell, fcell) in enumerate(zip(row, frow, strict=False)):
            if cell.value is None and isinstance(fcell.value, str) and fcell.value.startswith("="):
                out.add((r, c))
    return out


_MERGE: Final = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(xml: bytes) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges of a sheet's XML as (first row, last row, first col, last col, text), 0-based."""
    from openpyxl.utils.cell import range_boundaries

    out = []
    for match in _MERGE.finditer(xml):
        ref = match.group(1).decode("ascii")
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        out.append((min_row - 1, max_row - 1, min_col - 1, max_col - 1, ref))
    return out


# --------------------------------------------------------------------------- into a dataset


def _unsafe(path: Path) -> InputError:
    return InputError(
        Text(
            zh="工作簿含有 XML 实体声明，为安全起见无法安全解析；请在 Excel 或 WPS 中另存后再试",
            en="the workbook declares XML entities and cannot be parsed safely; save it again in Excel or WPS",
        ),
        str(path),
    )


def _refused_xml(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is defusedxml refusing a dangerous construct."""
    from defusedxml import DefusedXmlException

    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if isinstance(seen, DefusedXmlException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def sheet_collection(title: str, record_types: Mapping[str, type[Record]]) -> str | None:
    """The collection a sheet title names (``教共体``, ``communities`` …)."""
    bare = title.strip()
    for name, model in record_types.items():
        if bare in (name, model.NOUN.zh, model.NOUN.en, f"{model.NOUN.zh}记录"):
            return name
    return None


def _best_collection(
    table: Table, record_types: Mapping[str, type[Record]], wanted: Sequence[str]
) -> str:
    if len(wanted) == 1:
        return wanted[0]
    best, best_score = wanted[0], -1.0
    for name in wanted:
        try:
            keys, _start, _unknown = _header(table, record_types[name])
        except InputError:
            continue
        score = sum(1 for k in keys if k) / max(1, len(keys))
        if score > best_score:
            best, best_score = name, score
    return best


def dataset_from_tables(
    tables: Sequence[Table],
    record_types: Mapping[str, type[Record]],
    wanted: Sequence[str],
    *,
    workbook: bool,
) -> Dataset:
    """Validate every table as the collection its sheet title (or its header) names."""
    dataset = Dataset()
    assigned: list[tuple[Table, str]] = []
    for table in tables:
        title = table.name.rsplit("「", 1)[-1].rstrip("」") if workbook else ""
        name = sheet_collection(title, record_types) if workbook else None
        if name is not None:
            assigned.append((table, name))
    if not assigned:
        data_tables = [t for t in tables if t.rows]
        if workbook and len(data_tables) != 1:
            sheets = "、".join(record_types[w].NOUN.zh for w in wanted)
            raise InputError(
                Text(
                    zh=f"找不到数据工作表：工作表应命名为 {sheets}（使用 pairing-rules template 生成的模板）",
                    en=f"no data sheet found: name the sheets {', '.join(wanted)} "
                    "(use a template made by pairing-rules template)",
                ),
                tables[0].name.split("「")[0] if tables else None,
            )
        assigned = [(t, _best_collection(t, record_types, wanted)) for t in data_tables[:1]]
    for table, name in assigned:
        records, rejected, notices = records_from_table(table, record_types[name], name)
        dataset.collections.setdefault(name, []).extend(records)
        dataset.rejected.extend(rejected)
        dataset.notices.extend(notices)
    for name in wanted:
        dataset.collections.setdefault(name, [])
    return dataset
