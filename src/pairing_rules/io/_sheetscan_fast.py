"""The sheet scan of :mod:`._sheetscan` for a worksheet in the usual form, in whole-text passes.

Spreadsheet programs write nearly every cell the same way: ``<c r="B2" s="3" t="n"><v>5</v>
</c>``, an inline string, or an empty styled cell.  The cell-by-cell scan reads such a sheet
one regular-expression match at a time, which for a typical upload (1,500 rows, 46,500
cells) is the largest single cost of reading it.  A sheet whose every cell is in that form
is scanned here instead in a few passes over the text (counts, ``findall``, set operations),
at C speed, about three times faster; each pass reads a megabyte at a time, so what it
holds at once stays small however large the sheet.

The cell-by-cell scan stays the one definition of what a sheet holds: this scan answers
only when it can show the answer is the one the cell-by-cell scan would give, and returns
``None`` otherwise, so the sheet is scanned cell by cell (which also names whatever is wrong
with it).  What it shows, and why that is enough:

* every cell start the cell-by-cell scan counts is a plain ``<c `` (no rarer form, no
  prefix), and there are exactly as many cells in the usual form: so every cell start
  begins one, no cell holds the start of another, and the cell-by-cell scan, which tries
  the usual form first, reads each cell as the same single match;
* no row tag holds a ``<`` (so none can hide a cell from the cell-by-cell scan) and every
  row tag passes the checks that scan makes of it; closing row tags hold nothing;
* the used range is within the limits: a sheet beyond them is left to the cell-by-cell
  scan, whose message names how far it went when it first went beyond.

A formula anywhere sends the sheet to the cell-by-cell scan at once (the usual form has
none, so the count would, later).  The patterns below match the same text as
``_FAST_CELL`` and the row tags of ``_TOKEN`` in :mod:`._sheetscan`, only captured
differently; ``tests/test_sheetscan.py`` holds the two scans to the same answers.
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Final

from .._location import Location
from ._errors import InputError
from ._sheetscan import (
    HEADER_ROWS,
    MAX_COLUMNS,
    SheetScan,
    _attrs,
    _column,
    row_number,
)

# Possessive quantifiers (``*+``): each run stops where a character it cannot hold must
# follow, so they match what ``_FAST_CELL`` matches, with less bookkeeping (a tenth faster).
_REF: Final = rb"[A-Z]{1,3}+[1-9][0-9]{0,6}+"
_STYLE: Final = rb'(?: s="[0-9]{1,9}+")?'
_KIND: Final = rb'(?: t="[a-zA-Z]{1,9}+")?'
_INLINE: Final = rb"<is><t(?:\s[^>]*+)?>[^<]*+</t></is>"
_VALUE: Final = rb"(?:<v>[^<]*+</v>|" + _INLINE + rb")"
#: every usual cell; the reference of one holding a value, ``b""`` for one without
_CELL: Final = re.compile(
    rb'<c r="(' + _REF + rb')"' + _STYLE + _KIND + rb">" + _VALUE + rb"</c>"
    rb'|<c r="' + _REF + rb'"' + _STYLE + _KIND + rb"(?:/>|></c>)"
)
#: usual cells holding an error: the reference and the ``<v>`` text
_ERROR_CELL: Final = re.compile(
    rb'<c r="(' + _REF + rb')"' + _STYLE + rb' t="e">(?:<v>([^<]*+)</v>|' + _INLINE + rb")</c>"
)
#: usual cells with a style and a value: the reference and the style
_STYLED_CELL: Final = re.compile(
    rb'<c r="(' + _REF + rb')" s="([0-9]{1,9}+)"' + _KIND + rb">" + _VALUE + rb"</c>"
)
#: cell starts other than ``<c ``: a tab, a line break, ``>``, ``/`` after the ``c``
_RARE_CELL_START: Final = re.compile(rb"<c[\t\n\r\x0b\x0c/>]")
#: prefixed cells and rows (``<x:c ``); looked for only where the cheap hint is found
_PREFIXED: Final = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:c|row)[\s/>]")
_PREFIX_HINT: Final = re.compile(rb":(?:c|row)[\s/>]")
_FORMULA: Final = re.compile(rb"<f[\s/>]")
#: 1 to 1,048,576, written plainly
_ROW_NUMBER: Final = (
    rb"(?:[1-9][0-9]{0,5}|10[0-3][0-9]{4}|104[0-7][0-9]{3}|1048[0-4][0-9]{2}"
    rb"|10485[0-6][0-9]|104857[0-6])"
)
#: the row attributes spreadsheet programs write, each at most once, in the schema's order
_ROW_ATTRS: Final = b"".join(
    rb"(?: " + name + rb'="[^"<]*")?'
    for name in (
        b"spans",
        b"s",
        b"customFormat",
        b"ht",
        b"hidden",
        b"customHeight",
        b"outlineLevel",
        b"collapsed",
        b"thickTop",
        b"thickBot",
        b"ph",
        b"x14ac:dyDescent",
    )
)
_USUAL_ROW: Final = rb' r="' + _ROW_NUMBER + rb'"' + _ROW_ATTRS + rb">"
#: a row start tag in any other form (found where a usual one is not): its attributes
_ODD_ROW: Final = re.compile(
    rb"<row(?=[\s/>])(?!" + _USUAL_ROW + rb")"
    rb"((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*/?>"
)
_UPPER: Final = bytes(range(65, 91))
_DIGITS: Final = b"0123456789"
#: about how much XML one pass reads: the lists a pass makes stay a few megabytes
_PIECE: Final = 1 << 20


def scan_usual_form(
    xml: bytes, where: Location, percent_styles: frozenset[int], max_rows: int
) -> SheetScan | None:
    """What :func:`._sheetscan.scan_xlsx_sheet` finds in ``xml`` before its merged ranges
    and range check, or ``None`` when the sheet is not in the usual form or the answer is
    not certain to be the cell-by-cell scan's."""
    if _FORMULA.search(xml) or _RARE_CELL_START.search(xml):
        return None
    if _PREFIX_HINT.search(xml) and _PREFIXED.search(xml):
        return None
    pieces = _pieces(xml)
    cells = rows = columns = 0
    for start, end in pieces:
        refs = _CELL.findall(xml, start, end)
        cells += len(refs)
        joined = b" ".join(refs)  # the references of the cells holding a value, and blanks
        numbers = set(joined.translate(None, _UPPER).split())
        letters = set(joined.translate(None, _DIGITS).split())
        rows = max(rows, max(map(int, numbers), default=0))
        columns = max(columns, max(map(_column, letters), default=-1) + 1)
        if rows > max_rows + HEADER_ROWS or columns > MAX_COLUMNS:
            return None  # the cell-by-cell scan names the first cell beyond the limits
    if cells != xml.count(b"<c ") or not _rows_pass(xml, where):
        return None
    scan = SheetScan(rows=rows, columns=columns)
    if b' t="e"' in xml:
        for start, end in pieces:
            for ref, value in _ERROR_CELL.findall(xml, start, end):
                scan.errors[_position(ref)] = (
                    value.strip().decode("utf-8", "replace") if value else "#VALUE!"
                )
    if percent_styles:
        for start, end in pieces:
            styled = _STYLED_CELL.findall(xml, start, end)
            shown = {s for s in set(map(itemgetter(1), styled)) if int(s) in percent_styles}
            if shown:
                scan.percent.update(_position(ref) for ref, style in styled if style in shown)
    return scan


