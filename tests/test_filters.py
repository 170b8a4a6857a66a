"""Filters of ``applies_to``: lists of values and ranges of numbers, alike on both paths."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml

import pairing_rules as pr

from .conftest import DEMO

pl = pytest.importorskip("polars")


def ranged_pack() -> pr.Pack:
    """The demo pack with a requirement for 2023–2024 records whose satisfaction is 89.5 or more
    (or not reported)."""
    raw = yaml.load(DEMO.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    requirement = raw["requirements"][0]
    requirement["applies_to"] = {
        "year": {"at_least": 2023, "at_most": 2024},
        "satisfaction": {"at_least": "89.5", "blank": True},
    }
    return pr.pack_from_data(raw, base=DEMO.parent)


def community(rid: str, year: int, satisfaction: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "type": "融合型",
        "year": year,
        "satisfaction": satisfaction,
        "sync_subjects": 2,
        "sync_lessons": 20 if rid != "E" else 3,
        "evidence_lessons": True,
    }


RECORDS = [
    community("A", 2022, 95),  # before the range of years: not applicable
    community("B", 2023, Decimal("89.5")),  # at both lower bounds: held, and met
    community("C", 2024, Decimal("89.499999")),  # just below 89.5: not applicable
    community("D", 2025, 95),  # after the range: not applicable
    community("E", 2023, None),  # no satisfaction passes (blank: true): held, 3 < 20 lessons
]
EXPECTED = {"A": "not_applicable", "B": "met", "C": "not_applicable", "D": "not_applicable"}
EXPECTED["E"] = "unmet"


def test_a_range_filter_on_the_per_record_path() -> None:
    report = pr.check(ranged_pack(), {"communities": RECORDS})
    statuses = {
        r.id: f.status.value
        for r in report.results
        for f in r.findings
        if f.requirement == "lessons"
    }
    assert statuses == EXPECTED


def test_a_range_filter_on_the_table_path() -> None:
    frame = pr.records_frame(
        [pr.CommunityYear.model_validate(r) for r in RECORDS], pr.CommunityYear
    )
    table = pr.check_table(ranged_pack(), frame)
    assert dict(zip(table.frame["id"], table.frame["lessons"], strict=True)) == EXPECTED


def test_a_range_needs_a_bound_and_a_number() -> None:
    raw = yaml.load(DEMO.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    raw["requirements"][0]["applies_to"] = {"year": {"blank": True}}
    with pytest.raises(pr.PackError, match="at_least"):
        pr.pack_from_data(raw, base=DEMO.parent)
    raw["requirements"][0]["applies_to"] = {"type": {"at_least": 1}}
    with pytest.raises(pr.PackError, match="needs a number"):
        pr.pack_from_data(raw, base=DEMO.parent)
