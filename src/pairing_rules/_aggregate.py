"""From an activity log to community-year records.

A province's platform records every activity as one row of a log::

    community_id  date        kind      subject  group  teacher  months  participants
    CN-01         2022-03-08  同步课堂   语文                              42
    CN-01         2022-03-10  师徒指导            G1                       2
    CN-01         2022-04-01  跟岗                       王老师   1.5       1

:func:`aggregate_log` counts it into the activity fields of
:class:`~pairing_rules.CommunityYear` (see :data:`KINDS` for the vocabulary
and :data:`DERIVED` for how each field is derived) and joins, by id, a
community table with what a log cannot say (type, scope, members, teachers of
the core school, satisfaction …).  A bad log row is named by row and column in
Chinese and English and left out of the counts; the other rows are counted;
nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ._dataset import FieldError, Notice, Rejection
from ._frames import DECIMAL_PLACES, prepare, records_frame, require, to_polars
from ._i18n import Text
from ._lazy import LazyModule
from ._models import CommunityYear, field_phrase, value_phrase

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")

LOG: Final = "log"

#: the kinds of activity: Chinese value → (English name, what it counts)
KINDS: Final[dict[str, tuple[str, str]]] = {
    "同步课堂": ("sync_lesson", "城乡同步课堂 1 节（须填 subject 学科）"),
    "线下示范课": ("offline_demo", "送教下乡或线下示范课 1 节"),
    "网络研修": ("online_research", "教师网络研修 1 次"),
    "线下教研": ("offline_research", "线下教研 1 次"),
    "师徒指导": ("mentoring", "一组师徒的指导活动 1 次（须填 group 师徒组编号）"),
    "跟岗": ("shadow", "一名教师异地跟岗一段时间（须填 teacher 教师、months 月数）"),
    "拓展课程": ("extension_course", "共享一门线上拓展课程（须填 subject 课程名）"),
    "学生交流": ("student_exchange", "学生集体交流活动 1 次"),
    "派出任教": ("teacher_sent", "核心校一名教师到成员校任教（须填 teacher 教师）"),
}
#: other spellings accepted for a kind
KIND_ALIASES: Final[dict[str, str]] = {
    "送教下乡": "线下示范课",
    "线上教研": "网络研修",
    "网络教研": "网络研修",
    "师徒结对": "师徒指导",
    "异地跟岗": "跟岗",
    "学生集体交流": "学生交流",
    **{english: chinese for chinese, (english, _d) in KINDS.items()},
}
#: the log's columns: name → (Chinese label, English label, required)
COLUMNS: Final[dict[str, tuple[str, str, bool]]] = {
    "community_id": ("教共体编号", "community id", True),
    "date": ("日期", "date", True),
    "kind": ("活动类型", "kind of activity", True),
    "subject": ("学科或课程", "subject or course", False),
    "group": ("师徒组编号", "mentor group", False),
    "teacher": ("教师", "teacher", False),
    "months": ("跟岗月数", "months of shadow training", False),
    "participants": ("参与人数", "participants", False),
}
#: the columns a kind needs
NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "同步课堂": ("subject",),
    "拓展课程": ("subject",),
    "师徒指导": ("group",),
    "跟岗": ("teacher", "months"),
    "派出任教": ("teacher",),
}
#: how each field of the community-year record comes from the log
DERIVED: Final[dict[str, str]] = {
    "sync_lessons": "同步课堂 rows",
    "sync_subjects": "distinct subjects of 同步课堂 rows",
    "offline_demo_lessons": "线下示范课 (送教下乡) rows",
    "online_research": "网络研修 rows",
    "offline_research": "线下教研 rows",
    "min_mentoring_activities": "fewest 师徒指导 rows of any mentor group (0 when the community "
    "table's mentors outnumber the groups in the log)",
    "shadow_teachers": "distinct teachers of 跟岗 rows",
    "shadow_months": "the shortest total of months of any 跟岗 teacher (empty without 跟岗 rows)",
    "extension_courses": "distinct courses (subject) of 拓展课程 rows",
    "student_exchanges": "学生交流 rows",
    "teachers_sent": "distinct teachers of 派出任教 rows",
}


@dataclass
class Aggregation:
    """Community-year records counted from a log and joined with the community table.

    :param frame: one row per community of the table, one column per field of
        :class:`~pairing_rules.CommunityYear` (the input of :func:`pairing_rules.score_table`).
    :param rejected: bad log rows (collection ``log``, index = the log row) and
        community rows that are not valid records (collection ``communities``).
    """

    frame: pl.DataFrame
    year: int
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    log_rows: int = 0

    def records(self) -> list[CommunityYear]:
        """The valid community-year records (validated one by one)."""
        from ._dataset import validate_records

        rows = [{k: v for k, v in row.items() if v is not None} for row in self.frame.to_dicts()]
        records, _rejected = validate_records(rows, CommunityYear, "communities")
        return [r for r in records if isinstance(r, CommunityYear)]

    def as_json(self) -> dict[str, Any]:
        """An input object ``{"communities": [...]}`` that ``pairing-rules score`` reads."""
        return {
            "communities": [r.model_dump(mode="json", exclude_none=True) for r in self.records()]
        }


def _kind_map() -> dict[str, str]:
    out = {k: k for k in KINDS}
    out.update(KIND_ALIASES)
    return out


_CODES: Final[dict[str, int]] = {kind: n for n, kind in enumerate(KINDS)}


def _code(kind: str) -> int:
    """The small integer the log's ``kind`` is counted by."""
    return _CODES[kind]


