"""What every score report lists about a record, and what it sums up.

The text table, the HTML page and the workbook show the same things: each
record's id and name, its rubric, points and grade (ranked when asked), what
its vetoes did, and summaries per rubric and per group (乡镇/街道, 学段 … with
``--by``).  They are made here once, from the scored record, so the three
reports cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal

from .._clock import ReportDate, report_date
from .._i18n import Lang, Text
from .._models import record_key, record_name
from .._numbers import Rounding, format_number, round_to

if TYPE_CHECKING:
    from .._pack import Pack
    from .._plan import RubricPlan
    from .._scoring import Explanation

Order = Literal["input", "total", "name", "id"]
ORDERS: Final[tuple[str, ...]] = ("input", "total", "name", "id")
_UNFILLED: Final = Text(zh="（未填写）", en="(not filled in)")
ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """How a person asked for a report.

    :param order: ``input`` (as read), ``total`` (a ranking within each rubric, best
        first), ``name`` or ``id``.
    :param by: a field whose values group the records in a breakdown (``town``, ``stage`` …).
    :param members: show the member schools with each community's name.
    :param as_of: the date of the report (milestones are shown as of it).
    :param as_of_given: whether the date was asked for (``--as-of``) or is today's.
    """

    lang: Lang = "zh"
    order: Order = "input"
    by: str | None = None
    members: bool = False
    as_of: dt.date | None = None
    as_of_given: bool = False

    @property
    def dated(self) -> ReportDate:
        """The report's date and whether it was asked for (else today's date in UTC)."""
        if self.as_of is None:
            return report_date(None)
        return ReportDate(self.as_of, self.as_of_given)


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One scored record as every score report lists it."""

    id: str
    name: str | None
    plan: RubricPlan
    total: Decimal
    reach: Decimal
    grade: int
    #: the grade the points give, before any veto capped it
    unvetoed: int
    vetoes: tuple[int, ...]
    group: str | None
    #: the record's position in the input (for the input order)
    position: int

    def grade_label(self, lang: Lang = "zh") -> str:
        return self.plan.grades[self.grade].label.get(lang)


def unvetoed_grade(plan: RubricPlan, basis: Decimal) -> int:
    """The grade ``basis`` earns on ``plan``'s bands, before any veto."""
    for index, minimum in enumerate(plan.bands):
        if basis >= minimum:
            return index
    return len(plan.grades) - 1


def group_value(record: Any, by: str | None, lang: Lang = "zh") -> str | None:
    """The value of field ``by`` of ``record`` as a group's name (``None`` without ``by``)."""
    if by is None:
        return None
    value = getattr(record, by, None)
    if value is None or value == "" or value == []:
        return _UNFILLED.get(lang)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list):
        return "、".join(str(getattr(v, "value", v)) for v in value)
    return str(value)


def row_of(explained: Explanation, position: int, options: ReportOptions) -> ScoreRow:
    """The row of one scored record."""
    plan, outcome, record = explained.plan, explained.outcome, explained.record
    return ScoreRow(
        id=record_key(record),
        name=record_name(record, members=options.members, lang=options.lang),
        plan=plan,
        total=outcome.total,
        reach=outcome.reach,
        grade=outcome.grade,
        unvetoed=unvetoed_grade(plan, outcome.basis),
        vetoes=outcome.vetoes,
        group=group_value(record, options.by, options.lang),
        position=position,
    )


def ordered(rows: Sequence[ScoreRow], order: Order, plans: Sequence[RubricPlan]) -> list[ScoreRow]:
    """``rows`` in the order asked for; a ranking (``total``) is within each rubric."""
    if order == "input":
        return list(rows)
    if order == "id":
        return sorted(rows, key=lambda r: (r.id, r.position))
    if order == "name":
        return sorted(rows, key=lambda r: (r.name or "", r.id, r.position))
    rank = {p.id: n for n, p in enumerate(plans)}
    return sorted(rows, key=lambda r: (rank.get(r.plan.id, 0), -r.total, r.position))


def ranks(rows: Sequence[ScoreRow]) -> list[int]:
    """The rank of each row of a ranking (``ordered(…, "total", …)``): 1, 2, 2, 4 … per rubric."""
    out: list[int] = []
    first = 0
    for n, row in enumerate(rows):
        if n == 0 or rows[n - 1].plan.id != row.plan.id:
            first = n
            out.append(1)
        elif row.total == rows[n - 1].total:
            out.append(out[-1])
        else:
            out.append(n - first + 1)
    return out


