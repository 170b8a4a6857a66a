"""The table path gives the per-record path's numbers: every rubric and requirement of every pack.

Property tests draw random records and random interpretation choices and
compare, row by row, :func:`pairing_rules.score_table` with
:meth:`Scorer.score_record` (explained) and :meth:`Scorer.points` (fast), and
:func:`pairing_rules.check_table` with the per-record findings.
"""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pairing_rules as pr
from pairing_rules import CommunityYear, Pack, Registry, Scorer
from pairing_rules._interpret import requirement_of
from pairing_rules._interpret_values import period_of
from pairing_rules.testing import interpretation_overrides, records_for

pl = pytest.importorskip("polars")

REGISTRY = Registry()
PACKS = [REGISTRY.get_pack(p.id) for p in REGISTRY.list_packs()]
RUBRIC_PACKS = [p for p in PACKS if p.definition.rubrics]
CHECK_CASES = [
    (p, collection)
    for p in PACKS
    for collection in dict.fromkeys(r.collection for r in p.definition.requirements)
]
SETTINGS = settings(
    max_examples=int(os.environ.get("COLUMNAR_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _expected(scorer: Scorer, record: Any) -> dict[str, Any] | None:
    if scorer.rejects("communities", record):
        return None  # its year is outside the pack's period
    sheet = scorer.score_record(record)
    fast = scorer.points(record)
    if sheet is None:
        assert fast is None
        return None
    assert fast is not None
    assert fast.items == tuple(i.points for i in sheet.items)
    assert (fast.rubric, fast.total, fast.max, fast.grade) == (
        sheet.rubric,
        sheet.total,
        sheet.max,
        sheet.grade_id,
    )
    out: dict[str, Any] = {
        "rubric": sheet.rubric,
        "total": sheet.total,
        "max": sheet.max,
        "grade_basis": sheet.grade_basis,
        "grade_id": sheet.grade_id,
        "grade": sheet.grade,
        "period_status": sheet.period.status if sheet.period is not None else None,
    }
    for item in sheet.items:
        out[f"{sheet.rubric}.{item.id}"] = item.points
    return out


def assert_scores_match(pack: Pack, records: list[Any], **options: Any) -> None:
    scorer = Scorer(pack, **options)
    table = pr.records_frame(records, CommunityYear)
    result = pr.score_table(pack, table, **options)
    assert result.frame.height == len(records)
    assert result.frame.get_column("row").to_list() == list(range(len(records)))
    rejected = {r.index for r in result.rejected}
    for index, (record, row) in enumerate(zip(records, result.frame.to_dicts(), strict=True)):
        expected = _expected(scorer, record)
        if expected is None:
            assert index in rejected and row["error"], row
            if scorer.rejects("communities", record):
                rejection = scorer.rejection("communities", index, record, None)
                assert row["error"] == rejection.reason.zh
            continue
        assert row["error"] is None, row["error"]
        assert row["id"] == record.id
        for key, value in expected.items():
            assert row[key] == value, (record.id, key, row[key], value)
        # other rubrics' items are empty on this row
        for key, value in row.items():
            if "." in key and not key.startswith(f"{expected['rubric']}."):
                assert value is None, key


@pytest.mark.parametrize("pack", RUBRIC_PACKS, ids=lambda p: p.id)
@SETTINGS
@given(data=st.data())
def test_score_table_equals_per_record(pack: Pack, data: st.DataObject) -> None:
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    records = data.draw(
        st.lists(around_the_period(pack), max_size=8, unique_by=lambda r: r.id), label="records"
    )
    outside = data.draw(st.booleans(), label="outside_period")
    assert_scores_match(pack, records, interpretations=overrides, outside_period=outside)


def around_the_period(pack: Pack) -> st.SearchStrategy[Any]:
    """Community-years mostly of the pack's period, some just outside it, some without a year."""
    return records_for(CommunityYear, period=pack.period, outside=True, none=True)


@pytest.mark.parametrize(
    ("pack", "rubric"),
    [(p, r.id) for p in RUBRIC_PACKS for r in p.definition.rubrics],
    ids=lambda v: v.id if isinstance(v, Pack) else v,
)
@SETTINGS
@given(data=st.data())
def test_score_table_on_one_rubric_equals_per_record(
    pack: Pack, rubric: str, data: st.DataObject
) -> None:
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    records = data.draw(
        st.lists(around_the_period(pack), max_size=6, unique_by=lambda r: r.id), label="records"
    )
    assert_scores_match(pack, records, rubric=rubric, interpretations=overrides)


@pytest.mark.parametrize(
    ("pack", "collection"), CHECK_CASES, ids=lambda v: v.id if isinstance(v, Pack) else v
)
@SETTINGS
@given(data=st.data())
def test_check_table_equals_per_record(pack: Pack, collection: str, data: st.DataObject) -> None:
    model = pack.record_types[collection]
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    within = records_for(model, period=pack.period, outside=True, none=True)
    records = data.draw(st.lists(within, max_size=6, unique_by=lambda r: r.key), label="records")
    checker = pr.TableChecker(pack, collection=collection, interpretations=overrides)
    result = checker.check(pr.records_frame(records, model))
    period = period_of(checker.period)
    outside = [n for n, r in enumerate(records) if period(r) == "outside"]
    assert [r.index for r in result.rejected] == outside
    assert all(r.codes == [pr.OUTSIDE_PERIOD] for r in result.rejected)
    for n, (record, row) in enumerate(zip(records, result.frame.to_dicts(), strict=True)):
        assert row["id"] == record.key
        if n in outside:
            assert row["error"] is not None and row["period_status"] is None
            continue
        statuses = {plan.id: requirement_of(plan)(record)[0] for plan in checker.plans}
        assert {k: row[k] for k in statuses} == statuses, record.key
        assert row["passed"] == all(s in ("met", "not_applicable") for s in statuses.values())
        assert row["period_status"] == period(record)


def test_partial_credit_is_rounded_once() -> None:
    # 共建型, 1 teacher of 480 sent: 1/480 of the 10% required is 1/48 of the 6 points,
    # 0.125 exactly, which rounds half up to 0.13 (two roundings would give 0.12).
    pack = REGISTRY.get_pack("cangnan2022")
    record = CommunityYear(
        id="X-1", type="共建型", scope="县域内", year=2022, core_teachers=480, teachers_sent=1
    )
    choices = {"cangnan2022.partial_credit": "proportional"}
    sheet = Scorer(pack, interpretations=choices).score_record(record)
    assert sheet is not None
    points = {i.id: i.points for i in sheet.items}
    assert points["teacher_exchange"] == Decimal("0.13")
    table = pr.score_table(pack, pr.records_frame([record], CommunityYear), interpretations=choices)
    assert table.frame.get_column("county.teacher_exchange").to_list() == [Decimal("0.13")]


def test_rows_outside_the_columns_go_through_the_record_path() -> None:
    # 7 decimal places and a count above 10^12 are valid records the columns do not hold
    pack = REGISTRY.get_pack("cangnan2022")
    frame = pl.DataFrame(
        {
            "id": ["A", "B", "C"],
            "type": ["融合型", "共建型", "融合型"],
            "scope": ["县域内", "县域内", "县域内"],
            "year": [2022, 2022, 2022],
            "satisfaction": ["93.1234567", "91", "80"],
            "sync_lessons": [20, 10**13, 5],
            "sync_subjects": [2, 3, 1],
        }
    )
    result = pr.score_table(pack, frame)
    assert not result.rejected
    scorer = Scorer(pack)
    for row in result.frame.to_dicts():
        record = CommunityYear.model_validate(dict(frame.row(row["row"], named=True).items()))
        expected = scorer.points(record)
        assert expected is not None
        assert (row["total"], row["grade_id"]) == (expected.total, expected.grade)


def test_bad_rows_are_named_and_the_others_scored() -> None:
    pack = REGISTRY.get_pack("cangnan2022")
    frame = pl.DataFrame(
        {
            "id": ["A", "B", "A", "D"],
            "type": ["融合型", "不存在型", "融合型", "共建型"],
            "scope": ["县域内", "县域内", "县域内", None],
            "year": [2022, 2022, 2022, 2022],
            "mentors": [3, 3, -1, 2],
            "core_teachers": [10, 10, 10, 1],
            "teachers_sent": [1, 1, 1, 2],
        }
    )
    result = pr.score_table(pack, frame)
    by_row = {r.index: r for r in result.rejected}
    assert sorted(by_row) == [1, 2, 3]
    # Chinese names a field by its label, as the record path does; English by its name
    assert by_row[1].reason.zh.startswith("“教共体模式”") and "type" in by_row[1].reason.en
    assert "“编号”为 A，与第 1 条重复" in by_row[2].reason.zh
    assert "“师徒结对师傅人数”不能小于 0" in by_row[2].reason.zh
    assert by_row[3].reason.zh == "“核心校派到成员校任教教师数”不能大于“核心校教师数”"
    assert "teachers_sent" in by_row[3].reason.en and "core_teachers" in by_row[3].reason.en
    frame_out = result.frame
    assert frame_out.height == 4
    assert frame_out.filter(pl.col("row") == 0).get_column("error").to_list() == [None]
    assert frame_out.filter(pl.col("row") == 2).get_column("total").to_list() == [None]
    # the same rows are rejected on the per-record path
    report = pr.score(pack, {"communities": frame.to_dicts()})
    assert sorted(r.index for r in report.rejected) == [1, 2, 3]


def test_a_row_without_a_rubric_is_rejected_as_per_record() -> None:
    pack = REGISTRY.get_pack("cangnan2022")
    frame = pl.DataFrame({"id": ["A"], "type": ["融合型"], "year": [2022]})
    result = pr.score_table(pack, frame)
    assert [r.index for r in result.rejected] == [0]
    per_record = pr.score(pack, {"communities": frame.to_dicts()})
    assert result.rejected[0].reason == per_record.rejected[0].reason


def test_explanations_on_request() -> None:
    pack = REGISTRY.get_pack("cangnan2022")
    records = [
        CommunityYear(
            id="A", type="融合型", scope="县域内", year=2022, sync_lessons=25, sync_subjects=2
        )
    ]
    result = pr.score_table(pack, pr.records_frame(records, CommunityYear))
    sheet = result.explain(0)
    assert sheet is not None and sheet == Scorer(pack).score_record(records[0])


@pytest.mark.parametrize("row", [-1, 2, 999])
def test_explain_refuses_a_row_the_table_does_not_have(row: int) -> None:
    """-1 explained the last row, 999 raised Polars' own OutOfBoundsError."""
    records = [
        CommunityYear(id=rid, type="融合型", scope="县域内", year=2022, sync_lessons=25)
        for rid in ("A", "B")
    ]
    result = pr.score_table("cangnan2022", pr.records_frame(records, CommunityYear))
    assert result.explain(1) is not None
    with pytest.raises(pr.UnknownNameError) as caught:
        result.explain(row)
    error = caught.value
    assert isinstance(error, KeyError)
    assert error.code == "unknown_row" and error.code in pr.ERROR_CODES
    assert (error.field, error.value) == ("row", row)
    assert f"第 {row} 行" in error.text.zh and "0 至 1" in error.text.zh
    assert f"no row {row}" in error.text.en and "0 to 1" in error.text.en


@pytest.mark.parametrize("row", ["0", 0.0, True, None])
def test_explain_refuses_a_row_that_is_not_a_whole_number(row: Any) -> None:
    result = pr.score_table(
        "cangnan2022",
        pr.records_frame(
            [CommunityYear(id="A", type="融合型", scope="县域内", year=2022)], CommunityYear
        ),
    )
    with pytest.raises(pr.ArgumentTypeError) as caught:
        result.explain(row)
    assert caught.value.code == "wrong_argument_type" and caught.value.field == "row"


@pytest.mark.parametrize("kind", ["arrow", "pandas", "polars"])
def test_the_callable_returns_the_library_it_was_given(kind: str) -> None:
    pack = REGISTRY.get_pack("cangnan2022")
    scorer = pr.TableScorer(pack)
    frame = pr.records_frame(
        [CommunityYear(id="A", type="融合型", scope="县域内", year=2022, satisfaction=95)],
        CommunityYear,
    )
    given_table: Any = {"arrow": frame.to_arrow(), "pandas": frame.to_pandas(), "polars": frame}[
        kind
    ]
    out = scorer(given_table)
    assert type(out).__module__.split(".")[0] == type(given_table).__module__.split(".")[0]
    back = (
        pl.from_arrow(out) if kind == "arrow" else pl.from_pandas(out) if kind == "pandas" else out
    )
    assert back.get_column("total").to_list() == [Decimal("20")]
    assert list(scorer.empty("polars").columns) == list(back.columns)


def test_explanations_of_a_table_with_null_cells() -> None:
    # an aggregated table has no members column values: null cells are fields left out
    frame = pl.DataFrame(
        {"id": ["A"], "type": ["融合型"], "scope": ["县域内"], "year": [2022], "members": [None]},
        schema_overrides={"members": pl.List(pl.String)},
    )
    result = pr.score_table("cangnan2022", frame)
    sheet = result.explain(0)
    expected = Scorer(REGISTRY.get_pack("cangnan2022")).score_record(
        CommunityYear(id="A", type="融合型", scope="县域内", year=2022)
    )
    assert sheet == expected


def test_a_packs_table_scorer_is_compiled_once_for_the_same_choices() -> None:
    from pairing_rules._columnar import _table_scorer

    pack = pr.get_pack("cangnan2022")
    once = _table_scorer(pack, None, None, False)
    assert _table_scorer(pack, None, {}, False) is once  # no overrides, however written
    other = _table_scorer(pack, None, {"cangnan2022.grade_basis": "scaled"}, False)
    assert other is not once and other.overrides == {"cangnan2022.grade_basis": "scaled"}
    assert _table_scorer(pack, None, None, True) is not once  # outside_period is a choice too
    # a pack loaded again is another pack: never served a scorer compiled for the first
    again = pr.load_pack(pack.file) if pack.file is not None else pack
    assert _table_scorer(again, None, None, False).pack is again


def test_a_scorer_reads_each_table_by_its_own_columns() -> None:
    # one scorer reads tables of other column types and other spellings in turn: each is read
    # as a scorer that never read another would read it (the reading is kept per schema and
    # spellings, never taken from the table before)
    from pairing_rules import _frames

    pack = REGISTRY.get_pack("cangnan2022")
    rows = {
        "id": ["A", "B"],
        "type": ["融合型", "共建型"],
        "scope": ["县域内", "县域内"],
        "year": [2022, 2022],
        "sync_lessons": [20, 5],
        "sync_subjects": [2, 1],
        "core_teachers": [10, 10],
        "teachers_sent": [1, 1],
    }
    tables = [
        pl.DataFrame(rows),
        # counts as text, and a type with spaces around it: read as the same values
        pl.DataFrame({**rows, "type": [" 融合型 ", "共建型"], "sync_lessons": ["20", "5"]}),
        # a type no community has: row 1 rejected
        pl.DataFrame({**rows, "type": ["融合型", "不存在型"]}),
        pl.DataFrame(rows),
    ]
    scorer = pr.TableScorer(pack)
    results = [scorer.score(table) for table in tables]
    for table, result in zip(tables, results, strict=True):
        _frames._reading.cache_clear()
        fresh = pr.TableScorer(pack).score(table)
        assert result.frame.equals(fresh.frame)
        assert [r.reason for r in result.rejected] == [r.reason for r in fresh.rejected]
    # the first two tables hold the same values; the third rejects its row 1 only
    assert results[0].frame.equals(results[1].frame)
    assert [r.index for r in results[2].rejected] == [1]
    assert not results[0].rejected and not results[1].rejected


def test_a_pack_without_a_rubric_or_a_collection_asked_for_is_a_structured_error() -> None:
    # as score() refuses a pack without a rubric; both were bare IndexError and KeyError
    frame = pl.DataFrame({"id": ["A"], "type": ["融合型"], "scope": ["县域内"], "year": [2021]})
    with pytest.raises(pr.NothingToRunError) as nothing:
        pr.score_table("zhejiang2021", frame)
    assert (nothing.value.code, nothing.value.value) == ("nothing_to_run", "zhejiang2021")
    with pytest.raises(pr.NothingToRunError):
        pr.TableScorer("zhejiang2021")
    with pytest.raises(pr.UnknownNameError) as unknown:
        pr.check_table("cangnan2022", frame, collection="nope")
    error = unknown.value
    assert isinstance(error, KeyError)  # a lookup by name, as before
    assert (error.code, error.field, error.value) == ("unknown_collection", "collection", "nope")
    assert "communities" in error.text.zh and "communities" in error.text.en


@pytest.mark.parametrize("table", ["abc", [{"id": "A"}], None])
def test_a_table_of_the_wrong_type_is_a_type_error(table: object) -> None:
    with pytest.raises(pr.ArgumentTypeError) as caught:
        pr.score_table("cangnan2022", table)
    error = caught.value
    assert isinstance(error, TypeError)  # as before
    assert (error.code, error.field) == ("wrong_argument_type", "table")
    assert "Polars" in error.text.zh and type(table).__name__ in error.text.en
    with pytest.raises(pr.ArgumentTypeError):
        pr.check_table("cangnan2022", table)
    with pytest.raises(pr.ArgumentTypeError) as log:
        pr.aggregate_log(table, pl.DataFrame({"id": ["A"]}))
    assert log.value.field == "log"
