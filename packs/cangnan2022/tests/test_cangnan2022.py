"""cangnan2022: hand-computed scores on both rubrics, the audit, the sample and bad records.

附件4 (county): online teaching 30, research 18, teacher exchange 6, mentoring 15,
satisfaction 25 (15 at 90%, ±1 per point) = 94 points, declared 100.
附件5 (cross-region): six tasks of 10, on time 15, satisfaction 25 = 100.
Grades by default 90/80/60 on the raw points; 一票否优 applies to the school's annual review
(check: veto.school_review) and caps the community at 良好 only under veto_scope=community.
Satisfaction below 90% costs a whole point per started percentage point (floor); a late school
keeps half of item 7 (7.5); the county rubric's item 4 needs 2 mentors ("2-3 名").
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from pairing_rules import (
    CommunityYear,
    Pack,
    Registry,
    Scorer,
    ScoreSheet,
    Status,
    audit,
    check,
    score,
    score_table,
)
from pairing_rules.testing import PackConformance

SAMPLE = Path(__file__).parents[1] / "examples" / "communities-2022.json"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return Registry().get_pack("cangnan2022")


class TestConformance(PackConformance):
    pack_id = "cangnan2022"


def scored(pack: Pack, overrides: dict[str, str] | None = None, **fields: Any) -> ScoreSheet:
    record = {"id": "T", "type": "融合型", "scope": "县域内", "year": 2022, **fields}
    report = score(pack, {"communities": [record]}, interpretations=overrides)
    assert not report.rejected, report.rejected
    (result,) = report.results
    return result


def items(result: ScoreSheet) -> dict[str, Decimal]:
    return {i.id: i.points for i in result.items}


COUNTY_FULL = dict(
    sync_subjects=2,
    sync_lessons=20,
    online_research=8,
    offline_research=4,
    teachers_barrier_free=True,
    mentors=3,
    mentees=9,
    min_mentoring_activities=5,
    satisfaction=90,
)


def test_county_fusion_at_every_threshold(pack: Pack) -> None:
    result = scored(pack, **COUNTY_FULL)
    assert result.rubric == "county"
    # 30 + 18 (8 + 4 = 12) + 6 + 15 (3 mentors × 3 mentees, 5 activities) + 15 (90% is the base)
    assert items(result) == {
        "online_teaching": 30,
        "research": 18,
        "teacher_exchange": 6,
        "mentoring": 15,
        "satisfaction": 15,
    }
    assert (result.total, result.max, result.declared_total) == (84, 94, 100)
    assert result.grade == "良好"  # 84 ≥ 80


def test_county_grade_on_raw_and_scaled_points(pack: Pack) -> None:
    # satisfaction 95 → 15 + 5 = 20; total 30 + 18 + 6 + 15 + 20 = 89
    raw = scored(pack, **{**COUNTY_FULL, "satisfaction": 95})
    assert raw.total == 89 and raw.grade == "良好"
    # scaled: 89 × 100 ÷ 94 = 94.68… → 94.68 ≥ 90
    scaled = scored(
        pack, {"cangnan2022.grade_basis": "scaled"}, **{**COUNTY_FULL, "satisfaction": 95}
    )
    assert scaled.total == 89
    assert scaled.grade_basis == Decimal("94.68")
    assert scaled.grade == "优秀"
    # the most a county community can reach: 94 (satisfaction 100 → 25)
    best = scored(pack, **{**COUNTY_FULL, "satisfaction": 100})
    assert best.total == 94 and best.grade == "优秀"


def test_county_zero_activity(pack: Pack) -> None:
    result = scored(pack, type="共建型")
    assert set(items(result).values()) == {0}
    assert result.total == 0 and result.grade == "不合格"


@pytest.mark.parametrize(("sent", "points"), [(5, 6), (4, 0), (6, 6)])
def test_cobuild_exchange_is_ten_percent_of_core_teachers(
    pack: Pack, sent: int, points: int
) -> None:
    # 5 of 50 = 10% meets "不低于 10%"; 4 of 50 = 8% does not
    result = scored(pack, type="共建型", core_teachers=50, teachers_sent=sent)
    assert items(result)["teacher_exchange"] == points


def test_cobuild_exchange_one_teacher_reading(pack: Pack) -> None:
    result = scored(
        pack,
        {"cangnan2022.cobuild_exchange": "one_teacher"},
        type="共建型",
        core_teachers=50,
        teachers_sent=1,
    )
    assert items(result)["teacher_exchange"] == 6


def test_county_lessons_interpretation(pack: Pack) -> None:
    fields = {**COUNTY_FULL, "sync_lessons": 15, "offline_demo_lessons": 5}
    assert items(scored(pack, **fields))["online_teaching"] == 0  # 15 synchronous < 20
    assert (
        items(scored(pack, {"cangnan2022.county_lessons": "sync_and_offline"}, **fields))[
            "online_teaching"
        ]
        == 30
    )


def test_mentor_count_interpretation(pack: Pack) -> None:
    # 附件4 一 4 "至少安排 2-3 名": 2 mentors with 6 mentees (2 full groups) meet it by default
    fields = {**COUNTY_FULL, "mentors": 2, "mentees": 6}
    assert items(scored(pack, **fields))["mentoring"] == 15
    assert items(scored(pack, {"cangnan2022.min_mentors": "3"}, **fields))["mentoring"] == 0
    # 4 mentors but only 9 mentees: 3 complete 1:3 groups, enough on either reading
    assert items(scored(pack, **{**COUNTY_FULL, "mentors": 4, "mentees": 9}))["mentoring"] == 15
    # 1 mentor: min(1, 6 // 3) = 1 < 2
    assert items(scored(pack, **{**COUNTY_FULL, "mentors": 1, "mentees": 6}))["mentoring"] == 0


@pytest.mark.parametrize(
    ("mentors", "mentees", "complete", "up_to_three"),
    [
        (3, 9, 10, 10),  # 3 full groups: min(3, 9 // 3) = 3; min(3, 9) = 3
        (3, 3, 0, 10),  # min(3, 3 // 3) = 1 < 3; min(3, 3) = 3: one mentee each
        (3, 8, 0, 10),  # min(3, 8 // 3) = 2 < 3; min(3, 8) = 3
        (2, 9, 0, 0),  # 2 mentors < 3 on either reading
        (4, 12, 10, 10),
    ],
)
def test_the_1_to_3_reading(
    pack: Pack, mentors: int, mentees: int, complete: int, up_to_three: int
) -> None:
    fields = {**CROSS_FULL, "mentors": mentors, "mentees": mentees}
    assert items(scored(pack, **fields))["mentoring"] == complete
    cap = {"cangnan2022.mentor_groups": "up_to_three"}
    assert items(scored(pack, cap, **fields))["mentoring"] == up_to_three
    # the task lists follow the same reading
    record = {"id": "X", **fields, "year": 2022}
    for overrides, points in (({}, complete), (cap, up_to_three)):
        report = check(pack, {"communities": [record]}, interpretations=overrides)
        (finding,) = [f for f in report.results[0].findings if f.requirement == "cross.mentoring"]
        assert (finding.status is Status.MET) is (points == 10)


def test_partial_credit_interpretation(pack: Pack) -> None:
    fields = {**COUNTY_FULL, "sync_lessons": 15, "online_research": 6, "offline_research": 3}
    result = scored(pack, {"cangnan2022.partial_credit": "proportional"}, **fields)
    # online teaching: 15/20 = 0.75 → 30 × 0.75 = 22.5; research: 9/12 = 0.75 → 18 × 0.75 = 13.5
    assert items(result)["online_teaching"] == Decimal("22.5")
    assert items(result)["research"] == Decimal("13.5")


CROSS_FULL = dict(
    type="协作型",
    scope="跨地区",
    mentors=3,
    mentees=9,
    min_mentoring_activities=5,
    shadow_teachers=1,
    shadow_months=1,
    sync_lessons=6,
    offline_demo_lessons=4,
    online_research=6,
    offline_research=4,
    extension_courses=1,
    student_exchanges=1,
    on_time=True,
    satisfaction=90,
)


def test_cross_region_at_every_threshold(pack: Pack) -> None:
    result = scored(pack, **CROSS_FULL)
    assert result.rubric == "cross_region"
    # six tasks × 10 + on time 15 + satisfaction 15 = 90; bonuses 0 by default
    assert items(result) == {
        "mentoring": 10,
        "shadow": 10,
        "demo_lessons": 10,
        "research": 10,
        "extension_course": 10,
        "student_exchange": 10,
        "on_time": 15,
        "satisfaction": 15,
        "master_studio": 0,
        "support_teaching": 0,
    }
    assert (result.total, result.max, result.declared_total) == (90, 100, 100)
    assert result.grade == "优秀"


@pytest.mark.parametrize(
    ("satisfaction", "mode", "item", "total"),
    [
        ("93.7", "floor", 18, 93),  # 3 whole points above 90: 15 + 3
        ("89.5", "floor", 14, 89),  # below 90: floor(−0.5) = −1 → 15 − 1
        ("89", "floor", 14, 89),  # 15 − 1
        ("90.5", "floor", 15, 90),  # floor(0.5) = 0
        ("90", "floor", 15, 90),  # 达到 90%: the base
        ("80.2", "floor", 5, 80),  # floor(80.2 − 90) = floor(−9.8) = −10 → 15 − 10 = 5
        ("93.7", "whole", 18, 93),
        ("89.5", "whole", 15, 90),  # truncated towards 90: 89.5 keeps the base
        ("93.7", "exact", Decimal("18.7"), Decimal("93.7")),
        ("93.7", "half_up", 19, 94),  # 3.7 rounds to 4
        ("80", "whole", 5, 80),  # 15 - 10
        ("70", "whole", 0, 75),  # 15 - 20 = -5, floored at 0
        ("100", "whole", 25, 100),  # 15 + 10 = 25, the item's maximum
    ],
)
def test_cross_region_satisfaction(
    pack: Pack, satisfaction: str, mode: str, item: Decimal, total: Decimal
) -> None:
    result = scored(
        pack,
        {"cangnan2022.satisfaction_fraction": mode},
        **{**CROSS_FULL, "satisfaction": Decimal(satisfaction)},
    )
    assert items(result)["satisfaction"] == item
    assert result.total == total


def test_satisfaction_without_floor(pack: Pack) -> None:
    result = scored(
        pack, {"cangnan2022.satisfaction_floor": "none"}, **{**CROSS_FULL, "satisfaction": 70}
    )
    assert items(result)["satisfaction"] == -5  # 15 - (90 - 70)
    assert result.total == 70  # 75 - 5


def test_late_and_the_veto(pack: Pack) -> None:
    late = {**CROSS_FULL, "on_time": False, "satisfaction": 100}
    # 附件5 一 7 "没有按时完成的，酌情扣分": half the 15 points by default
    # 60 + 7.5 + 25 = 92.5 ≥ 90: 优秀, the veto applies to the school's annual review only
    result = scored(pack, **late)
    assert items(result)["on_time"] == Decimal("7.5")
    assert result.total == Decimal("92.5")
    assert (result.grade, result.vetoes) == ("优秀", [])
    # no points when late: 60 + 0 + 25 = 85
    zero = scored(pack, {"cangnan2022.late_points": "zero"}, **late)
    assert (items(zero)["on_time"], zero.total) == (0, 85)
    # the community's grade capped at 良好 under veto_scope=community
    community = scored(pack, {"cangnan2022.veto_scope": "community"}, **late)
    assert community.total == Decimal("92.5")
    assert community.grade == "良好"
    assert [v.id for v in community.vetoes] == ["one_vote_veto"]


@pytest.mark.parametrize(
    ("on_time", "incident", "reading", "vetoed"),
    [
        (True, None, "not_shown", False),
        (False, None, "not_shown", True),  # 不按规定时间完成任务
        (None, None, "not_shown", False),  # not reported: no lateness shown
        (None, None, "on_time_late", True),  # not reported counts as late
        (True, True, "not_shown", True),  # 态度敷衍、被扣分或造成不良后果
        (True, False, "on_time_late", False),
    ],
)
def test_the_veto_in_the_schools_annual_review(
    pack: Pack, on_time: bool | None, incident: bool | None, reading: str, vetoed: bool
) -> None:
    record = {**CROSS_FULL, "id": "X", "year": 2022, "on_time": on_time, "veto_incident": incident}
    overrides = {"cangnan2022.missing_values": reading}
    report = check(pack, {"communities": [record]}, interpretations=overrides)
    (finding,) = [f for f in report.results[0].findings if f.requirement == "veto.school_review"]
    assert finding.status is (Status.UNMET if vetoed else Status.MET)
    # the same grounds cap the community's grade when the veto reaches it
    capped = scored(pack, {**overrides, "cangnan2022.veto_scope": "community"}, **record)
    assert bool(capped.vetoes) is vetoed


def test_a_missing_on_time_earns_nothing(pack: Pack) -> None:
    # not reported: 0 points, less than a late school's 7.5: not reporting never pays
    result = scored(pack, **{**CROSS_FULL, "on_time": None})
    assert items(result)["on_time"] == 0
    assert result.vetoes == []


def test_bonus_points(pack: Pack) -> None:
    fields = {**CROSS_FULL, "master_studio": True, "support_teaching": True}
    assert scored(pack, **fields).total == 90
    result = scored(pack, {"cangnan2022.bonus_points": "2"}, **fields)
    assert (items(result)["master_studio"], items(result)["support_teaching"]) == (2, 2)
    assert result.total == 94  # 90 + 2 + 2
    assert result.max == 100  # bonuses do not raise the reachable maximum


def test_rubric_selection_and_forcing(pack: Pack) -> None:
    records = [
        {"id": "C", "type": "共建型", "scope": "县域内", "year": 2022},
        {"id": "X", "type": "协作型", "scope": "跨地区", "year": 2022},
        {"id": "L", "type": "协作型", "scope": "市域内", "year": 2022},
        {"id": "N", "type": "共建型", "year": 2022},
        # no community of the plan is 省域内 (三(一): 跨地区 and 县域内; 附件1: 县/市/省核验)
        {"id": "P", "type": "共建型", "scope": "省域内", "year": 2022},
    ]
    report = score(pack, {"communities": records})
    assert {r.id: r.rubric for r in report.results} == {
        "C": "county",
        "X": "cross_region",
        "L": "county",
    }
    assert [(r.id, r.errors[0].field) for r in report.rejected] == [("N", "scope"), ("P", "scope")]
    assert "--rubric" in report.rejected[0].errors[0].message.zh
    forced = score(pack, {"communities": records}, rubric="cross_region")
    assert {r.rubric for r in forced.results} == {"cross_region"} and not forced.rejected


def test_the_sample_scores_every_community(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    assert "示例数据" in data["_sample"] and "SAMPLE" in data["_sample"]
    report = score(pack, data)
    assert not report.rejected
    assert len(report.results) == 48  # 47 numbers of 附件1, number 5 split by type
    assert sum(1 for r in report.results if r.rubric == "cross_region") == 8


def test_audit_findings(pack: Pack) -> None:
    found = {(f.code, f.subject): (f.observed, f.expected) for f in audit(pack).findings}
    assert found == {
        ("rubric_total", "county"): (94, 100),  # 30 + 18 + 6 + 15 + 25
        ("stated_figure", "list.fusion_schools"): (10, 8),  # 5 cores + 5 members
        ("stated_figure", "list.cobuild_schools"): (67, 68),
        ("stated_figure", "list.fusion_cobuild_schools"): (76, 75),  # 矾山镇第一小学 leads both
        ("stated_figure", "list.all_schools"): (87, 86),
        ("stated_figure", "timetable.county_list"): (76, 83),
        ("stated_figure", "list.collaboration_repeated"): (2, 3),  # 钱库镇第三小学、马站镇第二小学
        # 三's own arithmetic: 75 + 13 − 3 = 85, not 86; 三(一)2's 8 + 68 = 76, not 三's 75
        ("stated_arithmetic", "coverage.schools"): (85, 86),
        ("stated_arithmetic", "coverage.fusion_cobuild_schools"): (76, 75),
        ("conflicting_provisions", "mentors.count"): (2, 3),
        ("conflicting_provisions", "county.lessons_kinds"): ("sync_only", "sync_and_offline"),
        ("conflicting_provisions", "cobuild.exchange"): (1, 0.1),
    }
    report = audit(pack)
    assert {u.id for u in report.interpretations} >= {
        "cangnan2022.school_identity",
        "cangnan2022.existing_schools",
    }


def test_audit_under_the_other_readings(pack: Pack) -> None:
    one = {"cangnan2022.school_identity": "one_school"}
    found = {
        (f.code, f.subject): (f.observed, f.expected)
        for f in audit(pack, interpretations=one).findings
    }
    # 桥墩镇小学 (44) read as 桥墩小学 (3): 87 − 1 = 86 schools, and 3 repeated
    # (钱库镇第三小学、马站镇第二小学、桥墩小学): both figures of 三 reproduce
    assert ("stated_figure", "list.all_schools") not in found
    assert ("stated_figure", "list.collaboration_repeated") not in found
    assert found[("name_variant", "communities:44")] == ("桥墩镇小学", "桥墩小学")
    before = {"cangnan2022.existing_schools": "formed_before_2022"}
    found = {
        (f.code, f.subject): (f.observed, f.expected)
        for f in audit(pack, interpretations=before).findings
    }
    # fusion rows formed before 2022 (numbers 1-4): 4 cores + 4 members = 8, as stated;
    # co-build rows formed before 2022: 41 schools, against 68
    assert ("stated_figure", "list.fusion_schools") not in found
    assert found[("stated_figure", "list.cobuild_schools")] == (41, 68)


def test_community_list_reference_data(pack: Pack) -> None:
    table = pack.table("communities")
    assert len(table.rows) == 55  # 47 numbers, 8 of them with a second member
    assert {r["type_printed"] for r in table.rows} == {
        "融合型",
        "融合性",
        "共建型",
        "共建性",
        "协作型",
        "跨地区/协作型",
    }
    assert {r["type"] for r in table.rows} == {"融合型", "共建型", "协作型"}
    first = table.rows[0]
    assert (first["core"], first["member"], first["formed"], first["verification"]) == (
        "县江滨实验小学",
        "灵溪镇读浦小学",
        2021,
        "县核验",
    )


def test_check_tasks(pack: Pack) -> None:
    records = [
        {
            "id": "CB",
            "type": "共建型",
            "scope": "县域内",
            "year": 2022,
            "core_teachers": 40,
            "teachers_sent": 3,
            "sync_subjects": 2,
            "sync_lessons": 12,
            "offline_demo_lessons": 8,
        },
        {"id": "X", **CROSS_FULL, "year": 2022, "shadow_months": Decimal("0.5")},
    ]
    report = check(pack, {"communities": records}, as_of=dt.date(2022, 7, 1))
    status = {(r.id, f.requirement): f.status for r in report.results for f in r.findings}
    assert status[("CB", "county.lessons")] is Status.MET  # 12 + 8 = 20 in 2 subjects
    assert status[("CB", "county.exchange")] is Status.UNMET  # 3 of 40 = 7.5% < 10%
    assert status[("CB", "cross.shadow")] is Status.NOT_APPLICABLE
    assert status[("X", "cross.shadow")] is Status.UNMET  # half a month < 1 month
    assert status[("X", "cross.research")] is Status.MET
    states = {m.id: m.state.value for m in report.milestones}
    assert states["m03.ceremony"] == "passed" and states["m06.cross_region_done"] == "passed"
    assert states["m10.all_done"] == "upcoming"


def test_results_are_reproducible_from_a_fresh_registry(pack: Pack) -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    a = score(pack, data)
    b = score(Registry().get_pack("cangnan2022"), data)
    assert a == b
    assert a.pack_hash == pack.content_hash


def test_one_scorer_serves_many_records(pack: Pack) -> None:
    scorer = Scorer(pack)
    report = score(pack, json.loads(SAMPLE.read_text(encoding="utf-8")))
    assert score(pack, {"communities": []}).results == []
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))["communities"]
    again = [scorer.score_record(CommunityYear.model_validate(r)) for r in data]
    assert again == report.results


def test_collaboration_communities_in_score_and_check_alike(pack: Pack) -> None:
    # a city-verified collaboration community (附件1 numbers 43-47) with the county activity
    record = {
        "id": "L",
        "type": "协作型",
        "scope": "市域内",
        "year": 2022,
        **COUNTY_FULL,
        "teachers_sent": 1,
    }
    for reading, points, total, reachable, tasks in (
        # held (default): 30 + 18 + 6 + 15 + 15 = 84 of 94, every county task applies
        ("held", {"online_teaching": 30, "research": 18}, 84, 94, Status.MET),
        # as worded: items 1 and 2 do not apply: 6 + 15 + 15 = 36 of 94 − 30 − 18 = 46
        ("as_worded", {"online_teaching": 0, "research": 0}, 36, 46, Status.NOT_APPLICABLE),
    ):
        overrides = {"cangnan2022.collaboration_items": reading}
        sheet = scored(pack, overrides, **record)
        by_id = {i.id: i for i in sheet.items}
        for item, value in points.items():
            assert by_id[item].points == value
            assert by_id[item].applicable is (reading == "held")
        assert (sheet.total, sheet.max) == (total, reachable)
        report = check(pack, {"communities": [record]}, interpretations=overrides)
        status = {f.requirement: f.status for f in report.results[0].findings}
        # the task list of 四(三)2(2) is written for fusion and co-build communities
        for task in ("county.lessons", "county.research", "county.mentoring", "county.exchange"):
            assert status[task] is Status.NOT_APPLICABLE
        # the tasks matching items 1 and 2: held only under the same reading as the rubric
        assert status.get("county.lessons.collaboration") is (tasks if reading == "held" else None)
        assert status.get("county.research.collaboration") is (tasks if reading == "held" else None)
        # item 4 "每所支援校" and item 3's rule for collaboration communities hold either way
        assert status["county.mentoring.collaboration"] is Status.MET
        assert status["county.exchange.collaboration"] is Status.MET
    # a fusion community is held to every item under both readings
    fusion = {**record, "type": "融合型", "teachers_barrier_free": True}
    for reading in ("held", "as_worded"):
        sheet = scored(pack, {"cangnan2022.collaboration_items": reading}, **fusion)
        assert (sheet.total, sheet.max) == (84, 94)


def test_the_timetable(pack: Pack) -> None:
    milestones = {m.id: m for m in pack.definition.milestones}
    progress = {m.id: m.progress for m in milestones.values() if m.progress is not None}
    # 附件2: 30% on 2月 item 1, 40% on 3月 item 4 (the ceremony, 3 月 15 日前), 80% on 4-5月 item 3,
    # 100% on 6月 item 1 and 9-10月 item 1
    assert progress == {
        "m02.lists": 30,
        "m03.ceremony": 40,
        "m05.three_tasks": 80,
        "m06.cross_region_done": 100,
        "m10.all_done": 100,
    }
    assert milestones["m03.ceremony"].due == dt.date(2022, 3, 15)
    assert milestones["m03.mentor_list"].source.section == "附件2 3月 5"
    assert milestones["m03.plan"].source.section == "附件2 3月 10"
    facts = {p.id: p.value for p in pack.definition.provisions}
    assert facts["timetable.mentor_groups"] == {"groups_at_least": 3, "ratio": "1:3"}
    assert facts["plan.contents"] == [
        "同步课堂",
        "送交下乡",
        "线上线下集体教研",
        "师徒结对",
        "异地跟岗锻炼",
        "课后服务课程",
        "学生集体交流",
    ]
    assert facts["priority.schools"] == ["乡村小规模学校", "寄宿制学校", "薄弱学校"]
    assert facts["rule.total_cap"] == 100


def test_the_total_with_bonuses_is_at_most_100(pack: Pack) -> None:
    # 附件5 一 "（100 分）": 60 + 15 + 25 = 100, plus two bonuses of 5 each, is capped at 100
    fields = {**CROSS_FULL, "satisfaction": 100, "master_studio": True, "support_teaching": True}
    result = scored(pack, {"cangnan2022.bonus_points": "5"}, **fields)
    assert (items(result)["master_studio"], items(result)["support_teaching"]) == (5, 5)
    assert result.total == 100
    assert ("cangnan2022.total_cap", "capped", True) in {
        (u.id, u.value, u.default) for u in result.interpretations
    }


@pytest.mark.parametrize(
    ("reading", "satisfaction", "total"),
    [
        ("capped", 100, 100),  # 60 + 15 + 25 = 100, + 5 + 5 capped at 100
        ("uncapped", 100, 110),  # 100 + 5 + 5 = 110: the bonuses beyond the 100 of the heading
        ("capped", 95, 100),  # 60 + 15 + 20 = 95, + 10 = 105 capped at 100
        ("uncapped", 95, 105),
        ("uncapped", 85, 95),  # 60 + 15 + 10 = 85, + 10 = 95: below 100, no cap to lift
    ],
)
def test_the_cap_is_an_interpretation_on_both_paths(
    pack: Pack, reading: str, satisfaction: int, total: int
) -> None:
    pl = pytest.importorskip("polars")
    overrides = {"cangnan2022.bonus_points": "5", "cangnan2022.total_cap": reading}
    fields = {
        **CROSS_FULL,
        "satisfaction": satisfaction,
        "master_studio": True,
        "support_teaching": True,
    }
    assert scored(pack, overrides, **fields).total == total
    row = {"id": "T", "type": "协作型", "scope": "跨地区", "year": 2022, **fields}
    table = score_table(pack, pl.DataFrame([row]), interpretations=overrides)
    assert table.frame["total"].to_list() == [total]


# -- what a record does not report: named readings, the same on both paths ----------------------


def both_paths(pack: Pack, overrides: dict[str, str], **fields: Any) -> ScoreSheet:
    """The score sheet of one record, after checking that the table path gives its numbers."""
    pl = pytest.importorskip("polars")
    result = scored(pack, overrides, **fields)
    row = {"id": "T", "type": "融合型", "scope": "县域内", "year": 2022, **fields}
    table = score_table(pack, pl.DataFrame([row]), interpretations=overrides)
    (got,) = table.frame.to_dicts()
    assert (got["total"], got["max"], got["grade_id"]) == (
        result.total,
        result.max,
        result.grade_id,
    )
    for item in result.items:
        assert got[f"{result.rubric}.{item.id}"] == item.points, item.id
    return result


@pytest.mark.parametrize(
    ("reading", "basis", "total", "reach", "grade"),
    [
        # 30 + 0 + 6 + 15 + 15 = 66 of 94: research not reported counts as 0 sessions
        ("zero", "raw", 66, 94, "合格"),
        # research not scored: 66 of 94 − 18 = 76
        ("not_scored", "raw", 66, 76, "合格"),
        # scaled: 66 × 100 ÷ 76 = 86.842… → 86.84 (2 places, half up): 良好
        ("not_scored", "scaled", 66, 76, "良好"),
        # scaled: 66 × 100 ÷ 94 = 70.212… → 70.21: 合格
        ("zero", "scaled", 66, 94, "合格"),
    ],
)
def test_a_count_not_reported(
    pack: Pack, reading: str, basis: str, total: int, reach: int, grade: str
) -> None:
    overrides = {"cangnan2022.missing_counts": reading, "cangnan2022.grade_basis": basis}
    fields = {**COUNTY_FULL, "online_research": None, "offline_research": None}
    result = both_paths(pack, overrides, **fields)
    assert (result.total, result.max, result.grade) == (total, reach, grade)
    research = next(i for i in result.items if i.id == "research")
    assert research.points == 0
    if reading == "not_scored":
        assert (research.max, research.applicable) == (0, True)
        assert "不计分" in research.reason.zh and "not scored" in research.reason.en
    else:
        assert research.max == 18
        assert research.reason.zh == "未达标：网络研修与线下教研合计次数 0，要求 ≥ 12"


def test_an_item_with_one_number_reported_is_scored(pack: Pack) -> None:
    # 12 online sessions and no offline figure: 12 + 0 = 12 ≥ 12 under either reading
    fields = {**COUNTY_FULL, "online_research": 12, "offline_research": None}
    for reading in ("zero", "not_scored"):
        result = both_paths(pack, {"cangnan2022.missing_counts": reading}, **fields)
        assert items(result)["research"] == 18
        assert (result.total, result.max) == (84, 94)  # 30 + 18 + 6 + 15 + 15


@pytest.mark.parametrize(
    ("reading", "floor", "item", "total", "reach"),
    [
        ("lowest", "zero", 0, 75, 100),  # 60 + 15 + 0: the lowest is 0 while the floor is 0
        ("zero", "zero", 0, 75, 100),
        ("not_scored", "zero", 0, 75, 75),  # 100 − 25 reachable
        # no floor: the lowest is that of 0%, 15 + (0 − 90) × 1 = −75; 60 + 15 − 75 = 0
        ("lowest", "none", -75, 0, 100),
        ("zero", "none", 0, 75, 100),
        ("not_scored", "none", 0, 75, 75),
    ],
)
def test_a_satisfaction_rate_not_reported(
    pack: Pack, reading: str, floor: str, item: int, total: int, reach: int
) -> None:
    overrides = {
        "cangnan2022.missing_satisfaction": reading,
        "cangnan2022.satisfaction_floor": floor,
    }
    result = both_paths(pack, overrides, **{**CROSS_FULL, "satisfaction": None})
    assert items(result)["satisfaction"] == item
    assert (result.total, result.max) == (total, reach)


@pytest.mark.parametrize(
    ("reading", "late", "item", "total", "reach"),
    [
        ("zero", "half", 0, 75, 100),  # 60 + 0 + 15
        ("late", "half", Decimal("7.5"), Decimal("82.5"), 100),  # 15 ÷ 2 = 7.5 as if late
        ("late", "zero", 0, 75, 100),
        ("not_scored", "half", 0, 75, 85),  # 100 − 15 reachable
    ],
)
def test_on_time_not_reported(
    pack: Pack, reading: str, late: str, item: Decimal, total: Decimal, reach: int
) -> None:
    overrides = {"cangnan2022.missing_on_time": reading, "cangnan2022.late_points": late}
    result = both_paths(pack, overrides, **{**CROSS_FULL, "on_time": None})
    on_time = next(i for i in result.items if i.id == "on_time")
    assert on_time.points == item
    assert (result.total, result.max) == (total, reach)
    if reading == "late":
        assert "按未按时完成计" in on_time.reason.zh
