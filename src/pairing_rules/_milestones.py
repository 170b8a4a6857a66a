"""Milestones and deadlines, evaluated as of a date.

A milestone has a due date (or a month, resolved to a date by the pack's
``milestones.month_due`` interpretation: the month's last or first day), what
is due, and optionally a progress value (进度值, percent of the year's work) or
a target share of records that should be done by then.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ._contract import JsonNumber
from ._i18n import Text
from ._interpretations import Choices
from ._numbers import format_percent
from ._provenance import Source
from ._rules import Cited, Provision, jsonable
from ._words import date_text

MONTH_DUE: Final = "milestones.month_due"
_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})$")


class MilestoneState(StrEnum):
    """Where a milestone stands on a date."""

    PASSED = "passed"
    DUE_TODAY = "due_today"
    UPCOMING = "upcoming"

    @property
    def label(self) -> Text:
        return {
            # not "passed", which reads like "met": the deadline is behind, done or not
            MilestoneState.PASSED: Text(zh="已截止", en="deadline passed"),
            MilestoneState.DUE_TODAY: Text(zh="今日到期", en="due today"),
            MilestoneState.UPCOMING: Text(zh="未到期", en="upcoming"),
        }[self]


class Milestone(Cited, BaseModel):
    """A deadline or a progress milestone.

    :param due: the exact due date, where the document gives one.
    :param month: ``YYYY-MM`` where the document gives only a month.
    :param due_text: the deadline as printed (``6月底``, ``3 月 15 日前``).
    :param progress: the progress value (进度值) the document attaches, in percent.
    :param target_share: the share of records that should be done by then (0..1).
    :param responsible: who is responsible, as printed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.]*$")
    label: Text
    due: dt.date | None = None
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    due_text: str | None = None
    progress: Decimal | None = Field(default=None, ge=0, le=100)
    target_share: Decimal | None = Field(default=None, ge=0, le=1)
    responsible: str | None = None
    evidence: str | None = None
    source: Source

    @model_validator(mode="after")
    def _one_date(self) -> Milestone:
        if (self.due is None) == (self.month is None):
            raise ValueError(f"milestone {self.id}: give exactly one of `due` and `month`")
        return self

    def due_date(self, choices: Choices | None = None) -> dt.date:
        """The due date; a month resolves by ``milestones.month_due`` (default: last day)."""
        if self.due is not None:
            return self.due
        match = _MONTH.match(self.month or "")
        assert match is not None
        year, month = int(match.group(1)), int(match.group(2))
        first = choices is not None and MONTH_DUE in choices and choices[MONTH_DUE] == "start"
        day = 1 if first else calendar.monthrange(year, month)[1]
        return dt.date(year, month, day)

    def interpretation_ids(self) -> set[str]:
        return {MONTH_DUE} if self.month else set()

    def provisions(self, owner: str) -> Iterator[Provision]:
        yield Provision(
            id=owner,
            kind="milestone",
            label=self.label,
            value={
                "due": self.due.isoformat() if self.due else None,
                "month": self.month,
                "due_text": self.due_text,
                "progress": jsonable(self.progress) if self.progress is not None else None,
                "target_share": jsonable(self.target_share)
                if self.target_share is not None
                else None,
            },
            source=self.source,
        )


class MilestoneStatus(BaseModel):
    """A milestone as it stands on a date."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    id: str
    label: Text
    due: dt.date
    state: MilestoneState
    progress: JsonNumber | None
    target_share: JsonNumber | None
    source: Source

    def as_json(self) -> dict[str, Any]:
        """The JSON of the milestone: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def milestone_status(
    milestones: Sequence[Milestone], as_of: dt.date, choices: Choices | None = None
) -> list[MilestoneStatus]:
    """Every milestone's state on ``as_of``, in due order."""
    out = []
    for m in milestones:
        due = m.due_date(choices)
        if due < as_of:
            state = MilestoneState.PASSED
        elif due == as_of:
            state = MilestoneState.DUE_TODAY
        else:
            state = MilestoneState.UPCOMING
        out.append(
            MilestoneStatus(
                id=m.id,
                label=m.label,
                due=due,
                state=state,
                progress=m.progress,
                target_share=m.target_share,
                source=m.source,
            )
        )
    return sorted(out, key=lambda s: (s.due, s.id))


def milestone_in_force(
    milestones: Sequence[Milestone], as_of: dt.date, choices: Choices | None = None
) -> Milestone | None:
    """The latest milestone with a target share whose due date is on or before ``as_of``."""
    due = [m for m in milestones if m.target_share is not None and m.due_date(choices) <= as_of]
    if not due:
        return None
    return max(due, key=lambda m: (m.due_date(choices), m.target_share or Decimal(0)))


class Progress(BaseModel):
    """Observed progress against the milestone in force on a date.

    :param observed_share: done ÷ total, to 4 decimal places (half even); whether it is on
        track is decided on the exact share.
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )

    as_of: dt.date
    done: int
    total: int
    observed_share: JsonNumber | None
    expected_share: JsonNumber
    milestone: str | None
    on_track: bool | None
    message: Text
    source: Source | None

    def as_json(self) -> dict[str, Any]:
        """The JSON of the progress: ``model_dump(mode="json")``."""
        return self.model_dump(mode="json")


def progress(
    milestones: Sequence[Milestone],
    as_of: dt.date,
    done: int,
    total: int,
    choices: Choices | None = None,
) -> Progress:
    """Compare ``done`` of ``total`` with the target share in force on ``as_of``."""
    current = milestone_in_force(milestones, as_of, choices)
    expected = current.target_share if current and current.target_share is not None else Decimal(0)
    observed = Decimal(done) / Decimal(total) if total else None
    on_track = None if observed is None else observed >= expected
    shown = f"{done}/{total}" + (f" = {format_percent(observed)}" if observed is not None else "")
    if current is None:
        message = Text(
            zh=f"截至 {date_text(as_of)} 尚无进度节点到期；已完成 {shown}",
            en=f"no milestone due by {as_of.isoformat()}; done {shown}",
        )
    else:
        verdict_zh = "符合进度" if on_track else "落后于进度"
        verdict_en = "on track" if on_track else "behind schedule"
        message = Text(
            zh=f"截至 {date_text(as_of)} 应完成 {format_percent(expected)}，已完成 {shown}，{verdict_zh}",
            en=f"by {as_of.isoformat()} {format_percent(expected)} due, done {shown}: {verdict_en}",
        )
    return Progress(
        as_of=as_of,
        done=done,
        total=total,
        observed_share=observed.quantize(Decimal("0.0001")) if observed is not None else None,
        expected_share=expected,
        milestone=current.id if current else None,
        on_track=on_track,
        message=message,
        source=current.source if current else None,
    )
