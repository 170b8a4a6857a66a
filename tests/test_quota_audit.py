"""Quotas in exact decimals, the formula audit, printed sums, stated figures and conflicts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairing_rules import Pack, QuotaFormula, QuotaRow, QuotaTable, Rounding, audit, quota, round_to
from pairing_rules._audit import audit_quota, audit_rubric
from pairing_rules._interpretations import Choices
from pairing_rules._rubric import Rubric

SOURCE = {"section": "一", "quote": "x"}


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("2.5", Rounding.HALF_UP, 3),
        (
            "2.5",
            Rounding.HALF_EVEN,
            2,
        ),  # Python's round() would give 2 too: not the rule tables use
        ("3.5", Rounding.HALF_EVEN, 4),
        ("2.1", Rounding.CEILING, 3),
        ("2.9", Rounding.FLOOR, 2),
        ("-2.5", Rounding.HALF_UP, -3),
        ("-2.9", Rounding.DOWN, -2),
    ],
)
def test_rounding_rules(value: str, rule: Rounding, expected: int) -> None:
    assert round_to(Decimal(value), rule) == expected


@given(st.integers(-10_000, 10_000))
def test_half_up_and_half_even_differ_exactly_on_even_ties(tenths: int) -> None:
    value = Decimal(tenths) / 10
    up, even = round_to(value, Rounding.HALF_UP), round_to(value, Rounding.HALF_EVEN)
    is_tie = tenths % 10 in (5, -5) or abs(tenths) % 10 == 5
    if up != even:
        assert is_tie and even % 2 == 0


def test_demo_quota_audit(demo: Pack) -> None:
    report = quota(demo, audit_rows=True)
    rows = {r.region: r for r in report.rows}
    # 17 × 0.7 = 11.9 → 12; 11 × 0.7 = 7.7 → 8; 7 × 0.7 = 4.9 → 5, printed 6
    assert (rows["甲镇"].exact, rows["甲镇"].computed, rows["甲镇"].deviation) == (
        Decimal("11.9"),
        12,
        0,
    )
    assert (rows["乙镇"].computed, rows["乙镇"].deviation) == (8, 0)
    assert (rows["丙乡"].computed, rows["丙乡"].published, rows["丙乡"].deviation) == (5, 6, -1)
    data = report.as_json()
    assert data["rows"][2] == {
        "town": "丙乡",
        "published": 6,
        "printed": None,
        "exact": 4.9,
        "computed": 5,
        "deviation": -1,
    }
    # under ceiling 4.9 → 5, 11.9 → 12, 7.7 → 8: the same; under floor 11.9 → 11 and 7.7 → 7
    floor = quota(demo, audit_rows=True, interpretations={"demo.rounding": "floor"})
    assert [r.deviation for r in floor.rows] == [-1, -1, -2]


def table(published: list[int | None], inputs: list[int]) -> QuotaTable:
    return QuotaTable(
        id="t",
        label="表",
        source=SOURCE,
        rows=[
            QuotaRow(region=f"r{n}", published=p, inputs={"rural_schools": Decimal(i)})
            for n, (p, i) in enumerate(zip(published, inputs, strict=True))
        ],
        formula=QuotaFormula(
            label="公式",
            expr={"mul": ["rural_schools", "0.7"]},
            rounding=Rounding.HALF_UP,
            source=SOURCE,
        ),
    )


@given(
    inputs=st.lists(st.integers(0, 400), min_size=1, max_size=30),
    data=st.data(),
)
def test_audit_finds_every_differing_row(inputs: list[int], data: st.DataObject) -> None:
    correct: list[int | None] = []
    for i in inputs:
        value = int(round_to(Decimal(i) * Decimal("0.7"), Rounding.HALF_UP))
        correct.append(value if value >= 1 else None)
    changed = data.draw(st.sets(st.integers(0, len(inputs) - 1)), label="changed rows")
    published = [
        ((c or 0) + data.draw(st.integers(1, 5)) if n in changed else c)
        for n, c in enumerate(correct)
    ]
    findings = audit_quota(table(published, inputs), Choices([]))
    found = {f.subject.rsplit(":", 1)[1] for f in findings if f.code == "formula_deviation"}
    assert found == {f"r{n}" for n in changed}


def test_printed_sum_mismatch_is_reported() -> None:
    data = table([12, 8], [17, 11]).model_dump()
    t = QuotaTable.model_validate({**data, "sums": [{"value": Decimal(21), "source": SOURCE}]})
    (finding,) = [f for f in audit_quota(t, Choices([])) if f.code == "printed_sum"]
    assert (finding.observed, finding.expected) == (20, 21)  # 12 + 8 = 20, printed 21


def test_rubric_total_mismatch_is_reported() -> None:
    rubric = Rubric.model_validate(
        {
            "id": "r",
            "label": "细则",
            "declared_total": 100,
            "source": SOURCE,
            "items": [
                {"id": "a", "kind": "timeliness", "label": "a", "points": 30, "source": SOURCE},
                {"id": "b", "kind": "timeliness", "label": "b", "points": 64, "source": SOURCE},
                {
                    "id": "c",
                    "kind": "bonus",
                    "label": "c",
                    "points": 5,
                    "field": "master_studio",
                    "source": SOURCE,
                },
            ],
            "grades": {
                "grades": [{"id": "p", "label": "合格"}, {"id": "f", "label": "不合格"}],
                "bands": {"document": [60]},
                "source": SOURCE,
            },
        }
    )
    (finding,) = audit_rubric(rubric)
    assert (finding.observed, finding.expected) == (94, 100)  # the bonus is not counted
    assert "30 + 64 = 94" in finding.message.zh


def test_a_rubric_of_one_item_is_not_reported_as_a_sum() -> None:
    rubric = Rubric.model_validate(
        {
            "id": "r",
            "label": {"zh": "细则", "en": "Rubric"},
            "declared_total": 100,
            "source": SOURCE,
            "items": [
                {"id": "a", "kind": "timeliness", "label": "a", "points": 18, "source": SOURCE},
            ],
            "grades": {
                "grades": [{"id": "p", "label": "合格"}, {"id": "f", "label": "不合格"}],
                "bands": {"document": [60]},
                "source": SOURCE,
            },
        }
    )
    (finding,) = audit_rubric(rubric)
    # not "各项分值之和 18 = 18": a sum of one item says nothing
    assert finding.message.zh == "细则：只有一个计分项目，分值 18，与文件所列总分 100 不符"
    assert finding.message.en == "Rubric: its only scored item is worth 18, not the declared 100"


def test_demo_audit(demo: Pack) -> None:
    report = audit(demo)
    codes = {(f.code, f.subject) for f in report.findings}
    assert codes == {("formula_deviation", "towns::丙乡"), ("stated_figure", "communities")}
    (figure,) = [f for f in report.findings if f.code == "stated_figure"]
    assert (figure.observed, figure.expected) == (2, 3)
    assert {u.id for u in report.interpretations} == {"demo.rounding"}
