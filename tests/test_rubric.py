"""Scoring primitives on the demo rubric (tests/demo/pack.yaml), with hand-computed points.

The demo rubric: lessons 40 (≥ 2 subjects and ≥ 20 lessons), exchange 20 (融合型: free flow;
共建型: teachers sent ÷ core teachers ≥ 10%), satisfaction 30 (20 points at 90%, ±1 per point),
on time 10, a studio bonus (0 by default, 2 under demo.bonus=2); ≥ 90 优秀, ≥ 60 合格;
态度敷衍 caps the grade at 合格.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules import AdjustmentItem, CommunityYear, Pack, Scorer, ScoreSheet, score
from pairing_rules._interpret import adjust
from pairing_rules._interpretations import Choices
from pairing_rules.testing import strategies as prs


def sheet(pack: Pack, overrides: dict[str, str] | None = None, **fields: Any) -> ScoreSheet:
    record = CommunityYear(**{"id": "T-1", "type": "融合型", "year": 2023, **fields})
    result = Scorer(pack, interpretations=overrides).score_record(record)
    assert result is not None
    return result


def points(result: ScoreSheet) -> dict[str, Decimal]:
    return {i.id: i.points for i in result.items}


FULL = {
    "sync_subjects": 2,
    "sync_lessons": 20,
    "teachers_barrier_free": True,
    "satisfaction": 95,
    "on_time": True,
    "master_studio": True,
}


def test_full_compliance(demo: Pack) -> None:
    result = sheet(demo, **FULL)
    # 40 + 20 + (20 + (95 - 90) × 1 = 25) + 10 + bonus 0 (default) = 95
    assert points(result) == {
        "lessons": 40,
        "exchange": 20,
        "satisfaction": 25,
        "on_time": 10,
        "studio": 0,
    }
    assert result.total == 95
    assert result.max == 100  # the bonus is not part of the reachable maximum
    assert result.declared_total == 100
    assert (result.grade, result.grade_en, result.grade_id) == ("优秀", "excellent", "excellent")
    assert result.pack == "demo@0.1.0"
    assert result.pack_hash == demo.content_hash


def test_bonus_interpretation_takes_effect(demo: Pack) -> None:
    result = sheet(demo, {"demo.bonus": "2"}, **FULL)
    assert points(result)["studio"] == 2
    assert result.total == 97  # 95 + 2
    used = {u.id: (u.value, u.default) for u in result.interpretations}
    assert used["demo.bonus"] == ("2", False)
    assert used["demo.partial"] == ("all_or_nothing", True)


def test_total_is_capped_at_the_declared_total(demo: Pack) -> None:
    result = sheet(demo, {"demo.bonus": "2"}, **{**FULL, "satisfaction": 100})
    # 40 + 20 + 30 (20 + 10, at its maximum) + 10 + 2 = 102, capped at 100
    assert points(result)["satisfaction"] == 30
    assert result.total == 100


def test_zero_activity(demo: Pack) -> None:
    result = sheet(demo, type="共建型")
    assert points(result) == {
        "lessons": 0,
        "exchange": 0,
        "satisfaction": 0,
        "on_time": 0,
        "studio": 0,
    }
    assert result.total == 0
    assert result.grade == "不合格"
    reasons = {i.id: i.reason.zh for i in result.items}
    assert reasons["satisfaction"] == "未填报，按最低分 0 分计"


PARTIAL = {
    "type": "共建型",
    "sync_subjects": 2,
    "sync_lessons": 15,
    "core_teachers": 50,
    "teachers_sent": 4,
    "satisfaction": Decimal("86.5"),
    "on_time": False,
}


def test_below_thresholds_all_or_nothing(demo: Pack) -> None:
    result = sheet(demo, **PARTIAL)
    # lessons 15 < 20: 0; 4/50 = 8% < 10%: 0; satisfaction 86.5: 3 whole points below 90 → 20 - 3 = 17
    assert points(result) == {
        "lessons": 0,
        "exchange": 0,
        "satisfaction": 17,
        "on_time": 0,
        "studio": 0,
    }
    assert result.total == 17
    lessons = next(i for i in result.items if i.id == "lessons")
    assert "节数 15，要求 ≥ 20" in lessons.reason.zh
    assert lessons.inputs == {"sync_lessons": 15, "sync_subjects": 2}


def test_below_thresholds_proportional(demo: Pack) -> None:
    result = sheet(demo, {"demo.partial": "proportional"}, **PARTIAL)
    # lessons: least complete condition 15/20 = 0.75 → 40 × 0.75 = 30
    # exchange: (4/50 = 0.08) / 0.10 = 0.8 → 20 × 0.8 = 16
    assert points(result)["lessons"] == 30
    assert points(result)["exchange"] == 16
    assert result.total == 63  # 30 + 16 + 17 + 0
    assert result.grade == "合格"


def test_points_are_rounded_half_up_to_two_places(demo: Pack) -> None:
    result = sheet(
        demo, {"demo.partial": "proportional"}, type="共建型", core_teachers=30, teachers_sent=1
    )
    # 1/30 = 0.0333… of the 10% required → 20 × 0.3333… = 6.666… → 6.67
    assert points(result)["exchange"] == Decimal("6.67")


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("whole", "86.5", 17),  # 3 whole points below: 20 - 3
        ("exact", "86.5", Decimal("16.5")),  # 20 - 3.5
        ("half_up", "86.5", 16),  # -3.5 rounds half up (away from zero) to -4
        ("whole", "93.7", 23),  # 3 whole points above: 20 + 3
        ("exact", "93.7", Decimal("23.7")),
        ("half_up", "93.5", 24),  # +3.5 rounds to +4
        ("floor", "89.5", 19),  # -0.5 rounds down to -1: 20 - 1
        ("floor", "86.5", 16),  # -3.5 rounds down to -4: 20 - 4
        ("floor", "93.7", 23),  # +3.7 rounds down to +3: 20 + 3
    ],
)
def test_satisfaction_fraction_modes(demo: Pack, mode: str, value: str, expected: Decimal) -> None:
    result = sheet(demo, {"demo.fraction": mode}, satisfaction=Decimal(value))
    assert points(result)["satisfaction"] == expected


def test_satisfaction_floor(demo: Pack) -> None:
    # 60%: 20 + (60 - 90) = -10
    assert points(sheet(demo, satisfaction=60))["satisfaction"] == 0
    assert points(sheet(demo, {"demo.floor": "none"}, satisfaction=60))["satisfaction"] == -10
    # not reported counts as the lowest value: 20 + (0 - 90) = -70 without a floor
    assert points(sheet(demo, {"demo.floor": "none"}))["satisfaction"] == -70


def test_veto_caps_the_grade(demo: Pack) -> None:
    result = sheet(demo, **{**FULL, "veto_incident": True})
    assert result.total == 95
    assert result.grade == "合格"  # 95 would be 优秀
    assert [v.id for v in result.vetoes] == ["veto"]
    assert result.vetoes[0].cap.zh == "合格"


def test_score_report_keeps_order_and_rejects(demo: Pack) -> None:
    report = score(
        demo,
        {
            "communities": [
                {"id": "A", "type": "融合型", "year": 2023, **FULL},
                {"id": "B", "type": "融合型", "year": 2023, "satisfaction": 120},
                {"id": "C", "type": "共建型", "year": 2023},
            ]
        },
    )
    assert [r.id for r in report.results] == ["A", "C"]
    assert [(r.index, r.id) for r in report.rejected] == [(1, "B")]
    data = report.as_json()
    assert data["pack"] == "demo@0.1.0"
    assert set(data["results"][0]) >= {
        "id",
        "rubric",
        "total",
        "max",
        "declared_total",
        "grade",
        "interpretations",
        "items",
    }
    assert set(data["results"][0]["items"][0]) >= {
        "id",
        "label",
        "points",
        "max",
        "reason",
        "source",
    }
    assert data["results"][0]["total"] == 95 and isinstance(data["results"][0]["total"], int)


ADJUSTMENT = AdjustmentItem(
    id="s",
    label="满意度",
    points=Decimal(25),
    value="satisfaction",
    pivot=Decimal(90),
    base=Decimal(15),
    step=Decimal(1),
    source={"section": "x", "quote": "y"},
)


@given(
    a=prs.percents(none=False),
    b=prs.percents(none=False),
    mode=st.sampled_from(["whole", "exact", "half_up", "floor"]),
)
def test_adjustment_is_monotone(a: Decimal, b: Decimal, mode: str) -> None:
    low, high = sorted([a, b])
    plan = dataclasses.replace(ADJUSTMENT.plan(Choices([]), Decimal(0)), mode=mode)
    assert adjust(plan, low) <= adjust(plan, high)


@given(value=prs.percents(none=False), mode=st.sampled_from(["whole", "exact", "half_up", "floor"]))
def test_adjustment_is_bounded_in_a_rubric(demo: Pack, value: Decimal, mode: str) -> None:
    result = sheet(demo, {"demo.fraction": mode}, satisfaction=value)
    assert 0 <= points(result)["satisfaction"] <= 30


@given(record=prs.community_years())
def test_recording_the_explanation_changes_no_number(demo: Pack, record: CommunityYear) -> None:
    scorer = Scorer(demo)
    numbers = scorer.points(record)
    explained = scorer.explain(record)
    assert numbers is not None and explained is not None
    assert explained.points() == numbers
    sheet = explained.sheet()
    assert numbers.items == tuple(i.points for i in sheet.items)
    assert (numbers.total, numbers.max, numbers.grade) == (sheet.total, sheet.max, sheet.grade_id)
