"""Requirements, group requirements, milestones and progress on the demo pack."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml

from pairing_rules import (
    CheckReport,
    CommunityYear,
    Milestone,
    MilestoneState,
    Pack,
    Registry,
    Status,
    audit,
    check,
    pack_from_data,
)
from pairing_rules._interpretations import Choices
from pairing_rules._milestones import milestone_status, progress

from .conftest import DEMO


def community(rid: str, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "type": "融合型", "year": 2023, **fields}


def finding(report: CheckReport, rid: str) -> Any:
    (result,) = [r for r in report.results if r.id == rid]
    (f,) = [f for f in result.findings if f.requirement == "lessons"]
    return f


def test_requirement_statuses_at_and_around_the_threshold(demo: Pack) -> None:
    data = {
        "communities": [
            community("at", sync_subjects=2, sync_lessons=20, evidence_lessons=True),
            community("below", sync_subjects=2, sync_lessons=19, evidence_lessons=True),
            community("above", sync_subjects=3, sync_lessons=21, evidence_lessons=True),
            community("no-proof", sync_subjects=2, sync_lessons=20, evidence_lessons=False),
            community("collab", type="协作型", sync_lessons=0),
        ]
    }
    report = check(demo, data, as_of=dt.date(2023, 7, 1))
    assert finding(report, "at").status is Status.MET
    assert finding(report, "above").status is Status.MET
    below = finding(report, "below")
    assert below.status is Status.UNMET
    assert below.observed == {"sync_subjects": 2, "sync_lessons": 19}
    assert below.expected == {"sync_subjects": "≥ 2", "sync_lessons": "≥ 20"}
    assert (
        "节数 19，要求 ≥ 20" in below.message.zh and "lessons 19, required ≥ 20" in below.message.en
    )
    no_proof = finding(report, "no-proof")
    assert no_proof.status is Status.NEEDS_EVIDENCE
    assert "同步课堂图片及汇总表" in no_proof.message.zh
    assert finding(report, "collab").status is Status.NOT_APPLICABLE
    passed = {r.id: r.passed for r in report.results}
    assert passed == {"at": True, "below": False, "above": True, "no-proof": False, "collab": True}


def test_group_share_with_tolerance(demo: Pack) -> None:
    # 17 of 20 on time = 85%: within 90% ± 5 points (the default), not within ± 0 … here ± 0.05 is the floor
    records = [community(f"c{n}", on_time=n < 17) for n in range(20)]
    report = check(demo, {"communities": records}, as_of=dt.date(2023, 7, 1))
    (group,) = report.groups
    assert group.status is Status.MET
    assert group.observed == {"count": 17, "base": 20, "share": 0.85}
    # 16 of 20 = 80%: 10 points off, outside 5 but inside 10
    records = [community(f"c{n}", on_time=n < 16) for n in range(20)]
    assert check(demo, {"communities": records}).groups[0].status is Status.UNMET
    report = check(demo, {"communities": records}, interpretations={"demo.about": "0.10"})
    assert report.groups[0].status is Status.MET


@pytest.mark.parametrize(
    ("as_of", "expected", "milestone"),
    [
        (dt.date(2023, 6, 29), Decimal(0), None),
        (dt.date(2023, 6, 30), Decimal("0.3"), "verify30"),
        (dt.date(2023, 9, 30), Decimal("0.6"), "verify60"),  # "9 月" resolves to its last day
        (dt.date(2023, 12, 1), Decimal(1), "verify100"),
    ],
)
def test_progress_against_the_milestone_in_force(
    demo: Pack, as_of: dt.date, expected: Decimal, milestone: str | None
) -> None:
    # 2 of 5 fusion communities meet the lessons requirement (with proof) and were verified by 2023-06-01
    done = dict(sync_subjects=2, sync_lessons=20, evidence_lessons=True, verified_on="2023-06-01")
    records = [community("a", **done), community("b", **done)] + [
        community(f"x{n}") for n in range(3)
    ]
    report = check(demo, {"communities": records}, as_of=as_of)
    assert report.progress is not None
    assert (report.progress.done, report.progress.total) == (2, 5)
    assert report.progress.expected_share == expected
    assert report.progress.milestone == milestone
    assert report.progress.on_track is (Decimal("0.4") >= expected)


def test_verification_after_the_as_of_date_does_not_count(demo: Pack) -> None:
    done = dict(sync_subjects=2, sync_lessons=20, evidence_lessons=True, verified_on="2023-08-01")
    report = check(demo, {"communities": [community("a", **done)]}, as_of=dt.date(2023, 7, 1))
    assert report.progress is not None and report.progress.done == 0


def test_month_milestones_follow_the_interpretation(demo: Pack) -> None:
    statuses = {m.id: m for m in milestone_status(demo.definition.milestones, dt.date(2023, 9, 15))}
    assert statuses["verify60"].due == dt.date(2023, 9, 30)
    assert statuses["verify60"].state is MilestoneState.UPCOMING
    choices = demo.choices({"milestones.month_due": "start"})
    statuses = {
        m.id: m for m in milestone_status(demo.definition.milestones, dt.date(2023, 9, 15), choices)
    }
    assert statuses["verify60"].due == dt.date(2023, 9, 1)
    assert statuses["verify60"].state is MilestoneState.PASSED


def test_a_past_deadline_does_not_read_as_met(demo: Pack) -> None:
    """ "passed" reads like "met": the label says a deadline passed; the JSON value stays."""
    from pairing_rules.io._check_words import milestone_notes, milestone_rows

    statuses = milestone_status(demo.definition.milestones, dt.date(2023, 12, 31))
    past = [m for m in statuses if m.state is MilestoneState.PASSED]
    assert past and past[0].model_dump(mode="json")["state"] == "passed"
    assert MilestoneState.PASSED.label.en == "deadline passed"
    assert MilestoneState.PASSED.label.zh == "已截止"
    assert {r["state"] for r in milestone_rows(past, "en")} == {"deadline passed"}
    assert {r["state"] for r in milestone_rows(past, "zh")} == {"已截止"}
    assert "“deadline passed”" in milestone_notes(past, "en")[0]
    assert "“已截止”" in milestone_notes(past, "zh")[0]


#: a milestone due on 2023-06-30 with 30% done by then
THIRTY_PERCENT = Milestone(
    id="m",
    label="x",
    due=dt.date(2023, 6, 30),
    target_share=Decimal("0.3"),
    source={"section": "一", "quote": "x"},
)


def test_progress_without_records() -> None:
    result = progress([THIRTY_PERCENT], dt.date(2023, 7, 1), 0, 0, Choices([]))
    assert result.observed_share is None and result.on_track is None


def test_progress_message_writes_the_date_as_people_do() -> None:
    due = progress([THIRTY_PERCENT], dt.date(2023, 7, 1), 1, 2, Choices([]))
    early = progress([THIRTY_PERCENT], dt.date(2023, 3, 5), 1, 2, Choices([]))
    assert due.message.zh.startswith("截至 2023年7月1日 应完成 30%")
    assert early.message.zh.startswith("截至 2023年3月5日 尚无")
    assert "2023-07-01" in due.message.en and "2023-03-05" in early.message.en


def test_check_report_json_contract(demo: Pack) -> None:
    report = check(
        demo, {"communities": [community("a", sync_subjects=1)]}, as_of=dt.date(2023, 7, 1)
    )
    data = report.as_json()
    assert set(data) >= {"pack", "results", "rejected", "progress"}
    (result,) = data["results"]
    assert set(result) >= {"id", "passed", "findings"}
    assert set(result["findings"][0]) >= {
        "requirement",
        "status",
        "observed",
        "expected",
        "source",
        "message",
    }
    assert data["progress"]["expected_share"] == 0.3
    assert CheckReport.model_validate_json(report.model_dump_json()) == report


def test_records_can_be_models(demo: Pack) -> None:
    record = CommunityYear(
        id="a", type="融合型", year=2023, sync_subjects=2, sync_lessons=25, evidence_lessons=True
    )
    report = check(demo, [record], as_of=dt.date(2023, 7, 1))
    assert report.results[0].passed


def test_each_result_lists_the_interpretations_its_own_hook_reads() -> None:
    # cangnan2022's audit hook recounts 附件1 under two readings; it has no check hook
    pack = Registry().get_pack("cangnan2022")
    hook = {"cangnan2022.school_identity", "cangnan2022.existing_schools"}
    assert pack.definition.hook_interpretation_ids("audit") == hook
    assert pack.definition.hook_interpretation_ids("check") == set()
    assert hook <= {u.id for u in audit(pack).interpretations}
    listed = {u.id for u in check(pack, {"communities": []}).interpretations}
    assert not hook & listed


def test_a_plain_list_of_hook_interpretations_counts_for_both_hooks(demo: Pack) -> None:
    raw = yaml.load(DEMO.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    raw["hook_interpretations"] = ["demo.bonus"]
    listed = pack_from_data(raw, base=DEMO.parent)
    assert "demo.bonus" in {u.id for u in audit(listed).interpretations}
    assert "demo.bonus" in {u.id for u in check(listed, {"communities": []}).interpretations}
    # the same pack with the interpretation declared for the check hook only
    raw["hook_interpretations"] = {"check": ["demo.bonus"]}
    per_hook = pack_from_data(raw, base=DEMO.parent)
    assert "demo.bonus" not in {u.id for u in audit(per_hook).interpretations}
    assert "demo.bonus" in {u.id for u in check(per_hook, {"communities": []}).interpretations}
