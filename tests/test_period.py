"""Periods and series: a pack's rules hold for the records of the years it is in force.

The yearly packs here are the demo pack given a period and a series: ``demo2022``
(2022-01-01 to 2022-12-31) and ``demo2023`` (2023-01-01 to 2023-12-31), which differ
in one reading: the bonus of a master-teacher studio is 0 points in 2022 and 2 in 2023
(``demo.bonus``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

import pairing_rules as pr
from pairing_rules import Pack

from .conftest import DEMO

pl = pytest.importorskip("polars")


def yearly_pack(year: int, *, bonus: str, series: str | None = "demo") -> Pack:
    """The demo pack as ``demo<year>``, in force for ``year``, with ``demo.bonus`` at ``bonus``."""
    raw = yaml.load(DEMO.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    raw["id"] = f"demo{year}"
    raw["series"] = series
    raw["document"]["effective_from"] = dt.date(year, 1, 1)
    raw["document"]["effective_until"] = dt.date(year, 12, 31)
    (bonus_reading,) = [i for i in raw["interpretations"] if i["id"] == "demo.bonus"]
    bonus_reading["default"] = bonus
    return pr.pack_from_data(raw, base=DEMO.parent)


@pytest.fixture(scope="module")
def demo2022() -> Pack:
    return yearly_pack(2022, bonus="0")


@pytest.fixture(scope="module")
def demo2023() -> Pack:
    return yearly_pack(2023, bonus="2")


def community(rid: str, year: int | None) -> dict[str, Any]:
    """A 融合型 community meeting every item, with a studio.

    On the demo rubric: lessons 40 (2 subjects ≥ 2, 20 lessons ≥ 20) + exchange 20 (teachers
    flow freely) + satisfaction 20 (90 % is the pivot: base 20, 0 steps) + on time 10 = 90,
    plus the studio bonus (0 points in 2022, 2 in 2023): 90 in 2022, 92 in 2023.
    """
    return {
        "id": rid,
        "type": "融合型",
        "year": year,
        "sync_subjects": 2,
        "sync_lessons": 20,
        "teachers_barrier_free": True,
        "satisfaction": 90,
        "on_time": True,
        "master_studio": True,
        "evidence_lessons": True,
    }


# -------------------------------------------------------------------- one pack's period


def test_a_record_outside_the_period_is_rejected_naming_the_pack_and_the_period(
    demo2022: Pack,
) -> None:
    data = {"communities": [community("A", 2022), community("B", 2025), community("C", 2021)]}
    report = pr.score(demo2022, data)
    # A (2022) lies within 2022-01-01 – 2022-12-31: scored, 90 points (see community());
    # B (2025) and C (2021) lie outside it: rejected at their indexes 1 and 2
    assert [(s.id, s.total) for s in report.results] == [("A", 90)]
    assert [(r.index, r.id, r.codes) for r in report.rejected] == [
        (1, "B", [pr.OUTSIDE_PERIOD]),
        (2, "C", [pr.OUTSIDE_PERIOD]),
    ]
    (error,) = report.rejected[0].errors
    assert error.field == "year" and error.value == 2025
    assert error.message.zh.startswith(
        "“年度”为 2025，不在规则包 demo2022@0.1.0 的适用期（2022年1月1日 至 2022年12月31日）内"
    )
    assert error.message.en.startswith(
        "field year is 2025, outside the period of pack demo2022@0.1.0 (2022-01-01 to 2022-12-31)"
    )
    assert "--outside-period" in error.message.zh and "outside_period=True" in error.message.en
    # the report names the period it applied; the scored sheet says its year is within
    assert report.period == pr.Period(
        effective_from=dt.date(2022, 1, 1), effective_until=dt.date(2022, 12, 31)
    )
    (sheet,) = report.results
    assert sheet.period is not None
    assert (sheet.period.year, sheet.period.status) == (2022, "within")


def test_asked_for_a_record_outside_the_period_is_scored_and_says_so(demo2022: Pack) -> None:
    data = {"communities": [community("B", 2025)]}
    report = pr.score(demo2022, data, outside_period=True)
    assert not report.rejected
    (sheet,) = report.results
    # scored on the 2022 rules all the same: 90 points, the studio worth 0 (see community())
    assert (sheet.id, sheet.total, sheet.pack) == ("B", 90, "demo2022@0.1.0")
    assert sheet.period is not None
    assert (sheet.period.year, sheet.period.status) == (2025, "outside")
    payload = report.as_json()
    assert payload["results"][0]["period"] == {
        "effective_from": "2022-01-01",
        "effective_until": "2022-12-31",
        "year": 2025,
        "status": "outside",
    }


def test_a_record_without_a_year_is_scored_and_says_no_year_was_checked(demo2022: Pack) -> None:
    report = pr.score(demo2022, {"communities": [community("N", None)]})
    assert not report.rejected
    (sheet,) = report.results
    assert sheet.total == 90  # 40 + 20 + 20 + 10 + 0 (see community())
    assert sheet.period is not None
    assert (sheet.period.year, sheet.period.status) == (None, "no_year")


def test_check_rejects_a_record_outside_the_period_unless_asked(demo2022: Pack) -> None:
    data = {"communities": [community("A", 2022), community("B", 2023)]}
    report = pr.check(demo2022, data)
    # B (2023) is after 2022-12-31: rejected; A alone is checked (2 subjects, 20 lessons: met)
    assert [(r.index, r.codes) for r in report.rejected] == [(1, [pr.OUTSIDE_PERIOD])]
    assert [(r.id, r.passed, r.pack) for r in report.results] == [("A", True, "demo2022@0.1.0")]
    asked = pr.check(demo2022, data, outside_period=True)
    assert not asked.rejected
    statuses = {r.id: r.period.status for r in asked.results if r.period is not None}
    assert statuses == {"A": "within", "B": "outside"}
    assert asked.as_json()["results"][1]["period"]["status"] == "outside"


def test_an_open_period_rejects_no_year() -> None:
    open_pack = pr.load_pack(DEMO)  # the demo document states no period
    assert open_pack.period.open
    report = pr.score(open_pack, {"communities": [community("X", 1990), community("Y", 2099)]})
    assert not report.rejected
    assert [s.period.status for s in report.results if s.period is not None] == [
        "within",
        "within",
    ]


def test_the_bundled_examples_lie_within_their_packs_periods() -> None:
    from pairing_rules.io._readers import read_dataset

    root = Path(__file__).parents[1] / "packs"
    seen = 0
    for example in sorted(root.glob("*/examples/*")):
        pack = pr.get_pack(example.parts[-3])
        dataset = read_dataset(example, pack.record_types, pack.collections())
        report = pr.check(pack, dataset)
        assert not [r for r in report.rejected if pr.OUTSIDE_PERIOD in r.codes], example
        seen += 1
    assert seen >= 6  # two cangnan2022 examples and one of each of the four other packs


# ------------------------------------------------------------- both paths, one period


def _years_frame(pack: Pack, years: list[int | None]) -> Any:
    records = [
        pack.record_types["communities"].model_validate(community(f"R{n}", y))
        for n, y in enumerate(years)
    ]
    return pr.records_frame(records, pack.record_types["communities"])


@pytest.mark.parametrize("outside", [False, True])
def test_both_paths_reject_and_mark_the_same_years(demo2022: Pack, outside: bool) -> None:
    years: list[int | None] = [2021, 2022, None, 2023]
    frame = _years_frame(demo2022, years)
    rows = [community(f"R{n}", y) for n, y in enumerate(years)]
    report = pr.score(demo2022, {"communities": rows}, outside_period=outside)
    table = pr.score_table(demo2022, frame, outside_period=outside)
    # 2021 is before 2022-01-01 and 2023 after 2022-12-31: rows 0 and 3 are outside;
    # row 1 (2022) is within; row 2 gives no year
    expected_rejected = [] if outside else [0, 3]
    assert [r.index for r in report.rejected] == expected_rejected
    assert [r.index for r in table.rejected] == expected_rejected
    assert [r.errors[0].message for r in table.rejected] == [
        r.errors[0].message for r in report.rejected
    ]
    statuses = ["outside", "within", "no_year", "outside"]
    expected = [(f"R{n}", s) for n, s in enumerate(statuses) if outside or s != "outside"]
    assert [(s.id, s.period.status) for s in report.results if s.period is not None] == expected
    scored = table.frame.filter(pl.col("error").is_null())
    assert list(zip(scored["id"], scored["period_status"], strict=True)) == expected
    assert scored["total"].to_list() == [90] * len(expected)  # every row as community(): 90

    checked = pr.check(demo2022, {"communities": rows}, outside_period=outside)
    checked_table = pr.check_table(demo2022, frame, outside_period=outside)
    assert [r.index for r in checked.rejected] == expected_rejected
    assert [r.index for r in checked_table.rejected] == expected_rejected
    assert [r.codes for r in checked_table.rejected] == [[pr.OUTSIDE_PERIOD]] * len(
        expected_rejected
    )
    rows_checked = checked_table.frame.filter(pl.col("error").is_null())
    assert list(zip(rows_checked["id"], rows_checked["period_status"], strict=True)) == expected
    assert [(r.id, r.period.status) for r in checked.results if r.period is not None] == expected


# ------------------------------------------------------------------------------ series


def test_a_series_scores_each_record_on_the_pack_of_its_year(
    demo2022: Pack, demo2023: Pack
) -> None:
    series = pr.Series("demo", [demo2023, demo2022])
    assert [p.id for p in series.packs] == ["demo2022", "demo2023"]  # in the order of periods
    data = {
        "communities": [
            community("A", 2022),
            community("B", 2023),
            community("C", 2024),
            community("D", None),
            community("E", 2022),
        ]
    }
    report = pr.score(series, data)
    # A and E (2022) go to demo2022: 40 + 20 + 20 + 10 + studio 0 = 90
    # B (2023) goes to demo2023:     40 + 20 + 20 + 10 + studio 2 = 92
    assert [(s.id, s.pack, s.total) for s in report.results] == [
        ("A", "demo2022@0.1.0", 90),
        ("E", "demo2022@0.1.0", 90),
        ("B", "demo2023@0.1.0", 92),
    ]
    assert [s.period.year for s in report.results if s.period is not None] == [2022, 2022, 2023]
    # C (2024): no pack of the series is in force; D gives no year, so no pack can be chosen
    assert [(r.index, r.id, r.codes) for r in report.rejected] == [
        (2, "C", [pr.OUTSIDE_PERIOD]),
        (3, "D", [pr.YEAR_REQUIRED]),
    ]
    assert (
        "demo2022@0.1.0：2022年1月1日 至 2022年12月31日" in report.rejected[0].errors[0].message.zh
    )
    assert "series demo picks its pack by the year" in report.rejected[1].errors[0].message.en
    payload = report.as_json()
    assert payload["series"] == "demo"
    assert [(p["pack"], [r["id"] for r in p["results"]]) for p in payload["parts"]] == [
        ("demo2022@0.1.0", ["A", "E"]),
        ("demo2023@0.1.0", ["B"]),
    ]
    assert payload["parts"][1]["period"] == {
        "effective_from": "2023-01-01",
        "effective_until": "2023-12-31",
    }


def test_a_series_asked_for_a_later_year_takes_the_pack_last_in_force(
    demo2022: Pack, demo2023: Pack
) -> None:
    series = pr.Series("demo", [demo2022, demo2023])
    data = {"communities": [community("C", 2024), community("Z", 2020)]}
    report = pr.score(series, data, outside_period=True)
    # 2024 is after both: demo2023, last in force before it (92, its studio worth 2);
    # 2020 is before both: the first pack, demo2022 (90)
    assert [
        (s.id, s.pack, s.total, s.period.status if s.period else None) for s in report.results
    ] == [
        ("Z", "demo2022@0.1.0", 90, "outside"),
        ("C", "demo2023@0.1.0", 92, "outside"),
    ]


def test_a_series_checks_each_record_against_the_pack_of_its_year(
    demo2022: Pack, demo2023: Pack
) -> None:
    series = pr.Series("demo", [demo2022, demo2023])
    data = {"communities": [community("A", 2022), community("B", 2023), community("D", None)]}
    report = pr.check(series, data)
    assert [(r.id, r.pack, r.passed) for r in report.results] == [
        ("A", "demo2022@0.1.0", True),
        ("B", "demo2023@0.1.0", True),
    ]
    assert [(r.index, r.codes) for r in report.rejected] == [(2, [pr.YEAR_REQUIRED])]
    payload = report.as_json()
    assert [part["results"][0]["pack"] for part in payload["parts"]] == [
        "demo2022@0.1.0",
        "demo2023@0.1.0",
    ]


def test_packs_whose_periods_overlap_form_no_series(demo2022: Pack) -> None:
    again = yearly_pack(2022, bonus="2").definition.model_copy(update={"id": "demo2022b"})
    other = pr.pack_from_data(again.model_dump(mode="json"), base=DEMO.parent)
    with pytest.raises(pr.SeriesError) as caught:
        pr.Series("demo", [demo2022, other])
    assert "重叠" in caught.value.text.zh and "overlap" in caught.value.text.en
    stray = yearly_pack(2024, bonus="0", series=None)
    with pytest.raises(pr.SeriesError):
        pr.Series("demo", [demo2022, stray])
