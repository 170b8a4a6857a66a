"""What changed from one document to the next: every rule of two packs, compared.

Requirements are matched by meaning, not by id: every condition of a
requirement is filed under a *topic*, the kind of activity it measures
(lessons, research sessions, teacher exchange, …) and the community types it
applies to.  Under each topic the two packs' conditions are compared; a topic
is ``same`` when both state the same conditions, ``changed`` when they differ,
``added`` or ``removed`` when only one pack has it.

Everything else is matched by id and compared key by key (see
:mod:`._diff_views`): each rubric (declared total, scope, items), each of its
items (points, every condition's measure, bounds, filters and ``when``, an
adjustment's base, pivot, step, per and bounds, …), its grades (bands per
interpretation value, basis) and vetoes; interpretations (added, removed, a
changed default or alternatives); group rules; quota tables (rows, sums,
formula); milestones (dates, progress, target shares); reference tables
(columns, row count, changed rows); stated figures; and provisions by value.
A changed topic lists every difference as a detail.

With input records, the same records are checked and scored under both packs,
whatever their periods (as with ``outside_period=True``; each sheet says where its
year stands): ``replay`` lists the records whose check outcome differs, ``scores`` every
record whose total or grade changes, with the items responsible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from . import _diff_views as views
from ._contract import CONTRACT_VERSION
from ._diff_rubrics import compare_rubrics, side_entry, topic_change
from ._diff_topics import TOPICS, Change, TopicChange, compare_rules
from ._diff_words import (
    SideWords,
    due_words,
    interpretation_words,
)
from ._i18n import Text
from ._numbers import format_number, json_number
from ._pack import Pack
from ._words import kind_label

__all__ = ["TOPICS", "Change", "DiffReport", "TopicChange", "compare_rules", "diff"]


def _compare_by_id(
    kind: str,
    entries_a: Any,
    entries_b: Any,
    make: Any,
    shown: Any,
    what: Text,
    names: tuple[views.Names, views.Names] | None = None,
    *,
    packs: tuple[Pack, Pack],
    words: Any,
    match: tuple[views.Names, views.Names] | None = None,
) -> list[TopicChange]:
    """Entries of one kind matched by id, compared by ``make`` (a view of each).

    :param names: each pack's interpretation ids without its prefix, for the values.
    :param match: the same, for the ids of the entries themselves (interpretations):
        ``cangnan2022.partial_credit`` and ``cangnan2023.partial_credit`` are one entry.
    :param words: an entry in words (``words(side_words, entry) -> Text``).
    """
    match_a, match_b = match or ({}, {})
    by_a = {match_a.get(e.id, e.id): e for e in entries_a}
    by_b = {match_b.get(e.id, e.id): e for e in entries_b}
    out = []
    for matched in sorted(set(by_a) | set(by_b)):
        ea, eb = by_a.get(matched), by_b.get(matched)
        present = eb or ea
        assert present is not None
        key = present.id

        say = (
            SideWords(packs[0], interpretation=ea if kind == "interpretation" else None),
            SideWords(packs[1], interpretation=eb if kind == "interpretation" else None),
        )

        def side(entry: Any, say: SideWords) -> tuple[views.View, list[dict[str, Any]]]:
            return make(entry), [
                side_entry(
                    f"{kind}.{entry.id}",
                    entry.label,
                    shown(entry),
                    getattr(entry, "source", None),
                    words(say, entry),
                )
            ]

        out.append(
            topic_change(
                f"{kind}:{key}",
                present.label,
                None if ea is None else side(ea, say[0]),
                None if eb is None else side(eb, say[1]),
                names=names,
                say=say,
                what=what,
            )
        )
    return out


def compare_interpretations(a: Pack, b: Pack) -> list[TopicChange]:
    """Interpretations by id: added, removed, a changed default, kind, bounds or alternatives."""
    return _compare_by_id(
        "interpretation",
        a.definition.interpretations,
        b.definition.interpretations,
        views.interpretation_view,
        lambda i: f"默认 {i.default}；可选 {'、'.join(i.values)}",
        Text(zh="解释口径", en="interpretation"),
        packs=(a, b),
        words=interpretation_words,
        match=(views.interpretation_names(a), views.interpretation_names(b)),
    )


def compare_groups(a: Pack, b: Pack) -> list[TopicChange]:
    """Group rules (shares, distinct counts, rates) by id."""
    return _compare_by_id(
        "group",
        a.definition.group_requirements,
        b.definition.group_requirements,
        views.group_view,
        lambda g: g.kind,
        Text(zh="汇总要求", en="group rule"),
        (views.interpretation_names(a), views.interpretation_names(b)),
        packs=(a, b),
        words=lambda w, g: kind_label(f"group_{g.kind}", w.pack),
    )


def compare_quotas(a: Pack, b: Pack) -> list[TopicChange]:
    """Quota tables by id: each row's number, the printed sums, the formula."""
    return _compare_by_id(
        "quota",
        a.definition.quotas,
        b.definition.quotas,
        views.quota_view,
        lambda q: f"{len(q.rows)} 行，合计 {q.total()}",
        Text(zh="定额表", en="quota table"),
        (views.interpretation_names(a), views.interpretation_names(b)),
        packs=(a, b),
        words=lambda w, q: Text(
            zh=f"{len(q.rows)} 行，合计 {q.total()}", en=f"{len(q.rows)} rows, total {q.total()}"
        ),
    )


