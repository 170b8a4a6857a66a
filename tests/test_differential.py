"""The per-record path and the table path accept, reject and score exactly the same rows.

Hypothesis draws tables whose cells are valid values, careless values (a
fraction for a percentage, a number written with a thousands separator or
full-width digits, blanks, control characters, an unknown type of community, a
duplicated id) and impossible ones (negative counts, counts beyond any column,
``NaN``), each column either as text (a CSV) or typed (a workbook, Arrow).  The
same rows go through :func:`pairing_rules.score` (one record model per row) and
:func:`pairing_rules.score_table` (the compiled field specs, the model only for
rows they cannot vouch for); the two must name the same rows with the same
messages and agree on every number and grade.  Requirements are compared the
same way with :func:`pairing_rules.check` and :func:`pairing_rules.check_table`.

A record type with a validator of its own (``StrictYear`` below) runs through
both paths too: its rule cannot be compiled, so the table path must hand every
row of it to the model.
"""

from __future__ import annotations

import math
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import model_validator

import pairing_rules as pr
from pairing_rules import CommunityYear, Pack, Registry, load_pack
from pairing_rules._fields import FieldSpec, record_spec
from pairing_rules.testing import interpretation_overrides, records_for

pl = pytest.importorskip("polars")

REGISTRY = Registry()
PACKS = [REGISTRY.get_pack(p.id) for p in REGISTRY.list_packs()]
SETTINGS = settings(
    max_examples=int(os.environ.get("DIFFERENTIAL_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class StrictYear(CommunityYear):
    """A county's own record type: no more than 30 synchronous lessons a year without a note."""

    @model_validator(mode="after")
    def _lessons(self) -> StrictYear:
        if self.sync_lessons is not None and self.sync_lessons > 30:
            raise ValueError("sync_lessons above 30 needs a note")
        return self


def _strict_pack() -> Pack:
    file = Path(REGISTRY.get_pack("cangnan2022").file or "")
    return load_pack(file, record_types={"communities": StrictYear})


SCORE_PACKS = [p for p in PACKS if p.definition.rubrics]
CHECK_CASES = [
    (p, collection)
    for p in PACKS
    for collection in dict.fromkeys(r.collection for r in p.definition.requirements)
]

# careless and impossible cells, by the kind of field and the type of the column
_NAN, _INF = math.nan, math.inf
ODD: dict[str, dict[str, list[Any]]] = {
    "int": {
        "int": [-1, 0, 10**13, 2**62],
        "float": [1.0, 1.5, -2.0, _NAN, _INF, 1e15],
        "str": ["abc", "1.5", "-1", "１２", "1,000", " 7 ", "", "10000000000000", "3.0"],
        "bool": [True, False],
    },
    "decimal": {
        "float": [95.5, 0.5, 0.1 + 0.2, _NAN, -1.0, 100.0, 250.0],
        "str": ["95%", "0.5", "95.5", "abc", "５０％", "1e2", "", "nan", "-0", "93.1234567"],
        "bool": [True],
    },
    "text": {
        "str": ["", "  ", "a\x00b", "学校", " X ", "\u3000", "x\u0085", "\x1cX", "X\x1f", "\x00"],
        "int": [1, 22],
    },
    "enum": {"str": ["不存在型", " 融合型 ", "", "融合"], "int": [1]},
    "bool": {"str": ["是", "否", "true", "maybe", "1", "0", ""], "int": [0, 1, 2]},
    "date": {"str": ["2022-01-01", "2022-13-01", "2022/1/1", ""]},
}
POLARS_TYPE = {
    "int": pl.Int64,
    "float": pl.Float64,
    "str": pl.Utf8,
    "bool": pl.Boolean,
    "date": pl.Date,
    "decimal": pl.Decimal(38, 6),
}


def _native(field: FieldSpec) -> str | None:
    """The column type a typed source gives a field's valid values (``None``: keep as is)."""
    return {"int": "int", "decimal": "decimal", "bool": "bool", "date": "date"}.get(field.kind)


def _as_column(value: Any, column: str) -> Any:
    """A valid value as the column type holds it (``str`` as a CSV would give it)."""
    if value is None:
        return None
    value = getattr(value, "value", value)
    if column == "str":
        if isinstance(value, bool):
            return "是" if value else "否"
        return str(value)
    if column == "float":
        return float(value)
    return value


@st.composite
def tables(
    draw: st.DrawFn,
    model: type[pr.Record],
    base: type[pr.Record] | None = None,
    period: pr.Period | None = None,
) -> pl.DataFrame:
    """A table of ``model``'s fields: mostly valid rows, some careless or impossible cells.

    :param base: draw the valid values as records of this type (one without ``model``'s
        own validator, so that rows the validator refuses are drawn too).
    :param period: draw years mostly within it, some just outside it, some blank.
    """
    spec = record_spec(model)
    valid = records_for(base or model, period=period, outside=True, none=True)
    records = draw(st.lists(valid, min_size=1, max_size=6), label="records")
    dumped = [r.model_dump() for r in records]
    columns: dict[str, pl.Series] = {}
    for name, field in spec.fields.items():
        if field.kind in ("list", "other"):
            continue  # lists and nested values come whole from their own readers
        native = _native(field)
        choices = ["str", *([native] if native else []), *ODD.get(field.kind, {})]
        column = draw(st.sampled_from(sorted(set(choices))), label=f"{name} column")
        odd = ODD.get(field.kind, {}).get(column, [])
        if column == "decimal" and field.kind == "decimal":
            odd = [Decimal("0.5"), Decimal("-1"), Decimal("250"), Decimal("93.123456")]
        values = []
        for row in dumped:
            valid = _as_column(row.get(name), column)
            if column not in ("str", native) and valid is not None:
                valid = None  # a column of another type holds only odd values and blanks
            if odd and draw(st.integers(0, 4), label=f"{name} odd?") == 0:
                values.append(draw(st.sampled_from(odd), label=name))
            else:
                values.append(valid)
        if column == "decimal":
            values = [
                None if v is None else Decimal(v).quantize(Decimal("0.000001")) for v in values
            ]
        columns[name] = pl.Series(name, values, dtype=POLARS_TYPE[column], strict=False)
    frame = pl.DataFrame(columns)
    # a few ids repeated (after trimming, " A" is "A") so that both paths see duplicates
    if "id" in frame.columns and frame.height > 1 and draw(st.booleans(), label="duplicate"):
        ids = frame.get_column("id").cast(pl.Utf8).to_list()
        ids[-1] = f" {ids[0]} " if ids[0] is not None else None
        frame = frame.with_columns(pl.Series("id", ids, dtype=pl.Utf8))
    return frame


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The rows as the per-record path reads them: a blank cell is no value."""
    return [{k: v for k, v in row.items() if v is not None} for row in frame.to_dicts()]


def _rejections(rejected: list[pr.Rejection]) -> dict[int, list[tuple[str, str]]]:
    return {r.index: [(e.message.zh, e.message.en) for e in r.errors] for r in rejected}


def _same_scores(
    pack: Pack, frame: pl.DataFrame, overrides: dict[str, str], outside: bool = False
) -> None:
    options: dict[str, Any] = {"interpretations": overrides, "outside_period": outside}
    report = pr.score(pack, {"communities": _rows(frame)}, **options)
    table = pr.score_table(pack, frame, **options)
    assert _rejections(table.rejected) == _rejections(report.rejected)
    scored = table.frame.filter(pl.col("error").is_null()).to_dicts()
    assert len(scored) == len(report.results)
    for row, sheet in zip(scored, report.results, strict=True):
        assert row["id"] == sheet.id
        assert (row["rubric"], row["total"], row["max"], row["grade_id"]) == (
            sheet.rubric,
            sheet.total,
            sheet.max,
            sheet.grade_id,
        ), sheet.id
        for item in sheet.items:
            assert row[f"{sheet.rubric}.{item.id}"] == item.points, (sheet.id, item.id)
        assert sheet.period is not None
        assert row["period_status"] == sheet.period.status, sheet.id
    # every input row is in the table's result once, scored or named with its error
    assert table.frame.get_column("row").to_list() == list(range(frame.height))


@pytest.mark.parametrize("pack", SCORE_PACKS, ids=lambda p: p.id)
@SETTINGS
@given(data=st.data())
def test_scoring_paths_agree_on_careless_tables(pack: Pack, data: st.DataObject) -> None:
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    model = pack.record_types["communities"]
    frame = data.draw(tables(model, period=pack.period), label="table")
    outside = data.draw(st.booleans(), label="outside_period")
    _same_scores(pack, frame, overrides, outside)


@SETTINGS
@given(data=st.data())
def test_a_record_type_with_its_own_validator_is_enforced_on_tables(data: st.DataObject) -> None:
    pack = _strict_pack()
    assert not record_spec(StrictYear).compilable
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    frame = data.draw(tables(StrictYear, CommunityYear, pack.period), label="table")
    _same_scores(pack, frame, overrides)


def test_the_own_validator_rejects_on_both_paths() -> None:
    # one row within the validator's 30 lessons, one beyond: the second is rejected by both
    pack = _strict_pack()
    frame = pl.DataFrame(
        {
            "id": ["A", "B"],
            "type": ["融合型", "融合型"],
            "scope": ["县域内", "县域内"],
            "year": [2022, 2022],
            "sync_lessons": [30, 31],
        }
    )
    report = pr.score(pack, {"communities": _rows(frame)})
    table = pr.score_table(pack, frame)
    assert [r.index for r in report.rejected] == [r.index for r in table.rejected] == [1]
    assert "30" in table.rejected[0].reason.en


@pytest.mark.parametrize(
    ("pack", "collection"), CHECK_CASES, ids=lambda v: v.id if isinstance(v, Pack) else v
)
@SETTINGS
@given(data=st.data())
def test_requirement_paths_agree_on_careless_tables(
    pack: Pack, collection: str, data: st.DataObject
) -> None:
    overrides = data.draw(interpretation_overrides(pack), label="interpretations")
    model = pack.record_types[collection]
    frame = data.draw(tables(model, period=pack.period), label="table")
    options: dict[str, Any] = {
        "interpretations": overrides,
        "outside_period": data.draw(st.booleans(), label="outside_period"),
    }
    report = pr.check(pack, {collection: _rows(frame)}, **options)
    table = pr.check_table(pack, frame, collection=collection, **options)
    mine = [r for r in report.rejected if r.collection == collection]
    assert _rejections(table.rejected) == _rejections(mine)
    checked = table.frame.filter(pl.col("error").is_null()).to_dicts()
    results = [r for r in report.results if r.collection == collection]
    assert len(checked) == len(results)
    status_columns = [
        c for c in table.frame.columns if c not in ("row", "id", "passed", "error", "error_en")
    ]
    assert status_columns
    status_columns.remove("period_status")
    for row, result in zip(checked, results, strict=True):
        assert row["id"] == result.id
        statuses = {f.requirement: str(f.status.value) for f in result.findings}
        assert {c: row[c] for c in status_columns} == {c: statuses[c] for c in status_columns}
        assert result.period is not None
        assert row["period_status"] == result.period.status, result.id


def test_a_decimal_column_with_six_places_is_exact_on_both_paths() -> None:
    pack = REGISTRY.get_pack("cangnan2022")
    frame = pl.DataFrame(
        {
            "id": ["A"],
            "type": ["融合型"],
            "scope": ["县域内"],
            "year": [2022],
            "satisfaction": pl.Series([Decimal("93.123456")], dtype=pl.Decimal(38, 6)),
        }
    )
    _same_scores(pack, frame, {})


def test_a_blank_text_in_a_number_field_is_no_value_on_both_paths() -> None:
    # Hypothesis found it: a year written "" or " " in a text column. A file's reader leaves a
    # blank cell out; an input object's blank text in a number field is no value alike (the
    # year is optional, so the region is checked without one) on both paths.
    pack = REGISTRY.get_pack("hunan2016")
    frame = pl.DataFrame({"name": ["甲", "乙", "丙", "丁"], "year": ["2016", "", " ", "x"]})
    report = pr.check(pack, {"regions": _rows(frame)})
    table = pr.check_table(pack, frame, collection="regions")
    assert _rejections(table.rejected) == _rejections(report.rejected)
    assert list(_rejections(report.rejected)) == [3]  # only "x" is not a year
    assert [r.id for r in report.results if r.collection == "regions"] == ["甲 2016", "乙", "丙"]