def _pieces(xml: bytes) -> list[tuple[int, int]]:
    """Spans of about :data:`_PIECE` bytes covering ``xml``, each cut just before a cell.

    Where the cuts fall cannot change the answer: a cut through a cell leaves both halves
    unmatched, one cell fewer than the cell starts, and the sheet goes to the cell-by-cell
    scan; cuts between cells leave every match as a pass over the whole text finds it.
    """
    spans = []
    start = 0
    while (cut := xml.find(b"<c ", start + _PIECE)) >= 0:
        spans.append((start, cut))
        start = cut
    spans.append((start, len(xml)))
    return spans


def _rows_pass(xml: bytes, where: Location) -> bool:
    """Whether every row start tag passes the cell-by-cell scan's checks and holds no ``<``.

    Tags are found wherever they are, inside a cell's text too: one the cell-by-cell scan
    would not see is checked needlessly, which can only send the sheet to that scan.  A
    usual tag passes as written (a valid ``r``, attributes named once, no ``<``); only the
    others are looked at one by one.
    """
    seen: set[bytes] = set()
    for match in _ODD_ROW.finditer(xml):
        attrs = match.group(1)
        if attrs in seen:
            continue
        seen.add(attrs)
        if b"<" in attrs:
            return False
        try:
            ref = _attrs(attrs, where).get(b"r")
            if ref is not None:
                row_number(ref, where)
        except InputError:
            return False
    return True


def _position(ref: bytes) -> tuple[int, int]:
    """``b"B3"`` → ``(2, 1)``, for a reference in the usual form."""
    letters = ref.rstrip(_DIGITS)
    return int(ref[len(letters) :]) - 1, _column(letters)
