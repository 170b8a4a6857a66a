"""Series: a county's yearly plans as one thing to score and check.

Packs whose files declare the same ``series`` (``series: cangnan`` in the
2022 plan and in the 2023 plan) form a :class:`Series`.  Scoring or checking
a series gives each record to the pack in force in its year (the pack whose
period holds it, :mod:`pairing_rules._period`), runs every pack on its own
records, and returns one part per pack: every result names its pack (id,
version, content hash) and its period.  A record of a year no pack of the
series holds is rejected (``outside_period``) unless the caller asks for it
to be processed anyway, and then it goes to the pack last in force before its
year (the first pack, for a year before them all); a record without a year
cannot be placed and is rejected (``year_required``).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import _engine, _scoring
from ._contract import CONTRACT_VERSION
from ._dataset import Dataset, FieldError, Notice, Rejection, load_dataset
from ._engine import CheckReport, check
from ._errors import ErrorInfo
from ._i18n import Text
from ._interpret_values import year_status
from ._interpretations import InterpretationError
from ._location import Location
from ._models import Record, field_phrase
from ._pack import Pack
from ._period import OUTSIDE_PERIOD, YEAR_FIELD, YEAR_REQUIRED
from ._registry import Registry
from ._scoring import Input, Scorer, ScoreReport, as_dataset


class SeriesError(ErrorInfo, ValueError):
    """Packs that cannot form a series: none, another series, overlapping periods, other records.

    :param text: what is wrong, in Chinese and English.
    """

    code = "series_invalid"

    def __init__(self, text: Text) -> None:
        super().__init__(f"{text.zh} / {text.en}")
        self.text = text


class UnknownSeriesError(ErrorInfo, LookupError):
    """No installed pack declares the requested series."""

    code = "unknown_series"

    def __init__(self, series_id: str, known: Sequence[str]) -> None:
        self.text = Text(
            zh=f"没有规则包属于系列 {series_id}；已安装的系列：{'、'.join(known) or '（无）'}",
            en=f"no pack belongs to the series {series_id}; installed series: "
            f"{', '.join(known) or '(none)'}",
        )
        super().__init__(f"{self.text.zh} / {self.text.en}")
        self.series_id = series_id
        self.value = series_id
        self.field = "series"


class Series:
    """Packs of one series, in the order of their periods.

    :param series_id: the series every pack declares (``series:`` of its file).
    :param packs: the packs; their periods may not overlap, and a collection two of
        them read must have the same record type in both.
    :raises SeriesError: when the packs cannot form the series.
    """

    __slots__ = ("id", "packs")

    def __init__(self, series_id: str, packs: Iterable[Pack]) -> None:
        ordered = sorted(packs, key=_start)
        if not ordered:
            raise SeriesError(
                Text(zh=f"系列 {series_id} 没有规则包", en=f"series {series_id} is empty")
            )
        for pack in ordered:
            if pack.series != series_id:
                raise SeriesError(
                    Text(
                        zh=f"规则包 {pack.ref} 不属于系列 {series_id}（series: {pack.series}）",
                        en=f"pack {pack.ref} is not of the series {series_id} "
                        f"(series: {pack.series})",
                    )
                )
        for earlier, later in itertools.pairwise(ordered):
            if _overlap(earlier, later):
                raise SeriesError(
                    Text(
                        zh=f"系列 {series_id} 中 {earlier.ref}（{earlier.period.render('zh')}）与 "
                        f"{later.ref}（{later.period.render('zh')}）的适用期重叠，无法按年度选择规则包",
                        en=f"in the series {series_id}, the periods of {earlier.ref} "
                        f"({earlier.period.render('en')}) and {later.ref} "
                        f"({later.period.render('en')}) overlap: no year picks one pack",
                    )
                )
        _same_records(series_id, ordered)
        self.id = series_id
        self.packs: tuple[Pack, ...] = tuple(ordered)

    def __repr__(self) -> str:
        return f"<Series {self.id}: {', '.join(p.ref for p in self.packs)}>"

    # -- lookups ----------------------------------------------------------------------

    def collections(self) -> list[str]:
        """The collections any pack of the series reads, in a stable order."""
        return list(dict.fromkeys(c for pack in self.packs for c in pack.collections()))

    @property
    def record_types(self) -> dict[str, type[Record]]:
        """The record type of every collection a pack of the series knows."""
        out: dict[str, type[Record]] = {}
        for pack in self.packs:
            for name, model in pack.record_types.items():
                out.setdefault(name, model)
        return out

    def pack_for(self, year: int) -> Pack | None:
        """The pack in force in ``year`` (``None``: no pack of the series holds it)."""
        for pack in self.packs:
            if year_status(pack.period.years(), year) == "within":
                return pack
        return None

    def nearest(self, year: int) -> Pack:
        """The pack last in force before ``year``; the first pack for a year before them all."""
        before = [
            p for p in self.packs if p.period.first_year is None or p.period.first_year <= year
        ]
        return before[-1] if before else self.packs[0]

    def overrides_for(self, pack: Pack, overrides: Mapping[str, str] | None) -> dict[str, str]:
        """The overrides ``pack`` declares (every override must be declared by some pack).

        :raises InterpretationError: for an override no pack of the series declares.
        """
        wanted = dict(overrides or {})
        declared = {i.id for p in self.packs for i in p.definition.interpretations}
        unknown = sorted(set(wanted) - declared)
        if unknown:
            raise InterpretationError(
                Text(
                    zh=f"系列 {self.id} 的规则包都没有解释口径 {'、'.join(unknown)}",
                    en=f"no pack of the series {self.id} has the interpretation "
                    f"{', '.join(unknown)}",
                )
            )
        own = {i.id for i in pack.definition.interpretations}
        return {k: v for k, v in wanted.items() if k in own}

    # -- placing records --------------------------------------------------------------

    def dataset(self, data: Input) -> Dataset:
        """``data`` validated against the series' record types (see :func:`pairing_rules.score`)."""
        if isinstance(data, Dataset):
            return data
        if isinstance(data, Mapping):
            return load_dataset(data, self.record_types, wanted=self.collections())
        return as_dataset(self.packs[0], data)

    def split(
        self, data: Input, *, outside_period: bool = False
    ) -> tuple[list[tuple[Pack, Dataset]], list[Rejection]]:
        """Each pack with the records of its years, and the records no pack takes.

        :param outside_period: give a record of a year no pack holds to :meth:`nearest`.
        :returns: the packs that took records, in series order, each with its
            :class:`Dataset`; and every rejection (validation included).
        """
        dataset = self.dataset(data)
        rejected = list(dataset.rejected)
        taken: dict[str, Dataset] = {}
        for name, records in dataset.collections.items():
            origins = dataset.origins.get(name)
            for n, record in enumerate(records):
                index, location = origins[n] if origins is not None else (n, None)
                year = getattr(record, YEAR_FIELD, None) if _has_year(record) else None
                if year is None:
                    rejected.append(self._unplaced(name, index, record, location, None))
                    continue
                pack = self.pack_for(year)
                if pack is None and outside_period:
                    pack = self.nearest(year)
                if pack is None:
                    rejected.append(self._unplaced(name, index, record, location, year))
                    continue
                part = taken.setdefault(pack.id, Dataset())
                part.collections.setdefault(name, []).append(record)
                part.origins.setdefault(name, []).append((index, location))
        parts = []
        for pack in self.packs:
            if pack.id not in taken:
                continue
            placed = taken[pack.id]
            for name in pack.collections():
                placed.collections.setdefault(name, [])
                placed.origins.setdefault(name, [])
            parts.append((pack, placed))
        return parts, rejected

    def _unplaced(
        self, collection: str, index: int, record: Any, location: Location | None, year: int | None
    ) -> Rejection:
        """The rejection of a record the series cannot give to a pack."""
        listed_zh = "；".join(f"{p.ref}：{p.period.render('zh', written=True)}" for p in self.packs)
        listed_en = "; ".join(f"{p.ref}: {p.period.render('en')}" for p in self.packs)
        named = field_phrase(type(record) if isinstance(record, BaseModel) else None, YEAR_FIELD)
        if year is None:
            code = YEAR_REQUIRED
            message = Text(
                zh=f"{named}未填写：系列 {self.id} 按年度选用规则包（{listed_zh}），无法确定适用的规则包",
                en=f"field year is not given: the series {self.id} picks its pack by the year "
                f"({listed_en}), so no pack can be chosen",
            )
        else:
            code = OUTSIDE_PERIOD
            message = Text(
                zh=f"{named}为 {year}，不在系列 {self.id} 任何规则包的适用期内（{listed_zh}），未处理；"
                "如确需处理，请使用 --outside-period（Python：outside_period=True），按此前最近的规则包处理",
                en=f"field year is {year}, outside the period of every pack of the series "
                f"{self.id} ({listed_en}): not processed; to process it with the pack last in "
                "force before it, pass --outside-period (Python: outside_period=True)",
            )
        error = FieldError(field=YEAR_FIELD, code=code, message=message, value=year)
        return Rejection.of_record(collection, index, record, error, location)


