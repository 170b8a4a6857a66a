"""Rule pack ``zhejiang2019``: “互联网+义务教育”1000所中小学校结对帮扶民生实事工作方案.

The pack is data (``pack.yaml`` beside the document's text ``document.txt`` and
the tables of 附件2 and 附件3 under ``tables/``).  This module registers it and
adds what the data cannot express:

* :class:`ZhejiangPair`, the core :class:`~pairing_rules.Pair` read with the
  附件1 spelling of cities: ``杭州市`` is the row ``杭州``;
* the audit of the cities with counterpart-support duties (四(一)3 against the
  supporters of 附件2);
* the check of a pair list against 附件3 (full coverage of the rural
  small-scale schools, county by county) and of cities that are not in 附件1.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import field_validator

from pairing_rules import (
    AuditFinding,
    Choices,
    Dataset,
    Finding,
    Pack,
    Pair,
    Status,
    Text,
    hookimpl,
    load_pack,
)

PACK_ID: Final = "zhejiang2019"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")

#: the eleven cities of 附件1, in its order, as it writes them (without 市)
CITIES: Final = (
    "杭州",
    "宁波",
    "温州",
    "嘉兴",
    "湖州",
    "绍兴",
    "金华",
    "衢州",
    "舟山",
    "台州",
    "丽水",
)
NO_PUPILS: Final = "zhejiang2019.no_pupil_schools"
#: 附件3's name for the schools a city runs itself (湖州 and 衢州 both have one)
CITY_LEVEL: Final = "市本级"


def city_key(value: str) -> str:
    """The 附件1 spelling of a city: ``杭州市`` → ``杭州``; any other name unchanged.

    >>> city_key("杭州市"), city_key("杭州"), city_key("上海市")
    ('杭州', '杭州', '上海市')
    """
    name = "".join(value.split())
    if name.endswith("市") and name[:-1] in CITIES:
        return name[:-1]
    return name


class ZhejiangPair(Pair):
    """A :class:`~pairing_rules.Pair` as this plan reads it (same fields, same meaning).

    ``city`` takes the 附件1 spelling (``杭州市`` and ``杭州`` are the same row); the
    core record already reads 附件7's ``远程传递课堂`` and counts each form once.
    """

    @field_validator("city", mode="before")
    @classmethod
    def _city(cls, value: Any) -> Any:
        if isinstance(value, str):
            return city_key(value) or None
        return value


RECORD_TYPES: Final = {"pairs": ZhejiangPair}


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


# -------------------------------------------------------------------------------- audit


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    return duty_cities_mismatch(pack)


def _provision(pack: Pack, provision_id: str) -> Any:
    return next(p for p in pack.definition.provisions if p.id == provision_id)


def cross_city_supporters(pack: Pack) -> dict[str, list[str]]:
    """附件2: each city with a supporter in a receiving county of another city.

    :returns: ``{city: ["supporter→county", …]}`` in 附件1's order of cities.
    """
    found: dict[str, list[str]] = defaultdict(list)
    for row in pack.table("counterpart_support").rows:
        supporters = str(row["supporters"]).split("、")
        cities = str(row["supporter_cities"]).split("、")
        if len(supporters) != len(cities):
            raise ValueError(
                f"附件2 row {row['seq']}: supporters and their cities differ in number"
            )
        for supporter, city in zip(supporters, cities, strict=True):
            if city != row["city"]:
                found[city].append(f"{supporter}→{row['county']}")
    return {c: found[c] for c in CITIES if c in found}


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


# -------------------------------------------------------------------------------- check


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    pairs = [p for p in dataset.records("pairs") if isinstance(p, Pair)]
    return [*unknown_cities(pack, pairs), *small_scale_coverage(pack, pairs, choices)]


def unknown_cities(pack: Pack, pairs: Iterable[Pair]) -> list[Finding]:
    """One finding per city name that is not a row of 附件1 (the city rules skip those pairs)."""
    table = pack.quota_table("city_floors")
    known = {row.region for row in table.rows}
    by_city: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        name = pair.city or ""
        if name not in known:
            by_city[name].append(pair.id)
    out = []
    for name in sorted(by_city):
        ids = by_city[name]
        shown = name or "（未填写）"
        shown_en = name or "(empty)"
        out.append(
            Finding(
                requirement="city.known",
                label=Text(zh="设区市为附件1 所列设区市", en="city is one of 附件1"),
                status=Status.UNMET,
                group=name or None,
                observed={"city": name or None, "pairs": ids},
                expected=list(CITIES),
                source=table.source,
                message=Text(
                    zh=(
                        f"设区市「{shown}」不在附件1 的 11 个设区市中，结对 {'、'.join(ids)} "
                        f"未计入各市检查；请按附件1 填写（如“杭州”或“杭州市”）"
                    ),
                    en=(
                        f"city '{shown_en}' is not one of the 11 cities of 附件1; pairs "
                        f"{', '.join(ids)} are left out of the city checks; write it as 附件1 does "
                        "(e.g. 杭州 or 杭州市)"
                    ),
                ),
            )
        )
    return out


def _county(name: str | None) -> str:
    return "".join((name or "").split())


def small_scale_coverage(pack: Pack, pairs: Sequence[Pair], choices: Choices) -> list[Finding]:
    """附件3 county by county: are its small-scale schools all paired?

    A county of 附件3 is checked when its city is in the pair list or a pair
    names it.  Covered schools are the distinct supported schools of pairs
    marked ``supported_small_scale`` whose ``county`` is that county (the
    supported school's county; ``市本级`` also needs the city).  Under
    ``zhejiang2019.no_pupil_schools = excluded`` the schools without pupils
    named in 附件3 are not expected.
    """
    table = pack.table("small_scale_schools")
    goal = _provision(pack, "goal.small_scale_2019")
    no_pupils: dict[str, int] = defaultdict(int)
    for row in pack.table("no_pupil_schools").rows:
        no_pupils[f"{row['city']}{row['county']}"] += 1
    exclude = choices[NO_PUPILS] == "excluded"
    cities = {p.city for p in pairs if p.city}
    counties = {_county(p.county) for p in pairs if p.county}
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pair in pairs:
        if pair.supported_small_scale is not True or not pair.county:
            continue
        county = _county(pair.county)
        covered[(pair.city or "", county)].add(pair.supported)
        covered[("", county)].add(pair.supported)
    out = []
    for row in table.rows:
        county = row["county"]
        if not county:
            continue
        names = [county, *([row["also_written"]] if row["also_written"] else [])]
        # 市本级 is a row of two cities: only its own city's pairs reach it
        key_city = row["city_key"] if county == CITY_LEVEL else ""
        named = not key_city and bool(counties & set(names))
        if row["city_key"] not in cities and not named:
            continue
        schools: set[str] = set()
        for name in names:
            schools |= covered.get((key_city, name), set())
        listed = int(row["schools"] or 0)
        if exclude:
            listed -= no_pupils.get(f"{row['city']}{county}", 0)
        met = len(schools) >= listed
        note_zh = "（不计没有在读学生的学校）" if exclude else ""
        note_en = " (schools without pupils not counted)" if exclude else ""
        where = f"{row['city']}{county}"
        out.append(
            Finding(
                requirement="coverage.small_scale",
                label=Text(
                    zh="乡村小规模学校结对全覆盖（附件3）",
                    en="every rural small-scale school paired (附件3)",
                ),
                status=Status.MET if met else Status.UNMET,
                group=where,
                observed={
                    "covered": len(schools),
                    "schools": sorted(schools),
                    NO_PUPILS: choices[NO_PUPILS],
                },
                expected=f"≥ {listed}",
                source=goal.source,
                message=Text(
                    zh=f"已结对的乡村小规模学校 {len(schools)} 所，附件3 列 {listed} 所{note_zh}",
                    en=f"{len(schools)} small-scale schools paired, 附件3 lists {listed}{note_en}",
                ),
            )
        )
    return out


__all__ = [
    "CITIES",
    "PACK_FILE",
    "PACK_ID",
    "RECORD_TYPES",
    "ZhejiangPair",
    "city_key",
    "cross_city_supporters",
    "duty_cities_mismatch",
    "load",
    "small_scale_coverage",
    "unknown_cities",
]
