"""``pairing-rules lint``: each mistake a policy author makes, reported with its file, line and code.

Every test starts from one small pack that lints clean (checked first, so that a
mistake is the only difference), writes one mistake into it, and asserts the
code, the line of ``pack.yaml`` and, where it helps, the "did you mean" hint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pairing_rules as pr
from pairing_rules._lint import (
    CODES,
    LintIssue,
    lint_pack,
    lint_text,
    load_errors_with_positions,
)
from pairing_rules._lint_target import lint

from .cli_helpers import run
from .numerals import below_10000

DOCUMENT = """2023年示例县城乡义务教育共同体考核细则
一、考核指标及分值（100 分）
1.开展线上教学活动（30 分）。融合型、共建型教共体开展城乡同步课堂，每年不少于 2 门学科，累计不少于 24 节。
2.群众满意度测评（25 分）。群众满意度测评达到 90%，得基本分 15 分。每提高（降低）1%，加（减）1 分。
3.按时完成任务（10 分）。
二、考核结果为优秀、合格、不合格。90 分以上为优秀，60 分以上为合格。
三、时间安排：3 月 15 日前确定结对名单。
"""

PACK = """\
id: county2023
version: 0.1.0
label: {zh: 示例县 2023 年教共体考核, en: Example county 2023}
document: {title: 2023年示例县城乡义务教育共同体考核细则, issuer: 示例县教育局, year: 2023}
collections: [communities]
interpretations:
  - id: county2023.lessons
    label: {zh: 线下示范课是否计入节数？, en: Do offline lessons count?}
    default: sync_only
    alternatives:
      - {value: sync_only, label: {zh: 只计同步课堂, en: synchronous lessons only}}
      - {value: sync_and_offline, label: {zh: 同步课堂与线下示范课合计, en: both kinds}}
    rationale: {zh: 细则写“开展城乡同步课堂”，未提线下示范课, en: the rubric names synchronous lessons only}
    source: {section: 一 1, quote: 累计不少于 24 节}
rubrics:
  - id: county
    label: {zh: 考核细则, en: rubric}
    declared_total: 100
    source: {section: 一, quote: 一、考核指标及分值（100 分）}
    applies_to: {type: [融合型, 共建型]}
    items:
      - id: online_teaching
        kind: threshold
        label: {zh: 线上教学, en: online teaching}
        points: 30
        source: {section: 一 1, quote: 1.开展线上教学活动（30 分）}
        conditions:
          - label: {zh: 同步课堂学科数, en: subjects}
            value: sync_subjects
            at_least: 2
            source: {section: 一 1, quote: 每年不少于 2 门学科}
          - label: {zh: 同步课堂节数, en: lessons}
            value: sync_lessons
            at_least: 24
            when: {county2023.lessons: sync_only}
            source: {section: 一 1, quote: 累计不少于 24 节}
          - label: {zh: 同步课堂与线下示范课节数, en: all lessons}
            value: {sum: [sync_lessons, offline_demo_lessons]}
            at_least: 24
            when: {county2023.lessons: sync_and_offline}
            source: {section: 一 1, quote: 累计不少于 24 节}
      - id: satisfaction
        kind: adjustment
        label: {zh: 群众满意度, en: satisfaction}
        points: 25
        value: satisfaction
        pivot: 90
        base: 15
        step: 1
        source: {section: 一 2, quote: 2.群众满意度测评（25 分）。群众满意度测评达到 90%，得基本分 15 分。每提高（降低）1%，加（减）1 分。}
      - id: on_time
        kind: timeliness
        label: {zh: 按时完成, en: on time}
        points: 10
        source: {section: 一 3, quote: 3.按时完成任务（10 分）}
    grades:
      grades:
        - {id: excellent, label: {zh: 优秀, en: excellent}}
        - {id: pass, label: {zh: 合格, en: pass}}
        - {id: fail, label: {zh: 不合格, en: fail}}
      bands: {document: [90, 60]}
      source: {section: 二, quote: 90 分以上为优秀，60 分以上为合格}
milestones:
  - id: lists
    label: {zh: 确定结对名单, en: lists fixed}
    due: 2023-03-15
    source: {section: 三, quote: 3 月 15 日前确定结对名单}
