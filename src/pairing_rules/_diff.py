"""What changed from one document to the next: a provision-level comparison of two packs.

Rules are matched by meaning, not by id: every condition of a requirement or a
rubric item is filed under a *topic*, the kind of activity it measures (lessons,
research sessions, teacher exchange, …) and the community types it applies to.
Under each topic the two packs' conditions are compared; a topic is ``same``
when both state the same conditions, ``changed`` when they differ, ``added`` or
``removed`` when only one pack has it.  Provisions with the same id in both
packs (periods, targets) are compared by value.  With input records, the same
records are checked (or scored) under both packs and the records whose outcome
differs are listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict

from ._conditions import Condition, gate_open
from ._i18n import Text
from ._interpretations import Choices
from ._numbers import format_number
from ._pack import Pack
from ._provenance import Source

#: fields measuring the same kind of activity, with the topic's label
TOPICS: Final[dict[str, tuple[frozenset[str], Text]]] = {
    "lessons": (
        frozenset({"sync_lessons", "offline_demo_lessons"}),
        Text(zh="示范课（同步课堂、送教下乡）节数", en="demonstration lessons"),
    ),
    "subjects": (frozenset({"sync_subjects"}), Text(zh="同步课堂学科数", en="lesson subjects")),
    "research": (
        frozenset({"online_research", "offline_research"}),
        Text(zh="教研活动次数", en="research sessions"),
    ),
    "exchange": (
        frozenset(
            {
                "teachers_barrier_free",
                "teachers_sent",
                "core_teachers",
                "members_with_backbone_teacher",
            }
        ),
        Text(zh="教师交流", en="teacher exchange"),
    ),
    "mentoring": (
        frozenset({"mentors", "mentees", "min_mentoring_activities"}),
        Text(zh="师徒结对", en="mentoring"),
    ),
    "shadow": (
        frozenset({"shadow_teachers", "shadow_months"}),
        Text(zh="异地跟岗", en="shadow training"),
    ),
    "courses": (frozenset({"extension_courses"}), Text(zh="线上拓展课程", en="extension courses")),
    "students": (frozenset({"student_exchanges"}), Text(zh="学生交流活动", en="student exchanges")),
    "satisfaction": (frozenset({"satisfaction"}), Text(zh="群众满意度", en="satisfaction")),
    "timeliness": (frozenset({"on_time"}), Text(zh="按时完成", en="timeliness")),
    "forms": (frozenset({"forms"}), Text(zh="帮扶形式", en="assistance forms")),
    "joint_research": (
        frozenset({"min_semester_research_meetings", "joint_projects"}),
        Text(zh="联合教研与课题", en="joint research"),
    ),
    "secondment": (
        frozenset({"managers_sent", "managers_received"}),
        Text(zh="管理人员挂职", en="secondments"),
    ),
}
_ANY: Final = "*"


class Change(StrEnum):
    """How a topic differs between two packs."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class Stated:
    """One condition (or provision value) as a pack states it."""

    rule: str
    label: Text
    text: str
    source: Source
    key: tuple[str, str]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label.model_dump(),
            "condition": self.text,
            "source": self.source.model_dump(),
        }


@dataclass
class _Side:
    conditions: dict[tuple[str, ...], list[Stated]] = field(default_factory=dict)

    def add(self, topic: tuple[str, ...], stated: Stated) -> None:
        entries = self.conditions.setdefault(topic, [])
        if all(e.key != stated.key or e.rule != stated.rule for e in entries):
            entries.append(stated)


def _topic_of(names: Iterable[str]) -> str:
    names = set(names)
    for topic, (fields, _label) in TOPICS.items():
        if names & fields:
            return topic
    if names == {"members"}:
        return "membership"
    return "+".join(sorted(names)) or "other"


def _types(*filters: Mapping[str, list[Any]] | None) -> str:
    """The community types a rule applies to; for a rule of every type, its scope if it has one."""
    types = _allowed("type", filters)
    if types != _ANY:
        return types
    return _allowed("scope", filters)


def _allowed(name: str, filters: Iterable[Mapping[str, list[Any]] | None]) -> str:
    allowed: set[str] | None = None
    for spec in filters:
        values = (spec or {}).get(name)
        if values is None:
            continue
        names = {v.value if isinstance(v, Enum) else str(v) for v in values}
        allowed = names if allowed is None else allowed & names
    if allowed is None:
        return _ANY
    return "、".join(sorted(allowed))


