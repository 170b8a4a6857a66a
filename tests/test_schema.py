"""``pairing-rules schema pack``: a valid draft 2020-12 JSON Schema that every pack file satisfies."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from pairing_rules._schema import DIALECT, pack_schema
from pairing_rules._yamlpos import YamlDocument

from .cli_helpers import run

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).parents[1]
PACK_FILES = [*sorted(REPO.glob("packs/*/src/*/pack.yaml")), REPO / "tests" / "demo" / "pack.yaml"]


def as_json(value: Any) -> Any:
    """YAML data as an editor's language server sees it (dates are strings)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = pack_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_command_prints_the_schema(tmp_path: Path) -> None:
    printed = run("schema", "pack")
    assert printed.code == 0, printed.err
    schema = json.loads(printed.out)
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema == pack_schema()
    assert run("schema").json == schema  # pack is the default name
    out = tmp_path / "pack.schema.json"
    written = run("schema", "pack", "--out", str(out))
    assert written.code == 0 and json.loads(out.read_text(encoding="utf-8")) == schema
    unknown = run("schema", "inputs")
    assert unknown.code == 2 and "pack" in unknown.err


@pytest.mark.parametrize("path", PACK_FILES, ids=lambda p: p.parent.name)
def test_every_pack_file_satisfies_the_schema(validator: Any, path: Path) -> None:
    data = as_json(YamlDocument(path.read_text(encoding="utf-8")).data)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("        points: 40\n", "        pointz: 40\n", ["rubrics", 0, "items", 0]),  # unknown key
        (
            "value: {div: [teachers_sent, core_teachers]}",
            "value: {divide: [teachers_sent, core_teachers]}",
            ["rubrics", 0, "items", 1, "conditions", 1, "value"],
        ),
        (
            "    declared_total: 100",
            "    declared_total: a hundred",
            ["rubrics", 0, "declared_total"],
        ),
    ],
)
def test_an_editor_marks_mistakes(validator: Any, old: str, new: str, where: list[Any]) -> None:
    text = (REPO / "tests" / "demo" / "pack.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    data = as_json(YamlDocument(text.replace(old, new)).data)
    paths = [list(e.absolute_path) for e in validator.iter_errors(data)]
    assert any(p[: len(where)] == where for p in paths), paths


def test_a_label_may_be_plain_text(validator: Any) -> None:
    text = (REPO / "tests" / "demo" / "pack.yaml").read_text(encoding="utf-8")
    data = as_json(YamlDocument(text).data)
    data["label"] = "示例规则包"
    data["rubrics"][0]["label"] = {"zh": "只写中文"}
    assert list(validator.iter_errors(data)) == []
