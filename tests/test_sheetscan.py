"""The scan of an .xlsx sheet in whole-text passes gives exactly what the cell-by-cell scan
gives, for sheets in the usual form and in every unusual form a program or a hostile hand
can write; and the usual form really is scanned the fast way."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairing_rules import InputError
from pairing_rules.io import Location, _sheetscan_fast
from pairing_rules.io._sheetscan import (
    merged_ranges,
    merged_ranges_from,
    scan_xlsx_sheet,
)
from pairing_rules.io._sheetscan_fast import scan_usual_form
from pairing_rules.io._tabular import column_letter

WHERE = Location("s.xlsx")


def _outcome(xml: bytes, percent: frozenset[int], max_rows: int, *, cell_by_cell: bool) -> Any:
    """What a scan gives: its findings, or the error it raises (class, texts, code)."""
    try:
        scan = scan_xlsx_sheet(xml, WHERE, percent, max_rows, cell_by_cell=cell_by_cell)
    except InputError as exc:
        return type(exc), exc.render("zh"), exc.render("en"), exc.code
    return scan


def _naive_merged(xml: bytes) -> list[tuple[int, int, int, int, str]]:
    """The merged ranges found by searching the whole text (what the scan reads faster)."""
    return merged_ranges_from(xml, 0)


@pytest.mark.parametrize(
    "xml",
    [
        b"<worksheet><sheetData/></worksheet>",
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>mergeCell</t></is>'
        b'</c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:B2"/>'
        b'<mergeCell ref="C3:D4"/></mergeCells></worksheet>',
        b'<worksheet><x:mergeCells><x:mergeCell ref="A1:B1"/></x:mergeCells></worksheet>',
        b'<worksheet><long.prefix-1:mergeCell\nref = "A1:A2"/><mergeCell ref="b3:c3"/></worksheet>',
        b'<worksheet>mergeCell <mergeCell ref="A1:XFE1"/><mergeCell ref="E5:F6"/></worksheet>',
    ],
)
def test_merged_ranges_are_found_from_the_first_one(xml: bytes) -> None:
    assert merged_ranges(xml) == _naive_merged(xml)


# ----------------------------------------------------------------------- the sheets

_USUAL_ROWS = [
    '<row r="{n}">',
    '<row r="{n}" spans="1:3">',
    '<row r="{n}" spans="1:3" x14ac:dyDescent="0.25">',
    '<row r="{n}" spans="1:5" ht="20" customHeight="1">',
    '<row r="{n}" s="2" customFormat="1">',
    "<row>",
]
_ODD_ROWS = [
    "<row r='{n}'>",
    '<row  r = "{n}" >',
    '<row r="{n}" r="{n}">',
    '<row r="{n}" spans="1:3" spans="1:3">',
    '<row r="{n}" a="1" a="2">',
    '<row r="0">',
    '<row r="x">',
    '<row r=" {n} ">',
    '<row r="0{n}">',
    '<row r="1048576">',
    '<row r="1048577">',
    '<row r="99999999">',
    '<row spans="1:3" r="{n}">',
    '<row r="{n}" customHeight="1" ht="20">',
    '<row r="{n}"/>',
    '<row r="{n}" a="<b">',
    '<row r="{n}" a=\'<c r="A1"><v>1</v></c>\'>',
    '<x:row r="{n}">',
    '<row\tr="{n}">',
    '<row r="{n}" hidden="1" hidden="1">',
]
_ROW_ENDS = ["</row >", "</x:row>", "", "</row></row>"]

#: a value, or none, as a usual cell holds it
_USUAL_BODIES = [
    "/>",
    "></c>",
    "><v>5</v></c>",
    "><v>0.25</v></c>",
    "><v></v></c>",
    "><v> </v></c>",
    "><v>#N/A</v></c>",
    "><v> #DIV/0! </v></c>",
    "><is><t>x</t></is></c>",
    '><is><t xml:space="preserve"> x </t></is></c>',
    "><is><t></t></is></c>",
]
#: cells in other forms ({r} is the reference, {s} and {t} the style and type attributes)
_ODD_CELLS = [
    "<c{s}{t}><v>1</v></c>",
    "<c/>",
    "<c></c>",
    "<c{s}{t}><f>1+1</f></c>",
    '<c t="s" r="{r}"><v>0</v></c>',
    '<c s="1" r="{r}"><v>0</v></c>',
    "<c r='{r}'{s}{t}><v>1</v></c>",
    '<c r="{r}"{s}{t} cm="1"><v>1</v></c>',
    '<c r="{r}"{s}{t} ><v>1</v></c>',
    '<c r="{r}"{s}{t}><v>1</v></c >',
    '<x:c r="{r}"{s}{t}><x:v>1</x:v></x:c>',
    '<x:c r="{r}"{s}/>',
    '<c r="{r}"{s}><f>1+1</f></c>',
    '<c r="{r}"{s}><f>1+1</f><v>2</v></c>',
    '<c r="{r}"{s} t="str"><f>A1</f><v></v></c>',
    '<c r="{r}"{s}><f t="shared" si="0"/></c>',
    '<c r="{r}"{s} t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    '<c r="{r}" t="e"><v>#REF!</v><v>#NAME?</v></c>',
    '<c r="{r}" t="e"/>',
    '<c r="{lower}"><v>1</v></c>',
    '<c r=" {r} "><v>1</v></c>',
    '<c\tr="{r}"><v>1</v></c>',
    '<c\nr="{r}"><v>1</v></c>',
    '<c\x0br="{r}"><v>1</v></c>',
    '<c r="{r}" r="A1"><v>1</v></c>',
    '<c r="AAAA1"><v>1</v></c>',
    '<c r="A0"><v>1</v></c>',
    '<c r="{r}"><v>1</v>',
    '<c r="{r}"><v>1</v><c r="B1"><v>2</v></c></c>',
    '<c r="{r}" t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c>',
    '<c r="{r}" t="inlineStr"><is><t x=\'<c r="B1"/>\'>a</t></is></c>',
    '<c r="{r}" t="inlineStr"><is><t x=\'<row r="0">\'>a</t></is></c>',
    '<c r="{r}" t="inlineStr"><is><t x=\'<row r="2">\'>a</t></is></c>',
    '<!-- <c r="{r}"><v>1</v></c> -->',
    "<!-- <c r=x> -->",
]
_STYLES = ["", "", ' s="0"', ' s="1"', ' s="2"', ' s="01"', ' s="999999999"']
_KINDS = ["", "", ' t="n"', ' t="s"', ' t="e"', ' t="e"', ' t="str"', ' t="inlineStr"', ' t="b"']
#: columns near A, one past the limit (IW), the last a sheet has (XFD) and beyond it (ZZZ)
_FAR_COLUMNS = [255, 256, 16_383, 18_277]
_FAR_ROWS = [60, 30_000, 1_048_576, 9_999_999]
_BEFORE = [
    "",
    '<dimension ref="A1:C3"/>',
    '<sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="3" width="9"/></cols>',
]
_AFTER = [
    "",
    '<conditionalFormatting sqref="A1"><cfRule type="expression" priority="1">'
    "<formula>A1&gt;0</formula></cfRule></conditionalFormatting>",
    '<rowBreaks count="1" manualBreakCount="1"><brk id="2" max="16383" man="1"/></rowBreaks>',
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"><x14:conditionalFormattings>'
    '<x14:conditionalFormatting><x14:cfRule type="cellIs" operator="equal"><xm:f>0</xm:f>'
    "</x14:cfRule><xm:sqref>A1</xm:sqref></x14:conditionalFormatting>"
    "</x14:conditionalFormattings></ext></extLst>",
    '<x:mergeCells count="1"><x:mergeCell ref="D4:E5"/></x:mergeCells>',
    '<mergeCell ref="F1:F3"/><mergeCell ref="G1:H1"/>',
]
_MERGES = ["A1:B2", "C3:C4", "A1", "A1:XFE1", "a2:b3", "B2:A1"]


@st.composite
def _cell(draw: st.DrawFn, row: int, column: int, odd: bool) -> str:
    if draw(st.integers(0, 29)) == 0:
        row = draw(st.sampled_from(_FAR_ROWS))
    if draw(st.integers(0, 29)) == 0:
        column = draw(st.sampled_from(_FAR_COLUMNS))
    ref = f"{column_letter(column)}{row}"
    style, kind = draw(st.sampled_from(_STYLES)), draw(st.sampled_from(_KINDS))
    if not odd:
        return f'<c r="{ref}"{style}{kind}{draw(st.sampled_from(_USUAL_BODIES))}'
    template = draw(st.sampled_from(_ODD_CELLS))
    return template.format(r=ref, s=style, t=kind, lower=ref.lower())


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[bytes, bool]:
    """A worksheet's XML, and whether it is wholly in the usual form: two in five are,
    and most others have one thing in another form (a row tag, a row's end or a cell)."""
    shape = [draw(st.integers(0, 5)) for _ in range(draw(st.integers(0, 6)))]
    form = draw(st.sampled_from(["usual", "usual", "one odd thing", "one odd thing", "mixed"]))
    things = len(shape) * 2 + sum(shape)  # each row's tag and end, and its cells
    odd_one = draw(st.integers(0, things - 1)) if form == "one odd thing" and things else -1

    def odd() -> bool:
        nonlocal odd_one
        odd_one -= 1
        return odd_one == -1 or (form == "mixed" and draw(st.integers(0, 3)) == 0)

    rows = []
    number = 0
    for count in shape:
        number += draw(st.sampled_from([1, 1, 1, 2]))
        tag = draw(st.sampled_from(_ODD_ROWS if odd() else _USUAL_ROWS))
        start = draw(st.integers(0, 2))
        cells = [draw(_cell(number, start + k, odd())) for k in range(count)]
        end = draw(st.sampled_from(_ROW_ENDS)) if odd() else "</row>"
        rows.append(tag.format(n=number) + "".join(cells) + end)
    merges = draw(st.lists(st.sampled_from(_MERGES), max_size=3))
    merged = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{ref}"/>' for ref in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
        f"{draw(st.sampled_from(_BEFORE))}<sheetData>{''.join(rows)}</sheetData>"
        f"{merged}{draw(st.sampled_from(_AFTER))}</worksheet>"
    )
    return xml.encode(), form == "usual"