def _condition_text(c: Condition) -> tuple[str, tuple[str, str]]:
    if c.field is not None:
        shown = f"{c.field} = {'是' if c.equals else '否'}"
        return shown, (c.field, f"= {c.equals}")
    expr = c.expr
    assert expr is not None
    parts = []
    if c.at_least is not None:
        parts.append(f"≥ {format_number(c.at_least)}")
    if c.at_most is not None:
        parts.append(f"≤ {format_number(c.at_most)}")
    bound = " ".join(parts)
    return f"{expr.render()} {bound}", (expr.render(), bound)


def _collect(pack: Pack, choices: Choices) -> _Side:
    side = _Side()
    d = pack.definition
    for req in d.requirements:
        if not gate_open(req.when, choices):
            continue
        for c in req.conditions:
            if not gate_open(c.when, choices):
                continue
            text, key = _condition_text(c)
            topic = (
                req.collection,
                _topic_of(c.fields() - set(c.applies_to or {})),
                _types(req.applies_to, c.applies_to),
            )
            side.add(topic, Stated(f"requirement.{req.id}", c.label, text, c.source, key))
        for ev in req.evidence:
            topic = (req.collection, "evidence", _types(req.applies_to))
            side.add(
                topic,
                Stated(
                    f"requirement.{req.id}",
                    ev.label,
                    f"{ev.field} = 是",
                    ev.source,
                    (ev.field, "= True"),
                ),
            )
    return side


class TopicChange(BaseModel):
    """One topic compared between two packs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    label: Text
    change: Change
    summary: Text
    a: list[dict[str, Any]] | None
    b: list[dict[str, Any]] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "label": self.label.model_dump(),
            "change": self.change.value,
            "summary": self.summary.model_dump(),
            "a": None if self.a is None else {"conditions": self.a},
            "b": None if self.b is None else {"conditions": self.b},
        }


def _bounds(stated: list[Stated]) -> list[str]:
    return sorted({s.key[1] for s in stated})


def _summary(change: Change, a: list[Stated], b: list[Stated]) -> Text:
    if change is Change.SAME:
        return Text(zh="两份文件的条件相同", en="both documents state the same conditions")
    if change is Change.ADDED:
        return Text(zh="只有后一份文件有此要求", en="only the second document has this rule")
    if change is Change.REMOVED:
        return Text(zh="只有前一份文件有此要求", en="only the first document has this rule")
    fields_a = {s.key[0] for s in a}
    fields_b = {s.key[0] for s in b}
    parts_zh, parts_en = [], []
    if _bounds(a) == _bounds(b):
        parts_zh.append(f"门槛不变（{'，'.join(_bounds(a))}）")
        parts_en.append(f"the same thresholds ({', '.join(_bounds(a))})")
    else:
        parts_zh.append(f"门槛由 {'，'.join(_bounds(a))} 变为 {'，'.join(_bounds(b))}")
        parts_en.append(f"thresholds {', '.join(_bounds(a))} become {', '.join(_bounds(b))}")
    if fields_a != fields_b:
        parts_zh.append(
            f"计算口径由 {'；'.join(sorted(fields_a))} 变为 {'；'.join(sorted(fields_b))}"
        )
        parts_en.append(
            f"measured as {'; '.join(sorted(fields_b))} instead of {'; '.join(sorted(fields_a))}"
        )
    return Text(zh="，".join(parts_zh), en="; ".join(parts_en))


def _topic_label(topic: tuple[str, ...]) -> Text:
    collection, name, types = topic
    extra = {
        "evidence": Text(zh="佐证材料", en="evidence"),
        "membership": Text(zh="成员校", en="member schools"),
    }
    base = TOPICS[name][1] if name in TOPICS else extra.get(name, Text(zh=name, en=name))
    scope_zh = "所有类型" if types == _ANY else types
    scope_en = "all types" if types == _ANY else types
    return Text(zh=f"{base.zh}（{scope_zh}）", en=f"{base.en} ({scope_en}, {collection})")


def compare_rules(
    a: Pack, b: Pack, choices_a: Choices | None = None, choices_b: Choices | None = None
) -> list[TopicChange]:
    """Every topic of either pack's requirements, compared."""
    side_a = _collect(a, choices_a or a.choices())
    side_b = _collect(b, choices_b or b.choices())
    out = []
    for topic in sorted(set(side_a.conditions) | set(side_b.conditions)):
        in_a = side_a.conditions.get(topic)
        in_b = side_b.conditions.get(topic)
        if in_a is None:
            change = Change.ADDED
        elif in_b is None:
            change = Change.REMOVED
        elif {s.key for s in in_a} == {s.key for s in in_b}:
            change = Change.SAME
        else:
            change = Change.CHANGED
        out.append(
            TopicChange(
                topic=":".join(topic),
                label=_topic_label(topic),
                change=change,
                summary=_summary(change, in_a or [], in_b or []),
                a=None if in_a is None else [s.as_json() for s in in_a],
                b=None if in_b is None else [s.as_json() for s in in_b],
            )
        )
    return out


