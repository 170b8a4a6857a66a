"""One county workbook, saved the five ways offices save it (.xlsx, .xls, .ods, UTF-8 CSV and
GBK CSV), with Chinese headers as a filled template has them and the optional name and
grouping columns: every form scores identically and its reports name the records alike."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pairing_rules import CommunityYear, field_label

from . import hostile as h
from .leaks import run_cli

SAMPLE = (
    Path(__file__).resolve().parents[1]
    / "packs"
    / "cangnan2022"
    / "examples"
    / "communities-2022.json"
)
#: towns the sample's communities are placed in, for the breakdown (invented, as the sample is)
TOWNS = ("灵溪镇", "龙港镇", "钱库镇")


def _rows() -> tuple[list[str], list[list[Any]]]:
    """The sample's records as a filled sheet: Chinese headers, one row per community."""
    records = json.loads(SAMPLE.read_text("utf-8"))["communities"]
    for n, record in enumerate(records):
        record["town"] = TOWNS[n % 3]
        if n % 5 == 0:
            record["name"] = f"{record['core']}教共体"
    keys = list(dict.fromkeys(k for record in records for k in record))
    header = [field_label(CommunityYear, k) for k in keys]
    rows = []
    for record in records:
        row = []
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = "、".join(value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            row.append(value)
        rows.append(row)
    return header, rows


def _xlsx(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "教共体"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _xls(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("教共体")
    for c, value in enumerate(header):
        sheet.write(0, c, value)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def _ods(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    body = ['<table:table table:name="教共体">']
    for row in [header, *rows]:
        body.append(
            "<table:table-row>" + "".join(h.ods_cell(v) for v in row) + "</table:table-row>"
        )
    body.append("</table:table>")
    content = (
        h._ODS_HEAD
        + "".join(body)
        + "</office:spreadsheet></office:body></office:document-content>"
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


def _csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str) -> Path:
    lines = [",".join(header)] + [",".join(h._csv_cell(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("forms")
    header, rows = _rows()
    return {
        "xlsx": _xlsx(tmp / "book.xlsx", header, rows),
        "xls": _xls(tmp / "book.xls", header, rows),
        "ods": _ods(tmp / "book.ods", header, rows),
        "csv-utf8": _csv(tmp / "book.csv", header, rows, "utf-8"),
        "csv-gbk": _csv(tmp / "book-gbk.csv", header, rows, "gbk"),
    }


def test_every_form_scores_identically_and_names_alike(forms: dict[str, Path]) -> None:
    from_json = run_cli("score", "cangnan2022", str(SAMPLE), "--format", "json")
    expected = json.loads(from_json.out)["results"]
    texts = {}
    for form, path in forms.items():
        result = run_cli("score", "cangnan2022", str(path), "--format", "json")
        assert result.code == 0, (form, result.err)
        results = json.loads(result.out)["results"]
        # the same points, items and grades as the JSON sample; names from the name column
        # where one is given, else the core school
        assert len(results) == len(expected) == 48, form
        for got, want in zip(results, expected, strict=True):
            named = {k: v for k, v in got.items() if k != "name"}
            assert named == {k: v for k, v in want.items() if k != "name"}, (form, got["id"])
        assert results[0]["name"] == "县江滨实验小学教共体" and results[1]["name"] == "马站小学"
        text = run_cli("score", "cangnan2022", str(path), "--by", "乡镇/街道", "--sort", "total")
        assert text.code == 0, text.err
        texts[form] = text.out
    first = texts["xlsx"]
    assert all(out == first for out in texts.values())
    assert "按乡镇/街道汇总" in first and all(town in first for town in TOWNS)