def compare_milestones(a: Pack, b: Pack) -> list[TopicChange]:
    """Milestones by id: the date, the progress value and the target share."""
    return _compare_by_id(
        "milestone",
        a.definition.milestones,
        b.definition.milestones,
        views.milestone_view,
        lambda m: m.due.isoformat() if m.due is not None else str(m.month),
        Text(zh="时间节点", en="milestone"),
        packs=(a, b),
        words=lambda w, m: due_words(m),
    )


def compare_tables(a: Pack, b: Pack) -> list[TopicChange]:
    """Reference tables by id: columns, row count and every changed row."""
    return _compare_by_id(
        "table",
        a.definition.tables,
        b.definition.tables,
        views.table_view,
        lambda t: f"{len(t.columns)} 列，{len(t.rows)} 行",
        Text(zh="参考表", en="table"),
        packs=(a, b),
        words=lambda w, t: Text(
            zh=f"{len(t.columns)} 列，{len(t.rows)} 行",
            en=f"{len(t.columns)} columns, {len(t.rows)} rows",
        ),
    )


def compare_figures(a: Pack, b: Pack) -> list[TopicChange]:
    """Figures the document states about its lists, by id."""
    return _compare_by_id(
        "figure",
        a.definition.figures,
        b.definition.figures,
        views.figure_view,
        lambda f: format_number(f.stated),
        Text(zh="文件表述的数字", en="stated figure"),
        packs=(a, b),
        words=lambda w, f: Text(zh=format_number(f.stated), en=format_number(f.stated)),
    )


def compare_provisions(a: Pack, b: Pack) -> list[TopicChange]:
    """Provisions (facts) with the same id in both packs, compared by value."""
    facts_a = {f.id: f for f in a.definition.provisions}
    facts_b = {f.id: f for f in b.definition.provisions}
    out = []
    for key in sorted(set(facts_a) & set(facts_b)):
        fa, fb = facts_a[key], facts_b[key]
        change = Change.SAME if fa.value == fb.value else Change.CHANGED
        summary = (
            Text(zh="取值相同", en="the same value")
            if change is Change.SAME
            else Text(zh=f"由 {fa.value} 变为 {fb.value}", en=f"{fa.value} becomes {fb.value}")
        )
        out.append(
            TopicChange(
                topic=f"provision:{key}",
                label=fb.label,
                change=change,
                summary=summary,
                a=[
                    {
                        "rule": key,
                        "label": fa.label.model_dump(),
                        "value": fa.value,
                        "source": fa.source.model_dump(),
                    }
                ],
                b=[
                    {
                        "rule": key,
                        "label": fb.label.model_dump(),
                        "value": fb.value,
                        "source": fb.source.model_dump(),
                    }
                ],
            )
        )
    return out


class DiffReport(BaseModel):
    """Two packs compared, and (with input) the records whose outcome differs.

    Its JSON (``pairing-rules diff --format json``) is ``model_dump(mode="json")``.

    :param change_counts: how many topics are added, removed, changed and the same
        (``counts`` in JSON; made from ``changes``).
    :param replay: the records whose check outcome (passed or not) differs.
    :param scores: the records whose rubric, total or grade differs, with the items responsible.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        serialize_by_alias=True,
        validate_by_name=True,
        validate_by_alias=True,
        json_schema_serialization_defaults_required=True,
    )

    contract: str = CONTRACT_VERSION
    a: str
    b: str
    change_counts: dict[str, int] = Field(default_factory=dict, alias="counts")
    changes: list[TopicChange]
    replay: list[dict[str, Any]] | None = None
    scores: list[dict[str, Any]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _counts_of_changes(cls, data: Any) -> Any:
        """``counts`` is always made from ``changes``, whatever was given."""
        if not isinstance(data, Mapping) or not isinstance(data.get("changes"), list):
            return data
        out = {c.value: 0 for c in Change}
        for change in data["changes"]:
            kind = change.change if isinstance(change, TopicChange) else change.get("change")
            if kind in out:
                out[str(kind)] += 1
        rest = {k: v for k, v in data.items() if k not in ("counts", "change_counts")}
        return {**rest, "counts": out}

    def counts(self) -> dict[str, int]:
        """How many topics are added, removed, changed and the same."""
        return dict(self.change_counts)

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules diff``: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def _outcomes(
    pack: Pack, data: Any, overrides: Mapping[str, str] | None
) -> dict[tuple[str, str], dict[str, Any]]:
    from ._engine import check
    from ._scoring import as_dataset, score

    dataset = as_dataset(pack, data)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    # a replay runs the same records under two packs, whatever their periods: that is its point
    if pack.definition.requirements:
        report = check(pack, dataset, interpretations=overrides, outside_period=True)
        for r in report.results:
            unmet = [
                f.requirement for f in r.findings if f.status.value in ("unmet", "needs_evidence")
            ]
            out[(r.collection, r.id)] = {"passed": r.passed, "unmet": unmet}
    elif pack.definition.rubrics:
        scored = score(pack, dataset, interpretations=overrides, outside_period=True)
        for sheet in scored.results:
            out[(pack.definition.rubrics[0].collection, sheet.id)] = {
                "passed": sheet.grade_id != pack.rubric(sheet.rubric).grades.grades[-1].id,
                "grade": sheet.grade,
                "total": float(sheet.total),
            }
    return out


def _sheets(
    pack: Pack, data: Any, overrides: Mapping[str, str] | None
) -> dict[tuple[str, str], Any]:
    """Every record's score sheet under ``pack`` (none where the pack has no rubric)."""
    from ._scoring import as_dataset, score

    if not pack.definition.rubrics:
        return {}
    report = score(pack, as_dataset(pack, data), interpretations=overrides, outside_period=True)
    return {(pack.rubric(s.rubric).collection, s.id): s for s in report.results}


