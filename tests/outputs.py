"""Every file the command line writes, made from small inputs: the table the tests of
outputs (atomic, never destructive, reproducible, safe) run through."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pairing_rules.cli import main

from . import hostile as h

DEMO = Path(__file__).parent / "demo"
AS_OF = "2022-06-30"


@dataclass
class Ran:
    code: int
    out: str
    err: str


def cli(*args: str) -> Ran:
    """The command run in this process, its standard output and error captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return Ran(code, out.getvalue(), err.getvalue())


def make_inputs(folder: Path) -> dict[str, Path]:
    """The files the writers read: records, an activity log and its communities, a pack
    folder (a copy of the demo pack) and a document's text."""
    folder.mkdir(parents=True, exist_ok=True)
    records = h.write_json(folder / "records.json", [h.row("A"), h.row("B", sync_lessons=3)])
    log = folder / "log.csv"
    log.write_text(
        "community_id,date,kind,subject\n"
        + "".join(f"{c},2022-03-{d:02d},同步课堂,语文\n" for c in "AB" for d in (1, 2)),
        encoding="utf-8",
    )
    communities = folder / "communities.csv"
    communities.write_text("id,type,scope\nA,融合型,县域内\nB,共建型,县域内\n", encoding="utf-8")
    pack = folder / "demo"
    if not pack.exists():
        shutil.copytree(DEMO, pack)
    source = folder / "source.txt"
    source.write_text("示例县教育共同体考核办法\n一、每年不少于 20 节。\n", encoding="utf-8")
    return {
        "records": records,
        "log": log,
        "communities": communities,
        "pack": pack / "pack.yaml",
        "source": source,
    }


@dataclass(frozen=True)
class Write:
    """One command writing one file (or, for ``new-pack``, one folder).

    :param name: what it is, for test ids.
    :param file: the name of the file it writes.
    :param args: the command line, given the inputs and the path to write.
    :param force: whether it takes ``--force``.
    """

    name: str
    file: str
    args: Callable[[dict[str, Path], Path], list[str]]
    force: bool = False

    def command(self, inputs: dict[str, Path], out: Path, *, force: bool = False) -> list[str]:
        return [*self.args(inputs, out), *(["--force"] if force and self.force else [])]


def _score(i: dict[str, Path], o: Path) -> list[str]:
    return ["score", "cangnan2022", str(i["records"]), "--out", str(o), "--as-of", AS_OF]


def _check(i: dict[str, Path], o: Path) -> list[str]:
    return ["check", "cangnan2022", str(i["records"]), "--out", str(o), "--as-of", AS_OF]


def _aggregate(i: dict[str, Path], o: Path) -> list[str]:
    return ["aggregate", str(i["log"]), "--communities", str(i["communities"]), "--out", str(o)]


def _coverage(i: dict[str, Path], o: Path) -> list[str]:
    return ["coverage", str(i["pack"]), "--out", str(o)]


def _new_pack(i: dict[str, Path], o: Path) -> list[str]:
    return [
        "new-pack",
        o.name,
        "--title",
        "示例",
        "--source",
        str(i["source"]),
        "--dir",
        str(o.parent),
    ]


WRITES: tuple[Write, ...] = (
    Write("score .xlsx", "report.xlsx", _score, force=True),
    Write("score .html", "report.html", _score, force=True),
    Write("score .json", "report.json", _score, force=True),
    Write("check .xlsx", "check.xlsx", _check, force=True),
    Write("check .html", "check.html", _check, force=True),
    Write("check .json", "check.json", _check, force=True),
    Write(
        "template", "template.xlsx", lambda i, o: ["template", "cangnan2022", "--out", str(o)], True
    ),
    Write("aggregate .parquet", "records.parquet", _aggregate),
    Write("aggregate .json", "records-out.json", _aggregate),
    Write("coverage .html", "coverage.html", _coverage),
    Write("coverage .json", "coverage.json", _coverage),
    Write("coverage .txt", "coverage.txt", _coverage),
    Write("schema .json", "pack.schema.json", lambda i, o: ["schema", "pack", "--out", str(o)]),
)
#: the writer of a folder
NEW_PACK: Write = Write("new-pack", "demo2099", _new_pack)


def listing(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder``, files with their bytes."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