def compare_rubrics(a: Pack, b: Pack) -> list[TopicChange]:
    """Rubrics by id: their items and points (a rubric of one pack only is added or removed)."""
    rubrics_a = {r.id: r for r in a.definition.rubrics}
    rubrics_b = {r.id: r for r in b.definition.rubrics}
    out = []
    for key in sorted(set(rubrics_a) | set(rubrics_b)):
        ra, rb = rubrics_a.get(key), rubrics_b.get(key)

        def entries(rubric: Any) -> list[dict[str, Any]]:
            return [
                {
                    "rule": f"rubric.{rubric.id}.{i.id}",
                    "label": i.label.model_dump(),
                    "condition": f"{format_number(i.points)} 分",
                    "source": i.source.model_dump(),
                }
                for i in rubric.items
            ]

        if ra is None or rb is None:
            change = Change.ADDED if ra is None else Change.REMOVED
        else:
            same = [(i.id, i.points) for i in ra.items] == [(i.id, i.points) for i in rb.items]
            change = (
                Change.SAME if same and ra.declared_total == rb.declared_total else Change.CHANGED
            )
        present = rb or ra
        assert present is not None
        total = format_number(present.declared_total)
        out.append(
            TopicChange(
                topic=f"rubric:{key}",
                label=present.label,
                change=change,
                summary=Text(
                    zh=f"考核细则，{len(present.items)} 项，总分 {total}",
                    en=f"rubric of {len(present.items)} items, declared total {total}",
                ),
                a=None if ra is None else entries(ra),
                b=None if rb is None else entries(rb),
            )
        )
    return out


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
    """Two packs compared, and (with input) the records whose outcome differs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    a: str
    b: str
    changes: list[TopicChange]
    replay: list[dict[str, Any]] | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``pairing-rules diff``."""
        return {
            "a": self.a,
            "b": self.b,
            "changes": [c.as_json() for c in self.changes],
            "replay": self.replay,
        }


def _outcomes(
    pack: Pack, data: Any, overrides: Mapping[str, str] | None
) -> dict[tuple[str, str], dict[str, Any]]:
    from ._engine import check
    from ._scoring import as_dataset, score

    dataset = as_dataset(pack, data)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    if pack.definition.requirements:
        report = check(pack, dataset, interpretations=overrides)
        for r in report.results:
            unmet = [
                f.requirement for f in r.findings if f.status.value in ("unmet", "needs_evidence")
            ]
            out[(r.collection, r.id)] = {"passed": r.passed, "unmet": unmet}
    elif pack.definition.rubrics:
        scored = score(pack, dataset, interpretations=overrides)
        for sheet in scored.results:
            out[(pack.definition.rubrics[0].collection, sheet.id)] = {
                "passed": sheet.grade_id != pack.rubric(sheet.rubric).grades.grades[-1].id,
                "grade": sheet.grade,
                "total": float(sheet.total),
            }
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
        checked under each pack (scored, where a pack has no requirements) and every
        record whose outcome differs is listed.
    """
    changes = compare_rules(a, b, a.choices(interpretations_a), b.choices(interpretations_b))
    changes += compare_rubrics(a, b)
    changes += compare_provisions(a, b)
    replay = None
    if data is not None:
        out_a = _outcomes(a, data, interpretations_a)
        out_b = _outcomes(b, data, interpretations_b)
        replay = []
        for key in sorted(set(out_a) & set(out_b)):
            if out_a[key]["passed"] != out_b[key]["passed"]:
                replay.append(
                    {"collection": key[0], "id": key[1], "a": out_a[key], "b": out_b[key]}
                )
    return DiffReport(a=a.ref, b=b.ref, changes=changes, replay=replay)