def _start(pack: Pack) -> dt.date:
    return pack.period.effective_from or dt.date.min


def _overlap(earlier: Pack, later: Pack) -> bool:
    """Whether two packs (``earlier`` starting first) hold a year in common."""
    end = earlier.period.last_year
    start = later.period.first_year
    return end is None or start is None or start <= end


def _has_year(record: Any) -> bool:
    return isinstance(record, Record) and YEAR_FIELD in type(record).model_fields


def _same_records(series_id: str, packs: Sequence[Pack]) -> None:
    """Every collection two packs read has one record type (by its JSON schema) in both."""
    from ._pack_origin import _schema

    first: dict[str, tuple[str, dict[str, Any]]] = {}
    for pack in packs:
        for name in pack.collections():
            schema = _schema(pack.record_types[name])
            seen = first.setdefault(name, (pack.ref, schema))
            if seen[1] != schema:
                raise SeriesError(
                    Text(
                        zh=f"系列 {series_id} 中 {seen[0]} 与 {pack.ref} 的数据集 {name} 记录类型不同",
                        en=f"in the series {series_id}, {seen[0]} and {pack.ref} read {name} "
                        "records of different types",
                    )
                )


def get_series(series_id: str, registry: Registry | None = None) -> Series:
    """The installed packs that declare ``series_id``, as a :class:`Series`.

    :param registry: the registry to ask (default: the installed packs).
    :raises UnknownSeriesError: when no installed pack declares it.
    :raises SeriesError: when its packs cannot form a series (periods overlap …).
    """
    from ._registry import default_registry

    packs = (registry or default_registry()).list_packs()
    members = [p for p in packs if p.series == series_id]
    if not members:
        known = sorted({p.series for p in packs if p.series})
        raise UnknownSeriesError(series_id, known)
    return Series(series_id, members)


