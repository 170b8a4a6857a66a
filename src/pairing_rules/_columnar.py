"""The table path: score a whole table at once (checks: :mod:`pairing_rules._columnar_check`).

:class:`TableScorer` binds a pack's rubrics once into plans (as
:class:`~pairing_rules.Scorer` does), compiles the plans
(:mod:`pairing_rules._compile_polars`) and applies them to tables: a table in,
a table of the same library out (Polars, Arrow or pandas), one output row per
input row, so they run unchanged in ``dask.dataframe.map_partitions`` and
Spark's ``mapInArrow``.  Rows the columns cannot hold exactly are evaluated by
the interpreter; explanations are computed on request, record by record.
No rule is written here: only which plan applies to which rows.
"""

from __future__ import annotations

import functools
import operator
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Final

from ._compile_polars import (
    compile_rubric_columns,
    decimal_column,
)
from ._compile_values import ExprCompiler
from ._dataset import Notice, Rejection
from ._errors import ArgumentTypeError, NothingToRunError, UnknownNameError
from ._fields import record_spec
from ._frames import (
    ENGINE,
    ROW,
    Prepared,
    key_expression,
    prepare,
    require,
    to_polars,
)
from ._i18n import Text
from ._interpretations import InterpretationUse
from ._lazy import LazyModule
from ._pack import Pack
from ._period import Period
from ._results import ScoreSheet
from ._scoring import Scorer

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")


def pack_of(pack: Pack | str) -> Pack:
    if isinstance(pack, str):
        from ._registry import get_pack

        return get_pack(pack)
    return pack


def restore_pack(ref: str, file: str | None) -> Pack:
    from ._registry import get_pack

    if file is not None:
        from ._pack import load_pack

        return load_pack(file)
    return get_pack(ref)


@dataclass
class TableScores:
    """A table scored at once: one output row per input row, and the rejected rows.

    :param frame: ``row`` (the input row, from 0), ``id``, ``rubric``, one column
        per item (``<rubric>.<item>``, null where another rubric applied), ``total``,
        ``max``, ``grade_basis``, ``grade_id``, ``grade``, ``grade_en`` and
        ``period_status`` (the row's year against the pack's period: ``within``,
        ``outside`` when scored on request, ``no_year``); a rejected row has ``error``
        and ``error_en`` and no points.
    :param period: the pack's period.
    """

    pack: str
    pack_hash: str
    frame: pl.DataFrame
    rejected: list[Rejection]
    notices: list[Notice]
    interpretations: list[InterpretationUse]
    period: Period
    _source: pl.DataFrame = field(repr=False)
    _scorer: Scorer = field(repr=False)

    def explain(self, row: int) -> ScoreSheet | None:
        """The full explanation of input row ``row`` (``None`` when it was rejected).

        Explanations are computed on request, one record at a time, by the
        per-record path: the bulk path never pays for them.

        :param row: the row of the input table, from 0 (as a rejection's ``index``).
        :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_row``) for a row the
            input table does not have (negative, or not below its height).
        :raises ArgumentTypeError: when ``row`` is not a whole number.
        """
        row = _input_row(row, self._source.height)
        if any(r.index == row for r in self.rejected):
            return None
        raw = self._source.row(row, named=True)
        model = self._scorer.pack.record_types[self._scorer.collections[0]]
        # a null cell is a field left out (its default), as in the per-record path
        record = model.model_validate(
            {k: v for k, v in raw.items() if k in model.model_fields and v is not None}
        )
        return self._scorer.score_record(record)

    def to_arrow(self) -> Any:
        """The results as an Arrow table."""
        return self.frame.to_arrow()


