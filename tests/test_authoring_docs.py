"""The pages for policy authors are complete: every key of the pack format, every operator, every lint code."""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pairing_rules import PackDefinition
from pairing_rules._expr import OPERATORS
from pairing_rules._lint import CODES

DOCS = Path(__file__).parents[1] / "docs"


def models(root: type[BaseModel]) -> list[type[BaseModel]]:
    """Every model a pack file is made of, ``root`` first."""
    found: list[type[BaseModel]] = []

    def unwrap(t: Any) -> list[Any]:
        origin = typing.get_origin(t)
        if origin in (typing.Annotated, typing.Union, types.UnionType, list, dict):
            return [u for a in typing.get_args(t) for u in unwrap(a)]
        return [t]

    def visit(model: type[BaseModel]) -> None:
        if model in found:
            return
        found.append(model)
        for info in model.model_fields.values():
            for t in unwrap(info.annotation):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    visit(t)

    visit(root)
    return found


def code_spans(page: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", page))


def test_pack_format_names_every_model_and_key() -> None:
    page = (DOCS / "pack-format.md").read_text(encoding="utf-8")
    spans = code_spans(page)
    every = models(PackDefinition)
    assert len(every) > 30  # the walk found the whole format, not just the top level
    missing = [m.__name__ for m in every if m.__name__ not in spans]
    assert not missing, missing
    keys = sorted({f"{m.__name__}.{k}" for m in every for k in m.model_fields if k not in spans})
    assert not keys, keys


def test_expression_page_has_every_operator() -> None:
    page = (DOCS / "expressions.md").read_text(encoding="utf-8")
    for op in OPERATORS:
        assert f"`{{{op}: " in page, op  # its form, e.g. `{sum: [a, b, …]}`
        assert f"`{op}`" in page, op


def test_lint_page_lists_every_code() -> None:
    page = (DOCS / "lint.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z-]+)` \|", page, re.M))
    assert listed == set(CODES)


def test_the_pages_are_in_the_table_of_contents() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for name in ("pack-format", "expressions", "lint"):
        assert re.search(rf"^{name}$", index, re.M), name
