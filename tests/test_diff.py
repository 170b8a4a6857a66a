"""`pairing-rules diff`: the zhejiang2021 notice against the Cangnan 2022 plan, and a replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pairing_rules import Registry
from pairing_rules._diff import diff

from .cli_helpers import run

RECORD: dict[str, Any] = {
    "type": "共建型",
    "scope": "县域内",
    "year": 2021,
    "formed_year": 2021,
    "members": ["甲乡小学"],
    "sync_subjects": 2,
    "sync_lessons": 20,
    "online_research": 8,
    "offline_research": 4,
    "members_with_backbone_teacher": 1,
    "evidence_approval": True,
    "evidence_assessment_plan": True,
    "evidence_lessons": True,
    "evidence_research": True,
    "evidence_teacher_list": True,
}


@pytest.fixture(scope="module")
def packs() -> tuple[Any, Any]:
    registry = Registry()
    if "zhejiang2021" not in registry.packs:
        pytest.skip("zhejiang2021 is not installed")
    return registry.get_pack("zhejiang2021"), registry.get_pack("cangnan2022")


def by_topic(report: Any) -> dict[str, Any]:
    return {c.topic: c for c in report.changes}


def test_research_and_exchange_changes(packs: tuple[Any, Any]) -> None:
    a, b = packs
    changes = by_topic(diff(a, b))
    research = changes["communities:research:共建型、融合型"]
    assert research.change.value == "changed"
    # 8 online and 4 offline against 12 online or offline in all
    assert sorted(e["condition"] for e in research.a) == [
        "offline_research ≥ 4",
        "online_research ≥ 8",
    ]
    assert [e["condition"] for e in research.b] == ["(online_research + offline_research) ≥ 12"]
    assert "≥ 12" in research.summary.zh
    cobuild = changes["communities:exchange:共建型"]
    assert cobuild.change.value == "changed"
    assert any("members_with_backbone_teacher" in e["condition"] for e in cobuild.a)
    assert [e["condition"] for e in cobuild.b] == ["(teachers_sent ÷ core_teachers) ≥ 0.1"]
    for side in (cobuild.a, cobuild.b):
        for entry in side:
            assert entry["source"]["quote"]  # each side with its quote


def test_unchanged_topics(packs: tuple[Any, Any]) -> None:
    a, b = packs
    changes = by_topic(diff(a, b))
    assert (
        changes["communities:subjects:共建型、融合型"].change.value == "same"
    )  # ≥ 2 subjects in both
    assert changes["communities:exchange:融合型"].change.value == "same"  # free flow in both
    lessons = changes["communities:lessons:共建型、融合型"]
    # the threshold is unchanged (20); Cangnan's task list also counts offline demonstration lessons
    assert lessons.change.value == "changed"
    assert "门槛不变（≥ 20）" in lessons.summary.zh
    assert changes["communities:mentoring:共建型、融合型"].change.value == "added"
    assert changes["communities:evidence:共建型、融合型"].change.value == "removed"
    assert changes["rubric:county"].change.value == "added"


def test_replay_finds_a_record_that_passes_one_and_fails_the_other(packs: tuple[Any, Any]) -> None:
    a, b = packs
    data = {
        "communities": [
            {
                "id": "P",
                **RECORD,
            },  # meets the 2021 standard; no mentoring and no 10% exchange for Cangnan
            {"id": "F", **RECORD, "sync_lessons": 5},  # fails both
        ]
    }
    report = diff(a, b, data=data)
    assert report.replay is not None
    (row,) = report.replay
    assert row["id"] == "P"
    assert row["a"]["passed"] is True
    assert row["b"]["passed"] is False
    assert {"county.mentoring", "county.exchange"} <= set(row["b"]["unmet"])


def test_diff_command_json_contract(packs: tuple[Any, Any], tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps({"communities": [{"id": "P", **RECORD}]}, ensure_ascii=False), encoding="utf-8"
    )
    result = run("diff", "zhejiang2021", "cangnan2022", "--input", str(path), "--format", "json")
    assert result.code == 0, result.err
    data = result.json
    assert data["a"] == "zhejiang2021@" + packs[0].version and data["b"].startswith("cangnan2022@")
    for change in data["changes"]:
        assert set(change) >= {"topic", "change", "a", "b"}
        assert change["change"] in ("added", "removed", "changed", "same")
    assert [r["id"] for r in data["replay"]] == ["P"]
    text = run("diff", "zhejiang2021", "cangnan2022")
    assert "[变化] 教研活动次数（共建型、融合型）" in text.out


def test_a_pack_against_itself_is_all_same(packs: tuple[Any, Any]) -> None:
    _, b = packs
    assert {c.change.value for c in diff(b, b).changes} == {"same"}


def test_diff_with_unknown_pack() -> None:
    result = run("diff", "cangnan2022", "nope")
    assert result.code == 2 and "没有名为 nope 的规则包" in result.err
