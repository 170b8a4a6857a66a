"""A Chinese message of a rejected record names a field by its Chinese label, never by its name.

Field names (``sync_lessons``) are identifiers: they stay in the error's ``field`` and in the
English message, for integrators; county staff read the Chinese message on the terminal, in
the reports and on the web page.  Every pack's record types are given the usual mistakes
(wrong type, out of range, wrong choice, missing, duplicate id, a year outside the period),
through the record path, the table path and the activity log.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import polars as pl
import pytest
from pydantic import BaseModel

import pairing_rules as pr
from pairing_rules import _aggregate
from pairing_rules._dataset import Rejection

PACKS = ("cangnan2022", "hunan2016", "shandong2016", "zhejiang2019", "zhejiang2021")

#: a valid record of each collection, the least it takes
MINIMAL: dict[str, dict[str, Any]] = {
    "communities": {"id": "CN-01", "type": "融合型", "year": 2022},
    "pairs": {"id": "P-01", "supporter": "甲校", "supported": "乙校", "year": 2022},
    "regions": {"name": "甲县", "year": 2022},
    "heze_assignments": {"id": "H-01", "city": "济南", "supporter": "甲校", "heze_school": "乙校"},
    "key_village_schools": {"id": "K-01", "name": "甲校", "year": 2022},
}

#: values that are wrong for most fields: text for a number, a number out of range,
#: a yes/no for a count, a word for a choice, an object for text
BAD_VALUES: tuple[Any, ...] = ("三节", -5, 100_000, True, "不存在的选项", {"x": 1}, "2022-13-45")


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models of ``annotation`` and those nested in their fields (an agreement, a school)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        nested = [m for info in annotation.model_fields.values() for m in _models(info.annotation)]
        return [annotation, *nested]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def _field_names() -> set[str]:
    names = set(_aggregate.COLUMNS)
    for pack_id in PACKS:
        for model in pr.get_pack(pack_id).record_types.values():
            for owner in _models(model):
                names.update(owner.model_fields)
    return {n for n in names if re.fullmatch(r"[a-z_]{3,}", n)}


FIELD_NAMES = _field_names()
NAMED = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(FIELD_NAMES)) + r")(?![A-Za-z0-9_])")


def _raw(collection: str, model: type[BaseModel]) -> list[Any]:
    """Records of ``collection`` with the usual mistakes, each on its own."""
    base = MINIMAL[collection]
    rows: list[Any] = [dict(base), dict(base), {}]  # a duplicate id; every required field missing
    for name in model.model_fields:
        for value in BAD_VALUES:
            key = "id" if "id" in base else "name"  # a region is known by its name
            rows.append({**base, key: f"X-{len(rows)}", name: value})
    return rows


def _messages(rejected: list[Rejection]) -> list[str]:
    return [e.message.zh for r in rejected for e in r.errors] + [r.reason.zh for r in rejected]


def _no_field_name(messages: list[str]) -> None:
    assert messages
    for text in messages:
        found = NAMED.search(text)
        assert found is None, f"{found.group(0) if found else ''} in {text!r}"


@pytest.mark.parametrize("pack_id", PACKS)
def test_no_field_name_in_a_chinese_message_of_any_record_type(pack_id: str) -> None:
    pack = pr.get_pack(pack_id)
    raw = {c: _raw(c, pack.record_types[c]) for c in pack.collections()}
    dataset = pr.load_dataset(raw, pack.record_types)
    codes = {e.code for r in dataset.rejected for e in r.errors}
    assert {"duplicate_id", "missing", "not_an_option", "value_too_small"} <= codes
    assert codes & {"not_an_integer", "not_a_number", "not_a_date", "wrong_shape"}
    _no_field_name(_messages(dataset.rejected))
    # the English message keeps the field's name
    assert any(NAMED.search(e.message.en) for r in dataset.rejected for e in r.errors)


@pytest.mark.parametrize("pack_id", PACKS)
def test_a_year_outside_the_period_is_named_in_chinese(pack_id: str) -> None:
    pack = pr.get_pack(pack_id)
    if pack.period.effective_from is None:
        pytest.skip("the pack has no period")
    collection = pack.collections()[0]
    record = {**MINIMAL[collection], "year": 1990}
    report: Any = pr.check(pack, {collection: [record]})
    (error,) = report.rejected[0].errors
    assert error.field == "year" and error.code == "outside_period"
    assert error.message.zh.startswith("“年度”为 1990，不在规则包 ")
    assert error.message.en.startswith("field year is 1990")


def test_the_table_path_names_fields_as_the_record_path_does() -> None:
    pack = pr.get_pack("cangnan2022")
    frame = pl.DataFrame(
        {
            "id": ["A", "B", "A", "D", "E"],
            "type": ["融合型", "不存在型", "融合型", "共建型", "共建型"],
            "scope": ["县域内"] * 5,
            "year": [2022, 2022, 2022, 2022, 1990],
            "mentors": [3, 3, -1, 2, 1],
            "core_teachers": [10, 10, 10, 1, 1],
            "teachers_sent": [1, 1, 1, 2, 0],
        }
    )
    table = pr.score_table(pack, frame)
    records = pr.score(pack, {"communities": frame.to_dicts()})
    assert [r.reason for r in table.rejected] == [r.reason for r in records.rejected]
    assert len(table.rejected) == 4
    _no_field_name(_messages(table.rejected))


def test_the_activity_log_names_its_columns_in_chinese() -> None:
    log = pl.DataFrame(
        {
            "community_id": ["A", "A", "A", "A", "ZZ", None],
            "date": [
                "2022-03-01",
                "2022-13-01",
                "2022-03-02",
                "2022-03-03",
                "2022-03-04",
                "2022-03-05",
            ],
            "kind": ["跳舞", "同步课堂", "跟岗", "同步课堂", "网络研修", "网络研修"],
            "subject": [None, "语文", None, "数学", None, None],
            "group": [None] * 6,
            "teacher": [None, None, "王", None, None, None],
            "months": [None, None, "很久", None, None, None],
            "participants": ["1", "1", "1", "-1", "1", "1"],
        }
    )
    communities = pl.DataFrame({"id": ["A"], "type": ["融合型"], "scope": ["县域内"]})
    result = pr.aggregate_log(log, communities, year=2022)
    by_row = {r.index: r for r in result.rejected}
    assert sorted(by_row) == [0, 1, 2, 3, 4, 5]
    _no_field_name(_messages(result.rejected))
    # two messages, whole
    assert by_row[0].reason.zh == (
        "“活动类型”取值“跳舞”无效，可选：同步课堂、线下示范课、网络研修、线下教研、师徒指导、跟岗、"
        "拓展课程、学生交流、派出任教（第 C 列）"
    )
    assert by_row[4].reason.zh == "“教共体编号”为 ZZ，不在教共体名单中（第 A 列）"
    assert by_row[5].reason.zh == "“教共体编号”缺失（必填）（第 A 列）"
    # the structured error keeps the column's name
    assert by_row[0].errors[0].field == "kind" and "field kind" in by_row[0].reason.en


def test_whole_messages_of_the_record_path() -> None:
    rows = [
        {"id": "A", "type": "融合型", "sync_lessons": "三节"},
        {"id": "B", "type": "协同型"},
        {"id": "A", "type": "共建型"},
    ]
    _, rejected = pr.validate_records(rows, pr.CommunityYear, "communities")
    assert [r.reason.zh for r in rejected] == [
        "“城乡同步课堂节数”应为整数，实际为“三节”",
        "“教共体模式”取值“协同型”无效，可选：融合型、共建型、协作型",
        "“编号”为 A，与第 1 条重复",
    ]
    assert [e.field for r in rejected for e in r.errors] == ["sync_lessons", "type", "id"]
    assert rejected[0].reason.en == (
        "field sync_lessons (synchronous lessons) must be a whole number, got '三节'"
    )
    pair = {
        "id": "P",
        "supporter": "甲校",
        "supported": "乙校",
        "forms": ["城乡同步课堂", "飞鸽传书"],
    }
    _, (bad,) = pr.validate_records([pair], pr.Pair, "pairs")
    assert bad.reason.zh == (
        "“帮扶形式”第 2 项取值“飞鸽传书”无效，可选：城乡同步课堂、远程专递课堂、教师网络研修、名师网络课堂"
    )
    assert bad.errors[0].field == "forms.1"
    _, (late,) = pr.validate_records(
        [{**pair, "forms": [], "agreement": {"signed_on": "昨天"}}], pr.Pair, "pairs"
    )
    assert late.reason.zh == "“结对协议内容”的“签订日期”应为日期（如 2022-06-30），实际为“昨天”"


def test_a_field_the_record_does_not_know_is_named_as_given() -> None:
    _, (rejected,) = pr.validate_records(
        [{"id": "A", "type": "融合型", "sync_lesson": 3}], pr.CommunityYear, "communities"
    )
    assert rejected.reason.zh == "字段“sync_lesson”不是已知字段（请检查拼写）"
