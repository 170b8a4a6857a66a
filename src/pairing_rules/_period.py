"""Periods: a pack's rules hold for the records of the years it is in force.

A pack's period is its document's ``effective_from`` and ``effective_until``
(either may be open).  A record's year is *within* it when the year shares a
day with it: a plan in force from 23 March 2021 holds the 2021 records.  A
record of a year outside the period is rejected by ``score`` and ``check``
(and their table paths), with the code :data:`OUTSIDE_PERIOD`, unless the
caller asks for it to be scored anyway (``outside_period=True``,
``--outside-period``); a record without a year (a county's workbook often has
no year column) is accepted, and its result says that no year was checked.
Every result says which period applied.

The period binds into a :class:`~pairing_rules._plan.PeriodPlan`, which the
interpreter (:func:`pairing_rules._interpret_values.period_of`) and the
compiler (:meth:`pairing_rules._compile_values.ExprCompiler.period`) evaluate.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict

from ._dataset import Dataset, FieldError, Rejection
from ._fields import RecordSpec
from ._i18n import Lang, Text
from ._location import Location
from ._models import field_phrase
from ._plan import PeriodPlan

if TYPE_CHECKING:
    from ._pack import Pack

#: the code of a record rejected because its year is outside the pack's period
OUTSIDE_PERIOD: Final = "outside_period"
#: the code of a record a series cannot place: it gives no year
YEAR_REQUIRED: Final = "year_required"
#: the field a record's year is read from
YEAR_FIELD: Final = "year"

#: a record's year against a period: within it, outside it (scored only when asked), or no year
YearStatus = Literal["within", "outside", "no_year"]


class Period(BaseModel):
    """The days a pack's rules apply: from ``effective_from`` to ``effective_until``.

    Either end may be open (``None``); a pack whose document states neither has an
    open period and holds records of every year.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective_from: dt.date | None = None
    effective_until: dt.date | None = None

    @property
    def first_year(self) -> int | None:
        """The first year the period touches (``None``: open)."""
        return self.effective_from.year if self.effective_from is not None else None

    @property
    def last_year(self) -> int | None:
        """The last year the period touches (``None``: open)."""
        return self.effective_until.year if self.effective_until is not None else None

    @property
    def open(self) -> bool:
        """Whether the period has neither a first nor a last day."""
        return self.effective_from is None and self.effective_until is None

    def covers(self, year: int) -> bool:
        """Whether ``year`` shares a day with the period."""
        first, last = self.first_year, self.last_year
        return (first is None or year >= first) and (last is None or year <= last)

    def bind(self, record: RecordSpec) -> PeriodPlan:
        """The period for records of one type (read from their ``year`` field, if they have one)."""
        return self.years(YEAR_FIELD if record.kind(YEAR_FIELD) == "int" else None)

    def years(self, field: str | None = YEAR_FIELD) -> PeriodPlan:
        """The period as a plan reading a record's year from ``field``."""
        return PeriodPlan(
            first=self.first_year,
            last=self.last_year,
            field=field,
            effective_from=self.effective_from,
            effective_until=self.effective_until,
        )

    def render(self, lang: Lang = "zh", *, written: bool = False) -> str:
        """``2022-01-01 至 2022-12-31``, ``2021-03-23 起``, ``不限`` (English: ``… to …``).

        :param written: the dates as people write them (``2022年1月1日 至 2022年12月31日``;
            English dates stay ``2022-01-01``), for a page or a report a person reads.
        """
        return render_period(self.effective_from, self.effective_until, lang, written=written)

    def as_json(self) -> dict[str, str | None]:
        return {
            "effective_from": _iso(self.effective_from),
            "effective_until": _iso(self.effective_until),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def render_period(
    first: dt.date | None, last: dt.date | None, lang: Lang = "zh", *, written: bool = False
) -> str:
    """A period for a person to read (see :meth:`Period.render`)."""
    if written:
        from ._words import date_text

        start = date_text(first, lang) if first is not None else None
        end = date_text(last, lang) if last is not None else None
    else:
        start, end = _iso(first), _iso(last)
    if lang == "en":
        if start and end:
            return f"{start} to {end}"
        if start:
            return f"from {start}"
        return f"until {end}" if end else "any year"
    if start and end:
        return f"{start} 至 {end}"
    if start:
        return f"{start} 起"
    return f"至 {end}" if end else "不限年度"


class PeriodUse(BaseModel):
    """The period a result was produced under, and the record's year against it.

    :param year: the record's year (``None``: it gives none).
    :param status: ``within``; ``outside`` (scored only because the caller asked);
        ``no_year`` (the record gives no year, so none was checked).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective_from: dt.date | None
    effective_until: dt.date | None
    year: int | None
    status: YearStatus

    @classmethod
    def of(cls, plan: PeriodPlan, record: Any) -> PeriodUse:
        """The use of ``plan`` for ``record``: its year and where the year stands."""
        from ._interpret_values import year_status

        year = getattr(record, plan.field) if plan.field is not None else None
        return cls.model_construct(
            effective_from=plan.effective_from,
            effective_until=plan.effective_until,
            year=year,
            status=year_status(plan, year),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "effective_from": _iso(self.effective_from),
            "effective_until": _iso(self.effective_until),
            "year": self.year,
            "status": self.status,
        }


def outside_period_rejection(
    pack_ref: str,
    plan: PeriodPlan,
    collection: str,
    index: int,
    record: Any,
    location: Location | None = None,
    *,
    model: type[BaseModel] | None = None,
) -> Rejection:
    """The rejection of a record whose year is outside the period of pack ``pack_ref``.

    :param model: the record type, whose label names the year in Chinese (default: the
        type of ``record``, when it is a model; a table row is not).
    """
    if model is None and isinstance(record, BaseModel):
        model = type(record)
    year = getattr(record, plan.field) if plan.field is not None else None
    zh = render_period(plan.effective_from, plan.effective_until, "zh", written=True)
    en = render_period(plan.effective_from, plan.effective_until, "en")
    named = field_phrase(model, YEAR_FIELD)
    error = FieldError(
        field=YEAR_FIELD,
        code=OUTSIDE_PERIOD,
        message=Text(
            zh=f"{named}为 {year}，不在规则包 {pack_ref} 的适用期（{zh}）内，未处理；"
            "如确需按本规则包处理，请使用 --outside-period（Python：outside_period=True）",
            en=f"field year is {year}, outside the period of pack {pack_ref} ({en}): not "
            "processed; to use this pack anyway, pass --outside-period (Python: "
            "outside_period=True)",
        ),
        value=year,
    )
    return Rejection.of_record(collection, index, record, error, location)


def keep_in_period(pack: Pack, dataset: Dataset, *, outside_period: bool = False) -> Dataset:
    """``dataset`` without the records whose year is outside ``pack``'s period, each rejected.

    With ``outside_period`` (or an open period) the dataset is returned as it is.
    """
    from ._dataset import Dataset
    from ._fields import record_spec
    from ._interpret_values import period_of

    if outside_period or pack.period.open:
        return dataset
    collections: dict[str, list[Any]] = {}
    origins: dict[str, list[tuple[int, Location | None]]] = {}
    rejected = list(dataset.rejected)
    for name, records in dataset.collections.items():
        model = pack.record_types.get(name)
        if model is None:
            collections[name], origins[name] = records, dataset.origins.get(name, [])
            continue
        plan = pack.period.bind(record_spec(model))
        status = period_of(plan)
        where = dataset.origins.get(name)
        kept, kept_origins = [], []
        for n, record in enumerate(records):
            origin = where[n] if where is not None else (n, None)
            if status(record) == "outside":
                rejected.append(
                    outside_period_rejection(pack.ref, plan, name, origin[0], record, origin[1])
                )
            else:
                kept.append(record)
                kept_origins.append(origin)
        collections[name], origins[name] = kept, kept_origins
    return Dataset(
        collections=collections, rejected=rejected, notices=list(dataset.notices), origins=origins
    )
