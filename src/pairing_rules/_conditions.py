"""Conditions on a record: "at least N", "a share at least p", "a flag is set".

A condition is data (see :class:`Condition`); :meth:`Condition.compile` turns
it into a function of a record, once per pack, so scoring a list of records
pays no per-record set-up.  Rubric items and requirements share conditions.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from ._expr import Expr, RawExpr, dump, parse
from ._i18n import Lang, Text
from ._interpretations import Choices
from ._numbers import Exact, Number, format_number, json_number, to_display
from ._provenance import Source

#: ``{field: [allowed values]}``: which records a rule applies to
FilterSpec = dict[str, list[Any]]
#: ``{interpretation id: value or [values]}``: under which readings a rule holds
WhenSpec = dict[str, str | list[str]]

_YES: Final = Text(zh="是", en="yes")
_NO: Final = Text(zh="否", en="no")
_UNREPORTED: Final = Text(zh="未填报", en="not reported")


def enum_of(model: type[BaseModel], name: str) -> type[Enum] | None:
    """The enum type of field ``name`` of ``model`` (``X | None`` and ``list[X]`` unwrapped)."""
    info = model.model_fields.get(name)
    if info is None:
        return None
    pending: list[Any] = [info.annotation]
    while pending:
        current = pending.pop()
        if isinstance(current, type) and issubclass(current, Enum):
            return current
        origin = typing.get_origin(current)
        if origin in (typing.Union, types.UnionType, list, typing.Annotated):
            pending.extend(typing.get_args(current))
    return None


def compile_filter(spec: FilterSpec | None, model: type[BaseModel]) -> Callable[[Any], bool] | None:
    """A predicate for ``applies_to``; ``None`` when the spec is empty.

    Values are read through the field's enum, so ``融合性`` matches 融合型.
    """
    from ._plan import filter_plan  # the plan module builds on this one

    plan = filter_plan(spec, model)
    if plan is None:
        return None
    checks = plan.checks
    if len(checks) == 1:
        ((only, allowed_values),) = checks

        def single(record: Any) -> bool:
            return getattr(record, only) in allowed_values

        return single

    def predicate(record: Any) -> bool:
        return all(getattr(record, name) in values for name, values in checks)

    return predicate


def gate_open(when: WhenSpec | None, choices: Choices) -> bool:
    """Whether a rule gated by ``when`` holds under ``choices``."""
    if not when:
        return True
    for key, wanted in when.items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if choices[key] not in allowed:
            return False
    return True


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """A condition evaluated on one record."""

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

    def describe(self, lang: Lang = "zh") -> str:
        """``节数 19，要求 ≥ 20`` / ``lessons 19, required ≥ 20``."""
        if lang == "en":
            return f"{self.label.en} {describe_observed(self.observed, 'en')}, required {self.expected_en or self.expected}"
        return f"{self.label.zh} {describe_observed(self.observed)}，要求 {self.expected}"

    def as_json(self) -> dict[str, Any]:
        observed: Any = self.observed
        if isinstance(observed, int | Decimal) and not isinstance(observed, bool):
            observed = json_number(observed)
        return {
            "label": _dumped(self.label),
            "observed": observed,
            "expected": self.expected,
            "met": self.met,
            "source": _dumped(self.source),
        }


@functools.lru_cache(maxsize=4096)
def _cached_dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump()


def _dumped(model: BaseModel) -> dict[str, Any]:
    """``model.model_dump()`` of an immutable label or source, computed once (a fresh dict each call)."""
    return dict(_cached_dump(model))


class Condition(BaseModel):
    """One condition: ``value`` at least (or at most) a number, or ``field`` equal to a value.

    :param value: an expression (see :mod:`pairing_rules._expr`) for numeric conditions.
    :param at_least: the smallest value that meets the condition.
    :param at_most: the largest value that meets the condition.
    :param field: a yes/no field for flag conditions, with ``equals``.
    :param applies_to: only records matching this filter are held to the condition.
    :param when: only under these interpretation values does the condition hold.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Text
    value: RawExpr | None = None
    at_least: Decimal | None = None
    at_most: Decimal | None = None
    field: str | None = None
    equals: bool | None = None
    applies_to: FilterSpec | None = None
    when: WhenSpec | None = None
    source: Source

    @field_validator("value", mode="before")
    @classmethod
    def _parse_value(cls, raw: Any) -> Any:
        if raw is None:
            return None
        return dump(parse(raw))

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
        return parse(self.value) if self.value is not None else None

    def fields(self) -> set[str]:
        """Fields the condition reads (filters included)."""
        out = set(self.applies_to or {})
        if self.field is not None:
            out.add(self.field)
        expr = self.expr
        if expr is not None:
            out |= expr.fields()
        return out

    def expected_text(self, lang: Lang = "zh") -> str:
        """``≥ 20``, ``≤ 3``, ``≥ 0.1 且 ≤ 1`` or ``= 是`` (``= yes`` in English)."""
        if self.field is not None:
            return f"= {(_YES if self.equals else _NO).get(lang)}"
        parts = []
        if self.at_least is not None:
            parts.append(f"≥ {format_number(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"≤ {format_number(self.at_most)}")
        return (" 且 " if lang == "zh" else " and ").join(parts)

    def compile(self, model: type[BaseModel]) -> CompiledCondition:
        """Compile against the record type ``model`` (field names are checked)."""
        unknown = {f for f in self.fields() if f not in model.model_fields}
        if unknown:
            raise ValueError(f"condition {self.label.en!r} reads unknown fields {sorted(unknown)}")
        return CompiledCondition(self, model)


class CompiledCondition:
    """A :class:`Condition` ready to evaluate on records of one type."""

    __slots__ = ("applies", "evaluate", "spec")

    def __init__(self, spec: Condition, model: type[BaseModel]) -> None:
        self.spec = spec
        self.applies = compile_filter(spec.applies_to, model)
        expected = spec.expected_text()
        expected_en = spec.expected_text("en")
        label, source = spec.label, spec.source
        if spec.field is not None:
            name, wanted = spec.field, spec.equals

            def flag(record: Any) -> ConditionResult:
                actual = getattr(record, name)
                met = actual is wanted
                return ConditionResult(
                    label, actual, expected, met, Decimal(met), source, expected_en, Fraction(met)
                )

            self.evaluate: Callable[[Any], ConditionResult] = flag
            return
        expr = spec.expr
        assert expr is not None
        getter = expr.compile_exact()
        low, high = spec.at_least, spec.at_most
        # a bare field that is not reported is "not reported", not zero
        bare = expr.name if expr.op == "field" else None
        zero = Fraction(0)

        def numeric(record: Any) -> ConditionResult:
            value = None if bare is not None and getattr(record, bare) is None else getter(record)
            if value is None:
                return ConditionResult(
                    label, None, expected, False, Decimal(0), source, expected_en, zero
                )
            met = (low is None or value >= low) and (high is None or value <= high)
            exact = condition_fraction_exact(value, met, low, high)
            fraction = Decimal(exact.numerator) / Decimal(exact.denominator)
            observed = to_display(value)
            return ConditionResult(
                label, observed, expected, met, fraction, source, expected_en, exact
            )

        self.evaluate = numeric

    def holds_for(self, record: Any, choices: Choices) -> bool:
        """Whether the record is held to this condition under ``choices``."""
        if not gate_open(self.spec.when, choices):
            return False
        return self.applies is None or self.applies(record)


def describe_observed(value: Number | bool | None, lang: Lang = "zh") -> str:
    """An observed value for a person (是/否, a number, or 未填报; yes/no/not reported in English)."""
    if value is None:
        return _UNREPORTED.get(lang)
    if isinstance(value, bool):
        return (_YES if value else _NO).get(lang)
    return format_number(value)


def filter_json(spec: Mapping[str, list[Any]] | None) -> dict[str, list[Any]] | None:
    """A filter with enum members as their values, for JSON."""
    if spec is None:
        return None
    return {k: [v.value if isinstance(v, Enum) else v for v in vals] for k, vals in spec.items()}


def condition_fraction_exact(
    value: Exact, met: bool, low: Decimal | None, high: Decimal | None
) -> Fraction:
    """How far ``value`` is towards a numeric condition, in 0..1, exactly.

    1 when met; ``value ÷ at_least`` (within 0..1) when below a positive
    ``at_least`` and not above ``at_most``; otherwise 0.
    """
    if met:
        return Fraction(1)
    if low is not None and low > 0 and (high is None or value <= high):
        share = Fraction(value) / Fraction(low)
        return max(Fraction(0), min(Fraction(1), share))
    return Fraction(0)
