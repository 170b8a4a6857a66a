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
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final

from ._xlsx_cells import CELLS_KEPT, EMPTY_CELL, cell_xml, display_width, escape, visible
from ._xlsx_parts import package_parts

#: the rows of one sheet in Excel and WPS
MAX_ROWS: Final = 1_048_576
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
        #: per column: the widest text written so far, and the values already measured
        self._measured: list[int] = [
            min(display_width(h), HEADER_WIDTH) + 2 if isinstance(h, str) else 0 for h in header
        ]
        self._seen: list[set[Any]] = [set() for _h in header]
        self.rows = 0
        self._file: IO[str] = tempfile.TemporaryFile(  # noqa: SIM115 (closed when the book is)
            mode="w+", encoding="utf-8", dir=book.scratch
        )
        self._next: Sheet | None = None
        self._pending: list[str] = []
        #: per column: the style of a data cell and the cells already made in that style
        self._styles: list[int] = []
        self._caches: list[dict[Any, str]] = []
        self._header_rows = 0
        if title is not None:
            self._write([title], STYLE_TITLE)
            self._header_rows = 1
        if header:
            self._write(self.header, STYLE_HEADER)
            self._header_rows += 1

    def append(self, values: Sequence[Any]) -> None:
        """Add one row (``None`` leaves a cell empty; strings are always text)."""
        if self._next is not None:
            self._next.append(values)
            return
        if self.rows >= MAX_ROWS:
            self._next = self.book.continuation(self)
            self._next.append(values)
            return
        width = len(values)
        if width > len(self._styles):
            self._widen(width)
        if self.fit:
            self._measure(values)
        self.rows += 1
        cells = []
        for value, cache, style in zip(values, self._caches, self._styles, strict=False):
            if value is None:
                cells.append(EMPTY_CELL)
                continue
            if type(value) is bool:  # a yes/no equals 1 or 0: never from the cache of numbers
                cells.append(cell_xml(value, style))
                continue
            cell = cache.get(value)
            if cell is None:
                cell = cell_xml(value, style)
                # kept for the values met lately (a record's id and name recur on its rows):
                # a full cache starts afresh rather than keeping the first values for ever
                if len(cache) >= CELLS_KEPT:
                    cache.clear()
                cache[value] = cell
            cells.append(cell)
        while cells and cells[-1] is EMPTY_CELL:  # trailing empty cells need nothing
            cells.pop()
        self._emit(cells)

    def _measure(self, values: Sequence[Any]) -> None:
        """Widen the columns to the text they hold (each distinct text measured once per
        column; a number is never wider than its column's narrowest width, a wrapped
        column keeps its width)."""
        measured, seen, wrap = self._measured, self._seen, self.wrap
        while len(measured) < len(values):
            measured.append(0)
            seen.append(set())
        for n, value in enumerate(values):
            if type(value) is not str or n in wrap:
                continue
            # no character is wider than two columns: a text that short cannot widen it
            if 2 * len(value) + 2 <= measured[n]:
                continue
            known = seen[n]
            if value in known:
                continue
            if len(known) >= 4096:  # the texts met lately are the ones met again
                known.clear()
            known.add(value)
            if "\n" in value:
                shown = max(display_width(line) for line in value.split("\n")) + 2
            else:
                shown = display_width(value) + 2
            if shown > measured[n]:
                measured[n] = shown

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
        caches = self.book.cells
        for n in range(len(self._styles), width):
            style = STYLE_WRAP if n in self.wrap else STYLE_PLAIN
            self._styles.append(style)
            self._caches.append(caches[style])

    def _write(self, values: Sequence[Any], style: int) -> None:
        """A row of one style (a title or a header): not from the caches."""
        self.rows += 1
        # an empty cell keeps the next one in its column (and the row's band of style unbroken)
        empty = f'<c s="{style}"/>' if style else EMPTY_CELL
        cells = [empty if v is None else cell_xml(v, style) for v in values]
        while cells and cells[-1] is empty:
            cells.pop()
        self._emit(cells)

    def _emit(self, cells: list[str]) -> None:
        pending = self._pending
        pending.append(f'<row r="{self.rows}">{"".join(cells)}</row>')
        if len(pending) >= 4096:
            self._file.write("".join(pending))
            pending.clear()

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
        self._file.write("".join(self._pending))
        self._pending.clear()
        self._file.flush()
        self._file.seek(0)
        with archive.open(zip_member(member), "w") as out:
            out.write(self._xml_head().encode("utf-8"))
            while chunk := self._file.read(1 << 20):
                out.write(chunk.encode("utf-8"))
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
        self.cells: list[dict[Any, str]] = [{} for _style in range(4)]
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
