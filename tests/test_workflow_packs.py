"""The county workflow for every pack with a bundled sample, run as a user runs it.

template (the real command) → filled by a script through the hidden key row →
check (and score, where the pack has rubrics) on the workbook and on the JSON
sample → the same results; the xlsx report read back holds the JSON numbers.
"""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pairing_rules import Registry, load_dataset

from .cli_helpers import run

ROOT = Path(__file__).parents[1]
SAMPLES = sorted(ROOT.glob("packs/*/examples/*.json"))
INSTALLED = set(Registry().packs)
AS_OF = "2021-06-30"


def cell(record: Any, key: str) -> Any:
    value: Any = record
    for part in key.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return "、".join(str(v.value if isinstance(v, Enum) else v) for v in value) or None
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def fill(template: Path, records: dict[str, list[Any]], record_types: dict[str, Any]) -> None:
    """Fill the template the way a script would: by the field keys of hidden row 2."""
    book = openpyxl.load_workbook(template)
    for collection, items in records.items():
        sheet = book[record_types[collection].NOUN.zh]
        keys = [c.value for c in sheet[2]]
        for r, record in enumerate(items, start=3):
            for c, key in enumerate(keys, start=1):
                value = cell(record, key)
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    book.save(template)


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.parts[-3] for p in SAMPLES])
def test_template_fill_check_report(sample: Path, tmp_path: Path) -> None:
    pack_id = sample.parts[-3]
    if pack_id not in INSTALLED:
        pytest.skip(f"{pack_id} is not installed")
    pack = Registry().get_pack(pack_id)
    dataset = load_dataset(json.loads(sample.read_text(encoding="utf-8")), pack.record_types)
    assert not dataset.rejected

    template = tmp_path / "template.xlsx"
    made = run("template", pack_id, "--out", str(template))
    assert made.code == 0, made.err
    fill(template, dataset.collections, pack.record_types)

    from_json = run("check", pack_id, str(sample), "--as-of", AS_OF, "--format", "json")
    report = tmp_path / "report.xlsx"
    from_xlsx = run(
        "check", pack_id, str(template), "--as-of", AS_OF, "--format", "json", "--out", str(report)
    )
    assert from_json.code == 0, from_json.err
    assert from_xlsx.code == 0, from_xlsx.err
    a, b = from_json.json, from_xlsx.json
    assert b["results"] == a["results"]
    assert b["groups"] == a["groups"]
    assert b["progress"] == a["progress"]

    book = openpyxl.load_workbook(report)
    passed = {(r["collection"], r["id"]): r["passed"] for r in a["results"]}
    seen = 0
    for collection in {c for c, _ in passed}:
        title = f"检查 {pack.record_types[collection].NOUN.zh}"
        if title not in book.sheetnames:
            continue  # a collection only a pack's hook checks has no requirement columns
        sheet = book[title]
        header = [c.value for c in sheet[2]]  # row 1 is the report's title
        for row in sheet.iter_rows(min_row=3, values_only=True):
            verdict = row[header.index("结论")]
            assert verdict in ("通过", "未通过", "无适用要求")
            assert (verdict != "未通过") is passed[(collection, str(row[0]))]
            seen += 1
    assert seen > 0
    details = list(book["检查明细"].iter_rows(min_row=3, values_only=True))
    assert len(details) == sum(len(r["findings"]) for r in a["results"])

    if pack.definition.rubrics:
        scored_json = run("score", pack_id, str(sample), "--format", "json")
        scored_xlsx = run("score", pack_id, str(template), "--format", "json")
        assert scored_xlsx.json["results"] == scored_json.json["results"]
