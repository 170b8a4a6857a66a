"""二(二) and 附件: the Heze programme, its list and the supporters named for it.

A Heze pair (``scope`` 省域内) and a ``heze_assignments`` record are two ways
of naming a supporter for a school of 附件: both are held to the list, the
supporter's stage and the cities 二(二) names for that stage, and together they
make a school's supply; a supporter of a city not named for the stage, or of
another stage, is not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pairing_rules import (
    Choices,
    Finding,
    Pack,
    Pair,
    Source,
    Stage,
    Status,
    Text,
)

from ._common import (
    _COVERS,
    CITY_SUPPLY,
    STAGE_MATCH,
    _finding,
    _interp,
    _provision_source,
    city_key,
    key,
)
from ._models import HezeAssignment


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
                            f"要求{'至少' if at_least else '恰好'} 1 所（{supply_used.zh}）"
                        ),
                        en=(
                            f"{city} supports {len(schools)} Heze {stage.label.en} school(s), "
                            f"required {'at least' if at_least else 'exactly'} one "
                            f"({supply_used.en})"
                        ),
                    ),
                    group=f"{city}（{stage.value}）",
                    observed=len(schools),
                    expected="≥ 1" if at_least else "= 1",
                )
            )
    return out


def _stage_finding(
    entry: Supply, school: ListedSchool, accepted: bool, source: Source, used: Text
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
            zh=f"帮扶学校为{entry.stage.value}，{school.name} 为{school.stage.value}（{used.zh}）",
            en=f"supporter {entry.stage.label.en}, {school.name} {school.stage.label.en} "
            f"({used.en})",
        )
    else:
        status = Status.UNMET
        message = Text(
            zh=f"帮扶学校为{entry.stage.value}，而 {school.name} 为{school.stage.value}（{used.zh}）；不计入该校的帮扶学校",
            en=f"supporter {entry.stage.label.en}, but {school.name} is "
            f"{school.stage.label.en} ({used.en}); not counted as its supporter",
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
