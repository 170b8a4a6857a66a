"""The rules of the notice that look at several records at once.

- 二(一): urban-rural pairs are "一对一" or "一对多"; a school of a provincial key
  poverty village (省扶贫工作重点村) is paired one-to-one.  Both are computed per
  year over the urban-rural pairs (``scope`` 县域内 or 市域内).
- 一(一): "省扶贫工作重点村中小学结对率达到100%" over ``key_village_schools``: a
  school is paired when an urban-rural pair supports it; the rate by city and
  for the province, due from 2017.
- 二(二) and 附件: each listed Heze school has one supporter, of its stage,
  designated by one of the cities the text names for that stage, each city
  designating one school per stage.  A Heze pair (``scope`` 省域内) and a
  ``heze_assignments`` record are two ways of naming a supporter: both are
  held to the list, the stage and the cities, and together they make a
  school's supply; a supporter of a city not named for the stage, or of
  another stage, is not counted.  A pair of no programme is reported, so
  that no record passes unexplained.

School names are compared without white space; city names also without a
trailing 市.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pairing_rules import (
    Choices,
    Dataset,
    Finding,
    Pack,
    Pair,
    Rounding,
    Scope,
    Source,
    Stage,
    Status,
    Text,
    normalize_quote,
    round_to,
)

from ._models import HezeAssignment, KeyVillageSchool

URBAN_RURAL: Final = frozenset({Scope.COUNTY, Scope.CITY})
HEZE: Final = frozenset({Scope.PROVINCE})

ONE_TO_MANY: Final = "shandong2016.one_to_many"
CITY_SUPPLY: Final = "shandong2016.heze_city_supply"
STAGE_MATCH: Final = "shandong2016.heze_stage_match"

#: under ``covers_stage``: the supporter stages that may support a listed stage
_COVERS: Final[dict[Stage, frozenset[Stage]]] = {
    Stage.SENIOR: frozenset({Stage.SENIOR, Stage.SECONDARY, Stage.TWELVE_YEAR}),
    Stage.JUNIOR: frozenset({Stage.JUNIOR, Stage.SECONDARY, Stage.NINE_YEAR, Stage.TWELVE_YEAR}),
}

LABELS: Final[dict[str, Text]] = {
    "pairs.programme": Text(zh="结对所属工作", en="programme of the pair"),
    "ur.key_village_one_to_one": Text(
        zh="重点村学校“一对一”帮扶", en="key-village school paired one-to-one"
    ),
    "ur.pair_shape": Text(
        zh="结对形式为“一对一”或“一对多”", en="pairs are one-to-one or one-to-many"
    ),
    "heze.pair_school": Text(
        zh="被帮扶学校在菏泽名单中", en="supported school is on the Heze list"
    ),
    "heze.listed_school": Text(zh="被帮扶学校在菏泽名单中", en="Heze school is on the list"),
    "heze.stage": Text(zh="帮扶学校学段与名单学段一致", en="supporter's stage matches the list"),
    "heze.city": Text(zh="确定帮扶学校的市在文件所列之中", en="the designating city is named"),
    "heze.school_supporter": Text(
        zh="每所名单学校有 1 所帮扶学校", en="one supporter for each listed school"
    ),
    "heze.city_supply": Text(
        zh="所列各市各确定 1 所该学段帮扶学校", en="each named city designates one supporter"
    ),
    "ur.key_village_paired": Text(zh="重点村学校已结对", en="the key-village school is paired"),
    "ur.key_village_rate": Text(
        zh="省扶贫工作重点村中小学结对率达到 100%", en="every key-village school paired (100%)"
    ),
}
#: the first year of 一(一)'s key-village target ("2017年……结对率达到100%")
KEY_VILLAGE_YEAR: Final = 2017


def key(name: str) -> str:
    """A school name for comparison: without white space."""
    return normalize_quote(name)


def city_key(name: str) -> str:
    """A city name for comparison: without white space and a trailing 市."""
    return key(name).removesuffix("市")


@dataclass(frozen=True, slots=True)
class ListedSchool:
    """A row of 附件."""

    seq: int
    county: str
    stage: Stage
    name: str


def heze_schools(pack: Pack) -> dict[str, ListedSchool]:
    """The schools of 附件 by comparison key, in the list's order."""
    out: dict[str, ListedSchool] = {}
    for row in pack.table("heze_schools").rows:
        school = ListedSchool(int(row["seq"]), row["county"], Stage(row["stage"]), row["school"])
        out[key(school.name)] = school
    return out