"""


def write_pack(tmp_path: Path, pack: str = PACK, document: str = DOCUMENT) -> Path:
    folder = tmp_path / "county2023"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.yaml").write_text(pack, encoding="utf-8")
    (folder / "document.txt").write_text(document, encoding="utf-8")
    return folder


def edit(old: str, new: str, text: str = PACK, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line of ``text`` containing ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def issues(tmp_path: Path, pack: str = PACK, document: str = DOCUMENT) -> list[LintIssue]:
    """``lint``'s problems with the pack file; loading it reports the same errors and fails."""
    folder = write_pack(tmp_path, pack, document)
    found = lint(folder).issues
    for issue in found:  # every problem names the pack file (a folder was given)
        assert issue.file.endswith("county2023/pack.yaml")
    errors = [(i.code, i.line, i.column) for i in found if i.severity == "error"]
    if not errors:
        pr.load_pack(folder / "pack.yaml")
        return found
    with pytest.raises(pr.PackError) as failed:
        pr.load_pack(folder / "pack.yaml")
    assert [(i.code, i.line, i.column) for i in failed.value.issues] == errors
    for code, line, _column in errors:  # the file, the line and the rule, in zh and en
        for text in (failed.value.text.zh, failed.value.text.en):
            assert f"county2023/pack.yaml:{line}:" in text and f"[{code}]" in text
    return found


def only(found: list[LintIssue], code: str) -> LintIssue:
    matching = [i for i in found if i.code == code]
    assert len(matching) == 1, [i.render() for i in found]
    return matching[0]


