"""Scale: the activity log, its aggregation, the command line's start-up and a run on Dask."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import pairing_rules as pr

from .cli_helpers import run

pl = pytest.importorskip("polars")

LOG = {
    "community_id": ["A", "A", "A", "A", "A", "A", "B", "B", "C", "A", "A", "A", "Z"],
    "date": ["2022-03-01"] * 9 + ["2022-13-01", "2022-04-01", "2021-01-01", "2022-05-05"],
    "kind": [
        "同步课堂",
        "同步课堂",
        "师徒指导",
        "师徒指导",
        "跟岗",
        "sync_lesson",
        "网络研修",
        "跳舞",
        "线下教研",
        "同步课堂",
        "师徒指导",
        "学生交流",
        "网络研修",
    ],
    "subject": ["语文", "数学", None, None, None, "语文", None, None, None, "x", None, None, None],
    "group": [None, None, "G1", "G1", None, None, None, None, None, None, "G2", None, None],
    "teacher": [None, None, None, None, "王", None, None, None, None, None, None, None, None],
    "months": [None, None, None, None, "1.5", None, None, None, None, None, None, None, None],
    "participants": ["30", "20", "2", "2", "1", "1", "5", "5", "-1", "3", "2", "9", "4"],
}
COMMUNITIES = {
    "id": ["A", "B", "C"],
    "type": ["融合型", "共建型", "协作型"],
    "scope": ["县域内", "县域内", "县域内"],
    "mentors": ["3", "1", None],
}


def test_the_log_is_counted_as_documented() -> None:
    result = pr.aggregate_log(pl.DataFrame(LOG), pl.DataFrame(COMMUNITIES), year=2022)
    rows = {r["id"]: r for r in result.frame.to_dicts()}
    a, b, c = rows["A"], rows["B"], rows["C"]
    # A: 3 sync lessons (sync_lesson is the English name) in 2 subjects; the lesson of
    # 2022-13-01 is rejected; mentor groups G1 (2) and G2 (1) but 3 mentors: fewest is 0
    assert (a["sync_lessons"], a["sync_subjects"]) == (3, 2)
    assert a["min_mentoring_activities"] == 0
    assert (a["shadow_teachers"], a["shadow_months"]) == (1, Decimal("1.5"))
    assert a["student_exchanges"] == 0  # 2021 is not counted
    assert (b["online_research"], b["min_mentoring_activities"]) == (1, 0)
    assert b["shadow_months"] is None
    # C's only row is rejected (participants -1): C is counted with nothing
    assert c["offline_research"] == 0
    by_row = {r.index: r for r in result.rejected}
    assert sorted(by_row) == [7, 8, 9, 12]
    assert (
        by_row[7].reason.zh.startswith("“活动类型”取值“跳舞”无效") and "kind" in by_row[7].reason.en
    )
    assert "第 C 列" in by_row[7].reason.zh
    assert "participants" in by_row[8].reason.en
    assert "date" in by_row[9].reason.en
    assert by_row[12].reason.zh.startswith("“教共体编号”为 ")
    assert "不在教共体名单中" in by_row[12].reason.zh
    assert any("2022" in n.message.zh for n in result.notices)


def test_mentor_groups_count_when_every_group_is_in_the_log() -> None:
    log = {
        "community_id": ["A"] * 5,
        "date": ["2022-01-05"] * 5,
        "kind": ["师徒指导"] * 5,
        "group": ["G1", "G1", "G1", "G2", "G2"],
    }
    communities = {"id": ["A"], "type": ["融合型"], "mentors": [2]}
    result = pr.aggregate_log(pl.DataFrame(log), pl.DataFrame(communities))
    assert result.frame.get_column("min_mentoring_activities").to_list() == [2]
    assert not result.rejected


def test_a_log_of_several_years_needs_a_year() -> None:
    log = {
        "community_id": ["A", "A"],
        "date": ["2021-05-01", "2022-05-01"],
        "kind": ["网络研修"] * 2,
    }
    with pytest.raises(pr.InputError, match="--year"):
        pr.aggregate_log(pl.DataFrame(log), pl.DataFrame({"id": ["A"], "type": ["融合型"]}))


def test_aggregated_records_score_as_records() -> None:
    communities = pr.synthetic_communities(40, seed=3)
    log = pr.synthetic_activity_log(communities, 4_000, seed=3)
    result = pr.aggregate_log(log, communities)
    assert not result.rejected and result.frame.height == 40
    table = pr.score_table("cangnan2022", result.frame)
    per_record = pr.score(pr.get_pack("cangnan2022"), result.as_json())
    assert [(r.id, r.total, r.grade_id) for r in per_record.results] == [
        (row["id"], row["total"], row["grade_id"]) for row in table.frame.to_dicts()
    ]


def test_aggregate_command(tmp_path: Path) -> None:
    pl.DataFrame(LOG).write_csv(tmp_path / "log.csv")
    pl.DataFrame(COMMUNITIES).write_parquet(tmp_path / "communities.parquet")
    out = tmp_path / "records.json"
    result = run(
        "aggregate",
        str(tmp_path / "log.csv"),
        "--communities",
        str(tmp_path / "communities.parquet"),
        "--year",
        "2022",
        "--out",
        str(out),
        "--format",
        "json",
    )
    assert result.code == 2  # rows were rejected; the others were counted
    summary = result.json
    assert summary["log_rows"] == 13 and summary["log_rows_rejected"] == 4
    assert "log 第 8 条" in result.err
    records = json.loads(out.read_text(encoding="utf-8"))["communities"]
    assert [r["id"] for r in records] == ["A", "B", "C"]
    scored = run("score", "cangnan2022", str(out), "--format", "json")
    assert scored.code == 0, scored.err
    parquet = run(
        "aggregate",
        str(tmp_path / "log.csv"),
        "--communities",
        str(tmp_path / "communities.parquet"),
        "--year",
        "2022",
        "--out",
        str(tmp_path / "records.parquet"),
    )
    assert parquet.code == 2 and pl.read_parquet(tmp_path / "records.parquet").height == 3


def test_command_line_start_up_imports_nothing_heavy() -> None:
    heavy = ["polars", "pyarrow", "duckdb", "dask", "openpyxl", "jinja2", "rich", "pydantic"]
    code = (
        "import sys, pairing_rules.cli, pairing_rules.cli._main as m; m.build_parser(); "
        f"print([n for n in {heavy!r} if n in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_synthetic_data_is_reproducible() -> None:
    a = pr.synthetic_community_years(50, seed=9)
    assert a.equals(pr.synthetic_community_years(50, seed=9))
    assert not a.equals(pr.synthetic_community_years(50, seed=10))


def test_dask_gives_the_single_machine_results() -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    records = pr.synthetic_community_years(300, seed=5)
    expected = pr.score_table("cangnan2022", records).frame
    checks = pr.check_table("cangnan2022", records).frame
    pandas = records.to_pandas(use_pyarrow_extension_array=True)
    scorer = pr.TableScorer("cangnan2022")
    checker = pr.TableChecker("cangnan2022")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        frame = dd.from_pandas(pandas, npartitions=4)
        scored = frame.map_partitions(scorer, meta=scorer.empty()).compute()
        checked = frame.map_partitions(checker, meta=checker.empty()).compute()
    got = pl.from_pandas(scored).drop("row").sort("id")
    assert got.equals(expected.drop("row").sort("id"))
    got_checks = pl.from_pandas(checked).drop("row").sort("id")
    assert got_checks.equals(checks.drop("row").sort("id"))


def test_a_missing_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    from pairing_rules._frames import MissingExtraError, require

    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(MissingExtraError, match=r"pairing-rules\[scale\]"):
        require("polars")
    with pytest.raises(ImportError, match="scale"):
        pr.score_table("cangnan2022", {"id": []})
