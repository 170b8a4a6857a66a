"""Result workbooks written row by row: safe, printable, reproducible, and fast.

Reports of a province's communities run to hundreds of thousands of rows; a
general-purpose writer spends microseconds per cell.  This writer streams each
sheet's XML to a temporary file as rows come, and assembles the ``.xlsx``
(a zip of XML parts) at the end.  It writes only what a report needs, and by
construction:

- every string is a text cell (an inline string), never a formula, whatever it
  starts with (``=``, ``+``, ``-``, ``@``, a tab); control characters are shown
  as visible symbols (``\\x00`` → ``␀``) and never reach the XML; a text longer
  than a cell holds is cut and marked;
- a sheet that would pass the 1,048,576 rows of Excel and WPS continues on a
  further sheet with the same header;
- every sheet prints on A4 landscape, one page wide, with its header row
  repeated, the panes frozen below the header, and a header and footer;
- the same content gives the same bytes (fixed zip times and document dates);
- the workbook is written to a temporary file beside the target and renamed
  into place: a failure leaves the previous file as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from operator import is_
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from ._xlsx_cells import (
    CELLS_KEPT,
    EMPTY_CELL,
    cell_xml,
    display_width,
    escape,
    shown_width,
    visible,
)
from ._xlsx_parts import package_parts

#: the rows and columns of one sheet in Excel and WPS
MAX_ROWS: Final = 1_048_576
MAX_COLUMNS: Final = 16_384
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
_SHEET_NAME: Final = re.compile(r"[\[\]:*?/\\]")

STYLE_PLAIN: Final = 0
STYLE_HEADER: Final = 1
STYLE_WRAP: Final = 2
STYLE_TITLE: Final = 3


def sheet_name(name: str, taken: Iterable[str] = ()) -> str:
    """A valid, unique sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    base = visible(_SHEET_NAME.sub("_", name)).strip("' ") or "Sheet"
    candidate = base[:31]
    used = {t.lower() for t in taken}
    n = 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    return candidate


#: the widest a column is made to fit its text (wider text wraps or is cut at the cell)
MAX_WIDTH: Final = 60
#: a header's words wrap: they widen a column at most this far
HEADER_WIDTH: Final = 16


def _header_footer(text: str) -> str:
    # "&" starts a code in header/footer text: a literal ampersand is "&&"
    return escape(visible(text).replace("&", "&&"))


#: the distinct values of one column of a sheet whose cells are kept (its lately met ones)
_COLUMN_KEPT: Final = 4096


#: an empty cell, as written
_EMPTY: Final = EMPTY_CELL.encode()


def _made(cells: dict[Any, bytes], value: Any, style: int) -> bytes:
    """The cell of ``value`` in ``style`` as written, from the workbook's cells already made."""
    if value is None:
        return _EMPTY
    if type(value) is bool:  # a yes/no equals 1 or 0: never from the cells of numbers
        return cell_xml(value, style).encode()
    cell = cells.get(value)
    if cell is None:
        cell = cell_xml(value, style).encode()
        # kept for the values met lately (the labels, grades and points of recent rows):
        # a full cache starts afresh rather than keeping the first values for ever
        if len(cells) >= CELLS_KEPT:
            cells.clear()
        cells[value] = cell
    return cell


class _Column(dict[Any, bytes]):
    """One column of a sheet: the cells already made for it (as written: UTF-8), by value.

    A value met for the first time (a miss: :meth:`__missing__`) is made, and, in a column
    fitted to its text, measured: the column's width is the widest of its distinct texts.
    ``None`` is an empty cell.  A yes/no is never looked up here (``True == 1``).
    """

    __slots__ = ("cells", "fit", "index", "measured", "style")

    def __init__(self, sheet: Sheet, index: int) -> None:
        super().__init__()
        self.style = STYLE_WRAP if index in sheet.wrap else STYLE_PLAIN
        self.cells = sheet.book.cells[self.style]
        self.index = index
        self.measured = sheet._measured
        # a wrapped column keeps its width
        self.fit = sheet.fit and index not in sheet.wrap
        self[None] = _EMPTY

    def __missing__(self, value: Any) -> bytes:
        cells = self.cells
        cell = cells.get(value)
        if cell is None:  # (never a yes/no, nor None: see above)
            cell = cell_xml(value, self.style).encode()
            if len(cells) >= CELLS_KEPT:
                cells.clear()
            cells[value] = cell
        # no character is wider than two columns: a text that short cannot widen the column
        if self.fit and type(value) is str and 2 * len(value) + 2 > self.measured[self.index]:
            shown = len(value) + 2 if value.isascii() and "\n" not in value else shown_width(value)
            if shown > self.measured[self.index]:
                self.measured[self.index] = shown
        if len(self) >= _COLUMN_KEPT:
            self.clear()
            self[None] = _EMPTY
        self[value] = cell
        return cell