@settings(max_examples=600, deadline=None)
@given(
    _sheets(),
    st.frozensets(st.integers(0, 3), max_size=3),
    st.sampled_from([3, 50, 1_000_000]),
    st.sampled_from([1 << 20, 1, 60]),
)
def test_the_fast_scan_finds_what_the_cell_by_cell_scan_finds(
    sheet: tuple[bytes, bool], percent: frozenset[int], max_rows: int, piece: int
) -> None:
    """Also with the text read in pieces of a few bytes (cut before every cell or most)."""
    xml, usual = sheet
    expected = _outcome(xml, percent, max_rows, cell_by_cell=True)
    with mock.patch.object(_sheetscan_fast, "_PIECE", piece):
        assert _outcome(xml, percent, max_rows, cell_by_cell=False) == expected
        if usual and not isinstance(expected, tuple):  # nothing here needs the slow scan
            assert scan_usual_form(xml, WHERE, percent, max_rows) is not None
    if not isinstance(expected, tuple):
        assert expected.merged == _naive_merged(xml)


def _usual_sheet(odd_tag: str = "", odd_cell: str = "", odd_end: str = "") -> bytes:
    """Three rows of three usual cells; the second row's tag, middle cell or end replaced."""
    rows = []
    for n in (1, 2, 3):
        cells = [f'<c r="{letter}{n}" s="1"><v>{n}</v></c>' for letter in "ABC"]
        tag, end = '<row r="{n}">', "</row>"
        if n == 2:
            tag, end = odd_tag or tag, odd_end or end
            ref = f"B{n}"
            cells[1] = odd_cell.format(r=ref, s=' s="1"', t=' t="e"', lower=ref.lower()) or cells[1]
        rows.append(tag.format(n=n) + "".join(cells) + end)
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    ).encode()