def supplier_cities(pack: Pack) -> dict[Stage, list[str]]:
    """The cities 二(二) names for each stage, in the text's order."""
    out: dict[Stage, list[str]] = defaultdict(list)
    for row in pack.table("heze_suppliers").rows:
        out[Stage(row["stage"])].append(row["city"])
    return dict(out)


def _provision_source(pack: Pack, provision_id: str) -> Source:
    for fact in pack.definition.provisions:
        if fact.id == provision_id:
            return fact.source
    raise KeyError(f"pack {pack.id} has no provision {provision_id!r}")


def _finding(
    requirement: str,
    status: Status,
    source: Source,
    message: Text,
    *,
    record: str | None = None,
    collection: str | None = None,
    group: str | None = None,
    observed: Any = None,
    expected: Any = None,
) -> Finding:
    """A finding; one about a record names it at the start of its message and is filed under it."""
    if record is not None:
        message = Text(zh=f"{record}：{message.zh}", en=f"{record}: {message.en}")
    return Finding(
        requirement=requirement,
        label=LABELS[requirement],
        status=status,
        record=record,
        collection=collection,
        group=group,
        observed=observed,
        expected=expected,
        source=source,
        message=message,
    )


def _year_label(year: int | None) -> str:
    return f"{year} 年度" if year is not None else "年度未填"


def _by_year(pairs: Iterable[Pair]) -> list[tuple[int | None, list[Pair]]]:
    groups: dict[int | None, list[Pair]] = defaultdict(list)
    for pair in pairs:
        groups[pair.year].append(pair)
    return sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or 0))


def format_percent(share: Decimal) -> str:
    """A share (0..1) as a percentage with one decimal place at most: ``0.5`` gives ``50%``."""
    pct = round_to(share * 100, Rounding.HALF_UP, 1)
    return f"{pct.normalize():f}%"


def _interp(choices: Choices, interpretation: str) -> str:
    return f"{interpretation}={choices[interpretation]}"


# ------------------------------------------------------------------------------ pairs


