"""Rule pack ``cangnan2022``: 2022年苍南县义务教育阶段教育共同体结对帮扶工作实施方案.

The pack is data (``pack.yaml`` beside the document's text ``document.txt``);
this module registers it and adds the audits the data cannot express:

- the recounts of 附件1 that depend on a reading: the schools section 三 says
  are counted twice and its total of 86 (``cangnan2022.school_identity``), and
  三(一)2's fusion and co-build schools (``cangnan2022.existing_schools``);
- the arithmetic of the text's own figures: 三's 75 + 13 − 3 against its 86,
  and 三(一)2's 8 + 68 against 三's 75.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from pairing_rules import (
    AuditFinding,
    Choices,
    Fact,
    Pack,
    Source,
    Text,
    hookimpl,
    load_pack,
)

PACK_ID: Final = "cangnan2022"
PACK_FILE: Final = Path(__file__).with_name("pack.yaml")
IDENTITY: Final = "cangnan2022.school_identity"
EXISTING: Final = "cangnan2022.existing_schools"
COUNTY_TYPES: Final = ("融合型", "共建型")
#: the year of the plan: 附件1's rows formed that year are not "现有" under formed_before_2022
PLAN_YEAR: Final = 2022


def load() -> Pack:
    """Load the pack from its file (a fresh object each call)."""
    return load_pack(PACK_FILE)


@hookimpl
def pairing_rules_packs() -> Sequence[Pack]:
    return [load()]


@hookimpl
def pairing_rules_audit(pack: Pack, choices: Choices) -> Sequence[AuditFinding] | None:
    return [
        *repeated_collaboration_schools(pack, choices),
        *all_schools(pack, choices),
        *existing_county_schools(pack, choices),
        *name_variants(pack, choices),
        *stated_arithmetic(pack),
    ]


def _fact(pack: Pack, provision_id: str) -> Fact:
    return next(p for p in pack.definition.provisions if p.id == provision_id)


def _aliases(pack: Pack, choices: Choices) -> dict[str, str]:
    """Printed names read as another school's under ``one_school`` (none as printed)."""
    if choices[IDENTITY] != "one_school":
        return {}
    return {str(r["printed"]): str(r["same_as"]) for r in pack.table("name_variants").rows}


def _names(values: Iterable[Any], aliases: dict[str, str]) -> set[str]:
    return {aliases.get(str(v), str(v)) for v in values if v}


def _recount(
    pack: Pack,
    stated: Fact,
    subject: str,
    label: Text,
    observed: set[str],
    used: Sequence[str],
    choices: Choices,
    *,
    listed: bool = False,
) -> list[AuditFinding]:
    """A ``stated_figure`` finding when 附件1 does not bear out a figure of the text."""
    expected = int(Decimal(str(stated.value)))
    if len(observed) == expected:
        return []
    table = pack.table("communities")
    notes = [choices.note(i) for i in used]
    note_zh, note_en = "；".join(n.zh for n in notes), "; ".join(n.en for n in notes)
    names_zh = f"（{'、'.join(sorted(observed))}）" if listed else ""
    names_en = f" ({', '.join(sorted(observed))})" if listed else ""
    return [
        AuditFinding(
            code="stated_figure",
            subject=subject,
            message=Text(
                zh=(
                    f"{label.zh}：文件表述为 {expected}，按附件1 统计为 {len(observed)}{names_zh}"
                    f"（{note_zh}）"
                ),
                en=(
                    f"{label.en}: the text states {expected}, 附件1 gives {len(observed)}{names_en} "
                    f"({note_en})"
                ),
            ),
            observed=len(observed),
            expected=expected,
            source=stated.source,
            related=[table.source],
        )
    ]


