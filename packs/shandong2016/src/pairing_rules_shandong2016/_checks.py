"""The rules of the notice that look at several records at once.

- 二(一): urban-rural pairs are "一对一" or "一对多"; a school of a provincial key
  poverty village (省扶贫工作重点村) is paired one-to-one.  Both are computed per
  year over the urban-rural pairs (``scope`` 县域内 or 市域内).
- 二(二) and 附件: each listed Heze school has one supporter, of its stage,
  designated by one of the cities the text names for that stage, each city
  designating one school per stage.  Computed over ``heze_assignments``.
- A Heze pair (``scope`` 省域内) supports a school of 附件; a pair of no
  programme is reported, so that no record passes unexplained.

School names are compared without white space; city names also without a
trailing 市.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pairing_rules import (
    Choices,
    Dataset,
    Finding,
    Pack,
    Pair,
    Scope,
    Source,
    Stage,
    Status,
    Text,
    normalize_quote,
)

from ._models import HezeAssignment

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
}


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


def key_village_one_to_one(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """二(一): a key-village school has one supporter, which supports no other school.

    One finding per urban-rural pair whose supported school is in a key village,
    counted over the urban-rural pairs of the same year.
    """
    source = _provision_source(pack, "ur.key_village_one_to_one")
    out = []
    for year, group in _by_year(pairs):
        supporters, supported = _links(group)
        for pair in group:
            if pair.supported_key_village is not True:
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


# ------------------------------------------------------------------------ assignments


def _stage_accepted(listed: Stage, supporter: Stage, choices: Choices) -> bool:
    if choices[STAGE_MATCH] == "covers_stage":
        return supporter in _COVERS.get(listed, frozenset({listed}))
    return supporter is listed


def check_assignments(
    pack: Pack, assignments: Sequence[HezeAssignment], choices: Choices
) -> list[Finding]:
    """Hold the Heze assignments to 附件 and 二(二).

    Per assignment: the school is listed (``heze.listed_school``), the
    supporter's stage is the school's (``heze.stage``), the city is one the
    text names for that stage (``heze.city``).  Per listed school: exactly one
    supporter (``heze.school_supporter``).  Per named city and stage: one
    listed school supported (``heze.city_supply``, or at least one under
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
    supporters: dict[str, dict[str, str]] = defaultdict(dict)
    supplied: dict[tuple[Stage, str], dict[str, str]] = defaultdict(dict)
    for a in assignments:
        school = listed.get(key(a.heze_school))
        if school is None:
            out.append(
                _finding(
                    "heze.listed_school",
                    Status.UNMET,
                    list_source,
                    Text(
                        zh=f"{a.heze_school} 不在附件菏泽被帮扶学校名单中",
                        en=f"{a.heze_school} is not on the 附件 list of Heze schools",
                    ),
                    record=a.id,
                    collection="heze_assignments",
                    observed=a.heze_school,
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
                        record=a.id,
                        collection="heze_assignments",
                    )
                )
            continue
        supporters[key(school.name)].setdefault(key(a.supporter), a.supporter)
        out.append(
            _finding(
                "heze.listed_school",
                Status.MET,
                list_source,
                Text(
                    zh=f"{school.name} 为附件第 {school.seq} 所（{school.stage.value}）",
                    en=f"{school.name} is number {school.seq} of 附件 ({school.stage.label.en})",
                ),
                record=a.id,
                collection="heze_assignments",
                observed=a.heze_school,
                expected=school.name,
            )
        )
        out.append(_stage_finding(a, school, choices, rule_source, stage_used))
        allowed = named.get(school.stage, set())
        if city_key(a.city) in allowed:
            supplied[(school.stage, city_key(a.city))].setdefault(key(school.name), school.name)
            status = Status.MET
            message = Text(
                zh=f"{a.city} 为确定帮扶{school.stage.value}的市之一",
                en=f"{a.city} is one of the cities designating a {school.stage.label.en} supporter",
            )
        else:
            status = Status.UNMET
            message = Text(
                zh=(
                    f"{a.city} 不在确定帮扶{school.stage.value}的市之列"
                    f"（{'、'.join(cities.get(school.stage, []))}）"
                ),
                en=(
                    f"{a.city} is not among the cities designating a {school.stage.label.en} "
                    f"supporter ({', '.join(cities.get(school.stage, []))})"
                ),
            )
        out.append(
            _finding(
                "heze.city",
                status,
                city_source,
                message,
                record=a.id,
                collection="heze_assignments",
                observed=a.city,
                expected=cities.get(school.stage, []),
            )
        )
    for school in listed.values():
        found = supporters.get(key(school.name), {})
        names = sorted(found.values())
        if len(found) == 1:
            status = Status.MET
            message = Text(zh=f"帮扶学校：{names[0]}", en=f"supporter: {names[0]}")
        elif not found:
            status = Status.UNMET
            message = Text(zh="没有帮扶学校", en="no supporter")
        else:
            status = Status.UNMET
            message = Text(
                zh=f"有 {len(found)} 所帮扶学校（{'、'.join(names)}）",
                en=f"{len(found)} supporters ({', '.join(names)})",
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
    a: HezeAssignment, school: ListedSchool, choices: Choices, source: Source, used: str
) -> Finding:
    if a.supporter_stage is None:
        status = Status.UNMET
        message = Text(
            zh=f"未填报帮扶学校学段；{school.name} 为{school.stage.value}",
            en=f"the supporter's stage is not reported; {school.name} is {school.stage.label.en}",
        )
    elif _stage_accepted(school.stage, a.supporter_stage, choices):
        status = Status.MET
        message = Text(
            zh=f"帮扶学校为{a.supporter_stage.value}，{school.name} 为{school.stage.value}（解释口径 {used}）",
            en=f"supporter {a.supporter_stage.label.en}, {school.name} {school.stage.label.en} "
            f"(interpretation {used})",
        )
    else:
        status = Status.UNMET
        message = Text(
            zh=f"帮扶学校为{a.supporter_stage.value}，而 {school.name} 为{school.stage.value}（解释口径 {used}）",
            en=f"supporter {a.supporter_stage.label.en}, but {school.name} is "
            f"{school.stage.label.en} (interpretation {used})",
        )
    return _finding(
        "heze.stage",
        status,
        source,
        message,
        record=a.id,
        collection="heze_assignments",
        observed=a.supporter_stage.value if a.supporter_stage is not None else None,
        expected=school.stage.value,
    )


# ------------------------------------------------------------------------------ entry


def check_dataset(pack: Pack, dataset: Dataset, choices: Choices) -> list[Finding]:
    """Every dataset-level finding of the pack, in a stable order."""
    pairs = [p for p in dataset.records("pairs") if isinstance(p, Pair)]
    urban_rural = [p for p in pairs if p.scope in URBAN_RURAL]
    out = unclassified_pairs(pack, pairs)
    out += key_village_one_to_one(pack, urban_rural)
    out += pair_shapes(pack, urban_rural, choices)
    out += heze_pair_schools(pack, [p for p in pairs if p.scope in HEZE])
    assignments = [a for a in dataset.records("heze_assignments") if isinstance(a, HezeAssignment)]
    if assignments:
        out += check_assignments(pack, assignments, choices)
    return out
