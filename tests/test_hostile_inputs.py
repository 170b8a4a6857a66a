"""A corpus of hostile and careless input files, each run through the real command.

For every case: no traceback, the documented exit code, every rejected row
named by file, sheet (in a workbook), row and column in Chinese and in English,
the valid rows of the same file still scored, and nothing lost (data rows =
scored + rejected + skipped as empty).  A file that cannot be read at all gets
one clear message in both languages.  Cases that could crash or hang a process
(a FIFO, a device, a far-away cell handed to a native reader) run in a
subprocess with a timeout; the others run in-process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pairing_rules import CommunityYear, field_label
from pairing_rules.cli import main

from . import hostile as h
from .hostile import row, rows

ERROR_CODES = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


@dataclass
class Case:
    """One input file and what the command must make of it."""

    name: str
    build: Callable[[Path], Path]
    #: rows (records) holding data or left empty, header excluded
    data_rows: int = 0
    #: records scored
    valid: int = 0
    #: (file row, column letter) of each rejected row, in order; row None for JSON records
    bad: list[tuple[int | None, str | None]] = field(default_factory=list)
    #: the error about the whole file: (Chinese, English) fragments
    error: tuple[str, str] | None = None
    sheet: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: run in a subprocess (the case could crash or hang a process)
    isolated: bool = False
    command: str = "score"

    @property
    def code(self) -> int:
        return 2 if self.error or self.bad else 0


CASES: list[Case] = []


def case(name: str, build: Callable[[Path], Path], **kwargs: Any) -> None:
    CASES.append(Case(name, build, **kwargs))


def file_error(name: str, build: Callable[[Path], Path], zh: str, en: str, **kwargs: Any) -> None:
    case(name, build, error=(zh, en), **kwargs)


# --------------------------------------------------------------------- not files at all


def _fifo(tmp: Path) -> Path:
    path = tmp / "pipe.csv"
    os.mkfifo(path)
    return path


def _link(target: str, name: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.symlink_to(target)
        return path

    return build


def _folder(name: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.mkdir()
        return path

    return build


NOT_REGULAR = ("不是普通文件", "not a regular file")
file_error("fifo", _fifo, *NOT_REGULAR, isolated=True)
file_error("link to /dev/zero", _link("/dev/zero", "zero.csv"), *NOT_REGULAR, isolated=True)
file_error(
    "link to /dev/zero as json", _link("/dev/zero", "zero.json"), *NOT_REGULAR, isolated=True
)
file_error(
    "link to /dev/urandom as xlsx", _link("/dev/urandom", "r.xlsx"), *NOT_REGULAR, isolated=True
)
file_error("link to /dev/null", _link("/dev/null", "null.csv"), *NOT_REGULAR)
file_error("folder x.csv", _folder("x.csv"), "文件夹", "folder")
file_error("folder x.xlsx", _folder("x.xlsx"), "文件夹", "folder")
file_error("folder x.json", _folder("x.json"), "文件夹", "folder")
file_error("missing file", lambda tmp: tmp / "missing.csv", "文件不存在", "no such file")
file_error(
    "broken link", _link("/nonexistent/target", "dangling.csv"), "文件不存在", "no such file"
)

# --------------------------------------------------------------------------- empty input

EMPTY = ("文件为空", "the file is empty")
NO_DATA = ("没有任何数据行", "there is no data row")
file_error("0-byte csv", lambda tmp: h.write_csv(tmp / "e.csv", [], lines=[""]), *EMPTY)
file_error("0-byte json", lambda tmp: h.write_json(tmp / "e.json", [], text=""), *EMPTY)
file_error(
    "newlines-only csv",
    lambda tmp: h.write_csv(tmp / "n.csv", [], lines=["", "", ""], newline="\r"),
    *EMPTY,
)
file_error("header-only csv", lambda tmp: h.write_csv(tmp / "h.csv", []), *NO_DATA)
file_error(
    "header and empty rows csv", lambda tmp: h.write_csv(tmp / "h.csv", [None, None]), *NO_DATA
)
file_error(
    "0-byte xlsx",
    lambda tmp: h.write_json(tmp / "e.xlsx", [], text=""),
    "不是有效的 .xlsx 工作簿",
    "not a valid .xlsx workbook",
)
file_error("header-only xlsx", lambda tmp: h.write_xlsx(tmp / "h.xlsx", []), *NO_DATA)
file_error("xlsx of an empty sheet", lambda tmp: h.write_xlsx(tmp / "e.xlsx", [None]), *NO_DATA)
file_error(
    "json without records",
    lambda tmp: h.write_json(tmp / "e.json", []),
    "没有任何记录",
    "no record",
)
file_error(
    "json empty object",
    lambda tmp: h.write_json(tmp / "e.json", [], text="{}"),
    "没有任何记录",
    "no record",
)
file_error("header-only ods", lambda tmp: h.write_ods(tmp / "h.ods", []), *NO_DATA)
file_error("header-only xls", lambda tmp: h.write_xls(tmp / "h.xls", []), *NO_DATA)

# ------------------------------------------------------------------------------ limits

TOO_LARGE = ("过大", "too large")
TOO_MANY = ("数据行超过上限 3 行", "more than 3 data rows")
for suffix, writer in (
    ("csv", h.write_csv),
    ("xlsx", h.write_xlsx),
    ("xls", h.write_xls),
    ("ods", h.write_ods),
    ("json", h.write_json),
):
    file_error(
        f"{suffix} over the size limit",
        lambda tmp, s=suffix, w=writer: w(tmp / f"big.{s}", rows(5)),
        *TOO_LARGE,
        env={"PAIRING_RULES_MAX_BYTES": "100"},
    )
    file_error(
        f"{suffix} over the row limit",
        lambda tmp, s=suffix, w=writer: w(tmp / f"many.{s}", rows(5)),
        *TOO_MANY,
        env={"PAIRING_RULES_MAX_ROWS": "3"},
    )

# ------------------------------------------------------------------------------- JSON


def _json_text(text: str) -> Callable[[Path], Path]:
    return lambda tmp: h.write_json(tmp / "in.json", [], text=text)


_good = json.dumps(row("A"), ensure_ascii=False)
file_error(
    "json duplicate communities key",
    _json_text(f'{{"communities": [{_good}], "communities": [{_good}]}}'),
    "'communities' 出现了不止一次",
    "'communities' occurs more than once",
)
file_error(
    "json nested 100000 deep",
    _json_text("[" * 100_000 + "]" * 100_000),
    "嵌套层数过深",
    "nests too deeply",
)
file_error(
    "json nested object 50000 deep",
    _json_text('{"a":' * 50_000 + "1" + "}" * 50_000),
    "嵌套层数过深",
    "nests too deeply",
)
file_error(
    "json 5000-digit number",
    _json_text('{"communities": [{"id": "A", "year": ' + "9" * 5000 + "}]}"),
    "不是有效的 JSON",
    "not valid JSON",
)
file_error(
    "json not utf-8",
    lambda tmp: (
        (tmp / "g.json").write_bytes('{"communities": []}  // 中'.encode("gbk")) and tmp / "g.json"
    ),
    "不是 UTF-8",
    "not UTF-8",
)
file_error(
    "json top-level array",
    _json_text(f"[{_good}]"),
    "输入应为一个 JSON 对象",
    "must be a JSON object",
)
file_error(
    "json bad syntax", _json_text('{"communities": [\n {"id": "A",}\n]}'), "第 2 行", "line 2"
)
file_error(
    "json unknown collection",
    _json_text('{"community": []}'),
    "未知的数据集合",
    "unknown collection",
)
file_error(
    "json collection not a list",
    _json_text('{"communities": {"id": "A"}}'),
    "应为一个数组",
    "must be an array",
)
case(
    "json duplicate field in a record",
    _json_text(
        '{"communities": [' + _good + ', {"id": "B", "type": "融合型", "scope": "县域内", '
        '"year": 2022, "sync_lessons": 3, "sync_lessons": 30}, '
        + json.dumps(row("C"), ensure_ascii=False)
        + "]}"
    ),
    data_rows=3,
    valid=2,
    bad=[(None, "sync_lessons")],
)
case(
    "json booleans are not counts",
    lambda tmp: h.write_json(
        tmp / "in.json", [row("A", sync_lessons=True), row("B", mentors=False), row("C")]
    ),
    data_rows=3,
    valid=1,
    bad=[(None, "sync_lessons"), (None, "mentors")],
)
case(
    "json fraction in a percentage, 95% as text, full-width digits",
    lambda tmp: h.write_json(
        tmp / "in.json",
        [
            row("A", satisfaction=0.95),
            row("B", satisfaction="95%"),
            row("C", sync_lessons="２０", year="２０２２"),
        ],
    ),
    data_rows=3,
    valid=2,
    bad=[(None, "satisfaction")],
)
case(
    "json error values and bad numbers",
    lambda tmp: h.write_json(
        tmp / "in.json",
        [
            row("A", sync_lessons="#DIV/0!"),
            row("B", sync_lessons=1.5),
            row("C", satisfaction=120),
            row("D"),
            "text",
        ],
    ),
    data_rows=5,
    valid=1,
    bad=[(None, "sync_lessons"), (None, "sync_lessons"), (None, "satisfaction"), (None, None)],
)
case(
    "json deep value inside a record",
    lambda tmp: h.write_json(tmp / "in.json", [row("A", members=[[[["x"]]]] * 3), row("B")]),
    data_rows=2,
    valid=1,
    bad=[(None, "members")],
)

# -------------------------------------------------------------------------------- CSV

MIXED = [row("A"), row("B", sync_lessons=-2), row("C"), row("D", satisfaction="高"), row("E")]
MIXED_BAD = [(3, h.letter("sync_lessons")), (5, h.letter("satisfaction"))]
for label, newline in (("LF", "\n"), ("CRLF", "\r\n"), ("CR-only (Excel for Mac)", "\r")):
    case(
        f"csv {label}",
        lambda tmp, n=newline: h.write_csv(tmp / "in.csv", MIXED, newline=n),
        data_rows=5,
        valid=3,
        bad=MIXED_BAD,
    )


def _mixed_endings(tmp: Path) -> Path:
    lines = h.csv_text(MIXED)
    text = (
        lines[0]
        + "\r"
        + lines[1]
        + "\n"
        + lines[2]
        + "\r\n"
        + lines[3]
        + "\r"
        + lines[4]
        + "\n"
        + lines[5]
    )
    (tmp / "mixed.csv").write_text(text, encoding="utf-8")
    return tmp / "mixed.csv"


case("csv mixed line endings", _mixed_endings, data_rows=5, valid=3, bad=MIXED_BAD)
for label, encoding, bom in (
    ("utf-8 BOM", "utf-8", b"\xef\xbb\xbf"),
    ("double BOM", "utf-8", b"\xef\xbb\xbf\xef\xbb\xbf"),
    ("GBK", "gbk", b""),
    ("GB18030", "gb18030", b""),
):
    case(
        f"csv {label}",
        lambda tmp, e=encoding, b=bom: h.write_csv(tmp / "in.csv", MIXED, encoding=e, bom=b),
        data_rows=5,
        valid=3,
        bad=MIXED_BAD,
    )
file_error(
    "csv unknown encoding",
    lambda tmp: (tmp / "x.csv").write_bytes(b"id,type\n\xff\xfe\xff,x\n") and tmp / "x.csv",
    "无法识别 CSV 文件的编码",
    "cannot decode the CSV file",
)


def _lines(text_rows: list[str], name: str = "in.csv") -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        return h.write_csv(tmp / name, [], lines=text_rows, newline="\n")

    return build


GOOD_LINES = h.csv_text(rows(4, "G"))
case(
    "csv stray quote at the start of a cell",
    _lines([GOOD_LINES[0], GOOD_LINES[1], 'B,"融合型,县域内,2022,90,20,x', *GOOD_LINES[2:]]),
    data_rows=5,
    valid=4,
    bad=[(3, None)],
)
case(
    "csv stray quote closed by a later quoted cell",
    _lines(
        [
            GOOD_LINES[0],
            'B,"融合型,县域内,2022,90,20,x',
            GOOD_LINES[1],
            'C,融合型,县域内,2022,90,20,"a,b"',
            GOOD_LINES[2],
        ]
    ),
    data_rows=4,
    valid=3,
    bad=[(2, None)],
)
case(
    "csv quote closing two rows later with the header's width",
    _lines(
        [
            GOOD_LINES[0],
            'B,"融合型,县域内,2022,90,20,x',
            GOOD_LINES[1],
            'y",融合型,县域内,2022,90,20,z',
            GOOD_LINES[2],
        ]
    ),
    data_rows=4,
    valid=3,
    bad=[(2, None)],
)
case(
    "csv quoted cell with a line break (Alt+Enter) is one cell",
    _lines([GOOD_LINES[0], 'M,融合型,县域内,2022,90,20,"第一行\n第二行"', GOOD_LINES[1]]),
    data_rows=2,
    valid=2,
)
case(
    "csv cell over 131,072 characters",
    _lines(
        [
            GOOD_LINES[0],
            GOOD_LINES[1],
            "L,融合型,县域内,2022,90,20," + "长" * 140_000,
            GOOD_LINES[2],
        ]
    ),
    data_rows=3,
    valid=2,
    bad=[(3, None)],
)
case(
    "csv quoted cell over the limit",
    _lines([GOOD_LINES[0], 'L,融合型,县域内,2022,90,20,"' + "x" * 200_000 + '"', GOOD_LINES[1]]),
    data_rows=2,
    valid=1,
    bad=[(2, None)],
)
case(
    "csv NUL and ESC characters",
    _lines(
        [GOOD_LINES[0], "N\x00,融合型,县域内,2022,90,20,x", "E\x1b[31m,融合型,县域内,2022,90,20,x"]
    ),
    data_rows=2,
    valid=2,
)
for code in ERROR_CODES:
    case(
        f"csv error value {code} in a count",
        lambda tmp, c=code: h.write_csv(
            tmp / "in.csv", [row("A"), row("B", sync_lessons=c), row("C")]
        ),
        data_rows=3,
        valid=2,
        bad=[(3, h.letter("sync_lessons"))],
    )
case(
    "csv error value in a text column",
    lambda tmp: h.write_csv(tmp / "in.csv", [row("A", core="#N/A"), row("B")]),
    data_rows=2,
    valid=1,
    bad=[(2, h.letter("core"))],
)
case(
    "csv 95% and full-width digits",
    lambda tmp: h.write_csv(
        tmp / "in.csv",
        [
            row("A", satisfaction="95%"),
            row("B", satisfaction="９５．５％", sync_lessons="２０", year="２０２２"),
            row("C", sync_lessons="1,200"),
        ],
    ),
    data_rows=3,
    valid=3,
)
case(
    "csv fraction in a percentage",
    lambda tmp: h.write_csv(
        tmp / "in.csv", [row("A", satisfaction="0.95"), row("B", satisfaction="0.95%")]
    ),
    data_rows=2,
    valid=1,
    bad=[(2, h.letter("satisfaction"))],
)
case(
    "csv empty rows are skipped and reported",
    lambda tmp: h.write_csv(tmp / "in.csv", [row("A"), None, row("B"), None]),
    data_rows=4,
    valid=2,
)
case(
    "csv whitespace-only cells",
    lambda tmp: h.write_csv(
        tmp / "in.csv", [row("A", scope="县域内", satisfaction="  ", sync_lessons=" "), row("B")]
    ),
    data_rows=2,
    valid=2,
)
case(
    "csv duplicate ids",
    lambda tmp: h.write_csv(tmp / "in.csv", [row("A"), row("A"), row("B")]),
    data_rows=3,
    valid=2,
    bad=[(3, "A")],
)
case(
    "csv ragged rows",
    _lines([GOOD_LINES[0], "S,融合型,县域内,2022", GOOD_LINES[1] + ",extra,cells"]),
    data_rows=2,
    valid=2,
)
case(
    "csv unknown enum value and text in a count",
    lambda tmp: h.write_csv(
        tmp / "in.csv", [row("A", type="合作型"), row("B", sync_lessons="二十"), row("C")]
    ),
    data_rows=3,
    valid=1,
    bad=[(2, "B"), (3, h.letter("sync_lessons"))],
)
case(
    "csv 1,000 rows with scattered mistakes",
    lambda tmp: h.write_csv(
        tmp / "in.csv",
        [row(f"R{k}", sync_lessons=-1) if k % 100 == 7 else row(f"R{k}") for k in range(1000)],
    ),
    data_rows=1000,
    valid=990,
    bad=[(k + 2, h.letter("sync_lessons")) for k in range(1000) if k % 100 == 7],
)
file_error("csv without a header", _lines(GOOD_LINES[1:]), "找不到表头", "no header found")
file_error(
    "csv missing a required column",
    _lines(["type,scope,year", "融合型,县域内,2022"]),
    "缺少必填列",
    "required columns missing",
)
file_error(
    "csv duplicated columns",
    _lines(["id,id,type,year", "A,B,融合型,2022"]),
    "列重复",
    "duplicated columns",
)

# ------------------------------------------------------------------------------- XLSX

SHEET = "教共体"


def _xlsx(records: list[dict[str, Any] | None], **kwargs: Any) -> Callable[[Path], Path]:
    return lambda tmp: h.write_xlsx(tmp / "in.xlsx", records, **kwargs)


case("xlsx mixed", _xlsx(MIXED), data_rows=5, valid=3, bad=MIXED_BAD, sheet=SHEET)
for code in ERROR_CODES:
    case(
        f"xlsx error cell {code} in a count",
        _xlsx([row("A"), row("B", sync_lessons=code), row("C")]),
        data_rows=3,
        valid=2,
        bad=[(3, h.letter("sync_lessons"))],
        sheet=SHEET,
    )
case(
    "xlsx error cell in a text column",
    _xlsx([row("A", core="#REF!"), row("B")]),
    data_rows=2,
    valid=1,
    bad=[(2, h.letter("core"))],
    sheet=SHEET,
)
case(
    "xlsx percent-formatted cells are never asked about",
    _xlsx(
        [row("A", satisfaction=0.93), row("B", satisfaction=0.005), row("C", satisfaction=0.95)],
        formats={(2, "satisfaction"): "0%", (3, "satisfaction"): "0.0%"},
    ),
    data_rows=3,
    valid=2,
    bad=[(4, h.letter("satisfaction"))],
    sheet=SHEET,
)
case(
    "xlsx 95% as text and full-width digits",
    _xlsx([row("A", satisfaction="95%", sync_lessons="２０"), row("B", year="２０２２")]),
    data_rows=2,
    valid=2,
    sheet=SHEET,
)
case(
    "xlsx yes/no value in a count",
    _xlsx([row("A", sync_lessons=True), row("B")]),
    data_rows=2,
    valid=1,
    bad=[(2, h.letter("sync_lessons"))],
    sheet=SHEET,
)
case(
    "xlsx empty rows",
    _xlsx([row("A"), None, row("B")]),
    data_rows=3,
    valid=2,
    sheet=SHEET,
)


def _far_cell(ref: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        good = h.write_xlsx(tmp / "good.xlsx", rows(2))
        return h.patch_zip(good, tmp / "far.xlsx", h.SHEET1, lambda xml: h.add_cell(xml, ref))

    return build


RANGE = ("使用范围过大", "used range is too large")
file_error(
    "xlsx value at XFD1048576",
    _far_cell("XFD1048576"),
    "数据行超过上限",
    "data rows",
    isolated=True,
)
file_error(
    "xlsx value at AMJ1048576",
    _far_cell("AMJ1048576"),
    "数据行超过上限",
    "data rows",
    isolated=True,
)
file_error("xlsx value at XFD1", _far_cell("XFD1"), *RANGE, isolated=True)
file_error("xlsx value at AZ150000 (too many cells)", _far_cell("IV30000"), *RANGE, isolated=True)


def _no_r(tmp: Path) -> Path:
    good = h.write_xlsx(tmp / "good.xlsx", rows(2))

    def change(xml: bytes) -> bytes:
        cells = b"".join(b"<c><v>1</v></c>" for _ in range(300))
        return xml.replace(b"</sheetData>", b'<row r="9">' + cells + b"</row></sheetData>")

    return h.patch_zip(good, tmp / "implicit.xlsx", h.SHEET1, change)


file_error("xlsx 300 cells without references in one row", _no_r, *RANGE, isolated=True)


def _lying_dimension(tmp: Path) -> Path:
    good = h.write_xlsx(tmp / "good.xlsx", rows(3))
    return h.patch_zip(
        good,
        tmp / "dim.xlsx",
        h.SHEET1,
        lambda xml: xml.replace(b'<dimension ref="A1:G4"', b'<dimension ref="A1:XFD1048576"'),
    )


case(
    "xlsx declaring a huge dimension it does not use",
    _lying_dimension,
    data_rows=3,
    valid=3,
    sheet=SHEET,
    isolated=True,
)


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as src:
        return {i.filename: src.read(i.filename) for i in src.infolist()}


def _zip_bomb(tmp: Path) -> Path:
    good = h.write_xlsx(tmp / "good.xlsx", rows(2))
    plain = _members(good)
    members: dict[str, bytes | tuple[bytes, int]] = dict(plain)
    members["xl/media/padding.bin"] = h.zeros(1024)  # 1 GiB of zeros: about 1 MB packed
    path = tmp / "bomb.xlsx"
    path.write_bytes(h.raw_zip(members))
    return path


def _lying_bomb(tmp: Path) -> Path:
    good = h.write_xlsx(tmp / "good.xlsx", rows(2))
    plain = _members(good)
    members: dict[str, bytes | tuple[bytes, int]] = dict(plain)
    members["xl/media/padding.bin"] = h.zeros(200)
    path = tmp / "liar.xlsx"
    path.write_bytes(h.raw_zip(members, declared={"xl/media/padding.bin": 1000}))
    return path


file_error(
    "xlsx zip bomb (1 GiB in 1 MB)",
    _zip_bomb,
    "解压后的内容过大",
    "uncompressed content is too large",
    isolated=True,
)
file_error(
    "xlsx zip bomb declaring small sizes", _lying_bomb, "工作簿已损坏", "damaged", isolated=True
)


def _damaged_deflate(tmp: Path) -> Path:
    good = h.write_xlsx(tmp / "good.xlsx", rows(30))
    data = bytearray(good.read_bytes())
    at = data.find(b"xl/worksheets/sheet1.xml") + 60
    data[at : at + 40] = b"\xff" * 40
    path = tmp / "damaged.xlsx"
    path.write_bytes(bytes(data))
    return path


file_error("xlsx damaged deflate stream", _damaged_deflate, "工作簿已损坏", "damaged")
file_error(
    "xlsx truncated",
    lambda tmp: (
        (tmp / "t.xlsx").write_bytes(h.write_xlsx(tmp / "g.xlsx", rows(3)).read_bytes()[:900])
        and tmp / "t.xlsx"
    ),
    "工作簿已损坏",
    "damaged",
)
file_error(
    "xlsx encrypted",
    lambda tmp: (
        (tmp / "enc.xlsx").write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 600
            + "EncryptedPackage".encode("utf-16-le")
            + b"\0" * 400
        )
        and tmp / "enc.xlsx"
    ),
    "工作簿已加密",
    "encrypted",
)
file_error(
    "xlsx that is text",
    lambda tmp: h.write_json(tmp / "fake.xlsx", [], text="这不是工作簿"),
    "不是有效的 .xlsx 工作簿",
    "not a valid .xlsx workbook",
)
file_error(
    "xlsx that is a zip of other files",
    lambda tmp: (
        (tmp / "z.xlsx").write_bytes(h.raw_zip({"readme.txt": b"hello"})) and tmp / "z.xlsx"
    ),
    "不是有效的 .xlsx 工作簿",
    "not a valid .xlsx workbook",
)
file_error(
    "xlsx with an entity declaration",
    lambda tmp: h.patch_zip(
        h.write_xlsx(tmp / "g.xlsx", rows(2)),
        tmp / "ent.xlsx",
        h.SHEET1,
        lambda xml: xml.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "b">]><worksheet', 1),
    ),
    "无法安全解析",
    "cannot be parsed safely",
)


def _huge_sst(tmp: Path) -> Path:
    members: dict[str, bytes | tuple[bytes, int]] = dict(
        _members(h.write_xlsx(tmp / "g.xlsx", rows(2)))
    )
    members["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="1" uniqueCount="1000000000"><si><t>x</t></si></sst>'
    )
    path = tmp / "sst.xlsx"
    path.write_bytes(h.raw_zip(members))
    return path


file_error(
    "xlsx shared strings declaring a billion entries",
    _huge_sst,
    "工作簿已损坏",
    "damaged",
    isolated=True,
)
file_error(
    "xlsx sheets named otherwise",
    lambda tmp: _two_sheets(tmp),
    "找不到数据工作表",
    "no data sheet found",
)


def _two_sheets(tmp: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Sheet1"
    first.append(list(h.KEYS))
    book.create_sheet("Sheet2").append(list(h.KEYS))
    book.save(tmp / "two.xlsx")
    return tmp / "two.xlsx"


def _merged(tmp: Path) -> Path:
    import openpyxl

    path = h.write_xlsx(tmp / "m.xlsx", rows(4))
    book = openpyxl.load_workbook(path)
    book[SHEET].merge_cells("B3:B4")
    book.save(path)
    return path


case("xlsx merged cells", _merged, data_rows=4, valid=2, bad=[(3, None), (4, None)], sheet=SHEET)


def _formula(tmp: Path) -> Path:
    import openpyxl

    path = h.write_xlsx(tmp / "f.xlsx", rows(3))
    book = openpyxl.load_workbook(path)
    book[SHEET]["F3"] = "=F2+1"
    book.save(path)
    return path


case(
    "xlsx formula without a cached value",
    _formula,
    data_rows=3,
    valid=2,
    bad=[(3, "F")],
    sheet=SHEET,
)
file_error(
    "xls of 4 bytes",
    lambda tmp: (tmp / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0") and tmp / "old.xls",
    "另存为 .xlsx",
    "save it as .xlsx",
)
file_error(
    "unsupported extension",
    lambda tmp: h.write_json(tmp / "in.txt", rows(1)),
    "不支持的文件类型",
    "unsupported file type",
)
file_error(
    "WPS .et file",
    lambda tmp: h.write_json(tmp / "in.et", rows(1)),
    "不支持 .et 格式",
    "the .et format is not supported",
)

# -------------------------------------------------------------------------------- XLS

case(
    "xls mixed",
    lambda tmp: h.write_xls(tmp / "in.xls", MIXED),
    data_rows=5,
    valid=3,
    bad=MIXED_BAD,
    sheet=SHEET,
)
for code, number in (("#DIV/0!", 7), ("#N/A", 42), ("#VALUE!", 15), ("#REF!", 23)):
    case(
        f"xls error cell {code}",
        lambda tmp, n=number: h.write_xls(
            tmp / "in.xls",
            [row("A"), row("B", sync_lessons=None), row("C")],
            errors={(3, "sync_lessons"): n},
        ),
        data_rows=3,
        valid=2,
        bad=[(3, h.letter("sync_lessons"))],
        sheet=SHEET,
    )
case(
    "xls percent-formatted cell",
    lambda tmp: h.write_xls(
        tmp / "in.xls",
        [row("A", satisfaction=None), row("B", satisfaction=0.95)],
        percent={(2, "satisfaction"): 0.005},
    ),
    data_rows=2,
    valid=1,
    bad=[(3, h.letter("satisfaction"))],
    sheet=SHEET,
)


def _xls_patched(
    change: Callable[[bytearray, list[tuple[int, int, int]]], None], name: str
) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = h.write_xls(tmp / "base.xls", rows(3))
        data = bytearray(path.read_bytes())
        change(data, h.xls_records(bytes(data)))
        out = tmp / name
        out.write_bytes(bytes(data))
        return out

    return build


def _xls_far(data: bytearray, records: list[tuple[int, int, int]]) -> None:
    # move the last cell of the last row to row 60000, column IV
    cells = [(p, t) for p, t, _l in records if t in (0x0203, 0x027E, 0x00FD, 0x0204)]
    pos, _typ = cells[-1]
    data[pos + 4 : pos + 8] = bytes([0x60, 0xEA, 0xFF, 0x00])


def _xls_dimensions(data: bytearray, records: list[tuple[int, int, int]]) -> None:
    pos = next(p for p, t, _l in records if t == 0x0200)
    data[pos + 4 : pos + 18] = bytes.fromhex("00000000ffffffff0000ff000000")


def _xls_password(data: bytearray, records: list[tuple[int, int, int]]) -> None:
    pos = next(p for p, t, length in records if t == 0x00E1)  # InterfaceHdr: becomes FilePass
    data[pos : pos + 2] = b"\x2f\x00"
    data[pos + 4 : pos + 6] = b"\x01\x00"


def _cfb_loop(data: bytearray, records: list[tuple[int, int, int]]) -> None:
    data[68:72] = b"\x00\x00\x00\x00"  # the DIFAT chain starts at sector 0 …
    data[512 + 508 : 512 + 512] = b"\x00\x00\x00\x00"  # … which names itself next


file_error("xls cell at IV60001", _xls_patched(_xls_far, "far.xls"), *RANGE, isolated=True)
file_error(
    "xls declaring 4 billion rows",
    _xls_patched(_xls_dimensions, "dim.xls"),
    "数据行超过上限",
    "data rows",
    isolated=True,
)
file_error(
    "xls with a password",
    _xls_patched(_xls_password, "pw.xls"),
    "工作簿已加密",
    "encrypted",
    isolated=True,
)
file_error(
    "xls with a looping allocation table",
    _xls_patched(_cfb_loop, "loop.xls"),
    "工作簿已损坏",
    "damaged",
    isolated=True,
)
file_error(
    "xls truncated",
    lambda tmp: (
        (tmp / "t.xls").write_bytes(h.write_xls(tmp / "g.xls", rows(3)).read_bytes()[:1500])
        and tmp / "t.xls"
    ),
    "工作簿已损坏",
    "damaged",
    isolated=True,
)

# -------------------------------------------------------------------------------- ODS

case(
    "ods mixed",
    lambda tmp: h.write_ods(tmp / "in.ods", MIXED),
    data_rows=5,
    valid=3,
    bad=MIXED_BAD,
    sheet=SHEET,
)
for code in ("#DIV/0!", "#N/A", "Err:502"):
    case(
        f"ods error cell {code}",
        lambda tmp, c=code: h.write_ods(
            tmp / "in.ods",
            [row("A"), row("B"), row("C")],
            cells={(3, "sync_lessons"): h.ods_cell(None, error=c)},
        ),
        data_rows=3,
        valid=2,
        bad=[(3, h.letter("sync_lessons"))],
        sheet=SHEET,
    )
case(
    "ods percentage cell and a fraction",
    lambda tmp: h.write_ods(
        tmp / "in.ods",
        [row("A"), row("B", satisfaction=0.95)],
        cells={(2, "satisfaction"): h.ods_cell(0.005, percent=True)},
    ),
    data_rows=2,
    valid=1,
    bad=[(3, h.letter("satisfaction"))],
    sheet=SHEET,
)
file_error(
    "ods row repeated a million times",
    lambda tmp: h.write_ods(
        tmp / "r.ods",
        rows(2),
        extra_rows='<table:table-row table:number-rows-repeated="1000000">'
        + h.ods_cell(1)
        + "</table:table-row>",
    ),
    "数据行超过上限",
    "data rows",
    isolated=True,
)
file_error(
    "ods cell repeated across 16384 columns",
    lambda tmp: h.write_ods(
        tmp / "c.ods",
        rows(2),
        extra_rows='<table:table-row><table:table-cell table:number-columns-repeated="16384" '
        'office:value-type="float" office:value="1"/></table:table-row>',
    ),
    *RANGE,
    isolated=True,
)
file_error(
    "ods empty text cells repeated across a million rows and all columns",
    lambda tmp: h.write_ods(
        tmp / "t.ods",
        rows(2),
        extra_rows='<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        'table:number-columns-repeated="16384" office:value-type="string"/></table:table-row>',
    ),
    *RANGE,
    isolated=True,
)
file_error(
    "ods with an entity declaration",
    lambda tmp: _ods_entity(tmp),
    "无法安全解析",
    "cannot be parsed safely",
)


def _ods_entity(tmp: Path) -> Path:
    path = h.write_ods(tmp / "e.ods", rows(2))
    return h.patch_zip(
        path,
        tmp / "ent.ods",
        "content.xml",
        lambda xml: xml.replace(
            b"<office:document-content",
            b'<!DOCTYPE x [<!ENTITY a "b">]><office:document-content',
            1,
        ),
    )


# ------------------------------------------------------------- check reads the same way

case(
    "check: csv mixed",
    lambda tmp: h.write_csv(tmp / "in.csv", MIXED),
    data_rows=5,
    valid=3,
    bad=MIXED_BAD,
    command="check",
)
case(
    "check: xlsx mixed",
    _xlsx(MIXED),
    data_rows=5,
    valid=3,
    bad=MIXED_BAD,
    sheet=SHEET,
    command="check",
)
case(
    "check: xls error cell",
    lambda tmp: h.write_xls(
        tmp / "in.xls", [row("A"), row("B", sync_lessons=None)], errors={(3, "sync_lessons"): 7}
    ),
    data_rows=2,
    valid=1,
    bad=[(3, h.letter("sync_lessons"))],
    sheet=SHEET,
    command="check",
)
case(
    "check: json booleans are not counts",
    lambda tmp: h.write_json(tmp / "in.json", [row("A", mentors=True), row("B")]),
    data_rows=2,
    valid=1,
    bad=[(None, "mentors")],
    command="check",
)
file_error("check: fifo", _fifo, *NOT_REGULAR, isolated=True, command="check")
file_error(
    "check: xlsx value at XFD1048576",
    _far_cell("XFD1048576"),
    "数据行超过上限",
    "data rows",
    isolated=True,
    command="check",
)


# ----------------------------------------------------------------------------- running


@dataclass
class Outcome:
    code: int
    out: str
    err: str


def _in_process(args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Outcome:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    for key in env:
        monkeypatch.delenv(key)
    return Outcome(code, out.getvalue(), err.getvalue())


_DRIVER = """
import contextlib, io, json, sys
from pairing_rules.cli import main
outcomes = []
for lang in ("zh", "en"):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*sys.argv[1:], "--lang", lang])
    outcomes.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(outcomes))
