"""hunan2016: the 2020 targets at their bounds, the pair rules, agreement completeness, the sample.

一: 学前三年毛入园率 85, 义务教育巩固率 98, 高中阶段毛入学率 93, 三类残疾儿童义务教育入学率 90
("达到……以上": at least the bound by default, above it under hunan2016.target_bound=exclusive);
the two gross ratios may exceed 100; a year before 2020 is reported as progress with its gap
(hunan2016.interim_years); every region is held to the province's targets by default
(hunan2016.target_regions).
一 3: a county pair's supported school is a weak school.  一 4: the five agreement items.
三 1: the report by the end of December every year.  三 2: no extra financial burden.
三 4: the veto concerns a school: each school, year by year, across all its pairs (a pair is in
place with a signed agreement by default).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pairing_rules_hunan2016 import (
    AGREEMENT_RULE,
    agreement_items,
    missing_items,
)

from pairing_rules import (
    CheckReport,
    Finding,
    Pack,
    PackError,
    Pair,
    Region,
    Registry,
    Status,
    audit,
    check,
    field_label,
    load_pack,
    normalize_quote,
)
from pairing_rules.testing import PackConformance
from pairing_rules.testing import strategies as prs

SAMPLE = Path(__file__).parents[1] / "examples" / "regions-pairs.json"
PACK_DIR = Path(__file__).parents[1] / "src" / "pairing_rules_hunan2016"
AS_OF = dt.date(2017, 6, 30)

#: requirement id -> (Region field, bound as printed in 一)
TARGETS = {
    "target.preschool_gross_enrolment": ("preschool_gross_enrolment", Decimal(85)),
    "target.compulsory_retention": ("compulsory_retention", Decimal(98)),
    "target.senior_secondary_gross_enrolment": ("senior_secondary_gross_enrolment", Decimal(93)),
    "target.disability_enrolment": ("disability_enrolment", Decimal(90)),
}
ITEMS = ["relationship", "content", "annual_plan", "responsible_department", "liaison"]
ITEM_ZH = {
    "relationship": "结对帮扶关系",
    "content": "帮扶内容",
    "annual_plan": "年度计划",
    "responsible_department": "责任部门",
    "liaison": "联络员",
}
FULL_AGREEMENT = {
    "relationship": "甲校帮扶乙校",
    "content": "同步课堂、专题教研",
    "annual_plan": "2017 年度计划",
    "responsible_department": "县教育局基础教育股",
    "liaison": "李老师",
}


PROPERTY = settings(max_examples=60, deadline=None)


@functools.cache
def installed() -> Pack:
    return Registry().get_pack("hunan2016")


@pytest.fixture(scope="module")
def pack() -> Pack:
    return installed()


class TestConformance(PackConformance):
    pack_id = "hunan2016"


# -- helpers ------------------------------------------------------------------------------


def region_finding(
    pack: Pack, requirement: str, overrides: dict[str, str] | None = None, **fields: Any
) -> Finding:
    report = check(
        pack, {"regions": [{"name": "测试市", **fields}]}, as_of=AS_OF, interpretations=overrides
    )
    assert not report.rejected, report.rejected
    (result,) = report.results
    return next(f for f in result.findings if f.requirement == requirement)


def pair(**fields: Any) -> dict[str, Any]:
    return {"id": "P-1", "supporter": "甲校", "supported": "乙校", **fields}


def pair_findings(
    pack: Pack, overrides: dict[str, str] | None = None, **fields: Any
) -> dict[str, Finding]:
    report = check(pack, {"pairs": [pair(**fields)]}, as_of=AS_OF, interpretations=overrides)
    assert not report.rejected, report.rejected
    (result,) = report.results
    return {f.requirement: f for f in result.findings}


# -- 一 2020 targets ---------------------------------------------------------------------------


@pytest.mark.parametrize("requirement", sorted(TARGETS))
@pytest.mark.parametrize(
    ("offset", "inclusive", "exclusive"),
    [
        ("-0.1", Status.UNMET, Status.UNMET),  # just below: unmet on both readings
        ("-0.0001", Status.UNMET, Status.UNMET),
        ("0", Status.MET, Status.UNMET),  # exactly the bound: 以上 includes it by default
        ("0.0001", Status.MET, Status.MET),  # just above: met on both readings
        ("0.1", Status.MET, Status.MET),
    ],
)
def test_target_at_and_around_its_bound(
    pack: Pack, requirement: str, offset: str, inclusive: Status, exclusive: Status
) -> None:
    field, bound = TARGETS[requirement]
    value = bound + Decimal(offset)
    default = region_finding(pack, requirement, **{field: value})
    assert default.status is inclusive
    assert default.record == "测试市"
    assert Decimal(str(default.observed[field])) == value  # the finding reports the value
    strict = region_finding(
        pack, requirement, {"hunan2016.target_bound": "exclusive"}, **{field: value}
    )
    assert strict.status is exclusive
    assert Decimal(str(strict.observed[field])) == value


def test_issue_example_meets_every_target(pack: Pack) -> None:
    record = {
        "name": "长沙市",
        "preschool_gross_enrolment": 86.5,
        "compulsory_retention": 98.2,
        "senior_secondary_gross_enrolment": 93.0,
        "disability_enrolment": 91.0,
    }
    report = check(pack, {"regions": [record]}, as_of=AS_OF)
    (result,) = report.results
    assert result.id == "长沙市" and result.passed
    observed = {f.requirement: f.observed for f in result.findings}
    # 86.5 ≥ 85, 98.2 ≥ 98, 93.0 ≥ 93 (the bound itself), 91.0 ≥ 90
    assert observed == {
        "target.preschool_gross_enrolment": {"preschool_gross_enrolment": 86.5},
        "target.compulsory_retention": {"compulsory_retention": 98.2},
        "target.senior_secondary_gross_enrolment": {"senior_secondary_gross_enrolment": 93},
        "target.disability_enrolment": {"disability_enrolment": 91},
    }
    # the exclusive reading fails 93.0 only (not above 93)
    strict = check(
        pack,
        {"regions": [record]},
        as_of=AS_OF,
        interpretations={"hunan2016.target_bound": "exclusive"},
    )
    assert [f.requirement for f in strict.results[0].findings if f.status is Status.UNMET] == [
        "target.senior_secondary_gross_enrolment"
    ]


@PROPERTY
@given(data=st.data())
def test_targets_compare_exactly(data: st.DataObject) -> None:
    pack = installed()
    requirement = data.draw(st.sampled_from(sorted(TARGETS)), label="target")
    field, bound = TARGETS[requirement]
    value = data.draw(prs.percents(places=4, none=False), label="value")
    assert value is not None
    inclusive = region_finding(pack, requirement, **{field: value})
    exclusive = region_finding(
        pack, requirement, {"hunan2016.target_bound": "exclusive"}, **{field: value}
    )
    assert (inclusive.status is Status.MET) == (value >= bound)
    assert (exclusive.status is Status.MET) == (value > bound)


@pytest.mark.parametrize("requirement", sorted(TARGETS))
def test_unreported_value_is_unmet_and_says_so(pack: Pack, requirement: str) -> None:
    field, _ = TARGETS[requirement]
    finding = region_finding(pack, requirement)
    assert finding.status is Status.UNMET
    assert "未填报" in finding.message.zh
    assert finding.observed == {field: None}


def test_a_reported_zero_is_not_called_unreported(pack: Pack) -> None:
    finding = region_finding(pack, "target.preschool_gross_enrolment", preschool_gross_enrolment=0)
    assert finding.status is Status.UNMET
    assert "未填报" not in finding.message.zh
    assert finding.observed == {"preschool_gross_enrolment": 0}


def test_target_facts_match_the_requirements(pack: Pack) -> None:
    facts = {p.id: p.value for p in pack.definition.provisions if p.kind == "target"}
    assert facts == {
        "target.preschool_gross_enrolment": 85,
        "target.compulsory_retention": 98,
        "target.senior_secondary_gross_enrolment": 93,
        "target.disability_enrolment": 90,
    }
    for requirement in pack.definition.requirements:
        if requirement.id in TARGETS:
            field, bound = TARGETS[requirement.id]
            first = requirement.conditions[0]
            assert first.value is not None and first.value.render() == field
            assert first.at_least == bound
            assert facts[requirement.id] == bound


def test_region_ids(pack: Pack) -> None:
    assert Region(name="长沙市").key == "长沙市"
    assert Region(name="长沙市", year=2020).key == "长沙市 2020"
    report = check(pack, {"regions": [{"name": "株洲市", "year": 2019}]}, as_of=AS_OF)
    assert {f.record for f in report.results[0].findings} == {"株洲市 2019"}


# -- the gross ratios ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["preschool_gross_enrolment", "senior_secondary_gross_enrolment"])
@pytest.mark.parametrize("value", ["100.1", "101.2", "130", "200"])
def test_a_gross_ratio_may_exceed_100(pack: Pack, field: str, value: str) -> None:
    requirement = next(r for r, (f, _) in TARGETS.items() if f == field)
    finding = region_finding(pack, requirement, **{field: Decimal(value)})
    # 101.2 ≥ 85 (or 93): met; under the exclusive reading floor((100 − 101.2) ÷ 15) = −1 ≤ 0: met
    assert finding.status is Status.MET
    strict = region_finding(
        pack, requirement, {"hunan2016.target_bound": "exclusive"}, **{field: Decimal(value)}
    )
    assert strict.status is Status.MET


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("preschool_gross_enrolment", "200.1"),  # more than twice the age group: a typing error
        ("senior_secondary_gross_enrolment", "1012"),
        ("compulsory_retention", "100.5"),  # a retention rate is a share: at most 100
        ("disability_enrolment", "101"),
    ],
)
def test_the_other_rates_stay_within_100(pack: Pack, field: str, value: str) -> None:
    report = check(pack, {"regions": [{"name": "甲县", field: value}]}, as_of=AS_OF)
    (rejected,) = report.rejected
    assert [e.field for e in rejected.errors] == [field]


# -- 一 "到2020年": the years before the target year ----------------------------------------------


def region_findings(
    pack: Pack, overrides: dict[str, str] | None = None, **fields: Any
) -> dict[str, Finding]:
    report = check(
        pack, {"regions": [{"name": "长沙市", **fields}]}, as_of=AS_OF, interpretations=overrides
    )
    assert not report.rejected, report.rejected
    (result,) = report.results
    return {f.requirement: f for f in result.findings}


@pytest.mark.parametrize(
    ("year", "value", "gap", "met"),
    [
        (2016, "80", 5, False),  # 85 − 80 = 5 points to go
        (2018, "84.9", Decimal("0.1"), False),  # 85 − 84.9 = 0.1
        (2019, "85", 0, True),  # already at the target: no gap
        (2019, "101.2", 0, True),
    ],
)
def test_a_year_before_2020_is_progress_with_its_gap(
    pack: Pack, year: int, value: str, gap: Decimal, met: bool
) -> None:
    found = region_findings(pack, year=year, preschool_gross_enrolment=Decimal(value))
    # the target itself judges only 2020 and later
    assert found["target.preschool_gross_enrolment"].status is Status.NOT_APPLICABLE
    progress = found["target.preschool_gross_enrolment.progress"]
    assert progress.status is Status.INFO
    assert progress.record == f"长沙市 {year}"
    assert progress.observed == {
        "preschool_gross_enrolment": float(Decimal(value)) if "." in value else int(value),
        "gap": float(gap) if isinstance(gap, Decimal) else gap,
    }
    assert ("已达到" in progress.message.zh) is met
    # the reading in force, by its words (no interpretation id in a Chinese message)
    assert "报告进度：列出与 2020 年目标的差距" in progress.message.zh
    assert "hunan2016" not in progress.message.zh
    # an information finding never fails the record
    assert all(f.status is not Status.UNMET for f in found.values())


def test_a_year_before_2020_under_the_held_reading(pack: Pack) -> None:
    held = {"hunan2016.interim_years": "held"}
    found = region_findings(pack, held, year=2018, preschool_gross_enrolment=80)
    interim = found["target.preschool_gross_enrolment.interim"]
    assert interim.status is Status.UNMET  # 80 < 85
    assert interim.observed == {"preschool_gross_enrolment": 80}
    assert "按目标判定：任何年度都须已达到 2020 年目标" in interim.message.zh
    assert "target.preschool_gross_enrolment.progress" not in found
    at = region_findings(pack, held, year=2018, preschool_gross_enrolment=85)
    assert at["target.preschool_gross_enrolment.interim"].status is Status.MET


@pytest.mark.parametrize(
    ("year", "judged"), [(2019, False), (2020, True), (2021, True), (None, True)]
)
def test_the_target_year_and_later_are_judged(pack: Pack, year: int | None, judged: bool) -> None:
    found = region_findings(pack, year=year, preschool_gross_enrolment=80)
    status = found["target.preschool_gross_enrolment"].status
    assert status is (Status.UNMET if judged else Status.NOT_APPLICABLE)
    assert ("target.preschool_gross_enrolment.progress" in found) is not judged


def test_every_year_is_judged_or_reported_once(pack: Pack) -> None:
    # the judged years of the requirements and the years the hook reports partition 1949–2100
    year = 2020
    for requirement in (r for r in pack.definition.requirements if r.collection == "regions"):
        assert requirement.applies_to is not None
        years = requirement.applies_to["year"]
        assert not isinstance(years, list)  # a range: 2020 or later, or no year
        judged = {y for y in [*range(1949, 2101), None] if years.covers(y)}
        assert judged == {*range(year, 2101), None}, requirement.id
    assert next(p.value for p in pack.definition.provisions if p.id == "goal.year") == year


# -- 一 "全省": the province's targets on a city or a county ----------------------------------------


def test_every_region_is_held_to_the_targets_by_default(pack: Pack) -> None:
    found = region_findings(pack, year=2020, parent="湖南省", preschool_gross_enrolment=84)
    assert found["target.preschool_gross_enrolment"].status is Status.UNMET  # 84 < 85


@pytest.mark.parametrize("province", ["湖南省", "湖南", "全省"])
def test_only_the_province_is_judged_under_province_only(pack: Pack, province: str) -> None:
    only = {"hunan2016.target_regions": "province_only"}
    report = check(
        pack,
        {
            "regions": [
                {"name": province, "year": 2020, "preschool_gross_enrolment": 84},
                {"name": "长沙市", "year": 2020, "preschool_gross_enrolment": 84},
                {"name": "邵阳市", "year": 2018, "preschool_gross_enrolment": 84},
            ]
        },
        as_of=AS_OF,
        interpretations=only,
    )
    found = {(r.id, f.requirement): f for r in report.results for f in r.findings}
    target = "target.preschool_gross_enrolment"
    # the province: 84 < 85, unmet
    assert found[(f"{province} 2020", target)].status is Status.UNMET
    # a city: not judged, its figure reported with the gap of 85 − 84 = 1
    assert found[("长沙市 2020", target)].status is Status.NOT_APPLICABLE
    region = found[("长沙市 2020", f"{target}.region")]
    assert region.status is Status.INFO
    assert region.observed == {"preschool_gross_enrolment": 84, "gap": 1}
    assert "否：只判定全省" in region.message.zh and "province_only" not in region.message.zh
    # a city's earlier year is information of the same kind, not progress
    assert ("邵阳市 2018", f"{target}.region") in found
    assert ("邵阳市 2018", f"{target}.progress") not in found
    assert not any(
        f.status is Status.UNMET for (rid, _), f in found.items() if rid != f"{province} 2020"
    )


# -- pairs: 一 3, 三 2, 三 4 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "status"),
    [(False, Status.MET), (True, Status.UNMET), (None, Status.UNMET)],
)
def test_no_extra_burden(pack: Pack, value: bool | None, status: Status) -> None:
    finding = pair_findings(pack, extra_burden=value)["funding.no_extra_burden"]
    assert finding.status is status
    if value is None:
        assert "未填报" in finding.message.zh


@pytest.mark.parametrize(
    ("scope", "weak", "status"),
    [
        ("县域内", True, Status.MET),
        ("县域内", False, Status.UNMET),
        ("县域内", None, Status.UNMET),
        ("市域内", False, Status.NOT_APPLICABLE),  # 一 3 is the county's own pairing
        (None, False, Status.NOT_APPLICABLE),
    ],
)
def test_county_pairs_support_weak_schools(
    pack: Pack, scope: str | None, weak: bool | None, status: Status
) -> None:
    finding = pair_findings(pack, scope=scope, supported_weak=weak)["pairing.weak_supported"]
    assert finding.status is status


@pytest.mark.parametrize(
    ("signed", "status"), [(True, Status.MET), (False, Status.UNMET), (None, Status.UNMET)]
)
def test_in_place_means_a_signed_agreement(pack: Pack, signed: bool | None, status: Status) -> None:
    assert pair_findings(pack, agreement_signed=signed)["in_place.pair"].status is status


@pytest.mark.parametrize(
    ("activity", "status"),
    [
        ({}, Status.UNMET),  # nothing recorded: 0 < 1
        ({"training_visits": 0, "joint_projects": 0}, Status.UNMET),
        ({"training_visits": 1}, Status.MET),  # exactly one activity: 1 ≥ 1
        ({"managers_sent": 1, "min_semester_research_meetings": 2}, Status.MET),  # 3 ≥ 1
    ],
)
def test_in_place_with_activity(pack: Pack, activity: dict[str, int], status: Status) -> None:
    overrides = {"hunan2016.in_place": "signed_and_active"}
    found = pair_findings(pack, overrides, agreement_signed=True, **activity)
    assert found["in_place.pair"].status is status
    # an unsigned pair is not in place however active it is
    unsigned = pair_findings(pack, overrides, agreement_signed=False, training_visits=5)
    assert unsigned["in_place.pair"].status is Status.UNMET


# -- 三 4 the veto, per school -------------------------------------------------------------------


def vetoes(pack: Pack, pairs: list[dict[str, Any]], **overrides: str) -> dict[str | None, Finding]:
    report = check(pack, {"pairs": pairs}, as_of=AS_OF, interpretations=overrides)
    assert not report.rejected
    return {g.group: g for g in report.groups if g.requirement == "veto.in_place"}


def test_the_veto_judges_each_school_across_its_pairs(pack: Pack) -> None:
    pairs = [
        pair(id="A", supporter="甲校", supported="乙校", year=2017, agreement_signed=True),
        pair(id="B", supporter="甲校", supported="丙校", year=2017, agreement_signed=False),
        pair(id="C", supporter="丁校", supported=" 乙 校", year=2017, agreement_signed=True),
        pair(id="D", supporter="甲校", supported="乙校", year=2018, agreement_signed=True),
    ]
    found = vetoes(pack, pairs)
    # 甲校 2017: A in place, B not: one pair of two not in place, vetoed
    jia = found["甲校（2017 年度）"]
    assert jia.status is Status.UNMET
    assert jia.observed == {"pairs": ["A", "B"], "not_in_place": ["B"]}
    assert "一票否决" in jia.message.zh and "B" in jia.message.zh
    # 丙校 is the supported school of B: its pairing work is not in place either
    assert found["丙校（2017 年度）"].status is Status.UNMET
    # 乙校 (" 乙 校" is the same school) has A and C, both in place
    assert found["乙校（2017 年度）"].observed == {"pairs": ["A", "C"], "not_in_place": []}
    assert found["乙校（2017 年度）"].status is Status.MET
    # another year is another year-end review: 甲校 2018 is in place
    assert found["甲校（2018 年度）"].status is Status.MET
    assert set(found) == {
        "甲校（2017 年度）",
        "乙校（2017 年度）",
        "丙校（2017 年度）",
        "丁校（2017 年度）",
        "甲校（2018 年度）",
        "乙校（2018 年度）",
    }
    # one pair in place is enough under any_pair: 甲校 2017 passes, 丙校 (B only) does not
    lenient = vetoes(pack, pairs, **{"hunan2016.school_in_place": "any_pair"})
    assert lenient["甲校（2017 年度）"].status is Status.MET
    assert lenient["丙校（2017 年度）"].status is Status.UNMET
    assert lenient["甲校（2017 年度）"].expected == "至少一个结对到位"


def test_the_veto_follows_what_in_place_means(pack: Pack) -> None:
    pairs = [pair(id="A", supporter="甲校", supported="乙校", agreement_signed=True)]
    assert vetoes(pack, pairs)["甲校（年度未填）"].status is Status.MET
    # signed but no recorded activity: not in place when activity is required
    active = vetoes(pack, pairs, **{"hunan2016.in_place": "signed_and_active"})
    assert active["甲校（年度未填）"].status is Status.UNMET


# -- 一 4 agreement completeness --------------------------------------------------------------


def test_agreement_items_follow_the_document(pack: Pack) -> None:
    assert agreement_items(pack) == ITEMS


def test_complete_agreement(pack: Pack) -> None:
    finding = pair_findings(pack, agreement=FULL_AGREEMENT)[AGREEMENT_RULE]
    assert finding.status is Status.MET
    assert finding.record == "P-1"
    assert finding.observed == {"missing": []}
    assert finding.expected == {"required": ITEMS}
    assert finding.source.section == "一 4"


def test_missing_agreement(pack: Pack) -> None:
    finding = pair_findings(pack)[AGREEMENT_RULE]
    assert finding.status is Status.UNMET
    assert finding.observed == {"missing": ITEMS}
    assert "未填报" in finding.message.zh and "P-1" in finding.message.zh


@pytest.mark.parametrize(
    "missing",
    [list(c) for n in range(1, 6) for c in itertools.combinations(ITEMS, n)],
    ids=lambda m: "+".join(m),
)
def test_every_combination_of_missing_items(pack: Pack, missing: list[str]) -> None:
    # absent, empty and blank text all count as not stated
    blanks = itertools.cycle([None, "", "   "])
    agreement: dict[str, Any] = dict(FULL_AGREEMENT)
    for name in missing:
        blank = next(blanks)
        if blank is None:
            del agreement[name]
        else:
            agreement[name] = blank
    finding = pair_findings(pack, agreement=agreement)[AGREEMENT_RULE]
    assert finding.status is Status.UNMET
    assert finding.observed == {"missing": missing}
    assert finding.message.zh.endswith("缺少：" + "、".join(ITEM_ZH[m] for m in missing))
    stated = [ITEM_ZH[i] for i in ITEMS if i not in missing]
    for label in stated:
        assert label not in finding.message.zh.split("缺少：")[1]


@PROPERTY
@given(
    agreement=st.one_of(st.none(), prs.agreements()),
)
def test_missing_items_are_exactly_the_empty_ones(agreement: Any) -> None:
    record = Pair(id="P", supporter="甲校", supported="乙校", agreement=agreement)
    expected = (
        ITEMS
        if agreement is None
        else [i for i in ITEMS if not (getattr(agreement, i) or "").strip()]
    )
    assert missing_items(record, ITEMS) == expected


def test_a_bad_agreement_item_list_fails_at_load(tmp_path: Path) -> None:
    text = (PACK_DIR / "pack.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "value: [relationship, content, annual_plan, responsible_department, liaison]",
        "value: [relationship, contents]",
    )
    assert broken != text
    copy = tmp_path / PACK_DIR.name
    shutil.copytree(PACK_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "pack.yaml").write_text(broken, encoding="utf-8")
    loaded = load_pack(copy / "pack.yaml")
    with pytest.raises(PackError, match="contents"):
        agreement_items(loaded)


# -- 三 1 annual report ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "state"),
    [
        (dt.date(2016, 12, 30), "upcoming"),
        (dt.date(2016, 12, 31), "due_today"),  # 12月底前: 31 December is the last day
        (dt.date(2017, 1, 1), "passed"),
    ],
)
def test_annual_report_deadline(pack: Pack, as_of: dt.date, state: str) -> None:
    report = check(pack, {"pairs": []}, as_of=as_of)
    states = {m.id: m.state.value for m in report.milestones}
    assert states["report.2016"] == state
    assert states["report.2017"] == "upcoming"


def test_one_report_milestone_a_year_until_the_target_year(pack: Pack) -> None:
    due = {m.id: m.due for m in pack.definition.milestones}
    assert due == {f"report.{y}": dt.date(y, 12, 31) for y in range(2016, 2021)}
    rule = next(p for p in pack.definition.provisions if p.id == "report.annual")
    assert rule.value["recurrence"] == "yearly" and rule.value["month"] == 12
    assert {m.source for m in pack.definition.milestones} == {rule.source}


# -- the document, metadata, provisions and audit -----------------------------------------------


def test_metadata(pack: Pack) -> None:
    doc = pack.document
    assert doc.issuer == "湖南省教育厅"
    assert doc.doc_number == "湘教通〔2016〕420号"
    assert doc.published is None and doc.year == 2016
    assert any("没有落款日期" in n.zh and "no date" in n.en for n in doc.notes)
    assert normalize_quote(doc.title) in normalize_quote(doc.text)
    assert normalize_quote("湘教通〔2016〕420号") in normalize_quote(doc.text)


def test_show_lists_every_provision_of_the_issue(pack: Pack) -> None:
    provisions = {p.id: p for p in pack.provisions()}
    wanted = {
        "target.preschool_gross_enrolment",
        "target.compulsory_retention",
        "target.senior_secondary_gross_enrolment",
        "target.disability_enrolment",
        "requirement.target.preschool_gross_enrolment",
        "requirement.target.compulsory_retention",
        "requirement.target.senior_secondary_gross_enrolment",
        "requirement.target.disability_enrolment",
        "agreement.contents",
        "report.annual",
        "milestone.report.2016",
        "funding.no_extra_burden",
        "requirement.funding.no_extra_burden",
        "veto.not_in_place",
        "requirement.in_place.pair",
        "measure.conditions",
        "measure.resources",
        "measure.management",
        "measure.teachers",
        "measure.research",
        "measure.students",
    }
    assert wanted <= set(provisions)
    for p in provisions.values():
        assert pack.document.contains(p.source.quote), p.id
    # the six groups of measures of 二, one each
    assert sorted(
        p.source.section
        for p in pack.definition.provisions
        if p.kind == "measure" and p.id.count(".") == 1 and p.id.startswith("measure.")
    ) == ["二 1", "二 2", "二 3", "二 4", "二 5", "二 6"]


def test_every_section_of_the_document_is_cited(pack: Pack) -> None:
    sections = {s.section for _, s in pack.sources()}
    for section in ["导语", "一", "一 1", "一 2", "一 3", "一 4", "二"]:
        assert section in sections
    for n in range(1, 7):
        assert f"二 {n}" in sections
    for n in range(1, 5):
        assert f"三 {n}" in sections


def test_the_document_does_not_contradict_itself(pack: Pack) -> None:
    # no printed totals, tables or competing passages: the audit is empty
    found = {(f.code, f.subject): (f.observed, f.expected) for f in audit(pack).findings}
    assert found == {}


# -- the sample, JSON output, bad records, the CLI -----------------------------------------------


def test_the_sample(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "示例数据" in data["_sample"] and "SAMPLE" in data["_sample"]
    report = check(pack, data, as_of=AS_OF)
    assert not report.rejected
    status = {(r.id, f.requirement): f.status for r in report.results for f in r.findings}
    u, m, na, info = Status.UNMET, Status.MET, Status.NOT_APPLICABLE, Status.INFO
    targets = [
        "target.preschool_gross_enrolment",
        "target.compulsory_retention",
        "target.senior_secondary_gross_enrolment",
        "target.disability_enrolment",
    ]
    assert status == {
        # 86.5 ≥ 85, 98.2 ≥ 98, 93.0 = 93, 91 ≥ 90
        ("长沙市 2020", "target.preschool_gross_enrolment"): m,
        ("长沙市 2020", "target.compulsory_retention"): m,
        ("长沙市 2020", "target.senior_secondary_gross_enrolment"): m,
        ("长沙市 2020", "target.disability_enrolment"): m,
        # every value exactly at its bound
        ("株洲市 2020", "target.preschool_gross_enrolment"): m,
        ("株洲市 2020", "target.compulsory_retention"): m,
        ("株洲市 2020", "target.senior_secondary_gross_enrolment"): m,
        ("株洲市 2020", "target.disability_enrolment"): m,
        # 84.9 < 85, 97.9 < 98, 92.5 < 93, 90.1 ≥ 90
        ("邵阳市 2020", "target.preschool_gross_enrolment"): u,
        ("邵阳市 2020", "target.compulsory_retention"): u,
        ("邵阳市 2020", "target.senior_secondary_gross_enrolment"): u,
        ("邵阳市 2020", "target.disability_enrolment"): m,
        # 82.3 < 85, 98.6 ≥ 98, not reported, 88 < 90
        ("湘西土家族苗族自治州 2020", "target.preschool_gross_enrolment"): u,
        ("湘西土家族苗族自治州 2020", "target.compulsory_retention"): m,
        ("湘西土家族苗族自治州 2020", "target.senior_secondary_gross_enrolment"): u,
        ("湘西土家族苗族自治州 2020", "target.disability_enrolment"): u,
        # 2018 is before the target year: not judged, reported as progress
        **{("长沙市 2018", t): na for t in targets},
        **{("长沙市 2018", f"{t}.progress"): info for t in targets},
        # gross ratios above 100: 101.2 ≥ 85, 99.1 ≥ 98, 102.5 ≥ 93, 95 ≥ 90
        **{("示例县 2020", t): m for t in targets},
        ("HN-001", "pairing.weak_supported"): m,
        ("HN-001", "funding.no_extra_burden"): m,
        ("HN-001", "in_place.pair"): m,
        ("HN-001", AGREEMENT_RULE): m,
        ("HN-002", "pairing.weak_supported"): m,
        ("HN-002", "funding.no_extra_burden"): m,
        ("HN-002", "in_place.pair"): m,
        ("HN-002", AGREEMENT_RULE): u,  # no annual plan, no liaison
        ("HN-003", "pairing.weak_supported"): na,
        ("HN-003", "funding.no_extra_burden"): u,
        ("HN-003", "in_place.pair"): u,
        ("HN-003", AGREEMENT_RULE): u,  # no agreement at all
        ("HN-004", "pairing.weak_supported"): na,
        ("HN-004", "funding.no_extra_burden"): m,
        ("HN-004", "in_place.pair"): m,
        ("HN-004", AGREEMENT_RULE): u,  # a liaison of blanks only
        ("HN-005", "pairing.weak_supported"): m,
        ("HN-005", "funding.no_extra_burden"): m,
        ("HN-005", "in_place.pair"): u,  # no agreement signed
        ("HN-005", AGREEMENT_RULE): u,
    }
    # 长沙市 2018: 85 − 83.5 = 1.5, 98.4 ≥ 98 (no gap), 93 − 91 = 2, 90 − 88.5 = 1.5
    gaps = {
        f.requirement: f.observed["gap"]
        for r in report.results
        if r.id == "长沙市 2018"
        for f in r.findings
        if f.status is info
    }
    assert gaps == {
        "target.preschool_gross_enrolment.progress": 1.5,
        "target.compulsory_retention.progress": 0,
        "target.senior_secondary_gross_enrolment.progress": 2,
        "target.disability_enrolment.progress": 1.5,
    }
    missing = {
        r.id: f.observed["missing"]
        for r in report.results
        for f in r.findings
        if f.requirement == AGREEMENT_RULE
    }
    assert missing == {
        "HN-001": [],
        "HN-002": ["annual_plan", "liaison"],
        "HN-003": ITEMS,
        "HN-004": ["liaison"],
        "HN-005": ITEMS,
    }
    # 三 4 per school (all pairs are of 2017): 示例县第一实验小学 has HN-001 in place and HN-005 not
    schools = {g.group: g.status for g in report.groups if g.requirement == "veto.in_place"}
    assert schools == {
        "示例县第一实验小学（2017 年度）": u,  # HN-005 unsigned
        "示例县山村小学（2017 年度）": m,
        "示例县水库小学（2017 年度）": u,
        "示例区实验中学（2017 年度）": m,
        "示例镇中学（2017 年度）": m,
        "示例市第二中学（2017 年度）": u,  # HN-003 unsigned
        "示例乡中学（2017 年度）": u,
        "示例市实验小学（2017 年度）": m,
        "示例县中心小学（2017 年度）": m,
    }
    assert {g.requirement for g in report.groups} == {"veto.in_place"}
    # the exact-bound city fails all four under the exclusive reading
    strict = check(pack, data, as_of=AS_OF, interpretations={"hunan2016.target_bound": "exclusive"})
    zhuzhou = next(r for r in strict.results if r.id == "株洲市 2020")
    assert {f.status for f in zhuzhou.findings} == {Status.UNMET}
    # HN-002 records no activity: not in place when activity is required
    active = check(
        pack, data, as_of=AS_OF, interpretations={"hunan2016.in_place": "signed_and_active"}
    )
    in_place = {
        r.id: f.status
        for r in active.results
        for f in r.findings
        if f.requirement == "in_place.pair"
    }
    assert in_place == {"HN-001": m, "HN-002": u, "HN-003": u, "HN-004": m, "HN-005": u}
    vetoed = {g.group for g in active.groups if g.status is u}
    assert "示例区实验中学（2017 年度）" in vetoed and "示例镇中学（2017 年度）" in vetoed


def test_check_json_shape(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    report = check(pack, data, as_of=AS_OF)
    out = report.as_json()
    assert set(out) == {
        "contract",
        "pack",
        "pack_hash",
        "as_of",
        "as_of_given",
        "interpretations",
        "summary",
        "results",
        "groups",
        "rejected",
        "progress",
        "milestones",
        "provenance",
        "notices",
        "period",
    }
    assert out["pack"] == "hunan2016@2.1.0" and out["pack_hash"] == pack.content_hash
    assert out["as_of"] == "2017-06-30"
    assert {(u["id"], u["value"], u["default"]) for u in out["interpretations"]} == {
        ("hunan2016.in_place", "signed", True),
        ("hunan2016.interim_years", "progress", True),
        ("hunan2016.school_in_place", "every_pair", True),
        ("hunan2016.target_bound", "inclusive", True),
        ("hunan2016.target_regions", "every_region", True),
    }
    # regions: 长沙 2020 4 met, 株洲 4 met, 邵阳 1 met + 3 unmet, 湘西 1 met + 3 unmet,
    # 长沙 2018 4 n/a + 4 progress (information), 示例县 4 met → 14 met, 6 unmet, 4 n/a, 4 info;
    # pairs: HN-001 4 met, HN-002 3 met + 1 unmet, HN-003 1 n/a + 3 unmet, HN-004 1 n/a + 2 met
    # + 1 unmet, HN-005 2 met + 2 unmet → 11 met, 7 unmet, 2 n/a (agreements filed under pairs);
    # schools (veto, groups): 5 met, 4 unmet.
    # met 14 + 11 + 5 = 30, unmet 6 + 7 + 4 = 17; 11 records, 5 pass (长沙 2020, 株洲, 长沙 2018,
    # 示例县, HN-001)
    assert out["summary"] == {
        "met": 30,
        "unmet": 17,
        "not_applicable": 6,
        "needs_evidence": 0,
        "info": 4,
        "error": 0,
        "records": 11,
        "passed": 5,
        "rejected": 0,
    }
    first = out["results"][0]["findings"][0]
    assert first == {
        "requirement": "target.preschool_gross_enrolment",
        "label": {
            "zh": "学前三年毛入园率达到 85% 以上（2020 年目标）",
            "en": "pre-school gross enrolment 85% or above (2020 target)",
        },
        "status": "met",
        "record": "长沙市 2020",
        "collection": "regions",
        "group": None,
        "observed": {"preschool_gross_enrolment": 86.5},
        "expected": {"preschool_gross_enrolment": "≥ 85"},
        "source": {
            "section": "一",
            "quote": "到2020年，基本普及学前教育，学前三年毛入园率达到85%以上",
        },
        "message": {
            "zh": "学前三年毛入园率（%） 86.5（要求 ≥ 85）",
            "en": "pre-school gross enrolment (%) 86.5 (required ≥ 85)",
        },
    }
    assert {g["requirement"] for g in out["groups"]} == {"veto.in_place"}
    hn002 = next(r for r in out["results"] if r["id"] == "HN-002")
    group = next(f for f in hn002["findings"] if f["requirement"] == AGREEMENT_RULE)
    assert group["record"] == "HN-002" and group["collection"] == "pairs"
    assert group["observed"] == {"missing": ["annual_plan", "liaison"]}
    assert group["message"]["zh"] == "结对 HN-002 的帮扶协议缺少：年度计划、联络员"
    assert [m["id"] for m in out["milestones"]] == [f"report.{y}" for y in range(2016, 2021)]
    assert CheckReport.model_validate_json(report.model_dump_json()) == report
    json.dumps(out, ensure_ascii=False)


@pytest.mark.parametrize(
    ("collection", "record", "field"),
    [
        (
            "regions",
            {"name": "甲市", "preschool_gross_enrolment": 201},
            "preschool_gross_enrolment",
        ),
        ("regions", {"name": "甲市", "compulsory_retention": 101}, "compulsory_retention"),
        ("regions", {"name": "甲市", "compulsory_retention": -1}, "compulsory_retention"),
        ("regions", {"name": "甲市", "disability_enrolment": "九成"}, "disability_enrolment"),
        ("regions", {"preschool_gross_enrolment": 90}, "name"),
        ("regions", {"id": "X", "name": "甲市"}, "id"),  # a region is named, not numbered
        ("pairs", pair(extra_burden="也许"), "extra_burden"),
        ("pairs", pair(agreement="有"), "agreement"),
        ("pairs", pair(agreement={"liason": "王老师"}), "agreement.liason"),
        ("pairs", {"id": "P-1", "supported": "乙校"}, "supporter"),
    ],
)
def test_bad_records_are_rejected_with_the_field_named(
    pack: Pack, collection: str, record: dict[str, Any], field: str
) -> None:
    good = (
        {"name": "乙市", "preschool_gross_enrolment": 90}
        if collection == "regions"
        else pair(id="P-0", agreement=FULL_AGREEMENT)
    )
    report = check(pack, {collection: [good, record]}, as_of=AS_OF)
    (rejected,) = report.rejected
    assert rejected.index == 1
    assert field in [e.field for e in rejected.errors]
    error = next(e for e in rejected.errors if e.field == field)
    # English names the field; Chinese by its label only (a field the record lacks: as given)
    assert field in error.message.en
    top = field.split(".")[0]
    label = field_label(pack.record_types[collection], top, "zh")
    assert f"“{label}”" in error.message.zh, error.message.zh
    if label != top:
        assert top not in error.message.zh, error.message.zh
    assert len(report.results) == 1  # the valid record is still checked


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("pairing-rules")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "pairing_rules"]
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def test_cli_lists_shows_and_checks() -> None:
    listed = _cli("packs", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    mine = next(p for p in json.loads(listed.stdout) if p["id"] == "hunan2016")
    assert mine["doc_number"] == "湘教通〔2016〕420号" and mine["published"] is None
    assert mine["collections"] == ["regions", "pairs"]

    shown = _cli("show", "hunan2016", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    detail = json.loads(shown.stdout)
    quotes = {p["id"]: p["source"]["quote"] for p in detail["provisions"]}
    assert quotes["veto.not_in_place"].startswith("对口帮扶工作未到位的学校")
    assert quotes["report.annual"].startswith("各市州教育（体）局每年12月底前")

    checked = _cli("check", "hunan2016", str(SAMPLE), "--as-of", "2017-06-30", "--format", "json")
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout)["summary"]["unmet"] == 17
    failing = _cli("check", "hunan2016", str(SAMPLE), "--as-of", "2017-06-30", "--fail-on-unmet")
    assert failing.returncode == 1
    # the console wraps long lines: compare without white space
    assert "结对HN-003未填报帮扶协议内容" in normalize_quote(failing.stdout)
