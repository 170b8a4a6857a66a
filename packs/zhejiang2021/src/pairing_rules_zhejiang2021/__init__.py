"""Rule pack ``zhejiang2021``: 浙教办函〔2021〕53号, the 1500-community livelihood project.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``
and the transcribed table of 附件1 in ``tables/``).  The formula audit of
附件1 row by row, the printed subtotals, the city floors and the verification
standard are all expressed in the pack file.  This module registers it and
adds what the data cannot express:

- the audit of the formula's totals: applied to every row, 说明二2's formula
  gives other totals than the printed ones, and other city floors than
  section 一's;
- under ``zhejiang2021.progress_base = quota``, progress county by county
  against the new member schools 附件1 allocates to the county.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pairing_rules import (
    AuditFinding,
    Choices,
    CommunityType,
    CommunityYear,
    Dataset,
    Finding,
    Milestone,
    Pack,
    RequirementCheck,
    Status,
    Text,
    hookimpl,
    load_pack,
    normalize_quote,
    quota,
)

PACK_ID: Final = "zhejiang2021"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")
PROGRESS_BASE: Final = "zhejiang2021.progress_base"
#: the table of new member schools by county, and the floors of section 一
COUNTIES: Final = "counties"
CITY_FLOORS: Final = "city_floors"


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


# -------------------------------------------------------------------------------- audit


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    if pack.id != PACK_ID:
        return None
    return formula_totals(pack, choices)


def formula_totals(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """说明二2's formula on every row of 附件1, added up, against the printed totals and floors.

    The rows that depart from the formula are reported one by one by the core
    audit; this adds what they amount to: the province's total of new member
    schools (and of paired schools, twice as many) and each city floor of
    section 一 that the formula would change.
    """
    table = pack.quota_table(COUNTIES)
    formula = table.formula
    assert formula is not None
    report = quota(pack, table=COUNTIES, audit_rows=True, interpretations=choices.as_dict())
    rule = formula.rule(choices)
    computed: dict[str, int] = defaultdict(int)
    printed: dict[str, int] = defaultdict(int)
    for row in report.rows:
        computed[row.parent or ""] += row.computed or 0
        printed[row.parent or ""] += row.published or 0
    total, total_printed = sum(computed.values()), sum(printed.values())
    floors = pack.quota_table(CITY_FLOORS)
    published_total = next(s for s in table.sums if s.parent is None and s.column == "published")
    out: list[AuditFinding] = []
    if total != total_printed:
        out.append(
            AuditFinding(
                code="formula_total",
                subject=f"{COUNTIES}:合计",
                message=Text(
                    zh=(
                        f"按说明二2 的公式逐行计算（{rule.label.zh}），新增成员校合计 {total} 所、"
                        f"结对学校 {2 * total:,} 所；附件1 合计印为 {total_printed} 所、"
                        f"{2 * total_printed:,} 所（一 的保底任务合计 {floors.total():,} 家）"
                    ),
                    en=(
                        f"说明二2's formula on every row ({rule.label.en}) gives {total} new member "
                        f"schools and {2 * total:,} paired schools; 附件1's total prints "
                        f"{total_printed} and {2 * total_printed:,} (section 一's floors add up to "
                        f"{floors.total():,})"
                    ),
                ),
                observed={"new_members": total, "schools": 2 * total},
                expected={"new_members": total_printed, "schools": 2 * total_printed},
                source=formula.source,
                related=[published_total.source, floors.source],
            )
        )
    for floor in floors.rows:
        members = computed.get(floor.region)
        if members is None or floor.published is None or 2 * members == floor.published:
            continue
        out.append(
            AuditFinding(
                code="formula_city_floor",
                subject=f"{CITY_FLOORS}:{floor.region}",
                message=Text(
                    zh=(
                        f"{floor.region}：按公式逐行计算新增成员校 {members} 所（附件1 小计 "
                        f"{printed[floor.region]} 所），保底任务应为 {2 * members} 家，一 印为 {floor.published} 家"
                    ),
                    en=(
                        f"{floor.region}: the formula on every row gives {members} new member schools "
                        f"(附件1 subtotal {printed[floor.region]}), a floor of {2 * members}; section 一 "
                        f"prints {floor.published}"
                    ),
                ),
                observed=2 * members,
                expected=floor.published,
                source=floor.source or floors.source,
                related=[formula.source],
            )
        )
    return out


# -------------------------------------------------------------------------------- check


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    if pack.id != PACK_ID:
        return None
    if choices[PROGRESS_BASE] != "quota":
        return []
    communities = [r for r in dataset.records("communities") if isinstance(r, CommunityYear)]
    as_of = context.get("as_of")
    if not isinstance(as_of, dt.date):  # the core always passes the run's date
        return []
    return county_progress(pack, communities, choices, as_of)


def _key(name: str | None) -> str:
    return normalize_quote(name or "")


def _city(name: str | None) -> str:
    key = _key(name)
    return key if key.endswith("市") or not key else f"{key}市"


def _target(milestones: Sequence[Milestone], as_of: dt.date, choices: Choices) -> Milestone | None:
    """The milestone with a target share in force on ``as_of`` (the latest due by then)."""
    due = [m for m in milestones if m.target_share is not None and m.due_date(choices) <= as_of]
    return max(due, key=lambda m: (m.due_date(choices), m.target_share or 0)) if due else None


def county_progress(
    pack: Pack, communities: Sequence[CommunityYear], choices: Choices, as_of: dt.date
) -> list[Finding]:
    """Progress county by county against 附件1's new member schools (``progress_base = quota``).

    A new fusion or co-build community (as the pack's ``progress`` selects
    them) is done when every requirement of ``progress`` is met and its
    verification date, if any, is on or before ``as_of``; it brings its member
    schools.  Each county of 附件1 with a record is compared with the target
    share in force; a record whose county (or city) is not a row of 附件1 is
    reported.
    """
    spec = pack.definition.progress
    assert spec is not None
    table = pack.quota_table(COUNTIES)
    rows = {(_key(r.parent), _key(r.region)): r for r in table.rows}
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for city, county in rows:
        by_name[county].append((city, county))
    requirements = [r for r in pack.definition.requirements if r.id in spec.requirements]
    bound = [RequirementCheck(r, choices, CommunityYear) for r in requirements]
    counted = spec.applies_to or {}
    types, years = counted.get("type", []), counted.get("formed_year", [])
    # the progress filter lists values (no range)
    assert isinstance(types, list)
    assert isinstance(years, list)
    new_types = {CommunityType(t) for t in types}
    new_years = set(years)
    current = _target(pack.definition.milestones, as_of, choices)
    expected = current.target_share if current is not None and current.target_share else Decimal(0)
    done: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    unplaced: list[str] = []
    for record in communities:
        if new_types and record.type not in new_types:
            continue
        if new_years and record.formed_year not in new_years:
            continue
        county = _key(record.county)
        matches = [
            key
            for key in by_name.get(county, [])
            if not record.city or key[0] == _city(record.city)
        ]
        if len(matches) != 1:
            unplaced.append(record.id)
            continue
        key = matches[0]
        seen[key].append(record.id)
        met = all(b.evaluate(record).status is Status.MET for b in bound)
        verified = record.verified_on
        if met and (verified is None or verified <= as_of):
            done[key] += len(record.members)
    source = spec.source
    label = Text(
        zh="按县进度：通过核验的新增成员校占下达任务数",
        en="progress by county: verified new member schools of the allocated task",
    )
    out = []
    for key in sorted(seen):
        row = rows[key]
        task = row.published or 0
        schools = done[key]
        where = f"{row.parent}{row.region}"
        if task == 0:
            out.append(
                Finding(
                    requirement="progress.county",
                    label=label,
                    status=Status.INFO,
                    group=where,
                    observed={"done": schools, "task": None, "communities": seen[key]},
                    expected=None,
                    source=source,
                    message=Text(
                        zh=f"{where}：附件1 未下达新增任务（印为“{row.printed or '/'}”），已通过核验的新增成员校 {schools} 所",
                        en=f"{where}: 附件1 allocates no new task, {schools} new member schools verified",
                    ),
                )
            )
            continue
        share = Decimal(schools) / Decimal(task)
        on_track = share >= expected
        due_zh = (
            f"截至 {as_of.isoformat()} 应完成 {expected * 100:.0f}%"
            if current is not None
            else f"截至 {as_of.isoformat()} 尚无进度节点到期"
        )
        due_en = (
            f"by {as_of.isoformat()} {expected * 100:.0f}% due"
            if current is not None
            else f"no milestone due by {as_of.isoformat()}"
        )
        shown = f"{schools}/{task} = {share * 100:.1f}%"
        out.append(
            Finding(
                requirement="progress.county",
                label=label,
                status=Status.MET if on_track else Status.UNMET,
                group=where,
                observed={
                    "done": schools,
                    "task": task,
                    "share": float(share.quantize(Decimal("0.0001"))),
                    "communities": seen[key],
                },
                expected=f"≥ {expected * 100:.0f}%",
                source=current.source if current is not None else source,
                message=Text(
                    zh=f"{where}：{due_zh}，已通过核验的新增成员校 {shown}（解释口径 {PROGRESS_BASE}=quota）",
                    en=f"{where}: {due_en}, new member schools verified {shown} "
                    f"(interpretation {PROGRESS_BASE}=quota)",
                ),
            )
        )
    if unplaced:
        out.append(
            Finding(
                requirement="progress.county",
                label=label,
                status=Status.UNMET,
                group=None,
                observed={"communities": unplaced},
                expected="附件1 的县（市、区）",
                source=table.source,
                message=Text(
                    zh=(
                        f"教共体 {'、'.join(unplaced)} 的县（市、区）未填写或不是附件1 的一行"
                        "（同名县须同时填写设区市），未计入任何县的进度"
                    ),
                    en=(
                        f"communities {', '.join(unplaced)} give no county, or one that is not a row "
                        "of 附件1 (a county name used in two cities needs the city): counted in no "
                        "county's progress"
                    ),
                ),
            )
        )
    return out


__all__ = ["PACK_FILE", "PACK_ID", "county_progress", "formula_totals", "load"]
