"""`pairing-rules diff`: the zhejiang2021 notice against the Cangnan 2022 plan, and a replay."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from pairing_rules import Registry, load_pack
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


#: lines as long as they come (a summary is one line)
WIDE = {"COLUMNS": "1000"}
CANGNAN = Path(__file__).parents[1] / "packs" / "cangnan2022" / "src" / "pairing_rules_cangnan2022"
#: next year's Cangnan pack as an author would start it: a new id (and interpretation prefix),
#: item 2 worth 20 points, a gate dropped, a veto's cap lowered, an item gone, a default changed
CANGNAN_EDITS = [
    ("id: cangnan2022\n", "id: cangnan2023\n"),
    ("cangnan2022.", "cangnan2023."),
    ("2.开展线上线下教研活动（18 分）", "2.开展线上线下教研活动（20 分）"),
    ("        points: 18\n", "        points: 20\n"),
    (
        "            at_least: 2\n            when: {cangnan2023.collaboration_items: held}\n",
        "            at_least: 2\n",
    ),
    ("        cap: good\n", "        cap: pass\n"),
    ("      - id: teacher_exchange\n", "      - id: teacher_exchange_gone\n"),
    (
        "  - id: cangnan2023.partial_credit\n    label:\n      zh: 未达到“不少于”门槛的项目能否按比例得分？\n"
        '      en: Does an item below its "at least" threshold earn partial points?\n'
        "    default: all_or_nothing\n",
        "  - id: cangnan2023.partial_credit\n    label:\n      zh: 未达到“不少于”门槛的项目能否按比例得分？\n"
        '      en: Does an item below its "at least" threshold earn partial points?\n'
        "    default: proportional\n",
    ),
]


def next_year(tmp_path: Path) -> Path:
    target = tmp_path / "cangnan2023"
    shutil.copytree(CANGNAN, target, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pack.yaml", "document.txt"):
        file = target / name
        text = file.read_text(encoding="utf-8")
        for old, new in CANGNAN_EDITS if name == "pack.yaml" else CANGNAN_EDITS[2:3]:
            assert old in text, (name, old)
            text = text.replace(old, new, 1 if old.startswith("  ") and "points" in old else -1)
        file.write_text(text, encoding="utf-8")
    return target


def identifiers(*packs: Any) -> set[str]:
    """Every item, field, grade and interpretation id of ``packs`` (with and without prefix)."""
    out: set[str] = set()
    for pack in packs:
        for rubric in pack.definition.rubrics:
            out |= {i.id for i in rubric.items} | {g.id for g in rubric.grades.grades}
        for model in pack.record_types.values():
            out |= set(model.model_fields)
        for interp in pack.definition.interpretations:
            out |= {interp.id, interp.id.removeprefix(f"{pack.id}.")}
    return out


def shown_identifiers(text: str, packs: tuple[Any, ...]) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]{2,}", text)) & identifiers(*packs)


def test_a_chinese_diff_shows_no_identifier(packs: tuple[Any, Any], tmp_path: Path) -> None:
    a, b = packs
    text = run("diff", "zhejiang2021", "cangnan2022", env=WIDE)
    assert text.code == 0, text.err
    assert "计算口径由 城乡同步课堂节数 变为 城乡同步课堂节数 + 送教下乡/线下示范课节数" in text.out
    assert "其他要求" not in text.out and "所有类型" in text.out
    # a share's bound as a percentage, as the quote beside it says (不低于 10%), not 0.1
    assert "核心校派到成员校任教教师数 ÷ 核心校教师数 ≥ 10%  四(三)2(2)" in text.out
    assert shown_identifiers(text.out, (a, b)) == set()
    folder = next_year(tmp_path)
    c = load_pack(folder / "pack.yaml")
    text = run("diff", "cangnan2022", str(folder), env=WIDE)
    assert text.code == 0, text.err
    assert shown_identifiers(text.out, (b, c)) == set()
    # an unchanged interpretation is not a change; a changed default is, by its readings
    changed = [c for c in diff(b, c).changes if c.change.value != "same"]
    assert [c.topic for c in changed if c.topic.startswith("interpretation:")] == [
        "interpretation:cangnan2023.partial_credit"
    ]
    lines = text.out.splitlines()
    assert (
        "~ [变化] 附件4 苍南县城乡义务教育共同体量化考核细则：一票否优：最高等次 良好 → 合格"
        in lines
    )
    assert "    评定依据口径：" not in text.out  # the same question under both prefixes


def test_an_english_diff_shows_no_chinese_outside_quotes_and_names(
    packs: tuple[Any, Any], tmp_path: Path
) -> None:
    _a, b = packs
    folder = next_year(tmp_path)
    c = load_pack(folder / "pack.yaml")
    text = run("diff", "cangnan2022", str(folder), "--lang", "en", env=WIDE)
    assert text.code == 0, text.err
    # quotes and the sections they are from, and what is quoted in a label, are the document's
    rest = re.sub(r"\S*「[^」]*」|“[^”]*”|\"[^\"]*\"", "", text.out.replace("\n", " "))
    sections = {
        s.source.section
        for pack in (b, c)
        for s in pack.provisions()
        if getattr(s, "source", None) is not None
    }
    for section in sorted(sections, key=len, reverse=True):
        rest = rest.replace(section, "")
    rest = re.sub(r"附件\d+", "", rest)
    assert re.findall(r"[\u4e00-\u9fff]+", rest) == []
    assert (
        "~ [changed] Annex 4 county community rubric: veto on an excellent grade: cap good → pass"
        in text.out.splitlines()
    )


def test_a_share_bound_of_a_rubric_condition_reads_as_a_percentage(packs: tuple[Any, Any]) -> None:
    from pairing_rules._diff_words import SideWords

    _a, b = packs
    words = SideWords(b)
    share = "conditions[(teachers_sent ÷ core_teachers) @cangnan2022.cobuild_exchange=ten_percent]"
    assert words(f"{share}.at_least", 0.1, "zh") == "10%"
    assert words("conditions[sync_lessons].at_least", 20, "zh") == "20"  # a count stays a count