class Tail:
    """The last cells of a row, made (and measured) once and written on many rows: see
    :meth:`Sheet.tail` and :meth:`Sheet.append_tails`."""

    __slots__ = ("_sheet", "start", "values", "xml")

    def __init__(self, values: tuple[Any, ...], start: int, xml: bytes) -> None:
        #: the values, from column ``start`` on
        self.values = values
        self.start = start
        #: the cells as written (trailing empty cells left out)
        self.xml = xml
        #: the sheet whose widths hold the values (a continuing sheet measures them again)
        self._sheet: Sheet | None = None


class Sheet:
    """One sheet being written: call :meth:`append` with each row's values."""

    def __init__(
        self,
        book: Workbook,
        name: str,
        header: Sequence[str],
        widths: Sequence[float],
        *,
        wrap: Sequence[int] = (),
        title: str | None = None,
        fit: bool = False,
    ) -> None:
        self.book = book
        self.name = name
        self.header = list(header)
        self.widths = list(widths)
        self.wrap = frozenset(wrap)
        self.title = title
        self.fit = fit
        #: per column: the widest text written so far (each distinct text is measured once:
        #: when its column first meets it; a number is never wider than its column's narrowest
        #: width)
        self._measured: list[int] = [
            min(display_width(h), HEADER_WIDTH) + 2 if isinstance(h, str) else 0 for h in header
        ]
        self.rows = 0
        #: the rows written so far, as UTF-8
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 (closed when the book is)
            mode="w+b", dir=book.scratch
        )
        self._next: Sheet | None = None
        #: rows not yet in the scratch file, as written
        self._pending: list[bytes] = []
        #: per column: its style and the cells already made for it
        self._columns: list[_Column] = []
        #: the columns before the first wrapped one
        self._plain = min(self.wrap, default=MAX_COLUMNS)
        self._header_rows = 0
        if title is not None:
            self._write([title], STYLE_TITLE)
            self._header_rows = 1
        if header:
            self._write(self.header, STYLE_HEADER)
            self._header_rows += 1

    def append(self, values: Sequence[Any]) -> None:
        """Add one row (``None`` leaves a cell empty; strings are always text)."""
        if self.rows >= MAX_ROWS:
            self._continued().append(values)
            return
        columns = self._columns
        if len(values) > len(columns):
            self._widen(len(values))
        # a yes/no equals 1 or 0: never from a column's cells of numbers
        cells = [
            cell_xml(value, column.style).encode() if type(value) is bool else column[value]
            for value, column in zip(values, columns, strict=False)
        ]
        while cells and cells[-1] is _EMPTY:  # trailing empty cells need nothing
            cells.pop()
        self.rows += 1
        pending = self._pending
        pending.append(b'<row r="%d">%b</row>' % (self.rows, b"".join(cells)))
        if len(pending) >= 4096:
            self._flush()

    def tail(self, values: Sequence[Any], start: int) -> Tail:
        """The cells of ``values`` in the columns from ``start`` on, made once for the rows of
        this sheet (and of the sheets continuing it) that end with them: see
        :meth:`append_tails`.  Nothing is written, nor measured, until a row is."""
        styles = [
            STYLE_WRAP if n in self.wrap else STYLE_PLAIN for n in range(start, start + len(values))
        ]
        cells = [
            _made(self.book.cells[style], v, style) for v, style in zip(values, styles, strict=True)
        ]
        while cells and cells[-1] is _EMPTY:
            cells.pop()
        return Tail(tuple(values), start, b"".join(cells))

    def append_tails(self, head: Sequence[Any], tails: Sequence[Tail]) -> None:
        """Add a row ``[*head, *tail.values]`` for each of ``tails`` (made by :meth:`tail` of
        this sheet): the same rows as :meth:`append` of each, the head's cells made once and
        each tail's cells written as they were made."""
        start = len(head)
        for tail in tails:
            if tail.start != start:
                raise ValueError(f"a tail from column {tail.start} after {start} values")
        room = MAX_ROWS - self.rows
        if len(tails) > room:
            if room > 0:
                self.append_tails(head, tails[:room])
            self._continued().append_tails(head, tails[room:])
            return
        if not tails:
            return
        full, bare = self._head(head)
        rows = self.rows
        pending = self._pending
        for tail in tails:
            if tail._sheet is not self:
                self._take(tail)
            rows += 1
            xml = tail.xml
            if xml:
                pending.append(b'<row r="%d">%b%b</row>' % (rows, full, xml))
            else:
                pending.append(b'<row r="%d">%b</row>' % (rows, bare))
        self.rows = rows
        if len(pending) >= 4096:
            self._flush()

    def _head(self, head: Sequence[Any]) -> tuple[bytes, bytes]:
        """The cells of ``head``, the first of a row's (and without its trailing empty cells),
        its columns widened to its text.

        A record's id and name begin its rows in one sheet and then in the next: the cells and
        widths of the last head made are the next sheet's when it is the same and both sheets
        have its columns plain (not wrapped)."""
        width = len(head)
        if width > len(self._columns):
            self._widen(width)
        book = self.book
        last = book.last_head
        key = head if type(head) is tuple else tuple(head)
        plain = width <= self._plain
        # the same values, not equal ones (``1 == True``, ``1 == 1.0``: different cells)
        if plain and last is not None and len(last[0]) == width and all(map(is_, last[0], key)):
            _key, full, bare, shown = last
        else:
            # a head is a record's own (its id, its name): made, not looked up
            cells = [
                _EMPTY if v is None else cell_xml(v, c.style).encode()
                for v, c in zip(key, self._columns, strict=False)
            ]
            shown = [shown_width(v) if type(v) is str else 0 for v in key]
            full = b"".join(cells)
            while cells and cells[-1] is _EMPTY:
                cells.pop()
            bare = b"".join(cells)
            if plain:
                book.last_head = (key, full, bare, shown)
        if self.fit:
            measured, wrap = self._measured, self.wrap
            for n, wide in enumerate(shown):
                if wide > measured[n] and n not in wrap:
                    measured[n] = wide
        return full, bare

    def _take(self, tail: Tail) -> None:
        """Make room for ``tail``'s columns and widen them to its text."""
        end = tail.start + len(tail.values)
        if end > len(self._columns):
            self._widen(end)
        if self.fit:
            measured = self._measured
            for n, value in enumerate(tail.values, start=tail.start):
                if type(value) is str and n not in self.wrap and 2 * len(value) + 2 > measured[n]:
                    shown = shown_width(value)
                    if shown > measured[n]:
                        measured[n] = shown
        tail._sheet = self

    def _continued(self) -> Sheet:
        """The sheet that takes the rows once this one is full."""
        if self._next is None:
            self._next = self.book.continuation(self)
        return self._next

    def column_widths(self) -> list[float]:
        """The widths written: as given, or, for a sheet fitted to its text, the text's width
        (at least the given width; a wrapped column keeps its given width as its widest)."""
        if not self.fit:
            return self.widths
        out: list[float] = []
        for n in range(max(len(self.widths), len(self._measured))):
            given = self.widths[n] if n < len(self.widths) else 8
            measured = self._measured[n] if n < len(self._measured) else 0
            top = given if n in self.wrap else MAX_WIDTH
            out.append(min(max(given, measured), max(top, given)))
        return out

    def _widen(self, width: int) -> None:
        measured = self._measured
        while len(measured) < width:
            measured.append(0)
        for n in range(len(self._columns), width):
            self._columns.append(_Column(self, n))

    def _write(self, values: Sequence[Any], style: int) -> None:
        """A row of one style (a title or a header): not from the caches."""
        self.rows += 1
        # an empty cell keeps the next one in its column (and the row's band of style unbroken)
        empty = f'<c s="{style}"/>' if style else EMPTY_CELL
        cells = [empty if v is None else cell_xml(v, style) for v in values]
        while cells and cells[-1] is empty:
            cells.pop()
        self._pending.append(f'<row r="{self.rows}">{"".join(cells)}</row>'.encode())

    def _flush(self) -> None:
        self._file.write(b"".join(self._pending))
        self._pending.clear()

    def _xml_head(self) -> str:
        frozen = self._header_rows
        pane = (
            f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/>'
            if frozen
            else ""
        )
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>'
            for n, w in enumerate(self.column_widths(), start=1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        )

    def _xml_tail(self) -> str:
        book = self.book
        header = (
            f"<oddHeader>&amp;C{_header_footer(book.header_text)}</oddHeader>"
            if book.header_text
            else ""
        )
        left = f"&amp;L{_header_footer(book.footer_text)}" if book.footer_text else ""
        footer = f"<oddFooter>{left}&amp;R&amp;P / &amp;N</oddFooter>"
        return (
            "</sheetData>"
            '<printOptions horizontalCentered="1"/>'
            '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
            f"<headerFooter>{header}{footer}</headerFooter>"
            "</worksheet>"
        )

    @property
    def print_titles(self) -> int:
        """How many rows at the top repeat on every printed page."""
        return self._header_rows

    def copy_into(self, archive: zipfile.ZipFile, member: str) -> None:
        self._flush()
        self._file.flush()
        self._file.seek(0)
        with archive.open(zip_member(member), "w") as out:
            out.write(self._xml_head().encode("utf-8"))
            shutil.copyfileobj(self._file, out, 1 << 20)
            out.write(self._xml_tail().encode("utf-8"))
        self._file.close()