def _input_row(row: Any, height: int) -> int:
    """``row`` as a row of a table of ``height`` rows: not counted from the end, not past it."""
    try:  # an int, or a NumPy integer; not a bool, a float or a text
        if isinstance(row, bool):
            raise TypeError
        index = operator.index(row)
    except TypeError:
        raise ArgumentTypeError(
            "row", Text(zh="整数（行号，从 0 起）", en="a whole number"), row
        ) from None
    if 0 <= index < height:
        return index
    rows = (
        (f"本表共 {height} 行（0 至 {height - 1}）", f"it has {height} (0 to {height - 1})")
        if height
        else ("本表没有任何行", "it has none")
    )
    raise UnknownNameError(
        "unknown_row",
        Text(
            zh=f"输入表中没有第 {index} 行：行号从 0 起，{rows[0]}",
            en=f"no row {index} in the input table: rows count from 0, and {rows[1]}",
        ),
        argument="row",
        name=index,
    )


class TableScorer:
    """A pack's rubrics compiled for tables: call it on a table, get the scores as a table.

    :param pack: a pack or the id of an installed pack.
    :param rubric: score every row on this rubric instead of choosing by ``applies_to``.
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param outside_period: also score rows whose year is outside the pack's period (by
        default they are rejected, as :func:`pairing_rules.score` rejects them).

    ``scorer(table)`` returns a table of the same library (Polars, Arrow table or
    batch, pandas): the function for ``map_partitions`` and ``mapInArrow``.
    :meth:`score` returns :class:`TableScores` with the rejections as objects.
    """

    def __init__(
        self,
        pack: Pack | str,
        *,
        rubric: str | None = None,
        interpretations: Mapping[str, str] | None = None,
        outside_period: bool = False,
    ) -> None:
        from ._scoring import Scorer

        require("polars")

        self.pack = pack_of(pack)
        if not self.pack.definition.rubrics:  # as score() refuses it
            raise NothingToRunError(self.pack.id, "rubric")
        self.rubric = rubric
        self.overrides = dict(interpretations or {})
        self.outside_period = outside_period
        self.scorer = Scorer(
            self.pack,
            rubric=rubric,
            interpretations=self.overrides,
            outside_period=outside_period,
        )
        self.collection = self.scorer.collections[0]
        self.model = self.pack.record_types[self.collection]
        #: the pack's period for the rows, and the row's year against it as a column
        self.period = self.scorer.period_plan(self.collection)
        self._period = ExprCompiler(record_spec(self.model)).period(self.period)
        self.compiled = [
            (plan, compile_rubric_columns(plan, f"__r{n}"))
            for n, plan in enumerate(self.scorer.plans)
        ]
        self.places = max(cols.places for _p, cols in self.compiled)
        self._select = self._selector()

    def __reduce__(self) -> tuple[Any, ...]:
        file = str(self.pack.file) if self.pack.file is not None else None
        return (
            _restore_scorer,
            (self.pack.ref, file, self.rubric, self.overrides, self.outside_period),
        )

    def _selector(self) -> pl.Expr:
        import polars as pl

        selector: pl.Expr = pl.lit(None, dtype=pl.Int32)
        for index in reversed(range(len(self.compiled))):
            plan = self.compiled[index][0]
            test = None if self.scorer.forced else ExprCompiler(plan.spec).filter(plan.applies)
            if test is None:
                selector = pl.lit(index, dtype=pl.Int32)
            else:
                selector = pl.when(test).then(pl.lit(index, dtype=pl.Int32)).otherwise(selector)
        return selector

    def output_schema(self) -> dict[str, Any]:
        """The columns of the result and their Polars types."""
        import polars as pl

        schema: dict[str, Any] = {"row": pl.UInt32, "id": pl.Utf8, "rubric": pl.Utf8}
        for plan, cols in self.compiled:
            for item_id, _e in cols.items:
                schema[f"{plan.id}.{item_id}"] = pl.Decimal(38, cols.places)
        decimal = pl.Decimal(38, self.places)
        schema.update(
            total=decimal,
            max=decimal,
            grade_basis=decimal,
            grade_id=pl.Utf8,
            grade=pl.Utf8,
            grade_en=pl.Utf8,
            period_status=pl.Utf8,
            error=pl.Utf8,
            error_en=pl.Utf8,
        )
        return schema

    def score(self, table: Any, *, location: str | None = None) -> TableScores:
        """Score every row of ``table`` (see :class:`TableScores`)."""
        require("polars")
        import polars as pl

        source = to_polars(table)
        prepared = prepare(source, self.model, self.collection, location=location)
        frame, rejected = self._frame(prepared, pl)
        return TableScores(
            pack=self.pack.ref,
            pack_hash=self.pack.content_hash,
            frame=frame,
            rejected=rejected,
            notices=prepared.notices,
            interpretations=self.scorer.interpretations,
            period=self.scorer.period,
            _source=source,
            _scorer=self.scorer,
        )

    def __call__(self, table: Any) -> Any:
        """Score ``table``; the result is a table of the same library (rejections as ``error`` rows)."""
        result = self.score(table).frame
        return like_input(table, result)

    def empty(self, like: str = "pandas") -> Any:
        """An empty result (``pandas``, ``arrow`` or ``polars``): the ``meta`` for Dask."""
        import polars as pl

        frame = pl.DataFrame(schema=self.output_schema())
        return as_library(frame, like)

    @functools.cached_property
    def _outputs(self) -> tuple[list[list[pl.Expr]], list[pl.Expr]]:
        """The stages that compute the rubrics' values over the typed columns, and the output
        columns over them: made once, for every table this scorer reads."""
        import polars as pl

        stages = [[self._select.alias("__rubric"), self._period.alias("__period")]]
        for _p, cols in self.compiled:
            stages += [stage for stage in cols.stages if stage]
        columns: list[pl.Expr] = [pl.col(ROW).alias("row"), key_expression(self.model).alias("id")]
        rubric_ids = [p.id for p, _c in self.compiled]
        columns.append(
            pl.col("__rubric")
            .replace_strict(dict(enumerate(rubric_ids)), default=None, return_dtype=pl.Utf8)
            .alias("rubric")
        )
        total_parts, reach_parts, basis_parts, grade_parts = [], [], [], []
        # every grade of every rubric numbered once: one lookup per label column
        grade_ids: dict[int, str] = {}
        grade_zh: dict[int, str] = {}
        grade_en: dict[int, str] = {}
        offset = 0
        for index, (plan, cols) in enumerate(self.compiled):
            mine = pl.col("__rubric") == index
            shift = 10 ** (self.places - cols.places)
            for (item_id, expr), domain in zip(cols.items, cols.domains, strict=True):
                points = decimal_column(expr, cols.places, domain)
                columns.append(pl.when(mine).then(points).alias(f"{plan.id}.{item_id}"))
            total_parts.append(pl.when(mine).then(cols.total * shift))
            reach_parts.append(pl.when(mine).then(cols.reach * shift))
            basis_parts.append(pl.when(mine).then(cols.basis * shift))
            grade_parts.append(pl.when(mine).then(cols.grade + offset))
            for n, g in enumerate(plan.grades):
                grade_ids[offset + n] = g.id
                grade_zh[offset + n] = g.label.zh
                grade_en[offset + n] = g.label.en
            offset += len(plan.grades)
        grade = pl.coalesce(grade_parts)
        columns += [
            decimal_column(pl.coalesce(total_parts), self.places).alias("total"),
            decimal_column(pl.coalesce(reach_parts), self.places).alias("max"),
            decimal_column(pl.coalesce(basis_parts), self.places).alias("grade_basis"),
            grade.replace_strict(grade_ids, default=None, return_dtype=pl.Utf8).alias("grade_id"),
            grade.replace_strict(grade_zh, default=None, return_dtype=pl.Utf8).alias("grade"),
            grade.replace_strict(grade_en, default=None, return_dtype=pl.Utf8).alias("grade_en"),
            pl.col("__period").alias("period_status"),
            pl.lit(None, dtype=pl.Utf8).alias("error"),
            pl.lit(None, dtype=pl.Utf8).alias("error_en"),
        ]
        return stages, columns

    def _frame(self, prepared: Prepared, pl: Any) -> tuple[pl.DataFrame, list[Rejection]]:
        stages, columns = self._outputs
        selected = prepared.frame.lazy().filter(prepared.clean)
        for stage in stages:
            selected = selected.with_columns(stage)
        scored = selected.select(columns).collect(engine=ENGINE)
        rejected = list(prepared.rejected)
        # rows of a year outside the period are rejected first, as the per-record path does
        if not self.outside_period:
            outside = scored.filter(pl.col("period_status") == "outside")
            if outside.height:
                rejected += self._outside(prepared, outside)
                scored = scored.filter(pl.col("period_status") != "outside")
        # rows no rubric applies to are rejected, as the per-record path does
        unselected = scored.filter(pl.col("rubric").is_null())
        if unselected.height:
            rejected += self._no_rubric(prepared, unselected.get_column("row").to_list())
            scored = scored.filter(pl.col("rubric").is_not_null())
        extra = self._fallback(prepared, rejected)
        parts = [scored, *([extra] if extra is not None else [])]
        errors = error_rows(rejected, self.output_schema(), prepared)
        if errors is not None:
            parts.append(errors)
        frame = pl.concat([p.select(list(self.output_schema())) for p in parts], how="vertical")
        if len(parts) > 1:
            frame = frame.sort("row")
        rejected.sort(key=lambda r: r.index)
        return frame.cast(self.output_schema()), rejected

    def _outside(self, prepared: Prepared, rows: pl.DataFrame) -> list[Rejection]:
        """The rejections of the rows whose year is outside the pack's period."""
        from types import SimpleNamespace

        from ._period import outside_period_rejection

        out = []
        field = self.period.field or ""
        for row, key in zip(rows.get_column("row"), rows.get_column("id"), strict=True):
            year = prepared.frame.row(row, named=True).get(field)
            record = SimpleNamespace(id=key, **{field: year})
            ref = self.pack.ref
            out.append(
                outside_period_rejection(
                    ref, self.period, self.collection, row, record, model=self.model
                )
            )
        return out

    def _no_rubric(self, prepared: Prepared, rows: Sequence[int]) -> list[Rejection]:
        """The rejections of rows no rubric applies to: one message per scope, copied per row."""
        import polars as pl

        from ._enums import Scope
        from ._scoring import no_rubric

        scope = pl.col("scope") if "scope" in self.model.model_fields else pl.lit(None)
        picked = prepared.frame.filter(pl.col(ROW).is_in(list(rows))).select(
            pl.col(ROW), key_expression(self.model).alias("id"), scope.alias("scope")
        )
        by_scope: dict[Any, Rejection] = {}
        out = []
        for row, rid, value in picked.iter_rows():
            template = by_scope.get(value)
            if template is None:
                record = SimpleNamespace(id=None, scope=Scope(value) if value else None)
                template = by_scope[value] = no_rubric(self.pack, self.collection, 0, record)
            out.append(template.model_copy(update={"index": row, "id": rid or None}))
        return out

    def _fallback(self, prepared: Prepared, rejected: list[Rejection]) -> pl.DataFrame | None:
        """Rows valid for the record model but outside the columns: run by the interpreter."""
        import polars as pl

        from ._scoring import no_rubric

        if not prepared.records:
            return None
        from ._period import PeriodUse

        rows: list[dict[str, Any]] = []
        for row, record in sorted(prepared.records.items()):
            if self.scorer.rejects(self.collection, record):
                rejected.append(self.scorer.rejection(self.collection, row, record, None))
                continue
            explained = self.scorer.explain(record)
            if explained is None:
                rejected.append(no_rubric(self.pack, self.collection, row, record))
                continue
            plan, outcome = explained.plan, explained.outcome
            grade = plan.grades[outcome.grade]
            out: dict[str, Any] = {"row": row, "id": record.key, "rubric": plan.id}
            for item_plan, points in zip(plan.items, outcome.items, strict=True):
                out[f"{plan.id}.{item_plan.id}"] = points
            out.update(
                total=outcome.total,
                max=outcome.reach,
                grade_basis=outcome.basis,
                grade_id=grade.id,
                grade=grade.label.zh,
                grade_en=grade.label.en,
                period_status=PeriodUse.of(self.period, record).status,
            )
            rows.append(out)
        if not rows:
            return None
        schema = self.output_schema()
        return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema)


