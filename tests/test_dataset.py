"""Bad input: every problem named by record and field, valid records still processed."""

from __future__ import annotations

import pytest

from pairing_rules import CommunityYear, InputError, load_dataset, validate_records
from pairing_rules._models import CORE_RECORD_TYPES


def test_valid_records_survive_bad_neighbours() -> None:
    raw = [
        {"id": "A", "type": "融合型", "year": 2022},
        {"id": "B", "type": "融合型", "year": 2022, "sync_lessons": -3},
        {"type": "融合型", "year": 2022},
        "not an object",
        {"id": "A", "type": "共建型", "year": 2022},
        {"id": "E", "type": "共建型", "year": 2022},
    ]
    records, rejected = validate_records(raw, CommunityYear, "communities")
    assert [r.id for r in records] == ["A", "E"]
    assert [(r.index, r.id) for r in rejected] == [(1, "B"), (2, None), (3, None), (4, "A")]
    assert rejected[0].render() == (
        "communities 第 2 条（编号 B）：“城乡同步课堂节数”不能小于 0，实际为 -3"
    )
    assert rejected[1].errors[0].field == "id" and "缺失" in rejected[1].errors[0].message.zh
    assert "记录应为一个对象" in rejected[2].reason.zh
    assert rejected[3].reason.zh == "“编号”为 A，与第 1 条重复"
    assert rejected[0].render("en").startswith("communities record 2 (id B)")
    assert len(records) + len(rejected) == len(raw)  # nothing lost


def test_several_errors_of_one_record_are_all_named() -> None:
    _, rejected = validate_records(
        [{"id": "X", "type": "混合型", "year": 2022, "satisfaction": 101}],
        CommunityYear,
        "communities",
    )
    assert sorted(e.field or "" for e in rejected[0].errors) == ["satisfaction", "type"]


def test_a_wrong_choice_lists_the_choices_in_chinese() -> None:
    _, rejected = validate_records(
        [{"id": "X", "type": "融合", "scope": "县内", "year": 2022}],
        CommunityYear,
        "communities",
    )
    messages = {e.field: e.message for e in rejected[0].errors}
    assert messages["type"].zh.endswith("取值“融合”无效，可选：融合型、共建型、协作型")
    assert messages["scope"].zh.endswith("可选：县域内、市域内、省域内、跨地区")
    assert " or " not in rejected[0].reason.zh
    assert "'融合型', '共建型' or '协作型'" in messages["type"].en


def test_a_wrong_choice_in_a_list_lists_the_choices_in_chinese() -> None:
    from pairing_rules._models import Pair

    _, rejected = validate_records(
        [{"id": "P", "supporter": "甲", "supported": "乙", "forms": ["网络"]}], Pair, "pairs"
    )
    (error,) = rejected[0].errors
    assert error.field == "forms.0"
    assert error.message.zh.endswith("可选：城乡同步课堂、远程专递课堂、教师网络研修、名师网络课堂")


@pytest.mark.parametrize(
    ("raw", "zh"),
    [
        ([], "输入应为一个 JSON 对象"),
        ({"community": []}, "未知的数据集合 'community'"),
        ({"communities": {"id": 1}}, "communities 应为一个数组"),
    ],
)
def test_input_shape_errors(raw: object, zh: str) -> None:
    with pytest.raises(InputError) as info:
        load_dataset(raw, CORE_RECORD_TYPES)
    assert zh in info.value.text.zh


def test_meta_keys_are_ignored() -> None:
    dataset = load_dataset({"_sample": "示例", "meta": {}, "communities": []}, CORE_RECORD_TYPES)
    assert dataset.collections == {"communities": []}
