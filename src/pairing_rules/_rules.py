"""What every kind of rule knows about itself.

Every part of a pack definition that encodes something of the document
(provisions, interpretations, rubrics and their items, requirements, group
rules, quotas, milestones, tables, figures, conflicts) implements one small
protocol, :class:`Rule`:

- :meth:`~Rule.citations`: every passage it cites, with the id of what cites it;
- :meth:`~Rule.provisions`: what ``pairing-rules show`` lists for it;
- :meth:`~Rule.readings`: the record fields it reads, per collection;
- :meth:`~Rule.interpretation_ids`: the interpretations its results depend on.

Rules that evaluate records also ``bind`` to interpretation choices, giving a
plan (:mod:`pairing_rules._plan`).  A pack, its documentation, its templates
and its checks ask the rules through this protocol instead of walking the
definition each in its own way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any, NamedTuple, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from ._i18n import Text
from ._numbers import json_number
from ._provenance import Source


class Provision(BaseModel):
    """One encoded provision as ``show`` lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    kind: str
    label: Text
    value: Any
    source: Source


class Reading(NamedTuple):
    """Fields of a collection that a rule reads, and the rule (its id, label and source)."""

    collection: str
    rule: str
    label: Text
    source: Source
    fields: frozenset[str]


@runtime_checkable
class Rule(Protocol):
    """The protocol every kind of rule implements (see the module's description)."""

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        """Every passage the rule cites, with the id of what cites it (under ``owner``)."""
        ...

    def provisions(self, owner: str) -> Iterator[Provision]:
        """What ``show`` lists for the rule."""
        ...

    def readings(self, owner: str) -> Iterator[Reading]:
        """The record fields the rule reads, per collection."""
        ...

    def interpretation_ids(self) -> set[str]:
        """The interpretations the rule's results depend on."""
        ...


class Cited:
    """A rule that cites one passage and reads no record: a default implementation."""

    def citations(self, owner: str) -> Iterator[tuple[str, Source]]:
        source = getattr(self, "source", None)
        if isinstance(source, Source):
            yield owner, source

    def provisions(self, owner: str) -> Iterator[Provision]:
        return iter(())

    def readings(self, owner: str) -> Iterator[Reading]:
        return iter(())

    def interpretation_ids(self) -> set[str]:
        return set()


def jsonable(value: Any) -> Any:
    """A value as JSON (a decimal as a JSON number, a model as its JSON, a term as its value)."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Enum):
        return value.value
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def filter_json(spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A filter with vocabulary terms as their values (a range as its bounds), for JSON."""
    if spec is None:
        return None
    out: dict[str, Any] = {}
    for key, allowed in spec.items():
        if isinstance(allowed, BaseModel):
            bounds = allowed.model_dump(exclude_defaults=True)
            out[key] = {name: jsonable(value) for name, value in bounds.items()}
        else:
            out[key] = [v.value if isinstance(v, Enum) else v for v in allowed]
    return out
