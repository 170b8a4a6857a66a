"""Rule pack ``hunan2016``: 湘教通〔2016〕420号 关于在全省基础教育学校开展校校结对帮扶工作的通知.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``);
this module registers it and adds what the data cannot express:

- the completeness check of 一 4: every pair's agreement must state the pairing
  relationship, the content, the annual plan, the responsible department and
  the liaison; one finding per pair names exactly the items that are missing;
- the region records the target requirements do not judge: a year before the
  target year (reported as progress with the gap, or held to the target, as
  ``hunan2016.interim_years`` says) and, under ``hunan2016.target_regions =
  province_only``, a city's or a county's record (reported as information);
  each is evaluated by the pack's own requirement, so the comparison is the
  core's;
- the veto of 三 4, which concerns a school: each school, supporting or
  supported, is judged year by year across all its pairs (requirement
  ``in_place.pair`` on each pair, ``hunan2016.school_in_place`` for the school).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pairing_rules import (
    Agreement,
    Choices,
    Dataset,
    Fact,
    Finding,
    Pack,
    PackError,
    Pair,
    Region,
    Requirement,
    RequirementCheck,
    Status,
    Text,
    field_label,
    hookimpl,
    load_pack,
    normalize_quote,
)

PACK_ID: Final = "hunan2016"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")
#: the provision (一 4) listing the agreement items; also the id of its findings
AGREEMENT_RULE: Final = "agreement.contents"
#: the provision giving the target year (一 "到2020年")
TARGET_YEAR: Final = "goal.year"
#: the requirement on one pair, and the id of the per-school veto findings (三 4)
PAIR_IN_PLACE: Final = "in_place.pair"
VETO: Final = "veto.in_place"
VETO_RULE: Final = "veto.not_in_place"
INTERIM: Final = "hunan2016.interim_years"
REGIONS: Final = "hunan2016.target_regions"
SCHOOL: Final = "hunan2016.school_in_place"


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    pack = load_pack(PACK_FILE)
    agreement_items(pack)  # fail at load time, not at check time, on a bad item list
    return pack


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_check(
    pack: Pack, dataset: Dataset, choices: Choices, context: Mapping[str, Any]
) -> Sequence[Finding] | None:
    pairs = [r for r in dataset.records("pairs") if isinstance(r, Pair)]
    regions = [r for r in dataset.records("regions") if isinstance(r, Region)]
    return [
        *agreement_completeness(pack, pairs),
        *region_targets(pack, regions, choices),
        *school_veto(pack, pairs, choices),
    ]


def agreement_rule(pack: Pack) -> Fact:
    """The provision of 一 4 that lists the items an agreement must state."""
    for fact in pack.definition.provisions:
        if fact.id == AGREEMENT_RULE:
            return fact
    raise PackError(f"pack {pack.id}: provision {AGREEMENT_RULE} is missing")


def agreement_items(pack: Pack) -> list[str]:
    """The :class:`~pairing_rules.Agreement` fields the agreement must state, in the document's order."""
    value = agreement_rule(pack).value
    known = set(Agreement.model_fields)
    if (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, str) and v in known for v in value)
    ):
        raise PackError(
            f"pack {pack.id}: provision {AGREEMENT_RULE} must list Agreement fields "
            f"({', '.join(sorted(known))}), got {value!r}"
        )
    return [str(v) for v in value]


def stated(value: object) -> bool:
    """Whether an agreement item is stated: non-empty text."""
    return isinstance(value, str) and value.strip() != ""


def missing_items(pair: Pair, items: Sequence[str]) -> list[str]:
    """The items of ``items`` that the pair's agreement does not state (all when it has none)."""
    agreement = pair.agreement
    if agreement is None:
        return list(items)
    return agreement.unstated(items)