def _typed_log(log: pl.DataFrame) -> pl.LazyFrame:
    """The log with typed columns, ``__row``, the kind as a code and a ``__bad`` flag per column."""
    import polars as pl

    missing = [
        name for name, (_z, _e, required) in COLUMNS.items() if required and name not in log.columns
    ]
    if missing:
        from ._errors import InputError

        raise InputError(
            Text(
                zh=f"活动日志缺少必填列：{'、'.join(missing)}",
                en=f"the activity log lacks required columns: {', '.join(missing)}",
            )
        )
    schema = log.schema

    def text(name: str) -> pl.Expr:
        if name not in schema:
            return pl.lit(None, dtype=pl.Utf8)
        value = pl.col(name) if schema[name] == pl.Utf8 else pl.col(name).cast(pl.Utf8)
        return pl.when(value.str.len_bytes() == 0).then(None).otherwise(value)

    mapping = {spelling: _code(kind) for spelling, kind in _kind_map().items()}
    kind = pl.col("kind").cast(pl.Utf8).replace_strict(mapping, default=None, return_dtype=pl.UInt8)
    if schema["date"] == pl.Date or isinstance(schema["date"], pl.Datetime):
        date = pl.col("date").cast(pl.Date)
        date_bad = pl.col("date").is_null()
    else:
        date = text("date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        date_bad = date.is_null()
    months: pl.Expr = pl.lit(None, dtype=pl.Int64)
    months_bad: pl.Expr = pl.lit(False)
    if "months" in schema:
        dtype = schema["months"]
        raw = pl.col("months")
        if dtype.is_numeric():
            as_float = raw.cast(pl.Float64)
            months = (as_float * 10**DECIMAL_PLACES).round(0).cast(pl.Int64, strict=False)
            months_bad = raw.is_not_null() & (
                (as_float < 0)
                | ((months.cast(pl.Float64) / 10**DECIMAL_PLACES) != as_float)
                | months.is_null()
            )
        else:
            months_text = text("months").str.strip_chars()
            months = (months_text.str.to_decimal(scale=DECIMAL_PLACES) * 10**DECIMAL_PLACES).cast(
                pl.Int64, strict=False
            )
            months_bad = months_text.is_not_null() & (
                ~months_text.str.contains(r"^\d{1,9}(\.\d{0,6})?$") | months.is_null()
            )
    participants_bad: pl.Expr = pl.lit(False)
    if "participants" in schema:
        dtype = schema["participants"]
        raw = pl.col("participants")
        if dtype.is_integer():
            participants = raw.cast(pl.Int64)
        elif dtype.is_float():
            participants = pl.when(raw == raw.floor()).then(raw.cast(pl.Int64, strict=False))
        else:
            participants = text("participants").str.strip_chars().str.to_integer(strict=False)
        present = raw.is_not_null()
        if not (dtype.is_integer() or dtype.is_float()):
            present = present & (text("participants").str.strip_chars().str.len_bytes() > 0)
        participants_bad = present & (participants.is_null() | (participants < 0))
    code = pl.col("kind")

    def needed(name: str) -> pl.Expr:
        kinds = [_code(k) for k, needs in NEEDS.items() if name in needs]
        return code.is_in(kinds) & pl.col(name).is_null()

    typed = (
        log.lazy()
        .with_row_index("__row")
        .select(
            pl.col("__row"),
            text("community_id").alias("community_id"),
            date.alias("date"),
            kind.alias("kind"),
            text("subject").alias("subject"),
            text("group").alias("group"),
            text("teacher").alias("teacher"),
            months.alias("months"),
            date_bad.alias("__date"),
            months_bad.fill_null(True).alias("__months"),
            participants_bad.fill_null(True).alias("__participants"),
        )
    )
    flags = {
        "community_id": pl.col("community_id").is_null(),
        "date": pl.col("__date"),
        "kind": code.is_null(),
        "subject": needed("subject"),
        "group": needed("group"),
        "teacher": needed("teacher"),
        "months": pl.col("__months") | needed("months"),
        "participants": pl.col("__participants"),
    }
    return typed.with_columns(
        [flag.alias(f"__bad_{name}") for name, flag in flags.items()]
    ).with_columns(pl.any_horizontal(*[pl.col(f"__bad_{n}") for n in flags]).alias("__bad"))


def _log_rejections(
    log: pl.DataFrame, bad: pl.DataFrame, columns: Mapping[str, str]
) -> list[Rejection]:
    """A rejection for each bad log row (``bad``: ``__row`` and the ``__bad_<column>`` flags)."""
    out: list[Rejection] = []
    if not bad.height:
        return out
    names = [c.removeprefix("__bad_") for c in bad.columns if c.startswith("__bad_")]
    rows = bad.get_column("__row").to_list()
    raw = log[rows].to_dicts()
    for flag_row, raw_row in zip(bad.iter_rows(named=True), raw, strict=True):
        errors = []
        for name in names:
            if not flag_row[f"__bad_{name}"]:
                continue
            zh, en, _required = COLUMNS[name]
            value = raw_row.get(name)
            message = _log_message(name, zh, en, value, raw_row)
            letter = columns.get(name)
            if letter is not None:
                message = Text(
                    zh=f"{message.zh}（第 {letter} 列）", en=f"{message.en} (column {letter})"
                )
            errors.append(
                FieldError(
                    code=_log_code(name, value),
                    field=name,
                    column=letter,
                    value=value
                    if value is None or isinstance(value, bool | int | float | str)
                    else str(value),
                    message=message,
                )
            )
        rid = raw_row.get("community_id")
        out.append(
            Rejection(
                collection=LOG,
                index=int(flag_row["__row"]),
                id=str(rid).strip() if rid is not None and str(rid).strip() else None,
                errors=errors,
            )
        )
    return out


def _log_code(name: str, value: Any) -> str:
    """The error code of a log row's bad field (the kinds :func:`_log_message` explains)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "missing"
    return {"kind": "not_an_option", "date": "not_a_date", "months": "not_a_number"}.get(
        name, "not_an_integer"
    )


def _log_message(name: str, zh: str, en: str, value: Any, row: Mapping[str, Any]) -> Text:
    shown = repr(value) if isinstance(value, str) else str(value)
    named = field_phrase(None, name, label=zh)
    if value is None or (isinstance(value, str) and not value.strip()):
        kind = str(row.get("kind") or "").strip()
        if name in ("community_id", "date", "kind"):
            return Text(
                zh=f"{named}缺失（必填）",
                en=f"field {name} ({en}) is missing (required)",
            )
        return Text(
            zh=f"{named}缺失：活动类型 {kind} 须填写",
            en=f"field {name} ({en}) is missing: activities of kind {kind} need it",
        )
    if name == "kind":
        known = "、".join(KINDS)
        return Text(
            zh=f"{named}取值{value_phrase(value, between=True)}无效，可选：{known}",
            en=f"field kind (kind of activity) {shown} is not one of: {', '.join(v for v, _d in KINDS.values())}",
        )
    if name == "date":
        return Text(
            zh=f"{named}应为日期（如 2022-06-30），实际为{value_phrase(value)}",
            en=f"field date must be a date (e.g. 2022-06-30), got {shown}",
        )
    if name == "months":
        return Text(
            zh=f"{named}应为不小于 0 的数（至多 6 位小数），实际为{value_phrase(value)}",
            en=f"field months must be a number of at least 0 (at most 6 decimal places), got {shown}",
        )
    return Text(
        zh=f"{named}应为不小于 0 的整数，实际为{value_phrase(value)}",
        en=f"field {name} ({en}) must be a whole number of at least 0, got {shown}",
    )


def aggregate_log(
    log: Any,
    communities: Any,
    *,
    year: int | None = None,
) -> Aggregation:
    """Count an activity log into community-year records and join the community table.

    :param log: a table (Polars, Arrow, pandas) with the columns of :data:`COLUMNS`.
    :param communities: a table of :class:`~pairing_rules.CommunityYear` fields the log cannot
        give (``id``, ``type``, ``scope``, ``members``, ``core_teachers``, ``satisfaction`` …),
        one row per community; a field the log gives is taken from the log.
    :param year: the year to count (default: the only year in the log).
    :raises InputError: when a required column is missing or the log spans several years
        and ``year`` is not given.
    """
    require("polars")
    import polars as pl

    from ._errors import InputError
    from ._models import CommunityYear
    from .io._tabular import column_letter

    log_frame = to_polars(log, "log")
    table = to_polars(communities, "communities")
    letters = {name: column_letter(n) for n, name in enumerate(log_frame.columns)}
    typed = _typed_log(log_frame)
    # one pass: how many rows are bad, and which years the good ones are of
    overview = typed.select(
        pl.col("__bad").sum().alias("bad"),
        pl.col("date").filter(~pl.col("__bad")).dt.year().unique().implode().alias("years"),
    ).collect()
    rejected: list[Rejection] = []
    good = typed
    if overview.item(0, "bad"):
        flags = [c for c in typed.collect_schema() if c.startswith("__bad_")]
        bad_rows = typed.filter(pl.col("__bad")).select("__row", *flags).collect()
        rejected = _log_rejections(log_frame, bad_rows, letters)
        good = typed.filter(~pl.col("__bad"))
    notices: list[Notice] = []
    years = sorted(y for y in overview.item(0, "years") if y is not None)
    if year is None:
        if len(years) > 1:
            raise InputError(
                Text(
                    zh=f"活动日志包含多个年度（{'、'.join(map(str, years))}），请用 --year 指定一个",
                    en=f"the activity log spans several years ({', '.join(map(str, years))}); choose one with --year",
                )
            )
        year = years[0] if years else 0
    if any(y != year for y in years):
        other = good.select((pl.col("date").dt.year() != year).sum()).collect().item()
        notices.append(
            Notice(
                location=LOG,
                message=Text(
                    zh=f"{other} 行不属于 {year} 年度，未计入",
                    en=f"{other} rows are not of {year} and were not counted",
                ),
                error=False,
            )
        )
        good = good.filter(pl.col("date").dt.year() == year)
    derived = list(DERIVED)
    overlap = [c for c in table.columns if c in derived]
    if overlap:
        notices.append(
            Notice(
                location="communities",
                message=Text(
                    zh=f"以下列由活动日志统计，社区表中的值未读取：{'、'.join(overlap)}",
                    en=f"these columns are counted from the log; the community table's values were not read: {', '.join(overlap)}",
                ),
            )
        )
        table = table.drop(overlap)
    if "year" not in table.columns:
        table = table.with_columns(pl.lit(year, dtype=pl.Int64).alias("year"))
    counts = _counts(good)
    keys = table.select(pl.col("id").cast(pl.Utf8).str.strip_chars().alias("community_id"))
    unknown = counts.join(keys, on="community_id", how="anti").get_column("community_id")
    if unknown.len():
        # log rows of communities missing from the table: named, not counted
        strays = (
            good.filter(pl.col("community_id").is_in(unknown.implode()))
            .select("__row", "community_id")
            .collect()
        )
        for row in strays.iter_rows():
            rejected.append(
                Rejection(
                    collection=LOG,
                    index=int(row[0]),
                    id=row[1],
                    errors=[
                        FieldError(
                            code="unknown_community",
                            field="community_id",
                            column=letters.get("community_id"),
                            value=row[1],
                            message=Text(
                                zh=f"{field_phrase(None, 'community_id', label=COLUMNS['community_id'][0])}为 {row[1]}，不在教共体名单中（第 {letters.get('community_id')} 列）",
                                en=f"field community_id {row[1]} is not in the community table (column {letters.get('community_id')})",
                            ),
                        )
                    ],
                )
            )
    joined = (
        table.with_columns(pl.col("id").cast(pl.Utf8).str.strip_chars().alias("__key"))
        .join(counts, left_on="__key", right_on="community_id", how="left", maintain_order="left")
        .drop("__key")
    )
    zero_fill = [
        "sync_lessons",
        "sync_subjects",
        "offline_demo_lessons",
        "online_research",
        "offline_research",
        "shadow_teachers",
        "extension_courses",
        "student_exchanges",
        "teachers_sent",
    ]
    mentors = (
        pl.col("mentors").cast(pl.Int64, strict=False)
        if "mentors" in joined.columns
        else pl.lit(None)
    )
    joined = joined.with_columns(
        *[pl.col(name).fill_null(0) for name in zero_fill],
        pl.when(mentors.is_not_null() & (pl.col("__groups").fill_null(0) < mentors))
        .then(0)
        .otherwise(pl.col("min_mentoring_activities").fill_null(0))
        .alias("min_mentoring_activities"),
    ).drop("__groups")
    # the records as the table path reads them, and their rejections
    prepared = prepare(joined, CommunityYear, "communities")
    rejected.extend(prepared.rejected)
    notices.extend(prepared.notices)
    return Aggregation(
        frame=_output(prepared),
        year=year,
        rejected=sorted(rejected, key=lambda r: (r.collection, r.index)),
        notices=notices,
        log_rows=log_frame.height,
    )


def _output(prepared: Any) -> pl.DataFrame:
    """The valid community-year rows with their public types (decimals as decimals)."""
    import polars as pl

    from ._fields import field_kind
    from ._frames import ROW
    from ._models import CommunityYear

    decimals = [n for n in CommunityYear.model_fields if field_kind(CommunityYear, n) == "decimal"]
    clean = prepared.frame.filter(prepared.clean).with_columns(
        [
            (pl.col(n).cast(pl.Decimal(38, DECIMAL_PLACES)) / 10**DECIMAL_PLACES).alias(n)
            for n in decimals
        ]
    )
    parts = [clean]
    if prepared.records:
        rows = sorted(prepared.records)
        extra = records_frame([prepared.records[r] for r in rows], CommunityYear)
        parts.append(
            extra.with_columns(pl.Series(ROW, rows, dtype=pl.UInt32)).select(clean.columns)
        )
    frame: pl.DataFrame = pl.concat(parts, how="vertical_relaxed").sort(ROW).drop(ROW)
    return frame


def _counts(log: pl.LazyFrame) -> pl.DataFrame:
    """Per community: the activity fields counted from valid log rows of one year."""
    import polars as pl

    kind = pl.col("kind")

    def of(name: str) -> pl.Expr:
        return kind == _code(name)

    lazy = log.select("community_id", "kind", "subject", "group", "teacher", "months")
    main = lazy.group_by("community_id").agg(
        of("同步课堂").sum().cast(pl.Int64).alias("sync_lessons"),
        pl.col("subject").filter(of("同步课堂")).n_unique().cast(pl.Int64).alias("sync_subjects"),
        of("线下示范课").sum().cast(pl.Int64).alias("offline_demo_lessons"),
        of("网络研修").sum().cast(pl.Int64).alias("online_research"),
        of("线下教研").sum().cast(pl.Int64).alias("offline_research"),
        pl.col("teacher").filter(of("跟岗")).n_unique().cast(pl.Int64).alias("shadow_teachers"),
        pl.col("subject")
        .filter(of("拓展课程"))
        .n_unique()
        .cast(pl.Int64)
        .alias("extension_courses"),
        of("学生交流").sum().cast(pl.Int64).alias("student_exchanges"),
        pl.col("teacher").filter(of("派出任教")).n_unique().cast(pl.Int64).alias("teachers_sent"),
    )
    mentoring = (
        lazy.filter(of("师徒指导"))
        .group_by("community_id", "group")
        .agg(pl.len().alias("n"))
        .group_by("community_id")
        .agg(
            pl.col("n").min().cast(pl.Int64).alias("min_mentoring_activities"),
            pl.len().cast(pl.Int64).alias("__groups"),
        )
    )
    shadow = (
        lazy.filter(of("跟岗"))
        .group_by("community_id", "teacher")
        .agg(pl.col("months").sum().alias("m"))
        .group_by("community_id")
        .agg(pl.col("m").min().alias("__months"))
    )
    out = (
        main.join(mentoring, on="community_id", how="left")
        .join(shadow, on="community_id", how="left")
        .with_columns(
            (pl.col("__months").cast(pl.Decimal(38, DECIMAL_PLACES)) / 10**DECIMAL_PLACES).alias(
                "shadow_months"
            )
        )
        .drop("__months")
        .collect()
    )
    return out


def aggregation_frame(records: Any) -> pl.DataFrame:
    """Records as a table (for writing an aggregation back out)."""
    from ._models import CommunityYear

    return records_frame(records, CommunityYear)
