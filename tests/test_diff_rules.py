"""``diff`` of two packs that differ only in rubric details, and the records whose grade changes.

Pack B is a copy of the demo pack (``tests/demo``) as next year's document would make it:
its text and the pack's numbers edited together (an item's points, an item's threshold,
which the matching requirement reads too, an adjustment's base, the grade bands) and an
interpretation's default changed.  Each must be reported, and nothing else; with input
records, the records whose total or grade changes are listed with the items responsible.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import pairing_rules as pr
from pairing_rules._diff import diff

from .cli_helpers import run

DEMO = Path(__file__).parent / "demo"

#: next year's document and its pack: the same phrase edited in the text and in the quotes
EDITS = [
    # the exchange item: 20 points → 25
    ("2.教师交流（20 分）", "2.教师交流（25 分）"),
    # the lessons item's threshold: at least 20 lessons → 24
    ("累计不少于 20 节", "累计不少于 24 节"),
    # the satisfaction adjustment's base: 20 → 22
    ("得基本分 20 分", "得基本分 22 分"),
    # the grade bands: 90/60 → 85/60
    ("90 分以上为优秀", "85 分以上为优秀"),
]
#: the same edits in the pack's numbers
PACK_EDITS = [
    (
        "        points: 20\n        partial: demo.partial",
        "        points: 25\n        partial: demo.partial",
    ),
    (
        "            value: sync_lessons\n            at_least: 20\n",
        "            value: sync_lessons\n            at_least: 24\n",
    ),
    # the requirement reads the same sentence of the text: 20 → 24 there too
    (
        "        value: sync_lessons\n        at_least: 20\n",
        "        value: sync_lessons\n        at_least: 24\n",
    ),
    ("        base: 20\n", "        base: 22\n"),
    ("      bands: {document: [90, 60]}", "      bands: {document: [85, 60]}"),
    # partial credit by default (an interpretation: the text does not change)
    ("    default: all_or_nothing", "    default: proportional"),
]


def copy_demo(
    target: Path,
    edits: list[tuple[str, str]],
    text_edits: list[tuple[str, str]] = (),  # type: ignore[assignment]
) -> Path:
    shutil.copytree(DEMO, target)
    for name, changes in (("pack.yaml", [*text_edits, *edits]), ("document.txt", text_edits)):
        file = target / name
        text = file.read_text(encoding="utf-8")
        for old, new in changes:
            assert old in text, (name, old)
            text = text.replace(old, new)
        file.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def packs(tmp_path: Path) -> tuple[pr.Pack, pr.Pack]:
    a = copy_demo(tmp_path / "a", [])
    b = copy_demo(tmp_path / "b", PACK_EDITS, EDITS)
    return pr.load_pack(a / "pack.yaml"), pr.load_pack(b / "pack.yaml")


RECORDS: dict[str, Any] = {
    "communities": [
        # A: 40 + 20 + 20 + 10 = 90 → 优秀 (≥ 90).
        # B: lessons 20 < 24, proportional: min(2/2, 20/24) = 5/6 → 40 × 5/6 = 33.33;
        #    33.33 + 25 + 22 + 10 = 90.33 → 优秀 (≥ 85): the same grade, another total
        {
            "id": "R1",
            "type": "融合型",
            "scope": "县域内",
            "year": 2023,
            "sync_subjects": 2,
            "sync_lessons": 20,
            "teachers_barrier_free": True,
            "satisfaction": 90,
            "on_time": True,
        },
        # A: 40 + 20 + (20 − 3) + 10 = 87 → 合格 (< 90).
        # B: 40 + 25 + (22 − 3) + 10 = 94 → 优秀 (≥ 85): the grade changes
        {
            "id": "R2",
            "type": "融合型",
            "scope": "县域内",
            "year": 2023,
            "sync_subjects": 2,
            "sync_lessons": 24,
            "teachers_barrier_free": True,
            "satisfaction": 87,
            "on_time": True,
        },
        # nothing reported: 0 under both (0 of 2 subjects: proportional credit 0) → 不合格 in both
        {"id": "R3", "type": "融合型", "scope": "县域内", "year": 2023},
    ]
}


def changed(report: Any) -> dict[str, Any]:
    return {c.topic: c for c in report.changes if c.change.value != "same"}


def test_every_rubric_detail_is_reported(packs: tuple[pr.Pack, pr.Pack]) -> None:
    a, b = packs
    found = changed(diff(a, b))
    details = {
        topic: {d["field"]: (d["a"], d["b"]) for d in c.details} for topic, c in found.items()
    }
    assert details == {
        "rubric:main": {
            "item_points": (
                [
                    ["lessons", 40],
                    ["exchange", 20],
                    ["satisfaction", 30],
                    ["on_time", 10],
                    ["studio", 5],
                ],
                [
                    ["lessons", 40],
                    ["exchange", 25],
                    ["satisfaction", 30],
                    ["on_time", 10],
                    ["studio", 5],
                ],
            )
        },
        "rubric:main:item:lessons": {"conditions[sync_lessons].at_least": (20, 24)},
        "rubric:main:item:exchange": {"points": (20, 25)},
        "rubric:main:item:satisfaction": {"base": (20, 22)},
        "rubric:main:grades": {"bands[document]": ([90, 60], [85, 60])},
        "interpretation:demo.partial": {"default": ("all_or_nothing", "proportional")},
        "communities:lessons:共建型、融合型": {},  # the requirement, said in its summary
    }
    assert found["communities:lessons:共建型、融合型"].summary.zh == "门槛由 ≥ 20 变为 ≥ 24"
    lessons = found["rubric:main:item:lessons"]
    assert lessons.summary.zh == "节数 下限 20 → 24"  # the condition's own label
    # an interpretation's readings by their labels, never by their values
    assert found["interpretation:demo.partial"].summary.zh == "默认值 不能 → 按比例"
    assert found["interpretation:demo.partial"].summary.en == "default no → proportional"


def test_a_pack_against_itself_reports_nothing(packs: tuple[pr.Pack, pr.Pack]) -> None:
    a, _b = packs
    report = diff(a, a, data=RECORDS)
    assert changed(report) == {}
    assert report.scores == [] and report.replay == []
    # every kind of rule was compared: each is a topic of its own
    kinds = {c.topic.split(":")[0] for c in report.changes}
    assert kinds >= {
        "rubric",
        "interpretation",
        "group",
        "quota",
        "milestone",
        "table",
        "figure",
        "provision",
    }


def test_records_whose_total_or_grade_changes(packs: tuple[pr.Pack, pr.Pack]) -> None:
    a, b = packs
    report = diff(a, b, data=RECORDS)
    assert report.scores is not None
    rows = {r["id"]: r for r in report.scores}
    assert sorted(rows) == ["R1", "R2"]  # R3 scores 0, 不合格 under both
    r1, r2 = rows["R1"], rows["R2"]
    assert (r1["a"]["total"], r1["a"]["grade"], r1["b"]["total"], r1["b"]["grade"]) == (
        90,
        "优秀",
        90.33,
        "优秀",
    )
    assert {i["id"]: (i["a"], i["b"]) for i in r1["items"]} == {
        "lessons": (40, 33.33),
        "exchange": (20, 25),
        "satisfaction": (20, 22),
    }
    assert (r2["a"]["total"], r2["a"]["grade"], r2["b"]["total"], r2["b"]["grade"]) == (
        87,
        "合格",
        94,
        "优秀",
    )
    assert {i["id"]: (i["a"], i["b"]) for i in r2["items"]} == {
        "exchange": (20, 25),
        "satisfaction": (17, 19),
    }


def test_diff_command_on_pack_folders(tmp_path: Path) -> None:
    a = copy_demo(tmp_path / "a", [])
    b = copy_demo(tmp_path / "b", PACK_EDITS, EDITS)
    records = tmp_path / "records.json"
    records.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    result = run("diff", str(a), str(b / "pack.yaml"), "--input", str(records), "--format", "json")
    assert result.code == 0, result.err
    data = result.json
    assert set(data) >= {"a", "b", "changes", "replay", "scores", "counts"}
    assert (
        data["counts"]["changed"] == 7 and data["counts"]["added"] == data["counts"]["removed"] == 0
    )
    assert [r["id"] for r in data["scores"]] == ["R1", "R2"]
    text = run("diff", str(a), str(b), "--input", str(records))
    assert text.code == 0, text.err
    # each difference in the words of the lines below it, never as JSON
    assert "~ [变化] 示例考核细则：等次：等次分数线（文件规定） 90、60 → 85、60" in text.out
    assert not [line for line in text.out.splitlines() if "[[" in line or '{"' in line]
    # a rubric by its name, as in every Chinese report
    assert "R2：示例考核细则 87（合格） → 示例考核细则 94（优秀）" in text.out
    english = run("diff", str(a), str(b), "--lang", "en")
    assert "grade bands (as the document says) 90, 60 → 85, 60" in english.out


def test_diff_names_the_problems_of_a_pack_that_does_not_load(tmp_path: Path) -> None:
    a = copy_demo(tmp_path / "a", [])
    b = copy_demo(tmp_path / "b", [("        points: 20\n", "        pointz: 20\n")])
    result = run("diff", str(a), str(b))
    assert result.code == 2
    assert "[unknown-key]" in result.err and "pack.yaml:" in result.err
    assert "Traceback" not in result.err


def renamed(target: Path, pack_id: str, edits: list[tuple[str, str]] = ()) -> Path:  # type: ignore[assignment]
    """The demo pack as next year's: its id, and its interpretation ids' prefix, ``pack_id``."""
    return copy_demo(target, [("id: demo\n", f"id: {pack_id}\n"), ("demo.", f"{pack_id}."), *edits])


def test_interpretations_match_without_the_pack_prefix(tmp_path: Path) -> None:
    a = pr.load_pack(copy_demo(tmp_path / "a", []) / "pack.yaml")
    b = pr.load_pack(renamed(tmp_path / "b", "demo2") / "pack.yaml")
    # demo.partial and demo2.partial are the same question: no rule changed
    assert changed(diff(a, b)) == {}
    topics = {c.topic for c in diff(a, b).changes}
    assert "interpretation:demo2.partial" in topics and "interpretation:demo.partial" not in topics
    # a real change is still one
    c = pr.load_pack(
        renamed(
            tmp_path / "c",
            "demo2",
            [("    default: all_or_nothing", "    default: proportional")],
        )
        / "pack.yaml"
    )
    found = changed(diff(a, c))
    assert list(found) == ["interpretation:demo2.partial"]
    assert found["interpretation:demo2.partial"].details[0]["field"] == "default"


def test_rubric_items_grades_and_gates_in_words(tmp_path: Path) -> None:
    """Items by their own labels, a veto's cap by the grade's label, a dropped gate as such."""
    gate = "            value: sync_lessons\n            at_least: 20\n"
    on_time = (
        "      - id: on_time\n        kind: timeliness\n"
        "        label: {zh: 按时完成, en: on time}\n        points: 10\n"
        "        source: {section: 一 4, quote: 按时完成各项任务得 10 分}\n"
    )
    a = copy_demo(
        tmp_path / "a", [(gate, gate + "            when: {demo.partial: all_or_nothing}\n")]
    )
    b = renamed(
        tmp_path / "b", "demo2", [("        cap: pass\n", "        cap: fail\n"), (on_time, "")]
    )
    data = run("diff", str(a), str(b), "--format", "json").json
    texts = {c["topic"]: [d["text"] for d in c["details"]] for c in data["changes"]}
    # the item satisfaction by the item's label (群众满意度), not the field's (群众满意度（%）)
    assert texts["rubric:main"] == [
        {
            "zh": "项目：同步课堂、教师交流、群众满意度、按时完成、名师工作室（加分项） → "
            "同步课堂、教师交流、群众满意度、名师工作室（加分项）",
            "en": "items: synchronous lessons, teacher exchange, satisfaction, on time, studio (bonus)"
            " → synchronous lessons, teacher exchange, satisfaction, studio (bonus)",
        },
        {
            "zh": "各项分值：同步课堂 40 分、教师交流 20 分、群众满意度 30 分、按时完成 10 分、"
            "名师工作室（加分项） 5 分 → 同步课堂 40 分、教师交流 20 分、群众满意度 30 分、"
            "名师工作室（加分项） 5 分",
            "en": "item points: synchronous lessons 40, teacher exchange 20, satisfaction 30, "
            "on time 10, studio (bonus) 5 → synchronous lessons 40, teacher exchange 20, "
            "satisfaction 30, studio (bonus) 5",
        },
    ]
    result = run("diff", str(a), str(b))
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert "~ [变化] 示例考核细则：一票否优：最高等次 合格 → 不合格" in lines
    assert (
        "~ [变化] 示例考核细则：同步课堂：节数：不再限定适用口径"
        "（原仅在“未达标能否按比例得分？”为“不能”时适用）"
    ) in lines
    assert "- [删除] 示例考核细则：按时完成：考核项目：只有前一个规则包有" in lines
    assert "    甲：10 分  一 4「按时完成各项任务得 10 分」" in lines
    english = run("diff", str(a), str(b), "--lang", "en").out.splitlines()
    assert "~ [changed] demo rubric: veto: cap pass → fail" in english
    assert "    A: 10 points  一 4「按时完成各项任务得 10 分」" in english
    assert (
        '    lessons: no longer limited to a reading (applied only when "partial credit?" is "no")'
    ) in english
    # the other way round, the gate reads as added
    back = run("diff", str(b), str(a)).out.splitlines()
    assert (
        "~ [变化] 示例考核细则：同步课堂：节数：改为限定适用口径"
        "（仅在“未达标能否按比例得分？”为“不能”时适用）"
    ) in back