"""


def _isolated(args: list[str], env: dict[str, str]) -> dict[str, Outcome]:
    """Both languages' runs in one subprocess (one that a crash or hang cannot take the
    test run with it)."""
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **env},
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    zh, en = json.loads(proc.stdout)
    return {"zh": Outcome(*zh), "en": Outcome(*en)}


def _named(
    line_zh: str, line_en: str, path: Path, sheet: str | None, where: tuple[int | None, str | None]
) -> None:
    file_row, column = where
    if file_row is None:
        assert path.name in line_zh and path.name in line_en
        if column is not None:
            # Chinese names the field by its label only; English by its name
            label = field_label(CommunityYear, column, "zh")
            assert f"“{label}”" in line_zh and column not in line_zh, line_zh
            assert f"field {column}" in line_en, line_en
        return
    zh_place = (
        f"{path.name}「{sheet}」第 {file_row} 行" if sheet else f"{path.name} 第 {file_row} 行"
    )
    en_place = (
        f"{path.name}, sheet {sheet}, row {file_row}" if sheet else f"{path.name}, row {file_row}"
    )
    assert zh_place in line_zh, line_zh
    assert en_place in line_en, line_en
    if column is not None and len(column) <= 2 and column.isupper():
        assert f"第 {column} 列" in line_zh, line_zh
        assert f"column {column}" in line_en, line_en
    assert "第" not in line_en and "行" not in line_en.replace(path.name, ""), line_en


@pytest.mark.parametrize("item", CASES, ids=[c.name for c in CASES])
def test_hostile_input(item: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = item.build(tmp_path)
    args = [item.command, "cangnan2022", str(path), "--format", "json"]
    if item.isolated:
        runs = _isolated(args, item.env)
    else:
        runs = {
            lang: _in_process([*args, "--lang", lang], item.env, monkeypatch)
            for lang in ("zh", "en")
        }
    for outcome in runs.values():
        assert "Traceback" not in outcome.out + outcome.err, outcome.err
        assert outcome.code == item.code, outcome.err
    if item.error is not None:
        zh, en = item.error
        assert zh in runs["zh"].err, runs["zh"].err
        assert en in runs["en"].err, runs["en"].err
        assert runs["zh"].err.count("\n") == 1 and runs["en"].err.count("\n") == 1  # one clear line
        return
    data = json.loads(runs["zh"].out)
    assert json.loads(runs["en"].out)["results"] == data["results"]
    scored, rejected = len(data["results"]), data["rejected"]
    skipped = sum(1 for n in data["notices"] if n["message"]["en"] == "empty row, skipped")
    assert scored == item.valid
    assert scored + len(rejected) + skipped == item.data_rows  # nothing lost
    assert len(rejected) == len(item.bad)
    zh_lines = [
        line for line in runs["zh"].err.splitlines() if line.startswith("pairing-rules: 未处理 ")
    ]
    en_lines = [
        line for line in runs["en"].err.splitlines() if line.startswith("pairing-rules: rejected ")
    ]
    assert len(zh_lines) == len(en_lines) == len(rejected)
    for (file_row, column), record, line_zh, line_en in zip(
        item.bad, rejected, zh_lines, en_lines, strict=True
    ):
        if file_row is not None:
            assert record["loc"]["row"] == file_row
            assert record["loc"]["sheet"] == item.sheet
        if column is not None and file_row is not None and len(column) <= 2 and column.isupper():
            assert column in {e["column"] for e in record["errors"]}
        _named(line_zh, line_en, path, item.sheet, (file_row, column))


def test_the_corpus_is_large_and_covers_every_format() -> None:
    assert len(CASES) >= 100
    names = " ".join(c.name for c in CASES)
    for word in (
        "csv",
        "xlsx",
        "xls ",
        "ods",
        "json",
        "fifo",
        "zip bomb",
        "XFD1048576",
        "AMJ1048576",
    ):
        assert word in names, word
