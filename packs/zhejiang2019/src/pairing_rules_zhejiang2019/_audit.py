"""The audits the pack data cannot express: 附件2 against 四(一), and the floors against 附件3."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pairing_rules import (
    AuditFinding,
    Choices,
    Pack,
    Text,
)

from ._names import CITIES, _provision


def cross_city_supporters(pack: Pack) -> dict[str, list[str]]:
    """附件2: each city with a supporter in a receiving county of another city.

    :returns: ``{city: ["supporter→county", …]}`` in 附件1's order of cities.
    """
    found: dict[str, list[str]] = defaultdict(list)
    for supporter, city, row in _supports(pack):
        if city != row["city"]:
            found[city].append(f"{supporter}→{row['county']}")
    return {c: found[c] for c in CITIES if c in found}


def _supports(pack: Pack) -> list[tuple[str, str, dict[str, Any]]]:
    """Every supporter of 附件2 with its city and its row."""
    out = []
    for row in pack.table("counterpart_support").rows:
        supporters = str(row["supporters"]).split("、")
        cities = str(row["supporter_cities"]).split("、")
        if len(supporters) != len(cities):
            raise ValueError(
                f"附件2 row {row['seq']}: supporters and their cities differ in number"
            )
        out += [(s, c, row) for s, c in zip(supporters, cities, strict=True)]
    return out


def duty_cities_mismatch(pack: Pack) -> list[AuditFinding]:
    """四(一)3 names five cities with counterpart-support duties; 附件2 shows who supports across cities."""
    named = _provision(pack, "scope.duty_cities_named")
    stated = [str(c) for c in named.value]
    supporters = cross_city_supporters(pack)
    observed = list(supporters)
    if observed == stated:
        return []
    extra = [c for c in observed if c not in stated]
    missing = [c for c in stated if c not in observed]
    detail_zh = "；".join(f"{c}：{'、'.join(supporters[c])}" for c in extra)
    detail_en = "; ".join(f"{c}: {', '.join(supporters[c])}" for c in extra)
    parts_zh = [
        f"四(一)3 点名 {'、'.join(stated)}，附件2 中跨市支援的设区市为 {'、'.join(observed)}"
    ]
    parts_en = [
        f"四(一)3 names {', '.join(stated)}; in 附件2 the cities supporting across cities are {', '.join(observed)}"
    ]
    if extra:
        parts_zh.append(f"未点名而跨市支援：{detail_zh}")
        parts_en.append(f"supporting across cities without being named: {detail_en}")
    if missing:
        parts_zh.append(f"点名而无跨市支援：{'、'.join(missing)}")
        parts_en.append(f"named without a cross-city supporter: {', '.join(missing)}")
    return [
        AuditFinding(
            code="duty_cities",
            subject="scope.duty_cities_named",
            message=Text(zh="；".join(parts_zh), en="; ".join(parts_en)),
            observed=observed,
            expected=stated,
            source=named.source,
            related=[pack.table("counterpart_support").source],
        )
    ]


def same_city_supporters(pack: Pack) -> list[AuditFinding]:
    """附件2's supporters in the same city as the county they support, against 省域内's "跨市域"."""
    rule = _provision(pack, "scope.province_pairs")
    pairs = [(s, row["county"]) for s, city, row in _supports(pack) if city == row["city"]]
    same = [f"{s}→{county}" for s, county in pairs]
    same_en = [f"“{s}” → “{county}”" for s, county in pairs]
    if not same:
        return []
    return [
        AuditFinding(
            code="same_city_support",
            subject="counterpart_support",
            message=Text(
                zh=(
                    f"四(一)3 的省域内结对按第四轮对口支援“建立跨市域、紧密型的城乡结对学校”，但附件2 的 "
                    f"{len(same)} 个支援方与所支援的县同属一个设区市：{'、'.join(same)}"
                ),
                en=(
                    f'四(一)3\'s province pairs follow the fourth-round list and are "跨市域" (across '
                    f"cities), but {len(same)} supporters of 附件2 are in the city of the county they "
                    f"support: {', '.join(same_en)}"
                ),
            ),
            observed=same,
            expected=[],
            source=rule.source,
            related=[pack.table("counterpart_support").source],
        )
    ]


def former_names(pack: Pack) -> list[AuditFinding]:
    """Names of 附件2 that no longer existed when the plan was written (2019)."""
    table = pack.table("counterpart_support")
    out = []
    for row in pack.table("county_names").rows:
        if row["kind"] != "obsolete":
            continue
        name = str(row["name"])
        seqs = [
            str(r["seq"])
            for r in table.rows
            if name in str(r["supporters"]).split("、") or name == r["county"]
        ]
        out.append(
            AuditFinding(
                code="former_name",
                subject=f"counterpart_support:{name}",
                message=Text(
                    zh=(
                        f"附件2 第 {'、'.join(seqs)} 号写“{name}”：{row['changed']} 年已{row['basis']}，"
                        f"本方案（2019 年）按“{row['current']}”核对"
                    ),
                    en=(
                        f"附件2 number {', '.join(seqs)} writes {name}, which became {row['current']} "
                        f"in {row['changed']}; this plan (2019) is matched under {row['current']}"
                    ),
                ),
                observed=name,
                expected=str(row["current"]),
                source=table.source,
                related=[pack.table("county_names").source],
            )
        )
    return out


def share_sums(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """四(一)'s shares for one city, added up: more than 100% cannot all hold.

    The target of each share rule in force (``about`` or ``at_least``) is added
    up per city it holds; a city whose targets exceed 100% is reported (the
    tolerance of "左右" is not counted).
    """
    targets: dict[str, list[tuple[Decimal, Any]]] = defaultdict(list)
    for rule in pack.definition.group_requirements:
        if rule.kind != "share" or not rule.id.startswith("scope_mix."):
            continue
        if rule.id.endswith(".task") or not _gate(rule.when, choices):
            continue
        target = rule.about if rule.about is not None else rule.at_least
        if target is None:
            continue
        for city in rule.groups or CITIES:
            targets[city].append((target, rule))
    out = []
    for city in CITIES:
        parts = targets.get(city, [])
        total = sum((t for t, _ in parts), Decimal(0))
        if total <= 1:
            continue
        shown = " + ".join(f"{t * 100:.0f}%" for t, _ in parts)
        out.append(
            AuditFinding(
                code="share_sum",
                subject=f"scope_mix:{city}",
                message=Text(
                    zh=f"{city}：县域内、市域内、省域内结对的比例合计 {shown} = {total * 100:.0f}%，超过 100%",
                    en=f"{city}: the county, city and province shares add up to {shown} = {total * 100:.0f}%, above 100%",
                ),
                observed=float(total),
                expected=1,
                source=parts[-1][1].source,
                related=[r.source for _, r in parts[:-1]],
            )
        )
    return out


def _gate(when: Mapping[str, str | list[str]] | None, choices: Choices) -> bool:
    for key, wanted in (when or {}).items():
        allowed = [wanted] if isinstance(wanted, str) else wanted
        if choices[key] not in allowed:
            return False
    return True


def floors_short_of_coverage(pack: Pack) -> list[AuditFinding]:
    """Cities whose floor (附件1) cannot pair their small-scale schools (附件3) one to one.

    One to one (六(四)1) a small-scale school needs a pair of its own, i.e. two
    schools of the city's floor: a city with more small-scale schools than
    half its floor cannot cover them within it.
    """
    floors = pack.quota_table("city_floors")
    small: dict[str, int] = defaultdict(int)
    for row in pack.table("small_scale_schools").rows:
        small[str(row["city_key"])] += int(row["schools"] or 0)
    goal = _provision(pack, "goal.small_scale_2019")
    out = []
    for floor in floors.rows:
        schools = small.get(floor.region, 0)
        if floor.published is None or 2 * schools <= floor.published:
            continue
        out.append(
            AuditFinding(
                code="floor_coverage",
                subject=f"city_floors:{floor.region}",
                message=Text(
                    zh=(
                        f"{floor.region}：附件3 列乡村小规模学校 {schools} 所，一对一全覆盖需 {schools} 对即 "
                        f"{2 * schools} 所结对学校，附件1 底线数量为 {floor.published} 所（{floor.published // 2} 对）"
                    ),
                    en=(
                        f"{floor.region}: 附件3 lists {schools} small-scale schools; covering them one to "
                        f"one takes {schools} pairs, {2 * schools} paired schools, but 附件1's floor is "
                        f"{floor.published} ({floor.published // 2} pairs)"
                    ),
                ),
                observed=2 * schools,
                expected=floor.published,
                source=goal.source,
                related=[floor.source or floors.source, pack.table("small_scale_schools").source],
            )
        )
    return out


def audit_pack(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """Every finding of this module."""
    return [
        *duty_cities_mismatch(pack),
        *same_city_supporters(pack),
        *former_names(pack),
        *share_sums(pack, choices),
        *floors_short_of_coverage(pack),
    ]
