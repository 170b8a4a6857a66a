"""Hostile values in every field that reaches an output, through every report writer.

Every string of :data:`hostile.HOSTILE` (formula starts, ``=HYPERLINK``, DDE,
NUL, ESC and other C0/C1 controls, bidi overrides, markup, quotes, a lone
surrogate, 40,000 characters) is placed in every text field of a record (id,
schools, city, county, note), as a community type and as a count (rejected
rows), as an unknown column's name, as an ignored sheet's name, as a file name,
and as a pack's title, labels, sections and quote.  The files (JSON, CSV,
XLSX) go through ``score`` and ``check`` to ``.xlsx``, ``.html`` and ``.json``
and to the terminal (text and JSON), ``aggregate`` to ``.json`` and
``.parquet``, and the hostile pack through ``template``, ``score``, ``show``
and ``audit``; a pack that claims an installed pack's id is run as well.

Each group of commands runs in a process of its own with a timeout (a hang is
counted, not waited for).  Every output is then examined: no formula cell in a
workbook, no element or attribute injected into a page, no control sequence on
a terminal, every input row in the results or in the rejected list (and every
rejected row named by file, sheet, row and column in both languages), no input
file changed, no pack hijacked.  The last assertion states the totals.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Final

import openpyxl
import polars as pl

from . import hostile as h
from .outputs import listing

AS_OF = "2022-06-30"

#: runs a list of command lines in this process; registers the pack files given first
_DRIVER = """
import contextlib, io, json, sys, traceback
from pathlib import Path
from pairing_rules import Registry, hookimpl, load_pack
from pairing_rules._registry import use_registry
spec = json.loads(Path(sys.argv[1]).read_text("utf-8"))
if spec["packs"]:
    class Extra:
        @hookimpl
        def pairing_rules_packs(self):
            return [load_pack(p) for p in spec["packs"]]
    use_registry(Registry([Extra()]))
from pairing_rules.cli import main
results = []
for args in spec["jobs"]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
        crash = None
    except BaseException:
        code, crash = None, traceback.format_exc()
    results.append([code, out.getvalue(), err.getvalue(), crash])
Path(spec["results"]).write_text(json.dumps(results), "utf-8")
"""

#: what no terminal may receive from an input: C0 but tab and line feed, DEL, C1, bidi
#: controls, lone surrogates
TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass
class Tally:
    """What the corpus found; every count but the first two must be 0."""

    inputs: int = 0
    runs: int = 0
    tracebacks: int = 0
    crashes: int = 0
    hangs: int = 0
    silent_losses: int = 0
    formula_cells: int = 0
    html_injections: int = 0
    terminal_controls: int = 0
    unnamed_rejections: int = 0
    destroyed_files: int = 0
    hijacks: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, counter: str, what: str) -> None:
        setattr(self, counter, getattr(self, counter) + 1)
        self.problems.append(f"{counter}: {what}"[:500])

    def totals(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if k != "problems"}


@dataclass
class Job:
    args: list[str]
    #: the exit codes that are right
    codes: tuple[int, ...] = (0, 2)
    #: the input file whose rows the output must account for
    source: str | None = None
    result: Any = None


# ------------------------------------------------------------------------ the examiners


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def examine_page(path: Path, allowed: set[str], texts: list[str], tally: Tally) -> None:
    """No element or attribute the report's template does not make; the hostile texts
    shown as text."""
    page = _page(path)
    for tag in page.tags:
        if tag not in allowed:
            tally.fail("html_injections", f"{path.name}: element <{tag}>")
    for tag, name, value in page.attributes:
        if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
            tally.fail("html_injections", f"{path.name}: <{tag} {name}={value!r}>")
    shown = "".join(page.text)
    for text in texts:
        if text not in shown:
            tally.fail("silent_losses", f"{path.name}: {text[:40]!r} not shown")


def examine_workbook(path: Path, tally: Tally) -> list[list[Any]]:
    """No formula anywhere (neither the XML's ``<f>`` nor a cell openpyxl takes for one);
    the rows of every sheet."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(
                rb"<(\w+:)?f[ >]", archive.read(name)
            ):
                tally.fail("formula_cells", f"{path.name}: {name} holds a formula")
    book = openpyxl.load_workbook(path)
    rows = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    tally.fail("formula_cells", f"{path.name}: {sheet.title}!{cell.coordinate}")
            rows.append([c.value for c in row])
    return rows