def agreement_completeness(pack: Pack, pairs: Sequence[Pair]) -> list[Finding]:
    """One finding per pair: met when its agreement states every item of 一 4.

    ``observed`` is ``{"missing": [...]}`` (field names, in the document's
    order), ``expected`` is ``{"required": [...]}``; the message names the
    missing items in Chinese and English.
    """
    rule = agreement_rule(pack)
    items = agreement_items(pack)

    def names(fields: Sequence[str], lang: str) -> list[str]:
        return [field_label(Agreement, f, "zh" if lang == "zh" else "en") for f in fields]

    out = []
    for pair in pairs:
        missing = missing_items(pair, items)
        if not missing:
            status = Status.MET
            message = Text(
                zh=f"结对 {pair.id} 的帮扶协议已明确全部 {len(items)} 项："
                + "、".join(names(items, "zh")),
                en=f"the agreement of pair {pair.id} states every item: "
                + ", ".join(names(items, "en")),
            )
        elif pair.agreement is None:
            status = Status.UNMET
            message = Text(
                zh=f"结对 {pair.id} 未填报帮扶协议内容，缺少：" + "、".join(names(missing, "zh")),
                en=f"pair {pair.id} reports no agreement; missing: "
                + ", ".join(names(missing, "en")),
            )
        else:
            status = Status.UNMET
            message = Text(
                zh=f"结对 {pair.id} 的帮扶协议缺少：" + "、".join(names(missing, "zh")),
                en=f"the agreement of pair {pair.id} lacks: " + ", ".join(names(missing, "en")),
            )
        out.append(
            Finding(
                requirement=AGREEMENT_RULE,
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


# -------------------------------------------------------------------------- 一 the targets


def _provision(pack: Pack, provision_id: str) -> Fact:
    for fact in pack.definition.provisions:
        if fact.id == provision_id:
            return fact
    raise PackError(f"pack {pack.id}: provision {provision_id} is missing")


def target_year(pack: Pack) -> int:
    """The year of the targets (一 "到2020年")."""
    return int(_provision(pack, TARGET_YEAR).value)


def target_requirements(pack: Pack) -> list[Requirement]:
    """The requirements of 一 on region records, in the pack's order."""
    return [
        r
        for r in pack.definition.requirements
        if r.collection == "regions" and r.id.startswith("target.")
    ]


def province_names(pack: Pack) -> list[str]:
    """The names under which a record is the province's (from the targets' own conditions)."""
    for requirement in target_requirements(pack):
        for condition in requirement.conditions:
            if condition.applies_to and "name" in condition.applies_to:
                return [str(n) for n in condition.applies_to["name"]]
    raise PackError(f"pack {pack.id}: no target condition names the province")


def _key(name: str) -> str:
    return normalize_quote(name)


def region_targets(pack: Pack, regions: Sequence[Region], choices: Choices) -> list[Finding]:
    """The targets on the region records their requirements leave aside.

    A record of a year before the target year: under ``progress`` an
    information finding ``<target>.progress`` with the value and the gap to the
    target; under ``held`` a finding ``<target>.interim`` with the status the
    target gives.  Under ``province_only`` a record that is not the province's:
    an information finding ``<target>.region``.  Each is computed by the
    target's own requirement, bound without its year filter.
    """
    year = target_year(pack)
    province = {_key(n) for n in province_names(pack)}
    every_region = choices[REGIONS] == "every_region"
    # a city's or county's figure is compared as if every region were held to the targets
    as_region = pack.choices({**choices.as_dict(), REGIONS: "every_region"})
    out = []
    for requirement in target_requirements(pack):
        unfiltered = requirement.model_copy(update={"applies_to": None})
        bound = RequirementCheck(unfiltered, choices, Region)
        bound_region = RequirementCheck(unfiltered, as_region, Region)
        field = requirement.conditions[0].key()
        target = requirement.conditions[0].at_least
        assert target is not None
        for region in regions:
            interim = region.year is not None and region.year < year
            judged_region = every_region or _key(region.name) in province
            if judged_region and not interim:
                continue  # the requirement itself judges it
            if not judged_region:
                found = bound_region.evaluate(region)
                out.append(
                    _information(
                        requirement,
                        region,
                        found,
                        field,
                        target,
                        "region",
                        year,
                        choices.note(REGIONS),
                    )
                )
            elif choices[INTERIM] == "progress":
                found = bound.evaluate(region)
                out.append(
                    _information(
                        requirement,
                        region,
                        found,
                        field,
                        target,
                        "progress",
                        year,
                        choices.note(INTERIM),
                    )
                )
            else:
                found = bound.evaluate(region)
                held = choices.note(INTERIM)
                note_zh = f"（{region.year} 年度按 {year} 年目标判定，{held.zh}）"
                note_en = f" ({region.year} held to the {year} target, {held.en})"
                out.append(
                    found.model_copy(
                        update={
                            "requirement": f"{requirement.id}.interim",
                            "message": Text(
                                zh=found.message.zh + note_zh, en=found.message.en + note_en
                            ),
                        }
                    )
                )
    return out


def _information(
    requirement: Requirement,
    region: Region,
    found: Finding,
    field: str,
    target: Decimal,
    kind: str,
    year: int,
    note: Text,
) -> Finding:
    """An information finding: the value, the target and the gap, without a verdict."""
    value = getattr(region, field)
    label_zh = field_label(Region, field, "zh").removesuffix("（%）")
    label_en = field_label(Region, field, "en").removesuffix(" (%)")
    expected = (found.expected or {}).get(field, f"≥ {target}")
    if value is None:
        gap = None
        state_zh, state_en = "未填报", "not reported"
    elif found.status is Status.MET:
        gap = Decimal(0)
        state_zh, state_en = f"{value}%，已达到", f"{value}%, meeting it"
    else:
        gap = max(target - Decimal(value), Decimal(0))
        if gap > 0:
            state_zh = f"{value}%，还差 {gap} 个百分点"
            state_en = f"{value}%, {gap} points short"
        else:
            state_zh, state_en = f"{value}%，须高于目标", f"{value}%, which must be above it"
    if kind == "progress":
        where_zh = f"{region.year} 年度进度（{year} 年目标 {expected}%）"
        where_en = f"progress in {region.year} (the {year} target is {expected}%)"
        note_zh, note_en = note.zh, note.en
    else:
        where_zh = f"全省 {year} 年目标 {expected}%，本地区仅作情况报告"
        where_en = (
            f"the province's {year} target is {expected}%, this region's figure is information"
        )
        note_zh, note_en = note.zh, note.en
    return Finding(
        requirement=f"{requirement.id}.{kind}",
        label=requirement.label,
        status=Status.INFO,
        record=region.key,
        collection="regions",
        observed={field: _number(value), "gap": _number(gap)},
        expected=found.expected,
        source=requirement.source,
        message=Text(
            zh=f"{where_zh}：{label_zh} {state_zh}（{note_zh}）",
            en=f"{where_en}: {label_en} {state_en} ({note_en})",
        ),
    )


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ------------------------------------------------------------------------ 三 4 the veto


def school_veto(pack: Pack, pairs: Sequence[Pair], choices: Choices) -> list[Finding]:
    """三 4 per school and year: is the school's pairing work in place?

    Every school of a pair, supporting or supported, is judged across all its
    pairs of the year (names compared without white space): under
    ``every_pair`` it is in place when each of its pairs meets ``in_place.pair``,
    under ``any_pair`` when one does.  A school not in place may not apply as
    an advanced unit and is vetoed at the year-end review.
    """
    spec = next(r for r in pack.definition.requirements if r.id == PAIR_IN_PLACE)
    bound = RequirementCheck(spec, choices, Pair)
    rule = _provision(pack, VETO_RULE)
    every = choices[SCHOOL] == "every_pair"
    names: dict[tuple[str, int | None], str] = {}
    found: dict[tuple[str, int | None], list[tuple[str, bool]]] = defaultdict(list)
    for pair in pairs:
        met = bound.evaluate(pair).status is Status.MET
        for name in dict.fromkeys((pair.supporter, pair.supported)):
            key = (_key(name), pair.year)
            names.setdefault(key, name)
            if all(pid != pair.id for pid, _ in found[key]):
                found[key].append((pair.id, met))
    out = []
    for key in sorted(found, key=lambda k: (k[0], k[1] is None, k[1] or 0)):
        name, year = names[key], key[1]
        ids = [pid for pid, _ in found[key]]
        missing = [pid for pid, met in found[key] if not met]
        in_place = not missing if every else len(missing) < len(ids)
        year_zh = f"{year} 年度" if year is not None else "年度未填"
        year_en = str(year) if year is not None else "year not given"
        used = choices.note(SCHOOL)
        if in_place:
            message = Text(
                zh=f"{name}（{year_zh}）：{len(ids)} 个结对中 {len(ids) - len(missing)} 个到位（{used.zh}）",
                en=f"{name} ({year_en}): {len(ids) - len(missing)} of {len(ids)} pairs in place "
                f"({used.en})",
            )
        else:
            message = Text(
                zh=(
                    f"{name}（{year_zh}）：结对 {'、'.join(missing)} 未到位（{used.zh}）；"
                    "该校不得参与先进单位的申报和评选，年终考核评优一票否决"
                ),
                en=(
                    f"{name} ({year_en}): pairs {', '.join(missing)} not in place ({used.en}); "
                    "the school may not apply as an advanced unit and is vetoed at the "
                    "year-end review"
                ),
            )
        out.append(
            Finding(
                requirement=VETO,
                label=rule.label,
                status=Status.MET if in_place else Status.UNMET,
                group=f"{name}（{year_zh}）",
                observed={"pairs": ids, "not_in_place": missing},
                expected="每个结对均到位" if every else "至少一个结对到位",
                source=rule.source,
                message=message,
            )
        )
    return out


__all__ = [
    "AGREEMENT_RULE",
    "PACK_FILE",
    "PACK_ID",
    "agreement_completeness",
    "agreement_items",
    "agreement_rule",
    "load",
    "missing_items",
    "province_names",
    "region_targets",
    "school_veto",
    "stated",
    "target_requirements",
    "target_year",
]
