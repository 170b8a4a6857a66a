"""The shared vocabulary: enums with variant spellings, records, derived facts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from pydantic import ValidationError

from pairing_rules import (
    AssistanceForm,
    Community,
    CommunityType,
    CommunityYear,
    Locale,
    Pair,
    School,
    Scope,
    Stage,
    field_label,
    validate_records,
)
from pairing_rules.testing import strategies as prs


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("融合型", CommunityType.FUSION),
        ("融合性", CommunityType.FUSION),  # as the Cangnan list writes it
        ("共建性", CommunityType.CO_BUILD),
        ("CO_BUILD", CommunityType.CO_BUILD),
        ("collaboration", CommunityType.COLLABORATION),
        (" 协作型 ", CommunityType.COLLABORATION),
    ],
)
def test_community_type_accepts_variant_spellings(spelling: str, expected: CommunityType) -> None:
    assert CommunityType(spelling) is expected


def test_unknown_community_type_is_rejected_with_the_accepted_values() -> None:
    records, rejected = validate_records(
        [{"id": "X-1", "type": "合作型", "year": 2022}], CommunityYear, "communities"
    )
    assert records == []
    (rejection,) = rejected
    (error,) = rejection.errors
    assert error.field == "type"
    assert "融合型" in error.message.zh and "合作型" in error.message.zh
    assert "is not one of" in error.message.en


def test_english_labels_of_enums() -> None:
    assert CommunityType.CO_BUILD.label.en == "co-build"
    assert Scope.CROSS_REGION.label.zh == "跨地区"


@pytest.mark.parametrize(
    ("locale", "stage", "teaching_point", "students", "small"),
    [
        (Locale.RURAL, Stage.PRIMARY, False, 99, True),
        (Locale.RURAL, Stage.PRIMARY, False, 100, False),  # "不足100人": fewer than 100
        (Locale.RURAL, Stage.JUNIOR, True, 30, True),  # a teaching point counts whatever its stage
        (Locale.RURAL, Stage.JUNIOR, False, 30, False),
        (Locale.TOWN, Stage.PRIMARY, False, 30, False),
        (Locale.RURAL, Stage.PRIMARY, None, None, None),  # unknown student count
    ],
)
def test_small_scale_is_derived(
    locale: Locale,
    stage: Stage,
    teaching_point: bool | None,
    students: int | None,
    small: bool | None,
) -> None:
    school = School(
        name="甲乡小学",
        locale=locale,
        stage=stage,
        teaching_point=teaching_point,
        students=students,
    )
    assert school.small_scale is small
    assert "small_scale" not in School.model_fields


def test_community_accepts_school_names() -> None:
    community = Community(type="共建性", core="县实验小学", members=["甲乡小学", "乙乡小学"])
    assert community.type is CommunityType.CO_BUILD
    assert [m.name for m in community.members] == ["甲乡小学", "乙乡小学"]


def test_records_are_immutable() -> None:
    record = CommunityYear(id="A", type="融合型", year=2022)
    with pytest.raises(ValidationError):
        record.sync_lessons = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value", "fragment_zh", "fragment_en"),
    [
        ("sync_lessons", -1, "不能小于 0", "at least 0"),
        ("satisfaction", 120, "不能大于 100", "at most 100"),
        ("sync_lessons", "二十", "应为整数", "whole number"),
        ("on_time", "也许", "是”或“否", "yes or no"),
        ("sync_lesson", 3, "不是已知字段", "not a known field"),
    ],
)
def test_bad_fields_are_named_in_both_languages(
    field: str, value: object, fragment_zh: str, fragment_en: str
) -> None:
    raw = {"id": "CN-9", "type": "融合型", "year": 2022, field: value}
    _, rejected = validate_records([raw], CommunityYear, "communities")
    (error,) = rejected[0].errors
    assert error.field == field
    assert fragment_zh in error.message.zh
    assert fragment_en in error.message.en
    assert rejected[0].id == "CN-9"


def test_cross_field_limits() -> None:
    raw = {"id": "A", "type": "共建型", "year": 2022, "core_teachers": 10, "teachers_sent": 11}
    _, rejected = validate_records([raw], CommunityYear, "communities")
    (error,) = rejected[0].errors
    assert error.field == "teachers_sent"
    assert error.message.zh == "“核心校派到成员校任教教师数”不能大于“核心校教师数”"


def test_workbook_spellings_of_yes_no_and_lists() -> None:
    pair = Pair(
        id=17,  # a number cell keeps its text
        supporter="甲校",
        supported="乙校",
        forms="城乡同步课堂、教师网络研修",
        agreement_signed="是",
        typical_case="否",
    )
    assert pair.id == "17"
    assert pair.forms == [AssistanceForm.SYNC_CLASSROOM, AssistanceForm.ONLINE_RESEARCH]
    assert pair.agreement_signed is True and pair.typical_case is False


def test_field_labels() -> None:
    assert field_label(CommunityYear, "satisfaction") == "群众满意度（%）"
    assert field_label(CommunityYear, "satisfaction", "en") == "satisfaction (%)"
    assert field_label(CommunityYear, "no_such_field") == "no_such_field"


@given(prs.community_years())
def test_strategy_records_round_trip_through_json(record: CommunityYear) -> None:
    assert CommunityYear.model_validate_json(record.model_dump_json()) == record


@given(prs.community_years(), prs.pairs(), prs.regions(), prs.schools(), prs.communities())
def test_strategies_are_sound(a: object, b: object, c: object, d: object, e: object) -> None:
    for value in (a, b, c, d, e):
        model = type(value)
        assert model.model_validate(value.model_dump()) == value  # type: ignore[attr-defined]


def test_percent_keeps_decimals_exact() -> None:
    assert CommunityYear(
        id="A", type="融合型", year=2022, satisfaction=93.7
    ).satisfaction == Decimal("93.7")


def test_a_yes_no_value_in_a_count_reads_as_the_cell_shows_it() -> None:
    # Excel and WPS show a logical cell as TRUE or FALSE; Python's True is not for a person
    raw = [
        {"id": "A", "type": "共建型", "mentors": True},
        {"id": "B", "type": "共建型", "mentees": False},
    ]
    _, rejected = validate_records(raw, CommunityYear, "communities")
    assert [r.errors[0].message.zh for r in rejected] == [
        "“师徒结对师傅人数”应为数字，实际为逻辑值 TRUE（是/否不能当作数量）",
        "“师徒结对徒弟人数”应为数字，实际为逻辑值 FALSE（是/否不能当作数量）",
    ]
    assert [r.errors[0].value for r in rejected] == [True, False]
    assert rejected[0].errors[0].code == "yes_no_as_number"
    assert (
        rejected[0].errors[0].message.en
        == "field mentors (mentors) must be a number, got the yes/no value True"
    )
