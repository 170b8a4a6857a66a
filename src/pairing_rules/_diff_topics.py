"""Requirements compared by meaning: conditions filed under the activity they measure.

Every condition of a requirement is filed under a *topic*: the kind of activity
it measures (lessons, research sessions, teacher exchange, …), the community
types (or scope) it applies to, and its collection.  Under each topic the two
packs' conditions are compared, so that a rule that moved from one requirement
to another, or changed its id, is still matched with its counterpart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, field_serializer, model_validator

from ._conditions import Condition, gate_open
from ._i18n import Text
from ._interpretations import Choices
from ._numbers import format_number
from ._pack import Pack
from ._provenance import Source
from ._words import Vocabulary, vocabulary

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
    #: what it measures, its bound, and the whole condition, in words
    measure: Text
    bound: Text

    @property
    def words(self) -> Text:
        return Text(
            zh=f"{self.measure.zh} {self.bound.zh}", en=f"{self.measure.en} {self.bound.en}"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label.model_dump(),
            "condition": self.text,
            "words": self.words.model_dump(),
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


def _types(*filters: Mapping[str, Any] | None) -> str:
    """The community types a rule applies to; for a rule of every type, its scope if it has one."""
    types = _allowed("type", filters)
    if types != _ANY:
        return types
    return _allowed("scope", filters)


def _allowed(name: str, filters: Iterable[Mapping[str, Any] | None]) -> str:
    allowed: set[str] | None = None
    for spec in filters:
        values = (spec or {}).get(name)
        if not isinstance(values, list):
            continue  # no filter on it, or a range of numbers
        names = {v.value if isinstance(v, Enum) else str(v) for v in values}
        allowed = names if allowed is None else allowed & names
    if allowed is None:
        return _ANY
    return "、".join(sorted(allowed))


def _words(words: Vocabulary, key: str) -> Text:
    """A field or an expression (as rendered) in words."""
    return Text(zh=words.key(key, "zh"), en=words.key(key, "en"))


def _equals(value: bool) -> Text:
    return Text(zh=f"= {'是' if value else '否'}", en=f"= {'yes' if value else 'no'}")


def _condition_text(c: Condition, words: Vocabulary) -> tuple[str, tuple[str, str], Text, Text]:
    """A condition as the pack writes it, its key, and what it measures and its bound in words."""
    if c.field is not None:
        shown = f"{c.field} = {'是' if c.equals else '否'}"
        return shown, (c.field, f"= {c.equals}"), _words(words, c.field), _equals(bool(c.equals))
    expr = c.expr
    assert expr is not None
    parts = []
    if c.at_least is not None:
        parts.append(f"≥ {format_number(c.at_least)}")
    if c.at_most is not None:
        parts.append(f"≤ {format_number(c.at_most)}")
    bound = " ".join(parts)
    return (
        f"{expr.render()} {bound}",
        (expr.render(), bound),
        _words(words, expr.render()),
        # in words as a check report says it: a share's bound as a percentage (≥ 10%)
        Text(zh=c.expected_text("zh"), en=c.expected_text("en")),
    )


def _collect(pack: Pack, choices: Choices) -> _Side:
    side = _Side()
    d = pack.definition
    words = vocabulary(pack)
    for req in d.requirements:
        if not gate_open(req.when, choices):
            continue
        for c in req.conditions:
            if not gate_open(c.when, choices):
                continue
            text, key, measure, bound = _condition_text(c, words)
            # what it measures: its field, or the fields of its expression (a filter on the
            # same field, as ``on_time = true`` for records reporting on_time, is no topic)
            measured = {c.field} if c.field is not None else set()
            if c.value is not None:
                measured |= c.value.fields()
            topic = (
                req.collection,
                _topic_of(measured),
                _types(req.applies_to, c.applies_to),
            )
            side.add(
                topic,
                Stated(f"requirement.{req.id}", c.label, text, c.source, key, measure, bound),
            )
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
                    _words(words, ev.field),
                    _equals(True),
                ),
            )
    return side


class TopicChange(BaseModel):
    """One topic compared between two packs.

    :param a: the conditions (or provisions) of the first pack under the topic, ``None``
        where it has none (in JSON: ``{"conditions": [...]}`` or ``null``).
    :param b: the same, of the second pack.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str
    label: Text
    change: Change
    summary: Text
    a: list[dict[str, Any]] | None
    b: list[dict[str, Any]] | None
    #: every difference of a changed topic: ``{field, label, a, b}``
    details: list[dict[str, Any]] = []

    @field_serializer("a", "b")
    def _side_json(self, side: list[dict[str, Any]] | None) -> dict[str, Any] | None:
        return None if side is None else {"conditions": side}

    @model_validator(mode="before")
    @classmethod
    def _side_read(cls, data: Any) -> Any:
        """A side as JSON writes it (``{"conditions": [...]}``) read back as its list."""
        if not isinstance(data, Mapping):
            return data
        out = dict(data)
        for key in ("a", "b"):
            side = out.get(key)
            if isinstance(side, Mapping) and set(side) == {"conditions"}:
                out[key] = side["conditions"]
        return out

    def as_json(self) -> dict[str, Any]:
        """The JSON of the topic: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def _bounds(stated: list[Stated], lang: str = "zh") -> list[str]:
    """The bounds of the conditions, in words, in the order of their keys."""
    by_key = {s.key[1]: (s.bound.zh if lang == "zh" else s.bound.en) for s in stated}
    return [by_key[k] for k in sorted(by_key)]


def _summary(change: Change, a: list[Stated], b: list[Stated]) -> Text:
    if change is Change.SAME:
        return Text(zh="两份文件的条件相同", en="both documents state the same conditions")
    if change is Change.ADDED:
        return Text(zh="只有后一份文件有此要求", en="only the second document has this rule")
    if change is Change.REMOVED:
        return Text(zh="只有前一份文件有此要求", en="only the first document has this rule")
    fields_a = {s.key[0] for s in a}
    fields_b = {s.key[0] for s in b}

    def measures(stated: list[Stated], lang: str) -> list[str]:
        by_key = {s.key[0]: (s.measure.zh if lang == "zh" else s.measure.en) for s in stated}
        return [by_key[k] for k in sorted(by_key)]

    parts_zh, parts_en = [], []
    if {s.key[1] for s in a} == {s.key[1] for s in b}:
        parts_zh.append(f"门槛不变（{'，'.join(_bounds(a))}）")
        parts_en.append(f"the same thresholds ({', '.join(_bounds(a, 'en'))})")
    else:
        parts_zh.append(f"门槛由 {'，'.join(_bounds(a))} 变为 {'，'.join(_bounds(b))}")
        parts_en.append(
            f"thresholds {', '.join(_bounds(a, 'en'))} become {', '.join(_bounds(b, 'en'))}"
        )
    if fields_a != fields_b:
        parts_zh.append(
            f"计算口径由 {'；'.join(measures(a, 'zh'))} 变为 {'；'.join(measures(b, 'zh'))}"
        )
        parts_en.append(
            f"measured as {'; '.join(measures(b, 'en'))} instead of {'; '.join(measures(a, 'en'))}"
        )
    return Text(zh="，".join(parts_zh), en="; ".join(parts_en))


def _topic_label(topic: tuple[str, ...], words: Vocabulary) -> Text:
    """A topic for a person: what it measures (by the fields' labels), the types, the records."""
    collection, name, types = topic
    extra = {
        "evidence": Text(zh="佐证材料", en="evidence"),
        "membership": Text(zh="成员校", en="member schools"),
        "other": Text(zh="其他要求", en="other rules"),
    }
    if name in TOPICS:
        base = TOPICS[name][1]
    elif name in extra:
        base = extra[name]
    else:  # fields of no known topic: by their labels
        names = name.split("+")
        base = Text(
            zh="、".join(words.field(n, "zh") for n in names),
            en=", ".join(words.field(n, "en") for n in names),
        )
    scope_zh = "所有类型" if types == _ANY else types
    scope_en = (
        "all types" if types == _ANY else ", ".join(words.value(t, "en") for t in types.split("、"))
    )
    noun = words.value(collection, "en")
    return Text(zh=f"{base.zh}（{scope_zh}）", en=f"{base.en} ({scope_en}, {noun})")


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
                label=_topic_label(topic, vocabulary(b if in_b is not None else a)),
                change=change,
                summary=_summary(change, in_a or [], in_b or []),
                a=None if in_a is None else [s.as_json() for s in in_a],
                b=None if in_b is None else [s.as_json() for s in in_b],
            )
        )
    return out
