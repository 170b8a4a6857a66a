"""Quotas: published tables, formula quotas and the audit between them.

A :class:`QuotaTable` holds a table as printed (region → number, ``None``
where the table prints "/" or nothing), its printed subtotals and total, and
optionally the formula the document says produced it.  The formula is
computed in exact decimals with a named rounding rule (an interpretation when
the document does not say), and :func:`audit_table` reports every row where
formula and table differ and every printed sum the rows do not reproduce.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._expr import Expression
from ._i18n import Text
from ._interpretations import Choices
from ._numbers import Rounding, json_number, round_to
from ._provenance import Source
from ._rules import Cited, Provision, jsonable

IDENT = r"^[a-z][a-z0-9_]*$"


class QuotaRow(BaseModel):
    """One row of a quota table.

    :param region: the row's name as printed (e.g. ``杭州湾新区代管``).
    :param parent: the group it belongs to (e.g. its city), ``None`` for a flat table.
    :param published: the number printed, ``None`` where the table shows no task.
    :param printed: the cell as printed when it is not a number (``/``).
    :param inputs: other printed columns the formula reads (school counts …).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str = Field(min_length=1)
    parent: str | None = None
    published: int | None = None
    printed: str | None = None
    inputs: dict[str, Decimal] = Field(default_factory=dict)
    source: Source | None = None


