"""Where the conditions of a pack are: each with its path, its rule and what encloses it.

A condition's meaning depends on what encloses it: the rubric's and the item's
``applies_to`` filters, the ``when`` gates, and whether it scores (a rubric
item), caps a grade (a veto trigger) or is checked (a requirement).  The lint
checks read conditions through :func:`condition_sites`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ._conditions import Condition, FilterSpec, WhenSpec
from ._i18n import Text
from ._yamlpos import Path

Role = Literal["item", "veto", "requirement"]


@dataclass(frozen=True)
class ConditionSite:
    """One condition of a pack, with what encloses it.

    :param filters: the enclosing ``applies_to`` filters with their paths, outermost first
        (the condition's own is ``condition.applies_to``).
    :param gates: the enclosing ``when`` gates with their paths.
    :param note: the enclosing rubric item's note (where it says how a number is derived).
    :param owner: the id of the rule, for messages (``rubric.county.research``).
    """

    path: Path
    condition: Condition
    collection: str
    role: Role
    filters: tuple[tuple[Path, FilterSpec], ...]
    gates: tuple[tuple[Path, WhenSpec], ...]
    note: Text | None
    owner: str


def _filter(path: Path, spec: FilterSpec | None) -> tuple[tuple[Path, FilterSpec], ...]:
    return ((path, spec),) if spec else ()


def _gate(path: Path, spec: WhenSpec | None) -> tuple[tuple[Path, WhenSpec], ...]:
    return ((path, spec),) if spec else ()


def condition_sites(definition: Any) -> Iterator[ConditionSite]:
    """Every condition of rubric items, veto triggers and requirements, in file order."""
    for r, rubric in enumerate(definition.rubrics):
        rpath: Path = ("rubrics", r)
        rfilter = _filter((*rpath, "applies_to"), rubric.applies_to)
        for i, item in enumerate(rubric.items):
            ipath: Path = (*rpath, "items", i)
            for c, cond in enumerate(getattr(item, "conditions", None) or []):
                yield ConditionSite(
                    path=(*ipath, "conditions", c),
                    condition=cond,
                    collection=rubric.collection,
                    role="item",
                    filters=rfilter + _filter((*ipath, "applies_to"), item.applies_to),
                    gates=_gate((*ipath, "when"), item.when),
                    note=item.note,
                    owner=f"rubric.{rubric.id}.{item.id}",
                )
        for v, veto in enumerate(rubric.vetoes):
            vpath: Path = (*rpath, "vetoes", v)
            for t, cond in enumerate(veto.triggers):
                yield ConditionSite(
                    path=(*vpath, "triggers", t),
                    condition=cond,
                    collection=rubric.collection,
                    role="veto",
                    filters=rfilter,
                    gates=_gate((*vpath, "when"), veto.when),
                    note=None,
                    owner=f"rubric.{rubric.id}.veto.{veto.id}",
                )
    for q, req in enumerate(definition.requirements):
        qpath: Path = ("requirements", q)
        for c, cond in enumerate(req.conditions):
            yield ConditionSite(
                path=(*qpath, "conditions", c),
                condition=cond,
                collection=req.collection,
                role="requirement",
                filters=_filter((*qpath, "applies_to"), req.applies_to),
                gates=_gate((*qpath, "when"), req.when),
                note=None,
                owner=f"requirement.{req.id}",
            )
