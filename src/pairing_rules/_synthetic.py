"""Synthetic data at a province's or a nation's scale, from a seed.

Invented numbers for benchmarks and tests, never real assessment data: a
community table (what a log cannot say), an activity log in the format of
:mod:`pairing_rules._aggregate`, and community-year records with their
activity counts.  The same seed gives the same tables.  Needs the ``scale``
extra (Polars and NumPy).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final

from ._frames import require
from ._lazy import LazyModule

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")

_TYPES: Final = ("融合型", "共建型", "协作型")
_SCOPES: Final = ("县域内", "市域内", "省域内", "跨地区")
_SUBJECTS: Final = ("语文", "数学", "英语", "科学", "音乐", "美术", "体育", "道德与法治")
_COURSES: Final = ("书法", "编程", "合唱", "围棋", "科学实验", "非遗手工")
#: share of each kind of activity in the log
_KIND_SHARES: Final = (
    ("同步课堂", 0.34),
    ("线下示范课", 0.05),
    ("网络研修", 0.14),
    ("线下教研", 0.08),
    ("师徒指导", 0.27),
    ("跟岗", 0.01),
    ("拓展课程", 0.01),
    ("学生交流", 0.02),
    ("派出任教", 0.08),
)


def _rng(seed: int) -> Any:
    np = require("numpy")
    return np.random.default_rng(seed)


def synthetic_communities(n: int, *, seed: int = 0, year: int = 2022) -> pl.DataFrame:
    """A community table of ``n`` communities: the fields an activity log cannot give.

    :param seed: the same seed gives the same table.
    """
    require("polars")
    import polars as pl

    rng = _rng(seed)
    np = require("numpy")
    index = np.arange(n)
    types = rng.choice(len(_TYPES), size=n, p=[0.25, 0.55, 0.20])
    scopes = rng.choice(len(_SCOPES), size=n, p=[0.80, 0.08, 0.04, 0.08])
    core_teachers = rng.integers(20, 160, size=n)
    member_count = rng.integers(1, 4, size=n)
    satisfaction = rng.integers(750, 1001, size=n)  # tenths of a percentage point
    flags = rng.random(size=(n, 9))
    ids = pl.Series("id", index).cast(pl.Utf8)
    frame = pl.DataFrame(
        {
            "id": "CY-" + ids,
            "type": pl.Series(_TYPES).gather(types),
            "scope": pl.Series(_SCOPES).gather(scopes),
            "core": "第" + ids + "中心学校",
            "__members": member_count,
            "year": pl.Series([year] * n, dtype=pl.Int64),
            "core_teachers": core_teachers,
            "mentors": rng.integers(2, 6, size=n),
            "mentees": rng.integers(6, 18, size=n),
            "teachers_barrier_free": flags[:, 0] < 0.8,
            "master_studio": flags[:, 1] < 0.3,
            "support_teaching": flags[:, 2] < 0.4,
            "on_time": flags[:, 3] < 0.85,
            "veto_incident": flags[:, 4] < 0.03,
            "satisfaction": pl.Series(satisfaction).cast(pl.Decimal(38, 1)) / 10,
            "evidence_approval": flags[:, 5] < 0.9,
            "evidence_assessment_plan": flags[:, 6] < 0.9,
            "evidence_lessons": flags[:, 7] < 0.85,
            "evidence_research": flags[:, 8] < 0.85,
        }
    )
    frame = frame.with_columns(
        pl.concat_list(
            [
                pl.when(pl.col("__members") > k).then(
                    pl.format("成员校{}-{}", pl.col("id"), pl.lit(k))
                )
                for k in range(3)
            ]
        )
        .list.drop_nulls()
        .alias("members")
    )
    frame = frame.with_columns(
        pl.min_horizontal(pl.col("members").list.len(), pl.lit(rng.integers(0, 4, size=n))).alias(
            "members_with_backbone_teacher"
        )
    ).drop("__members")
    return frame


def synthetic_activity_log(
    communities: pl.DataFrame, rows: int, *, seed: int = 0, year: int = 2022
) -> pl.DataFrame:
    """An activity log of ``rows`` rows for ``communities`` (see :func:`synthetic_communities`).

    Every row is valid; kinds, subjects, mentor groups and teachers are drawn
    so that the counted records are plausible (teachers sent stay within the
    core school's teachers).
    """
    require("polars")
    import polars as pl

    np = require("numpy")
    rng = _rng(seed + 1)
    n = communities.height
    who = rng.integers(0, n, size=rows)
    kinds = np.array([k for k, _s in _KIND_SHARES], dtype=object)
    shares = np.array([s for _k, s in _KIND_SHARES])
    kind_index = rng.choice(len(kinds), size=rows, p=shares / shares.sum())
    mentors = communities.get_column("mentors").to_numpy()[who]
    pool = np.maximum(1, communities.get_column("core_teachers").to_numpy()[who] // 8)
    days = rng.integers(0, 365, size=rows)
    kind_series = pl.Series("kind", list(kinds)).gather(kind_index)
    frame = pl.DataFrame(
        {
            "community_id": communities.get_column("id").gather(who),
            "date": pl.Series(days, dtype=pl.Int32).cast(pl.Date)
            + (dt.date(year, 1, 1) - dt.date(1970, 1, 1)),
            "kind": kind_series,
            "__subject": pl.Series(_SUBJECTS).gather(rng.integers(0, len(_SUBJECTS), size=rows)),
            "__course": pl.Series(_COURSES).gather(rng.integers(0, len(_COURSES), size=rows)),
            "__group": (rng.random(size=rows) * mentors).astype(np.int64),
            "__teacher": (rng.random(size=rows) * pool).astype(np.int64),
            "__months": pl.Series([0.5, 1.0, 1.5, 2.0]).gather(rng.integers(0, 4, size=rows)),
            "participants": rng.integers(1, 60, size=rows),
        }
    )
    kind = pl.col("kind")
    return frame.select(
        pl.col("community_id"),
        pl.col("date").cast(pl.Date),
        kind,
        pl.when(kind == "同步课堂")
        .then(pl.col("__subject"))
        .when(kind == "拓展课程")
        .then(pl.col("__course"))
        .alias("subject"),
        pl.when(kind == "师徒指导").then(pl.format("G{}", pl.col("__group"))).alias("group"),
        pl.when(kind.is_in(["跟岗", "派出任教"]))
        .then(pl.format("T{}", pl.col("__teacher")))
        .alias("teacher"),
        pl.when(kind == "跟岗").then(pl.col("__months")).alias("months"),
        pl.col("participants"),
    )


def synthetic_community_years(n: int, *, seed: int = 0, year: int = 2022) -> pl.DataFrame:
    """``n`` community-year records with their activity counts (the input of scoring).

    The counts are drawn around the thresholds of the rubrics, so that every
    item is sometimes met and sometimes not.
    """
    require("polars")
    import polars as pl

    rng = _rng(seed + 2)
    base = synthetic_communities(n, seed=seed, year=year)
    core = base.get_column("core_teachers").to_numpy()
    members = base.get_column("members").list.len().to_numpy()
    teachers_sent = (core * rng.random(size=n) * 0.2).astype("int64")
    return base.with_columns(
        pl.Series("sync_lessons", rng.integers(0, 40, size=n)),
        pl.Series("sync_subjects", rng.integers(0, 5, size=n)),
        pl.Series("offline_demo_lessons", rng.integers(0, 10, size=n)),
        pl.Series("online_research", rng.integers(0, 14, size=n)),
        pl.Series("offline_research", rng.integers(0, 8, size=n)),
        pl.Series("teachers_sent", teachers_sent),
        pl.Series("min_mentoring_activities", rng.integers(0, 9, size=n)),
        pl.Series("shadow_teachers", rng.integers(0, 3, size=n)),
        pl.Series("shadow_months", rng.integers(0, 5, size=n)).cast(pl.Decimal(38, 1)) / 2,
        pl.Series("extension_courses", rng.integers(0, 3, size=n)),
        pl.Series("student_exchanges", rng.integers(0, 3, size=n)),
        pl.Series("members_with_backbone_teacher", (members * rng.random(size=n)).round()).cast(
            pl.Int64
        ),
    )
