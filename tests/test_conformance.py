"""The conformance suite on the demo pack; every pack of this repository runs it in its own tests.

Each pack's tests subclass :class:`PackConformance` for their pack, so the
suite runs once per pack; the test below makes sure none of them forgets.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pairing_rules import Pack
from pairing_rules.testing import PackConformance

from .conftest import load_demo

PACKS = Path(__file__).resolve().parents[1] / "packs"


class TestDemoPack(PackConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def pack(cls) -> Pack:
        return load_demo()


def _conformance_pack_ids(tests: Path) -> set[str]:
    """The ``pack_id`` of every ``PackConformance`` subclass in a pack's tests."""
    found: set[str] = set()
    for file in tests.glob("test_*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            if not any(getattr(b, "id", None) == "PackConformance" for b in node.bases):
                continue
            for statement in node.body:
                if (
                    isinstance(statement, ast.AnnAssign | ast.Assign)
                    and isinstance(statement.value, ast.Constant)
                    and isinstance(statement.value.value, str)
                ):
                    found.add(statement.value.value)
    return found


@pytest.mark.parametrize("directory", sorted(p for p in PACKS.iterdir() if p.is_dir()), ids=str)
def test_every_pack_runs_the_conformance_suite(directory: Path) -> None:
    assert directory.name in _conformance_pack_ids(directory / "tests")


def test_a_suite_without_a_pack_fails_clearly() -> None:
    with pytest.raises(pytest.fail.Exception, match="set `pack_id`"):
        PackConformance.installed_pack()
