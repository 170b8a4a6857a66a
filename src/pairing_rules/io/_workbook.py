"""Workbooks (.xlsx, .xls, .ods) read through one bounded, checked path.

The file's content, not its name, says what it is.  Before the reader
(calamine) sees a byte, the container is checked (:mod:`._zipcheck`,
:mod:`._xlsscan`) and every sheet scanned (:mod:`._sheetscan`): calamine is
then given exactly the bytes that passed, and only ever reads a workbook whose
sheets fit the limits.  Values are the cached results of formulas; nothing in
a workbook is evaluated, and XML with entity declarations is refused.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .._i18n import Text
from .._location import Location
from ._errors import InputError
from ._sheetscan import SheetScan
from ._tabular import Row, Table, max_bytes, max_rows, read_input_bytes
from ._zipcheck import damaged

_ZIP: Final = b"PK\x03\x04"
_RID: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class Workbook:
    """The sheets of a checked workbook, each a :class:`Table` read lazily."""

    tables: list[Table]
    close: Callable[[], None]


def open_workbook(path: Path) -> Workbook:
    """Check a workbook and open it for reading.

    :raises InputError: when the file is not a workbook, is damaged, encrypted, too
        large once uncompressed, or a sheet's used range is too large.
    """
    data = read_input_bytes(path)
    where = Location(file=str(path))
    rows_limit = max_rows()
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        from ._xlsscan import is_encrypted_package, scan_xls
        from ._zipcheck import encrypted

        if is_encrypted_package(data):
            raise encrypted(where)
        scans = scan_xls(data, where, rows_limit)
    elif data.startswith(_ZIP):
        from ._zipcheck import unpack

        members = unpack(data, where, max_bytes())
        if any(name.startswith("xl/") for name in members):
            scans = _scan_xlsx(members, where, rows_limit)
        elif "content.xml" in members:
            from ._sheetscan import scan_ods

            scans = scan_ods(members["content.xml"], where, rows_limit)
        else:
            raise _not_a_workbook(path, where)
        del members
    else:
        raise _not_a_workbook(path, where)
    book = _calamine(data, where)
    try:
        names = list(book.sheet_names)
    except BaseException as exc:
        _reraise(exc)
        raise damaged(where, str(exc)) from None
    tables = []
    for name in names:
        scan = scans.get(name, SheetScan())
        tables.append(
            Table(
                loc=Location(file=path.name, sheet=name),
                rows=_rows(book, name, where),
                percent=scan.percent,
                formulas=scan.formulas,
                errors=scan.errors,
                merged=scan.merged,
                height=scan.rows,
            )
        )
    return Workbook(tables=tables, close=book.close)


def _not_a_workbook(path: Path, where: Location) -> InputError:
    suffix = path.suffix.lower()
    return InputError(
        Text(
            zh=f"不是有效的 {suffix} 工作簿（请在 Excel 或 WPS 中打开，另存为 .xlsx 后再试）",
            en=f"not a valid {suffix} workbook (open it in Excel or WPS and save it as .xlsx)",
        ),
        where,
    )


def _reraise(exc: BaseException) -> None:
    """Let an interruption through; anything else a reader raises (a Rust panic included)
    becomes a message about the file."""
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc


def _calamine(data: bytes, where: Location) -> Any:
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:
        _reraise(exc)
        if "password" in str(exc).lower():
            from ._zipcheck import encrypted

            raise encrypted(where) from None
        raise damaged(where, str(exc)[:200]) from None


def _rows(book: Any, name: str, where: Location) -> Iterator[tuple[int, Row]]:
    """The rows of sheet ``name`` from row 1 and column A (blank cells ``None``)."""
    try:
        sheet = book.get_sheet_by_name(name)
        start = sheet.start
        rows = sheet.iter_rows() if start is not None else iter(())
    except BaseException as exc:
        _reraise(exc)
        raise damaged(where.at(), f"{name}: {str(exc)[:200]}") from None
    pad: list[Any] = [None] * start[1] if start is not None else []
    r = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except BaseException as exc:
            _reraise(exc)
            raise damaged(where.at(), f"{name}: {str(exc)[:200]}") from None
        cells: list[Any] = [
            None if v == "" else int(v) if type(v) is float and v.is_integer() else v for v in row
        ]
        yield r, pad + cells if pad else cells
        r += 1


# -------------------------------------------------------------------------------- XLSX


def _scan_xlsx(members: dict[str, bytes], where: Location, rows_limit: int) -> dict[str, SheetScan]:
    """Scan every worksheet of an .xlsx workbook (found by name through the workbook's
    relationships; any other part that holds cells is checked for its range too)."""
    from ._sheetscan import check_xml, percent_styles, scan_xlsx_sheet

    for part, xml in members.items():
        if part.endswith((".xml", ".rels", ".vml")):
            check_xml(xml, where, part)
    shared = members.get("xl/sharedStrings.xml", b"")
    count = re.search(rb"<(?:\w+:)?sst\b[^>]*?uniqueCount\s*=\s*[\"'](\d{1,12})", shared)
    if count is not None and int(count.group(1)) > len(shared) // 4 + 16:
        raise damaged(where, "the shared strings declare more entries than they hold")
    styles = percent_styles(members.get("xl/styles.xml", b""), where)
    paths = _sheet_paths(members, where)
    scans: dict[str, SheetScan] = {}
    scanned: set[str] = set()
    for name, part in paths.items():
        sheet_xml = members.get(part)
        if sheet_xml is not None:
            scans[name] = scan_xlsx_sheet(sheet_xml, where, styles, rows_limit)
            scanned.add(part)
    for part, xml in members.items():
        if part not in scanned and b"sheetData" in xml:
            scan_xlsx_sheet(xml, where, styles, rows_limit)
    return scans


def _sheet_paths(members: dict[str, bytes], where: Location) -> dict[str, str]:
    """Sheet name → the part holding it, from ``xl/workbook.xml`` and its relationships."""
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    try:
        book = safe_xml.fromstring(members.get("xl/workbook.xml", b"<workbook/>"))
        rels = safe_xml.fromstring(members.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise damaged(where, f"workbook.xml: {exc}") from None
    targets = {
        r.get("Id", ""): r.get("Target", "") for r in rels.iter() if r.tag.endswith("Relationship")
    }
    out: dict[str, str] = {}
    for sheet in book.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        target = targets.get(sheet.get(_RID, ""), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        out[sheet.get("name", "")] = part
    return out
