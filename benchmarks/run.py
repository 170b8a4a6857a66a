"""Benchmark: per-record API, table path and a hand-written Polars baseline, side by side.

Run from the repository root::

    .venv/bin/python benchmarks/run.py                    # small: 10,000 community-years, 1,000,000 log rows
    .venv/bin/python benchmarks/run.py --scale national   # 100,000 community-years, 10,000,000 log rows

It generates the synthetic data from a seed, then runs every stage in a
subprocess of its own (so that each stage's peak memory is its own) and prints
throughput, the ratios to the baseline and the peak resident memory.  A ratio
is measured side by side: the table path and the hand-written query it is
compared with run in turn in one process, and the best time of each is
kept.  Every stage checks its numbers against the others before it reports a
time.  This is
a benchmark, not a test: it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

SCALES = {
    "small": (10_000, 1_000_000),
    "national": (100_000, 10_000_000),
}
PACK = "cangnan2022"
PROVINCE_ROWS = 1_500
#: the documented input limit of the command line (``PAIRING_RULES_MAX_ROWS``)
CLI_ROWS = 200_000
CLI_LARGE_RUNS = 3


def _peak_mb() -> float:
    """This process's peak resident memory, in MiB.

    ``VmHWM`` (Linux) is the high-water mark of this process's own memory since
    it started; ``ru_maxrss`` is the fallback (on Linux it can carry the
    parent's peak across ``fork``, so it is not used where ``VmHWM`` exists).
    """
    try:
        with open("/proc/self/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_turn(*fns: Callable[[], Any], repeat: int) -> tuple[list[float], list[Any]]:
    """The best time of each of ``fns``, run in turn in this process ``repeat`` times each (so
    that all meet the same machine), and their last results."""
    times: list[list[float]] = [[] for _fn in fns]
    results: list[Any] = [None for _fn in fns]
    for _ in range(repeat):
        for n, fn in enumerate(fns):
            start = time.perf_counter()
            results[n] = fn()
            times[n].append(time.perf_counter() - start)
    return [min(t) for t in times], results


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# ------------------------------------------------------------------------------ baselines


def baseline_scores(frame: Any) -> Any:
    """Totals and grades of cangnan2022 (default interpretations), as a data engineer writes them.

    The defaults, read from the pack: all-or-nothing items; 20 synchronous lessons (sync only);
    mentoring counts complete groups of one mentor and three mentees, 2 of them for the county
    rubric and 3 for the cross-region one; a co-build community sends 10% of its core school's
    teachers, a collaboration community at least one; satisfaction 15 points at 90%, one point per
    whole point above and per point or part of a point below, 0 to 25, none when not reported; a
    late community keeps half of the 15 points for being on time, an unreported one none; bonuses
    0; grades 90/80/60 on the total, at most 100; the veto is the school's, not the community's.
    Rows of a scope no rubric covers (省域内) get no total.
    """
    import polars as pl

    c = pl.col
    z = lambda name: c(name).fill_null(0)  # noqa: E731
    sat = c("satisfaction").cast(pl.Float64)
    satisfaction = pl.when(sat.is_null()).then(0.0).otherwise((15 + (sat - 90).floor()).clip(0, 25))
    mentor_groups = pl.min_horizontal(z("mentors"), z("mentees") // 3)
    activities = z("min_mentoring_activities") >= 5
    research = z("online_research") + z("offline_research")
    exchange = (
        pl.when(c("type") == "融合型")
        .then(c("teachers_barrier_free").fill_null(False))
        .when(c("type") == "共建型")
        .then((z("core_teachers") > 0) & (z("teachers_sent") * 10 >= z("core_teachers")))
        .otherwise(z("teachers_sent") >= 1)
    )
    county = (
        pl.when((z("sync_subjects") >= 2) & (z("sync_lessons") >= 20)).then(30).otherwise(0)
        + pl.when(research >= 12).then(18).otherwise(0)
        + pl.when(exchange).then(6).otherwise(0)
        + pl.when((mentor_groups >= 2) & activities).then(15).otherwise(0)
        + satisfaction
    )
    on_time = pl.when(c("on_time")).then(15.0).when(~c("on_time")).then(7.5).otherwise(0.0)
    cross = (
        pl.when((mentor_groups >= 3) & activities).then(10).otherwise(0)
        + pl.when((z("shadow_teachers") >= 1) & (z("shadow_months") >= 1)).then(10).otherwise(0)
        + pl.when(z("sync_lessons") + z("offline_demo_lessons") >= 10).then(10).otherwise(0)
        + pl.when(research >= 10).then(10).otherwise(0)
        + pl.when(z("extension_courses") >= 1).then(10).otherwise(0)
        + pl.when(z("student_exchanges") >= 1).then(10).otherwise(0)
        + on_time
        + satisfaction
    )
    scope = c("scope")
    total = (
        pl.when(scope == "跨地区")
        .then(pl.min_horizontal(cross, 100))
        .when(scope.is_in(["县域内", "市域内"]))
        .then(pl.min_horizontal(county, 100))
    )
    grade = (
        pl.when(total >= 90)
        .then(pl.lit("excellent"))
        .when(total >= 80)
        .then(pl.lit("good"))
        .when(total >= 60)
        .then(pl.lit("pass"))
        .when(total.is_not_null())
        .then(pl.lit("fail"))
    )
    return frame.select(c("id"), total.alias("total"), grade.alias("grade_id"))


def baseline_scores_lazy(frame: Any) -> Any:
    """:func:`baseline_scores` run lazily: Polars plans the query first, so that an expression
    written more than once (``total`` in each grade's test, a field's ``fill_null(0)``) is
    computed once.  On the national data it is about four times as fast as the same query run
    eagerly."""
    return baseline_scores(frame.lazy()).collect()


def baseline_counts(log: Any, communities: Any) -> Any:
    """The activity counts of the log joined to the community table, hand-written."""
    import polars as pl

    k = pl.col("kind")
    counts = log.group_by("community_id").agg(
        (k == "同步课堂").sum().alias("sync_lessons"),
        pl.col("subject").filter(k == "同步课堂").n_unique().alias("sync_subjects"),
        (k == "线下示范课").sum().alias("offline_demo_lessons"),
        (k == "网络研修").sum().alias("online_research"),
        (k == "线下教研").sum().alias("offline_research"),
        pl.col("teacher").filter(k == "跟岗").n_unique().alias("shadow_teachers"),
        pl.col("subject").filter(k == "拓展课程").n_unique().alias("extension_courses"),
        (k == "学生交流").sum().alias("student_exchanges"),
        pl.col("teacher").filter(k == "派出任教").n_unique().alias("teachers_sent"),
    )
    groups = (
        log.filter(k == "师徒指导")
        .group_by("community_id", "group")
        .len()
        .group_by("community_id")
        .agg(pl.col("len").min().alias("min_mentoring_activities"), pl.len().alias("groups"))
    )
    shadow = (
        log.filter(k == "跟岗")
        .group_by("community_id", "teacher")
        .agg(pl.col("months").sum())
        .group_by("community_id")
        .agg(pl.col("months").min().alias("shadow_months"))
    )
    return (
        communities.join(counts, left_on="id", right_on="community_id", how="left")
        .join(groups, left_on="id", right_on="community_id", how="left")
        .join(shadow, left_on="id", right_on="community_id", how="left")
        .with_columns(
            pl.when(pl.col("groups").fill_null(0) < pl.col("mentors"))
            .then(0)
            .otherwise(pl.col("min_mentoring_activities"))
            .alias("min_mentoring_activities")
        )
    )


def baseline_counts_lazy(log: Any, communities: Any) -> Any:
    """:func:`baseline_counts` run lazily (planned by Polars first)."""
    return baseline_counts(log.lazy(), communities.lazy()).collect()


# ------------------------------------------------------------------------------ stages


def stage_generate(data: Path) -> dict[str, Any]:
    import pairing_rules as pr

    scale, seed = os.environ["BENCH_SCALE"], int(os.environ["BENCH_SEED"])
    n, rows = SCALES[scale]
    start = time.perf_counter()
    communities = _county(pr.synthetic_communities(n, seed=seed))
    communities.write_parquet(data / "communities.parquet")
    pr.synthetic_activity_log(communities, rows, seed=seed).write_parquet(data / "log.parquet")
    _county(pr.synthetic_community_years(n, seed=seed)).write_parquet(
        data / "community_years.parquet"
    )
    write_province_workbook(data / "province.xlsx", seed)
    _write_csv(_county(pr.synthetic_community_years(CLI_ROWS, seed=seed + 11)), data / "large.csv")
    return {"seconds": time.perf_counter() - start}


def write_province_workbook(path: Path, seed: int) -> None:
    """The 1,500-row province workbook (``benchmarks/serve.py`` uploads the same one)."""
    import pairing_rules as pr

    province = _county(pr.synthetic_community_years(PROVINCE_ROWS, seed=seed + 7))
    _write_workbook(province, path)


def _county(frame: Any) -> Any:
    """The synthetic records as a county of the pack has them: its rubrics cover 县域内, 市域内
    and 跨地区; a 省域内 community (which no rubric of cangnan2022 scores) becomes 市域内."""
    import polars as pl

    scope = pl.col("scope")
    return frame.with_columns(
        pl.when(scope == "省域内").then(pl.lit("市域内")).otherwise(scope).alias("scope")
    )


def _write_csv(frame: Any, path: Path) -> None:
    """A community-year table as a county's CSV export: lists joined by 、."""
    import polars as pl

    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    frame.with_columns(pl.col(name).list.join("、") for name in lists).write_csv(path)


def _write_workbook(frame: Any, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("communities")
    columns = frame.columns
    sheet.append(columns)
    for row in frame.iter_rows():
        sheet.append(
            [
                "、".join(v) if isinstance(v, list) else float(v) if isinstance(v, Decimal) else v
                for v in row
            ]
        )
    book.save(path)


def stage_per_record(data: Path) -> dict[str, Any]:
    import polars as pl

    import pairing_rules as pr

    pack = pr.get_pack(PACK)
    frame = pl.read_parquet(data / "community_years.parquet")
    rows = [{k: v for k, v in r.items() if v is not None} for r in frame.to_dicts()]
    start = time.perf_counter()
    records, rejected = pr.validate_records(rows, pr.CommunityYear, "communities")
    validate = time.perf_counter() - start
    assert not rejected
    scorer = pr.Scorer(pack)
    scorer.points(records[0])  # compile once, as any long run does

    def streamed(score: Callable[[Any], Any]) -> Callable[[], None]:
        """Score every record and let each result go, as a report being written does."""

        def run() -> None:
            for record in records:
                score(record)

        return run

    seconds, _none = _best(streamed(scorer.points), 3)
    # the same records with their explanations recorded (what every report renders from),
    # timed the same way, one after the other
    explained, _none = _best(streamed(scorer.explain), 3)
    results = [scorer.points(r) for r in records]
    for record, numbers in zip(records, results, strict=True):
        explanation = scorer.explain(record)
        assert (explanation is None) == (numbers is None)
        if explanation is not None:
            assert explanation.points() == numbers
    # and rendered into full score sheets (texts, inputs, citations) as the JSON report holds them
    subset = records[: min(len(records), 10_000)]
    sheets_seconds, _sheets = _best(lambda: [scorer.score_record(r) for r in subset], 1)
    # a record of a scope no rubric covers (省域内) has no points: the other paths reject it
    totals = {
        r.id: (n.total, n.grade) for r, n in zip(records, results, strict=True) if n is not None
    }
    (data / "per_record.json").write_text(
        json.dumps({k: [str(t), g] for k, (t, g) in totals.items()}), encoding="utf-8"
    )
    return {
        "records": len(records),
        "seconds": seconds,
        "per_second": len(records) / seconds,
        "validate_per_second": len(records) / validate,
        "explained_per_second": len(records) / explained,
        "sheets_per_second": len(subset) / sheets_seconds,
    }


def stage_columnar(data: Path) -> dict[str, Any]:
    import polars as pl

    import pairing_rules as pr

    frame = pl.read_parquet(data / "community_years.parquet")
    scorer = pr.TableScorer(PACK)
    # the table path and the hand-written query (run eagerly and lazily), in turn in this one
    # process: their ratios
    # and, of the table path, its first step alone: reading the table into typed, checked columns
    from pairing_rules._frames import prepare

    model, collection = scorer.model, scorer.collection
    (seconds, eager, lazy, reading), (result, by_eager, by_lazy, _read) = _in_turn(
        lambda: scorer.score(frame),
        lambda: baseline_scores(frame),
        lambda: baseline_scores_lazy(frame),
        lambda: prepare(frame, model, collection),
        repeat=5,
    )
    assert by_lazy.equals(by_eager), "the query run lazily and eagerly disagree"
    expected = json.loads((data / "per_record.json").read_text(encoding="utf-8"))
    assert len(result.rejected) == frame.height - len(expected)  # the records without a rubric
    scored = result.frame.filter(pl.col("error").is_null())
    got = {i: (t, g) for i, t, g in scored.select("id", "total", "grade_id").iter_rows()}
    want = {k: (Decimal(v[0]), v[1]) for k, v in expected.items()}
    assert got == want, "table path and per-record path disagree"
    return {
        "records": frame.height,
        "seconds": seconds,
        "per_second": frame.height / seconds,
        "baseline_seconds": eager,
        "lazy_baseline_seconds": lazy,
        "reading_seconds": reading,
    }


def stage_baseline(data: Path) -> dict[str, Any]:
    import polars as pl

    frame = pl.read_parquet(data / "community_years.parquet")
    # timed side by side with the table path in its stage; here its own peak memory
    seconds, result = _best(lambda: baseline_scores(frame), 1)
    expected = json.loads((data / "per_record.json").read_text(encoding="utf-8"))
    scored = result.filter(pl.col("total").is_not_null())
    assert scored.height == len(expected)
    for rid, total, grade in scored.iter_rows():
        want_total, want_grade = expected[rid]
        assert Decimal(str(total)) == Decimal(want_total), rid
        assert grade == want_grade, rid
    return {"records": frame.height, "seconds": seconds, "per_second": frame.height / seconds}


def stage_aggregate(data: Path) -> dict[str, Any]:
    import polars as pl

    import pairing_rules as pr

    log = pl.read_parquet(data / "log.parquet")
    communities = pl.read_parquet(data / "communities.parquet")
    (seconds, baseline, lazy), (result, by_eager, by_lazy) = _in_turn(
        lambda: pr.aggregate_log(log, communities),
        lambda: baseline_counts(log, communities),
        lambda: baseline_counts_lazy(log, communities),
        repeat=3,
    )
    assert by_lazy.sort("id").equals(by_eager.sort("id")), "the lazy and eager queries disagree"
    assert not result.rejected
    result.frame.write_parquet(data / "aggregated.parquet")
    return {
        "rows": log.height,
        "seconds": seconds,
        "per_second": log.height / seconds,
        "baseline_seconds": baseline,
        "lazy_baseline_seconds": lazy,
    }


def stage_baseline_aggregate(data: Path) -> dict[str, Any]:
    import polars as pl

    log = pl.read_parquet(data / "log.parquet")
    communities = pl.read_parquet(data / "communities.parquet")
    # timed side by side with the aggregation in its stage; here its own peak memory
    seconds, result = _best(lambda: baseline_counts(log, communities), 1)
    ours = pl.read_parquet(data / "aggregated.parquet")
    fields = ["sync_lessons", "sync_subjects", "online_research", "teachers_sent"]
    fields += ["min_mentoring_activities", "shadow_teachers", "student_exchanges"]
    mine = ours.select("id", *fields).sort("id")
    theirs = result.select("id", *[pl.col(f).fill_null(0).cast(pl.Int64) for f in fields]).sort(
        "id"
    )
    assert mine.equals(theirs), "aggregation and baseline disagree"
    return {"rows": log.height, "seconds": seconds, "per_second": log.height / seconds}


def stage_pipeline(data: Path) -> dict[str, Any]:
    """Read the log, aggregate and score it in one process: the peak memory of the whole job."""
    import polars as pl

    import pairing_rules as pr

    start = time.perf_counter()
    log = pl.read_parquet(data / "log.parquet")
    communities = pl.read_parquet(data / "communities.parquet")
    aggregated = pr.aggregate_log(log, communities)
    del log
    scores = pr.score_table(PACK, aggregated.frame)
    seconds = time.perf_counter() - start
    # only the communities of a scope no rubric covers (省域内) are rejected
    assert all([e.field for e in r.errors] == ["scope"] for r in scores.rejected)
    return {"communities": scores.frame.height, "seconds": seconds}


def stage_cli(data: Path) -> dict[str, Any]:
    script = Path(sys.executable).with_name("pairing-rules")
    times = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run([str(script), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    out = data / "province-report.xlsx"
    runs = []
    for _ in range(5):  # the median of five: a single run varies by ±20% on a busy machine
        start = time.perf_counter()
        done = subprocess.run(
            [str(script), "score", PACK, str(data / "province.xlsx"), "--out", str(out)],
            capture_output=True,
            check=False,
        )
        runs.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr.decode()
    return {"help_seconds": statistics.median(times), "workbook_seconds": statistics.median(runs)}


def _run_measured(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Run ``command``: its wall time (s), its peak resident memory (MiB) and its exit code."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if child.stderr is not None:
        child.stderr.close()
    return seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def stage_cli_large(data: Path) -> dict[str, Any]:
    """``pairing-rules score`` on a CSV of the documented maximum of rows, to .xlsx and .json,
    and to .json again in one process (``PAIRING_RULES_READ_AHEAD=0``): three runs of each, in
    turn (a single run varies by a fifth on a shared machine)."""
    script = Path(sys.executable).with_name("pairing-rules")
    out: dict[str, Any] = {"rows": CLI_ROWS}
    kinds = {"xlsx": ("xlsx", None), "json": ("json", None), "json_one": ("json", "0")}
    runs: dict[str, list[float]] = {kind: [] for kind in kinds}
    peaks: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(CLI_LARGE_RUNS):
        for kind, (suffix, ahead) in kinds.items():
            target = data / f"large-report.{suffix}"
            env = None if ahead is None else {**os.environ, "PAIRING_RULES_READ_AHEAD": ahead}
            seconds, peak, code = _run_measured(
                [str(script), "score", PACK, str(data / "large.csv"), "--out", str(target)], env
            )
            assert code == 0, f"score to .{suffix} exited {code}"
            assert target.stat().st_size > 0
            runs[kind].append(seconds)
            peaks[kind].append(peak)
    for kind in kinds:
        out[f"{kind}_seconds"] = statistics.median(runs[kind])
        out[f"{kind}_runs"] = runs[kind]
        out[f"{kind}_peak_mb"] = max(peaks[kind])
    # the ratio of each pair run one after the other: read ahead / one process
    pairs = zip(runs["json"], runs["json_one"], strict=True)
    out["ahead_ratio"] = statistics.median(a / b for a, b in pairs)
    out["seconds"] = sum(map(sum, runs.values()))
    return out


STAGES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "per_record": stage_per_record,
    "columnar": stage_columnar,
    "baseline": stage_baseline,
    "aggregate": stage_aggregate,
    "baseline_aggregate": stage_baseline_aggregate,
    "pipeline": stage_pipeline,
    "cli": stage_cli,
    "cli_large": stage_cli_large,
}
# the county report stage lives in benchmarks/county.py
from county import report_line as county_line  # noqa: E402
from county import stage_county  # noqa: E402

STAGES["county"] = stage_county


def run_stage(name: str, data: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--stage", name, "--data", str(data)]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env={**os.environ, **(env or {})}
    )
    if done.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kb = int(info.readline().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
    )


def _seconds(runs: list[float]) -> str:
    return ", ".join(f"{r:.1f}" for r in runs)


def report(scale: str, results: dict[str, dict[str, Any]]) -> str:
    n, rows = SCALES[scale]
    per, col, base = results["per_record"], results["columnar"], results["baseline"]
    agg, base_agg = results["aggregate"], results["baseline_aggregate"]
    pipe, cli = results["pipeline"], results["cli"]
    lines = [
        f"pairing-rules benchmark: scale {scale} ({n:,} community-years, {rows:,} log rows), "
        f"pack {PACK}, default interpretations",
        f"machine: {machine()}",
        "",
        f"{'stage':<46}{'time (s)':>10}{'per second':>14}{'vs baseline':>13}{'peak MB':>10}",
    ]

    def line(label: str, r: dict[str, Any], rate: float | None, ratio: float | None) -> None:
        lines.append(
            f"{label:<46}{r['seconds']:>10.3f}"
            f"{(f'{rate:,.0f}' if rate else ''):>14}"
            f"{(f'{ratio:.2f}×' if ratio else ''):>13}{r['peak_mb']:>10.0f}"
        )

    # each baseline's time is the one measured in turn with the stage it is the baseline of
    base = {**base, "seconds": col["baseline_seconds"]}
    base_agg = {**base_agg, "seconds": agg["baseline_seconds"]}
    line("per-record Scorer.points (validated records)", per, per["per_second"], None)
    line(
        "table path score_table (incl. checks)",
        col,
        col["per_second"],
        col["seconds"] / base["seconds"],
    )
    line("baseline: hand-written Polars scores", base, col["records"] / base["seconds"], 1.0)
    lazy = {**base, "seconds": col["lazy_baseline_seconds"]}
    line(
        "  the same query run lazily",
        lazy,
        col["records"] / lazy["seconds"],
        lazy["seconds"] / base["seconds"],
    )
    line(
        "log aggregation aggregate_log (incl. checks)",
        agg,
        agg["per_second"],
        agg["seconds"] / base_agg["seconds"],
    )
    line(
        "baseline: hand-written Polars group_by",
        base_agg,
        agg["rows"] / base_agg["seconds"],
        1.0,
    )
    lazy_agg = {**base_agg, "seconds": agg["lazy_baseline_seconds"]}
    line(
        "  the same query run lazily",
        lazy_agg,
        agg["rows"] / lazy_agg["seconds"],
        lazy_agg["seconds"] / base_agg["seconds"],
    )
    line("whole job: read log, aggregate, score", pipe, None, None)
    large = results["cli_large"]
    explained = per["explained_per_second"]
    lines += [
        "",
        f"table path, side by side with the hand-written query: "
        f"{col['seconds'] / col['baseline_seconds']:.2f}× the query run eagerly, "
        f"{col['seconds'] / col['lazy_baseline_seconds']:.2f}× the query run lazily "
        "(the query reads the table as it is: no checks, totals and grades only); of the table "
        f"path's {col['seconds'] * 1000:.0f} ms, reading the table into typed, checked columns "
        f"takes {col['reading_seconds'] * 1000:.0f} ms",
        f"log aggregation, side by side with the hand-written group_by: "
        f"{agg['seconds'] / agg['baseline_seconds']:.2f}× the query run eagerly, "
        f"{agg['seconds'] / agg['lazy_baseline_seconds']:.2f}× the query run lazily "
        "(the query reads the log as it is: no checks)",
        f"per-record, streamed, with explanations recorded (Scorer.explain): {explained:,.0f}/s, "
        f"{explained / per['per_second']:.2f}× the numbers-only path (same records, same process); "
        f"rendered into score sheets (Scorer.score_record): {per['sheets_per_second']:,.0f}/s; "
        f"record validation (pydantic): {per['validate_per_second']:,.0f}/s",
        f"pairing-rules --help: {cli['help_seconds']:.3f} s (median of 7); "
        f"{PROVINCE_ROWS:,}-row workbook scored to an xlsx report: {cli['workbook_seconds']:.2f} s (median of 5)",
        f"pairing-rules score {PACK} on a {large['rows']:,}-row CSV, median of "
        f"{CLI_LARGE_RUNS} runs (each run): to .xlsx {large['xlsx_seconds']:.1f} s "
        f"({_seconds(large['xlsx_runs'])}), peak {large['xlsx_peak_mb']:,.0f} MB; "
        f"to .json {large['json_seconds']:.1f} s ({_seconds(large['json_runs'])}), "
        f"peak {large['json_peak_mb']:,.0f} MB; to .json in one process (PAIRING_RULES_READ_AHEAD=0) "
        f"{large['json_one_seconds']:.1f} s ({_seconds(large['json_one_runs'])}), "
        f"peak {large['json_one_peak_mb']:,.0f} MB: read ahead {large['ahead_ratio']:.2f}× "
        "the time of one process (median of the pairs run in turn)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--data", help="keep the generated data in this folder")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--stage", choices=[*sorted(STAGES), "generate"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        stages = {**STAGES, "generate": stage_generate}
        result = stages[args.stage](Path(args.data))
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(args.data or tmp)
        data.mkdir(parents=True, exist_ok=True)
        print(f"generating {args.scale} data (seed {args.seed}) in {data} …", file=sys.stderr)
        run_stage("generate", data, {"BENCH_SCALE": args.scale, "BENCH_SEED": str(args.seed)})
        results = {}
        for name in STAGES:
            print(f"running {name} …", file=sys.stderr)
            results[name] = run_stage(name, data)
        print(report(args.scale, results) + "\n" + county_line(results["county"]))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
