"""Named interpretations: where a document is silent or ambiguous.

A pack declares each open question once, with a default and its alternatives,
and every rule that depends on it names it.  A caller overrides any of them
(``--set ID=VALUE`` on the command line, ``interpretations={ID: VALUE}`` in
Python), and every result lists the choices it used.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._errors import ErrorInfo
from ._i18n import Text
from ._provenance import Source
from ._rules import Cited

INTERPRETATION_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class InterpretationError(ErrorInfo, ValueError):
    """An override names an unknown interpretation or a value it does not allow.

    :param message: what is wrong, in Chinese and English.
    :param code: ``unknown_interpretation``, ``unknown_interpretation_value`` or
        ``bad_assignment`` (an override not written ``ID=VALUE``).
    :param interpretation: the interpretation's id, as given.
    :param value: the value given.
    """

    def __init__(
        self,
        message: Text,
        *,
        code: str = "unknown_interpretation_value",
        interpretation: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(f"{message.zh} / {message.en}")
        self.text = message
        self.code = code
        #: the interpretation's id, as given
        self.interpretation = interpretation
        self.value = value
        self.field = "interpretations" if interpretation is None else interpretation


class Alternative(BaseModel):
    """One admissible reading of an open question."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str = Field(min_length=1)
    label: Text


class Interpretation(Cited, BaseModel):
    """An open question in a document, its default reading and the alternatives.

    :param id: dotted identifier, e.g. ``cangnan2022.partial_credit``.
    :param label: the question, in Chinese and English.
    :param kind: ``choice`` (one of ``alternatives``) or ``decimal`` (any number
        between ``minimum`` and ``maximum``; ``alternatives`` are examples).
    :param default: the value used unless overridden.
    :param rationale: why the default was chosen.
    :param source: the passage that leaves the question open.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=INTERPRETATION_ID)
    label: Text
    kind: Literal["choice", "decimal"] = "choice"
    default: str
    alternatives: list[Alternative] = Field(min_length=1)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    rationale: Text | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _default_admissible(self) -> Interpretation:
        values = [a.value for a in self.alternatives]
        if len(set(values)) != len(values):
            raise ValueError(f"interpretation {self.id}: duplicate alternative values")
        if self.default not in values:
            raise ValueError(
                f"interpretation {self.id}: default {self.default!r} not among {values}"
            )
        for value in values:
            self.check(value)
        return self

    @property
    def values(self) -> list[str]:
        """The listed alternative values, the default among them."""
        return [a.value for a in self.alternatives]

    def check(self, value: str) -> str:
        """Return ``value`` normalised, or raise :class:`InterpretationError`."""
        if self.kind == "choice":
            if value not in self.values:
                raise InterpretationError(
                    Text(
                        zh=f"解释口径 {self.id} 不接受取值 {value!r}；可选：{'、'.join(self.values)}",
                        en=f"interpretation {self.id} does not accept {value!r}; "
                        f"choose one of: {', '.join(self.values)}",
                    ),
                    interpretation=self.id,
                    value=value,
                )
            return value
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise InterpretationError(
                Text(
                    zh=f"解释口径 {self.id} 需要一个数值，收到 {value!r}",
                    en=f"interpretation {self.id} takes a number, got {value!r}",
                ),
                interpretation=self.id,
                value=value,
            )
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise InterpretationError(
                Text(
                    zh=f"解释口径 {self.id} 的取值应在 {self.minimum} 到 {self.maximum} 之间，收到 {value}",
                    en=f"interpretation {self.id} takes a value between "
                    f"{self.minimum} and {self.maximum}, got {value}",
                ),
                interpretation=self.id,
                value=value,
            )
        return value

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        if self.source is not None:
            yield owner, self.source

    def describe(self, value: str) -> Text:
        """The label of ``value`` (the value itself for an unlisted decimal)."""
        for alt in self.alternatives:
            if alt.value == value:
                return alt.label
        return Text(zh=value, en=value)


class InterpretationUse(BaseModel):
    """One interpretation as a result used it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    value: str
    default: bool
    label: Text


class Choices:
    """The value of every interpretation of a pack, defaults merged with overrides."""

    __slots__ = ("_by_id", "_values")

    def __init__(
        self, interpretations: Iterable[Interpretation], overrides: Mapping[str, str] | None = None
    ) -> None:
        self._by_id = {i.id: i for i in interpretations}
        self._values = {i.id: i.default for i in self._by_id.values()}
        for key, value in (overrides or {}).items():
            interp = self._by_id.get(key)
            if interp is None:
                known = "、".join(sorted(self._by_id)) or "（无）"
                raise InterpretationError(
                    Text(
                        zh=f"没有名为 {key} 的解释口径；本规则包的解释口径：{known}",
                        en=f"no interpretation named {key}; this pack has: "
                        f"{', '.join(sorted(self._by_id)) or '(none)'}",
                    ),
                    code="unknown_interpretation",
                    interpretation=key,
                    value=str(value),
                )
            self._values[key] = interp.check(str(value))

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def interpretation(self, key: str) -> Interpretation:
        """The interpretation ``key`` (its question and the labels of its values)."""
        return self._by_id[key]

    def note(self, key: str, value: str | None = None) -> Text:
        """The interpretation ``key`` as a result names it for a person: its question and
        the reading taken (``value``, or the one in force).

        ``解释口径：…？——…`` / ``interpretation: …? — …``; a report in Chinese names no
        identifier, so a rule's explanation cites an interpretation this way.
        """
        interp = self._by_id[key]
        answer = interp.describe(self._values[key] if value is None else value)
        return Text(
            zh=f"解释口径：{interp.label.zh}——{answer.zh}",
            en=f"interpretation: {interp.label.en} — {answer.en}",
        )

    def decimal(self, key: str) -> Decimal:
        """The value of ``key`` as a number."""
        return Decimal(self._values[key])

    def uses(self, ids: Iterable[str]) -> list[InterpretationUse]:
        """The :class:`InterpretationUse` records for ``ids``, sorted by id."""
        out = []
        for key in sorted(set(ids)):
            interp = self._by_id[key]
            value = self._values[key]
            out.append(
                InterpretationUse(
                    id=key, value=value, default=value == interp.default, label=interp.label
                )
            )
        return out

    def as_dict(self) -> dict[str, str]:
        """Every value by id."""
        return dict(self._values)


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """Parse ``ID=VALUE`` strings (the CLI's ``--set``) into a mapping."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InterpretationError(
                Text(
                    zh=f"--set 的格式应为 口径编号=取值，收到 {item!r}",
                    en=f"--set takes ID=VALUE, got {item!r}",
                ),
                code="bad_assignment",
                value=item,
            )
        out[key.strip()] = value.strip()
    return out