def _score_side(sheet: Any) -> dict[str, Any] | None:
    if sheet is None:
        return None
    return {
        "rubric": sheet.rubric,
        "total": json_number(sheet.total),
        "max": json_number(sheet.max),
        "grade": sheet.grade,
        "grade_en": sheet.grade_en,
        "grade_id": sheet.grade_id,
    }


def score_changes(
    a: Pack,
    b: Pack,
    data: Any,
    interpretations_a: Mapping[str, str] | None = None,
    interpretations_b: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every record whose rubric, total or grade differs between the packs, and the items responsible.

    An item is responsible when its points differ (or it is in one rubric only).
    """
    sheets_a = _sheets(a, data, interpretations_a)
    sheets_b = _sheets(b, data, interpretations_b)
    out = []
    for key in sorted(set(sheets_a) | set(sheets_b)):
        sa, sb = sheets_a.get(key), sheets_b.get(key)
        side_a, side_b = _score_side(sa), _score_side(sb)
        if side_a is not None and side_b is not None:
            keep = ("rubric", "total", "grade_id")
            if all(side_a[k] == side_b[k] for k in keep):
                continue
        items_a = {i.id: i for i in (sa.items if sa is not None else [])}
        items_b = {i.id: i for i in (sb.items if sb is not None else [])}
        items = []
        for item_id in dict.fromkeys([*items_a, *items_b]):
            ia, ib = items_a.get(item_id), items_b.get(item_id)
            pa = None if ia is None else json_number(ia.points)
            pb = None if ib is None else json_number(ib.points)
            if pa == pb:
                continue
            present = ib or ia
            assert present is not None
            items.append(
                {
                    "id": item_id,
                    "label": present.label.model_dump(),
                    "a": pa,
                    "b": pb,
                    "reason_a": None if ia is None else ia.reason.model_dump(),
                    "reason_b": None if ib is None else ib.reason.model_dump(),
                }
            )
        out.append({"collection": key[0], "id": key[1], "a": side_a, "b": side_b, "items": items})
    return out


def diff(
    a: Pack,
    b: Pack,
    *,
    data: Any = None,
    interpretations_a: Mapping[str, str] | None = None,
    interpretations_b: Mapping[str, str] | None = None,
) -> DiffReport:
    """Compare pack ``a`` with pack ``b``; with ``data``, replay the records under both.

    :param data: an input object (``{"communities": [...]}``) or a dataset; records are
        checked under each pack (``replay``: every record whose outcome differs) and
        scored under each pack (``scores``: every record whose total or grade differs).
    """
    changes = compare_rules(a, b, a.choices(interpretations_a), b.choices(interpretations_b))
    changes += compare_rubrics(a, b)
    changes += compare_interpretations(a, b)
    changes += compare_groups(a, b)
    changes += compare_quotas(a, b)
    changes += compare_milestones(a, b)
    changes += compare_tables(a, b)
    changes += compare_figures(a, b)
    changes += compare_provisions(a, b)
    replay = None
    scores = None
    if data is not None:
        scores = score_changes(a, b, data, interpretations_a, interpretations_b)
        out_a = _outcomes(a, data, interpretations_a)
        out_b = _outcomes(b, data, interpretations_b)
        replay = []
        for key in sorted(set(out_a) & set(out_b)):
            if out_a[key]["passed"] != out_b[key]["passed"]:
                replay.append(
                    {"collection": key[0], "id": key[1], "a": out_a[key], "b": out_b[key]}
                )
    return DiffReport(a=a.ref, b=b.ref, changes=changes, replay=replay, scores=scores)