@pytest.mark.parametrize(
    "xml",
    [_usual_sheet(odd_tag=tag) for tag in _ODD_ROWS]
    + [_usual_sheet(odd_end=end) for end in _ROW_ENDS]
    + [_usual_sheet(odd_cell=cell) for cell in _ODD_CELLS],
)
def test_one_thing_in_another_form_scans_as_cell_by_cell(xml: bytes) -> None:
    for percent, max_rows in ((frozenset({1}), 50), (frozenset(), 1)):
        expected = _outcome(xml, percent, max_rows, cell_by_cell=True)
        assert _outcome(xml, percent, max_rows, cell_by_cell=False) == expected


# ------------------------------------------------------------------- the usual form


def _openpyxl_sheet(rows: int) -> bytes:
    """A sheet as openpyxl writes the typical upload: inline strings, numbers, booleans."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("communities")
    sheet.append(["id", "name", "year", "mentors", "satisfaction", "on_time", "blank"])
    for n in range(rows):
        sheet.append([f"CY-{n}", f"第{n}中心学校", 2022, n % 7, 87.5, n % 2 == 0, None])
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        name = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        return archive.read(name)


#: a sheet as Excel writes it: shared strings, styles, spans, empty styled cells, an error
_EXCEL_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    b'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    b'<dimension ref="A1:C3"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/>'
    b'</sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>'
    b'<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c>'
    b'<c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    b'<row r="2" spans="1:3" x14ac:dyDescent="0.25"><c r="A2" t="s"><v>3</v></c>'
    b'<c r="B2" s="1"><v>0.5</v></c><c r="C2" s="2"/></row>'
    b'<row r="3" spans="1:3" x14ac:dyDescent="0.25"><c r="A3" t="s"><v>4</v></c>'
    b'<c r="B3" t="e"><v>#N/A</v></c><c r="C3" s="2"/></row>'
    b'<row r="9" spans="1:3" x14ac:dyDescent="0.25"><c r="D9" s="2"/></row>'
    b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
    b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    b"</worksheet>"
)


def test_sheets_in_the_usual_form_are_scanned_the_fast_way() -> None:
    for xml in (_openpyxl_sheet(200), _EXCEL_SHEET):
        fast = scan_usual_form(xml, WHERE, frozenset({1}), 1_000)
        assert fast is not None
        reference = scan_xlsx_sheet(xml, WHERE, frozenset({1}), 1_000, cell_by_cell=True)
        assert scan_xlsx_sheet(xml, WHERE, frozenset({1}), 1_000) == reference
        assert dataclasses.replace(fast, merged=reference.merged) == reference
    scan = scan_xlsx_sheet(_EXCEL_SHEET, WHERE, frozenset({1}), 1_000)
    assert (scan.rows, scan.columns) == (3, 3)  # the empty styled cells do not count
    assert scan.errors == {(2, 1): "#N/A"}
    assert scan.percent == {(1, 1)}
    assert scan.merged == [(0, 0, 0, 1, "A1:B1")]
