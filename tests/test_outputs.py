"""Every output is written whole or not at all, and never destroys an input.

Each writer of the command line (score, check, template, aggregate, coverage,
schema in every format they offer, and new-pack's folder) is run through the
real command with a failure injected while it writes: a full disk
(``OSError(ENOSPC)``), Ctrl-C (``KeyboardInterrupt``) and an unexpected error.
The file that was there before is left byte for byte, no temporary file and no
folder made for the output remains, and the command ends with one line and its
exit code.  Then the rules of where a command may write: never onto a file it
reads (the same path, another spelling, a symbolic or a hard link), never onto
a folder, a missing folder made, an existing file replaced only as documented.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from pairing_rules.io import _atomic

from .outputs import NEW_PACK, WRITES, Write, cli, listing, make_inputs


class Failing:
    """A file that fails once more than ``limit`` bytes have been written to it."""

    def __init__(self, raw: Any, fault: BaseException, limit: int) -> None:
        self.raw = raw
        self.fault = fault
        self.limit = limit
        self.written = 0

    def write(self, data: Any) -> int:
        self.written += len(data)
        if self.written > self.limit:
            raise self.fault
        return int(self.raw.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


FAULTS = {
    "disk full": (
        OSError(errno.ENOSPC, "No space left on device"),
        2,
        ("磁盘空间已满", "no space"),
    ),
    "Ctrl-C": (KeyboardInterrupt(), 130, ("已中断", "interrupted")),
    "writer error": (RuntimeError("boom"), 70, ("内部错误", "internal error")),
}


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder for this test (a workbook's sheets are kept there)."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _fail(monkeypatch: pytest.MonkeyPatch, fault: BaseException, limit: int = 40) -> None:
    monkeypatch.setattr(
        _atomic, "_open", lambda handle: Failing(os.fdopen(handle, "wb"), fault, limit)
    )


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_a_failure_while_writing_leaves_the_previous_file(
    write: Write, fault: str, tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = make_inputs(tmp_path / "in")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / write.file
    target.write_bytes(b"the previous file")
    before = listing(tmp_path / "in")
    error, code, (zh, en) = FAULTS[fault]
    _fail(monkeypatch, error)
    for lang, words in (("zh", zh), ("en", en)):
        ran = cli(*write.command(inputs, target, force=True), "--lang", lang)
        assert ran.code == code, ran.err
        assert words in ran.err and "Traceback" not in ran.err
        assert ran.err.count("\n") == 1, ran.err
    assert listing(folder) == {write.file: b"the previous file"}  # nothing else left
    assert listing(tmp_path / "in") == before
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failure_while_writing_a_new_pack_leaves_no_folder(
    fault: str, tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = make_inputs(tmp_path / "in")
    packs = tmp_path / "packs"
    error, code, _words = FAULTS[fault]
    _fail(monkeypatch, error, limit=0)
    ran = cli(*NEW_PACK.command(inputs, packs / "sub" / NEW_PACK.file))
    assert ran.code == code, ran.err
    assert not packs.exists()  # not even the folders made for it
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_a_missing_folder_is_made_and_removed_again_on_failure(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = make_inputs(tmp_path / "in")
    target = tmp_path / "new" / "deeper" / write.file
    ran = cli(*write.command(inputs, target))
    assert ran.code == 0, ran.err
    assert listing(tmp_path / "new") == {
        "deeper": None,
        f"deeper/{write.file}": target.read_bytes(),
    }
    _fail(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    again = tmp_path / "other" / "deeper" / write.file
    assert cli(*write.command(inputs, again)).code == 2
    assert not (tmp_path / "other").exists()


def test_new_pack_makes_its_folders(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    ran = cli(*NEW_PACK.command(inputs, tmp_path / "a" / "b" / NEW_PACK.file))
    assert ran.code == 0, ran.err
    made = listing(tmp_path / "a")
    assert "b/demo2099/src/pairing_rules_demo2099/pack.yaml" in made
    assert not [name for name in made if name.endswith(".tmp")]


@pytest.mark.parametrize("write", WRITES, ids=[w.name for w in WRITES])
def test_out_naming_a_folder_or_a_path_through_a_file(write: Write, tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    folder = tmp_path / write.file
    folder.mkdir()
    for lang, words in (("zh", "是一个文件夹"), ("en", "is a folder")):
        ran = cli(*write.command(inputs, folder), "--lang", lang)
        assert ran.code == 2 and words in ran.err and ran.err.count("\n") == 1, ran.err
    plain = tmp_path / "plain"
    plain.write_text("a file", encoding="utf-8")
    for lang, words in (("zh", "不是文件夹"), ("en", "is not a folder")):
        ran = cli(*write.command(inputs, plain / write.file), "--lang", lang)
        assert ran.code == 2 and words in ran.err and ran.err.count("\n") == 1, ran.err
    assert plain.read_text(encoding="utf-8") == "a file"


# ------------------------------------------------------------------- never onto an input


def _spellings(tmp: Path, source: Path) -> dict[str, Path]:
    """Other names of ``source``: another spelling, a symbolic link, a hard link."""
    (tmp / "links").mkdir(exist_ok=True)
    symbolic = tmp / "links" / f"sym{source.suffix}"
    symbolic.symlink_to(source)
    hard = tmp / "links" / f"hard{source.suffix}"
    os.link(source, hard)
    return {
        "the same path": source,
        "another spelling": source.parent / ".." / source.parent.name / source.name,
        "a symbolic link": symbolic,
        "a hard link": hard,
    }


#: (command line given the inputs and the output, the input it must not overwrite)
ONTO_INPUT = {
    "score": (lambda i, o: ["score", "cangnan2022", str(i["records"]), "--out", str(o)], "records"),
    "check": (lambda i, o: ["check", "cangnan2022", str(i["records"]), "--out", str(o)], "records"),
    "aggregate log": (
        lambda i, o: [
            "aggregate",
            str(i["log"]),
            "--communities",
            str(i["communities"]),
            "--out",
            str(o),
        ],
        "log",
    ),
    "aggregate communities": (
        lambda i, o: [
            "aggregate",
            str(i["log"]),
            "--communities",
            str(i["communities"]),
            "--out",
            str(o),
        ],
        "communities",
    ),
    "coverage": (lambda i, o: ["coverage", str(i["pack"]), "--out", str(o)], "text"),
}


@pytest.mark.parametrize("command", list(ONTO_INPUT))
def test_out_is_never_a_file_the_command_reads(command: str, tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    inputs["text"] = inputs["pack"].with_name("document.txt")
    args, key = ONTO_INPUT[command]
    source = inputs[key]
    before = listing(tmp_path / "in")
    for how, name in _spellings(tmp_path, source).items():
        for force in ((), ("--force",)) if command in ("score", "check") else ((),):
            for lang, words in (
                ("zh", "输入文件从不被覆盖"),
                ("en", "an input is never overwritten"),
            ):
                ran = cli(*args(inputs, name), *force, "--lang", lang)
                assert ran.code == 2, (how, ran.err)
                assert words in ran.err and ran.err.count("\n") == 1, (how, ran.err)
    assert listing(tmp_path / "in") == before


# --------------------------------------------------------------- replacing existing files


def test_a_template_is_never_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "填报.xlsx"
    assert cli("template", "cangnan2022", "--out", str(target)).code == 0
    target.write_bytes(b"filled in by a county")
    for lang, words in (("zh", "已存在，未覆盖"), ("en", "already exists")):
        ran = cli("template", "cangnan2022", "--out", str(target), "--lang", lang)
        assert ran.code == 2 and words in ran.err and "--force" in ran.err, ran.err
    assert target.read_bytes() == b"filled in by a county"
    assert cli("template", "cangnan2022", "--out", str(target), "--force").code == 0
    assert target.read_bytes().startswith(b"PK")


@pytest.mark.parametrize("command", ["score", "check"])
def test_a_report_replaces_its_earlier_report_but_not_a_filled_workbook(
    command: str, tmp_path: Path
) -> None:
    inputs = make_inputs(tmp_path / "in")
    report = tmp_path / "report.xlsx"
    args = [command, "cangnan2022", str(inputs["records"]), "--out", str(report)]
    assert cli(*args, "--as-of", "2022-01-01").code in (0, 2)
    first = report.read_bytes()
    assert cli(*args, "--as-of", "2022-06-30").code in (0, 2)  # run again: replaced
    assert report.read_bytes() != first
    filled = tmp_path / "filled.xlsx"
    assert cli("template", "cangnan2022", "--out", str(filled)).code == 0
    kept = filled.read_bytes()
    args[-1] = str(filled)
    for lang, words in (("zh", "不是 pairing-rules 写出的报告"), ("en", "not a report")):
        ran = cli(*args, "--lang", lang)
        assert ran.code == 2 and words in ran.err and "--force" in ran.err, ran.err
    assert filled.read_bytes() == kept
    assert cli(*args, "--force").code in (0, 2)
    assert filled.read_bytes() != kept
    for suffix in (".html", ".json"):  # not a workbook anyone fills in: replaced
        other = tmp_path / f"earlier{suffix}"
        other.write_text("earlier", encoding="utf-8")
        args[-1] = str(other)
        assert cli(*args).code in (0, 2)
        assert other.read_text(encoding="utf-8") != "earlier"


def test_nothing_is_written_to_a_pipe_or_a_device(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    device = tmp_path / "null.json"
    device.symlink_to(os.devnull)
    for target in (fifo, device):
        ran = cli("score", "cangnan2022", str(inputs["records"]), "--out", str(target))
        assert ran.code == 2 and "不是普通文件" in ran.err, ran.err
    assert fifo.exists() and not fifo.is_file() and device.is_symlink()
