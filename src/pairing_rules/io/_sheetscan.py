"""What a worksheet holds, found before a reader allocates for it.

A workbook's size says little about its sheets: a 2 KB file with one value at
``XFD1048576`` asks a reader for a grid of 17 billion cells.  Each sheet is
scanned here first, in bounded memory, for its used range (which must fit the
limits below), its cells holding spreadsheet errors, its formulas without a
cached value, its percentage-formatted cells and its merged ranges.  The
scan counts every cell a reader could place, so a reader never sees a sheet
larger than the scan found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from .._i18n import Text
from .._location import Location
from ._errors import InputError

#: the most columns a sheet's used range may span
MAX_COLUMNS: Final = 256
#: the most cells (rows × columns of the used range, counted from A1) a sheet may span
MAX_CELLS: Final = 5_000_000
#: rows a sheet may have above its data (titles, the header, the keys row)
HEADER_ROWS: Final = 10


@dataclass
class SheetScan:
    """What the scan of one sheet found (rows and columns from 0)."""

    rows: int = 0
    columns: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    formulas: set[tuple[int, int]] = field(default_factory=set)
    percent: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int, str]] = field(default_factory=list)

    def extend(self, row: int, column: int) -> None:
        """Take the cell at (``row``, ``column``) into the used range."""
        if row >= self.rows:
            self.rows = row + 1
        if column >= self.columns:
            self.columns = column + 1


def check_range(scan: SheetScan, where: Location, max_rows: int) -> None:
    """Refuse a sheet whose used range does not fit the limits.

    :raises InputError: naming the size found and the limit.
    """
    rows, columns = scan.rows, scan.columns
    if rows > max_rows + HEADER_ROWS:
        from ._tabular import too_many_rows

        raise too_many_rows(where, max_rows, reach=rows)
    if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise InputError(
            Text(
                zh=f"工作表的使用范围过大（{rows} 行 × {columns} 列；上限 {MAX_COLUMNS} 列、"
                f"{MAX_CELLS} 个单元格）：请删除远处多余的单元格内容后另存，或另存为 CSV",
                en=f"the sheet's used range is too large ({rows} rows × {columns} columns; the limit is "
                f"{MAX_COLUMNS} columns and {MAX_CELLS} cells): delete stray far-away cells, or save as CSV",
            ),
            where,
        )


def cell_position(ref: bytes) -> tuple[int, int] | None:
    """``b"B3"`` → ``(2, 1)``; ``None`` when it is not a cell reference within a sheet's limits."""
    match = _REF.fullmatch(ref)
    if match is None:
        return None
    letters, digits = match.group(1).upper(), match.group(2)
    column = 0
    for ch in letters:
        column = column * 26 + ch - 64
    row = int(digits)
    if row < 1 or column > 16_384 or row > 1_048_576:
        return None
    return row - 1, column - 1


_REF: Final = re.compile(rb"\s*([A-Za-z]{1,3})([0-9]{1,7})\s*")

# ------------------------------------------------------------------------------- XLSX

_NAME: Final = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ATTRS: Final = rb"(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*"
#: a cell as spreadsheet programs write most cells (``r``, then ``s`` and ``t``; a value or an
#: inline string or nothing): read in one match
_FAST_CELL: Final = (
    rb"<c r=\"(?P<col>[A-Z]{1,3})(?P<row>[1-9][0-9]{0,6})\"(?: s=\"(?P<s>[0-9]{1,9})\")?"
    rb"(?: t=\"(?P<t>[a-zA-Z]{1,9})\")?(?:/>|>(?:<v>(?P<v>[^<]*)</v>"
    rb"|(?P<is><is><t(?:\s[^>]*)?>[^<]*</t></is>))?</c>)"
)
#: a row start, a row end, or a cell's start tag; in document order
_TOKEN: Final = re.compile(
    _FAST_CELL
    + rb"|<"
    + _NAME
    + rb"(?P<tag>c|row)(?=[\s/>])"
    + _ATTRS
    + rb"(?P<closed>/?)>|(?P<end></"
    + _NAME
    + rb"row\s*>)"
)
_CELL_END: Final = re.compile(rb"</" + _NAME + rb"c\s*>")
_CELL_START: Final = re.compile(rb"<" + _NAME + rb"c[\s/>]")
_PREFIXED_CELL: Final = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    index = _COLUMNS.get(letters)
    if index is None:
        index = 0
        for ch in letters:
            index = index * 26 + ch - 64
        index -= 1
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = index
    return index


