"""No traceback for a user's mistake, anywhere: every command and option, its ordinary mistakes.

Each mistake is run in both languages through the real command: exit code 2,
one line on standard error, in Chinese (with ``--lang zh``, the default) and
in English (``--lang en``), saying what is wrong.  Something unexpected inside
the program gives one short line with ``--debug`` advice and exit code 70;
``--debug`` shows the traceback; Ctrl-C ends in one line and 130.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pairing_rules import _scoring
from pairing_rules.cli import main

from .outputs import cli, make_inputs

CJK = re.compile(r"[\u4e00-\u9fff]")

#: (name, arguments given the inputs' paths, Chinese fragment, English fragment)
Mistake = tuple[str, Callable[[dict[str, Path]], list[str]], str, str]


def _p(key: str) -> Callable[[dict[str, Path]], str]:
    return lambda i: str(i[key])


MISTAKES: list[Mistake] = [
    # --------------------------------------------------------------- commands and options
    ("no command", lambda i: [], "", ""),
    ("unknown command", lambda i: ["frobnicate"], "没有命令", "invalid choice"),
    ("unknown option", lambda i: ["packs", "--bogus"], "无法识别的参数", "unrecognized"),
    ("bad --lang", lambda i: ["--lang", "fr", "packs"], "不接受取值", "invalid choice"),
    (
        "bad --format",
        lambda i: ["show", "cangnan2022", "--format", "xml"],
        "不接受取值",
        "invalid choice",
    ),
    ("missing PACK", lambda i: ["score"], "缺少必填参数", "required"),
    ("missing INPUT", lambda i: ["score", "cangnan2022"], "缺少必填参数", "required"),
    (
        "option without its value",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--out"],
        "后面应有一个取值",
        "expected one argument",
    ),
    (
        "bad --pack-dist",
        lambda i: ["--pack-dist", "cangnan2022", "packs"],
        "--pack-dist 应为",
        "--pack-dist takes",
    ),
    # ------------------------------------------------------------------- packs and choices
    ("unknown pack: show", lambda i: ["show", "nope"], "没有名为 nope 的规则包", "nope"),
    ("unknown pack: audit", lambda i: ["audit", "nope"], "没有名为 nope 的规则包", "nope"),
    (
        "unknown pack: score",
        lambda i: ["score", "nope", _p("records")(i)],
        "没有名为 nope 的规则包",
        "nope",
    ),
    (
        "unknown pack: check",
        lambda i: ["check", "nope", _p("records")(i)],
        "没有名为 nope 的规则包",
        "nope",
    ),
    ("unknown pack: quota", lambda i: ["quota", "nope"], "没有名为 nope 的规则包", "nope"),
    (
        "unknown pack: template",
        lambda i: ["template", "nope", "--out", "t.xlsx"],
        "没有名为 nope 的规则包",
        "nope",
    ),
    (
        "unknown pack: diff",
        lambda i: ["diff", "cangnan2022", "nope"],
        "没有名为 nope 的规则包",
        "nope",
    ),
    ("unknown pack: lint", lambda i: ["lint", "nope"], "nope", "nope"),
    ("unknown pack: coverage", lambda i: ["coverage", "nope"], "没有名为 nope 的规则包", "nope"),
    (
        "pack file missing: coverage",
        lambda i: ["coverage", "no/such/pack.yaml"],
        "找不到规则包文件",
        "no pack file",
    ),
    ("pack file missing: lint", lambda i: ["lint", "no/such/pack.yaml"], "no/such", "no/such"),
    (
        "unknown rubric",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--rubric", "nope"],
        "没有考核细则 nope",
        "no rubric nope",
    ),
    (
        "pack without rubrics",
        lambda i: ["score", "zhejiang2021", _p("records")(i)],
        "没有考核细则",
        "has no rubric",
    ),
    ("serve: no such port", lambda i: ["serve", "--port", "70000"], "65535", "65535"),
    (
        "serve: no such address",
        lambda i: ["serve", "--host", "no.such.host.invalid"],
        "无法在",
        "cannot listen",
    ),
    ("pack without quotas", lambda i: ["quota", "cangnan2022"], "没有定额表", "no quota table"),
    (
        "unknown quota table",
        lambda i: ["quota", "zhejiang2021", "--table", "nope"],
        "没有定额表 nope",
        "no quota table nope",
    ),
    (
        "unknown interpretation",
        lambda i: ["audit", "cangnan2022", "--set", "nope=1"],
        "nope",
        "nope",
    ),
    (
        "bad interpretation value",
        lambda i: [
            "score",
            "cangnan2022",
            _p("records")(i),
            "--set",
            "cangnan2022.partial_credit=maybe",
        ],
        "不接受取值",
        "maybe",
    ),
    (
        "--set without =",
        lambda i: ["check", "cangnan2022", _p("records")(i), "--set", "cangnan2022.partial_credit"],
        "--set 的格式",
        "--set takes",
    ),
    (
        "unknown schema",
        lambda i: ["schema", "nope"],
        "没有名为 nope 的 schema",
        "no schema named nope",
    ),
    # ------------------------------------------------------------------------------ dates
    (
        "bad --as-of: score",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--as-of", "2022-13-01"],
        "--as-of 应为日期",
        "--as-of takes a date",
    ),
    (
        "bad --as-of: check",
        lambda i: ["check", "cangnan2022", _p("records")(i), "--as-of", "yesterday"],
        "--as-of 应为日期",
        "--as-of takes a date",
    ),
    (
        "empty --as-of",
        lambda i: ["check", "cangnan2022", _p("records")(i), "--as-of", ""],
        "--as-of 应为日期",
        "--as-of takes a date",
    ),
    (
        "bad --published",
        lambda i: [
            "new-pack",
            "demo2099",
            "--title",
            "t",
            "--source",
            _p("source")(i),
            "--published",
            "2022-02-30",
            "--dir",
            str(i["folder"]),
        ],
        "--published 应为日期",
        "--published takes a date",
    ),
    (
        "bad --year: new-pack",
        lambda i: [
            "new-pack",
            "demo2099",
            "--title",
            "t",
            "--source",
            _p("source")(i),
            "--year",
            "abc",
        ],
        "应为整数",
        "invalid int value",
    ),
    (
        "bad --year: aggregate",
        lambda i: [
            "aggregate",
            _p("log")(i),
            "--communities",
            _p("communities")(i),
            "--out",
            "o.json",
            "--year",
            "20x2",
        ],
        "应为整数",
        "invalid int value",
    ),
    # ---------------------------------------------------------------------------- inputs
    (
        "missing input: score",
        lambda i: ["score", "cangnan2022", "missing.json"],
        "文件不存在",
        "no such file",
    ),
    (
        "missing input: check",
        lambda i: ["check", "cangnan2022", "missing.csv"],
        "文件不存在",
        "no such file",
    ),
    (
        "missing input: diff",
        lambda i: ["diff", "cangnan2022", "cangnan2022", "--input", "missing.json"],
        "文件不存在",
        "no such file",
    ),
    (
        "missing log",
        lambda i: [
            "aggregate",
            "missing.csv",
            "--communities",
            _p("communities")(i),
            "--out",
            "o.json",
        ],
        "missing.csv",
        "missing.csv",
    ),
    (
        "missing communities",
        lambda i: ["aggregate", _p("log")(i), "--communities", "missing.csv", "--out", "o.json"],
        "missing.csv",
        "missing.csv",
    ),
    ("folder as input", lambda i: ["score", "cangnan2022", str(i["folder"])], "文件夹", "folder"),
    (
        "folder as log",
        lambda i: [
            "aggregate",
            str(i["folder"]),
            "--communities",
            _p("communities")(i),
            "--out",
            "o.json",
        ],
        "文件夹",
        "folder",
    ),
    (
        "unsupported input type",
        lambda i: ["score", "cangnan2022", _p("source")(i)],
        "不支持的文件类型",
        "unsupported file type",
    ),
    (
        "missing --source",
        lambda i: ["new-pack", "demo2099", "--title", "t", "--source", "missing.txt"],
        "找不到文件全文",
        "no such source file",
    ),
    (
        "bad pack id",
        lambda i: ["new-pack", "Demo-2099", "--title", "t", "--source", _p("source")(i)],
        "规则包编号",
        "invalid pack id",
    ),
    (
        "--dir is a file",
        lambda i: [
            "new-pack",
            "demo2099",
            "--title",
            "t",
            "--source",
            _p("source")(i),
            "--dir",
            _p("source")(i),
        ],
        "是一个文件",
        "is a file",
    ),
    (
        "pack folder exists",
        lambda i: [
            "new-pack",
            "demo",
            "--title",
            "t",
            "--source",
            _p("source")(i),
            "--dir",
            str(i["pack"].parent.parent),
        ],
        "已存在",
        "already exists",
    ),
    # --------------------------------------------------------------------------- outputs
    (
        "--out of a wrong type: score",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--out", "r.txt"],
        "--out 只支持",
        "--out writes",
    ),
    (
        "--out of a wrong type: template",
        lambda i: ["template", "cangnan2022", "--out", "t.csv"],
        "--out 只支持",
        "--out writes",
    ),
    (
        "--out of a wrong type: aggregate",
        lambda i: [
            "aggregate",
            _p("log")(i),
            "--communities",
            _p("communities")(i),
            "--out",
            "o.csv",
        ],
        "--out 只支持",
        "--out writes",
    ),
    (
        "--out of a wrong type: coverage",
        lambda i: ["coverage", "cangnan2022", "--out", "c.xlsx"],
        "--out 只支持",
        "--out writes",
    ),
    (
        "--out of a wrong type: schema",
        lambda i: ["schema", "pack", "--out", "s.yaml"],
        "--out 只支持",
        "--out writes",
    ),
    (
        "--out is a folder: check",
        lambda i: ["check", "cangnan2022", _p("records")(i), "--out", str(i["folder"])],
        "是一个文件夹",
        "is a folder",
    ),
    (
        "--out is a folder: schema",
        lambda i: ["schema", "pack", "--out", str(i["folder"])],
        "是一个文件夹",
        "is a folder",
    ),
    (
        "--out through a file",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--out", _p("source")(i) + "/r.json"],
        "不是文件夹",
        "is not a folder",
    ),
    (
        "--out is the input",
        lambda i: ["check", "cangnan2022", _p("records")(i), "--out", _p("records")(i)],
        "输入文件从不被覆盖",
        "an input is never overwritten",
    ),
    (
        "--out unwritable",
        lambda i: ["score", "cangnan2022", _p("records")(i), "--out", "/proc/r.json"],
        "无法写入",
        "cannot write",
    ),
    (
        "template exists",
        lambda i: ["template", "cangnan2022", "--out", _p("existing")(i)],
        "已存在，未覆盖",
        "already exists",
    ),
]


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.chdir(tmp_path)
    found = make_inputs(tmp_path / "in")
    found["folder"] = tmp_path / "folder"
    found["folder"].mkdir()
    found["existing"] = tmp_path / "existing.xlsx"
    found["existing"].write_bytes(b"a county's workbook")
    return found


@pytest.mark.parametrize(("name", "args", "zh", "en"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_gets_one_line_in_each_language_and_exit_code_2(
    name: str,
    args: Callable[[dict[str, Path]], list[str]],
    zh: str,
    en: str,
    inputs: dict[str, Path],
) -> None:
    before = {p: p.read_bytes() for p in inputs.values() if p.is_file()}
    for lang, words in (("zh", zh), ("en", en)):
        ran = cli(*args(inputs), "--lang", lang) if args(inputs) else cli()
        assert ran.code == 2, ran.err
        assert "Traceback" not in ran.out + ran.err
        if not args(inputs):  # no command: the help, on standard output, in Chinese
            assert "用法：" in ran.out and "命令" in ran.out
            return
        assert ran.err.count("\n") == 1, ran.err
        assert ran.err.startswith("pairing-rules")
        assert words in ran.err, ran.err
        if lang == "zh":
            assert CJK.search(ran.err), ran.err
    assert before == {p: p.read_bytes() for p in before}  # nothing the command read changed


def test_every_command_has_a_mistake_above() -> None:
    from pairing_rules.cli._commands import COMMANDS

    fake = {
        k: Path(k)
        for k in ("records", "log", "communities", "pack", "source", "folder", "existing")
    }
    covered = {word for _name, args, *_ in MISTAKES for word in args(fake) if word in COMMANDS}
    assert sorted(set(COMMANDS) - covered) == []


# ------------------------------------------------------------- what is not a user's mistake


def _broken(*_args: object, **_kwargs: object) -> object:
    raise ZeroDivisionError("an accident inside")


def test_an_internal_error_is_one_line_with_debug_advice(
    inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_scoring.Scorer, "iter_explained", _broken)
    args = ["score", "cangnan2022", str(inputs["records"])]
    for lang, words in (("zh", "加 --debug"), ("en", "--debug")):
        ran = cli(*args, "--lang", lang)
        assert ran.code == 70 and words in ran.err and ran.err.count("\n") == 1, ran.err
        assert "ZeroDivisionError" in ran.err and "Traceback" not in ran.err
    with pytest.raises(ZeroDivisionError):
        main(["--debug", *args])


def test_ctrl_c_is_one_line_and_130(
    inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(_scoring.Scorer, "iter_explained", interrupted)
    report = inputs["folder"] / "r.xlsx"
    ran = cli("score", "cangnan2022", str(inputs["records"]), "--out", str(report))
    assert ran.code == 130 and "已中断" in ran.err and ran.err.count("\n") == 1
    assert list(inputs["folder"].iterdir()) == []


def test_a_closed_pipe_ends_quietly_with_141(inputs: dict[str, Path]) -> None:
    """``pairing-rules score … | head -1``: the reader goes away; no traceback, code 141."""
    from . import hostile as h

    h.write_json(inputs["records"], h.rows(400))  # far more than a pipe holds
    script = (
        "import sys\nfrom pairing_rules.cli import main\n"
        "sys.exit(main(['score', 'cangnan2022', sys.argv[1], '--format', 'json']))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(inputs["records"])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=60) == 141, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_json_on_standard_output_is_valid_after_escaping(inputs: dict[str, Path]) -> None:
    """Escaping what a terminal would act on keeps the JSON the same value."""
    from . import hostile as h

    h.write_json(inputs["records"], [h.row("A\u202e\x9b\x1b[2J", core="\x85名\x7f")])
    ran = cli("score", "cangnan2022", str(inputs["records"]), "--format", "json")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", ran.out)
    assert json.loads(ran.out)["results"][0]["id"] == "A\u202e\x9b\x1b[2J"
    assert io.StringIO(ran.out).read().count("\\u009b") >= 1
