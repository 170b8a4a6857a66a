"""The interpreter of group rules: a share, a rate or a count over the records of each group.

A group rule reads a whole collection at once (the communities of each county,
the pairs of each city); its plan (:class:`~pairing_rules._plan.GroupPlan`)
names the grouping field, the filters of what is counted and of what it is
divided by, and the bound or quota the result is held to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from ._interpret import ZERO
from ._interpret_values import filter_of

if TYPE_CHECKING:
    from ._plan import GroupPlan


# ---------------------------------------------------------------------------- groups


class GroupOutcome(NamedTuple):
    """A group rule on one group of records.

    :param status: ``met``, ``unmet``, ``not_applicable`` (nothing to compute, or no
        quota for the group) or ``info`` (a rate).
    :param counted: records (or distinct values) matching ``where`` (a share), or
        distinct values (a count).
    :param base: what a share divides by: records matching ``base``, their distinct
        values, or the group's quota.
    :param share: ``counted ÷ base`` (a share or a rate), ``None`` otherwise.
    :param target: the quota or ``at_least`` a count is held to.
    :param empty: the group has no record in the input (a listed group evaluated anyway).
    """

    group: str
    status: str
    counted: int
    base: int
    share: Decimal | None
    target: Decimal | None
    empty: bool = False


def group_key(plan: GroupPlan, record: Any) -> str:
    """The group a record belongs to (``全部`` when the rule does not group)."""
    if plan.group_by is None:
        return "全部"
    return str(getattr(record, plan.group_by) or "")


def distinct_values(records: Iterable[Any], fields: Sequence[str]) -> int:
    """How many distinct non-empty values the ``fields`` of ``records`` hold (lists pooled)."""
    names: set[str] = set()
    for record in records:
        for name in fields:
            value = getattr(record, name)
            if isinstance(value, list):
                names.update(str(v) for v in value if v)
            elif value:
                names.add(str(value))
    return len(names)


def groups_of(plan: GroupPlan, records: Sequence[Any]) -> list[GroupOutcome]:
    """The rule on every group of ``records``, sorted by group."""
    where = filter_of(plan.where)
    base_filter = filter_of(plan.base)
    grouped: dict[str, list[Any]] = {}
    for record in records:
        grouped.setdefault(group_key(plan, record), []).append(record)
    if plan.include_absent and plan.groups is not None:
        for listed in plan.groups:
            grouped.setdefault(listed, [])
    out = []
    for key in sorted(grouped):
        if plan.groups is not None and key not in plan.groups:
            continue
        if key in plan.exclude_groups:
            continue
        members = grouped[key]
        empty = not members
        if plan.kind == "count_distinct":
            counted = distinct_values(members, plan.distinct or ())
            target = plan.at_least
            if plan.quota is not None:
                target = plan.quota.get(key)
                if target is None:
                    out.append(GroupOutcome(key, "not_applicable", counted, 0, None, None, empty))
                    continue
            assert target is not None
            status = "met" if counted >= target else "unmet"
            out.append(GroupOutcome(key, status, counted, 0, None, target, empty))
            continue
        base = [r for r in members if base_filter is None or base_filter(r)]
        hits = [r for r in base if where is None or where(r)]
        size = (
            len(base) if plan.base_distinct is None else distinct_values(base, plan.base_distinct)
        )
        if plan.kind == "share" and plan.quota is not None:
            target = plan.quota.get(key)
            if target is None:
                out.append(GroupOutcome(key, "not_applicable", 0, 0, None, None, empty))
                continue
            size = int(target)
        counted = len(hits) if plan.distinct is None else distinct_values(hits, plan.distinct)
        if size == 0:
            out.append(GroupOutcome(key, "not_applicable", counted, 0, None, None, empty))
            continue
        share = Decimal(counted) / Decimal(size)
        if plan.kind == "rate":
            out.append(GroupOutcome(key, "info", counted, size, share, None, empty))
            continue
        met = True
        if plan.about is not None:
            met = abs(share - plan.about) <= (plan.tolerance or ZERO)
        if plan.at_least is not None:
            met = met and share >= plan.at_least
        if plan.at_most is not None:
            met = met and share <= plan.at_most
        out.append(GroupOutcome(key, "met" if met else "unmet", counted, size, share, None, empty))
    return out
