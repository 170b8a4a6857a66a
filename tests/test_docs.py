"""The documentation under ``docs/``: its examples run, its references are complete, it builds.

- every ```python block of ``docs/**/*.md`` runs, page by page in one namespace, and prints
  exactly the ```{code-block} text`` block that follows it (nothing, when none follows);
- the YAML of the tutorial builds a valid pack against the 2022 Cangnan text;
- every ``pairing-rules`` command line of the pages parses with ``build_parser()``;
- meta-tests, as datasette's ``tests/test_docs.py``: every hook is documented and exercised by a
  test, every subcommand is in the CLI reference, every name of ``pairing_rules.__all__`` is in
  the API reference, every installed pack has a generated page;
- the site builds with warnings as errors (into a temporary folder).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib.util
import io
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import pairing_rules as pr
from pairing_rules import _hookspecs
from pairing_rules.cli._main import build_parser

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
EXT = DOCS / "_ext" / "pairing_docs"
README = REPO / "README.md"
QUICKSTART_START = "<!-- quickstart:start -->"
QUICKSTART_END = "<!-- quickstart:end -->"
OUTPUT_INFO = "{code-block} text"


# ------------------------------------------------------------------------------ helpers


@dataclass(frozen=True)
class Fence:
    """A fenced block of a Markdown page: its info string, body and first body line (1-based)."""

    info: str
    body: str
    line: int
    end: int  # the line of the closing fence


_FENCE = re.compile(r"^( *)(`{3,}|~{3,})(.*)$")


def fences(path: Path) -> list[Fence]:
    """The fenced blocks of ``path``, in order (an indented one, in a list, dedented)."""
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    n = 0
    while n < len(lines):
        opening = _FENCE.match(lines[n])
        if opening is None:
            n += 1
            continue
        indent, marker, info = len(opening.group(1)), opening.group(2), opening.group(3).strip()
        body = []
        close = n + 1
        while close < len(lines):
            candidate = lines[close].strip()
            if candidate.startswith(marker) and not candidate.strip(marker[0]):
                break
            body.append(lines[close][indent:] if lines[close][:indent].isspace() else lines[close])
            close += 1
        out.append(Fence(info, "\n".join(body) + "\n", n + 2, close + 1))
        n = close + 1
    return out


def pages() -> list[Path]:
    """The hand-written Markdown pages (not the build, not the generated pack pages)."""
    generated = DOCS / "packs"
    return sorted(
        p
        for p in DOCS.rglob("*.md")
        if "_build" not in p.parts and "_ext" not in p.parts and generated not in p.parents
    )


def python_examples(path: Path) -> list[tuple[Fence, str | None]]:
    """Each ```python block of ``path`` with the output block right after it, if any."""
    blocks = fences(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for n, block in enumerate(blocks):
        if block.info != "python":
            continue
        expected = None
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if following is not None and following.info == OUTPUT_INFO:
            between = lines[block.end : following.line - 2]
            if all(not line.strip() for line in between):
                body = following.body.splitlines()
                while body and body[0].startswith(":"):  # directive options
                    body.pop(0)
                expected = "\n".join(body).strip("\n")
        out.append((block, expected))
    return out


def _strip(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.fixture(scope="module")
def ext() -> ModuleType:
    """The docs' Sphinx extension ``pairing_docs`` (it is not installed)."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    if "pairing_docs" in sys.modules:
        return sys.modules["pairing_docs"]
    spec = importlib.util.spec_from_file_location(
        "pairing_docs", EXT / "__init__.py", submodule_search_locations=[str(EXT)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pairing_docs"] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------- python examples


EXAMPLE_PAGES = [p for p in pages() if python_examples(p)]


def test_the_pages_with_python_examples() -> None:
    # the extraction must find the examples: a page losing them is a mistake, not a pass
    names = {p.relative_to(DOCS).as_posix() for p in EXAMPLE_PAGES}
    assert {"getting-started.md", "concepts.md", "hooks.md", "tutorial.md"} <= names
    for page in pages():
        text = page.read_text(encoding="utf-8")
        opened = len(re.findall(r"^ *```python *$", text, re.M))
        assert opened == len(python_examples(page)), page.name


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_python_examples_print_what_the_page_shows(page: Path) -> None:
    namespace: dict[str, Any] = {"__name__": f"docs_{page.stem.replace('-', '_')}"}
    for block, expected in python_examples(page):
        where = f"{page.relative_to(REPO)}:{block.line}"
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(block.body, where, "exec"), namespace)
        printed = _strip(buffer.getvalue())
        if expected is None:
            assert printed == "", f"{where} prints but no output block follows it"
        else:
            assert printed == _strip(expected), f"{where} printed:\n{printed}"


