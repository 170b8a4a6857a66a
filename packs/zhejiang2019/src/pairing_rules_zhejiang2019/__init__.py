"""Rule pack ``zhejiang2019``: “互联网+义务教育”1000所中小学校结对帮扶民生实事工作方案.

The pack is data (``pack.yaml`` beside the document's text ``document.txt`` and
the tables of 附件2 and 附件3 under ``tables/``).  This module registers it and
adds what the data cannot express:

* :class:`ZhejiangPair`, the core :class:`~pairing_rules.Pair` read with the
  附件1 spelling of cities (``杭州市`` is the row ``杭州``) and the three scopes of
  四(一) (``跨地区`` is not one of them);
* the audits: the cities with counterpart-support duties (四(一)3 against the
  supporters of 附件2), the supporters of 附件2 in the same city as the county
  they support, its former names, the scope shares of 四(一) that add up to more
  than 100%, and the cities whose small-scale schools cannot be paired one to
  one within their floor;
* the checks on a pair list: one-to-one (六(四)1), the four contents of an
  agreement, each pair's scope against where its two schools are, county names
  against 附件2 and 附件3, the full coverage of 附件3's small-scale schools county
  by county, cities that are not in 附件1, and (for the province's list) every
  county of the annexes taking part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pydantic import field_validator

from pairing_rules import (
    Agreement,
    AuditFinding,
    Choices,
    Dataset,
    Fact,
    Finding,
    Pack,
    PackError,
    Pair,
    Scope,
    Status,
    Text,
    hookimpl,
    load_pack,
    normalize_quote,
)
from pairing_rules._enums import VocabularyEnum

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
INPUT_SCOPE: Final = "zhejiang2019.input_scope"
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


def strip_city(value: str) -> str:
    """A county name without its city prefix: ``衢州市柯城区`` → ``柯城区``, ``湖州市本级`` → ``市本级``.

    >>> strip_city("衢州市柯城区"), strip_city(" 柯城区"), strip_city("湖州市本级")
    ('柯城区', '柯城区', '市本级')
    """
    name = "".join(value.split())
    for city in CITIES:
        prefix = f"{city}市"
        if name.startswith(prefix) and len(name) > len(prefix):
            rest = name[len(prefix) :]
            return CITY_LEVEL if rest == "本级" else rest
    return name


class PlanScope(VocabularyEnum):
    """The three scopes of 四(一) (``跨地区`` is not a scope of this plan).

    Input accepts what the core :class:`~pairing_rules.Scope` accepts for these three.
    """

    COUNTY = "县域内"
    CITY = "市域内"
    PROVINCE = "省域内"

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        try:
            core = Scope(value)
        except ValueError:
            return None
        return next((m for m in cls if m.value == core.value), None)

    @property
    def label(self) -> Text:
        return Scope(self.value).label

    @classmethod
    def accepted(cls) -> list[str]:
        return [a for a in Scope.accepted() if cls._missing_(a) is not None]


class ZhejiangPair(Pair):
    """A :class:`~pairing_rules.Pair` as this plan reads it (same fields, same meaning).

    ``city``, ``supporter_city`` and ``supported_city`` take the 附件1 spelling
    (``杭州市`` and ``杭州`` are the same row); ``scope`` is one of the three
    scopes of 四(一); the core record already reads 附件7's ``远程传递课堂`` and
    counts each form once.
    """

    scope: PlanScope | None = Pair.model_fields["scope"]  # type: ignore[assignment]

    @field_validator("city", "supporter_city", "supported_city", mode="before")
    @classmethod
    def _city(cls, value: Any) -> Any:
        if isinstance(value, str):
            return city_key(value) or None
        return value


RECORD_TYPES: Final = {"pairs": ZhejiangPair}


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE, record_types=RECORD_TYPES)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


def _provision(pack: Pack, provision_id: str) -> Fact:
    for fact in pack.definition.provisions:
        if fact.id == provision_id:
            return fact
    raise PackError(f"pack {pack.id}: provision {provision_id} is missing")


def _key(name: str | None) -> str:
    return normalize_quote(name or "")


# ------------------------------------------------------------------------------ county names


def county_aliases(pack: Pack) -> dict[str, str]:
    """Other spellings of a county and the name it is matched under (附件3's, or today's)."""
    out: dict[str, str] = {}
    for row in pack.table("county_names").rows:
        out[strip_city(str(row["name"]))] = str(row["current"])
    for row in pack.table("small_scale_schools").rows:
        if row["also_written"]:
            out[strip_city(str(row["also_written"]))] = str(row["county"])
    return out


def county_key(name: str, aliases: Mapping[str, str]) -> str:
    """A county name as the annexes are matched: city prefix removed, former names replaced."""
    bare = strip_city(name)
    return aliases.get(bare, bare)


def annex_counties(pack: Pack) -> dict[str, str]:
    """Every county named in 附件2 or 附件3 (matched names, 市本级 left out), with its city."""
    aliases = county_aliases(pack)
    out: dict[str, str] = {}
    for row in pack.table("small_scale_schools").rows:
        if row["county"] and row["county"] != CITY_LEVEL:
            out.setdefault(county_key(str(row["county"]), aliases), str(row["city_key"]))
    for row in pack.table("counterpart_support").rows:
        out.setdefault(county_key(str(row["county"]), aliases), str(row["city"]))
        names = str(row["supporters"]).split("、")
        cities = str(row["supporter_cities"]).split("、")
        for supporter, city in zip(names, cities, strict=True):
            key = county_key(supporter, aliases)
            if key != CITY_LEVEL:
                out.setdefault(key, city)
    return out


# -------------------------------------------------------------------------------- audit


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    if pack.id != PACK_ID:
        return None
    return [
        *duty_cities_mismatch(pack),
        *same_city_supporters(pack),
        *former_names(pack),
        *share_sums(pack, choices),
        *floors_short_of_coverage(pack),
    ]


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
    same = [f"{s}→{row['county']}" for s, city, row in _supports(pack) if city == row["city"]]
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
                    f"support: {', '.join(same)}"
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


# -------------------------------------------------------------------------------- check


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    if pack.id != PACK_ID:
        return None
    pairs = [p for p in dataset.records("pairs") if isinstance(p, Pair)]
    out = [
        *one_to_one(pack, pairs),
        *agreement_contents(pack, pairs),
        *scope_locations(pack, pairs),
        *unknown_cities(pack, pairs),
        *unknown_counties(pack, pairs),
        *small_scale_coverage(pack, pairs, choices),
    ]
    if choices[INPUT_SCOPE] == "province":
        out += counties_taking_part(pack, pairs)
    return out


def one_to_one(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """六(四)1 "一对一": within the input, one supporter per supported school and the reverse."""
    rule = _provision(pack, "scope.one_to_one")
    supporters: dict[str, dict[str, str]] = defaultdict(dict)
    supported: dict[str, dict[str, str]] = defaultdict(dict)
    for pair in pairs:
        supporters[_key(pair.supported)].setdefault(_key(pair.supporter), pair.supporter)
        supported[_key(pair.supporter)].setdefault(_key(pair.supported), pair.supported)
    out = []
    for pair in pairs:
        others = supporters[_key(pair.supported)]
        schools = supported[_key(pair.supporter)]
        problems_zh, problems_en = [], []
        if len(others) > 1:
            names = sorted(others.values())
            problems_zh.append(
                f"{pair.supported} 有 {len(others)} 所帮扶学校（{'、'.join(names)}）"
            )
            problems_en.append(
                f"{pair.supported} has {len(others)} supporters ({', '.join(names)})"
            )
        if len(schools) > 1:
            names = sorted(schools.values())
            problems_zh.append(
                f"帮扶学校 {pair.supporter} 帮扶 {len(schools)} 所学校（{'、'.join(names)}）"
            )
            problems_en.append(
                f"the supporter {pair.supporter} supports {len(schools)} schools ({', '.join(names)})"
            )
        if problems_zh:
            status = Status.UNMET
            message = Text(
                zh="；".join(problems_zh) + "；结对学校应按照一对一的方式结对",
                en="; ".join(problems_en) + "; schools are paired one to one",
            )
        else:
            status = Status.MET
            message = Text(
                zh=f"{pair.supporter} 一对一帮扶 {pair.supported}",
                en=f"{pair.supporter} supports {pair.supported} one to one",
            )
        out.append(
            Finding(
                requirement="pair.one_to_one",
                label=rule.label,
                status=status,
                record=pair.id,
                collection="pairs",
                observed={
                    "supporters_of_school": len(others),
                    "schools_of_supporter": len(schools),
                },
                expected={"supporters_of_school": 1, "schools_of_supporter": 1},
                source=rule.source,
                message=message,
            )
        )
    return out


def agreement_items(pack: Pack) -> list[str]:
    """The :class:`~pairing_rules.Agreement` fields 六(四)1 asks an agreement to state."""
    value = _provision(pack, "agreement.contents").value
    known = set(Agreement.model_fields)
    if not isinstance(value, list) or not value or not all(v in known for v in value):
        raise PackError(f"pack {pack.id}: agreement.contents must list Agreement fields")
    return [str(v) for v in value]


def agreement_contents(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """六(四)1 "明确具体结对目标、任务、职责分工及完成时间": each of the four, pair by pair."""
    rule = _provision(pack, "agreement.contents")
    items = agreement_items(pack)

    def names(fields: Iterable[str], lang: str) -> str:
        from pairing_rules import field_label

        sep = "、" if lang == "zh" else ", "
        return sep.join(field_label(Agreement, f, "zh" if lang == "zh" else "en") for f in fields)

    out = []
    for pair in pairs:
        missing = items if pair.agreement is None else pair.agreement.unstated(items)
        if not missing:
            status = Status.MET
            message = Text(
                zh=f"协议已明确{names(items, 'zh')}",
                en=f"the agreement states {names(items, 'en')}",
            )
        else:
            status = Status.UNMET
            none_zh = "未填报协议内容，" if pair.agreement is None else ""
            none_en = "no agreement reported; " if pair.agreement is None else ""
            message = Text(
                zh=f"{none_zh}协议未明确：{names(missing, 'zh')}",
                en=f"{none_en}the agreement does not state: {names(missing, 'en')}",
            )
        out.append(
            Finding(
                requirement="pair.agreement_contents",
                label=rule.label,
                status=status,
                record=pair.id,
                collection="pairs",
                observed={"missing": missing},
                expected={"required": items},
                source=rule.source,
                message=message,
            )
        )
    return out


def scope_locations(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """四(一): a pair's scope against where its two schools are.

    县域内: the same county (and city, where given); 市域内: the same city, another
    county ("跨县域"); 省域内: two cities of 附件1 ("跨市域").  Cities are compared
    in 附件1's spelling, counties as the annexes are matched.  A pair without the
    places its scope needs is not applicable, and says what is missing.
    """
    rule = _provision(pack, "scope.locations")
    aliases = county_aliases(pack)
    label = rule.label
    out = []
    for pair in pairs:
        if pair.scope is None:
            continue
        scope = str(pair.scope.value)
        cities = (pair.supporter_city, pair.supported_city)
        counties = (pair.supporter_county, pair.supported_county)
        needed: list[str] = ["supporter_city", "supported_city"]
        if scope in ("县域内", "市域内"):
            needed += ["supporter_county", "supported_county"]
        missing = [n for n in needed if not getattr(pair, n)]
        observed = {
            "scope": scope,
            "supporter": [cities[0], counties[0]],
            "supported": [cities[1], counties[1]],
        }
        if missing:
            out.append(
                Finding(
                    requirement="pair.scope_location",
                    label=label,
                    status=Status.NOT_APPLICABLE,
                    record=pair.id,
                    collection="pairs",
                    observed=observed,
                    expected=rule.value[scope],
                    source=rule.source,
                    message=Text(
                        zh=f"未填写两校所在地（{'、'.join(missing)}），无法核对结对范围 {scope}",
                        en=f"the schools' places are not given ({', '.join(missing)}); scope {scope} not verified",
                    ),
                )
            )
            continue
        same_city = city_key(cities[0] or "") == city_key(cities[1] or "")
        same_county = same_city and county_key(counties[0] or "", aliases) == county_key(
            counties[1] or "", aliases
        )
        in_province = all(city_key(c or "") in CITIES for c in cities)
        if scope == "县域内":
            met = same_county
            want_zh, want_en = "两校在同一县（市、区）", "both schools in one county"
        elif scope == "市域内":
            met = same_city and not same_county and city_key(cities[0] or "") in CITIES
            want_zh, want_en = (
                "两校在同一设区市的不同县（跨县域）",
                "one city, two counties (跨县域)",
            )
        else:
            met = not same_city and in_province
            want_zh, want_en = (
                "两校在省内不同设区市（跨市域）",
                "two cities of the province (跨市域)",
            )
        where_zh = (
            f"帮扶学校在{cities[0]}{counties[0] or ''}，被帮扶学校在{cities[1]}{counties[1] or ''}"
        )
        where_en = f"supporter in {cities[0]} {counties[0] or ''}, supported in {cities[1]} {counties[1] or ''}"
        out.append(
            Finding(
                requirement="pair.scope_location",
                label=label,
                status=Status.MET if met else Status.UNMET,
                record=pair.id,
                collection="pairs",
                observed=observed,
                expected=rule.value[scope],
                source=rule.source,
                message=Text(
                    zh=f"结对范围 {scope}：{where_zh}；要求{want_zh}",
                    en=f"scope {scope}: {where_en}; required: {want_en}",
                ),
            )
        )
    return out


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


def _supported_place(pair: Pair) -> tuple[str, str]:
    """The supported school's city and county: its own fields, or the pair's."""
    return (pair.supported_city or pair.city or ""), (pair.supported_county or pair.county or "")


def unknown_counties(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """County names that match no county of 附件2 or 附件3, whatever their city prefix.

    Such a name counts towards no county of the annexes: information, or unmet
    where a pair marked small-scale names it for its supported school (the
    school then covers no row of 附件3).
    """
    aliases = county_aliases(pack)
    known = set(annex_counties(pack)) | {CITY_LEVEL}
    found: dict[str, list[str]] = defaultdict(list)
    unplaced: set[str] = set()
    for pair in pairs:
        names = {
            pair.county,
            pair.supporter_county,
            pair.supported_county,
        }
        for name in sorted(n for n in names if n):
            key = county_key(name, aliases)
            if key in known:
                continue
            if pair.id not in found[key]:
                found[key].append(pair.id)
            if pair.supported_small_scale is True and _supported_place(pair)[1] == name:
                unplaced.add(key)
    table = pack.table("small_scale_schools")
    out = []
    for key in sorted(found):
        ids = found[key]
        unmet = key in unplaced
        extra_zh = "；其中标为乡村小规模学校的被帮扶学校未计入任何县的全覆盖核对" if unmet else ""
        extra_en = "; a small-scale school among them covers no county of 附件3" if unmet else ""
        out.append(
            Finding(
                requirement="county.known",
                label=Text(
                    zh="县（市、区）为附件2、附件3 所列", en="county is one of 附件2 or 附件3"
                ),
                status=Status.UNMET if unmet else Status.INFO,
                group=key,
                observed={"county": key, "pairs": ids},
                expected=None,
                source=table.source,
                message=Text(
                    zh=f"县（市、区）「{key}」不在附件2、附件3 中，结对 {'、'.join(ids)} 未计入按县的核对{extra_zh}",
                    en=f"county '{key}' is in neither 附件2 nor 附件3; pairs {', '.join(ids)} count towards "
                    f"no county{extra_en}",
                ),
            )
        )
    return out


def small_scale_coverage(pack: Pack, pairs: Sequence[Pair], choices: Choices) -> list[Finding]:
    """附件3 county by county: are its small-scale schools all paired?

    A county of 附件3 is checked when its city is in the pair list or a pair
    names it.  Covered schools are the distinct supported schools of pairs
    marked ``supported_small_scale`` in that county: the supported school's
    ``supported_county`` (or the pair's ``county``), matched whatever its city
    prefix or former name; ``市本级`` also needs the city.  Under
    ``zhejiang2019.no_pupil_schools = excluded`` the schools without pupils
    named in 附件3 are not expected.
    """
    table = pack.table("small_scale_schools")
    goal = _provision(pack, "goal.small_scale_2019")
    aliases = county_aliases(pack)
    no_pupils: dict[str, int] = defaultdict(int)
    for row in pack.table("no_pupil_schools").rows:
        no_pupils[f"{row['city']}{row['county']}"] += 1
    exclude = choices[NO_PUPILS] == "excluded"
    cities = {p.city for p in pairs if p.city} | {
        p.supported_city for p in pairs if p.supported_city
    }
    counties: set[str] = set()
    for pair in pairs:
        for name in (pair.county, pair.supported_county):
            if name:
                counties.add(county_key(name, aliases))
    covered: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pair in pairs:
        city, name = _supported_place(pair)
        if pair.supported_small_scale is not True or not name:
            continue
        county = county_key(name, aliases)
        covered[(city, county)].add(_key(pair.supported))
        covered[("", county)].add(_key(pair.supported))
    out = []
    for row in table.rows:
        county = row["county"]
        if not county:
            continue
        # 市本级 is a row of two cities: only its own city's pairs reach it
        key_city = row["city_key"] if county == CITY_LEVEL else ""
        named = not key_city and county in counties
        if row["city_key"] not in cities and not named:
            continue
        schools = covered.get((key_city, county), set())
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


def counties_taking_part(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """二 "全省所有县（市、区）均参与结对帮扶工作", on the counties the annexes name.

    The plan lists no county of the province beyond 附件2 and 附件3: every county
    they name (市本级 aside) must appear in a pair, as the pair's county or
    either school's.
    """
    goal = _provision(pack, "goal.all_counties")
    aliases = county_aliases(pack)
    expected = annex_counties(pack)
    present: set[str] = set()
    for pair in pairs:
        for name in (pair.county, pair.supporter_county, pair.supported_county):
            if name:
                present.add(county_key(name, aliases))
    missing = [
        f"{expected[c]}{c}"
        for c in sorted(
            expected, key=lambda c: (CITIES.index(expected[c]) if expected[c] in CITIES else 99, c)
        )
        if c not in present
    ]
    taking_part = len(expected) - len(missing)
    return [
        Finding(
            requirement="province.counties",
            label=goal.label,
            status=Status.MET if not missing else Status.UNMET,
            group="全省",
            observed={"counties": len(expected), "taking_part": taking_part, "missing": missing},
            expected=f"= {len(expected)}",
            source=goal.source,
            message=Text(
                zh=(
                    f"文件未列出全省全部县（市、区）；附件2、附件3 列出的 {len(expected)} 个县（市、区）中"
                    f" {taking_part} 个有结对"
                    + (f"，没有结对：{'、'.join(missing)}" if missing else "")
                ),
                en=(
                    f"the plan lists no full set of counties; of the {len(expected)} counties 附件2 and "
                    f"附件3 name, {taking_part} have a pair"
                    + (f"; none: {', '.join(missing)}" if missing else "")
                ),
            ),
        )
    ]


__all__ = [
    "CITIES",
    "PACK_FILE",
    "PACK_ID",
    "RECORD_TYPES",
    "PlanScope",
    "ZhejiangPair",
    "agreement_contents",
    "agreement_items",
    "annex_counties",
    "city_key",
    "counties_taking_part",
    "county_aliases",
    "county_key",
    "cross_city_supporters",
    "duty_cities_mismatch",
    "floors_short_of_coverage",
    "former_names",
    "load",
    "one_to_one",
    "same_city_supporters",
    "scope_locations",
    "share_sums",
    "small_scale_coverage",
    "strip_city",
    "unknown_cities",
    "unknown_counties",
]