def _restore_scorer(
    ref: str, file: str | None, rubric: str | None, overrides: dict[str, str], outside: bool
) -> TableScorer:
    return TableScorer(
        restore_pack(ref, file), rubric=rubric, interpretations=overrides, outside_period=outside
    )


def error_rows(
    rejected: Sequence[Rejection], schema: Mapping[str, Any], prepared: Prepared
) -> pl.DataFrame | None:
    import polars as pl

    if not rejected:
        return None
    rows = [
        {
            "row": r.index,
            "id": r.id,
            "error": r.reason.zh,
            "error_en": r.reason.en,
        }
        for r in rejected
    ]
    frame = pl.DataFrame(
        rows, schema={"row": pl.UInt32, "id": pl.Utf8, "error": pl.Utf8, "error_en": pl.Utf8}
    )
    return frame.with_columns(
        [
            pl.lit(None, dtype=dtype).alias(name)
            for name, dtype in schema.items()
            if name not in frame.columns
        ]
    )


def as_library(frame: pl.DataFrame, like: str) -> Any:
    if like == "polars":
        return frame
    if like == "arrow":
        return frame.to_arrow()
    return frame.to_pandas(use_pyarrow_extension_array=True)


def like_input(table: Any, frame: pl.DataFrame) -> Any:
    """``frame`` in the library of ``table``."""
    module = type(table).__module__.split(".")[0]
    if module == "pandas":
        out = frame.to_pandas(use_pyarrow_extension_array=True)
        return out
    if module == "pyarrow":
        arrow = frame.to_arrow()
        if type(table).__name__ == "RecordBatch":
            return (
                arrow.to_batches()[0] if arrow.num_rows else arrow.schema.empty_table().to_batches()
            )
        return arrow
    if type(table).__name__ == "LazyFrame":
        return frame.lazy()
    return frame


