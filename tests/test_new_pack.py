"""`pairing-rules new-pack`: a scaffold that installs, is listed, and passes its own tests unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .cli_helpers import run

SOURCE = (
    Path(__file__).parents[1]
    / "packs"
    / "cangnan2022"
    / "src"
    / "pairing_rules_cangnan2022"
    / "document.txt"
)


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "-q", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_scaffold_installs_and_passes_its_tests(tmp_path: Path) -> None:
    made = run(
        "new-pack",
        "demo2099",
        "--title",
        "2099年示例县教共体方案",
        "--source",
        str(SOURCE),
        "--dir",
        str(tmp_path),
        "--issuer",
        "示例县教育局",
        "--published",
        "2099-03-01",
    )
    assert made.code == 0, made.err
    root = tmp_path / "demo2099"
    assert {p.name for p in root.iterdir()} >= {"pyproject.toml", "src", "tests", "README.md"}
    package = root / "src" / "pairing_rules_demo2099"
    assert (package / "document.txt").read_text(encoding="utf-8") == SOURCE.read_text(
        encoding="utf-8"
    )
    assert 'demo2099 = "pairing_rules_demo2099"' in (root / "pyproject.toml").read_text(
        encoding="utf-8"
    )
    installed = pip("install", "--no-build-isolation", "-e", str(root))
    assert installed.returncode == 0, installed.stderr
    try:
        listed = run("packs", "--format", "json")
        pack = next(p for p in listed.json if p["id"] == "demo2099")
        assert (pack["title"], pack["issuer"], pack["published"]) == (
            "2099年示例县教共体方案",
            "示例县教育局",
            "2099-03-01",
        )
        shown = run("show", "demo2099", "--format", "json").json
        (heading,) = shown["provisions"]
        assert (
            heading["source"]["quote"] == "2022年苍南县义务教育阶段教育共同体 结对帮扶工作实施方案"
        )
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root / "tests")],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
            check=False,
        )
        assert tests.returncode == 0, tests.stdout + tests.stderr
        assert " passed" in tests.stdout
    finally:
        pip("uninstall", "-y", "pairing-rules-demo2099")


@pytest.mark.parametrize(
    ("pack_id", "source", "zh"),
    [
        ("Bad-Id", "ok", "规则包编号 'Bad-Id' 无效"),
        ("9lives", "ok", "规则包编号 '9lives' 无效"),
        ("fine", "missing", "找不到文件全文"),
        ("existing", "ok", "已存在，未做任何改动"),
    ],
)
def test_scaffold_errors(tmp_path: Path, pack_id: str, source: str, zh: str) -> None:
    (tmp_path / "existing").mkdir()
    path = SOURCE if source == "ok" else tmp_path / "missing.txt"
    result = run("new-pack", pack_id, "--title", "t", "--source", str(path), "--dir", str(tmp_path))
    assert result.code == 2
    assert zh in result.err and "Traceback" not in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]  # nothing was written


def test_scaffold_matches_the_tutorial_and_is_safe(tmp_path: Path) -> None:
    import ast
    import json
    import tomllib

    import yaml

    import pairing_rules as pr
    from pairing_rules._lint_target import lint
    from pairing_rules._schema import pack_schema

    title = '带"引号"和\\反斜杠的 2099 年方案'
    made = run(
        "new-pack", "quote2099", "--title", title, "--source", str(SOURCE), "--dir", str(tmp_path)
    )
    assert made.code == 0, made.err
    root = tmp_path / "quote2099"
    package = root / "src" / "pairing_rules_quote2099"
    # the title survives TOML, Python and YAML as written
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["description"] == f"Rule pack: {title}"
    module = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    assert ast.get_docstring(module) == f"Rule pack ``quote2099``: {title}."
    pack_text = (package / "pack.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(pack_text)
    assert data["label"] == {
        "zh": title,
        "en": "Rule pack quote2099",
    }  # not the Chinese title twice
    # the tutorial's layout: examples/ with sample records, and the schema the modeline names
    assert pack_text.splitlines()[0] == "# yaml-language-server: $schema=../../pack.schema.json"
    assert json.loads((root / "pack.schema.json").read_text(encoding="utf-8")) == pack_schema()
    sample = json.loads((root / "examples" / "communities.json").read_text(encoding="utf-8"))
    dataset = pr.load_dataset(sample, {"communities": pr.CommunityYear}, wanted=["communities"])
    assert len(dataset.records("communities")) == 1 and not dataset.rejected
    # no --issuer: the one thing left to write is the issuer, which lint names (a warning)
    (left,) = lint(root).issues
    assert (left.code, left.severity, left.path) == (
        "placeholder-left",
        "warning",
        ("document", "issuer"),
    )
    assert (
        left.line
        == pack_text.splitlines().index(
            next(line for line in pack_text.splitlines() if "issuer:" in line)
        )
        + 1
    )


def test_scaffold_english_label_and_bad_titles(tmp_path: Path) -> None:
    import yaml

    made = run(
        "new-pack",
        "en2099",
        "--title",
        "标题",
        "--title-en",
        "A county plan",
        "--source",
        str(SOURCE),
        "--dir",
        str(tmp_path),
    )
    assert made.code == 0, made.err
    pack_file = tmp_path / "en2099" / "src" / "pairing_rules_en2099" / "pack.yaml"
    assert yaml.safe_load(pack_file.read_text(encoding="utf-8"))["label"]["en"] == "A county plan"
    two_lines = run(
        "new-pack",
        "nl2099",
        "--title",
        "一行\n两行",
        "--source",
        str(SOURCE),
        "--dir",
        str(tmp_path),
    )
    assert two_lines.code == 2 and "只能是一行" in two_lines.err
    assert not (tmp_path / "nl2099").exists()


def test_scaffold_dir_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "packs.txt"
    target.write_text("not a folder", encoding="utf-8")
    result = run(
        "new-pack", "file2099", "--title", "t", "--source", str(SOURCE), "--dir", str(target)
    )
    assert result.code == 2
    assert "是一个文件，不是目录" in result.err and "Traceback" not in result.err
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_the_tutorials_provision_pastes_under_the_example(tmp_path: Path) -> None:
    """Step 4 as an author does it: the tutorial's entry pasted, as text, after the example."""
    from pairing_rules._lint_target import lint

    from .test_docs import fences

    tutorial = Path(__file__).parents[1] / "docs" / "tutorial.md"
    block = next(
        b.body for b in fences(tutorial) if b.info == "yaml" and b.body.startswith("provisions:")
    )
    entry = block.removeprefix("provisions:\n")
    made = run(
        "new-pack", "paste2099", "--title", "标题", "--source", str(SOURCE), "--dir", str(tmp_path),
        "--issuer", "示例县教育局",  # as the tutorial's command gives it
    )  # fmt: skip
    assert made.code == 0, made.err
    pack_file = tmp_path / "paste2099" / "src" / "pairing_rules_paste2099" / "pack.yaml"
    text = pack_file.read_text(encoding="utf-8")
    assert "\ninterpretations: []\n" in text
    pack_file.write_text(
        text.replace("\ninterpretations: []\n", f"\n{entry}interpretations: []\n"),
        encoding="utf-8",
    )
    assert lint(tmp_path / "paste2099").issues == []
