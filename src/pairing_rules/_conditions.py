"""Conditions on a record: "at least N", "a share at least p", "a flag is set".

A :class:`Condition` is what a pack file writes; :meth:`Condition.bind`
resolves it for one record type into a :class:`~pairing_rules._plan.ConditionPlan`
(plain data), which the interpreter evaluates and the table compiler compiles.
Rubric items, requirements and vetoes share conditions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, model_validator

from ._expr import Expr, Expression
from ._fields import RecordSpec
from ._i18n import Lang, Text
from ._interpretations import Choices
from ._numbers import Number, format_number, json_number
from ._plan import ConditionPlan, FilterPlan, RangePlan
from ._provenance import Source
from ._rules import Provision, Reading, filter_json, jsonable


class Range(BaseModel):
    """A range of numbers a filter allows: ``{at_least: 2020}``, ``{at_least: 2016, at_most: 2020}``.

    :param at_least: the smallest value allowed (inclusive).
    :param at_most: the largest value allowed (inclusive).
    :param blank: whether a record without a value is allowed too (default: not).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    at_least: Decimal | None = None
    at_most: Decimal | None = None
    blank: bool = False

    @model_validator(mode="after")
    def _bounded(self) -> Range:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a range needs `at_least` or `at_most`")
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(f"an empty range: {self.at_least} > {self.at_most}")
        return self

    def covers(self, value: Any) -> bool:
        """Whether ``value`` passes (``None``: only when ``blank``)."""
        if value is None:
            return self.blank
        return (self.at_least is None or value >= self.at_least) and (
            self.at_most is None or value <= self.at_most
        )

    def render(self, lang: Lang = "zh") -> str:
        """``≥ 2020``, ``2016–2020``; ``或未填报`` / ``or not reported`` when blank passes."""
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {format_number(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"≤ {format_number(self.at_most)}")
        text = (" 且 " if lang == "zh" else " and ").join(parts)
        if self.blank:
            text += f"{'，或' if lang == 'zh' else ', or '}{_UNREPORTED.get(lang)}"
        return text


#: ``{field: [allowed values]}`` or ``{field: {at_least: …, at_most: …}}``: which records a rule
#: applies to
FilterSpec = dict[str, list[Any] | Range]
#: ``{interpretation id: value or [values]}``: under which readings a rule holds
WhenSpec = dict[str, str | list[str]]

_YES: Final = Text(zh="是", en="yes")
_NO: Final = Text(zh="否", en="no")
_UNREPORTED: Final = Text(zh="未填报", en="not reported")


def gate_open(when: WhenSpec | None, choices: Choices) -> bool:
    """Whether a rule gated by ``when`` holds under ``choices``."""
    if not when:
        return True
    for key, wanted in when.items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if choices[key] not in allowed:
            return False
    return True


def bind_filter(spec: FilterSpec | None, record: RecordSpec) -> FilterPlan | None:
    """The plan of an ``applies_to`` filter (``None`` when there is none).

    Values are read through the field's vocabulary, so ``融合性`` matches 融合型.

    :raises ValueError: for an unknown field or a value outside the vocabulary.
    """
    if not spec:
        return None
    checks: list[tuple[str, frozenset[Any] | RangePlan]] = []
    for name, allowed in spec.items():
        field = record.fields.get(name)
        if field is None:
            raise ValueError(f"applies_to names unknown field {name!r} of {record.model.__name__}")
        if isinstance(allowed, Range):
            if field.kind not in ("int", "decimal"):
                raise ValueError(f"a range filter needs a number; {name!r} is {field.kind}")
            checks.append((name, RangePlan(allowed.at_least, allowed.at_most, allowed.blank)))
            continue
        enum = field.enum if field.kind == "enum" else None
        checks.append((name, frozenset(enum(v) if enum is not None else v for v in allowed)))
    return FilterPlan(tuple(checks))


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """A condition evaluated on one record, for an explanation."""

    label: Text
    observed: Number | bool | None
    expected: str
    met: bool
    #: how far towards the condition the record is, in 0..1 (1 when met)
    fraction: Decimal
    source: Source
    #: ``expected`` for an English message (``= yes`` where ``expected`` says ``= 是``)
    expected_en: str = ""
    #: ``fraction`` exactly (partial credit is computed from it and rounded once)
    exact_fraction: Fraction | None = None
    #: the observed value is a share, shown as a percentage (``5.8%``)
    share: bool = False
    #: the bounds the observed value is compared with (for a share's precision)
    bounds: tuple[Decimal | None, ...] = ()

    def shown(self, lang: Lang = "zh") -> str:
        """The observed value for a person: a share as a percentage, a number, 是/否 or 未填报."""
        observed = self.observed
        if self.share and isinstance(observed, int | Decimal) and not isinstance(observed, bool):
            from ._words import share_text

            return share_text(observed, *self.bounds)
        return describe_observed(observed, lang)

    def describe(self, lang: Lang = "zh") -> str:
        """``节数 19，要求 ≥ 20`` / ``lessons 19, required ≥ 20``."""
        if lang == "en":
            return (
                f"{self.label.en} {self.shown('en')}, required {self.expected_en or self.expected}"
            )
        return f"{self.label.zh} {self.shown()}，要求 {self.expected}"

    def as_json(self) -> dict[str, Any]:
        observed: Any = self.observed
        if isinstance(observed, int | Decimal) and not isinstance(observed, bool):
            observed = json_number(observed)
        return {
            "label": self.label.model_dump(),
            "observed": observed,
            "expected": self.expected,
            "met": self.met,
            "source": self.source.model_dump(),
        }


class Condition(BaseModel):
    """One condition: ``value`` at least (or at most) a number, or ``field`` equal to a value.

    :param value: what is measured, for numeric conditions: an expression of the
        record's fields (a field, a number, or ``{sum|sub|mul|div|floordiv|min|max:
        [...]}``, ``{count: field}``), parsed once when the pack is read.
    :param at_least: the smallest value that meets the condition.
    :param at_most: the largest value that meets the condition.
    :param field: a yes/no field for flag conditions, with ``equals``.
    :param applies_to: only records matching this filter are held to the condition.
    :param when: only under these interpretation values does the condition hold.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Text
    value: Expression | None = None
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    field: str | None = None
    equals: bool | None = None
    applies_to: FilterSpec | None = None
    when: WhenSpec | None = None
    source: Source

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        numeric = self.value is not None
        flag = self.field is not None
        if numeric == flag:
            raise ValueError("a condition has either `value` (numeric) or `field` (flag)")
        if numeric and self.at_least is None and self.at_most is None:
            raise ValueError("a numeric condition needs `at_least` or `at_most`")
        if flag and self.equals is None:
            raise ValueError("a flag condition needs `equals`")
        return self

    @property
    def expr(self) -> Expr | None:
        """The parsed expression of a numeric condition."""
        return self.value

    def fields(self) -> set[str]:
        """Fields the condition reads (filters included)."""
        out = set(self.applies_to or {})
        if self.field is not None:
            out.add(self.field)
        if self.value is not None:
            out |= self.value.fields()
        return out

    def key(self) -> str:
        """How findings name what the condition reads: the field, or the expression."""
        if self.field is not None:
            return self.field
        assert self.value is not None
        return self.value.render()

    def expected_text(self, lang: Lang = "zh") -> str:
        """``≥ 20``, ``≤ 3``, ``≥ 0.1 且 ≤ 1`` or ``= 是`` (``= yes`` in English)."""
        if self.field is not None:
            return f"= {(_YES if self.equals else _NO).get(lang)}"
        from ._words import is_share, share_text

        shown = share_text if is_share(self.value) else format_number
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {shown(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"≤ {shown(self.at_most)}")
        return (" 且 " if lang == "zh" else " and ").join(parts)

    # -- the rule protocol ---------------------------------------------------------------

    def bind(self, record: RecordSpec) -> ConditionPlan:
        """The plan of the condition for records of one type.

        :raises ValueError: when it reads a field the record type does not have.
        """
        unknown = {f for f in self.fields() if f not in record.fields}
        if unknown:
            raise ValueError(f"condition {self.label.en!r} reads unknown fields {sorted(unknown)}")
        expr = self.value
        return ConditionPlan(
            label=self.label,
            source=self.source,
            applies=bind_filter(self.applies_to, record),
            field=self.field,
            equals=self.equals,
            expr=expr,
            bare=expr.name if expr is not None and expr.op == "field" else None,
            at_least=self.at_least,
            at_most=self.at_most,
            key=self.key(),
            expected_zh=self.expected_text("zh"),
            expected_en=self.expected_text("en"),
            reads=tuple(sorted(expr.fields())) if expr is not None else (self.field or "",),
        )

    def rule_value(self) -> dict[str, Any]:
        """The condition as ``show`` lists it (an expression rendered as text)."""
        out: dict[str, Any] = {}
        if self.field is not None:
            out["field"] = self.field
            out["equals"] = self.equals
        else:
            assert self.value is not None
            out["value"] = self.value.render()
            if self.at_least is not None:
                out["at_least"] = jsonable(self.at_least)
            if self.at_most is not None:
                out["at_most"] = jsonable(self.at_most)
        if self.applies_to:
            out["applies_to"] = filter_json(self.applies_to)
        if self.when:
            out["when"] = self.when
        return out

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        yield owner, self.source

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="condition",
            label=self.label,
            value=self.rule_value(),
            source=self.source,
        )

    def readings(self, owner: str) -> Iterator[Reading]:
        return iter(())

    def interpretation_ids(self) -> set[str]:
        return set(self.when or {})


def describe_observed(value: Number | bool | None, lang: Lang = "zh") -> str:
    """An observed value for a person (是/否, a number, or 未填报; yes/no/not reported in English)."""
    if value is None:
        return _UNREPORTED.get(lang)
    if isinstance(value, bool):
        return (_YES if value else _NO).get(lang)
    return format_number(value)


def condition_results(
    plans: tuple[ConditionPlan, ...], details: tuple[tuple[int, Any, bool], ...]
) -> list[ConditionResult]:
    """The explanation of the conditions that applied, from what the interpreter recorded."""
    from ._interpret_values import condition_fraction
    from ._numbers import to_display

    out = []
    for index, value, met in details:
        plan = plans[index]
        if plan.field is not None:
            exact = Fraction(int(met))
            observed: Any = value
        elif value is None:
            exact = Fraction(0)
            observed = None
        else:
            exact = condition_fraction(value, met, plan.at_least, plan.at_most)
            observed = to_display(value)
        out.append(
            ConditionResult(
                plan.label,
                observed,
                plan.expected_zh,
                met,
                Decimal(exact.numerator) / Decimal(exact.denominator),
                plan.source,
                plan.expected_en,
                exact,
                plan.expr is not None and plan.expr.op == "div",
                (plan.at_least, plan.at_most),
            )
        )
    return out
