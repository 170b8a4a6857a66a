"""The conformance suite: what every pack, the project's own or a third party's, must satisfy.

Run it from a pack's tests with a few lines::

    from pairing_rules.testing import PackConformance

    class TestConformance(PackConformance):
        pack_id = "cangnan2022"

Override the ``pack`` fixture instead of ``pack_id`` to test a pack that is
not installed (e.g. one loaded with :func:`pairing_rules.load_pack`).

The suite checks that every quote is verbatim in the document; that the
provisions, interpretations and metadata are complete; that every item's
points stay within its bounds and more activity never lowers them, under
random interpretation choices; that adjustments are monotone and bounded;
that results survive a JSON round trip; that the same input gives the same
result; and that ``audit`` and ``check`` run.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .._engine import AuditReport, CheckReport, audit, check
from .._interpretations import Interpretation
from .._items import AdjustmentItem
from .._models import CommunityYear, Pair, Record, Region
from .._pack import Pack, load_pack
from .._period import Period
from .._registry import Registry
from .._results import ScoreSheet
from .._scoring import Scorer, score
from . import strategies as prs

__all__ = ["PackConformance", "interpretation_overrides", "records_for"]

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        # one suite, many packs: each pack's subclass runs the same property on its own pack
        HealthCheck.differing_executors,
    ],
)


def interpretation_overrides(pack: Pack) -> st.SearchStrategy[dict[str, str]]:
    """Random interpretation choices for ``pack``: each one its default or an alternative."""
    interps: list[Interpretation] = list(pack.definition.interpretations)
    if not interps:
        return st.just({})
    return st.fixed_dictionaries(
        {},
        optional={i.id: st.sampled_from(i.values) for i in interps},
    )


def records_for(
    model: type[Record],
    *,
    period: Period | None = None,
    outside: bool = False,
    none: bool = False,
) -> st.SearchStrategy[Any]:
    """The strategy for records of ``model``: a core record type or a pack's subclass of one.

    :param period: draw the records' years within this period (a pack's
        :attr:`~pairing_rules.Pack.period`), as :func:`strategies.years` does; without it,
        the years each record strategy draws.
    :param outside: with ``period``, also the years just outside it.
    :param none: with ``period``, also records without a year.
    """
    cores: tuple[tuple[type[Record], st.SearchStrategy[Any]], ...] = (
        (CommunityYear, prs.community_years()),
        (Pair, prs.pairs()),
        (Region, prs.regions()),
    )
    for core, strategy in cores:
        if model is core or issubclass(model, core):
            if model is not core:
                strategy = strategy.map(lambda r: model.model_validate(r.model_dump()))
            if period is None:
                return strategy
            years = prs.years(period=period, outside=outside, none=none)
            return st.tuples(strategy, years).map(lambda pair: prs.with_year(*pair))
    raise LookupError(f"no strategy for {model.__name__}; override `records` in your suite")


class PackConformance:
    """Subclass and set ``pack_id`` to run the conformance suite on a pack."""

    pack_id: ClassVar[str] = ""

    @pytest.fixture(scope="class")
    @classmethod
    def pack(cls) -> Pack:
        """The pack under test (override to test a pack that is not installed)."""
        return cls.installed_pack()

    @classmethod
    def installed_pack(cls) -> Pack:
        """The installed pack ``pack_id``, from a registry of its own."""
        if not cls.pack_id:
            pytest.fail("set `pack_id` or override the `pack` fixture")
        return Registry().get_pack(cls.pack_id)

    def records(self, pack: Pack, collection: str) -> st.SearchStrategy[Any]:
        """Records of ``collection`` of years within the pack's period, for the property tests
        (override for pack-only types)."""
        return records_for(pack.record_types[collection], period=pack.period)

    # -- metadata and citations -------------------------------------------------------

    def test_metadata(self, pack: Pack) -> None:
        doc = pack.document
        assert pack.id and pack.version
        assert doc.title.strip() and doc.issuer.strip()
        assert len(doc.text) > 200, "the pack ships its document's full text"
        assert pack.content_hash.startswith("sha256:")

    def test_the_pack_file_lints_clean(self, pack: Pack) -> None:
        """``pairing-rules lint``: quotes verbatim, every number in its quote, names known …"""
        from .._lint import lint_pack

        issues = lint_pack(pack)
        assert not issues, "\n".join(i.render("en") for i in issues)

    def test_provisions_are_listed_with_sources(self, pack: Pack) -> None:
        provisions = pack.provisions()
        assert provisions, "a pack encodes at least one provision"
        ids = [p.id for p in provisions]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        assert not duplicated, f"duplicate provision ids: {duplicated}"
        for p in provisions:
            assert p.source.section.strip() and p.source.quote.strip(), p.id
            json.dumps(p.model_dump(mode="json"), ensure_ascii=False)

    def test_interpretations_are_declared_and_used(self, pack: Pack) -> None:
        declared = {i.id for i in pack.definition.interpretations}
        used = pack.definition.interpretation_ids()
        assert used <= declared
        unused = declared - used
        assert not unused, f"interpretations no rule reads: {sorted(unused)}"
        for interp in pack.definition.interpretations:
            for value in interp.values:
                pack.choices({interp.id: value})

    def test_audit_runs_and_round_trips(self, pack: Pack) -> None:
        report = audit(pack)
        again = AuditReport.model_validate_json(report.model_dump_json())
        assert again == report
        for finding in report.findings:
            assert finding.source is not None, finding.subject
            assert pack.document.contains(finding.source.quote), finding.subject
            assert finding.message.zh and finding.message.en

    # -- scoring properties -----------------------------------------------------------

    @_SETTINGS
    @given(data=st.data())
    def test_points_stay_within_bounds(self, pack: Pack, data: st.DataObject) -> None:
        _needs_rubrics(pack)
        for rubric in pack.definition.rubrics:
            overrides = data.draw(interpretation_overrides(pack), label="interpretations")
            scorer = Scorer(pack, rubric=rubric.id, interpretations=overrides)
            record = data.draw(self.records(pack, rubric.collection), label="record")
            sheet = scorer.score_record(record)
            assert sheet is not None
            items = {i.id: i for i in rubric.items}
            for item in sheet.items:
                low, high = items[item.id].bounds(
                    scorer.choices, rubric.points_rounding, rubric.points_places
                )
                assert low <= item.points <= high, (item.id, item.points, low, high)
                assert item.points <= item.max or not item.applicable
            assert sheet.max <= rubric.items_maximum()
            if rubric.capped(scorer.choices):
                assert sheet.total <= rubric.declared_total
            assert sheet.grade_id in {g.id for g in rubric.grades.grades}

    @_SETTINGS
    @given(data=st.data())
    def test_more_activity_never_scores_less(self, pack: Pack, data: st.DataObject) -> None:
        _needs_rubrics(pack)
        for rubric in pack.definition.rubrics:
            overrides = data.draw(interpretation_overrides(pack), label="interpretations")
            scorer = Scorer(pack, rubric=rubric.id, interpretations=overrides)
            record = data.draw(self.records(pack, rubric.collection), label="record")
            more = data.draw(prs.activity_increase(record), label="more")
            before = scorer.score_record(record)
            after = scorer.score_record(more)
            assert before is not None and after is not None
            # a reading that scores an unreported value at 0 (or not at all) while a reported
            # one can score below 0 makes reporting cost points: that is the reading's choice
            excused = _reported_below_zero(scorer, record, more)
            for a, b in zip(before.items, after.items, strict=True):
                if a.id not in excused:
                    assert b.points >= a.points, (a.id, a.points, b.points)
            if not excused:
                assert after.total >= before.total

    @_SETTINGS
    @given(data=st.data())
    def test_adjustments_are_monotone_and_bounded(self, pack: Pack, data: st.DataObject) -> None:
        if not any(isinstance(i, AdjustmentItem) for r in pack.definition.rubrics for i in r.items):
            pytest.skip("the pack has no adjustment item")
        overrides = data.draw(interpretation_overrides(pack), label="interpretations")
        for rubric in pack.definition.rubrics:
            adjustments = [i for i in rubric.items if isinstance(i, AdjustmentItem)]
            if not adjustments:
                continue
            scorer = Scorer(pack, rubric=rubric.id, interpretations=overrides)
            base = data.draw(self.records(pack, rubric.collection), label="record")
            for item in adjustments:
                field = sorted(item.value.fields())[0]
                annotation = str(type(base).model_fields[field].annotation)
                scalar: st.SearchStrategy[Any] = (
                    prs.percents(none=False)
                    if "Decimal" in annotation
                    else st.integers(min_value=0, max_value=200)
                )
                values = sorted(data.draw(st.lists(scalar, min_size=2, max_size=6), label="values"))
                points = []
                for value in values:
                    record = type(base).model_validate({**base.model_dump(), field: value})
                    sheet = scorer.score_record(record)
                    assert sheet is not None
                    got = next(i for i in sheet.items if i.id == item.id)
                    low, high = item.bounds(
                        scorer.choices, rubric.points_rounding, rubric.points_places
                    )
                    assert low <= got.points <= high
                    points.append(got.points)
                assert points == sorted(points), (item.id, values, points)

    @_SETTINGS
    @given(data=st.data())
    def test_results_survive_json_and_repeat(self, pack: Pack, data: st.DataObject) -> None:
        _needs_rubrics(pack)
        for rubric in pack.definition.rubrics:
            records = data.draw(
                st.lists(
                    self.records(pack, rubric.collection), max_size=3, unique_by=lambda r: r.key
                ),
                label="records",
            )
            report = score(pack, records, rubric=rubric.id)
            for sheet in report.results:
                again = ScoreSheet.model_validate_json(sheet.model_dump_json())
                assert again == sheet
                assert again.pack == pack.ref and again.pack_hash == pack.content_hash
            assert score(pack, records, rubric=rubric.id) == report
            json.dumps(report.as_json(), ensure_ascii=False)

    @_SETTINGS
    @given(data=st.data())
    def test_check_runs_and_round_trips(self, pack: Pack, data: st.DataObject) -> None:
        collections = pack.collections()
        if not (pack.definition.requirements or pack.definition.group_requirements):
            pytest.skip("the pack has no requirement to check")
        dataset: dict[str, Any] = {}
        for name in collections:
            try:
                strategy = self.records(pack, name)
            except LookupError:
                continue
            records = data.draw(
                st.lists(strategy, max_size=4, unique_by=lambda r: r.key), label=name
            )
            dataset[name] = [r.model_dump(mode="json") for r in records]
        as_of = data.draw(st.dates(dt.date(2016, 1, 1), dt.date(2026, 12, 31)), label="as_of")
        report = check(pack, dataset, as_of=as_of)
        assert not report.rejected
        again = CheckReport.model_validate_json(report.model_dump_json())
        assert again == report
        json.dumps(report.as_json(), ensure_ascii=False)

    def test_reloading_gives_the_same_hash(self, pack: Pack) -> None:
        if pack.file is None:
            pytest.skip("the pack was not loaded from a file")
        fresh = load_pack(pack.file, record_types=pack.record_types)
        assert fresh.content_hash == pack.content_hash
        assert fresh.provisions() == pack.provisions()


def _reported_below_zero(scorer: Scorer, record: Any, more: Any) -> set[str]:
    """Adjustment items whose value ``more`` reports and ``record`` did not, where an unreported
    value scores 0 or is not scored (its ``missing`` reading) and a reported one may score below 0."""
    from .._plan import AdjustmentPlan

    out = set()
    for plan in scorer.plans:
        for item in plan.items:
            body = item.body
            if not isinstance(body, AdjustmentPlan) or body.unreported == "lowest":
                continue
            if body.lowest >= 0:
                continue
            was = all(getattr(record, f) is None for f in body.read)
            now = all(getattr(more, f) is None for f in body.read)
            if was and not now:
                out.add(item.id)
    return out


def _needs_rubrics(pack: Pack) -> None:
    if not pack.definition.rubrics:
        pytest.skip("the pack has no rubric: no points to test")
