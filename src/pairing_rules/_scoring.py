"""Scoring: a pack's rubrics bound once, run on any number of records.

A :class:`Scorer` binds the pack's rubrics to one set of interpretation
choices (:meth:`~pairing_rules.Rubric.bind`) and builds each rubric's runner
once (:mod:`pairing_rules._interpret`).  It gives a record's numbers
(:meth:`Scorer.points`), or its numbers with the explanation recorded
(:meth:`Scorer.explain`), which becomes a :class:`~pairing_rules.ScoreSheet`
only when asked (:meth:`Explanation.sheet`).  Both are the same code, with
the recording off or on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, NamedTuple, overload

from pydantic import BaseModel, ConfigDict, Field

from ._contract import CONTRACT_VERSION
from ._dataset import Dataset, FieldError, Notice, Rejection, load_dataset, validate_records
from ._errors import ArgumentTypeError, NothingToRunError
from ._explain import score_sheet
from ._fields import record_spec
from ._i18n import Text
from ._interpret import Outcome, RubricRunner, chooser_of
from ._interpret_values import period_of
from ._interpretations import InterpretationUse
from ._location import Location
from ._models import Record
from ._pack import Pack, provenance_of
from ._pack_origin import Provenance
from ._period import Period, outside_period_rejection
from ._plan import PeriodPlan, RubricPlan
from ._results import ScoreSheet

if TYPE_CHECKING:  # bound at run time by the series module (which imports this one)
    from ._series import Series, SeriesScoreReport

Input = Dataset | Mapping[str, Any] | Sequence[Any]


_DATA_TYPES: Final = Text(
    zh='输入对象（{"communities": [...]}）、Dataset 或记录列表',
    en='an input object ({"communities": [...]}), a Dataset or a list of records',
)


def check_pack(pack: Any) -> None:
    """Refuse anything that is not a :class:`~pairing_rules.Pack`, with a typed error.

    :raises ArgumentTypeError: (a :class:`TypeError`) when ``pack`` is not a pack.
    """
    if not isinstance(pack, Pack):
        raise ArgumentTypeError(
            "pack",
            Text(
                zh="规则包（pairing_rules.get_pack(...) 的返回值）",
                en="a Pack (as pairing_rules.get_pack(...) returns it)",
            ),
            pack,
        )


def check_overrides(interpretations: Any) -> None:
    """Refuse interpretation overrides that are not a mapping of id to value.

    :raises ArgumentTypeError: (a :class:`TypeError`) when they are not.
    """
    if interpretations is not None and not isinstance(interpretations, Mapping):
        raise ArgumentTypeError(
            "interpretations",
            Text(zh="口径编号到取值的映射（dict）", en="a mapping of interpretation id to value"),
            interpretations,
        )


def as_dataset(pack: Pack, data: Input, collection: str | None = None) -> Dataset:
    """Turn ``data`` into a validated :class:`Dataset` for ``pack``.

    ``data`` is a :class:`Dataset`, an input object (``{"communities": [...]}``, whose
    records may be dicts or record models), or a sequence of records (models or dicts) of
    ``collection`` (default: the pack's first collection).

    :raises ArgumentTypeError: (a :class:`TypeError`) when ``data`` is none of these: a
        text is not a list of records, nor is a number.
    """
    if isinstance(data, Dataset):
        return data
    wanted = pack.collections()
    if isinstance(data, Mapping):
        return load_dataset(data, pack.record_types, wanted=wanted)
    if isinstance(data, str | bytes | bytearray) or not isinstance(data, Sequence):
        raise ArgumentTypeError("data", _DATA_TYPES, data)
    name = collection or (wanted[0] if wanted else "communities")
    model = pack.record_types[name]
    ready = [r for r in data if isinstance(r, model)]
    if len(ready) == len(data):
        return Dataset(collections={name: list(ready)})
    raw = [
        r.model_dump() if isinstance(r, Record) and not isinstance(r, model) else r for r in data
    ]
    records, rejected = validate_records(raw, model, name)
    bad = {r.index for r in rejected}
    origins: list[tuple[int, Location | None]] = [
        (index, None) for index in range(len(raw)) if index not in bad
    ]
    return Dataset(collections={name: records}, rejected=rejected, origins={name: origins})


class RecordPoints(NamedTuple):
    """The numbers of one record scored on a rubric, without explanations (:meth:`Scorer.points`)."""

    #: the rubric's id
    rubric: str
    #: the points of each item of the rubric (under the choices), in the rubric's order
    items: tuple[Decimal, ...]
    #: the total points (capped at the declared total where the rubric says so)
    total: Decimal
    #: the points reachable on the items that apply (bonus excluded)
    max: Decimal
    #: the grade's id (``excellent`` …); :attr:`grade_id` names it clearly (a score sheet's
    #: ``grade`` is the grade's label)
    grade: str

    @property
    def grade_id(self) -> str:
        """The grade's id (``excellent`` …), as :attr:`ScoreSheet.grade_id <pairing_rules.ScoreSheet>`."""
        return self.grade


class Explanation:
    """A record scored with its explanation recorded: the numbers now, the text on request.

    :param plan: the rubric the record was scored on.
    :param outcome: the numbers (items, total, reachable maximum, grade basis, grade, vetoes).
    :param trace: what the interpreter recorded, item by item.
    """

    __slots__ = ("outcome", "plan", "record", "trace")

    def __init__(self, plan: RubricPlan, record: Any, outcome: Outcome, trace: list[Any]) -> None:
        self.plan = plan
        self.record = record
        self.outcome = outcome
        self.trace = trace

    @property
    def grade_id(self) -> str:
        return self.plan.grades[self.outcome.grade].id

    def points(self) -> RecordPoints:
        """The numbers, as :meth:`Scorer.points` gives them."""
        o = self.outcome
        return RecordPoints(self.plan.id, o.items, o.total, o.reach, self.grade_id)

    def sheet(self) -> ScoreSheet:
        """The full score sheet: every item's points, reason, inputs, conditions and citation."""
        return score_sheet(self.plan, self.record, self.outcome, self.trace)


class ScoreReport(BaseModel):
    """The result of scoring: one sheet per scored record, and the rejected records.

    Its JSON (``pairing-rules score --format json``) is ``model_dump(mode="json")``.

    :param contract: the version of the JSON contract.
    :param notices: problems with the input file as a whole (unknown columns …), when read
        from a file.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    contract: str = CONTRACT_VERSION
    pack: str
    pack_hash: str
    #: the period of the pack (each sheet also says where its record's year stands)
    period: Period | None = None
    interpretations: list[InterpretationUse]
    results: list[ScoreSheet]
    rejected: list[Rejection]
    provenance: Provenance | None = None
    notices: list[Notice] = Field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules score``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


class Scorer:
    """A pack's rubrics bound to one set of interpretation choices.

    Build it once and call :meth:`points` (numbers), :meth:`explain` (numbers
    with the explanation recorded) or :meth:`score_record` (a score sheet) for
    as many records as needed: nothing is set up per record.
    """

    def __init__(
        self,
        pack: Pack,
        *,
        rubric: str | None = None,
        interpretations: Mapping[str, str] | None = None,
        outside_period: bool = False,
    ) -> None:
        check_pack(pack)
        check_overrides(interpretations)
        self.pack = pack
        self.choices = pack.choices(interpretations)
        rubrics = pack.definition.rubrics
        if rubric is not None:
            rubrics = [pack.rubric(rubric)]
        self.forced = rubric is not None
        #: score records whose year is outside the pack's period too (``False``: reject them)
        self.outside_period = outside_period
        #: the pack's period
        self.period = pack.period
        #: the rubrics bound to the choices, in the order they are tried
        self.plans: list[RubricPlan] = [
            r.bind(
                self.choices,
                record_spec(pack.record_types[r.collection]),
                pack_ref=pack.ref,
                pack_hash=pack.content_hash,
                period=self.period.bind(record_spec(pack.record_types[r.collection])),
            )
            for r in rubrics
        ]
        self.collections = list(dict.fromkeys(r.collection for r in rubrics))
        ids: set[str] = set()
        for r in rubrics:
            ids |= r.interpretation_ids()
        self.interpretations = self.choices.uses(ids)
        self._choose: Callable[[Any], tuple[RubricPlan, RubricRunner] | None] = chooser_of(
            self.plans, self.forced
        )
        #: the period bound to each collection scored, and its test
        self._periods = {
            name: self.period.bind(record_spec(pack.record_types[name]))
            for name in self.collections
        }
        self._outside = {name: period_of(plan) for name, plan in self._periods.items()}

    def rejects(self, collection: str, record: Any) -> bool:
        """Whether ``record`` is rejected for its year: outside the period, and not asked for."""
        return not self.outside_period and self._outside[collection](record) == "outside"

    def rejection(
        self, collection: str, index: int, record: Any, location: Location | None
    ) -> Rejection:
        """The rejection of a record of ``collection`` whose year is outside the period."""
        plan = self._periods[collection]
        return outside_period_rejection(self.pack.ref, plan, collection, index, record, location)

    def period_plan(self, collection: str) -> PeriodPlan:
        """The pack's period bound to the records of ``collection``."""
        return self._periods[collection]

    def select(self, record: Any) -> RubricPlan | None:
        """The rubric for ``record``: the forced one, or the first whose ``applies_to`` matches."""
        chosen = self._choose(record)
        return chosen[0] if chosen is not None else None

    def points(self, record: Any) -> RecordPoints | None:
        """The numbers of one validated record (``None`` when no rubric applies)."""
        chosen = self._choose(record)
        if chosen is None:
            return None
        plan, run = chosen
        o = run(record, None)
        return RecordPoints(plan.id, o.items, o.total, o.reach, plan.grades[o.grade].id)

    def explain(self, record: Any) -> Explanation | None:
        """The numbers of one validated record with the explanation recorded (``None``: no rubric)."""
        chosen = self._choose(record)
        if chosen is None:
            return None
        plan, run = chosen
        trace: list[Any] = []
        return Explanation(plan, record, run(record, trace), trace)

    def score_record(self, record: Any) -> ScoreSheet | None:
        """Score one validated record with a full explanation (``None`` when no rubric applies)."""
        explained = self.explain(record)
        return explained.sheet() if explained is not None else None

    def iter_explained(
        self, entries: Iterable[tuple[str, int, Location | None, Any]]
    ) -> Iterator[Explanation | Rejection]:
        """Score records as they come: ``(collection, index, location, record)`` in, one result out.

        A record of a collection no rubric reads is passed over; one whose year is
        outside the pack's period (unless asked for) or that no rubric applies to
        becomes a :class:`~pairing_rules.Rejection`.
        """
        wanted = set(self.collections)
        explain = self.explain
        for collection, index, location, record in entries:
            if collection not in wanted:
                continue
            if self.rejects(collection, record):
                yield self.rejection(collection, index, record, location)
                continue
            explained = explain(record)
            yield (
                explained
                if explained is not None
                else no_rubric(self.pack, collection, index, record, location)
            )

    def run(
        self, dataset: Dataset, *, progress: Callable[[int], None] | None = None
    ) -> ScoreReport:
        """Score every record of ``dataset``.

        :param progress: called with 1 after each record (for a progress bar).
        """
        results: list[ScoreSheet] = []
        rejected = list(dataset.rejected)
        for name in self.collections:
            origins = dataset.origins.get(name)
            for n, record in enumerate(dataset.records(name)):
                if progress is not None:
                    progress(1)
                if self.rejects(name, record):
                    index, location = origins[n] if origins is not None else (n, None)
                    rejected.append(self.rejection(name, index, record, location))
                    continue
                explained = self.explain(record)
                if explained is None:
                    index, location = origins[n] if origins is not None else (n, None)
                    rejected.append(no_rubric(self.pack, name, index, record, location))
                else:
                    results.append(explained.sheet())
        return ScoreReport(
            pack=self.pack.ref,
            pack_hash=self.pack.content_hash,
            results=results,
            rejected=rejected,
            interpretations=self.interpretations,
            provenance=provenance_of(self.pack),
            period=self.period,
        )


def no_rubric(
    pack: Pack, collection: str, index: int, record: Any, location: Location | None = None
) -> Rejection:
    """The rejection of a record that no rubric of ``pack`` applies to."""
    scope = getattr(record, "scope", None)
    shown = scope.value if scope is not None else "未填写"
    shown_en = scope.label.en if scope is not None else "empty"
    rubrics = [r.short_label or r.label for r in pack.definition.rubrics]
    label = pack.definition.label
    error = FieldError(
        code="no_rubric",
        field="scope",
        message=Text(
            zh=f"结对范围为 {shown}，“{label.zh}”中没有适用的考核细则"
            f"（{'、'.join(r.zh for r in rubrics)}）；请填写结对范围或用 --rubric 指定",
            en=f"the scope is {shown_en}: no rubric of “{label.en}” applies "
            f"({', '.join(r.en for r in rubrics)}); fill in the scope or choose one with --rubric",
        ),
        value=scope.value if scope is not None else None,
    )
    return Rejection.of_record(collection, index, record, error, location)


@overload
def score(
    pack: Pack,
    data: Input,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> ScoreReport: ...


@overload
def score(
    pack: Series,
    data: Input,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> SeriesScoreReport: ...


def score(
    pack: Pack | Series,
    data: Input,
    *,
    rubric: str | None = None,
    interpretations: Mapping[str, str] | None = None,
    outside_period: bool = False,
) -> ScoreReport | SeriesScoreReport:
    """Score every record of ``data`` on ``pack``'s rubrics.

    :param pack: the pack (see :func:`pairing_rules.get_pack`), or a series of packs
        (:func:`pairing_rules.get_series`): each record is scored on the pack in force in
        its year, and the result has one part per pack.
    :param data: an input object (its records dicts or record models), a :class:`Dataset`
        or a list of records.
    :param rubric: score every record on this rubric instead of choosing by ``applies_to``.
    :param interpretations: overrides, ``{interpretation id: value}``.
    :param outside_period: also score records whose year is outside the pack's period
        (by default they are rejected with the code ``outside_period``); their sheets say so.
        For a series: score a record of a year no pack holds on the pack last in force
        before it.
    :raises ArgumentTypeError: (a :class:`TypeError`) for an argument of the wrong type.
    :raises UnknownNameError: (a :class:`KeyError`, code ``unknown_rubric``) for an unknown
        ``rubric``.
    :raises InterpretationError: for an unknown interpretation or value.
    :raises NothingToRunError: (a :class:`ValueError`) when the pack has no rubric.
    """
    from ._series import Series, score_series

    if isinstance(pack, Series):
        return score_series(
            pack,
            data,
            rubric=rubric,
            interpretations=interpretations,
            outside_period=outside_period,
        )
    check_pack(pack)
    check_overrides(interpretations)
    if not pack.definition.rubrics:
        raise NothingToRunError(pack.id, "rubric")
    scorer = Scorer(
        pack, rubric=rubric, interpretations=interpretations, outside_period=outside_period
    )
    return scorer.run(as_dataset(pack, data, scorer.collections[0]))