def zip_member(member: str) -> zipfile.ZipInfo:
    """A zip member's header with a fixed time and permissions (the same content, the same bytes)."""
    info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


class Workbook:
    """A results workbook written to ``path`` when it is saved (see the module's description).

    :param created: the date the workbook states as created and modified (a report's
        date, so that the same content gives the same bytes).
    :param header_text: the printed page header of every sheet (the report's title).
    :param footer_text: the printed page footer (the pack and the date).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        created: dt.date,
        header_text: str = "",
        footer_text: str = "",
        title: str = "",
    ) -> None:
        self.path = Path(path)
        self.created = created
        self.header_text = header_text
        self.footer_text = footer_text
        self.title = title
        self.sheets: list[Sheet] = []
        #: cells already made, by style and value
        self.cells: list[dict[Any, bytes]] = [{} for _style in range(4)]
        #: the last head of rows made (see :meth:`Sheet.append_tails`): its values, its cells
        #: (with and without trailing empty cells) and its values' widths
        self.last_head: tuple[tuple[Any, ...], bytes, bytes, list[int]] | None = None
        self._scratch = tempfile.TemporaryDirectory(prefix="pairing-rules-")
        self.scratch = self._scratch.name

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.save()
        else:
            self.discard()

    def add_sheet(
        self,
        name: str,
        header: Sequence[str],
        widths: Sequence[float],
        *,
        wrap: Sequence[int] = (),
        title: str | None = None,
        fit: bool = False,
    ) -> Sheet:
        """A new sheet with a bold header row (and a title row above it, when given).

        :param widths: the columns' widths (in characters); with ``fit``, the narrowest.
        :param wrap: the columns whose text wraps (their width is kept).
        :param title: a title row above the header (it repeats on every printed page).
        :param fit: widen each column to the text it holds, a Chinese character counting two.
        """
        sheet = Sheet(
            self,
            sheet_name(name, (s.name for s in self.sheets)),
            header,
            widths,
            wrap=wrap,
            title=title,
            fit=fit,
        )
        self.sheets.append(sheet)
        return sheet

    def continuation(self, sheet: Sheet) -> Sheet:
        """The sheet that continues ``sheet`` once it is full (same header)."""
        count = sum(1 for s in self.sheets if s.name.startswith(sheet.name[:25])) + 1
        return self.add_sheet(
            f"{sheet.name[:25]} ({count})",
            sheet.header,
            sheet.widths,
            wrap=sorted(sheet.wrap),
            title=sheet.title,
            fit=sheet.fit,
        )

    def drop(self, sheet: Sheet) -> None:
        """Leave ``sheet`` (and any sheet continuing it) out of the workbook."""
        while sheet is not None:
            if sheet in self.sheets:
                self.sheets.remove(sheet)
            sheet._file.close()
            following = sheet._next
            if following is None:
                break
            sheet = following

    def discard(self) -> None:
        """Drop everything written so far; the target is not touched."""
        for sheet in self.sheets:
            if not sheet._file.closed:
                sheet._file.close()
        self._scratch.cleanup()

    def save(self) -> Path:
        """Assemble the workbook beside the target and rename it into place."""
        from ._atomic import AtomicFile

        try:
            out = AtomicFile(self.path)
            with (
                out as file,
                zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            ):
                archive.compresslevel = 1
                self._write_parts(archive)
        finally:
            self.discard()
        return self.path

    def _write_parts(self, archive: zipfile.ZipFile) -> None:
        parts = package_parts(
            [(s.name, s.print_titles) for s in self.sheets], self.title, self.created
        )
        for member, text in parts.items():
            archive.writestr(zip_member(member), text.encode("utf-8"))
        for i, sheet in enumerate(self.sheets, start=1):
            sheet.copy_into(archive, f"xl/worksheets/sheet{i}.xml")