def test_the_base_pack_is_clean_and_loads(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    assert lint(folder).issues == []
    pack = pr.load_pack(folder / "pack.yaml")  # the engine agrees: it loads
    assert lint_pack(pack) == []


# ------------------------------------------------------------- the mistakes of the issue


def test_at_least_differs_from_its_quote(tmp_path: Path) -> None:
    pack = edit(
        "at_least: 24\n            when: {county2023.lessons: sync_only}",
        "at_least: 42\n            when: {county2023.lessons: sync_only}",
    )
    issue = only(issues(tmp_path, pack), "number-not-in-quote")
    assert issue.file.endswith("county2023/pack.yaml")
    assert issue.line == line_of(pack, "at_least: 42")
    assert issue.column == 23  # "            at_least: " is 22 characters
    assert "42" in issue.message.zh and "累计不少于 24 节" in issue.message.zh
    assert issue.hint is not None and "24" in issue.hint.zh  # the same digits, transposed


def test_pivot_differs_from_its_quote(tmp_path: Path) -> None:
    document = DOCUMENT.replace("达到 90%", "达到 92%")
    pack = edit("达到 90%", "达到 92%").replace("pivot: 90", "pivot: 29")
    issue = only(issues(tmp_path, pack, document), "number-not-in-quote")
    assert issue.line == line_of(pack, "pivot: 29")
    assert issue.hint is not None and "92" in issue.hint.en


def test_misspelt_when_value(tmp_path: Path) -> None:
    pack = edit("{county2023.lessons: sync_only}", "{county2023.lessons: sync_onyl}")
    issue = only(issues(tmp_path, pack), "unknown-alternative")
    assert issue.line == line_of(pack, "sync_onyl")
    assert issue.hint is not None and "sync_only" in issue.hint.zh and "sync_only" in issue.hint.en


def test_at_most_on_a_lesson_count(tmp_path: Path) -> None:
    pack = edit(
        "at_least: 24\n            when: {county2023.lessons: sync_only}",
        "at_most: 24\n            when: {county2023.lessons: sync_only}",
    )
    issue = only(issues(tmp_path, pack), "activity-penalised")
    assert issue.line == line_of(pack, "at_most: 24")
    assert "sync_lessons" in issue.message.en


def test_at_most_with_a_quoted_ceiling_is_the_documents(tmp_path: Path) -> None:
    document = DOCUMENT.replace("累计不少于 24 节。", "累计不少于 24 节，不超过 40 节。")
    pack = edit(
        "at_least: 24\n            when: {county2023.lessons: sync_only}",
        "at_most: 40\n            when: {county2023.lessons: sync_only}",
    ).replace(
        "source: {section: 一 1, quote: 累计不少于 24 节}\n          - label: {zh: 同步课堂与",
        "source: {section: 一 1, quote: 不超过 40 节}\n          - label: {zh: 同步课堂与",
    )
    assert issues(tmp_path, pack, document) == []


def test_item_worth_more_than_the_total(tmp_path: Path) -> None:
    document = DOCUMENT.replace("活动（30 分）", "活动（130 分）")
    pack = edit("活动（30 分）", "活动（130 分）").replace("points: 30", "points: 130")
    issue = only(issues(tmp_path, pack, document), "item-above-total")
    assert issue.line == line_of(pack, "points: 130")
    assert "130" in issue.message.zh and "100" in issue.message.zh


def test_adjustment_maximum_unreachable(tmp_path: Path) -> None:
    # base 15 at 92%, +1 per point: 100% gives 15 + (100 − 92) × 1 = 23, not the item's 25
    document = DOCUMENT.replace("达到 90%", "达到 92%")
    pack = edit("达到 90%", "达到 92%").replace("pivot: 90", "pivot: 92")
    issue = only(issues(tmp_path, pack, document), "adjustment-max-unreachable")
    assert issue.line == line_of(pack, "points: 25")
    assert "23" in issue.message.zh and "23" in issue.message.en


def test_adjustment_minimum_unreachable(tmp_path: Path) -> None:
    # base 15 at 10%, +1 per point: 0% gives 15 − 10 = 5, never 0
    document = DOCUMENT.replace("达到 90%", "达到 10%")
    pack = edit("达到 90%", "达到 10%").replace("pivot: 90", "pivot: 10")
    issue = only(issues(tmp_path, pack, document), "adjustment-min-unreachable")
    assert issue.line == line_of(pack, "base: 15")
    assert "5" in issue.message.en


# ------------------------------------------------------------------------- load errors


def test_yaml_syntax_error_is_positioned(tmp_path: Path) -> None:
    pack = edit("declared_total: 100", "declared_total: 100\n    label: [unclosed")
    (issue,) = issues(tmp_path, pack)
    assert issue.code == "yaml-syntax"
    assert issue.line >= line_of(pack, "[unclosed")
    assert issue.message.zh.startswith("YAML")


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    pack = edit("        points: 30", "        pointz: 30")
    found = issues(tmp_path, pack)
    unknown = only(found, "unknown-key")
    assert unknown.line == line_of(pack, "pointz")
    assert unknown.column == 9  # the key itself
    assert unknown.hint is not None and "points" in unknown.hint.en
    missing = only(found, "missing-key")
    assert "points" in missing.message.en
    assert "input_value" not in json.dumps([i.as_json() for i in found])  # never the whole pack


def test_every_load_problem_at_once(tmp_path: Path) -> None:
    pack = edit("kind: timeliness", "kind: timelyness")
    pack = edit(
        "value: {sum: [sync_lessons, offline_demo_lessons]}",
        "value: {summ: [sync_lessons, offline_demo_lessons]}",
        pack,
    )
    pack = edit("{county2023.lessons: sync_only}", "{county2023.lesson: sync_only}", pack)
    pack = edit("    pivot: 90", "    pivot: ninety", pack)
    found = issues(tmp_path, pack)
    codes = {(i.code, i.line) for i in found}
    assert ("invalid-value", line_of(pack, "kind: timelyness")) in codes
    assert ("expression", line_of(pack, "summ")) in codes
    assert ("unknown-interpretation", line_of(pack, "county2023.lesson:")) in codes
    assert ("invalid-value", line_of(pack, "pivot: ninety")) in codes
    hints = {i.code: i.hint.en for i in found if i.hint is not None}
    assert "timeliness" in hints["invalid-value"]
    assert "sum" in hints["expression"]
    assert "county2023.lessons" in hints["unknown-interpretation"]


def test_a_rule_of_the_model_is_positioned(tmp_path: Path) -> None:
    pack = edit("base: 15", "base: 40")
    issue = only(issues(tmp_path, pack), "invalid-rule")
    assert issue.line == line_of(pack, "base: 40")
    assert "40" in issue.message.zh and "超过" in issue.message.zh


def test_a_veto_capping_at_an_unknown_grade_is_positioned_at_its_cap(tmp_path: Path) -> None:
    veto = """      source: {section: 二, quote: 90 分以上为优秀，60 分以上为合格}
    vetoes:
      - id: late
        label: {zh: 逾期不评优, en: no excellent when late}
        cap: pas
        source: {section: 一 3, quote: 3.按时完成任务（10 分）}
        triggers:
          - label: {zh: 未按时完成, en: late}
            field: on_time
            equals: false
            source: {section: 一 3, quote: 3.按时完成任务（10 分）}
"""
    pack = edit("      source: {section: 二, quote: 90 分以上为优秀，60 分以上为合格}\n", veto)
    issue = only(issues(tmp_path, pack), "invalid-rule")
    assert (issue.line, "pas") == (line_of(pack, "cap: pas"), issue.message.zh.split()[-1])
    assert issue.hint is not None and "pass" in issue.hint.zh


def test_duplicate_ids_and_keys(tmp_path: Path) -> None:
    pack = edit("      - id: on_time", "      - id: satisfaction")
    pack = edit("    declared_total: 100", "    declared_total: 100\n    declared_total: 100", pack)
    found = issues(tmp_path, pack)
    assert only(found, "duplicate-key").line == line_of(pack, "declared_total", 2)
    assert only(found, "invalid-rule").code == "invalid-rule"  # the rubric's duplicate item ids


def test_quote_not_found_says_where_it_departs(tmp_path: Path) -> None:
    pack = edit("quote: 每年不少于 2 门学科}", "quote: 每年不少于 3 门学科}")
    issue = only(issues(tmp_path, pack), "quote-not-found")
    assert issue.line == line_of(pack, "每年不少于 3 门学科")
    assert issue.hint is not None and "前 5 个字" in issue.hint.zh  # 每年不少于 matches, then 3 ≠ 2


def test_load_errors_with_positions_from_a_failed_load(tmp_path: Path) -> None:
    pack = edit("        points: 30", "        pointz: 30")
    folder = write_pack(tmp_path, pack)
    with pytest.raises(pr.PackError) as failed:
        pr.load_pack(folder / "pack.yaml")
    found = load_errors_with_positions(pack, file="pack.yaml", error=failed.value)
    assert {(i.code, i.line) for i in found} >= {("unknown-key", line_of(pack, "pointz"))}
    assert all(i.file == "pack.yaml" for i in found)


# ------------------------------------------------------------------------------- names


def test_unknown_field_and_filter_value(tmp_path: Path) -> None:
    pack = edit("value: sync_subjects", "value: sync_subject")
    pack = edit(
        "applies_to: {type: [融合型, 共建型]}", "applies_to: {type: [融合型, 共建形]}", pack
    )
    found = issues(tmp_path, pack)
    field = only(found, "unknown-field")
    assert field.line == line_of(pack, "value: sync_subject")
    assert field.hint is not None and "sync_subjects" in field.hint.en
    value = only(found, "unknown-value")
    assert value.line == line_of(pack, "共建形")
    assert value.hint is not None and "共建型" in value.hint.zh


def test_a_range_filters_numbers_only(tmp_path: Path) -> None:
    # a range of years is a filter lint accepts; a range of community types is not
    years = edit("applies_to: {type: [融合型, 共建型]}", "applies_to: {year: {at_least: 2023}}")
    assert issues(tmp_path, years) == []
    types = edit("applies_to: {type: [融合型, 共建型]}", "applies_to: {type: {at_least: 2023}}")
    issue = only(issues(tmp_path / "types", types), "unknown-value")
    assert issue.line == line_of(types, "applies_to: {type: {at_least: 2023}}")
    assert "at_least" in issue.message.en


def test_a_cap_by_interpretation_names_an_alternative(tmp_path: Path) -> None:
    # cap_at_declared is written like when: its value must be one of the interpretation's
    gate = (
        "    applies_to: {type: [融合型, 共建型]}\n    cap_at_declared: {county2023.lessons: %s}\n"
    )
    clean = edit("    applies_to: {type: [融合型, 共建型]}\n", gate % "sync_only")
    assert issues(tmp_path, clean) == []
    wrong = edit("    applies_to: {type: [融合型, 共建型]}\n", gate % "sync_onli")
    issue = only(issues(tmp_path / "wrong", wrong), "unknown-alternative")
    assert issue.line == line_of(wrong, "sync_onli")
    assert issue.hint is not None and "sync_only" in issue.hint.en


def test_condition_that_never_applies(tmp_path: Path) -> None:
    # the rubric is for 融合型 and 共建型 only: a condition for 协作型 never applies
    pack = edit(
        "            value: sync_subjects\n",
        "            value: sync_subjects\n            applies_to: {type: [协作型]}\n",
    )
    issue = only(issues(tmp_path, pack), "never-applies")
    assert issue.line == line_of(pack, "applies_to: {type: [协作型]}")


def test_unused_interpretation_and_unknown_mode(tmp_path: Path) -> None:
    pack = edit(
        "rubrics:",
        """  - id: county2023.partial
    label: {zh: 能否按比例得分？, en: partial credit?}
    default: all_or_nothing
    alternatives:
      - {value: all_or_nothing, label: {zh: 不能, en: 'no'}}
      - {value: proportinal, label: {zh: 按比例, en: proportional}}
  - id: county2023.spare
    label: {zh: 未用的口径, en: unused}
    default: a
    alternatives:
      - {value: a, label: {zh: 甲, en: a}}
rubrics:""",
    )
    pack = edit(
        "        points: 30\n", "        points: 30\n        partial: county2023.partial\n", pack
    )
    found = issues(tmp_path, pack)
    assert only(found, "unused-interpretation").line == line_of(pack, "id: county2023.spare")
    mode = only(found, "unknown-mode")
    assert mode.line == line_of(pack, "value: proportinal")
    assert mode.hint is not None and "proportional" in mode.hint.en


def test_a_missing_reading_the_kind_of_item_knows(tmp_path: Path) -> None:
    # a timeliness item scores an unreported flag as zero, late or not scored: not "lowest"
    pack = edit(
        "rubrics:",
        """  - id: county2023.missing
    label: {zh: 未填报如何计分？, en: not reported?}
    default: zero
    alternatives:
      - {value: zero, label: {zh: 不得分, en: none}}
      - {value: lowest, label: {zh: 最低分, en: lowest}}
rubrics:""",
    )
    pack = edit(
        "        points: 10\n", "        points: 10\n        missing: county2023.missing\n", pack
    )
    mode = only(issues(tmp_path, pack), "unknown-mode")
    assert mode.line == line_of(pack, "value: lowest")
    assert "missing.timeliness" in mode.message.en
    with pytest.raises(ValueError, match="late, not_scored"):
        pr.Scorer(
            pr.load_pack(write_pack(tmp_path, pack) / "pack.yaml"),
            interpretations={"county2023.missing": "lowest"},
        )


def test_a_rationale_quotes_the_document(tmp_path: Path) -> None:
    # a paraphrase is no quote: the reading must rest on the document's own words
    paraphrase = edit("细则写“开展城乡同步课堂”", "细则写“只开展同步课堂”")
    issue = only(issues(tmp_path, paraphrase), "rationale-without-quote")
    assert issue.severity == "warning"  # the pack loads; the conformance suite fails on it
    assert issue.line == line_of(paraphrase, "rationale:")
    assert "只开展同步课堂" in issue.message.zh
    # no rationale at all: named at the interpretation's id
    bare = edit(
        "    rationale: {zh: 细则写“开展城乡同步课堂”，未提线下示范课, en: the rubric names "
        "synchronous lessons only}\n",
        "",
    )
    issue = only(issues(tmp_path, bare), "rationale-without-quote")
    assert issue.line == line_of(bare, "id: county2023.lessons")


def test_an_id_of_the_wrong_form_is_described_in_words(tmp_path: Path) -> None:
    # the pattern an id must match, said as an author reads it rather than as a regex
    pack = edit("      - id: online_teaching", "      - id: Online-Teaching")
    issue = only(issues(tmp_path, pack), "invalid-value")
    assert issue.line == line_of(pack, "id: Online-Teaching")
    assert issue.message.zh.startswith(
        "格式不符：应以小写英文字母开头，只用小写字母、数字和下划线（如 online_teaching）"
    )
    assert "^[a-z]" not in issue.message.zh + issue.message.en


def test_a_placeholder_of_new_pack_left_in_the_file(tmp_path: Path) -> None:
    # new-pack writes （待填写：发文单位） where no --issuer was given: left, it is a warning
    pack = edit("issuer: 示例县教育局", "issuer: （待填写：发文单位）")
    issue = only(issues(tmp_path, pack), "placeholder-left")
    assert issue.severity == "warning"
    assert issue.line == line_of(pack, "issuer: （待填写")
    assert issue.message.zh == "尚未填写：（待填写：发文单位）"


def test_band_keys_and_overrides(tmp_path: Path) -> None:
    pack = edit(
        "      bands: {document: [90, 60]}",
        "      interpretation: county2023.lessons\n      bands: {sync_only: [90, 60], sync_and_ofline: [85, 60]}",
    )
    found = issues(tmp_path, pack)
    keys = [i for i in found if i.code == "band-keys"]
    assert {i.line for i in keys} == {line_of(pack, "sync_and_ofline")}
    assert any(i.hint is not None and "sync_and_offline" in i.hint.en for i in keys)
    folder = write_pack(tmp_path)
    report = lint(
        folder, overrides={"county2023.lessons": "sync_onyl", "county2023.lesson": "sync_only"}
    )
    codes = {i.code: i for i in report.issues}
    assert codes["unknown-alternative"].where() == "--set"
    assert "sync_only" in (codes["unknown-alternative"].hint or pr.Text(zh="", en="")).en
    assert "county2023.lessons" in (codes["unknown-override"].hint or pr.Text(zh="", en="")).en


# ----------------------------------------------------------------------------- numbers


def test_dates_and_notes(tmp_path: Path) -> None:
    pack = edit("due: 2023-03-15", "due: 2023-03-16")
    pack += """provisions:
  - id: total
    kind: figure
    label: {zh: 合计, en: total}
    value: 66
    source: {section: 一 1, quote: 1.开展线上教学活动（30 分）}
    note: {zh: 30 + 25 + 10 = 66, en: 30 + 25 + 10 = 66}
"""
    found = issues(tmp_path, pack)
    assert only(found, "date-not-in-quote").line == line_of(pack, "due: 2023-03-16")
    arithmetic = only(found, "note-arithmetic")
    assert arithmetic.line == line_of(pack, "note: {zh: 30")
    assert "65" in arithmetic.message.en  # 30 + 25 + 10 = 65, not 66
    # 66 is in the note: derived, and said how; the note's sum is what is wrong
    assert not [i for i in found if i.code == "number-not-in-quote"]


def test_a_number_from_an_interpretations_alternative(tmp_path: Path) -> None:
    # "指派一定数量教师" has no number; the alternative the rule is gated on writes 1
    document = DOCUMENT + "四、协作型教共体指派一定数量教师到乡村学校支教。\n"
    pack = edit(
        "      - {value: sync_and_offline, label: {zh: 同步课堂与线下示范课合计, en: both kinds}}",
        "      - {value: sync_and_offline, label: {zh: 同步课堂与线下示范课合计，至少派出 3 名教师, en: both kinds}}",
    )
    pack = edit(
        "            value: sync_subjects\n            at_least: 2\n            source: {section: 一 1, quote: 每年不少于 2 门学科}\n",
        "            value: sync_subjects\n            at_least: 2\n            source: {section: 一 1, quote: 每年不少于 2 门学科}\n"
        "          - label: {zh: 派出教师, en: teachers sent}\n            value: teachers_sent\n            at_least: 3\n"
        "            when: {county2023.lessons: sync_and_offline}\n            source: {section: 四, quote: 指派一定数量教师}\n",
        pack,
    )
    assert issues(tmp_path, pack, document) == []
    ungated = pack.replace(
        "            at_least: 3\n            when: {county2023.lessons: sync_and_offline}\n",
        "            at_least: 3\n",
    )
    assert only(issues(tmp_path, ungated, document), "number-not-in-quote").line == line_of(
        ungated, "at_least: 3"
    )


# ------------------------------------------------------------------------ command line


def test_lint_command_exit_codes_and_json(tmp_path: Path) -> None:
    folder = write_pack(tmp_path)
    clean = run("lint", str(folder))
    assert clean.code == 0, clean.out + clean.err
    assert "未发现问题" in clean.out
    bad = write_pack(
        tmp_path / "bad", edit("{county2023.lessons: sync_only}", "{county2023.lessons: sync_onyl}")
    )
    found = run("lint", str(bad / "pack.yaml"), "--format", "json")
    assert found.code == 1
    data: dict[str, Any] = found.json
    assert data["ok"] is False and data["counts"] == {"unknown-alternative": 1}
    (issue,) = data["issues"]
    assert issue["line"] > 0 and issue["hint"]["en"] == "did you mean sync_only?"
    text = run("lint", str(bad), "--lang", "en")
    assert (
        text.code == 1
        and "[unknown-alternative]" in text.out
        and "did you mean sync_only?" in text.out
    )
    missing = run("lint", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "nowhere" in missing.err and "Traceback" not in missing.err


def test_lint_an_installed_pack_by_id() -> None:
    report = lint("zhejiang2021")
    assert report.file.endswith("pairing_rules_zhejiang2021/pack.yaml")
    assert report.pack_id == "zhejiang2021"
    assert all(i.line > 0 for i in report.issues)


def test_lint_finds_a_packs_own_record_types() -> None:
    # shandong2016 reads heze_assignments, a record type of its own package
    report = lint("shandong2016")
    assert not [i for i in report.issues if i.code in ("unknown-collection", "record-types")]


def test_files_references_and_kinds(tmp_path: Path) -> None:
    pack = edit("        points: 10\n", "        points: 10\n        late: county2023.lessons\n")
    pack += """tables:
  - id: list
    label: {zh: 名单, en: list}
    source: {section: 三, quote: 3 月 15 日前确定结对名单}
    rows_file: tables/list.csv
    columns:
      - {name: core, label: {zh: 核心校, en: core}}
figures:
  - id: count
    label: {zh: 个数, en: count}
    stated: 15
    source: {section: 三, quote: 3 月 15 日前确定结对名单}
    recount: {table: lists, where: {scope: [县域内]}}
group_requirements:
  - id: bonus_share
    kind: share
    label: {zh: 占比, en: share}
    collection: communitys
    where: {on_time: [true]}
    about: 0.5
    tolerance: county2023.lessons
    source: {section: 三, quote: 3 月 15 日前确定结对名单}
"""
    pack = edit("document: {title:", "document: {text: missing.txt, title:", pack)
    found = issues(tmp_path, pack)
    codes = {i.code: i for i in found}
    assert codes["rows-file"].line == line_of(pack, "rows_file: tables/list.csv")
    assert codes["document-missing"].line == line_of(pack, "missing.txt")
    reference = codes["unknown-reference"]
    assert reference.line == line_of(pack, "table: lists")
    assert reference.hint is not None and "list" in reference.hint.en
    assert codes["unknown-collection"].line == line_of(pack, "collection: communitys")
    assert codes["interpretation-kind"].line == line_of(pack, "- id: county2023.lessons")
    modes = {i.line for i in found if i.code == "unknown-mode"}  # late: takes zero or half
    assert modes == {
        line_of(pack, "{value: sync_only,"),
        line_of(pack, "{value: sync_and_offline,"),
    }


def test_duplicate_ids(tmp_path: Path) -> None:
    pack = edit(
        "rubrics:",
        """  - id: county2023.lessons
    label: {zh: 重复, en: twice}
    default: a
    alternatives:
      - {value: a, label: {zh: 甲, en: a}}
rubrics:""",
    )
    issue = only(issues(tmp_path, pack), "duplicate-id")
    assert issue.line == line_of(pack, "- id: county2023.lessons", 2)


def test_record_types_that_do_not_import(tmp_path: Path) -> None:
    # python: names the pack's module (beside pack.yaml) and its own record types
    pack = edit(
        "collections: [communities]",
        "python: {module: county2023, record_types: {assignments: Assignment}}\ncollections: [communities]",
    )
    folder = write_pack(tmp_path, pack)
    (folder / "__init__.py").write_text(
        "raise RuntimeError('broken hook code')\n", encoding="utf-8"
    )
    issue = only(lint(folder).issues, "record-types")
    assert issue.severity == "warning" and "broken hook code" in issue.message.en
    assert issue.line == line_of(pack, "python:")
    (folder / "__init__.py").write_text("Assignmnet = dict\n", encoding="utf-8")
    folder = write_pack(tmp_path / "again", pack)
    (folder / "__init__.py").write_text("class Assignmnet:\n    pass\n", encoding="utf-8")
    issue = only(lint(folder).issues, "record-types")
    assert issue.line == line_of(pack, "python:")
    assert issue.hint is not None and "Assignmnet" in issue.hint.en


def test_every_code_is_documented_with_a_test() -> None:
    # a test per code: each one is asserted somewhere in this file
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [code for code in CODES if f'"{code}"' not in source]
    assert untested == []


def test_lint_text_without_files() -> None:
    # no folder: the document is given, positions still come from the text
    found = lint_text(edit("points: 30", "points: 31"), document_text=DOCUMENT)
    issue = only(found, "number-not-in-quote")
    assert (issue.file, issue.line) == ("pack.yaml", line_of(PACK, "points: 30"))


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=9999), style=st.sampled_from(["arabic", "chinese", "wide"])
)
def test_a_threshold_written_in_its_quote_is_clean_and_any_other_is_reported(
    n: int, style: str
) -> None:
    written = {
        "arabic": str(n),
        "chinese": below_10000(n),
        "wide": str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    }[style]
    quote = f"累计不少于 {written} 节"
    document = DOCUMENT.replace("累计不少于 24 节", quote)
    pack = PACK.replace("累计不少于 24 节", quote).replace("at_least: 24", f"at_least: {n}")
    assert lint_text(pack, document_text=document) == []
    wrong = n + 1
    gated = "\n            when: {county2023.lessons: sync_only}"
    mistaken = pack.replace(f"at_least: {n}{gated}", f"at_least: {wrong}{gated}")
    line = mistaken[: mistaken.index(f"at_least: {wrong}{gated}")].count("\n") + 1
    found = lint_text(mistaken, document_text=document)
    assert [(i.code, i.line) for i in found] == [("number-not-in-quote", line)]