def test_pinned_versions_in_the_docs_are_the_packs_versions() -> None:
    # a pin the docs show (get_pack("cangnan2022==2.1.0"), "cangnan2022@2.1.0") must load: a
    # stale one would raise pack_version_mismatch for a reader who copies it
    pins = []
    for page in [*pages(), REPO / "README.md"]:
        text = page.read_text(encoding="utf-8")
        pins += [
            (page.name, *m.groups())
            for m in re.finditer(r"\b([a-z]+\d{4})(?:==|@)(\d+\.\d+\.\d+)", text)
        ]
    assert len(pins) >= 3, pins  # integrate.md and stability.md pin cangnan2022
    for name, pack_id, version in pins:
        assert pr.get_pack(f"{pack_id}=={version}").version == version, name


# ------------------------------------------------------------------------------ tutorial


def test_tutorial_yaml_builds_a_pack_against_the_2022_text() -> None:
    """The tutorial's YAML, added to a pack file, loads: valid fields, every quote verbatim."""
    raw: dict[str, Any] = {
        "id": "cangnan2023",
        "version": "0.1.0",
        "label": {"zh": "苍南县 2023 年（教程）", "en": "Cangnan 2023 (tutorial)"},
        "document": {"title": "教程", "issuer": "苍南县教育局"},
        "collections": [],  # as new-pack writes it: the rubric names its collection
        "interpretations": [],
    }
    blocks = [f for f in fences(DOCS / "tutorial.md") if f.info == "yaml"]
    assert len(blocks) == 2
    for block in blocks:
        for key, items in yaml.safe_load(block.body).items():
            raw.setdefault(key, []).extend(items)
    text = pr.get_pack("cangnan2022").document.text  # the stand-in of step 0
    pack = pr.pack_from_data(raw, base=REPO, text=text)
    assert "pairing.cross_region_schools" in {p.id for p in pack.provisions()}
    # step 7 says: the rubric's one item of 18 points against the declared 100
    findings = [(f.code, f.observed, f.expected) for f in pr.audit(pack).findings]
    assert findings == [("rubric_total", 18, 100)]
    # 8 online + 4 offline = 12 ≥ 12 → 18 points; 18 < 60 → 不合格
    sheet = pr.score(
        pack,
        {
            "communities": [
                {
                    "id": "T",
                    "type": "融合型",
                    "scope": "县域内",
                    "year": 2023,
                    "online_research": 8,
                    "offline_research": 4,
                }
            ]
        },
    ).results[0]
    assert (sheet.total, sheet.grade) == (18, "不合格")


