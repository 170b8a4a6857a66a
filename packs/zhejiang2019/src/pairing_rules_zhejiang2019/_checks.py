"""The checks of a pair list the pack data cannot express (六(四)1, 四(一), 附件2, 附件3, 二)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from pairing_rules import (
    Agreement,
    Choices,
    Finding,
    Pack,
    PackError,
    Pair,
    Status,
    Text,
    field_label,
)

from ._names import (
    CITIES,
    CITY_LEVEL,
    INPUT_SCOPE,
    NO_PUPILS,
    _key,
    _provision,
    annex_counties,
    city_key,
    county_aliases,
    county_key,
)


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
        missing_zh = "、".join(field_label(Pair, n, "zh") for n in missing)
        missing_en = ", ".join(field_label(Pair, n, "en") for n in missing)
        scope_en = pair.scope.label.en
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
                        zh=f"未填写两校所在地（{missing_zh}），无法核对结对范围 {scope}",
                        en=f"the schools' places are not given ({missing_en}); scope {scope_en} not verified",
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
                "one city, two counties (“跨县域”)",
            )
        else:
            met = not same_city and in_province
            want_zh, want_en = (
                "两校在省内不同设区市（跨市域）",
                "two cities of the province (“跨市域”)",
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
                    en=f"scope {scope_en}: {where_en}; required: {want_en}",
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
                        "(e.g. “杭州” or “杭州市”)"
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
    missing_en = [
        f"“{c}” ({expected[c]})"
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
            observed={
                "counties": len(expected),
                "taking_part": taking_part,
                "missing": [c for c in sorted(expected) if c not in present],
            },
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
                    + (f"; none: {', '.join(missing_en)}" if missing else "")
                ),
            ),
        )
    ]


def check_pairs(pack: Pack, pairs: Sequence[Pair], choices: Choices) -> list[Finding]:
    """Every finding of this module, in a stable order."""
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