def test_load_errors_after_validation_are_positioned(tmp_path: Path) -> None:
    # the file validates; the checks after validation fail: a quote and a field
    pack = edit("quote: 每年不少于 2 门学科}", "quote: 每年不少于 3 门学科}")
    pack = edit("value: sync_subjects", "value: sync_subject", pack)
    folder = write_pack(tmp_path, pack)
    with pytest.raises(pr.PackError) as failed:
        pr.load_pack(folder / "pack.yaml")
    found = load_errors_with_positions(pack, file="pack.yaml", error=failed.value, base=folder)
    assert {(i.code, i.line) for i in found} == {
        ("quote-not-found", line_of(pack, "每年不少于 3 门学科")),
        ("unknown-field", line_of(pack, "value: sync_subject")),
    }


def test_a_lone_undeclared_interpretation_is_one_problem(tmp_path: Path) -> None:
    # pydantic reports it for the whole pack (and printed the whole pack); lint at its name
    pack = edit("{county2023.lessons: sync_only}", "{county2023.lesson: sync_only}")
    (issue,) = issues(tmp_path, pack)
    assert (issue.code, issue.line) == (
        "unknown-interpretation",
        line_of(pack, "county2023.lesson:"),
    )


def test_a_provisions_value_is_data_not_a_rule() -> None:
    # a provision may hold any mapping: its keys are not when:, partial: or interpretation:
    pack = (
        PACK
        + """provisions:
  - id: odd
    kind: rule
    label: {zh: 一条规定, en: a rule}
    value: {when: {somewhere: someday}, partial: nothing, interpretation: none}
    source: {section: 三, quote: 3 月 15 日前确定结对名单}
"""
    )
    assert lint_text(pack, document_text=DOCUMENT) == []
    # the same keys in a rule are names of interpretations
    ruled = edit("{county2023.lessons: sync_only}", "{somewhere: someday}")
    assert only(lint_text(ruled, document_text=DOCUMENT), "unknown-interpretation").line == line_of(
        ruled, "somewhere"
    )