# ---------------------------------------------------------------------------------- summaries


@dataclass(slots=True)
class Tally:
    """Count, sum, lowest and highest total, and the count of each grade, of some records."""

    grades: list[int]
    count: int = 0
    total: Decimal = ZERO
    low: Decimal | None = None
    high: Decimal | None = None

    def add(self, row: ScoreRow) -> None:
        self.count += 1
        self.total += row.total
        self.low = row.total if self.low is None else min(self.low, row.total)
        self.high = row.total if self.high is None else max(self.high, row.total)
        self.grades[row.grade] += 1

    @property
    def mean(self) -> Decimal | None:
        """The mean total, rounded half up to 2 places (``None`` for no record)."""
        if not self.count:
            return None
        return round_to(self.total / self.count, Rounding.HALF_UP, 2)


@dataclass(slots=True)
class ScoreSummary:
    """Tallies per rubric and, with a grouping field, per group and rubric."""

    plans: Sequence[RubricPlan]
    rubrics: dict[str, Tally] = field(default_factory=dict)
    groups: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def add(self, row: ScoreRow) -> None:
        width = len(row.plan.grades)
        tally = self.rubrics.get(row.plan.id)
        if tally is None:
            tally = self.rubrics[row.plan.id] = Tally([0] * width)
        tally.add(row)
        if row.group is not None:
            key = (row.group, row.plan.id)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = Tally([0] * width)
            group.add(row)

    def lines(self, pack: Pack, lang: Lang, *, groups: bool = False) -> list[SummaryLine]:
        """One line per tally: rubrics in the pack's order, groups by name."""
        order = {p.id: n for n, p in enumerate(self.plans)}
        plans = {p.id: p for p in self.plans}
        out: list[SummaryLine] = []
        if groups:
            keys = sorted(self.groups, key=lambda k: (k[0], order.get(k[1], 0)))
            items: Iterable[tuple[str | None, str, Tally]] = (
                (g, r, self.groups[(g, r)]) for g, r in keys
            )
        else:
            items = (
                (None, r, self.rubrics[r])
                for r in sorted(self.rubrics, key=lambda r: order.get(r, 0))
            )
        for group, rubric, tally in items:
            plan = plans[rubric]
            out.append(
                SummaryLine(
                    group,
                    plan,
                    rubric_name(pack, rubric, lang),
                    tally,
                    grade_counts(plan, tally, lang),
                )
            )
        return out


@dataclass(frozen=True, slots=True)
class SummaryLine:
    """One line of a summary: a rubric (in a group), its tally and its grades in grade order."""

    group: str | None
    plan: RubricPlan
    rubric: str
    tally: Tally
    grades: str


def grade_counts(plan: RubricPlan, tally: Tally, lang: Lang) -> str:
    """``优秀 3、良好 5、合格 0、不合格 2``: every grade, in the rubric's order."""
    sep = "、" if lang == "zh" else ", "
    return sep.join(
        f"{g.label.get(lang)} {n}" for g, n in zip(plan.grades, tally.grades, strict=True)
    )


def rubric_name(pack: Pack, rubric_id: str, lang: Lang = "zh") -> str:
    """What a person calls a rubric in a table: its short label, else its label."""
    rubric = pack.rubric(rubric_id)
    label = rubric.short_label or rubric.label
    return label.get(lang)


# ------------------------------------------------------------------------------- explanations


def veto_lines(row: ScoreRow, lang: Lang = "zh") -> list[str]:
    """What each veto that hit did: lowered the grade, or changed nothing (already below)."""
    plan = row.plan
    before = plan.grades[row.unvetoed].label.get(lang)
    out = []
    for n in row.vetoes:
        veto = plan.vetoes[n]
        cap = plan.grades[veto.cap].label.get(lang)
        label = veto.label.get(lang)
        if row.unvetoed >= veto.cap:
            out.append(
                f"{label}：等次至多为{cap}；按得分已为{before}，等次不变"
                if lang == "zh"
                else f"{label}: the grade is at most {cap}; the points give {before} already, "
                "so the grade is unchanged"
            )
        else:
            out.append(
                f"{label}：按得分为{before}，等次降为{cap}"
                if lang == "zh"
                else f"{label}: the points give {before}; the grade is lowered to {cap}"
            )
    return out


def points_of(value: Decimal) -> str:
    """Points for a person: ``87``, ``22.5``."""
    return format_number(value)