def _cell_starts(xml: bytes) -> int:
    """How many cell start tags ``xml`` holds (prefixed ones too)."""
    plain = sum(xml.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
    return plain + len(_PREFIXED_CELL.findall(xml))


_ATTR: Final = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE_CHILD: Final = re.compile(rb"<(?!/|" + _NAME + rb"f[\s/>])")
_FORMULA_CHILD: Final = re.compile(rb"<" + _NAME + rb"f[\s/>]")
_V: Final = re.compile(
    rb"<" + _NAME + rb"v(?=[\s/>])[^>]*?(?:/>|>(.*?)</" + _NAME + rb"v\s*>)", re.S
)
_MERGE: Final = re.compile(rb"<" + _NAME + rb"mergeCell\s[^>]*?ref\s*=\s*[\"']([^\"']*)[\"']")


def _attrs(raw: bytes, where: Location) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for match in _ATTR.finditer(raw):
        name = match.group(1)
        if name in out:
            from ._zipcheck import damaged

            raise damaged(where, f"attribute {name[:20]!r} given twice")
        out[name] = match.group(2) if match.group(2) is not None else (match.group(3) or b"")
    return out


def check_xml(xml: bytes, where: Location, part: str) -> None:
    """Refuse XML that declares a document type or entities, or is not UTF-8."""
    from ._zipcheck import damaged

    head = xml[:200].lstrip()
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
        raise damaged(where, f"{part} is not UTF-8")
    declaration = re.match(
        rb"(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)", xml[:200]
    )
    if declaration is not None and declaration.group(1).lower().replace(b"_", b"-") not in (
        b"utf-8",
        b"utf8",
    ):
        raise damaged(where, f"{part} is not UTF-8")
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise InputError(
            Text(
                zh="工作簿含有 XML 实体声明，为安全起见无法安全解析；请在 Excel 或 WPS 中另存后再试",
                en="the workbook declares XML entities and cannot be parsed safely; save it again in Excel or WPS",
            ),
            where,
        )


def scan_xlsx_sheet(
    xml: bytes,
    where: Location,
    percent_styles: frozenset[int],
    max_rows: int,
    *,
    cell_by_cell: bool = False,
) -> SheetScan:
    """Scan a worksheet's XML: every cell a reader places is counted, as a reader places it
    (its ``r`` reference, or the next column of the current row).

    A sheet in the usual form is scanned in whole-text passes (:mod:`._sheetscan_fast`),
    which give the same answer about three times faster; any other sheet, or every sheet
    with ``cell_by_cell`` (the reference the faster scan is tested against), cell by cell.

    :raises InputError: when the range is too large, or the XML holds a cell the scan
        cannot account for.
    """
    check_xml(xml, where, "sheet")
    scan = None
    if not cell_by_cell:
        from ._sheetscan_fast import scan_usual_form

        scan = scan_usual_form(xml, where, percent_styles, max_rows)
    if scan is None:
        scan = _scan_cells(xml, where, percent_styles, max_rows)
    check_range(scan, where, max_rows)
    scan.merged = merged_ranges(xml)
    return scan


def _scan_cells(
    xml: bytes, where: Location, percent_styles: frozenset[int], max_rows: int
) -> SheetScan:
    """The scan of :func:`scan_xlsx_sheet` one cell at a time, for a sheet in any form: the
    one definition of what a sheet holds."""
    from ._zipcheck import damaged

    scan = SheetScan()
    row, col = 0, 0
    cells = 0
    errors, formulas, percent = scan.errors, scan.formulas, scan.percent
    cap_rows = max_rows + HEADER_ROWS
    pos = 0
    search = _TOKEN.search
    while True:
        match = search(xml, pos)
        if match is None:
            break
        pos = match.end()
        letters = match.group("col")
        if letters is not None:  # a cell in its usual form
            cells += 1
            row_here, col = int(match.group("row")) - 1, _column(letters)
            value = match.group("v")
            if value is not None or match.group("is") is not None:
                if row_here >= scan.rows:
                    scan.rows = row_here + 1
                if col >= scan.columns:
                    scan.columns = col + 1
                if scan.rows > cap_rows or scan.columns > MAX_COLUMNS:
                    check_range(scan, where, max_rows)
                if match.group("t") == b"e":
                    errors[(row_here, col)] = (
                        value.strip().decode("utf-8", "replace") if value else "#VALUE!"
                    )
                style = match.group("s")
                if percent_styles and style is not None and int(style) in percent_styles:
                    percent.add((row_here, col))
            col += 1
            continue
        if match.group("end") is not None:  # </row>
            row, col = row + 1, 0
            continue
        attrs = _attrs(match.group("attrs"), where)
        if match.group("tag") == b"row":
            ref = attrs.get(b"r")
            if ref is not None:
                row = row_number(ref, where) - 1
            col = 0
            if match.group("closed"):  # <row/>: a start and an end at once
                row += 1
            continue
        cells += 1
        content = b""
        if not match.group("closed"):
            end = _CELL_END.search(xml, pos)
            if end is None:
                raise damaged(where, "a cell of the sheet is not closed")
            content = xml[pos : end.start()]
            pos = end.end()
            if _CELL_START.search(content):
                raise damaged(where, "a cell of the sheet is not closed")
        ref = attrs.get(b"r")
        if ref is not None:
            position = cell_position(ref)
            if position is None:
                raise damaged(where, f"cell reference {ref[:20]!r}")
            row_here, col = position
        else:
            row_here = row
        if content and _VALUE_CHILD.search(content):
            scan.extend(row_here, col)
            if scan.rows > cap_rows or scan.columns > MAX_COLUMNS:
                check_range(scan, where, max_rows)
            kind = attrs.get(b"t")
            values = _V.findall(content)  # a reader keeps the last
            text = values[-1].strip() if values else b""
            if kind == b"e":
                errors[(row_here, col)] = text.decode("utf-8", "replace") or "#VALUE!"
            elif _FORMULA_CHILD.search(content) and not text and kind not in (b"str", b"inlineStr"):
                formulas.add((row_here, col))
            style = attrs.get(b"s")
            if (
                percent_styles
                and style is not None
                and style.isdigit()
                and int(style) in percent_styles
            ):
                percent.add((row_here, col))
        elif content and _FORMULA_CHILD.search(content):
            formulas.add((row_here, col))  # a formula and no value at all
            scan.extend(row_here, col)
        col += 1
    if cells != _cell_starts(xml):
        raise damaged(where, "a cell of the sheet is malformed")
    return scan


def row_number(ref: bytes, where: Location) -> int:
    """A row tag's ``r`` as a number (from 1).

    :raises InputError: when it is not a row number within a sheet's limits.
    """
    if not ref.strip().isdigit() or not 1 <= int(ref) <= 1_048_576:
        from ._zipcheck import damaged

        raise damaged(where, f"row number {ref[:20]!r}")
    return int(ref)


def merged_ranges(xml: bytes) -> list[tuple[int, int, int, int, str]]:
    """A worksheet's merged ranges (those whose two ends are cells within a sheet's limits).

    The search starts at the tag holding the first ``mergeCell``: no match can start
    before it, and a search from the start would try every tag of every cell.
    """
    first = xml.find(b"mergeCell")
    if first < 0:
        return []
    return merged_ranges_from(xml, max(xml.rfind(b"<", 0, first), 0))


def merged_ranges_from(xml: bytes, start: int) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges of a worksheet's text from offset ``start`` on."""
    merged = []
    for ref_match in _MERGE.finditer(xml, start):
        ref = ref_match.group(1)
        ends = [cell_position(p) for p in ref.split(b":")]
        if len(ends) == 2 and ends[0] is not None and ends[1] is not None:
            (r0, c0), (r1, c1) = ends[0], ends[1]
            merged.append((r0, r1, c0, c1, ref.decode("ascii", "replace")))
    return merged


def percent_styles(styles: bytes, where: Location) -> frozenset[int]:
    """The cell styles (``s`` indexes) of ``xl/styles.xml`` that show a percentage."""
    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    from ._zipcheck import damaged

    if not styles:
        return frozenset()
    check_xml(styles, where, "styles")
    try:
        root = safe_xml.fromstring(styles)
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        raise damaged(where, f"styles: {exc}") from None
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "numFmt":
            fid = element.get("numFmtId", "")
            if fid.isdigit():
                custom[int(fid)] = element.get("formatCode", "")
        elif tag == "cellXfs":
            for xf in element:
                fid = xf.get("numFmtId", "0")
                xfs.append(int(fid) if fid.isdigit() else 0)
    return frozenset(
        n for n, fid in enumerate(xfs) if fid in (9, 10) or shows_percent(custom.get(fid, ""))
    )


def shows_percent(code: str) -> bool:
    """Whether a number format code shows a percentage (a ``%`` outside quotes and escapes)."""
    plain = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    return "%" in plain


# -------------------------------------------------------------------------------- ODS

_TABLE: Final = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CALCEXT: Final = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_VALUE_ATTRS: Final = tuple(
    f"{{{_OFFICE}}}{name}"
    for name in ("value", "string-value", "date-value", "time-value", "boolean-value")
)


def scan_ods(content: bytes, where: Location, max_rows: int) -> dict[str, SheetScan]:
    """Scan an OpenDocument spreadsheet's ``content.xml``: every table's used range with its
    repeated rows and columns expanded, its error cells, percentages and merged ranges.

    :raises InputError: when a table's range is too large or the XML is malformed.
    """
    import io

    import defusedxml.ElementTree as safe_xml
    from defusedxml import DefusedXmlException

    from ._zipcheck import damaged

    check_xml(content, where, "content.xml")
    out: dict[str, SheetScan] = {}
    cap_rows, cap_cols = max_rows + HEADER_ROWS, MAX_COLUMNS
    scan: SheetScan | None = None
    row = col = 0
    row_repeats = 1
    row_cells: list[tuple[int, int, str | None, bool, bool, int]] = []
    try:
        for event, element in safe_xml.iterparse(
            io.BytesIO(content), events=("start", "end"), forbid_dtd=True
        ):
            tag = element.tag
            if event == "start":
                if tag == f"{{{_TABLE}}}table":
                    name = element.get(f"{{{_TABLE}}}name", "")
                    scan = out.setdefault(name, SheetScan())
                    row = 0
                elif tag == f"{{{_TABLE}}}table-row" and scan is not None:
                    row_repeats = _count(element.get(f"{{{_TABLE}}}number-rows-repeated"), where)
                    col, row_cells = 0, []
                continue
            if scan is None:
                continue
            if tag in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                repeats = _count(element.get(f"{{{_TABLE}}}number-columns-repeated"), where)
                # a text cell counts even when empty: a reader keeps its empty text as a value
                has_value = (
                    any(element.get(a) is not None for a in _VALUE_ATTRS)
                    or element.get(f"{{{_OFFICE}}}value-type") == "string"
                )
                error = None
                if element.get(f"{{{_CALCEXT}}}value-type") == "error":
                    error = "".join(element.itertext()).strip() or "#VALUE!"
                    has_value = True
                formula = element.get(f"{{{_TABLE}}}formula") is not None
                percent = element.get(f"{{{_OFFICE}}}value-type") == "percentage"
                if has_value or formula:
                    row_cells.append((col, repeats, error, formula and not has_value, percent, 0))
                    if col + repeats > cap_cols:
                        scan.extend(row, col + repeats - 1)
                        check_range(scan, where, max_rows)
                span_cols = _count(element.get(f"{{{_TABLE}}}number-columns-spanned"), where)
                span_rows = _count(element.get(f"{{{_TABLE}}}number-rows-spanned"), where)
                if span_cols > 1 or span_rows > 1:
                    scan.merged.append(
                        (
                            row,
                            row + span_rows - 1,
                            col,
                            col + span_cols - 1,
                            _span(row, col, span_rows, span_cols),
                        )
                    )
                col += repeats
                element.clear()
            elif tag == f"{{{_TABLE}}}table-row":
                if row_cells:
                    last = row + row_repeats - 1
                    if last >= cap_rows:
                        scan.extend(last, 0)
                        check_range(scan, where, max_rows)
                    for c, repeats, _error, _bare, _percent, _unused in row_cells:
                        scan.extend(last, c + repeats - 1)
                    check_range(scan, where, max_rows)
                    for c, repeats, error, bare_formula, percent, _unused in row_cells:
                        for r in range(row, row + row_repeats):
                            for k in range(c, c + repeats):
                                if error is not None:
                                    scan.errors[(r, k)] = error
                                elif bare_formula:
                                    scan.formulas.add((r, k))
                                elif percent:
                                    scan.percent.add((r, k))
                row += row_repeats
                element.clear()
            elif tag == f"{{{_TABLE}}}table":
                check_range(scan, where, max_rows)
                scan = None
                element.clear()
    except (DefusedXmlException, SyntaxError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise damaged(where, f"content.xml: {exc}") from None
    return out


def _count(value: str | None, where: Location) -> int:
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 1_048_576:
        from ._zipcheck import damaged

        raise damaged(where, f"repeat count {value[:20]!r}")
    return int(value)


def _span(row: int, col: int, rows: int, cols: int) -> str:
    from ._tabular import column_letter

    return f"{column_letter(col)}{row + 1}:{column_letter(col + cols - 1)}{row + rows - 1 + 1}"
