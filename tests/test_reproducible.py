"""The same input, pack and ``--as-of`` give the same bytes, in every output format,
whatever the hash seed, the time zone and the locale; the clock is read in one place.

Three processes, each with its own ``PYTHONHASHSEED``, ``TZ`` and ``LC_ALL``,
run every writer of the command line (and the text and JSON it prints) on the
same inputs, from folders of their own with the same relative names; every
file and every standard output must be byte for byte the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pairing_rules import _clock

from . import hostile as h
from .outputs import AS_OF, WRITES, cli, make_inputs

#: AS_OF as a Chinese report writes it
AS_ZH = "{}年{}月{}日".format(*(int(part) for part in AS_OF.split("-")))

REPO = Path(__file__).parents[1]
EXAMPLES = REPO / "packs"

_DRIVER = """
import contextlib, io, json, sys
from pairing_rules.cli import main
for n, args in enumerate(json.loads(sys.argv[1])):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    with open(f"stdout-{n}.txt", "w", encoding="utf-8") as f:
        f.write(f"{code}\\n{out.getvalue()}\\n{err.getvalue()}")
"""

VARIANTS = (
    {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C"},
    {"PYTHONHASHSEED": "12345", "TZ": "Asia/Shanghai", "LC_ALL": "C.UTF-8"},
    {"PYTHONHASHSEED": "987654321", "TZ": "America/Los_Angeles", "LC_ALL": "C.UTF-8"},
)


def _commands(inputs: dict[str, Path]) -> list[list[str]]:
    """Every writer (files named relative to the working folder), then what is printed."""
    commands = [w.command(inputs, Path(w.file)) for w in WRITES]
    records = str(inputs["records"])
    for pack, example, suffixes in (  # groups by city and county, progress, milestones
        ("zhejiang2019", "zhejiang2019/examples/pairs-2019.json", (".xlsx", ".json")),
        ("hunan2016", "hunan2016/examples/regions-pairs.json", (".html",)),
        ("zhejiang2021", "zhejiang2021/examples/communities-2021.json", (".xlsx",)),
    ):
        for suffix in suffixes:
            commands.append(
                ["check", pack, str(EXAMPLES / example), "--as-of", AS_OF, "--out", pack + suffix]
            )
    return [
        *commands,
        ["score", "cangnan2022", records, "--format", "json"],
        ["score", "cangnan2022", records],
        ["check", "cangnan2022", records, "--as-of", AS_OF, "--format", "json"],
        ["check", "cangnan2022", records, "--as-of", AS_OF],
        ["quota", "zhejiang2021", "--audit", "--format", "json"],
        ["audit", "zhejiang2019"],
        ["show", "hunan2016", "--format", "json"],
    ]


def test_every_output_is_the_same_bytes_in_every_environment(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    records = [
        *[
            {**r, "members": ["乙校", "甲校", "丙校"], "note": "备注"}
            for r in json.loads(
                (EXAMPLES / "cangnan2022/examples/communities-2022.json").read_text("utf-8")
            )["communities"][:12]
        ],
        h.row("BAD-1", sync_lessons=-1, satisfaction=150),
        h.row("BAD-2", type="合作型", year="二〇二二"),
    ]
    h.write_json(inputs["records"], records)
    commands = _commands(inputs)
    runs = []
    for n, variant in enumerate(VARIANTS):  # the three at once
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        runs.append(
            (
                folder,
                subprocess.Popen(
                    [sys.executable, "-c", _DRIVER, json.dumps(commands)],
                    cwd=folder,
                    env={**os.environ, **variant, "LANG": variant["LC_ALL"]},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    made: list[dict[str, bytes]] = []
    for folder, proc in runs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        made.append({p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    names = sorted(made[0])
    assert len(names) == len(commands) + len(WRITES) + 4  # a file per writer and output
    for output in made[1:]:
        assert sorted(output) == names
        for name in names:
            assert output[name] == made[0][name], name
    for n in range(len(commands)):
        assert "Traceback" not in made[0][f"stdout-{n}.txt"].decode("utf-8")


# ----------------------------------------------------------------------------- the clock


_CLOCK = re.compile(
    r"date\.today\(|datetime\.now\(|datetime\.today\(|\.utcnow\(|time\.localtime|time\.time\("
    r"|time\.ctime|time\.gmtime|strftime\(|\.now\(\)"
)


def test_the_clock_is_read_only_in_one_place() -> None:
    sources = [*(REPO / "src").rglob("*.py"), *(REPO / "packs").glob("*/src/**/*.py")]
    readers = sorted(
        str(path.relative_to(REPO))
        for path in sources
        if _CLOCK.search(path.read_text(encoding="utf-8"))
    )
    assert readers == ["src/pairing_rules/_clock.py"]


@pytest.fixture
def new_year_in_shanghai(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock at 2024-12-31 20:00 UTC: already 2025-01-01 in Shanghai."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setattr(_clock, "_now", lambda: dt.datetime(2024, 12, 31, 20, 0, tzinfo=dt.UTC))


def _about(path: Path) -> dict[str, str]:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    return {str(r[0]): str(r[1]) for r in sheet.iter_rows(values_only=True) if r and r[0]}


@pytest.mark.usefixtures("new_year_in_shanghai")
def test_a_report_without_as_of_uses_and_states_the_utc_date(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    records = str(inputs["records"])
    for command, key in (("score", "报告日期"), ("check", "报告日期")):
        out = tmp_path / f"{command}.xlsx"
        assert cli(command, "cangnan2022", records, "--out", str(out)).code in (0, 2)
        assert (
            _about(out)[key] == "2024年12月31日（未指定 --as-of，取运行当日（协调世界时）的日期）"
        )
        out = tmp_path / f"{command}-en.xlsx"
        assert cli(command, "cangnan2022", records, "--out", str(out), "--lang", "en").code in (
            0,
            2,
        )
        key_en = "report date"
        assert _about(out)[key_en] == "2024-12-31 (no --as-of: the UTC date of the run)"
        out = tmp_path / f"{command}.xlsx"
        assert cli(command, "cangnan2022", records, "--out", str(out), "--as-of", AS_OF).code in (
            0,
            2,
        )
        assert _about(out)[key] == f"{AS_ZH}（按 --as-of 指定）"
    page = tmp_path / "check.html"
    assert cli("check", "cangnan2022", records, "--out", str(page)).code in (0, 2)
    assert "2024年12月31日（未指定 --as-of，取运行当日（协调世界时）的日期）" in page.read_text(
        "utf-8"
    )
    data = cli("check", "cangnan2022", records, "--format", "json")
    assert json.loads(data.out)["as_of"] == "2024-12-31"
    text = cli("check", "cangnan2022", records)
    assert "报告日期：2024年12月31日（未指定 --as-of，取运行当日（协调世界时）的日期）" in text.out
    text = cli("check", "cangnan2022", records, "--as-of", AS_OF, "--lang", "en")
    assert f"Report date: {AS_OF} (given with --as-of)" in text.out
