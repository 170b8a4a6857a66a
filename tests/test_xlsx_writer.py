"""The streaming .xlsx writer read back by openpyxl and by the project's own reader: every value
in its column, whatever is empty around it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

from pairing_rules.io._workbook import open_workbook
from pairing_rules.io._xlsx import Workbook

DAY = dt.date(2022, 6, 1)

#: rows with ``None`` at the start, in the middle and at the end, and rows of nothing but ``None``
ROWS: list[list[Any]] = [
    ["a", None, "c"],
    [None, "b", None, None],
    [None, None, 3, None, 5.5],
    ["x", None, None, None, None, None, "message"],
    [None, "line"],
    [None, None, None],
    [],
    [True, None, "  spaced  ", None, 0],
]
WIDTH = max(len(row) for row in ROWS)


def _padded(row: list[Any] | tuple[Any, ...]) -> list[Any]:
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return cells + [None] * (WIDTH - len(cells))


def _write(path: Path) -> Path:
    with Workbook(path, created=DAY) as book:
        sheet = book.add_sheet("rows", ["one", None, "three"], (8, 8, 8), title="T", fit=True)
        for row in ROWS:
            sheet.append(row)
    return path


def test_every_value_keeps_its_column_read_by_openpyxl(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.xlsx")
    read = [_padded(r) for r in openpyxl.load_workbook(path)["rows"].iter_rows(values_only=True)]
    assert read == [_padded(["T"]), _padded(["one", None, "three"]), *map(_padded, ROWS)]


def test_every_value_keeps_its_column_read_by_the_reader(tmp_path: Path) -> None:
    path = _write(tmp_path / "rows.xlsx")
    book = open_workbook(path)
    try:
        (table,) = book.tables
        read = [_padded(cells) for _n, cells in table.rows]
    finally:
        book.close()
    # the reader reads a whole number as an int and a yes/no as what it is
    assert read == [_padded(["T"]), _padded(["one", None, "three"]), *map(_padded, ROWS)]


def test_trailing_empty_cells_write_nothing(tmp_path: Path) -> None:
    import zipfile

    with Workbook(tmp_path / "a.xlsx", created=DAY) as book:
        sheet = book.add_sheet("s", ["h", None], (8, 8))
        sheet.append(["a", None, None])
        sheet.append([None, None])
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="1"><c s="1" t="inlineStr"><is><t>h</t></is></c></row>' in xml
    assert '<row r="2"><c t="inlineStr"><is><t>a</t></is></c></row>' in xml
    assert '<row r="3"></row>' in xml
