"""The streaming .xlsx writer read back by openpyxl and by the project's own reader: every value
in its column, whatever is empty around it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

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


# ------------------------------------------------------------------- rows with a made tail

#: (head, tail) pairs: a tail of a row made once and written after many heads
HEADS: list[tuple[Any, ...]] = [
    ("CY-1", "江滨实验小学"),
    ("CY-2", None),
    (None, "=SUM(A1)"),
    ("  spaced ", "\x1b[31mred"),
    (1, 7),
    (True, 7),  # equal to the head before, but a yes/no
]
TAILS: list[tuple[Any, ...]] = [
    (
        "县域内考核细则（附件4）",
        "城乡同步课堂",
        Decimal("7.5"),
        15,
        "未达到 20 节\n（填报 16 节）",
        "附件4",
    ),
    ("细则", None, 0, None, "a & b < c", None),
    (None, None),
    (),
    (False, 1.25, "x" * 40_000),
]


def _book(path: Path, *, tails: bool) -> dict[str, bytes]:
    """A workbook of three sheets (the second wraps column 1, the third is not fitted) written
    row by row or with tails, each head in each sheet in turn, and its parts."""
    import zipfile

    with Workbook(path, created=DAY) as book:
        sheets = [
            book.add_sheet("one", ["编号", "名称", "细则"], (8, 8, 8), wrap=[6], fit=True),
            book.add_sheet("two", ["编号", "名称"], (8, 8), wrap=[1], title="T", fit=True),
            book.add_sheet("three", ["编号"], (8, 8)),
        ]
        made = [[sheet.tail(t, 2) for t in TAILS] for sheet in sheets]
        for head in HEADS:
            for sheet, ends in zip(sheets, made, strict=True):
                if tails:
                    sheet.append_tails(head, ends)
                else:
                    for t in TAILS:
                        sheet.append([*head, *t])
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_rows_with_made_tails_are_the_rows_appended(tmp_path: Path) -> None:
    plain = _book(tmp_path / "plain.xlsx", tails=False)
    made = _book(tmp_path / "made.xlsx", tails=True)
    assert made == plain
    sheet = openpyxl.load_workbook(tmp_path / "made.xlsx")["one"]
    rows = [_row(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows[: len(TAILS)] == [_row((*HEADS[0], *t)) for t in TAILS]


def _row(values: tuple[Any, ...]) -> list[Any]:
    """A row as openpyxl reads it: a number as a number, text as shown, no trailing blanks."""
    from pairing_rules.io._xlsx_cells import cell_text

    cells = [cell_text(v) if isinstance(v, str) else v for v in values]
    cells = [float(v) if isinstance(v, Decimal) else v for v in cells]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def test_a_sheet_continued_measures_the_tails_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pairing_rules.io import _xlsx

    monkeypatch.setattr(_xlsx, "MAX_ROWS", 7)
    plain = _book(tmp_path / "plain.xlsx", tails=False)
    made = _book(tmp_path / "made.xlsx", tails=True)
    assert made == plain
    book = openpyxl.load_workbook(tmp_path / "made.xlsx")
    continued = [book[name] for name in book.sheetnames if name.startswith("one (")]
    assert len(continued) > 2
    for sheet in continued:  # the tails' text is measured on each sheet that holds it
        texts = [r[2] for r in sheet.iter_rows(min_row=2, values_only=True) if len(r) > 2]
        holds = any(isinstance(text, str) for text in texts)
        assert (sheet.column_dimensions["C"].width > 8) == holds


def test_a_tail_after_a_head_of_another_width_is_refused(tmp_path: Path) -> None:
    with Workbook(tmp_path / "a.xlsx", created=DAY) as book:
        sheet = book.add_sheet("s", ["a", "b", "c"], (8, 8, 8))
        tail = sheet.tail(["c"], 2)
        with pytest.raises(ValueError, match="tail"):
            sheet.append_tails(["a"], [tail])


@pytest.mark.parametrize("options", [[], ["--by", "stage"], ["--sort", "total"]])
def test_a_score_report_is_the_rows_appended_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    """The score report writes its rows from ready-made ends: the same parts, byte for byte,
    as writing every row with ``append``."""
    import zipfile

    from pairing_rules.cli import main
    from pairing_rules.io import _xlsx

    sample = Path(__file__).parents[1] / "packs" / "cangnan2022" / "examples"
    args = ["score", "cangnan2022", str(sample / "communities-2022.json"), "--as-of", "2022-06-01"]

    def parts(path: Path) -> dict[str, bytes]:
        assert main([*args, *options, "--out", str(path)]) == 0
        with zipfile.ZipFile(path) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    made = parts(tmp_path / "made.xlsx")

    def tail(sheet: _xlsx.Sheet, values: Any, start: int) -> _xlsx.Tail:
        return _xlsx.Tail(tuple(values), start, b"")

    def append_tails(sheet: _xlsx.Sheet, head: Any, tails: Any) -> None:
        for end in tails:
            sheet.append([*head, *end.values])

    monkeypatch.setattr(_xlsx.Sheet, "tail", tail)
    monkeypatch.setattr(_xlsx.Sheet, "append_tails", append_tails)
    assert parts(tmp_path / "plain.xlsx") == made