def repeated_collaboration_schools(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """Section 三 says 3 of the 13 collaboration schools are also in a fusion or co-build community.

    Recount from 附件1: the members of 协作型 rows that also appear as a core or
    member school of a 融合型 or 共建型 row (names as ``school_identity`` reads them).
    """
    table = pack.table("communities")
    aliases = _aliases(pack, choices)
    county = _names(
        (v for r in table.select({"type": list(COUNTY_TYPES)}) for v in (r["core"], r["member"])),
        aliases,
    )
    collaboration = _names((r["member"] for r in table.select({"type": ["协作型"]})), aliases)
    return _recount(
        pack,
        _fact(pack, "coverage.collaboration_repeated"),
        "list.collaboration_repeated",
        Text(
            zh="协作型学校中与融合型、共建型重复的学校",
            en="collaboration schools also in fusion/co-build communities",
        ),
        collaboration & county,
        [IDENTITY],
        choices,
        listed=True,
    )


def all_schools(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """三's 86 schools: every member of 附件1 and the cores of the county's own communities."""
    table = pack.table("communities")
    aliases = _aliases(pack, choices)
    schools = _names((r["member"] for r in table.rows), aliases) | _names(
        (r["core"] for r in table.select({"type": list(COUNTY_TYPES)})), aliases
    )
    return _recount(
        pack,
        _fact(pack, "coverage.schools"),
        "list.all_schools",
        Text(
            zh="教共体学校总数（三 与附件1 中本县学校）",
            en="all community schools (section 三 vs Cangnan schools of 附件1)",
        ),
        schools,
        [IDENTITY],
        choices,
    )


def existing_county_schools(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """三(一)2 "现有融合型教共体结对校 8 所，共建型结对校 68 所": cores and members of 附件1."""
    table = pack.table("communities")
    before = choices[EXISTING] == "formed_before_2022"
    out = []
    for kind, fact_id, subject, label in (
        (
            "融合型",
            "pairing.county_fusion_schools",
            "list.fusion_schools",
            Text(
                zh="融合型教共体结对校数（三(一)2 与附件1 的核心校和成员校）",
                en="fusion-community schools (text vs cores and members of 附件1)",
            ),
        ),
        (
            "共建型",
            "pairing.county_cobuild_schools",
            "list.cobuild_schools",
            Text(
                zh="共建型结对校数（三(一)2 与附件1 的核心校和成员校）",
                en="co-build schools (text vs cores and members of 附件1)",
            ),
        ),
    ):
        rows = [
            r for r in table.select({"type": [kind]}) if not before or int(r["formed"]) < PLAN_YEAR
        ]
        schools = _names((v for r in rows for v in (r["core"], r["member"])), {})
        out += _recount(pack, _fact(pack, fact_id), subject, label, schools, [EXISTING], choices)
    return out


def name_variants(pack: Pack, choices: Choices) -> list[AuditFinding]:
    """Under ``one_school``: the list writes one school two ways, which is itself worth reporting."""
    table = pack.table("name_variants")
    out = []
    for name, same in _aliases(pack, choices).items():
        row = next(r for r in table.rows if r["printed"] == name)
        out.append(
            AuditFinding(
                code="name_variant",
                subject=f"communities:{row['row']}",
                message=Text(
                    zh=(
                        f"附件1 第 {row['row']} 号的“{name}”与第 {row['same_as_row']} 号的“{same}”"
                        f"按同一所学校统计（{choices.note(IDENTITY, 'one_school').zh}），名单写法不一"
                    ),
                    en=(
                        f"附件1 number {row['row']} writes {name} and number {row['same_as_row']} "
                        f"{same}, counted as one school ({choices.note(IDENTITY, 'one_school').en})"
                    ),
                ),
                observed=name,
                expected=same,
                source=table.source,
                related=[pack.table("communities").source],
            )
        )
    return out


def stated_arithmetic(pack: Pack) -> list[AuditFinding]:
    """The text's own sums: 三 "75 + 13 (3 所重复)" against its 86; 三(一)2's 8 + 68 against 三's 75."""
    total = _fact(pack, "coverage.schools")
    county = _fact(pack, "coverage.fusion_cobuild_schools")
    collaboration = _fact(pack, "coverage.collaboration_schools")
    repeated = _fact(pack, "coverage.collaboration_repeated")
    fusion = _fact(pack, "pairing.county_fusion_schools")
    cobuild = _fact(pack, "pairing.county_cobuild_schools")
    out = []
    union = int(county.value) + int(collaboration.value) - int(repeated.value)
    if union != int(total.value):
        out.append(
            _arithmetic(
                "coverage.schools",
                Text(
                    zh=(
                        f"三：融合型、共建型 {county.value} 所 + 协作型 {collaboration.value} 所 − 重复 "
                        f"{repeated.value} 所 = {union} 所，文件所列总数为 {total.value} 所"
                    ),
                    en=(
                        f"三: {county.value} fusion/co-build + {collaboration.value} collaboration − "
                        f"{repeated.value} repeated = {union} schools, the stated total is {total.value}"
                    ),
                ),
                union,
                int(total.value),
                total.source,
                [county.source, collaboration.source],
            )
        )
    both = int(fusion.value) + int(cobuild.value)
    if both != int(county.value):
        out.append(
            _arithmetic(
                "coverage.fusion_cobuild_schools",
                Text(
                    zh=(
                        f"三(一)2：融合型 {fusion.value} 所 + 共建型 {cobuild.value} 所 = {both} 所，"
                        f"三 写融合型、共建型 {county.value} 所"
                    ),
                    en=(
                        f"三(一)2: {fusion.value} fusion + {cobuild.value} co-build = {both} schools, "
                        f"三 states {county.value} fusion/co-build schools"
                    ),
                ),
                both,
                int(county.value),
                county.source,
                [fusion.source, cobuild.source],
            )
        )
    return out


def _arithmetic(
    subject: str, message: Text, observed: int, expected: int, source: Source, related: list[Source]
) -> AuditFinding:
    return AuditFinding(
        code="stated_arithmetic",
        subject=subject,
        message=message,
        observed=observed,
        expected=expected,
        source=source,
        related=related,
    )


__all__ = [
    "PACK_FILE",
    "PACK_ID",
    "all_schools",
    "existing_county_schools",
    "load",
    "name_variants",
    "repeated_collaboration_schools",
    "stated_arithmetic",
]
