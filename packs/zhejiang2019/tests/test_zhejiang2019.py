"""zhejiang2019: the 1000-school pairing plan, checked by hand at and around every threshold.

四(一): per city, schools in county pairs about 80%, in city pairs about 15% (± the tolerance, 5
points by default), in province pairs at least 5% for the cities with counterpart-support duties
(嘉兴, 湖州, 绍兴, 金华, 台州 per 附件2 by default) and at least 10% for 杭州 and 宁波; every share
of the city's actual paired schools by default (of its 附件1 floor under share_base=task).
四(二): each pair adopts at least 2 of the 4 forms.  附件1: floors in distinct schools, a city of
附件1 without a pair at 0.  六(二)2: typical cases for at least 10% of the paired schools.
六(四)1: one to one, and the four contents of an agreement.  附件6: signing, equipment, space rates.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pairing_rules_zhejiang2019 as zj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pairing_rules_zhejiang2019 import (
    CITIES,
    PlanScope,
    ZhejiangPair,
    city_key,
    cross_city_supporters,
)

from pairing_rules import CheckReport, Dataset, Finding, Pack, Registry, Status, audit, check, quota
from pairing_rules.testing import PackConformance
from pairing_rules.testing import strategies as prs

SAMPLE = Path(__file__).parents[1] / "examples" / "pairs-2019.json"
AS_OF = dt.date(2019, 6, 30)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Registry().get_pack("zhejiang2019")


class TestConformance(PackConformance):
    pack_id = "zhejiang2019"

    def records(self, pack: Pack, collection: str) -> st.SearchStrategy[Any]:
        # the pack reads pairs as ZhejiangPair; cities drawn in both spellings and one unknown
        cities = (*CITIES, "杭州市", "温州市", "上海市")
        # of the years the pack is in force (2019 on): the others are rejected, not checked
        drawn = st.tuples(prs.pairs(cities=cities), prs.years(period=pack.period))
        return drawn.map(lambda p: ZhejiangPair.model_validate({**p[0].model_dump(), "year": p[1]}))


# ------------------------------------------------------------------------------- helpers


def pair(pid: str, city: str = "温州", **fields: Any) -> dict[str, Any]:
    """A pair with distinct school names and two forms unless told otherwise."""
    record = {
        "id": pid,
        "city": city,
        "county": "甲县",
        "supporter": f"{pid}城区学校",
        "supported": f"{pid}乡村学校",
        "scope": "县域内",
        "forms": ["城乡同步课堂", "教师网络研修"],
        "agreement_signed": True,
    }
    record.update(fields)
    return record


def city_pairs(
    city: str, county: int = 0, city_scope: int = 0, province: int = 0
) -> list[dict[str, Any]]:
    """``county`` + ``city_scope`` + ``province`` pairs of ``city``, by scope."""
    out = []
    for scope, n in (("县域内", county), ("市域内", city_scope), ("省域内", province)):
        for i in range(n):
            out.append(pair(f"{city}-{scope}-{i}", city, scope=scope))
    return out


def run(records: Iterable[dict[str, Any]], **overrides: str) -> CheckReport:
    report = check(pack_(), {"pairs": list(records)}, as_of=AS_OF, interpretations=overrides)
    assert not report.rejected, report.rejected
    return report


_PACK: list[Pack] = []


def pack_() -> Pack:
    if not _PACK:
        _PACK.append(Registry().get_pack("zhejiang2019"))
    return _PACK[0]


def group(report: CheckReport, requirement: str, city: str) -> Finding:
    (found,) = [g for g in report.groups if g.requirement == requirement and g.group == city]
    return found


def groups_of(report: CheckReport, city: str) -> set[str]:
    return {g.requirement for g in report.groups if g.group == city}


# ------------------------------------------------------------------ 四(一) scope mix per city


@pytest.mark.parametrize(
    ("county", "status"),
    [
        (74, Status.UNMET),  # 74% is 6 points below 80%
        (75, Status.MET),  # 80% − 5 points: at the tolerance
        (76, Status.MET),
        (80, Status.MET),
        (84, Status.MET),
        (85, Status.MET),  # 80% + 5 points
        (86, Status.UNMET),
    ],
)
def test_county_share_about_80_percent(county: int, status: Status) -> None:
    # 100 pairs of 温州 (no counterpart-support duty): `county` county pairs, the rest city pairs;
    # two distinct schools a pair: 2 × county schools of 200
    report = run(city_pairs("温州", county=county, city_scope=100 - county))
    found = group(report, "scope_mix.county", "温州")
    assert found.status is status
    assert found.observed == {"count": 2 * county, "base": 200, "share": county / 100}
    assert found.expected == "80% ± 5%"


@pytest.mark.parametrize(
    ("city_scope", "status"),
    [(9, Status.UNMET), (10, Status.MET), (15, Status.MET), (20, Status.MET), (21, Status.UNMET)],
)
def test_city_share_about_15_percent(city_scope: int, status: Status) -> None:
    # 15% ± 5 points: 10% and 20% are at the tolerance, 9% and 21% outside
    report = run(city_pairs("衢州", county=100 - city_scope, city_scope=city_scope))
    assert group(report, "scope_mix.city", "衢州").status is status


def test_the_tolerance_is_an_interpretation() -> None:
    # 70 county pairs of 100: 10 points below 80%, unmet at ± 5, met at ± 10, unmet at ± 3
    records = city_pairs("丽水", county=70, city_scope=30)
    assert group(run(records), "scope_mix.county", "丽水").status is Status.UNMET
    wide = run(records, **{"zhejiang2019.about_tolerance": "0.10"})
    assert group(wide, "scope_mix.county", "丽水").status is Status.MET
    assert group(wide, "scope_mix.county", "丽水").expected == "80% ± 10%"
    # 77 of 100: 3 points off, met at ± 3 and unmet at ± 0.02
    records = city_pairs("丽水", county=77, city_scope=23)
    narrow = run(records, **{"zhejiang2019.about_tolerance": "0.03"})
    assert group(narrow, "scope_mix.county", "丽水").status is Status.MET
    narrower = run(records, **{"zhejiang2019.about_tolerance": "0.02"})
    assert group(narrower, "scope_mix.county", "丽水").status is Status.UNMET


@pytest.mark.parametrize("city", ["杭州", "宁波"])
@pytest.mark.parametrize(
    ("province", "status"), [(9, Status.UNMET), (10, Status.MET), (11, Status.MET)]
)
def test_province_share_at_least_10_percent_in_hangzhou_and_ningbo(
    city: str, province: int, status: Status
) -> None:
    # 100 pairs: 75 county, 15 city, the rest province; ≥ 10% (以上 includes 10%)
    report = run(city_pairs(city, county=75, city_scope=25 - province, province=province))
    found = group(report, "scope_mix.province_hangzhou_ningbo", city)
    assert found.status is status
    assert found.observed["share"] == province / 100
    # 杭州 and 宁波 are held to 10%, not also to the 5% of the other duty cities
    assert "scope_mix.province_duty" not in groups_of(report, city)
    assert "scope_mix.province_other" not in groups_of(report, city)


@pytest.mark.parametrize("city", ["嘉兴", "湖州", "绍兴", "金华", "台州"])
@pytest.mark.parametrize(
    ("province", "status"), [(4, Status.UNMET), (5, Status.MET), (6, Status.MET)]
)
def test_province_share_at_least_5_percent_in_duty_cities(
    city: str, province: int, status: Status
) -> None:
    # 附件2's cities with counterpart-support duties, by default: 4 of 100 pairs = 4% < 5%
    report = run(city_pairs(city, county=80, city_scope=20 - province, province=province))
    assert group(report, "scope_mix.province_duty_annex2", city).status is status
    assert "scope_mix.province_hangzhou_ningbo" not in groups_of(report, city)


@pytest.mark.parametrize("city", ["温州", "衢州", "舟山", "丽水"])
def test_cities_without_duties_get_the_province_share_as_information(city: str) -> None:
    # 0 province pairs: no requirement, the observed share reported as 情况 (schools: 0 of 40)
    report = run(city_pairs(city, county=17, city_scope=3))
    found = group(report, "scope_mix.province_other_annex2", city)
    assert found.status is Status.INFO
    assert found.observed == {"count": 0, "base": 40, "share": 0}
    assert not {
        "scope_mix.province_duty_annex2",
        "scope_mix.province_hangzhou_ningbo",
    } & groups_of(report, city)


def test_duty_cities_named_in_the_text_leave_out_jinhua_and_taizhou() -> None:
    records = [
        *city_pairs("金华", county=80, city_scope=16, province=4),
        *city_pairs("台州", county=80, city_scope=15, province=5),
        *city_pairs("嘉兴", county=80, city_scope=16, province=4),
    ]
    annex2 = run(records)
    assert group(annex2, "scope_mix.province_duty_annex2", "金华").status is Status.UNMET  # 4%
    assert group(annex2, "scope_mix.province_duty_annex2", "台州").status is Status.MET  # 5%
    assert group(annex2, "scope_mix.province_duty_annex2", "嘉兴").status is Status.UNMET
    assert not any(g.requirement == "scope_mix.province_duty" for g in annex2.groups)
    assert not any(g.requirement == "scope_mix.province_other" for g in annex2.groups)
    named = run(records, **{"zhejiang2019.duty_cities": "named"})
    assert group(named, "scope_mix.province_other", "金华").status is Status.INFO
    assert group(named, "scope_mix.province_duty", "嘉兴").status is Status.UNMET  # 4% < 5%
    assert not any(g.requirement == "scope_mix.province_duty_annex2" for g in named.groups)


def test_duty_city_lists_match_the_text_and_annex2(pack: Pack) -> None:
    rules = {g.id: g for g in pack.definition.group_requirements}
    named = next(p for p in pack.definition.provisions if p.id == "scope.duty_cities_named")
    assert set(named.value) == set(rules["scope_mix.province_duty"].groups or []) | set(
        rules["scope_mix.province_hangzhou_ningbo"].groups or []
    )
    annex2 = set(cross_city_supporters(pack))
    assert annex2 == set(rules["scope_mix.province_duty_annex2"].groups or []) | {"杭州", "宁波"}
    for duty, other in (
        ("scope_mix.province_duty", "scope_mix.province_other"),
        ("scope_mix.province_duty_annex2", "scope_mix.province_other_annex2"),
    ):
        held = set(rules[duty].groups or []) | {"杭州", "宁波"}
        assert held | set(rules[other].groups or []) == set(CITIES)
        assert not held & set(rules[other].groups or [])


def test_shares_take_every_paired_school_of_the_city_as_base() -> None:
    # 8 county pairs, 1 city pair and 1 pair without a scope: 16 of 20 schools = 80%, 2 of 20 = 10%
    records = [*city_pairs("舟山", county=8, city_scope=1), pair("no-scope", "舟山", scope=None)]
    report = run(records)
    assert group(report, "scope_mix.county", "舟山").observed == {
        "count": 16,
        "base": 20,
        "share": 0.8,
    }
    assert group(report, "scope_mix.city", "舟山").observed["share"] == 0.1


def test_shares_count_schools_not_pairs() -> None:
    # 10 county pairs of 舟山 sharing one supporter: 11 schools; 2 city pairs: 4 schools;
    # 11 of 15 schools = 73.33% (pairs would say 10 of 12 = 83.33%)
    records = city_pairs("舟山", county=10, city_scope=2)
    for record in records[:10]:
        record["supporter"] = "舟山示例中心小学"
    found = group(run(records), "scope_mix.county", "舟山")
    assert found.observed == {"count": 11, "base": 15, "share": 0.7333}
    assert found.status is Status.UNMET  # 6.67 points below 80%


def test_shares_of_the_task_under_share_base_task() -> None:
    # 舟山's floor (附件1) is 16 schools: 6 county pairs = 12 schools = 75% of 16, 1 city pair = 2
    # schools = 12.5%; of the 14 actual schools they would be 85.71% and 14.29%
    records = city_pairs("舟山", county=6, city_scope=1)
    actual = run(records)
    assert group(actual, "scope_mix.county", "舟山").observed == {
        "count": 12,
        "base": 14,
        "share": 0.8571,
    }
    task = run(records, **{"zhejiang2019.share_base": "task"})
    found = group(task, "scope_mix.county.task", "舟山")
    assert found.observed == {"count": 12, "base": 16, "share": 0.75}
    assert found.status is Status.MET  # 75% = 80% − 5 points
    assert group(task, "scope_mix.city.task", "舟山").observed["share"] == 0.125
    assert "scope_mix.county" not in groups_of(task, "舟山")


def test_city_spelt_with_shi_joins_the_annex1_row() -> None:
    records = [*city_pairs("杭州", county=3), pair("X", "杭州市"), pair("Y", " 杭州市 ")]
    found = group(run(records), "scope_mix.county", "杭州")
    assert found.observed["base"] == 10  # 5 pairs, 10 schools
    assert city_key("杭州市") == "杭州" and city_key("上海市") == "上海市"


def test_unknown_and_missing_cities_are_reported() -> None:
    records = [pair("A", "上海市"), pair("B", "上海"), pair("C", None), pair("D", "温州")]
    report = run(records)
    unknown = {g.group: g for g in report.groups if g.requirement == "city.known"}
    assert set(unknown) == {"上海市", "上海", None}
    assert unknown["上海市"].status is Status.UNMET
    assert unknown["上海市"].observed == {"city": "上海市", "pairs": ["A"]}
    assert "附件1" in unknown[None].message.zh
    # the city rules see 温州 only
    assert {g.group for g in report.groups if g.requirement == "scope_mix.county"} == {"温州"}


# -------------------------------------------------------------------------- 四(二) forms


@pytest.mark.parametrize(
    ("forms", "count", "status"),
    [
        (["城乡同步课堂"], 1, Status.UNMET),
        (["城乡同步课堂", "远程专递课堂"], 2, Status.MET),
        (["城乡同步课堂", "远程专递课堂", "教师网络研修", "名师网络课堂"], 4, Status.MET),
        ([], 0, Status.UNMET),
        ("城乡同步课堂、教师网络研修", 2, Status.MET),  # one workbook cell
        (["城乡同步课堂", "城乡同步课堂"], 1, Status.UNMET),  # a form listed twice counts once
        (["远程传递课堂", "远程专递课堂"], 1, Status.UNMET),  # 附件7's spelling of the same form
        ("远程传递课堂、名师网络课堂", 2, Status.MET),
    ],
)
def test_each_pair_adopts_at_least_two_forms(forms: Any, count: int, status: Status) -> None:
    report = run([pair("P", forms=forms)])
    (result,) = report.results
    found = next(f for f in result.findings if f.requirement == "pair.forms")
    assert found.status is status
    assert found.observed == {"count(forms)": count}


def test_agreement_per_pair() -> None:
    report = run([pair("S"), pair("U", agreement_signed=False), pair("N", agreement_signed=None)])
    status = {
        r.id: next(f.status for f in r.findings if f.requirement == "pair.agreement")
        for r in report.results
    }
    assert status == {"S": Status.MET, "U": Status.UNMET, "N": Status.UNMET}


# ------------------------------------------------------------- 附件1 floors, distinct schools


def zhoushan(n: int, shared: int = 0) -> list[dict[str, Any]]:
    """``n`` pairs of 舟山; the first ``shared`` + 1 of them share one supporting school."""
    out = [pair(f"Z{i}", "舟山") for i in range(n)]
    for record in out[: shared + 1]:
        record["supporter"] = "舟山示例中心小学"
    return out


@pytest.mark.parametrize(
    ("records", "distinct", "status"),
    [
        (zhoushan(8), 16, Status.MET),  # 8 pairs, 16 schools = the floor of 舟山
        (zhoushan(7), 14, Status.UNMET),
        (zhoushan(8, shared=1), 15, Status.UNMET),  # one supporter in two pairs counts once
        (zhoushan(9, shared=1), 17, Status.MET),
        (zhoushan(9, shared=2), 16, Status.MET),
    ],
)
def test_floor_counts_distinct_schools(
    records: list[dict[str, Any]], distinct: int, status: Status
) -> None:
    found = group(run(records), "floor.schools", "舟山")
    assert (found.observed, found.expected, found.status) == (distinct, "≥ 16", status)


def test_floor_of_hangzhou_is_148(pack: Pack) -> None:
    records = [pair(f"H{i}", "杭州市" if i % 2 else "杭州") for i in range(74)]  # 148 schools
    assert group(run(records), "floor.schools", "杭州").status is Status.MET
    assert group(run(records[:-1]), "floor.schools", "杭州").observed == 146


# ------------------------------------------------------------------- 六(二)2 typical cases


@pytest.mark.parametrize(
    ("cases", "schools_status", "pairs_status"),
    [
        (1, Status.UNMET, Status.UNMET),  # 1 of 40 schools = 2.5%; 1 of 20 pairs = 5%
        (2, Status.UNMET, Status.MET),  # 2/40 = 5%; 2/20 = 10% of the pairs
        (3, Status.UNMET, Status.MET),  # 3/40 = 7.5%
        (4, Status.MET, Status.MET),  # 4/40 = 10% of the 40 schools
    ],
)
def test_typical_cases(cases: int, schools_status: Status, pairs_status: Status) -> None:
    records = [pair(f"T{i}", "绍兴", typical_case=i < cases) for i in range(20)]
    by_schools = run(records)
    found = group(by_schools, "typical_cases_schools", "绍兴")
    assert found.status is schools_status
    assert found.observed["base"] == 40 and found.observed["count"] == cases
    assert not any(g.requirement == "typical_cases" for g in by_schools.groups)
    by_pairs = run(records, **{"zhejiang2019.typical_case_base": "pairs"})
    assert group(by_pairs, "typical_cases", "绍兴").status is pairs_status


# ----------------------------------------------------------------------- 附件6 report rates


def test_monthly_report_rates() -> None:
    records = [
        pair("R1", "台州", agreement_signed=True, equipment_ok=True, space_opened=True),
        pair("R2", "台州", agreement_signed=True, equipment_ok=False, space_opened=True),
        pair("R3", "台州", agreement_signed=True, equipment_ok=None, space_opened=False),
        pair("R4", "台州", agreement_signed=False, equipment_ok=True, space_opened=None),
        pair("R5", "台州", agreement_signed=None, equipment_ok=True, space_opened=None),
        pair("R6", "台州", agreement_signed=True, equipment_ok=True, space_opened=None),
    ]
    report = run(records)
    # not reported counts as not done: signed 4/6, equipment 4/6, spaces 2/6
    expected = {
        "report.signing_rate": (4, "0.6667"),
        "report.equipment_rate": (4, "0.6667"),
        "report.space_rate": (2, "0.3333"),
    }
    for rule, (count, share) in expected.items():
        found = group(report, rule, "台州")
        assert found.status is Status.INFO
        assert found.observed == {"count": count, "base": 6, "share": float(Decimal(share))}


def test_agreement_progress_against_15_april() -> None:
    records = [pair(f"A{i}", "嘉兴", agreement_signed=i < 3) for i in range(4)]
    before = check(pack_(), {"pairs": records}, as_of=dt.date(2019, 4, 14))
    assert before.progress is not None and before.progress.milestone is None
    after = check(pack_(), {"pairs": records}, as_of=dt.date(2019, 4, 15))
    assert after.progress is not None
    assert (after.progress.done, after.progress.total) == (3, 4)
    assert after.progress.expected_share == 1 and after.progress.on_track is False


def test_milestones(pack: Pack) -> None:
    due = {m.id: m.due for m in pack.definition.milestones}
    assert due == {
        "m0325.names": dt.date(2019, 3, 25),
        "m0331.tables": dt.date(2019, 3, 31),
        "m0415.agreements": dt.date(2019, 4, 15),
        "m0415.spaces": dt.date(2019, 4, 15),
        "m0531.equipment": dt.date(2019, 5, 31),
        "m1130.annual": dt.date(2019, 11, 30),
    }
    states = {m.id: m.state.value for m in run([pair("M")]).milestones}
    assert states["m0531.equipment"] == "passed" and states["m1130.annual"] == "upcoming"


# ---------------------------------------------------------------- 附件3 small-scale coverage


def test_small_scale_coverage_by_county() -> None:
    # 附件3 舟山: 普陀区 2, 岱山县 2, 嵊泗县 2
    records = [
        pair("C1", "舟山", county="普陀区", supported="甲岛小学", supported_small_scale=True),
        pair("C2", "舟山", county="普陀区", supported="乙岛小学", supported_small_scale=True),
        pair("C3", "舟山", county="岱山县", supported="丙岛小学", supported_small_scale=True),
        pair("C4", "舟山", county="岱山县", supported="丁岛小学", supported_small_scale=False),
        # the same school in two pairs is covered once
        pair("C5", "舟山", county="嵊泗县", supported="戊岛小学", supported_small_scale=True),
        pair("C6", "舟山", county="嵊泗县", supported="戊岛小学", supported_small_scale=True),
    ]
    report = run(records)
    found = {g.group: g for g in report.groups if g.requirement == "coverage.small_scale"}
    assert set(found) == {"舟山市普陀区", "舟山市岱山县", "舟山市嵊泗县"}
    assert found["舟山市普陀区"].status is Status.MET
    assert found["舟山市岱山县"].status is Status.UNMET
    assert found["舟山市岱山县"].observed["covered"] == 1
    assert found["舟山市嵊泗县"].observed["covered"] == 1
    assert found["舟山市嵊泗县"].expected == "≥ 2"


def test_schools_without_pupils_may_be_left_out() -> None:
    # 附件3 衢州 江山市: 3 schools, 2 of them (塘岭小学, 上王小学) without pupils
    records = [
        pair("Q", "衢州", county="江山市", supported="江山示例小学", supported_small_scale=True)
    ]
    found = group(run(records), "coverage.small_scale", "衢州市江山市")
    assert found.status is Status.UNMET and found.expected == "≥ 3"
    excluded = run(records, **{"zhejiang2019.no_pupil_schools": "excluded"})
    found = group(excluded, "coverage.small_scale", "衢州市江山市")
    assert found.status is Status.MET and found.expected == "≥ 1"
    assert found.observed["zhejiang2019.no_pupil_schools"] == "excluded"


def test_city_level_rows_are_not_confused() -> None:
    # 湖州 and 衢州 both have a 市本级 row; a 湖州 pair only reaches 湖州's
    records = [
        pair("H", "湖州", county="市本级", supported="湖州示例小学", supported_small_scale=True)
    ]
    groups = {g.group for g in run(records).groups if g.requirement == "coverage.small_scale"}
    assert groups == {"湖州市市本级"}


def test_a_county_named_by_a_pair_of_another_city_is_checked() -> None:
    # a 杭州 province pair with a school of 开化县 (衢州, 15 in 附件3); 景宁县 is 景宁畲族自治县
    records = [
        pair("K", "杭州", county="开化县", scope="省域内", supported_small_scale=True),
        pair("J", "嘉兴", county="景宁县", scope="省域内", supported_small_scale=True),
    ]
    found = {g.group: g for g in run(records).groups if g.requirement == "coverage.small_scale"}
    assert found["衢州市开化县"].observed["covered"] == 1
    assert found["衢州市开化县"].expected == "≥ 15"
    assert found["丽水市景宁畲族自治县"].observed["covered"] == 1


# ------------------------------------------------------------------ audit and reference data


def test_audit_findings(pack: Pack) -> None:
    found = {(f.code, f.subject): (f.observed, f.expected) for f in audit(pack).findings}
    same_city = [
        "杭州市本级→淳安县",
        "杭州市西湖区→淳安县",
        "温州市瓯海区→永嘉县",
        "瑞安市→文成县",
        "乐清市→平阳县",
        "温州市本级→泰顺县",
        "温州市鹿城区→泰顺县",
        "温州市龙湾区→苍南县",
        "永康市→武义县",
        "金华市本级→磐安县",
        "东阳市→磐安县",
        "台州市本级→台州市黄岩区",
        "台州市路桥区→天台县",
        "玉环县→仙居县",
        "温岭市→三门县",
    ]
    assert found == {
        # 四(一)3 names five cities; in 附件2 义乌市 (金华) supports 丽水市莲都区 and
        # 台州市椒江区 supports 衢州市衢江区, across cities
        ("duty_cities", "scope.duty_cities_named"): (
            ["杭州", "宁波", "嘉兴", "湖州", "绍兴", "金华", "台州"],
            ["杭州", "宁波", "嘉兴", "湖州", "绍兴"],
        ),
        # 15 supporters of 附件2 in the city of the county they support, against 跨市域
        ("same_city_support", "counterpart_support"): (same_city, []),
        # 附件2's former names
        ("former_name", "counterpart_support:奉化市"): ("奉化市", "奉化区"),
        ("former_name", "counterpart_support:宁波市江东区"): ("宁波市江东区", "鄞州区"),
        ("former_name", "counterpart_support:玉环县"): ("玉环县", "玉环市"),
        # 杭州 and 宁波: 80% + 15% + 10% = 105%
        ("share_sum", "scope_mix:杭州"): (1.05, 1),
        ("share_sum", "scope_mix:宁波"): (1.05, 1),
        # one to one, each small-scale school takes a pair, 2 schools of the floor:
        # 衢州 48 × 2 = 96 > 54, 丽水 56 × 2 = 112 > 58, 绍兴 56 × 2 = 112 > 94
        ("floor_coverage", "city_floors:衢州"): (96, 54),
        ("floor_coverage", "city_floors:丽水"): (112, 58),
        ("floor_coverage", "city_floors:绍兴"): (112, 94),
        ("conflicting_provisions", "small_scale.threshold"): ("≤ 100", "< 100"),
        ("conflicting_provisions", "small_scale.rural.annex5"): (
            "小学和教学点",
            "乡村小学和教学点",
        ),
        ("conflicting_provisions", "small_scale.rural.annex7"): (
            "小学和教学点",
            "乡村小学和教学点",
        ),
        ("conflicting_provisions", "spaces.deadline"): ("2019-05-31", "2019-04-15"),
        ("conflicting_provisions", "forms.remote_name"): ("远程传递课堂", "远程专递课堂"),
        ("conflicting_provisions", "scope_share.base"): ("actual", "task"),
        ("conflicting_provisions", "report.monthly_deadline"): (
            "每月最后一个工作日17点前",
            "每月最后一个工作日前",
        ),
    }
    # every printed total of 附件3 and the 26 of 附件2 are borne out: no stated_figure finding
    assert len(same_city) == 15


def test_no_other_city_adds_up_beyond_100() -> None:
    # the other duty cities: 80% + 15% + 5% = 100%, whichever reading of the duty cities
    for reading in ("annex2", "named"):
        report = audit(pack_(), interpretations={"zhejiang2019.duty_cities": reading})
        assert {f.subject for f in report.findings if f.code == "share_sum"} == {
            "scope_mix:杭州",
            "scope_mix:宁波",
        }


def test_counterpart_support_table(pack: Pack) -> None:
    table = pack.table("counterpart_support")
    assert len(table.rows) == 29
    marked = [r["county"] for r in table.rows if r["marked"] == "▲"]
    assert marked == ["金华市婺城区", "兰溪市", "台州市黄岩区"]
    assert sum(1 for r in table.rows if r["accelerated"] == "是") == 26  # 29 − 3
    supporters = [s for r in table.rows for s in str(r["supporters"]).split("、")]
    assert len(supporters) == 56  # 27 rows with two supporters, 2 with one: 27 × 2 + 2
    single = [r["county"] for r in table.rows if "、" not in str(r["supporters"])]
    assert single == ["兰溪市", "台州市黄岩区"]
    assert cross_city_supporters(pack)["金华"] == ["义乌市→丽水市莲都区"]
    assert cross_city_supporters(pack)["台州"] == ["台州市椒江区→衢州市衢江区"]
    assert "温州" not in cross_city_supporters(pack)  # 温州 supports only its own counties


def test_small_scale_table_reproduces_the_printed_totals(pack: Pack) -> None:
    rows = pack.table("small_scale_schools").rows
    assert sum(r["schools"] for r in rows) == 321
    assert sum(r["teaching_points"] or 0 for r in rows) == 117
    printed = {  # the city rows of 附件3: (schools, teaching points), "-" read as 0
        "杭州": (16, 0),
        "宁波": (4, 0),
        "温州": (46, 4),
        "嘉兴": (0, 0),
        "湖州": (1, 0),
        "绍兴": (56, 11),
        "金华": (34, 16),
        "衢州": (48, 32),
        "舟山": (6, 1),
        "台州": (54, 35),
        "丽水": (56, 18),
    }
    for city, (schools, points) in printed.items():
        mine = [r for r in rows if r["city_key"] == city]
        assert sum(r["schools"] for r in mine) == schools, city
        assert sum(r["teaching_points"] or 0 for r in mine) == points, city
    assert sum(1 for r in rows if r["county"]) == 53  # 嘉兴 has no county row
    names = sorted(n for r in rows if r["remark"] for n in str(r["remark"]).split("、"))
    listed = sorted(r["school"] for r in pack.table("no_pupil_schools").rows)
    assert names == listed and len(listed) == 9


def test_cities_constant_is_annex1(pack: Pack) -> None:
    assert tuple(r.region for r in pack.quota_table("city_floors").rows) == CITIES
    rules = [
        g for g in pack.definition.group_requirements if g.id.startswith(("scope_mix.c", "floor"))
    ]
    for rule in rules:
        assert tuple(rule.groups or ()) == CITIES, rule.id


# ---------------------------------------------------------------------------- JSON contracts


def test_quota_json(pack: Pack) -> None:
    report = quota(pack).as_json()
    assert report["table"] == "city_floors"
    assert report["rows"][0] == {"city": "杭州", "published": 148, "printed": None}
    assert [r["city"] for r in report["rows"]] == list(CITIES)
    assert (
        report["total_published"] == 1000
    )  # 148 + 130 + 170 + 56 + 46 + 94 + 114 + 54 + 16 + 114 + 58
    assert report["sums"] == [
        {"parent": None, "column": "published", "printed": 1000, "rows_sum": 1000, "matches": True}
    ]


def test_quota_command_prints_the_floors() -> None:
    cli = Path(sys.executable).with_name("pairing-rules")
    done = subprocess.run(
        [str(cli), "quota", "zhejiang2019", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert {r["city"]: r["published"] for r in rows}["丽水"] == 58


def test_check_json(pack: Pack) -> None:
    data = {"pairs": city_pairs("宁波", county=15, city_scope=3, province=2)}
    out = check(pack, data, as_of=AS_OF).as_json()
    assert out["pack"] == "zhejiang2019@2.1.0" and out["pack_hash"] == pack.content_hash
    assert out["as_of"] == "2019-06-30"
    first = out["results"][0]
    assert {f["requirement"] for f in first["findings"]} == {
        "pair.forms",
        "pair.agreement",
        "pair.one_to_one",
        "pair.agreement_contents",
        "pair.scope_location",
    }
    share = next(
        g for g in out["groups"] if g["requirement"] == "scope_mix.province_hangzhou_ningbo"
    )
    assert share["group"] == "宁波" and share["status"] == "met"
    assert share["observed"] == {"count": 4, "base": 40, "share": 0.1}  # 2 pairs of 20, in schools
    assert share["source"]["section"] == "四(一)3"
    floor = next(
        g for g in out["groups"] if g["requirement"] == "floor.schools" and g["group"] == "宁波"
    )
    assert (floor["observed"], floor["expected"], floor["status"]) == (40, "≥ 130", "unmet")
    used = {u["id"] for u in out["interpretations"]}
    assert {"zhejiang2019.about_tolerance", "zhejiang2019.duty_cities"} <= used
    json.dumps(out, ensure_ascii=False)


# ------------------------------------------------------------------------------ bad records


def test_bad_records_are_rejected_with_the_field_named(pack: Pack) -> None:
    records = [
        pair("OK"),
        {k: v for k, v in pair("NS").items() if k != "supporter"},
        pair("BS", scope="县外"),
        pair("BF", forms=["送教下乡"]),
        pair("OK"),
    ]
    report = check(pack, {"pairs": records}, as_of=AS_OF)
    fields = {(r.id, r.index): [e.field for e in r.errors] for r in report.rejected}
    assert fields == {
        ("NS", 1): ["supporter"],
        ("BS", 2): ["scope"],
        ("BF", 3): ["forms.0"],
        ("OK", 4): ["id"],
    }
    assert [r.id for r in report.results] == ["OK"]
    assert all(e.message.zh and e.message.en for r in report.rejected for e in r.errors)


# -------------------------------------------------------------------------------- the sample


def test_the_sample_shows_met_and_unmet(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "示例数据" in data["_sample"] and "SAMPLE" in data["_sample"]
    report = check(pack, data, as_of=AS_OF)
    assert not report.rejected
    assert len(report.results) == 42
    # the input is read as the province's list: the eight cities without a pair have 0 schools
    floors = {g.group: g.observed for g in report.groups if g.requirement == "floor.schools"}
    assert set(floors) == set(CITIES)
    assert {c for c, n in floors.items() if n == 0} == set(CITIES) - {"杭州", "湖州", "舟山"}
    statuses = {(g.requirement, g.group): g.status for g in report.groups}
    assert statuses[("floor.schools", "舟山")] is Status.MET  # 18 distinct ≥ 16
    assert statuses[("floor.schools", "杭州")] is Status.UNMET  # 40 < 148
    assert statuses[("floor.schools", "宁波")] is Status.UNMET  # 0 < 130
    assert statuses[("province.schools", "全部")] is Status.UNMET  # far below 1000
    # a city checking its own list: only the cities of the input
    own = check(pack, data, as_of=AS_OF, interpretations={"zhejiang2019.input_scope": "cities"})
    assert {g.group for g in own.groups if g.requirement == "floor.schools"} == {
        "杭州",
        "湖州",
        "舟山",
    }
    assert not any(g.requirement.startswith("province.") for g in own.groups)
    assert statuses[("scope_mix.county", "湖州")] is Status.UNMET  # 11/12 = 91.7%
    assert statuses[("scope_mix.province_hangzhou_ningbo", "杭州")] is Status.MET  # 2/20
    assert not any(g.requirement == "city.known" for g in report.groups)  # 杭州市 is 杭州
    assert report.summary["met"] > 0 and report.summary["unmet"] > 0


def test_results_are_reproducible(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    a = check(pack, data, as_of=AS_OF)
    b = check(Registry().get_pack("zhejiang2019"), data, as_of=AS_OF)
    assert a == b and a.pack_hash == pack.content_hash


# ------------------------------------------------------------------------------- properties


@settings(max_examples=40, deadline=None)
@given(
    county=st.integers(0, 40),
    city_scope=st.integers(0, 40),
    province=st.integers(0, 40),
    tolerance=st.sampled_from(["0.03", "0.05", "0.10"]),
)
def test_scope_shares_property(county: int, city_scope: int, province: int, tolerance: str) -> None:
    total = county + city_scope + province
    if total == 0:
        return
    report = run(
        city_pairs("杭州", county, city_scope, province),
        **{"zhejiang2019.about_tolerance": tolerance},
    )
    tol = Decimal(tolerance)
    expect = {
        "scope_mix.county": abs(Decimal(county) / total - Decimal("0.80")) <= tol,
        "scope_mix.city": abs(Decimal(city_scope) / total - Decimal("0.15")) <= tol,
        "scope_mix.province_hangzhou_ningbo": Decimal(province) / total >= Decimal("0.10"),
    }
    for rule, met in expect.items():
        assert (group(report, rule, "杭州").status is Status.MET) is met, rule


@given(st.sampled_from(CITIES), st.sampled_from(["", "市"]), st.sampled_from(["", " ", "\u3000"]))
def test_city_key_property(city: str, suffix: str, pad: str) -> None:
    spelt = f"{pad}{city}{suffix}{pad}"
    assert city_key(spelt) == city
    assert city_key(city_key(spelt)) == city
    assert ZhejiangPair.model_validate(pair("P", spelt)).city == city


def test_the_check_hook_on_an_empty_list(pack: Pack) -> None:
    empty = Dataset(collections={"pairs": []})
    choices = pack.choices()
    # an empty province list: no county of the annexes takes part
    (counties,) = zj.pairing_rules_check(pack=pack, dataset=empty, choices=choices, context={})
    assert counties.requirement == "province.counties" and counties.status is Status.UNMET
    given = pack.choices({"zhejiang2019.input_scope": "cities"})
    assert zj.pairing_rules_check(pack=pack, dataset=empty, choices=given, context={}) == []
    assert zj.load().content_hash == pack.content_hash


# ------------------------------------------------------------ 二, 五(一): the province's list


def test_a_city_without_pairs_is_0_of_its_floor() -> None:
    # the province's list by default: 宁波 has no pair, 0 of its 130
    report = run([pair("W", "温州")])
    ningbo = group(report, "floor.schools", "宁波")
    assert (ningbo.status, ningbo.observed, ningbo.expected) == (Status.UNMET, 0, "≥ 130")
    assert "输入中没有该组的记录" in ningbo.message.zh
    assert {g.group for g in report.groups if g.requirement == "floor.schools"} == set(CITIES)
    # a city checking its own list
    own = run([pair("W", "温州")], **{"zhejiang2019.input_scope": "cities"})
    assert {g.group for g in own.groups if g.requirement == "floor.schools"} == {"温州"}


@pytest.mark.parametrize(("pairs", "status"), [(500, Status.MET), (499, Status.UNMET)])
def test_at_least_1000_schools_in_the_province(pairs: int, status: Status) -> None:
    # 500 pairs of two distinct schools = 1000 schools ≥ 1000; 499 pairs = 998 < 1000
    records = [pair(f"P{i}", CITIES[i % 11]) for i in range(pairs)]
    found = group(run(records), "province.schools", "全部")
    assert (found.observed, found.status) == (2 * pairs, status)


def test_every_county_of_the_annexes_takes_part(pack: Pack) -> None:
    counties = zj.annex_counties(pack)
    # 附件2 and 附件3 name 84 counties (市本级 aside, former names under today's names)
    assert len(counties) == 84
    assert counties["鄞州区"] == "宁波" and "江东区" not in counties and "奉化市" not in counties
    records = [
        pair(f"C{i}", city, county=f"{city}市{name}" if i % 2 else name)
        for i, (name, city) in enumerate(sorted(counties.items()))
    ]
    found = group(run(records), "province.counties", "全省")
    assert found.status is Status.MET
    assert found.observed == {"counties": 84, "taking_part": 84, "missing": []}
    # one county less; a county may also take part as a supporting school's county
    fewer = [r for r in records if r["county"] not in ("磐安县", "金华市磐安县")]
    fewer.append(pair("S", "金华", county="东阳市", supporter_county="磐安县"))
    assert group(run(fewer), "province.counties", "全省").status is Status.MET
    short = [r for r in records if r["county"] not in ("磐安县", "金华市磐安县")]
    found = group(run(short), "province.counties", "全省")
    assert found.status is Status.UNMET
    assert found.observed == {"counties": 84, "taking_part": 83, "missing": ["磐安县"]}
    assert "金华磐安县" in found.message.zh
    assert "文件未列出全省全部县" in found.message.zh


# ------------------------------------------------------------------------ 六(四)1: one to one


def test_one_to_one_within_the_programme() -> None:
    records = [
        pair("A", supporter="甲校", supported="乙校"),
        pair("B", supporter="甲校", supported="丙校"),  # 甲校 supports two schools
        pair("C", supporter="丁校", supported="戊校"),
        pair("D", supporter="己校", supported=" 戊 校"),  # 戊校 has two supporters
        pair("E", supporter="庚校", supported="辛校"),
    ]
    report = run(records)
    found = {
        r.id: f for r in report.results for f in r.findings if f.requirement == "pair.one_to_one"
    }
    assert {k: f.status for k, f in found.items()} == {
        "A": Status.UNMET,
        "B": Status.UNMET,
        "C": Status.UNMET,
        "D": Status.UNMET,
        "E": Status.MET,
    }
    assert found["A"].observed == {"supporters_of_school": 1, "schools_of_supporter": 2}
    assert found["D"].observed == {"supporters_of_school": 2, "schools_of_supporter": 1}
    assert "一对一" in found["A"].message.zh and found["A"].source.section == "六(四)1"


# -------------------------------------------------------- 六(四)1: the four contents of an agreement


FULL_AGREEMENT = {
    "goals": "提升乡村学校英语教学质量",
    "tasks": "每学期同步课堂 10 节",
    "division_of_duties": "城区学校负责授课，乡村学校组织学生",
    "completion_time": "2019 年 11 月底",
}


@pytest.mark.parametrize(
    ("agreement", "missing"),
    [
        (FULL_AGREEMENT, []),
        ({**FULL_AGREEMENT, "tasks": "  "}, ["tasks"]),
        ({"goals": "提升质量"}, ["tasks", "division_of_duties", "completion_time"]),
        (None, ["goals", "tasks", "division_of_duties", "completion_time"]),
    ],
)
def test_the_four_contents_of_the_agreement(
    agreement: dict[str, str] | None, missing: list[str]
) -> None:
    report = run([pair("G", agreement=agreement)])
    (found,) = [f for f in report.results[0].findings if f.requirement == "pair.agreement_contents"]
    assert found.observed == {"missing": missing}
    assert found.status is (Status.MET if not missing else Status.UNMET)
    assert found.expected == {
        "required": ["goals", "tasks", "division_of_duties", "completion_time"]
    }
    if agreement is None:
        assert "未填报协议内容" in found.message.zh


# ---------------------------------------------------------- 四(一): scope against the places


@pytest.mark.parametrize(
    ("scope", "places", "status"),
    [
        ("县域内", ("衢州", "柯城区", "衢州市", "衢州市柯城区"), Status.MET),  # one county
        ("县域内", ("衢州", "柯城区", "衢州", "衢江区"), Status.UNMET),
        ("市域内", ("衢州", "柯城区", "衢州", "衢江区"), Status.MET),  # 跨县域 in one city
        ("市域内", ("衢州", "柯城区", "衢州", "柯城区"), Status.UNMET),
        ("市域内", ("杭州", "西湖区", "衢州", "衢江区"), Status.UNMET),
        ("省域内", ("杭州", "西湖区", "衢州市", "衢江区"), Status.MET),  # 跨市域
        ("省域内", ("衢州", "柯城区", "衢州", "衢江区"), Status.UNMET),
        ("省域内", ("上海", "徐汇区", "衢州", "衢江区"), Status.UNMET),  # not a city of 附件1
        ("省域内", ("杭州", None, "衢州", None), Status.MET),  # counties not needed
        ("县域内", ("衢州", None, "衢州", "柯城区"), Status.NOT_APPLICABLE),
        ("市域内", (None, "柯城区", "衢州", "衢江区"), Status.NOT_APPLICABLE),
    ],
)
def test_scope_against_where_the_schools_are(
    scope: str, places: tuple[str | None, ...], status: Status
) -> None:
    record = pair(
        "L",
        "衢州",
        scope=scope,
        supporter_city=places[0],
        supporter_county=places[1],
        supported_city=places[2],
        supported_county=places[3],
    )
    report = run([record])
    (found,) = [f for f in report.results[0].findings if f.requirement == "pair.scope_location"]
    assert found.status is status
    assert found.source.section == "四(一)3"


def test_without_places_the_scope_is_not_verified() -> None:
    (found,) = [
        f for f in run([pair("N")]).results[0].findings if f.requirement == "pair.scope_location"
    ]
    assert found.status is Status.NOT_APPLICABLE
    assert "帮扶学校所在设区市" in found.message.zh and "supporter_city" not in found.message.zh


@pytest.mark.parametrize("scope", ["跨地区", "跨区域"])
def test_cross_region_is_not_a_scope_of_this_plan(pack: Pack, scope: str) -> None:
    report = check(pack, {"pairs": [pair("OK"), pair("X", scope=scope)]}, as_of=AS_OF)
    (rejected,) = report.rejected
    assert (rejected.id, [e.field for e in rejected.errors]) == ("X", ["scope"])
    assert "县域内" in rejected.errors[0].message.zh
    # the template offers the three scopes of 四(一) only
    assert [s.value for s in PlanScope] == ["县域内", "市域内", "省域内"]
    assert ZhejiangPair.model_validate(pair("Y", scope="县域")).scope is PlanScope.COUNTY
    assert PlanScope.PROVINCE.label.en == "within the province"


def test_the_template_offers_three_scopes(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    out = tmp_path / "template.xlsx"
    cli = Path(sys.executable).with_name("pairing-rules")
    done = subprocess.run(
        [str(cli), "template", "zhejiang2019", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out)
    formulas = [
        str(v.formula1) for ws in book.worksheets for v in ws.data_validations.dataValidation
    ]
    scopes = [f for f in formulas if "县域内" in f]
    assert scopes and all("跨地区" not in f for f in scopes)


# ------------------------------------------------------------------ county names, any prefix


def test_county_names_match_the_annexes_whatever_their_prefix() -> None:
    # 附件3 衢州 柯城区: 5 schools; "衢州市柯城区" and "柯城区" are the same county
    records = [
        pair("K1", "衢州", county="衢州市柯城区", supported="甲教学点", supported_small_scale=True),
        pair("K2", "衢州", county="柯城区", supported="乙教学点", supported_small_scale=True),
        pair(
            "K3",
            "衢州",
            county=None,
            supported_county=" 衢州市 柯城区",
            supported="丙教学点",
            supported_small_scale=True,
        ),
    ]
    report = run(records)
    found = group(report, "coverage.small_scale", "衢州市柯城区")
    assert found.observed["covered"] == 3 and found.expected == "≥ 5"
    assert not any(g.requirement == "county.known" for g in report.groups)
    # 附件2's former name 奉化市 is 附件3's 奉化区 (宁波, 1 school)
    fenghua = run([pair("F", "宁波", county="奉化市", supported_small_scale=True)])
    assert group(fenghua, "coverage.small_scale", "宁波市奉化区").status is Status.MET


def test_a_county_name_that_matches_nothing_is_reported() -> None:
    records = [
        pair("J1", "杭州", county="建德市"),  # a county of 杭州 in neither annex
        pair("J2", "杭州", county="杭州市建德市"),
        pair("X1", "衢州", county="柯城县", supported_small_scale=True),  # a misspelling
    ]
    report = run(records)
    known = {g.group: g for g in report.groups if g.requirement == "county.known"}
    assert set(known) == {"建德市", "柯城县"}
    assert (known["建德市"].status, known["建德市"].observed["pairs"]) == (
        Status.INFO,
        ["J1", "J2"],
    )
    # the small-scale school of X1 covers no county of 附件3: unmet, not silently left out
    assert known["柯城县"].status is Status.UNMET
    assert "全覆盖" in known["柯城县"].message.zh


def test_the_audit_lists_the_readings_its_findings_depend_on(pack: Pack) -> None:
    # share_sum follows the share rules in force (duty cities, base of the shares)
    used = {u.id for u in audit(pack).interpretations}
    assert {"zhejiang2019.duty_cities", "zhejiang2019.share_base"} <= used