def examine_terminal(job: Job, out: str, err: str, tally: Tally) -> None:
    """Nothing a terminal would act on, in text or JSON; no traceback."""
    for stream, text in (("stdout", out), ("stderr", err)):
        found = TERMINAL.search(text)
        if found:
            tally.fail("terminal_controls", f"{job.args[:2]} {stream}: {found.group()!r}")
        if "Traceback" in text:
            tally.fail("tracebacks", f"{job.args} {stream}")


# ------------------------------------------------------------------------- the inputs


def _write_csv(path: Path, records: list[dict[str, Any]], extra: list[str]) -> Path:
    keys = [*h.HOSTILE_KEYS, *extra]
    lines = h.csv_text(records, keys=keys)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _first_lines(records: list[dict[str, Any]]) -> list[int]:
    """The line of a CSV file each record starts on (a quoted cell may hold line breaks)."""
    out, line = [], 2
    for text in h.csv_text(records, keys=h.HOSTILE_KEYS)[1:]:
        out.append(line)
        line += 1 + len(re.findall(r"\r\n|\r|\n", text))
    return out


def _write_xlsx(path: Path, records: list[dict[str, Any]], sheets: list[str]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "教共体"
    ws.append(list(h.HOSTILE_KEYS))
    for record in records:
        ws.append([record.get(k) for k in h.HOSTILE_KEYS])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a text typed as '=1+1, not a formula
    for name in sheets:
        book.create_sheet(name)["A1"] = "数据"
    book.save(path)
    return path


def _sheet_names() -> list[str]:
    """The hostile strings a sheet can be named (31 characters, none of []:*?/\\)."""
    names = []
    for text in h.HOSTILE.values():
        name = re.sub(r"[\[\]:*?/\\]", "", text)[:31].strip("'")
        if name and h.in_xml(name) and name not in names and name.lower() != "history":
            names.append(name)
    return names


def _file_names() -> list[str]:
    """The hostile strings a file can be named (no slash, no NUL, not too long)."""
    names = []
    for text in h.HOSTILE.values():
        name = text.replace("/", "／").replace("\x00", "")
        if 0 < len(name.encode("utf-8", "surrogatepass")) < 200 and "\ud800" not in name:
            names.append(name)
    return names


# ---------------------------------------------------------------------------- the test


def _launch(folder: Path, jobs: list[Job], packs: list[Path]) -> tuple[Any, Path]:
    spec = folder / "spec.json"
    results = folder / "results.json"
    spec.write_text(
        json.dumps(
            {
                "jobs": [j.args for j in jobs],
                "packs": [str(p) for p in packs],
                "results": str(results),
            }
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", _DRIVER, str(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, results


@dataclass
class Corpus:
    """The hostile inputs, and the groups of command lines to run on them."""

    inputs: Path
    outs: Path
    #: by kind (json, csv, xlsx): the file and the rows it holds
    files: dict[str, tuple[Path, list[dict[str, Any]]]] = field(default_factory=dict)
    groups: dict[str, list[Job]] = field(default_factory=dict)
    #: the pack files each group's process registers
    packs: dict[str, list[Path]] = field(default_factory=dict)
    #: the community ids of the aggregated log
    ids: list[str] = field(default_factory=list)


def _records_files(corpus: Corpus, tally: Tally) -> None:
    """One file per format, every string in every field; unknown columns and sheets named so;
    each through score and check to every format and the terminal."""
    inputs, strings = corpus.inputs, h.HOSTILE
    columns = ["=1+1", "<b>列</b>", "\x1b[31m列", "@SUM(A1)"]
    sheets = _sheet_names()
    records, placed = h.hostile_rows(strings)
    csv_records, csv_placed = h.hostile_rows(
        {k: v for k, v in strings.items() if "\ud800" not in v}
    )
    xml_records, xml_placed = h.hostile_rows({k: v for k, v in strings.items() if h.in_xml(v)})
    # ASCII JSON: a lone surrogate can only be written as an escape
    text = json.dumps({"communities": records})
    corpus.files = {
        "json": (h.write_json(inputs / "hostile.json", [], text=text), records),
        "csv": (_write_csv(inputs / "=SUM(1,2).csv", csv_records, columns), csv_records),
        "xlsx": (_write_xlsx(inputs / "@SUM(A1).xlsx", xml_records, sheets), xml_records),
    }
    tally.inputs += placed + csv_placed + xml_placed + len(columns) + len(sheets)
    for kind, (path, _rows) in corpus.files.items():
        jobs = corpus.groups[kind] = []
        for command in ("score", "check"):
            base = [command, "cangnan2022", str(path)]
            for suffix in (".xlsx", ".html", ".json"):
                out = corpus.outs / f"{kind}-{command}{suffix}"
                jobs.append(Job([*base, "--as-of", AS_OF, "--out", str(out)]))
            for lang in ("zh", "en"):
                jobs.append(Job([*base, "--format", "json", "--lang", lang], source=kind))
            jobs.append(Job([*base, "--as-of", AS_OF]))


def _named_files(corpus: Corpus, tally: Tally) -> None:
    """Files named with the hostile strings: one good and one bad row each."""
    jobs = corpus.groups["names"] = []
    for n, name in enumerate(_file_names()):
        path = h.write_csv(
            corpus.inputs / f"{name}.csv", [h.row(f"N{n}"), h.row(f"M{n}", sync_lessons=-1)]
        )
        tally.inputs += 1
        for suffix, lang in ((".xlsx", "zh"), (".html", "en")):
            out = corpus.outs / f"name-{n}{suffix}"
            jobs.append(Job(["score", "cangnan2022", str(path), "--out", str(out), "--lang", lang]))


def _aggregated(corpus: Corpus, tally: Tally) -> None:
    """Hostile community ids in an activity log and its community table."""
    corpus.ids = [f"A{n}{t}" for n, t in enumerate(h.HOSTILE.values()) if "\ud800" not in t]
    cells = [h._csv_cell(i) for i in corpus.ids]
    log = corpus.inputs / "log.csv"
    log.write_text(
        "community_id,date,kind,subject\n"
        + "".join(f"{c},2022-03-01,同步课堂,语文\n" for c in cells),
        encoding="utf-8",
    )
    table = corpus.inputs / "communities.csv"
    table.write_text(
        "id,type,scope\n" + "".join(f"{c},融合型,县域内\n" for c in cells), encoding="utf-8"
    )
    tally.inputs += 2 * len(cells)
    corpus.groups["aggregate"] = [
        Job(
            [
                "aggregate",
                str(log),
                "--communities",
                str(table),
                "--out",
                str(corpus.outs / f"agg{s}"),
            ]
        )
        for s in (".json", ".parquet")
    ]


def _packs(corpus: Corpus, tally: Tally) -> None:
    """The hostile pack through every command that shows a pack, one claiming cangnan2022's
    id, and plain records (whose page shows which elements a report has)."""
    pack = h.hostile_pack(corpus.inputs / "hostile")
    tally.inputs += 7  # the pack's title, two labels in two languages, a section, a quote
    impostor = corpus.inputs / "impostor"
    impostor.mkdir()
    (impostor / "document.txt").write_text(
        (pack.parent / "document.txt").read_text("utf-8"), encoding="utf-8"
    )
    (impostor / "pack.yaml").write_text(
        pack.read_text("utf-8").replace("id: hostile\n", "id: cangnan2022\n", 1), encoding="utf-8"
    )
    tally.inputs += 1
    records = str(corpus.files["json"][0])
    outs = corpus.outs
    corpus.groups["pack"] = [
        Job(["template", "hostile", "--out", str(outs / "template.xlsx")]),
        *[
            Job(["score", "hostile", records, "--as-of", AS_OF, "--out", str(outs / f"pack{s}")])
            for s in (".xlsx", ".html", ".json")
        ],
        Job(["score", "hostile", records]),
        Job(["show", "hostile"]),
        Job(["audit", "hostile"]),
        Job(["check", "hostile", records, "--as-of", AS_OF]),
    ]
    corpus.packs = {"pack": [pack, impostor / "pack.yaml"]}
    corpus.groups["impostor"] = [Job(["score", "cangnan2022", records, "--format", "json"])]
    plain = h.write_json(corpus.inputs / "plain.json", h.hostile_rows({"plain": "普通学校"})[0])
    corpus.groups["benign"] = [
        Job(
            [
                c,
                "cangnan2022",
                str(plain),
                "--as-of",
                AS_OF,
                "--out",
                str(outs / f"benign-{c}.html"),
            ]
        )
        for c in ("score", "check")
    ]


#: the process a group runs in, when not its own (a process's start costs more than most runs)
_PROCESS: Final = {"aggregate": "csv", "benign": "names", "impostor": "pack"}


def _run(corpus: Corpus, tmp: Path, tally: Tally) -> None:
    """Every process at once, with a timeout."""
    batches: dict[str, list[Job]] = {}
    for name, jobs in corpus.groups.items():
        batches.setdefault(_PROCESS.get(name, name), []).extend(jobs)
    procs = {}
    for name, jobs in batches.items():
        folder = tmp / f"run-{name}"
        folder.mkdir()
        procs[name] = _launch(folder, jobs, corpus.packs.get(name, []))
    for name, (proc, results) in procs.items():
        try:
            _out, err = proc.communicate(timeout=240)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            tally.fail("hangs", name)
            continue
        if proc.returncode != 0 or not results.exists():
            tally.fail("crashes", f"{name}: {err[-300:]}")
            continue
        found = json.loads(results.read_text("utf-8"))
        for job, result in zip(batches[name], found, strict=True):
            job.result = result


def _examine_runs(corpus: Corpus, tally: Tally) -> None:
    """Exit codes, terminals, nothing lost and every rejected row named; no hijack."""
    for name, jobs in corpus.groups.items():
        for job in jobs:
            if job.result is None:
                continue
            tally.runs += 1
            code, out, err, crash = job.result
            if crash is not None:
                tally.fail("crashes", f"{job.args}: {crash[-300:]}")
                continue
            if code not in job.codes:
                tally.fail("crashes", f"{job.args}: exit {code}: {err[-300:]}")
            examine_terminal(job, out, err, tally)
            if name == "impostor":  # refused: two offer cangnan2022 and none was chosen
                if code != 2 or out or "由多个发行包提供" not in err:
                    tally.fail("hijacks", f"{code} {err[:300]}")
                continue
            if job.source is not None:
                _accounted(job, json.loads(out), corpus.files[job.source][1], tally)
                if job.source in ("csv", "xlsx"):
                    _named(job, corpus.files[job.source], err, tally)


def _examine_files(corpus: Corpus, tally: Tally) -> None:
    """No formula in any workbook, no injected element in any page, nothing lost."""
    allowed = _allowed_tags(corpus.outs)
    markup = [t for t in h.HOSTILE.values() if "<" in t]
    ids = {re.sub(r"\r\n?", "\n", i).strip() for i in corpus.ids}
    for path in sorted(corpus.outs.iterdir()):
        kind = path.name.split("-")[0]
        if path.suffix == ".xlsx":
            rows = examine_workbook(path, tally)
            if kind in corpus.files and "-score" in path.name:
                _ids_in_workbook(path, rows, _valid_ids(corpus.files[kind][1], kind), tally)
        elif path.suffix == ".html":
            shown = markup if kind in ("json", "csv") else []
            examine_page(path, allowed, shown, tally)
        elif path.name == "agg.json":
            got = {r["id"] for r in json.loads(path.read_text("utf-8"))["communities"]}
            if got != ids:
                tally.fail("silent_losses", f"aggregate: {len(got)} of {len(ids)} communities")
        elif path.name == "agg.parquet" and pl.read_parquet(path).height != len(ids):
            tally.fail("silent_losses", "aggregate .parquet lost communities")
    for kind, (_path, rows) in corpus.files.items():
        for command in ("score", "check"):
            out = json.loads((corpus.outs / f"{kind}-{command}.json").read_text("utf-8"))
            if {r["id"] for r in out["results"]} != _valid_ids(rows, kind):
                tally.fail("silent_losses", f"{kind}-{command}.json: not the valid rows' ids")


def test_hostile_values_in_every_field_through_every_writer(
    tmp_path: Path, record_property: Any
) -> None:
    tally = Tally()
    corpus = Corpus(tmp_path / "in", tmp_path / "out")
    corpus.inputs.mkdir()
    corpus.outs.mkdir()
    _records_files(corpus, tally)
    _named_files(corpus, tally)
    _aggregated(corpus, tally)
    _packs(corpus, tally)
    before = listing(corpus.inputs)
    _run(corpus, tmp_path, tally)
    _examine_runs(corpus, tally)
    _examine_files(corpus, tally)
    if listing(corpus.inputs) != before:
        tally.fail("destroyed_files", "an input changed")

    totals = tally.totals()
    record_property("totals", totals)
    print(totals)
    assert totals == {
        "inputs": totals["inputs"],
        "runs": sum(len(jobs) for jobs in corpus.groups.values()),
        "tracebacks": 0,
        "crashes": 0,
        "hangs": 0,
        "silent_losses": 0,
        "formula_cells": 0,
        "html_injections": 0,
        "terminal_controls": 0,
        "unnamed_rejections": 0,
        "destroyed_files": 0,
        "hijacks": 0,
    }, "\n".join(tally.problems[:40])
    assert totals["inputs"] >= 150


def _allowed_tags(outs: Path) -> set[str]:
    """The elements the report template makes, from reports of plain records."""
    tags: set[str] = set()
    for name in ("benign-score.html", "benign-check.html"):
        tags |= set(_page(outs / name).tags)
    assert {"html", "table", "td", "svg"} <= tags
    return tags


def _valid_ids(rows: list[dict[str, Any]], kind: str = "json") -> set[str]:
    """The ids of the rows that must be scored (a lone surrogate is no text: rejected), as
    a table reads them (any line break a line feed), and as a cell of openpyxl holds them
    (at most 32,767 characters)."""
    ids = {r["id"] for r in rows if r["id"].startswith("G") and "\ud800" not in r["id"]}
    if kind == "xlsx":
        ids = {i[:32_767] for i in ids}
    if kind != "json":
        ids = {re.sub(r"\r\n?", "\n", i) for i in ids}
    return {i.strip() for i in ids}


def _accounted(job: Job, data: dict[str, Any], rows: list[dict[str, Any]], tally: Tally) -> None:
    """Every row of the input is in the results or in the rejected list."""
    results = data["results"]
    scored = {r["id"] for r in results}
    rejected = data["rejected"]
    expected_valid = _valid_ids(rows, job.source or "json")
    if job.args[0] == "score" and scored != expected_valid:
        tally.fail(
            "silent_losses", f"{job.args[:3]}: scored {len(scored)} of {len(expected_valid)}"
        )
    if job.args[0] == "check" and {r["id"] for r in results} != expected_valid:
        tally.fail(
            "silent_losses", f"{job.args[:3]}: checked {len(results)} of {len(expected_valid)}"
        )
    if len(rejected) != len(rows) - len(expected_valid):
        tally.fail("silent_losses", f"{job.args[:3]}: rejected {len(rejected)}")


def _named(job: Job, file: tuple[Path, list[dict[str, Any]]], err: str, tally: Tally) -> None:
    """Every rejected row named by file, sheet, row and column, in the language asked."""
    path, rows = file
    lang = job.args[-1]
    sheet = "教共体" if path.suffix == ".xlsx" else None
    lines = [
        line
        for line in err.splitlines()
        if line.startswith(("pairing-rules: 未处理 ", "pairing-rules: rejected "))
    ]
    starts = _first_lines(rows) if path.suffix == ".csv" else [n + 2 for n in range(len(rows))]
    bad = [(starts[n], r) for n, r in enumerate(rows) if not r["id"].startswith("G")]
    if len(lines) != len(bad):
        tally.fail("unnamed_rejections", f"{job.args[:3]}: {len(lines)} lines for {len(bad)} rows")
        return
    from pairing_rules.cli._terminal import clean_line

    shown = clean_line(path.name)
    for line, (row, record) in zip(lines, bad, strict=True):
        column = h.letter("type") if record["id"].startswith("T") else h.letter("sync_lessons")
        if lang == "zh":
            place = f"{shown}「{sheet}」第 {row} 行" if sheet else f"{shown} 第 {row} 行"
            where = f"第 {column} 列"
        else:
            place = f"{shown}, sheet {sheet}, row {row}" if sheet else f"{shown}, row {row}"
            where = f"column {column}"
        if place not in line or where not in line:
            tally.fail("unnamed_rejections", f"{job.args[:3]} {lang}: {line[:200]}")


def _ids_in_workbook(path: Path, rows: list[list[Any]], valid: set[str], tally: Tally) -> None:
    from pairing_rules.io._xlsx_cells import cell_text

    cells = {str(v) for row in rows for v in row if v is not None}
    for rid in valid:
        if cell_text(rid) not in cells:
            tally.fail("silent_losses", f"{path.name}: {rid[:30]!r} not in the workbook")
