"""Audits the pack data cannot express: oddities of 附件 itself.

- A school whose name states a stage (高级中学 = senior high, 初级中学 = junior
  high) different from the stage the list gives it.
- A stage with more listed schools than cities designating a supporter of
  that stage in 二(二): with one supporter per city, some listed school of
  that stage cannot be supported.
"""

from __future__ import annotations

from typing import Final

from pairing_rules import AuditFinding, Pack, Stage, Text

from ._heze import heze_schools, supplier_cities

#: words of a school name that state its stage
NAME_STAGES: Final[tuple[tuple[str, Stage], ...]] = (
    ("高级中学", Stage.SENIOR),
    ("初级中学", Stage.JUNIOR),
)


def stage_name_mismatches(pack: Pack) -> list[AuditFinding]:
    """A finding for each school of 附件 whose name and stage disagree."""
    table = pack.table("heze_schools")
    out = []
    for school in heze_schools(pack).values():
        word, named = next(((w, stage) for w, stage in NAME_STAGES if w in school.name), ("", None))
        if named is None or named is school.stage:
            continue
        out.append(
            AuditFinding(
                code="list_stage_name",
                subject=f"heze_schools:{school.seq}",
                message=Text(
                    zh=(
                        f"附件第 {school.seq} 所 {school.name}：学段列为{school.stage.value}，"
                        f"校名中的“{word}”表明为{named.value}"
                    ),
                    en=(
                        f"附件 number {school.seq}, {school.name}: listed as "
                        f"{school.stage.label.en}, but “{word}” in its name says {named.label.en}"
                    ),
                ),
                observed=school.stage.value,
                expected=named.value,
                source=table.source,
            )
        )
    return out


def supply_shortfalls(pack: Pack) -> list[AuditFinding]:
    """A finding for each stage with fewer designating cities than listed schools."""
    listed = list(heze_schools(pack).values())
    cities = supplier_cities(pack)
    rule = next(p for p in pack.definition.provisions if p.id == "heze.one_per_city")
    out = []
    for stage in (Stage.JUNIOR, Stage.SENIOR):
        schools = sum(1 for s in listed if s.stage is stage)
        supply = len(cities.get(stage, []))
        if supply == schools:
            continue
        subject = "heze.junior_supply" if stage is Stage.JUNIOR else "heze.senior_supply"
        out.append(
            AuditFinding(
                code="heze_supply",
                subject=subject,
                message=Text(
                    zh=(
                        f"二(二) 有 {supply} 个市各确定 1 所帮扶{stage.value}，"
                        f"附件列出 {schools} 所{stage.value}：每市 1 所时"
                        + (
                            f"有 {schools - supply} 所没有帮扶学校"
                            if schools > supply
                            else f"有 {supply - schools} 所帮扶学校无校可帮"
                        )
                    ),
                    en=(
                        f"二(二) has {supply} cities designate one {stage.label.en} supporter "
                        f"each, 附件 lists {schools} {stage.label.en} schools: with one per city, "
                        + (
                            f"{schools - supply} school(s) go without a supporter"
                            if schools > supply
                            else f"{supply - schools} supporter(s) have no school"
                        )
                    ),
                ),
                observed=supply,
                expected=schools,
                source=rule.source,
                related=[pack.table("heze_schools").source],
            )
        )
    return out


def audit_pack(pack: Pack) -> list[AuditFinding]:
    """Every finding of this module."""
    return stage_name_mismatches(pack) + supply_shortfalls(pack)