# -------------------------------------------------------------------------------- runs


class SeriesScoreReport(BaseModel):
    """A series scored: one :class:`~pairing_rules.ScoreReport` per pack that took records.

    Each part's sheets name their pack (``pack``, ``pack_hash``) and period; ``rejected``
    lists the records no pack took (and the invalid ones).
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    series: str
    parts: list[ScoreReport]
    rejected: list[Rejection]
    #: problems with the input file as a whole (unknown columns …), when read from a file
    notices: list[Notice] = Field(default_factory=list)

    @property
    def results(self) -> list[Any]:
        """Every score sheet of every part, part by part."""
        return [sheet for part in self.parts for sheet in part.results]

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules score --series``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


class SeriesCheckReport(BaseModel):
    """A series checked: one :class:`~pairing_rules.CheckReport` per pack that took records."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    series: str
    parts: list[CheckReport]
    rejected: list[Rejection]
    #: problems with the input file as a whole (unknown columns …), when read from a file
    notices: list[Notice] = Field(default_factory=list)

    @property
    def unmet(self) -> bool:
        """Whether anything is unmet in any part."""
        return any(part.unmet for part in self.parts)

    @property
    def results(self) -> list[Any]:
        """Every record's findings, part by part."""
        return [result for part in self.parts for result in part.results]

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules check --series``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def score_series(
    series: Series,
    data: Input,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> SeriesScoreReport:
    """Score each record of ``data`` on the pack of ``series`` in force in its year.

    :param rubric: score every record on this rubric of its pack.
    :param interpretations: overrides; each pack takes those it declares.
    :param outside_period: process a record of a year no pack holds with the pack last in
        force before it (its sheet says its year is outside that pack's period).
    """
    parts, rejected = series.split(data, outside_period=outside_period)
    reports = []
    for pack, dataset in parts:
        scorer = Scorer(
            pack,
            rubric=rubric,
            interpretations=series.overrides_for(pack, interpretations),
            outside_period=True,  # the series placed it; its sheet says where its year stands
        )
        reports.append(scorer.run(dataset))
    return SeriesScoreReport(series=series.id, parts=reports, rejected=rejected)


def check_series(
    series: Series,
    data: Input,
    *,
    as_of: dt.date | None = None,
    interpretations: Mapping[str, str] | None = None,
    progress_callback: Callable[[int], None] | None = None,
    outside_period: bool = False,
) -> SeriesCheckReport:
    """Check each record of ``data`` against the pack of ``series`` in force in its year.

    Each pack's group rules, progress and milestones see its own records only.
    """
    parts, rejected = series.split(data, outside_period=outside_period)
    reports = [
        check(
            pack,
            dataset,
            as_of=as_of,
            interpretations=series.overrides_for(pack, interpretations),
            progress_callback=progress_callback,
            outside_period=True,
        )
        for pack, dataset in parts
    ]
    return SeriesCheckReport(series=series.id, parts=reports, rejected=rejected)


# score's and check's hints name a series and its reports; their modules cannot import this
# one (it imports them), so the names are bound there once the series' types exist
vars(_engine).update(Series=Series, SeriesCheckReport=SeriesCheckReport)
vars(_scoring).update(Series=Series, SeriesScoreReport=SeriesScoreReport)