def test_a_date_that_is_no_date(tmp_path: Path) -> None:
    # PyYAML raised a bare ValueError, without a line, for 2023-02-30
    pack = edit("due: 2023-03-15", "due: 2023-02-30")
    issue = only(issues(tmp_path, pack), "invalid-value")
    assert issue.line == line_of(pack, "2023-02-30")
    pack = edit("year: 2023}", "year: 2023, published: 2023-02-30}")  # a key of any type
    issue = only(issues(tmp_path, pack), "invalid-value")
    assert (issue.line, issue.message.en) == (
        line_of(pack, "2023-02-30"),
        "2023-02-30 is written as a date but is no valid date",
    )
    soon = edit("year: 2023}", "year: 2023, published: soon}")
    issue = only(issues(tmp_path, soon), "invalid-value")
    assert issue.line == line_of(soon, "published: soon") and "published" in issue.message.zh


@pytest.mark.parametrize(
    ("old", "new", "zh", "en"),
    [
        (
            "version: 0.1.0",
            "version: 2.1",
            '版本号 2.1 不加引号是数字，不是版本号：请写作“主.次.修”三段并加引号，如 "2.1.0"',
            'the version 2.1 unquoted is a number, not a version: write it as "MAJOR.MINOR.PATCH" '
            'in quotes, such as "2.1.0"',
        ),
        (
            "version: 0.1.0",
            "version:",
            '版本号为空：请写作“主.次.修”三段并加引号，如 "0.1.0"',
            'the version is empty: write it as "MAJOR.MINOR.PATCH" in quotes, such as "0.1.0"',
        ),
        (
            "version: 0.1.0",
            'version: "2.1"',
            "版本号应为“主.次.修”三段，如 \"2.1.0\"，实为 '2.1'",
            "the version should be MAJOR.MINOR.PATCH, such as \"2.1.0\", got '2.1'",
        ),
        (
            "issuer: 示例县教育局",
            "issuer: ",
            "应为文字，但没有填写",
            "should be text, but is empty",
        ),
        (
            "issuer: 示例县教育局",
            "issuer: yes",
            '应为文字；不加引号的 yes 被读作是/否值，写成文字请加引号，如 "yes"',
            'should be text; yes unquoted is a yes/no value: quote it, as in "yes"',
        ),
        (
            "value: sync_subjects",
            "value: true",
            "是/否值 true 不是表达式",
            "a yes/no value is not an expression: true",
        ),
        (
            "value: sync_subjects",
            "value: {count: [a, b]}",
            "count 只接受一个字段名，收到 [a, b]",
            "count takes a field name, got [a, b]",
        ),
        (
            "value: sync_subjects",
            "value: {sum: [~, sync_lessons]}",
            "空值不是表达式",
            "an empty value is not an expression",
        ),
        (
            "applies_to: {type: [融合型, 共建型]}",
            "applies_to: {type: [融合型, ~]}",
            "字段 type 的筛选取值为空；可选：融合型、共建型、协作型",
            "a value of the field type to filter on is empty; one of: 融合型, 共建型, 协作型",
        ),
    ],
    ids=[
        "version-number",
        "version-empty",
        "version-two-parts",
        "text-empty",
        "text-yes",
        "expression-true",
        "count-list",
        "expression-null",
        "filter-null",
    ],
)
def test_a_value_is_shown_as_the_author_writes_it(
    tmp_path: Path, old: str, new: str, zh: str, en: str
) -> None:
    # never a Python value (None, True, ['a', 'b']) in a message; a version says how to write one
    (problem,) = issues(tmp_path, edit(old, new))
    assert (problem.message.zh, problem.message.en) == (zh, en)
