"""The readers: one workbook in every format scores the same, records stream one at a
time, places are named in the language of the message, and the limits hold for every
reader (the activity log's included)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules import CommunityYear, InputError, validate_records
from pairing_rules._models import CORE_RECORD_TYPES
from pairing_rules.io import Entry, Location, open_records, read_dataset
from pairing_rules.io._table_files import read_table

from . import hostile as h
from .cli_helpers import run
from .hostile import row

COMMUNITIES = ["communities"]

# ------------------------------------------------------------------------- every format

#: one workbook's rows, as a county fills them: percentages in several spellings, a
#: full-width count, a skipped empty row, one mistake
ONE_BOOK: list[dict[str, Any] | None] = [
    row("CN-01", satisfaction=93, sync_lessons=20),
    row("CN-02", satisfaction="88.5%", sync_lessons="１２"),
    None,
    row("CN-03", scope="跨地区", satisfaction=100, sync_lessons=0),
    row("CN-04", satisfaction=0.9, sync_lessons=5),  # a fraction: asked about, not scored
    row("CN-05", satisfaction=None, sync_lessons=40, core="灵溪一小"),
]


def _forms(tmp: Path) -> dict[str, Path]:
    return {
        "xlsx": h.write_xlsx(tmp / "book.xlsx", ONE_BOOK),
        "xls": h.write_xls(tmp / "book.xls", ONE_BOOK),
        "ods": h.write_ods(tmp / "book.ods", ONE_BOOK),
        "csv-utf8": h.write_csv(tmp / "book.csv", ONE_BOOK),
        "csv-gbk": h.write_csv(tmp / "book-gbk.csv", ONE_BOOK, encoding="gbk"),
    }


def test_every_form_of_one_workbook_scores_identically(tmp_path: Path) -> None:
    outcomes = {}
    for form, path in _forms(tmp_path).items():
        result = run("score", "cangnan2022", str(path), "--format", "json")
        assert result.code == 2, (form, result.err)  # CN-04 is rejected in every form
        data = result.json
        outcomes[form] = (
            data["results"],
            [
                (r["id"], r["loc"]["row"], [e["column"] for e in r["errors"]])
                for r in data["rejected"]
            ],
        )
    first = outcomes["xlsx"]
    for form, outcome in outcomes.items():
        assert outcome == first, form
    results, rejected = first
    assert [r["id"] for r in results] == ["CN-01", "CN-02", "CN-03", "CN-05"]
    # CN-04 is row 6 of the file: header (1), CN-01..CN-03 (2, 3, 5), the empty row (4)
    assert rejected == [("CN-04", 6, [h.letter("satisfaction")])]
    satisfaction = {
        r["id"]: next(i for i in r["items"] if i["id"] == "satisfaction")["inputs"]["satisfaction"]
        for r in results
        if r["rubric"] == "county"
    }
    assert satisfaction == {"CN-01": 93, "CN-02": 88.5, "CN-05": None}


# ----------------------------------------------------------------------------- streaming


def test_open_records_streams_entries_in_file_order(tmp_path: Path) -> None:
    path = h.write_csv(
        tmp_path / "in.csv", [row("A"), row("B", sync_lessons=-1), None, row("A"), row("C")]
    )
    with open_records(path, CORE_RECORD_TYPES, COMMUNITIES) as stream:
        assert stream.rejected == [] and stream.notices == []  # nothing read yet
        entries = list(stream)
    assert all(isinstance(e, Entry) for e in entries)
    # rows: header 1, A 2, B 3, empty 4, A 5, C 6; indexes count the rejected (B, the second A)
    assert [(e.record.key, e.index, e.location.row if e.location else None) for e in entries] == [
        ("A", 0, 2),
        ("C", 3, 6),
    ]
    assert entries[0].location == Location(file="in.csv", row=2)
    assert [(r.index, r.id, r.loc.row if r.loc else None) for r in stream.rejected] == [
        (1, "B", 3),
        (2, "A", 5),
    ]
    assert [n.loc.row if n.loc else None for n in stream.notices] == [4]


def test_file_errors_come_before_iteration(tmp_path: Path) -> None:
    path = h.write_csv(tmp_path / "in.csv", [], lines=["type,year", "融合型,2022"])
    with pytest.raises(InputError) as info:
        open_records(path, CORE_RECORD_TYPES, COMMUNITIES)
    assert "缺少必填列" in info.value.render("zh")
    assert info.value.render("en") == "in.csv: required columns missing: id (id)"


def test_read_dataset_is_open_records_collected(tmp_path: Path) -> None:
    path = h.write_xlsx(tmp_path / "in.xlsx", [row("A"), row("B", satisfaction=120), row("C")])
    dataset = read_dataset(path, CORE_RECORD_TYPES, COMMUNITIES)
    with open_records(path, CORE_RECORD_TYPES, COMMUNITIES) as stream:
        streamed = [e.record for e in stream]
    assert dataset.records("communities") == streamed
    assert dataset.rejected == stream.rejected
    assert dataset.origins["communities"] == [
        (0, Location(file="in.xlsx", sheet="教共体", row=2)),
        (2, Location(file="in.xlsx", sheet="教共体", row=4)),
    ]


def test_streaming_memory_does_not_grow_with_rows(tmp_path: Path) -> None:
    """Peak memory reading 60,000 rows stays near that of reading 6,000 (a subprocess measures
    its own peak, VmHWM, which unlike ru_maxrss is not inherited from the parent; no timing is
    asserted)."""
    script = textwrap.dedent(
        """
        import sys
        from pairing_rules._models import CORE_RECORD_TYPES
        from pairing_rules.io import open_records
        with open_records(sys.argv[1], CORE_RECORD_TYPES, ["communities"]) as stream:
            count = sum(1 for _ in stream)
        status = open("/proc/self/status").read()
        print(count, status.split("VmHWM:")[1].split()[0])
        """
    )
    peaks = {}
    for n in (6_000, 60_000):
        path = h.write_csv(tmp_path / f"r{n}.csv", h.rows(n))
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert int(out[0]) == n
        peaks[n] = int(out[1])  # KiB
    # the file text itself is held (60,000 rows of about 60 bytes: about 4 MB); records are not
    assert peaks[60_000] - peaks[6_000] < 40 * 1024, peaks


# ------------------------------------------------------------------------------ locations


@pytest.mark.parametrize(
    ("loc", "zh", "en"),
    [
        (
            Location("b.xlsx", "教共体", 4, "B"),
            "b.xlsx「教共体」第 4 行第 B 列",
            "b.xlsx, sheet 教共体, row 4, column B",
        ),
        (Location("b.xlsx", "教共体", 4), "b.xlsx「教共体」第 4 行", "b.xlsx, sheet 教共体, row 4"),
        (Location("in.csv", row=7), "in.csv 第 7 行", "in.csv, row 7"),
        (Location("in.csv"), "in.csv", "in.csv"),
        (Location(row=3), "第 3 行", "row 3"),
    ],
)
def test_location_renders_in_each_language(loc: Location, zh: str, en: str) -> None:
    assert (loc.render("zh"), loc.render("en")) == (zh, en)


def test_english_messages_hold_no_chinese_place(tmp_path: Path) -> None:
    path = h.write_xlsx(tmp_path / "in.xlsx", [row("A", sync_lessons=-3), row("B")])
    result = run("score", "cangnan2022", str(path), "--lang", "en")
    line = next(x for x in result.err.splitlines() if "rejected" in x)
    assert line == (
        "pairing-rules: rejected in.xlsx, sheet 教共体, row 2 (id A): field sync_lessons "
        "(synchronous lessons) must be at least 0, got -3 (column F)"
    )
    assert run("score", "cangnan2022", str(path)).err.splitlines()[0] == (
        "pairing-rules: 未处理 in.xlsx「教共体」第 2 行（编号 A）：“城乡同步课堂节数”"
        "不能小于 0，实际为 -3（第 F 列）"
    )


def test_rejection_json_keeps_its_keys_and_adds_the_place(tmp_path: Path) -> None:
    path = h.write_csv(tmp_path / "in.csv", [row("A", satisfaction=101)])
    rejected = run("score", "cangnan2022", str(path), "--format", "json").json["rejected"][0]
    assert set(rejected) == {"collection", "index", "id", "location", "loc", "reason", "errors"}
    assert rejected["location"] == "in.csv 第 2 行"
    assert rejected["loc"] == {"file": "in.csv", "sheet": None, "row": 2, "column": None}


# ---------------------------------------------------------------------- the value rules


@given(st.integers(10, 1000).map(lambda n: Decimal(n) / 10))
def test_a_percentage_reads_the_same_in_every_spelling(value: Decimal) -> None:
    """95, "95", "95%", "９５％" and 95.0 are one value; "0.95%" is explicit."""
    spellings = [
        value,
        str(value),
        f"{value}%",
        f"{value}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．")) + "％",
        float(value),
    ]
    items = [
        {"id": f"X{n}", "type": "融合型", "year": 2022, "satisfaction": s}
        for n, s in enumerate(spellings)
    ]
    records, rejected = validate_records(items, CommunityYear, "communities")
    assert rejected == []
    assert {r.satisfaction for r in records} == {value}


@given(st.integers(1, 99).map(lambda n: Decimal(n) / 100))
def test_a_fraction_in_a_percentage_is_asked_about(value: Decimal) -> None:
    item = {"id": "X", "type": "融合型", "year": 2022, "satisfaction": value}
    _records, rejected = validate_records([item], CommunityYear, "communities")
    suggested = f"{(value * 100).normalize():f}"
    assert f"是否应为 {suggested}%？" in rejected[0].reason.zh
    assert f"did you mean {suggested}%?" in rejected[0].reason.en
    explicit, _none = validate_records([{**item, "satisfaction": f"{value}%"}], CommunityYear, "c")
    assert explicit[0].satisfaction == value


@pytest.mark.parametrize("value", [True, False, "#DIV/0!", "#N/A", 2.5, "两"])
def test_counts_refuse_what_is_not_a_whole_number(value: object) -> None:
    item = {"id": "X", "type": "融合型", "year": 2022, "sync_lessons": value}
    _records, rejected = validate_records([item], CommunityYear, "communities")
    assert rejected[0].errors[0].field == "sync_lessons"


@pytest.mark.parametrize(
    ("text", "number"), [("１２", 12), ("1,200", 1200), ("１，２００", 1200), (" 7 ", 7)]
)
def test_full_width_and_separated_counts(text: str, number: int) -> None:
    item = {"id": "X", "type": "融合型", "year": "２０２２", "sync_lessons": text}
    records, rejected = validate_records([item], CommunityYear, "communities")
    assert rejected == [] and records[0].sync_lessons == number and records[0].year == 2022


# ------------------------------------------------------------------- the activity log


def test_read_table_reads_cr_only_and_gbk_logs(tmp_path: Path) -> None:
    text = "community_id,date,kind\rA,2022-03-01,同步课堂\rB,2022-03-02,线下教研\r"
    (tmp_path / "mac.csv").write_bytes(text.encode("gbk"))
    frame = read_table(tmp_path / "mac.csv")
    assert frame.height == 2 and frame.get_column("kind").to_list() == ["同步课堂", "线下教研"]


@pytest.mark.parametrize(
    ("name", "content", "env", "zh"),
    [
        ("big.csv", "community_id\n" + "A\n" * 200, {"PAIRING_RULES_MAX_BYTES": "100"}, "文件过大"),
        (
            "many.csv",
            "community_id\n" + "A\n" * 5,
            {"PAIRING_RULES_MAX_ROWS": "3"},
            "数据行超过上限",
        ),
        (
            "many.json",
            json.dumps([{"community_id": "A"}] * 5),
            {"PAIRING_RULES_MAX_ROWS": "3"},
            "数据行超过上限",
        ),
        (
            "big.json",
            json.dumps([{"community_id": "A"}] * 50),
            {"PAIRING_RULES_MAX_BYTES": "100"},
            "文件过大",
        ),
        ("empty.csv", "", {}, "文件为空"),
        ("quote.csv", 'community_id,kind\nA,"x\nB,y\n', {}, "第 2 行"),
        ("dup.json", '[{"community_id": "A", "community_id": "B"}]', {}, "出现了不止一次"),
    ],
)
def test_read_table_is_bounded(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: str,
    env: dict[str, str],
    zh: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / name)
    assert zh in info.value.render("zh")


def test_read_table_refuses_a_fifo(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "log.csv")
    with pytest.raises(InputError) as info:
        read_table(tmp_path / "log.csv")
    assert "not a regular file" in info.value.render("en")


def test_aggregate_reads_an_excel_for_mac_log(tmp_path: Path) -> None:
    log = "community_id,date,kind,subject\r" + "\r".join(
        f"A,2022-03-{d:02d},同步课堂,语文" for d in range(1, 11)
    )
    (tmp_path / "log.csv").write_text(log, encoding="utf-8")
    pl.DataFrame({"id": ["A"], "type": ["融合型"], "scope": ["县域内"]}).write_parquet(
        tmp_path / "c.parquet"
    )
    result = run(
        "aggregate",
        str(tmp_path / "log.csv"),
        "--communities",
        str(tmp_path / "c.parquet"),
        "--year",
        "2022",
        "--out",
        str(tmp_path / "out.json"),
        "--format",
        "json",
    )
    assert result.code == 0, result.err
    assert result.json["log_rows"] == 10  # CR line endings: every row counted, none lost


# ---------------------------------------------------------------------------- zip bomb


def test_a_zip_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """1 MB that inflates to 1 GiB: refused from its directory, and one whose directory
    lies about the sizes is refused as soon as a member yields more than it declared; the
    process's peak memory stays under 300 MB (measured by the process itself)."""
    good = h.write_xlsx(tmp_path / "g.xlsx", h.rows(2))
    import zipfile

    with zipfile.ZipFile(good) as src:
        members: dict[str, bytes | tuple[bytes, int]] = {
            i.filename: src.read(i.filename) for i in src.infolist()
        }
    honest = tmp_path / "bomb.xlsx"
    honest.write_bytes(h.raw_zip({**members, "xl/media/x.bin": h.zeros(1024)}))
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(
        h.raw_zip({**members, "xl/media/x.bin": h.zeros(1024)}, declared={"xl/media/x.bin": 10})
    )
    assert honest.stat().st_size < 1_200_000
    script = textwrap.dedent(
        """
        import sys
        from pairing_rules.cli import main
        code = main(["score", "cangnan2022", sys.argv[1]])
        status = open("/proc/self/status").read()  # VmHWM: this process's own peak
        print(code, status.split("VmHWM:")[1].split()[0])
        """
    )
    for path, zh in ((honest, "解压后的内容过大"), (liar, "工作簿已损坏")):
        proc = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        code, peak_kib = proc.stdout.split()
        assert code == "2" and zh in proc.stderr and "Traceback" not in proc.stderr
        assert int(peak_kib) < 300 * 1024