def unclassified_pairs(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """An information finding for each pair whose scope names neither programme."""
    source = _provision_source(pack, "programmes")
    out = []
    for pair in pairs:
        if pair.scope in URBAN_RURAL or pair.scope in HEZE:
            continue
        shown = pair.scope.value if pair.scope is not None else "未填写"
        shown_en = pair.scope.value if pair.scope is not None else "empty"
        out.append(
            _finding(
                "pairs.programme",
                Status.INFO,
                source,
                Text(
                    zh=(
                        f"结对范围为 {shown}：不属于城乡义务教育学校结对帮扶（县域内、市域内）"
                        "或支持菏泽教育发展结对帮扶（省域内），本通知的结对要求均未适用"
                    ),
                    en=(
                        f"scope is {shown_en}: neither the urban-rural programme (县域内, 市域内) "
                        "nor the Heze programme (省域内); none of the notice's pair rules applied"
                    ),
                ),
                record=pair.id,
                collection="pairs",
                observed=pair.scope.value if pair.scope is not None else None,
                expected=["县域内", "市域内", "省域内"],
            )
        )
    return out


def _links(pairs: Sequence[Pair]) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Supporters of each supported school and schools of each supporter (key -> name)."""
    supporters: dict[str, dict[str, str]] = defaultdict(dict)
    supported: dict[str, dict[str, str]] = defaultdict(dict)
    for pair in pairs:
        supporters[key(pair.supported)].setdefault(key(pair.supporter), pair.supporter)
        supported[key(pair.supporter)].setdefault(key(pair.supported), pair.supported)
    return supporters, supported


def key_village_one_to_one(
    pack: Pack, pairs: Sequence[Pair], listed: Sequence[KeyVillageSchool] = ()
) -> list[Finding]:
    """二(一): a key-village school has one supporter, which supports no other school.

    One finding per urban-rural pair whose supported school is in a key village
    (``supported_key_village``, or a school of ``listed``), counted over the
    urban-rural pairs of the same year.
    """
    source = _provision_source(pack, "ur.key_village_one_to_one")
    in_list = {key(s.name) for s in listed}
    out = []
    for year, group in _by_year(pairs):
        supporters, supported = _links(group)
        for pair in group:
            if pair.supported_key_village is not True and key(pair.supported) not in in_list:
                continue
            others = supporters[key(pair.supported)]
            schools = supported[key(pair.supporter)]
            observed = {"supporters_of_school": len(others), "schools_of_supporter": len(schools)}
            expected = {"supporters_of_school": 1, "schools_of_supporter": 1}
            problems_zh, problems_en = [], []
            if len(others) > 1:
                names = "、".join(sorted(others.values()))
                problems_zh.append(f"{pair.supported} 有 {len(others)} 所帮扶学校（{names}）")
                problems_en.append(
                    f"{pair.supported} has {len(others)} supporters ({', '.join(sorted(others.values()))})"
                )
            if len(schools) > 1:
                names = "、".join(sorted(schools.values()))
                problems_zh.append(
                    f"帮扶学校 {pair.supporter} 同时帮扶 {len(schools)} 所学校（{names}）"
                )
                problems_en.append(
                    f"the supporter {pair.supporter} supports {len(schools)} schools "
                    f"({', '.join(sorted(schools.values()))})"
                )
            if problems_zh:
                status = Status.UNMET
                message = Text(
                    zh=f"{_year_label(year)}：" + "；".join(problems_zh) + "；重点村学校应“一对一”",
                    en=f"{year or 'year not given'}: "
                    + "; ".join(problems_en)
                    + "; key-village schools are paired one-to-one",
                )
            else:
                status = Status.MET
                message = Text(
                    zh=f"{_year_label(year)}：{pair.supporter} 一对一帮扶 {pair.supported}",
                    en=f"{year or 'year not given'}: {pair.supporter} supports {pair.supported} one-to-one",
                )
            out.append(
                _finding(
                    "ur.key_village_one_to_one",
                    status,
                    source,
                    message,
                    record=pair.id,
                    collection="pairs",
                    observed=observed,
                    expected=expected,
                )
            )
    return out


def pair_shapes(pack: Pack, pairs: Sequence[Pair], choices: Choices) -> list[Finding]:
    """二(一): "一对一" or "一对多": under ``one_supporter`` each supported school has one supporter.

    One finding per year of urban-rural pairs; none under ``either_side``.
    """
    if choices[ONE_TO_MANY] != "one_supporter":
        return []
    source = _provision_source(pack, "ur.forms")
    used = _interp(choices, ONE_TO_MANY)
    out = []
    for year, group in _by_year(pairs):
        supporters, _ = _links(group)
        several = {school: names for school, names in supporters.items() if len(names) > 1}
        shown = sorted(
            next(p.supported for p in group if key(p.supported) == school) for school in several
        )
        observed = {"supported_schools": len(supporters), "with_several_supporters": shown}
        if several:
            detail_zh = "；".join(
                f"{name} 有 {len(several[key(name)])} 所帮扶学校（{'、'.join(sorted(several[key(name)].values()))}）"
                for name in shown
            )
            detail_en = "; ".join(
                f"{name} has {len(several[key(name)])} supporters" for name in shown
            )
            message = Text(
                zh=f"{_year_label(year)}：{detail_zh}；不是“一对一”或“一对多”（解释口径 {used}）",
                en=f"{year or 'year not given'}: {detail_en}; neither one-to-one nor one-to-many "
                f"(interpretation {used})",
            )
            status = Status.UNMET
        else:
            message = Text(
                zh=f"{_year_label(year)}：{len(supporters)} 所被帮扶学校各有 1 所帮扶学校（解释口径 {used}）",
                en=f"{year or 'year not given'}: each of {len(supporters)} supported schools "
                f"has one supporter (interpretation {used})",
            )
            status = Status.MET
        out.append(
            _finding(
                "ur.pair_shape",
                status,
                source,
                message,
                group=str(year) if year is not None else "年度未填",
                observed=observed,
                expected={"supporters_per_school": 1},
            )
        )
    return out


def heze_pair_schools(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """A Heze pair (``scope`` 省域内) supports a school of 附件."""
    listed = heze_schools(pack)
    source = pack.table("heze_schools").source
    out = []
    for pair in pairs:
        school = listed.get(key(pair.supported))
        if school is not None:
            status = Status.MET
            message = Text(
                zh=f"{pair.supported} 为附件第 {school.seq} 所（{school.county}，{school.stage.value}）",
                en=f"{pair.supported} is number {school.seq} of 附件 ({school.stage.label.en})",
            )
        else:
            status = Status.UNMET
            message = Text(
                zh=f"结对范围为省域内（支持菏泽教育发展结对帮扶），但 {pair.supported} 不在附件菏泽被帮扶学校名单中",
                en=f"scope 省域内 (Heze programme), but {pair.supported} is not on the 附件 list",
            )
        out.append(
            _finding(
                "heze.pair_school",
                status,
                source,
                message,
                record=pair.id,
                collection="pairs",
                observed=pair.supported,
                expected=school.name if school is not None else None,
            )
        )
    return out


# ------------------------------------------------------------------------ the Heze supply


@dataclass(frozen=True, slots=True)
class Supply:
    """A supporter named for a Heze school: by a Heze pair or by an assignment."""

    collection: str
    id: str
    #: the city that designates the supporter
    city: str | None
    supporter: str
    school: str
    stage: Stage | None


def supplies(pairs: Sequence[Pair], assignments: Sequence[HezeAssignment]) -> list[Supply]:
    """The Heze pairs and the assignments as one list of supporters.

    A pair's designating city is its ``supporter_city``, or its ``city`` when
    that is empty (the city that organises the pair).
    """
    out = [
        Supply(
            "pairs", p.id, p.supporter_city or p.city, p.supporter, p.supported, p.supporter_stage
        )
        for p in pairs
    ]
    out += [
        Supply("heze_assignments", a.id, a.city, a.supporter, a.heze_school, a.supporter_stage)
        for a in assignments
    ]
    return out


def _stage_accepted(listed: Stage, supporter: Stage, choices: Choices) -> bool:
    if choices[STAGE_MATCH] == "covers_stage":
        return supporter in _COVERS.get(listed, frozenset({listed}))
    return supporter is listed


def check_assignments(
    pack: Pack,
    assignments: Sequence[HezeAssignment],
    choices: Choices,
    pairs: Sequence[Pair] = (),
) -> list[Finding]:
    """Hold the Heze supporters, named by assignments and by Heze pairs, to 附件 and 二(二).

    Per assignment: the school is listed (``heze.listed_school``; for a pair,
    ``heze_pair_schools`` says so).  Per assignment and per pair: the
    supporter's stage is the school's (``heze.stage``), the city is one the
    text names for that stage (``heze.city``).  Only a supporter that passes
    both counts towards a school's supply.  Per listed school: exactly one
    counted supporter (``heze.school_supporter``; the same supporter named by a
    pair and by an assignment is one).  Per named city and stage: one listed
    school supplied (``heze.city_supply``, or at least one under
    ``shandong2016.heze_city_supply=one_or_more``).
    """
    listed = heze_schools(pack)
    cities = supplier_cities(pack)
    named = {stage: {city_key(c) for c in names} for stage, names in cities.items()}
    list_source = pack.table("heze_schools").source
    city_source = pack.table("heze_suppliers").source
    rule_source = _provision_source(pack, "heze.one_per_city")
    stage_used = _interp(choices, STAGE_MATCH)
    supply_used = _interp(choices, CITY_SUPPLY)
    out: list[Finding] = []
    counted: dict[str, dict[str, str]] = defaultdict(dict)
    left_out: dict[str, dict[str, str]] = defaultdict(dict)
    supplied: dict[tuple[Stage, str], dict[str, str]] = defaultdict(dict)
    for entry in supplies(pairs, assignments):
        school = listed.get(key(entry.school))
        if school is None:
            if entry.collection == "heze_assignments":
                out.append(
                    _finding(
                        "heze.listed_school",
                        Status.UNMET,
                        list_source,
                        Text(
                            zh=f"{entry.school} 不在附件菏泽被帮扶学校名单中",
                            en=f"{entry.school} is not on the 附件 list of Heze schools",
                        ),
                        record=entry.id,
                        collection=entry.collection,
                        observed=entry.school,
                    )
                )
            skipped = Text(
                zh="学校不在名单中，无法核对", en="the school is not listed; nothing to compare"
            )
            for requirement, source in (("heze.stage", rule_source), ("heze.city", city_source)):
                out.append(
                    _finding(
                        requirement,
                        Status.NOT_APPLICABLE,
                        source,
                        skipped,
                        record=entry.id,
                        collection=entry.collection,
                    )
                )
            continue
        if entry.collection == "heze_assignments":
            out.append(
                _finding(
                    "heze.listed_school",
                    Status.MET,
                    list_source,
                    Text(
                        zh=f"{school.name} 为附件第 {school.seq} 所（{school.stage.value}）",
                        en=f"{school.name} is number {school.seq} of 附件 ({school.stage.label.en})",
                    ),
                    record=entry.id,
                    collection=entry.collection,
                    observed=entry.school,
                    expected=school.name,
                )
            )
        stage_ok = entry.stage is not None and _stage_accepted(school.stage, entry.stage, choices)
        out.append(_stage_finding(entry, school, stage_ok, rule_source, stage_used))
        city = city_key(entry.city or "")
        city_ok = city in named.get(school.stage, set())
        out.append(_city_finding(entry, school, city_ok, cities, city_source))
        if stage_ok and city_ok:
            counted[key(school.name)].setdefault(key(entry.supporter), entry.supporter)
            supplied[(school.stage, city)].setdefault(key(school.name), school.name)
        else:
            reason = "学段不符" if not stage_ok else "所在市未列入"
            left_out[key(school.name)].setdefault(
                key(entry.supporter), f"{entry.supporter}（{reason}）"
            )
    for school in listed.values():
        found = counted.get(key(school.name), {})
        names = sorted(found.values())
        excluded = sorted(
            v for k, v in left_out.get(key(school.name), {}).items() if k not in found
        )
        extra_zh = f"；未计入：{'、'.join(excluded)}" if excluded else ""
        extra_en = f"; not counted: {', '.join(excluded)}" if excluded else ""
        if len(found) == 1:
            status = Status.MET
            message = Text(
                zh=f"帮扶学校：{names[0]}{extra_zh}", en=f"supporter: {names[0]}{extra_en}"
            )
        elif not found:
            status = Status.UNMET
            message = Text(zh=f"没有帮扶学校{extra_zh}", en=f"no supporter{extra_en}")
        else:
            status = Status.UNMET
            message = Text(
                zh=f"有 {len(found)} 所帮扶学校（{'、'.join(names)}）{extra_zh}",
                en=f"{len(found)} supporters ({', '.join(names)}){extra_en}",
            )
        out.append(
            _finding(
                "heze.school_supporter",
                status,
                rule_source,
                message,
                group=school.name,
                observed=len(found),
                expected=1,
            )
        )
    at_least = choices[CITY_SUPPLY] == "one_or_more"
    for stage, stage_cities in cities.items():
        for city in stage_cities:
            schools = sorted(supplied.get((stage, city_key(city)), {}).values())
            met = len(schools) >= 1 if at_least else len(schools) == 1
            shown = "、".join(schools) if schools else "无"
            out.append(
                _finding(
                    "heze.city_supply",
                    Status.MET if met else Status.UNMET,
                    rule_source,
                    Text(
                        zh=(
                            f"{city}为 {len(schools)} 所菏泽{stage.value}确定帮扶学校（{shown}），"
                            f"要求{'至少' if at_least else '恰好'} 1 所（解释口径 {supply_used}）"
                        ),
                        en=(
                            f"{city} supports {len(schools)} Heze {stage.label.en} school(s), "
                            f"required {'at least' if at_least else 'exactly'} one "
                            f"(interpretation {supply_used})"
                        ),
                    ),
                    group=f"{city}（{stage.value}）",
                    observed=len(schools),
                    expected="≥ 1" if at_least else "= 1",
                )
            )
    return out


def _stage_finding(
    entry: Supply, school: ListedSchool, accepted: bool, source: Source, used: str
) -> Finding:
    if entry.stage is None:
        status = Status.UNMET
        message = Text(
            zh=f"未填报帮扶学校学段；{school.name} 为{school.stage.value}",
            en=f"the supporter's stage is not reported; {school.name} is {school.stage.label.en}",
        )
    elif accepted:
        status = Status.MET
        message = Text(
            zh=f"帮扶学校为{entry.stage.value}，{school.name} 为{school.stage.value}（解释口径 {used}）",
            en=f"supporter {entry.stage.label.en}, {school.name} {school.stage.label.en} "
            f"(interpretation {used})",
        )
    else:
        status = Status.UNMET
        message = Text(
            zh=f"帮扶学校为{entry.stage.value}，而 {school.name} 为{school.stage.value}（解释口径 {used}）；不计入该校的帮扶学校",
            en=f"supporter {entry.stage.label.en}, but {school.name} is "
            f"{school.stage.label.en} (interpretation {used}); not counted as its supporter",
        )
    return _finding(
        "heze.stage",
        status,
        source,
        message,
        record=entry.id,
        collection=entry.collection,
        observed=entry.stage.value if entry.stage is not None else None,
        expected=school.stage.value,
    )


def _city_finding(
    entry: Supply,
    school: ListedSchool,
    accepted: bool,
    cities: dict[Stage, list[str]],
    source: Source,
) -> Finding:
    allowed = cities.get(school.stage, [])
    shown = entry.city or "未填写"
    shown_en = entry.city or "empty"
    if accepted:
        status = Status.MET
        message = Text(
            zh=f"{shown} 为确定帮扶{school.stage.value}的市之一",
            en=f"{shown_en} is one of the cities designating a {school.stage.label.en} supporter",
        )
    else:
        status = Status.UNMET
        message = Text(
            zh=(
                f"{shown} 不在确定帮扶{school.stage.value}的市之列（{'、'.join(allowed)}）；"
                "不计入该校的帮扶学校"
            ),
            en=(
                f"{shown_en} is not among the cities designating a {school.stage.label.en} "
                f"supporter ({', '.join(allowed)}); not counted as its supporter"
            ),
        )
    return _finding(
        "heze.city",
        status,
        source,
        message,
        record=entry.id,
        collection=entry.collection,
        observed=entry.city,
        expected=allowed,
    )


# ------------------------------------------------------------------ 一(一) key villages


def key_village_rate(
    pack: Pack, schools: Sequence[KeyVillageSchool], pairs: Sequence[Pair]
) -> list[Finding]:
    """一(一) "省扶贫工作重点村中小学结对率达到100%", from the list of key-village schools.

    A school is paired when an urban-rural pair (of its year, when it gives
    one) supports it.  One finding per school, then the rate by city and year
    and for the province (全省) by year: met at 100%; before 2017, when the
    target is not yet due, information.
    """
    source = _provision_source(pack, "ur.target_2017_key_village_rate")
    by_name: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_name[key(pair.supported)].append(pair)
    out: list[Finding] = []
    groups: dict[tuple[str, int | None], list[bool]] = defaultdict(list)
    for school in schools:
        supporting = [
            p
            for p in by_name.get(key(school.name), [])
            if school.year is None or p.year is None or p.year == school.year
        ]
        paired = bool(supporting)
        due = school.year is None or school.year >= KEY_VILLAGE_YEAR
        if paired:
            status = Status.MET
            ids = "、".join(p.id for p in supporting)
            message = Text(
                zh=f"{school.name} 已结对（{ids}）", en=f"{school.name} is paired ({ids})"
            )
        else:
            status = Status.UNMET if due else Status.INFO
            message = Text(
                zh=f"{school.name} 没有城乡结对"
                + ("" if due else f"（目标于 {KEY_VILLAGE_YEAR} 年到期）"),
                en=f"{school.name} has no urban-rural pair"
                + ("" if due else f" (the target falls due in {KEY_VILLAGE_YEAR})"),
            )
        out.append(
            _finding(
                "ur.key_village_paired",
                status,
                source,
                message,
                record=school.id,
                collection=KeyVillageSchool.COLLECTION,
                observed=[p.id for p in supporting],
            )
        )
        city = city_key(school.city) if school.city else "未填写"
        groups[(city, school.year)].append(paired)
        groups[("全省", school.year)].append(paired)
    order = sorted(groups, key=lambda g: (g[0] == "全省", g[0], g[1] is None, g[1] or 0))
    for city, year in order:
        flags = groups[(city, year)]
        done = sum(flags)
        due = year is None or year >= KEY_VILLAGE_YEAR
        rate = Decimal(done) / Decimal(len(flags))
        shown = f"{done}/{len(flags)} = {format_percent(rate)}"
        where = f"{city} {year}" if year is not None else city
        missing = Status.UNMET if due else Status.INFO
        status = Status.MET if done == len(flags) else missing
        note_zh = "" if due else f"；目标于 {KEY_VILLAGE_YEAR} 年到期"
        note_en = "" if due else f"; the target falls due in {KEY_VILLAGE_YEAR}"
        out.append(
            _finding(
                "ur.key_village_rate",
                status,
                source,
                Text(
                    zh=f"{where}：重点村中小学结对率 {shown}，要求 100%{note_zh}",
                    en=f"{where}: key-village schools paired {shown}, required 100%{note_en}",
                ),
                group=where,
                observed={
                    "paired": done,
                    "schools": len(flags),
                    "rate": float(rate.quantize(Decimal("0.0001"))),
                },
                expected="100%",
            )
        )
    return out


# ------------------------------------------------------------------------------ entry


def check_dataset(pack: Pack, dataset: Dataset, choices: Choices) -> list[Finding]:
    """Every dataset-level finding of the pack, in a stable order."""
    pairs = [p for p in dataset.records("pairs") if isinstance(p, Pair)]
    urban_rural = [p for p in pairs if p.scope in URBAN_RURAL]
    heze = [p for p in pairs if p.scope in HEZE]
    listed = [
        s for s in dataset.records(KeyVillageSchool.COLLECTION) if isinstance(s, KeyVillageSchool)
    ]
    out = unclassified_pairs(pack, pairs)
    out += key_village_one_to_one(pack, urban_rural, listed)
    out += pair_shapes(pack, urban_rural, choices)
    if listed:
        out += key_village_rate(pack, listed, urban_rural)
    out += heze_pair_schools(pack, heze)
    assignments = [a for a in dataset.records("heze_assignments") if isinstance(a, HezeAssignment)]
    if assignments or heze:
        out += check_assignments(pack, assignments, choices, heze)
    return out
