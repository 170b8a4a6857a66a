"""Reference tables transcribed from a document, and figures the document states about them.

A :class:`Table` is data as printed (a list of communities, a list of
schools), with the section it comes from.  A :class:`StatedFigure` is a number
the text states ("8 cross-region schools", "20 schools: 9 senior high"),
with how to recount it from a table; the audit compares the two.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._i18n import Text
from ._provenance import Source
from ._rules import Cited, Provision, jsonable

IDENT = r"^[a-z][a-z0-9_.]*$"


class Column(BaseModel):
    """A table column: its key and its label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Text


class Table(Cited, BaseModel):
    """A reference table as printed in the document.

    Rows come inline or from ``rows_file`` (a UTF-8 CSV file beside the pack
    file whose header row holds the column names).  Empty CSV cells are ``None``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    source: Source
    columns: list[Column] = Field(min_length=1)
    rows: list[dict[str, Any]] = Field(default_factory=list)
    rows_file: str | None = None
    notes: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_columns(self) -> Table:
        names = {c.name for c in self.columns}
        for n, row in enumerate(self.rows):
            unknown = set(row) - names
            if unknown:
                raise ValueError(f"table {self.id} row {n + 1}: unknown columns {sorted(unknown)}")
        return self

    def load_rows(self, base: Path) -> Table:
        """A copy with ``rows_file`` read into ``rows``."""
        if self.rows_file is None:
            return self
        with (base / self.rows_file).open(encoding="utf-8", newline="") as handle:
            read = [
                {k: (_cell(v) if v != "" else None) for k, v in line.items()}
                for line in csv.DictReader(handle)
            ]
        return Table.model_validate(
            {**self.model_dump(), "rows": [*self.rows, *read], "rows_file": None}
        )

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="table",
            label=self.label,
            value={"columns": [c.name for c in self.columns], "rows": len(self.rows)},
            source=self.source,
        )

    def select(self, where: dict[str, list[Any]] | None = None) -> list[dict[str, Any]]:
        """The rows whose columns take one of the listed values."""
        if not where:
            return list(self.rows)
        return [r for r in self.rows if all(r.get(k) in vals for k, vals in where.items())]


def _cell(value: str) -> Any:
    text = value.strip()
    if text.isdigit():
        return int(text)
    return text


class RecountPart(BaseModel):
    """The values of ``columns`` in the rows matching ``where``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    where: dict[str, list[Any]] | None = None
    columns: list[str] = Field(min_length=1)


class Recount(BaseModel):
    """How to recount a figure from a table.

    Counts the rows matching ``where``; or the distinct values of the
    ``distinct`` columns among them (several columns pool their values, e.g.
    the core and member schools); or the sum of column ``sum``; or the
    distinct values pooled from several ``union`` parts (e.g. every member
    school, and the core schools of the county's own communities).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    table: str
    where: dict[str, list[Any]] | None = None
    distinct: list[str] | None = None
    sum: str | None = None
    union: list[RecountPart] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Recount:
        ways = [x for x in (self.distinct, self.sum, self.union) if x is not None]
        if len(ways) > 1:
            raise ValueError("recount by one of `distinct`, `sum` or `union`")
        return self

    def evaluate(self, table: Table) -> Decimal:
        if self.union is not None:
            pooled = {
                r[c]
                for part in self.union
                for r in table.select(part.where)
                for c in part.columns
                if r.get(c) not in (None, "")
            }
            return Decimal(len(pooled))
        rows = table.select(self.where)
        if self.sum is not None:
            return sum((Decimal(r.get(self.sum) or 0) for r in rows), Decimal(0))
        if self.distinct is not None:
            seen = {r[c] for r in rows for c in self.distinct if r.get(c) not in (None, "")}
            return Decimal(len(seen))
        return Decimal(len(rows))


class StatedFigure(Cited, BaseModel):
    """A number the document states about its own lists, and how to recount it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=IDENT)
    label: Text
    stated: Decimal
    source: Source
    recount: Recount
    note: Text | None = None

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="figure",
            label=self.label,
            value=jsonable(self.stated),
            source=self.source,
        )