def shell_commands(path: Path) -> list[str]:
    """The commands of the ```sh blocks of ``path``: one a line, blank lines and comments out."""
    return [
        line.strip()
        for block in fences(path)
        if block.info == "sh"
        for line in block.body.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_tutorial_steps_are_one_command_a_line() -> None:
    commands = shell_commands(DOCS / "tutorial.md")
    for command in commands:
        lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(lexer)  # raises when quotes do not balance
        assert not {"&&", "||", ";", "|", "&", "\\"} & set(words), command
    joined = "\n".join(commands)
    steps = [
        "pairing-rules new-pack cangnan2023 --title",
        "pip install -e packs/cangnan2023",
        "pairing-rules packs",
        "pairing-rules show cangnan2023",
        "pairing-rules lint packs/cangnan2023",
        "pytest packs/cangnan2023",
        "pairing-rules audit cangnan2023",
        "pairing-rules diff cangnan2022 cangnan2023",
    ]
    positions = [joined.find(step) for step in steps]
    assert -1 not in positions, dict(zip(steps, positions, strict=True))
    assert positions == sorted(positions), "the steps are out of order"


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The subcommands of ``parser`` by name."""
    out: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            out.update(action.choices)
    return out


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_command_lines_parse(page: Path) -> None:
    """Every ``pairing-rules`` line of a page names a subcommand and parses."""
    parser = build_parser()
    for command in shell_commands(page):
        words = shlex.split(command)
        if not words[0].endswith("pairing-rules"):
            continue
        assert words[1] in subcommands(parser), f"{page.name}: unknown subcommand: {command}"
        try:
            with contextlib.redirect_stderr(io.StringIO()) as err:
                parser.parse_args(words[1:])
        except SystemExit:
            pytest.fail(f"{page.name}: {command!r} does not parse: {err.getvalue()}")


# ---------------------------------------------------------------------------- quickstart


def quickstart_commands() -> list[str]:
    """The README Quickstart's commands, extracted as ``.ci/run`` extracts them."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^#+ *Quickstart.*?\n(.*?)(?=^#+ )", text, re.S | re.M)
    assert section is not None
    out, inside = [], False
    for line in section.group(1).splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if inside and line.split() and not line.split()[0].startswith("#"):
            out.append(line)
    return out


def test_getting_started_includes_the_readme_quickstart() -> None:
    text = README.read_text(encoding="utf-8")
    assert text.count(QUICKSTART_START) == 1 and text.count(QUICKSTART_END) == 1
    marked = text.split(QUICKSTART_START, 1)[1].split(QUICKSTART_END, 1)[0]
    body = [line for line in marked.strip().splitlines() if not line.startswith("```")]
    assert body == quickstart_commands()
    assert len(body) == 2
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    assert "```{include} ../README.md" in page
    assert f":start-after: {QUICKSTART_START}" in page
    assert f":end-before: {QUICKSTART_END}" in page


# -------------------------------------------------------------------------------- hooks


HOOKS = sorted(
    name
    for name, obj in vars(_hookspecs).items()
    if name.startswith("pairing_rules_") and hasattr(obj, f"{_hookspecs.PROJECT}_spec")
)


def test_there_are_hooks() -> None:
    assert "pairing_rules_packs" in HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    page = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert f".. autofunction:: pairing_rules._hookspecs.{hook}" in page


def _test_sources() -> dict[str, str]:
    """Test code by name: tests/ (this file aside) and packs/*/tests/."""
    files = [p for p in (REPO / "tests").rglob("*.py") if p.name != Path(__file__).name]
    files += list(REPO.glob("packs/*/tests/**/*.py"))
    return {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in files}


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_exercised_by_a_test(hook: str) -> None:
    pattern = re.compile(rf"\b{re.escape(hook)}\b")
    users = [name for name, text in _test_sources().items() if pattern.search(text)]
    assert users, f"no test names {hook}"


# ---------------------------------------------------------------------- CLI and Python API


def test_cli_reference_has_every_subcommand(ext: ModuleType) -> None:
    assert "```{cli-reference}" in (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    text = ext.render_cli(parser)
    for name, sub in subcommands(parser).items():
        assert f"## pairing-rules {name}\n" in text
        for action in sub._actions:
            for option in action.option_strings:
                if option not in ("-h", "--help"):
                    assert f"`{option}`" in text, (name, option)


def test_cli_page_matches_the_code() -> None:
    """The exit codes and limits the CLI page states by hand are the code's."""
    from pairing_rules.cli import _shared
    from pairing_rules.io import _tabular

    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert (_shared.EXIT_OK, _shared.EXIT_UNMET, _shared.EXIT_USER) == (0, 1, 2)
    assert (_tabular.MAX_BYTES, _tabular.MAX_ROWS) == (50 * 1024 * 1024, 200_000)
    assert "默认 50 MB" in page and "默认 200,000" in page
    source = (REPO / "src" / "pairing_rules" / "io" / "_tabular.py").read_text(encoding="utf-8")
    for variable in ("PAIRING_RULES_MAX_BYTES", "PAIRING_RULES_MAX_ROWS"):
        assert variable in page and f'"{variable}"' in source
    assert f"`{pr.AUTOLOAD_ENV}`" in page


_AUTODOC = re.compile(
    r"^\.\. auto(?:class|function|data|exception):: pairing_rules\.(\w+)\s*$", re.M
)


def test_api_reference_has_every_public_name() -> None:
    documented = _AUTODOC.findall((DOCS / "api.md").read_text(encoding="utf-8"))
    assert sorted(set(pr.__all__) - set(documented)) == []
    assert sorted(set(documented) - set(pr.__all__)) == []
    assert len(documented) == len(set(documented)), "a name is documented twice"


def test_api_reference_has_the_test_kit() -> None:
    page = (DOCS / "api.md").read_text(encoding="utf-8")
    assert ".. automodule:: pairing_rules.testing\n" in page
    assert ".. automodule:: pairing_rules.testing.strategies" in page


# ------------------------------------------------------------------------------ packs


PACKS = pr.list_packs()


def test_every_installed_pack_gets_a_page(ext: ModuleType, tmp_path: Path) -> None:
    written = ext.write_pages(tmp_path, PACKS)
    names = {p.name for p in written}
    assert names == {"index.md"} | {f"{pack.id}.md" for pack in PACKS}
    # a page of a pack no longer installed is removed; unchanged pages are not rewritten
    (tmp_path / "packs" / "gone2000.md").write_text("old", encoding="utf-8")
    assert ext.write_pages(tmp_path, PACKS) == []
    assert not (tmp_path / "packs" / "gone2000.md").exists()
    for pack in PACKS:
        page = (tmp_path / "packs" / f"{pack.id}.md").read_text(encoding="utf-8")
        assert f"```{{pack-reference}} {pack.id}\n```" in page


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.id)
def test_pack_reference_shows_the_whole_pack(ext: ModuleType, pack: pr.Pack) -> None:
    text = ext.render_pack(pack)
    for provision in pack.provisions():
        assert f"`{provision.id}`" in text, provision.id
    for interp in pack.definition.interpretations:
        assert f"### `{interp.id}`" in text
    for finding in pr.audit(pack).findings:
        assert f"`{finding.subject}`" in text, finding.subject
    for collection in pack.collections():
        for field in pack.fields_read(collection):
            assert f"`{field}`" in text, (collection, field)
    assert f"`{pack.content_hash}`" in text


# ------------------------------------------------------------------------------- build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built as CI builds it (warnings are errors), into a temporary folder."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    pytest.importorskip("furo")
    out = tmp_path_factory.mktemp("docs")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            "-d",
            str(out / "doctrees"),
            str(DOCS),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return out / "html"


def _text(page: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


_CLASSES = re.compile(r'class="([^"]*)"')
_ESCAPE_HATCH = "this-will-duplicate-information-and-it-is-still-useful-here"


def _has_contents_box(page: str) -> bool:
    return any(
        "contents" in classes.split() and _ESCAPE_HATCH not in classes.split()
        for classes in _CLASSES.findall(page)
    )


def test_site_has_no_error_boxes(site: Path) -> None:
    """Errors that end up in a page instead of the build log.

    docutils prints a ``system-message`` into the page; furo paints a ``{contents}``
    directive as an error (its sidebar already lists the page's sections).
    """
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "system-message" not in text, page
        assert not _has_contents_box(text), page


def test_site_builds_with_a_page_per_pack(site: Path) -> None:
    for pack in PACKS:
        page = site / "packs" / f"{pack.id}.html"
        assert page.exists(), pack.id
        assert pack.content_hash in _text(page)


def test_site_cli_reference(site: Path) -> None:
    text = _text(site / "cli.html")
    for name in subcommands(build_parser()):
        assert f"pairing-rules {name}" in text


def test_site_api_and_hooks(site: Path) -> None:
    api = (site / "api.html").read_text(encoding="utf-8")
    for name in pr.__all__:
        assert f'id="pairing_rules.{name}"' in api, name
    # Condition.value's expressions are explained on a page, not by a private module
    condition = api.split('id="pairing_rules.Condition"', 1)[1].split('<dl class="py ', 1)[0]
    assert "_expr" not in condition and "WithJsonSchema" not in condition
    assert 'href="expressions.html"' in condition
    hooks = (site / "hooks.html").read_text(encoding="utf-8")
    for hook in HOOKS:
        assert f'id="pairing_rules._hookspecs.{hook}"' in hooks, hook


def test_site_getting_started_shows_the_quickstart(site: Path) -> None:
    text = _text(site / "getting-started.html")
    for command in quickstart_commands():
        assert command in text


def test_site_has_each_pack_beside_its_text(site: Path) -> None:
    assert (site / "coverage.html").exists()
    for pack in PACKS:
        page = (site / "packs" / "text" / f"{pack.id}.html").read_text(encoding="utf-8")
        assert '<div class="pr-lit pr-embedded">' in page, pack.id
        assert 'id="pr-percent">100.0%<' in page, pack.id
