"""A large input read in a second process gives what reading it here gives.

The checks that fork run in a fresh interpreter: this test process runs other
threads (Polars' pool among them), where a fork is not safe and is not made.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pairing_rules import get_pack
from pairing_rules.io import open_records
from pairing_rules.io._read_ahead import AHEAD_BYTES, fork_is_safe, read_ahead, wanted

PACKS = Path(__file__).parent.parent / "packs"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a reading process is forked on Linux only"
)

#: run in a fresh interpreter: each input read here and read ahead, compared entry by entry
COMPARE = r"""
import json, sys
from pairing_rules import get_pack
from pairing_rules.io import open_records
from pairing_rules.io._read_ahead import AHEAD_BYTES, _AheadStream, read_ahead

def read(pack, path, ahead):
    stream = open_records(path, pack.record_types, pack.collections())
    if ahead:
        stream = read_ahead(stream, pack.record_types, size=AHEAD_BYTES)
        assert isinstance(stream, _AheadStream), "no reading process was started"
    with stream:
        entries = list(stream)
    return entries, stream.rejected, stream.notices

counts = {}
for pack_id, path in json.loads(sys.argv[1]):
    pack = get_pack(pack_id)
    here, rejected, notices = read(pack, path, False)
    there, rejected2, notices2 = read(pack, path, True)
    assert there == here, path
    for a, b in zip(here, there):
        assert type(a.record) is type(b.record), path
        assert a.record.__pydantic_fields_set__ == b.record.__pydantic_fields_set__, path
        assert a.record.model_dump_json() == b.record.model_dump_json(), path
    assert [r.model_dump() for r in rejected2] == [r.model_dump() for r in rejected], path
    assert notices2 == notices, path
    counts[path] = [len(here), len(rejected), len(notices)]
print(json.dumps(counts))
"""

#: run in a fresh interpreter: a reading that ends with an error, or dies, or gives what cannot be
#: sent, read ahead
FAILING = r"""
import os, sys
from pairing_rules import get_pack
from pairing_rules._i18n import Text
from pairing_rules.io import InputError, open_records
from pairing_rules.io._read_ahead import AHEAD_BYTES, read_ahead
from pairing_rules.io._readers import RecordStream

pack = get_pack("cangnan2022")
with open_records(sys.argv[1], pack.record_types, pack.collections()) as stream:
    entries = list(stream)

def failing(ending):
    def part(rejected, notices):
        yield from entries[:3]
        rejected.append("a rejection")
        ending()
    return RecordStream([part])

def input_error():
    raise InputError(Text(zh="第 5 行后文件损坏", en="damaged after row 5"), code="damaged_file")

class Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("not picklable")

def unpicklable():
    raise Unpicklable("inner problem")

class Unsendable:  # no record type of the pack, holding what cannot be pickled
    lock = None

def unsendable(rejected, notices):
    yield from entries[:3]
    record = Unsendable()
    record.lock = __import__("threading").Lock()
    yield entries[3]._replace(record=record)

stream = read_ahead(RecordStream([unsendable]), pack.record_types, size=AHEAD_BYTES)
try:
    list(stream)
except TypeError as exc:
    assert "lock" in str(exc), exc
else:
    raise AssertionError("a record that cannot be sent was sent")

def many(rejected, notices):
    for _ in range(2_000):
        yield from entries

stream = read_ahead(RecordStream([many]), pack.record_types, size=AHEAD_BYTES)
reading = iter(stream)
assert [next(reading) for _ in range(2)] == entries[:2]
stream.close()  # stopped early: the reading process is stopped, without a word
assert not stream._process.is_alive()

for name, ending in (("input", input_error), ("unpicklable", unpicklable),
                     ("dies", lambda: os._exit(3))):
    stream = read_ahead(failing(ending), pack.record_types, size=AHEAD_BYTES)
    got = []
    try:
        for entry in stream:
            got.append(entry)
    except Exception as exc:
        error = exc
    else:
        raise AssertionError("no error")
    # a reading that dies takes the batch it had not sent yet with it; the others send theirs
    assert got == (entries[:3] if name != "dies" else []), name
    if name == "input":
        assert type(error) is InputError and error.code == "damaged_file", error
        assert error.text.en == "damaged after row 5"
        assert stream.rejected == ["a rejection"]
    elif name == "unpicklable":
        assert type(error) is RuntimeError and "Unpicklable: inner problem" in str(error), error
    else:
        assert type(error) is RuntimeError and "(3)" in str(error), error
print("ok")
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # nothing from a reading process either
    return done.stdout.strip().splitlines()[-1]


