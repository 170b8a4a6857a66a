"""The documentation of ``coverage`` and ``not_rules`` says what the code does, and its pages exist."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pairing_rules as pr
from pairing_rules._not_rules import NotRuleKind
from pairing_rules._numerals import NOT_NUMERALS

from .test_docs import DOCS, ext, shell_commands

__all__ = ["ext"]  # the fixture, imported for the tests below

PAGE = DOCS / "coverage.md"


def test_the_page_lists_the_words_the_code_does_not_count() -> None:
    text = PAGE.read_text(encoding="utf-8")
    listed = re.search(r"^(统一、.*)$", text, re.M)
    assert listed is not None
    assert tuple(listed.group(1).split("、")) == NOT_NUMERALS


def test_the_page_documents_every_kind() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for kind in NotRuleKind:
        assert f"| `{kind.value}` |" in text, kind


def test_the_page_and_the_tutorial_run_coverage() -> None:
    assert any(" coverage " in c for c in shell_commands(PAGE))
    steps = "\n".join(shell_commands(DOCS / "tutorial.md"))
    audit, cover, diff = (
        steps.find(f"pairing-rules {step} ") for step in ("audit", "coverage", "diff")
    )
    assert -1 < audit < cover < diff


def test_a_text_page_per_pack(ext: ModuleType, tmp_path: Path) -> None:
    packs = pr.list_packs()
    written = ext.write_text_pages(tmp_path, packs)
    assert {p.name for p in written} == {"index.md"} | {f"{p.id}.md" for p in packs}
    (tmp_path / ext.TEXT_DIR / "gone2000.md").write_text("old", encoding="utf-8")
    assert ext.write_text_pages(tmp_path, packs) == []
    assert not (tmp_path / ext.TEXT_DIR / "gone2000.md").exists()
    index = (tmp_path / ext.TEXT_DIR / "index.md").read_text(encoding="utf-8")
    for pack in packs:
        page = (tmp_path / ext.TEXT_DIR / f"{pack.id}.md").read_text(encoding="utf-8")
        assert f"```{{pack-text}} {pack.id}\n```" in page
        assert f"[{pack.id}]({pack.id}.md)" in index
    assert index.count("| 100.0% |") == len(packs)
