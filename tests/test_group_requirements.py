"""Group requirements: listed groups without records, shares counted in distinct schools or against a quota."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from pairing_rules import Choices, GroupRequirement, Interpretation, Pair, Status
from pairing_rules._explain import group_finding
from pairing_rules._fields import record_spec
from pairing_rules._interpret_groups import groups_of

SOURCE = {"section": "一", "quote": "结对"}
SCOPE = Interpretation.model_validate(
    {
        "id": "demo.extent",
        "label": {"zh": "输入范围", "en": "extent of the input"},
        "default": "all",
        "alternatives": [
            {"value": "all", "label": {"zh": "全部", "en": "all"}},
            {"value": "given", "label": {"zh": "所给", "en": "given"}},
        ],
    }
)
QUOTAS = {("floors", "甲市"): Decimal(8), ("floors", "乙市"): Decimal(4)}


def targets(table: str) -> dict[str, Decimal | None]:
    return {group: value for (name, group), value in QUOTAS.items() if name == table}


def rule(**fields: Any) -> GroupRequirement:
    return GroupRequirement.model_validate(
        {"id": "demo.rule", "label": {"zh": "规则", "en": "rule"}, "source": SOURCE, **fields}
    )


def pair(pid: str, city: str, supporter: str, supported: str, **fields: Any) -> Pair:
    return Pair(id=pid, city=city, supporter=supporter, supported=supported, **fields)


def run(spec: GroupRequirement, records: list[Pair], **overrides: str) -> dict[str | None, Any]:
    choices = Choices([SCOPE], overrides)
    plan = spec.bind(choices, record_spec(Pair), targets)
    assert plan is not None
    return {o.group: group_finding(plan, o) for o in groups_of(plan, records)}


# 甲市: the supporter A serves two schools; 4 pairs, 7 distinct schools (A, B, C, D, P, Q, R)
RECORDS = [
    pair("1", "甲市", "A", "P", scope="县域内"),
    pair("2", "甲市", "A", "Q", scope="县域内"),
    pair("3", "甲市", "B", "R", scope="市域内"),
    pair("4", "甲市", "C", "D", scope="县域内", typical_case=True),
]


def test_a_listed_group_without_records_is_evaluated_when_asked() -> None:
    floor = {
        "kind": "count_distinct",
        "group_by": "city",
        "groups": ["甲市", "乙市"],
        "distinct": ["supporter", "supported"],
        "quota": "floors",
    }
    # by default a group with no record is not reported
    assert set(run(rule(**floor), RECORDS)) == {"甲市"}
    found = run(rule(**floor, include_absent=True), RECORDS)
    # 甲市: 7 distinct schools < 8; 乙市: no record, 0 < 4
    assert (found["甲市"].observed, found["甲市"].status) == (7, Status.UNMET)
    assert (found["乙市"].observed, found["乙市"].expected) == (0, "≥ 4")
    assert found["乙市"].status is Status.UNMET
    assert found["乙市"].message.zh.startswith("输入中没有该组的记录")
    # under an interpretation: only when it holds
    gated = rule(**floor, include_absent={"demo.extent": "all"})
    assert set(run(gated, RECORDS)) == {"甲市", "乙市"}
    assert set(run(gated, RECORDS, **{"demo.extent": "given"})) == {"甲市"}
    assert gated.interpretation_ids() == {"demo.extent"}


def test_an_empty_share_is_not_applicable() -> None:
    share = rule(
        kind="share",
        group_by="city",
        groups=["甲市", "乙市"],
        where={"scope": ["县域内"]},
        at_least=Decimal("0.5"),
        include_absent=True,
    )
    found = run(share, RECORDS)
    assert found["乙市"].status is Status.NOT_APPLICABLE
    # 3 of 4 pairs are county pairs: 75% ≥ 50%
    assert found["甲市"].observed == {"count": 3, "base": 4, "share": 0.75}


def test_a_share_in_distinct_schools() -> None:
    share = rule(
        kind="share",
        group_by="city",
        where={"scope": ["县域内"]},
        distinct=["supporter", "supported"],
        base_distinct=["supporter", "supported"],
        at_least=Decimal("0.8"),
    )
    found = run(share, RECORDS)["甲市"]
    # county pairs hold A, P, Q, C, D: 5 of the 7 schools = 71.43% < 80%
    assert found.observed == {"count": 5, "base": 7, "share": 0.7143}
    assert found.status is Status.UNMET


def test_records_against_distinct_schools() -> None:
    share = rule(
        kind="share",
        group_by="city",
        where={"typical_case": [True]},
        base_distinct=["supporter", "supported"],
        at_least=Decimal("0.1"),
    )
    # 1 typical case for 7 schools: 14.29% ≥ 10%
    found = run(share, RECORDS)["甲市"]
    assert found.observed == {"count": 1, "base": 7, "share": 0.1429}
    assert found.status is Status.MET


def test_a_share_of_the_quota() -> None:
    share = rule(
        kind="share",
        group_by="city",
        groups=["甲市", "乙市"],
        where={"scope": ["县域内"]},
        distinct=["supporter", "supported"],
        quota="floors",
        at_least=Decimal("0.8"),
        include_absent=True,
    )
    found = run(share, [*RECORDS, pair("5", "丙市", "X", "Y", scope="县域内")])
    # 甲市: 5 schools in county pairs of a task of 8 = 62.5% < 80%
    assert found["甲市"].observed == {"count": 5, "base": 8, "share": 0.625}
    assert found["甲市"].status is Status.UNMET
    # 乙市: no record, 0 of 4
    assert found["乙市"].observed == {"count": 0, "base": 4, "share": 0}
    assert "丙市" not in found  # not a listed group
    unlisted = rule(
        kind="share", group_by="city", where={"scope": ["县域内"]}, quota="floors", at_least=1
    )
    assert run(unlisted, [pair("5", "丙市", "X", "Y")])["丙市"].status is Status.NOT_APPLICABLE


@pytest.mark.parametrize(
    "fields",
    [
        {
            "kind": "count_distinct",
            "distinct": ["supporter"],
            "at_least": 1,
            "base_distinct": ["id"],
        },
        {"kind": "rate", "where": {"scope": ["县域内"]}, "quota": "floors"},
        {"kind": "share", "where": {}, "at_least": 1, "quota": "floors", "base": {"scope": []}},
        {"kind": "share", "where": {"scope": ["县域内"]}, "at_least": 1, "include_absent": True},
    ],
)
def test_inconsistent_rules_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        rule(**fields)


def test_unknown_fields_are_named() -> None:
    share = rule(
        kind="share", where={"scope": ["县域内"]}, base_distinct=["school"], at_least=Decimal(1)
    )
    with pytest.raises(ValueError, match="school"):
        run(share, RECORDS)