def _problem_csv(path: Path) -> Path:
    """cangnan2022's example communities as CSV, with rows a county's file may have: a count
    that is no number, a spreadsheet error value, an empty row, an id given twice, and a
    column no field has."""
    data = json.loads((PACKS / "cangnan2022/examples/communities-2022.json").read_text("utf-8"))
    rows = data["communities"][:6]
    fields = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*fields, "备注"])
        for n, row in enumerate(rows):
            cells = ["、".join(v) if isinstance(v, list) else v for v in map(row.get, fields)]
            writer.writerow([*("" if c is None else c for c in cells), f"note {n}"])
        writer.writerow(["CN-90", *["" for _ in fields[1:]], ""][: len(fields) + 1])
        bad = dict(rows[0], id="CN-91", sync_lessons="三十")
        writer.writerow([*(bad.get(f, "") for f in fields), ""])
        error = dict(rows[1], id="CN-92", satisfaction="#DIV/0!")
        writer.writerow([*(error.get(f, "") for f in fields), ""])
        writer.writerow(["" for _ in range(len(fields) + 1)])
        writer.writerow([*(rows[2].get(f, "") for f in fields), "the id again"])
    return path


def test_records_read_ahead_are_those_read_here(tmp_path: Path) -> None:
    inputs = [
        ("cangnan2022", str(PACKS / "cangnan2022/examples/communities-2022.xlsx")),
        ("cangnan2022", str(_problem_csv(tmp_path / "problems.csv"))),
        ("zhejiang2019", str(PACKS / "zhejiang2019/examples/pairs-2019.json")),
        ("zhejiang2021", str(PACKS / "zhejiang2021/examples/communities-2021.json")),
        ("shandong2016", str(PACKS / "shandong2016/examples/pairs-2016.json")),
        ("hunan2016", str(PACKS / "hunan2016/examples/regions-pairs.json")),
    ]
    counts = json.loads(_run(COMPARE, json.dumps(inputs)))
    # the problem file: its 6 communities are read; CN-90 (no type, scope …), CN-91 (三十 is
    # no count), CN-92 (#DIV/0!) and the repeated id are rejected; the empty row and the
    # column 备注 each give a notice
    assert counts[inputs[1][1]][:2] == [6, 4]
    assert counts[inputs[1][1]][2] >= 2
    assert all(read > 0 for read, _rejected, _notices in counts.values())


def test_an_error_that_ends_the_reading_comes_after_the_records_before_it() -> None:
    """Also: a child that dies, and a batch that cannot be sent, are errors, never a short
    result; a reading stopped early stops its process."""
    example = PACKS / "cangnan2022/examples/communities-2022.json"
    assert _run(FAILING, str(example)) == "ok"


def test_the_input_is_read_here_when_small_or_asked_or_when_a_thread_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pack = get_pack("cangnan2022")
    example = PACKS / "cangnan2022/examples/communities-2022.json"
    stream = open_records(example, pack.record_types, pack.collections())
    with stream:
        assert read_ahead(stream, pack.record_types, size=AHEAD_BYTES - 1) is stream
    assert wanted()
    monkeypatch.setenv("PAIRING_RULES_READ_AHEAD", "0")
    assert not wanted()
    stream = open_records(example, pack.record_types, pack.collections())
    with stream:
        assert read_ahead(stream, pack.record_types, size=AHEAD_BYTES) is stream
    monkeypatch.delenv("PAIRING_RULES_READ_AHEAD")
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not fork_is_safe()
        stream = open_records(example, pack.record_types, pack.collections())
        with stream:
            assert read_ahead(stream, pack.record_types, size=AHEAD_BYTES) is stream
    finally:
        release.set()
        other.join()


def test_the_command_line_reads_a_large_csv_ahead_with_the_same_report(tmp_path: Path) -> None:
    """A CSV over the size limit, scored by the command line (which reads it ahead) and by the
    command line with another thread running (which reads it in its one process): the same
    JSON report."""
    source = _problem_csv(tmp_path / "small.csv").read_text("utf-8").splitlines()
    header, body = source[0], source[1:]
    large = tmp_path / "large.csv"
    lines = [header]
    n = 0
    while sum(map(len, lines)) < AHEAD_BYTES:
        lines.extend(line.replace("CN-", f"R{n}-", 1) for line in body)
        n += 1
    large.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert large.stat().st_size >= AHEAD_BYTES
    ahead, here = tmp_path / "ahead.json", tmp_path / "here.json"
    command = ["score", "cangnan2022", str(large), "--out"]
    ran = subprocess.run(
        [sys.executable, "-m", "pairing_rules", *command, str(ahead)],
        capture_output=True,
        check=False,
    )
    assert ran.returncode == 2, ran.stderr.decode()  # rows rejected: a user's mistakes
    ran = subprocess.run(
        [sys.executable, "-c", WITH_A_THREAD, *command, str(here)],
        capture_output=True,
        check=False,
    )
    assert ran.returncode == 2, ran.stderr.decode()
    assert ahead.read_bytes() == here.read_bytes()
    report = json.loads(ahead.read_bytes())
    assert len(report["results"]) == 6 * n and len(report["rejected"]) == 4 * n


#: the command line with another thread running: no reading process is started
WITH_A_THREAD = """
import sys, threading
threading.Thread(target=threading.Event().wait, daemon=True).start()
from pairing_rules.io import _read_ahead
assert not _read_ahead.fork_is_safe()
from pairing_rules.cli import main
sys.argv[0] = "pairing-rules"
sys.exit(main())
"""
