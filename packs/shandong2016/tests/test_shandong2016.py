"""shandong2016: the pair rules at their thresholds, the one-to-one rule, the Heze list and assignments.

Numbers come from the notice (鲁教基函〔2016〕7号):
- 三(一)1 每学期至少召开一次联合教研会议 → min_semester_research_meetings ≥ 1;
- 三(一)2 每年至少互派 1 人挂职 → managers_sent ≥ 1 and managers_received ≥ 1;
- 三(一)3 每年至少开展 1 项联合课题研究 → joint_projects ≥ 1;
- 三(二)1 不少于2名中层以上干部、不少于5名青年骨干教师 → cadres_sent ≥ 2, young_teachers_sent ≥ 5;
- 三(二)2 至少1次业务研讨培训交流活动 → training_visits ≥ 1;
- 一(二)/二(二) 20 schools, 9 senior + 11 junior; 附件 lists 21 rows (9 高中, 12 初中);
- 二(二) 11 cities for junior high, the first 9 of them for senior high.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pairing_rules_shandong2016 import HezeAssignment, KeyVillageSchool

from pairing_rules import (
    CheckReport,
    Finding,
    Pack,
    Pair,
    Registry,
    Stage,
    Status,
    audit,
    check,
)
from pairing_rules.testing import PackConformance
from pairing_rules.testing import strategies as prs

HERE = Path(__file__).parents[1]
SAMPLE = HERE / "examples" / "pairs-2016.json"
DOCUMENT = HERE / "src" / "pairing_rules_shandong2016" / "document.txt"
AS_OF = dt.date(2017, 6, 30)

# 二(二), in the text's order
JUNIOR_CITIES = [
    "济南",
    "青岛",
    "淄博",
    "东营",
    "烟台",
    "潍坊",
    "济宁",
    "泰安",
    "威海",
    "日照",
    "莱芜",
]
SENIOR_CITIES = JUNIOR_CITIES[:9]
# 附件, typed from the document: the 9 rows with 学段 高中 and the 12 with 初中
SENIOR_SCHOOLS = [
    "曹县第一中学",
    "定陶县第一中学",
    "成武县第一中学",
    "成武县第二中学",
    "单县第二中学",
    "巨野县第一中学",
    "郓城县第一中学",
    "鄄城县第一中学",
    "东明县第一中学",
]
JUNIOR_SCHOOLS = [
    "牡丹区第二十二中学",
    "牡丹区吴店镇中心中学",
    "曹县第一初级中学",
    "定陶县清华园学校",
    "成武县实验中学",
    "单县开发区实验中学",
    "巨野县高级中学",
    "郓城县第一初级中学",
    "鄄城县吉山镇吉山中学",
    "东明县第一初级中学",
    "开发区广州路中学",
    "高新区吕陵镇初级中学",
]

UR = dict(
    id="P1",
    scope="县域内",
    year=2016,
    supporter="城关实验小学",
    supported="甲村小学",
    supporter_urban=True,
    supported_rural=True,
    supported_weak=True,
    min_semester_research_meetings=1,
    managers_sent=1,
    managers_received=1,
    joint_projects=1,
)
HEZE = dict(
    id="H1",
    scope="省域内",
    year=2016,
    supporter="济南示例高级中学",
    supported="曹县第一中学",
    cadres_sent=2,
    young_teachers_sent=5,
    training_visits=1,
)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Registry().get_pack("shandong2016")


# -------------------------------------------------------------------------- strategies


@st.composite
def heze_assignments(draw: st.DrawFn, *, schools: Sequence[str], cities: Sequence[str]) -> Any:
    """Heze assignments: mostly listed schools and named cities, some of neither."""
    school = draw(st.one_of(st.sampled_from(list(schools)), prs.school_names()))
    city = draw(st.one_of(st.sampled_from(list(cities)), st.sampled_from(["临沂", "德州", "聊城"])))
    return HezeAssignment(
        id=draw(st.from_regex(r"HZ-[0-9]{1,3}", fullmatch=True)),
        city=city + draw(st.sampled_from(["", "市"])),
        supporter=draw(prs.school_names()),
        heze_school=school,
        supporter_stage=draw(st.one_of(st.none(), st.sampled_from(list(Stage)))),
    )


def assignments_for(pack: Pack) -> st.SearchStrategy[Any]:
    schools = [row["school"] for row in pack.table("heze_schools").rows]
    cities = sorted({row["city"] for row in pack.table("heze_suppliers").rows})
    return heze_assignments(schools=schools, cities=cities)


class TestConformance(PackConformance):
    pack_id = "shandong2016"

    def records(self, pack: Pack, collection: str) -> st.SearchStrategy[Any]:
        if collection == "heze_assignments":
            return assignments_for(pack)
        if collection == "key_village_schools":
            return key_village_schools()
        return super().records(pack, collection)


@st.composite
def key_village_schools(draw: st.DrawFn) -> Any:
    """Schools of key villages, some with a city and a year."""
    return KeyVillageSchool(
        id=draw(st.from_regex(r"K-[0-9]{1,3}", fullmatch=True)),
        name=draw(prs.school_names()),
        city=draw(st.one_of(st.none(), st.sampled_from(["济南", "青岛市", "临沂市"]))),
        # no year, or a year the pack is in force (2016-05-03 to 2020-12-31)
        year=draw(st.one_of(st.none(), st.integers(2016, 2020))),
    )


# ----------------------------------------------------------------------------- helpers


def run(
    pack: Pack,
    pairs: Sequence[dict[str, Any]] = (),
    assignments: Sequence[dict[str, Any]] = (),
    overrides: dict[str, str] | None = None,
) -> CheckReport:
    data: dict[str, Any] = {"pairs": list(pairs), "heze_assignments": list(assignments)}
    report = check(pack, data, as_of=AS_OF, interpretations=overrides)
    assert not report.rejected, report.rejected
    return report


def status(report: CheckReport, record: str, requirement: str) -> Status:
    (result,) = [r for r in report.results if r.id == record]
    (finding,) = [f for f in result.findings if f.requirement == requirement]
    return finding.status


def every_finding(report: CheckReport) -> list[Finding]:
    """Group findings and the findings filed under records (the hook files those under their record)."""
    return [*report.groups, *(f for r in report.results for f in r.findings)]


def found(report: CheckReport, requirement: str) -> list[Finding]:
    return [g for g in every_finding(report) if g.requirement == requirement]


def by_record(report: CheckReport, requirement: str) -> dict[str | None, Status]:
    return {f.record: f.status for f in found(report, requirement)}


def by_group(report: CheckReport, requirement: str) -> dict[str | None, Status]:
    return {f.group: f.status for f in found(report, requirement)}


# ------------------------------------------------------------------ metadata and show


def test_metadata(pack: Pack) -> None:
    doc = pack.document
    assert (doc.issuer, doc.doc_number) == ("山东省教育厅", "鲁教基函〔2016〕7号")
    assert doc.published == dt.date(2016, 5, 3)  # 文末 2016年5月3日
    assert (doc.effective_from, doc.effective_until) == (dt.date(2016, 5, 3), dt.date(2020, 12, 31))
    assert doc.text == DOCUMENT.read_text(encoding="utf-8")
    assert pack.collections() == ["pairs", "heze_assignments", "key_village_schools"]
    assert pack.record_types["heze_assignments"] is HezeAssignment
    assert pack.record_types["key_village_schools"] is KeyVillageSchool


PROVISIONS = {
    # 引言, 一(一), 一(二)
    "programmes": None,
    "ur.target_2017_key_village_rate": 100,
    "heze.cities": 11,
    "heze.period": 3,
    "milestone.m2016.start": None,
    "milestone.m2017.rollout": None,
    "milestone.m2020.deepen": None,
    "requirement.ur.resources_shared_2017": None,
    "requirement.ur.plan_and_charter_2017": None,
    # 二(一): shapes, supporter and supported, key villages
    "ur.forms": ["一对一", "一对多"],
    "ur.key_village_one_to_one": "one_to_one",
    "requirement.ur.supporter_urban": None,
    "requirement.ur.supported_rural_weak": None,
    # 二(二) and 附件
    "heze.one_per_city": 1,
    "table.heze_schools": {"columns": ["seq", "county", "stage", "school"], "rows": 21},
    "table.heze_suppliers": {"columns": ["city", "stage"], "rows": 20},
    # stated figures are exact decimals, which `show` writes as text
    "figure.heze.total": 20,
    "figure.heze.senior": 9,
    "figure.heze.junior": 11,
    # 三(一), 三(二): the measures with numbers
    "requirement.ur.research_meetings.condition1": None,
    "requirement.ur.manager_exchange.condition1": None,
    "requirement.ur.manager_exchange.condition2": None,
    "requirement.ur.joint_projects.condition1": None,
    "requirement.heze.staff_exchange.condition1": None,
    "requirement.heze.staff_exchange.condition2": None,
    "requirement.heze.training_visits.condition1": None,
    # 结尾: names due by the end of June 2016
    "milestone.m2016_06.submit_lists": None,
}


def test_show_lists_every_provision_with_a_quote(pack: Pack) -> None:
    provisions = {p.id: p for p in pack.provisions()}
    missing = sorted(set(PROVISIONS) - set(provisions))
    assert not missing
    for pid, value in PROVISIONS.items():
        p = provisions[pid]
        assert pack.document.contains(p.source.quote), pid
        if value is not None:
            assert p.value == value, pid
    thresholds = {
        pid: (provisions[pid].value["value"], provisions[pid].value["at_least"])
        for pid in PROVISIONS
        if pid.endswith(".condition1") or pid.endswith(".condition2")
    }
    # thresholds are JSON numbers (exact decimals in the pack)
    assert thresholds == {
        "requirement.ur.research_meetings.condition1": ("min_semester_research_meetings", 1),
        "requirement.ur.manager_exchange.condition1": ("managers_sent", 1),
        "requirement.ur.manager_exchange.condition2": ("managers_received", 1),
        "requirement.ur.joint_projects.condition1": ("joint_projects", 1),
        "requirement.heze.staff_exchange.condition1": ("cadres_sent", 2),
        "requirement.heze.staff_exchange.condition2": ("young_teachers_sent", 5),
        "requirement.heze.training_visits.condition1": ("training_visits", 1),
    }
    deadline = provisions["milestone.m2016_06.submit_lists"].value
    assert deadline["due"] == "2016-06-30" and deadline["due_text"] == "2016年6月底前"


def test_qualitative_measures_are_listed(pack: Pack) -> None:
    kinds = {p.id: p.kind for p in pack.definition.provisions}
    measures = sorted(k for k, v in kinds.items() if v == "measure")
    # 三(一)1-4: 2 + 2 + 2 + 2 measures without numbers; 三(二): the forms, 1: 2, 2, 3, 4: 1 each
    assert len(measures) == 8 + 6
    duties = sorted(k for k, v in kinds.items() if v == "duty")
    # 二(一) organisation; 四(一) 1, 四(二) 4, 四(三) 3
    assert len(duties) == 9


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "pairing_rules", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
    )


def test_cli_show_and_packs() -> None:
    packs = run_cli("packs", "--format", "json")
    assert packs.returncode == 0, packs.stderr
    assert "shandong2016" in {p["id"] for p in json.loads(packs.stdout)}
    shown = run_cli("show", "shandong2016", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    ids = {p["id"] for p in data["provisions"]}
    assert set(PROVISIONS) <= ids
    assert all(p["source"]["quote"] for p in data["provisions"])
    assert data["document"]["doc_number"] == "鲁教基函〔2016〕7号"


# --------------------------------------------------------------- per-pair thresholds


def test_a_complete_urban_rural_pair(pack: Pack) -> None:
    report = run(pack, [UR])
    (result,) = report.results
    statuses = {f.requirement: f.status for f in result.findings}
    assert statuses == {
        "ur.supporter_urban": Status.MET,
        "ur.supported_rural_weak": Status.MET,
        "ur.research_meetings": Status.MET,
        "ur.manager_exchange": Status.MET,
        "ur.joint_projects": Status.MET,
        # 2016: the 2017 targets are not due yet
        "ur.resources_shared_2017": Status.NOT_APPLICABLE,
        "ur.plan_and_charter_2017": Status.NOT_APPLICABLE,
        # not a Heze pair
        "heze.staff_exchange": Status.NOT_APPLICABLE,
        "heze.training_visits": Status.NOT_APPLICABLE,
    }
    assert result.passed


@pytest.mark.parametrize(
    ("meetings", "expected"),
    [(0, Status.UNMET), (1, Status.MET), (2, Status.MET), (None, Status.UNMET)],
)
def test_one_research_meeting_per_semester(
    pack: Pack, meetings: int | None, expected: Status
) -> None:
    # 三(一)1 每学期至少召开一次: the fewest in any semester ≥ 1; not reported counts as 0
    report = run(pack, [{**UR, "min_semester_research_meetings": meetings}])
    assert status(report, "P1", "ur.research_meetings") is expected


@pytest.mark.parametrize(
    ("sent", "received", "expected"),
    [
        (1, 1, Status.MET),  # 互派 1 人: one each way
        (0, 1, Status.UNMET),
        (1, 0, Status.UNMET),
        (2, 3, Status.MET),
        (2, None, Status.UNMET),
    ],
)
def test_one_manager_seconded_each_way(
    pack: Pack, sent: int, received: int | None, expected: Status
) -> None:
    report = run(pack, [{**UR, "managers_sent": sent, "managers_received": received}])
    assert status(report, "P1", "ur.manager_exchange") is expected


@pytest.mark.parametrize(
    ("projects", "expected"), [(0, Status.UNMET), (1, Status.MET), (2, Status.MET)]
)
def test_one_joint_project_a_year(pack: Pack, projects: int, expected: Status) -> None:
    report = run(pack, [{**UR, "joint_projects": projects}])
    assert status(report, "P1", "ur.joint_projects") is expected


@pytest.mark.parametrize(
    ("cadres", "young", "expected"),
    [
        (2, 5, Status.MET),  # 不少于2名 … 不少于5名: both at the threshold
        (1, 5, Status.UNMET),
        (3, 5, Status.MET),
        (2, 4, Status.UNMET),
        (2, 6, Status.MET),
        (1, 4, Status.UNMET),
    ],
)
def test_heze_cadres_and_young_teachers(
    pack: Pack, cadres: int, young: int, expected: Status
) -> None:
    report = run(pack, [{**HEZE, "cadres_sent": cadres, "young_teachers_sent": young}])
    assert status(report, "H1", "heze.staff_exchange") is expected


@pytest.mark.parametrize(
    ("visits", "expected"),
    [(0, Status.UNMET), (1, Status.MET), (2, Status.MET), (None, Status.UNMET)],
)
def test_heze_training_visit_a_year(pack: Pack, visits: int | None, expected: Status) -> None:
    report = run(pack, [{**HEZE, "training_visits": visits}])
    assert status(report, "H1", "heze.training_visits") is expected


def test_unmet_message_names_the_number_and_the_threshold(pack: Pack) -> None:
    report = run(pack, [{**HEZE, "cadres_sent": 1}])
    (result,) = report.results
    (finding,) = [f for f in result.findings if f.requirement == "heze.staff_exchange"]
    assert finding.message.zh == "选派中层以上干部数 1，要求 ≥ 2"
    assert finding.observed == {"cadres_sent": 1, "young_teachers_sent": 5}
    assert finding.source.section == "三(二)1"


@pytest.mark.parametrize(
    ("fields", "requirement", "expected"),
    [
        ({"supporter_urban": False}, "ur.supporter_urban", Status.UNMET),
        ({"supporter_urban": None}, "ur.supporter_urban", Status.UNMET),
        ({"supported_rural": False}, "ur.supported_rural_weak", Status.UNMET),
        ({"supported_weak": False}, "ur.supported_rural_weak", Status.UNMET),
        ({"supported_weak": "是"}, "ur.supported_rural_weak", Status.MET),
    ],
)
def test_urban_supporter_and_weak_rural_supported(
    pack: Pack, fields: dict[str, Any], requirement: str, expected: Status
) -> None:
    report = run(pack, [{**UR, **fields}])
    assert status(report, "P1", requirement) is expected


@pytest.mark.parametrize(
    ("year", "shared", "plan", "charter", "resources", "documents"),
    [
        (2016, False, False, False, Status.NOT_APPLICABLE, Status.NOT_APPLICABLE),
        (2017, True, True, True, Status.MET, Status.MET),
        (2017, False, True, False, Status.UNMET, Status.UNMET),
        (2018, True, True, None, Status.MET, Status.UNMET),
        (2020, True, False, True, Status.MET, Status.UNMET),
    ],
)
def test_2017_targets_hold_from_2017(
    pack: Pack,
    year: int,
    shared: bool,
    plan: bool,
    charter: bool | None,
    resources: Status,
    documents: Status,
) -> None:
    record = {
        **UR,
        "year": year,
        "resources_shared": shared,
        "development_plan": plan,
        "school_charter": charter,
    }
    report = run(pack, [record])
    assert status(report, "P1", "ur.resources_shared_2017") is resources
    assert status(report, "P1", "ur.plan_and_charter_2017") is documents


def test_programme_follows_the_scope(pack: Pack) -> None:
    pairs = [
        {**UR, "id": "C", "scope": "市域内", "min_semester_research_meetings": 0},
        {**HEZE, "id": "H", "min_semester_research_meetings": 0},
        {**UR, "id": "X", "scope": "跨地区"},
        {**UR, "id": "N", "scope": None},
    ]
    report = run(pack, pairs)
    assert status(report, "C", "ur.research_meetings") is Status.UNMET
    assert status(report, "C", "heze.staff_exchange") is Status.NOT_APPLICABLE
    # a Heze pair is not held to the urban-rural measures
    assert status(report, "H", "ur.research_meetings") is Status.NOT_APPLICABLE
    assert status(report, "H", "heze.staff_exchange") is Status.MET
    for rid in ("X", "N"):
        (result,) = [r for r in report.results if r.id == rid]
        # no rule applies; the hook's note that no programme applied is filed under the pair
        assert {f.status for f in result.findings} == {Status.NOT_APPLICABLE, Status.INFO}
    info = found(report, "pairs.programme")
    assert {f.record: f.status for f in info} == {"X": Status.INFO, "N": Status.INFO}
    assert "结对范围为 未填写" in next(f for f in info if f.record == "N").message.zh


# --------------------------------------------------------------- one-to-one and shapes


def test_key_village_school_paired_one_to_one(pack: Pack) -> None:
    report = run(pack, [{**UR, "supported_key_village": True}])
    (finding,) = found(report, "ur.key_village_one_to_one")
    assert (finding.record, finding.status) == ("P1", Status.MET)
    assert finding.observed == {"supporters_of_school": 1, "schools_of_supporter": 1}
    assert finding.source.section == "二(一)"


def test_key_village_supporter_with_a_second_school(pack: Pack) -> None:
    pairs = [
        {**UR, "supported_key_village": True},
        {**UR, "id": "P2", "supported": "乙村小学"},  # the same supporter, a second school
    ]
    report = run(pack, pairs)
    (finding,) = found(report, "ur.key_village_one_to_one")
    assert (finding.record, finding.status) == ("P1", Status.UNMET)
    assert finding.observed == {"supporters_of_school": 1, "schools_of_supporter": 2}
    # names in code-point order (乙 U+4E59 before 甲 U+7532), whatever the input order
    assert "同时帮扶 2 所学校（乙村小学、甲村小学）" in finding.message.zh
    # one-to-many is a shape the notice allows for other schools
    assert by_group(report, "ur.pair_shape") == {"2016": Status.MET}


def test_key_village_school_with_a_second_supporter(pack: Pack) -> None:
    pairs = [
        {**UR, "supported_key_village": True},
        {**UR, "id": "P2", "supporter": "城关第二小学", "supported": " 甲村 小学"},
    ]
    report = run(pack, pairs)
    # " 甲村 小学" is 甲村小学 once white space is removed: two supporters
    assert by_record(report, "ur.key_village_one_to_one") == {"P1": Status.UNMET}
    (finding,) = found(report, "ur.key_village_one_to_one")
    assert finding.observed == {"supporters_of_school": 2, "schools_of_supporter": 1}
    # the key-village rule holds under either reading of 一对多
    again = run(pack, pairs, overrides={"shandong2016.one_to_many": "either_side"})
    assert by_record(again, "ur.key_village_one_to_one") == {"P1": Status.UNMET}


def test_one_to_one_is_counted_within_a_year_and_the_programme(pack: Pack) -> None:
    pairs = [
        {**UR, "supported_key_village": True},
        {**UR, "id": "P2", "year": 2017, "supported": "乙村小学"},  # another year
        {**HEZE, "id": "H", "supporter": UR["supporter"]},  # the Heze programme
        {**UR, "id": "P3", "scope": None, "supported": "丙村小学"},  # no programme
    ]
    report = run(pack, pairs)
    assert by_record(report, "ur.key_village_one_to_one") == {"P1": Status.MET}


def test_unknown_key_village_flag_is_not_held_to_one_to_one(pack: Pack) -> None:
    report = run(
        pack, [{**UR, "supported_key_village": None}, {**UR, "id": "P2", "supported": "乙村小学"}]
    )
    assert found(report, "ur.key_village_one_to_one") == []


def test_many_to_one_is_not_a_listed_shape(pack: Pack) -> None:
    pairs = [
        UR,
        {**UR, "id": "P2", "supporter": "城关第二小学"},  # 甲村小学 gets a second supporter
        {**UR, "id": "P3", "supported": "乙村小学"},
    ]
    report = run(pack, pairs)
    (finding,) = found(report, "ur.pair_shape")
    assert (finding.group, finding.status) == ("2016", Status.UNMET)
    assert finding.observed == {"supported_schools": 2, "with_several_supporters": ["甲村小学"]}
    assert "每所被帮扶学校只有一所帮扶学校" in finding.message.zh  # the reading in force, in words
    relaxed = run(pack, pairs, overrides={"shandong2016.one_to_many": "either_side"})
    assert found(relaxed, "ur.pair_shape") == []


def test_pair_shapes_are_per_year(pack: Pack) -> None:
    pairs = [UR, {**UR, "id": "P2", "year": 2017, "supporter": "城关第二小学"}]
    report = run(pack, pairs)
    assert by_group(report, "ur.pair_shape") == {"2016": Status.MET, "2017": Status.MET}


def test_heze_pair_supports_a_listed_school(pack: Pack) -> None:
    report = run(pack, [HEZE, {**HEZE, "id": "H2", "supported": "菏泽市实验中学"}])
    assert by_record(report, "heze.pair_school") == {"H1": Status.MET, "H2": Status.UNMET}


# ------------------------------------------------------------------ Heze assignments


def full_assignment() -> list[dict[str, Any]]:
    """9 senior schools from the 9 senior cities, the first 11 junior schools from the 11 junior cities."""
    out = []
    for n, (city, school) in enumerate(zip(SENIOR_CITIES, SENIOR_SCHOOLS, strict=True), 1):
        out.append(
            {
                "id": f"S{n}",
                "city": f"{city}市",
                "supporter": f"{city}高中甲",
                "supporter_stage": "高中",
                "heze_school": school,
            }
        )
    for n, (city, school) in enumerate(zip(JUNIOR_CITIES, JUNIOR_SCHOOLS[:11], strict=True), 1):
        out.append(
            {
                "id": f"J{n}",
                "city": city,
                "supporter": f"{city}初中甲",
                "supporter_stage": "初中",
                "heze_school": school,
            }
        )
    return out


def test_a_complete_assignment_leaves_the_twelfth_junior_school(pack: Pack) -> None:
    report = run(pack, assignments=full_assignment())
    for requirement in ("heze.listed_school", "heze.stage", "heze.city"):
        assert set(by_record(report, requirement).values()) == {Status.MET}, requirement
        assert len(found(report, requirement)) == 20
    schools = by_group(report, "heze.school_supporter")
    assert len(schools) == 21  # every row of 附件
    # 11 cities for 12 junior schools: 高新区吕陵镇初级中学 is left without a supporter
    assert {k for k, v in schools.items() if v is Status.UNMET} == {"高新区吕陵镇初级中学"}
    supply = by_group(report, "heze.city_supply")
    assert len(supply) == 20  # 11 junior + 9 senior
    assert set(supply.values()) == {Status.MET}


def test_the_twelfth_junior_school_under_each_reading(pack: Pack) -> None:
    extra = {
        "id": "J12",
        "city": "济南",
        "supporter": "济南初中乙",
        "supporter_stage": "初中",
        "heze_school": "高新区吕陵镇初级中学",
    }
    literal = run(pack, assignments=[*full_assignment(), extra])
    assert set(by_group(literal, "heze.school_supporter").values()) == {Status.MET}
    # 济南 now supports 2 junior schools: exactly one is required by default
    (jinan,) = [f for f in found(literal, "heze.city_supply") if f.group == "济南（初中）"]
    assert (jinan.status, jinan.observed, jinan.expected) == (Status.UNMET, 2, "= 1")
    relaxed = run(
        pack,
        assignments=[*full_assignment(), extra],
        overrides={"shandong2016.heze_city_supply": "one_or_more"},
    )
    assert set(by_group(relaxed, "heze.city_supply").values()) == {Status.MET}


def test_two_supporters_for_one_school(pack: Pack) -> None:
    assignments = [
        {
            "id": "A",
            "city": "济南",
            "supporter": "济南高中甲",
            "supporter_stage": "高中",
            "heze_school": "曹县第一中学",
        },
        {
            "id": "B",
            "city": "青岛",
            "supporter": "青岛高中甲",
            "supporter_stage": "高中",
            "heze_school": "曹县第一中学",
        },
    ]
    report = run(pack, assignments=assignments)
    (caoxian,) = [f for f in found(report, "heze.school_supporter") if f.group == "曹县第一中学"]
    assert (caoxian.status, caoxian.observed, caoxian.expected) == (Status.UNMET, 2, 1)
    assert "济南高中甲、青岛高中甲" in caoxian.message.zh
    # the same school entered twice for the same supporter is one supporter
    twice = run(pack, assignments=[assignments[0], {**assignments[0], "id": "A2"}])
    assert by_group(twice, "heze.school_supporter")["曹县第一中学"] is Status.MET


@pytest.mark.parametrize(
    ("stage", "school", "reading", "expected"),
    [
        ("初中", "牡丹区第二十二中学", "exact", Status.MET),
        ("高中", "牡丹区第二十二中学", "exact", Status.UNMET),
        ("初中", "曹县第一中学", "exact", Status.UNMET),
        (None, "曹县第一中学", "exact", Status.UNMET),  # not reported
        ("完全中学", "曹县第一中学", "exact", Status.UNMET),
        ("完全中学", "曹县第一中学", "covers_stage", Status.MET),
        ("完全中学", "牡丹区第二十二中学", "covers_stage", Status.MET),
        ("九年一贯制", "牡丹区第二十二中学", "covers_stage", Status.MET),
        ("九年一贯制", "曹县第一中学", "covers_stage", Status.UNMET),
        # 附件 lists 巨野县高级中学 as 初中: the list's stage counts (see the audit)
        ("初中", "巨野县高级中学", "exact", Status.MET),
    ],
)
def test_supporter_stage_matches_the_list(
    pack: Pack, stage: str | None, school: str, reading: str, expected: Status
) -> None:
    record = {
        "id": "A",
        "city": "济南",
        "supporter": "某校",
        "supporter_stage": stage,
        "heze_school": school,
    }
    report = run(pack, assignments=[record], overrides={"shandong2016.heze_stage_match": reading})
    assert by_record(report, "heze.stage") == {"A": expected}


@pytest.mark.parametrize(
    ("city", "school", "expected"),
    [
        ("济南", "曹县第一中学", Status.MET),
        ("济南市", "曹县第一中学", Status.MET),
        ("威海市", "曹县第一中学", Status.MET),  # the 9th senior city
        ("日照", "曹县第一中学", Status.UNMET),  # names a junior supporter only
        ("莱芜", "牡丹区第二十二中学", Status.MET),
        ("临沂", "牡丹区第二十二中学", Status.UNMET),  # not named
        ("菏泽", "牡丹区第二十二中学", Status.UNMET),
    ],
)
def test_city_named_for_the_stage(pack: Pack, city: str, school: str, expected: Status) -> None:
    record = {
        "id": "A",
        "city": city,
        "supporter": "某校",
        "supporter_stage": "初中",
        "heze_school": school,
    }
    report = run(pack, assignments=[record])
    assert by_record(report, "heze.city") == {"A": expected}


def test_unlisted_school(pack: Pack) -> None:
    record = {
        "id": "A",
        "city": "济南",
        "supporter": "某校",
        "supporter_stage": "高中",
        "heze_school": "菏泽一中",
    }
    report = run(pack, assignments=[record])
    assert by_record(report, "heze.listed_school") == {"A": Status.UNMET}
    assert by_record(report, "heze.stage") == {"A": Status.NOT_APPLICABLE}
    assert by_record(report, "heze.city") == {"A": Status.NOT_APPLICABLE}
    # no listed school has a supporter, no city supplied one
    assert set(by_group(report, "heze.school_supporter").values()) == {Status.UNMET}
    (jinan,) = [f for f in found(report, "heze.city_supply") if f.group == "济南（高中）"]
    assert (jinan.status, jinan.observed) == (Status.UNMET, 0)


def test_no_assignments_no_heze_findings(pack: Pack) -> None:
    report = run(pack, [UR])
    assert not [g for g in report.groups if g.requirement.startswith("heze.")]
    assert not [r for r in report.results if r.collection == "heze_assignments"]


# ------------------------------------------------- Heze pairs and assignments, together


def test_a_heze_pair_supplies_its_school(pack: Pack) -> None:
    # HEZE: 济南示例高级中学 (高中) of 济南 supports 曹县第一中学 (高中); no assignment at all
    report = run(pack, [{**HEZE, "city": "济南市", "supporter_stage": "高中"}])
    assert by_record(report, "heze.stage") == {"H1": Status.MET}
    assert by_record(report, "heze.city") == {"H1": Status.MET}
    (caoxian,) = [f for f in found(report, "heze.school_supporter") if f.group == "曹县第一中学"]
    assert (caoxian.status, caoxian.observed) == (Status.MET, 1)
    assert "济南示例高级中学" in caoxian.message.zh
    # 济南 has supplied its one senior school, and no junior one yet
    assert by_group(report, "heze.city_supply")["济南（高中）"] is Status.MET
    assert by_group(report, "heze.city_supply")["济南（初中）"] is Status.UNMET
    # the pair's findings are filed under the pair
    (h1,) = [r for r in report.results if r.id == "H1"]
    assert {"heze.pair_school", "heze.stage", "heze.city"} <= {f.requirement for f in h1.findings}


def test_a_pair_and_an_assignment_name_the_supporters_together(pack: Pack) -> None:
    pair = {**HEZE, "city": "济南市", "supporter_stage": "高中"}
    same = {
        "id": "A",
        "city": "济南",
        "supporter": " 济南示例高级中学",
        "supporter_stage": "高中",
        "heze_school": "曹县第一中学",
    }
    # the same supporter named twice is one supporter
    report = run(pack, [pair], [same])
    assert by_group(report, "heze.school_supporter")["曹县第一中学"] is Status.MET
    # a second supporter from an assignment: two supporters for one school (and the reverse)
    other = {**same, "id": "B", "city": "青岛", "supporter": "青岛示例高级中学"}
    (caoxian,) = [
        f
        for f in found(run(pack, [pair], [other]), "heze.school_supporter")
        if f.group == "曹县第一中学"
    ]
    assert (caoxian.status, caoxian.observed) == (Status.UNMET, 2)
    assert "济南示例高级中学、青岛示例高级中学" in caoxian.message.zh


@pytest.mark.parametrize(
    ("fields", "city"),
    [
        ({"city": "济南市"}, Status.MET),
        ({"city": "菏泽市", "supporter_city": "青岛市"}, Status.MET),  # supporter_city first
        ({"city": "菏泽市"}, Status.UNMET),  # 菏泽 designates no supporter
        ({"city": "日照市"}, Status.UNMET),  # 日照 designates a junior supporter only
        ({"city": None}, Status.UNMET),
    ],
)
def test_a_heze_pairs_city_is_one_the_text_names(
    pack: Pack, fields: dict[str, Any], city: Status
) -> None:
    report = run(pack, [{**HEZE, "supporter_stage": "高中", **fields}])
    assert by_record(report, "heze.city") == {"H1": city}
    supplied = by_group(report, "heze.school_supporter")["曹县第一中学"]
    assert supplied is city  # supplied only by a supporter of a named city


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"city": "临沂", "supporter_stage": "高中"}, "所在市未列入"),  # not a named city
        ({"city": "日照", "supporter_stage": "高中"}, "所在市未列入"),  # named for 初中 only
        ({"city": "济南", "supporter_stage": "初中"}, "学段不符"),
        ({"city": "济南", "supporter_stage": None}, "学段不符"),
    ],
)
def test_a_supporter_of_the_wrong_city_or_stage_does_not_count(
    pack: Pack, record: dict[str, Any], reason: str
) -> None:
    assignment = {"id": "A", "supporter": "某校", "heze_school": "曹县第一中学", **record}
    report = run(pack, assignments=[assignment])
    (caoxian,) = [f for f in found(report, "heze.school_supporter") if f.group == "曹县第一中学"]
    assert (caoxian.status, caoxian.observed) == (Status.UNMET, 0)
    assert caoxian.message.zh == f"没有帮扶学校；未计入：某校（{reason}）"
    # nor towards the city's supply
    city = record["city"]
    supply = by_group(report, "heze.city_supply")
    for group in (f"{city}（高中）", f"{city}（初中）"):
        assert supply.get(group, Status.UNMET) is Status.UNMET


# ---------------------------------------------------------- 一(一) key-village pairing rate


def kv(sid: str, name: str, city: str | None = "济南市", year: int | None = 2017) -> dict[str, Any]:
    return {"id": sid, "name": name, "city": city, "year": year}


def test_key_village_rate_by_city_and_province(pack: Pack) -> None:
    pairs = [
        {**UR, "id": "P1", "supported": "甲村小学", "year": 2017},
        {**UR, "id": "P2", "supporter": "城关第二小学", "supported": "乙村小学", "year": 2017},
        # another year does not pair a 2017 school; a Heze pair is not an urban-rural pair
        {**UR, "id": "P3", "supporter": "城关第三小学", "supported": "丙村小学", "year": 2016},
        {**HEZE, "id": "H", "supported": "丁村小学", "year": 2017},
    ]
    schools = [
        kv("K1", "甲村小学"),
        kv("K2", " 乙村 小学"),
        kv("K3", "丙村小学"),
        kv("K4", "丁村小学", city="青岛"),
    ]
    report = check(
        pack,
        {"pairs": pairs, "key_village_schools": schools},
        as_of=AS_OF,
    )
    assert not report.rejected
    assert by_record(report, "ur.key_village_paired") == {
        "K1": Status.MET,
        "K2": Status.MET,  # white space ignored
        "K3": Status.UNMET,
        "K4": Status.UNMET,
    }
    rates = {f.group: f for f in found(report, "ur.key_village_rate")}
    # 济南 2017: 2 of 3 = 66.7%; 青岛 2017: 0 of 1; 全省 2017: 2 of 4 = 50%
    assert rates["济南 2017"].observed == {"paired": 2, "schools": 3, "rate": 0.6667}
    assert rates["济南 2017"].status is Status.UNMET
    assert "2/3 = 66.7%" in rates["济南 2017"].message.zh
    assert rates["青岛 2017"].observed == {"paired": 0, "schools": 1, "rate": 0}
    assert rates["全省 2017"].observed == {"paired": 2, "schools": 4, "rate": 0.5}
    assert list(rates) == ["济南 2017", "青岛 2017", "全省 2017"]
    # a listed school is held to one-to-one even without the pair's flag, in any year (the
    # village does not change): P3 of 2016 too
    assert by_record(report, "ur.key_village_one_to_one") == {
        "P1": Status.MET,
        "P2": Status.MET,
        "P3": Status.MET,
    }


def test_key_village_rate_at_100_percent_and_before_2017(pack: Pack) -> None:
    pairs = [{**UR, "id": "P1", "supported": "甲村小学", "year": 2016}]
    report = check(
        pack,
        {
            "pairs": pairs,
            "key_village_schools": [
                kv("K1", "甲村小学", year=2016),
                kv("K2", "乙村小学", year=2016),
                kv("K3", "甲村小学", city=None, year=None),
            ],
        },
        as_of=AS_OF,
    )
    rates = {f.group: f.status for f in found(report, "ur.key_village_rate")}
    # 2016: 1 of 2, but the target falls due in 2017: information; no year: 1 of 1 = 100%
    assert rates == {
        "济南 2016": Status.INFO,
        "未填写": Status.MET,
        "全省 2016": Status.INFO,
        "全省": Status.MET,
    }
    assert by_record(report, "ur.key_village_paired")["K2"] is Status.INFO


def test_no_key_village_list_no_rate(pack: Pack) -> None:
    assert found(run(pack, [UR]), "ur.key_village_rate") == []


# -------------------------------------------------------------- 三(一)2 互派 1 人挂职


@pytest.mark.parametrize(
    ("sent", "received", "each_way", "in_total"),
    [
        (1, 1, Status.MET, Status.MET),
        (1, 0, Status.UNMET, Status.MET),  # 1 + 0 = 1 in all
        (0, None, Status.UNMET, Status.UNMET),  # 0 + 0 = 0
        (0, 2, Status.UNMET, Status.MET),
    ],
)
def test_manager_exchange_under_each_reading(
    pack: Pack, sent: int, received: int | None, each_way: Status, in_total: Status
) -> None:
    record = {**UR, "managers_sent": sent, "managers_received": received}
    assert status(run(pack, [record]), "P1", "ur.manager_exchange") is each_way
    total = run(pack, [record], overrides={"shandong2016.exchange_direction": "in_total"})
    assert status(total, "P1", "ur.manager_exchange") is in_total


# ----------------------------------------------------------------------------- audit


def test_audit_findings(pack: Pack) -> None:
    found_ = {(f.code, f.subject): (f.observed, f.expected) for f in audit(pack).findings}
    assert found_ == {
        ("stated_figure", "heze.total"): (21, 20),  # 附件 has 21 rows, 一(二) says 20
        ("stated_figure", "heze.junior"): (12, 11),  # 12 rows 初中, 二(二) says 11
        ("list_stage_name", "heze_schools:13"): ("初中", "高中"),  # 巨野县高级中学 listed as 初中
        ("heze_supply", "heze.junior_supply"): (11, 12),  # 11 cities for 12 junior schools
    }
    # the senior count (9) and the city counts (11, 9, 11 in all) agree: no finding


def test_heze_list_reproduces_the_documents_counts(pack: Pack) -> None:
    rows = pack.table("heze_schools").rows
    assert [r["seq"] for r in rows] == list(range(1, 22))
    assert [r["school"] for r in rows if r["stage"] == "高中"] == SENIOR_SCHOOLS
    assert [r["school"] for r in rows if r["stage"] == "初中"] == JUNIOR_SCHOOLS
    assert len(SENIOR_SCHOOLS) == 9  # 二(二) 9所高中: agrees
    assert len(JUNIOR_SCHOOLS) == 12  # 二(二) 11所初中: one more in 附件
    assert (rows[2]["county"], rows[9]["county"]) == ("曹县", "单县")  # printed 曹 县, 单 县
    assert set(rows[0]) == {"seq", "county", "stage", "school"}  # no personal data
    counties = {r["county"] for r in rows}
    assert len(counties) == 11  # 牡丹区 … 东明县, 开发区, 高新区


def test_supplier_cities_reproduce_the_text(pack: Pack) -> None:
    rows = pack.table("heze_suppliers").rows
    assert [r["city"] for r in rows if r["stage"] == "初中"] == JUNIOR_CITIES
    assert [r["city"] for r in rows if r["stage"] == "高中"] == SENIOR_CITIES
    assert len({r["city"] for r in rows}) == 11  # 一(二) 全省11市


# ------------------------------------------------------------------ output and input


def test_check_json_shape(pack: Pack) -> None:
    assignment = {
        "id": "A",
        "city": "济南",
        "supporter": "某校",
        "supporter_stage": "高中",
        "heze_school": "曹县第一中学",
    }
    data = run(pack, [{**UR, "supported_key_village": True}], [assignment]).as_json()
    assert set(data) == {
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
    assert data["pack"] == "shandong2016@2.1.0" and data["as_of"] == "2017-06-30"
    result, assignment = data["results"]
    assert (result["id"], result["collection"], result["passed"]) == ("P1", "pairs", True)
    assert (assignment["id"], assignment["collection"]) == ("A", "heze_assignments")
    first = result["findings"][0]
    assert set(first) == {
        "requirement",
        "label",
        "status",
        "record",
        "collection",
        "group",
        "observed",
        "expected",
        "source",
        "message",
    }
    assert first["label"] == {"zh": "帮扶学校为城镇学校", "en": "the supporter is an urban school"}
    one_to_one = next(
        g for g in result["findings"] if g["requirement"] == "ur.key_village_one_to_one"
    )
    assert one_to_one["status"] == "met" and one_to_one["record"] == "P1"
    assert one_to_one["source"]["section"] == "二(一)"
    stage = next(g for g in assignment["findings"] if g["requirement"] == "heze.stage")
    assert (stage["observed"], stage["expected"], stage["record"]) == ("高中", "高中", "A")
    assert [m["due"] for m in data["milestones"]] == [
        "2016-06-30",
        "2016-12-31",
        "2017-12-31",
        "2020-12-31",
    ]
    states = {m["id"]: m["state"] for m in data["milestones"]}
    assert states["m2016_06.submit_lists"] == "passed" and states["m2017.rollout"] == "upcoming"
    json.dumps(data, ensure_ascii=False)


def test_bad_records_are_rejected_with_the_field_named(pack: Pack) -> None:
    good = {
        "id": "A",
        "city": "济南",
        "supporter": "某校",
        "supporter_stage": "高中",
        "heze_school": "曹县第一中学",
    }
    data = {
        "pairs": [
            UR,
            {**UR, "id": "P2", "cadres_sent": -1},
            {**UR, "id": "P3", "training_visits": "两次"},
        ],
        "heze_assignments": [
            good,
            {**good, "id": "B", "supporter_stage": "大学"},
            {k: v for k, v in good.items() if k != "heze_school"} | {"id": "C"},
            {**good, "id": "D", "city": "  "},
            {**good, "id": "E", "stage": "高中"},
            {**good},  # a second record with id A
        ],
    }
    report = check(pack, data, as_of=AS_OF)
    rejected = {(r.collection, r.id): r.errors[0] for r in report.rejected}
    assert {k: e.field for k, e in rejected.items()} == {
        ("pairs", "P2"): "cadres_sent",
        ("pairs", "P3"): "training_visits",
        ("heze_assignments", "B"): "supporter_stage",
        ("heze_assignments", "C"): "heze_school",
        ("heze_assignments", "D"): "city",
        ("heze_assignments", "E"): "stage",
        ("heze_assignments", "A"): "id",
    }
    assert "帮扶学校学段" in rejected[("heze_assignments", "B")].message.zh
    assert "菏泽被帮扶学校" in rejected[("heze_assignments", "C")].message.zh
    assert "缺失" in rejected[("heze_assignments", "C")].message.zh
    assert "不能为空" in rejected[("heze_assignments", "D")].message.zh
    assert "不能小于 0" in rejected[("pairs", "P2")].message.zh
    # the valid records are still checked
    assert [r.id for r in report.results] == ["P1", "A"]
    assert by_record(report, "heze.listed_school") == {"A": Status.MET}


def test_the_sample(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "示例数据" in data["_sample"] and "SAMPLE" in data["_sample"]
    report = check(pack, data, as_of=AS_OF)
    assert not report.rejected
    # 10 pairs, 20 assignments and 5 key-village schools, each with its findings
    assert len(report.results) == 35 and len(data["heze_assignments"]) == 20
    assert {r.id for r in report.results if not r.passed} == {
        "UR-2016-03",  # managers_received 0
        "UR-2016-04",  # a key-village school whose supporter also supports 示例县戊镇中学
        "UR-2016-05",  # no research meeting in a semester
        "UR-2017-02",  # no school charter in 2017
        "HZ-P-02",  # 1 cadre < 2
        "K-2017-02",  # 示例县庚村小学 still without a pair in 2017
    }
    assert by_record(report, "ur.key_village_one_to_one") == {
        "UR-2016-01": Status.MET,
        "UR-2016-04": Status.UNMET,  # its supporter also supports 示例县戊镇中学
        "UR-2017-01": Status.MET,
    }
    # 2016: 甲村小学 (UR-2016-01) and 丁镇中学 (UR-2016-04) of 3, the target not yet due;
    # 2017: 甲村小学 (UR-2017-01) of 2 = 50% < 100%
    rates = {
        f.group: (f.status, f.observed["paired"], f.observed["schools"])
        for f in found(report, "ur.key_village_rate")
    }
    assert rates == {
        "示例 2016": (Status.INFO, 2, 3),
        "示例 2017": (Status.UNMET, 1, 2),
        "全省 2016": (Status.INFO, 2, 3),
        "全省 2017": (Status.UNMET, 1, 2),
    }
    # the Heze pairs name the same supporters as the assignments of their schools: one each
    assert by_record(report, "heze.city") == {
        **{f"HZ-{n:02d}": Status.MET for n in range(1, 21)},
        "HZ-P-01": Status.MET,
        "HZ-P-02": Status.MET,
    }
    unsupported = [
        k for k, v in by_group(report, "heze.school_supporter").items() if v is Status.UNMET
    ]
    assert unsupported == ["开发区广州路中学"]


def test_cli_check_on_the_sample() -> None:
    done = run_cli(
        "check", "shandong2016", str(SAMPLE), "--as-of", "2017-06-30", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["summary"]["records"] == 35 and data["summary"]["rejected"] == 0
    failing = run_cli(
        "check", "shandong2016", str(SAMPLE), "--as-of", "2017-06-30", "--fail-on-unmet"
    )
    assert failing.returncode == 1
    assert "没有帮扶学校" in failing.stdout


# ------------------------------------------------------------------------ properties

_PROPS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_COUNT_RULES = (
    "ur.research_meetings",
    "ur.manager_exchange",
    "ur.joint_projects",
    "heze.staff_exchange",
    "heze.training_visits",
)


@_PROPS
@given(data=st.data())
def test_more_activity_never_unmeets_a_rule(pack: Pack, data: st.DataObject) -> None:
    drawn = st.tuples(prs.pairs(), prs.years(period=pack.period))  # years in force
    record: Pair = data.draw(drawn.map(lambda p: prs.with_year(*p)), label="pair")
    more: Pair = data.draw(prs.activity_increase(record), label="more")
    before = check(pack, [record], as_of=AS_OF).results[0]
    after = check(pack, [more], as_of=AS_OF).results[0]
    was = {f.requirement: f.status for f in before.findings}
    now = {f.requirement: f.status for f in after.findings}
    for requirement in _COUNT_RULES:
        if was[requirement] is Status.MET:
            assert now[requirement] is Status.MET, requirement


@_PROPS
@given(data=st.data())
def test_assignment_findings_do_not_depend_on_record_order(pack: Pack, data: st.DataObject) -> None:
    records = data.draw(
        st.lists(assignments_for(pack), max_size=8, unique_by=lambda a: a.id), label="assignments"
    )
    shuffled = data.draw(st.permutations(records), label="shuffled")

    def findings(items: Sequence[HezeAssignment]) -> list[str]:
        report = check(
            pack, {"heze_assignments": [a.model_dump(mode="json") for a in items]}, as_of=AS_OF
        )
        return sorted(
            g.model_dump_json() for g in every_finding(report) if g.requirement.startswith("heze.")
        )

    first = findings(records)
    assert first == findings(shuffled)
    # each assignment gets its three findings; each listed school and each named city-stage one
    if records:
        assert len(first) == 3 * len(records) + 21 + 20