def test_bombs_and_far_cells_are_refused_within_a_bounded_address_space(tmp_path: Path) -> None:
    """In a process that may not map more than 1 GiB (``RLIMIT_AS``), the zip bombs and the
    workbooks with one value at XFD1048576 or AMJ1048576 are refused with their message:
    none of them is inflated or laid out in memory (which would end in ``MemoryError``)."""
    good = h.write_xlsx(tmp_path / "g.xlsx", h.rows(2))
    import zipfile

    with zipfile.ZipFile(good) as src:
        members: dict[str, bytes | tuple[bytes, int]] = {
            i.filename: src.read(i.filename) for i in src.infolist()
        }
    files = {
        "bomb.xlsx": "解压后的内容过大",
        "liar.xlsx": "工作簿已损坏",
        "far-XFD1048576.xlsx": "使用范围延伸到第 1048576 行",
        "far-AMJ1048576.xlsx": "使用范围延伸到第 1048576 行",
    }
    (tmp_path / "bomb.xlsx").write_bytes(h.raw_zip({**members, "xl/media/x.bin": h.zeros(1024)}))
    (tmp_path / "liar.xlsx").write_bytes(
        h.raw_zip({**members, "xl/media/x.bin": h.zeros(1024)}, declared={"xl/media/x.bin": 10})
    )
    for ref in ("XFD1048576", "AMJ1048576"):
        h.patch_zip(good, tmp_path / f"far-{ref}.xlsx", h.SHEET1, lambda x, r=ref: h.add_cell(x, r))
    script = textwrap.dedent(
        """
        import contextlib, io, json, resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pairing_rules.cli import main
        out = {}
        for path in sys.argv[1:]:
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                out[path] = [main(["score", "cangnan2022", path]), err.getvalue()]
        print(json.dumps(out, ensure_ascii=False))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *(str(tmp_path / name) for name in files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    for name, words in files.items():
        code, err = results[str(tmp_path / name)]
        assert code == 2 and words in err and err.count("\n") == 1, (name, err)
        assert "MemoryError" not in err


# ------------------------------------------------------------------------ the sheet scan


def _sheet(cells: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f"{cells}</sheetData></worksheet>"
    ).encode()


@pytest.mark.parametrize(
    "cells",
    [
        # the usual form, read in one match
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" s="1"><v>0.5</v></c></row>'
        '<row r="2"><c r="B2" t="e"><v>#DIV/0!</v></c><c r="D2"><f>1+1</f></c></row>',
        # attributes in another order, a prefix, spaces: the general path
        '<row r="1"><c t="s" r="A1"><v>0</v></c><c s="1"  r="C1" ><v>0.5</v></c></row>'
        '<row r="2"><x:c xmlns:x="urn:x" t="e" r="B2"><x:v>#DIV/0!</x:v></x:c><c r="D2"><f>1+1</f><v/></c></row>',
        # no references at all: positions follow the rows and columns
        '<row><c t="s"><v>0</v></c><c/><c s="1"><v>0.5</v></c></row>'
        '<row><c/><c t="e"><v>#DIV/0!</v></c><c/><c><f>1+1</f></c></row>',
    ],
)
def test_every_way_of_writing_a_cell_scans_the_same(cells: str) -> None:
    from pairing_rules.io._sheetscan import scan_xlsx_sheet

    scan = scan_xlsx_sheet(_sheet(cells), Location("s.xlsx"), frozenset({1}), 100)
    assert (scan.rows, scan.columns) == (2, 4)  # A1..D2
    assert scan.errors == {(1, 1): "#DIV/0!"}
    assert scan.formulas == {(1, 3)}
    assert scan.percent == {(0, 2)}


@pytest.mark.parametrize(
    "cells",
    [
        '<row r="1"><c r="A1"><v>1</v></row>',  # a cell never closed
        '<row r="1"><c r="A1"><v>1</v><c r="XFD1048576"><v>1</v></c></c></row>',  # one inside another
        '<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>',  # a reference given twice
        '<row r="1"><c r="AAAA1"><v>1</v></c></row>',  # beyond a sheet's columns
        '<row r="x"><c><v>1</v></c></row>',
    ],
)
def test_a_cell_the_scan_cannot_account_for_refuses_the_sheet(cells: str) -> None:
    from pairing_rules.io._sheetscan import scan_xlsx_sheet

    with pytest.raises(InputError) as info:
        scan_xlsx_sheet(_sheet(cells), Location("s.xlsx"), frozenset(), 100)
    assert "工作簿已损坏" in info.value.render("zh")
