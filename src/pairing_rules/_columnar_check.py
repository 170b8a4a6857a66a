"""The table path for requirements: check a whole table at once.

:class:`TableChecker` binds a pack's record requirements on one collection into
plans (as :func:`pairing_rules.check` does), compiles them
(:mod:`pairing_rules._compile_polars`) and applies them to a table: one output
row per input row, a status per requirement.  Rows the columns cannot hold
exactly are evaluated by the interpreter.  No rule is written here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ._columnar import as_library, error_rows, like_input, pack_of, restore_pack
from ._compile_polars import compile_requirement_status
from ._compile_values import ExprCompiler
from ._dataset import Notice, Rejection
from ._errors import UnknownNameError
from ._frames import ENGINE, ROW, key_expression, prepare, require, to_polars
from ._i18n import Text
from ._interpretations import InterpretationUse
from ._lazy import LazyModule
from ._pack import Pack
from ._period import Period

if TYPE_CHECKING:
    import polars as pl
else:  # resolved by typing.get_type_hints, never imported before it is used
    pl = LazyModule("polars")


@dataclass
class TableChecks:
    """A table checked at once: one output row per input row.

    :param frame: ``row``, ``id``, one status column per requirement (``met``,
        ``unmet``, ``not_applicable``, ``needs_evidence``), ``passed`` and
        ``period_status`` (``within``, ``outside`` when checked on request, ``no_year``);
        a rejected row has ``error`` and ``error_en`` and no statuses.
    :param period: the pack's period.
    """

    pack: str
    pack_hash: str
    frame: pl.DataFrame
    rejected: list[Rejection]
    notices: list[Notice]
    interpretations: list[InterpretationUse]
    period: Period

    def to_arrow(self) -> Any:
        """The results as an Arrow table."""
        return self.frame.to_arrow()


class TableChecker:
    """A pack's record requirements on one collection compiled for tables.

    Group requirements, progress, milestones and a pack's own checks need the
    whole data set: :func:`pairing_rules.check` runs them.  Rows whose year is
    outside the pack's period are rejected unless ``outside_period``.
    """

    def __init__(
        self,
        pack: Pack | str,
        *,
        collection: str | None = None,
        interpretations: Mapping[str, str] | None = None,
        outside_period: bool = False,
    ) -> None:
        from ._conditions import gate_open
        from ._fields import record_spec
        from ._interpret import requirement_of
        from ._interpret_values import period_of

        require("polars")
        self.pack = pack_of(pack)
        if collection is not None and collection not in self.pack.record_types:
            known = self.pack.collections()
            raise UnknownNameError(
                "unknown_collection",
                Text(
                    zh=f"规则包 {self.pack.id} 没有数据集合 {collection!r}；可选：{'、'.join(known)}",
                    en=f"pack {self.pack.id} has no collection {collection!r}; it has: "
                    f"{', '.join(known)}",
                ),
                argument="collection",
                name=collection,
            )
        self.overrides = dict(interpretations or {})
        self.outside_period = outside_period
        choices = self.pack.choices(self.overrides)
        requirements = self.pack.definition.requirements
        names = [r.collection for r in requirements]
        self.collection = collection or (names[0] if names else self.pack.collections()[0])
        self.model = self.pack.record_types[self.collection]
        spec = record_spec(self.model)
        #: the requirements of the collection, bound to the choices
        self.plans = [
            r.bind(choices, spec)
            for r in requirements
            if r.collection == self.collection and gate_open(r.when, choices)
        ]
        self._runners = [(p.id, requirement_of(p)) for p in self.plans]
        ids: set[str] = set()
        for r in requirements:
            if r.collection == self.collection:
                ids |= r.interpretation_ids()
        self.interpretations = choices.uses(ids)
        self.statuses = [(p.id, compile_requirement_status(p)) for p in self.plans]
        #: the pack's period for the rows: the interpreter's test and the compiled column
        self.period = self.pack.period.bind(spec)
        self._in_period = period_of(self.period)
        self._period = ExprCompiler(spec).period(self.period)

    def __reduce__(self) -> tuple[Any, ...]:
        file = str(self.pack.file) if self.pack.file is not None else None
        args = (self.pack.ref, file, self.collection, self.overrides, self.outside_period)
        return (_restore_checker, args)

    def output_schema(self) -> dict[str, Any]:
        """The columns of the result and their Polars types."""
        import polars as pl

        schema: dict[str, Any] = {"row": pl.UInt32, "id": pl.Utf8}
        for rid, _e in self.statuses:
            schema[rid] = pl.Utf8
        schema.update(passed=pl.Boolean, period_status=pl.Utf8, error=pl.Utf8, error_en=pl.Utf8)
        return schema

    def check(self, table: Any, *, location: str | None = None) -> TableChecks:
        """Evaluate every requirement on every row of ``table``."""
        import polars as pl

        source = to_polars(table)
        prepared = prepare(source, self.model, self.collection, location=location)
        clean = prepared.frame.filter(prepared.clean)
        status_cols = [e.alias(rid) for rid, e in self.statuses]
        bad = [pl.col(rid).is_in(["unmet", "needs_evidence"]) for rid, _e in self.statuses]
        frame = (
            clean.lazy()
            .select(
                pl.col(ROW).alias("row"),
                key_expression(self.model).alias("id"),
                *status_cols,
                self._period.alias("period_status"),
            )
            .with_columns(
                (~pl.any_horizontal(*bad) if bad else pl.lit(True)).alias("passed"),
                pl.lit(None, dtype=pl.Utf8).alias("error"),
                pl.lit(None, dtype=pl.Utf8).alias("error_en"),
            )
            .collect(engine=ENGINE)
        )
        schema = self.output_schema()
        rejected = list(prepared.rejected)
        if not self.outside_period:
            # rows of a year outside the period are rejected, as check rejects them
            outside = frame.filter(pl.col("period_status") == "outside")
            for row, key in zip(outside.get_column("row"), outside.get_column("id"), strict=True):
                year = prepared.frame.row(row, named=True).get(self.period.field or "")
                rejected.append(self._outside(row, SimpleNamespace(id=key, year=year)))
            frame = frame.filter(pl.col("period_status") != "outside")
        parts = [frame]
        if prepared.records:
            rows = []
            for row, record in sorted(prepared.records.items()):
                status = self._in_period(record)
                if status == "outside" and not self.outside_period:
                    rejected.append(self._outside(row, record))
                    continue
                out: dict[str, Any] = {"row": row, "id": record.key, "period_status": status}
                worst = False
                for rid, run in self._runners:
                    outcome = run(record)[0]
                    out[rid] = outcome
                    worst = worst or outcome in ("unmet", "needs_evidence")
                out["passed"] = not worst
                rows.append(out)
            if rows:
                frame_rows = [{k: r.get(k) for k in schema} for r in rows]
                parts.append(pl.DataFrame(frame_rows, schema=schema))
        errors = error_rows(rejected, schema, prepared)
        if errors is not None:
            parts.append(errors)
        result = pl.concat([p.select(list(schema)) for p in parts], how="vertical").cast(schema)  # type: ignore[arg-type]
        if len(parts) > 1:
            result = result.sort("row")
        return TableChecks(
            pack=self.pack.ref,
            pack_hash=self.pack.content_hash,
            frame=result,
            rejected=sorted(rejected, key=lambda r: r.index),
            notices=prepared.notices,
            interpretations=self.interpretations,
            period=self.pack.period,
        )

    def _outside(self, row: int, record: Any) -> Rejection:
        from ._period import outside_period_rejection

        ref = self.pack.ref
        return outside_period_rejection(
            ref, self.period, self.collection, row, record, model=self.model
        )

    def __call__(self, table: Any) -> Any:
        """Check ``table``; the result is a table of the same library."""
        return like_input(table, self.check(table).frame)

    def empty(self, like: str = "pandas") -> Any:
        """An empty result (``pandas``, ``arrow`` or ``polars``): the ``meta`` for Dask."""
        import polars as pl

        return as_library(pl.DataFrame(schema=self.output_schema()), like)


def _restore_checker(
    ref: str,
    file: str | None,
    collection: str | None,
    overrides: dict[str, str],
    outside: bool,
) -> TableChecker:
    return TableChecker(
        restore_pack(ref, file),
        collection=collection,
        interpretations=overrides,
        outside_period=outside,
    )


def check_table(
    pack: Pack | str,
    table: Any,
    *,
    collection: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> TableChecks:
    """Evaluate a pack's record requirements on a whole table at once.

    The statuses are those of :func:`pairing_rules.check`'s per-record findings
    (group requirements, progress and milestones need :func:`pairing_rules.check`).

    :param collection: the collection the table holds (default: the first one a requirement reads).
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param outside_period: also check rows whose year is outside the pack's period.
    """
    checker = TableChecker(
        pack,
        collection=collection,
        interpretations=interpretations,
        outside_period=outside_period,
    )
    return checker.check(table)
