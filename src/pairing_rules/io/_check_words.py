"""What a check report says about a finding, a record and a milestone, in words.

A finding holds what it observed and expected as data keyed by what the
condition reads (a field, an expression); a person reads them here as words:
``城乡同步课堂节数 + 送教下乡/线下示范课节数 = 28``, ``占比 3/12 = 25%``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .._i18n import Lang, Text
from .._numbers import format_number, to_decimal
from .._words import Vocabulary, date_text, share_text

if TYPE_CHECKING:
    from .._engine import RecordCheck
    from .._milestones import MilestoneStatus
    from .._requirements import Finding

_GROUP_KEYS = frozenset({"count", "base", "share"})


def verdict(result: RecordCheck, lang: Lang = "zh") -> str:
    """通过 / 未通过, or 无适用要求 where no requirement applies to the record."""
    if not result.applicable:
        return Text(zh="无适用要求", en="no applicable requirement").get(lang)
    if result.passed:
        return Text(zh="通过", en="passed").get(lang)
    return Text(zh="未通过", en="not passed").get(lang)


def values_text(value: Any, words: Vocabulary, lang: Lang = "zh") -> str | None:
    """What a finding observed or expected, in words (``None`` for nothing)."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        if set(value) == _GROUP_KEYS and value.get("base"):
            share = value.get("share")
            shown = (
                share_text(to_decimal(share)) if isinstance(share, int | float | Decimal) else "—"
            )
            return f"{value['count']}/{value['base']} = {shown}"
        if lang == "en":
            value = {k: expected_en(v) if isinstance(v, str) else v for k, v in value.items()}
        return words.mapping(value, lang)
    if isinstance(value, str) and lang == "en":
        return words.value(expected_en(value), lang)
    return words.value(value, lang)


def expected_en(text: str) -> str:
    """A condition's expected value (written in Chinese in a finding) in English:
    ``= 是`` → ``= yes``, ``≥ 0.1 且 ≤ 1`` → ``≥ 0.1 and ≤ 1``."""
    return text.replace("= 是", "= yes").replace("= 否", "= no").replace(" 且 ", " and ")


def finding_values(
    finding: Finding, words: Vocabulary, lang: Lang = "zh"
) -> tuple[str | None, str | None]:
    """The observed and the expected values of a finding, in words."""
    return values_text(finding.observed, words, lang), values_text(finding.expected, words, lang)


def milestone_rows(
    milestones: Sequence[MilestoneStatus], lang: Lang = "zh"
) -> list[dict[str, str]]:
    """Each milestone for a person: due date, what is due, state, progress value, citation."""
    zh = lang == "zh"
    out = []
    for m in milestones:
        if m.progress is not None:
            progress = f"{format_number(m.progress)}%"
        elif m.target_share is not None:
            share = share_text(m.target_share)
            progress = f"应完成 {share}" if zh else f"{share} due"
        else:
            progress = ""
        out.append(
            {
                "due": date_text(m.due, lang),
                "label": m.label.get(lang),
                "state": m.state.label.get(lang),
                "progress": progress,
                "section": m.source.section,
                "source": f"{m.source.section}「{m.source.quote}」",
            }
        )
    return out


def milestone_notes(milestones: Sequence[MilestoneStatus], lang: Lang = "zh") -> list[str]:
    """What a milestone's state and its progress value mean."""
    zh = lang == "zh"
    out = [
        "状态：截止日期在报告日期之前为“已截止”，当天为“今日到期”，之后为“未到期”；"
        "状态只看日期，不表示是否已完成。"
        if zh
        else "State: “deadline passed” when the due date is before the report date, “due "
        "today” on it, “upcoming” after it; the state tells the date only, not whether the "
        "work is done."
    ]
    if any(m.progress is not None for m in milestones):
        out.append(
            "进度值：文件为该节点标注的工作进度，即到该节点应完成全年工作的百分比。"
            if zh
            else "Progress: the share of the year's work the document expects done by the milestone."
        )
    if any(m.target_share is not None for m in milestones):
        out.append(
            "“应完成”：到该节点应完成的记录比例，检查按此判断进度。"
            if zh
            else "“due”: the share of records that should be done by the milestone; the check "
            "measures progress against it."
        )
    return out