def score_table(
    pack: Pack | str,
    table: Any,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> TableScores:
    """Score a whole table at once (an Arrow table, a Polars or pandas DataFrame).

    The numbers are those of :func:`pairing_rules.score` on the same records;
    explanations are available per row with :meth:`TableScores.explain`.

    :param pack: a pack or the id of an installed pack.
    :param table: one row per record, one column per field (``CommunityYear``'s for communities).
    :param rubric: score every row on this rubric instead of choosing by ``applies_to``.
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param outside_period: also score rows whose year is outside the pack's period.
    """
    return _table_scorer(pack_of(pack), rubric, interpretations, outside_period).score(table)


#: the table scorers made lately: a pack's rubrics are compiled once for the same choices
_SCORERS: OrderedDict[tuple[Any, ...], TableScorer] = OrderedDict()
_SCORERS_KEPT: Final = 16


def _table_scorer(
    pack: Pack,
    rubric: str | None,
    interpretations: Mapping[str, str] | None,
    outside_period: bool,
) -> TableScorer:
    """A :class:`TableScorer` for these choices, compiled once and kept (it holds no state
    between tables); the pack's content and extensions (its provenance) are in the key."""
    overrides = tuple(sorted((interpretations or {}).items()))
    key = (id(pack), pack.ref, pack.provenance, rubric, overrides, outside_period)
    scorer = _SCORERS.get(key)
    if scorer is None or scorer.pack is not pack:
        scorer = TableScorer(
            pack, rubric=rubric, interpretations=interpretations, outside_period=outside_period
        )
        _SCORERS[key] = scorer
        while len(_SCORERS) > _SCORERS_KEPT:
            _SCORERS.popitem(last=False)
    else:
        _SCORERS.move_to_end(key)
    return scorer
