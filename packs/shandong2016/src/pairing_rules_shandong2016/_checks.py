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
from collections.abc import Sequence
from decimal import Decimal

from pairing_rules import (
    Choices,
    Dataset,
    Finding,
    Pack,
    Pair,
    Status,
    Text,
)

from ._common import (
    HEZE,
    KEY_VILLAGE_YEAR,
    ONE_TO_MANY,
    URBAN_RURAL,
    _by_year,
    _finding,
    _interp,
    _provision_source,
    _year_label,
    city_key,
    format_percent,
    key,
)
from ._heze import check_assignments, heze_pair_schools
from ._models import HezeAssignment, KeyVillageSchool

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
                        f"scope is {shown_en}: neither the urban-rural programme (within the county "
                        "or the city) nor the Heze programme (within the province); none of the "
                        "notice's pair rules applied"
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
                zh=f"{_year_label(year)}：{detail_zh}；不是“一对一”或“一对多”（{used.zh}）",
                en=f"{year or 'year not given'}: {detail_en}; neither one-to-one nor one-to-many "
                f"({used.en})",
            )
            status = Status.UNMET
        else:
            message = Text(
                zh=f"{_year_label(year)}：{len(supporters)} 所被帮扶学校各有 1 所帮扶学校（{used.zh}）",
                en=f"{year or 'year not given'}: each of {len(supporters)} supported schools "
                f"has one supporter ({used.en})",
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