class PrintedSum(BaseModel):
    """A subtotal or total as the document prints it.

    :param parent: the group it sums (``None``: the whole table).
    :param column: ``published`` or an input column.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    parent: str | None = None
    column: str = "published"
    value: Decimal
    source: Source


class QuotaFormula(BaseModel):
    """The formula a document gives for a table's numbers.

    :param expr: an expression over the row's ``inputs``.
    :param rounding: the rule when the document states it.
    :param rounding_interpretation: the interpretation choosing the rule otherwise
        (its values are :class:`~pairing_rules.Rounding` names).
    :param no_task_below: a computed value below this is "no task" (``None``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Text
    expr: Expression
    rounding: Rounding | None = None
    rounding_interpretation: str | None = None
    no_task_below: Decimal = Decimal(1)
    source: Source

    @model_validator(mode="after")
    def _one_rule(self) -> QuotaFormula:
        if (self.rounding is None) == (self.rounding_interpretation is None):
            raise ValueError("a formula has either `rounding` or `rounding_interpretation`")
        return self

    def rule(self, choices: Choices) -> Rounding:
        if self.rounding is not None:
            return self.rounding
        return Rounding(choices[self.rounding_interpretation or ""])

    def compute(self, row: QuotaRow, choices: Choices) -> tuple[Decimal | None, int | None]:
        """The exact value and the rounded quota of ``row`` (``None`` = no task)."""
        from ._interpret_values import evaluate
        from ._numbers import to_display

        expr = self.expr
        missing = expr.fields() - set(row.inputs)
        if missing:
            return None, None
        names: dict[str, Any] = {name: row.inputs[name] for name in expr.fields()}
        value = evaluate(expr, SimpleNamespace(**names))
        exact = None if value is None else to_display(value)
        if exact is None:
            return None, None
        rounded = round_to(exact, self.rule(choices))
        if rounded < self.no_task_below:
            return Decimal(exact), None
        return Decimal(exact), int(rounded)


class QuotaTable(Cited, BaseModel):
    """A published quota table with its printed sums and, optionally, its formula.

    Rows come inline or from ``rows_file`` (CSV beside the pack file, columns
    ``region, parent, published, printed`` and any input columns).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    unit: Text = Text(zh="所", en="schools")
    region_label: Text = Text(zh="地区", en="region")
    parent_label: Text | None = None
    #: what the table's columns are called (``published``: the numbers the table publishes)
    column_labels: dict[str, Text] = Field(default_factory=dict)
    region_key: str = Field(default="region", pattern=r"^[a-z][a-z0-9_]*$")
    parent_key: str = Field(default="parent", pattern=r"^[a-z][a-z0-9_]*$")
    source: Source
    rows: list[QuotaRow] = Field(default_factory=list)
    rows_file: str | None = None
    sums: list[PrintedSum] = Field(default_factory=list)
    formula: QuotaFormula | None = None
    when: dict[str, str | list[str]] | None = None

    def load_rows(self, base: Path) -> QuotaTable:
        """A copy with ``rows_file`` read into ``rows``."""
        if self.rows_file is None:
            return self
        rows = [*self.rows, *read_quota_csv(base / self.rows_file)]
        return self.model_copy(update={"rows": rows, "rows_file": None})

    def interpretation_ids(self) -> set[str]:
        out = set(self.when or {})
        if self.formula and self.formula.rounding_interpretation:
            out.add(self.formula.rounding_interpretation)
        return out

    def value(self, region: str) -> int | None:
        """The published value of the row named ``region`` (``None`` if absent or "/")."""
        for row in self.rows:
            if row.region == region:
                return row.published
        return None

    def total(self) -> int:
        """The sum of the published rows."""
        return sum(r.published or 0 for r in self.rows)

    def targets(self) -> dict[str, Decimal | None]:
        """The published value of each row, by region (``None`` where the table shows no task)."""
        out: dict[str, Decimal | None] = {}
        for row in self.rows:
            out.setdefault(
                row.region, Decimal(row.published) if row.published is not None else None
            )
        return out

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source
        for n, printed in enumerate(self.sums, start=1):
            yield f"{owner}.sum{n}", printed.source
        if self.formula is not None:
            yield f"{owner}.formula", self.formula.source
        for row in self.rows:
            if row.source is not None:
                yield f"{owner}.{row.region}", row.source

    def column_label(self, column: str) -> Text:
        """What column ``column`` is called (``published``: 公布数; else its declared label)."""
        if column in self.column_labels:
            return self.column_labels[column]
        if column == "published":
            return Text(zh="公布数", en="published")
        return Text(zh=column, en=column)

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="quota_table",
            label=self.label,
            value={
                "rows": [
                    {"region": r.region, "parent": r.parent, "published": r.published}
                    for r in self.rows
                ],
                "total": self.total(),
            },
            source=self.source,
        )
        for n, printed in enumerate(self.sums, start=1):
            column = self.column_label(printed.column)
            yield Provision(
                id=f"{owner}.sum{n}",
                kind="quota_sum",
                label=Text(
                    zh=f"{self.label.zh} {printed.parent or '合计'}（{column.zh}）",
                    en=f"{self.label.en}: {printed.parent or 'total'} ({column.en})",
                ),
                value=jsonable(printed.value),
                source=printed.source,
            )
        if self.formula is not None:
            yield Provision(
                id=f"{owner}.formula",
                kind="quota_formula",
                label=self.formula.label,
                value={
                    "expr": self.formula.expr.render(),
                    "rounding": self.formula.rounding,
                    "rounding_interpretation": self.formula.rounding_interpretation,
                },
                source=self.formula.source,
            )


def read_quota_csv(path: Path) -> list[QuotaRow]:
    """Read quota rows from a UTF-8 CSV file."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            inputs = {}
            for key, value in line.items():
                if key in ("region", "parent", "published", "printed") or value in (None, ""):
                    continue
                inputs[key] = Decimal(value)
            published = line.get("published") or ""
            rows.append(
                QuotaRow(
                    region=line["region"],
                    parent=line.get("parent") or None,
                    published=int(published) if published.strip() else None,
                    printed=line.get("printed") or None,
                    inputs=inputs,
                )
            )
    return rows


class QuotaAuditRow(BaseModel):
    """A row compared with its formula."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    region: str
    parent: str | None
    published: int | None
    printed: str | None
    exact: Decimal | None
    computed: int | None
    deviation: int

    def as_json(self, region_key: str = "region", parent_key: str = "parent") -> dict[str, Any]:
        return {
            parent_key: self.parent,
            region_key: self.region,
            "published": self.published,
            "printed": self.printed,
            "exact": json_number(self.exact) if self.exact is not None else None,
            "computed": self.computed,
            "deviation": self.deviation,
        }


class SumCheck(BaseModel):
    """A printed subtotal or total compared with the sum of its rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parent: str | None
    column: str
    printed: Decimal
    rows_sum: Decimal
    source: Source

    @property
    def matches(self) -> bool:
        return self.printed == self.rows_sum


def compare_rows(table: QuotaTable, choices: Choices) -> list[QuotaAuditRow]:
    """Every row of ``table`` with the formula's value (the table must have a formula)."""
    if table.formula is None:
        raise ValueError(f"quota table {table.id} has no formula")
    out = []
    for row in table.rows:
        exact, computed = table.formula.compute(row, choices)
        deviation = (computed or 0) - (row.published or 0)
        out.append(
            QuotaAuditRow(
                region=row.region,
                parent=row.parent,
                published=row.published,
                printed=row.printed,
                exact=exact,
                computed=computed,
                deviation=deviation,
            )
        )
    return out


def check_sums(table: QuotaTable) -> list[SumCheck]:
    """Every printed sum of ``table`` against the sum of its rows."""
    out = []
    for printed in table.sums:
        by_parent: dict[str | None, Decimal] = defaultdict(Decimal)
        for row in table.rows:
            if printed.parent is not None and row.parent != printed.parent:
                continue
            if printed.column == "published":
                value = Decimal(row.published or 0)
            else:
                value = row.inputs.get(printed.column, Decimal(0))
            by_parent[printed.parent] += value
        out.append(
            SumCheck(
                parent=printed.parent,
                column=printed.column,
                printed=printed.value,
                rows_sum=by_parent[printed.parent],
                source=printed.source,
            )
        )
    return out
